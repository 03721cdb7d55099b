import BIP38
import Ceremony
import CryptoCore
import Foundation

enum CardCosts {
    /// A random 24-character passphrase from [A-Z0-9] (BIP38 wants valid UTF-8).
    static func randomPassphrase() throws -> Passphrase {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".utf8)
        let text = (0..<24).map { _ in alphabet[Int(SystemRandom.uniform(below: UInt32(alphabet.count)))] }
        return try Passphrase(utf8: SecretBytes(copying: text))
    }

    /// Per-operation time in microseconds: `rounds` rounds of `iterations` calls each.
    static func perCall(iterations: Int, rounds: Int, _ body: () throws -> Void) rethrows -> [Double] {
        try body()
        return try (0..<rounds).map { _ in
            try timed { for _ in 0..<iterations { try body() } } * 1e6 / Double(iterations)
        }
    }

    static func siteB(minted layout: CeremonyLayout, cards: Int, scratch: URL) throws -> SiteBSplit {
        let passphrase = try randomPassphrase()
        let code = try IntermediateCode.make(
            passphrase: passphrase, lotSequence: try LotSequence(lot: 1, sequence: 0)
        ).intermediateCode
        let seedb = SystemRandom.secretBytes(count: 24)
        let factorb = SHA256.doubleHash(secret: seedb)
        let salt = SystemRandom.bytes(count: 12)
        let key = SystemRandom.secretBytes(count: 32)
        let block = SystemRandom.secretBytes(count: 16)
        let iterations = 200
        let rounds = 5

        // The four measurements are taken round by round, so "other" (whole minus
        // the parts) compares figures taken under the same load.
        var scrypt: [Double] = []
        var curve: [Double] = []
        var aes: [Double] = []
        var whole: [Double] = []
        var scryptBatched: [Double] = []
        var batched: [Double] = []
        let width = Scrypt.kernel.lanesAtOnce
        let calls = (0..<width).map { _ in (password: code.passpoint.compressed, salt: SystemRandom.bytes(count: 12)) }
        let seeds = (0..<width).map { _ in SystemRandom.secretBytes(count: 24) }
        for _ in 0..<rounds {
            scrypt += try perCall(iterations: iterations, rounds: 1) {
                _ = try Scrypt.derive(
                    password: code.passpoint.compressed, salt: salt, parameters: .bip38Passpoint, length: 64)
            }
            curve += try perCall(iterations: iterations, rounds: 1) {
                _ = try code.passpoint.multiplied(by: factorb)
                _ = try Secp256k1.publicPoint(of: factorb)
            }
            aes += try perCall(iterations: iterations, rounds: 1) {
                for _ in 0..<4 { _ = try AES256.encryptBlock(block, key: key) }
            }
            whole += try perCall(iterations: iterations, rounds: 1) {
                _ = try code.generateKey(seedb: seedb, format: .compressed, network: .mainnet)
            }
            scryptBatched += try perCall(iterations: iterations / width, rounds: 1) {
                _ = try Scrypt.derive(many: calls, parameters: .bip38Passpoint, length: 64)
            }.map { $0 / Double(width) }
            batched += try perCall(iterations: iterations / width, rounds: 1) {
                _ = try PreparedKey.finish(
                    seeds.map { try code.prepareKey(seedb: $0, format: .compressed, network: .mainnet) })
            }.map { $0 / Double(width) }
        }
        let other = (0..<rounds).map { whole[$0] - scrypt[$0] - curve[$0] - aes[$0] }

        func size(_ url: URL) -> Int {
            (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
        }
        let keysBytes = size(layout.keyBatch(1))
        let retentionBytes = size(layout.retention(.siteB, batch: 1))
        let requestBytes = size(layout.intermediateBatch(1))
        let facesBytes = size(layout.faces(1))
        let signer = Ed25519.SigningKey()
        let request = SystemRandom.bytes(count: requestBytes)
        let requestSignature = signer.sign(request)
        let keysPayload = SystemRandom.bytes(count: keysBytes)
        let retentionPayload = SystemRandom.bytes(count: retentionBytes)
        let signing = perCall(iterations: 20, rounds: rounds) {
            _ = Ed25519.verify(signature: requestSignature, message: request, publicKey: signer.publicKey)
            _ = signer.sign(keysPayload)
            _ = signer.sign(retentionPayload)
        }.map { $0 / 1000 }

        let folder = scratch.appendingPathComponent("disk-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let files = [(facesBytes, "faces.json"), (keysBytes, "keys.json"), (retentionBytes, "retention.json")]
            .map { (Data(SystemRandom.bytes(count: $0.0)), folder.appendingPathComponent($0.1)) }
        let disk = try perCall(iterations: 3, rounds: rounds) {
            for (data, url) in files { try AtomicFile.write(data, to: url, mode: .secret) }
        }.map { $0 / 1000 }

        let wholeSummary = Summary(whole, unit: "µs")
        return SiteBSplit(
            scryptLightMicroseconds: Summary(scrypt, unit: "µs"),
            curveMultiplicationsMicroseconds: Summary(curve, unit: "µs"), aesMicroseconds: Summary(aes, unit: "µs"),
            generateKeyMicroseconds: wholeSummary, otherPerCardMicroseconds: Summary(other, unit: "µs"),
            signingMilliseconds: Summary(signing, unit: "ms"), diskMilliseconds: Summary(disk, unit: "ms"),
            scryptLightBatchedMicroseconds: Summary(scryptBatched, unit: "µs"),
            batchedKeyMicroseconds: Summary(batched, unit: "µs"),
            computeCardsPerSecondPerCore: Summary(batched, unit: "µs").rate(work: 1e6, unit: "cards/s/core"))
    }

    static func siteA(scratch: URL, runs: Int) throws -> SiteACosts {
        let lotSequence = try LotSequence(lot: 1, sequence: 0)
        let make = try (0..<runs).map { _ in
            let passphrase = try randomPassphrase()
            return try timed { _ = try IntermediateCode.make(passphrase: passphrase, lotSequence: lotSequence) } * 1000
        }
        let folder = scratch.appendingPathComponent("journal-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let record = SystemRandom.bytes(count: 190)
        var index = 0
        let writes = try perCall(iterations: 10, rounds: 5) {
            index += 1
            try AtomicFile.write(record, to: folder.appendingPathComponent("card-\(index).rec"), mode: .secret)
        }.map { $0 / 1000 }
        return SiteACosts(
            intermediateCodeMilliseconds: Summary(make, unit: "ms"),
            journalWriteMilliseconds: Summary(writes, unit: "ms"))
    }
}
