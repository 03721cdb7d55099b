import Foundation
import TestSupport
import Testing

/// Every specification vector through `bip38 ... --json`, as a user would run it.
@Suite struct SpecVectorsThroughCLI {
    @Test("decrypt gives the spec's key", arguments: try SpecVector.all())
    func decrypt(_ vector: SpecVector) throws {
        let folder = try TemporaryFolder()
        let passphrase = try folder.secretFile("passphrase", vector.passphrase + "\n")
        let result = try ToolRunner.bip38("decrypt", vector.encryptedKey, "--passphrase-file", passphrase, "--json")
        #expect(result.status == 0, "\(result.stderr)")
        let json = try result.json()
        #expect(json["wif"] as? String == vector.unencryptedWIF)
        if let hex = vector.unencryptedHex {
            #expect((json["private_key_hex"] as? String)?.lowercased() == hex.lowercased())
        }
        if let address = vector.bitcoinAddress {
            #expect(json["address"] as? String == address)
        }
        #expect(json["compressed"] as? Bool == vector.compressed)
        #expect(json["ec_multiply"] as? Bool == vector.isECMultiply)
        #expect(json["lot"] as? Int == vector.lot)
        #expect(json["sequence"] as? Int == vector.sequence)
        #expect((json["lot"] is NSNull) == (vector.lot == nil))
        #expect((json["segwit_address"] is NSNull) == !vector.compressed)
    }

    @Test(
        "encrypt reproduces the spec's non-EC key byte for byte",
        arguments: try SpecVector.all().filter { !$0.isECMultiply })
    func encrypt(_ vector: SpecVector) throws {
        let folder = try TemporaryFolder()
        let passphrase = try folder.secretFile("passphrase", vector.passphrase)
        let key = try folder.secretFile("key", vector.unencryptedWIF + "\n")
        let result = try ToolRunner.bip38("encrypt", "--key-file", key, "--passphrase-file", passphrase, "--json")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try result.json()["encrypted_key"] as? String == vector.encryptedKey)
    }

    @Test("confirm gives the spec's address", arguments: try SpecVector.all().filter { $0.confirmationCode != nil })
    func confirm(_ vector: SpecVector) throws {
        let result = try ToolRunner.bip38(
            "confirm", try #require(vector.confirmationCode), "--passphrase-file", "-", "--json",
            input: vector.passphrase + "\n")
        #expect(result.status == 0, "\(result.stderr)")
        let json = try result.json()
        #expect(json["address"] as? String == vector.bitcoinAddress)
        #expect(json["lot"] as? Int == vector.lot)
        #expect(json["sequence"] as? Int == vector.sequence)
        #expect(json["compressed"] as? Bool == vector.compressed)
    }

    @Test("inspect reads flag, lot and sequence without a passphrase", arguments: try SpecVector.all())
    func inspect(_ vector: SpecVector) throws {
        let result = try ToolRunner.bip38("inspect", vector.encryptedKey, "--json")
        #expect(result.status == 0, "\(result.stderr)")
        let json = try result.json()
        #expect(json["kind"] as? String == "encrypted_key")
        #expect(json["mode"] as? String == (vector.isECMultiply ? "ec-multiply" : "non-ec"))
        #expect(json["compressed"] as? Bool == vector.compressed)
        #expect(json["lot"] as? Int == vector.lot)
        #expect(json["sequence"] as? Int == vector.sequence)
        if let code = vector.passphraseCode {
            let inspected = try ToolRunner.bip38("inspect", code, "--json").json()
            #expect(inspected["kind"] as? String == "intermediate_code")
            // The key and the code it was made from share ownerentropy.
            #expect(inspected["ownerentropy"] as? String == json["ownerentropy"] as? String)
        }
    }
}
