/* config.c — reads an experiment file into the library's description by walking the key table: types, unknown keys, paths and file:line:col of every value; ranges and keys that depend on each other are the library's check, located back here. */
/* realpath() is an X/Open interface. */
#define _XOPEN_SOURCE 700

#include "config.h"

#include "overrides.h"
#include "yaml_doc.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The mark of one value read: a key's (its value node's), and its elements' for lists. */
struct plnet_key_mark {
    char *key;
    plnet_mark at;
    plnet_mark *items;
    size_t n_items;
};

/* ------------------------------------------------------------------ reporting */

void plnet_report_at(FILE *err, const plnet_config *cfg, plnet_mark at, const char *fmt, ...)
{
    char text[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    const char *file = cfg != NULL && cfg->path != NULL ? cfg->path : "config";
    if (at.line >= PLNET_MARK_OVERRIDE && cfg != NULL &&
        (size_t)(at.line - PLNET_MARK_OVERRIDE) < cfg->n_origins) {
        fprintf(err, "plnet: %s: %s\n", cfg->origins[at.line - PLNET_MARK_OVERRIDE], text);
    } else if (at.line > 0) {
        fprintf(err, "plnet: %s:%d:%d: %s\n", file, at.line, at.col, text);
    } else {
        fprintf(err, "plnet: %s: %s\n", file, text);
    }
}

typedef struct reader {
    plnet_config *cfg;
    FILE *err;
    int rc; /* 2, or 1 when out of memory */
} reader;

static plnet_mark mark_of(const yd_node *nd)
{
    plnet_mark m = {0, 0};
    if (nd != NULL) {
        m.line = nd->line;
        m.col = nd->col;
    }
    return m;
}

#define FAIL_AT(r, nd, ...)                                                                  \
    do {                                                                                     \
        plnet_report_at((r)->err, (r)->cfg, mark_of(nd), __VA_ARGS__);                       \
        return -1;                                                                           \
    } while (0)

#define CHECK(expr)                                                                          \
    do {                                                                                     \
        if ((expr) != 0) {                                                                   \
            return -1;                                                                       \
        }                                                                                    \
    } while (0)

static int oom(reader *r)
{
    fprintf(r->err, "plnet: out of memory\n");
    r->rc = 1;
    return -1;
}

static char *dup_str(const char *s)
{
    size_t len = strlen(s);
    char *d = malloc(len + 1);
    if (d != NULL) {
        memcpy(d, s, len + 1);
    }
    return d;
}

/* Storage the config owns (the description's arrays and strings). */
static void *own(plnet_config *cfg, void *p)
{
    if (p == NULL) {
        return NULL;
    }
    if (cfg->n_owned == cfg->cap_owned) {
        size_t cap = cfg->cap_owned > 0 ? 2 * cfg->cap_owned : 64;
        void **v = realloc(cfg->owned, cap * sizeof *v);
        if (v == NULL) {
            free(p);
            return NULL;
        }
        cfg->owned = v;
        cfg->cap_owned = cap;
    }
    cfg->owned[cfg->n_owned++] = p;
    return p;
}

static char *own_str(plnet_config *cfg, const char *s)
{
    return own(cfg, dup_str(s));
}

/* Record where a key's value is; `items` (n of them) are taken over. */
static int add_mark(reader *r, const char *key, plnet_mark at, plnet_mark *items, size_t n)
{
    plnet_config *cfg = r->cfg;
    for (size_t k = 0; k < cfg->n_marks; k++) {
        if (strcmp(cfg->marks[k].key, key) == 0) { /* set again (an alias): the last wins */
            free(cfg->marks[k].items);
            cfg->marks[k].at = at;
            cfg->marks[k].items = items;
            cfg->marks[k].n_items = n;
            return 0;
        }
    }
    if (cfg->n_marks == cfg->cap_marks) {
        size_t cap = cfg->cap_marks > 0 ? 2 * cfg->cap_marks : 64;
        plnet_key_mark *m = realloc(cfg->marks, cap * sizeof *m);
        if (m == NULL) {
            free(items);
            return oom(r);
        }
        cfg->marks = m;
        cfg->cap_marks = cap;
    }
    char *k = dup_str(key);
    if (k == NULL) {
        free(items);
        return oom(r);
    }
    cfg->marks[cfg->n_marks++] = (plnet_key_mark){k, at, items, n};
    return 0;
}

static const plnet_key_mark *find_mark(const plnet_config *cfg, const char *key)
{
    for (size_t k = 0; k < cfg->n_marks; k++) {
        if (strcmp(cfg->marks[k].key, key) == 0) {
            return &cfg->marks[k];
        }
    }
    return NULL;
}

static bool given(const plnet_config *cfg, const char *key)
{
    return find_mark(cfg, key) != NULL;
}

plnet_mark plnet_config_mark(const plnet_config *cfg, const char *key, bool *found)
{
    plnet_mark none = {0, 0};
    char base[256];
    snprintf(base, sizeof base, "%s", key);
    long index = -1;
    char *br = strchr(base, '[');
    if (br != NULL) {
        index = strtol(br + 1, NULL, 10);
        *br = '\0';
    }
    *found = false;
    /* The key, then each enclosing section: the nearest one given in the file. */
    for (char *end = base + strlen(base);;) {
        if (pln_config_find(base) != NULL) {
            *found = true;
        }
        const plnet_key_mark *m = find_mark(cfg, base);
        if (m != NULL) {
            *found = true;
            if (index >= 0 && (size_t)index < m->n_items && end == base + strlen(base)) {
                return m->items[index];
            }
            return m->at;
        }
        end = strrchr(base, '.');
        if (end == NULL) {
            break;
        }
        *end = '\0';
        index = -1;
    }
    return none;
}

/* ------------------------------------------------------------------ scalars */

static const char *type_name(const yd_node *nd)
{
    switch (nd->type) {
    case YD_SEQ:
        return "a list";
    case YD_MAP:
        return "a mapping";
    default:
        return "a string";
    }
}

static int parse_real(reader *r, const yd_node *nd, const char *dotted, double *out)
{
    if (nd->type != YD_SCALAR) {
        FAIL_AT(r, nd, "%s: expected a number, got %s", dotted, type_name(nd));
    }
    const char *s = nd->scalar;
    char *end = NULL;
    errno = 0;
    double v = strtod(s, &end);
    if (!nd->plain || end == s || *end != '\0' || errno == ERANGE || !isfinite(v)) {
        if (strcasecmp(s, ".inf") == 0 || strcasecmp(s, ".nan") == 0 ||
            (end != s && *end == '\0')) {
            FAIL_AT(r, nd, "%s: expected a finite number, got '%s'", dotted, s);
        }
        FAIL_AT(r, nd, "%s: expected a number, got '%s'", dotted, s);
    }
    *out = v;
    return 0;
}

static int parse_int(reader *r, const yd_node *nd, const char *dotted, int64_t *out)
{
    if (nd->type != YD_SCALAR) {
        FAIL_AT(r, nd, "%s: expected an integer, got %s", dotted, type_name(nd));
    }
    const char *s = nd->scalar;
    char *end = NULL;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (!nd->plain || end == s || *end != '\0' || errno == ERANGE) {
        FAIL_AT(r, nd, "%s: expected an integer, got '%s'", dotted, s);
    }
    *out = (int64_t)v;
    return 0;
}

static void set_int(void *p, int size, int64_t v)
{
    if (size == 8) {
        memcpy(p, &v, 8);
    } else {
        int w = (int)v;
        memcpy(p, &w, sizeof w);
    }
}

static int parse_bool(reader *r, const yd_node *nd, const char *dotted, bool *out)
{
    if (nd->type != YD_SCALAR || !nd->plain) {
        FAIL_AT(r, nd, "%s: expected true or false", dotted);
    }
    const char *s = nd->scalar;
    if (strcmp(s, "true") == 0 || strcmp(s, "True") == 0 || strcmp(s, "yes") == 0) {
        *out = true;
    } else if (strcmp(s, "false") == 0 || strcmp(s, "False") == 0 || strcmp(s, "no") == 0) {
        *out = false;
    } else {
        FAIL_AT(r, nd, "%s: expected true or false, got '%s'", dotted, s);
    }
    return 0;
}

static void enum_list(const pln_key *k, char *list, size_t size)
{
    list[0] = '\0';
    for (int j = 0; k->names[j] != NULL; j++) {
        if (j > 0) {
            strncat(list, ", ", size - strlen(list) - 1);
        }
        strncat(list, k->names[j], size - strlen(list) - 1);
    }
}

static int parse_enum(reader *r, const yd_node *nd, const pln_key *k, const char *dotted,
                      int *out, int *index)
{
    if (nd->type == YD_SCALAR) {
        for (int j = 0; k->names[j] != NULL; j++) {
            if (strcmp(nd->scalar, k->names[j]) == 0) {
                *out = k->values != NULL ? k->values[j] : j;
                *index = j;
                return 0;
            }
        }
    }
    char list[512];
    enum_list(k, list, sizeof list);
    if (nd->type != YD_SCALAR) {
        FAIL_AT(r, nd, "%s: expected one of %s, got %s", dotted, list, type_name(nd));
    }
    FAIL_AT(r, nd, "%s: '%s' is not one of %s", dotted, nd->scalar, list);
}

/* Relative to the YAML file's folder; made absolute when it exists, so the resolved
 * configuration written elsewhere (the output folder) still finds it. */
static char *resolve_path(const char *base, const char *rel)
{
    char *p = NULL;
    if (rel[0] == '/' || strcmp(base, ".") == 0) {
        p = dup_str(rel);
    } else {
        size_t len = strlen(base) + strlen(rel) + 2;
        p = malloc(len);
        if (p != NULL) {
            snprintf(p, len, "%s/%s", base, rel);
        }
    }
    if (p != NULL) {
        char *abs = realpath(p, NULL);
        if (abs != NULL) {
            free(p);
            p = abs;
        }
    }
    return p;
}

/* ------------------------------------------------------------------ values */

/* The items of a list (a single scalar counts as a list of one: `ground: 0`). */
static size_t list_items(const yd_node *nd, const yd_node **first)
{
    *first = nd;
    return nd->type == YD_SEQ ? nd->n : 1;
}

static const yd_node *item(const yd_node *nd, size_t k)
{
    return nd->type == YD_SEQ ? nd->items[k] : nd;
}

static plnet_mark *item_marks(const yd_node *nd, size_t n)
{
    plnet_mark *m = calloc(n > 0 ? n : 1, sizeof *m);
    for (size_t k = 0; m != NULL && k < n; k++) {
        m[k] = mark_of(item(nd, k));
    }
    return m;
}

static int set_count(pln_experiment_desc *d, const pln_key *k, pln_idx n)
{
    memcpy((char *)d + k->count_offset, &n, sizeof n);
    return 0;
}

/* A leaf key's value into the description. `dotted` names it in messages (an alias keeps
 * its own spelling); the marks go under `key` (the key the library's errors name). */
static int read_value(reader *r, const yd_node *nd, const pln_key *k, const char *dotted,
                      const char *key)
{
    plnet_config *cfg = r->cfg;
    pln_experiment_desc *d = &cfg->d;
    void *p = pln_config_field(d, k);
    plnet_mark *items = NULL;
    size_t n_items = 0;
    switch (k->type) {
    case PLN_KEY_BOOL:
        CHECK(parse_bool(r, nd, dotted, p));
        break;
    case PLN_KEY_INT: {
        int64_t v = 0;
        CHECK(parse_int(r, nd, dotted, &v));
        set_int(p, k->int_size, v);
        break;
    }
    case PLN_KEY_REAL:
        CHECK(parse_real(r, nd, dotted, p));
        break;
    case PLN_KEY_STRING: {
        if (nd->type != YD_SCALAR) {
            FAIL_AT(r, nd, "%s: expected a string, got %s", dotted, type_name(nd));
        }
        char *s = own_str(cfg, nd->scalar);
        if (s == NULL) {
            return oom(r);
        }
        *(const char **)p = s;
        break;
    }
    case PLN_KEY_PATH: {
        if (nd->type != YD_SCALAR) {
            FAIL_AT(r, nd, "%s: expected a string, got %s", dotted, type_name(nd));
        }
        if (nd->scalar[0] == '\0') {
            if (strcmp(key, "network.graph.file") == 0) {
                FAIL_AT(r, nd, "%s: empty path", dotted);
            }
            *(const char **)p = NULL;
            break;
        }
        char *s = own(cfg, resolve_path(cfg->base_dir, nd->scalar));
        if (s == NULL) {
            return oom(r);
        }
        FILE *fp = fopen(s, "rb");
        if (fp == NULL) {
            FAIL_AT(r, nd, "%s: cannot open '%s': %s", dotted, s, strerror(errno));
        }
        fclose(fp);
        *(const char **)p = s;
        break;
    }
    case PLN_KEY_ENUM: {
        int v = 0;
        int index = 0;
        if (strcmp(key, "learning.rule") == 0 && nd->type == YD_SCALAR &&
            strcmp(nd->scalar, "temporal") == 0) {
            /* The temporal learner once was a rule; it reads as learning.learner: temporal. */
            if (given(cfg, "learning.learner") &&
                cfg->d.learning.learner != PLN_LEARNER_TEMPORAL) {
                FAIL_AT(r, nd, "%s: temporal is a learner, not a rule, and learning.learner says "
                        "contrastive: write learning.learner: temporal (and no rule)", dotted);
            }
            cfg->d.learning.learner = PLN_LEARNER_TEMPORAL;
            return add_mark(r, "learning.learner", mark_of(nd), NULL, 0);
        }
        CHECK(parse_enum(r, nd, k, dotted, &v, &index));
        if (strcmp(key, "learning.dof") == 0) {
            /* conductance and stiffness are the same theta on different networks. */
            const pln_kind kind = cfg->d.network.kind;
            const bool spring = kind == PLN_KIND_SPRING || kind == PLN_KIND_SPRING_LINEAR;
            const char *name = k->names[index];
            if (spring && strcmp(name, "conductance") == 0) {
                FAIL_AT(r, nd, "%s: a spring network learns its stiffness, rest_length or both",
                        dotted);
            }
            if (!spring && (strcmp(name, "stiffness") == 0 || strcmp(name, "rest_length") == 0 ||
                            strcmp(name, "both") == 0)) {
                FAIL_AT(r, nd, "%s: stiffness, rest_length and both need network.kind: spring "
                        "or spring_linear", dotted);
            }
        }
        set_int(p, k->int_size, v);
        break;
    }
    case PLN_KEY_IDS: {
        if (nd->type == YD_MAP) {
            FAIL_AT(r, nd, "%s: expected a list of ids, got a mapping", dotted);
        }
        const yd_node *first = NULL;
        size_t n = list_items(nd, &first);
        pln_idx *v = own(cfg, calloc(n > 0 ? n : 1, sizeof *v));
        if (v == NULL) {
            return oom(r);
        }
        for (size_t j = 0; j < n; j++) {
            const yd_node *it = item(nd, j);
            int64_t x = 0;
            if (it->type != YD_SCALAR) {
                FAIL_AT(r, it, "%s[%zu]: expected an integer id, got %s", dotted, j,
                        type_name(it));
            }
            CHECK(parse_int(r, it, dotted, &x));
            if (x < 0) {
                FAIL_AT(r, it, "%s: id %lld is negative", dotted, (long long)x);
            }
            v[j] = (pln_idx)x;
        }
        *(pln_idx **)p = v;
        set_count(d, k, (pln_idx)n);
        items = item_marks(nd, n);
        n_items = n;
        break;
    }
    case PLN_KEY_REALS: {
        if (nd->type == YD_MAP) {
            FAIL_AT(r, nd, "%s: expected a list of numbers, got a mapping", dotted);
        }
        const yd_node *first = NULL;
        size_t n = list_items(nd, &first);
        double *v = own(cfg, calloc(n > 0 ? n : 1, sizeof *v));
        if (v == NULL) {
            return oom(r);
        }
        for (size_t j = 0; j < n; j++) {
            CHECK(parse_real(r, item(nd, j), dotted, &v[j]));
        }
        *(double **)p = v;
        set_count(d, k, (pln_idx)n);
        items = item_marks(nd, n);
        n_items = n;
        break;
    }
    case PLN_KEY_STRINGS: {
        if (nd->type == YD_MAP) {
            FAIL_AT(r, nd, "%s: expected a list of names, got a mapping", dotted);
        }
        const yd_node *first = NULL;
        size_t n = list_items(nd, &first);
        const char **v = own(cfg, calloc(n > 0 ? n : 1, sizeof *v));
        if (v == NULL) {
            return oom(r);
        }
        for (size_t j = 0; j < n; j++) {
            const yd_node *it = item(nd, j);
            if (it->type != YD_SCALAR) {
                FAIL_AT(r, it, "%s[%zu]: expected a column name, got %s", dotted, j,
                        type_name(it));
            }
            v[j] = own_str(cfg, it->scalar);
            if (v[j] == NULL) {
                return oom(r);
            }
        }
        *(const char ***)p = v;
        set_count(d, k, (pln_idx)n);
        break;
    }
    case PLN_KEY_INT_PAIR: {
        if (nd->type != YD_SEQ || nd->n != 2) {
            FAIL_AT(r, nd, "%s: expected [nx, ny]", dotted);
        }
        pln_idx *v = p;
        for (size_t j = 0; j < 2; j++) {
            int64_t x = 0;
            CHECK(parse_int(r, nd->items[j], dotted, &x));
            v[j] = (pln_idx)x;
        }
        items = item_marks(nd, 2);
        n_items = 2;
        break;
    }
    case PLN_KEY_REAL_PAIR: {
        if (nd->type != YD_SEQ || nd->n != 2) {
            FAIL_AT(r, nd, "%s: expected [low, high], low < high", dotted);
        }
        CHECK(parse_real(r, nd->items[0], dotted, p));
        CHECK(parse_real(r, nd->items[1], dotted, (double *)(void *)((char *)d + k->count_offset)));
        break;
    }
    case PLN_KEY_VECTORS: {
        if (nd->type != YD_SEQ) {
            FAIL_AT(r, nd, "%s: expected a list of vectors such as [[0.1, 0.0], [0.0, 0.2]]",
                    dotted);
        }
        int dim = 0;
        for (size_t j = 0; j < nd->n; j++) {
            const yd_node *it = nd->items[j];
            if (it->type != YD_SEQ || it->n < 2 || it->n > 3 ||
                (dim != 0 && (size_t)dim != it->n)) {
                FAIL_AT(r, it, "%s: item %zu must be a vector of %s numbers", dotted, j,
                        dim != 0 ? (dim == 2 ? "2" : "3") : "2 or 3");
            }
            dim = (int)it->n;
        }
        size_t total = nd->n * (size_t)(dim > 0 ? dim : 1);
        double *v = own(cfg, calloc(total > 0 ? total : 1, sizeof *v));
        if (v == NULL) {
            return oom(r);
        }
        for (size_t j = 0; j < nd->n; j++) {
            for (int c = 0; c < dim; c++) {
                CHECK(parse_real(r, nd->items[j]->items[c], dotted, &v[j * (size_t)dim + c]));
            }
        }
        *(double **)p = v;
        set_count(d, k, (pln_idx)nd->n);
        memcpy((char *)d + k->dim_offset, &dim, sizeof dim);
        items = item_marks(nd, nd->n);
        n_items = nd->n;
        break;
    }
    case PLN_KEY_AXES: {
        if (nd->type == YD_MAP) {
            FAIL_AT(r, nd, "%s: expected a list of names, got a mapping", dotted);
        }
        const yd_node *first = NULL;
        size_t n = list_items(nd, &first);
        int *v = own(cfg, calloc(n > 0 ? n : 1, sizeof *v));
        if (v == NULL) {
            return oom(r);
        }
        for (size_t j = 0; j < n; j++) {
            const yd_node *it = item(nd, j);
            if (it->type != YD_SCALAR) {
                FAIL_AT(r, it, "%s[%zu]: expected a column name, got %s", dotted, j,
                        type_name(it));
            }
            const char *s = it->scalar;
            if (s[0] == '\0' || strspn(s, "xyz") != strlen(s)) {
                FAIL_AT(r, nd, "%s: '%s' (pin %zu) is not a set of axes such as x, y, xy or xyz",
                        dotted, s, j);
            }
            for (const char *c = s; *c != '\0'; c++) {
                v[j] |= 1 << (*c - 'x');
            }
        }
        *(int **)p = v;
        set_count(d, k, (pln_idx)n);
        break;
    }
    default:
        break;
    }
    return add_mark(r, key, mark_of(nd), items, n_items);
}

/* ------------------------------------------------------------------ sections */

static const char *last_name(const char *key)
{
    const char *dot = strrchr(key, '.');
    return dot != NULL ? dot + 1 : key;
}

/* Whether row key is a direct child of section (the root is ""). */
static bool child_of(const char *key, const char *section)
{
    size_t n = strlen(section);
    if (n > 0 && (strncmp(key, section, n) != 0 || key[n] != '.')) {
        return false;
    }
    return strchr(key + (n > 0 ? n + 1 : 0), '.') == NULL;
}

static bool kind_allows(const pln_key *k, const plnet_config *cfg)
{
    return k->kinds == 0 || (k->kinds & (1u << (unsigned)cfg->d.network.kind)) != 0;
}

/* The keys a section expects, for the unknown-key message. */
static void expected(const char *section, unsigned skip_flags, char *list, size_t size)
{
    list[0] = '\0';
    for (pln_idx i = 0; i < pln_config_n_keys(); i++) {
        const pln_key *k = pln_config_key(i);
        if (!child_of(k->key, section) || (k->flags & skip_flags) != 0) {
            continue;
        }
        if (list[0] != '\0') {
            strncat(list, ", ", size - strlen(list) - 1);
        }
        strncat(list, last_name(k->key), size - strlen(list) - 1);
    }
}

static int read_section(reader *r, yd_node *map, const char *section, const char *dotted_as);

/* After a section is read: any key the reader did not ask for is a typo or a misplaced key. */
static int finish_map(reader *r, yd_node *map, const char *section, const char *shown,
                      bool graph_file)
{
    yd_node *k = yd_first_unused(map);
    if (k == NULL) {
        return 0;
    }
    char list[768];
    if (strcmp(section, "network.graph") == 0) {
        char gen[512];
        char file[256];
        expected(section, PLN_KEY_GRAPH_FILE | PLN_KEY_ALIAS, gen, sizeof gen);
        expected(section, PLN_KEY_GENERATOR | PLN_KEY_ALIAS, file, sizeof file);
        if (graph_file) {
            FAIL_AT(r, k, "unknown key '%s' in network.graph (a graph file) (expected one of: %s)",
                    k->scalar, file);
        }
        FAIL_AT(r, k, "unknown key '%s' in network.graph (expected one of: %s (or %s))",
                k->scalar, gen, file);
    }
    expected(section, PLN_KEY_ALIAS, list, sizeof list);
    FAIL_AT(r, k, "unknown key '%s' in %s (expected one of: %s)", k->scalar,
            shown[0] != '\0' ? shown : "the top level", list);
}

static int read_key(reader *r, yd_node *map, const pln_key *k, const char *section,
                    const char *dotted_as, bool graph_file)
{
    const char *name = last_name(k->key);
    if ((k->flags & PLN_KEY_GENERATOR) != 0 && graph_file) {
        return 0; /* left unused: refused as unknown beside a file */
    }
    if ((k->flags & PLN_KEY_GRAPH_FILE) != 0 && !graph_file) {
        return 0;
    }
    yd_node *keynd = yd_key(map, name);
    yd_node *nd = yd_get(map, name);
    if (nd == NULL) {
        return 0;
    }
    char dotted[256];
    snprintf(dotted, sizeof dotted, "%s%s%s", dotted_as, dotted_as[0] != '\0' ? "." : "", name);
    /* The key the library's errors name: an alias's target. */
    const char *key = k->alias_of != NULL && k->type != PLN_KEY_SECTION ? k->alias_of : k->key;
    if (!kind_allows(k, r->cfg)) {
        /* A section is named at its key, a value at itself. */
        FAIL_AT(r, k->type == PLN_KEY_SECTION ? keynd : nd, "%s: %s", dotted,
                k->refusal != NULL ? k->refusal : "not for this network");
    }
    if (k->type == PLN_KEY_SECTION) {
        if (nd->type != YD_MAP) {
            FAIL_AT(r, nd, "%s: expected a mapping of keys, got %s", dotted, type_name(nd));
        }
        CHECK(add_mark(r, key, mark_of(nd), NULL, 0));
        return read_section(r, nd, k->key, dotted);
    }
    (void)section;
    return read_value(r, nd, k, dotted, key);
}

static int read_section(reader *r, yd_node *map, const char *section, const char *dotted_as)
{
    bool graph_file = false;
    if (strcmp(section, "network.graph") == 0) {
        yd_node *gen = yd_key(map, "generator");
        yd_node *file = yd_key(map, "file");
        if (gen != NULL && file != NULL) {
            FAIL_AT(r, file, "network.graph: give either 'generator' or 'file', not both");
        }
        graph_file = file != NULL;
    }
    for (pln_idx i = 0; i < pln_config_n_keys(); i++) {
        const pln_key *k = pln_config_key(i);
        if (child_of(k->key, section)) {
            CHECK(read_key(r, map, k, section, dotted_as, graph_file));
        }
    }
    return finish_map(r, map, section, dotted_as, graph_file);
}

/* Defaults that depend on what the file gave. */
static int fix_defaults(reader *r)
{
    plnet_config *cfg = r->cfg;
    pln_experiment_desc *d = &cfg->d;
    /* A graph file carries its own edge values; constant is only the fallback. */
    if (d->network.graph.file != NULL && !given(cfg, "network.edges.conductance.init")) {
        d->network.conductance.init = PLN_INIT_FROM_GRAPH;
    }
    /* ... and a spring network's file its stiffnesses (as it gives rest lengths). */
    if (d->network.graph.file != NULL && !given(cfg, "network.edges.stiffness.init")) {
        d->network.stiffness.init = PLN_INIT_FROM_GRAPH;
    }
    /* ... and its own gates (a netlist's gate sources, a GraphML gate attribute). */
    if (d->network.graph.file != NULL && !given(cfg, "network.elements.gate.init")) {
        d->network.elements.gate.init = PLN_INIT_FROM_GRAPH;
    }
    /* Radii and rest lengths are drawn only when their block is given (then constant by
     * default, like every block). */
    const char *optional[2] = {"network.edges.radius", "network.edges.rest_length"};
    pln_edge_init *block[2] = {&d->network.radius, &d->network.rest_length};
    for (int q = 0; q < 2; q++) {
        char init[96];
        snprintf(init, sizeof init, "%s.init", optional[q]);
        if (given(cfg, optional[q]) && !given(cfg, init)) {
            block[q]->init = PLN_INIT_CONSTANT;
        }
    }
    if (d->output_dir == NULL || d->output_dir[0] == '\0') {
        size_t len = strlen(d->name != NULL ? d->name : "") + 8;
        char *s = own(cfg, malloc(len));
        if (s == NULL) {
            return oom(r);
        }
        snprintf(s, len, "runs/%s", d->name != NULL ? d->name : "");
        d->output_dir = s;
    }
    return 0;
}

/* ------------------------------------------------------------------ life cycle */

static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (slash == NULL) {
        return dup_str(".");
    }
    size_t len = (size_t)(slash - path);
    if (len == 0) {
        return dup_str("/");
    }
    char *d = malloc(len + 1);
    if (d != NULL) {
        memcpy(d, path, len);
        d[len] = '\0';
    }
    return d;
}

