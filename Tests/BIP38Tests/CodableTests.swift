import BIP38
import CryptoCore
import Foundation
import Testing

/// The BIP38 objects encode as their canonical text and validate when decoded.
@Suite struct CodableTests {
    struct Exchange: Codable, Equatable {
        let key: EncryptedKey
        let code: IntermediateCode
        let confirmation: ConfirmationCode
        let address: Address
    }

    @Test func roundTripsThroughText() throws {
        let bundle = Exchange(
            key: try EncryptedKey(RefusalTests.ecKey),
            code: try IntermediateCode(RefusalTests.intermediateCode),
            confirmation: try ConfirmationCode(RefusalTests.confirmationCode),
            address: try Address("1PE6TQi6HTVNz5DLwB1LcpMBALubfuN2z2"))
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = String(decoding: try encoder.encode(bundle), as: UTF8.self)
        #expect(
            json == #"{"address":"1PE6TQi6HTVNz5DLwB1LcpMBALubfuN2z2","code":"\#(RefusalTests.intermediateCode)","#
                + #""confirmation":"\#(RefusalTests.confirmationCode)","key":"\#(RefusalTests.ecKey)"}"#)
        #expect(try JSONDecoder().decode(Exchange.self, from: Data(json.utf8)) == bundle)
    }

    @Test func decodingValidates() {
        let json = Data(#"["6PfQu77ygVyJLZjfvMLyhLMQbYnu5uguoJJ4kMCLqWwPEdfpwANVS76gTY"]"#.utf8)
        #expect(throws: BIP38Error.badChecksum) { try JSONDecoder().decode([EncryptedKey].self, from: json) }
    }
}
