// The record format of A's passphrase journal and label spool (SecretRecord),
// which the printing and audit tools read back, and the journal card on top of it.
// max_len: 8192
import BIP38
import CryptoCore

@testable import Ceremony

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let records = SecretRecord.decode(SecretBytes(copying: fuzzBytes(data, size)))
    for record in records {
        for field in record.fields { _ = (field.name, field.value.count, record.text(field.name)) }
        if let serialText = record.text("serial"), let serial = Serial(text: serialText) {
            _ = serial.description
            if let bytes = record["passphrase"] { _ = try? Passphrase(utf8: bytes) }
            if let code = record.text("intermediate-code") { _ = try? IntermediateCode(code) }
        }
    }
    // What decodes re-encodes to records with the same fields.
    let again = SecretRecord.decode(SecretRecord.encode(records))
    fuzzExpect(again.count == records.count, "record count survives a round trip")
    for (a, b) in zip(records, again) {
        fuzzExpect(
            a.fields.map(\.name) == b.fields.map(\.name) && a.fields.map(\.value) == b.fields.map(\.value),
            "record round trip")
    }
    return 0
}
