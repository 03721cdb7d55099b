import CryptoCore
import Foundation
import Token

/// The end of a site key kept in a PKCS#11 token (Docs/Hardening.md, "Keys in a token").
///
/// After a site's last signature on the closing manifest (A's signature at
/// `passphrase-site close`, B's countersignature at `key-site close`), the site signs
/// its last retention statement, `transfer/closing.retention-site-X.json`: what its
/// folder holds, and ``RetentionStatementBody/KeyDestruction`` naming the token and
/// the key. Then the token destroys the key (C_DestroyObject on both halves, checked
/// gone), and only then is the statement written. It continues the site's chain and
/// answers the closing manifest, which does not list it (it comes after).
///
/// A site whose key is a seed file writes no such statement: its key stays in its folder.
package enum KeyRetirement {
    /// Whether a payload is a site's last statement, after the closing manifest:
    /// a retention statement of no batch.
    package static func followsClosing(_ header: PayloadHeader) -> Bool {
        // A spool statement (destroy-spools) has no batch either, but answers nothing.
        header.type == .retentionStatement && header.batch == nil && header.answers != nil
    }

    /// Destroys `key` in its token and writes the statement that records it; nothing for a seed key.
    /// - Throws: ``CeremonyError/Code/tokenFailed`` when the token does not destroy the key
    ///   (nothing is written then, and `close` can be run again).
    package static func retire(_ party: Party, key: Ed25519.SigningKey, ceremony: Transcript) throws(CeremonyError) {
        guard let token = SiteIdentity.tokenKey(key) else { return }
        let layout = ceremony.layout
        let file = layout.closingRetention(party)
        let transfer = try DirectoryHandle.transfer(layout: layout)
        guard try !transfer.contains(file.lastPathComponent) else {
            throw .alreadyDone("\(layout.relative(file)) exists already: the key was destroyed")
        }
        let transcript = try ceremony.entries()
        guard let closing = transcript.first(where: { $0.header.type == .closingManifest }) else {
            throw .outOfOrder("no closing manifest: the key is destroyed only after its last signature")
        }
        let link = ceremony.nextLink(for: party, in: transcript)
        let body = RetentionStatementBody(
            site: party, kept: RetentionInventory.files(in: layout.site(party), layout: layout), destroyed: [],
            notes: [
                "the site's signing key was destroyed in its PKCS#11 token (C_DestroyObject) after signing this statement, its last"
            ],
            keyDestruction: .init(
                module: token.location.module, token: token.location.token, id: token.id.hex,
                keyid: KeyID(publicKey: key.publicKey).hex))
        let payload = Payload(
            type: .retentionStatement, ceremony: ceremony.id, signer: party, batch: nil, sequence: link.sequence,
            prev: link.prev, answers: closing.digest, body: body)
        let signed = SignedPayload(payload, signers: [key])
        do { try token.destroy() } catch {
            throw CeremonyError(
                .tokenFailed, file: layout.relative(file), "not written: \(error)", underlying: error)
        }
        try signed.write(in: transfer, name: file.lastPathComponent)
    }

    /// A `close` run again after the closing signature was made but the key not yet
    /// destroyed: retires the key and returns the closing manifest's digest. Nil when
    /// there is nothing to resume (a seed key, no signature of this site on the closing
    /// manifest yet, or the statement written already).
    static func resume(
        _ party: Party, key: Ed25519.SigningKey, ceremony: Transcript
    ) throws(CeremonyError)
        -> PayloadDigest?
    {
        let layout = ceremony.layout
        guard SiteIdentity.tokenKey(key) != nil,
            FileManager.default.fileExists(atPath: layout.closingManifest.path),
            !FileManager.default.fileExists(atPath: layout.closingRetention(party).path)
        else { return nil }
        let (written, _) = try Closing.readCountersigned(ceremony)
        guard written.signatures.contains(where: { $0.keyid == KeyID(publicKey: key.publicKey).hex }) else {
            return nil
        }
        let closing = try ceremony.entry(layout.closingManifest)
        try retire(party, key: key, ceremony: ceremony)
        return closing.digest
    }
}
