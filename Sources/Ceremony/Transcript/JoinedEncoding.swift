import BIP38
import CryptoCore
import Foundation

// The two batch files `key-site mint` writes, put together from each card's JSON
// made on the core that made the card (``CardFace/entries``), so the main thread
// joins bytes instead of running Foundation's encoder over the whole batch. The
// bytes are exactly what ``TranscriptJSON``'s encoders write for the whole value:
// a debug build checks every file it joins against them, and
// Tests/CeremonyTests/JoinedEncodingTests.swift checks random batches.

/// A payload body that is one array of cards, each of which can write its own
/// entry (``TranscriptJSON/encoder``'s bytes for it) without the encoder.
package protocol CardArrayBody: Codable, Sendable {
    associatedtype Card: Codable & Sendable
    var cards: [Card] { get }
    init(cards: [Card])
    /// `card` as ``TranscriptJSON/encoder`` writes it, or nil when a value would need an escape.
    static func entry(_ card: Card) -> Data?
    /// The card whose entry has these members (keys and values as ``entry(_:)`` writes
    /// them, in its order), made by the same parsers as the card's decoder; nil when
    /// they are not exactly its fields or a value does not parse.
    static func card(_ members: [(String, FlatJSON.Value)]) -> Card?
}

extension KeyBatchBody: CardArrayBody {
    /// The card's fields, keys sorted, when all are plain (``FlatJSON/isPlain(_:)``).
    package static func entry(_ card: Card) -> Data? {
        FlatJSON.compact([
            ("address", .string(card.address.text)), ("confirmation_code", .string(card.confirmationCode.text)),
            ("encrypted_key_commitment", .string(card.encryptedKeyCommitment)),
            ("serial", .string(card.serial.description)),
        ])
    }

    /// The card from its four fields, parsed as ``KeyBatchBody/Card/init(from:)`` parses them.
    package static func card(_ members: [(String, FlatJSON.Value)]) -> Card? {
        guard members.count == 4, case ("address", .string(let address)) = members[0],
            case ("confirmation_code", .string(let code)) = members[1],
            case ("encrypted_key_commitment", .string(let commitment)) = members[2],
            case ("serial", .string(let serialText)) = members[3], let serial = Serial(text: serialText),
            let address = try? Address(address), let code = try? ConfirmationCode(code)
        else { return nil }
        return Card(serial: serial, address: address, confirmationCode: code, encryptedKeyCommitment: commitment)
    }
}

extension IntermediateBatchBody: CardArrayBody {
    /// The card's fields, keys sorted, when all its strings are plain (``FlatJSON/isPlain(_:)``).
    package static func entry(_ card: Card) -> Data? {
        FlatJSON.compact([
            ("intermediate_code", .string(card.intermediateCode.text)), ("lot", .number(card.lot)),
            ("passphrase_commitment", .string(card.passphraseCommitment)), ("sequence", .number(card.sequence)),
            ("serial", .string(card.serial.description)),
        ])
    }

    /// The card from its five fields, parsed as ``IntermediateBatchBody/Card/init(from:)`` parses them.
    package static func card(_ members: [(String, FlatJSON.Value)]) -> Card? {
        guard members.count == 5, case ("intermediate_code", .string(let code)) = members[0],
            case ("lot", .number(let lot)) = members[1],
            case ("passphrase_commitment", .string(let commitment)) = members[2],
            case ("sequence", .number(let sequence)) = members[3],
            case ("serial", .string(let serialText)) = members[4], let serial = Serial(text: serialText),
            let code = try? IntermediateCode(code)
        else { return nil }
        return Card(
            serial: serial, lot: lot, sequence: sequence, intermediateCode: code, passphraseCommitment: commitment)
    }
}

extension Payload where Body: CardArrayBody {
    /// ``encoded()``, with `cards[i]` the encoding of `body.cards[i]` by
    /// ``TranscriptJSON/encoder`` made beforehand.
    ///
    /// The header is encoded around an empty card array, and the cards go in
    /// its place: with sorted keys and no white space the whole value's bytes are
    /// the header's with the cards, comma-separated, inside `"cards":[]`.
    package func encoded(joining cards: [Data]) -> Data {
        precondition(cards.count == body.cards.count, "one encoded entry per card")
        let header = Payload(headerOf: self, body: Body(cards: [])).encoded()
        // The key `body` is written once, and no string holds this text (its quotes would be escaped).
        let hole = Data(#""body":{"cards":[]}"#.utf8)
        guard let range = header.firstRange(of: hole) else { return encoded() }
        let close = range.upperBound - 2
        let joined = FlatJSON.join(
            cards, prefix: header[..<close], separator: Data(",".utf8), suffix: header[close...])
        assert(joined == encoded(), "joined batch differs from the encoder's")
        return joined
    }
}

/// A payload that can make its ``Payload/encoded()`` bytes faster than the encoder:
/// what the canonical rule compares a batch's signed bytes with (``Payload/decodeCanonical(_:)``),
/// and that can decode bytes in that form card by card.
package protocol JoinedEncoding {
    /// The same bytes as ``Payload/encoded()``.
    var joinedEncoding: Data { get }
    /// The payload whose canonical encoding is exactly `bytes`, decoded card by card;
    /// nil when `bytes` are not in that form (the full canonical rule then says why).
    static func decodedJoined(_ bytes: Data) -> Self?
}

extension Payload: JoinedEncoding where Body: CardArrayBody {
    /// Each card's own entry joined into the header, or the encoder's bytes when a card has none.
    package var joinedEncoding: Data {
        var entries: [Data] = []
        entries.reserveCapacity(body.cards.count)
        for card in body.cards {
            guard let entry = Body.entry(card) else { return encoded() }
            entries.append(entry)
        }
        return encoded(joining: entries)
    }

