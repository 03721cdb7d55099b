import Ceremony
import CryptoCore
import Foundation
import TestSupport
import Testing

/// Issue 14 item 4: no input reaches a trap. Every executable is run on a real
/// ceremony's files made malformed (truncated, wrong types, a serial twice,
/// huge and negative numbers, not UTF-8, empty, nested deeply, and seeded
/// byte-level and structural mutations): each run ends in exit 1 with one
/// line on stderr that names the file (the audit: 2 with one line, or 3 with
/// a report), or succeeds; never 132 (SIGILL, a Swift trap), 134 (SIGABRT) or
/// 139 (SIGSEGV), and no secret on stderr.
@Suite("Malformed input: one line and exit 1, never a trap")
struct MalformedInputTests {
    // MARK: The hand-picked cases

    @Test("each site file, malformed by hand, is refused in one line naming it")
    func handMadeCasesAtTheSites() throws {
        for target in Target.sites {
            let original = try target.original()
            for (name, bytes) in Self.handMade(original) {
                try target.expectClean(bytes, context: name)
            }
        }
    }

    @Test("each spool, malformed by hand, is refused by card-print in one line naming it")
    func handMadeCasesAtThePrinters() throws {
        for target in Target.printers {
            let original = try target.original()
            for (name, bytes) in Self.handMade(original) {
                try target.expectClean(bytes, context: name)
            }
        }
    }

    @Test("the audit reads every malformed file to a report, or refuses the folder in one line")
    func handMadeCasesAtTheAudit() throws {
        for target in Target.audit {
            let original = try target.original()
            for (name, bytes) in Self.handMade(original)
            where ["empty", "truncated", "not UTF-8", "deep"].contains(name) {
                try target.expectClean(bytes, context: name)
            }
        }
    }

    @Test("a serial twice in a spool, or an entry twice in a ledger, is refused in one line")
    func duplicateSerials() throws {
        // A label record twice (issue 14 found this trapping assemble, exit 132).
        let labels = Target(.closed, "printed/site-a/batch-0001.labels", "card-print", ["assemble"])
        let label = try labels.original()
        try labels.expectClean(label + Data("\n".utf8) + label, context: "label twice", refused: true)
        // A card face twice.
        let faces = Target(.closed, "printed/site-b/batch-0001.faces.json", "card-print", ["assemble"])
        var faceList = try #require(try JSONSerialization.jsonObject(with: try faces.original()) as? [Any])
        faceList.append(faceList[0])
        try faces.expectClean(
            try JSONSerialization.data(withJSONObject: faceList), context: "face twice", refused: true)
        // A ledger entry twice: the chain no longer holds.
        let ledger = Target(.minted, "site-a/ledger.json", "passphrase-site", ["verify", "--batch", "1"])
        var ledgerFile = try #require(try JSONSerialization.jsonObject(with: try ledger.original()) as? [String: Any])
        let entries = try #require(ledgerFile["entries"] as? [Any])
        ledgerFile["entries"] = entries + entries
        try ledger.expectClean(
            try JSONSerialization.data(withJSONObject: ledgerFile), context: "ledger entry twice", refused: true)
    }

    @Test("site A's own intermediate batch, re-signed with a serial twice, is refused by verify (it trapped)")
    func duplicateSerialInASignedIntermediateBatch() throws {
        let folder = try Stage.minted.copy()
        let layout = CeremonyLayout(root: folder.url)
        let file = layout.intermediateBatch(1)
        let key = try SiteIdentity.load(from: layout.site(.siteA))
        let envelope = try Envelope(json: try Data(contentsOf: file))
        let payload = try TranscriptJSON.decoder.decode(Payload<IntermediateBatchBody>.self, from: envelope.payload)
        let cards = payload.body.cards
        let doubled = SignedPayload(payload.with(body: IntermediateBatchBody(cards: cards + cards)), signers: [key])
        try doubled.write(to: file)
        // Key batch 1 answered the original bundle; let it answer this one, re-signed by B.
        let keysFile = layout.keyBatch(1)
        let keys = try TranscriptJSON.decoder.decode(
            Payload<KeyBatchBody>.self, from: try Envelope(json: try Data(contentsOf: keysFile)).payload)
        let answer = Payload(
            type: keys.type, ceremony: keys.ceremony, signer: keys.signer, batch: keys.batch, sequence: keys.sequence,
            prev: keys.prev, answers: doubled.digest, body: keys.body)
        try SignedPayload(answer, signers: [try SiteIdentity.load(from: layout.site(.siteB))]).write(to: keysFile)
        let result = try Tools.run("passphrase-site", ["verify", "--ceremony", folder.url.path, "--batch", "1"])
        try expectClean(
            result, tool: "passphrase-site", naming: "batch-0001.intermediate.json", secrets: try Stage.secrets(),
            context: "intermediate batch with a serial twice", refused: true)
        #expect(result.stderr.contains("card \(cards[0].serial): appears twice"), "\(result.stderr)")
    }

