/* config.c — reads an experiment file into plnet_config: types, ranges, defaults, and file:line:col on every error. */
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

/* ------------------------------------------------------------------ enum tables */

typedef struct enum_table {
    const char *key;
    const char *const *names;
    int n;
} enum_table;

static const char *const kind_names[] = {"resistor", "flow", "spring", "spring_linear"};
static const char *const gen_names[] = {"square_lattice", "triangular_lattice", "random_regular",
                                        "erdos_renyi", "random_geometric"};
static const char *const format_names[] = {"auto", "graphml", "edgelist", "spice"};
static const char *const weights_names[] = {"conductance", "resistance"};
static const char *const init_names[] = {"constant", "uniform", "loguniform", "from_graph"};
static const char *const task_names[] = {"allostery", "regression", "classification", "dataset"};
static const char *const rule_names[] = {"coupled",     "coupled_centered", "equilibrium",
                                         "equilibrium_centered", "dyadic", "temporal"};
static const char *const dof_names[] = {"conductance", "radius", "stiffness", "rest_length",
                                        "both"};
static const char *const axis_names[] = {"x", "y", "z"};
static const char *const spacing_names[] = {"log", "linear"};
static const char *const proto_names[] = {"two_phase", "sawtooth", "triangle", "random_phases"};
static const char *const memory_names[] = {"integral_feedback", "kernel", "markov_ladder"};
static const char *const nonlin_names[] = {"threshold", "cubic", "linear"};
static const char *const apply_names[] = {"step", "period"};
static const char *const phase_names[] = {"exponential", "gamma", "uniform"};
/* In pln_refactor's order. */
static const char *const refactor_names[] = {"always", "pcg", "auto"};

#define TABLE(key, names) {key, names, (int)(sizeof names / sizeof names[0])}
static const enum_table tables[] = {
    TABLE("network.kind", kind_names),
    TABLE("network.graph.generator", gen_names),
    TABLE("network.graph.format", format_names),
    TABLE("network.graph.weights", weights_names),
    TABLE("init", init_names),
    TABLE("task.kind", task_names),
    TABLE("learning.rule", rule_names),
    TABLE("learning.dof", dof_names),
    TABLE("axis", axis_names),
    TABLE("learning.hardware.spacing", spacing_names),
    TABLE("protocol.kind", proto_names),
    TABLE("protocol.memory.kind", memory_names),
    TABLE("protocol.nonlinearity.kind", nonlin_names),
    TABLE("protocol.apply", apply_names),
    TABLE("protocol.phase_distribution", phase_names),
    TABLE("solver.refactor", refactor_names),
};
#undef TABLE

static const enum_table *find_table(const char *key)
{
    for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++) {
        if (strcmp(tables[t].key, key) == 0) {
            return &tables[t];
        }
    }
    return NULL;
}

const char *plnet_enum_name(const char *table, int v)
{
    const enum_table *t = find_table(table);
    if (t == NULL || v < 0 || v >= t->n) {
        return NULL;
    }
    return t->names[v];
}

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

#define FAIL_MARK(r, m, ...)                                                                 \
    do {                                                                                     \
        plnet_report_at((r)->err, (r)->cfg, (m), __VA_ARGS__);                               \
        return -1;                                                                           \
    } while (0)

#define CHECK(expr)                                                                          \
    do {                                                                                     \
        if ((expr) != 0) {                                                                   \
            return -1;                                                                       \
        }                                                                                    \
    } while (0)

static char *dup_str(const char *s)
{
    size_t len = strlen(s);
    char *d = malloc(len + 1);
    if (d != NULL) {
        memcpy(d, s, len + 1);
    }
    return d;
}

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

/* ------------------------------------------------------------------ scalars */

static int want_map(reader *r, yd_node *nd, const char *dotted)
{
    if (nd->type != YD_MAP) {
        FAIL_AT(r, nd, "%s: expected a mapping of keys, got %s", dotted, type_name(nd));
    }
    return 0;
}

/* After a section is read: any key the reader did not ask for is a typo or a misplaced key. */
static int finish_map(reader *r, yd_node *map, const char *dotted, const char *expected)
{
    yd_node *k = yd_first_unused(map);
    if (k != NULL) {
        FAIL_AT(r, k, "unknown key '%s' in %s (expected one of: %s)", k->scalar,
                dotted[0] != '\0' ? dotted : "the top level", expected);
    }
    return 0;
}

static int parse_real_node(reader *r, const yd_node *nd, const char *dotted, double *out)
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

static int parse_int_node(reader *r, const yd_node *nd, const char *dotted, int64_t *out)
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

static int get_real(reader *r, yd_node *map, const char *key, const char *dotted, plnet_real *out)
{
    yd_node *nd = yd_get(map, key);
    if (nd == NULL) {
        return 0;
    }
    CHECK(parse_real_node(r, nd, dotted, &out->v));
    out->at = mark_of(nd);
    return 0;
}

static int get_int(reader *r, yd_node *map, const char *key, const char *dotted, plnet_int *out)
{
    yd_node *nd = yd_get(map, key);
    if (nd == NULL) {
        return 0;
    }
    CHECK(parse_int_node(r, nd, dotted, &out->v));
    out->at = mark_of(nd);
    return 0;
}

static int get_bool(reader *r, yd_node *map, const char *key, const char *dotted, plnet_bool *out)
{
    yd_node *nd = yd_get(map, key);
    if (nd == NULL) {
        return 0;
    }
    if (nd->type != YD_SCALAR || !nd->plain) {
        FAIL_AT(r, nd, "%s: expected true or false", dotted);
    }
    const char *s = nd->scalar;
    if (strcmp(s, "true") == 0 || strcmp(s, "True") == 0 || strcmp(s, "yes") == 0) {
        out->v = true;
    } else if (strcmp(s, "false") == 0 || strcmp(s, "False") == 0 || strcmp(s, "no") == 0) {
        out->v = false;
    } else {
        FAIL_AT(r, nd, "%s: expected true or false, got '%s'", dotted, s);
    }
    out->at = mark_of(nd);
    return 0;
}

static int set_str(reader *r, plnet_str *out, const char *s)
{
    char *d = dup_str(s);
    if (d == NULL) {
        FAIL_MARK(r, out->at, "out of memory");
    }
    free(out->v);
    out->v = d;
    return 0;
}

static int get_str(reader *r, yd_node *map, const char *key, const char *dotted, plnet_str *out)
{
    yd_node *nd = yd_get(map, key);
    if (nd == NULL) {
        return 0;
    }
    if (nd->type != YD_SCALAR) {
        FAIL_AT(r, nd, "%s: expected a string, got %s", dotted, type_name(nd));
    }
    out->at = mark_of(nd);
    return set_str(r, out, nd->scalar);
}

static int get_enum(reader *r, yd_node *map, const char *key, const char *dotted,
                    const char *table, plnet_enum *out)
{
    yd_node *nd = yd_get(map, key);
    if (nd == NULL) {
        return 0;
    }
    const enum_table *t = find_table(table);
    if (nd->type == YD_SCALAR) {
        for (int k = 0; k < t->n; k++) {
            if (strcmp(nd->scalar, t->names[k]) == 0) {
                out->v = k;
                out->at = mark_of(nd);
                return 0;
            }
        }
    }
    char list[512] = "";
    for (int k = 0; k < t->n; k++) {
        strncat(list, t->names[k], sizeof list - strlen(list) - 1);
        if (k + 1 < t->n) {
            strncat(list, ", ", sizeof list - strlen(list) - 1);
        }
    }
    if (nd->type != YD_SCALAR) {
        FAIL_AT(r, nd, "%s: expected one of %s, got %s", dotted, list, type_name(nd));
    }
    FAIL_AT(r, nd, "%s: '%s' is not one of %s", dotted, nd->scalar, list);
}

/* ------------------------------------------------------------------ lists */

static void ids_clear(plnet_ids *l)
{
    free(l->v);
    free(l->at);
    l->v = NULL;
    l->at = NULL;
    l->n = 0;
}

static void reals_clear(plnet_reals *l)
{
    free(l->v);
    free(l->at);
    l->v = NULL;
    l->at = NULL;
    l->n = 0;
}

