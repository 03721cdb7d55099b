@_spi(Explain) import BIP38
import Ceremony
import CryptoCore
import Foundation
import Testing

/// A whole ceremony through the two executables, then checked card by card
/// with the library as an independent path.
@Suite(.serialized) struct CeremonyFlow {
    @Test("init, propose, endorse, issue, mint, verify, seal, close: every card holds together")
    func fullCeremony() throws {
        let test = try TestCeremony(cards: 6, batchSize: 4, extra: ["--network", "testnet", "--first-lot", "0"])
        try test.runAll()
        let ceremony = try Transcript.load(test.layout)
        #expect(ceremony.body.batchCount == 2)
        var seenAddresses = Set<Address>()
        for batch in 1...2 {
            let labels = try test.labels(batch)
            let faces = try CardFace.readSpool(test.layout.faces(batch))
            let (issued, _) = try ceremony.open(
                test.layout.intermediateBatch(batch), kind: .intermediateBatch, signer: .siteA, batch: batch,
                as: IntermediateBatchBody.self)
            let (keys, _) = try ceremony.open(
                test.layout.keyBatch(batch), kind: .keyBatch, signer: .siteB, batch: batch, as: KeyBatchBody.self)
            #expect(faces.map(\.serial) == ceremony.body.serials(batch: batch))
            #expect(keys.payload.body.cards.map(\.serial) == ceremony.body.serials(batch: batch))
            for (index, face) in faces.enumerated() {
                let label = try #require(labels[face.serial])
                let keyCard = keys.payload.body.cards[index]
                let issuedCard = issued.payload.body.cards[index]
                // The label's passphrase decrypts the face's key to the address in B's bundle.
                let decrypted = try face.encryptedKey.decrypt(passphrase: label.passphrase, network: .testnet)
                #expect(decrypted.address == keyCard.address)
                #expect(decrypted.address == face.address)
                #expect(decrypted.format == .compressed)
                #expect(decrypted.lotSequence.map(Serial.init) == face.serial)
                // The confirmation code confirms the same address.
                let confirmed = try keyCard.confirmationCode.confirm(passphrase: label.passphrase, network: .testnet)
                #expect(confirmed.address == keyCard.address)
                // Commitments open: A's to the passphrase (salt from the label), B's to the encrypted key.
                let tag = SecretBytes(copying: Array("bip38-2fkg passphrase commitment v1".utf8))
                let salt = SecretBytes(copying: try #require([UInt8](hexString: label.salt)))
                #expect(
                    SHA256.hash(tag.appending(salt).appending(label.passphrase.normalizedUTF8)).hex
                        == issuedCard.passphraseCommitment)
                #expect(SHA256.hash(Array(face.encryptedKey.text.utf8)).hex == keyCard.encryptedKeyCommitment)
                // The key is bound to the intermediate code A sent.
                #expect(face.encryptedKey.ownerEntropy == issuedCard.intermediateCode.ownerEntropy)
                #expect(seenAddresses.insert(face.address).inserted)
            }
        }
        // The closing manifest is signed by both sites and lists the whole transcript.
        let closingEnvelope = try Envelope(json: try Data(contentsOf: test.layout.closingManifest))
        #expect(Set(closingEnvelope.signatures.map(\.keyid)) == Set(ceremony.body.trustedKeys.keys.map(\.hex)))
        let (closing, _) = try ceremony.open(
            test.layout.closingManifest, kind: .closingManifest, signer: .siteA, batch: nil,
            as: ClosingManifestBody.self)
        // manifest + per batch (A: intermediate, confirmation, retention; B: keys, retention)
        #expect(closing.payload.body.entries.count == 1 + 2 * 5)
        #expect(closing.payload.body.entries.first?.digest == ceremony.manifest.digest)
        let transcript = try ceremony.entries()
        for entry in transcript { try ceremony.checkChain(entry, within: transcript) }
    }

    @Test("after seal, neither site folder holds a passphrase, passfactor, seedb, factorb or private key")
    func sealedSitesHoldNoCardSecret() throws {
        let test = try TestCeremony(cards: 3, batchSize: 3)
        try expectSuccess(Tools.siteA("issue", "--ceremony", test.path, "--batch", "1"))
        try expectSuccess(Tools.siteB("mint", "--ceremony", test.path, "--batch", "1"))
        try expectSuccess(Tools.siteA("verify", "--ceremony", test.path, "--batch", "1"))
        let secrets = try cardSecrets(test, batch: 1)
        // Positive control: before seal, A's journal holds every passphrase, and the search sees it.
        let beforeSeal = SecretSearch(folder: test.layout.site(.siteA))
        for card in secrets { #expect(beforeSeal.finds(card.passphrase), "search missed a passphrase in A's journal") }
        try expectSuccess(Tools.siteA("seal", "--ceremony", test.path, "--batch", "1"))

        for folder in [test.layout.site(.siteA), test.layout.site(.siteB), test.layout.transfer] {
            let search = SecretSearch(folder: folder)
            for card in secrets {
                for (name, value) in card.all {
                    #expect(!search.finds(value), "\(name) of \(card.serial) found in \(test.layout.relative(folder))")
                }
            }
        }
    }

    struct CardSecrets {
        let serial: Serial
        let passphrase: [UInt8]
        let all: [(String, [UInt8])]
    }

    /// Every card's secrets, rebuilt from the printed label and face (the physical world).
    func cardSecrets(_ test: TestCeremony, batch: Int) throws -> [CardSecrets] {
        let labels = try test.labels(batch)
        return try CardFace.readSpool(test.layout.faces(batch)).map { face in
            let label = try #require(labels[face.serial])
            let decrypted = try face.encryptedKey.decrypt(passphrase: label.passphrase)
            let ec = try #require(decrypted.ecMultiply)
            let passphrase = label.passphrase.normalizedUTF8.revealedBytes()
            return CardSecrets(
                serial: face.serial, passphrase: passphrase,
                all: [
                    ("passphrase", passphrase), ("passfactor", ec.owner.passfactor.revealedBytes()),
                    ("prefactor", ec.owner.prefactor.revealedBytes()), ("seedb", ec.seedb.revealedBytes()),
                    ("factorb", ec.factorb.revealedBytes()), ("private key", decrypted.key.scalar.revealedBytes()),
                    ("encrypted key", Array(face.encryptedKey.text.utf8)),
                ])
        }
    }
}

/// Searches every file below a folder for a secret as raw bytes, hex (either
/// case) and base64; text secrets are also searched as themselves.
struct SecretSearch {
    let blobs: [Data]

    init(folder: URL) {
        var blobs: [Data] = []
        if let enumerator = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil) {
            for case let url as URL in enumerator {
                if let data = try? Data(contentsOf: url) { blobs.append(data) }
            }
        }
        self.blobs = blobs
    }

    func finds(_ secret: [UInt8]) -> Bool {
        let forms: [Data] = [
            Data(secret), Data(secret.hex.utf8), Data(secret.hex.uppercased().utf8),
            Data(Data(secret).base64EncodedString().utf8),
        ]
        return blobs.contains { blob in forms.contains { blob.range(of: $0) != nil } }
    }
}
