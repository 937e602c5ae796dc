/* sweep_file.c — the sweep file (base, set, grid, zip, seeds, collect) read with yaml_doc into axes of override values, every value keeping its mark; point coordinates and overrides; the plan a resume checks. */
#include "sweep.h"

#include "fmt.h"
#include "yaml_doc.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* More points than this is a typo in a range, not a study (and would need 10^7 folders). */
#define SWEEP_MAX_POINTS 10000000u

typedef struct reader {
    plnet_sweep *sw;
    FILE *err;
} reader;

static int fail_at(reader *r, int line, int col, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

static int fail_at(reader *r, int line, int col, const char *fmt, ...)
{
    char text[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    if (line > 0) {
        fprintf(r->err, "plnet: %s:%d:%d: %s\n", r->sw->path, line, col, text);
    } else {
        fprintf(r->err, "plnet: %s: %s\n", r->sw->path, text);
    }
    return 2;
}

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d != NULL) {
        memcpy(d, s, n);
    }
    return d;
}

static char *fmt_str(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

static char *fmt_str(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        return NULL;
    }
    char *s = malloc((size_t)n + 1);
    if (s != NULL) {
        va_start(ap, fmt);
        vsnprintf(s, (size_t)n + 1, fmt, ap);
        va_end(ap);
    }
    return s;
}

/* ------------------------------------------------------------------ YAML text of a node */

typedef struct sbuf {
    char *s;
    size_t len, cap;
    bool oom;
} sbuf;

