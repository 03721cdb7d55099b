import Foundation

// The two batch files `key-site mint` writes, put together from each card's JSON
// made on the core that made the card (``CardFace/entries``), so the main thread
// joins bytes instead of running Foundation's encoder over the whole batch. The
// bytes are exactly what ``TranscriptJSON``'s encoders write for the whole value:
// a debug build checks every file it joins against them, and
// Tests/CeremonyTests/JoinedEncodingTests.swift checks random batches.

extension Payload where Body == KeyBatchBody {
    /// ``encoded()``, with `cards[i]` the encoding of `body.cards[i]` by
    /// ``TranscriptJSON/encoder`` made beforehand.
    ///
    /// The header is encoded around an empty card array, and the cards go in
    /// its place: with sorted keys and no white space the whole value's bytes are
    /// the header's with the cards, comma-separated, inside `"cards":[]`.
    package func encoded(joining cards: [Data]) -> Data {
        precondition(cards.count == body.cards.count, "one encoded entry per card")
        let header = Payload(
            type: type, ceremony: ceremony, signer: signer, batch: batch, sequence: sequence, prev: prev,
            answers: answers, body: KeyBatchBody(cards: []), build: .some(build)
        ).encoded()
        // The key `body` is written once, and no string holds this text (its quotes would be escaped).
        let hole = Data(#""body":{"cards":[]}"#.utf8)
        guard let range = header.firstRange(of: hole) else { return encoded() }
        let close = range.upperBound - 2
        var joined = Data(capacity: header.count + cards.reduce(cards.count) { $0 + $1.count })
        joined += header[..<close]
        for (index, card) in cards.enumerated() {
            if index > 0 { joined.append(UInt8(ascii: ",")) }
            joined += card
        }
        joined += header[close...]
        assert(joined == encoded(), "joined key batch differs from the encoder's")
        return joined
    }
}

extension CardFace {
    /// This face's entries in the two files it goes into, encoded where the card was
    /// made: its card in the key batch (``TranscriptJSON/encoder`` over ``bundleCard``),
    /// and its object in the face spool (``TranscriptJSON/prettyEncoder``), indented one
    /// level as an element of the spool's array.
    package var entries: (keyBatch: Data, spool: Data) {
        // Encoding values this site made (strings only) cannot fail.
        let card = try! TranscriptJSON.encoder.encode(bundleCard)
        let alone = try! TranscriptJSON.prettyEncoder.encode(self)
        var spool = Data(capacity: alone.count + alone.count / 8 + 2)
        // Strings are escaped, so every line feed in the entry is one of the printer's.
        let lines = alone.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        for (index, line) in lines.enumerated() {
            spool += Data((index == 0 ? "  " : "\n  ").utf8)
            spool += line
        }
        return (card, spool)
    }

    /// The face spool of `faces` (``TranscriptJSON/prettyEncoder`` over the array),
    /// from each face's spool entry (``entries``) in order: `[`, the entries with `,`
    /// between them, `]`, one a line, as Foundation's pretty printer writes an array.
    package static func spool(joining entries: [Data], of faces: [CardFace]) -> Data {
        precondition(entries.count == faces.count, "one encoded entry per face")
        var joined = Data(capacity: entries.reduce(4) { $0 + $1.count + 2 })
        joined += Data("[\n".utf8)
        for (index, entry) in entries.enumerated() {
            if index > 0 { joined += Data(",\n".utf8) }
            joined += entry
        }
        joined += Data("\n]".utf8)
        assert(
            joined == (try! TranscriptJSON.prettyEncoder.encode(faces)), "joined face spool differs from the encoder's")
        return joined
    }
}