static int get_ids(reader *r, yd_node *map, const char *key, const char *dotted, plnet_ids *out)
{
    yd_node *keynd = yd_key(map, key);
    yd_node *nd = yd_get(map, key);
    if (nd == NULL) {
        return 0;
    }
    (void)keynd;
    ids_clear(out);
    out->at_list = mark_of(nd);
    /* A single id is accepted as a list of one: `ground: 0`. */
    size_t n = nd->type == YD_SEQ ? nd->n : 1;
    if (nd->type == YD_MAP) {
        FAIL_AT(r, nd, "%s: expected a list of ids, got a mapping", dotted);
    }
    out->v = calloc(n > 0 ? n : 1, sizeof *out->v);
    out->at = calloc(n > 0 ? n : 1, sizeof *out->at);
    if (out->v == NULL || out->at == NULL) {
        FAIL_AT(r, nd, "out of memory");
    }
    for (size_t k = 0; k < n; k++) {
        const yd_node *item = nd->type == YD_SEQ ? nd->items[k] : nd;
        int64_t v = 0;
        if (item->type != YD_SCALAR) {
            FAIL_AT(r, item, "%s[%zu]: expected an integer id, got %s", dotted, k,
                    type_name(item));
        }
        CHECK(parse_int_node(r, item, dotted, &v));
        if (v < 0) {
            FAIL_AT(r, item, "%s: id %lld is negative", dotted, (long long)v);
        }
        out->v[k] = (pln_idx)v;
        out->at[k] = mark_of(item);
        out->n = (pln_idx)(k + 1);
    }
    return 0;
}

static void strs_clear(plnet_strs *l)
{
    for (pln_idx k = 0; k < l->n; k++) {
        free(l->v[k]);
    }
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

static int get_strs(reader *r, yd_node *map, const char *key, const char *dotted,
                    plnet_strs *out)
{
    yd_node *nd = yd_get(map, key);
    if (nd == NULL) {
        return 0;
    }
    strs_clear(out);
    out->at_list = mark_of(nd);
    if (nd->type == YD_MAP) {
        FAIL_AT(r, nd, "%s: expected a list of names, got a mapping", dotted);
    }
    size_t n = nd->type == YD_SEQ ? nd->n : 1;
    out->v = calloc(n > 0 ? n : 1, sizeof *out->v);
    if (out->v == NULL) {
        FAIL_AT(r, nd, "out of memory");
    }
    for (size_t k = 0; k < n; k++) {
        const yd_node *item = nd->type == YD_SEQ ? nd->items[k] : nd;
        if (item->type != YD_SCALAR) {
            FAIL_AT(r, item, "%s[%zu]: expected a column name, got %s", dotted, k,
                    type_name(item));
        }
        out->v[k] = dup_str(item->scalar);
        if (out->v[k] == NULL) {
            FAIL_AT(r, item, "out of memory");
        }
        out->n = (pln_idx)(k + 1);
    }
    return 0;
}

static int get_reals(reader *r, yd_node *map, const char *key, const char *dotted,
                     plnet_reals *out)
{
    yd_node *nd = yd_get(map, key);
    if (nd == NULL) {
        return 0;
    }
    reals_clear(out);
    out->at_list = mark_of(nd);
    if (nd->type == YD_MAP) {
        FAIL_AT(r, nd, "%s: expected a list of numbers, got a mapping", dotted);
    }
    size_t n = nd->type == YD_SEQ ? nd->n : 1;
    out->v = calloc(n > 0 ? n : 1, sizeof *out->v);
    out->at = calloc(n > 0 ? n : 1, sizeof *out->at);
    if (out->v == NULL || out->at == NULL) {
        FAIL_AT(r, nd, "out of memory");
    }
    for (size_t k = 0; k < n; k++) {
        const yd_node *item = nd->type == YD_SEQ ? nd->items[k] : nd;
        CHECK(parse_real_node(r, item, dotted, &out->v[k]));
        out->at[k] = mark_of(item);
        out->n = (pln_idx)(k + 1);
    }
    return 0;
}

/* ------------------------------------------------------------------ range checks */

static int need_pos(reader *r, const plnet_real *x, const char *dotted)
{
    if (!(x->v > 0.0)) {
        FAIL_MARK(r, x->at, "%s must be > 0, got %g", dotted, x->v);
    }
    return 0;
}

static int need_nonneg(reader *r, const plnet_real *x, const char *dotted)
{
    if (!(x->v >= 0.0)) {
        FAIL_MARK(r, x->at, "%s must be >= 0, got %g", dotted, x->v);
    }
    return 0;
}

static int need_range(reader *r, const plnet_real *x, double lo, double hi, bool lo_open,
                      const char *dotted)
{
    bool ok = (lo_open ? x->v > lo : x->v >= lo) && x->v <= hi;
    if (!ok) {
        FAIL_MARK(r, x->at, "%s must be in %s%g, %g], got %g", dotted, lo_open ? "(" : "[", lo,
                  hi, x->v);
    }
    return 0;
}

static int need_int_min(reader *r, const plnet_int *x, int64_t lo, const char *dotted)
{
    if (x->v < lo) {
        FAIL_MARK(r, x->at, "%s must be >= %lld, got %lld", dotted, (long long)lo,
                  (long long)x->v);
    }
    return 0;
}

/* ------------------------------------------------------------------ defaults */

static plnet_real R(double v)
{
    plnet_real x = {v, {0, 0}};
    return x;
}

static plnet_int I(int64_t v)
{
    plnet_int x = {v, {0, 0}};
    return x;
}

static plnet_enum E(int v)
{
    plnet_enum x = {v, {0, 0}};
    return x;
}

static plnet_bool B(bool v)
{
    plnet_bool x = {v, {0, 0}};
    return x;
}

static plnet_str S(const char *v)
{
    plnet_str x = {dup_str(v), {0, 0}};
    return x;
}

static void edge_init_defaults(plnet_edge_init *e, double value, double low, double high,
                               double min, double max)
{
    e->given = false;
    e->init = E(PLNET_INIT_CONSTANT);
    e->value = R(value);
    e->low = R(low);
    e->high = R(high);
    e->min = R(min);
    e->max = R(max);
}

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
    cfg->path = dup_str(path != NULL ? path : "config.yaml");
    cfg->base_dir = dir_of(cfg->path);
    cfg->name.v = stem_of(cfg->path);
    cfg->seed = I(1);

    plnet_network_cfg *nw = &cfg->network;
    nw->kind = E(PLNET_KIND_RESISTOR);
    nw->viscosity = R(1.0);
    nw->graph.source = PLNET_GRAPH_GENERATOR;
    nw->graph.generator = E(PLNET_GEN_SQUARE_LATTICE);
    nw->graph.nx = I(8);
    nw->graph.ny = I(8);
    nw->graph.periodic = B(false);
    nw->graph.n = I(100);
    nw->graph.degree = I(3);
    nw->graph.mean_degree = R(4.0);
    nw->graph.radius = R(0.15);
    nw->graph.file = S("");
    nw->graph.file_path = dup_str("");
    nw->graph.format = E(PLNET_FORMAT_AUTO);
    nw->graph.weights = E(PLNET_WEIGHTS_CONDUCTANCE);
    edge_init_defaults(&nw->conductance, 1.0, 0.5, 1.5, 1e-3, 1e3);
    edge_init_defaults(&nw->radius, 1.0, 0.5, 1.5, 1e-3, 1e3);
    edge_init_defaults(&nw->stiffness, 1.0, 0.5, 1.5, 1e-3, 1e3);
    edge_init_defaults(&nw->rest_length, 1.0, 0.5, 1.5, 1e-3, 1e3);
    nw->newton_tol = R(1e-10);
    nw->newton_max_iter = I(50);

    cfg->boundary.ground.n = 1;
    cfg->boundary.ground.v = calloc(1, sizeof *cfg->boundary.ground.v);
    cfg->boundary.ground.at = calloc(1, sizeof *cfg->boundary.ground.at);

    plnet_task_cfg *t = &cfg->task;
    t->kind = E(PLNET_TASK_ALLOSTERY);
    t->n_examples = I(100);
    t->test_examples = I(50);
    t->input_range.n = 2;
    t->input_range.v = calloc(2, sizeof *t->input_range.v);
    t->input_range.at = calloc(2, sizeof *t->input_range.at);
    if (t->input_range.v != NULL) {
        t->input_range.v[0] = 0.0; /* as the library: a passive network's map is monotone */
        t->input_range.v[1] = 1.0;
    }
    t->data = S("");
    t->data_path = dup_str("");
    t->label = S("label");
    t->test_fraction = R(0.3);
    t->true_level = R(1.0);
    t->false_level = R(0.0);
    t->square_inputs = B(false);
    t->mirror_inputs = B(false);

    plnet_learning_cfg *l = &cfg->learning;
    l->rule = E(PLNET_RULE_COUPLED);
    l->rate = R(0.05);
    l->rate_rest_length = R(0.0);
    l->nudge = R(0.1);
    l->asymmetry = R(0.5);
    l->dof = E(PLNET_DOF_CONDUCTANCE);
    l->hardware.levels = I(0);
    l->hardware.spacing = E(PLNET_SPACING_LOG);
    l->hardware.update_noise = R(0.0);
    l->hardware.measurement_noise = R(0.0);
    l->hardware.sign_updates = B(false);
    l->hardware.sign_step = R(0.01);
    l->hardware.desync = R(1.0);

    plnet_protocol_cfg *p = &cfg->protocol;
    p->kind = E(PLNET_PROTO_SAWTOOTH);
    p->dt = R(0.01);
    p->tau_fast = R(1.0);
    p->tau_slow = R(9.0);
    p->amplitude = R(1.0);
    p->reverse = B(false);
    p->memory_kind = E(PLNET_MEMORY_INTEGRAL_FEEDBACK);
    p->memory_tau = R(0.05);
    p->memory_leak = R(0.0);
    p->nonlinearity_kind = E(PLNET_NONLIN_THRESHOLD);
    p->nonlinearity_theta = R(0.1);
    p->apply = E(PLNET_APPLY_STEP);
    p->refresh = I(1);
    p->p_clamped = R(0.5);
    p->mean_clamped = R(1.0);
    p->mean_free = R(1.0);
    p->phase_distribution = E(PLNET_PHASE_EXPONENTIAL);
    p->phase_shape = R(2.0);
    p->memory_B = R(10.0);
    p->memory_I = R(0.0);
    p->memory_gamma = R(0.1);
    p->memory_R = R(25.0);
    p->memory_s0 = R(200.0);
    p->memory_window = R(0.0);
    p->memory_dissipation = R(-1.0);

    cfg->energy.temperature = R(300.0);
    cfg->energy.resolution = R(1e-3);

    pln_solver_options so;
    pln_solver_options_default(&so);
    cfg->solver.refactor = E((int)so.refactor);
    cfg->solver.pcg_tol = R(so.pcg_tol);
    cfg->solver.pcg_max_iter = I(so.pcg_max_iter);
    cfg->solver.pcg_refactor_iter = I(so.pcg_refactor_iter);

    cfg->train.steps = I(5000);
    cfg->train.batch = I(1);
    cfg->train.log_every = I(50);
    cfg->train.checkpoint_every = I(1000);

    cfg->output.dir = S("");
}

