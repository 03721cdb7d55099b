import BIP38
import Ceremony
import CryptoCore
import Foundation
import TestSupport
import Testing

/// The key batch and face spool `key-site mint` joins from per-card pieces
/// (Sources/Ceremony/Transcript/JoinedEncoding.swift): the same bytes as
/// Foundation's encoder over the whole value, read back to the same values.
@Suite struct JoinedBatchFiles {
    /// `count` card faces made from the spec vectors' intermediate codes with random seedbs.
    static func faces(_ count: Int) throws -> [CardFace] {
        let codes = try SpecVector.ecMultiply().map { try IntermediateCode(try #require($0.passphraseCode)) }
        return try (0..<count).map { index in
            let key = try codes[index % codes.count].generateKey(
                seedb: SystemRandom.secretBytes(count: 24), format: Bool.random() ? .compressed : .uncompressed,
                network: Bool.random() ? .mainnet : .testnet)
            return CardFace(
                serial: Serial(lot: Int.random(in: 0..<1_048_576), sequence: index), address: key.address,
                encryptedKey: key.encryptedKey, confirmationCode: key.confirmationCode)
        }
    }

    /// A key batch around `faces`, its header's strings chosen to be awkward: a ceremony
    /// id with quotes, a slash, a backslash, non-ASCII text and the very text the join
    /// looks for; a build record or none.
    static func keyBatch(_ faces: [CardFace], build: BuildRecord?) -> Payload<KeyBatchBody> {
        let ceremony = #"c-"q"/\é✓ "body":{"cards":[]} "# + SystemRandom.bytes(count: 4).hex
        return Payload(
            type: .keyBatch, ceremony: ceremony, signer: .siteB, batch: Int.random(in: 1...4096),
            sequence: Int.random(in: 1...1000), prev: PayloadDigest(of: Data(SystemRandom.bytes(count: 8))),
            answers: PayloadDigest(of: Data(SystemRandom.bytes(count: 8))),
            body: KeyBatchBody(cards: faces.map(\.bundleCard)), build: .some(build))
    }

    @Test(
        "a key batch joined from its cards' entries is the encoder's bytes, and reads back canonically",
        arguments: [1, 2, 5, 17])
    func keyBatch(count: Int) throws {
        let faces = try Self.faces(count)
        for build in [
            nil, BuildRecord(tool: "key-site", version: "0.1", executableSha256: PayloadDigest(of: Data([1]))),
        ] {
            let payload = Self.keyBatch(faces, build: build)
            let joined = payload.encoded(joining: faces.map(\.entries.keyBatch))
            #expect(joined == payload.encoded())
            let read = try Payload<KeyBatchBody>.decodeCanonical(joined)
            #expect(read.body.cards == faces.map(\.bundleCard))
            #expect(read.ceremony == payload.ceremony)
            #expect(read.batch == payload.batch)
            #expect(read.sequence == payload.sequence)
            #expect(read.prev == payload.prev)
            #expect(read.answers == payload.answers)
            #expect(read.build == build)
        }
    }

    @Test(
        "a face spool joined from its faces' entries is the pretty encoder's bytes, and reads back",
        arguments: [1, 2, 9])
    func spool(count: Int) throws {
        let faces = try Self.faces(count)
        let joined = CardFace.spool(joining: faces.map(\.entries.spool), of: faces)
        #expect(joined == (try TranscriptJSON.prettyEncoder.encode(faces)))
        #expect(try TranscriptJSON.decoder.decode([CardFace].self, from: joined) == faces)
    }

    /// A random string of printable ASCII without `"` or `\\` (slashes included).
    static func plain() -> String {
        let alphabet = Array("abcXYZ019-_/.:+= ~")
        return String((0..<Int.random(in: 0...12)).map { _ in alphabet.randomElement()! })
    }

    /// A JSON value that is a string or an integer, encoded as Foundation encodes either.
    enum Mixed: Encodable {
        case string(String)
        case number(Int)

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .string(let text): try container.encode(text)
            case .number(let number): try container.encode(number)
            }
        }

        var flat: FlatJSON.Value {
            switch self {
            case .string(let text): .string(text)
            case .number(let number): .number(number)
            }
        }
    }

