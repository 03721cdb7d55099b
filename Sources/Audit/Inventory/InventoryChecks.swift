import BIP38
import Ceremony
import CryptoCore
import Foundation

/// Share-shaped values that blind detection tied to a card, by where they were found:
/// they count in the matrix like the known-needle search's hits.
struct InventoryHits {
    var siteA: [Hit] = []
    var siteB: [Hit] = []
    var transfer: [Hit] = []
    /// Found outside both site folders (the top level): either site could have put them there.
    var outside: [Hit] = []
}

extension AuditRun {
    /// K3 and S6: default deny over the top level, both site folders, `transfer/`, the print
    /// run's folders and `audit/`, and blind
    /// detection in every unexplained record (Docs/Audit.md, "Default deny", "Blind detection").
    mutating func checkInventory(_ book: CardBook, transcript: TranscriptAudit, mode: AuditMode) -> InventoryHits {
        var walk = InventoryWalk(
            ceremony: ceremony, transcript: transcript, book: book, mode: mode,
            detector: BlindDetector(cards: PublicCards(book: book, manifest: manifest)))
        walk.run()
        findings += walk.findings
        checkStatements(transcript)
        return walk.hits
    }

    /// K3: a retention statement may list as kept only what the protocol lets a site keep;
    /// calling anything else a "site record" does not make it one.
    private mutating func checkStatements(_ transcript: TranscriptAudit) {
        for party in [Party.siteA, .siteB] {
            let allowed = AllowedFiles.keepable(party)
            var reported = Set<String>()
            for (batch, statement, entry) in transcript.bodies(
                .retentionStatement, party, as: RetentionStatementBody.self)
            {
                for kept in statement.kept where !allowed.contains(kept.path) && reported.insert(kept.path).inserted {
                    findings.append(
                        Finding(
                            .defaultDeny, .high,
                            "\(party.siteName)'s retention statement (batch \(batch.map(String.init) ?? "none")) lists \(kept.path) as \"\(kept.holds)\": a site may keep only its signing key and its ledger, and no statement adds to that",
                            file: layout.relative(entry.file)))
                }
            }
        }
    }
}

/// One pass over what default deny covers.
struct InventoryWalk {
    let ceremony: Transcript
    let transcript: TranscriptAudit
    /// The cards as the audit knows them: their public values, and their printed halves where present.
    let book: CardBook
    /// In production mode a print file left in `printed/` is a finding of its own.
    let mode: AuditMode
    var detector: BlindDetector
    var findings: [Finding] = []
    var hits = InventoryHits()

    var layout: CeremonyLayout { ceremony.layout }

    /// Whose record a path is, for messages and the matrix.
    enum Owner {
        case site(Party)
        case transfer
        case topLevel

        var name: String {
            switch self {
            case .site(let party): party.siteName
            case .transfer: "transfer/"
            case .topLevel: "the ceremony folder's top level"
            }
        }
    }

    /// Folders below an unexplained one are followed this deep, and this many entries at most.
    static let depthLimit = 32
    static let entryLimit = 100_000
    private var visited = 0
    /// Each site's signing key, by keyid, where its folder holds the seed of the key the
    /// manifest names (a token site's key is not here to sign with).
    private var siteKeys: [String: (party: Party, key: Ed25519.SigningKey)] = [:]

    init(ceremony: Transcript, transcript: TranscriptAudit, book: CardBook, mode: AuditMode, detector: BlindDetector) {
        self.ceremony = ceremony
        self.transcript = transcript
        self.book = book
        self.mode = mode
        self.detector = detector
    }

    mutating func run() {
        loadSiteKeys()
        let root = FileSystem.bytes(layout.root)
        attributes(of: root, shown: ".", owner: .topLevel)
        guard let entries = FileSystem.entries(of: root, relative: "") else {
            findings.append(Finding(.defaultDeny, .high, "the ceremony folder cannot be listed", file: "."))
            return
        }
        for entry in entries {
            let shown = String(entry.relative.dropFirst())
            let named = FolderEntry(
                path: entry.path, relative: shown, name: entry.name, kind: entry.kind, size: entry.size)
            visit(topLevel: named)
        }
    }

