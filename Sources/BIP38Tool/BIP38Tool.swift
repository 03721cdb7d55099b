import ArgumentParser
import BIP38
import CryptoCore
import Foundation

/// `bip38`: BIP38 for a key owner or a student, offline.
@main
struct BIP38Tool: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bip38",
        abstract: "BIP38 encrypted private keys: both modes, lot/sequence, confirmation codes.",
        discussion: """
            Passphrases and private keys are never taken from the command line: give them \
            with --passphrase-file / --key-file (a path, or - for standard input; one trailing \
            newline is stripped), or type them at the echo-off prompt when standard input is a terminal.

            Exit status: 0 success; 1 the input was refused (the message says why: wrong passphrase, \
            bad checksum, ...); 64 usage error.
            """,
        version: ToolkitVersion.current,
        subcommands: [
            Encrypt.self, Decrypt.self, Intermediate.self, Generate.self, Confirm.self, Inspect.self, Explain.self,
        ])

    /// Hardens the process (it holds passphrases and private keys: no core dumps,
    /// fatal signals end it at once, memory locked where allowed; one
    /// `bip38: warning:` line per protection refused), then runs the command;
    /// a refusal is one line `bip38: <source>: <cause>` on stderr and exit status 1.
    static func main() {
        for warning in ProcessHardening.apply(tool: "bip38").warnings {
            FileHandle.standardError.write(Data("bip38: warning: \(warning)\n".utf8))
        }
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let refusal as ToolFailure {
            FileHandle.standardError.write(Data("bip38: \(refusal.description)\n".utf8))
            Foundation.exit(1)
        } catch {
            exit(withError: error)
        }
    }
}
