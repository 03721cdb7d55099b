/// Values written in groups of letters and digits with a separator between them, as people
/// and tools space them out for reading: a passphrase as `ABCD EFGH JKLM` or `abcd.efgh.jklm`
/// (its own dashes are a needle already), a key's hex as `9b6cad3f 12ab34cd ...`, one group a
/// line. No needle holds the separators, so the groups are
/// joined again: the joined text is a source of its own, searched and decoded like any other
/// (joined hex decodes to its bytes).
extension Decoding {
    /// The fewest groups a run must have, and the lengths one group may have.
    static let groupedMinimum = 4
    static let groupLengths = 3...16

    /// What may stand between two groups: one blank, line break or punctuation byte, that
    /// punctuation and a space, or a CR LF (the same all along a run). `+`, `/` and `=` are not
    /// among them: base64 holds them. Nor is `-`: a passphrase's own groups are joined by it,
    /// and its needle finds them as they are.
    private static let groupSeparators: [Bool] = {
        var table = [Bool](repeating: false, count: 256)
        for byte in " \t\n.,:;_|".utf8 { table[Int(byte)] = true }
        return table
    }()

    /// Runs of at least ``groupedMinimum`` groups of letters and digits in the text regions,
    /// joined without their separators, each with the offset of its first group: every group
    /// but the last of one length in ``groupLengths``, the last of that length or shorter,
    /// one separator between each two (the same all along the run: a byte, a punctuation byte
    /// and a space, or CR LF). A run
    /// gives at least 16 bytes. Prose rarely has four words of one length in a row, so ordinary
    /// text gives few and short runs.
    static func groupedRuns(_ bytes: [UInt8], regions: [Range<Int>]? = nil) -> [(Int, [UInt8])] {
        let regions = regions ?? textRegions(bytes)
        let separators = groupSeparators
        return bytes.withUnsafeBufferPointer { b in
            var out: [(Int, [UInt8])] = []
            func isGroupByte(_ c: UInt8) -> Bool {
                (c &- 0x30) < 10 || ((c | 0x20) &- 0x61) < 26
            }
            for region in regions {
                let end = region.upperBound
                // The run in progress: where its first group starts, its groups' length, its
                // separator (a byte; 0x0D0A for CR LF; a punctuation byte << 8 | 0x20 for it and a
                // space) and that separator's width, how many groups it has, where its last ends.
                // Its groups and separators are of one width each, so the run is where they are:
                // nothing is copied until it closes with enough groups.
                var runStart = -1
                var length = 0
                var separator = -1
                var width = 0
                var groups = 0
                var lastEnd = 0
                func close() {
                    if runStart >= 0 && groups >= groupedMinimum && lastEnd - runStart - (groups - 1) * width >= 16 {
                        var joined: [UInt8] = []
                        joined.reserveCapacity(groups * length)
                        for group in 0..<groups {
                            let start = runStart + group * (length + width)
                            joined += b[start..<min(lastEnd, start + length)]
                        }
                        out.append((runStart, joined))
                    }
                    runStart = -1
                    groups = 0
                }
                var i = region.lowerBound
                // The separator that ended the group before (-1: none, the run cannot go on), and its width.
                var gap = -1
                var gapWidth = 0
                while i < end {
                    guard isGroupByte(b[i]) else {
                        // A gap between groups: one separator byte, punctuation and a space, or
                        // CR LF; anything else ends the run.
                        var k = i
                        if b[k] == 0x0D && k + 1 < end && b[k + 1] == 0x0A {
                            gap = 0x0D0A
                            k += 2
                        } else if separators[Int(b[k])] {
                            gap = Int(b[k])
                            k += 1
                            // Punctuation and a space, as a list is written (`ABCD, EFGH`).
                            let blank = gap == 0x20 || gap == 0x09 || gap == 0x0A
                            if k < end && b[k] == 0x20 && !blank {
                                gap = gap << 8 | 0x20
                                k += 1
                            }
                        } else {
                            gap = -1
                            k += 1
                        }
                        if k < end && !isGroupByte(b[k]) {
                            // More between the groups: no separator.
                            gap = -1
                            while k < end && !isGroupByte(b[k]) { k += 1 }
                        }
                        gapWidth = k - i
                        if gap == -1 {
                            close()
                        } else if runStart >= 0 && gap != separator && groups > 1 {
                            // Another separator: the run ends, and its last group may start the
                            // next (`note: ABCD.EFGH...`, where `note` and `ABCD` took `: `).
                            let last = lastEnd - length
                            close()
                            runStart = last
                            groups = 1
                        }
                        i = k
                        continue
                    }
                    var k = i
                    while k < end && isGroupByte(b[k]) { k += 1 }
                    let count = k - i
                    // Whether this group goes on the run: after a separator like the run's, and
                    // of the run's length (or shorter, as its last).
                    let continues =
                        runStart >= 0 && gap != -1 && (groups == 1 || gap == separator) && count <= length
                    if continues && count == length {
                        if groups == 1 {
                            separator = gap
                            width = gapWidth
                        }
                        groups += 1
                        lastEnd = k
                    } else if continues && groups + 1 >= groupedMinimum {
                        // A shorter group ends a run that has enough groups: its last.
                        groups += 1
                        lastEnd = k
                        close()
                    } else {
                        // Else the group may start a run of its own (`passphrase ABCD EFGH ...`).
                        close()
                        if groupLengths.contains(count) {
                            runStart = i
                            length = count
                            groups = 1
                            lastEnd = k
                        }
                    }
                    i = k
                }
                close()
            }
            return out
        }
    }
}