    private mutating func visit(topLevel entry: FolderEntry) {
        guard entry.nameIsUTF8, let rule = AllowedFiles.topLevel(entry.nameText) else {
            unexplained(entry, owner: .topLevel, depth: 0)
            return
        }
        attributes(of: entry.path, shown: entry.relative, owner: .topLevel)
        let wanted: FolderEntry.Kind =
            switch rule {
            case .manifest, .lock: .file
            case .site, .transfer, .printed, .mockSecrets, .cards, .audit: .folder
            }
        guard entry.kind == wanted else {
            unexplained(
                entry, owner: .topLevel, depth: 0,
                why: "a \(entry.kindName) where a \(wanted == .file ? "file" : "folder") belongs")
            return
        }
        switch rule {
        case .manifest:
            if let problem = AllowedFiles.checkEnvelopeBytes(entry.path) {
                unexplained(entry, owner: .topLevel, depth: 0, why: "not the signed manifest alone: \(problem)")
            } else {
                checkNonces(entry)
            }
        case .printed:
            visitPrinted(entry, copies: false)
        case .mockSecrets:
            visitPrinted(entry, copies: true)
        case .cards:
            visitCards(entry)
        case .audit:
            visitAudit(entry)
        case .lock(let party):
            if let problem = AllowedFiles.checkLockNote(
                entry.path, party: party, batches: ceremony.body.batchCount)
            {
                unexplained(entry, owner: .site(party), depth: 0, why: "not \(party.siteName)'s lock note: \(problem)")
            }
        case .site(let party):
            visit(site: party, folder: entry)
        case .transfer:
            visitTransfer(entry)
        }
    }

    private mutating func visit(site party: Party, folder: FolderEntry) {
        guard let entries = FileSystem.entries(of: folder.path, relative: folder.relative) else {
            findings.append(
                Finding(
                    .defaultDeny, .high, "\(party.siteName)'s folder cannot be listed: it cannot be audited",
                    file: folder.relative + "/"))
            return
        }
        for entry in entries {
            guard entry.nameIsUTF8, let rule = AllowedFiles.siteFile(entry.nameText, of: party) else {
                unexplained(entry, owner: .site(party), depth: 0)
                continue
            }
            attributes(of: entry.path, shown: entry.relative, owner: .site(party))
            let wanted: FolderEntry.Kind = rule == .journalFolder ? .folder : .file
            guard entry.kind == wanted else {
                unexplained(
                    entry, owner: .site(party), depth: 0,
                    why: "a \(entry.kindName) where a \(wanted == .file ? "file" : "folder") belongs")
                continue
            }
            switch rule {
            case .signingKey:
                if let problem = AllowedFiles.checkSigningKey(entry.path, party: party, manifest: ceremony.body) {
                    unexplained(
                        entry, owner: .site(party), depth: 0, why: "not \(party.siteName)'s signing key: \(problem)")
                }
            case .tokenKeyRecord:
                if let problem = TokenKeyRecord.defect(
                    ofFileAt: String(decoding: entry.path, as: UTF8.self),
                    publicKey: ceremony.body.key(of: party)?.rawPublicKey)
                {
                    unexplained(
                        entry, owner: .site(party), depth: 0,
                        why: "not \(party.siteName)'s token key record: \(problem)")
                } else {
                    // Its module, token and label are the site's to choose.
                    let bytes = FileSystem.read(entry.path, limit: 1 << 14) ?? []
                    freeText(FreeText.strings(ofJSON: Data(bytes)), in: entry.relative, owner: .site(party))
                }
            case .ledger:
                if let problem = AllowedFiles.checkLedger(
                    entry.path, party: party, ceremony: ceremony, transcript: transcript)
                {
                    unexplained(entry, owner: .site(party), depth: 0, why: "not \(party.siteName)'s ledger: \(problem)")
                }
            case .journalFolder:
                // Every batch is sealed once the ceremony is finished: whatever is left is unexplained.
                for inner in FileSystem.entries(of: entry.path, relative: entry.relative) ?? [] {
                    unexplained(inner, owner: .site(party), depth: 1, why: "left in the journal after the ceremony")
                }
            }
        }
    }

