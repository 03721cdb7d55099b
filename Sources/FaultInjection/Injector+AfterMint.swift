@_spi(Explain) import BIP38
import Ceremony
import CryptoCore
import Foundation

extension Injector {
    /// A fault of phase `afterMint`: a site acting during the run, on batch `batch`, between
    /// `key-site mint` and `passphrase-site verify` (what it keeps, logs or sends).
    func applyAfterMint(_ fault: Fault, batch: Int) throws {
        let a = layout.site(.siteA)
        let b = layout.site(.siteB)
        switch fault {
        case .aLogsPassphrases:
            try append(
                a, "logs/issue.log",
                try journal(batch).map { "card \($0.serial) passphrase \($0.passphrase)\n" }.joined())
        case .aLogsPassphrasesHex:
            try append(
                a, "debug/passphrases.hex", try journal(batch).map { Array($0.passphrase.utf8).hex + "\n" }.joined())
        case .aLogsPassphrasesBase64:
            let json = try journal(batch).map { "{\"serial\":\"\($0.serial)\",\"p\":\"\($0.passphrase)\"}" }.joined(
                separator: ",")
            try append(
                a, "trace/dump-\(batch).b64",
                Data("[\(json)]".utf8).base64EncodedString(options: .lineLength76Characters) + "\n")
        case .aLogsPassphrasesJSON:
            let cards = try journal(batch).map { ["serial": $0.serial, "passphrase": $0.passphrase] }
            let data = try JSONSerialization.data(
                withJSONObject: ["cards": cards], options: [.prettyPrinted, .sortedKeys])
            try write(a, "cache/state-\(batch).json", data)
        case .aLogsPassphrasesSQLite:
            try sqlite(
                a.appendingPathComponent("db/ledger.sqlite"),
                rows: try journal(batch).map { ($0.serial, $0.passphrase) })
        case .aKeepsPassfactorNested:
            var lines = ""
            for card in try journal(batch) {
                let owner = try OwnerFactors(
                    passphrase: try Passphrase(card.passphrase), ownerEntropy: card.code.ownerEntropy)
                lines += "\(card.serial) \(owner.passfactor.revealedHex())\n"
            }
            try append(a, "a/b/c/d/factors.txt", lines)
        case .bKeepsShareAsSiteRecord:
            // Kept at batch 1, so the statement of batch 2 lists it as a site record.
            guard batch == 1 else { break }
            try write(
                b, "records/batch-0001.txt",
                Data(try seeds(batch).map { "\($0.0) \($0.1.revealedHex())\n" }.joined().utf8))
        case .aHidesPassphrasesInTransfer:
            try append(
                layout.transfer, ".cache", try journal(batch).map { "\($0.serial) \($0.passphrase)\n" }.joined())
        case .bLeavesSeedbOnMedium:
            let medium = FATMedium(image: MockCeremony.medium(for: layout))
            if !FileManager.default.fileExists(atPath: medium.image.path) { try medium.format() }
            let name = "seeds-\(CeremonyLayout.batchName(batch)).txt"
            try medium.write(Data(try seeds(batch).map { "\($0.0) \($0.1.revealedHex())\n" }.joined().utf8), as: name)
            try medium.delete(name)
        case .bKeepsSeedb:
            try write(b, "cache/seeds-\(batch).bin", Data(try seeds(batch).flatMap { $0.1.revealedBytes() }))
        case .bPadsFaceSpool:
            try padFaceSpool(batch)
        case .bKeepsFactorb:
            try append(
                b, "factorb.txt",
                try seeds(batch).map { "\($0.0) \(SHA256.doubleHash(secret: $0.1).revealedHex())\n" }.joined())
        case .sitesBothKeepShares:
            try applyAfterMint(.aLogsPassphrases, batch: batch)
            try applyAfterMint(.bKeepsSeedb, batch: batch)
        case .bSendsEncryptedKeyToA:
            let faces = try CardFace.readSpool(spoolFaces(batch))
            // No field of a key batch carries an encrypted key, so the bundle is not canonical and
            // A's verify refuses it; but its bytes have reached A.
            try rewriteKeyBatch(batch, canonical: false) { cards in
                for index in cards.indices {
                    cards[index]["encrypted_key"] =
                        faces.first { $0.serial.description == cards[index]["serial"] as? String }?.encryptedKey.text
                }
            }
        case .bSubstitutesAddress:
            let stolen = PrivateKey.random().address(
                format: .compressed, network: try Transcript.load(layout).body.network)
            try rewriteKeyBatch(batch) { cards in cards[0]["address"] = stolen.text }
            var faces = try CardFace.readSpool(spoolFaces(batch))
            faces[0] = CardFace(
                serial: faces[0].serial, address: stolen, encryptedKey: faces[0].encryptedKey,
                confirmationCode: faces[0].confirmationCode)
            try AtomicFile.write(try TranscriptJSON.prettyEncoder.encode(faces), to: spoolFaces(batch), mode: .secret)
        case .aKeepsUTF16Passphrase, .aKeepsBarePassphrase, .aKeepsMixedCasePassphrase,
            .aKeepsQuotedPrintablePassphrases, .aKeepsROT13Passphrases,
            .aKeepsBackwardsPassphrases, .aKeepsEBCDICPassphrases, .aKeepsRawDeflatePassphrases,
            .aKeepsEscapedPassphrase,
            .aKeepsGzippedPassphrase,
            .aKeepsArchivedPassphrase, .aKeepsNestedPassphrase, .aKeepsSQLiteUTF16Passphrase, .aHidesZlibBehindDecoys,
            .aHidesPassphrasesAcrossWindow, .aHidesGzipAtOffset, .aMisalignsBase64Gzip, .aLeavesDecompressionBomb,
            .bKeepsSeedbByteArray, .bKeepsSeedb0x, .bKeepsSeedbLittleEndian, .bKeepsSeedbBase32, .bKeepsSeedbBase58,
            .bKeepsSeedbXxd, .aKeepsXzPassphrase, .bSplitsSeedb, .bSplitsSeedbAcrossFolders, .bKeepsUTF16Key,
            .bKeepsKeySecretBytes,
            .bKeepsFaceSheet, .bHidesFaceSheetInBinary, .aKeepsUTF32Passphrase, .aKeepsBzip2Passphrase,
            .aKeepsZstdPassphrase, .aKeepsZippedPassphrase, .bKeepsReversedSeedb, .bKeepsBitReversedSeedb,
            .bKeepsXoredSeedb, .aKeepsXoredPassphrases,
            .bKeepsSeedbSpacedDecimal,
            .bKeepsSeedbHexPairs, .bKeepsSeedbURLEncoded, .bKeepsSeedbQuotedPrintable, .bKeepsSeedbLatin1JSON,
            .bKeepsSeedbLatin1Text, .bKeepsSeedbUUencoded, .bKeepsSeedbAscii85, .bKeepsSeedbBase85,
            .bKeepsSeedbOctalDump, .bKeepsSeedbOd, .bKeepsSeedbOdChars, .aKeepsOdCharsPassphrases,
            .bKeepsSeedbOdDecimalWords, .bKeepsSeedbOdLongWords:
            if let form = fault.keptForm { try keep(form, batch: batch) }
        case .bothKeepGzippedShares:
            try keep(.gzip, batch: batch)
            try keep(.seedbGzip, batch: batch)
        default:
            throw CeremonyError(.failed, "\(fault.rawValue) does not act after mint")
        }
    }
}
