/* plot.c — `plnet draw`'s curves: a run's metrics.csv (loss and errors, ledger terms) against step on log y axes with units, zeros on a zero line, coinciding curves told apart; SVG, PDF or PNG through canvas.c. */
#include "draw.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_COLS = 64 };

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

typedef struct plot_units {
    const char *loss;  /* the loss's unit, e.g. "V²" */
    const char *error; /* the errors' unit: the loss's, or "1" for classification */
} plot_units;

/* The unit of a metrics column, or NULL. */
static const char *column_unit(const char *name, const plot_units *u)
{
    size_t len = strlen(name);
    if (len > 3 && strcmp(name + len - 3, "_kT") == 0) {
        return "kT"; /* a ledger term in units of kT */
    }
    if (strstr(name, "accuracy") != NULL || strstr(name, "efficiency") != NULL) {
        return "1";
    }
    if (strstr(name, "loss") != NULL) {
        return u->loss;
    }
    if (strstr(name, "error") != NULL) {
        return u->error;
    }
    if (strstr(name, "bits") != NULL) {
        return "bit";
    }
    if (strstr(name, "power") != NULL) {
        return "W";
    }
    if (strstr(name, "joule") != NULL || strstr(name, "landauer") != NULL ||
        strstr(name, "memory") != NULL || strstr(name, "energy") != NULL) {
        return "J";
    }
    if (strcmp(name, "time") == 0) {
        return "time units";
    }
    return NULL;
}

/* Ten distinct colours (matplotlib's tab10). */
static plnet_rgb color_of(int k)
{
    static const double colors[10][3] = {
        {0.12, 0.47, 0.71}, {1.00, 0.50, 0.05}, {0.17, 0.63, 0.17}, {0.84, 0.15, 0.16},
        {0.58, 0.40, 0.74}, {0.55, 0.34, 0.29}, {0.89, 0.47, 0.76}, {0.50, 0.50, 0.50},
        {0.74, 0.74, 0.13}, {0.09, 0.75, 0.81}};
    return (plnet_rgb){colors[k % 10][0], colors[k % 10][1], colors[k % 10][2]};
}

static const plnet_rgb BLACK = {0, 0, 0}, WHITE = {1, 1, 1}, GRID = {0.88, 0.88, 0.88};

/* Marker k (circle, square, triangle, diamond) at (x, y), hollow in colour col. */
static void marker(plnet_canvas *c, int k, double x, double y, plnet_rgb col)
{
    const double r = 3.2;
    switch (k % 4) {
    case 0:
        cv_circle(c, x, y, r, true, WHITE, 1.2, col, "marker");
        break;
    case 1:
        cv_rect(c, x - r, y - r, 2 * r, 2 * r, true, WHITE, 1.2, col, "marker");
        break;
    case 2: {
        const double xy[6] = {x, y - 1.2 * r, x + 1.1 * r, y + 0.8 * r, x - 1.1 * r, y + 0.8 * r};
        cv_polygon(c, xy, 3, true, WHITE, 1.2, col, "marker");
        break;
    }
    default: {
        const double xy[8] = {x, y - 1.3 * r, x + 1.3 * r, y, x, y + 1.3 * r, x - 1.3 * r, y};
        cv_polygon(c, xy, 4, true, WHITE, 1.2, col, "marker");
    }
    }
}

/* One panel at vertical offset top, h high and w wide: columns `use` against column xc, y on
 * log10 axes with a zero line below the decades when a column holds zeros. */
