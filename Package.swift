// swift-tools-version: 6.2
//
// Two-factor key generation (2FKG) ceremony toolkit over BIP38's EC-multiply mode.
//
// Layers, bottom up:
//   Sources/CLibraries/*  system-library targets: Debian's libsecp256k1, libsodium,
//                         OpenSSL libcrypto and libqrencode (module maps + shims only), and
//                         CICU, a C file over ICU's libicuuc (Unicode NFC); CHyperscan
//                         (Debian's libhyperscan-dev, or libvectorscan-dev: pkg-config libhs);
//                         CArchive, CZlib and CSQLite (libarchive, zlib, SQLite) for the audit's
//                         container readers; CTSK (The Sleuth Kit) for disk images; CRsvg
//                         (librsvg and cairo's PDF surface) for card-print's PDF pages.
//   Sources/CKernels/CSalsa  this package's own C kernel (not a system library): scrypt's
//                         ROMix on several lanes at once, for CryptoCore only.
//   Sources/CKernels/CSpans  this package's own C kernel: the share search's byte-class scan
//                         (base64 runs, text, wrapped lines, 64 bytes at a time) and the header-pair
//                         filter of a base64 run's other alignments (pairs.c) and the sampled gram
//                         filter in front of Hyperscan (sample.c), for PatternSearch only.
//   Sources/CryptoCore    the target that calls C for cryptography: hashes, AES, scrypt, curve math,
//                         Ed25519, randomness, zeroing secret buffers, secret file input,
//                         Unicode NFC (ICU), process hardening and fatal-signal handlers.
//   Sources/Containers    a C-facing target: archives, compressed streams, zlib
//                         streams and SQLite databases read in memory, within a byte budget.
//   Sources/DiskImage     the one caller of CTSK (The Sleuth Kit's libtsk, Sources/CLibraries/CTSK):
//                         raw disk and partition images, their file systems and every name.
//   Sources/Token         a C-facing target: a site's Ed25519 key in a PKCS#11 token (Sources/CLibraries/CPKCS11,
//                         p11-kit's pkcs11.h; the token's module loaded with dlopen).
//   Sources/PatternSearch a C-facing target: Hyperscan's multi-literal streaming
//                         search, for the audit's share search (Audit/Shares/ShareSearch.swift),
//                         and CSpans' byte-class scan (ByteSpans.swift), pair filter (BytePairs.swift)
//                         and sampled gram filter (SampledFilter.swift).
//   Sources/BIP38         the BIP38 specification: Base58Check, WIF, addresses and the
//                         non-EC and EC-multiply modes. A reusable library product.
//   Sources/Ceremony      the ceremony: DSSE envelopes, signed payloads and the transcript,
//                         crash-safe storage, and the two sites' logic (SiteA/, SiteB/).
//   Sources/Audit         the auditor: transcript, consistency, key-share search per view,
//                         exposure, randomness, cut and choose, retention statements.
//   Sources/Printing      card faces, labels and contact sheets as SVG/HTML with real QR codes,
//                         and the print shop's A4/Letter PDF pages.
//   Sources/PDFRendering  a C-facing target: SVG pages to PDF through librsvg and cairo (CRsvg).
//   Sources/FaultInjection the catalogue of faults a dishonest site can commit, and a mock
//                         ceremony that injects them (for the audit's tests and demos).
//   Sources/ToolSupport   what the ceremony tools share: --ceremony, and their main().
//   Sources/BIP38Tool     the `bip38` command line.
//   Sources/PassphraseSiteTool, Sources/KeySiteTool
//                         `passphrase-site` (site A) and `key-site` (site B).
import PackageDescription

let strict: [SwiftSetting] = [
    .treatAllWarnings(as: .error)
]

let argumentParser: Target.Dependency = .product(name: "ArgumentParser", package: "swift-argument-parser")

/// A library target of this package, built strictly.
func library(_ name: String, _ dependencies: [Target.Dependency]) -> Target {
    .target(name: name, dependencies: dependencies, swiftSettings: strict)
}

/// A command-line tool: a thin executable over the libraries, parsing with ArgumentParser.
func tool(_ name: String, _ dependencies: [Target.Dependency]) -> Target {
    .executableTarget(name: name, dependencies: dependencies + [argumentParser], swiftSettings: strict)
}