    private mutating func visitTransfer(_ folder: FolderEntry) {
        let allowed = AllowedFiles.transferNames(transcript, layout: layout)
        guard let entries = FileSystem.entries(of: folder.path, relative: folder.relative) else {
            findings.append(Finding(.defaultDeny, .high, "transfer/ cannot be listed", file: folder.relative + "/"))
            return
        }
        for entry in entries {
            guard entry.nameIsUTF8, allowed.contains(entry.nameText) || isDeclaration(entry), entry.kind == .file
            else {
                unexplained(
                    entry, owner: .transfer, depth: 0,
                    why: entry.nameText.hasPrefix(".")
                        ? "a hidden entry: transfer/ holds only the bundles the transcript names"
                        : entry.nameText.hasSuffix(TranscriptAudit.declarationSuffix)
                            ? "not a site's key declaration, nor a declared auditor's under its own name (auditor-KEYID16.declaration.json)"
                            : "not a bundle the closing manifest lists, nor a site's key declaration")
                continue
            }
            attributes(of: entry.path, shown: entry.relative, owner: .transfer)
            // Every file there but the exception log (K4 reads it line by line) is one envelope.
            if entry.nameText != ExceptionLog.fileName, let problem = AllowedFiles.checkEnvelopeBytes(entry.path) {
                unexplained(entry, owner: .transfer, depth: 0, why: "not the bundle alone: \(problem)")
                continue
            }
            if entry.nameText == layout.closingManifest.lastPathComponent,
                let problem = AllowedFiles.checkCountersigners(entry.path, trusted: ceremony.trustedKeys)
            {
                unexplained(entry, owner: .transfer, depth: 0, why: problem)
                continue
            }
            if let bundle = transcript.entries.first(where: { Array($0.file.lastPathComponent.utf8) == entry.name }) {
                let names = AllowedFiles.bundleNames(bundle.header, layout: layout)
                guard names.contains(entry.nameText) else {
                    unexplained(
                        entry, owner: .transfer, depth: 0,
                        why:
                            "a \(bundle.header.type.rawValue) of \(bundle.header.signer.siteName) under a name the sites never give it (\(names.sorted().joined(separator: " or ")))"
                    )
                    continue
                }
            }
            checkNonces(entry)
            let bytes = FileSystem.read(entry.path, limit: BoundedFile.defaultLimit) ?? []
            freeText(
                entry.nameText == ExceptionLog.fileName
                    ? FreeText.strings(ofLines: bytes) : FreeText.strings(ofEnvelope: bytes),
                in: entry.relative, owner: .transfer)
        }
    }

    // MARK: - Signatures a site's own key can make again

    /// Reads each site's seed where default deny will accept it (a regular file, the seed of
    /// the key the manifest names), so that ``checkNonces(_:)`` can sign again with it.
    private mutating func loadSiteKeys() {
        for party in [Party.siteA, .siteB] {
            let path = FileSystem.bytes(layout.site(party).appendingPathComponent(SiteIdentity.fileName))
            guard FileSystem.entry(path, name: [], relative: "").kind == .file,
                AllowedFiles.checkSigningKey(path, party: party, manifest: ceremony.body) == nil,
                let seed = try? SecretInput.read(
                    path: String(decoding: path, as: UTF8.self), limit: 33, stripNewline: false),
                let key = try? Ed25519.SigningKey(seed: seed)
            else { continue }
            siteKeys[KeyID(publicKey: key.publicKey).hex] = (party, key)
        }
    }