    /// Splits `bytes` into the header around an empty card array and each card's entry,
    /// decodes the header with the decoder and each card with ``CardArrayBody/card(_:)``
    /// (on all cores for a large batch), and returns the payload only if the header and
    /// every card re-encode to exactly their bytes.
    ///
    /// Then `bytes` are ``encoded(joining:)`` of the payload returned, that is its
    /// canonical encoding, so the canonical rule would accept them and decode the same
    /// value: no duplicate field, unknown field or other spelling gets through, because
    /// none re-encodes to the bytes it was read from. Anything else (an escape, white
    /// space, a nested value in a card) gives nil, and the caller applies the full rule.
    package static func decodedJoined(_ bytes: Data) -> Self? {
        let all = [UInt8](bytes)
        let opening = Array(#""body":{"cards":["#.utf8)
        guard let hole = all.firstRange(of: opening), let ranges = FlatJSON.objectRanges(in: all, from: hole.upperBound)
        else { return nil }
        let close = ranges.last.map { $0.upperBound } ?? hole.upperBound
        guard close < all.count, all[close] == UInt8(ascii: "]") else { return nil }
        let headerBytes = Data(all[..<hole.upperBound]) + Data(all[close...])
        guard let header = try? TranscriptJSON.decoder.decode(Self.self, from: headerBytes), header.body.cards.isEmpty,
            header.encoded() == headerBytes
        else { return nil }
        // Each card parsed and re-encoded where it is decoded: the Base58Check parses and
        // encodes are most of the cost, so a large batch is split across the cores.
        let parts = ranges.count >= 64 ? max(1, min(availableCores(), ranges.count / 32)) : 1
        let size = (ranges.count + parts - 1) / max(1, parts)
        let decode: @Sendable (Int) -> [Body.Card]? = { part in
            var cards: [Body.Card] = []
            for range in ranges[min(ranges.count, part * size)..<min(ranges.count, (part + 1) * size)] {
                let slice = all[range]
                guard let members = FlatJSON.members(of: slice), let card = Body.card(members),
                    let entry = Body.entry(card), entry.elementsEqual(slice)
                else { return nil }
                cards.append(card)
            }
            return cards
        }
        let decoded = parts > 1 ? parallelMap(parts, decode) : [decode(0)]
        var cards: [Body.Card] = []
        cards.reserveCapacity(ranges.count)
        for part in decoded {
            guard let part else { return nil }
            cards += part
        }
        let payload = Payload(headerOf: header, body: Body(cards: cards))
        assert(payload.encoded() == bytes, "card-by-card decode accepted bytes the encoder does not write")
        return payload
    }
}

extension CardFace {
    /// This face's entries in the two files it goes into, encoded where the card was
    /// made: its card in the key batch (as ``TranscriptJSON/encoder`` writes ``bundleCard``),
    /// and its object in the face spool (as ``TranscriptJSON/prettyEncoder`` writes it
    /// inside the spool's array, indented one level).
    ///
    /// Every field is a string of printable ASCII, none needing an escape (Base58,
    /// Bech32, hex, digits and `-`), so the entries are written here directly, keys
    /// sorted as the encoders sort them; a value that is not is left to the encoder.
    package var entries: (keyBatch: Data, spool: Data) {
        let face: [(String, FlatJSON.Value)] = [
            ("address", .string(address.text)), ("confirmation_code", .string(confirmationCode.text)),
            ("encrypted_key", .string(encryptedKey.text)), ("serial", .string(serial.description)),
        ]
        let card = bundleCard
        guard let entry = KeyBatchBody.entry(card), let element = FlatJSON.prettyElement(face) else {
            // Encoding values this site made (strings only) cannot fail.
            return (
                try! TranscriptJSON.encoder.encode(card),
                FlatJSON.indented(try! TranscriptJSON.prettyEncoder.encode(self))
            )
        }
        return (entry, element)
    }

    /// The face spool of `faces` (``TranscriptJSON/prettyEncoder`` over the array),
    /// from each face's spool entry (``entries``) in order: `[`, the entries with `,`
    /// between them, `]`, one a line, as Foundation's pretty printer writes an array.
    package static func spool(joining entries: [Data], of faces: [CardFace]) -> Data {
        precondition(entries.count == faces.count, "one encoded entry per face")
        let joined = FlatJSON.join(
            entries, prefix: Data("[\n".utf8), separator: Data(",\n".utf8), suffix: Data("\n]".utf8))
        assert(
            joined == (try! TranscriptJSON.prettyEncoder.encode(faces)), "joined face spool differs from the encoder's")
        return joined
    }
}
