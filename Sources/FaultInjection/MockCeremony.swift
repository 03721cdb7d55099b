import Audit
import BIP38
import Ceremony
import CryptoCore
import Foundation
import Printing

/// A whole ceremony run in-process through the site libraries (the same code
/// the executables run), optionally with one fault from the catalogue.
package enum MockCeremony {
    package struct Configuration: Sendable {
        package var cards: Int
        package var batchSize: Int
        package var network: Network
        package var firstLot: Int
        /// Whether the sites destroy their print spools before the close, as the shell's run
        /// does: the auditor's copy is kept in `mock-secrets/` first. Without
        /// it, the spools stay in `printed/`, where the mock audit reads them.
        package var destroysSpools: Bool

        package init(
            cards: Int = 4, batchSize: Int = 2, network: Network = .mainnet, firstLot: Int = 1,
            destroysSpools: Bool = false
        ) {
            self.cards = cards
            self.batchSize = batchSize
            self.network = network
            self.firstLot = firstLot
            self.destroysSpools = destroysSpools
        }
    }

    /// The mock auditor's key folder: beside the ceremony folder, never inside it.
    package static func auditorFolder(for layout: CeremonyLayout) -> URL {
        layout.root.deletingLastPathComponent().appendingPathComponent(layout.root.lastPathComponent + ".auditor")
    }

    /// The transfer medium's image (a FAT32 file system, Ceremony/MEDIUM.md): beside the ceremony
    /// folder, `<folder>.medium/medium.img`, as `Ceremony/run-ceremony.sh` keeps it. The in-process
    /// mock moves no bundle on it; only a fault that leaves something on the medium makes it.
    package static func medium(for layout: CeremonyLayout) -> URL {
        layout.root.deletingLastPathComponent().appendingPathComponent(layout.root.lastPathComponent + ".medium")
            .appendingPathComponent("medium.img")
    }

    /// Runs set-up, the auditor's sample commitment (its key in `auditorFolder`, default
    /// ``auditorFolder(for:)``), every batch (issue, mint, verify, seal), the assembly of the
    /// cards (`cards/`, with the holder's page), the spools' destruction when the configuration
    /// asks for it, two exception-log entries and the closing, injecting `fault` at its phase.
    ///
    /// Each party's payloads record a mock build (``build(of:version:)``), as if each
    /// site ran its own executable of one release.
    package static func run(
        at layout: CeremonyLayout, _ configuration: Configuration = Configuration(), fault: Fault? = nil,
        auditorFolder: URL? = nil
    )
        throws(CeremonyError)
    {
        do {
            try Provenance.$simulated.withValue(builds(for: fault)) {
                try runSteps(at: layout, configuration, fault: fault, auditorFolder: auditorFolder)
            }
        } catch let error as CeremonyError {
            throw error
        } catch {
            throw CeremonyError(.failed, "mock ceremony: \(error)", underlying: error)
        }
    }

    private static func runSteps(
        at layout: CeremonyLayout, _ configuration: Configuration, fault: Fault?, auditorFolder: URL?
    ) throws(CeremonyError) {
        _ = try SiteSetup.initialise(.siteA, layout: layout)
        _ = try SiteSetup.initialise(.siteB, layout: layout)
        let weak = fault == .aWeakPolicy
        _ = try SiteSetup.propose(
            SiteSetup.Terms(
                cards: configuration.cards, batchSize: configuration.batchSize, network: configuration.network,
                firstLot: configuration.firstLot,
                policy: weak
                    ? PassphrasePolicy(alphabet: PassphrasePolicy.standard.alphabet, length: 12, group: 4) : .standard,
                forceWeakPolicy: weak),
            layout: layout)
        _ = try SiteSetup.endorse(layout: layout)
        _ = try Auditor.commit(layout, keyFolder: auditorFolder ?? Self.auditorFolder(for: layout))
        let siteA = try PassphraseSite(
            layout: layout, ownerSalts: fault == .aReusesOwnersalt ? reusedSalt : nil,
            passphrases: fault == .aWeakPassphraseGenerator ? weakPassphrase : nil)
        let siteB = try KeySite(layout: layout, seeds: seedSource(for: fault))
        for batch in 1...siteA.ceremony.body.batchCount {
            try siteA.issue(batch: batch)
            try siteB.mint(batch: batch)
            if let fault, fault.phase == .afterMint { try Injector(layout: layout).inject(fault, batch: batch) }
            do {
                _ = try siteA.verify(batch: batch)
            } catch  where fault?.stopsTheRun == true {
                // Site A refused the bundle: the run stops here, as it would for real (every
                // later command refuses while the bundle sits in transfer/), and never closes.
                return
            }
            // A site A that finds a failed confirmation voids the card, as the runbook says.
            try siteA.seal(batch: batch, voidFailed: true)
        }
        // Assembly: the cards and the holder's page, as card-print writes them.
        try PrintRun.assemble(layout, denomination: denomination)
        _ = try VerifyPage.write(layout)
        if configuration.destroysSpools {
            _ = try Auditor.keepMockSecrets(layout)
            for party in [Party.siteA, .siteB] {
                _ = try SpoolDestruction.destroy(
                    party, ceremony: try Transcript.load(layout), key: try SiteIdentity.load(from: layout.site(party)))
            }
        }
        // Two exceptions, as the shell's mock run logs one: the witness's (unsigned) and site A's (signed).
        try ExceptionLog.append(
            layout, role: .witness, step: "X-5.1", reason: "mock ceremony: the cards are assembled on screen",
            signer: nil)
        try ExceptionLog.append(
            layout, role: .siteA, step: "C-6.1", reason: "mock ceremony: no removable media to wipe",
            signer: try SiteIdentity.load(from: layout.site(.siteA)))
        _ = try siteA.close()
        _ = try siteB.countersignClosing()
        if let fault, fault.phase == .afterClose { try Injector(layout: layout).inject(fault, batch: 1) }
    }

    /// The denomination the mock cards' fronts show (card-print's default).
    package static let denomination = "MOCK · NO VALUE"

    /// The version site B's other build records (``Fault/bRunsOtherBuild``).
    package static let otherVersion = ToolkitVersion.current + "-patched"

    /// The mock build of `party`'s tool: this version, and a stand-in executable digest
    /// (SHA-256 of `mock TOOL VERSION`).
    package static func build(of party: Party, version: String = ToolkitVersion.current) -> BuildRecord {
        let tool = BuildRecord.tool(signing: party)
        return BuildRecord(
            tool: tool, version: version, executableSha256: PayloadDigest(of: Data("mock \(tool) \(version)".utf8)))
    }

    /// The honest mock release: every tool's mock build, as `sha256sum` would list it.
    package static var releaseSums: String {
        [Party.siteA, .siteB, .auditor].map { "\(build(of: $0).executableSha256.hex)  \(build(of: $0).tool)\n" }
            .joined()
    }

    /// What each party's payloads record, honest or as `fault` makes them.
    static func builds(for fault: Fault?) -> @Sendable (Party, PayloadKind) -> BuildRecord? {
        switch fault {
        case .bRunsOtherBuild:
            return { party, _ in build(of: party, version: party == .siteB ? otherVersion : ToolkitVersion.current) }
        case .aForgesBuild:
            let forged = BuildRecord(
                tool: "key-site", version: ToolkitVersion.current,
                executableSha256: PayloadDigest(of: Data("a hand-written build record".utf8)))
            return { party, kind in party == .siteA && kind == .intermediateBatch ? forged : build(of: party) }
        default:
            return { party, _ in build(of: party) }
        }
    }

    /// A passphrase of the standard policy's shape from 30 random bits: the number in base 32
    /// (the policy's alphabet), padded with zeros to 20 characters (14 leading zeros), grouped by 4.
    @Sendable static func weakPassphrase(_ serial: Serial) -> SecretBytes {
        let symbols = Array(PassphrasePolicy.standard.alphabet.utf8)
        var value = Int(SystemRandom.uniform(below: UInt32(1) << 30))
        var digits = [UInt8](repeating: symbols[0], count: 20)
        for index in stride(from: 19, through: 0, by: -1) where value > 0 {
            digits[index] = symbols[value % symbols.count]
            value /= symbols.count
        }
        var grouped: [UInt8] = []
        for (index, digit) in digits.enumerated() {
            if index > 0 && index % 4 == 0 { grouped.append(UInt8(ascii: "-")) }
            grouped.append(digit)
        }
        return SecretBytes(copying: grouped)
    }

    /// The first card of every batch gets the same ownersalt; the rest are random.
    @Sendable static func reusedSalt(_ serial: Serial) -> [UInt8] {
        serial.sequence == 0 ? [0xA5, 0x5A, 0xC3, 0x3C] : SystemRandom.bytes(count: 4)
    }

    static func seedSource(for fault: Fault?) -> (@Sendable (Serial) -> SecretBytes)? {
        switch fault {
        case .bReusesSeedb:
            return { serial in
                serial.sequence == 0
                    ? SecretBytes(copying: [UInt8](repeating: 0x5C, count: 24)) : SystemRandom.secretBytes(count: 24)
            }
        case .bWeakRandomness:
            // A 7-bit generator: every byte's top bit is clear.
            return { _ in SecretBytes(copying: SystemRandom.bytes(count: 24).map { $0 & 0x7F }) }
        default:
            return nil
        }
    }
}