static void sb_put(sbuf *b, const char *s, size_t n)
{
    if (b->oom) {
        return;
    }
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap > 0 ? b->cap : 64;
        while (cap < b->len + n + 1) {
            cap *= 2;
        }
        char *p = realloc(b->s, cap);
        if (p == NULL) {
            b->oom = true;
            return;
        }
        b->s = p;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void sb_str(sbuf *b, const char *s)
{
    sb_put(b, s, strlen(s));
}

static void sb_quoted(sbuf *b, const char *s)
{
    sb_put(b, "\"", 1);
    for (const char *p = s; *p != '\0'; p++) {
        char esc[8];
        unsigned char c = (unsigned char)*p;
        if (c == '"' || c == '\\') {
            esc[0] = '\\';
            esc[1] = (char)c;
            sb_put(b, esc, 2);
        } else if (c < 0x20) {
            snprintf(esc, sizeof esc, "\\x%02x", c);
            sb_str(b, esc);
        } else {
            sb_put(b, p, 1);
        }
    }
    sb_put(b, "\"", 1);
}

/* The node as one line of flow YAML that reads back to the same value: plain scalars as
 * written (so 1.0e-3 stays a number and `true` a boolean), quoted ones quoted (so "1" stays
 * a string). */
static void sb_node(sbuf *b, const yd_node *nd)
{
    switch (nd->type) {
    case YD_SCALAR:
        if (nd->plain) {
            sb_str(b, nd->scalar);
        } else {
            sb_quoted(b, nd->scalar);
        }
        break;
    case YD_SEQ:
        sb_put(b, "[", 1);
        for (size_t k = 0; k < nd->n; k++) {
            if (k > 0) {
                sb_put(b, ", ", 2);
            }
            sb_node(b, nd->items[k]);
        }
        sb_put(b, "]", 1);
        break;
    case YD_MAP:
        sb_put(b, "{", 1);
        for (size_t k = 0; k < nd->n; k++) {
            if (k > 0) {
                sb_put(b, ", ", 2);
            }
            sb_node(b, nd->keys[k]);
            sb_put(b, ": ", 2);
            sb_node(b, nd->items[k]);
        }
        sb_put(b, "}", 1);
        break;
    }
}

static char *node_text(const yd_node *nd)
{
    sbuf b = {NULL, 0, 0, false};
    sb_node(&b, nd);
    if (b.oom) {
        free(b.s);
        return NULL;
    }
    return b.s != NULL ? b.s : dup_str("");
}

/* A plain scalar that is a number in full (YAML 1.1's floats as plnet's config reads them). */
static bool plain_number(const yd_node *nd, double *v)
{
    if (nd->type != YD_SCALAR || !nd->plain || nd->scalar[0] == '\0') {
        return false;
    }
    char *end = NULL;
    errno = 0;
    double x = strtod(nd->scalar, &end);
    if (end == nd->scalar || *end != '\0' || errno == ERANGE || !isfinite(x)) {
        return false;
    }
    *v = x;
    return true;
}

static bool plain_int(const yd_node *nd, int64_t *v)
{
    if (nd->type != YD_SCALAR || !nd->plain || nd->scalar[0] == '\0') {
        return false;
    }
    char *end = NULL;
    errno = 0;
    long long x = strtoll(nd->scalar, &end, 10);
    if (end == nd->scalar || *end != '\0' || errno == ERANGE) {
        return false;
    }
    *v = (int64_t)x;
    return true;
}

static const char *type_name(const yd_node *nd)
{
    return nd->type == YD_MAP ? "a mapping" : nd->type == YD_SEQ ? "a list" : "a scalar";
}

/* ------------------------------------------------------------------ axes */

static void value_free(sweep_value *v)
{
    free(v->text);
    v->text = NULL;
}

static void axis_free(sweep_axis *a)
{
    for (size_t k = 0; k < a->n; k++) {
        value_free(&a->v[k]);
    }
    free(a->v);
    free(a->key);
    memset(a, 0, sizeof *a);
}

void plnet_sweep_free(plnet_sweep *sw)
{
    if (sw == NULL) {
        return;
    }
    for (size_t a = 0; a < sw->n_axes; a++) {
        axis_free(&sw->axes[a]);
    }
    free(sw->axes);
    for (size_t k = 0; sw->seeds != NULL && k < sw->n_seeds; k++) {
        value_free(&sw->seeds[k]);
    }
    free(sw->seeds);
    for (size_t k = 0; k < sw->n_collect; k++) {
        free(sw->collect[k]);
    }
    free(sw->collect);
    free(sw->collect_line);
    free(sw->collect_col);
    for (size_t k = 0; k < sw->n_sets; k++) {
        free(sw->sets[k].key);
        free(sw->sets[k].value);
        free(sw->sets[k].origin);
    }
    free(sw->sets);
    free(sw->cost);
    free(sw->seed_of);
    free(sw->base_resolved);
    free(sw->base_origin);
    free(sw->base);
    free(sw->path);
    free(sw);
}

/* A generated value: rounded to 15 significant digits, so that linear steps read 0.3 rather
 * than 0.30000000000000004; the text is what the point's configuration receives, so the
 * tables show exactly what ran. */
static int gen_value(sweep_value *v, double x, const yd_node *at)
{
    char text[40];
    snprintf(text, sizeof text, "%.15g", x);
    v->text = dup_str(text);
    v->line = at->line;
    v->col = at->col;
    v->num = strtod(text, NULL);
    v->is_num = true;
    return v->text == NULL ? 1 : 0;
}

/* {log: [lo, hi, n]} or {linear: [lo, hi, n]}. */
static int read_generator(reader *r, const yd_node *key, yd_node *spec, sweep_axis *a)
{
    if (spec->n != 1) {
        return fail_at(r, spec->line, spec->col,
                       "%s: a generated axis is {log: [lo, hi, n]} or {linear: [lo, hi, n]}, "
                       "one key", key->scalar);
    }
    const char *kind = spec->keys[0]->scalar;
    const yd_node *args = spec->items[0];
    if (strcmp(kind, "log") == 0) {
        a->spacing = SWEEP_LOG;
    } else if (strcmp(kind, "linear") == 0) {
        a->spacing = SWEEP_LINEAR;
    } else {
        return fail_at(r, spec->keys[0]->line, spec->keys[0]->col,
                       "%s: unknown generator '%s' (log or linear; a list of values is "
                       "written [a, b, c])", key->scalar, kind);
    }
    double lo = 0.0, hi = 0.0;
    int64_t n = 0;
    if (args->type != YD_SEQ || args->n != 3 || !plain_number(args->items[0], &lo) ||
        !plain_number(args->items[1], &hi)) {
        return fail_at(r, args->line, args->col, "%s: %s: expected [lo, hi, n] (two numbers "
                       "and a count)", key->scalar, kind);
    }
    if (!plain_int(args->items[2], &n)) {
        return fail_at(r, args->items[2]->line, args->items[2]->col,
                       "%s: %s: the count n must be an integer", key->scalar, kind);
    }
    if (n < 1) {
        return fail_at(r, args->items[2]->line, args->items[2]->col,
                       "%s: empty axis (%s with n = %lld values)", key->scalar, kind,
                       (long long)n);
    }
    if (n > (int64_t)SWEEP_MAX_POINTS) {
        return fail_at(r, args->items[2]->line, args->items[2]->col,
                       "%s: n = %lld values is more than a sweep holds (%u)", key->scalar,
                       (long long)n, SWEEP_MAX_POINTS);
    }
    if (a->spacing == SWEEP_LOG && (lo <= 0.0 || hi <= 0.0)) {
        const yd_node *bad = lo <= 0.0 ? args->items[0] : args->items[1];
        return fail_at(r, bad->line, bad->col, "%s: log: lo and hi must be > 0 (got %s)",
                       key->scalar, bad->scalar);
    }
    if (n == 1 && lo != hi) {
        return fail_at(r, args->items[2]->line, args->items[2]->col,
                       "%s: %s: one value between %s and %s is ambiguous (n = 1 needs lo = hi)",
                       key->scalar, kind, args->items[0]->scalar, args->items[1]->scalar);
    }
    a->v = calloc((size_t)n, sizeof *a->v);
    if (a->v == NULL) {
        return 1;
    }
    a->n = (size_t)n;
    for (int64_t k = 0; k < n; k++) {
        double x;
        if (k == 0) {
            x = lo;
        } else if (k == n - 1) {
            x = hi;
        } else if (a->spacing == SWEEP_LOG) {
            /* Powers of ten stay exact (1e-3 .. 1 in 4 gives 0.001, 0.01, 0.1, 1). */
            double t = (double)k / (double)(n - 1);
            x = pow(10.0, log10(lo) + t * (log10(hi) - log10(lo)));
        } else {
            x = lo + (hi - lo) * (double)k / (double)(n - 1);
        }
        if (gen_value(&a->v[k], x, spec) != 0) {
            return 1;
        }
    }
    return 0;
}

static int read_axis(reader *r, yd_node *key, yd_node *val, bool zipped, sweep_axis *a)
{
    a->key = dup_str(key->scalar);
    if (a->key == NULL) {
        return 1;
    }
    a->line = key->line;
    a->col = key->col;
    a->zipped = zipped;
    a->spacing = SWEEP_LIST;
    if (key->scalar[0] == '\0') {
        return fail_at(r, key->line, key->col, "an axis needs a configuration key");
    }
    if (val->type == YD_MAP) {
        int rc = read_generator(r, key, val, a);
        if (rc != 0) {
            return rc;
        }
    } else if (val->type == YD_SEQ) {
        if (val->n == 0) {
            return fail_at(r, val->line, val->col, "%s: empty axis (no values)", key->scalar);
        }
        a->v = calloc(val->n, sizeof *a->v);
        if (a->v == NULL) {
            return 1;
        }
        a->n = val->n;
        for (size_t k = 0; k < val->n; k++) {
            const yd_node *it = val->items[k];
            a->v[k].text = node_text(it);
            if (a->v[k].text == NULL) {
                return 1;
            }
            a->v[k].line = it->line;
            a->v[k].col = it->col;
            a->v[k].is_num = plain_number(it, &a->v[k].num);
        }
    } else {
        return fail_at(r, val->line, val->col,
                       "%s: an axis is a list of values ([0.1, 0.3, 1.0]) or {log: [lo, hi, "
                       "n]} / {linear: [lo, hi, n]}, not %s (fix a key to one value with `set`)",
                       key->scalar, type_name(val));
    }
    /* The same value twice would run the same point twice. */
    for (size_t k = 1; k < a->n; k++) {
        for (size_t j = 0; j < k; j++) {
            bool same = strcmp(a->v[j].text, a->v[k].text) == 0 ||
                        (a->v[j].is_num && a->v[k].is_num && a->v[j].num == a->v[k].num);
            if (same) {
                return fail_at(r, a->v[k].line, a->v[k].col,
                               "%s: the value %s is already on the axis (line %d, column %d)",
                               a->key, a->v[k].text, a->v[j].line, a->v[j].col);
            }
        }
    }
    return 0;
}

static int read_axes(reader *r, yd_node *map, const char *section, bool zipped)
{
    plnet_sweep *sw = r->sw;
    if (map->type != YD_MAP) {
        return fail_at(r, map->line, map->col,
                       "%s: expected a mapping of configuration keys to values "
                       "(learning.rate: [0.1, 0.3]), got %s", section, type_name(map));
    }
    if (map->n == 0) {
        return 0;
    }
    sweep_axis *axes = realloc(sw->axes, (sw->n_axes + map->n) * sizeof *axes);
    if (axes == NULL) {
        return 1;
    }
    sw->axes = axes;
    for (size_t k = 0; k < map->n; k++) {
        map->used[k] = true;
        sweep_axis *a = &sw->axes[sw->n_axes];
        memset(a, 0, sizeof *a);
        sw->n_axes++;
        int rc = read_axis(r, map->keys[k], map->items[k], zipped, a);
        if (rc != 0) {
            return rc;
        }
        if (zipped) {
            if (sw->zip_len == 0) {
                sw->zip_len = a->n;
            } else if (a->n != sw->zip_len) {
                const sweep_axis *first = NULL;
                for (size_t j = 0; j < sw->n_axes && first == NULL; j++) {
                    if (sw->axes[j].zipped) {
                        first = &sw->axes[j];
                    }
                }
                return fail_at(r, a->line, a->col,
                               "zip: %s has %zu values but %s (line %d) has %zu: zipped axes "
                               "vary together and need equal lengths",
                               a->key, a->n, first->key, first->line, first->n);
            }
        }
    }
    return 0;
}

/* ------------------------------------------------------------------ seeds, collect, set */

static int read_seeds(reader *r, yd_node *nd)
{
    plnet_sweep *sw = r->sw;
    sw->has_seeds = true;
    if (nd->type == YD_MAP) {
        yd_node *range = yd_get(nd, "range");
        yd_node *extra = yd_first_unused(nd);
        if (range == NULL || extra != NULL) {
            const yd_node *at = extra != NULL ? extra : nd;
            return fail_at(r, at->line, at->col,
                           "seeds: a list of seeds ([1, 2, 3]) or {range: [first, last]}");
        }
        int64_t a = 0, b = 0;
        if (range->type != YD_SEQ || range->n != 2 || !plain_int(range->items[0], &a) ||
            !plain_int(range->items[1], &b)) {
            return fail_at(r, range->line, range->col,
                           "seeds: range: expected [first, last] (two integers, both included)");
        }
        if (a < 0 || b < a) {
            return fail_at(r, range->line, range->col,
                           "seeds: range: [%lld, %lld] is empty or negative (first <= last, "
                           "both >= 0)", (long long)a, (long long)b);
        }
        if (b - a >= (int64_t)SWEEP_MAX_POINTS) {
            return fail_at(r, range->line, range->col, "seeds: range: %lld seeds is too many",
                           (long long)(b - a + 1));
        }
        sw->n_seeds = (size_t)(b - a + 1);
        sw->seeds = calloc(sw->n_seeds, sizeof *sw->seeds);
        if (sw->seeds == NULL) {
            return 1;
        }
        for (size_t k = 0; k < sw->n_seeds; k++) {
            char text[32];
            snprintf(text, sizeof text, "%lld", (long long)(a + (int64_t)k));
            sw->seeds[k].text = dup_str(text);
            if (sw->seeds[k].text == NULL) {
                return 1;
            }
            sw->seeds[k].line = range->line;
            sw->seeds[k].col = range->col;
            sw->seeds[k].num = (double)(a + (int64_t)k);
            sw->seeds[k].is_num = true;
        }
        return 0;
    }
    if (nd->type != YD_SEQ) {
        return fail_at(r, nd->line, nd->col,
                       "seeds: a list of seeds ([1, 2, 3]) or {range: [first, last]}, not %s",
                       type_name(nd));
    }
    if (nd->n == 0) {
        return fail_at(r, nd->line, nd->col, "seeds: empty (drop the key to use the base's seed)");
    }
    sw->seeds = calloc(nd->n, sizeof *sw->seeds);
    if (sw->seeds == NULL) {
        return 1;
    }
    sw->n_seeds = nd->n;
    for (size_t k = 0; k < nd->n; k++) {
        const yd_node *it = nd->items[k];
        int64_t s = 0;
        if (!plain_int(it, &s) || s < 0) {
            return fail_at(r, it->line, it->col, "seeds: '%s' is not a seed (an integer >= 0)",
                           it->type == YD_SCALAR ? it->scalar : type_name(it));
        }
        for (size_t j = 0; j < k; j++) {
            if ((int64_t)sw->seeds[j].num == s) {
                return fail_at(r, it->line, it->col,
                               "seeds: %lld is already listed (line %d, column %d)",
                               (long long)s, sw->seeds[j].line, sw->seeds[j].col);
            }
        }
        sw->seeds[k].text = node_text(it);
        if (sw->seeds[k].text == NULL) {
            return 1;
        }
        sw->seeds[k].line = it->line;
        sw->seeds[k].col = it->col;
        sw->seeds[k].num = (double)s;
        sw->seeds[k].is_num = true;
    }
    return 0;
}

static int read_collect(reader *r, yd_node *nd)
{
    plnet_sweep *sw = r->sw;
    if (nd->type != YD_SEQ) {
        return fail_at(r, nd->line, nd->col,
                       "collect: a list of metrics.csv columns ([loss, test_error]), not %s",
                       type_name(nd));
    }
    if (nd->n == 0) {
        return fail_at(r, nd->line, nd->col, "collect: empty (drop the key for the default)");
    }
    sw->collect = calloc(nd->n, sizeof *sw->collect);
    sw->collect_line = calloc(nd->n, sizeof *sw->collect_line);
    sw->collect_col = calloc(nd->n, sizeof *sw->collect_col);
    if (sw->collect == NULL || sw->collect_line == NULL || sw->collect_col == NULL) {
        return 1;
    }
    for (size_t k = 0; k < nd->n; k++) {
        const yd_node *it = nd->items[k];
        if (it->type != YD_SCALAR || it->scalar[0] == '\0') {
            return fail_at(r, it->line, it->col, "collect: expected a column name, got %s",
                           type_name(it));
        }
        for (size_t j = 0; j < k; j++) {
            if (strcmp(sw->collect[j], it->scalar) == 0) {
                return fail_at(r, it->line, it->col, "collect: %s is listed twice",
                               it->scalar);
            }
        }
        sw->collect[k] = dup_str(it->scalar);
        if (sw->collect[k] == NULL) {
            return 1;
        }
        sw->collect_line[k] = it->line;
        sw->collect_col[k] = it->col;
        sw->n_collect++;
    }
    return 0;
}

static int add_set(plnet_sweep *sw, const char *key, const char *value, char *origin)
{
    sweep_set *s = realloc(sw->sets, (sw->n_sets + 1) * sizeof *s);
    if (s == NULL) {
        free(origin);
        return 1;
    }
    sw->sets = s;
    sweep_set *e = &sw->sets[sw->n_sets];
    e->key = dup_str(key);
    e->value = dup_str(value);
    e->origin = origin;
    sw->n_sets++;
    return e->key == NULL || e->value == NULL || e->origin == NULL ? 1 : 0;
}

static int read_set(reader *r, yd_node *nd)
{
    if (nd->type != YD_MAP) {
        return fail_at(r, nd->line, nd->col,
                       "set: expected a mapping of configuration keys to values "
                       "(train.steps: 200), got %s", type_name(nd));
    }
    for (size_t k = 0; k < nd->n; k++) {
        nd->used[k] = true;
        char *text = node_text(nd->items[k]);
        char *origin = fmt_str("%s:%d:%d", r->sw->path, nd->items[k]->line, nd->items[k]->col);
        int rc = text == NULL ? 1 : add_set(r->sw, nd->keys[k]->scalar, text, origin);
        if (text == NULL) {
            free(origin);
        }
        free(text);
        if (rc != 0) {
            return rc;
        }
    }
    return 0;
}

/* ------------------------------------------------------------------ the file */

static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (slash == NULL) {
        return dup_str(".");
    }
    size_t n = (size_t)(slash - path);
    if (n == 0) {
        return dup_str("/");
    }
    char *d = malloc(n + 1);
    if (d != NULL) {
        memcpy(d, path, n);
        d[n] = '\0';
    }
    return d;
}

