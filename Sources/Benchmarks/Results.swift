import Foundation

// Every record of bench/results.json, in one place: the file's schema.

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
    /// The compute floor of the heavy scrypt in the kernel this CPU runs.
    let computeFloor: ComputeFloor
    /// The lanes implementation on 1..cores threads.
    let scryptLanes: [LanesPoint]
    /// BIP38's light scrypt (site B's per-card call) through both implementations.
    let scryptLight: LightScryptPoint
    /// `bip38 --help`: what starting a Swift executable costs, and its resident floor.
    let processStartMs: Summary
    /// `process_floor_mib` in the JSON, as every key: the name in snake case (see ``json(table:)``).
    let processFloorMib: Summary
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

// The records of each figure (their fields are the JSON keys, in snake case).

/// The audit's cost per card: the whole audit, and the key-share search alone
/// over site folders of a stated, realistic size.
struct AuditPoint: Codable, Sendable {
    let cards: Int
    /// `ceremony-audit` on the sealed ceremony with the printed labels: one heavy
    /// scrypt per card (the positive control opens every card), on all cores.
    let fullAuditSeconds: Summary?
    let fullAuditMillisecondsPerCard: Summary?
    let fullAuditVerdict: String?
    let fullAuditPeakMemoryMiB: Summary?
    /// The same folder without the labels (no heavy scrypt), as it is and with
    /// `paddingBytesPerSite` of site data added to site-a/ and site-b/.
    let auditWithoutLabelsSeconds: Summary
    let auditWithoutLabelsPaddedSeconds: Summary
    let paddingBytesPerSite: Int
    let paddingDescription: String
    /// (padded − unpadded medians) / cards: the share search over the added site data, per card.
    let shareSearchMillisecondsPerCard: Double
    /// Added bytes (both sites) / (padded − unpadded medians).
    let shareSearchMiBPerSecond: Double
    let paddedPeakMemoryMiB: Summary
}

/// Site B's time split, measured in-process on one thread with the same library
/// calls `key-site mint` makes (Sources/BIP38/KeyGeneration.swift).
struct SiteBSplit: Codable, Sendable {
    /// Per card, microseconds on one core.
    let scryptLightMicroseconds: Summary
    let curveMultiplicationsMicroseconds: Summary
    let aesMicroseconds: Summary
    /// The whole per-card step (`generateKey`): the three above plus SHA-256d, RIPEMD-160, Base58Check.
    let generateKeyMicroseconds: Summary
    /// generateKey less the three parts, round by round.
    let otherPerCardMicroseconds: Summary
    /// Per batch, milliseconds: Ed25519 signing of the key batch and retention statement, and verifying A's bundle.
    let signingMilliseconds: Summary
    /// Per batch, milliseconds: atomic writes (fsync, rename, folder fsync) of the face spool, key batch and statement.
    let diskMilliseconds: Summary
    /// Per card, microseconds on one core, batched as `key-site mint` runs them (a
    /// batch of the kernel's width, every card's lane side by side): the light scrypt
    /// (`Scrypt.derive(many:)`) and the whole step (`prepareKey`, then `PreparedKey.finish`).
    let scryptLightBatchedMicroseconds: Summary
    let batchedKeyMicroseconds: Summary
    /// 1 / the batched step: what one core can mint, compute only, as `key-site mint` computes.
    let computeCardsPerSecondPerCore: Summary
}

/// Site A's per-card work besides the heavy scrypt, in-process on one thread.
struct SiteACosts: Codable, Sendable {
    /// `IntermediateCode.make` (heavy scrypt, passpoint = passfactor·G, hashing), milliseconds.
    let intermediateCodeMilliseconds: Summary
    /// One journal record's atomic write (0600 file, fsync, rename, folder fsync), milliseconds.
    let journalWriteMilliseconds: Summary
}