/// A test target; `fixtures` copies its Fixtures/ folder as a resource.
func tests(_ name: String, _ dependencies: [Target.Dependency], fixtures: Bool = false) -> Target {
    .testTarget(
        name: name, dependencies: dependencies, resources: fixtures ? [.copy("Fixtures")] : nil, swiftSettings: strict)
}

let package = Package(
    name: "bip38-2fkg",
    products: [
        .library(name: "BIP38", targets: ["BIP38"]),
        .executable(name: "bip38", targets: ["BIP38Tool"]),
        .executable(name: "passphrase-site", targets: ["PassphraseSiteTool"]),
        .executable(name: "key-site", targets: ["KeySiteTool"]),
        .executable(name: "ceremony-audit", targets: ["CeremonyAuditTool"]),
        .executable(name: "card-print", targets: ["CardPrintTool"]),
        .executable(name: "ceremony-fault", targets: ["CeremonyFaultTool"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0")
    ],
    targets: [
        .systemLibrary(
            name: "CSecp256k1", path: "Sources/CLibraries/CSecp256k1", pkgConfig: "libsecp256k1",
            providers: [.apt(["libsecp256k1-dev"])]),
        .systemLibrary(
            name: "CSodium", path: "Sources/CLibraries/CSodium", pkgConfig: "libsodium",
            providers: [.apt(["libsodium-dev"])]),
        .systemLibrary(
            name: "CLibCrypto", path: "Sources/CLibraries/CLibCrypto", pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]),
        .systemLibrary(
            name: "CQRencode", path: "Sources/CLibraries/CQRencode", pkgConfig: "libqrencode",
            providers: [.apt(["libqrencode-dev"])]),
        // A C target, not a system library: ICU's headers stay in cicu.c, away from the
        // private ICU Foundation carries on Linux (their UErrorCode would clash in CryptoCore).
        .target(name: "CICU", path: "Sources/CLibraries/CICU", linkerSettings: [.linkedLibrary("icuuc")]),
        .systemLibrary(
            name: "CTSK", path: "Sources/CLibraries/CTSK", pkgConfig: "tsk", providers: [.apt(["libtsk-dev"])]),
        // Only a header: prctl(2) and the fatal-signal handlers for Swift (CryptoCore/ProcessHardening.swift).
        .systemLibrary(name: "CProcessControl", path: "Sources/CLibraries/CProcessControl"),
        .systemLibrary(
            name: "CHyperscan", path: "Sources/CLibraries/CHyperscan", pkgConfig: "libhs",
            providers: [.apt(["libhyperscan-dev"])]),

        .systemLibrary(
            name: "CArchive", path: "Sources/CLibraries/CArchive", pkgConfig: "libarchive",
            providers: [.apt(["libarchive-dev"])]),
        .systemLibrary(
            name: "CZlib", path: "Sources/CLibraries/CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(
            name: "CSQLite", path: "Sources/CLibraries/CSQLite", pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]),
        // librsvg and cairo's PDF surface, for card-print's PDF pages (Sources/PDFRendering);
        // found through cairo-pdf, whose flags lack the -pthread SwiftPM warns about (shim.h).
        .systemLibrary(
            name: "CRsvg", path: "Sources/CLibraries/CRsvg", pkgConfig: "cairo-pdf",
            providers: [.apt(["librsvg2-dev", "libcairo2-dev"])]),
        .target(name: "PDFRendering", dependencies: ["CRsvg"], swiftSettings: strict + [.strictMemorySafety()]),
        .target(
            name: "Containers", dependencies: ["CArchive", "CZlib", "CSQLite", "CSpans"],
            swiftSettings: strict + [.strictMemorySafety()]),

        // This package's own C kernel: scrypt's ROMix on 4 or 8 lanes at once (AVX-512,
        // AVX2, SSE2 or portable, chosen at run time); called only from CryptoCore.
        .target(name: "CSalsa", path: "Sources/CKernels/CSalsa", exclude: ["kernel.inc", "widths.inc"]),
        .target(
            name: "CryptoCore",
            dependencies: ["CSecp256k1", "CSodium", "CLibCrypto", "CQRencode", "CICU", "CProcessControl", "CSalsa"],
            swiftSettings: strict + [.strictMemorySafety()]),
        // Disk images through The Sleuth Kit: the one target that calls CTSK.
        .target(name: "DiskImage", dependencies: ["CTSK"], swiftSettings: strict + [.strictMemorySafety()]),
        // The share search's byte-class scan (vector compares, AVX2 or SSE2 chosen at load time).
        .target(name: "CSpans", path: "Sources/CKernels/CSpans", exclude: ["classify.inc"]),
        .target(
            name: "PatternSearch", dependencies: ["CHyperscan", "CSpans"],
            swiftSettings: strict + [.strictMemorySafety()]),
        // PKCS#11 tokens (a site's signing key in an HSM): p11-kit's pkcs11.h, the module loaded with dlopen.
        .systemLibrary(
            name: "CPKCS11", path: "Sources/CLibraries/CPKCS11", pkgConfig: "p11-kit-1",
            providers: [.apt(["libp11-kit-dev"])]),
        .target(
            name: "Token", dependencies: ["CPKCS11", "CryptoCore"], swiftSettings: strict + [.strictMemorySafety()]),
        library("BIP38", ["CryptoCore"]),
        library("Ceremony", ["BIP38", "CryptoCore", "Token"]),
        library("Audit", ["Ceremony", "BIP38", "CryptoCore", "Containers", "DiskImage", "PatternSearch", "Printing"]),
        library("Printing", ["Ceremony", "BIP38", "CryptoCore", "PDFRendering"]),
        library("FaultInjection", ["Audit", "Ceremony", "BIP38", "CryptoCore", "Printing"]),
        library("ToolSupport", ["Ceremony", "CryptoCore", argumentParser]),
        tool("BIP38Tool", ["BIP38", "CryptoCore"]),
        tool("PassphraseSiteTool", ["ToolSupport", "Ceremony", "BIP38", "CryptoCore"]),
        tool("KeySiteTool", ["ToolSupport", "Ceremony", "BIP38", "CryptoCore"]),
        tool("CardPrintTool", ["ToolSupport", "Printing", "Ceremony", "BIP38"]),
        tool("CeremonyAuditTool", ["ToolSupport", "Audit", "Ceremony", "BIP38", "CryptoCore", "Printing"]),
        tool("CeremonyFaultTool", ["ToolSupport", "FaultInjection", "Ceremony"]),
        .executableTarget(
            name: "Benchmarks",
            dependencies: ["Ceremony", "Audit", "FaultInjection", "BIP38", "CryptoCore", "PatternSearch"],
            swiftSettings: strict),

        // What the test targets share: the process runner and the build folder,
        // the BIP38 vectors (Tests/TestSupport/Vectors, their one copy), the seeded
        // random generator and the byte and JSON mutators, a temporary folder.
        // It depends on no module of the package.
        .target(
            name: "TestSupport",
            path: "Tests/TestSupport",
            resources: [.copy("Vectors")],
            swiftSettings: strict),
        tests("CryptoCoreTests", ["CryptoCore", "CSalsa"]),
        tests("ContainersTests", ["Containers", "TestSupport"]),
        tests("BIP38Tests", ["BIP38", "CryptoCore", "TestSupport"]),
        tests("BIP38ToolTests", ["BIP38", "CryptoCore", "BIP38Tool", "TestSupport"]),
        tests(
            "CeremonyTests",
            [
                "Ceremony", "BIP38", "CryptoCore", "PassphraseSiteTool", "KeySiteTool", "CardPrintTool",
                "CeremonyAuditTool",
                "BIP38Tool", "TestSupport",
            ],
            fixtures: true),
        tests(
            "AuditTests",
            [
                "Audit", "FaultInjection", "Ceremony", "BIP38", "CryptoCore", "Printing", "CeremonyAuditTool",
                "DiskImage", "PatternSearch", "Containers", "TestSupport",
            ],
            fixtures: true),
        tests(
            "PrintingTests",
            [
                "Printing", "Ceremony", "BIP38", "CryptoCore", "PassphraseSiteTool", "KeySiteTool", "CeremonyAuditTool",
                "CardPrintTool", "CeremonyFaultTool", "TestSupport", "PDFRendering",
            ],
            fixtures: true),
        tests(
            "DocsTests",
            [
                "BIP38Tool", "PassphraseSiteTool", "KeySiteTool", "CeremonyAuditTool", "CardPrintTool",
                "CeremonyFaultTool",
                "Ceremony", "Audit", "FaultInjection", "BIP38", "CryptoCore", "TestSupport",
            ],
            fixtures: true),
    ]
)