/* Where an axis is defined, to name both places in a conflict. */
static const char *axis_origin(const plnet_sweep *sw, const char *key, char *buf, size_t size)
{
    for (size_t a = 0; a < sw->n_axes; a++) {
        if (strcmp(sw->axes[a].key, key) == 0) {
            snprintf(buf, size, "%s:%d:%d", sw->path, sw->axes[a].line, sw->axes[a].col);
            return buf;
        }
    }
    return NULL;
}

/* A key fixed twice (set and axis, grid and zip, --set and an axis) is ambiguous. */
static int check_conflicts(reader *r)
{
    plnet_sweep *sw = r->sw;
    char buf[512];
    for (size_t a = 0; a < sw->n_axes; a++) {
        const sweep_axis *ax = &sw->axes[a];
        for (size_t b = 0; b < a; b++) {
            if (strcmp(sw->axes[b].key, ax->key) == 0) {
                return fail_at(r, ax->line, ax->col,
                               "%s is already an axis (line %d): a key varies on one axis",
                               ax->key, sw->axes[b].line);
            }
        }
        if (strcmp(ax->key, "output.dir") == 0) {
            return fail_at(r, ax->line, ax->col,
                           "output.dir cannot vary: every point writes into DIR/points/NNNN");
        }
        if (sw->has_seeds && strcmp(ax->key, "seed") == 0) {
            return fail_at(r, ax->line, ax->col,
                           "seed is an axis and `seeds` is given: use one of the two");
        }
    }
    for (size_t k = 0; k < sw->n_sets; k++) {
        const sweep_set *s = &sw->sets[k];
        if (strcmp(s->key, "output.dir") == 0) {
            fprintf(r->err, "plnet: %s: output.dir cannot be set: every point writes into "
                            "DIR/points/NNNN (choose DIR with -o)\n", s->origin);
            return 2;
        }
        if (sw->has_seeds && strcmp(s->key, "seed") == 0) {
            fprintf(r->err, "plnet: %s: seed cannot be set: the sweep's `seeds` gives each "
                            "point its seed\n", s->origin);
            return 2;
        }
        for (size_t j = 0; j < k; j++) {
            if (strcmp(sw->sets[j].key, s->key) == 0) {
                fprintf(r->err, "plnet: %s: %s is already set by %s\n", s->origin, s->key,
                        sw->sets[j].origin);
                return 2;
            }
        }
        for (size_t a = 0; a < sw->n_axes; a++) {
            if (strcmp(sw->axes[a].key, s->key) == 0) {
                const char *at = axis_origin(sw, s->key, buf, sizeof buf);
                fprintf(r->err, "plnet: %s: %s is an axis of the sweep (%s): it cannot also "
                                "be fixed\n", s->origin, s->key, at != NULL ? at : sw->path);
                return 2;
            }
        }
    }
    return 0;
}

