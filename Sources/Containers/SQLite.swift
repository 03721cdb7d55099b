internal import CSQLite

extension Containers {
    /// Whether `bytes` start with SQLite's file header.
    package static func looksLikeSQLite(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 100 && bytes[0] == 0x53 && bytes.prefix(16).elementsEqual(sqliteHeader)
    }

    /// SQLite's 16-byte file header, `SQLite format 3` and a zero byte (built once).
    static let sqliteHeader = Array("SQLite format 3\u{0}".utf8)

    /// Reads `bytes` as a SQLite database, read-only and in memory (never the file on disk),
    /// and calls `body` once per table with its name and its cells joined by newlines: text as
    /// UTF-8 whatever the database's encoding (UTF-8 or UTF-16), blobs as stored. The schema's
    /// SQL comes first, as a table named `sqlite_schema`. Virtual tables are not read.
    /// - Throws: ``ContainerError/unreadable(_:)`` when SQLite refuses the database;
    ///   ``ContainerError/exceedsBudget(limit:)`` when the cells would pass `budget`.
    package static func sqliteTables(
        _ bytes: [UInt8], budget: inout Budget, _ body: (String, [UInt8]) throws -> Void
    ) throws {
        var handle: OpaquePointer?
        guard unsafe sqlite3_open_v2(":memory:", &handle, SQLITE_OPEN_READWRITE, nil) == SQLITE_OK,
            let db = unsafe handle
        else {
            unsafe sqlite3_close(handle)
            throw ContainerError.unreadable("SQLite: cannot open an in-memory database")
        }
        defer { unsafe sqlite3_close(db) }
        guard let copy = unsafe sqlite3_malloc64(UInt64(bytes.count)) else {
            throw ContainerError.unreadable("SQLite: no memory")
        }
        unsafe bytes.withUnsafeBytes { unsafe copy.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        let flags = UInt32(SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_READONLY)
        guard
            unsafe sqlite3_deserialize(
                db, "main", copy.assumingMemoryBound(to: UInt8.self), Int64(bytes.count), Int64(bytes.count), flags)
                == SQLITE_OK
        else { throw ContainerError.unreadable(unsafe message(db)) }
        _ = unsafe sqlite3_exec(db, "PRAGMA trusted_schema=OFF; PRAGMA query_only=ON", nil, nil, nil)
        var tables: [String] = []
        var schema: [UInt8] = []
        try unsafe rows(db, "SELECT name, coalesce(sql, '') FROM sqlite_schema WHERE type = 'table'", &budget) {
            cells in
            let name = String(decoding: cells[0], as: UTF8.self)
            let sql = String(decoding: cells[1], as: UTF8.self)
            schema += cells[0] + [0x0A] + cells[1] + [0x0A]
            if !sql.uppercased().hasPrefix("CREATE VIRTUAL") { tables.append(name) }
        }
        try body("sqlite_schema", schema)
        for table in tables {
            var content: [UInt8] = []
            let quoted =
                "\"" + table.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
            do {
                try unsafe rows(db, "SELECT * FROM \(quoted)", &budget) { cells in
                    for cell in cells where !cell.isEmpty { content += cell + [0x0A] }
                }
            } catch {
                try body(table, content)
                throw error
            }
            try body(table, content)
        }
    }

    /// Steps through `sql`'s rows, handing each row's text and blob cells (others as empty).
    private static func rows(
        _ db: OpaquePointer, _ sql: String, _ budget: inout Budget, _ row: ([[UInt8]]) throws -> Void
    ) throws {
        var handle: OpaquePointer?
        guard unsafe sqlite3_prepare_v2(db, sql, -1, &handle, nil) == SQLITE_OK, let statement = unsafe handle else {
            throw ContainerError.unreadable(unsafe message(db))
        }
        defer { unsafe sqlite3_finalize(statement) }
        let columns = unsafe sqlite3_column_count(statement)
        while true {
            let status = unsafe sqlite3_step(statement)
            if status == SQLITE_DONE { return }
            guard status == SQLITE_ROW else { throw ContainerError.unreadable(unsafe message(db)) }
            var cells: [[UInt8]] = []
            for column in 0..<columns {
                var cell: [UInt8] = []
                switch unsafe sqlite3_column_type(statement, column) {
                case SQLITE_TEXT:
                    if let text = unsafe sqlite3_column_text(statement, column) {
                        let count = Int(unsafe sqlite3_column_bytes(statement, column))
                        cell = unsafe Array(UnsafeBufferPointer(start: text, count: count))
                    }
                case SQLITE_BLOB:
                    if let blob = unsafe sqlite3_column_blob(statement, column) {
                        let count = Int(unsafe sqlite3_column_bytes(statement, column))
                        cell = unsafe Array(UnsafeRawBufferPointer(start: blob, count: count))
                    }
                default: break
                }
                guard budget.take(cell.count) else { throw ContainerError.exceedsBudget(limit: budget.limit) }
                cells.append(cell)
            }
            try row(cells)
        }
    }

    private static func message(_ db: OpaquePointer) -> String {
        "SQLite: " + (unsafe sqlite3_errmsg(db).map { unsafe String(cString: $0) } ?? "error")
    }
}
