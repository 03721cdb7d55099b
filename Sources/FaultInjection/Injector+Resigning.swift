@_spi(Explain) import BIP38
import Ceremony
import CryptoCore
import Foundation

/// Re-signing as a site: what a dishonest site sends, signed with its own key.
extension Injector {
    /// Re-signs a transfer file after editing its payload as JSON.
    func resign(
        _ file: URL, signer party: Party, canonical: Bool = true, edit: (inout [String: Any]) throws -> Void
    ) throws {
        try resign(file, key: SiteIdentity.load(from: layout.site(party)), canonical: canonical, edit: edit)
    }

    /// Re-signs `file`'s payload after `edit`: as the canonical encoding of the edit (what a
    /// dishonest signer must sign to be read at all), or, with `canonical: false`, as edited.
    func resign(
        _ file: URL, key: Ed25519.SigningKey, canonical: Bool = true, edit: (inout [String: Any]) throws -> Void
    ) throws {
        let envelope = try Envelope(json: try BoundedFile.read(file))
        var payload = try JSONShape.object(
            JSONSerialization.jsonObject(with: envelope.payload), "\(file.path): payload")
        try edit(&payload)
        // A dishonest site signs what the readers accept: the canonical encoding of its edit.
        let edited = try JSONSerialization.data(withJSONObject: payload, options: [.sortedKeys])
        guard let kind = PayloadKind.allCases.first(where: { $0.payloadType == envelope.payloadType }) else {
            throw CeremonyError(.failed, "\(file.path): unknown payloadType")
        }
        let bytes = canonical ? try kind.canonicalEncoding(of: edited) : edited
        try AtomicFile.write(
            Envelope(payloadType: envelope.payloadType, payload: bytes, signers: [key]).json, to: file, mode: .shared)
    }

    /// Re-signs `file`'s payload text after `edit`, byte for byte as edited (not canonical).
    func resignText(_ file: URL, signer party: Party, edit: (String) -> String) throws {
        let envelope = try Envelope(json: try BoundedFile.read(file))
        let text = String(decoding: envelope.payload, as: UTF8.self)
        let edited = edit(text)
        guard edited != text else { throw CeremonyError(.failed, "\(file.path): nothing to edit") }
        let key = try SiteIdentity.load(from: layout.site(party))
        try AtomicFile.write(
            Envelope(payloadType: envelope.payloadType, payload: Data(edited.utf8), signers: [key]).json, to: file,
            mode: .shared)
    }

    /// B rewrites its key batch (and, as a consistent liar, re-chains its retention statement).
    func rewriteKeyBatch(
        _ batch: Int, chainRetention: Bool = true, canonical: Bool = true, edit: (inout [[String: Any]]) -> Void
    ) throws {
        try resign(layout.keyBatch(batch), signer: .siteB, canonical: canonical) { payload in
            var body = try JSONShape.object(payload["body"], "body")
            guard var cards = body["cards"] as? [[String: Any]] else {
                throw CeremonyError(.failed, "\(layout.keyBatch(batch).path): body.cards is not a list of objects")
            }
            edit(&cards)
            body["cards"] = cards
            payload["body"] = body
        }
        guard chainRetention else { return }
        let digest = PayloadDigest(of: try Envelope(json: try BoundedFile.read(layout.keyBatch(batch))).payload)
        try resign(layout.retention(.siteB, batch: batch), signer: .siteB) { $0["prev"] = digest.hex }
    }
}