static int read_root(reader *r, yd_node *root, char *const *cli_sets, size_t n_cli)
{
    plnet_sweep *sw = r->sw;
    if (root->type != YD_MAP) {
        return fail_at(r, root->line, root->col,
                       "a sweep file is a mapping (base, set, grid, zip, seeds, collect)");
    }
    /* The command line's --set first: they change the base of every point. */
    for (size_t k = 0; k < n_cli; k++) {
        const char *eq = strchr(cli_sets[k], '=');
        if (eq == NULL || eq == cli_sets[k]) {
            fprintf(r->err, "plnet: sweep: --set %s: expected KEY=VALUE (a dotted "
                            "configuration key and a YAML value)\n", cli_sets[k]);
            return 2;
        }
        char *key = malloc((size_t)(eq - cli_sets[k]) + 1);
        if (key == NULL) {
            return 1;
        }
        memcpy(key, cli_sets[k], (size_t)(eq - cli_sets[k]));
        key[eq - cli_sets[k]] = '\0';
        int rc = add_set(sw, key, eq + 1, fmt_str("--set %s", cli_sets[k]));
        free(key);
        if (rc != 0) {
            return rc;
        }
    }
    yd_node *base = yd_get(root, "base");
    if (base == NULL) {
        return fail_at(r, root->line, root->col,
                       "missing `base`: the experiment file every point starts from");
    }
    if (base->type != YD_SCALAR || base->scalar[0] == '\0') {
        return fail_at(r, base->line, base->col, "base: expected a file name, got %s",
                       type_name(base));
    }
    if (base->scalar[0] == '/') {
        sw->base = dup_str(base->scalar);
    } else {
        char *d = dir_of(sw->path);
        sw->base = d != NULL ? fmt_str("%s/%s", d, base->scalar) : NULL;
        free(d);
    }
    sw->base_origin = fmt_str("%s:%d:%d", sw->path, base->line, base->col);
    if (sw->base == NULL || sw->base_origin == NULL) {
        return 1;
    }
    FILE *probe = fopen(sw->base, "rb");
    if (probe == NULL) {
        return fail_at(r, base->line, base->col, "base: cannot open %s: %s", sw->base,
                       strerror(errno));
    }
    fclose(probe);
    int rc = 0;
    yd_node *x = yd_get(root, "set");
    if (x != NULL && (rc = read_set(r, x)) != 0) {
        return rc;
    }
    x = yd_get(root, "grid");
    if (x != NULL && (rc = read_axes(r, x, "grid", false)) != 0) {
        return rc;
    }
    sw->n_grid = sw->n_axes;
    x = yd_get(root, "zip");
    if (x != NULL && (rc = read_axes(r, x, "zip", true)) != 0) {
        return rc;
    }
    x = yd_get(root, "seeds");
    if (x != NULL && (rc = read_seeds(r, x)) != 0) {
        return rc;
    }
    x = yd_get(root, "collect");
    if (x != NULL && (rc = read_collect(r, x)) != 0) {
        return rc;
    }
    yd_node *unknown = yd_first_unused(root);
    if (unknown != NULL) {
        return fail_at(r, unknown->line, unknown->col,
                       "unknown key '%s' (a sweep file has base, set, grid, zip, seeds, "
                       "collect)", unknown->scalar);
    }
    if (sw->n_axes == 0 && !sw->has_seeds) {
        return fail_at(r, root->line, root->col,
                       "nothing varies: give `grid`, `zip` or `seeds` (to run the base once, "
                       "use plnet train)");
    }
    if ((rc = check_conflicts(r)) != 0) {
        return rc;
    }
    if (!sw->has_seeds) {
        sw->n_seeds = 1;
    }
    /* Default columns: present in every run's metrics.csv. */
    if (sw->n_collect == 0) {
        static const char *const defaults[] = {"loss", "train_error", "test_error",
                                               "joule_total", "landauer_total"};
        size_t n = sizeof defaults / sizeof defaults[0];
        sw->collect = calloc(n, sizeof *sw->collect);
        sw->collect_line = calloc(n, sizeof *sw->collect_line);
        sw->collect_col = calloc(n, sizeof *sw->collect_col);
        if (sw->collect == NULL || sw->collect_line == NULL || sw->collect_col == NULL) {
            return 1;
        }
        for (size_t k = 0; k < n; k++) {
            sw->collect[k] = dup_str(defaults[k]);
            if (sw->collect[k] == NULL) {
                return 1;
            }
            sw->n_collect++;
        }
    }
    size_t n = 1;
    for (size_t a = 0; a < sw->n_grid; a++) {
        if (n > SWEEP_MAX_POINTS / sw->axes[a].n) {
            return fail_at(r, sw->axes[a].line, sw->axes[a].col,
                           "the grid has more than %u points", SWEEP_MAX_POINTS);
        }
        n *= sw->axes[a].n;
    }
    if (sw->zip_len > 0) {
        if (n > SWEEP_MAX_POINTS / sw->zip_len) {
            return fail_at(r, root->line, root->col, "the sweep has more than %u points",
                           SWEEP_MAX_POINTS);
        }
        n *= sw->zip_len;
    }
    sw->n_params = n;
    if (n > SWEEP_MAX_POINTS / sw->n_seeds) {
        return fail_at(r, root->line, root->col, "the sweep has more than %u points",
                       SWEEP_MAX_POINTS);
    }
    sw->n_points = n * sw->n_seeds;
    return 0;
}