    @Test("a bundle signed with sequence Int.max is refused, not overflowed into the next link (it trapped)")
    func hugeSequenceInASignedBundle() throws {
        let folder = try Stage.minted.copy()
        let layout = CeremonyLayout(root: folder.url)
        let key = try SiteIdentity.load(from: layout.site(.siteA))
        let envelope = try Envelope(json: try Data(contentsOf: layout.intermediateBatch(1)))
        let payload = try TranscriptJSON.decoder.decode(Payload<IntermediateBatchBody>.self, from: envelope.payload)
        let extra = layout.transfer.appendingPathComponent("batch-0001.intermediate-resent.json")
        try SignedPayload(payload.with(sequence: Int.max), signers: [key]).write(to: extra)
        let result = try Tools.run("passphrase-site", ["issue", "--ceremony", folder.url.path, "--batch", "2"])
        try expectClean(
            result, tool: "passphrase-site", naming: "batch-0001.intermediate-resent.json",
            secrets: try Stage.secrets(), context: "sequence Int.max", refused: true)
        #expect(result.stderr.contains("sequence 9223372036854775807 is out of range"), "\(result.stderr)")
    }

    // MARK: The seeded sweep

    @Test("seeded byte and structural mutations of every file a site reads: one line and exit 1, or success")
    func seededSweepAtTheSites() throws {
        var random = SeededRandom(seed: 0x7A95_0001)
        for target in Target.sites { try target.sweep(rounds: 6, &random) }
    }

    @Test("seeded mutations of the spools: card-print refuses in one line, or prints")
    func seededSweepAtThePrinters() throws {
        var random = SeededRandom(seed: 0x7A95_0002)
        for target in Target.printers { try target.sweep(rounds: 8, &random) }
        // Every single-value edit of a face spool (wrong types, huge and negative numbers, empty, removed).
        let faces = Target.printers[1]
        let edits = JSONMutator.everyEdit(of: try faces.original())
        #expect(edits.count > 100)
        for (index, edit) in edits.enumerated() where index % 6 == 0 {
            try faces.expectClean(edit, context: "edit \(index)")
        }
    }

    @Test("seeded mutations of a closed ceremony's files: the audit reports or refuses the folder in one line")
    func seededSweepAtTheAudit() throws {
        var random = SeededRandom(seed: 0x7A95_0003)
        for target in Target.audit { try target.sweep(rounds: 2, &random) }
    }

    @Test("seeded mutations of bip38's arguments and files: one line and exit 1, or success")
    func seededSweepOfBIP38() throws {
        let folder = try TemporaryFolder(prefix: "malformed-bip38")
        let vector = try #require(try SpecVector.withConfirmationCode().first)
        let passphraseCode = try #require(vector.passphraseCode)
        let confirmation = try #require(vector.confirmationCode)
        var random = SeededRandom(seed: 0x7A95_0004)
        func mutated(_ text: String) -> String {
            String(decoding: ByteMutator.mutate(Array(text.utf8), &random), as: UTF8.self)
        }
        for round in 0..<12 {
            let passphraseFile = try folder.secretFile("passphrase", vector.passphrase)
            let keyFile = try folder.secretFile("key", mutated(vector.unencryptedWIF))
            let runs: [[String]] = [
                ["inspect", mutated(vector.encryptedKey)],
                ["inspect", mutated(confirmation)],
                ["generate", mutated(passphraseCode)],
                ["decrypt", mutated(vector.encryptedKey), "--passphrase-file", passphraseFile],
                ["confirm", mutated(confirmation), "--passphrase-file", passphraseFile],
                ["encrypt", "--key-file", keyFile, "--passphrase-file", passphraseFile],
            ]
            for arguments in runs {
                let result = try ProcessRunner.run(built: "bip38", arguments)
                let context = "bip38 \(arguments[0]) round \(round)"
                expectNoTrap(result, allowed: [0, 1], context: context)
                if result.status == 1 { expectOneLine(result, tool: "bip38", context: context) }
            }
            // A mutated passphrase file: refused in one line naming it, or read.
            let bytes = ByteMutator.mutate(Array(vector.passphrase.utf8), &random)
            let file = folder.url.appendingPathComponent("mutated-passphrase")
            try Data(bytes).write(to: file)
            let result = try ProcessRunner.run(built: "bip38", ["intermediate", "--passphrase-file", file.path])
            expectNoTrap(result, allowed: [0, 1], context: "intermediate round \(round)")
            if result.status == 1 {
                expectOneLine(result, tool: "bip38", context: "intermediate round \(round)")
                #expect(result.stderr.contains("mutated-passphrase"), "\(result.stderr)")
            }
        }
    }

