import Ceremony
import CryptoCore
import Foundation

/// Shares hidden in what an allowed record may vary: bytes the protocol's readers accept
/// but never need (a lock note's PID, white space around a signed envelope, the name of a
/// key declaration anyone can make, a signature's nonce, a timestamp's seconds, a bundle's
/// name), or a field that is free text by design (an
/// exception's reason).
extension Injector {
    /// A fault that hides a share inside a record default deny allows by name.
    func hideInAllowedRecord(_ fault: Fault, batch: Int) throws {
        let seeds = try seeds(batch).map { $0.1.revealedBytes() }
        switch fault {
        case .bHidesSeedbInLockNote:
            // `-\n` over `PI`, as a finished run leaves it; the "PID" is the seedb, 24 bytes in decimal.
            let note = "-\nD \(Self.decimal(seeds[0])) is running site B close\n"
            try AtomicFile.write(Data(note.utf8), to: layout.lock(.siteB), mode: .secret)
        case .bPadsBundleWithSeedb:
            // JSON allows white space after the value; DSSE signs only the payload.
            let bits = seeds.flatMap { seed in seed.flatMap { byte in (0..<8).map { byte >> (7 - $0) & 1 } } }
            let padding = bits.map { $0 == 0 ? UInt8(ascii: " ") : UInt8(ascii: "\t") }
            let file = layout.keyBatch(batch)
            try AtomicFile.write(try BoundedFile.read(file) + Data(padding), to: file, mode: .shared)
        case .bNamesDeclarationsBySeedb:
            // Anyone can declare a key of their own: the declaration verifies, its name is free.
            for seed in seeds {
                try SiteSetup.declare(
                    .auditor, key: Ed25519.SigningKey(),
                    to: layout.transfer.appendingPathComponent(seed.hex + ".declaration.json"))
            }
        case .bLogsSeedbAsWitness:
            // The witness's and the auditor's entries are unsigned: whoever writes transfer/ can add one.
            try ExceptionLog.append(
                layout, role: .witness, step: "C-6.2",
                reason: "medium labels checked: \(seeds.map(\.hex).joined(separator: " "))", signer: nil)
        case .bHidesSeedbInSignatureNonce:
            // The payload is unchanged, so its digest, the chain and the closing manifest still hold.
            let file = layout.keyBatch(batch)
            let envelope = try Envelope(json: BoundedFile.read(file))
            let key = try SiteIdentity.load(from: layout.site(.siteB))
            let message = Envelope.preAuthenticationEncoding(
                payloadType: envelope.payloadType, payload: envelope.payload)
            guard let signature = key.signature(Array(message), nonce: seeds[0]) else {
                throw CeremonyError(.failed, "\(file.path): site B's key cannot sign with a chosen nonce")
            }
            let text = String(decoding: envelope.json, as: UTF8.self).replacingOccurrences(
                of: envelope.signatures[0].sig, with: Data(signature).base64EncodedString())
            try AtomicFile.write(Data(text.utf8), to: file, mode: .shared)
        case .bDatesLedgerBySeedb:
            // The last entry: no later entry chains to it, so the ledger still loads.
            let ledger = layout.site(.siteB).appendingPathComponent(BatchLedger.fileName)
            let text = String(decoding: try BoundedFile.read(ledger), as: UTF8.self)
            guard let range = text.range(of: "\"time\" : \"", options: .backwards) else {
                throw CeremonyError(.failed, "\(ledger.path): no entry with a time")
            }
            let bits = seeds[0].prefix(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) } | 0x8000_0000
            let time = timestamp(Date(timeIntervalSince1970: TimeInterval(bits)))
            let start = range.upperBound
            let end = text.index(start, offsetBy: time.count)
            try AtomicFile.write(
                Data((text[..<start] + time + text[end...]).utf8), to: ledger, mode: .secret)
        case .bNamesBundleBySeedb:
            // Encrypted (XOR with SHA-256 of B's key seed), so no search knows the name: only B reads it.
            let siteB = layout.site(.siteB)
            let mask = SHA256.hash(try BoundedFile.read(siteB.appendingPathComponent(SiteIdentity.fileName)))
            let hidden = zip(seeds[0], mask).map { $0 ^ $1 }.hex
            let old = layout.retention(.siteB, batch: batch)
            let name = old.deletingPathExtension().lastPathComponent + ".\(hidden).json"
            try FileManager.default.moveItem(at: old, to: layout.transfer.appendingPathComponent(name))
            let prefix = layout.relative(layout.transfer) + "/"
            try resign(layout.closingManifest, signer: .siteA) { payload in
                var body = try JSONShape.object(payload["body"], "body")
                body["entries"] = try JSONShape.array(body["entries"], "body.entries").map { item in
                    var entry = try JSONShape.object(item, "a closing entry")
                    if entry["file"] as? String == prefix + old.lastPathComponent { entry["file"] = prefix + name }
                    return entry
                }
                payload["body"] = body
            }
            var closing = try Envelope(json: try BoundedFile.read(layout.closingManifest))
            closing.addSignature(try SiteIdentity.load(from: siteB))
            try AtomicFile.write(closing.json, to: layout.closingManifest, mode: .shared)
        case .bCountersignsClosingWithSeedb:
            // A keyid is a hash: nobody can check a signature whose key nobody declared.
            let mask = SHA256.hash(
                try BoundedFile.read(layout.site(.siteB).appendingPathComponent(SiteIdentity.fileName)))
            let keyid = (zip(seeds[0], mask).map { $0 ^ $1 } + SystemRandom.bytes(count: 8)).hex
            var envelope = try JSONShape.object(
                JSONSerialization.jsonObject(with: BoundedFile.read(layout.closingManifest)), "the closing envelope")
            let signatures = try JSONShape.array(envelope["signatures"], "signatures")
            envelope["signatures"] =
                signatures + [["keyid": keyid, "sig": Data(SystemRandom.bytes(count: 64)).base64EncodedString()]]
            let data = try JSONSerialization.data(withJSONObject: envelope)
            try AtomicFile.write(try Envelope(json: data).json, to: layout.closingManifest, mode: .shared)
        default:
            throw CeremonyError(.failed, "\(fault.rawValue) hides nothing in an allowed record")
        }
    }

    /// `bytes` as one big-endian number, in decimal.
    static func decimal(_ bytes: [UInt8]) -> String {
        var number = bytes.drop { $0 == 0 }.map(Int.init)
        var digits: [Character] = []
        while !number.isEmpty {
            var remainder = 0
            var quotient: [Int] = []
            for byte in number {
                let value = remainder * 256 + byte
                if !quotient.isEmpty || value / 10 > 0 { quotient.append(value / 10) }
                remainder = value % 10
            }
            digits.append(Character(String(remainder)))
            number = quotient
        }
        return digits.isEmpty ? "0" : String(digits.reversed())
    }
}
