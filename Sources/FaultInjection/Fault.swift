import Audit

/// The catalogue of faults a dishonest or broken site (or a tampered
/// transcript) can commit, each with the audit checks that must catch it.
///
/// Used by the audit's tests (every fault must be caught, and an honest
/// ceremony must pass) and by `ceremony-fault` for a mock ceremony run with an
/// injected fault. Nothing here is reachable from the site executables.
package enum Fault: String, CaseIterable, Sendable, Codable {
    // Site A keeps what it must destroy.
    case aLogsPassphrases = "a-logs-passphrases"
    case aLogsPassphrasesHex = "a-logs-passphrases-hex"
    case aLogsPassphrasesBase64 = "a-logs-passphrases-base64"
    case aLogsPassphrasesJSON = "a-logs-passphrases-json"
    case aLogsPassphrasesSQLite = "a-logs-passphrases-sqlite"
    case aKeepsPassfactorNested = "a-keeps-passfactor-nested"
    // Site A draws badly.
    case aReusesOwnersalt = "a-reuses-ownersalt"
    case aWeakPolicy = "a-weak-policy"
    // Site B keeps what it must destroy, or sends what it must not.
    case bKeepsSeedb = "b-keeps-seedb"
    case bKeepsFactorb = "b-keeps-factorb"
    case bKeepsEncryptedKeys = "b-keeps-encrypted-keys"
    case bSendsEncryptedKeyToA = "b-sends-encrypted-key-to-a"
    case sitesBothKeepShares = "sites-both-keep-shares"
    // Site B cheats on the cards.
    case bSubstitutesAddress = "b-substitutes-address"
    case bReusesSeedb = "b-reuses-seedb"
    case bWeakRandomness = "b-weak-randomness"
    // The transcript is tampered with.
    case replaysBundle = "replays-bundle"
    case dropsBundle = "drops-bundle"
    case reordersBundles = "reorders-bundles"
    case editsBundle = "edits-bundle"
    case signsWithUndeclaredKey = "signs-with-undeclared-key"
    case foreignCeremonyBundle = "foreign-ceremony-bundle"
    case skipsSerial = "skips-serial"
    case duplicatesSerial = "duplicates-serial"
    case closingNotCountersigned = "closing-not-countersigned"
    // A signer signs bytes that two readers would read two ways.
    case duplicatesPayloadKey = "a-duplicates-payload-key"
    case aliasesPayloadField = "b-aliases-payload-field"
    case hidesFileInTransfer = "hides-file-in-transfer"
    case escapesInFileName = "escapes-in-file-name"
    case aResignsClosingForSample = "a-resigns-closing-for-sample"
    case undeclaredCountersignature = "undeclared-countersignature"
    case declarationReplaced = "declaration-replaced"
    // The physical world is wrong.
    case swappedLabels = "swapped-labels"
    case facesMissing = "faces-missing"
    // A site erases its memory of what it did (to issue or mint a batch again).
    case aDeletesLedger = "a-deletes-ledger"
    case duplicatesFace = "duplicates-face"
    case extraFace = "extra-face"
    // A site keeps a copy where the audit does not search by value: default deny and blind detection.
    case aKeepsUnexplainedFile = "a-keeps-unexplained-file"
    case bKeepsShareAsSiteRecord = "b-keeps-share-as-site-record"
    case aHidesPassphrasesInTransfer = "a-hides-passphrases-in-transfer"
    case unknownFolderBesideSites = "unknown-folder-beside-sites"
    case bHidesSeedbInAttribute = "b-hides-seedb-in-attribute"
    case aKeepsEncryptedKeys = "a-keeps-encrypted-keys"
    case aWeakPassphraseGenerator = "a-weak-passphrase-generator"
    // A site keeps a copy beside the sites' folders: the print run, the cards, the auditor's folder.
    case aKeepsLabelSpoolCopy = "a-keeps-label-spool-copy"
    case bPadsFaceSpool = "b-pads-face-spool"
    case bHidesSeedbInCards = "b-hides-seedb-in-cards"
    case bMarksCardFaces = "b-marks-card-faces"
    case bHidesSeedbInDenomination = "b-hides-seedb-in-denomination"
    case bKeepsSeedbInAudit = "b-keeps-seedb-in-audit"
    // A site keeps a share in a form or container a plain search misses (the deep search).
    case aKeepsUTF16Passphrase = "a-keeps-utf16-passphrase"
    case aKeepsBarePassphrase = "a-keeps-bare-passphrase"
    case aKeepsMixedCasePassphrase = "a-keeps-mixed-case-passphrase"
    case aKeepsQuotedPrintablePassphrases = "a-keeps-quoted-printable-passphrases"
    case aKeepsROT13Passphrases = "a-keeps-rot13-passphrases"
    case aKeepsBackwardsPassphrases = "a-keeps-backwards-passphrases"
    case aKeepsEBCDICPassphrases = "a-keeps-ebcdic-passphrases"
    case aKeepsOdCharsPassphrases = "a-keeps-od-c-passphrases"
    case aKeepsRawDeflatePassphrases = "a-keeps-raw-deflate-passphrases"
    case aKeepsXoredPassphrases = "a-keeps-xored-passphrases"
    case aKeepsEscapedPassphrase = "a-keeps-escaped-passphrase"
    case aKeepsGzippedPassphrase = "a-keeps-gzipped-passphrase"
    case aKeepsArchivedPassphrase = "a-keeps-archived-passphrase"
    case aKeepsNestedPassphrase = "a-keeps-nested-passphrase"
    case aKeepsSQLiteUTF16Passphrase = "a-keeps-sqlite-utf16-passphrase"
    case aHidesZlibBehindDecoys = "a-hides-zlib-behind-decoys"
    case aHidesPassphrasesAcrossWindow = "a-hides-passphrases-across-window"
    case aHidesGzipAtOffset = "a-hides-gzip-at-offset"
    case aMisalignsBase64Gzip = "a-misaligns-base64-gzip"
    case aKeepsXzPassphrase = "a-keeps-xz-passphrase"
    case aLeavesDecompressionBomb = "a-leaves-decompression-bomb"
    case bKeepsSeedbByteArray = "b-keeps-seedb-byte-array"
    case bKeepsSeedb0x = "b-keeps-seedb-0x"
    case bKeepsSeedbLittleEndian = "b-keeps-seedb-little-endian"
    case bKeepsSeedbBase32 = "b-keeps-seedb-base32"
    case bKeepsSeedbBase58 = "b-keeps-seedb-base58"
    case bKeepsSeedbXxd = "b-keeps-seedb-xxd"
    case bSplitsSeedb = "b-splits-seedb"
    case bSplitsSeedbAcrossFolders = "b-splits-seedb-across-folders"
    case bKeepsUTF16Key = "b-keeps-utf16-key"
    case bKeepsKeySecretBytes = "b-keeps-key-secret-bytes"
    case bKeepsFaceSheet = "b-keeps-face-sheet"
    case bHidesFaceSheetInBinary = "b-hides-face-sheet-in-binary"
    case aKeepsUTF32Passphrase = "a-keeps-utf32-passphrase"
    case aKeepsBzip2Passphrase = "a-keeps-bzip2-passphrase"
    case aKeepsZstdPassphrase = "a-keeps-zstd-passphrase"
    case aKeepsZippedPassphrase = "a-keeps-zipped-passphrase"
    case bKeepsReversedSeedb = "b-keeps-reversed-seedb"
    case bKeepsBitReversedSeedb = "b-keeps-bit-reversed-seedb"
    case bKeepsXoredSeedb = "b-keeps-xored-seedb"
    case bKeepsSeedbSpacedDecimal = "b-keeps-seedb-spaced-decimal"
    case bKeepsSeedbHexPairs = "b-keeps-seedb-hex-pairs"
    case bKeepsSeedbURLEncoded = "b-keeps-seedb-url-encoded"
    case bKeepsSeedbQuotedPrintable = "b-keeps-seedb-quoted-printable"
    case bKeepsSeedbLatin1JSON = "b-keeps-seedb-latin1-json"
    case bKeepsSeedbLatin1Text = "b-keeps-seedb-latin1-text"
    case bKeepsSeedbUUencoded = "b-keeps-seedb-uuencoded"
    case bKeepsSeedbAscii85 = "b-keeps-seedb-ascii85"
    case bKeepsSeedbBase85 = "b-keeps-seedb-base85"
    case bKeepsSeedbOctalDump = "b-keeps-seedb-octal-dump"
    case bKeepsSeedbOd = "b-keeps-seedb-od"
    case bKeepsSeedbOdChars = "b-keeps-seedb-od-c"
    case bKeepsSeedbOdDecimalWords = "b-keeps-seedb-od-u4"
    case bKeepsSeedbOdLongWords = "b-keeps-seedb-od-d8"
    case bothKeepGzippedShares = "both-keep-gzipped-shares"
    // A site keeps a share in a file-system blind spot.
    case aNamesFileByPassphrase = "a-names-file-by-passphrase"
    case bKeepsSeedbAsLinkTarget = "b-keeps-seedb-as-link-target"
    case aKeepsPassphrasesUnderNonUTF8Name = "a-keeps-passphrases-under-non-utf8-name"
    case bKeepsSeedbBeyondPathMax = "b-keeps-seedb-beyond-path-max"
    case aKeepsPassphrasesInUnreadableFolder = "a-keeps-passphrases-in-unreadable-folder"
    // A site leaves a share on the medium the bundles cross on (ceremony-audit --image medium=PATH).
    case bLeavesSeedbOnMedium = "b-leaves-seedb-on-medium"
    // The record of what went wrong is rewritten.
    case exceptionLogEdited = "exception-log-edited"
    case exceptionLogCut = "exception-log-cut"
    case aLogsAsSiteB = "a-logs-as-site-b"
    // A site runs other software than the ceremony's build, or lies about which.
    case bRunsOtherBuild = "b-runs-other-build"
    case aForgesBuild = "a-forges-build"
    // A site hides a share in what an allowed record may vary without the protocol needing it.
    case bHidesSeedbInLockNote = "b-hides-seedb-in-lock-note"
    case bPadsBundleWithSeedb = "b-pads-bundle-with-seedb"
    case bNamesDeclarationsBySeedb = "b-names-declarations-by-seedb"
    case bLogsSeedbAsWitness = "b-logs-seedb-as-witness"
    case bHidesSeedbInSignatureNonce = "b-hides-seedb-in-signature-nonce"
    case bDatesLedgerBySeedb = "b-dates-ledger-by-seedb"
    case bNamesBundleBySeedb = "b-names-bundle-by-seedb"
    case bCountersignsClosingWithSeedb = "b-countersigns-closing-with-seedb"

    /// When the fault strikes.
    package enum Phase: Sendable {
        /// Chosen at set-up (policy) or while a site draws its randomness.
        case during
        /// After a batch is minted, before A verifies it (a site acting during the run).
        case afterMint
        /// After the closing manifest is signed (the folder or transcript altered later).
        case afterClose
    }

    /// Whether site A's own checks refuse the faulty bundle, so the run stops at the
    /// first verify and never closes (the audit then sees what had already crossed).
    package var stopsTheRun: Bool { self == .bSendsEncryptedKeyToA }

    /// Whether the fault is on the transfer medium, so the audit sees it only with the medium's
    /// image (`--image medium=PATH`; in-process, ``MockCeremony/medium(for:)``).
    package var onMedium: Bool { self == .bLeavesSeedbOnMedium }
}