static void role_free(plnet_role *r)
{
    ids_clear(&r->nodes);
    ids_clear(&r->edges);
    reals_clear(&r->values);
    free(r->picked);
    r->picked = NULL;
    r->n_picked = 0;
}

void plnet_solver_options_from_config(const plnet_config *cfg, pln_solver_options *o)
{
    pln_solver_options_default(o);
    o->refactor = (pln_refactor)cfg->solver.refactor.v;
    o->pcg_tol = cfg->solver.pcg_tol.v;
    o->pcg_max_iter = (pln_idx)cfg->solver.pcg_max_iter.v;
    o->pcg_refactor_iter = (pln_idx)cfg->solver.pcg_refactor_iter.v;
}

void plnet_config_free(plnet_config *cfg)
{
    if (cfg == NULL) {
        return;
    }
    free(cfg->path);
    for (size_t k = 0; k < cfg->n_origins; k++) {
        free(cfg->origins[k]);
    }
    free(cfg->origins);
    free(cfg->base_dir);
    free(cfg->name.v);
    free(cfg->network.graph.file.v);
    free(cfg->network.graph.file_path);
    ids_clear(&cfg->boundary.ground);
    role_free(&cfg->boundary.potentials);
    role_free(&cfg->boundary.currents);
    role_free(&cfg->boundary.edge_sources);
    ids_clear(&cfg->boundary.pins);
    reals_clear(&cfg->boundary.pin_displacements);
    strs_clear(&cfg->boundary.pin_axes);
    ids_clear(&cfg->boundary.force_nodes);
    reals_clear(&cfg->boundary.forces);
    role_free(&cfg->boundary.edge_strains);
    role_free(&cfg->task.inputs);
    role_free(&cfg->task.outputs);
    reals_clear(&cfg->task.targets);
    reals_clear(&cfg->task.input_range);
    free(cfg->task.data.v);
    free(cfg->task.data_path);
    free(cfg->task.label.v);
    strs_clear(&cfg->task.input_columns);
    strs_clear(&cfg->task.target_columns);
    free(cfg->output.dir.v);
    memset(cfg, 0, sizeof *cfg);
}

/* ------------------------------------------------------------------ sections */

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

static int check_readable(reader *r, const char *path, const plnet_str *as_written,
                          const char *dotted)
{
    FILE *fp = fopen(path, "rb");
    if (fp == NULL) {
        FAIL_MARK(r, as_written->at, "%s: cannot open '%s': %s", dotted, path, strerror(errno));
    }
    fclose(fp);
    return 0;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s);
    size_t b = strlen(suffix);
    return a >= b && strcasecmp(s + a - b, suffix) == 0;
}

static int read_edge_init(reader *r, yd_node *nd, const char *dotted, plnet_edge_init *e)
{
    char key[128];
    CHECK(want_map(r, nd, dotted));
    e->given = true;
    e->at = mark_of(nd);
    snprintf(key, sizeof key, "%s.init", dotted);
    CHECK(get_enum(r, nd, "init", key, "init", &e->init));
    const char *names[] = {"value", "low", "high", "min", "max"};
    plnet_real *vals[] = {&e->value, &e->low, &e->high, &e->min, &e->max};
    for (int k = 0; k < 5; k++) {
        snprintf(key, sizeof key, "%s.%s", dotted, names[k]);
        CHECK(get_real(r, nd, names[k], key, vals[k]));
        CHECK(need_pos(r, vals[k], key));
    }
    CHECK(finish_map(r, nd, dotted, "init, value, low, high, min, max"));
    if (!(e->max.v > e->min.v)) {
        FAIL_MARK(r, e->max.at.line > 0 ? e->max.at : e->min.at,
                  "%s.max (%g) must be greater than %s.min (%g)", dotted, e->max.v, dotted,
                  e->min.v);
    }
    if (!(e->high.v >= e->low.v)) {
        FAIL_MARK(r, e->high.at.line > 0 ? e->high.at : e->low.at,
                  "%s.high (%g) must be >= %s.low (%g)", dotted, e->high.v, dotted, e->low.v);
    }
    /* Values outside [min, max] would be clipped at the first learning step: say so now. */
    const plnet_real *check[3] = {&e->value, &e->low, &e->high};
    const char *cnames[3] = {"value", "low", "high"};
    for (int k = 0; k < 3; k++) {
        if (check[k]->v < e->min.v || check[k]->v > e->max.v) {
            FAIL_MARK(r, check[k]->at, "%s.%s = %g is outside [min, max] = [%g, %g]", dotted,
                      cnames[k], check[k]->v, e->min.v, e->max.v);
        }
    }
    return 0;
}

