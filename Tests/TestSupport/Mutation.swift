import Foundation

/// A small seeded generator (SplitMix64), so every mutation reproduces.
package struct SeededRandom: RandomNumberGenerator {
    package var state: UInt64
    package init(seed: UInt64) { state = seed }
    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// `lines` lines of 1 to 12 of `words` each, drawn by a generator seeded with `seed`:
    /// ordinary text for a decoder to find nothing in.
    package static func prose(_ words: [String], lines: Int, seed: UInt64) -> String {
        var random = SeededRandom(seed: seed)
        var prose = ""
        for _ in 0..<lines {
            let n = Int(random.next() % 12) + 1
            prose += (0..<n).map { _ in words[Int(random.next() % UInt64(words.count))] }.joined(separator: " ")
            prose += "\n"
        }
        return prose
    }

    /// `count` bytes from a generator seeded with `seed`: the low byte of each `next()`.
    package static func bytes(_ count: Int, seed: UInt64) -> [UInt8] {
        var random = SeededRandom(seed: seed)
        return (0..<count).map { _ in UInt8(truncatingIfNeeded: random.next()) }
    }
}

/// Byte-level mutations in the style of libFuzzer's: flip, replace, insert,
/// delete, duplicate, swap, truncate; one to four per input.
package enum ByteMutator {
    /// Bytes that trip up parsers: NUL, the ends of ASCII and of a byte, newline, quote, backslash.
    package static let edgeBytes: [UInt8] = [0x00, 0x01, 0x7F, 0x80, 0xFF, 0x0A, 0x22, 0x5C]
    /// `edgeBytes` and JSON's punctuation and digits (`{ } [ ] , : 0 9`), for mutating JSON.
    package static let jsonBytes: [UInt8] = edgeBytes + [0x7B, 0x7D, 0x5B, 0x5D, 0x2C, 0x3A, 0x30, 0x39]

    /// One to four mutations of `input`. Half of the bytes a replacement or an
    /// insertion writes are drawn from `favoured`, the rest from all 256 values.
    package static func mutate(
        _ input: [UInt8], _ random: inout SeededRandom, favouring favoured: [UInt8] = edgeBytes
    )
        -> [UInt8]
    {
        var bytes = input
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            let position = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &random)
            let byte =
                Bool.random(using: &random)
                ? favoured.randomElement(using: &random)! : UInt8.random(in: 0...255, using: &random)
            switch Int.random(in: 0..<8, using: &random) {
            case 0 where !bytes.isEmpty: bytes[position] ^= 1 << UInt8.random(in: 0..<8, using: &random)
            case 1 where !bytes.isEmpty: bytes[position] = byte
            case 2: bytes.insert(byte, at: position)
            case 3 where !bytes.isEmpty: bytes.remove(at: position)
            case 4 where !bytes.isEmpty:
                let end = min(bytes.count, position + Int.random(in: 1...8, using: &random))
                bytes.insert(contentsOf: bytes[position..<end], at: position)
            case 5 where bytes.count > 1: bytes.swapAt(position, Int.random(in: 0..<bytes.count, using: &random))
            case 6 where !bytes.isEmpty: bytes.removeLast(Int.random(in: 1...bytes.count, using: &random))
            default: bytes.append(byte)
            }
        }
        return bytes
    }
}

