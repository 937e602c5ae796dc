/* experiment.c — an experiment built in stages from its description: graph, roles and drawn edge values, boundary and network, task, states and learner; every id checked against the graph, every error keyed to the configuration. */
#include "experiment_impl.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* ------------------------------------------------------------------ streams and defaults */

void pln_experiment_stream(uint64_t seed, pln_stream s, pln_rng *out)
{
    pln_rng base;
    pln_rng_seed(&base, seed);
    for (int k = 0; k <= (int)s; k++) {
        pln_rng_split(&base, out);
    }
}

static void edge_init_default(pln_edge_init *e, pln_init_kind init)
{
    e->init = init;
    e->value = 1.0;
    e->low = 0.5;
    e->high = 1.5;
    e->min = 1e-3;
    e->max = 1e3;
}

static void role_default(pln_role_desc *r)
{
    memset(r, 0, sizeof *r);
    r->axis = -1;
}

void pln_experiment_desc_default(pln_experiment_desc *d)
{
    memset(d, 0, sizeof *d);
    d->seed = 1;

    pln_network_desc *nw = &d->network;
    pln_network_options no;
    pln_network_options_default(&no);
    nw->kind = no.kind;
    nw->viscosity = no.viscosity;
    nw->graph.file = NULL;
    nw->graph.format = PLN_FORMAT_AUTO;
    nw->graph.weights = PLN_WEIGHTS_CONDUCTANCE;
    nw->graph.generator = PLN_GEN_SQUARE_LATTICE;
    nw->graph.size[0] = 8;
    nw->graph.size[1] = 8;
    nw->graph.periodic = false;
    nw->graph.n = 100;
    nw->graph.degree = 3;
    nw->graph.mean_degree = 4.0;
    nw->graph.radius = 0.15;
    edge_init_default(&nw->conductance, PLN_INIT_CONSTANT);
    edge_init_default(&nw->radius, PLN_INIT_FROM_GRAPH);
    edge_init_default(&nw->stiffness, PLN_INIT_CONSTANT);
    edge_init_default(&nw->rest_length, PLN_INIT_FROM_GRAPH);
    pln_states_options so;
    pln_states_options_default(&so);
    nw->newton_tol = so.newton_tol;
    nw->newton_max_iter = so.newton_max_iter;
    pln_elements_desc *el = &nw->elements;
    el->kind = no.elements.kind;
    memcpy(el->values, no.elements.values, sizeof el->values);
    el->gate.init = PLN_INIT_CONSTANT;
    el->gate.value = no.elements.values[PLN_EP_GATE];
    el->gate.low = 0.0;
    el->gate.high = 1.0;
    el->gate.min = -10.0;
    el->gate.max = 10.0;
    el->temperature = no.elements.temperature;
    el->gmin = no.elements.gmin;
    el->gate_drop_squared = no.elements.gate_drop_squared;

    pln_boundary_desc *b = &d->boundary;
    b->n_ground = -1;
    role_default(&b->potentials);
    role_default(&b->currents);
    role_default(&b->edge_sources);
    role_default(&b->edge_strains);

    pln_task_desc *t = &d->task;
    t->kind = PLN_TASK_ALLOSTERY;
    role_default(&t->inputs);
    role_default(&t->outputs);
    pln_regression_options_default(&t->regression);
    t->regression.n_train = 100;
    t->regression.n_test = 50;
    pln_data_options_default(&t->dataset);
    t->dataset.label = "label";

    d->learning.learner = PLN_LEARNER_CONTRASTIVE;
    pln_rule_options_default(&d->learning.rule);
    pln_hardware_default(&d->learning.hardware);
    d->learning.gate_sign_step = d->learning.hardware.sign_step;

    pln_tcl_options tcl;
    pln_tcl_options_default(&tcl);
    d->temporal.protocol = tcl.protocol;
    d->temporal.protocol.kind = PLN_PROTO_SAWTOOTH;
    d->temporal.amplitude = 1.0;
    d->temporal.memory = tcl.memory;
    d->temporal.nonlinearity = tcl.g;
    d->temporal.apply = tcl.apply;
    d->temporal.refresh = tcl.refresh;

    pln_trainer_options tro;
    pln_trainer_options_default(&tro);
    d->temperature = tro.temperature;
    d->resolution = tro.resolution;
    d->energy = tro.units;
    pln_solver_options_default(&d->solver);
    d->train.steps = 5000;
    d->train.batch = tro.batch;
    d->train.log_every = 50;
    d->train.checkpoint_every = 1000;
}

/* ------------------------------------------------------------------ the copy */

static void *keep(pln_experiment *x, const void *src, size_t bytes)
{
    if (x->n_owned == x->cap_owned) {
        size_t cap = x->cap_owned > 0 ? 2 * x->cap_owned : 32;
        void **p = pln_i_realloc(x->owned, cap * sizeof *p);
        if (p == NULL) {
            return NULL;
        }
        x->owned = p;
        x->cap_owned = cap;
    }
    void *c = pln_i_malloc(bytes > 0 ? bytes : 1);
    if (c == NULL) {
        return NULL;
    }
    if (bytes > 0) {
        memcpy(c, src, bytes);
    }
    x->owned[x->n_owned++] = c;
    return c;
}

/* Copy an array member in place: *p becomes the experiment's own copy (NULL stays NULL). */
#define KEEP(x, p, n)                                                                        \
    do {                                                                                     \
        if ((p) != NULL) {                                                                   \
            void *kept_ = keep((x), (p), (size_t)((n) > 0 ? (n) : 0) * sizeof *(p));         \
            if (kept_ == NULL) {                                                             \
                return PLN_ERR((x)->ctx, PLN_ENOMEM, "out of memory (experiment)");         \
            }                                                                                \
            (p) = kept_;                                                                     \
        }                                                                                    \
    } while (0)

static pln_status keep_str(pln_experiment *x, const char **s)
{
    if (*s != NULL) {
        KEEP(x, *s, strlen(*s) + 1);
    }
    return PLN_OK;
}

static pln_status keep_strs(pln_experiment *x, const char *const **v, pln_idx n)
{
    if (*v == NULL) {
        return PLN_OK;
    }
    const char **c = keep(x, *v, (size_t)(n > 0 ? n : 0) * sizeof *c);
    if (c == NULL) {
        return PLN_ERR(x->ctx, PLN_ENOMEM, "out of memory (experiment)");
    }
    for (pln_idx k = 0; k < n; k++) {
        PLN_TRY(keep_str(x, &c[k]));
    }
    *v = c;
    return PLN_OK;
}

static pln_status keep_role(pln_experiment *x, pln_role_desc *r)
{
    KEEP(x, r->nodes, r->n_nodes);
    KEEP(x, r->edges, r->n_edges);
    KEEP(x, r->values, r->n_values);
    return PLN_OK;
}

static pln_status copy_desc(pln_experiment *x, const pln_experiment_desc *d)
{
    x->d = *d;
    pln_experiment_desc *c = &x->d;
    PLN_TRY(keep_str(x, &c->name));
    PLN_TRY(keep_str(x, &c->output_dir));
    PLN_TRY(keep_str(x, &c->network.graph.file));
    pln_elements_desc *el = &c->network.elements;
    for (int k = 0; k < PLN_ELEM_N_KINDS; k++) {
        KEEP(x, el->edges[k], el->n_edges[k]);
    }
    KEEP(x, el->table_v, el->n_table_v);
    KEEP(x, el->table_i, el->n_table_i);
    pln_boundary_desc *b = &c->boundary;
    KEEP(x, b->ground, b->n_ground);
    PLN_TRY(keep_role(x, &b->potentials));
    PLN_TRY(keep_role(x, &b->currents));
    PLN_TRY(keep_role(x, &b->edge_sources));
    PLN_TRY(keep_role(x, &b->edge_strains));
    KEEP(x, b->pins, b->n_pins);
    KEEP(x, b->pin_displacements, b->n_pin_displacements * b->pin_dim);
    KEEP(x, b->pin_axes, b->n_pin_axes);
    KEEP(x, b->force_nodes, b->n_forces);
    KEEP(x, b->forces, b->n_force_values * b->force_dim);
    pln_task_desc *t = &c->task;
    PLN_TRY(keep_role(x, &t->inputs));
    PLN_TRY(keep_role(x, &t->outputs));
    KEEP(x, t->targets, t->n_targets);
    KEEP(x, c->learning.hardware.table, c->learning.hardware.n_table);
    PLN_TRY(keep_str(x, &t->data));
    PLN_TRY(keep_str(x, &t->dataset.label));
    PLN_TRY(keep_strs(x, &t->dataset.input_columns, t->dataset.n_input_columns));
    PLN_TRY(keep_strs(x, &t->dataset.target_columns, t->dataset.n_target_columns));
    return PLN_OK;
}

