import Foundation

/// The fixed layout of a ceremony folder, which every tool and the audit rely on.
///
///     ceremony.json      the manifest, signed by both sites
///     site-a/  site-b/   each site's retained state (what it keeps after the run)
///     transfer/          every bundle that crossed between parties, and nothing else
///     printed/site-a/    A's scratch-off labels (secret: passphrases)
///     printed/site-b/    B's card faces (secret: encrypted keys under the sticker)
///     cards/             assembled cards
///     audit/             the audit's report
public struct CeremonyLayout: Sendable {
    public let root: URL

    public init(root: URL) { self.root = root.standardizedFileURL }
    public init(path: String) { self.init(root: URL(fileURLWithPath: path)) }

    public var manifest: URL { root.appendingPathComponent("ceremony.json") }
    public var transfer: URL { root.appendingPathComponent("transfer") }
    public var printed: URL { root.appendingPathComponent("printed") }
    public var cards: URL { root.appendingPathComponent("cards") }
    public var audit: URL { root.appendingPathComponent("audit") }

    public func site(_ party: Party) -> URL { root.appendingPathComponent(party.rawValue) }
    public func printed(_ party: Party) -> URL { printed.appendingPathComponent(party.rawValue) }

    public func declaration(_ party: Party) -> URL { transfer.appendingPathComponent("\(party.rawValue).declaration.json") }
    public func intermediateBatch(_ batch: Int) -> URL { transferFile(batch, "intermediate") }
    public func keyBatch(_ batch: Int) -> URL { transferFile(batch, "keys") }
    public func confirmationReport(_ batch: Int) -> URL { transferFile(batch, "confirmation") }
    public func retention(_ party: Party, batch: Int) -> URL { transferFile(batch, "retention-\(party.rawValue)") }
    public var closingManifest: URL { transfer.appendingPathComponent("closing.json") }
    /// The auditor's self-signed key declaration.
    public var auditorDeclaration: URL { audit.appendingPathComponent("auditor.declaration.json") }

    /// A's scratch-off labels for one batch.
    public func labels(_ batch: Int) -> URL { printed(.siteA).appendingPathComponent("\(Self.batchName(batch)).labels") }
    /// B's card faces for one batch.
    public func faces(_ batch: Int) -> URL { printed(.siteB).appendingPathComponent("\(Self.batchName(batch)).faces.json") }

    public static func batchName(_ batch: Int) -> String {
        let digits = String(batch)
        return "batch-" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    /// The path relative to the ceremony root, for reports and statements.
    public func relative(_ url: URL) -> String {
        let full = url.standardizedFileURL.path
        let base = root.path.hasSuffix("/") ? root.path : root.path + "/"
        return full.hasPrefix(base) ? String(full.dropFirst(base.count)) : full
    }

    private func transferFile(_ batch: Int, _ what: String) -> URL {
        transfer.appendingPathComponent("\(Self.batchName(batch)).\(what).json")
    }
}
