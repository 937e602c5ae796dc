/* draw.c — `plnet draw`'s network picture: edges coloured by conductance, role marks, colour bar and legend, as SVG through cairo. */
#include "draw.h"
#include "outfile.h"

#include <cairo-svg.h>
#include <cairo.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { W = 760, H0 = 600, PLOT = 560, MARGIN = 30 };
#define TWO_PI 6.28318530717958647692

/* viridis at five stops (matplotlib's), interpolated linearly: perceptually ordered and
 * readable in grey and by colour-blind readers. */
static void viridis(double t, double rgb[3])
{
    static const double stops[5][3] = {{0.267, 0.005, 0.329},
                                       {0.230, 0.322, 0.546},
                                       {0.128, 0.567, 0.551},
                                       {0.369, 0.789, 0.383},
                                       {0.993, 0.906, 0.144}};
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    double x = t * 4.0;
    int k = (int)x;
    if (k >= 4) {
        k = 3;
    }
    double f = x - k;
    for (int c = 0; c < 3; c++) {
        rgb[c] = stops[k][c] + f * (stops[k + 1][c] - stops[k][c]);
    }
}

static cairo_status_t write_fp(void *closure, const unsigned char *data, unsigned int length)
{
    FILE *fp = closure;
    return fwrite(data, 1, length, fp) == length ? CAIRO_STATUS_SUCCESS
                                                  : CAIRO_STATUS_WRITE_ERROR;
}

/* The value shown for edge e, before scaling. */
static double *edge_values(const pln_graph *g)
{
    pln_idx m = pln_graph_n_edges(g);
    double *v = malloc((size_t)(m > 0 ? m : 1) * sizeof *v);
    if (v == NULL) {
        return NULL;
    }
    const double *k = pln_graph_edge_attr(g, "conductance");
    const double *r = pln_graph_edge_attr(g, "resistance");
    for (pln_idx e = 0; e < m; e++) {
        v[e] = k != NULL ? k[e] : r != NULL ? 1.0 / r[e] : 1.0;
    }
    return v;
}

static void mark(cairo_t *cr, const char *role, double x, double y, double r)
{
    if (strcmp(role, "ground") == 0) {
        cairo_rectangle(cr, x - r, y - r, 2 * r, 2 * r);
        cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
        cairo_fill(cr);
    } else if (strcmp(role, "potential") == 0 || strcmp(role, "current") == 0 ||
               strcmp(role, "input") == 0 || strcmp(role, "source") == 0) {
        cairo_move_to(cr, x, y - 1.3 * r);
        cairo_line_to(cr, x + 1.2 * r, y + 0.8 * r);
        cairo_line_to(cr, x - 1.2 * r, y + 0.8 * r);
        cairo_close_path(cr);
        cairo_set_source_rgb(cr, 0.85, 0.15, 0.1);
        cairo_fill(cr);
    } else if (strcmp(role, "output") == 0 || strcmp(role, "target") == 0) {
        cairo_arc(cr, x, y, 1.1 * r, 0, TWO_PI);
        cairo_set_source_rgb(cr, 0.05, 0.35, 0.85);
        cairo_fill(cr);
        cairo_arc(cr, x, y, 0.5 * r, 0, TWO_PI);
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_fill(cr);
    } else {
        cairo_arc(cr, x, y, 0.45 * r, 0, TWO_PI);
        cairo_set_source_rgb(cr, 0.45, 0.45, 0.45);
        cairo_fill(cr);
    }
}

static void label(cairo_t *cr, double x, double y, double size, const char *text)
{
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
    cairo_move_to(cr, x, y);
    cairo_show_text(cr, text);
}

/* ------------------------------------------------------------------ elements (SPEC 1.3) */

/* Line style of an element kind (pln_element_kind): resistors solid, diodes dashed, ideal
 * diodes dotted, transistors dash-dot, tables long-dash-dot-dot. */
static void kind_dash(cairo_t *cr, int kind)
{
    static const double diode[] = {6.0, 3.0}, ideal[] = {1.5, 2.5}, nmos[] = {7.0, 2.5, 1.5, 2.5},
                        table[] = {9.0, 2.5, 1.5, 2.5, 1.5, 2.5};
    switch (kind) {
    case PLN_ELEM_DIODE:
        cairo_set_dash(cr, diode, 2, 0.0);
        break;
    case PLN_ELEM_IDEAL_DIODE:
        cairo_set_dash(cr, ideal, 2, 0.0);
        break;
    case PLN_ELEM_NMOS:
        cairo_set_dash(cr, nmos, 4, 0.0);
        break;
    case PLN_ELEM_TABLE:
        cairo_set_dash(cr, table, 6, 0.0);
        break;
    default:
        cairo_set_dash(cr, NULL, 0, 0.0);
        break;
    }
}

