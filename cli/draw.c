/* draw.c — `plnet draw`'s network picture: edges coloured by a chosen edge quantity (conductance, stiffness, rest length, strain, tension, ...), elements by kind (dash, marker) and region (marker fill), role marks for sources, targets, grounds and pins, a colour bar with units and a legend; SVG, PDF or PNG through canvas.c. */
#include "draw.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *plnet_quantity_unit(const char *name)
{
    static const struct {
        const char *name, *unit;
    } units[] = {{"conductance", "S"},   {"resistance", "Ω"},  {"stiffness", "N/m"},
                 {"rest_length", "m"},   {"length", "m"},       {"strain", "1"},
                 {"tension", "N"},       {"energy", "J"},       {"radius", "m"},
                 {"current", "A"},       {"drop", "V"},         {"power", "W"},
                 {"potential", "V"},     {"gate", "V"},         {"ux", "m"},
                 {"uy", "m"},            {"uz", "m"}};
    for (size_t k = 0; k < sizeof units / sizeof units[0]; k++) {
        if (strcmp(name, units[k].name) == 0) {
            return units[k].unit;
        }
    }
    return NULL;
}

/* viridis at five stops (matplotlib's), interpolated linearly: perceptually ordered and
 * readable in grey and by colour-blind readers. */
static plnet_rgb viridis(double t)
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
    return (plnet_rgb){stops[k][0] + f * (stops[k + 1][0] - stops[k][0]),
                       stops[k][1] + f * (stops[k + 1][1] - stops[k][1]),
                       stops[k][2] + f * (stops[k + 1][2] - stops[k][2])};
}

static const plnet_rgb BLACK = {0, 0, 0}, WHITE = {1, 1, 1}, GREY = {0.45, 0.45, 0.45},
                       RED = {0.85, 0.15, 0.1}, BLUE = {0.05, 0.35, 0.85},
                       ORANGE = {0.95, 0.55, 0.05};

/* The quantity shown per edge: its values (m), its name and unit for the colour bar. */
static int edge_values(const pln_graph *g, const char *want, double **out, const char **name,
                       FILE *err)
{
    pln_idx m = pln_graph_n_edges(g);
    double *v = malloc((size_t)(m > 0 ? m : 1) * sizeof *v);
    if (v == NULL) {
        fprintf(err, "plnet: out of memory\n");
        return 1;
    }
    const double *a = NULL;
    bool inverse = false;
    if (want != NULL) {
        a = pln_graph_edge_attr(g, want);
        if (a == NULL) {
            fprintf(err, "plnet: draw: --edge-attr %s: the graph's edges have no '%s'; they "
                    "have:", want, want);
            for (int k = 0; k < pln_graph_n_edge_attrs(g); k++) {
                fprintf(err, " %s", pln_graph_edge_attr_name(g, k));
            }
            fprintf(err, "%s\n", pln_graph_n_edge_attrs(g) == 0 ? " none" : "");
            free(v);
            return 2;
        }
        *name = want;
    } else if ((a = pln_graph_edge_attr(g, "conductance")) != NULL) {
        *name = "conductance";
    } else if ((a = pln_graph_edge_attr(g, "stiffness")) != NULL) {
        *name = "stiffness";
    } else if ((a = pln_graph_edge_attr(g, "resistance")) != NULL) {
        *name = "conductance";
        inverse = true;
    } else {
        *name = NULL;
    }
    for (pln_idx e = 0; e < m; e++) {
        v[e] = a == NULL ? 1.0 : inverse ? 1.0 / a[e] : a[e];
    }
    *out = v;
    return 0;
}

static bool is_source(const char *role)
{
    return strcmp(role, "potential") == 0 || strcmp(role, "current") == 0 ||
           strcmp(role, "input") == 0 || strcmp(role, "source") == 0;
}

static void mark(plnet_canvas *c, const char *role, double x, double y, double r)
{
    if (strcmp(role, "ground") == 0) {
        cv_rect(c, x - r, y - r, 2 * r, 2 * r, true, (plnet_rgb){0.1, 0.1, 0.1}, 0, BLACK,
                "ground");
    } else if (is_source(role)) {
        const double xy[6] = {x, y - 1.3 * r, x + 1.2 * r, y + 0.8 * r, x - 1.2 * r, y + 0.8 * r};
        cv_polygon(c, xy, 3, true, RED, 0, BLACK, "source");
    } else if (strcmp(role, "output") == 0 || strcmp(role, "target") == 0) {
        cv_circle(c, x, y, 1.1 * r, true, BLUE, 0, BLACK, "target");
        cv_circle(c, x, y, 0.5 * r, true, WHITE, 0, BLACK, NULL);
    } else if (strcmp(role, "pin") == 0) {
        /* A support: a black wedge under the node. */
        const double xy[6] = {x, y, x + 1.3 * r, y + 1.8 * r, x - 1.3 * r, y + 1.8 * r};
        cv_polygon(c, xy, 3, true, BLACK, 0, BLACK, "pin");
        cv_circle(c, x, y, 0.55 * r, true, WHITE, 0.8, BLACK, NULL);
    } else if (strcmp(role, "force") == 0) {
        const double xy[8] = {x, y - 1.3 * r, x + 1.3 * r, y, x, y + 1.3 * r, x - 1.3 * r, y};
        cv_polygon(c, xy, 4, true, ORANGE, 0, BLACK, "force");
    } else {
        cv_circle(c, x, y, 0.45 * r, true, GREY, 0, BLACK, "node");
    }
}