static int panel(plnet_canvas *c, const table *t, int xc, const bool *use, double top,
                 double w, double h, const char *title, const char *ylabel, const plot_units *u)
{
    double L = 86, R = w - 200, T = top + 34, B = top + h - 52;
    double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
    bool zeros = false;
    for (size_t r = 0; r < t->n_rows; r++) {
        double x = t->v[r * (size_t)t->n_cols + (size_t)xc];
        for (int col = 0; col < t->n_cols; col++) {
            double y = t->v[r * (size_t)t->n_cols + (size_t)col];
            if (!use[col] || !isfinite(x) || !isfinite(y) || y < 0) {
                continue;
            }
            x0 = fmin(x0, x);
            x1 = fmax(x1, x);
            if (y > 0) {
                y0 = fmin(y0, log10(y));
                y1 = fmax(y1, log10(y));
            } else {
                zeros = true;
            }
        }
    }
    cv_group(c, NULL, "panel");
    cv_text(c, L, top + 20, 13, CV_START, 0, title);
    if (!(x0 <= x1)) {
        cv_text(c, L + 10, (T + B) / 2, 11, CV_START, 0, "(no values >= 0)");
        cv_group_end(c);
        return 0;
    }
    if (!(y0 <= y1)) { /* only zeros */
        y0 = 0;
        y1 = 1;
    }
    if (x1 == x0) {
        x1 = x0 + 1;
    }
    y0 = floor(y0);
    y1 = ceil(y1);
    if (y1 == y0) {
        y1 = y0 + 1;
    }
    /* The log axis runs from Bl up to T; zeros sit on the line B below a break. */
    const double Bl = zeros ? B - 22 : B;
    /* Grid and decade ticks. */
    int step = (int)ceil((y1 - y0) / 8.0);
    for (double d = y0; d <= y1 + 1e-9; d += step) {
        double y = Bl - (d - y0) / (y1 - y0) * (Bl - T);
        cv_line(c, L, y, R, y, GRID, 0.8, CV_SOLID, NULL);
        cv_line(c, L - 4, y, L, y, BLACK, 1, CV_SOLID, NULL);
        char s[32];
        snprintf(s, sizeof s, "1e%d", (int)d);
        cv_text(c, L - 7, y + 4, 10, CV_END, 0, s);
    }
    if (zeros) {
        cv_line(c, L, B, R, B, GRID, 0.8, CV_SOLID, NULL);
        cv_line(c, L - 4, B, L, B, BLACK, 1, CV_SOLID, NULL);
        cv_text(c, L - 7, B + 4, 10, CV_END, 0, "0");
        /* The axis break between the zero line and the lowest decade. */
        double ym = (B + Bl) / 2;
        cv_line(c, L - 5, ym + 1, L + 5, ym - 3, BLACK, 1, CV_SOLID, "axis-break");
        cv_line(c, L - 5, ym + 5, L + 5, ym + 1, BLACK, 1, CV_SOLID, "axis-break");
    }
    /* Step ticks at round values: 1, 2 or 5 times a power of ten, about five of them. */
    double raw = (x1 - x0) / 5.0;
    double mag = pow(10.0, floor(log10(raw)));
    double tick = raw <= mag ? mag : raw <= 2 * mag ? 2 * mag : raw <= 5 * mag ? 5 * mag : 10 * mag;
    for (double xv = ceil(x0 / tick) * tick; xv <= x1 + 1e-9 * tick; xv += tick) {
        char s[32];
        snprintf(s, sizeof s, "%.6g", xv);
        double sx = L + (xv - x0) / (x1 - x0) * (R - L);
        cv_line(c, sx, B, sx, B + 4, BLACK, 1, CV_SOLID, NULL);
        cv_text(c, sx, B + 16, 10, CV_MIDDLE, 0, s);
    }
    cv_rect(c, L, T, R - L, B - T, false, WHITE, 1, BLACK, "frame");
    char xl[128];
    snprintf(xl, sizeof xl, "%s%s", t->name[xc],
             strcmp(t->name[xc], "step") == 0 ? " (learning steps)" : "");
    cv_text(c, (L + R) / 2, B + 36, 12, CV_MIDDLE, 0, xl);
    cv_text(c, L - 52, (T + B) / 2, 12, CV_MIDDLE, 90, ylabel);
    /* The curves: each its own width (widest first, so a curve drawn over an equal one leaves
     * it a visible edge), dash and hollow markers at staggered rows. */
    int ncurves = 0;
    for (int col = 0; col < t->n_cols; col++) {
        ncurves += use[col];
    }
    size_t stride = t->n_rows / 8 > 0 ? t->n_rows / 8 : 1;
    double *xy = malloc(t->n_rows * 2 * sizeof *xy + sizeof *xy);
    if (xy == NULL) {
        cv_group_end(c);
        return 1;
    }
    int k = 0;
    for (int col = 0; col < t->n_cols; col++) {
        if (!use[col]) {
            continue;
        }
        plnet_rgb colr = color_of(k);
        double width = fmax(1.0, 3.6 - 0.8 * k);
        int dash = k % 4;
        int np = 0;
        /* A run of drawable points is one path; a negative or missing value ends it. */
        for (size_t r = 0; r <= t->n_rows; r++) {
            double x = r < t->n_rows ? t->v[r * (size_t)t->n_cols + (size_t)xc] : NAN;
            double y = r < t->n_rows ? t->v[r * (size_t)t->n_cols + (size_t)col] : NAN;
            if (isfinite(x) && isfinite(y) && y >= 0) {
                xy[2 * np] = L + (x - x0) / (x1 - x0) * (R - L);
                xy[2 * np + 1] = y > 0 ? Bl - (log10(y) - y0) / (y1 - y0) * (Bl - T) : B;
                np++;
                continue;
            }
            cv_polyline(c, xy, np, colr, width, dash, "curve");
            np = 0;
        }
        size_t offset = (size_t)k * stride / (size_t)(ncurves > 0 ? ncurves : 1);
        for (size_t r = 0; r < t->n_rows; r++) {
            double x = t->v[r * (size_t)t->n_cols + (size_t)xc];
            double y = t->v[r * (size_t)t->n_cols + (size_t)col];
            if ((r + stride - offset % stride) % stride != 0 || !isfinite(x) || !isfinite(y) ||
                y < 0) {
                continue;
            }
            marker(c, k, L + (x - x0) / (x1 - x0) * (R - L),
                   y > 0 ? Bl - (log10(y) - y0) / (y1 - y0) * (Bl - T) : B, colr);
        }
        double ly = T + 10 + 20 * k;
        cv_line(c, R + 12, ly, R + 44, ly, colr, width, dash, NULL);
        marker(c, k, R + 28, ly, colr);
        const char *unit = column_unit(t->name[col], u);
        char name[160];
        snprintf(name, sizeof name, "%s%s%s%s", t->name[col], unit != NULL ? " (" : "",
                 unit != NULL ? unit : "", unit != NULL ? ")" : "");
        cv_text(c, R + 50, ly + 4, 11, CV_START, 0, name);
        k++;
    }
    free(xy);
    cv_group_end(c);
    return 0;
}