static char *stem_of(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base != NULL ? base + 1 : path;
    char *s = dup_str(base);
    if (s != NULL) {
        char *dot = strrchr(s, '.');
        if (dot != NULL && dot != s) {
            *dot = '\0';
        }
    }
    return s;
}

void plnet_config_defaults(plnet_config *cfg, const char *path)
{
    memset(cfg, 0, sizeof *cfg);
    pln_experiment_desc_default(&cfg->d);
    cfg->path = dup_str(path != NULL ? path : "config.yaml");
    cfg->base_dir = cfg->path != NULL ? dir_of(cfg->path) : NULL;
    cfg->d.name = cfg->path != NULL ? own(cfg, stem_of(cfg->path)) : NULL;
    /* The experiment file's default for an empty list or string is empty, not absent. */
    cfg->d.output_dir = "";
}

void plnet_config_free(plnet_config *cfg)
{
    if (cfg == NULL) {
        return;
    }
    free(cfg->path);
    free(cfg->base_dir);
    for (size_t k = 0; k < cfg->n_origins; k++) {
        free(cfg->origins[k]);
    }
    free(cfg->origins);
    for (size_t k = 0; k < cfg->n_owned; k++) {
        free(cfg->owned[k]);
    }
    free(cfg->owned);
    for (size_t k = 0; k < cfg->n_marks; k++) {
        free(cfg->marks[k].key);
        free(cfg->marks[k].items);
    }
    free(cfg->marks);
    memset(cfg, 0, sizeof *cfg);
}

