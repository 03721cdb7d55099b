/// Quoted-printable text with few escapes: a mail body or a `quopri` file of plain text,
/// wrapped at 76 characters by soft line breaks (`=` at a line's end). A passphrase cut by
/// such a break is in no line whole, and the escape decoder (``Decoding/escapedRuns(_:regions:)``)
/// reads only runs of 8 or more `=HH`. This decoder joins the lines a soft break cuts, in
/// the text regions, and decodes the `=HH` escapes among them.
extension Decoding {
    /// The longest line, its `=` included, that a quoted-printable encoder writes (RFC 2045).
    static let softBreakLineLimit = 76

    /// Each stretch of lines joined by soft line breaks, as the offset of its first line and
    /// its quoted-printable decoding: the `=` and line break (`\n` or `\r\n`) of each soft
    /// break taken out, `=HH` (either case) read as its byte, every other byte as it is.
    ///
    /// A soft break counts when its line (from the line's start to the `=`) is 2 to
    /// ``softBreakLineLimit`` bytes long; a stretch is the lines that end in one, and the line
    /// after the last. So a text with no line ending in `=` gives nothing, and the last line
    /// of a base64 block that ends in `=` gives one short stretch. What is given is never
    /// more than the stretches' bytes.
    static func softBrokenLines(_ bytes: [UInt8], regions: [Range<Int>]? = nil) -> [(Int, [UInt8])] {
        let regions = regions ?? textRegions(bytes)
        return bytes.withUnsafeBufferPointer { b in
            var out: [(Int, [UInt8])] = []
            for region in regions {
                var lineStart = region.lowerBound
                var stretch: Int?  // where the current stretch's first line starts
                while lineStart < region.upperBound {
                    let k = index(of: 0x0A, in: b, from: lineStart, to: region.upperBound)
                    guard k < region.upperBound else { break }
                    let contentEnd = k > lineStart && b[k - 1] == 0x0D ? k - 1 : k
                    let length = contentEnd - lineStart
                    let soft = length >= 2 && length <= softBreakLineLimit && b[contentEnd - 1] == 0x3D
                    if soft {
                        if stretch == nil { stretch = lineStart }
                    } else if let start = stretch {
                        out.append((start, quotedPrintable(b, start..<contentEnd)))
                        stretch = nil
                    }
                    lineStart = k + 1
                }
                if let start = stretch { out.append((start, quotedPrintable(b, start..<region.upperBound))) }
            }
            return out
        }
    }

    /// `range` of `b` decoded as quoted-printable: soft breaks out, `=HH` as its byte.
    private static func quotedPrintable(_ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(range.count)
        var k = range.lowerBound
        while k < range.upperBound {
            let c = b[k]
            guard c == 0x3D else {
                out.append(c)
                k += 1
                continue
            }
            if k + 1 < range.upperBound && b[k + 1] == 0x0A {
                k += 2
            } else if k + 2 < range.upperBound && b[k + 1] == 0x0D && b[k + 2] == 0x0A {
                k += 3
            } else if k + 2 < range.upperBound, let high = hexValue(b[k + 1]), let low = hexValue(b[k + 2]) {
                out.append(high << 4 | low)
                k += 3
            } else {
                out.append(c)
                k += 1
            }
        }
        return out
    }
}
