import Ceremony
import CryptoCore
import Foundation

enum CardProcessBench {
    /// Takes the first card of a minted ceremony: its face, and its passphrase in a 0600 file.
    static func card(from layout: CeremonyLayout, scratch: URL) throws -> (face: CardFace, passphraseFile: String) {
        guard let face = try CardFace.readSpool(layout.faces(1)).first,
            let passphrase = try ScratchLabel.readSpool(layout.labels(1)).first(where: { $0.serial == face.serial })?
                .passphrase
        else { throw SpawnFailure(description: "no card in \(layout.root.path)") }
        let file = scratch.appendingPathComponent("card.passphrase").path
        guard
            FileManager.default.createFile(
                atPath: file, contents: Data(passphrase.revealedBytes()), attributes: [.posixPermissions: 0o600])
        else { throw SpawnFailure(description: "cannot write \(file)") }
        return (face, file)
    }

    /// `runs` rounds of a baseline call, confirm and decrypt, pinned to `cores`;
    /// each must give the card's address.
    static func measure(
        face: CardFace, passphraseFile: String, cores: Int, runs: Int, ceremonies: Ceremonies,
        baseline: inout BaselineLog
    ) throws -> CardProcessPoint {
        var verify: [ChildRun] = []
        var decrypt: [ChildRun] = []
        var baselines: [Double] = []
        for _ in 0..<runs {
            let taken = baseline.take(1)
            baselines += baseline.wall([taken])
            let confirmed = try ceremonies.run(
                "bip38", ["confirm", face.confirmationCode.text, "--passphrase-file", passphraseFile], cores: cores)
            let decrypted = try ceremonies.run(
                "bip38", ["decrypt", face.encryptedKey.text, "--passphrase-file", passphraseFile], cores: cores)
            for run in [confirmed, decrypted] where !run.standardOutput.contains(face.address.text) {
                throw SpawnFailure(description: "bip38 did not give the card's address \(face.address.text)")
            }
            verify.append(confirmed)
            decrypt.append(decrypted)
        }
        return CardProcessPoint(
            cores: cores, verifyMilliseconds: Summary(verify.map { $0.seconds * 1000 }, unit: "ms"),
            decryptMilliseconds: Summary(decrypt.map { $0.seconds * 1000 }, unit: "ms"),
            verifyRatio: Summary(zip(verify, baselines).map { $0.seconds * 1000 / $1 }, unit: "ratio"),
            decryptRatio: Summary(zip(decrypt, baselines).map { $0.seconds * 1000 / $1 }, unit: "ratio"),
            otherLoadCores: Summary((verify + decrypt).map(\.otherLoadCores), unit: "cores"),
            verifyPeakMemoryMiB: Summary(verify.map(\.maxRSSMiB), unit: "MiB"),
            decryptPeakMemoryMiB: Summary(decrypt.map(\.maxRSSMiB), unit: "MiB"))
    }
}