    /// K3: each valid signature by a site whose seed is in its folder must be the one that
    /// seed makes. Ed25519 signs deterministically (RFC 8032: the nonce is a hash of the seed
    /// and the message), so any other valid signature was made with a nonce of the signer's
    /// choosing, and whoever holds the key reads that nonce back: up to 252 bits per signature,
    /// in bytes that verify. An invalid signature is T1's.
    private mutating func checkNonces(_ entry: FolderEntry) {
        guard !siteKeys.isEmpty, let bytes = FileSystem.read(entry.path, limit: BoundedFile.defaultLimit) else {
            return
        }
        var signed: [(keyid: String, sig: String, message: Data)] = []
        if entry.nameText == ExceptionLog.fileName {
            for line in bytes.split(separator: UInt8(ascii: "\n")) {
                if let one = ExceptionLog.signedMessage(ofLine: Data(line)) { signed.append(one) }
            }
        } else if let envelope = try? Envelope(json: Data(bytes)) {
            let message = Envelope.preAuthenticationEncoding(
                payloadType: envelope.payloadType, payload: envelope.payload)
            signed = envelope.signatures.map { ($0.keyid, $0.sig, message) }
        }
        var reported = Set<Party>()
        for (keyid, sig, message) in signed {
            guard let (party, key) = siteKeys[keyid], let raw = Data(base64Encoded: sig).map(Array.init),
                Ed25519.verify(signature: raw, message: message, publicKey: key.publicKey),
                raw != key.sign(message), reported.insert(party).inserted
            else { continue }
            findings.append(
                Finding(
                    .defaultDeny, .high,
                    "\(party.siteName) signed it with a signature its key does not make: Ed25519 signs deterministically (RFC 8032), so the nonce was the signer's choice, and a holder of the key reads up to 252 bits back from each such signature",
                    file: entry.relative))
        }
    }

    /// A declared auditor's key declaration, copied to `transfer/` for the sites to see:
    /// self-signed by the auditor party, of a key `audit/` declares, and named as `audit/`
    /// names it (`auditor-KEYID16.declaration.json`, KEYID16 its keyid's first 16 hex digits).
    ///
    /// Anyone can make a key and declare it, so "a declaration that verifies" alone would let
    /// a site leave as many as it likes, under names and with keys it chose: each name and
    /// each key a place for what it keeps.
    ///
    /// `audit/` also keeps the one auditor's declaration under its old name (`also`:
    /// `auditor.declaration.json`).
    func isDeclaration(_ entry: FolderEntry, also: String? = nil) -> Bool {
        guard entry.kind == .file, entry.nameText.hasSuffix(TranscriptAudit.declarationSuffix) else { return false }
        let url = URL(fileURLWithPath: String(decoding: entry.path, as: UTF8.self))
        guard let key = try? SiteSetup.declaration(of: .auditor, at: url), let raw = key.rawPublicKey,
            ceremony.auditorKeys.contains(key)
        else { return false }
        return Array(layout.auditorDeclaration(KeyID(publicKey: raw)).lastPathComponent.utf8) == entry.name
            || also.map { Array($0.utf8) == entry.name } == true
    }

    // MARK: - Unexplained records

    /// Reports `entry` (and everything below it) with its size and entropy, and looks in
    /// its name, contents, link target and attributes for anything shaped like a share.
    mutating func unexplained(_ entry: FolderEntry, owner: Owner, depth: Int, why: String? = nil) {
        visited += 1
        guard visited <= Self.entryLimit else {
            if visited == Self.entryLimit + 1 {
                findings.append(
                    Finding(
                        .defaultDeny, .high,
                        "more than \(Self.entryLimit) unexplained entries: the rest are not listed",
                        file: entry.relative))
            }
            return
        }
        let reason = why ?? "the protocol does not let \(owner.name) hold it"
        var description = "a \(entry.kindName)"
        if !entry.nameIsUTF8 { description += " whose name is not UTF-8" }
        switch entry.kind {
        case .file:
            var tally = ByteTally()
            detector.begin()
            let read = FileSystem.stream(entry.path) { chunk in
                tally.add(chunk)
                detector.feed(chunk)
            }
            let shaped = detector.finish()
            if read {
                description += ", \(tally.total) bytes, entropy \(Self.format(tally.entropy)) bits/byte"
            } else {
                description += ", \(entry.size) bytes, unreadable"
            }
            report(shaped, in: entry.relative, owner: owner, what: "contents", count: detector.count)
        case .folder:
            let inner = FileSystem.entries(of: entry.path, relative: entry.relative)
            description += inner.map { ", \($0.count) entries" } ?? ", unreadable"
            if depth < Self.depthLimit {
                for child in inner ?? [] { unexplained(child, owner: owner, depth: depth + 1) }
            } else {
                description += ", nested deeper than \(Self.depthLimit): not followed"
            }
        case .symlink:
            let target = FileSystem.linkTarget(entry.path)
            var tally = ByteTally()
            tally.add(target)
            description += " (target of \(target.count) bytes, entropy \(Self.format(tally.entropy)) bits/byte)"
            report(
                detector.scanWhole(target), in: entry.relative, owner: owner, what: "link target", count: detector.count
            )
        case .special:
            description += ", \(entry.size) bytes (not read)"
        }
        findings.append(
            Finding(
                .defaultDeny, .high, "unexplained record of \(owner.name): \(description): \(reason)",
                file: entry.relative))
        report(
            detector.scanWhole(entry.name), in: entry.relative, owner: owner, what: "name", count: detector.count,
            offsets: false)
        attributes(of: entry.path, shown: entry.relative, owner: owner)
    }

