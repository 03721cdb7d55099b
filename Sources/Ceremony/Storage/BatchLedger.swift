import CryptoCore
import Foundation

/// A site's own durable record of how far each batch has gone (`site-a/ledger.json`,
/// `site-b/ledger.json`), so that batches move one way whatever `transfer/` holds.
///
/// `transfer/` is shared and anyone can move a bundle aside: if the intermediate
/// batch of a sealed batch disappears, `issue` would draw new passphrases and
/// overwrite the labels of cards already minted, and those keys would be lost.
/// The ledger is the site's memory of what it did: `issue` refuses a batch the
/// ledger says it issued, `mint` one the ledger says it minted. Each entry names
/// the digest of the bundle it wrote and the SHA-256 of the entry before it, so an
/// edited or truncated ledger is refused. Deleting the whole ledger is possible
/// (it is the site's own file), but the ledger is listed, with its hash, in the
/// site's retention statements, so the audit's `K2.retention-statements` sees it go.
package struct BatchLedger: Sendable {
    /// How far a batch has gone at this site.
    package enum State: String, Codable, Sendable, Comparable, CaseIterable {
        case issued, verified, sealed, minted

        private var rank: Int { Self.allCases.firstIndex(of: self)! }
        package static func < (a: State, b: State) -> Bool { a.rank < b.rank }
    }

    /// One step, chained to the one before it.
    package struct Entry: Codable, Sendable, Equatable {
        /// The ceremony the step belongs to (a site folder may serve several ceremonies in turn).
        package let ceremony: String
        package let batch: Int
        package let state: State
        /// The digest of the payload the step wrote (`issued`: the intermediate batch;
        /// `verified`: the confirmation report; `minted`: the key batch), or for
        /// `sealed` the confirmation report it sealed.
        package let payload: PayloadDigest
        /// SHA-256 of the previous entry's canonical JSON ("" for the first).
        package let prev: String
        package let time: String
    }

    private struct File: Codable { var entries: [Entry] }

    package let url: URL
    /// The ceremony whose batches this value reads and records.
    package let ceremony: String
    package private(set) var entries: [Entry]

    /// The file name in a site's folder.
    package static let fileName = "ledger.json"

    /// Loads `party`'s ledger (empty when the site has none yet), checking its chain,
    /// to read and record the batches of `ceremony`.
    /// - Throws: a refusal naming the file when it is unreadable or its chain is broken.
    package static func load(
        _ party: Party, layout: CeremonyLayout, ceremony: String
    ) throws(CeremonyError)
        -> BatchLedger
    {
        let url = layout.site(party).appendingPathComponent(fileName)
        let site = try DirectoryHandle.site(party, layout: layout)
        guard try site.contains(fileName) else {
            return BatchLedger(url: url, ceremony: ceremony, entries: [])
        }
        let data = try site.read(fileName, limit: 16 << 20)
        guard let file = try? TranscriptJSON.decoder.decode(File.self, from: data) else {
            throw .init(.damagedRecord, file: layout.relative(url), "the site's batch ledger is unreadable")
        }
        var previous = ""
        for (index, entry) in file.entries.enumerated() {
            guard entry.prev == previous else {
                throw .init(
                    .damagedRecord, file: layout.relative(url),
                    "the batch ledger was edited: entry \(index + 1) does not chain to the one before it")
            }
            previous = Self.hash(entry)
        }
        return BatchLedger(url: url, ceremony: ceremony, entries: file.entries)
    }

    private init(url: URL, ceremony: String, entries: [Entry]) {
        self.url = url
        self.ceremony = ceremony
        self.entries = entries
    }

    /// The furthest state recorded for `batch` of this ceremony, if any.
    package func state(of batch: Int) -> State? {
        entries.filter { $0.ceremony == ceremony && $0.batch == batch }.map(\.state).max()
    }

    /// Records that `batch` reached `state` with `payload`, durably (atomic write).
    package mutating func record(_ batch: Int, _ state: State, payload: PayloadDigest) throws(CeremonyError) {
        let entry = Entry(
            ceremony: ceremony, batch: batch, state: state, payload: payload, prev: entries.last.map(Self.hash) ?? "",
            time: timestamp())
        entries.append(entry)
        // Encoding plain structs, strings and numbers cannot fail.
        let data = try! TranscriptJSON.prettyEncoder.encode(File(entries: entries))
        // Through the site folder, opened and checked again: never into a folder swapped for a link.
        try DirectoryHandle.open(url.deletingLastPathComponent(), policy: .private).write(
            data, to: Self.fileName, mode: .shared)
    }

    private static func hash(_ entry: Entry) -> String {
        // Encoding plain structs, strings and numbers cannot fail.
        SHA256.hash(Array(try! TranscriptJSON.encoder.encode(entry))).hex
    }
}