    // MARK: Inputs

    /// The hand-made malformations of a file: empty, truncated, not UTF-8, a NUL, nested
    /// deeply (arrays and objects), wrong types, a huge number, and the file twice.
    static func handMade(_ original: Data) -> [(String, Data)] {
        let bytes = Array(original)
        return [
            ("empty", Data()),
            ("truncated", Data(bytes.prefix(bytes.count / 2))),
            ("one byte short", Data(bytes.dropLast())),
            ("not UTF-8", Data(bytes.prefix(10) + [0xFF, 0xFE, 0xC3] + bytes.dropFirst(10))),
            ("a NUL", Data(bytes.prefix(bytes.count / 3) + [0] + bytes.dropFirst(bytes.count / 3))),
            (
                "deep",
                Data(Array(String(repeating: "[", count: 100_000).utf8) + String(repeating: "]", count: 100_000).utf8)
            ),
            (
                "deep objects",
                Data(
                    String(repeating: "{\"a\":", count: 50_000).utf8 + [0x31]
                        + String(repeating: "}", count: 50_000).utf8)
            ),
            ("a number", Data("1e400".utf8)), ("a string", Data("\"x\"".utf8)), ("null", Data("null".utf8)),
            ("an empty array", Data("[]".utf8)), ("an empty object", Data("{}".utf8)),
            ("a huge number", Data(String(repeating: "9", count: 5000).utf8)),
            ("a negative count", Data("[{\"batch\": -1, \"cards\": -9223372036854775808}]".utf8)),
            ("twice", original + original),
        ]
    }
}

// MARK: - Stages of one real ceremony

/// One real 2-card ceremony (batches of 1) through the executables, kept at three
/// stages: batch 1 issued; batch 1 minted; closed.
enum Stage: Sendable {
    case issued, minted, closed

    struct Folders: Sendable {
        let issued: TemporaryFolder
        let minted: TemporaryFolder
        let closed: TemporaryFolder
        /// The passphrases of every label and the hex of both signing seeds.
        let secrets: [String]
    }

    static let made = Result { try make() }

    static func secrets() throws -> [String] { try made.get().secrets }

    /// A private copy of this stage, for one run to change.
    func copy() throws -> TemporaryFolder {
        let folders = try Self.made.get()
        let source =
            switch self {
            case .issued: folders.issued
            case .minted: folders.minted
            case .closed: folders.closed
            }
        let folder = try TemporaryFolder(prefix: "malformed-input")
        try FileManager.default.removeItem(at: folder.url)
        try FileManager.default.copyItem(at: source.url, to: folder.url)
        return folder
    }

