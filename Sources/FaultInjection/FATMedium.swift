import Ceremony
import Foundation

/// A transfer medium as `Ceremony/lib/medium.sh` makes it: a FAT32 file system in an image
/// file, made with `mkfs.vfat` (dosfstools) and written with mtools, with no mount and no root.
/// The fault ``Fault/bLeavesSeedbOnMedium`` acts through it.
package struct FATMedium {
    package let image: URL

    package init(image: URL) { self.image = image }

    /// The medium's size in KiB: 34 MiB, a little over the smallest FAT32 volume of 512-byte clusters.
    package static let kibibytes = 34 * 1024

    /// A fresh FAT32 image (any old one is replaced).
    package func format() throws {
        try FileManager.default.createDirectory(
            at: image.deletingLastPathComponent(), withIntermediateDirectories: true)
        try? FileManager.default.removeItem(at: image)
        try run(
            "mkfs.vfat", ["-C", "-F", "32", "-s", "1", "-n", "MEDIUM", "-i", "0", image.path, String(Self.kibibytes)])
    }

    /// Writes `data` onto the medium's root folder as `name`.
    package func write(_ data: Data, as name: String) throws {
        try run("mcopy", ["-i", image.path, "-o", "-", "::/\(name)"], input: data)
    }

    /// Deletes `name` from the medium's root folder, as `rm` would: the clusters are freed, not cleared.
    package func delete(_ name: String) throws {
        try run("mdel", ["-i", image.path, "::/\(name)"])
    }

    /// dosfstools lives in /usr/sbin, which a caller's PATH may lack; mtools in /usr/bin.
    private func run(_ name: String, _ arguments: [String], input: Data? = nil) throws {
        let process = Process()
        let folder = ["/usr/sbin", "/sbin", "/usr/bin", "/bin"].first {
            FileManager.default.isExecutableFile(atPath: "\($0)/\(name)")
        }
        guard let folder else { throw CeremonyError(.failed, "\(name) is not installed (dosfstools, mtools)") }
        process.executableURL = URL(fileURLWithPath: "\(folder)/\(name)")
        process.arguments = arguments
        // mtools refuses an image whose geometry it doubts unless told not to check.
        process.environment = ["MTOOLS_SKIP_CHECK": "1", "PATH": "/usr/bin:/bin"]
        let pipe = Pipe()
        process.standardInput = input == nil ? FileHandle.nullDevice : pipe
        process.standardOutput = FileHandle.nullDevice
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        if let input {
            pipe.fileHandleForWriting.write(input)
            try pipe.fileHandleForWriting.close()
        }
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let line = String(decoding: message, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? ""
            throw CeremonyError(.failed, "\(name) \(image.path): \(line)")
        }
    }
}
