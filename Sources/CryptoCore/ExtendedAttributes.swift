internal import CProcessControl

#if canImport(Glibc)
import Glibc
#endif

/// The extended attributes of a file system entry (`llistxattr(2)`, `lgetxattr(2)`): a
/// link's own, never its target's. The audit's default deny reports every one.
package enum ExtendedAttributes {
    /// Every attribute of the entry at `path` (bytes, no NUL): its name and value. An entry
    /// without attributes, or whose file system has none, gives an empty list.
    package static func all(path: [UInt8]) -> [(name: String, value: [UInt8])] {
        let cPath = path.map { CChar(bitPattern: $0) } + [0]
        let size = unsafe llistxattr(cPath, nil, 0)
        guard size > 0 else { return [] }
        var list = [CChar](repeating: 0, count: size)
        let got = unsafe list.withUnsafeMutableBufferPointer { unsafe llistxattr(cPath, $0.baseAddress, size) }
        guard got > 0 else { return [] }
        let names = list.prefix(got).split(separator: 0).map { Array($0) + [0] }
        return names.map { name in
            let text = String(decoding: name.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
            let length = unsafe lgetxattr(cPath, name, nil, 0)
            guard length > 0 else { return (text, []) }
            var value = [UInt8](repeating: 0, count: length)
            let read = unsafe value.withUnsafeMutableBytes { unsafe lgetxattr(cPath, name, $0.baseAddress, length) }
            return (text, Array(value.prefix(max(0, read))))
        }
    }
}

extension ExtendedAttributes {
    /// Sets attribute `name` of the entry at `path` (its own, not a link's target) to `value`.
    /// - Returns: false when the file system refuses (errno is set).
    package static func set(path: [UInt8], name: String, value: [UInt8]) -> Bool {
        let cPath = path.map { CChar(bitPattern: $0) } + [0]
        return unsafe value.withUnsafeBytes { unsafe lsetxattr(cPath, name, $0.baseAddress, $0.count, 0) } == 0
    }
}
