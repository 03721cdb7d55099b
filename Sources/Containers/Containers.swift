/// Readers for the containers a site could hide a share in: archives and compressed
/// streams (libarchive), raw zlib streams (zlib) and SQLite databases (SQLite).
///
/// Every reader works on bytes in memory and hands each member it finds to a visitor,
/// counting what it produces against a ``Budget``: a reader stops, and throws
/// ``ContainerError/exceedsBudget(limit:)``, before its output passes the budget, so a
/// decompression bomb costs at most the budget in time and memory. The C calls are in
/// `Archive+LibArchive.swift`, `Zlib.swift` and `SQLite.swift`.
package enum Containers {}

/// How many bytes the readers may still produce for one file (members and nested members together).
package struct Budget: Sendable {
    /// The whole allowance, as set.
    package let limit: Int
    /// What is left of it.
    package private(set) var remaining: Int

    package init(limit: Int) {
        self.limit = max(0, limit)
        remaining = self.limit
    }

    /// Takes `count` bytes; false (taking none) when fewer remain.
    package mutating func take(_ count: Int) -> Bool {
        guard count <= remaining else { return false }
        remaining -= count
        return true
    }
}

/// Why a container could not be read to its end. Messages hold no content of the container.
package enum ContainerError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The output would pass the budget (a decompression bomb, or simply too much).
    case exceedsBudget(limit: Int)
    /// The container is damaged, encrypted or in a form the library cannot read.
    case unreadable(String)

    package var description: String {
        switch self {
        case .exceedsBudget(let limit): "its decoded content passes the bound of \(limit) bytes"
        case .unreadable(let reason): "it cannot be read to its end: \(reason)"
        }
    }
}
