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

/// JSON objects of plain string fields written the way ``TranscriptJSON``'s encoders
/// write them, for ``CardFace/entries``.
package enum FlatJSON {
    /// A field's value: a string (written between quotes) or an integer.
    package enum Value {
        case string(String)
        case number(Int)

        /// The value's JSON text, or nil for a string that is not plain.
        var json: String? {
            switch self {
            case .string(let text): FlatJSON.isPlain(text) ? "\"\(text)\"" : nil
            case .number(let number): String(number)
            }
        }
    }

    /// Printable ASCII with no `"` or `\\`: written between quotes as it is, by
    /// Foundation's encoder too (slashes are not escaped: `.withoutEscapingSlashes`).
    package static func isPlain(_ value: String) -> Bool {
        value.utf8.allSatisfy { (0x20...0x7E).contains($0) && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }
    }

    /// `{"key":value,...}`, `fields` in the order given (sorted by key); nil when a string is not plain.
    package static func compact(_ fields: [(String, Value)]) -> Data? {
        members(fields) { "\"\($0)\":\($1)" }.map { Data(("{" + $0.joined(separator: ",") + "}").utf8) }
    }

    /// The object as the pretty printer writes it as an element of a top-level array:
    /// `  {`, each field `    "key" : value` on its own line, `  }`; nil when a string is not plain.
    package static func prettyElement(_ fields: [(String, Value)]) -> Data? {
        members(fields) { "    \"\($0)\" : \($1)" }.map { Data(("  {\n" + $0.joined(separator: ",\n") + "\n  }").utf8) }
    }

    /// Each field written by `member` from its key and its value's JSON text; nil when a string is not plain.
    private static func members(_ fields: [(String, Value)], _ member: (String, String) -> String) -> [String]? {
        var parts: [String] = []
        for (key, value) in fields {
            guard let json = value.json else { return nil }
            parts.append(member(key, json))
        }
        return parts
    }

    /// The byte ranges of the flat objects `{...}` of an array's elements, from `start`
    /// (just after its `[`) to the `]` that closes it (the last range's upper bound),
    /// separated by single commas; nil when an element is not an object, holds a
    /// nested value or an escape, or the array does not close.
    static func objectRanges(in bytes: [UInt8], from start: Int) -> [Range<Int>]? {
        var ranges: [Range<Int>] = []
        var index = start
        guard index < bytes.count else { return nil }
        if bytes[index] == UInt8(ascii: "]") { return ranges }
        while index < bytes.count, bytes[index] == UInt8(ascii: "{") {
            var end = index + 1
            var inString = false
            scan: while end < bytes.count {
                switch (inString, bytes[end]) {
                case (_, UInt8(ascii: "\\")): return nil
                case (_, UInt8(ascii: "\"")): inString.toggle()
                case (false, UInt8(ascii: "}")): break scan
                case (false, UInt8(ascii: "{")), (false, UInt8(ascii: "[")): return nil
                default: break
                }
                end += 1
            }
            guard end + 1 < bytes.count else { return nil }
            ranges.append(index..<end + 1)
            switch bytes[end + 1] {
            case UInt8(ascii: "]"): return ranges
            case UInt8(ascii: ","): index = end + 2
            default: return nil
            }
        }
        return nil
    }

    /// The members of one flat object as ``compact(_:)`` writes it: `{"key":value,...}`,
    /// each value a string with no escape or an integer, no white space; nil for
    /// anything else (the canonical rule then decides).
    static func members(of bytes: ArraySlice<UInt8>) -> [(String, Value)]? {
        var members: [(String, Value)] = []
        var index = bytes.startIndex
        let end = bytes.endIndex
        /// The text of the string starting at `index`, which is left after its closing quote.
        func string() -> String? {
            guard index < end, bytes[index] == UInt8(ascii: "\"") else { return nil }
            let start = index + 1
            guard let close = bytes[start...].firstIndex(of: UInt8(ascii: "\"")) else { return nil }
            index = close + 1
            return String(decoding: bytes[start..<close], as: UTF8.self)
        }
        guard index < end, bytes[index] == UInt8(ascii: "{") else { return nil }
        index += 1
        while true {
            guard let key = string(), index < end, bytes[index] == UInt8(ascii: ":") else { return nil }
            index += 1
            guard index < end else { return nil }
            if bytes[index] == UInt8(ascii: "\"") {
                guard let text = string() else { return nil }
                members.append((key, .string(text)))
            } else {
                let start = index
                if bytes[index] == UInt8(ascii: "-") { index += 1 }
                while index < end, (0x30...0x39).contains(bytes[index]) { index += 1 }
                guard let number = Int(String(decoding: bytes[start..<index], as: UTF8.self)) else { return nil }
                members.append((key, .number(number)))
            }
            guard index < end else { return nil }
            switch bytes[index] {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "}"): return index + 1 == end ? members : nil
            default: return nil
            }
        }
    }

    /// `parts` end to end after `prefix`, `separator` between two, then `suffix`, in a buffer
    /// sized beforehand (what both joined files are made of).
    static func join(_ parts: [Data], prefix: Data, separator: Data, suffix: Data) -> Data {
        var joined = Data(
            capacity: prefix.count + suffix.count + parts.reduce(0) { $0 + $1.count + separator.count })
        joined += prefix
        for (index, part) in parts.enumerated() {
            if index > 0 { joined += separator }
            joined += part
        }
        joined += suffix
        return joined
    }

    /// A pretty-printed top-level value, indented one level: two spaces before each line.
    package static func indented(_ pretty: Data) -> Data {
        // Strings are escaped, so every line feed in it is one of the printer's.
        let lines = pretty.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        var indented = Data(capacity: pretty.count + 2 * lines.count + 1)
        for (index, line) in lines.enumerated() {
            indented += Data((index == 0 ? "  " : "\n  ").utf8)
            indented += line
        }
        return indented
    }
}
