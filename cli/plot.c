/* plot.c — `plnet draw`'s curves: a run's metrics.csv (loss and errors, ledger terms) against step on log y axes, as SVG through cairo. */
#include "draw.h"
#include "outfile.h"

#include <cairo-svg.h>
#include <cairo.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_COLS = 64, PW = 720, PH = 300 };

typedef struct table {
    int n_cols;
    char *name[MAX_COLS];
    size_t n_rows;
    size_t cap;
    double *v; /* row-major n_rows x n_cols, NaN where a cell is not a number */
} table;

static void table_free(table *t)
{
    for (int c = 0; c < t->n_cols; c++) {
        free(t->name[c]);
    }
    free(t->v);
}

static int split(char *line, char **tok)
{
    int n = 0;
    char *p = line;
    line[strcspn(line, "\r\n")] = '\0';
    while (n < MAX_COLS) {
        tok[n++] = p;
        char *comma = strchr(p, ',');
        if (comma == NULL) {
            break;
        }
        *comma = '\0';
        p = comma + 1;
    }
    return n;
}

static int read_table(const char *path, table *t, FILE *err)
{
    memset(t, 0, sizeof *t);
    FILE *fp = fopen(path, "r");
    if (fp == NULL) {
        fprintf(err, "plnet: draw: cannot open %s\n", path);
        return 1;
    }
    char *line = NULL;
    size_t cap = 0;
    int rc = 0;
    char *tok[MAX_COLS];
    if (getline(&line, &cap, fp) < 0) {
        fprintf(err, "plnet: draw: %s is empty\n", path);
        rc = 1;
        goto done;
    }
    t->n_cols = split(line, tok);
    for (int c = 0; c < t->n_cols; c++) {
        t->name[c] = strdup(tok[c]);
        if (t->name[c] == NULL) {
            rc = 1;
            goto done;
        }
    }
    while (getline(&line, &cap, fp) >= 0) {
        if (line[0] == '\n' || line[0] == '\0' || line[0] == '#') {
            continue;
        }
        int nt = split(line, tok);
        if (t->n_rows == t->cap) {
            size_t c = t->cap > 0 ? t->cap * 2 : 256;
            double *q = realloc(t->v, c * (size_t)t->n_cols * sizeof *q);
            if (q == NULL) {
                fprintf(err, "plnet: out of memory\n");
                rc = 1;
                goto done;
            }
            t->v = q;
            t->cap = c;
        }
        for (int c = 0; c < t->n_cols; c++) {
            char *end = NULL;
            double x = c < nt ? strtod(tok[c], &end) : NAN;
            if (c < nt && (end == tok[c] || *end != '\0')) {
                x = NAN;
            }
            t->v[t->n_rows * (size_t)t->n_cols + (size_t)c] = x;
        }
        t->n_rows++;
    }
done:
    free(line);
    fclose(fp);
    return rc;
}

static bool has_any(const char *name, const char *const *words)
{
    for (; *words != NULL; words++) {
        if (strstr(name, *words) != NULL) {
            return true;
        }
    }
    return false;
}

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

