import Ceremony

/// Which half of a key a value is.
enum Share: String, Sendable, Codable {
    /// Passphrase, prefactor or passfactor: the passphrase site's half.
    case one = "share 1"
    /// seedb, factorb or the encrypted key (which with the public passpoint yields seedb): the key site's half.
    case two = "share 2"
    /// The private key itself (hex, raw or WIF).
    case key = "private key"
}

/// One value to look for, in one encoding.
struct Needle: Sendable {
    let serial: Serial
    let share: Share
    let name: String
    let bytes: [UInt8]
    /// Whether the needle matches with its ASCII letters in any case (hex digits, base32,
    /// a passphrase of a case-blind alphabet): a site that mixes cases does not hide it.
    var caseless = false
    /// For a needle of ``NeedleForms/differences(_:)`` (each byte XOR the next), the value's
    /// first byte: the needle is searched in a file's byte differences, so it finds the value
    /// XORed with any one byte, and a hit whose byte is the value's own (XORed with 0) is the
    /// plain value, already found by its own needle. Nil for every other needle.
    var differenceOf: UInt8?
}

/// `b` in lower case when it is an ASCII capital letter.
func asciiLower(_ b: UInt8) -> UInt8 { b >= 0x41 && b <= 0x5A ? b + 32 : b }

/// Where a needle was found.
struct Hit: Sendable, Hashable {
    let serial: Serial
    let share: Share
    let name: String
    let file: String
    let offset: Int
}

/// A stream of bytes to search: a file, a member of a container, or a decoded run.
/// `chunks` hands over consecutive pieces in order; a searcher keeps its own overlap.
protocol ByteSource {
    /// The path shown in findings, relative to the ceremony folder (a container member as `outer!inner`).
    var display: String { get }
    /// Calls `body` with each consecutive chunk; stops early when `body` returns false.
    func chunks(_ body: ([UInt8]) throws -> Bool) throws
}

/// A value held in memory (a file name, a link target), as a source of one chunk.
struct HeldBytes: ByteSource {
    let display: String
    let bytes: [UInt8]

    func chunks(_ body: ([UInt8]) throws -> Bool) throws { _ = try body(bytes) }
}
