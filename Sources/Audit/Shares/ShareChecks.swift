import BIP38
import Ceremony
import CryptoCore
import Foundation

extension AuditRun {
    /// S1–S5: search each view for each card's shares and count the keys each view rebuilds.
    ///
    /// The matrix rules (Docs/Audit.md, "The matrix"): during the run site A held every
    /// passphrase and site B every seedb, so a share that reached the site that made the
    /// other half rebuilds the key there: share 2 anywhere in A's view (site-a/ or the
    /// transcript) rebuilds it for A, share 1 anywhere in B's for B. A share found at the
    /// other site crossed (S5). "Both" is the union of the two views, never less than either.
    /// `inventory` adds what blind detection tied to a card; `controlMustBe` is every card in
    /// mock mode and the sample in production.
    /// - Returns: the matrix, and per site the cards whose share 2 it holds without rebuilding them.
    mutating func searchShares(
        _ book: CardBook, inventory: InventoryHits = InventoryHits(), controlMustBe: Int? = nil
    ) -> (AuditReport.Matrix, (siteA: Int, siteB: Int)) {
        let search = ShareSearch(cards: book.sorted)
        // A file the search cannot read fails the check of the view it belongs to.
        // Each file is read once and searched through everything derived from it (ShareSearch.search);
        // a source that cannot be decoded to its end (a budget passed, a damaged or encrypted container)
        // is a `high` finding of the check too.
        func scan(_ folder: URL, _ check: Check) -> [Hit] {
            let result = search.search(folder: folder, layout: layout)
            for file in result.skipped {
                findings.append(Finding(check, .high, "file too large or unreadable: not searched", file: file))
            }
            for (file, reason) in result.incomplete { findings.append(Finding(check, .high, reason, file: file)) }
            return result.hits + result.derived
        }
        let images = searchImages(search)
        imagesSearched = images.searched
        // Records outside both site folders could be either site's: they count in both views.
        let siteAHits = scan(layout.site(.siteA), .siteA) + images.siteA + inventory.siteA + inventory.outside
        let siteBHits = scan(layout.site(.siteB), .siteB) + images.siteB + inventory.siteB + inventory.outside
        let transferHits = scan(layout.transfer, .transcriptShares) + inventory.transfer
        var controlHits = scan(layout.printed, .control) + scan(layout.cards, .control)
        if FileManager.default.fileExists(atPath: layout.mockSecrets.path) {
            controlHits += scan(layout.mockSecrets, .control)
        }

        func shares(_ hits: [Hit]) -> [Serial: Set<Share>] {
            var out: [Serial: Set<Share>] = [:]
            for hit in hits { out[hit.serial, default: []].insert(hit.share) }
            return out
        }
        func rebuilds(_ s: Set<Share>) -> Bool { s.contains(.key) || (s.contains(.one) && s.contains(.two)) }

        var viewA = shares(siteAHits + transferHits)
        var viewB = shares(siteBHits + transferHits)
        // Each site made one half of every card: the other half, wherever in its view, completes the key.
        for (serial, held) in viewA where held.contains(.two) { viewA[serial]!.insert(.one) }
        for (serial, held) in viewB where held.contains(.one) { viewB[serial]!.insert(.two) }
        let both = viewA.merging(viewB) { $0.union($1) }
        let control = shares(controlHits)
        let rebuiltA = Set(viewA.filter { rebuilds($0.value) }.keys)
        let rebuiltB = Set(viewB.filter { rebuilds($0.value) }.keys)
        let rebuiltBoth = Set(both.filter { rebuilds($0.value) }.keys)

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
        // A share kept at the site that never made it crossed there from the other site.
        for (hits, site, foreign, maker) in [
            (siteAHits, "site A", Share.two, "site B"), (siteBHits, "site B", Share.one, "site A"),
        ] {
            for serial in Set(hits.filter { $0.share == foreign }.map(\.serial)).sorted() {
                let file = hits.first { $0.serial == serial && $0.share == foreign }?.file
                findings.append(
                    Finding(
                        .transcriptShares, .critical,
                        "\(site) holds \(foreign.rawValue) of this card, which only \(maker) made: it crossed between the sites",
                        serial: serial.description, file: file))
            }
        }
        if !rebuiltBoth.isEmpty {
            findings.append(
                Finding(
                    .bothSites, .high, "the two sites' retained files together rebuild \(rebuiltBoth.count) key(s)"))
        }
        // A real rebuild, not just two values found: the label's passphrase must decrypt the face's key.
        let controlCount = control.filter { rebuilds($0.value) && book.cards[$0.key]?.secrets?.privateKey != nil }.count
        let wanted = controlMustBe ?? manifest.cards
        if controlCount != wanted {
            findings.append(
                Finding(
                    .control, .critical,
                    "the printed labels and card faces rebuild \(controlCount) of \(wanted) keys: the audit cannot show it would see a leak"
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
            siteA: rebuiltA.count, siteB: rebuiltB.count, both: rebuiltBoth.count, control: controlCount)
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
    /// The figure uses the entropy the audit can attest (``AttestedEntropy``), not the declared one;
    /// when the passphrases seen show less than the policy claims, that is an E1 finding.
    mutating func exposureReport(
        exposed: (siteA: Int, siteB: Int), scryptMs: Double, book: CardBook
    ) -> AuditReport.Exposure {
        let declared = manifest.policy.entropyBits
        let seen = book.sorted.compactMap { $0.label?.passphrase.normalizedUTF8.revealedBytes() }
        let (bits, from) = AttestedEntropy.attested(seen, policy: manifest.policy)
        if bits < declared {
            findings.append(
                Finding(
                    .exposure, .high,
                    "the passphrases attest only \(Randomness.rounded(bits)) bits, not the policy's \(Randomness.rounded(declared)) (\(from)): a brute force costs 2^\(Randomness.rounded(max(bits - 1, 0))) scrypt calls",
                    file: layout.relative(layout.manifest)))
        }
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let callsLog2 = bits - 1
        let perSecond = Double(cores) / max(scryptMs / 1000, 1e-9)
        let years = pow(2, callsLog2) / perSecond / (365.25 * 86400)
        return AuditReport.Exposure(
            policyBits: Randomness.rounded(declared), attestedBits: Randomness.rounded(bits), attestedFrom: from,
            cardsExposedSiteA: exposed.siteA, cardsExposedSiteB: exposed.siteB,
            scryptMs: Randomness.rounded(scryptMs), cores: cores,
            expectedScryptCallsLog2: Randomness.rounded(callsLog2),
            yearsOnThisMachine: years)
    }
}
