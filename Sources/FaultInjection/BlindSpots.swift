import Ceremony
import CryptoCore
import Foundation

#if canImport(Glibc)
import Glibc
#endif

extension Injector {
    /// Has a site keep batch `batch`'s shares where a walk by URL does not look: in names,
    /// link targets, non-UTF-8 names, paths beyond PATH_MAX, and unreadable folders.
    func hideInBlindSpot(_ fault: Fault, batch: Int) throws {
        let a = layout.site(.siteA)
        let b = layout.site(.siteB)
        let lines = try passphrases(batch).map { "card \($0.0) passphrase \($0.1)\n" }.joined()
        switch fault {
        case .aNamesFileByPassphrase:
            for (_, passphrase) in try passphrases(batch) { try write(a, "notes/\(passphrase)", Data()) }
        case .bKeepsSeedbAsLinkTarget:
            let links = b.appendingPathComponent("links")
            try FileManager.default.createDirectory(at: links, withIntermediateDirectories: true)
            for (serial, seedb) in try seeds(batch) {
                try FileManager.default.createSymbolicLink(
                    atPath: links.appendingPathComponent(serial.description).path,
                    withDestinationPath: seedb.revealedHex())
            }
        case .aKeepsPassphrasesUnderNonUTF8Name:
            // "notes-" then 0xFF 0xFE: no UTF-8 reader can spell the name.
            try rawWrite(Array(a.path.utf8) + Array("/notes-".utf8) + [0xFF, 0xFE], Array(lines.utf8))
        case .bKeepsSeedbBeyondPathMax:
            let text = try seeds(batch).map { "\($0.0) \($0.1.revealedHex())\n" }.joined()
            try deepWrite(b.appendingPathComponent("deep"), levels: 45, Array(text.utf8))
        case .aKeepsPassphrasesInUnreadableFolder:
            try write(a, "private/cards.txt", Data(lines.utf8))
            let folder = a.appendingPathComponent("private")
            try FileManager.default.setAttributes([.posixPermissions: 0o000], ofItemAtPath: folder.path)
        default: break
        }
    }

    /// Writes `data` to a file whose path is the raw bytes `path` (a name need not be UTF-8).
    private func rawWrite(_ path: [UInt8], _ data: [UInt8]) throws {
        let fd = (path.map { CChar(bitPattern: $0) } + [0]).withUnsafeBufferPointer {
            open($0.baseAddress!, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        }
        guard fd >= 0 else { throw CeremonyError(.failed, "cannot create a file with a non-UTF-8 name") }
        defer { close(fd) }
        try writeAll(fd, data)
    }

    /// Writes `data` to `seeds.hex` at the bottom of `levels` nested folders of 100-character
    /// names under `top`, one descriptor at a time, so the full path may exceed PATH_MAX.
    private func deepWrite(_ top: URL, levels: Int, _ data: [UInt8]) throws {
        try FileManager.default.createDirectory(at: top, withIntermediateDirectories: true)
        var fd = open(top.path, O_RDONLY | O_DIRECTORY)
        guard fd >= 0 else { throw CeremonyError(.failed, "cannot open \(top.path)") }
        let name = String(repeating: "d", count: 100)
        for _ in 0..<levels {
            guard mkdirat(fd, name, 0o700) == 0 || errno == EEXIST else {
                close(fd)
                throw CeremonyError(.failed, "cannot create a nested folder")
            }
            let next = openat(fd, name, O_RDONLY | O_DIRECTORY)
            close(fd)
            guard next >= 0 else { throw CeremonyError(.failed, "cannot open a nested folder") }
            fd = next
        }
        let file = openat(fd, "seeds.hex", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        close(fd)
        guard file >= 0 else { throw CeremonyError(.failed, "cannot create a file beyond PATH_MAX") }
        defer { close(file) }
        try writeAll(file, data)
    }

    private func writeAll(_ fd: Int32, _ data: [UInt8]) throws {
        var offset = 0
        while offset < data.count {
            let n = data[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress!, $0.count) }
            guard n > 0 else { throw CeremonyError(.failed, "write failed") }
            offset += n
        }
    }
}