/* ------------------------------------------------------------------ errors */

/* Raise a configuration error: key names the configuration value (with "[k]" for element k
 * of a list), the message starts with the dotted key as the CLI always printed it. */
static pln_status fail_key(pln_experiment *x, pln_status code, const char *key, const char *fmt,
                           ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

static pln_status fail_key(pln_experiment *x, pln_status code, const char *key, const char *fmt,
                           ...)
{
    char text[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    return pln_i_error(x->ctx, code, __FILE__, __LINE__, -1, -1, key, "%s", text);
}

/* The error a lower module just raised, re-keyed to a configuration key and prefixed
 * ("network.graph.file: <its message>"); its node or edge is dropped, since the key now
 * says where. */
static pln_status rekey(pln_experiment *x, pln_status st, const char *key, const char *prefix)
{
    const pln_error *e = pln_ctx_last_error(x->ctx);
    char msg[sizeof e->message];
    snprintf(msg, sizeof msg, "%s", e->code != PLN_OK && e->message[0] != '\0'
                                        ? e->message
                                        : pln_strerror(st));
    return pln_i_error(x->ctx, st, __FILE__, __LINE__, -1, -1, key, "%s: %s", prefix, msg);
}

static const char *bounds_key(const pln_experiment *x, bool rest_half)
{
    pln_dof dof = x->d.learning.rule.dof;
    if (dof == PLN_DOF_BOTH) {
        dof = rest_half ? PLN_DOF_REST_LENGTH : PLN_DOF_CONDUCTANCE;
    }
    return dof == PLN_DOF_RADIUS        ? "network.edges.radius"
           : dof == PLN_DOF_REST_LENGTH ? "network.edges.rest_length"
           : x->springs                 ? "network.edges.stiffness"
                                        : "network.edges.conductance";
}

/* The lower modules name their options by their own keys; an experiment's error names the
 * configuration key a user writes. Options the experiment file does not expose (the
 * solver's ordering, factorization mode and pivot tolerance, Newton's Hessian, a
 * regression's row sum) are named by the section that holds the rest of their options. */
const char *pln_i_experiment_key(const char *lower, const pln_experiment_desc *d, char *buf,
                                 size_t size)
{
    static const struct {
        const char *from, *to;
    } plain[] = {
        {"hardware.levels", "learning.hardware.levels"},
        {"hardware.spacing", "learning.hardware.spacing"},
        {"hardware.table", "learning.hardware.table"},
        {"hardware.update_noise", "learning.hardware.update_noise"},
        {"hardware.signal_noise", "learning.hardware.measurement_noise"},
        {"hardware.sign_step", "learning.hardware.sign_step"},
        {"hardware.desync", "learning.hardware.desync"},
        {"task", "task.kind"},
        {"task.row_sum", "task"},
        {"nudge", "learning.nudge"},
        {"max_rhs", "train.batch"},
        {"size", "network.graph.size"},
        {"periodic", "network.graph.periodic"},
        {"degree", "network.graph.degree"},
        {"mean_degree", "network.graph.mean_degree"},
        {"radius", "network.graph.radius"},
        {"viscosity", "network.viscosity"},
        {"kind", "network.kind"},
        {"default_stiffness", "network.edges.stiffness.value"},
        {"positions", "network.graph"},
        {"newton.tolerance", "network.newton_tol"},
        {"newton.max_iterations", "network.newton_max_iter"},
        {"newton.hessian", "network"},
        {"refactor", "solver.refactor"},
        {"network.elements.tables", "network.elements.iv"},
        {"pcg_tol", "solver.pcg_tol"},
        {"pcg_max_iter", "solver.pcg_max_iter"},
        {"pcg_refactor_iter", "solver.pcg_refactor_iter"},
        {"ordering", "solver"},
        {"mode", "solver"},
        {"pivot_tol", "solver"},
    };
    for (size_t k = 0; k < sizeof plain / sizeof plain[0]; k++) {
        if (strcmp(lower, plain[k].from) == 0) {
            return plain[k].to;
        }
    }
    if (strcmp(lower, "hardware.min") == 0 || strcmp(lower, "hardware.max") == 0) {
        pln_dof dof = d->learning.rule.dof;
        bool spring = d->network.kind == PLN_KIND_SPRING || d->network.kind == PLN_KIND_SPRING_LINEAR;
        const char *block = dof == PLN_DOF_RADIUS        ? "network.edges.radius"
                            : dof == PLN_DOF_REST_LENGTH ? "network.edges.rest_length"
                            : spring                     ? "network.edges.stiffness"
                                                         : "network.edges.conductance";
        snprintf(buf, size, "%s.%s", block, lower + 9);
        return buf;
    }
    return lower;
}

static void translate_key(pln_experiment *x)
{
    pln_error *e = &x->ctx->err;
    if (e->code == PLN_OK || e->key[0] == '\0') {
        return;
    }
    char buf[sizeof e->key];
    const char *to = pln_i_experiment_key(e->key, &x->d, buf, sizeof buf);
    if (to != e->key) {
        char copy[sizeof e->key];
        snprintf(copy, sizeof copy, "%s", to);
        snprintf(e->key, sizeof e->key, "%s", copy);
    }
    /* An experiment's messages start with the key they are about. */
    size_t kl = strlen(e->key);
    if (strncmp(e->message, e->key, kl) != 0) {
        char msg[sizeof e->message + sizeof e->key + 2];
        int len = snprintf(msg, sizeof msg, "%s: %s", e->key, e->message);
        size_t keep_len = len < 0 ? 0 : (size_t)len;
        if (keep_len >= sizeof e->message) {
            keep_len = sizeof e->message - 1;
        }
        memcpy(e->message, msg, keep_len);
        e->message[keep_len] = '\0';
    }
}

/* ------------------------------------------------------------------ graph stage */

static bool ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s);
    size_t b = strlen(suffix);
    return a >= b && strcasecmp(s + a - b, suffix) == 0;
}

pln_graph_format pln_i_graph_format(const char *file, pln_graph_format format)
{
    if (format != PLN_FORMAT_AUTO || file == NULL) {
        return format;
    }
    bool xml = ends_with(file, ".graphml") || ends_with(file, ".xml");
    bool spice = ends_with(file, ".cir") || ends_with(file, ".sp") || ends_with(file, ".net") ||
                 ends_with(file, ".spice");
    return xml ? PLN_FORMAT_GRAPHML : spice ? PLN_FORMAT_SPICE : PLN_FORMAT_EDGELIST;
}

/* networkx's and igraph's edge attribute `weight` of a GraphML file: read as
 * network.graph.weights says (as an edge list's weight column) when the file gives no
 * conductance or resistance, and said to be ignored otherwise (and on a spring network). */
static pln_status graphml_weight(pln_experiment *x)
{
    const double *w = pln_graph_edge_attr(x->graph, "weight");
    if (w == NULL) {
        return PLN_OK;
    }
    const char *file = x->d.network.graph.file;
    const bool own = pln_graph_edge_attr(x->graph, "conductance") != NULL ||
                     pln_graph_edge_attr(x->graph, "resistance") != NULL;
    if (x->springs || own) {
        pln_i_log(x->ctx, PLN_LOG_WARN, "%s: the edge attribute 'weight' is ignored (%s)", file,
                  x->springs ? "a spring network reads 'stiffness'"
                             : "the file gives 'conductance' or 'resistance'");
        return PLN_OK;
    }
    const bool ohm = x->d.network.graph.weights == PLN_WEIGHTS_RESISTANCE;
    pln_i_log(x->ctx, PLN_LOG_INFO,
              "%s: the edge attribute 'weight' is read as %s (network.graph.weights)", file,
              ohm ? "resistance (ohm)" : "conductance (S)");
    return pln_graph_edge_attr_set(x->graph, ohm ? "resistance" : "conductance", w);
}

