// A value split between any two files of a folder's search, not only between neighbours
// (ShareSearch+Folder.swift searches each neighbouring pair's join through every decoder).

extension ShareSearch {
    /// One file's ends, as the join searches read them.
    struct FileEnds {
        let display: String
        /// The file's first ``joinSpan`` bytes.
        let head: [UInt8]
        /// The file's last ``joinSpan`` bytes.
        let tail: [UInt8]
    }

    /// Past this many files, a split between two that are not neighbours is not looked for
    /// (a finding: ``splitsUnsearched(_:)``); the look costs about files × candidates × files.
    static let splitFileLimit = 4096

    /// Why the splits between files that are not neighbours were not searched, or nil.
    static func splitsUnsearched(_ count: Int) -> String? {
        count > splitFileLimit
            ? "more than \(splitFileLimit) files: a value split between two of them that are not neighbours is not searched"
            : nil
    }

    /// Every needle whose bytes one file ends with the first part of and another file (of
    /// `files`, in any folder, in either order) begins with the rest: a value cut in two at a
    /// file boundary and kept in files that do not follow each other. A hit names the pair
    /// (`first + second`) and its offset in the first's tail, as the neighbours' join search
    /// names one; `skip` holds the ordered pairs (indices into `files`) that search already read.
    /// The needles' bytes as they are (a caseless needle in any ASCII case); not through the
    /// decoders, which the neighbours' join search applies; a file is not paired with itself.
    /// Each hit comes with the two files' displays (a file's name may itself hold ` + `).
    func splitsAcross(_ files: [FileEnds], skip: Set<[Int]>) -> [(hit: Hit, files: [String])] {
        guard files.count >= 2, files.count <= Self.splitFileLimit else { return [] }
        // The files by their first byte (lower-cased too, for caseless needles).
        var headsByFirst: [[Int]] = Array(repeating: [], count: 256)
        var caselessHeadsByFirst: [[Int]] = Array(repeating: [], count: 256)
        for (index, file) in files.enumerated() {
            guard let first = file.head.first else { continue }
            headsByFirst[Int(first)].append(index)
            caselessHeadsByFirst[Int(asciiLower(first))].append(index)
        }
        let values = needles.map { $0.caseless ? $0.bytes.map(asciiLower) : $0.bytes }
        let longest = values.map(\.count).max() ?? 0
        var out: [(hit: Hit, files: [String])] = []
        for (x, file) in files.enumerated() {
            let tail = file.tail
            // Where each byte stands in the tail's last `longest - 1` bytes, as it is and
            // lower-cased: where a needle's first part may start.
            var exact: [[Int]] = Array(repeating: [], count: 256)
            var folded: [[Int]] = Array(repeating: [], count: 256)
            for at in max(0, tail.count - (longest - 1))..<tail.count {
                exact[Int(tail[at])].append(at)
                folded[Int(asciiLower(tail[at]))].append(at)
            }
            for (n, needle) in needles.enumerated() where needle.differenceOf == nil && values[n].count >= 2 {
                let value = values[n]
                let caseless = needle.caseless
                func same(_ b: UInt8, _ v: UInt8) -> Bool { (caseless ? asciiLower(b) : b) == v }
                for start in (caseless ? folded : exact)[Int(value[0])] {
                    // The cut: the tail ends with the value's first k bytes, the rest to come.
                    let k = tail.count - start
                    guard k < value.count, (1..<k).allSatisfy({ same(tail[start + $0], value[$0]) }) else { continue }
                    let rest = value[k...]
                    for y in (caseless ? caselessHeadsByFirst : headsByFirst)[Int(rest.first!)]
                    where y != x && !skip.contains([x, y]) {
                        let head = files[y].head
                        guard head.count >= rest.count, zip(head, rest).allSatisfy({ same($0, $1) }) else { continue }
                        let hit = Hit(
                            serial: needle.serial, share: needle.share, name: needle.name,
                            file: "\(file.display) + \(files[y].display)", offset: start)
                        out.append((hit, [file.display, files[y].display]))
                    }
                }
            }
        }
        return out
    }
}
