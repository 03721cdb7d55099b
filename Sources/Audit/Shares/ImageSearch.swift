import Ceremony
import DiskImage
import Foundation

/// A raw disk or partition image the auditor adds to a view (`ceremony-audit --image site-a=PATH`).
package struct ImageInput: Sendable, Hashable {
    /// Whose view the image joins: a site's, or `medium` (a medium both sites used: both views).
    package enum View: String, Sendable, CaseIterable {
        case siteA = "site-a"
        case siteB = "site-b"
        case medium
    }

    package let view: View
    package let path: URL

    package init(view: View, path: URL) {
        self.view = view
        self.path = path
    }

    /// `site-a=PATH`, `site-b=PATH` or `medium=PATH`; nil for anything else.
    package init?(argument: String) {
        guard let equals = argument.firstIndex(of: "="),
            let view = View(rawValue: String(argument[..<equals])),
            argument.index(after: equals) < argument.endIndex
        else { return nil }
        self.init(view: view, path: URL(fileURLWithPath: String(argument[argument.index(after: equals)...])))
    }

    /// How the command line names it.
    package var argument: String { "\(view.rawValue)=\(path.path)" }
}

extension Auditor {
    /// Refuses an image that is missing or unreadable before any check runs.
    /// - Throws: ``CeremonyError`` `.readFailed` naming the image (`site-a=PATH`) and the cause.
    package static func checkImages(_ images: [ImageInput]) throws(CeremonyError) {
        for image in images {
            do {
                _ = try DiskImage(path: image.path)
            } catch {
                throw CeremonyError(.readFailed, file: "image \(image.argument)", error.message)
            }
        }
    }
}

extension AuditReport {
    /// One image the audit searched: `image:site-a` in the findings.
    package struct ImageSearched: Codable, Sendable, Equatable {
        /// How findings name it: `image:site-a`, `image:site-a#2` for a view's second image.
        package let name: String
        /// The image's path as given, escaped as every text from a file name is (``Finding``).
        package let path: String
        package let bytes: Int64
        /// What The Sleuth Kit found in it: `ext4`, `dos: ext4 at byte 1048576`, or `raw only`.
        package let fileSystem: String
        /// Names listed, and how many of them are deleted.
        package let names: Int
        package let deletedNames: Int
    }

    /// The report's section on disk images (none when no image was given).
    var imagesMarkdown: [String] {
        guard !images.isEmpty else { return [] }
        var lines = ["## Disk images", ""]
        lines.append("| image | path | bytes | file system | names (deleted) |")
        lines.append("|---|---|---|---|---|")
        for image in images {
            lines.append(
                "| `\(image.name)` | `\(Self.shown(image.path))` | \(image.bytes) | \(Self.shown(image.fileSystem)) | \(image.names) (\(image.deletedNames)) |"
            )
        }
        lines.append("")
        lines.append(
            "Each image is searched as raw bytes, unallocated space included; each file The Sleuth Kit lists, deleted ones too, is searched again by name and content."
        )
        lines.append("")
        return lines
    }
}

/// An image's bytes, first to last: unallocated space, slack and deleted blocks included.
struct ImageBytes: ByteSource {
    let image: DiskImage
    let display: String
    func chunks(_ body: ([UInt8]) throws -> Bool) throws { try image.readRaw(body) }
}

/// One file The Sleuth Kit lists in an image, read through its file system.
struct ImageFile: ByteSource {
    let image: DiskImage
    let entry: DiskImage.Entry
    let display: String
    func chunks(_ body: ([UInt8]) throws -> Bool) throws { try image.read(entry, body) }
}

extension AuditRun {
    /// S1, S2: the hits in each site's disk images (a `medium` image counts in both views),
    /// and the list of images searched for the report.
    mutating func searchImages(
        _ search: ShareSearch
    ) -> (siteA: [Hit], siteB: [Hit], searched: [AuditReport.ImageSearched]) {
        var siteA: [Hit] = []
        var siteB: [Hit] = []
        var searched: [AuditReport.ImageSearched] = []
        for (index, input) in options.images.enumerated() {
            let sameView = options.images.filter { $0.view == input.view }
            let rank = options.images[..<index].filter { $0.view == input.view }.count + 1
            let name = "image:\(input.view.rawValue)" + (sameView.count > 1 ? "#\(rank)" : "")
            let checks: [Check] =
                switch input.view {
                case .siteA: [.siteA]
                case .siteB: [.siteB]
                case .medium: [.siteA, .siteB]
                }
            let (hits, summary) = searchImage(input, name: name, search, checks: checks)
            if let summary { searched.append(summary) }
            if input.view != .siteB { siteA += hits }
            if input.view != .siteA { siteB += hits }
        }
        return (siteA, siteB, searched)
    }

    /// One image: its raw bytes, then each name the file systems hold and each file's content.
    private mutating func searchImage(
        _ input: ImageInput, name: String, _ search: ShareSearch, checks: [Check]
    ) -> ([Hit], AuditReport.ImageSearched?) {
        let image: DiskImage
        var hits: [Hit] = []
        do {
            image = try DiskImage(path: input.path)
            hits += try search.scan(source: ImageBytes(image: image, display: name))
        } catch {
            let cause = (error as? DiskImageError)?.message ?? "\(error)"
            for check in checks {
                findings.append(Finding(check, .high, "disk image not searched: \(cause)", file: name))
            }
            return ([], nil)
        }
        let entries = image.entries()
        // A name that holds a share is a finding, and is never shown: the path of the
        // entry and of everything below it shows `<withheld name>` in its place.
        let nameHits = entries.map { search.scan($0.name, file: "") }
        let withheld = Set(zip(entries, nameHits).filter { !$0.1.isEmpty }.map(\.0.name))
        for (entry, found) in zip(entries, nameHits) {
            let shown = Self.imagePath(name, entry, in: image, withheld: withheld)
            hits += found.map {
                Hit(serial: $0.serial, share: $0.share, name: $0.name, file: shown + " (a file name)", offset: 0)
            }
            if let target = entry.linkTarget {
                hits += search.scan(target, file: shown + " (symlink target)")
            }
            guard entry.kind == .file, entry.contentIsItsOwn, entry.size > 0 else { continue }
            // A deleted file whose blocks The Sleuth Kit cannot follow is still in the raw bytes.
            if let found = try? search.scan(source: ImageFile(image: image, entry: entry, display: shown)) {
                hits += found
            }
        }
        for problem in image.problems {
            for check in checks {
                findings.append(
                    Finding(
                        check, .high, "disk image partly listed: \(problem); its raw bytes were searched", file: name))
            }
        }
        let summary = AuditReport.ImageSearched(
            name: name, path: quoted(input.path.path, limit: .max), bytes: image.size, fileSystem: image.summary,
            names: entries.count,
            deletedNames: entries.filter(\.deleted).count)
        return (hits, summary)
    }

    /// `image:site-a!/dir/name (deleted)`; in a disk's partition 2, `image:site-a!p2/dir/name`.
    static func imagePath(
        _ image: String, _ entry: DiskImage.Entry, in disk: DiskImage, withheld: Set<[UInt8]>
    ) -> String {
        let components = (entry.parents + [entry.name]).map {
            withheld.contains($0) ? "<withheld name>" : String(decoding: $0, as: UTF8.self)
        }
        let partition = disk.fileSystems[entry.fileSystem].partition.map { "p\($0)" } ?? ""
        return image + "!" + partition + "/" + components.joined(separator: "/") + (entry.deleted ? " (deleted)" : "")
    }
}