    private static func make() throws -> Folders {
        let closed = try TemporaryFolder(prefix: "malformed-stage")
        let path = closed.url.path
        func run(_ tool: String, _ arguments: String...) throws {
            let result = try Tools.run(tool, arguments + ["--ceremony", path])
            guard result.status == 0 else { throw StageFailure(command: "\(tool) \(arguments)", result: result) }
        }
        func snapshot() throws -> TemporaryFolder {
            let folder = try TemporaryFolder(prefix: "malformed-stage")
            try FileManager.default.removeItem(at: folder.url)
            try FileManager.default.copyItem(at: closed.url, to: folder.url)
            return folder
        }
        try run("passphrase-site", "init")
        try run("key-site", "init")
        try run("passphrase-site", "propose", "--cards", "2", "--batch-size", "1")
        try run("key-site", "endorse")
        try run("passphrase-site", "issue", "--batch", "1")
        let issued = try snapshot()
        try run("key-site", "mint", "--batch", "1")
        let minted = try snapshot()
        for batch in ["1", "2"] {
            if batch == "2" {
                try run("passphrase-site", "issue", "--batch", batch)
                try run("key-site", "mint", "--batch", batch)
            }
            try run("passphrase-site", "verify", "--batch", batch)
            try run("passphrase-site", "seal", "--batch", batch)
        }
        try run("passphrase-site", "close")
        try run("key-site", "close")
        let layout = CeremonyLayout(root: closed.url)
        var secrets: [String] = []
        for batch in 1...2 {
            for record in try SecretRecord.read(layout.labels(batch)) {
                if let passphrase = record.text("passphrase") {
                    secrets += [passphrase, passphrase.replacingOccurrences(of: "-", with: "")]
                }
            }
        }
        for party in [Party.siteA, .siteB] {
            let seed = try Data(
                contentsOf: layout.site(party).appendingPathComponent(SiteIdentity.fileName))
            secrets += [seed.map { String(format: "%02x", $0) }.joined(), seed.base64EncodedString()]
        }
        return Folders(issued: issued, minted: minted, closed: closed, secrets: secrets)
    }
}

struct StageFailure: Error, CustomStringConvertible {
    let command: String
    let result: ProcessResult
    var description: String { "\(command): exit \(result.status): \(result.stderr)" }
}

// MARK: - Targets: a file of a stage, and the command that reads it

struct Target: Sendable {
    let stage: Stage
    /// The file, relative to the ceremony folder.
    let file: String
    let tool: String
    /// The command's arguments; `--ceremony DIR` is added (the audit: DIR first).
    let arguments: [String]

    init(_ stage: Stage, _ file: String, _ tool: String, _ arguments: [String]) {
        self.stage = stage
        self.file = file
        self.tool = tool
        self.arguments = arguments
    }

    static let sites: [Target] = [
        Target(.minted, "site-a/work/batch-0001/card-0000001-0000.rec", "passphrase-site", ["verify", "--batch", "1"]),
        Target(.minted, "transfer/batch-0001.keys.json", "passphrase-site", ["verify", "--batch", "1"]),
        Target(.minted, "transfer/batch-0001.intermediate.json", "passphrase-site", ["verify", "--batch", "1"]),
        Target(.minted, "site-a/ledger.json", "passphrase-site", ["verify", "--batch", "1"]),
        Target(.minted, "ceremony.json", "passphrase-site", ["verify", "--batch", "1"]),
        Target(.minted, "site-a/signing-key.seed", "passphrase-site", ["verify", "--batch", "1"]),
        Target(.issued, "transfer/batch-0001.intermediate.json", "key-site", ["mint", "--batch", "1"]),
        Target(.issued, "site-b/signing-key.seed", "key-site", ["mint", "--batch", "1"]),
    ]

    static let printers: [Target] = [
        Target(.minted, "printed/site-a/batch-0001.labels", "card-print", ["labels", "--batch", "1"]),
        Target(.minted, "printed/site-b/batch-0001.faces.json", "card-print", ["faces", "--batch", "1"]),
        Target(.closed, "printed/site-a/batch-0002.labels", "card-print", ["assemble"]),
        Target(.closed, "printed/site-b/batch-0002.faces.json", "card-print", ["assemble"]),
        Target(.closed, "ceremony.json", "card-print", ["assemble"]),
    ]

    static let audit: [Target] = [
        "ceremony.json", "transfer/closing.json", "transfer/batch-0001.keys.json",
        "transfer/batch-0002.intermediate.json", "transfer/site-a.declaration.json", "site-a/ledger.json",
        "printed/site-a/batch-0001.labels", "printed/site-b/batch-0002.faces.json",
    ].map { Target(.closed, $0, "ceremony-audit", ["--sample", "1", "--no-countersign"]) }

