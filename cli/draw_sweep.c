/* draw_sweep.c — `plnet draw SWEEP_DIR`: a collected value against one axis of a sweep, one curve per value of a second axis, the median over seeds as a line and their range as a band (SVG through cairo). */
#include "commands.h"
#include "outfile.h"
#include "sweep.h"

#include <cairo-svg.h>
#include <cairo.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char usage[] =
    "usage: plnet draw SWEEP_DIR [--y COLUMN]... [--x AXIS] [--curves AXIS|none]\n"
    "                  [--at AXIS=VALUE]... [--png] [-o DIR]\n\n"
    "Draw a sweep folder (plnet sweep): for each collected column (or each --y), the value\n"
    "at the end of every point against one axis (--x, default the sweep's first), one curve\n"
    "per value of a second axis (--curves, default the next one), the median over seeds as a\n"
    "line with a band from the smallest to the largest seed. Other axes are held at their\n"
    "first value, or at --at AXIS=VALUE. Log-spaced axes ({log: ...}) are drawn on log\n"
    "axes; y is logarithmic when every value is positive and they span more than a factor\n"
    "of 20. Writes DIR/sweep-COLUMN.svg (.png with --png; default DIR: the sweep folder).\n\n"
    "options:\n"
    "  --y COLUMN        a column of sweep.csv (repeatable; the unit suffix may be left out)\n"
    "  --x AXIS          the axis along x (a configuration key of the sweep)\n"
    "  --curves AXIS     one curve per value of AXIS, or none\n"
    "  --at AXIS=VALUE   hold AXIS at VALUE (as written in sweep.csv)\n"
    "  --png             PNG (1520 x 920 pixels) instead of SVG\n"
    "  -o, --output DIR  output folder\n"
    "  -h, --help        this help\n";

enum { PW = 760, PH = 460, MAX_AT = 16, MAX_Y = 32 };

/* ------------------------------------------------------------------ reading */

typedef struct csv {
    size_t n_cols;
    char **name;
    size_t n_rows;
    char **cell; /* n_rows x n_cols */
} csv;

static void csv_free(csv *t)
{
    for (size_t c = 0; c < t->n_cols; c++) {
        free(t->name[c]);
    }
    for (size_t k = 0; k < t->n_rows * t->n_cols; k++) {
        free(t->cell[k]);
    }
    free(t->name);
    free(t->cell);
    memset(t, 0, sizeof *t);
}

/* The fields of one line (RFC 4180 quoting, as sweep_table.c writes); NULL on no memory. */
static char **split_line(const char *line, size_t *n)
{
    size_t cap = 16;
    char **f = malloc(cap * sizeof *f);
    size_t len = strlen(line);
    char *buf = malloc(len + 1);
    *n = 0;
    if (f == NULL || buf == NULL) {
        free(f);
        free(buf);
        return NULL;
    }
    const char *p = line;
    for (;;) {
        size_t b = 0;
        if (*p == '"') {
            p++;
            while (*p != '\0' && !(*p == '"' && p[1] != '"')) {
                if (*p == '"') {
                    p++;
                }
                buf[b++] = *p++;
            }
            if (*p == '"') {
                p++;
            }
        }
        while (*p != '\0' && *p != ',' && *p != '\n' && *p != '\r') {
            buf[b++] = *p++;
        }
        buf[b] = '\0';
        if (*n == cap) {
            cap *= 2;
            char **g = realloc(f, cap * sizeof *g);
            if (g == NULL) {
                break;
            }
            f = g;
        }
        f[*n] = strdup(buf);
        (*n)++;
        if (*p != ',') {
            break;
        }
        p++;
    }
    free(buf);
    return f;
}

