/* QR code to SVG: one path, so a sheet of labels stays small and sharp at any scale. */
#include "service/qr.h"

#include <string.h>

#include <qrencode.h>

#include "core/sb.h"

int qr_svg(struct sb *out, const char *text, const char *size, const char *title, int standalone)
{
    QRcode *q;
    int w, dim;

    if (!text || !*text)
        return -1;
    q = QRcode_encodeData((int)strlen(text), (const unsigned char *)text, 0, QR_ECLEVEL_M);
    if (!q)
        return -1;
    w = q->width;
    dim = w + 2 * QR_QUIET_ZONE;
    if (standalone)
        sb_adds(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    sb_printf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\"", dim, dim);
    if (size)
        sb_printf(out, " width=\"%s\" height=\"%s\"", size, size);
    sb_adds(out, " shape-rendering=\"crispEdges\" role=\"img\"");
    if (title) {
        sb_adds(out, " aria-label=\"");
        sb_add_html(out, title, strlen(title));
        sb_adds(out, "\"><title>");
        sb_add_html(out, title, strlen(title));
        sb_adds(out, "</title>");
    } else {
        sb_adds(out, ">");
    }
    sb_printf(out, "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><path fill=\"#000\" d=\"", dim,
              dim);
    for (int y = 0; y < w; y++) {
        for (int x = 0; x < w;) {
            int run = 0;
            /* bit 0 of each module's byte: dark */
            while (x + run < w && (q->data[y * w + x + run] & 1))
                run++;
            if (run) {
                sb_printf(out, "M%d %dh%dv1h-%dz", x + QR_QUIET_ZONE, y + QR_QUIET_ZONE, run, run);
                x += run;
            } else {
                x++;
            }
        }
    }
    sb_adds(out, "\"/></svg>");
    if (standalone)
        sb_adds(out, "\n");
    QRcode_free(q);
    return 0;
}
