/* canvas.c — the drawing surface of plnet draw's figures: SVG written directly (text kept as <text>, groups with ids), PDF (fonts embedded as fonts) and PNG through cairo; one set of calls for all three. */
#include "canvas.h"
#include "outfile.h"

#include <cairo-pdf.h>

#include <cairo.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PI_ 3.14159265358979323846

struct plnet_canvas {
    plnet_format format;
    double w, h;
    plnet_outfile f;
    FILE *fp; /* the SVG text */
    cairo_surface_t *s;
    cairo_t *cr;
};

bool plnet_format_parse(const char *s, plnet_format *f)
{
    if (strcmp(s, "svg") == 0) {
        *f = PLNET_FORMAT_SVG;
    } else if (strcmp(s, "pdf") == 0) {
        *f = PLNET_FORMAT_PDF;
    } else if (strcmp(s, "png") == 0) {
        *f = PLNET_FORMAT_PNG;
    } else {
        return false;
    }
    return true;
}

const char *plnet_format_ext(plnet_format f)
{
    return f == PLNET_FORMAT_PDF ? "pdf" : f == PLNET_FORMAT_PNG ? "png" : "svg";
}

static cairo_status_t write_fp(void *closure, const unsigned char *data, unsigned int length)
{
    FILE *fp = closure;
    return fwrite(data, 1, length, fp) == length ? CAIRO_STATUS_SUCCESS
                                                  : CAIRO_STATUS_WRITE_ERROR;
}

plnet_canvas *plnet_canvas_open(plnet_format f, double w, double h, const char *path,
                                FILE *err)
{
    plnet_canvas *c = calloc(1, sizeof *c);
    if (c == NULL) {
        fprintf(err, "plnet: out of memory\n");
        return NULL;
    }
    c->format = f;
    c->w = w;
    c->h = h;
    if (plnet_outfile_open(&c->f, path, err) != 0) {
        free(c);
        return NULL;
    }
    if (f == PLNET_FORMAT_SVG) {
        c->fp = c->f.fp;
        fprintf(c->fp,
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%g\" height=\"%g\" "
                "viewBox=\"0 0 %g %g\" font-family=\"DejaVu Sans, Helvetica, Arial, "
                "sans-serif\">\n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
                w, h, w, h);
        return c;
    }
    if (f == PLNET_FORMAT_PDF) {
        c->s = cairo_pdf_surface_create_for_stream(write_fp, c->f.fp, w, h);
    } else {
        c->s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)ceil(w), (int)ceil(h));
    }
    c->cr = cairo_create(c->s);
    cairo_set_source_rgb(c->cr, 1, 1, 1);
    cairo_paint(c->cr);
    return c;
}

int plnet_canvas_close(plnet_canvas *c, FILE *err)
{
    int rc = 0;
    if (c->format == PLNET_FORMAT_SVG) {
        fputs("</svg>\n", c->fp);
    } else {
        cairo_destroy(c->cr);
        cairo_status_t cs;
        if (c->format == PLNET_FORMAT_PNG) {
            cs = cairo_surface_write_to_png_stream(c->s, write_fp, c->f.fp);
        } else {
            cairo_surface_finish(c->s);
            cs = cairo_surface_status(c->s);
        }
        cairo_surface_destroy(c->s);
        if (cs != CAIRO_STATUS_SUCCESS) {
            fprintf(err, "plnet: draw: %s: %s\n", c->f.path, cairo_status_to_string(cs));
            rc = 1;
        }
    }
    if (rc == 0) {
        rc = plnet_outfile_commit(&c->f, err);
    } else {
        plnet_outfile_abort(&c->f);
    }
    free(c);
    return rc;
}

/* ------------------------------------------------------------------ SVG pieces */

static void svg_escape(FILE *fp, const char *s)
{
    for (; *s != '\0'; s++) {
        switch (*s) {
        case '<':
            fputs("&lt;", fp);
            break;
        case '>':
            fputs("&gt;", fp);
            break;
        case '&':
            fputs("&amp;", fp);
            break;
        case '"':
            fputs("&quot;", fp);
            break;
        default:
            fputc(*s, fp);
        }
    }
}

static int byte(double v)
{
    return (int)lround(fmin(fmax(v, 0.0), 1.0) * 255.0);
}