static int read_graph(reader *r, yd_node *nd)
{
    plnet_graph_cfg *g = &r->cfg->network.graph;
    CHECK(want_map(r, nd, "network.graph"));
    g->at = mark_of(nd);
    yd_node *gen = yd_key(nd, "generator");
    yd_node *file = yd_key(nd, "file");
    if (gen != NULL && file != NULL) {
        FAIL_AT(r, file, "network.graph: give either 'generator' or 'file', not both");
    }
    if (file != NULL) {
        g->source = PLNET_GRAPH_FILE;
        CHECK(get_str(r, nd, "file", "network.graph.file", &g->file));
        if (g->file.v[0] == '\0') {
            FAIL_MARK(r, g->file.at, "network.graph.file: empty path");
        }
        CHECK(get_enum(r, nd, "format", "network.graph.format", "network.graph.format",
                       &g->format));
        CHECK(get_enum(r, nd, "weights", "network.graph.weights", "network.graph.weights",
                       &g->weights));
        CHECK(finish_map(r, nd, "network.graph (a graph file)", "file, format, weights"));
        free(g->file_path);
        g->file_path = resolve_path(r->cfg->base_dir, g->file.v);
        if (g->file_path == NULL) {
            FAIL_MARK(r, g->file.at, "out of memory");
        }
        CHECK(check_readable(r, g->file_path, &g->file, "network.graph.file"));
        if (g->format.v == PLNET_FORMAT_AUTO) {
            bool xml = ends_with(g->file.v, ".graphml") || ends_with(g->file.v, ".xml");
            bool spice = ends_with(g->file.v, ".cir") || ends_with(g->file.v, ".sp") ||
                         ends_with(g->file.v, ".net") || ends_with(g->file.v, ".spice");
            g->format.v = xml ? PLNET_FORMAT_GRAPHML
                          : spice ? PLNET_FORMAT_SPICE
                                  : PLNET_FORMAT_EDGELIST;
        }
        /* A graph file carries its own edge values; constant is only the fallback. */
        r->cfg->network.conductance.init.v = PLNET_INIT_FROM_GRAPH;
        return 0;
    }
    g->source = PLNET_GRAPH_GENERATOR;
    CHECK(get_enum(r, nd, "generator", "network.graph.generator", "network.graph.generator",
                   &g->generator));
    yd_node *size = yd_get(nd, "size");
    if (size != NULL) {
        g->at_size = mark_of(size);
        if (size->type != YD_SEQ || size->n != 2) {
            FAIL_AT(r, size, "network.graph.size: expected [nx, ny]");
        }
        CHECK(parse_int_node(r, size->items[0], "network.graph.size", &g->nx.v));
        CHECK(parse_int_node(r, size->items[1], "network.graph.size", &g->ny.v));
        g->nx.at = mark_of(size->items[0]);
        g->ny.at = mark_of(size->items[1]);
        CHECK(need_int_min(r, &g->nx, 1, "network.graph.size[0]"));
        CHECK(need_int_min(r, &g->ny, 1, "network.graph.size[1]"));
        if (g->nx.v * g->ny.v < 2) {
            FAIL_AT(r, size, "network.graph.size: a lattice needs at least 2 nodes");
        }
    }
    CHECK(get_bool(r, nd, "periodic", "network.graph.periodic", &g->periodic));
    CHECK(get_int(r, nd, "n", "network.graph.n", &g->n));
    CHECK(need_int_min(r, &g->n, 2, "network.graph.n"));
    CHECK(get_int(r, nd, "degree", "network.graph.degree", &g->degree));
    CHECK(need_int_min(r, &g->degree, 1, "network.graph.degree"));
    CHECK(get_real(r, nd, "mean_degree", "network.graph.mean_degree", &g->mean_degree));
    CHECK(need_pos(r, &g->mean_degree, "network.graph.mean_degree"));
    CHECK(get_real(r, nd, "radius", "network.graph.radius", &g->radius));
    CHECK(need_pos(r, &g->radius, "network.graph.radius"));
    CHECK(finish_map(r, nd, "network.graph",
                     "generator, size, periodic, n, degree, mean_degree, radius (or file, "
                     "format, weights)"));
    if (g->generator.v == PLNET_GEN_RANDOM_REGULAR) {
        if (g->degree.v >= g->n.v) {
            FAIL_MARK(r, g->degree.at, "network.graph.degree (%lld) must be < n (%lld)",
                      (long long)g->degree.v, (long long)g->n.v);
        }
        if ((g->n.v * g->degree.v) % 2 != 0) {
            FAIL_MARK(r, g->degree.at,
                      "network.graph: n * degree must be even for a random regular graph");
        }
    }
    if (g->generator.v == PLNET_GEN_ERDOS_RENYI && g->mean_degree.v > (double)(g->n.v - 1)) {
        FAIL_MARK(r, g->mean_degree.at, "network.graph.mean_degree (%g) must be <= n - 1 (%lld)",
                  g->mean_degree.v, (long long)(g->n.v - 1));
    }
    return 0;
}

static bool is_spring(const plnet_config *cfg)
{
    return cfg->network.kind.v == PLNET_KIND_SPRING ||
           cfg->network.kind.v == PLNET_KIND_SPRING_LINEAR;
}

/* A list of vectors [[a, b], [c, d], ...] of one length (2 or 3), flattened row-major into
 * out; *dim gets the length. */
static int get_vecs(reader *r, yd_node *map, const char *key, const char *dotted,
                    plnet_reals *out, int *dim)
{
    yd_node *nd = yd_get(map, key);
    if (nd == NULL) {
        return 0;
    }
    reals_clear(out);
    out->at_list = mark_of(nd);
    if (nd->type != YD_SEQ) {
        FAIL_AT(r, nd, "%s: expected a list of vectors such as [[0.1, 0.0], [0.0, 0.2]]",
                dotted);
    }
    *dim = 0;
    for (size_t k = 0; k < nd->n; k++) {
        const yd_node *it = nd->items[k];
        if (it->type != YD_SEQ || it->n < 2 || it->n > 3 ||
            (*dim != 0 && (size_t)*dim != it->n)) {
            FAIL_AT(r, it, "%s: item %zu must be a vector of %s numbers", dotted, k,
                    *dim != 0 ? (*dim == 2 ? "2" : "3") : "2 or 3");
        }
        *dim = (int)it->n;
    }
    size_t total = nd->n * (size_t)(*dim > 0 ? *dim : 1);
    out->v = calloc(total > 0 ? total : 1, sizeof *out->v);
    out->at = calloc(total > 0 ? total : 1, sizeof *out->at);
    if (out->v == NULL || out->at == NULL) {
        FAIL_AT(r, nd, "out of memory");
    }
    for (size_t k = 0; k < nd->n; k++) {
        for (size_t c = 0; c < (size_t)*dim; c++) {
            const yd_node *x = nd->items[k]->items[c];
            size_t q = k * (size_t)*dim + c;
            CHECK(parse_real_node(r, x, dotted, &out->v[q]));
            out->at[q] = mark_of(x);
            out->n = (pln_idx)(q + 1);
        }
    }
    return 0;
}

static int read_network(reader *r, yd_node *nd)
{
    plnet_network_cfg *nw = &r->cfg->network;
    CHECK(want_map(r, nd, "network"));
    CHECK(get_enum(r, nd, "kind", "network.kind", "network.kind", &nw->kind));
    CHECK(get_real(r, nd, "viscosity", "network.viscosity", &nw->viscosity));
    CHECK(need_pos(r, &nw->viscosity, "network.viscosity"));
    yd_node *g = yd_get(nd, "graph");
    if (g != NULL) {
        CHECK(read_graph(r, g));
    }
    yd_node *edges = yd_get(nd, "edges");
    if (edges != NULL) {
        CHECK(want_map(r, edges, "network.edges"));
        yd_node *c = yd_get(edges, "conductance");
        if (c != NULL) {
            CHECK(read_edge_init(r, c, "network.edges.conductance", &nw->conductance));
        }
        yd_node *rad = yd_get(edges, "radius");
        if (rad != NULL) {
            if (nw->kind.v != PLNET_KIND_FLOW) {
                FAIL_AT(r, yd_key(edges, "radius"),
                        "network.edges.radius: only a flow network has pipe radii");
            }
            CHECK(read_edge_init(r, rad, "network.edges.radius", &nw->radius));
        }
        const char *sk[2] = {"stiffness", "rest_length"};
        plnet_edge_init *sv[2] = {&nw->stiffness, &nw->rest_length};
        for (int q = 0; q < 2; q++) {
            yd_node *x = yd_get(edges, sk[q]);
            if (x == NULL) {
                continue;
            }
            char dotted[64];
            snprintf(dotted, sizeof dotted, "network.edges.%s", sk[q]);
            if (!is_spring(r->cfg)) {
                FAIL_AT(r, yd_key(edges, sk[q]), "%s: only a spring network (network.kind: "
                        "spring or spring_linear) has springs", dotted);
            }
            CHECK(read_edge_init(r, x, dotted, sv[q]));
        }
        CHECK(finish_map(r, edges, "network.edges", "conductance, radius, stiffness, rest_length"));
    }
    CHECK(get_real(r, nd, "newton_tol", "network.newton_tol", &nw->newton_tol));
    CHECK(need_range(r, &nw->newton_tol, 0.0, 1e-2, true, "network.newton_tol"));
    CHECK(get_int(r, nd, "newton_max_iter", "network.newton_max_iter", &nw->newton_max_iter));
    CHECK(need_int_min(r, &nw->newton_max_iter, 1, "network.newton_max_iter"));
    CHECK(finish_map(r, nd, "network",
                     "kind, viscosity, graph, edges, newton_tol, newton_max_iter"));
    return 0;
}