static pln_status make_graph(pln_experiment *x)
{
    const pln_graph_desc *g = &x->d.network.graph;
    pln_status st = PLN_OK;
    if (g->file != NULL && g->file[0] != '\0') {
        const pln_graph_format f = pln_i_graph_format(g->file, g->format);
        if (f == PLN_FORMAT_GRAPHML) {
            st = pln_graph_read_graphml(x->ctx, g->file, &x->graph);
            if (st == PLN_OK) {
                st = graphml_weight(x);
            }
        } else if (f == PLN_FORMAT_SPICE) {
            st = pln_graph_read_spice(x->ctx, g->file, &x->graph, &x->spice);
        } else {
            const char *name = g->weights == PLN_WEIGHTS_RESISTANCE ? "resistance"
                                                                     : "conductance";
            st = pln_graph_read_edgelist(x->ctx, g->file, name, &x->graph);
        }
        return st == PLN_OK ? PLN_OK : rekey(x, st, "network.graph.file", "network.graph.file");
    }
    const uint64_t seed = x->d.seed;
    switch (g->generator) {
    case PLN_GEN_SQUARE_LATTICE:
        st = pln_graph_square_lattice(x->ctx, g->size[0], g->size[1], g->periodic, &x->graph);
        break;
    case PLN_GEN_TRIANGULAR_LATTICE:
        st = pln_graph_triangular_lattice(x->ctx, g->size[0], g->size[1], g->periodic,
                                          &x->graph);
        break;
    case PLN_GEN_RANDOM_REGULAR:
        st = pln_graph_random_regular(x->ctx, g->n, g->degree, seed, &x->graph);
        break;
    case PLN_GEN_ERDOS_RENYI:
        st = pln_graph_erdos_renyi(x->ctx, g->n, g->mean_degree, seed, &x->graph);
        break;
    case PLN_GEN_RANDOM_GEOMETRIC:
        st = pln_graph_random_geometric(x->ctx, g->n, g->radius, seed, &x->graph);
        break;
    default:
        return fail_key(x, PLN_EINVAL, "network.graph.generator",
                        "network.graph.generator: unknown generator %d", (int)g->generator);
    }
    if (st != PLN_OK && pln_ctx_last_error(x->ctx)->key[0] != '\0') {
        translate_key(x); /* the generator names its option: size, degree, radius, ... */
        return st;
    }
    return st == PLN_OK ? PLN_OK : rekey(x, st, "network.graph.generator", "network.graph");
}

/* Who holds each node, so an overlap names both roles. */
typedef struct owners {
    const char **name;
    bool *taken;
    pln_idx n;
} owners;

static pln_status claim(pln_experiment *x, owners *o, const char *role, const char *dotted,
                        pln_idx k, pln_idx node)
{
    char key[160];
    if (k >= 0) {
        snprintf(key, sizeof key, "%s[%" PRId64 "]", dotted, (int64_t)k);
    } else {
        snprintf(key, sizeof key, "%s", "network.graph.file");
    }
    if (node < 0 || node >= o->n) {
        return fail_key(x, PLN_EINVAL, key,
                        "%s: node %" PRId64 " does not exist (the graph has %" PRId64
                        " nodes, ids 0..%" PRId64 ")",
                        dotted, (int64_t)node, (int64_t)o->n, (int64_t)(o->n - 1));
    }
    if (o->taken[node]) {
        return fail_key(x, PLN_EINVAL, key, "%s: node %" PRId64 " is already %s%s", dotted,
                        (int64_t)node,
                        strcmp(o->name[node], role) == 0 ? "listed as " : "taken as ",
                        o->name[node]);
    }
    o->taken[node] = true;
    o->name[node] = role;
    return PLN_OK;
}

static pln_status claim_ids(pln_experiment *x, owners *o, const char *role, const char *dotted,
                            const pln_idx *ids, pln_idx n)
{
    for (pln_idx k = 0; k < n; k++) {
        PLN_TRY(claim(x, o, role, dotted, k, ids[k]));
    }
    return PLN_OK;
}

static pln_status check_edges(pln_experiment *x, const pln_idx *ids, pln_idx n,
                              const char *dotted, pln_idx m, const char **edge_owner,
                              const char *role)
{
    for (pln_idx k = 0; k < n; k++) {
        char key[160];
        snprintf(key, sizeof key, "%s[%" PRId64 "]", dotted, (int64_t)k);
        pln_idx e = ids[k];
        if (e < 0 || e >= m) {
            return fail_key(x, PLN_EINVAL, key,
                            "%s: edge %" PRId64 " does not exist (the graph has %" PRId64
                            " edges, ids 0..%" PRId64 ")",
                            dotted, (int64_t)e, (int64_t)m, (int64_t)(m - 1));
        }
        if (edge_owner[e] != NULL) {
            return fail_key(x, PLN_EINVAL, key, "%s: edge %" PRId64 " is already taken as %s",
                            dotted, (int64_t)e, edge_owner[e]);
        }
        edge_owner[e] = role;
    }
    return PLN_OK;
}

/* The ground actually applied (see pln_boundary_desc.n_ground). */
static pln_idx ground_count(const pln_experiment *x, const pln_idx **ids)
{
    static const pln_idx node0 = 0;
    const pln_boundary_desc *b = &x->d.boundary;
    if (b->n_ground >= 0) {
        *ids = b->ground;
        return b->n_ground;
    }
    if (x->springs || x->spice.n_dirichlet > 0) {
        *ids = NULL;
        return 0;
    }
    *ids = &node0;
    return 1;
}

static pln_status resolve_roles(pln_experiment *x)
{
    const pln_idx n = pln_graph_n_nodes(x->graph);
    const pln_idx m = pln_graph_n_edges(x->graph);
    owners o = {NULL, NULL, n};
    const char **edge_owner = NULL;
    pln_status st = PLN_OK;
    PLN_ALLOC_GOTO(x->ctx, st, edge_owner, m);
    PLN_ALLOC_GOTO(x->ctx, st, o.name, n);
    PLN_ALLOC_GOTO(x->ctx, st, o.taken, n);
    const pln_boundary_desc *bd = &x->d.boundary;
    const pln_task_desc *t = &x->d.task;
    /* A netlist's sources come first, so a role given on the same node or edge is reported
     * at its own key; an injection into a node the netlist already fixes stays allowed. */
    const pln_spice_sources *sp = &x->spice;
    for (pln_idx k = 0; k < sp->n_dirichlet; k++) {
        pln_idx i = sp->dirichlet_nodes[k];
        PLN_TRY_GOTO(st, claim(x, &o, i == sp->ground ? "ground" : "a fixed potential",
                               "network.graph.file (a SPICE source)", -1, i));
    }
    for (pln_idx k = 0; k < sp->n_currents; k++) {
        pln_idx i = sp->current_nodes[k];
        if (i < 0 || i >= n || !o.taken[i]) {
            PLN_TRY_GOTO(st, claim(x, &o, "a current injection",
                                   "network.graph.file (a SPICE source)", -1, i));
        }
    }
    for (pln_idx k = 0; k < sp->n_sources; k++) {
        edge_owner[sp->source_edges[k]] = "an edge source of the netlist";
    }
    const pln_idx *ground = NULL;
    pln_idx n_ground = ground_count(x, &ground);
    PLN_TRY_GOTO(st, claim_ids(x, &o, "ground", "boundary.ground", ground, n_ground));
    PLN_TRY_GOTO(st, claim_ids(x, &o, "a fixed potential", "boundary.potentials.nodes",
                               bd->potentials.nodes, bd->potentials.n_nodes));
    PLN_TRY_GOTO(st, claim_ids(x, &o, "a current injection", "boundary.currents.nodes",
                               bd->currents.nodes, bd->currents.n_nodes));
    PLN_TRY_GOTO(st, claim_ids(x, &o, "an input", "task.inputs.nodes", t->inputs.nodes,
                               t->inputs.n_nodes));
    PLN_TRY_GOTO(st, claim_ids(x, &o, "an output", "task.outputs.nodes", t->outputs.nodes,
                               t->outputs.n_nodes));
    PLN_TRY_GOTO(st, check_edges(x, bd->edge_sources.edges, bd->edge_sources.n_edges,
                                 "boundary.edge_sources.edges", m, edge_owner,
                                 "an edge source"));
    PLN_TRY_GOTO(st, check_edges(x, t->inputs.edges, t->inputs.n_edges, "task.inputs.edges", m,
                                 edge_owner, "an input edge"));
    PLN_TRY_GOTO(st, check_edges(x, t->outputs.edges, t->outputs.n_edges, "task.outputs.edges",
                                 m, edge_owner, "an output edge"));
    /* Random roles are drawn after every explicit one, inputs before outputs, from a stream
     * of their own so that they do not depend on how the edge values are drawn. */
    pln_rng roles;
    pln_experiment_stream(x->d.seed, PLN_STREAM_ROLES, &roles);
    const pln_role_desc *rnd[2] = {&t->inputs, &t->outputs};
    const char *rnd_name[2] = {"an input", "an output"};
    const char *rnd_key[2] = {"task.inputs.random", "task.outputs.random"};
    for (int k = 0; k < 2; k++) {
        const pln_role_desc *r = rnd[k];
        pln_idx count = r->random > 0 ? r->random : r->n_nodes;
        PLN_ALLOC_GOTO(x->ctx, st, x->picked[k], count);
        x->n_picked[k] = count;
        if (r->random > 0) {
            if (pln_graph_pick_nodes(x->graph, r->random, o.taken, &roles, x->picked[k]) !=
                PLN_OK) {
                st = fail_key(x, PLN_EINVAL, rnd_key[k],
                              "%s: cannot pick %" PRId64 " free nodes out of %" PRId64,
                              rnd_key[k], (int64_t)r->random, (int64_t)n);
                goto done;
            }
            for (pln_idx j = 0; j < r->random; j++) {
                o.name[x->picked[k][j]] = rnd_name[k];
            }
        } else if (count > 0) {
            memcpy(x->picked[k], r->nodes, (size_t)count * sizeof *r->nodes);
        }
    }
    PLN_ALLOC_GOTO(x->ctx, st, x->role, n);
    for (pln_idx i = 0; i < n; i++) {
        const char *s = o.name[i];
        x->role[i] = s == NULL ? ""
                     : strcmp(s, "ground") == 0 ? "ground"
                     : strcmp(s, "a fixed potential") == 0 ? "potential"
                     : strcmp(s, "a current injection") == 0 ? "current"
                     : strcmp(s, "an input") == 0 ? "input"
                                                     : "output";
    }
    /* Springs: pinned nodes and nodes under a force, unless a task role names them. */
    for (pln_idx k = 0; x->springs && k < bd->n_pins; k++) {
        pln_idx i = bd->pins[k];
        if (i >= 0 && i < n && x->role[i][0] == '\0') {
            x->role[i] = "pin";
        }
    }
    for (pln_idx k = 0; x->springs && k < bd->n_forces; k++) {
        pln_idx i = bd->force_nodes[k];
        if (i >= 0 && i < n && x->role[i][0] == '\0') {
            x->role[i] = "force";
        }
    }
done:
    pln_i_free(edge_owner);
    pln_i_free(o.name);
    pln_i_free(o.taken);
    return st;
}

