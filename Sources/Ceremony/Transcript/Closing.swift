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
        // The closing manifest, and the sites' last statements that follow it (``KeyRetirement``), are not listed.
        let transcript = all.filter { $0.header.type != .closingManifest && !KeyRetirement.followsClosing($0.header) }
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

    /// Site A: checks every batch is sealed by A and minted by B, then writes the closing
    /// manifest, recording the auditor's sample commitment (audit/sample-commitment.json) when there is one.
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
        let commitment = try SampleCommitment.read(ceremony)?.commitment.digest
        let log = try ExceptionLog.read(layout)
        try ExceptionLog.requireIntact(log, layout: layout)
        let link = ceremony.nextLink(for: .siteA, in: transcript)
        let payload = Payload(
            type: .closingManifest, ceremony: ceremony.id, signer: .siteA, batch: nil, sequence: link.sequence,
            prev: link.prev, answers: nil,
            body: ClosingManifestBody(
                entries: entries(manifest: ceremony, transcript: transcript), auditorCommitment: commitment,
                exceptionLog: log.summary))
        let signed = SignedPayload(payload, signers: [key])
        try signed.write(
            in: try DirectoryHandle.transfer(layout: layout), name: layout.closingManifest.lastPathComponent)
        return signed.digest
    }

    /// B or an auditor: checks the closing manifest lists exactly the payloads
    /// present, in order, and records the auditor's sample commitment if there is one,
    /// then adds a signature. Signatures by keys nobody declared are left in place and ignored.
    package static func countersign(
        _ ceremony: Transcript, as party: Party, key: Ed25519.SigningKey, trusting extra: [KeyID: [UInt8]] = [:]
    )
        throws(CeremonyError) -> PayloadDigest
    {
        let layout = ceremony.layout
        let path = layout.relative(layout.closingManifest)
        let (original, declared) = try readCountersigned(ceremony)
        let (closing, _) = try ceremony.open(
            layout.closingManifest, kind: .closingManifest, signer: .siteA, batch: nil, as: ClosingManifestBody.self,
            from: [try verified(ceremony, declared)])
        let ownKeyID = KeyID(publicKey: key.publicKey)
        guard !original.signatures.contains(where: { $0.keyid == ownKeyID.hex }) else {
            throw .alreadyDone("\(path): already countersigned by \(party)")
        }
        var transcript: [TranscriptEntry] = []
        for file in ceremony.transferFiles()
        where file.pathExtension == "json" && file.path != layout.closingManifest.path {
            transcript.append(try ceremony.entry(file))
        }
        guard closing.payload.body.entries == entries(manifest: ceremony, transcript: transcript) else {
            throw .refusedBundle(file: path, reason: "does not list exactly the payloads in the transcript")
        }
        // B refuses a closing manifest that leaves out the auditor's commitment (the auditor's own K1 checks it too).
        let commitment = party == .siteB ? try SampleCommitment.read(ceremony)?.commitment.digest : nil
        if let commitment, closing.payload.body.auditorCommitment != commitment {
            throw .refusedBundle(
                file: path,
                reason:
                    "does not record the auditor's sample commitment \(commitment.humanForm) (\(layout.relative(layout.sampleCommitment)))"
            )
        }
        if let recorded = closing.payload.body.exceptionLog {
            let log = try ExceptionLog.read(layout)
            guard log.head(after: recorded.entries) == recorded.head else {
                throw .refusedBundle(
                    file: path,
                    reason:
                        "records an exception log of \(recorded.entries) entries ending \(recorded.head.humanForm), which transfer/\(ExceptionLog.fileName) does not begin with"
                )
            }
        }
        var signed = original
        signed.addSignature(key)
        try DirectoryHandle.transfer(layout: layout).write(
            signed.json, to: layout.closingManifest.lastPathComponent, mode: .shared)
        return closing.digest
    }

    /// The closing manifest's envelope as written, and the same envelope without the
    /// signatures by keys this ceremony does not declare (which are ignored, not refused:
    /// anyone may countersign a finished ceremony, and only declared parties count).
    package static func readCountersigned(
        _ ceremony: Transcript
    ) throws(CeremonyError) -> (written: Envelope, declared: Envelope) {
        let file = ceremony.layout.closingManifest
        let data = try BoundedFile.read(file)
        let envelope: Envelope
        do { envelope = try Envelope(json: data) } catch { throw .envelope(file: file.path, error) }
        let trusted = Set(ceremony.trustedKeys.keys.map(\.hex))
        return (envelope, envelope.keepingSignatures { trusted.contains($0.keyid) }.envelope)
    }

    private static func verified(_ ceremony: Transcript, _ envelope: Envelope) throws(CeremonyError) -> TranscriptEntry
    {
        switch ceremony.read(envelope, file: ceremony.layout.closingManifest) {
        case .success(let entry): return entry
        case .failure(let refusal): throw refusal.ceremonyError
        }
    }
}
