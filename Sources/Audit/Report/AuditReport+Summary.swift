import Foundation

extension AuditReport {
    /// The matrix as `ceremony-audit` prints it: the rebuilt keys, what "control" means,
    /// and the cards whose share 2 one site holds alone, so that a run in which a site kept
    /// share 2 (one passphrase brute force from every key) does not read like an honest one.
    package var matrixSummaryLines: [String] {
        let m = reconstructable
        let source =
            mode.name == .production
            ? "the opened sample cards" : "the printed labels and card faces (the mock's copy of every card)"
        let exposed = exposure.cardsExposedSiteA + exposure.cardsExposedSiteB
        return [
            "keys rebuildable: site A \(m.siteA), site B \(m.siteB), both \(m.both), control \(m.control) (must be 0, 0, 0, \(mode.controlMustBe))",
            "  control: keys the audit rebuilt from \(source), proving its search would see a leak",
            "share 2 held by one site: site A \(exposure.cardsExposedSiteA), site B \(exposure.cardsExposedSiteB) (must be 0, 0)"
                + (exposed == 0
                    ? "" : ": each such card is one passphrase brute force from its key (E1.brute-force-exposure)"),
        ]
    }
}