static void svg_class(FILE *fp, const char *cls)
{
    if (cls != NULL) {
        fputs(" class=\"", fp);
        svg_escape(fp, cls);
        fputc('"', fp);
    }
}

static const char *svg_dash(int dash)
{
    switch (dash) {
    case CV_DASHED:
        return ";stroke-dasharray:6,3";
    case CV_DOTTED:
        return ";stroke-dasharray:1.5,2.5";
    case CV_DASHDOT:
        return ";stroke-dasharray:7,2.5,1.5,2.5";
    case CV_DASHDOTDOT:
        return ";stroke-dasharray:9,2.5,1.5,2.5,1.5,2.5";
    default:
        return "";
    }
}

static void svg_stroke(FILE *fp, plnet_rgb col, double width, int dash)
{
    fprintf(fp, " style=\"fill:none;stroke:rgb(%d,%d,%d);stroke-width:%g;stroke-linecap:round;"
                "stroke-linejoin:round%s\"",
            byte(col.r), byte(col.g), byte(col.b), width, svg_dash(dash));
}

static void svg_paint(FILE *fp, bool fill_on, plnet_rgb fill, double width, plnet_rgb stroke)
{
    fputs(" style=\"", fp);
    if (fill_on) {
        fprintf(fp, "fill:rgb(%d,%d,%d)", byte(fill.r), byte(fill.g), byte(fill.b));
    } else {
        fputs("fill:none", fp);
    }
    if (width > 0) {
        fprintf(fp, ";stroke:rgb(%d,%d,%d);stroke-width:%g", byte(stroke.r), byte(stroke.g),
                byte(stroke.b), width);
    }
    fputc('"', fp);
}

/* ------------------------------------------------------------------ cairo pieces */

static void cr_dash(cairo_t *cr, int dash)
{
    static const double dashed[] = {6, 3}, dotted[] = {1.5, 2.5}, dashdot[] = {7, 2.5, 1.5, 2.5},
                        dashdotdot[] = {9, 2.5, 1.5, 2.5, 1.5, 2.5};
    switch (dash) {
    case CV_DASHED:
        cairo_set_dash(cr, dashed, 2, 0);
        break;
    case CV_DOTTED:
        cairo_set_dash(cr, dotted, 2, 0);
        break;
    case CV_DASHDOT:
        cairo_set_dash(cr, dashdot, 4, 0);
        break;
    case CV_DASHDOTDOT:
        cairo_set_dash(cr, dashdotdot, 6, 0);
        break;
    default:
        cairo_set_dash(cr, NULL, 0, 0);
    }
}

static void cr_paint(cairo_t *cr, bool fill_on, plnet_rgb fill, double width, plnet_rgb stroke)
{
    cairo_set_dash(cr, NULL, 0, 0);
    if (fill_on) {
        cairo_set_source_rgb(cr, fill.r, fill.g, fill.b);
        if (width > 0) {
            cairo_fill_preserve(cr);
        } else {
            cairo_fill(cr);
        }
    }
    if (width > 0) {
        cairo_set_source_rgb(cr, stroke.r, stroke.g, stroke.b);
        cairo_set_line_width(cr, width);
        cairo_stroke(cr);
    }
    cairo_new_path(cr);
}

/* ------------------------------------------------------------------ the calls */

void cv_group(plnet_canvas *c, const char *id, const char *cls)
{
    if (c->fp != NULL) {
        fputs("<g", c->fp);
        if (id != NULL) {
            fputs(" id=\"", c->fp);
            svg_escape(c->fp, id);
            fputc('"', c->fp);
        }
        svg_class(c->fp, cls);
        fputs(">\n", c->fp);
    }
}

void cv_group_end(plnet_canvas *c)
{
    if (c->fp != NULL) {
        fputs("</g>\n", c->fp);
    }
}

