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
    // A site keeps a share in a form or container a plain search misses (the deep search).
    case aKeepsUTF16Passphrase = "a-keeps-utf16-passphrase"
    case aKeepsBarePassphrase = "a-keeps-bare-passphrase"
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
    case bKeepsUTF16Key = "b-keeps-utf16-key"
    case bKeepsKeySecretBytes = "b-keeps-key-secret-bytes"
    case bKeepsFaceSheet = "b-keeps-face-sheet"
    case bHidesFaceSheetInBinary = "b-hides-face-sheet-in-binary"
    case aKeepsUTF32Passphrase = "a-keeps-utf32-passphrase"
    case aKeepsBzip2Passphrase = "a-keeps-bzip2-passphrase"
    case aKeepsZstdPassphrase = "a-keeps-zstd-passphrase"
    case aKeepsZippedPassphrase = "a-keeps-zipped-passphrase"
    case bKeepsReversedSeedb = "b-keeps-reversed-seedb"
    case bKeepsSeedbSpacedDecimal = "b-keeps-seedb-spaced-decimal"
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

    /// When the fault strikes.
    package enum Phase: Sendable {
        /// Chosen at set-up (policy) or while a site draws its randomness.
        case during
        /// After a batch is minted, before A verifies it (a site acting during the run).
        case afterMint
        /// After the closing manifest is signed (the folder or transcript altered later).
        case afterClose
    }

    package var phase: Phase {
        switch self {
        case .aReusesOwnersalt, .aWeakPolicy, .bReusesSeedb, .bWeakRandomness, .aWeakPassphraseGenerator,
            .bRunsOtherBuild, .aForgesBuild:
            .during
        case .aLogsPassphrases, .aLogsPassphrasesHex, .aLogsPassphrasesBase64, .aLogsPassphrasesJSON,
            .aLogsPassphrasesSQLite, .aKeepsPassfactorNested, .bKeepsSeedb, .bKeepsFactorb,
            .bSendsEncryptedKeyToA, .sitesBothKeepShares, .bSubstitutesAddress, .bKeepsShareAsSiteRecord,
            .aHidesPassphrasesInTransfer:
            .afterMint
        case .aKeepsUTF16Passphrase, .aKeepsBarePassphrase, .aKeepsEscapedPassphrase, .aKeepsGzippedPassphrase,
            .aKeepsArchivedPassphrase, .aKeepsNestedPassphrase, .aKeepsSQLiteUTF16Passphrase, .aHidesZlibBehindDecoys,
            .aHidesPassphrasesAcrossWindow, .aHidesGzipAtOffset, .aMisalignsBase64Gzip, .aLeavesDecompressionBomb,
            .bKeepsSeedbByteArray, .bKeepsSeedb0x, .bKeepsSeedbLittleEndian, .bKeepsSeedbBase32, .bKeepsSeedbBase58,
            .bKeepsSeedbXxd, .aKeepsXzPassphrase, .bSplitsSeedb, .bKeepsUTF16Key, .bKeepsKeySecretBytes,
            .bKeepsFaceSheet, .bHidesFaceSheetInBinary, .aKeepsUTF32Passphrase, .aKeepsBzip2Passphrase,
            .aKeepsZstdPassphrase, .aKeepsZippedPassphrase, .bKeepsReversedSeedb, .bKeepsSeedbSpacedDecimal,
            .bothKeepGzippedShares,
            .bLeavesSeedbOnMedium:
            .afterMint
        default: .afterClose
        }
    }

    /// Whether site A's own checks refuse the faulty bundle, so the run stops at the
    /// first verify and never closes (the audit then sees what had already crossed).
    package var stopsTheRun: Bool { self == .bSendsEncryptedKeyToA }

    /// Whether the fault is on the transfer medium, so the audit sees it only with the medium's
    /// image (`--image medium=PATH`; in-process, ``MockCeremony/medium(for:)``).
    package var onMedium: Bool { self == .bLeavesSeedbOnMedium }

    /// The checks that must fail when this fault is present (others may fail too).
    package var caughtBy: Set<Check> {
        switch self {
        case .aLogsPassphrases, .aLogsPassphrasesHex, .aLogsPassphrasesBase64, .aLogsPassphrasesJSON,
            .aLogsPassphrasesSQLite, .aKeepsPassfactorNested:
            [.siteA]
        case .aReusesOwnersalt: [.uniqueness, .randomness]
        case .aWeakPolicy: [.policy]
        case .bKeepsSeedb, .bKeepsFactorb: [.siteB, .exposure, .retention]
        case .bKeepsEncryptedKeys: [.siteB, .exposure, .retention]
        case .bSendsEncryptedKeyToA: [.transcriptShares, .siteA]
        case .sitesBothKeepShares: [.siteA, .siteB, .bothSites]
        case .bSubstitutesAddress: [.codeAgreement, .coverage]
        case .bReusesSeedb: [.uniqueness, .randomness]
        case .bWeakRandomness: [.randomness]
        case .replaysBundle: [.chain]
        case .dropsBundle: [.coverage, .closing]
        case .reordersBundles: [.chain]
        case .editsBundle: [.signatures]
        case .signsWithUndeclaredKey: [.signatures]
        case .foreignCeremonyBundle: [.binding]
        case .skipsSerial: [.serials, .answers]
        case .duplicatesSerial: [.serials]
        case .closingNotCountersigned: [.closing]
        case .duplicatesPayloadKey, .aliasesPayloadField: [.signatures]
        case .hidesFileInTransfer, .escapesInFileName: [.signatures]
        case .aResignsClosingForSample: [.sample]
        case .undeclaredCountersignature: [.signatures]
        case .declarationReplaced: [.keys]
        case .swappedLabels: [.sample, .control]
        case .facesMissing: [.control]
        case .aDeletesLedger: [.retention]
        case .duplicatesFace, .extraFace: [.serials]
        case .aKeepsUnexplainedFile: [.defaultDeny]
        case .bKeepsShareAsSiteRecord: [.defaultDeny, .shareShaped, .siteB]
        case .aHidesPassphrasesInTransfer: [.defaultDeny, .shareShaped, .transcriptShares]
        case .unknownFolderBesideSites: [.defaultDeny, .shareShaped, .siteA, .siteB]
        case .bHidesSeedbInAttribute: [.defaultDeny, .shareShaped, .exposure]
        case .aKeepsEncryptedKeys: [.siteA, .transcriptShares, .defaultDeny, .shareShaped]
        case .aWeakPassphraseGenerator: [.exposure, .randomness]
        case .aKeepsUTF16Passphrase, .aKeepsBarePassphrase, .aKeepsEscapedPassphrase, .aKeepsGzippedPassphrase,
            .aKeepsArchivedPassphrase, .aKeepsNestedPassphrase, .aKeepsSQLiteUTF16Passphrase, .aHidesZlibBehindDecoys,
            .aHidesPassphrasesAcrossWindow, .aHidesGzipAtOffset, .aMisalignsBase64Gzip, .aLeavesDecompressionBomb,
            .aKeepsXzPassphrase, .aKeepsUTF32Passphrase, .aKeepsBzip2Passphrase, .aKeepsZstdPassphrase,
            .aKeepsZippedPassphrase:
            [.siteA]
        case .bKeepsSeedbByteArray, .bKeepsSeedb0x, .bKeepsSeedbLittleEndian, .bKeepsSeedbBase32, .bKeepsSeedbBase58,
            .bKeepsSeedbXxd, .bSplitsSeedb, .bKeepsUTF16Key, .bKeepsKeySecretBytes, .bKeepsFaceSheet,
            .bHidesFaceSheetInBinary, .bKeepsReversedSeedb, .bKeepsSeedbSpacedDecimal:
            [.siteB, .exposure]
        case .bothKeepGzippedShares: [.siteA, .siteB, .bothSites]
        case .aNamesFileByPassphrase, .aKeepsPassphrasesUnderNonUTF8Name, .aKeepsPassphrasesInUnreadableFolder:
            [.defaultDeny, .siteA]
        case .bKeepsSeedbAsLinkTarget, .bKeepsSeedbBeyondPathMax: [.defaultDeny, .siteB]
        // Found only when the audit is given the medium's image (a medium counts in both views).
        case .bLeavesSeedbOnMedium: [.siteA, .siteB]
        case .exceptionLogEdited, .exceptionLogCut, .aLogsAsSiteB: [.exceptionLog]
        case .bRunsOtherBuild, .aForgesBuild: [.builds]
        }
    }

    /// One line on what the fault is.
    package var summary: String {
        switch self {
        case .aLogsPassphrases: "site A writes every passphrase to a plain-text log"
        case .aLogsPassphrasesHex: "site A logs passphrases as hex"
        case .aLogsPassphrasesBase64: "site A logs passphrases inside a base64 blob, wrapped at 76 columns"
        case .aLogsPassphrasesJSON: "site A keeps a JSON cache of passphrases"
        case .aLogsPassphrasesSQLite: "site A keeps passphrases in a SQLite database"
        case .aKeepsPassfactorNested: "site A keeps passfactors as hex, four folders deep"
        case .aReusesOwnersalt: "site A gives the first card of every batch the same ownersalt"
        case .aWeakPolicy: "the ceremony runs with a 60-bit passphrase policy (forced)"
        case .bKeepsSeedb: "site B keeps every seedb in a binary file"
        case .bKeepsFactorb: "site B keeps every factorb as hex"
        case .bKeepsEncryptedKeys:
            "site B keeps a copy of the card faces with the encrypted keys, made after its retention statement"
        case .bSendsEncryptedKeyToA:
            "site B puts each encrypted key into the key batch it sends A (A refuses the non-canonical bundle, too late)"
        case .sitesBothKeepShares: "site A keeps passphrases and site B keeps seedb"
        case .bSubstitutesAddress: "site B prints and reports an address of its own for one card"
        case .bReusesSeedb: "site B gives the first card of every batch the same seedb"
        case .bWeakRandomness: "site B draws seedb from a 7-bit generator (top bit always clear)"
        case .replaysBundle: "a bundle is copied into the transcript a second time"
        case .dropsBundle: "a confirmation report is removed from the transcript"
        case .reordersBundles: "two of site A's payloads swap sequence numbers (re-signed by A)"
        case .editsBundle: "one byte of a signed bundle is changed"
        case .signsWithUndeclaredKey: "a bundle is re-signed by a key the manifest does not declare"
        case .foreignCeremonyBundle: "a bundle bound to another ceremony id is placed in the transcript"
        case .skipsSerial: "a card is removed from both batches (re-signed by both sites)"
        case .duplicatesSerial: "a card appears twice in a key batch (re-signed by B)"
        case .closingNotCountersigned: "the closing manifest carries only site A's signature"
        case .duplicatesPayloadKey:
            "site A re-signs its intermediate batch with the field batch twice (\"batch\":2 before \"batch\":1)"
        case .aliasesPayloadField:
            "site B re-signs its key batch with confirmationCode beside confirmation_code (a reader may take either)"
        case .hidesFileInTransfer: "a copy of a key batch is hidden in transfer/ under a dot name"
        case .escapesInFileName:
            "site A leaves a bundle whose name holds terminal escapes and a false verdict line, and whose payloadType holds newlines"
        case .aResignsClosingForSample:
            "site A re-signs the closing manifest without the auditor's commitment, to pick the sample (B countersigns again)"
        case .undeclaredCountersignature: "a key nobody declared adds its signature to a batch bundle"
        case .declarationReplaced: "site B's key declaration in transfer/ is replaced by one of another key"
        case .swappedLabels: "the first scratch-off labels of batches 1 and 2 are printed on each other's cards"
        case .facesMissing: "a batch's card faces are missing from the print run"
        case .aDeletesLedger: "site A deletes its batch ledger after its last retention statement listed it"
        case .duplicatesFace: "site B's face spool lists a card twice, the second face with another address"
        case .extraFace: "site B's face spool holds a card the manifest does not have"
        case .aKeepsUnexplainedFile: "site A keeps a file of 4096 random bytes, which no search can read"
        case .bKeepsShareAsSiteRecord:
            "site B keeps seedb in hex in a file its next retention statement lists as a \"site record\""
        case .aHidesPassphrasesInTransfer: "site A hides the passphrases in a dot file in transfer/"
        case .unknownFolderBesideSites: "a folder site-c/ beside site-a/ holds a copy of the card faces"
        case .bHidesSeedbInAttribute: "site B hides each seedb in hex in an extended attribute of its ledger"
        case .aKeepsEncryptedKeys: "site A keeps a copy of the card faces with the encrypted keys"
        case .aWeakPassphraseGenerator:
            "site A draws each passphrase from 30 random bits (14 leading zeros) under the standard 100-bit policy"
        case .aKeepsUTF16Passphrase: "site A keeps passphrases as UTF-16LE text"
        case .aKeepsBarePassphrase: "site A keeps passphrases in lower case without their dashes"
        case .aKeepsEscapedPassphrase: "site A keeps passphrases as JSON strings of \\u escapes"
        case .aKeepsGzippedPassphrase: "site A keeps its passphrase log gzipped (its retention statement lists it)"
        case .aKeepsArchivedPassphrase: "site A keeps passphrases in a .tar.gz"
        case .aKeepsNestedPassphrase: "site A keeps passphrases in a zip in a tar in a gzip, base64 at 76 columns"
        case .aKeepsSQLiteUTF16Passphrase: "site A keeps passphrases in a SQLite database with UTF-16 text"
        case .aHidesZlibBehindDecoys:
            "site A keeps its passphrase log as a zlib stream after 300 decoy zlib headers"
        case .aHidesPassphrasesAcrossWindow:
            "site A keeps its passphrases in a 35 MiB file: base64 of a zlib stream of 3 MiB of log lines then the passphrases, across the audit's first 32 MiB window"
        case .aHidesGzipAtOffset: "site A keeps its passphrase log gzipped, after three random bytes"
        case .aMisalignsBase64Gzip:
            "site A keeps its passphrase log as base64 of a gzip, one base64 character before it (its groups off by one)"
        case .aLeavesDecompressionBomb: "site A leaves a 64 KiB gzip that inflates to 64 MiB"
        case .bKeepsSeedbByteArray: "site B keeps every seedb as a pretty-printed JSON byte array"
        case .bKeepsSeedb0x: "site B keeps every seedb as a list of 0x bytes"
        case .bKeepsSeedbLittleEndian: "site B keeps every seedb as little-endian (byte-reversed) hex"
        case .bKeepsSeedbBase32: "site B keeps every seedb in base32, off a 5-byte boundary"
        case .bKeepsSeedbBase58: "site B keeps every seedb in base58"
        case .bKeepsSeedbXxd: "site B keeps an xxd dump of every seedb"
        case .aKeepsXzPassphrase: "site A keeps its passphrase log xz-compressed"
        case .bSplitsSeedb: "site B keeps each seedb's hex split over two files"
        case .bKeepsUTF16Key: "site B keeps every encrypted key as UTF-16LE text"
        case .bKeepsKeySecretBytes: "site B keeps the 24 non-public bytes of every encrypted key"
        case .bKeepsFaceSheet:
            "site B keeps a copy of card-print's face sheet (each key printed over two SVG text lines)"
        case .bHidesFaceSheetInBinary:
            "site B hides card-print's face sheet between two blocks of random bytes, as in a binary file"
        case .aKeepsUTF32Passphrase: "site A keeps passphrases as UTF-32LE text"
        case .aKeepsBzip2Passphrase: "site A keeps its passphrase log bzip2-compressed"
        case .aKeepsZstdPassphrase: "site A keeps its passphrase log zstd-compressed"
        case .aKeepsZippedPassphrase: "site A keeps its passphrase log in a zip, alone"
        case .bKeepsReversedSeedb: "site B keeps every seedb with its bytes in reverse order"
        case .bKeepsSeedbSpacedDecimal: "site B keeps every seedb as decimal bytes separated by spaces"
        case .bothKeepGzippedShares:
            "site A gzips its passphrases and site B its seedb, each left in its folder (later statements list them)"
        case .aNamesFileByPassphrase: "site A keeps an empty file in its folder named by each passphrase"
        case .bKeepsSeedbAsLinkTarget: "site B keeps a dangling symbolic link whose target is each seedb in hex"
        case .aKeepsPassphrasesUnderNonUTF8Name: "site A keeps its passphrases in a file whose name is not UTF-8"
        case .bKeepsSeedbBeyondPathMax:
            "site B keeps every seedb in hex in a file whose path is longer than PATH_MAX (4096), in nested folders"
        case .aKeepsPassphrasesInUnreadableFolder:
            "site A keeps its passphrases in a folder of mode 000 (root still reads it; others see an unreadable folder)"
        case .bLeavesSeedbOnMedium:
            "site B writes every seedb onto the transfer medium, then deletes the file (its clusters stay on the FAT image)"
        case .exceptionLogEdited:
            "after close, the first exception-log entry's reason is rewritten (the line stays canonical JSON)"
        case .exceptionLogCut:
            "after close, the exception log's last entry is removed (what is left is still a whole chain)"
        case .aLogsAsSiteB:
            "after close, site A appends an exception entry in site B's name, chained to the head and signed with its own key"
        case .bRunsOtherBuild:
            "site B runs key-site of another build (its payloads record version \(MockCeremony.otherVersion))"
        case .aForgesBuild:
            "site A's intermediate batches record a build it wrote by hand: the tool key-site, an executable no other payload names"
        }
    }
}