/* Initial edge values as asked, into v (m values); false for from_graph (nothing drawn). */
static bool draw_edge_values(const pln_edge_init *ei, pln_idx m, pln_rng *rng, double *v)
{
    if (ei->init == PLN_INIT_FROM_GRAPH) {
        return false;
    }
    for (pln_idx e = 0; e < m; e++) {
        double u = pln_rng_uniform(rng);
        switch (ei->init) {
        case PLN_INIT_UNIFORM:
            v[e] = ei->low + (ei->high - ei->low) * u;
            break;
        case PLN_INIT_LOGUNIFORM:
            v[e] = exp(log(ei->low) + (log(ei->high) - log(ei->low)) * u);
            break;
        default:
            v[e] = ei->value;
            break;
        }
    }
    return true;
}

static pln_status set_drawn(pln_experiment *x, const pln_edge_init *ei, pln_stream s,
                            const char *attr)
{
    pln_idx m = pln_graph_n_edges(x->graph);
    double *v = NULL;
    PLN_ALLOC(x->ctx, v, m);
    pln_rng rng;
    pln_experiment_stream(x->d.seed, s, &rng);
    pln_status st = PLN_OK;
    if (draw_edge_values(ei, m, &rng, v)) {
        st = pln_graph_edge_attr_set(x->graph, attr, v);
    }
    pln_i_free(v);
    return st;
}

static pln_status check_ids(pln_experiment *x, const pln_idx *ids, pln_idx count, pln_idx n,
                            const char *key, const char *what);

/* network.elements onto the graph: the listed edges' kinds over the graph's "element"
 * attribute, and the gates drawn (unless from_graph). */
static pln_status apply_elements(pln_experiment *x)
{
    const pln_elements_desc *el = &x->d.network.elements;
    const pln_idx m = pln_graph_n_edges(x->graph);
    pln_idx listed = 0;
    for (int k = 0; k < PLN_ELEM_N_KINDS; k++) {
        char key[96];
        snprintf(key, sizeof key, "network.elements.edges.%s",
                 pln_element_kind_name((pln_element_kind)k));
        PLN_TRY(check_ids(x, el->edges[k], el->n_edges[k], m, key, "edge"));
        listed += el->n_edges[k];
    }
    pln_status st = PLN_OK;
    double *v = NULL;
    signed char *kind = NULL;
    PLN_ALLOC_GOTO(x->ctx, st, v, m + 1);
    if (listed > 0) {
        PLN_ALLOC_GOTO(x->ctx, st, kind, m + 1);
        memset(kind, -1, (size_t)m);
        for (int k = 0; k < PLN_ELEM_N_KINDS && st == PLN_OK; k++) {
            for (pln_idx j = 0; j < el->n_edges[k]; j++) {
                const pln_idx e = el->edges[k][j];
                if (kind[e] >= 0) {
                    char key[96];
                    snprintf(key, sizeof key, "network.elements.edges.%s[%" PRId64 "]",
                             pln_element_kind_name((pln_element_kind)k), (int64_t)j);
                    st = fail_key(x, PLN_EINVAL, key,
                                  "%s: edge %" PRId64 " is already listed as a %s", key,
                                  (int64_t)e, pln_element_kind_name((pln_element_kind)kind[e]));
                    break;
                }
                kind[e] = (signed char)k;
            }
        }
        if (st != PLN_OK) {
            goto done;
        }
        const double *old = pln_graph_edge_attr(x->graph, "element");
        for (pln_idx e = 0; e < m; e++) {
            v[e] = kind[e] >= 0 ? (double)kind[e] : old != NULL ? old[e] : NAN;
        }
        PLN_TRY_GOTO(st, pln_graph_edge_attr_set(x->graph, "element", v));
    }
    if (el->gate.init != PLN_INIT_FROM_GRAPH) {
        pln_rng rng;
        pln_experiment_stream(x->d.seed, PLN_STREAM_GATES, &rng);
        draw_edge_values(&el->gate, m, &rng, v);
        PLN_TRY_GOTO(st, pln_graph_edge_attr_set(x->graph, "gate", v));
    }
done:
    pln_i_free(kind);
    pln_i_free(v);
    return st;
}

/* from_graph: an edge the file gives no value (a GraphML edge without the key's data and
 * no <default>: NaN) takes the block's value (1 / value for a resistance), which must then lie
 * within the block's bounds; the edges so filled are counted in a warning. */
static pln_status fill_gaps(pln_experiment *x, const pln_edge_init *ei, const char *base,
                            const char *attr, const char *alt, const char *unit)
{
    if (ei->init != PLN_INIT_FROM_GRAPH) {
        return PLN_OK;
    }
    const pln_idx m = pln_graph_n_edges(x->graph);
    const char *name = attr;
    const double *v = pln_graph_edge_attr(x->graph, attr);
    if (v == NULL && alt != NULL) {
        name = alt;
        v = pln_graph_edge_attr(x->graph, alt);
    }
    /* A circuit's nonlinear elements have no conductance (their NaN is not a gap): the
     * network checks its linear edges itself. */
    if (pln_graph_edge_attr(x->graph, "element") != NULL ||
        x->d.network.elements.kind != PLN_ELEM_RESISTOR ||
        (v == NULL && x->d.network.kind == PLN_KIND_FLOW &&
         pln_graph_edge_attr(x->graph, "radius") != NULL)) {
        return PLN_OK;
    }
    char key[96];
    snprintf(key, sizeof key, "%s.value", base);
    if (v == NULL && m > 0 && (ei->value < ei->min || ei->value > ei->max)) {
        return fail_key(x, PLN_EINVAL, key,
                        "%s = %g (taken by every edge: the graph gives no %s) is outside [min, "
                        "max] = [%g, %g]",
                        key, ei->value, attr, ei->min, ei->max);
    }
    if (v == NULL) {
        return PLN_OK;
    }
    pln_idx missing = 0, first = -1;
    for (pln_idx e = 0; e < m; e++) {
        if (isnan(v[e])) {
            first = missing++ == 0 ? e : first;
        }
    }
    if (missing == 0) {
        return PLN_OK;
    }
    if (ei->value < ei->min || ei->value > ei->max) {
        return fail_key(x, PLN_EINVAL, key,
                        "%s = %g (taken by the %lld edges the graph gives no %s) is outside "
                        "[min, max] = [%g, %g]",
                        key, ei->value, (long long)missing, name, ei->min, ei->max);
    }
    double *w = NULL;
    PLN_ALLOC(x->ctx, w, m);
    const bool inverse = name == alt && alt != NULL && strcmp(alt, "resistance") == 0;
    for (pln_idx e = 0; e < m; e++) {
        w[e] = !isnan(v[e]) ? v[e] : inverse ? 1.0 / ei->value : ei->value;
    }
    pln_status st = pln_graph_edge_attr_set(x->graph, name, w);
    pln_i_free(w);
    if (st == PLN_OK) {
        pln_i_log(x->ctx, PLN_LOG_WARN,
                  "%lld of %lld edges (edge %lld first) have no %s in the graph: they take "
                  "%s = %g %s",
                  (long long)missing, (long long)m, (long long)first, name, key, ei->value,
                  unit);
    }
    return st;
}