static int read_csv(const char *path, csv *t, FILE *err)
{
    memset(t, 0, sizeof *t);
    FILE *fp = fopen(path, "r");
    if (fp == NULL) {
        fprintf(err, "plnet: draw: cannot read %s: %s\n", path, strerror(errno));
        return 1;
    }
    char line[8192];
    size_t cap = 0;
    int rc = 0;
    while (fgets(line, sizeof line, fp) != NULL) {
        if (line[0] == '\n' || line[0] == '\0') {
            continue;
        }
        size_t n = 0;
        char **f = split_line(line, &n);
        if (f == NULL) {
            rc = 1;
            break;
        }
        if (t->name == NULL) {
            t->name = f;
            t->n_cols = n;
            continue;
        }
        if (t->n_rows == cap) {
            cap = cap > 0 ? 2 * cap : 64;
            char **c = realloc(t->cell, cap * t->n_cols * sizeof *c);
            if (c == NULL) {
                for (size_t k = 0; k < n; k++) {
                    free(f[k]);
                }
                free(f);
                rc = 1;
                break;
            }
            t->cell = c;
        }
        for (size_t k = 0; k < t->n_cols; k++) {
            t->cell[t->n_rows * t->n_cols + k] = k < n ? f[k] : strdup("");
        }
        for (size_t k = t->n_cols; k < n; k++) {
            free(f[k]);
        }
        free(f);
        t->n_rows++;
    }
    fclose(fp);
    if (rc != 0) {
        fprintf(err, "plnet: out of memory\n");
    } else if (t->name == NULL) {
        fprintf(err, "plnet: draw: %s is empty\n", path);
        rc = 1;
    }
    return rc;
}

static const char *cell(const csv *t, size_t r, size_t c)
{
    return t->cell[r * t->n_cols + c];
}

/* The axes from the plan: "grid KEY: log [...]" / "zip KEY: [...]". */
typedef struct plan_axis {
    char key[128];
    bool log;
    bool zipped;
} plan_axis;

static int read_plan(const char *dir, plan_axis *ax, size_t max, size_t *n, FILE *err)
{
    char *path = plnet_path_join(dir, "sweep.plan");
    FILE *fp = path != NULL ? fopen(path, "r") : NULL;
    *n = 0;
    if (fp == NULL) {
        fprintf(err, "plnet: draw: %s is not a sweep folder (no sweep.plan)\n", dir);
        free(path);
        return 2;
    }
    char line[4096];
    while (fgets(line, sizeof line, fp) != NULL && *n < max) {
        bool grid = strncmp(line, "grid ", 5) == 0;
        bool zip = strncmp(line, "zip ", 4) == 0;
        if (!grid && !zip) {
            continue;
        }
        const char *k = line + (grid ? 5 : 4);
        const char *colon = strstr(k, ": ");
        if (colon == NULL) {
            continue;
        }
        snprintf(ax[*n].key, sizeof ax[*n].key, "%.*s", (int)(colon - k), k);
        ax[*n].log = strncmp(colon + 2, "log [", 5) == 0;
        ax[*n].zipped = zip;
        (*n)++;
    }
    fclose(fp);
    free(path);
    return 0;
}

/* ------------------------------------------------------------------ numbers */

static bool number(const char *s, double *v)
{
    if (s == NULL || s[0] == '\0') {
        return false;
    }
    char *end = NULL;
    double x = strtod(s, &end);
    if (end == s || *end != '\0' || !isfinite(x)) {
        return false;
    }
    *v = x;
    return true;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a;
    double y = *(const double *)b;
    return x < y ? -1 : x > y ? 1 : 0;
}

/* Distinct values of column c over the rows with keep[r], in order of first appearance. */
static size_t distinct(const csv *t, size_t c, const bool *keep, const char **out, size_t max)
{
    size_t n = 0;
    for (size_t r = 0; r < t->n_rows; r++) {
        if (!keep[r]) {
            continue;
        }
        const char *v = cell(t, r, c);
        bool seen = false;
        for (size_t k = 0; k < n && !seen; k++) {
            seen = strcmp(out[k], v) == 0;
        }
        if (!seen && n < max) {
            out[n++] = v;
        }
    }
    return n;
}

/* ------------------------------------------------------------------ drawing */

static cairo_status_t write_fp(void *closure, const unsigned char *data, unsigned int length)
{
    FILE *fp = closure;
    return fwrite(data, 1, length, fp) == length ? CAIRO_STATUS_SUCCESS
                                                  : CAIRO_STATUS_WRITE_ERROR;
}

static void text(cairo_t *cr, double x, double y, double size, const char *s)
{
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
    cairo_move_to(cr, x, y);
    cairo_show_text(cr, s);
}

typedef struct series {
    size_t n;      /* x values */
    double *x;     /* data coordinates (index for a non-numeric axis) */
    double *med, *lo, *hi;
    size_t *count; /* seeds that ended (0: no point) */
} series;

