internal import CRsvg

/// Every librsvg and cairo call of the package: SVG pages onto a cairo PDF stream.
enum CairoPDF {
    /// Collects the bytes cairo writes (the closure of its write callback).
    private final class Sink {
        var bytes: [UInt8] = []
    }

    /// Renders `pages` onto PDF pages of `width` × `height` points.
    static func render(pages: [String], width: Double, height: Double) throws(PDFDocument.Failure) -> [UInt8] {
        let sink = Sink()
        let context = unsafe Unmanaged.passUnretained(sink).toOpaque()
        let write: cairo_write_func_t = { closure, data, length in
            guard let closure = unsafe closure, let data = unsafe data else { return CAIRO_STATUS_WRITE_ERROR }
            let sink = unsafe Unmanaged<Sink>.fromOpaque(closure).takeUnretainedValue()
            unsafe sink.bytes.append(contentsOf: UnsafeBufferPointer(start: data, count: Int(length)))
            return CAIRO_STATUS_SUCCESS
        }
        guard let surface = unsafe cairo_pdf_surface_create_for_stream(write, context, width, height) else {
            throw PDFDocument.Failure(page: nil, reason: "cairo cannot make a PDF surface")
        }
        defer { unsafe cairo_surface_destroy(surface) }
        try check(unsafe cairo_surface_status(surface), page: nil)
        unsafe cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "card-print")
        guard let cr = unsafe cairo_create(surface) else {
            throw PDFDocument.Failure(page: nil, reason: "cairo cannot make a drawing context")
        }
        defer { unsafe cairo_destroy(cr) }
        for (index, page) in pages.enumerated() {
            try unsafe draw(page, on: cr, width: width, height: height, page: index + 1)
            unsafe cairo_show_page(cr)
            try check(unsafe cairo_status(cr), page: index + 1)
        }
        unsafe cairo_surface_finish(surface)
        try check(unsafe cairo_surface_status(surface), page: nil)
        return withExtendedLifetime(sink) { sink.bytes }
    }

    /// Parses `svg` with librsvg and draws the whole document to fill the page.
    private static func draw(
        _ svg: String, on cr: OpaquePointer, width: Double, height: Double, page: Int
    ) throws(PDFDocument.Failure) {
        var error: UnsafeMutablePointer<GError>? = nil
        let bytes = Array(svg.utf8)
        let handle = unsafe bytes.withUnsafeBufferPointer { buffer in
            unsafe rsvg_handle_new_from_data(buffer.baseAddress, gsize(buffer.count), &error)
        }
        guard let handle = unsafe handle else {
            throw PDFDocument.Failure(page: page, reason: "librsvg cannot read the SVG (\(unsafe consume(error)))")
        }
        defer { unsafe g_object_unref(UnsafeMutableRawPointer(handle)) }
        var viewport = RsvgRectangle(x: 0, y: 0, width: width, height: height)
        guard unsafe rsvg_handle_render_document(handle, cr, &viewport, &error) != 0 else {
            throw PDFDocument.Failure(page: page, reason: "librsvg cannot draw the SVG (\(unsafe consume(error)))")
        }
    }

    /// The GError's domain and code (its message may quote the SVG), freed here.
    private static func consume(_ error: UnsafeMutablePointer<GError>?) -> String {
        guard let error = unsafe error else { return "no error detail" }
        defer { unsafe g_error_free(error) }
        let domain = unsafe g_quark_to_string(error.pointee.domain).map { unsafe String(cString: $0) } ?? "?"
        return unsafe "\(domain) error \(error.pointee.code)"
    }

    private static func check(_ status: cairo_status_t, page: Int?) throws(PDFDocument.Failure) {
        guard status != CAIRO_STATUS_SUCCESS else { return }
        let text =
            unsafe cairo_status_to_string(status).map { unsafe String(cString: $0) } ?? "status \(status.rawValue)"
        throw PDFDocument.Failure(page: page, reason: "cairo: \(text)")
    }
}