static pln_status build_graph(pln_experiment *x)
{
    PLN_TRY(make_graph(x));
    if (x->springs && x->d.boundary.n_ground > 0) {
        return fail_key(x, PLN_EINVAL, "boundary.ground",
                        "boundary.ground: a spring network has no ground; pin nodes with "
                        "boundary.pins");
    }
    PLN_TRY(resolve_roles(x));
    const pln_network_desc *nw = &x->d.network;
    if (x->springs) {
        PLN_TRY(fill_gaps(x, &nw->stiffness, "network.edges.stiffness", "stiffness", NULL,
                          "N/m"));
    } else {
        PLN_TRY(fill_gaps(x, &nw->conductance, "network.edges.conductance", "conductance",
                          "resistance", "S"));
    }
    PLN_TRY(set_drawn(x, x->springs ? &nw->stiffness : &nw->conductance, PLN_STREAM_EDGES,
                      x->springs ? "stiffness" : "conductance"));
    if (x->springs) {
        PLN_TRY(set_drawn(x, &nw->rest_length, PLN_STREAM_REST_LENGTHS, "rest_length"));
    } else if (nw->kind == PLN_KIND_RESISTOR) {
        PLN_TRY(apply_elements(x));
    }
    if (x->springs && pln_graph_dim(x->graph) < 2) {
        return fail_key(x, PLN_EINVAL, "network.graph",
                        "network.graph: a spring network needs node positions (a lattice "
                        "generator, random_geometric, or a GraphML file with x, y[, z] node "
                        "attributes)");
    }
    return PLN_OK;
}

/* ------------------------------------------------------------------ network stage */

/* A component without a fixed potential would float: name its nodes and the key to fix. */
static pln_status check_grounded(pln_experiment *x)
{
    pln_idx n = pln_graph_n_nodes(x->graph);
    pln_idx *memb = NULL;
    bool *fixed = NULL;
    pln_idx nc = 0;
    pln_status st = PLN_OK;
    PLN_ALLOC_GOTO(x->ctx, st, memb, n);
    PLN_TRY_GOTO(st, pln_graph_components(x->graph, memb, &nc));
    PLN_ALLOC_GOTO(x->ctx, st, fixed, nc);
    for (pln_idx k = 0; k < x->n_dir; k++) {
        fixed[memb[x->dir_nodes[k]]] = true;
    }
    for (pln_idx c = 0; c < nc; c++) {
        if (fixed[c]) {
            continue;
        }
        char list[512] = "";
        pln_idx count = 0;
        for (pln_idx i = 0; i < n; i++) {
            if (memb[i] != c) {
                continue;
            }
            if (count < 20) {
                char one[32];
                snprintf(one, sizeof one, "%s%" PRId64, count > 0 ? ", " : "", (int64_t)i);
                strncat(list, one, sizeof list - strlen(list) - 1);
            }
            count++;
        }
        st = fail_key(x, PLN_EINVAL, "boundary.ground",
                      "nodes %s%s (%" PRId64 " node%s) form a component with no ground or "
                      "fixed potential: it would float; add one of them to boundary.ground",
                      list, count > 20 ? ", ..." : "", (int64_t)count, count == 1 ? "" : "s");
        break;
    }
done:
    pln_i_free(fixed);
    pln_i_free(memb);
    return st;
}

static void append(pln_idx *n, pln_idx *dst_i, double *dst_v, const pln_idx *ids,
                   const double *vals, pln_idx count)
{
    for (pln_idx k = 0; k < count; k++) {
        dst_i[*n] = ids[k];
        dst_v[*n] = vals != NULL ? vals[k] : 0.0;
        (*n)++;
    }
}

/* The values of a role, or NULL (zeros) when none were given. */
static const double *role_values(const pln_role_desc *r)
{
    return r->n_values > 0 ? r->values : NULL;
}

static pln_status create_network(pln_experiment *x, const pln_network_options *opts)
{
    pln_boundary bc;
    pln_boundary_default(&bc);
    bc.n_dirichlet = x->n_dir;
    bc.dirichlet_nodes = x->dir_nodes;
    bc.dirichlet_values = x->dir_values;
    bc.dirichlet_axes = x->dir_axes;
    bc.n_currents = x->n_cur;
    bc.current_nodes = x->cur_nodes;
    bc.current_values = x->cur_values;
    bc.n_sources = x->n_src;
    bc.source_edges = x->src_edges;
    bc.source_values = x->src_values;
    pln_status st = pln_network_create(x->ctx, x->graph, opts, &bc, &x->net);
    if (st != PLN_OK) {
        translate_key(x);
    }
    return st;
}

static pln_status check_ids(pln_experiment *x, const pln_idx *ids, pln_idx count, pln_idx n,
                            const char *key, const char *what)
{
    for (pln_idx k = 0; k < count; k++) {
        if (ids[k] < 0 || ids[k] >= n) {
            char kk[160];
            snprintf(kk, sizeof kk, "%s[%" PRId64 "]", key, (int64_t)k);
            return fail_key(x, PLN_EINVAL, kk,
                            "%s: %s %" PRId64 " does not exist (the graph has %" PRId64 ")", key,
                            what, (int64_t)ids[k], (int64_t)n);
        }
    }
    return PLN_OK;
}

/* Springs (SPEC 1.2): pins (plus input nodes not pinned, held in every axis), forces, and
 * imposed strains (edge_strains, then input edges). */