typedef struct picture {
    const char *x_name, *y_name, *curve_name;
    const char **x_labels; /* non-numeric x: the labels at 0, 1, ... */
    size_t n_x;
    bool x_log, y_log, x_numeric;
    size_t n_curves;
    const char **curve_values;
    series *s;
    char note[512]; /* the axes held fixed */
    size_t seeds;
} picture;

/* Axis ticks: decades on a log axis, 1-2-5 steps on a linear one. */
static void ticks(cairo_t *cr, double lo, double hi, bool log_axis, bool vertical, double a0,
                  double a1, double other, double grid_to)
{
    double span = hi - lo;
    char s[32];
    if (log_axis) {
        int step = (int)ceil(span / 8.0);
        step = step > 0 ? step : 1;
        for (double d = ceil(lo - 1e-9); d <= hi + 1e-9; d += step) {
            double p = a0 + (d - lo) / span * (a1 - a0);
            snprintf(s, sizeof s, "1e%d", (int)d);
            cairo_set_source_rgb(cr, 0.88, 0.88, 0.88);
            cairo_move_to(cr, vertical ? other : p, vertical ? p : other);
            cairo_line_to(cr, vertical ? grid_to : p, vertical ? p : grid_to);
            cairo_stroke(cr);
            if (vertical) {
                text(cr, other - 42, p + 4, 10, s);
            } else {
                text(cr, p - 10, other + 16, 10, s);
            }
        }
        return;
    }
    double raw = span / 5.0;
    double mag = pow(10.0, floor(log10(raw)));
    double tick = raw <= mag ? mag : raw <= 2 * mag ? 2 * mag : raw <= 5 * mag ? 5 * mag : 10 * mag;
    for (double v = ceil(lo / tick) * tick; v <= hi + 1e-9 * tick; v += tick) {
        double p = a0 + (v - lo) / span * (a1 - a0);
        snprintf(s, sizeof s, "%.6g", fabs(v) < 1e-12 * tick ? 0.0 : v);
        cairo_set_source_rgb(cr, 0.88, 0.88, 0.88);
        cairo_move_to(cr, vertical ? other : p, vertical ? p : other);
        cairo_line_to(cr, vertical ? grid_to : p, vertical ? p : grid_to);
        cairo_stroke(cr);
        if (vertical) {
            text(cr, other - 52, p + 4, 10, s);
        } else {
            text(cr, p - 10, other + 16, 10, s);
        }
    }
}

