import Foundation

/// The fixed layout of a ceremony folder, which every tool and the audit rely on.
///
///     ceremony.json      the manifest, signed by both sites
///     site-a/  site-b/   each site's retained state (what it keeps after the run)
///     transfer/          every bundle that crossed between parties, and nothing else
///     printed/site-a/    A's scratch-off labels (secret: passphrases)
///     printed/site-b/    B's card faces (secret: encrypted keys under the sticker)
///     cards/             assembled cards
///     mock-secrets/      a mock ceremony only: the mock audit's copy of the spools
///     audit/             the audit's report
package struct CeremonyLayout: Sendable {
    package let root: URL

    package init(root: URL) { self.root = root.standardizedFileURL }
    package init(path: String) { self.init(root: URL(fileURLWithPath: path)) }

    package var manifest: URL { root.appendingPathComponent("ceremony.json") }
    package var transfer: URL { root.appendingPathComponent("transfer") }
    package var printed: URL { root.appendingPathComponent("printed") }
    package var cards: URL { root.appendingPathComponent("cards") }
    package var audit: URL { root.appendingPathComponent("audit") }

    package func site(_ party: Party) -> URL { root.appendingPathComponent(party.rawValue) }

    /// The lock a site's writing commands hold (``SiteLock``): `.site-a.lock` at the top level.
    package func lock(_ party: Party) -> URL { root.appendingPathComponent(".\(party.rawValue).lock") }
    package func printed(_ party: Party) -> URL { printed.appendingPathComponent(party.rawValue) }

    package func declaration(_ party: Party) -> URL {
        transfer.appendingPathComponent("\(party.rawValue).declaration.json")
    }
    package func intermediateBatch(_ batch: Int) -> URL { transferFile(batch, "intermediate") }
    package func keyBatch(_ batch: Int) -> URL { transferFile(batch, "keys") }
    package func confirmationReport(_ batch: Int) -> URL { transferFile(batch, "confirmation") }
    package func retention(_ party: Party, batch: Int) -> URL { transferFile(batch, "retention-\(party.rawValue)") }
    package var closingManifest: URL { transfer.appendingPathComponent("closing.json") }
    /// A site's last retention statement, after the closing manifest: its token key destroyed (``KeyRetirement``).
    package func closingRetention(_ party: Party) -> URL {
        transfer.appendingPathComponent("closing.retention-\(party.rawValue).json")
    }
    /// The exception log (``ExceptionLog``): append-only, hash-chained, one entry per line.
    package var exceptionLog: URL { transfer.appendingPathComponent(ExceptionLog.fileName) }
    /// A site's retention statement for the destruction of its print spools (`destroy-spools`).
    package func spoolRetention(_ party: Party) -> URL {
        transfer.appendingPathComponent("spools.retention-\(party.rawValue).json")
    }
    /// The mock audit's own copy of the print spools (`ceremony-audit mock-secrets`), made
    /// before the sites destroy theirs; a production ceremony never has one.
    package var mockSecrets: URL { root.appendingPathComponent("mock-secrets") }
    package func mockSecrets(_ party: Party) -> URL { mockSecrets.appendingPathComponent(party.rawValue) }
    /// The auditor's self-signed key declaration.
    package var auditorDeclaration: URL { audit.appendingPathComponent("auditor.declaration.json") }
    /// The declaration of the auditor whose keyid is `keyID` (several auditors can audit in turn).
    package func auditorDeclaration(_ keyID: KeyID) -> URL {
        audit.appendingPathComponent("auditor-\(keyID.hex.prefix(16)).declaration.json")
    }
    /// The auditor's signed commitment to the sample's random value, made before `close`.
    package var sampleCommitment: URL { audit.appendingPathComponent("sample-commitment.json") }
    /// The committing auditor's value, published when it countersigns.
    package var sampleReveal: URL { audit.appendingPathComponent("sample-reveal.json") }

    /// Site A's open journal for a batch: one 0600 record per card, from `issue` until `seal` destroys it.
    package func journal(_ batch: Int) -> URL {
        site(.siteA).appendingPathComponent("work").appendingPathComponent(Self.batchName(batch))
    }

    /// One card's record in site A's open journal.
    package func journalRecord(_ batch: Int, _ serial: Serial) -> URL {
        journal(batch).appendingPathComponent(Self.journalRecordName(serial))
    }

    /// The file name of one card's record in site A's open journal (`card-SERIAL.rec`).
    package static func journalRecordName(_ serial: Serial) -> String { "card-\(serial).rec" }

    /// A's scratch-off labels for one batch.
    package func labels(_ batch: Int) -> URL {
        printed(.siteA).appendingPathComponent("\(Self.batchName(batch)).labels")
    }
    /// B's card faces for one batch.
    package func faces(_ batch: Int) -> URL {
        printed(.siteB).appendingPathComponent("\(Self.batchName(batch)).faces.json")
    }

    /// The mock audit's copy of A's labels for one batch.
    package func mockLabels(_ batch: Int) -> URL {
        mockSecrets(.siteA).appendingPathComponent("\(Self.batchName(batch)).labels")
    }
    /// The mock audit's copy of B's card faces for one batch.
    package func mockFaces(_ batch: Int) -> URL {
        mockSecrets(.siteB).appendingPathComponent("\(Self.batchName(batch)).faces.json")
    }

    package static func batchName(_ batch: Int) -> String {
        let digits = String(batch)
        return "batch-" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    /// The path relative to the ceremony root, for reports and statements.
    package func relative(_ url: URL) -> String {
        let full = url.standardizedFileURL.path
        let base = root.path.hasSuffix("/") ? root.path : root.path + "/"
        return full.hasPrefix(base) ? String(full.dropFirst(base.count)) : full
    }

    private func transferFile(_ batch: Int, _ what: String) -> URL {
        transfer.appendingPathComponent("\(Self.batchName(batch)).\(what).json")
    }
}
