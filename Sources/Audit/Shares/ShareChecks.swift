import BIP38
import Ceremony
import CryptoCore
import Foundation

extension AuditRun {
    /// S1–S5: search each view for each card's shares and count the keys each view rebuilds.
    /// - Returns: the matrix, and per site the cards whose share 2 it holds without rebuilding them.
    mutating func searchShares(_ book: CardBook) -> (AuditReport.Matrix, (siteA: Int, siteB: Int)) {
        let search = ShareSearch(cards: book.sorted)
        // A file the search cannot read fails the check of the view it belongs to.
        func scan(_ folder: URL, _ check: Check) -> [Hit] {
            var skipped: [String] = []
            let hits = search.scan(folder: folder, layout: layout, skipped: &skipped)
            for file in skipped {
                findings.append(Finding(check, .high, "file too large or unreadable: not searched", file: file))
            }
            return hits + deepSearch(folder, check, search, found: hits)
        }
        let siteAHits = scan(layout.site(.siteA), .siteA)
        let siteBHits = scan(layout.site(.siteB), .siteB)
        let transferHits = scan(layout.transfer, .transcriptShares)
        let controlHits = scan(layout.printed, .control) + scan(layout.cards, .control)

        func shares(_ hits: [Hit]) -> [Serial: Set<Share>] {
            var out: [Serial: Set<Share>] = [:]
            for hit in hits { out[hit.serial, default: []].insert(hit.share) }
            return out
        }
        func rebuilds(_ s: Set<Share>) -> Bool { s.contains(.key) || (s.contains(.one) && s.contains(.two)) }

        let transfer = shares(transferHits)
        var viewA = shares(siteAHits + transferHits)
        var viewB = shares(siteBHits + transferHits)
        // During the run A held every passphrase and B every seedb: a share that crossed
        // in the transcript met the other half at the receiving site.
        for (serial, crossed) in transfer {
            if crossed.contains(.two) { viewA[serial, default: []].insert(.one) }
            if crossed.contains(.one) { viewB[serial, default: []].insert(.two) }
        }
        let both = shares(siteAHits + siteBHits + transferHits)
        let control = shares(controlHits)
        let rebuiltA = Set(viewA.filter { rebuilds($0.value) }.keys)
        let rebuiltB = Set(viewB.filter { rebuilds($0.value) }.keys)

        report(siteAHits, check: .siteA, site: "site A", rebuilt: rebuiltA)
        report(siteBHits, check: .siteB, site: "site B", rebuilt: rebuiltB)
        for (check, site, rebuilt) in [(Check.siteA, "site A", rebuiltA), (.siteB, "site B", rebuiltB)] {
            for serial in rebuilt.sorted() {
                findings.append(
                    Finding(
                        check, .critical,
                        "\(site) can rebuild this card's private key from what it retained and received",
                        serial: serial.description))
            }
        }
        report(transferHits, check: .transcriptShares, site: "the transcript", rebuilt: [])
        let bothCount = both.values.filter(rebuilds).count
        if bothCount > 0 {
            findings.append(
                Finding(.bothSites, .high, "the two sites' retained files together rebuild \(bothCount) key(s)"))
        }
        // A real rebuild, not just two values found: the label's passphrase must decrypt the face's key.
        let controlCount = control.filter { rebuilds($0.value) && book.cards[$0.key]?.secrets?.privateKey != nil }.count
        if controlCount != manifest.cards {
            findings.append(
                Finding(
                    .control, .critical,
                    "the printed labels and card faces rebuild \(controlCount) of \(manifest.cards) keys: the audit cannot show it would see a leak"
                ))
        }
        let exposedA = viewA.filter { $0.value.contains(.two) && !rebuilds($0.value) }.count
        let exposedB = viewB.filter { $0.value.contains(.two) && !rebuilds($0.value) }.count
        for (site, count) in [("site A", exposedA), ("site B", exposedB)] where count > 0 {
            findings.append(
                Finding(
                    .exposure, .high,
                    "\(site) holds share 2 of \(count) card(s): each is one passphrase brute force from its key"))
        }
        let matrix = AuditReport.Matrix(
            siteA: rebuiltA.count, siteB: rebuiltB.count, both: bothCount, control: controlCount)
        return (matrix, (exposedA, exposedB))
    }

    /// One finding per card, file and value found where no share may be.
    private mutating func report(_ hits: [Hit], check: Check, site: String, rebuilt: Set<Serial>) {
        var seen = Set<String>()
        for hit in hits.sorted(by: { ($0.serial, $0.file, $0.offset) < ($1.serial, $1.file, $1.offset) }) {
            guard seen.insert("\(hit.serial) \(hit.file) \(hit.name)").inserted else { continue }
            let consequence =
                check == .transcriptShares
                ? "it crossed to the site that held the other share"
                : rebuilt.contains(hit.serial)
                    ? "with the other share it holds, the key is rebuilt" : "a retained key share"
            findings.append(
                Finding(
                    check, rebuilt.contains(hit.serial) || check == .transcriptShares ? .critical : .high,
                    "\(site) holds the \(hit.name) (\(hit.share.rawValue)): \(consequence)",
                    serial: hit.serial.description, file: hit.file, offset: hit.offset))
        }
    }

    /// E1: the cost of the brute force a view holding share 2 could run.
    func exposureReport(exposed: (siteA: Int, siteB: Int), scryptMs: Double) -> AuditReport.Exposure {
        let bits = manifest.policy.entropyBits
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let callsLog2 = bits - 1
        let perSecond = Double(cores) / max(scryptMs / 1000, 1e-9)
        let years = pow(2, callsLog2) / perSecond / (365.25 * 86400)
        return AuditReport.Exposure(
            policyBits: Randomness.rounded(bits), cardsExposedSiteA: exposed.siteA, cardsExposedSiteB: exposed.siteB,
            scryptMs: Randomness.rounded(scryptMs), cores: cores,
            expectedScryptCallsLog2: Randomness.rounded(callsLog2),
            yearsOnThisMachine: years)
    }
}