static int draw(const picture *pc, const char *path, bool png, FILE *err)
{
    static const double colors[10][3] = {
        {0.12, 0.47, 0.71}, {1.00, 0.50, 0.05}, {0.17, 0.63, 0.17}, {0.84, 0.15, 0.16},
        {0.58, 0.40, 0.74}, {0.55, 0.34, 0.29}, {0.89, 0.47, 0.76}, {0.50, 0.50, 0.50},
        {0.74, 0.74, 0.13}, {0.09, 0.75, 0.81}};
    double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
    for (size_t c = 0; c < pc->n_curves; c++) {
        const series *s = &pc->s[c];
        for (size_t k = 0; k < s->n; k++) {
            if (s->count[k] == 0) {
                continue;
            }
            double x = pc->x_log ? log10(s->x[k]) : s->x[k];
            x0 = fmin(x0, x);
            x1 = fmax(x1, x);
            double lo = pc->y_log ? log10(s->lo[k]) : s->lo[k];
            double hi = pc->y_log ? log10(s->hi[k]) : s->hi[k];
            y0 = fmin(y0, lo);
            y1 = fmax(y1, hi);
        }
    }
    plnet_outfile f;
    if (plnet_outfile_open(&f, path, err) != 0) {
        return 1;
    }
    /* PNG at twice the size, for a sharp picture on a screen. */
    cairo_surface_t *surf = png ? cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 2 * PW, 2 * PH)
                                : cairo_svg_surface_create_for_stream(write_fp, f.fp, PW, PH);
    cairo_t *cr = cairo_create(surf);
    if (png) {
        cairo_scale(cr, 2.0, 2.0);
    }
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    double L = 80, R = PW - 200, T = 60, B = PH - 60;
    char title[600];
    snprintf(title, sizeof title, "%s against %s", pc->y_name, pc->x_name);
    text(cr, L, 22, 14, title);
    snprintf(title, sizeof title, "line: median over %zu seed%s, band: smallest to largest%s%s",
             pc->seeds, pc->seeds == 1 ? "" : "s", pc->note[0] != '\0' ? "; " : "", pc->note);
    text(cr, L, 42, 10, title);
    if (!(x0 <= x1) || !(y0 <= y1)) {
        text(cr, L + 10, (T + B) / 2, 12, "(no point of this picture has ended)");
    } else {
        if (x1 == x0) {
            x0 -= 0.5;
            x1 += 0.5;
        }
        if (y1 == y0) {
            y0 -= pc->y_log ? 0.5 : fmax(fabs(y0) * 0.05, 1e-12);
            y1 += pc->y_log ? 0.5 : fmax(fabs(y1) * 0.05, 1e-12);
        }
        /* A margin of 4% around the data, whole decades on log axes. */
        double mx = 0.04 * (x1 - x0);
        x0 -= mx;
        x1 += mx;
        if (pc->y_log) {
            y0 = floor(y0);
            y1 = ceil(y1);
        } else {
            double my = 0.05 * (y1 - y0);
            y0 -= my;
            y1 += my;
        }
        cairo_set_line_width(cr, 1);
        ticks(cr, y0, y1, pc->y_log, true, B, T, L, R);
        if (pc->x_numeric) {
            ticks(cr, x0, x1, pc->x_log, false, L, R, B, T);
        } else {
            for (size_t k = 0; k < pc->n_x; k++) {
                double p = L + ((double)k - x0) / (x1 - x0) * (R - L);
                text(cr, p - 12, B + 16, 10, pc->x_labels[k]);
            }
        }
        cairo_set_source_rgb(cr, 0, 0, 0);
        cairo_rectangle(cr, L, T, R - L, B - T);
        cairo_stroke(cr);
        text(cr, (L + R) / 2 - 30, B + 36, 12, pc->x_name);
        for (size_t c = 0; c < pc->n_curves; c++) {
            const series *s = &pc->s[c];
            const double *col = colors[c % 10];
#define SX(v) (L + ((pc->x_log ? log10(v) : (v)) - x0) / (x1 - x0) * (R - L))
#define SY(v) (B - ((pc->y_log ? log10(v) : (v)) - y0) / (y1 - y0) * (B - T))
            /* The band: up along the largest values, back along the smallest. */
            size_t in_band = 0;
            for (size_t k = 0; k < s->n; k++) {
                in_band += s->count[k] > 1;
            }
            if (in_band > 0) {
                bool first = true;
                for (size_t k = 0; k < s->n; k++) {
                    if (s->count[k] == 0) {
                        continue;
                    }
                    if (first) {
                        cairo_move_to(cr, SX(s->x[k]), SY(s->hi[k]));
                    } else {
                        cairo_line_to(cr, SX(s->x[k]), SY(s->hi[k]));
                    }
                    first = false;
                }
                for (size_t k = s->n; k-- > 0;) {
                    if (s->count[k] > 0) {
                        cairo_line_to(cr, SX(s->x[k]), SY(s->lo[k]));
                    }
                }
                cairo_close_path(cr);
                cairo_set_source_rgba(cr, col[0], col[1], col[2], 0.18);
                cairo_fill(cr);
            }
            cairo_set_source_rgb(cr, col[0], col[1], col[2]);
            cairo_set_line_width(cr, 1.8);
            bool pen = false;
            for (size_t k = 0; k < s->n; k++) {
                if (s->count[k] == 0) {
                    pen = false;
                    continue;
                }
                if (pen) {
                    cairo_line_to(cr, SX(s->x[k]), SY(s->med[k]));
                } else {
                    cairo_move_to(cr, SX(s->x[k]), SY(s->med[k]));
                }
                pen = true;
            }
            cairo_stroke(cr);
            for (size_t k = 0; k < s->n; k++) {
                if (s->count[k] > 0) {
                    cairo_arc(cr, SX(s->x[k]), SY(s->med[k]), 2.5, 0, 6.283185307179586);
                    cairo_fill(cr);
                }
            }
#undef SX
#undef SY
            double ly = T + 10 + 18 * (double)c;
            cairo_set_source_rgb(cr, col[0], col[1], col[2]);
            cairo_move_to(cr, R + 12, ly);
            cairo_line_to(cr, R + 36, ly);
            cairo_stroke(cr);
            char lab[300];
            if (pc->curve_name != NULL) {
                snprintf(lab, sizeof lab, "%s = %s", pc->curve_name, pc->curve_values[c]);
            } else {
                snprintf(lab, sizeof lab, "%s", pc->y_name);
            }
            text(cr, R + 42, ly + 4, 10, lab);
        }
    }
    cairo_destroy(cr);
    if (png) {
        cairo_surface_flush(surf);
        cairo_status_t ws = cairo_surface_write_to_png_stream(surf, write_fp, f.fp);
        if (ws != CAIRO_STATUS_SUCCESS) {
            cairo_surface_destroy(surf);
            plnet_outfile_abort(&f);
            fprintf(err, "plnet: draw: %s: %s\n", path, cairo_status_to_string(ws));
            return 1;
        }
    }
    cairo_surface_finish(surf);
    cairo_status_t cs = cairo_surface_status(surf);
    cairo_surface_destroy(surf);
    if (cs != CAIRO_STATUS_SUCCESS) {
        plnet_outfile_abort(&f);
        fprintf(err, "plnet: draw: %s: %s\n", path, cairo_status_to_string(cs));
        return 1;
    }
    return plnet_outfile_commit(&f, err);
}

