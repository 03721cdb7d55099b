import BIP38
import CryptoCore
import Foundation

/// Setting up a site and the ceremony manifest (Docs/Design.md, flow step 1).
public enum SiteSetup {
    /// Makes a site's folder (0700), its signing key (0600), and its
    /// self-signed key declaration in `transfer/`.
    /// - Returns: the declared key, whose keyid people compare aloud with the other site.
    public static func initialise(_ party: Party, layout: CeremonyLayout) throws(CeremonyError) -> SiteKey {
        do {
            try AtomicFile.makeFolder(layout.site(party))
            try AtomicFile.makeFolder(layout.transfer, mode: 0o755)
        } catch {
            throw .storage(error)
        }
        let key = try SiteIdentity.create(in: layout.site(party))
        let declared = SiteKey(publicKey: key.publicKey)
        let payload = Payload(
            type: .siteDeclaration, ceremony: nil, signer: party, batch: nil, sequence: 0, prev: nil, answers: nil,
            body: SiteDeclarationBody(site: party, key: declared, created: timestamp()))
        try storing { () throws(StorageError) in try SignedPayload(payload, signers: [key]).write(to: layout.declaration(party)) }
        return declared
    }

    /// Reads a site's self-signed declaration from `transfer/`.
    public static func declaration(of party: Party, layout: CeremonyLayout) throws(CeremonyError) -> SiteKey {
        try declaration(of: party, at: layout.declaration(party))
    }

    /// Reads and verifies a self-signed key declaration file.
    public static func declaration(of party: Party, at file: URL) throws(CeremonyError) -> SiteKey {
        let data: Data
        do { data = try BoundedFile.read(file, limit: 1 << 16) } catch { throw .storage(error) }
        let envelope: Envelope
        do { envelope = try Envelope(json: data) } catch { throw .transcript(file: file.path, .envelope(error)) }
        guard let unverified = try? TranscriptJSON.decoder.decode(Payload<SiteDeclarationBody>.self, from: envelope.payload),
            let raw = unverified.body.key.rawPublicKey, unverified.body.site == party
        else { throw .refusedBundle(file: file.path, reason: "not a \(party) key declaration") }
        let keyID = KeyID(publicKey: raw)
        do {
            _ = try SignedPayload<SiteDeclarationBody>(
                verifying: envelope, kind: .siteDeclaration, trusted: [keyID: raw], required: [keyID])
        } catch {
            throw .transcript(file: file.path, error)
        }
        return unverified.body.key
    }

    /// The terms of a new ceremony, as site A proposes them.
    public struct Terms: Sendable {
        public var cards: Int
        public var batchSize: Int
        public var network: Network
        public var firstLot: Int
        public var compressed: Bool
        public var policy: PassphrasePolicy
        public var forceWeakPolicy: Bool

        public init(
            cards: Int, batchSize: Int, network: Network = .mainnet, firstLot: Int = 1, compressed: Bool = true,
            policy: PassphrasePolicy = .standard, forceWeakPolicy: Bool = false
        ) {
            self.cards = cards
            self.batchSize = batchSize
            self.network = network
            self.firstLot = firstLot
            self.compressed = compressed
            self.policy = policy
            self.forceWeakPolicy = forceWeakPolicy
        }
    }

    /// Site A writes `ceremony.json`, signed by A, naming both sites' keys.
    public static func propose(_ terms: Terms, layout: CeremonyLayout) throws(CeremonyError) -> ManifestBody {
        guard !FileManager.default.fileExists(atPath: layout.manifest.path) else {
            throw .alreadyDone("\(layout.manifest.path): a manifest exists already")
        }
        let key = try SiteIdentity.load(from: layout.site(.siteA))
        let siteB = try declaration(of: .siteB, layout: layout)
        let body = ManifestBody(
            ceremonyId: SystemRandom.bytes(count: 16).hex, created: timestamp(), network: terms.network,
            cards: terms.cards, batchSize: terms.batchSize, firstLot: terms.firstLot, compressed: terms.compressed,
            policy: terms.policy, policyBits: (terms.policy.entropyBits * 10).rounded() / 10,
            siteA: SiteKey(publicKey: key.publicKey), siteB: siteB)
        try body.validate(forceWeakPolicy: terms.forceWeakPolicy)
        let payload = Payload(
            type: .manifest, ceremony: body.ceremonyId, signer: .siteA, batch: nil, sequence: 0, prev: nil,
            answers: nil, body: body)
        try storing { () throws(StorageError) in try SignedPayload(payload, signers: [key]).write(to: layout.manifest) }
        return body
    }

    /// Site B checks A's signature and that the manifest names B's own key, then countersigns.
    public static func endorse(layout: CeremonyLayout) throws(CeremonyError) -> ManifestBody {
        let key = try SiteIdentity.load(from: layout.site(.siteB))
        var ceremony = try Ceremony.load(layout, requireBothSignatures: false)
        guard ceremony.body.siteB == SiteKey(publicKey: key.publicKey) else {
            throw .refusedBundle(file: layout.manifest.path, reason: "names another key for site B than this site's")
        }
        guard let own = ceremony.body.keyID(of: .siteB),
            !ceremony.manifest.envelope.signatures.contains(where: { $0.keyid == own.hex })
        else { throw .alreadyDone("\(layout.manifest.path): already endorsed by site B") }
        try ceremony.body.validate(forceWeakPolicy: true)
        var manifest = ceremony.manifest
        manifest.countersign(key)
        try storing { () throws(StorageError) in try manifest.write(to: layout.manifest) }
        ceremony = try Ceremony.load(layout)
        return ceremony.body
    }
}

/// The current time in ISO 8601 (UTC), for `created` fields.
func timestamp() -> String {
    ISO8601DateFormatter().string(from: Date())
}