/* The library's check of the whole description, its error located back in the file. */
static int check(reader *r)
{
    /* A protocol section steers the temporal learner only: under another learner it would be
     * silently ignored. */
    if (given(r->cfg, "protocol") && r->cfg->d.learning.learner != PLN_LEARNER_TEMPORAL) {
        bool found = false;
        plnet_mark at = plnet_config_mark(r->cfg, "protocol", &found);
        plnet_report_at(r->err, r->cfg, at,
                        "protocol: the protocol section (nudge time course, memory, g) steers "
                        "the temporal learner only, and learning.learner is contrastive, which "
                        "would ignore it: set learning.learner: temporal, or remove the section");
        return -1;
    }
    pln_ctx *ctx = NULL;
    if (pln_ctx_create(&ctx) != PLN_OK) {
        return oom(r);
    }
    int rc = 0;
    if (pln_experiment_desc_check(ctx, &r->cfg->d) != PLN_OK) {
        const pln_error *e = pln_ctx_last_error(ctx);
        bool found = false;
        plnet_mark at = plnet_config_mark(r->cfg, e->key, &found);
        plnet_report_at(r->err, r->cfg, at, "%s", e->message);
        rc = -1;
    }
    pln_ctx_destroy(ctx);
    return rc;
}

/* The document (already parsed, consumed here) with its overrides, read into cfg. */
static int load_document(yd_node *root, const plnet_override *sets, size_t n_sets,
                         plnet_config *cfg, FILE *err)
{
    reader r = {cfg, err, 2};
    int rc = plnet_i_overrides_apply(root, sets, n_sets, cfg, err);
    if (rc == 0) {
        if (root->type != YD_MAP) {
            plnet_report_at(err, cfg, mark_of(root),
                            "the experiment file must be a mapping of sections (name, network, "
                            "...)");
            rc = 2;
        } else if (read_section(&r, root, "", "") != 0 || fix_defaults(&r) != 0 ||
                   check(&r) != 0) {
            rc = r.rc;
        }
    }
    yd_free(root);
    return rc;
}

