@_spi(Explain) import BIP38
import Ceremony
import CryptoCore
import Foundation

/// A value shaped like a share, found without knowing any card's secret (Docs/Audit.md,
/// "Blind detection"): what production mode relies on, since it knows no needle.
struct ShapedValue: Sendable {
    /// What it looks like: "a BIP38 encrypted key (EC-multiply)", "a WIF private key", ...
    let shape: String
    let offset: Int
    /// The card it was tested to belong to, and the share it is of that card, when the
    /// public transcript proves it (an encrypted key that opens to the card's address, ...).
    let serial: Serial?
    let share: Share?
    /// How the card was named ("opens to the card's address with the public passpoint").
    let proof: String?
}

/// The public facts of every card, to test a found value against cheaply.
struct PublicCards: Sendable {
    struct Card: Sendable {
        let serial: Serial
        let passpoint: CurvePoint?
        let ownerEntropy: [UInt8]?
        let address: Address?
    }

    let cards: [Card]
    let network: Network
    let format: AddressFormat
    let policy: PassphrasePolicy
    private let byAddress: [String: Serial]
    private let byPasspoint: [CurvePoint: Serial]
    private let byOwnerEntropy: [[UInt8]: Serial]
    private let byConfirmation: [String: Serial]
    /// Passphrases the auditor knows (every label in mock mode, the sample's in production).
    private let byPassphrase: [[UInt8]: Serial]

    init(book: CardBook, manifest: ManifestBody) {
        let sorted = book.sorted
        cards = sorted.map { card in
            Card(
                serial: card.serial, passpoint: card.issued?.intermediateCode.passpoint,
                ownerEntropy: card.issued?.intermediateCode.ownerEntropy.bytes, address: card.minted?.address)
        }
        network = manifest.network
        format = manifest.addressFormat
        policy = manifest.policy
        func index<K: Hashable>(_ pairs: [(K, Serial)]) -> [K: Serial] {
            Dictionary(pairs, uniquingKeysWith: { a, _ in a })
        }
        byAddress = index(cards.compactMap { c in c.address.map { ($0.text, c.serial) } })
        byPasspoint = index(cards.compactMap { c in c.passpoint.map { ($0, c.serial) } })
        byOwnerEntropy = index(cards.compactMap { c in c.ownerEntropy.map { ($0, c.serial) } })
        byConfirmation = index(sorted.compactMap { c in c.minted.map { ($0.confirmationCode.text, c.serial) } })
        byPassphrase = index(
            sorted.compactMap { c in c.label.map { ($0.passphrase.normalizedUTF8.revealedBytes(), c.serial) } })
    }

    func card(address: Address) -> Serial? { byAddress[address.text] }
    func card(passpoint: CurvePoint) -> Serial? { byPasspoint[passpoint] }
    func card(ownerEntropy: [UInt8]) -> Serial? { byOwnerEntropy[ownerEntropy] }
    func card(confirmation: String) -> Serial? { byConfirmation[confirmation] }
    func card(passphrase: [UInt8]) -> Serial? { byPassphrase[passphrase] }
}

/// Looks for values shaped like shares in a stream of bytes, chunk by chunk (Docs/Audit.md,
/// "Blind detection"): `6P…` encrypted keys and `cfrm38…` confirmation codes (Base58Check
/// that decodes, anywhere in a Base58 run), WIF keys (a Base58 run of 51 or 52 that
/// decodes), 32-byte values (64 hex digits, 43 or 44 base64 characters) and 24-byte ones
/// (seedb: 48 hex digits, 32 base64 characters), and strings that follow the manifest's
/// passphrase policy. Each is tested against the public transcript where that is cheap.
struct BlindDetector {
    let cards: PublicCards
    /// The per-card curve tests left for this audit (a value × every card), so a file of
    /// hex cannot make the audit slow: past it, values are still reported, unnamed.
    private(set) var budget: Int
    private var found: [ShapedValue] = []
    private var seen = Set<String>()
    private var carry: [UInt8] = []
    private var carryStart = 0
    private var position = 0

    /// The most shaped values kept per record (the count is reported beyond it).
    static let keptLimit = 4096
    private(set) var count = 0

    init(cards: PublicCards, budget: Int = 50_000) {
        self.cards = cards
        self.budget = budget
    }

    /// Starts a new record (file, name, attribute value or link target).
    mutating func begin() {
        found = []
        seen = []
        carry = []
        carryStart = 0
        position = 0
        count = 0
    }

    /// Overlap kept between chunks: longer than any shape plus its delimiters.
    private static let overlap = 256

    mutating func feed(_ chunk: [UInt8]) {
        let window = carry + chunk
        scan(window, base: carryStart, atStart: carryStart == 0, atEnd: false)
        position += chunk.count
        carry = Array(window.suffix(Self.overlap))
        carryStart = position - carry.count
    }

