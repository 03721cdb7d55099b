import Foundation

/// One target of issue 7 and whether this run met it.
struct TargetCheck: Codable, Sendable {
    let name: String
    let target: String
    let measured: String
    let met: Bool
}

/// The heavy scrypt with `cores` threads each running it at once.
struct ConcurrentScrypt: Codable, Sendable {
    let cores: Int
    let perCallMilliseconds: Summary
}

/// Everything `make bench` measured in one run (written to bench/results.json).
struct Results: Codable, Sendable {
    struct Settings: Codable, Sendable {
        let cards: Int
        let runs: Int
        let scryptRuns: Int
        let coreCounts: [Int]
        let extraSizes: [Int]
        let pinnedWith: String
        let memoryFrom: String
    }

    let machine: Machine
    let settings: Settings
    /// The baseline: every heavy call of the run (at the start, next to each
    /// site A run and each confirm/decrypt, at the end), pooled.
    let scryptHeavyMs: Summary
    /// The same calls' CPU time (the calling thread's).
    let scryptHeavyCpuMs: Summary
    let scryptHeavyConcurrent: [ConcurrentScrypt]
    /// The lanes implementation (stretch goal) on 1..cores threads.
    let scryptLanes: [LanesPoint]
    /// BIP38's light scrypt (site B's per-card call) through both implementations.
    let scryptLight: LightScryptPoint
    /// `bip38 --help`: what starting a Swift executable costs, and its resident floor.
    let processStartMs: Summary
    let processFloorMiB: Summary
    let siteACardsPerS: Summary
    let siteABoundCardsPerS: Double
    let siteARatio: Summary
    let siteACosts: SiteACosts
    let siteBCardsPerS: Summary
    let siteBSplit: SiteBSplit
    let verifyMs: Summary
    let decryptMs: Summary
    /// Each confirm (decrypt) run over the baseline call just before it.
    let verifyRatio: Summary
    let decryptRatio: Summary
    let cardProcesses: [CardProcessPoint]
    let audit: [AuditPoint]
    let scaling: [SitePoint]
    let targets: [TargetCheck]

    enum CodingKeys: String, CodingKey {
        case machine, settings, audit, scaling, targets
        case scryptHeavyMs = "scrypt_heavy_ms"
        case scryptHeavyCpuMs = "scrypt_heavy_cpu_ms"
        case scryptHeavyConcurrent = "scrypt_heavy_concurrent"
        case scryptLanes = "scrypt_lanes"
        case scryptLight = "scrypt_light"
        case processStartMs = "process_start_ms"
        case processFloorMiB = "process_floor_mib"
        case siteACardsPerS = "site_a_cards_per_s"
        case siteABoundCardsPerS = "site_a_bound_cards_per_s"
        case siteARatio = "site_a_ratio"
        case siteACosts = "site_a_costs"
        case siteBCardsPerS = "site_b_cards_per_s"
        case siteBSplit = "site_b_split"
        case verifyMs = "verify_ms"
        case decryptMs = "decrypt_ms"
        case verifyRatio = "verify_ratio"
        case decryptRatio = "decrypt_ratio"
        case cardProcesses = "card_processes"
    }

    /// The results with the printed tables (Markdown) under "table".
    func json(table: String) -> Data {
        struct Written: Encodable {
            let results: Results
            let table: String
            func encode(to encoder: any Encoder) throws {
                try results.encode(to: encoder)
                var container = encoder.container(keyedBy: Key.self)
                try container.encode(table, forKey: Key(stringValue: "table")!)
            }
        }
        struct Key: CodingKey {
            let stringValue: String
            var intValue: Int? { nil }
            init?(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return (try! encoder.encode(Written(results: self, table: table))) + Data("\n".utf8)
    }
}
