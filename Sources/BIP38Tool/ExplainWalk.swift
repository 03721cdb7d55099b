import BIP38
import CryptoCore
import Foundation

/// The parties of a two-factor key-generation ceremony (Docs/Design.md, "The parties"
/// and "Who knows what"), as `bip38 explain` names them in `known_by`.
enum Party: String, CaseIterable, Sendable {
    /// Site A, the passphrase site: makes the passphrase and the intermediate code.
    case siteA = "site_a"
    /// Site B, the key site: makes seedb, the encrypted key and the confirmation code.
    case siteB = "site_b"
    /// Whoever holds the finished card: scratches the passphrase, peels the sticker.
    case cardHolder = "card_holder"
    /// Anyone at all (the address on the card face).
    case anyone = "public"

    /// The short tag of the text output.
    var tag: String {
        switch self {
        case .siteA: "A"
        case .siteB: "B"
        case .cardHolder: "holder"
        case .anyone: "public"
        }
    }

    var title: String {
        switch self {
        case .siteA: "site A"
        case .siteB: "site B"
        case .cardHolder: "card holder"
        case .anyone: "anyone"
        }
    }
}

/// Who knows a value in an honest ceremony, following Docs/Design.md, "Who knows what".
/// "Knows" means holds it, or computes it from what it legitimately holds.
enum Knowledge {
    /// Passphrase, prefactor, passfactor: site A makes them, the holder scratches the label.
    static let passphraseSide: [Party] = [.siteA, .cardHolder]
    /// ownerentropy, passpoint, intermediate code, derived halves, pointb, confirmation code.
    static let bothSites: [Party] = [.siteA, .siteB, .cardHolder]
    /// seedb, factorb, encrypted key: site B makes them, the holder peels the sticker.
    static let keySide: [Party] = [.siteB, .cardHolder]
    /// The private key: only the card holder, who has both factors.
    static let holderOnly: [Party] = [.cardHolder]
    /// The address and its hash.
    static let everyone: [Party] = [.anyone]
}

/// One value of a step: its name, its bytes in hex and/or its text form
/// (Base58Check strings, addresses, numbers), its role in the key (``ValueRole``,
/// from ``KnowledgeTable``), and who knows it.
struct ExplainedValue {
    let name: String
    let hex: String?
    let text: String?
    let role: ValueRole
    let knownBy: [Party]

    /// - Parameter role: given only by the non-EC walk (``KnowledgeTable/nonECRole(of:)``);
    ///   otherwise the table's role for `name`.
    init(name: String, hex: String?, text: String?, knownBy: [Party], role: ValueRole? = nil) {
        self.name = name
        self.hex = hex
        self.text = text
        self.role = role ?? KnowledgeTable.role(of: name)
        self.knownBy = knownBy
    }

    /// The same value as a non-EC walk's (``KnowledgeTable/nonECRole(of:)``).
    var nonEC: ExplainedValue {
        ExplainedValue(name: name, hex: hex, text: text, knownBy: knownBy, role: KnowledgeTable.nonECRole(of: name))
    }

    /// A share of the key or the key itself (``ValueRole/isSecret``).
    var secret: Bool { role.isSecret }

    /// Bytes held in a `SecretBytes`: printed because this is a teaching walk.
    static func secret(_ name: String, _ bytes: SecretBytes, _ knownBy: [Party]) -> ExplainedValue {
        ExplainedValue(name: name, hex: bytes.revealedHex(), text: nil, knownBy: knownBy)
    }

    static func bytes(_ name: String, _ bytes: [UInt8], _ knownBy: [Party]) -> ExplainedValue {
        ExplainedValue(name: name, hex: bytes.hex, text: nil, knownBy: knownBy)
    }

    static func text(_ name: String, _ text: String, hex: [UInt8]? = nil, _ knownBy: [Party]) -> ExplainedValue {
        ExplainedValue(name: name, hex: hex?.hex, text: text, knownBy: knownBy)
    }
}

/// One step of a walk: a name, who performs it, its formula on one line,
/// inputs and outputs, and optional notes (plain sentences).
struct ExplainStep {
    var name: String
    /// The party that computes this step; nil for a step of reasoning (the ceremony's analysis).
    let performedBy: Party?
    let formula: String
    var inputs: [ExplainedValue] = []
    var outputs: [ExplainedValue] = []
    var notes: [String] = []
}

/// A walk through one operation: what `bip38 explain` prints.
struct Walk {
    /// `intermediate`, `generate`, `confirm`, `decrypt` or `ceremony`.
    let operation: String
    /// One line: what the walk shows.
    let summary: String
    var steps: [ExplainStep] = []
    /// The last line: what the walk proved.
    var conclusion: String
    /// For `decrypt` and `confirm`: which form of the passphrase given matched
    /// (`passphrase_form` in the JSON, a line before the conclusion), as `bip38 decrypt` says.
    var passphraseForm: PassphraseForm? = nil