    /// Ends the record: the shaped values found, by offset.
    mutating func finish() -> [ShapedValue] {
        scan(carry, base: carryStart, atStart: carryStart == 0, atEnd: true)
        return found.sorted { $0.offset < $1.offset }
    }

    /// Scans one record held whole.
    mutating func scanWhole(_ bytes: [UInt8]) -> [ShapedValue] {
        begin()
        feed(bytes)
        return finish()
    }

    // MARK: - Runs

    private static let base58 = Set("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz".utf8)
    private static let hex = Set("0123456789abcdefABCDEF".utf8)
    private static let base64 = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_".utf8)

    /// Maximal runs of bytes in `set` as (start, end), with up to two `extra` bytes after each (base64's `=`).
    private static func runs(_ bytes: [UInt8], _ set: Set<UInt8>, extra: UInt8? = nil) -> [(Int, Int)] {
        var out: [(Int, Int)] = []
        var i = 0
        while i < bytes.count {
            guard set.contains(bytes[i]) else {
                i += 1
                continue
            }
            var j = i
            while j < bytes.count && set.contains(bytes[j]) { j += 1 }
            var end = j
            if let extra { while end < bytes.count && bytes[end] == extra && end - j < 2 { end += 1 } }
            out.append((i, end))
            i = end
        }
        return out
    }

    private mutating func scan(_ window: [UInt8], base: Int, atStart: Bool, atEnd: Bool) {
        func whole(_ run: (Int, Int)) -> Bool {
            (run.0 > 0 || atStart) && (run.1 < window.count || atEnd)
        }
        for run in Self.runs(window, Self.base58) {
            let text = Array(window[run.0..<run.1])
            // Encrypted keys and confirmation codes anywhere in a run; every window searches
            // inside long runs, and offsets make each find count once.
            for (prefix, length) in [(Array("6P".utf8), 58), (Array("cfrm38".utf8), 75)] where text.count >= length {
                for p in 0...(text.count - length) where text[p..<(p + prefix.count)].elementsEqual(prefix) {
                    let candidate = String(decoding: text[p..<(p + length)], as: UTF8.self)
                    let offset = base + run.0 + p
                    if length == 58 {
                        if let key = try? EncryptedKey(candidate) { add(encryptedKey(key, offset)) }
                    } else if let code = try? ConfirmationCode(candidate) {
                        let serial = cards.card(confirmation: code.text)
                        add(
                            ShapedValue(
                                shape: "a BIP38 confirmation code", offset: offset, serial: serial, share: nil,
                                proof: serial == nil
                                    ? nil : "it is the card's confirmation code (public, but no record)"))
                    }
                }
            }
            if whole(run), text.count == 51 || text.count == 52,
                let wif = try? WIF(String(decoding: text, as: UTF8.self))
            {
                let serial = cards.card(address: wif.key.address(format: wif.format, network: wif.network))
                add(
                    ShapedValue(
                        shape: "a WIF private key", offset: base + run.0, serial: serial,
                        share: serial.map { _ in .key },
                        proof: serial.map { _ in "it opens to the card's address" }))
            }
        }
        for run in Self.runs(window, Self.hex) where whole(run) {
            let length = run.1 - run.0
            guard length == 64 || length == 48,
                let bytes = [UInt8](hexString: String(decoding: window[run.0..<run.1], as: UTF8.self))
            else { continue }
            add(value(bytes, offset: base + run.0, encoding: "hex"))
        }
        for run in Self.runs(window, Self.base64, extra: UInt8(ascii: "=")) where whole(run) {
            let text = String(decoding: window[run.0..<run.1], as: UTF8.self)
            guard [43, 44, 32].contains(text.count), !text.utf8.allSatisfy(Self.hex.contains) else { continue }
            let standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
            let padded = standard + String(repeating: "=", count: (4 - standard.count % 4) % 4)
            guard let data = Data(base64Encoded: padded), data.count == 32 || data.count == 24 else { continue }
            add(value(Array(data), offset: base + run.0, encoding: "base64"))
        }
        scanPassphrases(window, base: base, whole: whole)
    }