/* Fill of an operating region's marker (pln_region; -1: unknown, white). Distinct from the
 * role marks' colours; Okabe-Ito hues where possible. */
static void region_rgb(int region, double rgb[3])
{
    static const double c[PLN_REGION_COUNT][3] = {
        {1.00, 1.00, 1.00}, /* linear (not drawn) */
        {0.84, 0.37, 0.00}, /* forward: vermillion */
        {0.80, 0.80, 0.80}, /* reverse: light grey */
        {0.20, 0.20, 0.20}, /* cutoff: dark grey */
        {0.00, 0.62, 0.45}, /* triode: bluish green */
        {0.80, 0.47, 0.65}, /* saturation: reddish purple */
        {0.94, 0.89, 0.26}, /* table: yellow */
        {0.34, 0.71, 0.91}  /* extrapolated: sky blue */
    };
    const bool known = region >= 0 && region < PLN_REGION_COUNT;
    for (int k = 0; k < 3; k++) {
        rgb[k] = known ? c[region][k] : 1.0;
    }
}

/* The marker of an element at (x, y), pointing along (ux, uy) (tail -> head): a triangle
 * (the diode's anode -> cathode) with a bar for diodes, a square for transistors, a diamond
 * for tables; filled with its region's colour, outlined in black. */
static void element_marker(cairo_t *cr, int kind, int region, double x, double y, double ux,
                           double uy, double r)
{
    const double vx = -uy, vy = ux; /* across the edge */
    cairo_set_dash(cr, NULL, 0, 0.0);
    cairo_new_path(cr);
    if (kind == PLN_ELEM_DIODE || kind == PLN_ELEM_IDEAL_DIODE) {
        cairo_move_to(cr, x + r * ux, y + r * uy);
        cairo_line_to(cr, x - r * ux + r * vx, y - r * uy + r * vy);
        cairo_line_to(cr, x - r * ux - r * vx, y - r * uy - r * vy);
        cairo_close_path(cr);
    } else if (kind == PLN_ELEM_NMOS) {
        cairo_rectangle(cr, x - 0.8 * r, y - 0.8 * r, 1.6 * r, 1.6 * r);
    } else {
        cairo_move_to(cr, x, y - r);
        cairo_line_to(cr, x + r, y);
        cairo_line_to(cr, x, y + r);
        cairo_line_to(cr, x - r, y);
        cairo_close_path(cr);
    }
    double rgb[3];
    region_rgb(region, rgb);
    cairo_set_source_rgb(cr, rgb[0], rgb[1], rgb[2]);
    cairo_fill_preserve(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_line_width(cr, 0.8);
    cairo_stroke(cr);
    if (kind == PLN_ELEM_DIODE || kind == PLN_ELEM_IDEAL_DIODE) { /* the cathode's bar */
        cairo_move_to(cr, x + r * ux + r * vx, y + r * uy + r * vy);
        cairo_line_to(cr, x + r * ux - r * vx, y + r * uy - r * vy);
        cairo_set_line_width(cr, 1.2);
        cairo_stroke(cr);
    }
}

/* The element kind of edge e (resistor without the attribute), and its region (-1 unknown). */
static int edge_kind(const double *kinds, pln_idx e)
{
    const double v = kinds != NULL ? kinds[e] : 0.0;
    return isfinite(v) && v >= 0 && v < PLN_ELEM_N_KINDS ? (int)v : PLN_ELEM_RESISTOR;
}

static int edge_region(const double *regions, pln_idx e)
{
    const double v = regions != NULL ? regions[e] : NAN;
    return isfinite(v) && v >= 0 && v < PLN_REGION_COUNT ? (int)v : -1;
}

int plnet_draw_network(const pln_graph *g, bool log_scale, const char *title, const char *path,
                       FILE *err)
{
    pln_idx n = pln_graph_n_nodes(g);
    pln_idx m = pln_graph_n_edges(g);
    int dim = pln_graph_dim(g);
    const double *pos = pln_graph_positions(g);
    if (pos == NULL || dim < 2) {
        fprintf(err, "plnet: draw: the graph has no node positions\n");
        return 1;
    }
    double *v = edge_values(g);
    /* Nonlinear elements (the "element" edge attribute: plnet solve's and plnet train's
     * network.graphml, a netlist, a GraphML file) and their regions (plnet solve's) */
    const double *kinds = pln_graph_edge_attr(g, "element");
    const double *regions = pln_graph_edge_attr(g, "region");
    bool kind_seen[PLN_ELEM_N_KINDS] = {false};
    bool region_seen[PLN_REGION_COUNT] = {false};
    int n_kinds = 0, n_regions = 0;
    for (pln_idx e = 0; e < m; e++) {
        const int k = edge_kind(kinds, e), r = edge_region(regions, e);
        n_kinds += !kind_seen[k];
        kind_seen[k] = true;
        if (k != PLN_ELEM_RESISTOR && r >= 0) {
            n_regions += !region_seen[r];
            region_seen[r] = true;
        }
    }
    const bool elements = n_kinds > 1 || !kind_seen[PLN_ELEM_RESISTOR];
    /* the legend of kinds and regions below the roles' (which ends at y = 524) */
    const int H = elements ? (int)fmax(H0, 524 + 20 * (n_kinds + n_regions) + 16) : H0;
    double *px = malloc((size_t)n * 2 * sizeof *px);
    if (v == NULL || px == NULL) {
        free(v);
        free(px);
        fprintf(err, "plnet: out of memory\n");
        return 1;
    }
    /* The scale: log10 of the values (non-positive ones shown at the bottom), or linear. */
    double lo = INFINITY;
    double hi = -INFINITY;
    for (pln_idx e = 0; e < m; e++) {
        if (edge_kind(kinds, e) != PLN_ELEM_RESISTOR) {
            v[e] = NAN; /* an element is no conductance: drawn grey, by its line and marker */
            continue;
        }
        if (log_scale) {
            v[e] = v[e] > 0 ? log10(v[e]) : NAN;
        }
        if (isfinite(v[e])) {
            lo = fmin(lo, v[e]);
            hi = fmax(hi, v[e]);
        }
    }
    if (!(lo <= hi)) {
        lo = 0.0;
        hi = 1.0;
    }
    /* Fit the positions into the plot square, y up, keeping the aspect ratio. */
    double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
    for (pln_idx i = 0; i < n; i++) {
        x0 = fmin(x0, pos[i * dim]);
        x1 = fmax(x1, pos[i * dim]);
        y0 = fmin(y0, pos[i * dim + 1]);
        y1 = fmax(y1, pos[i * dim + 1]);
    }
    double span = fmax(fmax(x1 - x0, y1 - y0), 1e-300);
    double scale = (PLOT - 2.0 * MARGIN) / span;
    for (pln_idx i = 0; i < n; i++) {
        double cx = (x1 - x0) * scale / 2, cy = (y1 - y0) * scale / 2;
        px[2 * i] = PLOT / 2.0 - cx + (pos[i * dim] - x0) * scale;
        px[2 * i + 1] = 40 + (PLOT - 40) / 2.0 + cy - (pos[i * dim + 1] - y0) * scale;
    }
    double node_r = fmin(6.0, fmax(1.5, 120.0 / sqrt((double)n)));

    plnet_outfile f;
    if (plnet_outfile_open(&f, path, err) != 0) {
        free(v);
        free(px);
        return 1;
    }
    cairo_surface_t *s = cairo_svg_surface_create_for_stream(write_fp, f.fp, W, H);
    cairo_t *cr = cairo_create(s);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);

    /* Edges: one stroke each, in one group, so they can be told apart from the marks. */
    cairo_push_group(cr);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    for (pln_idx e = 0; e < m; e++) {
        const int kind = edge_kind(kinds, e);
        double t = isfinite(v[e]) ? (hi > lo ? (v[e] - lo) / (hi - lo) : 0.5) : 0.0;
        double rgb[3] = {0.35, 0.35, 0.35};
        if (kind == PLN_ELEM_RESISTOR) {
            viridis(t, rgb);
        }
        pln_idx a = pln_graph_tails(g)[e];
        pln_idx b = pln_graph_heads(g)[e];
        cairo_move_to(cr, px[2 * a], px[2 * a + 1]);
        cairo_line_to(cr, px[2 * b], px[2 * b + 1]);
        cairo_set_source_rgb(cr, rgb[0], rgb[1], rgb[2]);
        cairo_set_line_width(cr, kind == PLN_ELEM_RESISTOR ? 0.6 + 3.4 * t : 1.4);
        kind_dash(cr, kind);
        cairo_stroke(cr);
    }
    cairo_set_dash(cr, NULL, 0, 0.0);
    cairo_pop_group_to_source(cr);
    cairo_paint(cr);
    /* each element's marker at its edge's middle, filled by its region */
    for (pln_idx e = 0; e < m && elements; e++) {
        const int kind = edge_kind(kinds, e);
        if (kind == PLN_ELEM_RESISTOR) {
            continue;
        }
        pln_idx a = pln_graph_tails(g)[e];
        pln_idx b = pln_graph_heads(g)[e];
        double dx = px[2 * b] - px[2 * a], dy = px[2 * b + 1] - px[2 * a + 1];
        double len = hypot(dx, dy);
        dx = len > 0 ? dx / len : 1.0;
        dy = len > 0 ? dy / len : 0.0;
        element_marker(cr, kind, edge_region(regions, e), 0.5 * (px[2 * a] + px[2 * b]),
                       0.5 * (px[2 * a + 1] + px[2 * b + 1]), dx, dy,
                       fmax(2.5, fmin(6.0, 0.18 * len)));
    }

    const char *const *role = pln_graph_node_label(g, "role");
    for (pln_idx i = 0; i < n; i++) {
        mark(cr, role != NULL ? role[i] : "", px[2 * i], px[2 * i + 1], node_r);
    }

    /* Title, colour bar (value at bottom, middle, top) and legend, right of the plot. */
    label(cr, 14, 24, 14, title != NULL ? title : "network");
    double bx = PLOT + 30, by = 70, bw = 18, bh = 300;
    for (int k = 0; k < 100; k++) {
        double rgb[3];
        viridis((k + 0.5) / 100.0, rgb);
        cairo_rectangle(cr, bx, by + bh - (k + 1) * bh / 100.0, bw, bh / 100.0 + 0.5);
        cairo_set_source_rgb(cr, rgb[0], rgb[1], rgb[2]);
        cairo_fill(cr);
    }
    label(cr, bx - 10, by - 14, 11, log_scale ? "conductance (S, log)" : "conductance (S)");
    for (int k = 0; k <= 2; k++) {
        double val = lo + (hi - lo) * k / 2.0;
        char text[64];
        snprintf(text, sizeof text, "%.3g", log_scale ? pow(10.0, val) : val);
        label(cr, bx + bw + 6, by + bh - k * bh / 2.0 + 4, 10, text);
    }
    double ly = by + bh + 50;
    static const char *const roles[] = {"ground", "input", "output", ""};
    static const char *const names[] = {"ground", "source", "target", "node"};
    for (int k = 0; k < 4; k++) {
        mark(cr, roles[k], bx + 6, ly + 22 * k, 6);
        label(cr, bx + 20, ly + 22 * k + 4, 11, names[k]);
    }
    /* the kinds present (line and marker) and the regions present (marker colours) */
    double ey = ly + 22 * 4 + 16;
    for (int k = 0; k < PLN_ELEM_N_KINDS && elements; k++) {
        if (!kind_seen[k]) {
            continue;
        }
        cairo_move_to(cr, bx - 8, ey);
        cairo_line_to(cr, bx + 16, ey);
        if (k == PLN_ELEM_RESISTOR) {
            cairo_set_source_rgb(cr, 0.128, 0.567, 0.551);
        } else {
            cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
        }
        cairo_set_line_width(cr, 1.4);
        kind_dash(cr, k);
        cairo_stroke(cr);
        if (k != PLN_ELEM_RESISTOR) {
            element_marker(cr, k, -1, bx + 4, ey, 1.0, 0.0, 4.5);
        }
        label(cr, bx + 20, ey + 4, 11, pln_element_kind_name((pln_element_kind)k));
        ey += 20;
    }
    for (int r = 0; r < PLN_REGION_COUNT && elements; r++) {
        if (!region_seen[r]) {
            continue;
        }
        element_marker(cr, PLN_ELEM_TABLE, r, bx + 4, ey, 1.0, 0.0, 5.0);
        label(cr, bx + 20, ey + 4, 11, pln_region_name((pln_region)r));
        ey += 20;
    }
    cairo_destroy(cr);
    cairo_surface_finish(s);
    cairo_status_t cs = cairo_surface_status(s);
    cairo_surface_destroy(s);
    free(v);
    free(px);
    if (cs != CAIRO_STATUS_SUCCESS) {
        plnet_outfile_abort(&f);
        fprintf(err, "plnet: draw: %s: %s\n", path, cairo_status_to_string(cs));
        return 1;
    }
    return plnet_outfile_commit(&f, err);
}