/// Structure-aware mutations of JSON: one value somewhere in the tree is
/// replaced by an edge case of its kind (huge and negative numbers, empty,
/// huge and mangled strings, missing, null or extra keys, dropped, doubled or
/// reordered array elements). These get past the JSON parser to the checks
/// behind it, where byte flips rarely reach.
package enum JSONMutator {
    package static var numbers: [Any] {
        [0, -1, 1, 2, 4095, 4096, 4097, 1_048_575, 1_048_576, Int.max, Int.min, 1.5, 1e300, -0.0]
    }
    package static let strings: [String] = [
        "", "0", "-1", "9223372036854775807-9223372036854775807", "0000001-0000", "0000001-4096", "1048576-0000",
        String(repeating: "0", count: 64), String(repeating: "f", count: 63), "site-a", "site-b", "auditor", "mainnet",
        "testnet", "\u{0}", "passphrase", "cfrm38", "6P", String(repeating: "z", count: 100_000),
    ]

    /// Byte-level mutations of JSON text (`ByteMutator`, favouring `ByteMutator.jsonBytes`).
    package static func mutateBytes(_ data: Data, _ random: inout SeededRandom) -> Data {
        Data(ByteMutator.mutate(Array(data), &random, favouring: ByteMutator.jsonBytes))
    }

    /// One structural mutation of the JSON in `data` (`data` itself when it is not JSON).
    package static func mutate(_ data: Data, _ random: inout SeededRandom) -> Data {
        guard let root = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else {
            return data
        }
        let mutated = mutate(root, &random)
        return (try? JSONSerialization.data(withJSONObject: mutated, options: [.sortedKeys, .fragmentsAllowed])) ?? data
    }

    package static func mutate(_ value: Any, _ random: inout SeededRandom) -> Any {
        switch value {
        case var object as [String: Any]:
            if let key = object.keys.sorted().randomElement(using: &random), Int.random(in: 0..<5, using: &random) > 0 {
                object[key] = mutate(object[key]!, &random)
                return object
            }
            switch Int.random(in: 0..<3, using: &random) {
            case 0: if let key = object.keys.sorted().randomElement(using: &random) { object[key] = nil }
            case 1: if let key = object.keys.sorted().randomElement(using: &random) { object[key] = NSNull() }
            default: object["unexpected"] = 1
            }
            return object
        case var array as [Any]:
            if !array.isEmpty, Int.random(in: 0..<5, using: &random) > 0 {
                let index = Int.random(in: 0..<array.count, using: &random)
                array[index] = mutate(array[index], &random)
                return array
            }
            switch Int.random(in: 0..<4, using: &random) {
            case 0 where !array.isEmpty: array.remove(at: Int.random(in: 0..<array.count, using: &random))
            case 1 where !array.isEmpty: array.append(array[Int.random(in: 0..<array.count, using: &random)])
            case 2: array.reverse()
            default: array = []
            }
            return array
        case let string as String:
            switch Int.random(in: 0..<3, using: &random) {
            case 0: return strings.randomElement(using: &random)!
            case 1: return numbers.randomElement(using: &random)!
            default:
                let bytes = ByteMutator.mutate(Array(string.utf8), &random, favouring: ByteMutator.jsonBytes)
                return String(decoding: bytes, as: UTF8.self)
            }
        default:
            // Numbers, booleans and null.
            return Bool.random(using: &random)
                ? numbers.randomElement(using: &random)! : strings.prefix(4).randomElement(using: &random)!
        }
    }
}

extension JSONMutator {
    package enum Step: Hashable {
        case key(String)
        case index(Int)
    }

    /// Every value in the tree (containers too), by its path from the root.
    package static func paths(_ value: Any, _ prefix: [Step] = []) -> [[Step]] {
        switch value {
        case let object as [String: Any]:
            [prefix] + object.keys.sorted().flatMap { paths(object[$0]!, prefix + [.key($0)]) }
        case let array as [Any]:
            [prefix] + array.indices.flatMap { paths(array[$0], prefix + [.index($0)]) }
        default: [prefix]
        }
    }

    /// `value` with the value at `path` replaced by `new`, or removed when `new` is nil.
    package static func replacing(_ value: Any, at path: ArraySlice<Step>, with new: Any?) -> Any? {
        guard let step = path.first else { return new }
        switch (value, step) {
        case (var object as [String: Any], .key(let key)):
            object[key] = object[key].flatMap { replacing($0, at: path.dropFirst(), with: new) }
            return object
        case (var array as [Any], .index(let index)):
            if let child = replacing(array[index], at: path.dropFirst(), with: new) {
                array[index] = child
            } else {
                array.remove(at: index)
            }
            return array
        default: return value
        }
    }

    /// Every single-value edit of `data`: each value in the tree replaced by
    /// each edge case (numbers, strings, null, empty containers) or removed.
    package static func everyEdit(of data: Data) -> [Data] {
        guard let root = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else { return [] }
        let replacements: [Any?] = numbers + strings + [NSNull(), [Any](), [String: Any](), nil]
        return paths(root).dropFirst().flatMap { path in
            replacements.compactMap { replacement in
                replacing(root, at: path[...], with: replacement).flatMap {
                    try? JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys, .fragmentsAllowed])
                }
            }
        }
    }
}
