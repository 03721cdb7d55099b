import Ceremony
import Foundation

/// Which of the audit's two modes ran (Docs/Audit.md, "Two modes").
package enum AuditMode: String, Codable, Sendable, CaseIterable {
    /// The real case: the auditor holds no card secrets, only the sample cards it opens.
    /// The verdict rests on default deny, blind detection and the sample.
    case production
    /// A mock ceremony whose print spools (`printed/`) are all there: adds the known-needle
    /// search for every card and the positive control over every card.
    case mock

    /// What the report says this mode proves.
    var proves: [String] {
        switch self {
        case .production:
            [
                "the site folders, transfer/ and the top level hold only files the protocol explains, each parsed as its kind (K3)",
                "no unexplained record holds a value shaped like a share; a shaped value that the public transcript ties to a card is named (S6)",
                "the sampled cards open: passphrase, key, address and both commitments agree (K1), and the search finds their shares in the print run (S4 over the sample)",
                "the sampled cards' known values are nowhere in either site's view (S1-S3 over the sample)",
            ]
        case .mock:
            [
                "everything production mode proves",
                "every card's known values (passphrase, prefactor, passfactor, seedb, factorb, encrypted key, private key, WIF) are searched for in every view (S1-S3)",
                "the search rebuilds every card from the print run, so it could see a leak (S4)",
            ]
        }
    }

    /// What the report says this mode cannot prove.
    var cannotProve: [String] {
        var limits = [
            "a copy taken off the machine, or a secret kept in someone's head: no audit of retained files sees it (the sample and physical controls answer that)",
            "a share encrypted or encoded in a form no check recognises, inside a file the protocol explains: only the allowed files' schemas stand against that",
        ]
        if self == .production {
            limits.append(
                "that an unsampled card's own passphrase or key is absent in an encoding blind detection does not recognise: only the sampled cards are searched for by value"
            )
        }
        return limits
    }

    /// The mode `requested` means for `layout`: `nil` (auto) is production when neither `printed/`
    /// nor `mock-secrets/` holds a spool, and mock otherwise (a partial print run then fails the
    /// positive control, rather than quietly lowering what the audit proves).
    static func resolve(_ requested: AuditMode?, layout: CeremonyLayout) -> AuditMode {
        if let requested { return requested }
        let folders = [
            layout.printed(.siteA), layout.printed(.siteB), layout.mockSecrets(.siteA), layout.mockSecrets(.siteB),
        ]
        let spools = folders.flatMap {
            (try? FileManager.default.contentsOfDirectory(atPath: $0.path)) ?? []
        }
        return spools.contains { $0.hasSuffix(".labels") || $0.hasSuffix(".faces.json") } ? .mock : .production
    }
}

extension AuditReport {
    /// Which mode ran, and what it can and cannot prove.
    package struct ModeReport: Codable, Sendable {
        package let name: AuditMode
        /// What the positive control must rebuild: every card (mock) or the sample (production).
        package let controlMustBe: Int
        package let proves: [String]
        package let cannotProve: [String]

        init(_ mode: AuditMode, controlMustBe: Int) {
            name = mode
            self.controlMustBe = controlMustBe
            proves = mode.proves
            cannotProve = mode.cannotProve
        }
    }
}

extension CardBook {
    /// Production mode: the auditor holds only the sampled cards, so every other card's label
    /// and face are put out of reach before any secret is rebuilt.
    mutating func keepPrinted(only sample: Set<Serial>) {
        for serial in cards.keys where !sample.contains(serial) {
            cards[serial]!.label = nil
            cards[serial]!.face = nil
        }
    }
}
