/* QR codes as SVG (libqrencode): what the equipment labels and the API's qr.svg draw. */
#ifndef SERVICE_QR_H
#define SERVICE_QR_H

#include <stddef.h>

struct sb;

#define QR_QUIET_ZONE 4 /* modules of white around the symbol, as ISO/IEC 18004 asks */

/*
 * Appends an SVG of the QR code of text (8-bit mode, error correction level M, the
 * smallest version that holds it) to out: a viewBox in modules, the quiet zone included,
 * a white background and one black path of 1x1 squares (runs of a row merged), with
 * shape-rendering crispEdges. size is the width and height attribute ("40mm"; NULL: none,
 * the SVG fills its box). standalone adds the XML declaration and namespace a file needs;
 * inside HTML the namespace is enough. title, when not NULL, is the accessible name
 * (HTML-escaped). Returns 0, or -1 when text does not fit a QR code (or is empty).
 */
int qr_svg(struct sb *out, const char *text, const char *size, const char *title, int standalone);

#endif