    /// The file as the stage holds it.
    func original() throws -> Data {
        let folder = try stage.copy()
        return try Data(contentsOf: folder.url.appendingPathComponent(file))
    }

    /// Runs the command on a copy of the stage with the file replaced by `contents`.
    func run(with contents: Data) throws -> ProcessResult {
        let folder = try stage.copy()
        try contents.write(to: folder.url.appendingPathComponent(file))
        let all =
            tool == "ceremony-audit"
            ? [folder.url.path] + arguments + ["--out", folder.url.appendingPathComponent("report").path]
            : arguments + ["--ceremony", folder.url.path]
        return try Tools.run(tool, all)
    }

    /// Runs on `contents` and checks the outcome (see ``expectClean(_:tool:naming:secrets:context:refused:)``).
    func expectClean(_ contents: Data, context: String, refused: Bool = false) throws {
        let result = try run(with: contents)
        try MalformedInputTests.expectClean(
            result, tool: tool, naming: (file as NSString).lastPathComponent, secrets: try Stage.secrets(),
            context: "\(tool) \(arguments.first ?? ""), \(file): \(context)", refused: refused)
    }

    /// `rounds` byte-level mutations, and as many structural ones for a JSON file.
    func sweep(rounds: Int, _ random: inout SeededRandom) throws {
        let original = try original()
        let isJSON = file.hasSuffix(".json")
        for round in 0..<rounds {
            try expectClean(JSONMutator.mutateBytes(original, &random), context: "byte mutation \(round)")
            if isJSON {
                try expectClean(JSONMutator.mutate(original, &random), context: "structural mutation \(round)")
            }
        }
    }
}

// MARK: - What every run must show

extension MalformedInputTests {
    /// No trap, and an exit status the tool documents.
    static func expectNoTrap(
        _ result: ProcessResult, allowed: Set<Int32>, context: String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(
            ![132, 134, 139].contains(result.status) && allowed.contains(result.status),
            "\(context): exit \(result.status), stderr: \(result.stderr.prefix(2000))", sourceLocation: sourceLocation)
    }

    /// Exactly one line on stderr, starting with the tool's name.
    static func expectOneLine(
        _ result: ProcessResult, tool: String, context: String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let lines = result.stderr.split(separator: "\n")
        #expect(
            lines.count == 1 && lines.first?.hasPrefix("\(tool): ") == true,
            "\(context): stderr is not one line: \(result.stderr.prefix(2000))", sourceLocation: sourceLocation)
    }

    /// The outcome a malformed file may have: for the sites, card-print and bip38,
    /// success or exit 1 with one line naming the file; for the audit, a report
    /// (0 or 3) or exit 2 with one line naming the file. Never a trap, never a
    /// secret on stderr. `refused` demands the refusal.
    static func expectClean(
        _ result: ProcessResult, tool: String, naming file: String, secrets: [String], context: String,
        refused: Bool = false, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let isAudit = tool == "ceremony-audit"
        let refusal: Int32 = isAudit ? 2 : 1
        expectNoTrap(
            result, allowed: refused ? [refusal] : isAudit ? [0, 2, 3] : [0, 1], context: context,
            sourceLocation: sourceLocation)
        if result.status == refusal {
            expectOneLine(result, tool: tool, context: context, sourceLocation: sourceLocation)
            #expect(
                result.stderr.contains(file), "\(context): the refusal does not name \(file): \(result.stderr)",
                sourceLocation: sourceLocation)
        }
        for secret in secrets where result.stderr.contains(secret) {
            Issue.record(
                "\(context): a secret on stderr: \(result.stderr.prefix(2000))", sourceLocation: sourceLocation)
        }
    }

    func expectClean(
        _ result: ProcessResult, tool: String, naming file: String, secrets: [String], context: String,
        refused: Bool = false, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        try Self.expectClean(
            result, tool: tool, naming: file, secrets: secrets, context: context, refused: refused,
            sourceLocation: sourceLocation)
    }

    func expectNoTrap(
        _ result: ProcessResult, allowed: Set<Int32>, context: String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        Self.expectNoTrap(result, allowed: allowed, context: context, sourceLocation: sourceLocation)
    }

    func expectOneLine(
        _ result: ProcessResult, tool: String, context: String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        Self.expectOneLine(result, tool: tool, context: context, sourceLocation: sourceLocation)
    }
}