/* ------------------------------------------------------------------ elements (SPEC 1.3) */

/* Line style of an element kind (pln_element_kind): resistors solid, diodes dashed, ideal
 * diodes dotted, transistors dash-dot, tables long-dash-dot-dot. */
static int kind_dash(int kind)
{
    switch (kind) {
    case PLN_ELEM_DIODE:
        return CV_DASHED;
    case PLN_ELEM_IDEAL_DIODE:
        return CV_DOTTED;
    case PLN_ELEM_NMOS:
        return CV_DASHDOT;
    case PLN_ELEM_TABLE:
        return CV_DASHDOTDOT;
    default:
        return CV_SOLID;
    }
}

/* Fill of an operating region's marker (pln_region; -1: unknown, white). Distinct from the
 * role marks' colours; Okabe-Ito hues where possible. */
static plnet_rgb region_rgb(int region)
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
    if (region >= 0 && region < PLN_REGION_COUNT) {
        return (plnet_rgb){c[region][0], c[region][1], c[region][2]};
    }
    return WHITE;
}

/* The marker of an element at (x, y), pointing along (ux, uy) (tail -> head): a triangle
 * (the diode's anode -> cathode) with a bar for diodes, a square for transistors, a diamond
 * for tables; filled with its region's colour, outlined in black. */