    /// Strings that follow the manifest's policy: its alphabet (either case, when the alphabet
    /// has one case only), its length, and its grouping or none; without dashes, standing
    /// alone (not inside a longer word of ASCII letters and digits).
    private mutating func scanPassphrases(_ window: [UInt8], base: Int, whole: ((Int, Int)) -> Bool) {
        let policy = cards.policy
        var alphabet = Set(policy.alphabet.utf8)
        let letters = alphabet.filter { (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) }
        let oneCase =
            letters.allSatisfy { (0x41...0x5A).contains($0) } || letters.allSatisfy { (0x61...0x7A).contains($0) }
        if oneCase { for letter in letters { alphabet.insert(letter ^ 0x20) } }
        let dash = UInt8(ascii: "-")
        for run in Self.runs(window, alphabet.union([dash])) where whole(run) {
            let text = Array(window[run.0..<run.1])
            // A run may hold dashes of the grouping: trim dashes at its ends.
            var start = 0
            var end = text.count
            while start < end && text[start] == dash { start += 1 }
            while end > start && text[end - 1] == dash { end -= 1 }
            let trimmed = Array(text[start..<end])
            let groups = trimmed.split(separator: dash, omittingEmptySubsequences: false)
            let drawn = groups.reduce(0) { $0 + $1.count }
            let grouped =
                groups.count == 1
                || (groups.dropLast().allSatisfy { $0.count == policy.group }
                    && (groups.last?.count ?? 0) <= policy.group)
            guard drawn == policy.length, grouped, trimmed.contains(where: { $0 != dash }) else { continue }
            // Without dashes, a run inside a longer word of letters and digits (20 characters of
            // a base58 key between two it does not share with the policy's alphabet) is no passphrase.
            func isWordByte(_ at: Int) -> Bool { window.indices.contains(at) && Decoding.isAlphanumeric(window[at]) }
            if groups.count == 1 && start == 0 && end == text.count && (isWordByte(run.0 - 1) || isWordByte(run.1)) {
                continue
            }
            let serial = cards.card(passphrase: trimmed)
            add(
                ShapedValue(
                    shape: "a string that follows the passphrase policy", offset: base + run.0 + start,
                    serial: serial, share: serial.map { _ in .one },
                    proof: serial.map { _ in "it is the passphrase of the card's opened label" }))
        }
    }

    private mutating func add(_ value: ShapedValue?) {
        guard let value, seen.insert("\(value.offset) \(value.shape)").inserted else { return }
        count += 1
        if found.count < Self.keptLimit { found.append(value) }
    }

    // MARK: - Tests against the transcript

    /// An encrypted key: named by its ownerentropy (EC-multiply) or address hash, and for
    /// an EC-multiply key proven share 2 when it opens to the card's address with the public passpoint.
    private mutating func encryptedKey(_ key: EncryptedKey, _ offset: Int) -> ShapedValue {
        let shape = key.isECMultiply ? "a BIP38 encrypted key (EC-multiply)" : "a BIP38 encrypted key (non-EC-multiply)"
        if let entropy = key.ownerEntropy, let serial = cards.card(ownerEntropy: entropy.bytes),
            let card = cards.cards.first(where: { $0.serial == serial }), let passpoint = card.passpoint,
            let address = card.address, let seedb = try? key.recoverSeedb(passpoint: passpoint),
            let point = try? passpoint.multiplied(by: SHA256.doubleHash(secret: seedb)),
            Address.p2pkh(point, format: key.format, network: cards.network) == address
        {
            return ShapedValue(
                shape: shape, offset: offset, serial: serial, share: .two,
                proof: "it opens to the card's address with the card's public passpoint")
        }
        let named = cards.cards.filter { $0.address?.addressHash == key.addressHash }.first?.serial
        return ShapedValue(
            shape: shape, offset: offset, serial: named, share: nil,
            proof: named.map { _ in "its address hash is the card's" })
    }

    /// A 32-byte value (private key, passfactor, prefactor or factorb) or a 24-byte one (seedb).
    private mutating func value(_ bytes: [UInt8], offset: Int, encoding: String) -> ShapedValue {
        let shape = "a \(bytes.count)-byte value in \(encoding)"
        func found(_ serial: Serial, _ share: Share, _ proof: String) -> ShapedValue {
            ShapedValue(shape: shape, offset: offset, serial: serial, share: share, proof: proof)
        }
        let secret = SecretBytes(copying: bytes)
        if bytes.count == 32, let key = try? PrivateKey(scalar: secret) {
            if let serial = cards.card(address: key.address(format: cards.format, network: cards.network)) {
                return found(serial, .key, "as a private key it opens to the card's address")
            }
            if let serial = cards.card(passpoint: key.publicPoint) {
                return found(serial, .one, "as a passfactor it gives the card's passpoint")
            }
        }
        for card in cards.cards {
            guard budget > 0 else { break }
            budget -= 1
            guard let passpoint = card.passpoint, let address = card.address else { continue }
            if bytes.count == 32, let entropy = card.ownerEntropy,
                let passfactor = try? PrivateKey(
                    scalar: SHA256.doubleHash(secret: SecretBytes(copying: bytes + entropy))),
                passfactor.publicPoint == passpoint
            {
                return found(card.serial, .one, "as a prefactor it gives the card's passpoint")
            }
            let factorb = bytes.count == 24 ? SHA256.doubleHash(secret: secret) : secret
            if let point = try? passpoint.multiplied(by: factorb),
                Address.p2pkh(point, format: cards.format, network: cards.network) == address
            {
                return found(
                    card.serial, .two,
                    bytes.count == 24
                        ? "as seedb it opens to the card's address" : "as factorb it opens to the card's address")
            }
        }
        return ShapedValue(shape: shape, offset: offset, serial: nil, share: nil, proof: nil)
    }
}