/// One card through `bip38 confirm` and `bip38 decrypt`, each a whole process.
struct CardProcessPoint: Codable, Sendable {
    let cores: Int
    let verifyMilliseconds: Summary
    let decryptMilliseconds: Summary
    /// Each run over the baseline call taken just before it.
    let verifyRatio: Summary
    let decryptRatio: Summary
    let otherLoadCores: Summary
    let verifyPeakMemoryMiB: Summary
    let decryptPeakMemoryMiB: Summary
}

/// The compute floor (Sources/CKernels/CSalsa): the time of one Salsa20/8 core
/// in the fastest kernel this CPU runs, all its lanes side by side and no memory
/// traffic, times the 2·N·2r·p = 4,194,304 cores of one scrypt(16384,8,8).
/// A card's heavy scrypt cannot take less on one core; on k cores, floor / k.
struct ComputeFloor: Codable, Sendable {
    /// "avx512", "avx2", "sse2" or "portable".
    let kernel: String
    let lanesAtOnce: Int
    /// Nanoseconds per Salsa20/8 core, `lanesAtOnce` chains side by side.
    let salsaCoreNanoseconds: Summary
    /// The same with 4 chains (what each of 2 cores runs for 8 lanes).
    let salsaCoreNanosecondsFourLanes: Summary
    /// salsaCoreNanoseconds × 4,194,304, in milliseconds: one card on one core at the floor.
    let heavyScryptMilliseconds: Summary

    /// Salsa20/8 cores in one scrypt(16384,8,8): 2·N·2r per lane, 8 lanes.
    static let coresPerHeavyScrypt = 2 * 16384 * 2 * 8 * 8

    /// The floor over a measured time per card on `cores` cores (1 = at the floor).
    func ratio(millisecondsPerCard: Double, cores: Int) -> Double {
        heavyScryptMilliseconds.median / Double(cores) / millisecondsPerCard
    }
}

/// The lanes implementation (Sources/CryptoCore/ROMix.swift over the C kernel
/// and OpenSSL's PBKDF2) on 1..k threads, against libsodium in the same run.
struct LanesPoint: Codable, Sendable {
    let threads: Int
    /// One call, wall milliseconds.
    let milliseconds: Summary
    /// Over the libsodium calls taken next to each.
    let ratioToBaseline: Summary
    /// Every call's output equalled libsodium's for the same random input.
    let agreesWithLibsodium: Bool
}

/// BIP38's light scrypt (N=1024, r=1, p=1, site B's per-card call) through
/// libsodium and through the lanes implementation on one thread, alternating on
/// the same random inputs: what `Scrypt.Implementation.preferred` is chosen by.
struct LightScryptPoint: Codable, Sendable {
    /// One call, microseconds.
    let libsodiumMicroseconds: Summary
    let lanesMicroseconds: Summary
    /// Lanes over libsodium, round by round.
    let ratio: Summary
    let agreesWithLibsodium: Bool
}

/// One whole-process site figure: a batch through `passphrase-site issue` or
/// `key-site mint` on a number of cores.
struct SitePoint: Codable, Sendable {
    let site: String
    let cores: Int
    let cards: Int
    let seconds: Summary
    let cardsPerSecond: Summary
    let cardsPerSecondPerCore: Summary
    /// Site A only: cards per second over the bound cores / baseline, each run
    /// against the baseline calls taken next to it.
    let ratioToBound: Summary?
    /// Site A only: CPU spent in heavy scrypt (cards × baseline CPU time) over the
    /// process's CPU time. Less sensitive than the ratio to other load on the machine.
    let cpuEfficiency: Summary?
    let cpuSeconds: Summary
    /// Cores' worth of CPU other processes used during the runs.
    let otherLoadCores: Summary
    let peakMemoryMiB: Summary
}

/// The machine the figures were measured on.
struct Machine: Codable, Sendable {
    let cpu: String
    let cores: Int
    let memoryGiB: Double
    let kernel: String
    let swift: String
    let date: String
}