    /// S6 in the strings of an allowed record (``FreeText``): only values blind detection ties
    /// to a card's share count, since those strings hold public values and prose besides.
    mutating func freeText(_ strings: [(field: String, text: String)], in file: String, owner: Owner) {
        for (field, text) in strings {
            let shares = detector.scanWhole(Array(text.utf8)).filter { $0.share != nil }
            report(
                shares, in: file, owner: owner, what: "free text (\(quoted(field, limit: 40)))", count: 0,
                offsets: false, record: "an allowed record's")
        }
    }

    /// Every extended attribute is an unexplained record of its own, searched like a file.
    mutating func attributes(of path: [UInt8], shown: String, owner: Owner) {
        for (name, value) in FileSystem.attributes(path) where !AllowedFiles.systemAttributes.contains(name) {
            var tally = ByteTally()
            tally.add(value)
            let record = "\(shown) [xattr \(name)]"
            findings.append(
                Finding(
                    .defaultDeny, .high,
                    "unexplained record of \(owner.name): an extended attribute \(name) of \(value.count) bytes, entropy \(Self.format(tally.entropy)) bits/byte",
                    file: record))
            report(detector.scanWhole(value), in: record, owner: owner, what: "attribute value", count: detector.count)
            report(
                detector.scanWhole(Array(name.utf8)), in: record, owner: owner, what: "attribute name",
                count: detector.count, offsets: false)
        }
    }

    /// S6 findings: each value tied to a card, one by one; the others once per shape, counted.
    private mutating func report(
        _ shaped: [ShapedValue], in file: String, owner: Owner, what: String, count: Int, offsets: Bool = true,
        record: String = "an unexplained record's"
    ) {
        guard !shaped.isEmpty else { return }
        for value in shaped {
            guard let serial = value.serial else { continue }
            let share = value.share.map { " (\($0.rawValue))" } ?? ""
            findings.append(
                Finding(
                    .shareShaped, value.share == nil ? .high : .critical,
                    "\(owner.name) keeps \(value.shape)\(share) in \(record) \(what): \(value.proof ?? "")",
                    serial: serial.description, file: file, offset: offsets ? value.offset : nil))
            if let share = value.share {
                let hit = Hit(
                    serial: serial, share: share,
                    name:
                        "\(value.shape.hasPrefix("a ") ? String(value.shape.dropFirst(2)) : value.shape), found by blind detection",
                    file: file,
                    offset: offsets ? value.offset : 0)
                switch owner {
                case .site(.siteA): hits.siteA.append(hit)
                case .site(.siteB): hits.siteB.append(hit)
                case .site: break
                case .transfer: hits.transfer.append(hit)
                case .topLevel: hits.outside.append(hit)
                }
            }
        }
        let unnamed = Dictionary(grouping: shaped.filter { $0.serial == nil }, by: \.shape)
        for (shape, values) in unnamed.sorted(by: { $0.key < $1.key }) {
            findings.append(
                Finding(
                    .shareShaped, .high,
                    "\(owner.name) keeps \(values.count == 1 ? shape : "\(values.count) × \(shape)") in \(record) \(what)"
                        + (count > BlindDetector.keptLimit ? " (\(count) shaped values in all)" : ""),
                    file: file, offset: offsets ? values[0].offset : nil))
        }
    }

    static func format(_ x: Double) -> String { String(format: "%.2f", x) }
}