/* ------------------------------------------------------------------ the command */

typedef struct opts {
    const char *dir;
    const char *outdir;
    const char *x, *curves;
    const char *y[MAX_Y];
    size_t n_y;
    const char *at_key[MAX_AT];
    const char *at_value[MAX_AT];
    size_t n_at;
    bool png;
} opts;

static int parse(int argc, char **argv, opts *o, FILE *out, FILE *err)
{
    memset(o, 0, sizeof *o);
    for (int k = 1; k < argc; k++) {
        const char *s = argv[k];
        if (strcmp(s, "--help") == 0 || strcmp(s, "-h") == 0) {
            fputs(usage, out);
            return -1;
        }
        if (strcmp(s, "--png") == 0) {
            o->png = true;
            continue;
        }
        if (s[0] != '-' || s[1] == '\0') {
            if (o->dir != NULL) {
                fprintf(err, "plnet: draw: unexpected argument '%s' (one SWEEP_DIR)\n", s);
                return 2;
            }
            o->dir = s;
            continue;
        }
        bool valued = strcmp(s, "-o") == 0 || strcmp(s, "--output") == 0 ||
                      strcmp(s, "--x") == 0 || strcmp(s, "--y") == 0 ||
                      strcmp(s, "--curves") == 0 || strcmp(s, "--at") == 0;
        if (!valued) {
            fprintf(err, "plnet: draw: unknown option '%s' for a sweep folder (see plnet draw "
                         "--help)\n", s);
            return 2;
        }
        if (k + 1 >= argc) {
            fprintf(err, "plnet: draw: %s needs a value\n", s);
            return 2;
        }
        const char *v = argv[++k];
        if (strcmp(s, "-o") == 0 || strcmp(s, "--output") == 0) {
            o->outdir = v;
        } else if (strcmp(s, "--x") == 0) {
            o->x = v;
        } else if (strcmp(s, "--curves") == 0) {
            o->curves = v;
        } else if (strcmp(s, "--y") == 0) {
            if (o->n_y == MAX_Y) {
                fprintf(err, "plnet: draw: at most %d --y\n", MAX_Y);
                return 2;
            }
            o->y[o->n_y++] = v;
        } else {
            const char *eq = strchr(v, '=');
            if (eq == NULL || eq == v || o->n_at == MAX_AT) {
                fprintf(err, "plnet: draw: --at %s: expected AXIS=VALUE\n", v);
                return 2;
            }
            o->at_key[o->n_at] = v;
            o->at_value[o->n_at] = eq + 1;
            o->n_at++;
        }
    }
    if (o->dir == NULL) {
        fprintf(err, "plnet: draw: missing SWEEP_DIR\n");
        return 2;
    }
    return 0;
}

static bool at_is(const char *at, const char *key)
{
    size_t n = strlen(key);
    return strncmp(at, key, n) == 0 && at[n] == '=';
}

