import BIP38
import Ceremony
import CryptoCore
import Foundation

extension AuditRun {
    /// C2: each card's intermediate code, confirmation code, encrypted key and
    /// address agree on flag, addresshash, ownerentropy and lot/sequence = serial.
    mutating func checkCodes(_ book: CardBook) {
        for card in book.sorted {
            let serial = card.serial.description
            func fail(_ message: String) {
                findings.append(Finding(.codeAgreement, .critical, message, serial: serial))
            }
            guard let issued = card.issued else { continue }
            let code = issued.intermediateCode
            if code.lotSequence.map(Serial.init) != card.serial {
                fail("intermediate code's lot/sequence is not the serial")
            }
            guard let minted = card.minted else { continue }
            let confirmation = minted.confirmationCode
            if confirmation.ownerEntropy != code.ownerEntropy {
                fail("confirmation code carries another ownerentropy than the intermediate code")
            }
            if !confirmation.flag.hasLotSequence { fail("confirmation code's flag lacks lot/sequence") }
            if confirmation.format != manifest.addressFormat {
                fail("confirmation code's address type differs from the manifest")
            }
            if confirmation.addressHash != minted.address.addressHash {
                fail("confirmation code's addresshash is not the address \(minted.address)'s")
            }
            if minted.address.network != manifest.network {
                fail("address \(minted.address) is not on \(manifest.network)")
            }
            guard let face = card.face else { continue }
            let key = face.encryptedKey
            if face.address != minted.address {
                fail("printed address \(face.address) differs from the key batch's \(minted.address)")
            }
            if key.ownerEntropy != code.ownerEntropy {
                fail("encrypted key carries another ownerentropy than the intermediate code")
            }
            if key.addressHash != face.address.addressHash {
                fail("encrypted key's addresshash is not the printed address's")
            }
            if key.flag != confirmation.flag {
                fail("encrypted key's flag \(key.flag) differs from the confirmation code's \(confirmation.flag)")
            }
            if CardFace.commitment(key) != minted.encryptedKeyCommitment {
                fail("encrypted key does not match the key batch's commitment")
            }
            // With seedb recovered from the face, the public points must multiply out to the printed address.
            if let seedb = card.seedb, let point = try? code.passpoint.multiplied(by: SHA256.doubleHash(secret: seedb)),
                Address.p2pkh(point, format: key.format, network: manifest.network) != face.address
            {
                fail("encrypted key does not open to the printed address (passpoint × factorb gives another)")
            }
        }
    }

    /// C3: no ownersalt, passpoint, address or seedb twice.
    mutating func checkUniqueness(_ book: CardBook) {
        func duplicates<T: Hashable>(_ name: String, _ values: [(Serial, T)]) {
            for (_, group) in Dictionary(grouping: values, by: { $0.1 }) where group.count > 1 {
                let serials = group.map(\.0.description).sorted()
                findings.append(
                    Finding(
                        .uniqueness, .critical, "\(name) reused by cards \(serials.joined(separator: ", "))",
                        serial: serials[0]))
            }
        }
        let cards = book.sorted
        duplicates(
            "ownersalt",
            cards.compactMap { c in c.issued.map { (c.serial, $0.intermediateCode.ownerEntropy.ownerSalt) } })
        duplicates("passpoint", cards.compactMap { c in c.issued.map { (c.serial, $0.intermediateCode.passpoint) } })
        duplicates("address", cards.compactMap { c in c.minted.map { (c.serial, $0.address) } })
        duplicates("seedb", cards.compactMap { c in c.seedb.map { (c.serial, $0.revealedBytes()) } })
    }

    /// R1: ownersalts, recovered seedb and printed passphrases.
    mutating func checkRandomness(_ book: CardBook) -> [RandomnessResult] {
        let cards = book.sorted
        var results = [
            Randomness.bytes(
                "ownersalt (site A)", cards.compactMap { $0.issued?.intermediateCode.ownerEntropy.ownerSalt }),
            Randomness.bytes(
                "seedb recovered from card faces (site B)", cards.compactMap { $0.seedb?.revealedBytes() }),
        ]
        let passphrases = cards.compactMap { $0.label?.passphrase.normalizedUTF8.revealedBytes() }
        if !passphrases.isEmpty {
            results.append(
                Randomness.characters(
                    "passphrases (site A)", passphrases, alphabet: Array(manifest.policy.alphabet.utf8)))
        }
        for result in results where !result.passed && result.samples > 0 {
            findings.append(
                Finding(
                    .randomness, .critical,
                    "\(result.source): \(result.duplicates) repeat(s), worst |z| \(result.worstZ) (threshold \(RandomnessResult.threshold)): not from a good random source"
                ))
        }
        return results
    }

    /// P1: the policy reaches the floor and the printed passphrases follow it.
    mutating func checkPolicy(_ book: CardBook) {
        let policy = manifest.policy
        if policy.entropyBits < PassphrasePolicy.minimumBits {
            findings.append(
                Finding(
                    .policy, .high,
                    "policy gives \(String(format: "%.1f", policy.entropyBits)) bits, under the \(Int(PassphrasePolicy.minimumBits))-bit floor",
                    file: layout.relative(layout.manifest)))
        }
        let alphabet = Set(policy.alphabet.utf8)
        for card in book.sorted {
            guard let label = card.label else { continue }
            let bytes = label.passphrase.normalizedUTF8.revealedBytes()
            let groups = bytes.split(separator: UInt8(ascii: "-"), omittingEmptySubsequences: false)
            let drawn = groups.flatMap { $0 }
            let wellGrouped =
                groups.dropLast().allSatisfy { $0.count == policy.group } && (groups.last?.count ?? 0) <= policy.group
            if drawn.count != policy.length || !drawn.allSatisfy(alphabet.contains) || !wellGrouped {
                findings.append(
                    Finding(
                        .policy, .high, "printed passphrase does not follow the manifest's policy",
                        serial: card.serial.description,
                        file: label.file))
            }
        }
    }
}