static pln_status build_spring(pln_experiment *x)
{
    const pln_boundary_desc *bd = &x->d.boundary;
    const pln_task_desc *t = &x->d.task;
    const int d = pln_graph_dim(x->graph);
    const pln_idx n = pln_graph_n_nodes(x->graph), m = pln_graph_n_edges(x->graph);
    x->dim = d;
    PLN_TRY(check_ids(x, bd->pins, bd->n_pins, n, "boundary.pins.nodes", "node"));
    PLN_TRY(check_ids(x, bd->force_nodes, bd->n_forces, n, "boundary.forces.nodes", "node"));
    PLN_TRY(check_ids(x, bd->edge_strains.edges, bd->edge_strains.n_edges, m,
                      "boundary.edge_strains.edges", "edge"));
    const bool given[2] = {bd->n_pin_displacements > 0, bd->n_force_values > 0};
    const int dims[2] = {bd->pin_dim, bd->force_dim};
    for (int q = 0; q < 2; q++) {
        if (given[q] && dims[q] != d) {
            const char *key = q == 0 ? "boundary.pins.displacements" : "boundary.forces.values";
            return fail_key(x, PLN_EINVAL, key,
                            "boundary.%s: vectors of %d components on a %dD network",
                            q == 0 ? "pins.displacements" : "forces.values", dims[q], d);
        }
    }
    const pln_idx np = x->n_picked[0];
    pln_idx nd = bd->n_pins + np;
    pln_idx ns = bd->edge_strains.n_edges + t->inputs.n_edges;
    pln_idx nc = bd->n_forces;
    PLN_ALLOC(x->ctx, x->dir_nodes, nd + 1);
    PLN_ALLOC(x->ctx, x->dir_values, (nd + 1) * d);
    PLN_ALLOC(x->ctx, x->dir_axes, nd + 1);
    PLN_ALLOC(x->ctx, x->dir_ground, nd + 1);
    PLN_ALLOC(x->ctx, x->src_edges, ns + 1);
    PLN_ALLOC(x->ctx, x->src_values, ns + 1);
    PLN_ALLOC(x->ctx, x->cur_nodes, nc + 1);
    PLN_ALLOC(x->ctx, x->cur_values, (nc + 1) * d);
    for (pln_idx k = 0; k < bd->n_pins; k++) {
        x->dir_nodes[k] = bd->pins[k];
        int mask = (1 << d) - 1;
        if (bd->n_pin_axes > 0) {
            mask = bd->pin_axes[k];
            if (mask <= 0 || mask >= (1 << 3)) {
                return fail_key(x, PLN_EINVAL, "boundary.pins.axes",
                                "boundary.pins.axes: mask %d (pin %" PRId64 ") is not a set of "
                                "axes", mask, (int64_t)k);
            }
            if (mask >= (1 << d)) {
                char s[4] = "";
                for (int c = 0, w = 0; c < 3; c++) {
                    if (mask & (1 << c)) {
                        s[w++] = (char)('x' + c);
                        s[w] = '\0';
                    }
                }
                int bad = mask & (1 << 2) ? 2 : 1;
                return fail_key(x, PLN_EINVAL, "boundary.pins.axes",
                                "boundary.pins.axes: '%s' (pin %" PRId64 ") names axis %c of a "
                                "%dD network", s, (int64_t)k, 'x' + bad, d);
            }
        }
        x->dir_axes[k] = mask;
        for (int c = 0; c < d && bd->n_pin_displacements > 0; c++) {
            x->dir_values[k * d + c] = bd->pin_displacements[k * d + c];
        }
    }
    x->n_dir = bd->n_pins;
    const int axis = t->inputs.axis;
    if (np > 0 && axis >= d) {
        return fail_key(x, PLN_EINVAL, "task.inputs.axis", "task.inputs.axis: %c on a %dD network",
                        "xyz"[axis], d);
    }
    if (x->n_picked[1] > 0 && t->outputs.axis >= d) {
        return fail_key(x, PLN_EINVAL, "task.outputs.axis",
                        "task.outputs.axis: %c on a %dD network", "xyz"[t->outputs.axis], d);
    }
    if ((np > 0 && axis < 0) || (x->n_picked[1] > 0 && t->outputs.axis < 0)) {
        const bool in = np > 0 && axis < 0;
        return fail_key(x, PLN_EINVAL, in ? "task.inputs" : "task.outputs",
                        "%s: the nodes of a spring network need an axis (axis: x, y or z) along "
                        "which their displacement is %s", in ? "task.inputs" : "task.outputs",
                        in ? "imposed" : "read");
    }
    for (pln_idx j = 0; j < np; j++) {
        const pln_idx i = x->picked[0][j];
        const double v = t->inputs.n_values > 0 ? t->inputs.values[j] : 0.0;
        pln_idx slot = -1;
        for (pln_idx k = 0; k < bd->n_pins; k++) {
            slot = bd->pins[k] == i ? k : slot;
        }
        if (slot < 0) { /* an input node the pins do not hold: held in every axis */
            slot = x->n_dir++;
            x->dir_nodes[slot] = i;
            x->dir_axes[slot] = (1 << d) - 1;
        } else if ((x->dir_axes[slot] & (1 << axis)) == 0) {
            return fail_key(x, PLN_EINVAL, "task.inputs.axis",
                            "task.inputs: node %" PRId64 " is pinned without axis %c, so no "
                            "displacement can be imposed along it",
                            (int64_t)i, "xyz"[axis]);
        }
        x->dir_values[slot * d + axis] = v;
    }
    append(&x->n_src, x->src_edges, x->src_values, bd->edge_strains.edges,
           role_values(&bd->edge_strains), bd->edge_strains.n_edges);
    append(&x->n_src, x->src_edges, x->src_values, t->inputs.edges, role_values(&t->inputs),
           t->inputs.n_edges);
    for (pln_idx k = 0; k < nc; k++) {
        x->cur_nodes[k] = bd->force_nodes[k];
        if (bd->n_force_values > 0) {
            memcpy(x->cur_values + k * d, bd->forces + k * d, (size_t)d * sizeof *x->cur_values);
        }
    }
    x->n_cur = nc;
    pln_network_options opts;
    pln_network_options_default(&opts);
    opts.kind = x->d.network.kind;
    opts.default_stiffness = x->d.network.stiffness.value;
    return create_network(x, &opts);
}

static pln_status build_linear(pln_experiment *x)
{
    x->dim = 1;
    const pln_boundary_desc *bd = &x->d.boundary;
    const pln_task_desc *t = &x->d.task;
    const pln_spice_sources *sp = &x->spice;
    const pln_idx *ground = NULL;
    const pln_idx n_ground = ground_count(x, &ground);
    /* Dirichlet set = ground (0 V) + fixed potentials + node inputs (their values, else 0),
     * then a netlist's fixed potentials. */
    pln_idx nd = n_ground + bd->potentials.n_nodes + x->n_picked[0] + sp->n_dirichlet;
    pln_idx ns = bd->edge_sources.n_edges + t->inputs.n_edges + sp->n_sources;
    pln_idx nc = bd->currents.n_nodes + sp->n_currents;
    PLN_ALLOC(x->ctx, x->dir_nodes, nd + 1);
    PLN_ALLOC(x->ctx, x->dir_values, nd + 1);
    PLN_ALLOC(x->ctx, x->dir_ground, nd + 1);
    PLN_ALLOC(x->ctx, x->src_edges, ns + 1);
    PLN_ALLOC(x->ctx, x->src_values, ns + 1);
    PLN_ALLOC(x->ctx, x->cur_nodes, nc + 1);
    PLN_ALLOC(x->ctx, x->cur_values, nc + 1);
    append(&x->n_dir, x->dir_nodes, x->dir_values, ground, NULL, n_ground);
    for (pln_idx k = 0; k < x->n_dir; k++) {
        x->dir_ground[k] = true;
    }
    append(&x->n_dir, x->dir_nodes, x->dir_values, bd->potentials.nodes,
           role_values(&bd->potentials), bd->potentials.n_nodes);
    append(&x->n_dir, x->dir_nodes, x->dir_values, x->picked[0], role_values(&t->inputs),
           x->n_picked[0]);
    append(&x->n_src, x->src_edges, x->src_values, bd->edge_sources.edges,
           role_values(&bd->edge_sources), bd->edge_sources.n_edges);
    append(&x->n_src, x->src_edges, x->src_values, t->inputs.edges, role_values(&t->inputs),
           t->inputs.n_edges);
    append(&x->n_cur, x->cur_nodes, x->cur_values, bd->currents.nodes,
           role_values(&bd->currents), bd->currents.n_nodes);
    for (pln_idx k = 0; k < sp->n_dirichlet; k++) {
        x->dir_ground[x->n_dir] = sp->dirichlet_nodes[k] == sp->ground;
        append(&x->n_dir, x->dir_nodes, x->dir_values, &sp->dirichlet_nodes[k],
               &sp->dirichlet_values[k], 1);
    }
    append(&x->n_src, x->src_edges, x->src_values, sp->source_edges, sp->source_values,
           sp->n_sources);
    append(&x->n_cur, x->cur_nodes, x->cur_values, sp->current_nodes, sp->current_values,
           sp->n_currents);
    PLN_TRY(check_grounded(x));
    pln_network_options opts;
    pln_network_options_default(&opts);
    opts.kind = x->d.network.kind;
    opts.viscosity = x->d.network.viscosity;
    opts.default_conductance = x->d.network.conductance.value;
    const pln_elements_desc *el = &x->d.network.elements;
    opts.elements.kind = el->kind;
    for (int p = 0; p < PLN_EP_COUNT; p++) {
        if (p != PLN_EP_CONDUCTANCE && p != PLN_EP_TABLE && p != PLN_EP_GATE) {
            opts.elements.values[p] = el->values[p];
        }
    }
    opts.elements.values[PLN_EP_GATE] = el->gate.value;
    opts.elements.temperature = el->temperature;
    opts.elements.gmin = el->gmin;
    opts.elements.gate_drop_squared = el->gate_drop_squared;
    pln_iv_table table = {el->n_table_v, el->table_v, el->table_i};
    if (el->n_table_v > 0 || el->n_table_i > 0) {
        if (el->n_table_v != el->n_table_i) {
            return fail_key(x, PLN_EINVAL, "network.elements.iv.i",
                            "network.elements.iv: %" PRId64 " currents for %" PRId64
                            " voltages",
                            (int64_t)el->n_table_i, (int64_t)el->n_table_v);
        }
        opts.elements.n_tables = 1;
        opts.elements.tables = &table;
    }
    PLN_TRY(create_network(x, &opts));
    const pln_edge_init *ri = &x->d.network.radius;
    if (ri->init != PLN_INIT_FROM_GRAPH) {
        if (x->d.network.kind != PLN_KIND_FLOW) {
            return fail_key(x, PLN_EINVAL, "network.edges.radius",
                            "network.edges.radius: only a flow network has pipe radii");
        }
        pln_idx m = pln_network_n_edges(x->net);
        double *r = NULL;
        PLN_ALLOC(x->ctx, r, m);
        pln_rng rng;
        pln_experiment_stream(x->d.seed, PLN_STREAM_RADII, &rng);
        draw_edge_values(ri, m, &rng, r);
        pln_status st = pln_network_set_radii(x->net, r);
        pln_i_free(r);
        if (st != PLN_OK) {
            return rekey(x, st, "network.edges.radius", "network.edges.radius");
        }
    }
    return PLN_OK;
}

