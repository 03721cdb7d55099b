import BIP38
import CryptoCore
import Foundation

/// Setting up a site and the ceremony manifest (Docs/Design.md, flow step 1).
package enum SiteSetup {
    /// Makes a site's folder (0700), its signing key (0600), and its
    /// self-signed key declaration in `transfer/`.
    /// - Parameter token: make the key in this PKCS#11 token, recorded in the site folder (no seed file).
    /// - Returns: the declared key, whose keyid people compare aloud with the other site.
    package static func initialise(
        _ party: Party, layout: CeremonyLayout, token: TokenChoice? = nil
    ) throws(CeremonyError) -> SiteKey {
        try AtomicFile.makePrivateFolder(layout.site(party))
        try AtomicFile.makeFolder(layout.transfer, mode: 0o755)
        let lock = try SiteLock.acquire(party, layout: layout, for: "init")
        defer { withExtendedLifetime(lock) {} }
        // The declaration goes through transfer/'s descriptor: a real folder, never a link.
        let transfer = try DirectoryHandle.transfer(layout: layout)
        let key = try SiteIdentity.create(in: layout.site(party), token: token, label: "\(party.rawValue) signing key")
        let declared = SiteKey(publicKey: key.publicKey)
        try declaration(party, key: key).write(in: transfer, name: layout.declaration(party).lastPathComponent)
        return declared
    }

    /// Writes `party`'s self-signed declaration of `key` to `file` (a site's in
    /// `transfer/`, the auditor's in `audit/`).
    /// - Returns: the declared key.
    @discardableResult
    package static func declare(_ party: Party, key: Ed25519.SigningKey, to file: URL) throws(CeremonyError) -> SiteKey
    {
        try declaration(party, key: key).write(to: file)
        return SiteKey(publicKey: key.publicKey)
    }

    /// Writes `party`'s self-signed declaration of `key` as `name` in `folder`, through its
    /// descriptor (the auditor's in `audit/`).
    /// - Returns: the declared key.
    @discardableResult
    package static func declare(
        _ party: Party, key: Ed25519.SigningKey, in folder: DirectoryHandle, name: String
    ) throws(CeremonyError) -> SiteKey {
        try declaration(party, key: key).write(in: folder, name: name)
        return SiteKey(publicKey: key.publicKey)
    }

    /// `party`'s self-signed declaration of `key`.
    static func declaration(_ party: Party, key: Ed25519.SigningKey) -> SignedPayload<SiteDeclarationBody> {
        let payload = Payload(
            type: .siteDeclaration, ceremony: nil, signer: party, batch: nil, sequence: 0, prev: nil, answers: nil,
            body: SiteDeclarationBody(site: party, key: SiteKey(publicKey: key.publicKey), created: timestamp()))
        return SignedPayload(payload, signers: [key])
    }

    /// Reads a site's self-signed declaration from `transfer/`.
    package static func declaration(of party: Party, layout: CeremonyLayout) throws(CeremonyError) -> SiteKey {
        try declaration(of: party, at: layout.declaration(party))
    }

    /// Reads and verifies a self-signed key declaration file.
    package static func declaration(of party: Party, at file: URL) throws(CeremonyError) -> SiteKey {
        let data = try BoundedFile.read(file, limit: 1 << 16)
        let envelope: Envelope
        do { envelope = try Envelope(json: data) } catch { throw .envelope(file: file.path, error) }
        guard
            let unverified = try? TranscriptJSON.decoder.decode(
                Payload<SiteDeclarationBody>.self, from: envelope.payload),
            let raw = unverified.body.key.rawPublicKey, unverified.body.site == party
        else { throw .refusedBundle(file: file.path, reason: "not a \(party) key declaration") }
        if let defect = unverified.body.key.defect { throw .refusedBundle(file: file.path, reason: defect) }
        let keyID = KeyID(publicKey: raw)
        do {
            _ = try SignedPayload<SiteDeclarationBody>(
                verifying: envelope, kind: .siteDeclaration, trusted: [keyID: raw], required: [keyID])
        } catch {
            throw error.naming(file: file.path)
        }
        return unverified.body.key
    }

    /// Every auditor declaration in `audit/` (`auditor.declaration.json` and
    /// `auditor-*.declaration.json`), sorted by name: the keys of those that verify
    /// (each once), and why each other one was not taken.
    package static func auditorDeclarations(
        _ layout: CeremonyLayout
    ) -> (keys: [SiteKey], files: [(file: URL, key: SiteKey)], refused: [(file: URL, reason: String)]) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: layout.audit.path)) ?? []
        var keys: [SiteKey] = []
        var files: [(file: URL, key: SiteKey)] = []
        var refused: [(file: URL, reason: String)] = []
        for name in names.sorted() where name.hasPrefix("auditor") && name.hasSuffix(".declaration.json") {
            let file = layout.audit.appendingPathComponent(name)
            do {
                let key = try declaration(of: .auditor, at: file)
                files.append((file, key))
                if !keys.contains(key) { keys.append(key) }
            } catch {
                refused.append((file, error.code == .refusedBundle ? error.message : error.description))
            }
        }
        return (keys, files, refused)
    }

    /// The terms of a new ceremony, as site A proposes them.
    package struct Terms: Sendable {
        package var cards: Int
        package var batchSize: Int
        package var network: Network
        package var firstLot: Int
        package var addressFormat: AddressFormat
        package var policy: PassphrasePolicy
        package var forceWeakPolicy: Bool

        package init(
            cards: Int, batchSize: Int, network: Network = .mainnet, firstLot: Int = 1,
            addressFormat: AddressFormat = .compressed, policy: PassphrasePolicy = .standard,
            forceWeakPolicy: Bool = false
        ) {
            self.cards = cards
            self.batchSize = batchSize
            self.network = network
            self.firstLot = firstLot
            self.addressFormat = addressFormat
            self.policy = policy
            self.forceWeakPolicy = forceWeakPolicy
        }
    }

    /// Site A writes `ceremony.json`, signed by A, naming both sites' keys.
    package static func propose(
        _ terms: Terms, layout: CeremonyLayout, pin: PINSource = PINSource()
    ) throws(CeremonyError) -> ManifestBody {
        let lock = try SiteLock.acquire(.siteA, layout: layout, for: "propose")
        defer { withExtendedLifetime(lock) {} }
        guard !FileManager.default.fileExists(atPath: layout.manifest.path) else {
            throw .alreadyDone("\(layout.manifest.path): a manifest exists already")
        }
        let key = try SiteIdentity.load(from: layout.site(.siteA), pin: pin)
        let siteB = try declaration(of: .siteB, layout: layout)
        let body = ManifestBody(
            ceremonyId: SystemRandom.bytes(count: 16).hex, created: timestamp(), network: terms.network,
            cards: terms.cards, batchSize: terms.batchSize, firstLot: terms.firstLot,
            compressed: terms.addressFormat.isCompressed,
            policy: terms.policy, policyBits: (terms.policy.entropyBits * 10).rounded() / 10,
            siteA: SiteKey(publicKey: key.publicKey), siteB: siteB)
        try body.validate(forceWeakPolicy: terms.forceWeakPolicy)
        let payload = Payload(
            type: .manifest, ceremony: body.ceremonyId, signer: .siteA, batch: nil, sequence: 0, prev: nil,
            answers: nil, body: body)
        try SignedPayload(payload, signers: [key]).write(to: layout.manifest)
        return body
    }

    /// Site B checks A's signature and that the manifest names B's own key, then countersigns.
    package static func endorse(
        layout: CeremonyLayout, pin: PINSource = PINSource()
    ) throws(CeremonyError)
        -> ManifestBody
    {
        let lock = try SiteLock.acquire(.siteB, layout: layout, for: "endorse")
        defer { withExtendedLifetime(lock) {} }
        var (key, ceremony) = try SiteIdentity.open(.siteB, layout: layout, requireBothSignatures: false, pin: pin)
        guard let own = ceremony.body.keyID(of: .siteB),
            !ceremony.manifest.envelope.signatures.contains(where: { $0.keyid == own.hex })
        else { throw .alreadyDone("\(layout.manifest.path): already endorsed by site B") }
        try ceremony.body.validate(forceWeakPolicy: true)
        var manifest = ceremony.manifest
        manifest.countersign(key)
        try manifest.write(to: layout.manifest)
        ceremony = try Transcript.load(layout)
        return ceremony.body
    }
}