/* nodes/values, edges/values or nodes/random blocks. `allow` is a set of letters:
 * n = nodes, r = random, e = edges, v = values. */
static int read_role(reader *r, yd_node *nd, const char *dotted, const char *allow,
                     plnet_role *role)
{
    char key[128];
    CHECK(want_map(r, nd, dotted));
    if (strchr(allow, 'n') != NULL) {
        snprintf(key, sizeof key, "%s.nodes", dotted);
        CHECK(get_ids(r, nd, "nodes", key, &role->nodes));
    }
    if (strchr(allow, 'r') != NULL) {
        snprintf(key, sizeof key, "%s.random", dotted);
        CHECK(get_int(r, nd, "random", key, &role->random));
        CHECK(need_int_min(r, &role->random, 0, key));
    }
    if (strchr(allow, 'e') != NULL) {
        snprintf(key, sizeof key, "%s.edges", dotted);
        CHECK(get_ids(r, nd, "edges", key, &role->edges));
    }
    if (strchr(allow, 'v') != NULL) {
        snprintf(key, sizeof key, "%s.values", dotted);
        CHECK(get_reals(r, nd, "values", key, &role->values));
    }
    if (strchr(allow, 'a') != NULL) {
        snprintf(key, sizeof key, "%s.axis", dotted);
        CHECK(get_enum(r, nd, "axis", key, "axis", &role->axis));
    }
    char expected[64] = "";
    const char *names[] = {"nodes", "random", "edges", "values", "axis"};
    const char *letters = "nreva";
    for (int k = 0; k < 5; k++) {
        if (strchr(allow, letters[k]) != NULL) {
            if (expected[0] != '\0') {
                strcat(expected, ", ");
            }
            strcat(expected, names[k]);
        }
    }
    CHECK(finish_map(r, nd, dotted, expected));
    int n_kinds = (role->nodes.n > 0) + (role->random.v > 0) + (role->edges.n > 0);
    if (n_kinds > 1) {
        FAIL_AT(r, nd, "%s: give only one of nodes, random or edges", dotted);
    }
    return 0;
}

static pln_idx role_count(const plnet_role *role)
{
    return role->nodes.n + (pln_idx)role->random.v + role->edges.n;
}

static int role_values_match(reader *r, const plnet_role *role, const char *dotted, bool need)
{
    pln_idx n = role_count(role);
    if (role->values.n == n) {
        return 0;
    }
    if (role->values.n == 0 && !need) {
        return 0;
    }
    plnet_mark at = role->values.n > 0 ? role->values.at_list
                    : role->nodes.n > 0 ? role->nodes.at_list
                    : role->edges.at_list;
    FAIL_MARK(r, at, "%s: %lld values for %lld %s", dotted, (long long)role->values.n,
              (long long)n, role->edges.n > 0 ? "edges" : "nodes");
}

static int read_boundary(reader *r, yd_node *nd)
{
    plnet_boundary_cfg *b = &r->cfg->boundary;
    CHECK(want_map(r, nd, "boundary"));
    CHECK(get_ids(r, nd, "ground", "boundary.ground", &b->ground));
    yd_node *x = yd_get(nd, "potentials");
    if (x != NULL) {
        CHECK(read_role(r, x, "boundary.potentials", "nv", &b->potentials));
        CHECK(role_values_match(r, &b->potentials, "boundary.potentials", true));
    }
    x = yd_get(nd, "currents");
    if (x != NULL) {
        CHECK(read_role(r, x, "boundary.currents", "nv", &b->currents));
        CHECK(role_values_match(r, &b->currents, "boundary.currents", true));
    }
    x = yd_get(nd, "edge_sources");
    if (x != NULL) {
        CHECK(read_role(r, x, "boundary.edge_sources", "ev", &b->edge_sources));
        CHECK(role_values_match(r, &b->edge_sources, "boundary.edge_sources", true));
    }
    x = yd_get(nd, "pins");
    if (x != NULL) {
        CHECK(want_map(r, x, "boundary.pins"));
        CHECK(get_ids(r, x, "nodes", "boundary.pins.nodes", &b->pins));
        CHECK(get_vecs(r, x, "displacements", "boundary.pins.displacements",
                       &b->pin_displacements, &b->pin_dim));
        CHECK(get_strs(r, x, "axes", "boundary.pins.axes", &b->pin_axes));
        CHECK(finish_map(r, x, "boundary.pins", "nodes, displacements, axes"));
        pln_idx nv = b->pin_dim > 0 ? b->pin_displacements.n / b->pin_dim : 0;
        if (b->pin_displacements.at_list.line > 0 && nv != b->pins.n) {
            FAIL_MARK(r, b->pin_displacements.at_list,
                      "boundary.pins.displacements: %lld vectors for %lld pins", (long long)nv,
                      (long long)b->pins.n);
        }
        if (b->pin_axes.at_list.line > 0 && b->pin_axes.n != b->pins.n) {
            FAIL_MARK(r, b->pin_axes.at_list, "boundary.pins.axes: %lld masks for %lld pins",
                      (long long)b->pin_axes.n, (long long)b->pins.n);
        }
        for (pln_idx k = 0; k < b->pin_axes.n; k++) {
            const char *s = b->pin_axes.v[k];
            if (s[0] == '\0' || strspn(s, "xyz") != strlen(s)) {
                FAIL_MARK(r, b->pin_axes.at_list, "boundary.pins.axes: '%s' (pin %lld) is not a "
                          "set of axes such as x, y, xy or xyz", s, (long long)k);
            }
        }
    }
    x = yd_get(nd, "forces");
    if (x != NULL) {
        CHECK(want_map(r, x, "boundary.forces"));
        CHECK(get_ids(r, x, "nodes", "boundary.forces.nodes", &b->force_nodes));
        CHECK(get_vecs(r, x, "values", "boundary.forces.values", &b->forces, &b->force_dim));
        CHECK(finish_map(r, x, "boundary.forces", "nodes, values"));
        pln_idx nv = b->force_dim > 0 ? b->forces.n / b->force_dim : 0;
        if (nv != b->force_nodes.n) {
            FAIL_AT(r, x, "boundary.forces: %lld force vectors for %lld nodes", (long long)nv,
                    (long long)b->force_nodes.n);
        }
    }
    x = yd_get(nd, "edge_strains");
    if (x != NULL) {
        CHECK(read_role(r, x, "boundary.edge_strains", "ev", &b->edge_strains));
        CHECK(role_values_match(r, &b->edge_strains, "boundary.edge_strains", true));
    }
    const char *spring_keys[3] = {"pins", "forces", "edge_strains"};
    const char *other_keys[3] = {"potentials", "currents", "edge_sources"};
    for (int q = 0; q < 3; q++) {
        const char *k = is_spring(r->cfg) ? other_keys[q] : spring_keys[q];
        if (yd_key(nd, k) != NULL) {
            FAIL_AT(r, yd_key(nd, k), "boundary.%s: %s", k,
                    is_spring(r->cfg) ? "a spring network is held by pins, forces and "
                                        "edge_strains"
                                      : "only a spring network (network.kind: spring or "
                                        "spring_linear) has pins, forces and edge strains");
        }
    }
    if (is_spring(r->cfg) && b->ground.at_list.line > 0) {
        FAIL_MARK(r, b->ground.at_list, "boundary.ground: a spring network has no ground; pin "
                  "nodes with boundary.pins");
    }
    CHECK(finish_map(r, nd, "boundary",
                     "ground, potentials, currents, edge_sources, pins, forces, edge_strains"));
    return 0;
}