    /// The warning printed on standard error before every walk.
    static let warning = """
        bip38 explain: WARNING: this walk prints secrets in the clear (passphrase, passfactor, seedb, factorb, \
        private key). It is a teaching tool: use it only with throwaway or specification values, never with a real card.
        """

    static func emitWarning() {
        let lines = TextWrap.words(warning, indent: "  ")
        FileHandle.standardError.write(Data((lines.joined(separator: "\n") + "\n").utf8))
    }

    mutating func add(_ step: ExplainStep) { steps.append(step) }
    mutating func add(_ more: [ExplainStep]) { steps += more }

    /// The walk as one JSON object:
    /// `{"operation", "summary", "steps": [{"name", "performed_by", "formula", "inputs", "outputs", "notes"}],
    /// "conclusion"}`,
    /// each value `{"name", "hex", "text", "role", "secret", "known_by"}` (absent forms are null).
    var json: String {
        func list(_ items: [String]) -> String { "[" + items.joined(separator: ", ") + "]" }
        func string(_ s: String?) -> String { s.map(Report.quoted) ?? "null" }
        func value(_ v: ExplainedValue) -> String {
            "{\"name\": \(string(v.name)), \"hex\": \(string(v.hex)), \"text\": \(string(v.text)), "
                + "\"role\": \(string(v.role.rawValue)), \"secret\": \(v.secret), "
                + "\"known_by\": \(list(v.knownBy.map { string($0.rawValue) }))}"
        }
        let steps = steps.map { step in
            "{\"name\": \(string(step.name)), \"performed_by\": \(string(step.performedBy?.rawValue)), "
                + "\"formula\": \(string(step.formula)), \"inputs\": \(list(step.inputs.map(value))), "
                + "\"outputs\": \(list(step.outputs.map(value))), \"notes\": \(list(step.notes.map(string)))}"
        }
        let form = passphraseForm.map { ", \"passphrase_form\": \(string($0.rawValue))" } ?? ""
        return "{\"operation\": \(string(operation)), \"summary\": \(string(summary)), \"steps\": \(list(steps)), "
            + "\"conclusion\": \(string(conclusion))\(form)}"
    }

    /// The walk as numbered steps, one value per line: `in`/`out`, name, its mark
    /// (``ValueRole/mark``), who knows it, then the hex or text. No line is longer
    /// than ``TextWrap/width``: prose wraps at spaces, a value continues on indented lines.
    var text: String {
        var lines = TextWrap.words("bip38 explain \(operation): \(summary)", indent: "")
        lines += TextWrap.words(
            "Known by: A = site A (passphrase site), B = site B (key site), holder = card holder, public = anyone.",
            indent: "")
        lines += TextWrap.words(ValueRole.legend, indent: "")
        let values = steps.flatMap { $0.inputs + $0.outputs }
        let partyWidth = values.map { Self.parties($0.knownBy).count }.max() ?? 0
        let markWidth = values.map(\.role.mark.count).max() ?? 0
        for (index, step) in steps.enumerated() {
            lines.append("")
            lines += TextWrap.words(
                "\(index + 1). \(step.name)" + (step.performedBy.map { "  [\($0.title)]" } ?? ""), indent: "   ")
            lines += TextWrap.words("   \(step.formula)", indent: "     ")
            let nameWidth = (step.inputs + step.outputs).map(\.name.count).max() ?? 0
            for (role, values) in [("in ", step.inputs), ("out", step.outputs)] {
                for value in values {
                    let head =
                        "     \(role)  \(Self.pad(value.name, nameWidth))  \(Self.pad(value.role.mark, markWidth))  "
                        + "\(Self.pad(Self.parties(value.knownBy), partyWidth))  "
                    lines += TextWrap.value(head: head, text: value.text, hex: value.hex)
                }
            }
            for note in step.notes { lines += TextWrap.words("   - \(note)", indent: "     ") }
        }
        if let passphraseForm {
            let why =
                passphraseForm == .exact
                ? "exact (the text as given)"
                : "canonical (the card form of the text given, which did not match as given)"
            lines.append("")
            lines += TextWrap.words("Passphrase form: \(why).", indent: "")
        }
        lines.append("")
        lines += TextWrap.words("What this proved: \(conclusion)", indent: "")
        return lines.joined(separator: "\n")
    }

    private static func parties(_ parties: [Party]) -> String { parties.map(\.tag).joined(separator: " ") }

    private static func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s : s + String(repeating: " ", count: width - s.count)
    }
}
