import Ceremony

/// Every audit check, with a stable id. Each has a test where it passes and
/// one where it fails (Tests/AuditTests), and a failed check makes
/// `ceremony-audit` exit 3.
package enum Check: String, Codable, Sendable, CaseIterable, Comparable {
    case signatures = "T1.signatures"
    case binding = "T2.ceremony-binding"
    case chain = "T3.chain"
    case answers = "T4.answers"
    case closing = "T5.closing-manifest"
    case coverage = "T6.batches-complete"
    case keys = "T7.keys-declared"
    case serials = "C1.serials"
    case codeAgreement = "C2.codes-agree"
    case uniqueness = "C3.no-reuse"
    case siteA = "S1.site-a-cannot-rebuild"
    case siteB = "S2.site-b-cannot-rebuild"
    case bothSites = "S3.sites-together"
    case control = "S4.positive-control"
    case transcriptShares = "S5.transcript-carries-no-share"
    case shareShaped = "S6.no-share-shaped-value"
    case exposure = "E1.brute-force-exposure"
    case randomness = "R1.randomness"
    case policy = "P1.passphrase-policy"
    case sample = "K1.cut-and-choose"
    case retention = "K2.retention-statements"
    case defaultDeny = "K3.default-deny"
    case exceptionLog = "K4.exception-log"
    case builds = "B1.builds"

    /// What the check establishes, in one line.
    package var summary: String {
        switch self {
        case .signatures: "every envelope is signed by a key the manifest declares, over its exact bytes"
        case .binding: "every payload names this ceremony"
        case .chain: "each site's payloads form one chain from the manifest: no gap, fork or replay"
        case .answers: "every response answers the request of its batch"
        case .closing: "the closing manifest lists exactly the payloads present and is signed by A and B"
        case .coverage: "every batch was issued, minted, verified without failure and sealed"
        case .keys: "the manifest's keys are the keys the sites declared in transfer/; every signer is named"
        case .serials: "every serial of the manifest appears exactly once in each bundle kind"
        case .codeAgreement: "intermediate code, encrypted key, confirmation code and address of each card agree"
        case .uniqueness: "no ownersalt, passpoint, address or seedb is used twice"
        case .siteA: "site A's retained files and the transcript hold no share of any card (so rebuild no key)"
        case .siteB: "site B's retained files and the transcript hold no share of any card (so rebuild no key)"
        case .bothSites: "both sites' retained files together rebuild no key (each destroyed its share)"
        case .control: "the printed labels and card faces rebuild every key: the search can see a leak"
        case .transcriptShares: "no key share crossed between the sites"
        case .shareShaped:
            "no unexplained record holds a value shaped like a share (encrypted key, confirmation code, WIF, passphrase, 32-byte value), nor an allowed record's free text one tied to a card"
        case .exposure: "no site holds share 2 (which would leave only a passphrase brute force)"
        case .randomness: "public and recovered random values show no repeats or bias the sample can detect"
        case .policy: "the passphrase policy reaches the 80-bit floor and the printed passphrases follow it"
        case .sample:
            "the sample is drawn with the auditor's committed value; sampled cards open: passphrase, key, address, commitments"
        case .retention: "each site's last retention statement matches what its folder holds"
        case .defaultDeny:
            "the site folders, transfer/ and the top level hold only what the protocol explains, each parsed as its kind"
        case .exceptionLog:
            "the exception log's hash chain holds, site entries are signed, and it begins with what the closing manifest recorded"
        case .builds:
            "every payload records its build; both sites ran one version, each tool one executable (listed in --expect-build when given)"
        }
    }

    package static func < (a: Check, b: Check) -> Bool { a.rawValue < b.rawValue }
}

/// How bad a finding is.
package enum Severity: String, Codable, Sendable, Comparable, CaseIterable {
    case critical, high, medium, info

    private var rank: Int { Self.allCases.firstIndex(of: self)! }
    package static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
}

/// One thing the audit found.
///
/// Its text fields hold what comes from files and file names escaped, once, by
/// `quoted(_:limit:)` (Sources/Ceremony/Model/Quoting.swift): control, format and line-separator
/// characters (newlines, ESC, CSI, U+202E) appear as `\n`, `\u{1B}`, ... So
/// report.json, report.md and stdout all carry the same escaped text, and a
/// hostile file name or payload cannot add a line (a false verdict) to any of them.
package struct Finding: Codable, Sendable, Equatable {
    package let check: Check
    package let severity: Severity
    package let serial: String?
    package let file: String?
    package let offset: Int?
    package let message: String

    package init(
        _ check: Check, _ severity: Severity, _ message: String, serial: String? = nil, file: String? = nil,
        offset: Int? = nil
    ) {
        self.check = check
        self.severity = severity
        self.serial = serial.map { quoted($0, limit: .max) }
        self.file = file.map { quoted($0, limit: .max) }
        self.offset = offset
        self.message = quoted(message, limit: Self.messageLimit)
    }

    /// The most characters of a message taken from its input (a hostile file cannot flood the report).
    static let messageLimit = 2000

    /// Whether this finding fails its check (info findings do not).
    package var fails: Bool { severity != .info }
}
