import Ceremony
import CryptoCore
import Foundation
import Testing

/// The record format behind A's journal and the label spool reads only what it writes:
/// a line that is not `name: value`, a field given twice, or a file with no record is
/// refused (naming the line, never its value) rather than skipped.
@Suite struct SecretRecordFormat {
    func decode(_ text: String) -> Result<[SecretRecord], CeremonyError> {
        Result { () throws(CeremonyError) in try SecretRecord.decode(SecretBytes(copying: Array(text.utf8))) }
    }

    @Test func whatIsWrittenReadsBack() throws {
        var one = SecretRecord()
        one.add("serial", "1")
        one.add("passphrase", "ABCD-EFGH")
        var two = SecretRecord()
        two.add("serial", "2")
        let read = try SecretRecord.decode(SecretRecord.encode([one, two]))
        #expect(read.map { $0.text("serial") } == ["1", "2"])
        #expect(read[0].text("passphrase") == "ABCD-EFGH")
    }

    @Test(arguments: [
        ("serial: 1\nserial: 2\n", "line 2 repeats field 'serial'"),
        ("serial: 1\npassphrase SECRET-VALUE\n", "line 2 is not 'name: value'"),
        ("serial: 1\n: SECRET-VALUE\n", "line 2 is not 'name: value'"),
        ("serial:SECRET-VALUE\n", "line 1 is not 'name: value'"),
        ("", "holds no record"),
        ("\n\n\n", "holds no record"),
    ])
    func damagedTextIsRefused(text: String, message: String) {
        guard case .failure(let error) = decode(text) else {
            Issue.record("accepted \(text.debugDescription)")
            return
        }
        #expect(error.code == .damagedRecord)
        #expect(error.message == message)
        #expect(!error.description.contains("SECRET"))
    }
}
