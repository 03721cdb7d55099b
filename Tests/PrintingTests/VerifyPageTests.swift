import Ceremony
import CryptoCore
import Foundation
import Printing
import TestSupport
import Testing

/// The card holder's offline page (issue 17): `card-print assemble` writes it into
/// `cards/verify.html` and prints its SHA-256; its Content-Security-Policy forbids every
/// request and allows exactly its own inline script and style; the committed build is a
/// fresh build of `Web/src`. (The page itself runs in a browser in `make test-web`.)
@Suite struct VerifyPageTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The text between `start` and the next `end` after it, or nil.
    static func between(_ text: String, _ start: String, _ end: String) -> String? {
        guard let from = text.range(of: start), let to = text.range(of: end, range: from.upperBound..<text.endIndex)
        else { return nil }
        return String(text[from.upperBound..<to.lowerBound])
    }

    static func base64SHA256(_ text: String) -> String {
        Data(SHA256.hash(Data(text.utf8))).base64EncodedString()
    }

    @Test("card-print assemble writes cards/verify.html (0644) and prints the SHA-256 that sha256sum computes")
    func assembleWritesThePage() throws {
        let folder = try TemporaryFolder(prefix: "verify-page")
        try FileManager.default.removeItem(at: folder.url)
        try FileManager.default.copyItem(at: try SpoolRefusal.made.get().url, to: folder.url)
        let result = try ProcessRunner.run(built: "card-print", ["assemble", "--ceremony", folder.url.path])
            .withoutMemoryLockWarning
        #expect(result.status == 0, "\(result.stderr)")
        let page = folder.url.appendingPathComponent("cards/verify.html")
        #expect(try Data(contentsOf: page) == VerifyPage.bytes)
        let sum = try ProcessRunner.run(onPath: "sha256sum", [page.path])
        let digest = String(sum.stdout.prefix(64))
        #expect(digest.count == 64 && digest == VerifyPage.sha256Hex)
        #expect(result.stdout.contains("holder's page: verify.html sha256 \(digest)\n"))
        let mode = try FileManager.default.attributesOfItem(atPath: page.path)[.posixPermissions] as? Int
        #expect(mode == 0o644)
    }

    @Test("the page's CSP refuses every request and allows its inline script and style by their SHA-256 only")
    func contentSecurityPolicy() throws {
        let html = VerifyPage.html
        let csp = try #require(Self.between(html, "<meta http-equiv=\"Content-Security-Policy\" content=\"", "\">"))
        let directives = csp.split(separator: ";").map { String($0).trimmingCharacters(in: CharacterSet.whitespaces) }
        let script = try #require(Self.between(html, "<script>", "</script>"))
        let style = try #require(Self.between(html, "<style>", "</style>"))
        #expect(
            directives == [
                "default-src 'none'", "script-src 'sha256-\(Self.base64SHA256(script))'",
                "style-src 'sha256-\(Self.base64SHA256(style))'", "worker-src blob:", "base-uri 'none'",
                "form-action 'none'",
            ])
        // One inline script and one style, nothing loaded from elsewhere.
        #expect(html.components(separatedBy: "<script").count == 2)
        #expect(html.components(separatedBy: "<style").count == 2)
        for reference in ["src=\"", "href=\"", "url(", "@import", "<link", "<iframe", "<img"] {
            #expect(!html.replacingOccurrences(of: script, with: "").contains(reference), "\(reference)")
        }
        // The script API the issue names.
        #expect(script.contains("window.bip38 = Object.freeze({"))
    }

    @Test(
        "the committed page is a fresh build of Web/src (python3 Web/build.py --check; needs node-elliptic)",
        .enabled(if: FileManager.default.fileExists(atPath: "/usr/share/nodejs/elliptic/package.json")))
    func committedBuildIsFresh() throws {
        let result = try ProcessRunner.run(
            onPath: "/usr/bin/python3", [Self.root.appendingPathComponent("Web/build.py").path, "--check"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains(VerifyPage.sha256Hex))
    }
}