int plnet_sweep_load(const char *path, char *const *cli_sets, size_t n_cli_sets,
                     plnet_sweep **out, FILE *err)
{
    *out = NULL;
    plnet_sweep *sw = calloc(1, sizeof *sw);
    if (sw == NULL || (sw->path = dup_str(path)) == NULL) {
        free(sw);
        fprintf(err, "plnet: out of memory\n");
        return 1;
    }
    char msg[1024];
    yd_node *root = yd_load(path, msg, sizeof msg);
    if (root == NULL) {
        bool positioned = msg[0] >= '0' && msg[0] <= '9';
        fprintf(err, "plnet: %s:%s%s\n", path, positioned ? "" : " ", msg);
        plnet_sweep_free(sw);
        return 2;
    }
    reader r = {sw, err};
    int rc = read_root(&r, root, cli_sets, n_cli_sets);
    yd_free(root);
    if (rc == 1) {
        fprintf(err, "plnet: out of memory\n");
    }
    if (rc != 0) {
        plnet_sweep_free(sw);
        return rc;
    }
    *out = sw;
    return 0;
}

/* ------------------------------------------------------------------ points */

void plnet_sweep_coords(const plnet_sweep *sw, size_t i, size_t *coord, size_t *seed_index)
{
    *seed_index = i % sw->n_seeds;
    size_t rest = i / sw->n_seeds;
    if (sw->zip_len > 0) {
        size_t z = rest % sw->zip_len;
        rest /= sw->zip_len;
        for (size_t a = sw->n_grid; a < sw->n_axes; a++) {
            coord[a] = z;
        }
    }
    for (size_t a = sw->n_grid; a-- > 0;) {
        coord[a] = rest % sw->axes[a].n;
        rest /= sw->axes[a].n;
    }
}

