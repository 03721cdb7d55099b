import CryptoCore
import Foundation

/// A site's Ed25519 signing key, kept in its own folder as a 32-byte seed file (0600),
/// or in a PKCS#11 token that the record `signing-key.pkcs11.json` names (``TokenKeyRecord``).
package enum SiteIdentity {
    package static let fileName = "signing-key.seed"

    /// Makes and stores a fresh key; refuses to overwrite one.
    /// - Parameter token: make the key in this token instead of a seed file (`label` names it there).
    package static func create(
        in folder: URL, token: TokenChoice? = nil, label: String = "signing key"
    ) throws(CeremonyError) -> Ed25519.SigningKey {
        let site = try DirectoryHandle.open(folder, policy: .private)
        for name in [fileName, TokenKeyRecord.fileName] where try site.contains(name) {
            throw .alreadyDone(
                "\(folder.appendingPathComponent(name).path): a signing key exists already; refusing to replace it")
        }
        if let token { return try createInToken(token, site: site, label: label) }
        let seed = SystemRandom.secretBytes(count: 32)
        try site.write(seed, to: fileName, mode: .secret)
        // A seed just drawn is 32 bytes, the one length init(seed:) refuses otherwise.
        return try! Ed25519.SigningKey(seed: seed)
    }

    /// Opens a site for a command: loads its key and the ceremony, and checks that
    /// the manifest names this key for `party` (a site never works for a ceremony
    /// that trusts another key in its place). Site B endorses a manifest only A has signed
    /// (`requireBothSignatures: false`).
    package static func open(
        _ party: Party, layout: CeremonyLayout, requireBothSignatures: Bool = true, pin: PINSource = PINSource()
    ) throws(CeremonyError)
        -> (key: Ed25519.SigningKey, transcript: Transcript)
    {
        let key = try load(from: layout.site(party), pin: pin)
        let transcript = try Transcript.load(layout, requireBothSignatures: requireBothSignatures)
        guard transcript.body.key(of: party) == SiteKey(publicKey: key.publicKey) else {
            throw .refusedBundle(
                file: layout.manifest.path,
                reason:
                    "names another key for \(party.siteName) than this site's own "
                    + "(\(layout.relative(layout.site(party).appendingPathComponent(fileName))))")
        }
        return (key, transcript)
    }

    /// Loads the site's key: the seed file, or the token key its record names (the PIN from `pin`).
    /// The folder must be a real, private folder (``AtomicFile/checkPrivateFolder(_:tighten:)``).
    package static func load(
        from folder: URL, pin: PINSource = PINSource()
    ) throws(CeremonyError)
        -> Ed25519.SigningKey
    {
        let url = folder.appendingPathComponent(fileName)
        let notInitialised = CeremonyError(.notInitialised, file: folder.path, "no signing key: run init first")
        // The key is read through the folder's descriptor, the folder checked once (never a link).
        let site: DirectoryHandle
        do { site = try AtomicFile.checkPrivateFolder(folder) } catch  where error.code == .missingFile {
            throw notInitialised
        }
        if let record = try TokenKeyRecord.read(in: site) {
            let recordFile = folder.appendingPathComponent(TokenKeyRecord.fileName).path
            guard try !site.contains(fileName) else {
                throw CeremonyError(
                    .damagedRecord, file: recordFile, "a seed file and a token key record side by side: keep one")
            }
            return try loadFromToken(record, file: recordFile, pin: pin)
        }
        guard try site.contains(fileName) else { throw notInitialised }
        do {
            let seed = try site.readSecret(fileName, limit: 32)
            return try Ed25519.SigningKey(seed: seed)
        } catch {
            throw CeremonyError(.damagedRecord, file: url.path, "unreadable signing key (\(error))", underlying: error)
        }
    }
}
