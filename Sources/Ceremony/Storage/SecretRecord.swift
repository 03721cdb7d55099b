import CryptoCore
import Foundation

/// A small text format for files that hold secrets (A's passphrase journal,
/// the scratch-off label spool), built and parsed inside zeroing buffers so
/// the secrets never pass through a Swift `String`.
///
/// Each record is lines `name: value`, records separated by a blank line.
/// Values may not contain newlines.
package struct SecretRecord: Sendable {
    package private(set) var fields: [(name: String, value: SecretBytes)] = []

    package init() {}

    package mutating func add(_ name: String, _ value: SecretBytes) { fields.append((name, value)) }
    package mutating func add(_ name: String, _ text: String) {
        fields.append((name, SecretBytes(copying: Array(text.utf8))))
    }

    package subscript(name: String) -> SecretBytes? { fields.first { $0.name == name }?.value }

    /// A public field as text.
    package func text(_ name: String) -> String? {
        self[name].map { String(decoding: $0.revealedBytes(), as: UTF8.self) }
    }

    /// Serialises records into one secret buffer.
    package static func encode(_ records: [SecretRecord]) -> SecretBytes {
        var out = SecretBytes()
        for (index, record) in records.enumerated() {
            if index > 0 { out = out.appending(Array("\n".utf8)) }
            for field in record.fields {
                out = out.appending(Array("\(field.name): ".utf8)).appending(field.value).appending(Array("\n".utf8))
            }
        }
        return out
    }

    /// Parses records from a secret buffer, refusing what is not a record: a line without
    /// `name: `, a name given twice in one record, or a buffer with no record at all.
    /// The refusal names the line, never its value.
    package static func decode(_ data: SecretBytes) throws(CeremonyError) -> [SecretRecord] {
        var records: [SecretRecord] = []
        var current = SecretRecord()
        var lineStart = 0
        var lineNumber = 0
        let newline = UInt8(ascii: "\n")
        for index in 0...data.count {
            guard index == data.count || data[index] == newline else { continue }
            lineNumber += 1
            if index == lineStart {
                if !current.fields.isEmpty { records.append(current) }
                current = SecretRecord()
            } else {
                // name ": " value
                var colon = lineStart
                while colon < index && data[colon] != UInt8(ascii: ":") { colon += 1 }
                guard colon > lineStart, colon + 1 < index, data[colon + 1] == UInt8(ascii: " ") else {
                    throw CeremonyError(.damagedRecord, "line \(lineNumber) is not 'name: value'")
                }
                let name = String(decoding: data[lineStart..<colon].revealedBytes(), as: UTF8.self)
                guard current[name] == nil else {
                    throw CeremonyError(.damagedRecord, "line \(lineNumber) repeats field '\(name)'")
                }
                current.add(name, data[(colon + 2)..<index])
            }
            lineStart = index + 1
        }
        if !current.fields.isEmpty { records.append(current) }
        guard !records.isEmpty else { throw CeremonyError(.damagedRecord, "holds no record") }
        return records
    }

    /// The most a record file may hold: 16 MiB.
    package static let limit = 16 << 20

    /// Writes records to a 0600 file atomically (never into a folder that is a link).
    package static func write(_ records: [SecretRecord], to url: URL) throws(CeremonyError) {
        try AtomicFile.write(encode(records), to: url, mode: .secret)
    }

    /// Writes records to 0600 file `name` in `folder`, atomically, through its descriptor.
    package static func write(_ records: [SecretRecord], in folder: DirectoryHandle, name: String) throws(CeremonyError)
    {
        try folder.write(encode(records), to: name, mode: .secret)
    }

    /// Reads records from a file (limit 16 MiB), never through a link in the file's place.
    package static func read(_ url: URL) throws(CeremonyError) -> [SecretRecord] {
        let folder: DirectoryHandle
        do { folder = try DirectoryHandle.open(url.deletingLastPathComponent(), policy: .followed) } catch
            where
            error.code == .missingFile
        { throw .missing(path: url.path) }
        return try read(in: folder, name: url.lastPathComponent)
    }

    /// Reads records from file `name` in `folder` (limit 16 MiB), through its descriptor.
    package static func read(in folder: DirectoryHandle, name: String) throws(CeremonyError) -> [SecretRecord] {
        do {
            return try decode(folder.readSecret(name, limit: limit))
        } catch  where error.code == .missingFile {
            throw error
        } catch  where error.code == .damagedRecord {
            throw error.naming(file: folder.path(of: name))
        } catch {
            throw CeremonyError(.damagedRecord, error.description, underlying: error)
        }
    }
}
