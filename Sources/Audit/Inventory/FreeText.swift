import Ceremony
import Foundation

/// The strings of the records default deny allows, where a site may write what it likes:
/// an exception's reason, a retention statement's notes, a card's failure reason, a token's
/// label. Each parses as its kind, so default deny lets it stand; blind detection looks in
/// every such string for a share it can tie to a card (Docs/Audit.md, "Blind detection").
enum FreeText {
    /// Members not searched: each card's typed values and commitments (the cut-and-choose
    /// sample checks those; searching them would spend the curve tests on public values),
    /// and the digests, keys and signatures a reader already checks.
    static let skipped: Set<String> = [
        "cards", "prev", "answers", "digest", "keyid", "sig", "public_key", "publicKey", "head",
        "executable_sha256", "sha256",
    ]

    /// Every string in `json` (object keys included) with the member that holds it, but under ``skipped``.
    static func strings(ofJSON json: Data) -> [(field: String, text: String)] {
        guard let value = try? JSONSerialization.jsonObject(with: json, options: [.fragmentsAllowed]) else {
            return []
        }
        var out: [(field: String, text: String)] = []
        collect(value, field: "", into: &out)
        return out
    }

    /// The strings of a signed file's payload (nothing when it is no envelope).
    static func strings(ofEnvelope bytes: [UInt8]) -> [(field: String, text: String)] {
        guard let envelope = try? Envelope(json: Data(bytes)) else { return [] }
        return strings(ofJSON: envelope.payload)
    }

    /// The strings of each line of a JSON-lines file (the exception log).
    static func strings(ofLines bytes: [UInt8]) -> [(field: String, text: String)] {
        bytes.split(separator: UInt8(ascii: "\n")).flatMap { strings(ofJSON: Data($0)) }
    }

    private static func collect(_ value: Any, field: String, into out: inout [(field: String, text: String)]) {
        switch value {
        case let text as String:
            out.append((field, text))
        case let array as [Any]:
            for item in array { collect(item, field: field, into: &out) }
        case let object as [String: Any]:
            for (key, item) in object.sorted(by: { $0.key < $1.key }) where !skipped.contains(key) {
                out.append((key, key))
                collect(item, field: key, into: &out)
            }
        default:
            break
        }
    }
}
