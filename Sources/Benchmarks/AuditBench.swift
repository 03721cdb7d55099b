import Ceremony
import CryptoCore
import Foundation

enum AuditBench {
    static let textPerCard = 8 << 10
    static let binaryPerCard = 56 << 10
    static let description =
        "per card and per site folder: 8 KiB of log text (the card's serial, address, confirmation code and hex digests), 56 KiB of binary database pages"

    /// Adds a site's logs and database to `site` (public values only: an honest site's extra files).
    static func pad(_ site: URL, faces: [CardFace], party: String) throws {
        let logs = site.appendingPathComponent("logs")
        let database = site.appendingPathComponent("db")
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: database, withIntermediateDirectories: true)
        var log = Data()
        for (index, face) in faces.enumerated() {
            var card = Data()
            var line = 0
            while card.count < textPerCard {
                let digest = SystemRandom.bytes(count: 32).hex
                let text =
                    line % 4 == 0
                    ? "2025-11-24T12:00:\(String(format: "%02d", line % 60)).\(index)Z INFO \(party) card=\(face.serial) address=\(face.address) confirmation=\(face.confirmationCode) digest=\(digest)\n"
                    : "2025-11-24T12:00:\(String(format: "%02d", line % 60)).\(index)Z DEBUG \(party) request=\(UUID().uuidString) payload-sha256=\(digest) status=ok bytes=\(Int.random(in: 100...99999))\n"
                card.append(Data(text.utf8))
                line += 1
            }
            log.append(card)
        }
        try log.write(to: logs.appendingPathComponent("\(party).log"))
        // Database pages in files of at most 16 MiB, as a SQLite store with its WAL might be split.
        var left = binaryPerCard * faces.count
        var part = 0
        while left > 0 {
            let count = min(left, 16 << 20)
            try Data(SystemRandom.bytes(count: count)).write(to: database.appendingPathComponent("ledger-\(part).db"))
            left -= count
            part += 1
        }
    }

    /// Audits `layout` with `ceremony-audit` (no countersignature), `runs` times.
    static func audit(_ layout: CeremonyLayout, runs: Int, ceremonies: Ceremonies) throws -> [ChildRun] {
        let output = ceremonies.scratch.appendingPathComponent("audit-out-\(UInt32.random(in: 0...UInt32.max))")
        defer { try? FileManager.default.removeItem(at: output) }
        return try (0..<runs).map { _ in
            try ceremonies.run(
                "ceremony-audit", [layout.root.path, "--no-countersign", "--out", output.path], expecting: [0, 3])
        }
    }

    static func verdict(_ run: ChildRun) -> String { run.status == 0 ? "pass" : "fail (exit \(run.status))" }

    /// - Parameters:
    ///   - sealed: a ceremony after verify, seal and close (full audit), or nil to skip the full audit;
    ///   - minted: the same ceremony or a minted one; its copies lose the labels and the journal.
    static func measure(
        sealed: CeremonyLayout?, minted: CeremonyLayout, cards: Int, runs: Int, ceremonies: inout Ceremonies
    ) throws -> AuditPoint {
        var full: [ChildRun] = []
        if let sealed { full = try audit(sealed, runs: 1, ceremonies: ceremonies) }

        let bare = try ceremonies.copy(minted, "audit-bare-\(cards)")
        try? FileManager.default.removeItem(at: bare.printed(.siteA))
        try? FileManager.default.removeItem(at: bare.journal(1).deletingLastPathComponent())
        let padded = try ceremonies.copy(bare, "audit-padded-\(cards)")
        let faces = try CardFace.readSpool(padded.faces(1))
        try pad(padded.site(.siteA), faces: faces, party: "site-a")
        try pad(padded.site(.siteB), faces: faces, party: "site-b")

        var plain: [ChildRun] = []
        var extra: [ChildRun] = []
        for _ in 0..<runs {
            plain += try audit(bare, runs: 1, ceremonies: ceremonies)
            extra += try audit(padded, runs: 1, ceremonies: ceremonies)
        }
        let plainSummary = Summary(plain.map(\.seconds), unit: "s")
        let extraSummary = Summary(extra.map(\.seconds), unit: "s")
        let searchSeconds = extraSummary.median - plainSummary.median
        let perSite = (textPerCard + binaryPerCard) * cards
        let fullSummary = full.isEmpty ? nil : Summary(full.map(\.seconds), unit: "s")
        return AuditPoint(
            cards: cards, fullAuditSeconds: fullSummary,
            fullAuditMillisecondsPerCard: fullSummary?.scaled(1000 / Double(cards), unit: "ms/card"),
            fullAuditVerdict: full.first.map(verdict),
            fullAuditPeakMemoryMiB: full.isEmpty ? nil : Summary(full.map(\.maxRSSMiB), unit: "MiB"),
            auditWithoutLabelsSeconds: plainSummary, auditWithoutLabelsPaddedSeconds: extraSummary,
            paddingBytesPerSite: perSite, paddingDescription: description,
            shareSearchMillisecondsPerCard: searchSeconds * 1000 / Double(cards),
            shareSearchMiBPerSecond: Double(2 * perSite) / Double(1 << 20) / max(searchSeconds, 1e-6),
            paddedPeakMemoryMiB: Summary(extra.map(\.maxRSSMiB), unit: "MiB"))
    }
}
