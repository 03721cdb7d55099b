// cairo's PDF surface and librsvg (SVG onto cairo): card-print's PDF pages (Sources/PDFRendering).
#include <cairo.h>
#include <cairo-pdf.h>
#include <glib.h>
#include <glib-object.h>

// librsvg's own header (librsvg/rsvg.h) includes gio and gdk-pixbuf, whose pkg-config
// flags carry -pthread, which SwiftPM drops with a warning (and warnings fail the build).
// So the module is found through cairo-pdf's flags, and these are the two functions and
// two types of librsvg 2.46 and later (Debian 12 has 2.54) that card-print calls, as
// rsvg.h declares them; the library is linked as usual (module.modulemap).
typedef struct _RsvgHandle RsvgHandle;

typedef struct _RsvgRectangle RsvgRectangle;
struct _RsvgRectangle {
    double x;
    double y;
    double width;
    double height;
};

RsvgHandle *rsvg_handle_new_from_data(const guint8 *data, gsize data_len, GError **error);
gboolean rsvg_handle_render_document(RsvgHandle *handle, cairo_t *cr, const RsvgRectangle *viewport,
                                     GError **error);
