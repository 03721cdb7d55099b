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

    /// Site B's card compute on one thread, µs per card, one figure per round.
    struct SiteBCompute {
        /// scrypt(1024, 1, 1) one call at a time, and batched across the kernel's width.
        var scrypt: [Double] = []
        var scryptBatched: [Double] = []
        /// The whole key generation one card at a time (`generateKey`), and batched
        /// (`prepareKey` for each card, then `PreparedKey.finish`).
        var whole: [Double] = []
        var batched: [Double] = []
    }

    /// ``SiteBCompute``'s four figures for `code`, `rounds` rounds of `cards` cards each
    /// (rounded down to the kernel's width), taken in turn; `eachRound` runs after them
    /// every round, so a caller's own figures are taken under the same load.
    static func siteBCompute(
        code: IntermediateCode, cards: Int, rounds: Int, eachRound: () throws -> Void = {}
    ) throws -> SiteBCompute {
        let width = Scrypt.kernel.lanesAtOnce
        let batches = max(1, cards / width)
        let calls = (0..<width).map { _ in (password: code.passpoint.compressed, salt: SystemRandom.bytes(count: 12)) }
        let seeds = (0..<width).map { _ in SystemRandom.secretBytes(count: 24) }
        var figures = SiteBCompute()
        for _ in 0..<rounds {
            figures.scrypt += try perCall(iterations: batches * width, rounds: 1) {
                _ = try Scrypt.derive(
                    password: calls[0].password, salt: calls[0].salt, parameters: .bip38Passpoint, length: 64)
            }
            figures.scryptBatched += try perCall(iterations: batches, rounds: 1) {
                _ = try Scrypt.derive(many: calls, parameters: .bip38Passpoint, length: 64)
            }.map { $0 / Double(width) }
            figures.whole += try perCall(iterations: batches, rounds: 1) {
                for seedb in seeds { _ = try code.generateKey(seedb: seedb, format: .compressed, network: .mainnet) }
            }.map { $0 / Double(width) }
            figures.batched += try perCall(iterations: batches, rounds: 1) {
                _ = try PreparedKey.finish(
                    seeds.map { try code.prepareKey(seedb: $0, format: .compressed, network: .mainnet) })
            }.map { $0 / Double(width) }
            try eachRound()
        }
        return figures
    }

    static func siteB(minted layout: CeremonyLayout, cards: Int, scratch: URL) throws -> SiteBSplit {
        let passphrase = try randomPassphrase()
        let code = try IntermediateCode.make(
            passphrase: passphrase, lotSequence: try LotSequence(lot: 1, sequence: 0)
        ).intermediateCode
        let factorb = SHA256.doubleHash(secret: SystemRandom.secretBytes(count: 24))
        let key = SystemRandom.secretBytes(count: 32)
        let block = SystemRandom.secretBytes(count: 16)
        let iterations = 200
        let rounds = 5

        // The parts are taken round by round with the whole, so "other" (whole minus
        // the parts) compares figures taken under the same load.
        var curve: [Double] = []
        var aes: [Double] = []
        let compute = try siteBCompute(code: code, cards: iterations, rounds: rounds) {
            curve += try perCall(iterations: iterations, rounds: 1) {
                _ = try code.passpoint.multiplied(by: factorb)
                _ = try Secp256k1.publicPoint(of: factorb)
            }
            aes += try perCall(iterations: iterations, rounds: 1) {
                for _ in 0..<4 { _ = try AES256.encryptBlock(block, key: key) }
            }
        }
        let other = (0..<rounds).map { compute.whole[$0] - compute.scrypt[$0] - curve[$0] - aes[$0] }

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

        let wholeSummary = Summary(compute.whole, unit: "µs")
        return SiteBSplit(
            scryptLightMicroseconds: Summary(compute.scrypt, unit: "µs"),
            curveMultiplicationsMicroseconds: Summary(curve, unit: "µs"), aesMicroseconds: Summary(aes, unit: "µs"),
            generateKeyMicroseconds: wholeSummary, otherPerCardMicroseconds: Summary(other, unit: "µs"),
            signingMilliseconds: Summary(signing, unit: "ms"), diskMilliseconds: Summary(disk, unit: "ms"),
            scryptLightBatchedMicroseconds: Summary(compute.scryptBatched, unit: "µs"),
            batchedKeyMicroseconds: Summary(compute.batched, unit: "µs"),
            computeCardsPerSecondPerCore: Summary(compute.batched, unit: "µs").rate(work: 1e6, unit: "cards/s/core"))
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