/* ------------------------------------------------------------------ learner stage */

static pln_status make_ports(pln_experiment *x)
{
    const pln_task_desc *t = &x->d.task;
    x->n_in = x->n_picked[0] + t->inputs.n_edges;
    x->n_out = x->n_picked[1] + t->outputs.n_edges;
    if (x->n_out == 0) {
        return fail_key(x, PLN_EINVAL, "task.outputs",
                        "task.outputs: learning needs at least one output node or edge");
    }
    if (x->n_in == 0) {
        return fail_key(x, PLN_EINVAL, "task.inputs",
                        "task.inputs: learning needs at least one input node or edge");
    }
    PLN_ALLOC(x->ctx, x->ins, x->n_in);
    PLN_ALLOC(x->ctx, x->in_values, x->n_in);
    PLN_ALLOC(x->ctx, x->outs, x->n_out);
    pln_idx k = 0;
    for (pln_idx j = 0; j < x->n_picked[0]; j++) {
        x->ins[k++] = (pln_input){x->dim > 1 ? (pln_input_kind)(PLN_IN_NODE_X + t->inputs.axis)
                                             : PLN_IN_NODE,
                                  x->picked[0][j]};
    }
    for (pln_idx j = 0; j < t->inputs.n_edges; j++) {
        x->ins[k++] = (pln_input){PLN_IN_EDGE, t->inputs.edges[j]};
    }
    for (pln_idx j = 0; j < x->n_in && j < t->inputs.n_values; j++) {
        x->in_values[j] = t->inputs.values[j];
    }
    k = 0;
    for (pln_idx j = 0; j < x->n_picked[1]; j++) {
        x->outs[k++] = (pln_output){x->dim > 1
                                        ? (pln_output_kind)(PLN_OUT_NODE_X + t->outputs.axis)
                                        : PLN_OUT_NODE,
                                    x->picked[1][j]};
    }
    for (pln_idx j = 0; j < t->outputs.n_edges; j++) {
        x->outs[k++] = (pln_output){PLN_OUT_EDGE, t->outputs.edges[j]};
    }
    return PLN_OK;
}

static pln_status make_task(pln_experiment *x)
{
    const pln_task_desc *t = &x->d.task;
    pln_rng rng;
    pln_experiment_stream(x->d.seed, PLN_STREAM_TASK, &rng);
    pln_status st = PLN_OK;
    x->classify = t->kind == PLN_TASK_CLASSIFICATION;
    switch (t->kind) {
    case PLN_TASK_ALLOSTERY:
        if (t->n_targets != x->n_out) {
            return fail_key(x, PLN_EINVAL, "task.targets",
                            "task.targets: %" PRId64 " targets for %" PRId64 " outputs",
                            (int64_t)t->n_targets, (int64_t)x->n_out);
        }
        st = pln_task_allostery(x->ctx, x->n_in, x->ins, x->in_values, x->n_out, x->outs,
                                t->targets, &x->task);
        break;
    case PLN_TASK_REGRESSION:
        st = pln_task_regression(x->ctx, x->n_in, x->ins, x->n_out, x->outs, &t->regression,
                                 &rng, &x->task);
        break;
    case PLN_TASK_CLASSIFICATION:
    case PLN_TASK_DATASET:
        if (t->data == NULL || t->data[0] == '\0') {
            return fail_key(x, PLN_EINVAL, "task.data", "task.data: a %s task needs a data file",
                            pln_task_kind_name(t->kind));
        }
        st = pln_table_read_csv(x->ctx, t->data, &x->table);
        if (st != PLN_OK) {
            return rekey(x, st, "task.data", "task.data");
        }
        {
            /* Each input column is min-max scaled from the training rows into
             * task.input_range (docs/config.md), as regression draws its inputs there. */
            pln_data_options o = t->dataset;
            o.input_low = t->regression.input_low;
            o.input_high = t->regression.input_high;
            st = x->classify ? pln_task_classification(x->ctx, x->table, x->n_in, x->ins,
                                                       x->n_out, x->outs, &o, &rng, &x->task)
                             : pln_task_dataset(x->ctx, x->table, x->n_in, x->ins, x->n_out,
                                                x->outs, &o, &rng, &x->task);
        }
        break;
    default:
        return fail_key(x, PLN_EINVAL, "task.kind", "task.kind: unknown task %d", (int)t->kind);
    }
    if (st != PLN_OK) {
        translate_key(x);
    }
    return st;
}

/* The hardware of theta; with dof both, `rest_half` picks the rest-length half (same
 * options, its own bounds network.edges.rest_length.min/max) over the stiffness half. */
static void hardware_of(const pln_experiment *x, bool rest_half, pln_hardware *hw)
{
    const pln_network_desc *nw = &x->d.network;
    const char *key = bounds_key(x, rest_half);
    const pln_edge_init *b = strcmp(key, "network.edges.radius") == 0        ? &nw->radius
                             : strcmp(key, "network.edges.rest_length") == 0 ? &nw->rest_length
                             : strcmp(key, "network.edges.stiffness") == 0   ? &nw->stiffness
                                                                             : &nw->conductance;
    *hw = x->d.learning.hardware;
    if (rest_half) {
        /* A table of measured levels belongs to the stiffness half. */
        hw->table = NULL;
        hw->n_table = 0;
    }
    hw->clip = true;
    hw->min = b->min;
    hw->max = b->max;
}

static pln_status make_learner(pln_experiment *x)
{
    const pln_experiment_desc *d = &x->d;
    pln_rng rng;
    pln_experiment_stream(d->seed, PLN_STREAM_LEARNER, &rng);
    const uint64_t seed = pln_rng_u64(&rng);
    pln_status st = PLN_OK;
    if (d->learning.learner == PLN_LEARNER_TEMPORAL) {
        const pln_dof dof = d->learning.rule.dof;
        if (dof == PLN_DOF_RADIUS || dof == PLN_DOF_BOTH) {
            return fail_key(x, PLN_EINVAL, "learning.dof",
                            "learning.dof: rule: temporal learns conductances, stiffnesses or "
                            "rest lengths (not radii, nor both at once)");
        }
        pln_tcl_options o;
        pln_tcl_options_default(&o);
        o.protocol = d->temporal.protocol;
        /* protocol.amplitude is the peak nudge in units of learning.nudge. */
        o.protocol.eta_max = d->temporal.amplitude * d->learning.rule.nudge;
        if (!(o.protocol.eta_max > 0.0 && o.protocol.eta_max <= 1.0)) {
            return fail_key(x, PLN_EINVAL, "protocol.amplitude",
                            "protocol.amplitude x learning.nudge = %g must be in (0, 1]",
                            o.protocol.eta_max);
        }
        o.memory = d->temporal.memory;
        o.g = d->temporal.nonlinearity;
        o.rate = d->learning.rule.rate;
        o.apply = d->temporal.apply;
        o.refresh = d->temporal.refresh;
        o.dof = dof == PLN_DOF_REST_LENGTH ? PLN_DOF_REST_LENGTH : PLN_DOF_CONDUCTANCE;
        hardware_of(x, false, &o.hardware);
        o.seed = seed;
        o.temperature = d->temperature;
        o.resolution = d->resolution;
        o.units = d->energy;
        st = pln_learner_create_temporal(x->ctx, x->net, x->states, x->task, &o, &x->learner);
    } else {
        pln_trainer_options o;
        pln_trainer_options_default(&o);
        o.rule = d->learning.rule;
        hardware_of(x, false, &o.hardware);
        hardware_of(x, true, &o.hardware_rest_length);
        /* the gates: the same hardware, their own bounds, linear levels, a step in volts */
        o.hardware_gate = d->learning.hardware;
        o.hardware_gate.clip = true;
        o.hardware_gate.min = d->network.elements.gate.min;
        o.hardware_gate.max = d->network.elements.gate.max;
        o.hardware_gate.spacing = PLN_SPACING_LINEAR;
        o.hardware_gate.table = NULL; /* a table of measured levels is the resistors' */
        o.hardware_gate.n_table = 0;
        o.hardware_gate.sign_step = d->learning.gate_sign_step;
        o.batch = d->train.batch;
        o.seed = seed;
        o.temperature = d->temperature;
        o.resolution = d->resolution;
        o.units = d->energy;
        st = pln_learner_create_contrastive(x->ctx, x->net, x->states, x->task, &o,
                                            &x->learner);
    }
    if (st != PLN_OK) {
        translate_key(x);
    }
    return st;
}

