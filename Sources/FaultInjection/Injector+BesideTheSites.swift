import Ceremony
import CryptoCore
import Foundation
import Printing

// The faults that keep a copy beside the sites' folders, where the audit searches by schema,
// not by value: the print run (`printed/`, `mock-secrets/`), the assembled cards (`cards/`)
// and the auditor's folder (`audit/`).
extension Injector {
    /// Applies one of the faults of phase `afterClose` that keep a copy beside the sites.
    func keepBesideTheSites(_ fault: Fault, batch: Int) throws {
        switch fault {
        case .aKeepsLabelSpoolCopy:
            // Where the spool was (the folder destroy-spools removed, made again when it did).
            try write(
                layout.printed(.siteA), "\(CeremonyLayout.batchName(batch)).labels.bak",
                try BoundedFile.read(spoolLabels(batch)))
        case .bHidesSeedbInCards:
            try write(layout.cards, ".thumbnails", seedLines(batch))
        case .bMarksCardFaces:
            for (serial, seedb) in try seeds(batch) {
                let front = layout.cards.appendingPathComponent(serial.description + ".front.svg")
                let svg = String(decoding: try BoundedFile.read(front), as: UTF8.self)
                try Data(
                    svg.replacingOccurrences(of: "</svg>", with: "<!-- \(seedb.revealedHex()) -->\n</svg>").utf8
                ).write(to: front)
            }
        case .bHidesSeedbInDenomination:
            let ceremony = try Transcript.load(layout)
            let faces = Dictionary(
                try CardFace.readSpool(spoolFaces(batch)).map { ($0.serial, $0) },
                uniquingKeysWith: { first, _ in first })
            for (serial, seedb) in try seeds(batch) {
                guard let face = faces[serial] else { continue }
                // Drawn by card-print's own code: the file is a front, with another banner.
                let svg = try CardArt.front(
                    serial: serial, network: ceremony.body.network, address: face.address,
                    denomination: seedb.revealedHex())
                try Data(svg.utf8).write(to: layout.cards.appendingPathComponent(serial.description + ".front.svg"))
            }
        case .bKeepsSeedbInAudit:
            try write(layout.audit, "notes.txt", seedLines(batch))
        default:
            throw CeremonyError(.failed, "\(fault.rawValue) keeps no copy beside the sites")
        }
    }

    /// `afterMint`: site B adds a member to each face of its spool of `batch`, its seedb in
    /// hex; card-print's reader ignores a member it does not know, so assembly goes on.
    func padFaceSpool(_ batch: Int) throws {
        let spool = layout.faces(batch)
        let seeds = Dictionary(try seeds(batch).map { ($0.0.description, $0.1.revealedHex()) }) { first, _ in first }
        guard var faces = try JSONSerialization.jsonObject(with: BoundedFile.read(spool)) as? [[String: Any]] else {
            throw CeremonyError(.failed, "\(spool.path): not a list of faces")
        }
        for index in faces.indices {
            guard let serial = faces[index]["serial"] as? String else { continue }
            faces[index]["note"] = seeds[serial]
        }
        try AtomicFile.write(
            try JSONSerialization.data(withJSONObject: faces, options: [.prettyPrinted, .sortedKeys]), to: spool,
            mode: .secret)
    }

    /// Every seedb of `batch` in hex, a card to a line.
    private func seedLines(_ batch: Int) throws -> Data {
        Data(try seeds(batch).map { "\($0.0) \($0.1.revealedHex())\n" }.joined().utf8)
    }
}
