import CryptoCore
import Foundation
import Testing

/// Reading secrets from files: one trailing newline stripped, size and emptiness checked.
@Suite struct SecretInputTests {
    /// Writes `contents` to a new file in a fresh temporary folder and passes its path to `body`.
    @discardableResult
    private func withFile<R>(_ contents: [UInt8], _ body: (String) throws -> R) throws -> R {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("secret-input-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("passphrase.txt")
        try Data(contents).write(to: file)
        return try body(file.path)
    }

    /// File contents and the secret expected from them; shown escaped in test names.
    struct NewlineCase: Sendable, CustomTestStringConvertible {
        let contents: String
        let expected: String
        var testDescription: String { "\(contents.debugDescription) → \(expected.debugDescription)" }
    }

    @Test(arguments: [
        NewlineCase(contents: "secret", expected: "secret"),
        NewlineCase(contents: "secret\n", expected: "secret"),
        NewlineCase(contents: "secret\r\n", expected: "secret"),
        NewlineCase(contents: "secret\n\n", expected: "secret\n"),
        NewlineCase(contents: "secret\r\n\r\n", expected: "secret\r\n"),
        NewlineCase(contents: "secret\r", expected: "secret\r"),
        NewlineCase(contents: "two words \n", expected: "two words "),
        NewlineCase(contents: "\nsecret", expected: "\nsecret"),
    ])
    func stripsOneTrailingNewline(_ test: NewlineCase) throws {
        let secret = try withFile(Array(test.contents.utf8)) { path in try SecretInput.read(path: path) }
        #expect(secret.revealedBytes() == Array(test.expected.utf8))
    }

    @Test func acceptsExactlyTheLimit() throws {
        let secret = try withFile([UInt8](repeating: 0x61, count: 8)) { path in
            try SecretInput.read(path: path, limit: 8)
        }
        #expect(secret.count == 8)
    }

    @Test func refusesOversizeFile() throws {
        try withFile([UInt8](repeating: 0x61, count: 9)) { path in
            #expect(throws: SecretInput.Failure.tooLarge(path: path, limit: 8)) {
                try SecretInput.read(path: path, limit: 8)
            }
        }
    }

    @Test func refusesOversizeFileAtTheDefaultLimit() throws {
        try withFile([UInt8](repeating: 0x61, count: 4097)) { path in
            #expect(throws: SecretInput.Failure.tooLarge(path: path, limit: 4096)) { try SecretInput.read(path: path) }
        }
    }

    @Test("the limit counts the secret, not its newline: 4096 bytes plus \\n or \\r\\n read, 4097 plus \\n refused")
    func limitAppliesAfterTheNewlineIsStripped() throws {
        let full = [UInt8](repeating: 0x61, count: 4096)
        for newline: [UInt8] in [[0x0a], [0x0d, 0x0a]] {
            let secret = try withFile(full + newline) { path in try SecretInput.read(path: path) }
            #expect(secret.revealedBytes() == full)
        }
        try withFile(full + [0x61, 0x0a]) { path in
            #expect(throws: SecretInput.Failure.tooLarge(path: path, limit: 4096)) { try SecretInput.read(path: path) }
        }
        try withFile(full + [0x0a, 0x0a]) { path in
            #expect(throws: SecretInput.Failure.tooLarge(path: path, limit: 4096)) { try SecretInput.read(path: path) }
        }
    }

    @Test(arguments: [[], [0x0a], [0x0d, 0x0a]] as [[UInt8]])
    func readsEmptySecretWhenAllowed(contents: [UInt8]) throws {
        let secret = try withFile(contents) { path in try SecretInput.read(path: path, allowEmpty: true) }
        #expect(secret.count == 0)
    }

    @Test(arguments: [[], [0x0a], [0x0d, 0x0a]] as [[UInt8]])
    func refusesEmptySecret(contents: [UInt8]) throws {
        try withFile(contents) { path in
            #expect(throws: SecretInput.Failure.empty(path: path)) { try SecretInput.read(path: path) }
        }
    }

    @Test func missingFileErrorNamesThePath() {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("no-such-\(UUID().uuidString)").path
        let error = #expect(throws: SecretInput.Failure.self) { try SecretInput.read(path: path) }
        guard case .cannotOpen(let reported, let reason) = error else {
            Issue.record("expected cannotOpen, got \(String(describing: error))")
            return
        }
        #expect(reported == path)
        #expect(reason == "No such file or directory")
        #expect(error?.description == "\(path): cannot open: No such file or directory")
    }

    @Test func failureMessagesNameTheSourceNotTheContent() {
        #expect(
            SecretInput.Failure.tooLarge(path: "p.txt", limit: 8).description == "p.txt: larger than 8 bytes, refused")
        #expect(SecretInput.Failure.empty(path: "p.txt").description == "p.txt: empty")
    }
}
