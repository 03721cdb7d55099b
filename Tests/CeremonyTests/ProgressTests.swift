import Foundation
import TestSupport
import Testing

/// Long work shows progress on stderr only when stderr is a terminal.
@Suite struct ProgressLine {
    @Test("in a script (stderr a pipe) issue prints nothing on stderr")
    func quietInScripts() throws {
        let test = try TestCeremony(cards: 2, batchSize: 2)
        let result = try Tools.siteA("issue", "--ceremony", test.path, "--batch", "1")
        #expect(result.status == 0)
        #expect(result.stderr.isEmpty, "stderr: \(result.stderr)")
        #expect(result.stdout == "batch 1: issued 2 cards\n")
    }

    @Test("on a terminal issue shows cards done, rate and time left")
    func progressOnATerminal() throws {
        let test = try TestCeremony(cards: 3, batchSize: 3)
        // script(1) runs the command on a pseudo-terminal and copies what it shows.
        let command = "\(Tools.executable("passphrase-site").path) issue --ceremony \(test.path) --batch 1"
        let result = try ProcessRunner.run(URL(fileURLWithPath: "/usr/bin/script"), ["-qec", command, "/dev/null"])
        let shown = result.stdout
        #expect(result.status == 0, "\(shown)")
        #expect(shown.contains("site A issue batch 1: 3/3 cards"), "\(shown)")
        #expect(shown.contains("cards/s"))
        #expect(shown.contains("s left"))
    }
}
