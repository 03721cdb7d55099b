import Foundation

/// Each site's payloads form a chain rooted at the ceremony manifest
/// (Docs/Design.md, "One chain per signer"): `sequence` counts the signer's
/// payloads (the manifest is 0) and `prev` names the signer's previous one.
extension Transcript {
    /// The next `(sequence, prev)` for `party`'s chain, from what is in `transfer/`.
    package func nextLink(for party: Party) throws(CeremonyError) -> (sequence: Int, prev: PayloadDigest) {
        nextLink(for: party, in: try entries())
    }

    /// The next `(sequence, prev)` for `party`'s chain in a transcript already read.
    package func nextLink(for party: Party, in entries: [TranscriptEntry]) -> (sequence: Int, prev: PayloadDigest) {
        let own = entries.filter { $0.header.signer == party }.sorted { $0.header.sequence < $1.header.sequence }
        guard let last = own.last else { return (1, manifest.digest) }
        return (last.header.sequence + 1, last.digest)
    }

    /// Checks that `entry` continues its signer's chain: its `prev` is the
    /// digest of the signer's payload one sequence earlier (the manifest for the first).
    /// - Throws: a ``CeremonyError/Code/refusedBundle`` refusal whose message is the chain fault.
    package func checkChain(_ entry: TranscriptEntry, within all: [TranscriptEntry]) throws(CeremonyError) {
        let header = entry.header
        let path = layout.relative(entry.file)
        guard header.sequence >= 1 else { throw .refusedBundle(file: path, reason: "sequence \(header.sequence) < 1") }
        let expected: PayloadDigest?
        if header.sequence == 1 {
            expected = manifest.digest
        } else {
            let earlier = all.filter { $0.header.signer == header.signer && $0.header.sequence == header.sequence - 1 }
            guard earlier.count == 1 else {
                throw .refusedBundle(
                    file: path,
                    reason: "chain gap: \(header.signer) payload \(header.sequence - 1) is missing or duplicated")
            }
            expected = earlier[0].digest
        }
        guard header.prev == expected else {
            throw .refusedBundle(
                file: path,
                reason: "chain broken: prev does not match \(header.signer)'s payload \(header.sequence - 1)")
        }
        let same = all.filter { $0.header.signer == header.signer && $0.header.sequence == header.sequence }
        guard same.count <= 1 else {
            throw .refusedBundle(
                file: path, reason: "replay or fork: two \(header.signer) payloads with sequence \(header.sequence)")
        }
    }
}