static pln_status build_learner(pln_experiment *x)
{
    PLN_TRY(make_ports(x));
    PLN_TRY(make_task(x));
    pln_states_options so;
    pln_states_options_default(&so);
    so.solver = x->d.solver;
    so.max_rhs = x->d.train.batch;
    so.newton_tol = x->d.network.newton_tol;
    so.newton_max_iter = x->d.network.newton_max_iter;
    pln_status st = pln_states_create(x->ctx, x->net, x->n_out, x->outs, &so, &x->states);
    if (st != PLN_OK) {
        translate_key(x);
        return st;
    }
    PLN_TRY(make_learner(x));
    if (x->d.train.log_every < 1) {
        return fail_key(x, PLN_EINVAL, "train.log_every",
                        "train.log_every must be >= 1, got %" PRId64, x->d.train.log_every);
    }
    pln_i_metrics_columns(x);
    return pln_i_metrics_log(x);
}

/* ------------------------------------------------------------------ life cycle */

pln_status pln_experiment_build(pln_experiment *x, pln_build_stage upto)
{
    if (x->stage < PLN_BUILD_GRAPH && upto >= PLN_BUILD_GRAPH) {
        PLN_TRY(build_graph(x));
        x->stage = PLN_BUILD_GRAPH;
    }
    if (x->stage < PLN_BUILD_NETWORK && upto >= PLN_BUILD_NETWORK) {
        PLN_TRY(x->springs ? build_spring(x) : build_linear(x));
        x->stage = PLN_BUILD_NETWORK;
    }
    if (x->stage < PLN_BUILD_LEARNER && upto >= PLN_BUILD_LEARNER) {
        PLN_TRY(build_learner(x));
        x->stage = PLN_BUILD_LEARNER;
    }
    return PLN_OK;
}

pln_status pln_experiment_create(pln_ctx *ctx, const pln_experiment_desc *d,
                                 pln_build_stage upto, pln_experiment **out)
{
    *out = NULL;
    pln_experiment *x = pln_i_calloc(1, sizeof *x);
    if (x == NULL) {
        PLN_FAIL(ctx, PLN_ENOMEM, "out of memory (experiment)");
    }
    x->ctx = ctx;
    x->stage = (pln_build_stage)0;
    pln_status st = pln_experiment_desc_check(ctx, d);
    if (st == PLN_OK) {
        st = copy_desc(x, d);
    }
    x->springs = x->d.network.kind == PLN_KIND_SPRING || x->d.network.kind == PLN_KIND_SPRING_LINEAR;
    x->dim = 1;
    if (st == PLN_OK) {
        st = pln_experiment_build(x, upto);
    }
    if (st != PLN_OK) {
        pln_experiment_destroy(x);
        return st;
    }
    *out = x;
    return PLN_OK;
}

void pln_experiment_destroy(pln_experiment *x)
{
    if (x == NULL) {
        return;
    }
    pln_learner_destroy(x->learner);
    pln_states_destroy(x->states);
    pln_task_destroy(x->task);
    pln_table_destroy(x->table);
    pln_network_destroy(x->net);
    pln_graph_destroy(x->graph);
    pln_spice_sources_free(&x->spice);
    void *arrays[] = {x->role,       x->picked[0], x->picked[1], x->dir_nodes,  x->cur_nodes,
                      x->src_edges,  x->dir_values, x->cur_values, x->src_values, x->dir_ground,
                      x->dir_axes,   x->ins,        x->outs,       x->in_values,  x->rows,
                      x->resolved,   x->fingerprint, x->m_path};
    for (size_t k = 0; k < sizeof arrays / sizeof arrays[0]; k++) {
        pln_i_free(arrays[k]);
    }
    for (size_t k = 0; k < x->n_owned; k++) {
        pln_i_free(x->owned[k]);
    }
    pln_i_free(x->owned);
    pln_i_free(x);
}

/* ------------------------------------------------------------------ views */

pln_build_stage pln_experiment_stage(const pln_experiment *x) { return x->stage; }
const pln_experiment_desc *pln_experiment_get_desc(const pln_experiment *x) { return &x->d; }
pln_ctx *pln_experiment_ctx(const pln_experiment *x) { return x->ctx; }
pln_graph *pln_experiment_graph(pln_experiment *x) { return x->graph; }
pln_network *pln_experiment_network(pln_experiment *x) { return x->net; }
const pln_task *pln_experiment_task(const pln_experiment *x) { return x->task; }
pln_learner *pln_experiment_learner(pln_experiment *x) { return x->learner; }
const char *const *pln_experiment_roles(const pln_experiment *x) { return x->role; }
const bool *pln_experiment_dirichlet_ground(const pln_experiment *x) { return x->dir_ground; }

const pln_idx *pln_experiment_ground(const pln_experiment *x, pln_idx *n)
{
    const pln_idx *ids = NULL;
    *n = x->graph != NULL ? ground_count(x, &ids) : 0;
    return ids;
}

const pln_idx *pln_experiment_role_nodes(const pln_experiment *x, int which, pln_idx *n)
{
    int k = which != 0 ? 1 : 0;
    *n = x->n_picked[k];
    return x->picked[k];
}

/* ------------------------------------------------------------------ solving */

pln_status pln_experiment_solve(pln_experiment *x, double *state, pln_solve_result *r)
{
    if (x->stage < PLN_BUILD_NETWORK) {
        PLN_FAIL(x->ctx, PLN_EINVAL, "solve: the experiment's network is not built");
    }
    pln_states *st = NULL;
    pln_states_options so;
    pln_states_options_default(&so);
    so.solver = x->d.solver;
    so.newton_tol = x->d.network.newton_tol;
    so.newton_max_iter = x->d.network.newton_max_iter;
    pln_status rc = pln_states_create(x->ctx, x->net, 0, NULL, &so, &st);
    if (rc == PLN_OK) {
        rc = pln_states_factor(st);
    }
    if (rc == PLN_OK) {
        rc = pln_states_free(st, 1, NULL, state, NULL);
    }
    pln_idx iterations = 0;
    if (st != NULL) {
        pln_newton_stats ns;
        pln_states_newton_stats(st, &ns);
        iterations = ns.total_iterations;
    }
    pln_states_destroy(st);
    if (rc != PLN_OK) {
        return rc;
    }
    const bool spring = pln_network_state_dim(x->net) > 1;
    pln_kcl_report kcl;
    PLN_TRY(pln_network_kcl_check(x->ctx, x->net, state, &kcl));
    if (kcl.relative > PLN_SOLVE_BALANCE_TOL) {
        pln_i_log(x->ctx, PLN_LOG_WARN,
                  "solve: Kirchhoff's current law fails at node %lld by %.3g A, %.3g of the "
                  "currents through it (tolerance %g): the conductances are too far apart for "
                  "double precision",
                  (long long)kcl.node, kcl.residual, kcl.relative, PLN_SOLVE_BALANCE_TOL);
    }
    if (!spring) {
        const double P = pln_network_power(x->net, state);
        const double S = pln_network_supplied_power(x->net, state);
        const double big = fmax(fabs(P), fabs(S));
        if (big > 0.0 && fabs(S - P) > PLN_SOLVE_BALANCE_TOL * big) {
            pln_i_log(x->ctx, PLN_LOG_WARN,
                      "solve: the sources supply %.6g W but the edges dissipate %.6g W "
                      "(relative mismatch %.3g, tolerance %g); worst node for Kirchhoff's "
                      "current law: %lld",
                      S, P, fabs(S - P) / big, PLN_SOLVE_BALANCE_TOL, (long long)kcl.node);
        }
    }
    if (r != NULL) {
        r->power = spring ? pln_network_energy(x->net, state) : pln_network_power(x->net, state);
        r->supplied = pln_network_supplied_power(x->net, state);
        r->newton_iterations = iterations;
        r->kcl_node = kcl.node;
        r->kcl_relative = kcl.relative;
    }
    return PLN_OK;
}
