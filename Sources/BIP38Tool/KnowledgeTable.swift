/// What a value is to the card's private key k = passfactor·factorb mod n.
///
/// The one definition behind `bip38 explain`'s marks and the knowledge table
/// (Docs/Diagrams/knowledge-table.svg, whose row labels DocsTests compare
/// with ``KnowledgeTable/rows``).
enum ValueRole: String, CaseIterable, Sendable {
    /// Site A's half of the key: the passphrase and what scrypt makes of it.
    case share1 = "share_1"
    /// Site B's half of the key: seedb and factorb.
    case share2 = "share_2"
    /// Share 2 sealed under the passpoint: the encrypted key. Whoever holds the
    /// passpoint opens it (so it must never reach site A).
    case sealedShare2 = "share_2_sealed"
    /// The private key itself.
    case key
    /// Computed along the way, yields no share on its own (salts, the passpoint,
    /// the derived halves, pointb).
    case noShare = "no_share"
    /// A non-EC key's passphrase and the halves its scrypt derives: no shares, since
    /// one party makes the whole key, but with the encrypted key they yield it.
    case opensKey = "opens_key"
    /// Public, or checkable by anyone: the address, its hash, the confirmation code.
    case publicValue = "public"

    /// Share 1, share 2 or the key: what a site must destroy or never hold.
    var isSecret: Bool { [.share1, .share2, .key, .opensKey].contains(self) }

    /// The mark in `bip38 explain`'s text output (blank for no share and public values).
    var mark: String {
        switch self {
        case .share1: "SHARE 1"
        case .share2: "SHARE 2"
        case .sealedShare2: "SEALED 2"
        case .key: "KEY"
        case .opensKey: "SECRET"
        case .noShare, .publicValue: ""
        }
    }

    /// The role as the knowledge table writes it under a row's values.
    var label: String {
        switch self {
        case .share1: "share 1"
        case .share2: "share 2"
        case .sealedShare2: "share 2 with the passpoint"
        case .key: "the key"
        case .opensKey: "opens the encrypted key (non-EC)"
        case .noShare: "no share"
        case .publicValue: "public / checkable"
        }
    }

    /// The legend `bip38 explain` prints above a walk.
    static let legend =
        "Marks: SHARE 1 (site A's half: passphrase, prefactor, passfactor), SHARE 2 (site B's half: seedb, "
        + "factorb), KEY = share 1 · share 2 mod n, SEALED 2 = share 2 encrypted under the passpoint (the "
        + "encrypted key), SECRET = opens a non-EC key; unmarked = no share, or public. As in "
        + "Docs/Diagrams/knowledge-table.svg."
}

/// The knowledge table of Docs/Design.md ("Who knows what") as data: each row
/// names values of a walk and their role.
enum KnowledgeTable {
    struct Row: Sendable {
        /// The row's first cell, as the figure prints it.
        let title: String
        /// What the figure prints under the title: the role's label, maybe with a remark.
        let subtitle: String
        /// The names `bip38 explain` gives these values.
        let values: [String]
        let role: ValueRole

        init(_ title: String, _ role: ValueRole, remark: String? = nil, values: [String]) {
            self.title = title
            self.subtitle = role.label + (remark.map { " (\($0))" } ?? "")
            self.values = values
            self.role = role
        }
    }

    /// The rows of Docs/Diagrams/knowledge-table.svg, in its order.
    static let rows: [Row] = [
        Row("passphrase, prefactor, passfactor", .share1, values: ["passphrase", "prefactor", "passfactor"]),
        Row(
            "ownersalt, lot/sequence, ownerentropy", .noShare,
            values: ["ownersalt", "lot", "sequence", "lotsequence", "ownerentropy"]),
        Row(
            "passpoint, intermediate code", .noShare, remark: "passpoint = passfactor·G",
            values: ["passpoint", "intermediate_code"]),
        Row("seedb, factorb", .share2, values: ["seedb", "factorb"]),
        Row("encrypted key (6P...)", .sealedShare2, values: ["encrypted_key"]),
        Row(
            "derivedhalf1/2, pointb = factorb·G", .noShare,
            values: ["derivedhalf1", "derivedhalf2", "pointb", "pointbprefix", "pointbx1", "pointbx2"]),
        Row("address, confirmation code (cfrm38...)", .publicValue, values: ["address", "confirmation_code"]),
        Row("private key = passfactor·factorb mod n", .key, values: ["private_key", "wif"]),
    ]

    /// Values the walks print that the figure leaves out (parts of the strings above).
    static let parts: [String: ValueRole] = [
        "flag": .noShare, "encryptedpart1": .noShare, "encryptedpart2": .noShare, "encryptedpointb": .noShare,
        "encryptedhalf1": .noShare, "encryptedhalf2": .noShare, "addresshash": .publicValue,
        "public_key": .publicValue,
    ]

    /// A non-EC key has no shares: the values that differ from the EC table.
    static let nonEC: [String: ValueRole] = [
        "passphrase": .opensKey, "derivedhalf1": .opensKey, "derivedhalf2": .opensKey, "encrypted_key": .noShare,
    ]

    /// The role of a value of a non-EC walk.
    static func nonECRole(of name: String) -> ValueRole { nonEC[name] ?? role(of: name) }

    /// The role of a value by the name a walk gives it: its own entry, or that
    /// of the longest entry it starts with followed by `_` (`seedb_head`,
    /// `factorb_recovered`, `private_key_by_site_a`); no share when none matches.
    static func role(of name: String) -> ValueRole {
        let table = Dictionary(uniqueKeysWithValues: rows.flatMap { row in row.values.map { ($0, row.role) } })
            .merging(parts) { first, _ in first }
        if let role = table[name] { return role }
        let base = table.keys.filter { name.hasPrefix($0 + "_") }.max { $0.count < $1.count }
        return base.flatMap { table[$0] } ?? .noShare
    }
}
