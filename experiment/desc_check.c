/* desc_check.c — a description checked before anything is built: every number in its key's range, then the keys that depend on each other, each error naming its configuration key. */
#include "config_impl.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static pln_status bad(pln_ctx *ctx, const char *key, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static pln_status bad(pln_ctx *ctx, const char *key, const char *fmt, ...)
{
    char text[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    return pln_i_error(ctx, PLN_EINVAL, __FILE__, __LINE__, -1, -1, key, "%s", text);
}

static bool has_range(const pln_key *k)
{
    return k->min != 0.0 || k->max != 0.0 || k->min_open || k->max_open;
}

static bool in_range(const pln_key *k, double v)
{
    return (k->min_open ? v > k->min : v >= k->min) && (k->max_open ? v < k->max : v <= k->max);
}

/* "must be > 0", "must be >= 1", "must be in (0, 1]" */
static void range_text(const pln_key *k, char *buf, size_t size)
{
    if (isinf(k->max)) {
        snprintf(buf, size, "%s %g", k->min_open ? ">" : ">=", k->min);
    } else {
        snprintf(buf, size, "in %c%g, %g%c", k->min_open ? '(' : '[', k->min, k->max,
                 k->max_open ? ')' : ']');
    }
}

static pln_status check_ranges(pln_ctx *ctx, const pln_experiment_desc *d)
{
    for (pln_idx i = 0; i < pln_config_n_keys(); i++) {
        const pln_key *k = pln_config_key(i);
        if ((k->flags & PLN_KEY_ALIAS) != 0 || !has_range(k)) {
            continue;
        }
        char range[64];
        range_text(k, range, sizeof range);
        const void *p = pln_config_field_const(d, k);
        if (k->type == PLN_KEY_REAL) {
            double v = *(const double *)p;
            if (!isfinite(v)) {
                return bad(ctx, k->key, "%s must be a finite number, got %g", k->key, v);
            }
            if (!in_range(k, v)) {
                return bad(ctx, k->key, "%s must be %s, got %g", k->key, range, v);
            }
        } else if (k->type == PLN_KEY_INT) {
            int64_t v = pln_i_config_get_int(d, k);
            if (!in_range(k, (double)v)) {
                return bad(ctx, k->key, "%s must be %s, got %" PRId64, k->key, range, v);
            }
        } else if (k->type == PLN_KEY_INT_PAIR) {
            const pln_idx *v = p;
            for (int c = 0; c < 2; c++) {
                if (!in_range(k, (double)v[c])) {
                    char key[160];
                    snprintf(key, sizeof key, "%s[%d]", k->key, c);
                    return bad(ctx, key, "%s must be %s, got %" PRId64, key, range,
                               (int64_t)v[c]);
                }
            }
        }
    }
    return PLN_OK;
}

static bool is_spring(const pln_experiment_desc *d)
{
    return d->network.kind == PLN_KIND_SPRING || d->network.kind == PLN_KIND_SPRING_LINEAR;
}

/* An edge parameter's bounds, and the initial values its init draws, inside them. */
static pln_status check_edge_init(pln_ctx *ctx, const pln_edge_init *e, const char *base,
                                  bool drawn)
{
    char key[96];
    if (!(e->max > e->min)) {
        snprintf(key, sizeof key, "%s.max", base);
        return bad(ctx, key, "%s.max (%g) must be greater than %s.min (%g)", base, e->max, base,
                   e->min);
    }
    if (!drawn) {
        return PLN_OK;
    }
    const bool range = e->init == PLN_INIT_UNIFORM || e->init == PLN_INIT_LOGUNIFORM;
    /* from_graph uses value only for edges the file leaves out: checked when the graph is
     * read (experiment.c), so a file whose every edge has its value never fails on it. */
    if (e->init == PLN_INIT_FROM_GRAPH) {
        return PLN_OK;
    }
    if (range && !(e->high >= e->low)) {
        snprintf(key, sizeof key, "%s.high", base);
        return bad(ctx, key, "%s.high (%g) must be >= %s.low (%g)", base, e->high, base, e->low);
    }
    /* Values outside [min, max] would be clipped at the first learning step: say so now.
     * Only the values this init draws from (issue 12: a constant init with bounds around its
     * value must not fail on the unused low and high). */
    const double *v[3] = {&e->value, &e->low, &e->high};
    const char *name[3] = {"value", "low", "high"};
    for (int q = range ? 1 : 0; q < (range ? 3 : 1); q++) {
        if (*v[q] < e->min || *v[q] > e->max) {
            snprintf(key, sizeof key, "%s.%s", base, name[q]);
            return bad(ctx, key, "%s.%s = %g is outside [min, max] = [%g, %g]", base, name[q],
                       *v[q], e->min, e->max);
        }
    }
    return PLN_OK;
}

/* network.elements: only on resistor networks, the gates' bounds around what is drawn, the
 * table's two lists of one length; learning.dof element only where elements are. */
static pln_status check_elements(pln_ctx *ctx, const pln_experiment_desc *d)
{
    const pln_elements_desc *el = &d->network.elements;
    const bool used = pln_i_config_elements_used(d);
    if (d->learning.rule.dof == PLN_DOF_ELEMENT && d->network.kind != PLN_KIND_RESISTOR) {
        return bad(ctx, "learning.dof", "learning.dof: element learns the elements of a "
                   "resistor network (diodes, transistors), not a %s network",
                   pln_kind_name(d->network.kind));
    }
    if (d->network.kind != PLN_KIND_RESISTOR) {
        return PLN_OK;
    }
    if ((int)el->kind < 0 || (int)el->kind >= PLN_ELEM_N_KINDS) {
        return bad(ctx, "network.elements.kind", "network.elements.kind: unknown kind %d",
                   (int)el->kind);
    }
    if (!used) {
        return PLN_OK;
    }
    PLN_TRY(check_edge_init(ctx, &el->gate, "network.elements.gate",
                            el->gate.init != PLN_INIT_FROM_GRAPH));
    if (el->n_table_v != el->n_table_i) {
        return bad(ctx, "network.elements.iv.i",
                   "network.elements.iv: %" PRId64 " currents for %" PRId64 " voltages",
                   (int64_t)el->n_table_i, (int64_t)el->n_table_v);
    }
    if (el->n_edges[PLN_ELEM_TABLE] > 0 && el->n_table_v == 0) {
        return bad(ctx, "network.elements.edges.table",
                   "network.elements.edges.table: table elements need network.elements.iv "
                   "(their I(V) points)");
    }
    return PLN_OK;
}

static pln_status check_network(pln_ctx *ctx, const pln_experiment_desc *d)
{
    const pln_network_desc *nw = &d->network;
    const bool spring = is_spring(d);
    const pln_dof dof = d->learning.rule.dof;
    if ((int)nw->kind < 0 || (int)nw->kind > (int)PLN_KIND_SPRING_LINEAR) {
        return bad(ctx, "network.kind", "network.kind: unknown kind %d", (int)nw->kind);
    }
    /* The blocks drawn from, and those whose bounds clip theta. */
    PLN_TRY(check_edge_init(ctx, &nw->conductance, "network.edges.conductance", !spring));
    if (nw->radius.init != PLN_INIT_FROM_GRAPH || dof == PLN_DOF_RADIUS) {
        PLN_TRY(check_edge_init(ctx, &nw->radius, "network.edges.radius",
                                nw->radius.init != PLN_INIT_FROM_GRAPH));
    }
    if (spring) {
        PLN_TRY(check_edge_init(ctx, &nw->stiffness, "network.edges.stiffness", true));
        if (nw->rest_length.init != PLN_INIT_FROM_GRAPH || dof == PLN_DOF_REST_LENGTH ||
            dof == PLN_DOF_BOTH) {
            PLN_TRY(check_edge_init(ctx, &nw->rest_length, "network.edges.rest_length",
                                    nw->rest_length.init != PLN_INIT_FROM_GRAPH));
        }
    }
    if (nw->radius.init != PLN_INIT_FROM_GRAPH && nw->kind != PLN_KIND_FLOW) {
        return bad(ctx, "network.edges.radius",
                   "network.edges.radius: only a flow network has pipe radii");
    }
    PLN_TRY(check_elements(ctx, d));
    const pln_graph_desc *g = &nw->graph;
    if (g->file != NULL && g->file[0] != '\0') {
        return PLN_OK;
    }
    const bool lattice = g->generator == PLN_GEN_SQUARE_LATTICE ||
                         g->generator == PLN_GEN_TRIANGULAR_LATTICE;
    /* sizes are range-checked before their product, which could overflow */
    if (lattice && (g->size[0] < 1 || g->size[1] < 1 || g->size[0] > (pln_idx)1 << 28 ||
                    g->size[1] > (pln_idx)1 << 28)) {
        return bad(ctx, "network.graph.size",
                   "network.graph.size: each side of a lattice must be in 1 .. 2^28, got [%" PRId64
                   ", %" PRId64 "]", (int64_t)g->size[0], (int64_t)g->size[1]);
    }
    if (lattice && g->size[0] * g->size[1] < 2) {
        return bad(ctx, "network.graph.size", "network.graph.size: a lattice needs at least 2 "
                   "nodes");
    }
    if (g->generator == PLN_GEN_RANDOM_REGULAR) {
        if (g->degree >= g->n) {
            return bad(ctx, "network.graph.degree",
                       "network.graph.degree (%" PRId64 ") must be < n (%" PRId64 ")",
                       (int64_t)g->degree, (int64_t)g->n);
        }
        if ((g->n * g->degree) % 2 != 0) {
            return bad(ctx, "network.graph.degree",
                       "network.graph: n * degree must be even for a random regular graph");
        }
    }
    if (g->generator == PLN_GEN_ERDOS_RENYI && g->mean_degree > (double)(g->n - 1)) {
        return bad(ctx, "network.graph.mean_degree",
                   "network.graph.mean_degree (%g) must be <= n - 1 (%" PRId64 ")",
                   g->mean_degree, (int64_t)(g->n - 1));
    }
    return PLN_OK;
}

static pln_idx role_count(const pln_role_desc *r)
{
    return r->n_nodes + r->random + r->n_edges;
}

/* One list of a role, and its values counted against it. */
static pln_status check_role(pln_ctx *ctx, const pln_role_desc *r, const char *base,
                             bool values_needed, bool spring, bool node_axis)
{
    char key[96];
    int n_kinds = (r->n_nodes > 0) + (r->random > 0) + (r->n_edges > 0);
    if (n_kinds > 1) {
        return bad(ctx, base, "%s: give only one of nodes, random or edges", base);
    }
    pln_idx n = role_count(r);
    if (r->n_values != n && (r->n_values > 0 || values_needed)) {
        snprintf(key, sizeof key, "%s.values", base);
        return bad(ctx, key, "%s: %" PRId64 " values for %" PRId64 " %s", base,
                   (int64_t)r->n_values, (int64_t)n, r->n_edges > 0 ? "edges" : "nodes");
    }
    if (!node_axis) {
        return PLN_OK;
    }
    const bool nodes = r->n_nodes > 0 || r->random > 0;
    if (!spring && r->axis >= 0) {
        snprintf(key, sizeof key, "%s.axis", base);
        return bad(ctx, key, "%s.axis: only the nodes of a spring network have axes", base);
    }
    if (spring && nodes && r->axis < 0) {
        snprintf(key, sizeof key, "%s.%s", base, r->n_nodes > 0 ? "nodes" : "random");
        return bad(ctx, key, "%s: the nodes of a spring network need an axis (axis: x, y or z) "
                   "along which their displacement is %s", base,
                   strstr(base, "inputs") != NULL ? "imposed" : "read");
    }
    if (r->axis > 2) {
        snprintf(key, sizeof key, "%s.axis", base);
        return bad(ctx, key, "%s.axis: %d is not an axis (0, 1, 2 = x, y, z)", base, r->axis);
    }
    return PLN_OK;
}

static pln_status check_boundary(pln_ctx *ctx, const pln_experiment_desc *d)
{
    const pln_boundary_desc *b = &d->boundary;
    const bool spring = is_spring(d);
    if (spring) {
        if (b->n_ground >= 0) {
            return bad(ctx, "boundary.ground", "boundary.ground: a spring network has no ground; "
                       "pin nodes with boundary.pins");
        }
        const pln_role_desc *lin[3] = {&b->potentials, &b->currents, &b->edge_sources};
        const char *name[3] = {"potentials", "currents", "edge_sources"};
        for (int q = 0; q < 3; q++) {
            if (role_count(lin[q]) > 0) {
                char key[64];
                snprintf(key, sizeof key, "boundary.%s", name[q]);
                return bad(ctx, key, "%s: a spring network is held by pins, forces and "
                           "edge_strains", key);
            }
        }
    } else if (b->n_pins > 0 || b->n_forces > 0 || role_count(&b->edge_strains) > 0) {
        const char *key = b->n_pins > 0    ? "boundary.pins"
                          : b->n_forces > 0 ? "boundary.forces"
                                            : "boundary.edge_strains";
        return bad(ctx, key, "%s: only a spring network (network.kind: spring or spring_linear) "
                   "has pins, forces and edge strains", key);
    }
    PLN_TRY(check_role(ctx, &b->potentials, "boundary.potentials", true, spring, false));
    PLN_TRY(check_role(ctx, &b->currents, "boundary.currents", true, spring, false));
    PLN_TRY(check_role(ctx, &b->edge_sources, "boundary.edge_sources", true, spring, false));
    PLN_TRY(check_role(ctx, &b->edge_strains, "boundary.edge_strains", true, spring, false));
    if (b->n_pin_displacements > 0 && b->n_pin_displacements != b->n_pins) {
        return bad(ctx, "boundary.pins.displacements",
                   "boundary.pins.displacements: %" PRId64 " vectors for %" PRId64 " pins",
                   (int64_t)b->n_pin_displacements, (int64_t)b->n_pins);
    }
    if (b->n_pin_displacements > 0 && (b->pin_dim < 2 || b->pin_dim > 3)) {
        return bad(ctx, "boundary.pins.displacements",
                   "boundary.pins.displacements: vectors of %d components (2 or 3)", b->pin_dim);
    }
    if (b->n_pin_axes > 0 && b->n_pin_axes != b->n_pins) {
        return bad(ctx, "boundary.pins.axes", "boundary.pins.axes: %" PRId64 " masks for %" PRId64
                   " pins", (int64_t)b->n_pin_axes, (int64_t)b->n_pins);
    }
    for (pln_idx k = 0; k < b->n_pin_axes; k++) {
        if (b->pin_axes[k] <= 0 || b->pin_axes[k] > 7) {
            return bad(ctx, "boundary.pins.axes", "boundary.pins.axes: mask %d (pin %" PRId64
                       ") is not a set of axes such as x, y, xy or xyz", b->pin_axes[k],
                       (int64_t)k);
        }
    }
    if (b->n_force_values != b->n_forces) {
        return bad(ctx, "boundary.forces", "boundary.forces: %" PRId64 " force vectors for %"
                   PRId64 " nodes", (int64_t)b->n_force_values, (int64_t)b->n_forces);
    }
    if (b->n_force_values > 0 && (b->force_dim < 2 || b->force_dim > 3)) {
        return bad(ctx, "boundary.forces.values",
                   "boundary.forces.values: vectors of %d components (2 or 3)", b->force_dim);
    }
    return PLN_OK;
}

static pln_status check_task(pln_ctx *ctx, const pln_experiment_desc *d)
{
    const pln_task_desc *t = &d->task;
    const bool spring = is_spring(d);
    const bool allostery = t->kind == PLN_TASK_ALLOSTERY;
    PLN_TRY(check_role(ctx, &t->inputs, "task.inputs", allostery, spring, true));
    PLN_TRY(check_role(ctx, &t->outputs, "task.outputs", false, spring, true));
    if (allostery && role_count(&t->outputs) != t->n_targets) {
        return bad(ctx, "task.targets", "task.targets: %" PRId64 " targets for %" PRId64
                   " outputs", (int64_t)t->n_targets, (int64_t)role_count(&t->outputs));
    }
    if (!(t->regression.input_high > t->regression.input_low)) {
        return bad(ctx, "task.input_range", "task.input_range: expected [low, high], low < high");
    }
    const bool table = t->kind == PLN_TASK_CLASSIFICATION || t->kind == PLN_TASK_DATASET;
    if (table && (t->data == NULL || t->data[0] == '\0')) {
        /* Named at the kind: the kind is what asks for a file. */
        return bad(ctx, "task.kind", "task.data: a %s task needs a data file",
                   pln_task_kind_name(t->kind));
    }
    if (t->kind == PLN_TASK_DATASET && t->dataset.n_target_columns == 0) {
        return bad(ctx, "task.kind", "task.target_columns: a dataset task names its target "
                   "columns");
    }
    return PLN_OK;
}

static pln_status check_learning(pln_ctx *ctx, const pln_experiment_desc *d)
{
    const pln_learning_desc *l = &d->learning;
    const pln_rule_options *r = &l->rule;
    const bool spring = is_spring(d);
    /* eta of the coupled rules is a fraction of the way to the target; beta is any size. */
    const bool fraction = l->learner == PLN_LEARNER_TEMPORAL || r->rule == PLN_RULE_COUPLED ||
                          r->rule == PLN_RULE_COUPLED_CENTERED;
    if (!isfinite(r->nudge)) {
        return bad(ctx, "learning.nudge", "learning.nudge must be a finite number, got %g",
                   r->nudge);
    }
    if (fraction && !(r->nudge > 0.0 && r->nudge <= 1.0)) {
        return bad(ctx, "learning.nudge", "learning.nudge must be in (0, 1], got %g", r->nudge);
    }
    if (!fraction && !(r->nudge > 0.0)) {
        return bad(ctx, "learning.nudge", "learning.nudge must be > 0, got %g", r->nudge);
    }
    if (r->dof == PLN_DOF_RADIUS && d->network.kind != PLN_KIND_FLOW) {
        return bad(ctx, "learning.dof", "learning.dof: radius needs network.kind: flow");
    }
    if ((r->dof == PLN_DOF_REST_LENGTH || r->dof == PLN_DOF_BOTH) && !spring) {
        return bad(ctx, "learning.dof", "learning.dof: stiffness, rest_length and both need "
                   "network.kind: spring or spring_linear");
    }
    if (r->rate_rest_length > 0.0 && r->dof != PLN_DOF_BOTH) {
        return bad(ctx, "learning.rate_rest_length", "learning.rate_rest_length: only with "
                   "learning.dof: both (otherwise learning.rate is the one rate)");
    }
    const pln_hardware *h = &l->hardware;
    if (h->levels < 0 || h->levels == 1) {
        return bad(ctx, "learning.hardware.levels", "learning.hardware.levels must be 0 "
                   "(continuous) or >= 2, got %lld", (long long)h->levels);
    }
    if (h->n_table > 0 && h->levels != 0) {
        return bad(ctx, "learning.hardware.levels", "learning.hardware.levels: give levels or "
                   "a table (learning.hardware.table, %lld values), not both",
                   (long long)h->n_table);
    }
    if (h->n_table == 1) {
        return bad(ctx, "learning.hardware.table", "learning.hardware.table: a table of "
                   "levels needs at least 2 values, got 1");
    }
    /* 0 means "one quantization level", which needs levels; only sign updates use it. */
    if (h->sign_updates && h->sign_step == 0.0 && h->levels == 0 && h->n_table == 0) {
        return bad(ctx, "learning.hardware.sign_step", "learning.hardware.sign_step: 0 means one "
                   "level and needs learning.hardware.levels >= 2");
    }
    return PLN_OK;
}

static pln_status check_solver(pln_ctx *ctx, const pln_experiment_desc *d)
{
    const pln_solver_options *s = &d->solver;
    if (s->pcg_refactor_iter > s->pcg_max_iter) {
        return bad(ctx, "solver.pcg_refactor_iter", "solver.pcg_refactor_iter (%" PRId64
                   ") must not exceed solver.pcg_max_iter (%" PRId64 ")",
                   (int64_t)s->pcg_refactor_iter, (int64_t)s->pcg_max_iter);
    }
    return PLN_OK;
}

pln_status pln_experiment_desc_check(pln_ctx *ctx, const pln_experiment_desc *d)
{
    /* The name is the folder runs/<name>: "." or ".." would put the run files into runs/ or
     * the working folder, among whatever is there. */
    if (d->name != NULL && (d->name[0] == '\0' || strchr(d->name, '/') != NULL ||
                            strcmp(d->name, ".") == 0 || strcmp(d->name, "..") == 0)) {
        return bad(ctx, "name", "name: '%s' cannot name the run's folder runs/<name>: it must "
                   "be non-empty, hold no '/' and be neither '.' nor '..'",
                   d->name);
    }
    PLN_TRY(check_ranges(ctx, d));
    PLN_TRY(check_network(ctx, d));
    PLN_TRY(check_boundary(ctx, d));
    PLN_TRY(check_task(ctx, d));
    PLN_TRY(check_learning(ctx, d));
    PLN_TRY(check_solver(ctx, d));
    return PLN_OK;
}
