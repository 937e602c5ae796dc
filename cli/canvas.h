/* canvas.h — the drawing surface of plnet draw's figures: SVG written directly (text kept as <text>, groups with ids), PDF (fonts embedded as fonts) and PNG through cairo; one set of calls for all three. */
#ifndef PLNET_CLI_CANVAS_H
#define PLNET_CLI_CANVAS_H

#include <stdbool.h>
#include <stdio.h>

typedef enum plnet_format { PLNET_FORMAT_SVG, PLNET_FORMAT_PDF, PLNET_FORMAT_PNG } plnet_format;

/* "svg", "pdf" or "png" -> *f; returns false for anything else. */
bool plnet_format_parse(const char *s, plnet_format *f);
/* The file name extension, without the dot. */
const char *plnet_format_ext(plnet_format f);

typedef struct plnet_canvas plnet_canvas;

/* A w x h canvas (SVG user units and PNG pixels, PDF points: 1/72 in) written atomically to
 * path by plnet_canvas_close. Returns NULL with a message on err. */
plnet_canvas *plnet_canvas_open(plnet_format f, double w, double h, const char *path,
                                FILE *err);
/* Finish and commit the file (0), or report and drop it (1). The canvas is freed. */
int plnet_canvas_close(plnet_canvas *c, FILE *err);

typedef struct plnet_rgb {
    double r, g, b;
} plnet_rgb;

/* Dash patterns of strokes: solid, 6-3, 1.5-2.5, 7-2.5-1.5-2.5, 9-2.5-1.5-2.5-1.5-2.5. */
enum { CV_SOLID = 0, CV_DASHED = 1, CV_DOTTED = 2, CV_DASHDOT = 3, CV_DASHDOTDOT = 4 };
/* Text anchors. */
enum { CV_START = 0, CV_MIDDLE = 1, CV_END = 2 };

/* A named group (SVG <g id="id" class="cls">; cls may be NULL); nothing in PDF and PNG. */
void cv_group(plnet_canvas *c, const char *id, const char *cls);
void cv_group_end(plnet_canvas *c);
/* An open stroked polyline through n points (xy interleaved); cls (may be NULL) is the SVG
 * class. */
void cv_polyline(plnet_canvas *c, const double *xy, int n, plnet_rgb col, double width,
                 int dash, const char *cls);
void cv_line(plnet_canvas *c, double x0, double y0, double x1, double y1, plnet_rgb col,
             double width, int dash, const char *cls);
/* A closed polygon, filled with fill (when fill_on) and stroked with stroke (when width > 0). */
void cv_polygon(plnet_canvas *c, const double *xy, int n, bool fill_on, plnet_rgb fill,
                double width, plnet_rgb stroke, const char *cls);
void cv_rect(plnet_canvas *c, double x, double y, double w, double h, bool fill_on,
             plnet_rgb fill, double width, plnet_rgb stroke, const char *cls);
void cv_circle(plnet_canvas *c, double x, double y, double r, bool fill_on, plnet_rgb fill,
               double width, plnet_rgb stroke, const char *cls);
/* Text at (x, y) (the baseline), size in canvas units, anchored at its start, middle or end,
 * rotated by angle degrees (counter-clockwise on the page) about (x, y). */
void cv_text(plnet_canvas *c, double x, double y, double size, int anchor, double angle,
             const char *s);

#endif