/* One panel at vertical offset top: columns `use` against column xc, y on log10 axes. */
static void panel(cairo_t *cr, const table *t, int xc, const bool *use, double top,
                  const char *title)
{
    /* Ten distinct colours (matplotlib's tab10), so a panel of up to ten curves never
     * repeats one; cumulated columns (`*_total`) are dashed besides. */
    static const double colors[10][3] = {
        {0.12, 0.47, 0.71}, {1.00, 0.50, 0.05}, {0.17, 0.63, 0.17}, {0.84, 0.15, 0.16},
        {0.58, 0.40, 0.74}, {0.55, 0.34, 0.29}, {0.89, 0.47, 0.76}, {0.50, 0.50, 0.50},
        {0.74, 0.74, 0.13}, {0.09, 0.75, 0.81}};
    double L = 70, R = PW - 170, T = top + 30, B = top + PH - 40;
    double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
    for (size_t r = 0; r < t->n_rows; r++) {
        double x = t->v[r * (size_t)t->n_cols + (size_t)xc];
        for (int c = 0; c < t->n_cols; c++) {
            double y = t->v[r * (size_t)t->n_cols + (size_t)c];
            if (use[c] && isfinite(x) && y > 0 && isfinite(y)) {
                x0 = fmin(x0, x);
                x1 = fmax(x1, x);
                y0 = fmin(y0, log10(y));
                y1 = fmax(y1, log10(y));
            }
        }
    }
    text(cr, L, top + 18, 13, title);
    if (!(x0 <= x1)) {
        text(cr, L + 10, (T + B) / 2, 11, "(no positive values)");
        return;
    }
    if (x1 == x0) {
        x1 = x0 + 1;
    }
    y0 = floor(y0);
    y1 = ceil(y1);
    if (y1 == y0) {
        y1 = y0 + 1;
    }
    /* Axes, decade ticks and grid. */
    cairo_set_line_width(cr, 1);
    int step = (int)ceil((y1 - y0) / 8.0);
    for (double d = y0; d <= y1 + 1e-9; d += step) {
        double y = B - (d - y0) / (y1 - y0) * (B - T);
        cairo_set_source_rgb(cr, 0.88, 0.88, 0.88);
        cairo_move_to(cr, L, y);
        cairo_line_to(cr, R, y);
        cairo_stroke(cr);
        char s[32];
        snprintf(s, sizeof s, "1e%d", (int)d);
        text(cr, L - 40, y + 4, 10, s);
    }
    /* Step ticks at round values: 1, 2 or 5 times a power of ten, about five of them. */
    double raw = (x1 - x0) / 5.0;
    double mag = pow(10.0, floor(log10(raw)));
    double tick = raw <= mag ? mag : raw <= 2 * mag ? 2 * mag : raw <= 5 * mag ? 5 * mag : 10 * mag;
    for (double xv = ceil(x0 / tick) * tick; xv <= x1 + 1e-9 * tick; xv += tick) {
        char s[32];
        snprintf(s, sizeof s, "%.6g", xv);
        text(cr, L + (xv - x0) / (x1 - x0) * (R - L) - 10, B + 16, 10, s);
    }
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_rectangle(cr, L, T, R - L, B - T);
    cairo_stroke(cr);
    text(cr, (L + R) / 2 - 10, B + 32, 11, t->name[xc]);
    int k = 0;
    for (int c = 0; c < t->n_cols; c++) {
        if (!use[c]) {
            continue;
        }
        const double *col = colors[k % 10];
        cairo_set_source_rgb(cr, col[0], col[1], col[2]);
        cairo_set_line_width(cr, 1.5);
        size_t name_len = strlen(t->name[c]);
        static const double dash[] = {5.0, 3.0};
        bool total = name_len > 6 && strcmp(t->name[c] + name_len - 6, "_total") == 0;
        cairo_set_dash(cr, dash, total ? 2 : 0, 0.0);
        bool pen = false;
        for (size_t r = 0; r < t->n_rows; r++) {
            double x = t->v[r * (size_t)t->n_cols + (size_t)xc];
            double y = t->v[r * (size_t)t->n_cols + (size_t)c];
            if (!(isfinite(x) && y > 0 && isfinite(y))) {
                pen = false; /* a gap where the value cannot be shown on a log axis */
                continue;
            }
            double sx = L + (x - x0) / (x1 - x0) * (R - L);
            double sy = B - (log10(y) - y0) / (y1 - y0) * (B - T);
            if (pen) {
                cairo_line_to(cr, sx, sy);
            } else {
                cairo_move_to(cr, sx, sy);
            }
            pen = true;
        }
        cairo_stroke(cr);
        double ly = T + 10 + 18 * k;
        cairo_move_to(cr, R + 12, ly);
        cairo_line_to(cr, R + 36, ly);
        cairo_stroke(cr);
        cairo_set_dash(cr, dash, 0, 0.0);
        text(cr, R + 42, ly + 4, 11, t->name[c]);
        k++;
    }
}

int plnet_plot_metrics(const char *csv_path, const char *path, FILE *err)
{
    static const char *const loss_words[] = {"loss", "error", NULL};
    static const char *const ledger_words[] = {"joule", "bits", "landauer", "power", "energy",
                                               NULL};
    table t;
    if (read_table(csv_path, &t, err) != 0) {
        table_free(&t);
        return 1;
    }
    int xc = 0;
    for (int c = 0; c < t.n_cols; c++) {
        if (strcmp(t.name[c], "step") == 0) {
            xc = c;
        }
    }
    bool use_loss[MAX_COLS] = {false};
    bool use_ledger[MAX_COLS] = {false};
    int n_loss = 0;
    int n_ledger = 0;
    for (int c = 0; c < t.n_cols; c++) {
        if (c == xc) {
            continue;
        }
        if (has_any(t.name[c], loss_words)) {
            use_loss[c] = true;
            n_loss++;
        } else if (has_any(t.name[c], ledger_words)) {
            use_ledger[c] = true;
            n_ledger++;
        }
    }
    if (n_loss + n_ledger == 0 || t.n_rows == 0) {
        fprintf(err, "plnet: draw: %s has no rows of loss, error or ledger columns\n", csv_path);
        table_free(&t);
        return 1;
    }
    int panels = (n_loss > 0) + (n_ledger > 0);
    plnet_outfile f;
    if (plnet_outfile_open(&f, path, err) != 0) {
        table_free(&t);
        return 1;
    }
    cairo_surface_t *s = cairo_svg_surface_create_for_stream(write_fp, f.fp, PW, PH * panels);
    cairo_t *cr = cairo_create(s);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    double top = 0;
    if (n_loss > 0) {
        panel(cr, &t, xc, use_loss, top, "loss and errors");
        top += PH;
    }
    if (n_ledger > 0) {
        panel(cr, &t, xc, use_ledger, top, "energy ledger");
    }
    cairo_destroy(cr);
    cairo_surface_finish(s);
    cairo_status_t cs = cairo_surface_status(s);
    cairo_surface_destroy(s);
    table_free(&t);
    if (cs != CAIRO_STATUS_SUCCESS) {
        plnet_outfile_abort(&f);
        fprintf(err, "plnet: draw: %s: %s\n", path, cairo_status_to_string(cs));
        return 1;
    }
    return plnet_outfile_commit(&f, err);
}