void cv_polyline(plnet_canvas *c, const double *xy, int n, plnet_rgb col, double width,
                 int dash, const char *cls)
{
    if (n < 2) {
        return;
    }
    if (c->fp != NULL) {
        fputs("<path d=\"", c->fp);
        for (int k = 0; k < n; k++) {
            fprintf(c->fp, "%s%.2f %.2f", k == 0 ? "M " : " L ", xy[2 * k], xy[2 * k + 1]);
        }
        fputc('"', c->fp);
        svg_class(c->fp, cls);
        svg_stroke(c->fp, col, width, dash);
        fputs("/>\n", c->fp);
        return;
    }
    cairo_t *cr = c->cr;
    cairo_move_to(cr, xy[0], xy[1]);
    for (int k = 1; k < n; k++) {
        cairo_line_to(cr, xy[2 * k], xy[2 * k + 1]);
    }
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_set_line_width(cr, width);
    cairo_set_source_rgb(cr, col.r, col.g, col.b);
    cr_dash(cr, dash);
    cairo_stroke(cr);
    cr_dash(cr, CV_SOLID);
}

void cv_line(plnet_canvas *c, double x0, double y0, double x1, double y1, plnet_rgb col,
             double width, int dash, const char *cls)
{
    const double xy[4] = {x0, y0, x1, y1};
    cv_polyline(c, xy, 2, col, width, dash, cls);
}

void cv_polygon(plnet_canvas *c, const double *xy, int n, bool fill_on, plnet_rgb fill,
                double width, plnet_rgb stroke, const char *cls)
{
    if (c->fp != NULL) {
        fputs("<path d=\"", c->fp);
        for (int k = 0; k < n; k++) {
            fprintf(c->fp, "%s%.2f %.2f", k == 0 ? "M " : " L ", xy[2 * k], xy[2 * k + 1]);
        }
        fputs(" Z\"", c->fp);
        svg_class(c->fp, cls);
        svg_paint(c->fp, fill_on, fill, width, stroke);
        fputs("/>\n", c->fp);
        return;
    }
    cairo_move_to(c->cr, xy[0], xy[1]);
    for (int k = 1; k < n; k++) {
        cairo_line_to(c->cr, xy[2 * k], xy[2 * k + 1]);
    }
    cairo_close_path(c->cr);
    cr_paint(c->cr, fill_on, fill, width, stroke);
}

void cv_rect(plnet_canvas *c, double x, double y, double w, double h, bool fill_on,
             plnet_rgb fill, double width, plnet_rgb stroke, const char *cls)
{
    const double xy[8] = {x, y, x + w, y, x + w, y + h, x, y + h};
    cv_polygon(c, xy, 4, fill_on, fill, width, stroke, cls);
}

void cv_circle(plnet_canvas *c, double x, double y, double r, bool fill_on, plnet_rgb fill,
               double width, plnet_rgb stroke, const char *cls)
{
    if (c->fp != NULL) {
        fprintf(c->fp, "<circle cx=\"%.2f\" cy=\"%.2f\" r=\"%.2f\"", x, y, r);
        svg_class(c->fp, cls);
        svg_paint(c->fp, fill_on, fill, width, stroke);
        fputs("/>\n", c->fp);
        return;
    }
    cairo_new_sub_path(c->cr);
    cairo_arc(c->cr, x, y, r, 0, 2 * PI_);
    cr_paint(c->cr, fill_on, fill, width, stroke);
}

void cv_text(plnet_canvas *c, double x, double y, double size, int anchor, double angle,
             const char *s)
{
    if (c->fp != NULL) {
        static const char *const anchors[] = {"start", "middle", "end"};
        fprintf(c->fp, "<text x=\"%.2f\" y=\"%.2f\" font-size=\"%g\"", x, y, size);
        if (anchor != CV_START) {
            fprintf(c->fp, " text-anchor=\"%s\"", anchors[anchor]);
        }
        if (angle != 0) {
            fprintf(c->fp, " transform=\"rotate(%g %.2f %.2f)\"", -angle, x, y);
        }
        fputc('>', c->fp);
        svg_escape(c->fp, s);
        fputs("</text>\n", c->fp);
        return;
    }
    cairo_t *cr = c->cr;
    cairo_save(cr);
    cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
    cairo_text_extents_t te;
    cairo_text_extents(cr, s, &te);
    cairo_translate(cr, x, y);
    cairo_rotate(cr, -angle * PI_ / 180.0);
    double dx = anchor == CV_MIDDLE ? -te.x_advance / 2 : anchor == CV_END ? -te.x_advance : 0;
    cairo_move_to(cr, dx, 0);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_show_text(cr, s);
    cairo_restore(cr);
}