    @Test("objects of plain strings and integers are written as Foundation's encoders write them, compact and pretty")
    func flatObjects() throws {
        for _ in 0..<20 {
            var object: [String: Mixed] = [:]
            for _ in 0..<Int.random(in: 1...5) {
                object["k" + Self.plain()] =
                    Bool.random() ? .string(Self.plain()) : .number(Int.random(in: -99_999...99_999))
            }
            let fields = object.sorted { $0.key < $1.key }.map { ($0.key, $0.value.flat) }
            #expect(FlatJSON.compact(fields) == (try TranscriptJSON.encoder.encode(object)))
            let element = try #require(FlatJSON.prettyElement(fields))
            #expect(
                Data("[\n".utf8) + element + Data("\n]".utf8) == (try TranscriptJSON.prettyEncoder.encode([object])))
            #expect(FlatJSON.indented(try TranscriptJSON.prettyEncoder.encode(object)) == element)
        }
        for value in ["a\"b", "a\\b", "a\nb", "\u{7F}", "é", "\t"] {
            #expect(!FlatJSON.isPlain(value))
            #expect(FlatJSON.compact([("a", .number(1)), ("b", .string(value))]) == nil)
            #expect(FlatJSON.prettyElement([("b", .string(value))]) == nil)
        }
        for value in ["", "6PfQu77ygVyJLZjfvMLyhLMQbYnu5uguoJJ4kMCLqWwPEdfpwANVS76gTX", "0000001-0007", "a/b"] {
            #expect(FlatJSON.isPlain(value))
        }
    }

    @Test(
        "an intermediate batch's canonical bytes joined from its cards are the encoder's, also with a card that needs an escape",
        arguments: [1, 3, 17])
    func intermediateBatch(count: Int) throws {
        let codes = try SpecVector.ecMultiply().map { try IntermediateCode(try #require($0.passphraseCode)) }
        let cards = (0..<count).map { index in
            IntermediateBatchBody.Card(
                serial: Serial(lot: Int.random(in: 0..<1_048_576), sequence: index), lot: Int.random(in: 0..<1_048_576),
                sequence: index, intermediateCode: codes[index % codes.count],
                passphraseCommitment: SystemRandom.bytes(count: 32).hex)
        }
        let escaped = IntermediateBatchBody.Card(
            serial: cards[0].serial, lot: cards[0].lot, sequence: cards[0].sequence,
            intermediateCode: cards[0].intermediateCode, passphraseCommitment: "q\"\\é\n")
        for body in [cards, [escaped] + cards.dropFirst()].map(IntermediateBatchBody.init(cards:)) {
            let payload = Payload(
                type: .intermediateBatch, ceremony: "c-" + SystemRandom.bytes(count: 4).hex, signer: .siteA,
                batch: Int.random(in: 1...4096), sequence: Int.random(in: 1...1000),
                prev: PayloadDigest(of: Data(SystemRandom.bytes(count: 8))), answers: nil, body: body,
                build: .some(nil))
            #expect(payload.joinedEncoding == payload.encoded())
            let read = try Payload<IntermediateBatchBody>.decodeCanonical(payload.encoded())
            #expect(read.body.cards == body.cards)
            // A header field as read, not as this build writes it (another format version), is kept.
            let other = Data(
                String(decoding: payload.encoded(), as: UTF8.self).replacing(#""version":1"#, with: #""version":7"#)
                    .utf8)
            let decoded = try TranscriptJSON.decoder.decode(Payload<IntermediateBatchBody>.self, from: other)
            #expect(decoded.version == 7)
            #expect(decoded.joinedEncoding == other)
        }
        #expect(IntermediateBatchBody.entry(escaped) == nil)
        #expect(IntermediateBatchBody.entry(cards[0]) == (try TranscriptJSON.encoder.encode(cards[0])))
    }

    /// An intermediate batch of `count` cards made from the spec vectors' codes, as signed bytes.
    static func intermediateBytes(_ count: Int) throws -> (Payload<IntermediateBatchBody>, Data) {
        let codes = try SpecVector.ecMultiply().map { try IntermediateCode(try #require($0.passphraseCode)) }
        let cards = (0..<count).map { index in
            IntermediateBatchBody.Card(
                serial: Serial(lot: 7, sequence: index), lot: 7, sequence: index,
                intermediateCode: codes[index % codes.count], passphraseCommitment: SystemRandom.bytes(count: 32).hex)
        }
        let payload = Payload(
            type: .intermediateBatch, ceremony: "c-" + SystemRandom.bytes(count: 4).hex, signer: .siteA, batch: 3,
            sequence: 2, prev: PayloadDigest(of: Data(SystemRandom.bytes(count: 8))), answers: nil,
            body: IntermediateBatchBody(cards: cards), build: .some(nil))
        return (payload, payload.encoded())
    }

    @Test(
        "a batch in canonical form is decoded card by card to the decoder's value, on one core and on several",
        arguments: [0, 1, 5, 100])
    func decodedCardByCard(count: Int) throws {
        let (payload, bytes) = try Self.intermediateBytes(count)
        let joined = try #require(Payload<IntermediateBatchBody>.decodedJoined(bytes))
        let whole = try TranscriptJSON.decoder.decode(Payload<IntermediateBatchBody>.self, from: bytes)
        #expect(joined.body.cards == payload.body.cards)
        #expect(joined.body.cards == whole.body.cards)
        #expect(joined.ceremony == payload.ceremony)
        #expect(joined.prev == payload.prev)
        #expect(joined.batch == 3)
        #expect(joined.sequence == 2)
        #expect(joined.encoded() == bytes)
        let faces = try Self.faces(max(1, count))
        let keys = Self.keyBatch(faces, build: nil)
        let keyBytes = keys.encoded()
        let readKeys = try #require(Payload<KeyBatchBody>.decodedJoined(keyBytes))
        #expect(readKeys.body.cards == faces.map(\.bundleCard))
        #expect(readKeys.ceremony == keys.ceremony)
    }

    @Test(
        "bytes that are not canonical are not decoded card by card, and the full rule refuses them as before",
        arguments: [
            (#""lot":7,"#, #""lot":7,"lot":7,"#, "duplicate field"),
            (#""lot":7,"#, #""lot":7,"extra":1,"#, "unknown or aliased field"),
            (#""lot":7,"#, #""lot":07,"#, "not JSON"),
            (#""lot":7,"#, #""lot": 7,"#, "white space"),
            (#""serial":"0000007-0000""#, #""serial":"7-0""#, "not in canonical form"),
            (#""lot":7,"#, #""lot":{"a":7},"#, "wrong or missing value"),
            (#""passphrase_commitment":""#, #""passphrase_commitment":"\u0030"#, "not in canonical form"),
        ])
    func notDecodedCardByCard(find: String, replace: String, refusal: String) throws {
        let (_, bytes) = try Self.intermediateBytes(70)
        let text = String(decoding: bytes, as: UTF8.self)
        let range = try #require(text.range(of: find))
        let mutated = Data(text.replacingCharacters(in: range, with: replace).utf8)
        #expect(mutated != bytes)
        #expect(Payload<IntermediateBatchBody>.decodedJoined(mutated) == nil)
        do {
            _ = try Payload<IntermediateBatchBody>.decodeCanonical(mutated)
            Issue.record("mutated bytes were accepted: \(replace)")
        } catch {
            #expect(error.message.contains(refusal), "\(error.message)")
        }
    }

    @Test("timestamps are what ISO8601DateFormatter writes, to the second")
    func timestamps() {
        let formatter = ISO8601DateFormatter()
        let dates =
            [Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: 951_782_400.999), Date()]
            // Whole milliseconds from .001 to .998 past a second: within a microsecond of a second's
            // end the two disagree by floating-point rounding alone (the formatter goes through
            // ICU's milliseconds since 1970, `timestamp` floors the seconds; seen once for a 2099
            // date), which no ceremony time comes near.
            + (0..<50).map { _ in
                Date(
                    timeIntervalSince1970: Double(Int.random(in: 0..<4_102_444_800))
                        + Double(Int.random(in: 1...998)) / 1000)
            }
        for date in dates {
            #expect(timestamp(date) == formatter.string(from: date), "\(date.timeIntervalSince1970)")
        }
        #expect(timestamp(Date(timeIntervalSince1970: 951_782_400.999)) == "2000-02-29T00:00:00Z")
    }

    @Test("background work returns its value, and its error, to every wait")
    func backgroundWork() throws {
        let value = Int.random(in: 1...1000)
        let work = BackgroundWork<Int, CeremonyError> { value * 2 }
        #expect(try work.wait() == value * 2)
        #expect(try work.wait() == value * 2)
        let failing = BackgroundWork<Int, CeremonyError> { () throws(CeremonyError) in
            throw .refusedBundle(file: "f\(value)", reason: "no")
        }
        #expect(throws: CeremonyError.self) { try failing.wait() }
        do {
            _ = try failing.wait()
            Issue.record("the error was not thrown again")
        } catch {
            #expect(error.file == "f\(value)")
        }
    }
}
