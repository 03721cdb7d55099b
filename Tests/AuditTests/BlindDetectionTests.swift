import Audit
@_spi(Explain) import BIP38
import Ceremony
import CryptoCore
import FaultInjection
import Foundation
import Testing

/// S6: values shaped like shares in unexplained records, named by card where the transcript proves it.
@Suite struct BlindDetectionTests {
    /// An honest copy, audited in production mode with printed/ gone: no needle is known.
    func blind(_ edit: (CeremonyLayout) throws -> Void) throws -> [Finding] {
        let folder = try Folder(copying: Honest.folder)
        try edit(folder.layout)
        try FileManager.default.removeItem(at: folder.layout.printed)
        let report = try Auditor.audit(folder.layout, options: .init(sample: 0, countersign: false, mode: .production))
        return report.findings.filter { $0.check == .shareShaped }
    }

    func faces(_ layout: CeremonyLayout, batch: Int = 1) throws -> [CardFace] {
        try CardFace.readSpool(layout.faces(batch))
    }

    @Test("an encrypted key is named by its card: it opens to the card's address with the public passpoint")
    func encryptedKey() throws {
        let found = try blind { layout in
            let key = try faces(layout)[0].encryptedKey.text
            try Data("kept: \(key)\n".utf8).write(to: layout.site(.siteA).appendingPathComponent("notes.txt"))
        }
        #expect(
            found.count == 1, "\(found.map { "\($0.file ?? "-") \($0.offset.map(String.init) ?? "-") \($0.message)" })")
        #expect(found[0].serial == "0000001-0000")
        #expect(found[0].severity == .critical)
        #expect(found[0].file == "site-a/notes.txt")
        #expect(found[0].offset == 6)
        #expect(found[0].message.contains("share 2"))
    }

    @Test("a confirmation code and a WIF of a card are named; a WIF of no card is still a finding")
    func confirmationAndWIF() throws {
        let found = try blind { layout in
            let code = try faces(layout, batch: 2)[0].confirmationCode.text
            let stranger = WIF(key: PrivateKey.random(), format: .compressed, network: .mainnet).revealedText()
            try Data("\(code)\n\(stranger)\n".utf8).write(to: layout.site(.siteB).appendingPathComponent("x"))
        }
        #expect(found.contains { $0.serial == "0000002-0000" && $0.message.contains("confirmation code") })
        #expect(found.contains { $0.serial == nil && $0.message.contains("a WIF private key") })
    }

    @Test("seedb in hex and factorb in base64 are named as share 2 of their card")
    func seedAndFactor() throws {
        let found = try blind { layout in
            let ceremony = try Transcript.load(layout)
            let (issued, _) = try ceremony.open(
                layout.intermediateBatch(1), kind: .intermediateBatch, signer: .siteA, batch: 1,
                as: IntermediateBatchBody.self)
            let face = try faces(layout)[0]
            let seedb = try face.encryptedKey.recoverSeedb(
                passpoint: issued.payload.body.cards[0].intermediateCode.passpoint)
            let factorb = Data(SHA256.doubleHash(secret: seedb).revealedBytes()).base64EncodedString()
            try Data("s=\(seedb.revealedHex())\nf=\(factorb)\n".utf8).write(
                to: layout.site(.siteB).appendingPathComponent("y"))
        }
        let named = found.filter { $0.serial == "0000001-0000" && $0.message.contains("share 2") }
        #expect(named.count == 2, "\(found)")
        #expect(named.contains { $0.message.contains("as seedb") })
        #expect(named.contains { $0.message.contains("as factorb") })
    }

    @Test(
        "strings that follow the passphrase policy are found, dashed, undashed and in lower case, but not inside a longer word"
    )
    func passphraseShaped() throws {
        let found = try blind { layout in
            // The fourth line holds one after `=`; the fifth, 20 such characters inside a
            // base58 word (as a 6P key may), which is none.
            let text =
                "ABCD-EFGH-JKMN-PQRS-TVWX\nabcdefghjkmnpqrstvwx\nAB12-CD34\nkey=zyxwvtsrqpnmkjhgfedc;\n"
                + "6PfLABCDEFGHJKMNPQRSTVWXuQz\n"
            try Data(text.utf8).write(to: layout.site(.siteA).appendingPathComponent("z"))
        }
        let shaped = try #require(found.first { $0.message.contains("passphrase policy") })
        #expect(shaped.message.contains("3 × a string that follows the passphrase policy"), "\(shaped.message)")
        #expect(shaped.offset == 0)
    }

    @Test("a share in a file name, a link target or an attribute is found too")
    func namesAndTargets() throws {
        let found = try blind { layout in
            let key = try faces(layout)[0].encryptedKey.text
            let site = layout.site(.siteA)
            try Data().write(to: site.appendingPathComponent(key))
            try FileManager.default.createSymbolicLink(
                atPath: site.appendingPathComponent("l").path, withDestinationPath: "/nowhere/\(key)")
        }
        #expect(found.filter { $0.serial == "0000001-0000" }.count == 2, "\(found)")
        #expect(found.contains { $0.message.contains("record's name") })
        #expect(found.contains { $0.message.contains("link target") })
    }

    @Test("random bytes hold nothing shaped like a share")
    func randomHoldsNothing() throws {
        let found = try blind { layout in
            try Data(SystemRandom.bytes(count: 1 << 20)).write(to: layout.site(.siteA).appendingPathComponent("r"))
        }
        #expect(found.isEmpty, "\(found)")
    }
}