/* The picture of column yc; fills pc (series owned by the caller's arrays). Returns 0, or 2
 * with a message. */
static int make_picture(const csv *t, const plan_axis *ax, size_t n_ax, size_t xa, long ca,
                        size_t yc, const opts *o, picture *pc, FILE *err)
{
    size_t status_c = 0, seed_c = 0;
    for (size_t c = 0; c < t->n_cols; c++) {
        if (strcmp(t->name[c], "status") == 0) {
            status_c = c;
        } else if (strcmp(t->name[c], "seed") == 0) {
            seed_c = c;
        }
    }
    bool *keep = calloc(t->n_rows, sizeof *keep);
    const char **held = calloc(n_ax + 1, sizeof *held);
    if (keep == NULL || held == NULL) {
        free(keep);
        free(held);
        fprintf(err, "plnet: out of memory\n");
        return 1;
    }
    /* The axes neither on x nor the curves (nor zipped with either) are held at one value. */
    pc->note[0] = '\0';
    size_t nl = 0;
    for (size_t a = 0; a < n_ax; a++) {
        bool tied = a == xa || (long)a == ca || (ax[a].zipped && ax[xa].zipped) ||
                    (ca >= 0 && ax[a].zipped && ax[ca].zipped);
        if (tied) {
            continue;
        }
        held[a] = cell(t, 0, 1 + a);
        for (size_t k = 0; k < o->n_at; k++) {
            if (at_is(o->at_key[k], ax[a].key)) {
                held[a] = o->at_value[k];
            }
        }
        int w = snprintf(pc->note + nl, sizeof pc->note - nl, "%s%s = %s", nl > 0 ? ", " : "",
                         ax[a].key, held[a]);
        nl += w > 0 && (size_t)w < sizeof pc->note - nl ? (size_t)w : 0;
    }
    size_t kept = 0;
    for (size_t r = 0; r < t->n_rows; r++) {
        bool ok = true;
        for (size_t a = 0; a < n_ax && ok; a++) {
            ok = held[a] == NULL || strcmp(cell(t, r, 1 + a), held[a]) == 0;
        }
        keep[r] = ok;
        kept += ok;
    }
    for (size_t k = 0; k < o->n_at; k++) {
        bool found = false;
        for (size_t a = 0; a < n_ax && !found; a++) {
            found = at_is(o->at_key[k], ax[a].key);
        }
        if (!found) {
            fprintf(err, "plnet: draw: --at %s: not an axis of the sweep\n", o->at_key[k]);
            free(keep);
            free(held);
            return 2;
        }
    }
    if (kept == 0) {
        fprintf(err, "plnet: draw: no point of the sweep has %s\n", pc->note);
        free(keep);
        free(held);
        return 2;
    }
    const char **xs = calloc(t->n_rows, sizeof *xs);
    const char **cs = calloc(t->n_rows, sizeof *cs);
    const char **ss = calloc(t->n_rows, sizeof *ss);
    if (xs == NULL || cs == NULL || ss == NULL) {
        free(xs);
        free(cs);
        free(ss);
        free(keep);
        free(held);
        fprintf(err, "plnet: out of memory\n");
        return 1;
    }
    pc->n_x = distinct(t, 1 + xa, keep, xs, t->n_rows);
    pc->n_curves = ca >= 0 ? distinct(t, 1 + (size_t)ca, keep, cs, t->n_rows) : 1;
    pc->seeds = distinct(t, seed_c, keep, ss, t->n_rows);
    pc->x_labels = xs;
    pc->curve_values = cs;
    pc->x_name = ax[xa].key;
    pc->curve_name = ca >= 0 ? ax[ca].key : NULL;
    pc->y_name = t->name[yc];
    pc->x_numeric = true;
    for (size_t k = 0; k < pc->n_x; k++) {
        double v;
        pc->x_numeric &= number(xs[k], &v);
    }
    /* Log x where the axis was generated log-spaced, or is a list of positive numbers over
     * at least two decades. */
    pc->x_log = pc->x_numeric && ax[xa].log;
    if (pc->x_numeric && !pc->x_log && pc->n_x > 2) {
        double lo = INFINITY, hi = 0.0;
        bool pos = true;
        for (size_t k = 0; k < pc->n_x; k++) {
            double v = 0.0;
            number(xs[k], &v);
            pos &= v > 0.0;
            lo = fmin(lo, v);
            hi = fmax(hi, v);
        }
        pc->x_log = pos && hi >= 100.0 * lo;
    }
    pc->s = calloc(pc->n_curves, sizeof *pc->s);
    double *vals = calloc(t->n_rows, sizeof *vals);
    int rc = pc->s == NULL || vals == NULL ? 1 : 0;
    double ymin = INFINITY, ymax = -INFINITY;
    for (size_t c = 0; c < pc->n_curves && rc == 0; c++) {
        series *s = &pc->s[c];
        s->n = pc->n_x;
        s->x = calloc(s->n, sizeof *s->x);
        s->med = calloc(s->n, sizeof *s->med);
        s->lo = calloc(s->n, sizeof *s->lo);
        s->hi = calloc(s->n, sizeof *s->hi);
        s->count = calloc(s->n, sizeof *s->count);
        if (s->x == NULL || s->med == NULL || s->lo == NULL || s->hi == NULL || s->count == NULL) {
            rc = 1;
            break;
        }
        for (size_t k = 0; k < s->n; k++) {
            double xv = (double)k;
            if (pc->x_numeric) {
                number(xs[k], &xv);
            }
            s->x[k] = xv;
            size_t m = 0;
            for (size_t r = 0; r < t->n_rows; r++) {
                double y;
                if (!keep[r] || strcmp(cell(t, r, 1 + xa), xs[k]) != 0 ||
                    (ca >= 0 && strcmp(cell(t, r, 1 + (size_t)ca), cs[c]) != 0) ||
                    strcmp(cell(t, r, status_c), "done") != 0 || !number(cell(t, r, yc), &y)) {
                    continue;
                }
                vals[m++] = y;
            }
            s->count[k] = m;
            if (m == 0) {
                continue;
            }
            qsort(vals, m, sizeof *vals, cmp_double);
            s->lo[k] = vals[0];
            s->hi[k] = vals[m - 1];
            s->med[k] = m % 2 == 1 ? vals[m / 2] : 0.5 * (vals[m / 2 - 1] + vals[m / 2]);
            ymin = fmin(ymin, s->lo[k]);
            ymax = fmax(ymax, s->hi[k]);
        }
    }
    pc->y_log = ymin > 0.0 && ymax > 20.0 * ymin;
    if (rc != 0) {
        fprintf(err, "plnet: out of memory\n");
    }
    free(vals);
    free(ss);
    free(keep);
    free(held);
    return rc;
}