static int read_task_data(reader *r, yd_node *nd, const char *dotted)
{
    plnet_task_cfg *t = &r->cfg->task;
    char key[128];
    snprintf(key, sizeof key, "%s.data", dotted);
    CHECK(get_str(r, nd, "data", key, &t->data));
    snprintf(key, sizeof key, "%s.label", dotted);
    CHECK(get_str(r, nd, "label", key, &t->label));
    snprintf(key, sizeof key, "%s.test_fraction", dotted);
    CHECK(get_real(r, nd, "test_fraction", key, &t->test_fraction));
    if (t->test_fraction.v < 0.0 || t->test_fraction.v >= 1.0) {
        FAIL_MARK(r, t->test_fraction.at, "%s must be in [0, 1), got %g", key,
                  t->test_fraction.v);
    }
    snprintf(key, sizeof key, "%s.true_level", dotted);
    CHECK(get_real(r, nd, "true_level", key, &t->true_level));
    snprintf(key, sizeof key, "%s.false_level", dotted);
    CHECK(get_real(r, nd, "false_level", key, &t->false_level));
    snprintf(key, sizeof key, "%s.square_inputs", dotted);
    CHECK(get_bool(r, nd, "square_inputs", key, &t->square_inputs));
    snprintf(key, sizeof key, "%s.mirror_inputs", dotted);
    CHECK(get_bool(r, nd, "mirror_inputs", key, &t->mirror_inputs));
    snprintf(key, sizeof key, "%s.input_columns", dotted);
    CHECK(get_strs(r, nd, "input_columns", key, &t->input_columns));
    snprintf(key, sizeof key, "%s.target_columns", dotted);
    CHECK(get_strs(r, nd, "target_columns", key, &t->target_columns));
    return 0;
}

static int read_task(reader *r, yd_node *nd)
{
    plnet_task_cfg *t = &r->cfg->task;
    CHECK(want_map(r, nd, "task"));
    CHECK(get_enum(r, nd, "kind", "task.kind", "task.kind", &t->kind));
    yd_node *x = yd_get(nd, "inputs");
    if (x != NULL) {
        CHECK(read_role(r, x, "task.inputs", "nreva", &t->inputs));
    }
    x = yd_get(nd, "outputs");
    if (x != NULL) {
        CHECK(read_role(r, x, "task.outputs", "nrea", &t->outputs));
    }
    /* Spring nodes carry a displacement along an axis; other networks have no axes. */
    plnet_role *io[2] = {&t->inputs, &t->outputs};
    const char *ion[2] = {"task.inputs", "task.outputs"};
    for (int q = 0; q < 2; q++) {
        bool nodes = io[q]->nodes.n > 0 || io[q]->random.v > 0;
        if (!is_spring(r->cfg) && io[q]->axis.at.line > 0) {
            FAIL_MARK(r, io[q]->axis.at, "%s.axis: only the nodes of a spring network have axes",
                      ion[q]);
        }
        if (is_spring(r->cfg) && nodes && io[q]->axis.at.line == 0) {
            FAIL_MARK(r, io[q]->nodes.n > 0 ? io[q]->nodes.at_list : io[q]->random.at,
                      "%s: the nodes of a spring network need an axis (axis: x, y or z) along "
                      "which their displacement is %s", ion[q], q == 0 ? "imposed" : "read");
        }
    }
    CHECK(get_reals(r, nd, "targets", "task.targets", &t->targets));
    CHECK(get_int(r, nd, "n_examples", "task.n_examples", &t->n_examples));
    CHECK(need_int_min(r, &t->n_examples, 1, "task.n_examples"));
    CHECK(get_int(r, nd, "test_examples", "task.test_examples", &t->test_examples));
    CHECK(need_int_min(r, &t->test_examples, 0, "task.test_examples"));
    CHECK(get_reals(r, nd, "input_range", "task.input_range", &t->input_range));
    if (t->input_range.n != 2 || !(t->input_range.v[1] > t->input_range.v[0])) {
        FAIL_MARK(r, t->input_range.at_list, "task.input_range: expected [low, high], low < high");
    }
    CHECK(read_task_data(r, nd, "task"));
    /* CONFIG.md also shows the data keys nested under the task kind's name. */
    const char *nested[] = {"classification", "dataset", "regression"};
    for (int k = 0; k < 3; k++) {
        yd_node *sub = yd_get(nd, nested[k]);
        if (sub == NULL) {
            continue;
        }
        char dotted[64];
        snprintf(dotted, sizeof dotted, "task.%s", nested[k]);
        CHECK(want_map(r, sub, dotted));
        if (k == 2) {
            CHECK(get_int(r, sub, "n_examples", "task.regression.n_examples", &t->n_examples));
            CHECK(need_int_min(r, &t->n_examples, 1, "task.regression.n_examples"));
            CHECK(get_int(r, sub, "test_examples", "task.regression.test_examples",
                          &t->test_examples));
            CHECK(need_int_min(r, &t->test_examples, 0, "task.regression.test_examples"));
            CHECK(get_reals(r, sub, "input_range", "task.regression.input_range",
                            &t->input_range));
            CHECK(finish_map(r, sub, dotted, "n_examples, test_examples, input_range"));
        } else {
            CHECK(read_task_data(r, sub, dotted));
            CHECK(finish_map(r, sub, dotted,
                             "data, label, test_fraction, true_level, false_level, "
                             "square_inputs, mirror_inputs, input_columns, target_columns"));
        }
    }
    CHECK(finish_map(r, nd, "task",
                     "kind, inputs, outputs, targets, n_examples, test_examples, input_range, "
                     "data, label, test_fraction, true_level, false_level, "
                             "square_inputs, mirror_inputs, input_columns, target_columns"));
    bool allostery = t->kind.v == PLNET_TASK_ALLOSTERY;
    CHECK(role_values_match(r, &t->inputs, "task.inputs", allostery));
    if (allostery && role_count(&t->outputs) != t->targets.n) {
        plnet_mark at = t->targets.n > 0 ? t->targets.at_list : t->outputs.nodes.at_list;
        FAIL_MARK(r, at, "task.targets: %lld targets for %lld outputs", (long long)t->targets.n,
                  (long long)role_count(&t->outputs));
    }
    if (t->kind.v == PLNET_TASK_CLASSIFICATION || t->kind.v == PLNET_TASK_DATASET) {
        if (t->data.v[0] == '\0') {
            FAIL_MARK(r, t->kind.at, "task.data: a %s task needs a data file",
                      plnet_enum_name("task.kind", t->kind.v));
        }
    }
    if (t->kind.v == PLNET_TASK_DATASET && t->target_columns.n == 0) {
        FAIL_MARK(r, t->kind.at, "task.target_columns: a dataset task names its target columns");
    }
    if (t->data.v[0] != '\0') {
        free(t->data_path);
        t->data_path = resolve_path(r->cfg->base_dir, t->data.v);
        if (t->data_path == NULL) {
            FAIL_MARK(r, t->data.at, "out of memory");
        }
        CHECK(check_readable(r, t->data_path, &t->data, "task.data"));
    }
    return 0;
}