size_t plnet_sweep_param_index(const plnet_sweep *sw, size_t i)
{
    return i / sw->n_seeds;
}

void plnet_sweep_point_sets_free(sweep_point_sets *ps)
{
    if (ps->origin != NULL) {
        for (size_t k = 0; k < ps->n; k++) {
            free(ps->origin[k]);
        }
    }
    free(ps->origin);
    free(ps->key);
    free(ps->value);
    free(ps->dir_value);
    memset(ps, 0, sizeof *ps);
}

int plnet_sweep_point_sets(const plnet_sweep *sw, size_t i, const char *point_dir,
                           sweep_point_sets *ps)
{
    memset(ps, 0, sizeof *ps);
    size_t cap = sw->n_sets + sw->n_axes + 2;
    size_t *coord = calloc(sw->n_axes + 1, sizeof *coord);
    ps->key = calloc(cap, sizeof *ps->key);
    ps->value = calloc(cap, sizeof *ps->value);
    ps->origin = calloc(cap, sizeof *ps->origin);
    if (coord == NULL || ps->key == NULL || ps->value == NULL || ps->origin == NULL) {
        free(coord);
        plnet_sweep_point_sets_free(ps);
        return 1;
    }
    size_t s = 0;
    plnet_sweep_coords(sw, i, coord, &s);
    bool oom = false;
    for (size_t k = 0; k < sw->n_sets; k++) {
        ps->key[ps->n] = sw->sets[k].key;
        ps->value[ps->n] = sw->sets[k].value;
        ps->origin[ps->n] = dup_str(sw->sets[k].origin);
        oom |= ps->origin[ps->n] == NULL;
        ps->n++;
    }
    for (size_t a = 0; a < sw->n_axes; a++) {
        const sweep_value *v = &sw->axes[a].v[coord[a]];
        ps->key[ps->n] = sw->axes[a].key;
        ps->value[ps->n] = v->text;
        ps->origin[ps->n] = fmt_str("%s:%d:%d", sw->path, v->line, v->col);
        oom |= ps->origin[ps->n] == NULL;
        ps->n++;
    }
    if (sw->has_seeds) {
        const sweep_value *v = &sw->seeds[s];
        ps->key[ps->n] = "seed";
        ps->value[ps->n] = v->text;
        ps->origin[ps->n] = fmt_str("%s:%d:%d", sw->path, v->line, v->col);
        oom |= ps->origin[ps->n] == NULL;
        ps->n++;
    }
    if (point_dir != NULL) {
        sbuf b = {NULL, 0, 0, false};
        sb_quoted(&b, point_dir);
        ps->dir_value = b.s;
        ps->key[ps->n] = "output.dir";
        ps->value[ps->n] = ps->dir_value;
        ps->origin[ps->n] = fmt_str("%s: the point folder", sw->path);
        oom |= b.oom || ps->dir_value == NULL || ps->origin[ps->n] == NULL;
        ps->n++;
    }
    free(coord);
    if (oom) {
        plnet_sweep_point_sets_free(ps);
        return 1;
    }
    return 0;
}