static void picture_free(picture *pc)
{
    for (size_t c = 0; pc->s != NULL && c < pc->n_curves; c++) {
        free(pc->s[c].x);
        free(pc->s[c].med);
        free(pc->s[c].lo);
        free(pc->s[c].hi);
        free(pc->s[c].count);
    }
    free(pc->s);
    free((void *)pc->x_labels);
    free((void *)pc->curve_values);
    memset(pc, 0, sizeof *pc);
}

static long find_axis(const plan_axis *ax, size_t n, const char *key)
{
    for (size_t a = 0; a < n; a++) {
        if (strcmp(ax[a].key, key) == 0) {
            return (long)a;
        }
    }
    return -1;
}

bool plnet_draw_is_sweep(int argc, char **argv)
{
    for (int k = 1; k < argc; k++) {
        if (argv[k][0] == '-') {
            /* Skip the value of an option that takes one. */
            if (strcmp(argv[k], "-o") == 0 || strcmp(argv[k], "--output") == 0 ||
                strcmp(argv[k], "--x") == 0 || strcmp(argv[k], "--y") == 0 ||
                strcmp(argv[k], "--curves") == 0 || strcmp(argv[k], "--at") == 0) {
                k++;
            }
            continue;
        }
        char *plan = plnet_path_join(argv[k], "sweep.plan");
        struct stat sb;
        bool yes = plan != NULL && stat(plan, &sb) == 0;
        free(plan);
        return yes;
    }
    return false;
}