static void report_parse(FILE *err, const char *name, const char *msg)
{
    /* Positioned messages start with "line:col:"; others (cannot open) do not. */
    bool positioned = msg[0] >= '0' && msg[0] <= '9';
    fprintf(err, "plnet: %s:%s%s\n", name, positioned ? "" : " ", msg);
}

int plnet_config_load_with(const char *path, const plnet_override *sets, size_t n_sets,
                           plnet_config *cfg, FILE *err)
{
    plnet_config_defaults(cfg, path);
    if (cfg->path == NULL || cfg->base_dir == NULL || cfg->d.name == NULL) {
        fprintf(err, "plnet: out of memory\n");
        return 1;
    }
    char msg[1024];
    yd_node *root = yd_load(path, msg, sizeof msg);
    if (root == NULL) {
        report_parse(err, path, msg);
        return 2;
    }
    return load_document(root, sets, n_sets, cfg, err);
}

int plnet_config_load(const char *path, plnet_config *cfg, FILE *err)
{
    return plnet_config_load_with(path, NULL, 0, cfg, err);
}

int plnet_config_load_text(const char *text, size_t len, const char *name, const char *base_dir,
                           const plnet_override *sets, size_t n_sets, plnet_config *cfg,
                           FILE *err)
{
    plnet_config_defaults(cfg, name != NULL ? name : "config");
    free(cfg->base_dir);
    cfg->base_dir = dup_str(base_dir != NULL ? base_dir : ".");
    if (cfg->path == NULL || cfg->base_dir == NULL || cfg->d.name == NULL) {
        fprintf(err, "plnet: out of memory\n");
        return 1;
    }
    char msg[1024];
    yd_node *root = yd_load_text(text, len, msg, sizeof msg);
    if (root == NULL) {
        report_parse(err, cfg->path, msg);
        return 2;
    }
    return load_document(root, sets, n_sets, cfg, err);
}

int plnet_config_write(const plnet_config *cfg, FILE *out)
{
    size_t len = pln_experiment_desc_yaml(&cfg->d, 0, NULL, 0);
    char *text = malloc(len + 1);
    if (text == NULL) {
        return -1;
    }
    pln_experiment_desc_yaml(&cfg->d, 0, text, len + 1);
    fputs(text, out);
    free(text);
    return ferror(out) ? -1 : 0;
}
