import Ceremony
import Foundation
import Printing
import TestSupport
import Testing

/// The sign-off sheet on paper (`audit/signoff.pdf`, issue 16): what the Markdown sheet
/// says, on A4 or Letter pages, read back from the PDF with pdftotext.
@Suite struct SignOffPageTests {
    static let digest = "5fd64310c551ccd210fade8e43d00d5a1e900d82dd8603a2af6ead4f9038685e"

    static func sheet(exceptions: Int) -> SignOffSheet {
        SignOffSheet(
            rows: [
                .init("ceremony", "60dcc2e65344d59ffed4ec4f0bbb8f3b", .code),
                .init("closing digest", digest, .code),
                .init("closing digest, aloud", "5fd6 4310 c551 ccd2", .code),
                .init("audit verdict", "PASS", .strong),
                .init("checks", "24/24 passed"),
            ],
            exceptions: (0..<exceptions).map {
                .init(
                    index: $0 + 1, step: "X-5.\($0)", role: "witness", time: "2026-12-02T06:32:56Z",
                    reason: "entry \($0 + 1): the printer <jammed> & one sheet | was reprinted, "
                        + String(repeating: "a long reason that wraps ", count: 6))
            })
    }

    /// The PDF of `sheet`, its page count and its text (pdftotext -layout).
    func rendered(_ sheet: SignOffSheet, paper: Paper) throws -> (pages: Int, text: String) {
        let folder = try TemporaryFolder(prefix: "signoff")
        let file = folder.url.appendingPathComponent("signoff.pdf")
        try Data(try SignOffPage.pdf(sheet, paper: paper)).write(to: file)
        let info = try run("pdfinfo", [file.path])
        try #require(info.status == 0, "pdfinfo failed (make test-deps installs poppler-utils): \(info.stderr)")
        let pages = info.stdout.split(separator: "\n").first { $0.hasPrefix("Pages:") }
            .flatMap { Int($0.split(separator: " ").last ?? "") }
        let text = try run("pdftotext", ["-layout", file.path, "-"])
        try #require(text.status == 0, "\(text.stderr)")
        return (try #require(pages), text.stdout)
    }

    @Test("one page holds the values, the verdict, an exception and a box per role", arguments: [Paper.a4, .letter])
    func onePage(paper: Paper) throws {
        let (pages, text) = try rendered(Self.sheet(exceptions: 1), paper: paper)
        #expect(pages == 1)
        #expect(text.contains("Ceremony sign-off · page 1 of 1 · \(paper.name)"))
        // The 64-digit digest stays on one line, in full.
        #expect(text.contains(Self.digest))
        #expect(text.contains("PASS"))
        #expect(text.contains("the printer <jammed> & one sheet | was reprinted"))
        for role in SignOffSheet.roles { #expect(text.contains(role), "no box for \(role)") }
        #expect(text.components(separatedBy: "date and time (UTC)").count - 1 == SignOffSheet.roles.count)
        #expect(text.contains(SignOffSheet.attestation))
    }

    @Test("a long exception log flows onto more pages, numbered, and every entry is printed")
    func manyPages() throws {
        let (pages, text) = try rendered(Self.sheet(exceptions: 30), paper: .a4)
        #expect(pages >= 2)
        for page in 1...pages { #expect(text.contains("Ceremony sign-off · page \(page) of \(pages) · A4")) }
        for entry in 1...30 {
            #expect(text.contains("#\(entry) · step X-5.\(entry - 1) · witness"), "entry \(entry) missing")
        }
        for role in SignOffSheet.roles { #expect(text.contains(role)) }
    }

    @Test("the Markdown sheet holds the same rows, escapes a | in a cell, and has a line per role")
    func markdown() {
        let markdown = Self.sheet(exceptions: 1).markdown
        #expect(markdown.hasPrefix("# Ceremony sign-off\n"))
        #expect(markdown.contains("| closing digest | `\(Self.digest)` |"))
        #expect(markdown.contains("| audit verdict | **PASS** |"))
        #expect(markdown.contains("| checks | 24/24 passed |"))
        #expect(markdown.contains("one sheet \\| was reprinted"))
        for role in SignOffSheet.roles { #expect(markdown.contains("| \(role) | | | |")) }
    }
}