static void element_marker(plnet_canvas *c, int kind, int region, double x, double y, double ux,
                           double uy, double r)
{
    const double vx = -uy, vy = ux; /* across the edge */
    const plnet_rgb fill = region_rgb(region);
    if (kind == PLN_ELEM_DIODE || kind == PLN_ELEM_IDEAL_DIODE) {
        const double xy[6] = {x + r * ux,          y + r * uy,          x - r * ux + r * vx,
                              y - r * uy + r * vy, x - r * ux - r * vx, y - r * uy - r * vy};
        cv_polygon(c, xy, 3, true, fill, 0.8, BLACK, "element");
        cv_line(c, x + r * ux + r * vx, y + r * uy + r * vy, x + r * ux - r * vx,
                y + r * uy - r * vy, BLACK, 1.2, CV_SOLID, NULL); /* the cathode's bar */
    } else if (kind == PLN_ELEM_NMOS) {
        cv_rect(c, x - 0.8 * r, y - 0.8 * r, 1.6 * r, 1.6 * r, true, fill, 0.8, BLACK, "element");
    } else {
        const double xy[8] = {x, y - r, x + r, y, x, y + r, x - r, y};
        cv_polygon(c, xy, 4, true, fill, 0.8, BLACK, "element");
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

static double fig_size(double given, double dflt)
{
    return given > 0 ? given : dflt;
}

int plnet_draw_network(const pln_graph *g, bool log_scale, const char *edge_attr,
                       const char *title, const plnet_figure *fig, const char *path, FILE *err)
{
    pln_idx n = pln_graph_n_nodes(g);
    pln_idx m = pln_graph_n_edges(g);
    int dim = pln_graph_dim(g);
    const double *pos = pln_graph_positions(g);
    if (pos == NULL || dim < 2) {
        fprintf(err, "plnet: draw: the graph has no node positions\n");
        return 1;
    }
    double *v = NULL;
    const char *qname = NULL;
    int rc = edge_values(g, edge_attr, &v, &qname, err);
    if (rc != 0) {
        return rc;
    }
    double *px = malloc((size_t)(n > 0 ? n : 1) * 2 * sizeof *px);
    if (px == NULL) {
        free(v);
        fprintf(err, "plnet: out of memory\n");
        return 1;
    }
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
    /* the legend of kinds and regions below the roles' (which ends near y = 530) */
    const double W = fig_size(fig->width, 760);
    const double H = fig_size(fig->height,
                              elements ? fmax(600.0, 530 + 20 * (n_kinds + n_regions) + 16) : 600);
    /* The layout square left, the colour bar and legend in the 200 units right of it. */
    const double top = 40, side = fmax(50.0, fmin(W - 200.0, H - top));
    const double margin = 0.05 * side;
    /* The scale: log10 of the values (non-positive ones shown at the bottom), or linear. */
    double lo = INFINITY;
    double hi = -INFINITY;
    int nonpos = 0;
    for (pln_idx e = 0; e < m; e++) {
        if (edge_kind(kinds, e) != PLN_ELEM_RESISTOR) {
            v[e] = NAN; /* an element is no conductance: drawn grey, by its line and marker */
            continue;
        }
        if (log_scale) {
            nonpos += !(v[e] > 0);
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
    /* Fit the positions into the square, y up, keeping the aspect ratio. */
    double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
    for (pln_idx i = 0; i < n; i++) {
        x0 = fmin(x0, pos[i * dim]);
        x1 = fmax(x1, pos[i * dim]);
        y0 = fmin(y0, pos[i * dim + 1]);
        y1 = fmax(y1, pos[i * dim + 1]);
    }
    double span = fmax(fmax(x1 - x0, y1 - y0), 1e-300);
    double scale = (side - 2.0 * margin) / span;
    for (pln_idx i = 0; i < n; i++) {
        double cx = (x1 - x0) * scale / 2, cy = (y1 - y0) * scale / 2;
        px[2 * i] = side / 2.0 - cx + (pos[i * dim] - x0) * scale;
        px[2 * i + 1] = top + side / 2.0 + cy - (pos[i * dim + 1] - y0) * scale;
    }
    double node_r = fmin(6.0, fmax(1.5, 120.0 / sqrt((double)(n > 0 ? n : 1)))) * side / 560.0;
    double wscale = side / 560.0;

    plnet_canvas *c = plnet_canvas_open(fig->format, W, H, path, err);
    if (c == NULL) {
        free(v);
        free(px);
        return 1;
    }
    /* Springs with a role: a wide casing under the edge. */
    const double *src = pln_graph_edge_attr(g, "source");
    const double *tgt = pln_graph_edge_attr(g, "target");
    bool any_src = false, any_tgt = false;
    cv_group(c, "edge-roles", NULL);
    for (pln_idx e = 0; e < m; e++) {
        bool s = src != NULL && src[e] != 0.0, t = tgt != NULL && tgt[e] != 0.0;
        if (!s && !t) {
            continue;
        }
        any_src |= s;
        any_tgt |= t;
        pln_idx a = pln_graph_tails(g)[e], b = pln_graph_heads(g)[e];
        cv_line(c, px[2 * a], px[2 * a + 1], px[2 * b], px[2 * b + 1], s ? RED : BLUE,
                8.0 * wscale, CV_SOLID, s ? "source" : "target");
    }
    cv_group_end(c);
    /* Edges: one stroke each, in one group. */
    cv_group(c, "edges", NULL);
    for (pln_idx e = 0; e < m; e++) {
        double t = isfinite(v[e]) ? (hi > lo ? (v[e] - lo) / (hi - lo) : 0.5) : 0.0;
        pln_idx a = pln_graph_tails(g)[e];
        pln_idx b = pln_graph_heads(g)[e];
        const int kind = edge_kind(kinds, e);
        if (kind == PLN_ELEM_RESISTOR) {
            cv_line(c, px[2 * a], px[2 * a + 1], px[2 * b], px[2 * b + 1], viridis(t),
                    (0.6 + 3.4 * t) * wscale, CV_SOLID, "edge");
        } else {
            cv_line(c, px[2 * a], px[2 * a + 1], px[2 * b], px[2 * b + 1],
                    (plnet_rgb){0.35, 0.35, 0.35}, 1.4, kind_dash(kind), "edge");
        }
    }
    cv_group_end(c);
    /* each element's marker at its edge's middle, filled by its region */
    cv_group(c, "elements", NULL);
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
        element_marker(c, kind, edge_region(regions, e), 0.5 * (px[2 * a] + px[2 * b]),
                       0.5 * (px[2 * a + 1] + px[2 * b + 1]), dx, dy,
                       fmax(2.5, fmin(6.0, 0.18 * len)));
    }
    cv_group_end(c);

    const char *const *role = pln_graph_node_label(g, "role");
    bool present[6] = {false}; /* ground, source, target, pin, force, node */
    cv_group(c, "nodes", NULL);
    for (pln_idx i = 0; i < n; i++) {
        const char *r = role != NULL ? role[i] : "";
        mark(c, r, px[2 * i], px[2 * i + 1], node_r);
        int k = strcmp(r, "ground") == 0                                ? 0
                : is_source(r)                                          ? 1
                : strcmp(r, "output") == 0 || strcmp(r, "target") == 0 ? 2
                : strcmp(r, "pin") == 0                                 ? 3
                : strcmp(r, "force") == 0                               ? 4
                                                                        : 5;
        present[k] = true;
    }
    cv_group_end(c);

    /* Title, colour bar (value at bottom, middle, top) and legend, right of the plot. */
    cv_text(c, 14, 24, 14, CV_START, 0, title != NULL ? title : "network");
    double bx = side + 30, by = top + 30, bw = 18, bh = fmin(300.0, 0.5 * (H - top));
    cv_group(c, "colorbar", NULL);
    for (int k = 0; k < 100; k++) {
        cv_rect(c, bx, by + bh - (k + 1) * bh / 100.0, bw, bh / 100.0 + 0.5, true,
                viridis((k + 0.5) / 100.0), 0, BLACK, NULL);
    }
    cv_rect(c, bx, by, bw, bh, false, WHITE, 0.6, BLACK, NULL);
    char cap[160];
    const char *unit = qname != NULL ? plnet_quantity_unit(qname) : NULL;
    if (qname == NULL) {
        snprintf(cap, sizeof cap, "(no edge values)");
    } else {
        snprintf(cap, sizeof cap, "%s%s%s%s%s", qname, unit != NULL ? " (" : "",
                 unit != NULL ? unit : "", unit != NULL ? ")" : "", log_scale ? ", log scale" : "");
    }
    cv_text(c, bx - 10, by - 14, 11, CV_START, 0, cap);
    for (int k = 0; k <= 2; k++) {
        double val = lo + (hi - lo) * k / 2.0;
        char text[64];
        snprintf(text, sizeof text, "%.3g", log_scale ? pow(10.0, val) : val);
        cv_line(c, bx + bw, by + bh - k * bh / 2.0, bx + bw + 4, by + bh - k * bh / 2.0, BLACK,
                0.6, CV_SOLID, NULL);
        cv_text(c, bx + bw + 7, by + bh - k * bh / 2.0 + 4, 10, CV_START, 0, text);
    }
    if (nonpos > 0) {
        char note[64];
        snprintf(note, sizeof note, "%d edges <= 0: at the bottom", nonpos);
        cv_text(c, bx - 10, by + bh + 18, 10, CV_START, 0, note);
    }
    cv_group_end(c);
    double ly = by + bh + 40;
    static const char *const roles[] = {"ground", "input", "output", "pin", "force", ""};
    static const char *const names[] = {"ground", "source", "target", "pin", "force", "node"};
    cv_group(c, "legend", NULL);
    for (int k = 0; k < 6; k++) {
        if (!present[k]) {
            continue;
        }
        mark(c, roles[k], bx + 6, ly, 6);
        cv_text(c, bx + 20, ly + 4, 11, CV_START, 0, names[k]);
        ly += 22;
    }
    for (int k = 0; k < 2; k++) {
        if (!(k == 0 ? any_src : any_tgt)) {
            continue;
        }
        cv_line(c, bx, ly, bx + 14, ly, k == 0 ? RED : BLUE, 6, CV_SOLID, NULL);
        cv_text(c, bx + 20, ly + 4, 11, CV_START, 0, k == 0 ? "source edge" : "target edge");
        ly += 22;
    }
    /* the kinds present (line and marker) and the regions present (marker colours) */
    double ey = ly + 16;
    for (int k = 0; k < PLN_ELEM_N_KINDS && elements; k++) {
        if (!kind_seen[k]) {
            continue;
        }
        cv_line(c, bx - 8, ey, bx + 16, ey,
                k == PLN_ELEM_RESISTOR ? (plnet_rgb){0.128, 0.567, 0.551}
                                       : (plnet_rgb){0.35, 0.35, 0.35},
                1.4, kind_dash(k), NULL);
        if (k != PLN_ELEM_RESISTOR) {
            element_marker(c, k, -1, bx + 4, ey, 1.0, 0.0, 4.5);
        }
        cv_text(c, bx + 20, ey + 4, 11, CV_START, 0, pln_element_kind_name((pln_element_kind)k));
        ey += 20;
    }
    for (int r = 0; r < PLN_REGION_COUNT && elements; r++) {
        if (!region_seen[r]) {
            continue;
        }
        element_marker(c, PLN_ELEM_TABLE, r, bx + 4, ey, 1.0, 0.0, 5.0);
        cv_text(c, bx + 20, ey + 4, 11, CV_START, 0, pln_region_name((pln_region)r));
        ey += 20;
    }
    cv_group_end(c);
    free(v);
    free(px);
    return plnet_canvas_close(c, err);
}
