import BIP38
import Ceremony
import CryptoCore
import Foundation

// The schemas of the print spools (`printed/`, and their copies in `mock-secrets/`): each
// must parse as its kind and re-encode to its exact bytes, so it holds its cards and nothing
// more. Whether each card's values agree with the transcript is C1's and K1's (CardBook).
extension AllowedFiles {
    /// Why the file at `path` is not a label spool of `batch` (``ScratchLabel``), or nil
    /// when it is: records of `serial`, `passphrase` and `commitment-salt`, each a card of the
    /// batch once, each passphrase one BIP38 takes, and the bytes exactly those
    /// ``SecretRecord`` writes for them (a field, line or byte more is refused).
    static func checkLabelSpool(_ path: [UInt8], batch: Int, manifest: ManifestBody) -> String? {
        let url = URL(fileURLWithPath: String(decoding: path, as: UTF8.self))
        guard
            let bytes = try? DirectoryHandle.open(url.deletingLastPathComponent(), policy: .followed).readSecret(
                url.lastPathComponent, limit: SecretRecord.limit)
        else { return "unreadable or over \(SecretRecord.limit >> 20) MiB" }
        guard let records = try? SecretRecord.decode(bytes) else { return "not records of 'name: value' lines" }
        var labels: [ScratchLabel] = []
        for (index, record) in records.enumerated() {
            guard let label = ScratchLabel(record: record) else {
                return "record \(index + 1) is no label (a serial and a passphrase)"
            }
            guard label.bip38Passphrase != nil else { return "record \(index + 1)'s passphrase is not one BIP38 takes" }
            labels.append(label)
        }
        if let problem = cardsOfBatch(labels.map(\.serial), batch: batch, manifest: manifest) { return problem }
        guard SecretRecord.encode(labels.map(\.record)) == bytes else {
            return
                "does not re-encode to its own bytes (a field, line or byte card-print never writes): it holds more than its labels"
        }
        return nil
    }

    /// Why the file at `path` is not a card face spool of `batch` (``CardFace``), or nil when
    /// it is: a JSON list of faces, each a card of the batch once, in exactly the bytes the
    /// toolkit writes for them (pretty JSON, sorted keys; a member or byte more is refused).
    static func checkFaceSpool(_ path: [UInt8], batch: Int, manifest: ManifestBody) -> String? {
        guard let bytes = FileSystem.read(path, limit: BoundedFile.defaultLimit) else {
            return "unreadable or too large"
        }
        guard let faces = try? TranscriptJSON.decoder.decode([CardFace].self, from: Data(bytes)) else {
            return "not a list of card faces"
        }
        if let problem = cardsOfBatch(faces.map(\.serial), batch: batch, manifest: manifest) { return problem }
        guard let again = try? TranscriptJSON.prettyEncoder.encode(faces), Array(again) == bytes else {
            return
                "does not re-encode to its own bytes (a member, space or byte the toolkit never writes): it holds more than its faces"
        }
        return nil
    }

    /// Why the file at `path` is not the auditor's published sample value
    /// (``SampleReveal``) for `ceremony`, or nil when it is: it names this ceremony, its
    /// value is 32 bytes of lower-case hex, and the bytes are exactly those the toolkit writes.
    /// That the value opens the commitment is the sample check's (K1).
    static func checkSampleReveal(_ path: [UInt8], ceremony: String) -> String? {
        guard let bytes = FileSystem.read(path, limit: 1 << 16) else { return "unreadable or over 64 KiB" }
        guard let reveal = try? TranscriptJSON.decoder.decode(SampleReveal.self, from: Data(bytes)) else {
            return "not a sample reveal"
        }
        guard reveal.ceremony == ceremony else { return "names another ceremony" }
        guard let value = [UInt8](hexString: reveal.value), value.count == 32, value.hex == reveal.value else {
            return "its value is not 32 bytes in lower-case hex"
        }
        guard let again = try? TranscriptJSON.prettyEncoder.encode(reveal), Array(again) + [0x0A] == bytes else {
            return "does not re-encode to its own bytes: it holds more than the sample's value"
        }
        return nil
    }

    /// Why `serials` are not cards of `batch` of the manifest, each once; nil when they are.
    private static func cardsOfBatch(_ serials: [Serial], batch: Int, manifest: ManifestBody) -> String? {
        let wanted = Set(manifest.serials(batch: batch))
        var seen = Set<Serial>()
        for serial in serials {
            guard wanted.contains(serial) else { return "card \(serial) is not one of batch \(batch)" }
            guard seen.insert(serial).inserted else { return "card \(serial) is listed twice" }
        }
        return nil
    }
}
