import Foundation
import Testing

/// Every specification vector through `bip38 ... --json`, as a user would run it.
@Suite struct SpecVectorsThroughCLI {
    @Test("decrypt gives the spec's key", arguments: SpecVector.all)
    func decrypt(_ vector: SpecVector) throws {
        let folder = try TemporaryFolder()
        let passphrase = try folder.secretFile("passphrase", vector.passphrase + "\n")
        let result = try ToolRunner.bip38("decrypt", vector.encrypted_key, "--passphrase-file", passphrase, "--json")
        #expect(result.status == 0, "\(result.stderr)")
        let json = try result.json()
        #expect(json["wif"] as? String == vector.unencrypted_wif)
        if let hex = vector.unencrypted_hex {
            #expect((json["private_key_hex"] as? String)?.lowercased() == hex.lowercased())
        }
        if let address = vector.bitcoin_address {
            #expect(json["address"] as? String == address)
        }
        #expect(json["compressed"] as? Bool == vector.compressed)
        #expect(json["ec_multiply"] as? Bool == vector.isEC)
        #expect(json["lot"] as? Int == vector.lot)
        #expect(json["sequence"] as? Int == vector.sequence)
        #expect((json["lot"] is NSNull) == (vector.lot == nil))
        #expect((json["segwit_address"] is NSNull) == !vector.compressed)
    }

    @Test("encrypt reproduces the spec's non-EC key byte for byte",
        arguments: SpecVector.all.filter { !$0.isEC })
    func encrypt(_ vector: SpecVector) throws {
        let folder = try TemporaryFolder()
        let passphrase = try folder.secretFile("passphrase", vector.passphrase)
        let key = try folder.secretFile("key", vector.unencrypted_wif + "\n")
        let result = try ToolRunner.bip38("encrypt", "--key-file", key, "--passphrase-file", passphrase, "--json")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try result.json()["encrypted_key"] as? String == vector.encrypted_key)
    }

    @Test("confirm gives the spec's address", arguments: SpecVector.all.filter { $0.confirmation_code != nil })
    func confirm(_ vector: SpecVector) throws {
        let result = try ToolRunner.bip38(
            "confirm", try #require(vector.confirmation_code), "--passphrase-file", "-", "--json",
            input: vector.passphrase + "\n")
        #expect(result.status == 0, "\(result.stderr)")
        let json = try result.json()
        #expect(json["address"] as? String == vector.bitcoin_address)
        #expect(json["lot"] as? Int == vector.lot)
        #expect(json["sequence"] as? Int == vector.sequence)
        #expect(json["compressed"] as? Bool == vector.compressed)
    }

    @Test("inspect reads flag, lot and sequence without a passphrase", arguments: SpecVector.all)
    func inspect(_ vector: SpecVector) throws {
        let result = try ToolRunner.bip38("inspect", vector.encrypted_key, "--json")
        #expect(result.status == 0, "\(result.stderr)")
        let json = try result.json()
        #expect(json["kind"] as? String == "encrypted_key")
        #expect(json["mode"] as? String == (vector.isEC ? "ec-multiply" : "non-ec"))
        #expect(json["compressed"] as? Bool == vector.compressed)
        #expect(json["lot"] as? Int == vector.lot)
        #expect(json["sequence"] as? Int == vector.sequence)
        if let code = vector.passphrase_code {
            let inspected = try ToolRunner.bip38("inspect", code, "--json").json()
            #expect(inspected["kind"] as? String == "intermediate_code")
            // The key and the code it was made from share ownerentropy.
            #expect(inspected["ownerentropy"] as? String == json["ownerentropy"] as? String)
        }
    }
}
