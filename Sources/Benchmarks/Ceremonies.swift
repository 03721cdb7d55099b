import Ceremony
import Foundation

/// Temporary ceremony folders, driven through the release executables exactly
/// as README.md's "A ceremony by hand" does.
struct Ceremonies {
    let configuration: Configuration
    let root: URL
    private var counter = 0

    init(configuration: Configuration) throws {
        self.configuration = configuration
        root = FileManager.default.temporaryDirectory
            .appendingPathComponent("bip38-bench-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    var scratch: URL { root }

    /// Runs a release executable (optionally pinned to the first `cores` CPUs), from
    /// `binaries` when given (another build's folder: BENCH_BASELINE_BIN), else this build's.
    @discardableResult
    func run(
        _ tool: String, _ arguments: [String], cores: Int? = nil, expecting: Set<Int32> = [0], binaries: URL? = nil
    ) throws -> ChildRun {
        let prefix = cores.map { configuration.pinned($0) } ?? []
        let executable = binaries.map { $0.appendingPathComponent(tool).path } ?? configuration.binary(tool)
        return try Spawn.run(prefix + [executable] + arguments, expecting: expecting, scratch: root)
    }

    /// A new folder name under the scratch root.
    mutating func fresh(_ label: String) -> URL {
        counter += 1
        return root.appendingPathComponent("\(label)-\(counter)")
    }

    /// A ceremony of one batch of `cards`, set up and endorsed (no card made yet).
    mutating func proposed(cards: Int) throws -> CeremonyLayout {
        let folder = fresh("ceremony-\(cards)")
        let path = folder.path
        try run("passphrase-site", ["init", "--ceremony", path])
        try run("key-site", ["init", "--ceremony", path])
        try run("passphrase-site", ["propose", "--ceremony", path, "--cards", "\(cards)", "--batch-size", "\(cards)"])
        try run("key-site", ["endorse", "--ceremony", path])
        return CeremonyLayout(root: folder)
    }

    /// A copy of a ceremony folder, to run a step that cannot be repeated in place.
    mutating func copy(_ layout: CeremonyLayout, _ label: String) throws -> CeremonyLayout {
        let folder = fresh(label)
        try FileManager.default.copyItem(at: layout.root, to: folder)
        return CeremonyLayout(root: folder)
    }

    /// Verifies, seals and closes batch 1 (after mint), as the sites would before an audit.
    func finish(_ layout: CeremonyLayout) throws {
        let path = layout.root.path
        try run("passphrase-site", ["verify", "--ceremony", path, "--batch", "1"])
        try run("passphrase-site", ["seal", "--ceremony", path, "--batch", "1"])
        try run("passphrase-site", ["close", "--ceremony", path])
        try run("key-site", ["close", "--ceremony", path])
    }

    func remove() {
        if !configuration.keep { try? FileManager.default.removeItem(at: root) }
    }
}