/* ------------------------------------------------------------------ the plan */

char *plnet_sweep_plan(const plnet_sweep *sw)
{
    sbuf b = {NULL, 0, 0, false};
    char line[256];
    sb_str(&b, "# plnet sweep plan: `plnet sweep --resume` refuses a sweep that expands to "
               "other points.\n# Lines starting with '#' are not compared.\n");
    sb_str(&b, "# sweep file: ");
    sb_str(&b, sw->path);
    sb_str(&b, "\n# base: ");
    sb_str(&b, sw->base);
    sb_str(&b, "\n");
    snprintf(line, sizeof line, "points: %zu\n", sw->n_points);
    sb_str(&b, line);
    for (size_t k = 0; k < sw->n_sets; k++) {
        sb_str(&b, "set ");
        sb_str(&b, sw->sets[k].key);
        sb_str(&b, ": ");
        sb_str(&b, sw->sets[k].value);
        sb_str(&b, "\n");
    }
    for (size_t a = 0; a < sw->n_axes; a++) {
        const sweep_axis *ax = &sw->axes[a];
        sb_str(&b, ax->zipped ? "zip " : "grid ");
        sb_str(&b, ax->key);
        sb_str(&b, ax->spacing == SWEEP_LOG ? ": log [" : ax->spacing == SWEEP_LINEAR
                                                             ? ": linear [" : ": [");
        for (size_t k = 0; k < ax->n; k++) {
            if (k > 0) {
                sb_str(&b, ", ");
            }
            sb_str(&b, ax->v[k].text);
        }
        sb_str(&b, "]\n");
    }
    if (sw->has_seeds) {
        sb_str(&b, "seeds: [");
        for (size_t k = 0; k < sw->n_seeds; k++) {
            if (k > 0) {
                sb_str(&b, ", ");
            }
            sb_str(&b, sw->seeds[k].text);
        }
        sb_str(&b, "]\n");
    }
    sb_str(&b, "base configuration:\n");
    const char *p = sw->base_resolved != NULL ? sw->base_resolved : "";
    while (*p != '\0') {
        const char *e = strchr(p, '\n');
        size_t n = e != NULL ? (size_t)(e - p) : strlen(p);
        sb_str(&b, "  ");
        sb_put(&b, p, n);
        sb_str(&b, "\n");
        p += n + (e != NULL);
    }
    if (b.oom) {
        free(b.s);
        return NULL;
    }
    return b.s;
}