static int read_learning(reader *r, yd_node *nd)
{
    plnet_learning_cfg *l = &r->cfg->learning;
    CHECK(want_map(r, nd, "learning"));
    CHECK(get_enum(r, nd, "rule", "learning.rule", "learning.rule", &l->rule));
    CHECK(get_real(r, nd, "rate", "learning.rate", &l->rate));
    CHECK(need_pos(r, &l->rate, "learning.rate"));
    CHECK(get_real(r, nd, "rate_rest_length", "learning.rate_rest_length",
                   &l->rate_rest_length));
    if (l->rate_rest_length.at.line > 0) {
        CHECK(need_pos(r, &l->rate_rest_length, "learning.rate_rest_length"));
    }
    CHECK(get_real(r, nd, "nudge", "learning.nudge", &l->nudge));
    /* eta of the coupled rules is a fraction of the way to the target; beta is any size. */
    if (l->rule.v == PLNET_RULE_COUPLED || l->rule.v == PLNET_RULE_COUPLED_CENTERED ||
        l->rule.v == PLNET_RULE_TEMPORAL) {
        CHECK(need_range(r, &l->nudge, 0.0, 1.0, true, "learning.nudge"));
    } else {
        CHECK(need_pos(r, &l->nudge, "learning.nudge"));
    }
    CHECK(get_real(r, nd, "asymmetry", "learning.asymmetry", &l->asymmetry));
    CHECK(need_range(r, &l->asymmetry, 0.0, 1.0, false, "learning.asymmetry"));
    CHECK(get_enum(r, nd, "dof", "learning.dof", "learning.dof", &l->dof));
    if (l->dof.v == PLNET_DOF_RADIUS && r->cfg->network.kind.v != PLNET_KIND_FLOW) {
        FAIL_MARK(r, l->dof.at, "learning.dof: radius needs network.kind: flow");
    }
    if ((l->dof.v == PLNET_DOF_STIFFNESS || l->dof.v == PLNET_DOF_REST_LENGTH ||
         l->dof.v == PLNET_DOF_BOTH) != is_spring(r->cfg)) {
        if (l->dof.at.line > 0 || !is_spring(r->cfg)) {
            FAIL_MARK(r, l->dof.at, "learning.dof: %s", is_spring(r->cfg)
                      ? "a spring network learns its stiffness, rest_length or both"
                      : "stiffness, rest_length and both need network.kind: spring or "
                        "spring_linear");
        }
        l->dof.v = PLNET_DOF_STIFFNESS; /* the default for springs */
    }
    if (l->rate_rest_length.at.line > 0 && l->dof.v != PLNET_DOF_BOTH) {
        FAIL_MARK(r, l->rate_rest_length.at, "learning.rate_rest_length: only with "
                  "learning.dof: both (otherwise learning.rate is the one rate)");
    }
    yd_node *hw = yd_get(nd, "hardware");
    if (hw != NULL) {
        plnet_hardware_cfg *h = &l->hardware;
        CHECK(want_map(r, hw, "learning.hardware"));
        CHECK(get_int(r, hw, "levels", "learning.hardware.levels", &h->levels));
        if (h->levels.v < 0 || h->levels.v == 1) {
            FAIL_MARK(r, h->levels.at, "learning.hardware.levels must be 0 (continuous) or >= 2, "
                      "got %lld", (long long)h->levels.v);
        }
        CHECK(get_enum(r, hw, "spacing", "learning.hardware.spacing",
                       "learning.hardware.spacing", &h->spacing));
        CHECK(get_real(r, hw, "update_noise", "learning.hardware.update_noise",
                       &h->update_noise));
        CHECK(need_nonneg(r, &h->update_noise, "learning.hardware.update_noise"));
        CHECK(get_real(r, hw, "measurement_noise", "learning.hardware.measurement_noise",
                       &h->measurement_noise));
        CHECK(need_nonneg(r, &h->measurement_noise, "learning.hardware.measurement_noise"));
        CHECK(get_bool(r, hw, "sign_updates", "learning.hardware.sign_updates",
                       &h->sign_updates));
        CHECK(get_real(r, hw, "sign_step", "learning.hardware.sign_step", &h->sign_step));
        /* 0 means "one quantization level", which needs levels. */
        CHECK(need_nonneg(r, &h->sign_step, "learning.hardware.sign_step"));
        if (h->sign_step.v == 0.0 && h->levels.v == 0) {
            FAIL_MARK(r, h->sign_step.at, "learning.hardware.sign_step: 0 means one level "
                      "and needs learning.hardware.levels >= 2");
        }
        CHECK(get_real(r, hw, "desync", "learning.hardware.desync", &h->desync));
        CHECK(need_range(r, &h->desync, 0.0, 1.0, true, "learning.hardware.desync"));
        CHECK(finish_map(r, hw, "learning.hardware",
                         "levels, spacing, update_noise, measurement_noise, sign_updates, "
                         "sign_step, desync"));
    }
    CHECK(finish_map(r, nd, "learning",
                     "rule, rate, rate_rest_length, nudge, asymmetry, dof, hardware"));
    return 0;
}

static int read_protocol(reader *r, yd_node *nd)
{
    plnet_protocol_cfg *p = &r->cfg->protocol;
    CHECK(want_map(r, nd, "protocol"));
    CHECK(get_enum(r, nd, "kind", "protocol.kind", "protocol.kind", &p->kind));
    const char *names[] = {"dt", "tau_fast", "tau_slow", "amplitude"};
    plnet_real *vals[] = {&p->dt, &p->tau_fast, &p->tau_slow, &p->amplitude};
    for (int k = 0; k < 4; k++) {
        char key[64];
        snprintf(key, sizeof key, "protocol.%s", names[k]);
        CHECK(get_real(r, nd, names[k], key, vals[k]));
        CHECK(need_pos(r, vals[k], key));
    }
    CHECK(get_bool(r, nd, "reverse", "protocol.reverse", &p->reverse));
    yd_node *m = yd_get(nd, "memory");
    if (m != NULL) {
        CHECK(want_map(r, m, "protocol.memory"));
        CHECK(get_enum(r, m, "kind", "protocol.memory.kind", "protocol.memory.kind",
                       &p->memory_kind));
        CHECK(get_real(r, m, "tau", "protocol.memory.tau", &p->memory_tau));
        CHECK(need_pos(r, &p->memory_tau, "protocol.memory.tau"));
        CHECK(get_real(r, m, "leak", "protocol.memory.leak", &p->memory_leak));
        CHECK(need_nonneg(r, &p->memory_leak, "protocol.memory.leak"));
        CHECK(get_real(r, m, "B", "protocol.memory.B", &p->memory_B));
        CHECK(need_pos(r, &p->memory_B, "protocol.memory.B"));
        CHECK(get_real(r, m, "I", "protocol.memory.I", &p->memory_I));
        CHECK(need_nonneg(r, &p->memory_I, "protocol.memory.I"));
        CHECK(get_real(r, m, "gamma", "protocol.memory.gamma", &p->memory_gamma));
        CHECK(need_range(r, &p->memory_gamma, 0.0, 1.0, true, "protocol.memory.gamma"));
        CHECK(get_real(r, m, "R", "protocol.memory.R", &p->memory_R));
        CHECK(need_pos(r, &p->memory_R, "protocol.memory.R"));
        CHECK(get_real(r, m, "s0", "protocol.memory.s0", &p->memory_s0));
        CHECK(need_pos(r, &p->memory_s0, "protocol.memory.s0"));
        CHECK(get_real(r, m, "window", "protocol.memory.window", &p->memory_window));
        CHECK(need_nonneg(r, &p->memory_window, "protocol.memory.window"));
        CHECK(get_real(r, m, "dissipation", "protocol.memory.dissipation",
                       &p->memory_dissipation));
        CHECK(finish_map(r, m, "protocol.memory",
                         "kind, tau, leak, B, I, gamma, R, s0, window, dissipation"));
    }
    yd_node *g = yd_get(nd, "nonlinearity");
    if (g != NULL) {
        CHECK(want_map(r, g, "protocol.nonlinearity"));
        CHECK(get_enum(r, g, "kind", "protocol.nonlinearity.kind", "protocol.nonlinearity.kind",
                       &p->nonlinearity_kind));
        CHECK(get_real(r, g, "theta", "protocol.nonlinearity.theta", &p->nonlinearity_theta));
        CHECK(need_nonneg(r, &p->nonlinearity_theta, "protocol.nonlinearity.theta"));
        CHECK(finish_map(r, g, "protocol.nonlinearity", "kind, theta"));
    }
    CHECK(get_enum(r, nd, "apply", "protocol.apply", "protocol.apply", &p->apply));
    CHECK(get_int(r, nd, "refresh", "protocol.refresh", &p->refresh));
    CHECK(need_int_min(r, &p->refresh, 1, "protocol.refresh"));
    CHECK(get_real(r, nd, "p_clamped", "protocol.p_clamped", &p->p_clamped));
    CHECK(need_range(r, &p->p_clamped, 0.0, 1.0, true, "protocol.p_clamped"));
    if (p->p_clamped.v >= 1.0) {
        FAIL_MARK(r, p->p_clamped.at, "protocol.p_clamped must be below 1, got %g",
                  p->p_clamped.v);
    }
    CHECK(get_real(r, nd, "mean_clamped", "protocol.mean_clamped", &p->mean_clamped));
    CHECK(need_pos(r, &p->mean_clamped, "protocol.mean_clamped"));
    CHECK(get_real(r, nd, "mean_free", "protocol.mean_free", &p->mean_free));
    CHECK(need_pos(r, &p->mean_free, "protocol.mean_free"));
    CHECK(get_enum(r, nd, "phase_distribution", "protocol.phase_distribution",
                   "protocol.phase_distribution", &p->phase_distribution));
    CHECK(get_real(r, nd, "phase_shape", "protocol.phase_shape", &p->phase_shape));
    CHECK(need_pos(r, &p->phase_shape, "protocol.phase_shape"));
    CHECK(finish_map(r, nd, "protocol",
                     "kind, dt, tau_fast, tau_slow, amplitude, reverse, memory, nonlinearity, "
                     "apply, refresh, p_clamped, mean_clamped, mean_free, phase_distribution, "
                     "phase_shape"));
    return 0;
}