int plnet_cmd_draw_sweep(int argc, char **argv, FILE *out, FILE *err)
{
    opts o;
    int rc = parse(argc, argv, &o, out, err);
    if (rc != 0) {
        return rc < 0 ? 0 : rc;
    }
    plan_axis ax[64];
    size_t n_ax = 0;
    if ((rc = read_plan(o.dir, ax, 64, &n_ax, err)) != 0) {
        return rc;
    }
    if (n_ax == 0) {
        fprintf(err, "plnet: draw: the sweep in %s varies only the seed: nothing to draw "
                     "against (see %s/sweep.csv)\n", o.dir, o.dir);
        return 2;
    }
    char *csv_path = plnet_path_join(o.dir, "sweep.csv");
    csv t;
    if (csv_path == NULL || read_csv(csv_path, &t, err) != 0) {
        free(csv_path);
        return 1;
    }
    free(csv_path);
    if (t.n_rows == 0 || t.n_cols < n_ax + 4) {
        fprintf(err, "plnet: draw: %s/sweep.csv has no points\n", o.dir);
        csv_free(&t);
        return 1;
    }
    /* Columns: point, the axes, seed, status, wall_time_s, then the collected values. */
    size_t first_y = 1 + n_ax + 3;
    long xa = o.x != NULL ? find_axis(ax, n_ax, o.x) : 0;
    long ca = -1;
    if (o.curves != NULL) {
        ca = strcmp(o.curves, "none") == 0 ? -1 : find_axis(ax, n_ax, o.curves);
        if (ca < 0 && strcmp(o.curves, "none") != 0) {
            fprintf(err, "plnet: draw: --curves %s: not an axis of the sweep\n", o.curves);
            csv_free(&t);
            return 2;
        }
    } else {
        for (size_t a = 0; a < n_ax && ca < 0; a++) {
            /* The next axis that varies on its own (not zipped with x). */
            if ((long)a != xa && !(ax[a].zipped && ax[xa].zipped)) {
                ca = (long)a;
            }
        }
    }
    if (xa < 0) {
        fprintf(err, "plnet: draw: --x %s: not an axis of the sweep (", o.x);
        for (size_t a = 0; a < n_ax; a++) {
            fprintf(err, "%s%s", a > 0 ? ", " : "", ax[a].key);
        }
        fprintf(err, ")\n");
        csv_free(&t);
        return 2;
    }
    if (ca == xa) {
        fprintf(err, "plnet: draw: --curves and --x are the same axis\n");
        csv_free(&t);
        return 2;
    }
    size_t ys[MAX_Y];
    size_t n_ys = 0;
    if (o.n_y == 0) {
        for (size_t c = first_y; c < t.n_cols && n_ys < MAX_Y; c++) {
            ys[n_ys++] = c;
        }
    }
    for (size_t k = 0; k < o.n_y; k++) {
        size_t found = 0;
        for (size_t c = first_y; c < t.n_cols && found == 0; c++) {
            const char *u = plnet_sweep_unit_suffix(o.y[k]);
            char with_unit[256];
            snprintf(with_unit, sizeof with_unit, "%s%s", o.y[k], u);
            if (strcmp(t.name[c], o.y[k]) == 0 || strcmp(t.name[c], with_unit) == 0) {
                found = c;
            }
        }
        if (found == 0) {
            fprintf(err, "plnet: draw: --y %s: not a collected column of %s/sweep.csv\n",
                    o.y[k], o.dir);
            csv_free(&t);
            return 2;
        }
        ys[n_ys++] = found;
    }
    const char *dest = o.outdir != NULL ? o.outdir : o.dir;
    if (plnet_mkdirs(dest, err) != 0) {
        csv_free(&t);
        return 1;
    }
    for (size_t k = 0; k < n_ys && rc == 0; k++) {
        picture pc;
        memset(&pc, 0, sizeof pc);
        rc = make_picture(&t, ax, n_ax, (size_t)xa, ca, ys[k], &o, &pc, err);
        if (rc == 0) {
            char name[300];
            snprintf(name, sizeof name, "sweep-%s.%s", t.name[ys[k]], o.png ? "png" : "svg");
            char *path = plnet_path_join(dest, name);
            rc = path == NULL ? 1 : draw(&pc, path, o.png, err);
            if (rc == 0) {
                fprintf(out, "wrote %s\n", path);
            }
            free(path);
        }
        picture_free(&pc);
    }
    csv_free(&t);
    return rc;
}