int plnet_plot_metrics(const char *csv_path, const char *out_unit, const plnet_figure *fig,
                       const char *path, FILE *err)
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
    bool accuracy = false;
    for (int c = 0; c < t.n_cols; c++) {
        if (c == xc) {
            continue;
        }
        accuracy |= strstr(t.name[c], "accuracy") != NULL;
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
    /* A classification's errors are fractions (1 - accuracy), its loss in output units. */
    const char *lu = out_unit != NULL ? out_unit : "output units²";
    plot_units u = {lu, accuracy ? "1" : lu};
    char ylabel[160];
    if (accuracy) {
        snprintf(ylabel, sizeof ylabel, "loss (%s), errors (1)", lu);
    } else {
        snprintf(ylabel, sizeof ylabel, "loss and errors (%s)", lu);
    }
    int panels = (n_loss > 0) + (n_ledger > 0);
    const double W = fig->width > 0 ? fig->width : 760;
    const double H = fig->height > 0 ? fig->height : 320.0 * panels;
    plnet_canvas *cv = plnet_canvas_open(fig->format, W, H, path, err);
    if (cv == NULL) {
        table_free(&t);
        return 1;
    }
    double ph = H / panels, top = 0;
    int rc = 0;
    if (n_loss > 0) {
        rc = panel(cv, &t, xc, use_loss, top, W, ph, "loss and errors", ylabel, &u);
        top += ph;
    }
    if (rc == 0 && n_ledger > 0) {
        rc = panel(cv, &t, xc, use_ledger, top, W, ph, "energy ledger",
                   "energy ledger (units in the legend)", &u);
    }
    table_free(&t);
    if (rc != 0) {
        fprintf(err, "plnet: out of memory\n");
    }
    int crc = plnet_canvas_close(cv, err);
    return rc != 0 ? rc : crc;
}