extension Fault {
    /// What a fault is and what must catch it: one line on it, when it strikes, the
    /// checks that must fail, and for a deep-search fault the form it keeps its share in.
    package struct Spec: Sendable {
        /// One line on what the fault is.
        package let summary: String
        /// When the fault strikes.
        package let phase: Phase
        /// The checks that must fail when this fault is present (others may fail too).
        package let caughtBy: Set<Check>
        /// The form a deep-search fault keeps its share in (``KeptForm``); nil for the others.
        package let keptForm: KeptForm?

        init(_ summary: String, _ phase: Phase, _ caughtBy: Set<Check>, kept keptForm: KeptForm? = nil) {
            self.summary = summary
            self.phase = phase
            self.caughtBy = caughtBy
            self.keptForm = keptForm
        }
    }

    /// The fault's entry in the catalogue: one case per fault, in the order they are
    /// declared (the order of Docs/Audit.md's fault table).
    package var spec: Spec {
        switch self {
        // Site A keeps what it must destroy.
        case .aLogsPassphrases: Spec("site A writes every passphrase to a plain-text log", .afterMint, [.siteA])
        case .aLogsPassphrasesHex: Spec("site A logs passphrases as hex", .afterMint, [.siteA])
        case .aLogsPassphrasesBase64:
            Spec("site A logs passphrases inside a base64 blob, wrapped at 76 columns", .afterMint, [.siteA])
        case .aLogsPassphrasesJSON: Spec("site A keeps a JSON cache of passphrases", .afterMint, [.siteA])
        case .aLogsPassphrasesSQLite: Spec("site A keeps passphrases in a SQLite database", .afterMint, [.siteA])
        case .aKeepsPassfactorNested: Spec("site A keeps passfactors as hex, four folders deep", .afterMint, [.siteA])
        // Site A draws badly.
        case .aReusesOwnersalt:
            Spec("site A gives the first card of every batch the same ownersalt", .during, [.uniqueness, .randomness])
        case .aWeakPolicy: Spec("the ceremony runs with a 60-bit passphrase policy (forced)", .during, [.policy])
        // Site B keeps what it must destroy, or sends what it must not.
        case .bKeepsSeedb:
            Spec("site B keeps every seedb in a binary file", .afterMint, [.siteB, .exposure, .retention])
        case .bKeepsFactorb: Spec("site B keeps every factorb as hex", .afterMint, [.siteB, .exposure, .retention])
        case .bKeepsEncryptedKeys:
            Spec(
                "site B keeps a copy of the card faces with the encrypted keys, made after its retention statement",
                .afterClose, [.siteB, .exposure, .retention])
        case .bSendsEncryptedKeyToA:
            Spec(
                "site B puts each encrypted key into the key batch it sends A (A refuses the non-canonical bundle, too late)",
                .afterMint, [.transcriptShares, .siteA])
        case .sitesBothKeepShares:
            Spec("site A keeps passphrases and site B keeps seedb", .afterMint, [.siteA, .siteB, .bothSites])
        // Site B cheats on the cards.
        case .bSubstitutesAddress:
            Spec(
                "site B prints and reports an address of its own for one card", .afterMint, [.codeAgreement, .coverage])
        case .bReusesSeedb:
            Spec("site B gives the first card of every batch the same seedb", .during, [.uniqueness, .randomness])
        case .bWeakRandomness:
            Spec("site B draws seedb from a 7-bit generator (top bit always clear)", .during, [.randomness])
        // The transcript is tampered with.
        case .replaysBundle: Spec("a bundle is copied into the transcript a second time", .afterClose, [.chain])
        case .dropsBundle:
            Spec("a confirmation report is removed from the transcript", .afterClose, [.coverage, .closing])
        case .reordersBundles:
            Spec("two of site A's payloads swap sequence numbers (re-signed by A)", .afterClose, [.chain])
        case .editsBundle: Spec("one byte of a signed bundle is changed", .afterClose, [.signatures])
        case .signsWithUndeclaredKey:
            Spec("a bundle is re-signed by a key the manifest does not declare", .afterClose, [.signatures])
        case .foreignCeremonyBundle:
            Spec("a bundle bound to another ceremony id is placed in the transcript", .afterClose, [.binding])
        case .skipsSerial:
            Spec("a card is removed from both batches (re-signed by both sites)", .afterClose, [.serials, .answers])
        case .duplicatesSerial: Spec("a card appears twice in a key batch (re-signed by B)", .afterClose, [.serials])
        case .closingNotCountersigned:
            Spec("the closing manifest carries only site A's signature", .afterClose, [.closing])
        // A signer signs bytes that two readers would read two ways.
        case .duplicatesPayloadKey:
            Spec(
                "site A re-signs its intermediate batch with the field batch twice (\"batch\":2 before \"batch\":1)",
                .afterClose, [.signatures])
        case .aliasesPayloadField:
            Spec(
                "site B re-signs its key batch with confirmationCode beside confirmation_code (a reader may take either)",
                .afterClose, [.signatures])
        case .hidesFileInTransfer:
            Spec("a copy of a key batch is hidden in transfer/ under a dot name", .afterClose, [.signatures])
        case .escapesInFileName:
            Spec(
                "site A leaves a bundle whose name holds terminal escapes and a false verdict line, and whose payloadType holds newlines",
                .afterClose, [.signatures])
        case .aResignsClosingForSample:
            Spec(
                "site A re-signs the closing manifest without the auditor's commitment, to pick the sample (B countersigns again)",
                .afterClose, [.sample])
        case .undeclaredCountersignature:
            Spec("a key nobody declared adds its signature to a batch bundle", .afterClose, [.signatures])
        case .declarationReplaced:
            Spec("site B's key declaration in transfer/ is replaced by one of another key", .afterClose, [.keys])
        // The physical world is wrong.
        case .swappedLabels:
            Spec(
                "the first scratch-off labels of batches 1 and 2 are printed on each other's cards", .afterClose,
                [.sample, .control])
        case .facesMissing: Spec("a batch's card faces are missing from the print run", .afterClose, [.control])
        // A site erases its memory of what it did (to issue or mint a batch again).
        case .aDeletesLedger:
            Spec(
                "site A deletes its batch ledger after its last retention statement listed it", .afterClose,
                [.retention])
        case .duplicatesFace:
            Spec(
                "site B's face spool lists a card twice, the second face with another address", .afterClose, [.serials])
        case .extraFace: Spec("site B's face spool holds a card the manifest does not have", .afterClose, [.serials])
        // A site keeps a copy where the audit does not search by value: default deny and blind detection.
        case .aKeepsUnexplainedFile:
            Spec("site A keeps a file of 4096 random bytes, which no search can read", .afterClose, [.defaultDeny])
        case .bKeepsShareAsSiteRecord:
            Spec(
                "site B keeps seedb in hex in a file its next retention statement lists as a \"site record\"",
                .afterMint, [.defaultDeny, .shareShaped, .siteB])
        case .aHidesPassphrasesInTransfer:
            Spec(
                "site A hides the passphrases in a dot file in transfer/", .afterMint,
                [.defaultDeny, .shareShaped, .transcriptShares])
        case .unknownFolderBesideSites:
            Spec(
                "a folder site-c/ beside site-a/ holds a copy of the card faces", .afterClose,
                [.defaultDeny, .shareShaped, .siteA, .siteB])
        case .bHidesSeedbInAttribute:
            Spec(
                "site B hides each seedb in hex in an extended attribute of its ledger", .afterClose,
                [.defaultDeny, .shareShaped, .exposure])
        case .aKeepsEncryptedKeys:
            Spec(
                "site A keeps a copy of the card faces with the encrypted keys", .afterClose,
                [.siteA, .transcriptShares, .defaultDeny, .shareShaped])
        case .aWeakPassphraseGenerator:
            Spec(
                "site A draws each passphrase from 30 random bits (14 leading zeros) under the standard 100-bit policy",
                .during, [.exposure, .randomness])
        // A site keeps a copy beside the sites' folders: the print run, the cards, the auditor's folder.
        case .aKeepsLabelSpoolCopy:
            Spec(
                "site A keeps a copy of its label spool in printed/site-a/ under another name", .afterClose,
                [.defaultDeny, .shareShaped, .siteA])
        case .bPadsFaceSpool:
            Spec(
                "site B adds each card's seedb to its face spool as a member card-print ignores", .afterMint,
                [.defaultDeny, .shareShaped, .siteB])
        case .bHidesSeedbInCards:
            Spec("site B hides every seedb in hex in a dot file in cards/", .afterClose, [.defaultDeny])
        case .bMarksCardFaces:
            Spec("site B writes each card's seedb into its front's SVG as a comment", .afterClose, [.defaultDeny])
        case .bHidesSeedbInDenomination:
            Spec(
                "site B draws each card's front again with its seedb in hex as the banner's denomination", .afterClose,
                [.defaultDeny])
        case .bKeepsSeedbInAudit:
            Spec("site B leaves every seedb in hex in a file in audit/", .afterClose, [.defaultDeny])
        // A site keeps a share in a form or container a plain search misses (the deep search).
        case .aKeepsUTF16Passphrase:
            Spec("site A keeps passphrases as UTF-16LE text", .afterMint, [.siteA], kept: .utf16le)
        case .aKeepsBarePassphrase:
            Spec("site A keeps passphrases in lower case without their dashes", .afterMint, [.siteA], kept: .bare)
        case .aKeepsMixedCasePassphrase:
            Spec(
                "site A keeps passphrases with their letters in alternating case (aBcD-eFgH)", .afterMint, [.siteA],
                kept: .mixedCase)
        case .aKeepsQuotedPrintablePassphrases:
            Spec(
                "site A keeps its passphrases in a quoted-printable mail body, each cut by a soft line break",
                .afterMint, [.siteA], kept: .quotedPrintableText)
        case .aKeepsROT13Passphrases:
            Spec("site A keeps its passphrase log in ROT13", .afterMint, [.siteA], kept: .rot13)
        case .aKeepsBackwardsPassphrases:
            Spec("site A keeps each passphrase written backwards", .afterMint, [.siteA], kept: .backwards)
        case .aKeepsEBCDICPassphrases:
            Spec("site A keeps its passphrase log in EBCDIC", .afterMint, [.siteA], kept: .ebcdic)
        case .aKeepsOdCharsPassphrases:
            Spec(
                "site A keeps its passphrase log as a character dump (od -c), each character in four columns",
                .afterMint, [.siteA], kept: .odChars)
        case .aKeepsRawDeflatePassphrases:
            Spec(
                "site A keeps its passphrase log as a raw deflate stream, with no header or magic", .afterMint,
                [.siteA], kept: .rawDeflate)
        case .aKeepsEscapedPassphrase:
            Spec("site A keeps passphrases as JSON strings of \\u escapes", .afterMint, [.siteA], kept: .jsonEscapes)
        case .aKeepsGzippedPassphrase:
            Spec(
                "site A keeps its passphrase log gzipped (its retention statement lists it)", .afterMint, [.siteA],
                kept: .gzip)
        case .aKeepsArchivedPassphrase:
            Spec("site A keeps passphrases in a .tar.gz", .afterMint, [.siteA], kept: .tarGzip)
        case .aKeepsNestedPassphrase:
            Spec(
                "site A keeps passphrases in a zip in a tar in a gzip, base64 at 76 columns", .afterMint, [.siteA],
                kept: .nested)
        case .aKeepsSQLiteUTF16Passphrase:
            Spec(
                "site A keeps passphrases in a SQLite database with UTF-16 text", .afterMint, [.siteA],
                kept: .sqliteUTF16)
        case .aHidesZlibBehindDecoys:
            Spec(
                "site A keeps its passphrase log as a zlib stream after 300 decoy zlib headers", .afterMint, [.siteA],
                kept: .zlibBehindDecoys)
        case .aHidesPassphrasesAcrossWindow:
            Spec(
                "site A keeps its passphrases in a 35 MiB file: base64 of a zlib stream of 3 MiB of log lines then the passphrases, across the audit's first 32 MiB window",
                .afterMint, [.siteA], kept: .acrossWindow)
        case .aHidesGzipAtOffset:
            Spec(
                "site A keeps its passphrase log gzipped, after three random bytes", .afterMint, [.siteA],
                kept: .gzipAtOffset)
        case .aMisalignsBase64Gzip:
            Spec(
                "site A keeps its passphrase log as base64 of a gzip, one base64 character before it (its groups off by one)",
                .afterMint, [.siteA], kept: .misalignedBase64)
        case .aKeepsXzPassphrase: Spec("site A keeps its passphrase log xz-compressed", .afterMint, [.siteA], kept: .xz)
        case .aLeavesDecompressionBomb:
            Spec("site A leaves a 64 KiB gzip that inflates to 64 MiB", .afterMint, [.siteA], kept: .bomb)
        case .bKeepsSeedbByteArray:
            Spec(
                "site B keeps every seedb as a pretty-printed JSON byte array", .afterMint, [.siteB, .exposure],
                kept: .byteArray)
        case .bKeepsSeedb0x:
            Spec("site B keeps every seedb as a list of 0x bytes", .afterMint, [.siteB, .exposure], kept: .hex0xList)
        case .bKeepsSeedbLittleEndian:
            Spec(
                "site B keeps every seedb as little-endian (byte-reversed) hex", .afterMint, [.siteB, .exposure],
                kept: .littleEndianHex)
        case .bKeepsSeedbBase32:
            Spec(
                "site B keeps every seedb in base32, off a 5-byte boundary", .afterMint, [.siteB, .exposure],
                kept: .base32)
        case .bKeepsSeedbBase58:
            Spec("site B keeps every seedb in base58", .afterMint, [.siteB, .exposure], kept: .base58)
        case .bKeepsSeedbXxd:
            Spec("site B keeps an xxd dump of every seedb", .afterMint, [.siteB, .exposure], kept: .xxd)
        case .bSplitsSeedb:
            Spec("site B keeps each seedb's hex split over two files", .afterMint, [.siteB, .exposure], kept: .split)
        case .bSplitsSeedbAcrossFolders:
            Spec(
                "site B keeps each seedb's hex split over two files in two folders, no two of them neighbours",
                .afterMint, [.siteB, .exposure], kept: .splitAcrossFolders)
        case .bKeepsUTF16Key:
            Spec("site B keeps every encrypted key as UTF-16LE text", .afterMint, [.siteB, .exposure], kept: .keyUTF16)
        case .bKeepsKeySecretBytes:
            Spec(
                "site B keeps the 24 non-public bytes of every encrypted key", .afterMint, [.siteB, .exposure],
                kept: .keySecretBytes)
        case .bKeepsFaceSheet:
            Spec(
                "site B keeps a copy of card-print's face sheet (each key printed over two SVG text lines)", .afterMint,
                [.siteB, .exposure], kept: .faceSheet)
        case .bHidesFaceSheetInBinary:
            Spec(
                "site B hides card-print's face sheet between two blocks of random bytes, as in a binary file",
                .afterMint, [.siteB, .exposure], kept: .faceSheetInBinary)
        case .aKeepsUTF32Passphrase:
            Spec("site A keeps passphrases as UTF-32LE text", .afterMint, [.siteA], kept: .utf32le)
        case .aKeepsBzip2Passphrase:
            Spec("site A keeps its passphrase log bzip2-compressed", .afterMint, [.siteA], kept: .bzip2)
        case .aKeepsZstdPassphrase:
            Spec("site A keeps its passphrase log zstd-compressed", .afterMint, [.siteA], kept: .zstd)
        case .aKeepsZippedPassphrase:
            Spec("site A keeps its passphrase log in a zip, alone", .afterMint, [.siteA], kept: .zip)
        case .bKeepsReversedSeedb:
            Spec(
                "site B keeps every seedb with its bytes in reverse order", .afterMint, [.siteB, .exposure],
                kept: .reversed)
        case .bKeepsXoredSeedb:
            Spec(
                "site B keeps every seedb XORed with one key byte", .afterMint, [.siteB, .exposure], kept: .xored)
        case .aKeepsXoredPassphrases:
            Spec("site A keeps its passphrase log XORed with one key byte", .afterMint, [.siteA], kept: .xoredText)
        case .bKeepsBitReversedSeedb:
            Spec(
                "site B keeps every seedb with each byte's bits in reverse order", .afterMint, [.siteB, .exposure],
                kept: .bitReversed)
        case .bKeepsSeedbSpacedDecimal:
            Spec(
                "site B keeps every seedb as decimal bytes separated by spaces", .afterMint, [.siteB, .exposure],
                kept: .spaced)
        case .bKeepsSeedbHexPairs:
            Spec(
                "site B keeps every seedb as colon-separated hex pairs, 15 to an indented line (openssl ec -text's layout)",
                .afterMint, [.siteB, .exposure], kept: .hexPairs)
        case .bKeepsSeedbURLEncoded:
            Spec(
                "site B keeps every seedb URL-encoded (%HH, letters and digits as they are) in a request log",
                .afterMint, [.siteB, .exposure], kept: .urlEncoded)
        case .bKeepsSeedbQuotedPrintable:
            Spec(
                "site B keeps every seedb quoted-printable (=HH, soft line breaks) in a mail body",
                .afterMint, [.siteB, .exposure], kept: .quotedPrintable)
        case .bKeepsSeedbLatin1JSON:
            Spec(
                "site B keeps every seedb as a latin-1 string in JSON lines (\\u00xx and \\b escapes)",
                .afterMint, [.siteB, .exposure], kept: .latin1JSON)
        case .bKeepsSeedbLatin1Text:
            Spec(
                "site B keeps every seedb as a latin-1 string saved as UTF-8", .afterMint, [.siteB, .exposure],
                kept: .latin1Text)
        case .bKeepsSeedbUUencoded:
            Spec(
                "site B keeps its seedb uuencoded (begin 644, lines of 45 bytes, end)", .afterMint,
                [.siteB, .exposure], kept: .uuencoded)
        case .bKeepsSeedbAscii85:
            Spec(
                "site B keeps every seedb in Ascii85 (Python's a85encode) in JSON lines", .afterMint,
                [.siteB, .exposure], kept: .ascii85)
        case .bKeepsSeedbBase85:
            Spec(
                "site B keeps its seedb in base85 (RFC 1924's alphabet, Python's b85encode), wrapped", .afterMint,
                [.siteB, .exposure], kept: .base85)
        case .bKeepsSeedbOctalDump:
            Spec(
                "site B keeps its seedb as an octal dump of bytes (od -b)", .afterMint, [.siteB, .exposure],
                kept: .octalDump)
        case .bKeepsSeedbOd:
            Spec(
                "site B keeps its seedb as plain od's octal 2-byte words, one byte off their boundary",
                .afterMint, [.siteB, .exposure], kept: .od)
        case .bKeepsSeedbOdChars:
            Spec(
                "site B keeps its seedb as a character dump (od -c): octal, characters and C escapes",
                .afterMint, [.siteB, .exposure], kept: .seedbOdChars)
        case .bKeepsSeedbOdDecimalWords:
            Spec(
                "site B keeps its seedb as od's unsigned decimal 4-byte words (od -t u4), one byte off their boundary",
                .afterMint, [.siteB, .exposure], kept: .seedbOdDecimalWords)
        case .bKeepsSeedbOdLongWords:
            Spec(
                "site B keeps its seedb as od's signed decimal 8-byte words (od -t d8)", .afterMint,
                [.siteB, .exposure], kept: .seedbOdLongWords)
        case .bothKeepGzippedShares:
            Spec(
                "site A gzips its passphrases and site B its seedb, each left in its folder (later statements list them)",
                .afterMint, [.siteA, .siteB, .bothSites])
        // A site keeps a share in a file-system blind spot.
        case .aNamesFileByPassphrase:
            Spec(
                "site A keeps an empty file in its folder named by each passphrase", .afterClose,
                [.defaultDeny, .siteA])
        case .bKeepsSeedbAsLinkTarget:
            Spec(
                "site B keeps a dangling symbolic link whose target is each seedb in hex", .afterClose,
                [.defaultDeny, .siteB])
        case .aKeepsPassphrasesUnderNonUTF8Name:
            Spec("site A keeps its passphrases in a file whose name is not UTF-8", .afterClose, [.defaultDeny, .siteA])
        case .bKeepsSeedbBeyondPathMax:
            Spec(
                "site B keeps every seedb in hex in a file whose path is longer than PATH_MAX (4096), in nested folders",
                .afterClose, [.defaultDeny, .siteB])
        case .aKeepsPassphrasesInUnreadableFolder:
            Spec(
                "site A keeps its passphrases in a folder of mode 000 (root still reads it; others see an unreadable folder)",
                .afterClose, [.defaultDeny, .siteA])
        // A site leaves a share on the medium the bundles cross on (ceremony-audit --image medium=PATH).
        case .bLeavesSeedbOnMedium:
            Spec(
                "site B writes every seedb onto the transfer medium, then deletes the file (its clusters stay on the FAT image)",
                .afterMint, [.siteA, .siteB])
        // The record of what went wrong is rewritten.
        case .exceptionLogEdited:
            Spec(
                "after close, the first exception-log entry's reason is rewritten (the line stays canonical JSON)",
                .afterClose, [.exceptionLog])
        case .exceptionLogCut:
            Spec(
                "after close, the exception log's last entry is removed (what is left is still a whole chain)",
                .afterClose, [.exceptionLog])
        case .aLogsAsSiteB:
            Spec(
                "after close, site A appends an exception entry in site B's name, chained to the head and signed with its own key",
                .afterClose, [.exceptionLog])
        // A site runs other software than the ceremony's build, or lies about which.
        case .bRunsOtherBuild:
            Spec(
                "site B runs key-site of another build (its payloads record version \(MockCeremony.otherVersion))",
                .during, [.builds])
        case .aForgesBuild:
            Spec(
                "site A's intermediate batches record a build it wrote by hand: the tool key-site, an executable no other payload names",
                .during, [.builds])
        // A site hides a share in what an allowed record may vary without the protocol needing it.
        case .bHidesSeedbInLockNote:
            Spec(
                "site B leaves its voided lock note with a seedb in decimal as the PID", .afterClose, [.defaultDeny])
        case .bPadsBundleWithSeedb:
            Spec(
                "site B appends every seedb of a batch to its key batch as white space after the JSON (space 0, tab 1): the signature still verifies",
                .afterClose, [.defaultDeny])
        case .bNamesDeclarationsBySeedb:
            Spec(
                "site B leaves in transfer/ an auditor's key declaration per card, each self-signed by a fresh key and named by the card's seedb in hex",
                .afterClose, [.defaultDeny, .shareShaped, .siteA, .transcriptShares])
        case .bLogsSeedbAsWitness:
            Spec(
                "after close, site B appends an exception entry in the witness's name (unsigned) whose reason holds every seedb of a batch in hex",
                .afterClose, [.shareShaped, .siteA, .transcriptShares])
        case .bHidesSeedbInSignatureNonce:
            Spec(
                "site B signs its key batch again with the card's seedb as the Ed25519 nonce: the same payload, a signature that verifies, and the seedb read back with B's key",
                .afterClose, [.defaultDeny])
        case .bDatesLedgerBySeedb:
            Spec(
                "site B dates its last ledger entry by 31 bits of a seedb (seconds since 1970, top bit set): a timestamp of the right shape, after 2038",
                .afterClose, [.defaultDeny])
        case .bNamesBundleBySeedb:
            Spec(
                "site B names its retention statement by a seedb encrypted under its own key (in hex); A's close lists the name and B countersigns",
                .afterClose, [.defaultDeny])
        case .bCountersignsClosingWithSeedb:
            Spec(
                "site B adds to the closing manifest a \"countersignature\" by a key nobody declared, its keyid a seedb encrypted under B's own key: never verified, ignored by T7",
                .afterClose, [.defaultDeny])
        }
    }

    /// One line on what the fault is.
    package var summary: String { spec.summary }

    /// When the fault strikes.
    package var phase: Phase { spec.phase }

    /// The checks that must fail when this fault is present (others may fail too).
    package var caughtBy: Set<Check> { spec.caughtBy }

    /// The form a deep-search fault keeps its share in.
    package var keptForm: KeptForm? { spec.keptForm }
}