static int read_rest(reader *r, yd_node *root)
{
    plnet_config *cfg = r->cfg;
    yd_node *x = yd_get(root, "energy");
    if (x != NULL) {
        CHECK(want_map(r, x, "energy"));
        CHECK(get_real(r, x, "temperature", "energy.temperature", &cfg->energy.temperature));
        CHECK(need_pos(r, &cfg->energy.temperature, "energy.temperature"));
        CHECK(get_real(r, x, "resolution", "energy.resolution", &cfg->energy.resolution));
        CHECK(need_pos(r, &cfg->energy.resolution, "energy.resolution"));
        CHECK(finish_map(r, x, "energy", "temperature, resolution"));
    }
    x = yd_get(root, "solver");
    if (x != NULL) {
        plnet_solver_cfg *sv = &cfg->solver;
        CHECK(want_map(r, x, "solver"));
        CHECK(get_enum(r, x, "refactor", "solver.refactor", "solver.refactor", &sv->refactor));
        CHECK(get_real(r, x, "pcg_tol", "solver.pcg_tol", &sv->pcg_tol));
        CHECK(need_range(r, &sv->pcg_tol, 0.0, 1e-2, true, "solver.pcg_tol"));
        CHECK(get_int(r, x, "pcg_max_iter", "solver.pcg_max_iter", &sv->pcg_max_iter));
        CHECK(need_int_min(r, &sv->pcg_max_iter, 1, "solver.pcg_max_iter"));
        CHECK(get_int(r, x, "pcg_refactor_iter", "solver.pcg_refactor_iter",
                      &sv->pcg_refactor_iter));
        CHECK(need_int_min(r, &sv->pcg_refactor_iter, 1, "solver.pcg_refactor_iter"));
        if (sv->pcg_refactor_iter.v > sv->pcg_max_iter.v) {
            FAIL_MARK(r, sv->pcg_refactor_iter.at,
                      "solver.pcg_refactor_iter (%lld) must not exceed solver.pcg_max_iter (%lld)",
                      (long long)sv->pcg_refactor_iter.v, (long long)sv->pcg_max_iter.v);
        }
        CHECK(finish_map(r, x, "solver", "refactor, pcg_tol, pcg_max_iter, pcg_refactor_iter"));
    }
    x = yd_get(root, "train");
    if (x != NULL) {
        plnet_train_cfg *t = &cfg->train;
        CHECK(want_map(r, x, "train"));
        CHECK(get_int(r, x, "steps", "train.steps", &t->steps));
        CHECK(need_int_min(r, &t->steps, 0, "train.steps"));
        CHECK(get_int(r, x, "batch", "train.batch", &t->batch));
        CHECK(need_int_min(r, &t->batch, 1, "train.batch"));
        CHECK(get_int(r, x, "log_every", "train.log_every", &t->log_every));
        CHECK(need_int_min(r, &t->log_every, 1, "train.log_every"));
        CHECK(get_int(r, x, "checkpoint_every", "train.checkpoint_every",
                      &t->checkpoint_every));
        CHECK(need_int_min(r, &t->checkpoint_every, 0, "train.checkpoint_every"));
        CHECK(finish_map(r, x, "train", "steps, batch, log_every, checkpoint_every"));
    }
    x = yd_get(root, "output");
    if (x != NULL) {
        CHECK(want_map(r, x, "output"));
        CHECK(get_str(r, x, "dir", "output.dir", &cfg->output.dir));
        CHECK(finish_map(r, x, "output", "dir"));
    }
    return 0;
}

static int read_root(reader *r, yd_node *root)
{
    plnet_config *cfg = r->cfg;
    if (root->type != YD_MAP) {
        FAIL_AT(r, root, "the experiment file must be a mapping of sections (name, network, ...)");
    }
    CHECK(get_str(r, root, "name", "name", &cfg->name));
    if (cfg->name.v[0] == '\0' || strchr(cfg->name.v, '/') != NULL) {
        FAIL_MARK(r, cfg->name.at, "name: must be non-empty and hold no '/' (it names a folder)");
    }
    CHECK(get_int(r, root, "seed", "seed", &cfg->seed));
    CHECK(need_int_min(r, &cfg->seed, 0, "seed"));
    /* network first: later sections check against its kind. */
    yd_node *x = yd_get(root, "network");
    if (x != NULL) {
        CHECK(read_network(r, x));
    }
    x = yd_get(root, "boundary");
    if (x != NULL) {
        CHECK(read_boundary(r, x));
    }
    x = yd_get(root, "task");
    if (x != NULL) {
        CHECK(read_task(r, x));
    } else {
        CHECK(role_values_match(r, &cfg->task.inputs, "task.inputs", false));
    }
    x = yd_get(root, "learning");
    if (x != NULL) {
        CHECK(read_learning(r, x));
    }
    x = yd_get(root, "protocol");
    if (x != NULL) {
        CHECK(read_protocol(r, x));
    }
    CHECK(read_rest(r, root));
    if (is_spring(cfg) && cfg->learning.dof.v == PLNET_DOF_CONDUCTANCE) {
        cfg->learning.dof.v = PLNET_DOF_STIFFNESS; /* the default for springs */
    }
    CHECK(finish_map(r, root, "",
                     "name, seed, network, boundary, task, learning, protocol, energy, solver, "
                     "train, output"));
    if (cfg->output.dir.v[0] == '\0') {
        size_t len = strlen(cfg->name.v) + 8;
        char *d = malloc(len);
        if (d == NULL) {
            FAIL_MARK(r, cfg->name.at, "out of memory");
        }
        snprintf(d, len, "runs/%s", cfg->name.v);
        free(cfg->output.dir.v);
        cfg->output.dir.v = d;
    }
    return 0;
}

/* The document (already parsed, consumed here) with its overrides, read into cfg. */
static int load_document(yd_node *root, const plnet_override *sets, size_t n_sets,
                         plnet_config *cfg, FILE *err)
{
    reader r = {cfg, err};
    int rc = plnet_i_overrides_apply(root, sets, n_sets, cfg, err);
    if (rc == 0) {
        rc = read_root(&r, root) == 0 ? 0 : 2;
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
    if (base_dir != NULL) {
        char *d = dup_str(base_dir);
        if (d == NULL) {
            fprintf(err, "plnet: out of memory\n");
            return 1;
        }
        free(cfg->base_dir);
        cfg->base_dir = d;
    } else {
        free(cfg->base_dir);
        cfg->base_dir = dup_str(".");
    }
    char msg[1024];
    yd_node *root = yd_load_text(text, len, msg, sizeof msg);
    if (root == NULL) {
        report_parse(err, cfg->path, msg);
        return 2;
    }
    return load_document(root, sets, n_sets, cfg, err);
}
