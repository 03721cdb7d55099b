import CryptoCore
import Foundation

/// The closing manifest: every payload of the ceremony in order, so a dropped
/// or replayed bundle shows. Site A writes and signs it; B and the auditor countersign.
package enum Closing {
    /// The entries for everything in the transcript: the manifest, then each
    /// signer's chain in sequence order.
    package static func entries(of ceremony: Transcript) throws(CeremonyError) -> [ClosingManifestBody.Entry] {
        entries(manifest: ceremony, transcript: try ceremony.entries())
    }

    /// The entries for the given verified transcript (the closing manifest itself left out).
    package static func entries(
        manifest ceremony: Transcript, transcript all: [TranscriptEntry]
    ) -> [ClosingManifestBody.Entry] {
        let transcript = all.filter { $0.header.type != .closingManifest }
        let order: [Party] = [.siteA, .siteB, .auditor]
        let sorted = transcript.sorted {
            (order.firstIndex(of: $0.header.signer)!, $0.header.sequence)
                < (order.firstIndex(of: $1.header.signer)!, $1.header.sequence)
        }
        let manifest = ClosingManifestBody.Entry(
            file: ceremony.layout.relative(ceremony.layout.manifest), type: .manifest, signer: .siteA, sequence: 0,
            batch: nil, digest: ceremony.manifest.digest)
        return [manifest]
            + sorted.map {
                ClosingManifestBody.Entry(
                    file: ceremony.layout.relative($0.file), type: $0.header.type, signer: $0.header.signer,
                    sequence: $0.header.sequence, batch: $0.header.batch, digest: $0.digest)
            }
    }

    /// Site A: checks every batch is sealed by A and minted by B, then writes the closing manifest.
    package static func close(
        _ ceremony: Transcript, signer key: Ed25519.SigningKey
    ) throws(CeremonyError) -> PayloadDigest {
        let layout = ceremony.layout
        guard !FileManager.default.fileExists(atPath: layout.closingManifest.path) else {
            throw .alreadyDone("\(layout.relative(layout.closingManifest)) exists already")
        }
        for batch in 1...ceremony.body.batchCount {
            for (party, what) in [(Party.siteA, "sealed by site A"), (.siteB, "minted by site B")]
            where !FileManager.default.fileExists(atPath: layout.retention(party, batch: batch).path) {
                throw .outOfOrder("batch \(batch) is not \(what) yet: every batch must be done before closing")
            }
        }
        let transcript = try ceremony.entries()
        for entry in transcript { try ceremony.checkChain(entry, within: transcript) }
        let link = ceremony.nextLink(for: .siteA, in: transcript)
        let payload = Payload(
            type: .closingManifest, ceremony: ceremony.id, signer: .siteA, batch: nil, sequence: link.sequence,
            prev: link.prev, answers: nil,
            body: ClosingManifestBody(entries: entries(manifest: ceremony, transcript: transcript)))
        let signed = SignedPayload(payload, signers: [key])
        try signed.write(to: layout.closingManifest)
        return signed.digest
    }

    /// B or the auditor: checks the closing manifest lists exactly the payloads
    /// present, in order, then adds a signature.
    package static func countersign(
        _ ceremony: Transcript, as party: Party, key: Ed25519.SigningKey, trusting extra: [KeyID: [UInt8]] = [:]
    )
        throws(CeremonyError) -> PayloadDigest
    {
        let layout = ceremony.layout
        let path = layout.relative(layout.closingManifest)
        var (closing, _) = try ceremony.open(
            layout.closingManifest, kind: .closingManifest, signer: .siteA, batch: nil, as: ClosingManifestBody.self)
        let ownKeyID = KeyID(publicKey: key.publicKey)
        guard !closing.envelope.signatures.contains(where: { $0.keyid == ownKeyID.hex }) else {
            throw .alreadyDone("\(path): already countersigned by \(party)")
        }
        guard closing.payload.body.entries == (try entries(of: ceremony)) else {
            throw .refusedBundle(file: path, reason: "does not list exactly the payloads in the transcript")
        }
        closing.countersign(key)
        try closing.write(to: layout.closingManifest)
        return closing.digest
    }
}