/* The next line that is not a comment; NULL at the end. *n is its length. */
static const char *next_line(const char **p, size_t *n)
{
    while (**p != '\0') {
        const char *s = *p;
        const char *e = strchr(s, '\n');
        size_t len = e != NULL ? (size_t)(e - s) : strlen(s);
        *p = s + len + (e != NULL);
        if (s[0] != '#') {
            *n = len;
            return s;
        }
    }
    return NULL;
}

static size_t indent_of(const char *s, size_t n)
{
    size_t k = 0;
    while (k < n && s[k] == ' ') {
        k++;
    }
    return k;
}

/* The dotted key of a line of the base configuration block, from the keys above it. */
static void section_path(const char *text, const char *upto, char *out, size_t size)
{
    char keys[16][64];
    size_t ind[16];
    size_t depth = 0;
    const char *p = text;
    bool in_base = false;
    while (p < upto) {
        size_t n = 0;
        const char *s = next_line(&p, &n);
        if (s == NULL || s >= upto) {
            break;
        }
        if (strncmp(s, "base configuration:", 19) == 0) {
            in_base = true;
            depth = 0;
            continue;
        }
        if (!in_base) {
            continue;
        }
        size_t i = indent_of(s, n);
        const char *colon = memchr(s + i, ':', n - i);
        if (colon == NULL || s[i] == '-') {
            continue;
        }
        while (depth > 0 && ind[depth - 1] >= i) {
            depth--;
        }
        /* Only a key opening a block (nothing after the colon) is a section. */
        if (colon == s + n - 1 && depth < 16) {
            size_t kl = (size_t)(colon - (s + i));
            snprintf(keys[depth], sizeof keys[depth], "%.*s", (int)kl, s + i);
            ind[depth] = i;
            depth++;
        }
    }
    out[0] = '\0';
    if (!in_base) {
        return;
    }
    size_t len = 0;
    for (size_t k = 0; k < depth; k++) {
        int w = snprintf(out + len, size - len, "%s.", keys[k]);
        if (w < 0 || len + (size_t)w >= size) {
            break;
        }
        len += (size_t)w;
    }
}

static void trimmed(const char *s, size_t n, char *out, size_t size)
{
    size_t i = indent_of(s, n);
    snprintf(out, size, "%.*s", (int)(n - i), s + i);
}

int plnet_sweep_plan_compare(const char *stored, const char *now, char *msg, size_t size)
{
    const char *pa = stored;
    const char *pb = now;
    for (;;) {
        size_t na = 0, nb = 0;
        const char *la = next_line(&pa, &na);
        const char *lb = next_line(&pb, &nb);
        if (la == NULL && lb == NULL) {
            return 0;
        }
        if (la != NULL && lb != NULL && na == nb && memcmp(la, lb, na) == 0) {
            continue;
        }
        char where[256];
        char ta[200], tb[200];
        section_path(now, lb != NULL ? lb : now + strlen(now), where, sizeof where);
        trimmed(la != NULL ? la : "", la != NULL ? na : 0, ta, sizeof ta);
        trimmed(lb != NULL ? lb : "", lb != NULL ? nb : 0, tb, sizeof tb);
        if (la == NULL || lb == NULL) {
            snprintf(msg, size, "the sweep in the folder %s '%s%s'",
                     la == NULL ? "lacks" : "has more:", where, la == NULL ? tb : ta);
        } else {
            snprintf(msg, size, "the folder's sweep has '%s%s', this one '%s%s'", where, ta,
                     where, tb);
        }
        return 1;
    }
}
