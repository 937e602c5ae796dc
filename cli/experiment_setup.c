/* experiment_setup.c — a loaded configuration as the library's experiment description, the experiment built from it, and its errors reported at the file:line:col (or --set) of the key they name. */
#include "experiment_setup.h"

#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ the description */

static void role_desc(const plnet_role *r, pln_role_desc *d)
{
    d->n_nodes = r->nodes.n;
    d->nodes = r->nodes.v;
    d->random = (pln_idx)r->random.v;
    d->n_edges = r->edges.n;
    d->edges = r->edges.v;
    d->n_values = r->values.n;
    d->values = r->values.v;
    d->axis = r->axis.at.line > 0 ? r->axis.v : -1;
}

static void edge_init(const plnet_edge_init *e, bool optional, pln_edge_init *d)
{
    /* The config's order is the library's: constant, uniform, loguniform, from_graph. */
    d->init = optional && !e->given ? PLN_INIT_FROM_GRAPH : (pln_init_kind)e->init.v;
    d->value = e->value.v;
    d->low = e->low.v;
    d->high = e->high.v;
    d->min = e->min.v;
    d->max = e->max.v;
}

_Static_assert(PLNET_KIND_SPRING_LINEAR == (int)PLN_KIND_SPRING_LINEAR &&
                   PLNET_GEN_RANDOM_GEOMETRIC == (int)PLN_GEN_RANDOM_GEOMETRIC &&
                   PLNET_FORMAT_SPICE == (int)PLN_FORMAT_SPICE &&
                   PLNET_INIT_FROM_GRAPH == (int)PLN_INIT_FROM_GRAPH &&
                   PLNET_TASK_DATASET == (int)PLN_TASK_DATASET &&
                   PLNET_RULE_DYADIC == (int)PLN_RULE_DYADIC &&
                   PLNET_PROTO_RANDOM_PHASES == (int)PLN_PROTO_RANDOM_PHASES &&
                   PLNET_MEMORY_MARKOV_LADDER == (int)PLN_MEMORY_MARKOV_LADDER &&
                   PLNET_NONLIN_LINEAR == (int)PLN_NONLIN_LINEAR &&
                   PLNET_PHASE_UNIFORM == (int)PLN_PHASE_UNIFORM,
               "the config's enums list the library's values in its order");

int plnet_experiment_desc(const plnet_config *c, plnet_desc *out)
{
    memset(out, 0, sizeof *out);
    pln_experiment_desc *d = &out->d;
    pln_experiment_desc_default(d);
    d->seed = (uint64_t)c->seed.v;
    const bool spring = c->network.kind.v == PLNET_KIND_SPRING ||
                        c->network.kind.v == PLNET_KIND_SPRING_LINEAR;

    const plnet_network_cfg *nw = &c->network;
    d->network.kind = (pln_kind)nw->kind.v;
    d->network.viscosity = nw->viscosity.v;
    pln_graph_desc *g = &d->network.graph;
    if (nw->graph.source == PLNET_GRAPH_FILE) {
        g->file = nw->graph.file_path;
        g->format = (pln_graph_format)nw->graph.format.v;
        g->weights = nw->graph.weights.v == PLNET_WEIGHTS_RESISTANCE ? PLN_WEIGHTS_RESISTANCE
                                                                      : PLN_WEIGHTS_CONDUCTANCE;
    }
    g->generator = (pln_graph_generator)nw->graph.generator.v;
    g->size[0] = nw->graph.nx.v;
    g->size[1] = nw->graph.ny.v;
    g->periodic = nw->graph.periodic.v;
    g->n = nw->graph.n.v;
    g->degree = nw->graph.degree.v;
    g->mean_degree = nw->graph.mean_degree.v;
    g->radius = nw->graph.radius.v;
    edge_init(&nw->conductance, false, &d->network.conductance);
    edge_init(&nw->radius, true, &d->network.radius);
    edge_init(&nw->stiffness, false, &d->network.stiffness);
    edge_init(&nw->rest_length, true, &d->network.rest_length);
    d->network.newton_tol = nw->newton_tol.v;
    d->network.newton_max_iter = (pln_idx)nw->newton_max_iter.v;

    const plnet_boundary_cfg *b = &c->boundary;
    pln_boundary_desc *bd = &d->boundary;
    if (b->ground.at_list.line > 0) {
        bd->n_ground = b->ground.n;
        bd->ground = b->ground.v;
    }
    role_desc(&b->potentials, &bd->potentials);
    role_desc(&b->currents, &bd->currents);
    role_desc(&b->edge_sources, &bd->edge_sources);
    role_desc(&b->edge_strains, &bd->edge_strains);
    if (spring) {
        bd->n_pins = b->pins.n;
        bd->pins = b->pins.v;
        bd->pin_dim = b->pin_displacements.n > 0 ? b->pin_dim : 0;
        bd->pin_displacements = b->pin_displacements.n > 0 ? b->pin_displacements.v : NULL;
        if (b->pin_axes.n > 0) {
            out->pin_axes = calloc((size_t)b->pin_axes.n, sizeof *out->pin_axes);
            if (out->pin_axes == NULL) {
                return 1;
            }
            for (pln_idx k = 0; k < b->pin_axes.n; k++) {
                for (const char *s = b->pin_axes.v[k]; *s != '\0'; s++) {
                    out->pin_axes[k] |= 1 << (*s - 'x');
                }
            }
            bd->pin_axes = out->pin_axes;
        }
        bd->n_forces = b->force_nodes.n;
        bd->force_nodes = b->force_nodes.v;
        bd->force_dim = b->force_dim;
        bd->forces = b->forces.n > 0 ? b->forces.v : NULL;
    }

    const plnet_task_cfg *t = &c->task;
    pln_task_desc *td = &d->task;
    td->kind = (pln_task_kind)t->kind.v;
    role_desc(&t->inputs, &td->inputs);
    role_desc(&t->outputs, &td->outputs);
    td->n_targets = t->targets.n;
    td->targets = t->targets.v;
    td->regression.n_train = t->n_examples.v;
    td->regression.n_test = t->test_examples.v;
    td->regression.input_low = t->input_range.v[0];
    td->regression.input_high = t->input_range.v[1];
    td->data = t->data_path[0] != '\0' ? t->data_path : NULL;
    td->dataset.test_fraction = t->test_fraction.v;
    td->dataset.label = t->label.v;
    td->dataset.true_level = t->true_level.v;
    td->dataset.false_level = t->false_level.v;
    td->dataset.square_inputs = t->square_inputs.v;
    td->dataset.mirror_inputs = t->mirror_inputs.v;
    td->dataset.n_input_columns = t->input_columns.n;
    td->dataset.input_columns =
        t->input_columns.n > 0 ? (const char *const *)t->input_columns.v : NULL;
    td->dataset.n_target_columns = t->target_columns.n;
    td->dataset.target_columns = (const char *const *)t->target_columns.v;

    const plnet_learning_cfg *l = &c->learning;
    pln_learning_desc *ld = &d->learning;
    ld->learner = l->rule.v == PLNET_RULE_TEMPORAL ? PLN_LEARNER_TEMPORAL : PLN_LEARNER_CONTRASTIVE;
    ld->rule.rule = l->rule.v == PLNET_RULE_TEMPORAL ? PLN_RULE_COUPLED : (pln_rule_kind)l->rule.v;
    ld->rule.rate = l->rate.v;
    ld->rule.nudge = l->nudge.v;
    ld->rule.asymmetry = l->asymmetry.v;
    ld->rule.dof = l->dof.v == PLNET_DOF_RADIUS        ? PLN_DOF_RADIUS
                   : l->dof.v == PLNET_DOF_REST_LENGTH ? PLN_DOF_REST_LENGTH
                   : l->dof.v == PLNET_DOF_BOTH        ? PLN_DOF_BOTH
                                                       : PLN_DOF_CONDUCTANCE;
    ld->rule.rate_rest_length = l->rate_rest_length.v;
    const plnet_hardware_cfg *h = &l->hardware;
    pln_hardware_default(&ld->hardware);
    ld->hardware.levels = (pln_idx)h->levels.v;
    ld->hardware.spacing = h->spacing.v == PLNET_SPACING_LOG ? PLN_SPACING_LOG : PLN_SPACING_LINEAR;
    ld->hardware.update_noise = h->update_noise.v;
    ld->hardware.signal_noise = h->measurement_noise.v;
    ld->hardware.sign_updates = h->sign_updates.v;
    ld->hardware.sign_step = h->sign_step.v;
    ld->hardware.desync = h->desync.v;

    const plnet_protocol_cfg *p = &c->protocol;
    pln_temporal_desc *tp = &d->temporal;
    tp->protocol.kind = (pln_protocol_kind)p->kind.v;
    tp->protocol.dt = p->dt.v;
    tp->protocol.tau_fast = p->tau_fast.v;
    tp->protocol.tau_slow = p->tau_slow.v;
    tp->protocol.reverse = p->reverse.v;
    tp->protocol.p_clamped = p->p_clamped.v;
    tp->protocol.mean_clamped = p->mean_clamped.v;
    tp->protocol.mean_free = p->mean_free.v;
    tp->protocol.dist = (pln_phase_dist)p->phase_distribution.v;
    tp->protocol.phase_shape = p->phase_shape.v;
    tp->amplitude = p->amplitude.v;
    tp->memory.kind = (pln_memory_kind)p->memory_kind.v;
    tp->memory.tau = p->memory_tau.v;
    tp->memory.leak = p->memory_leak.v;
    tp->memory.B = p->memory_B.v;
    tp->memory.I = p->memory_I.v;
    tp->memory.gamma = p->memory_gamma.v;
    tp->memory.R = p->memory_R.v;
    tp->memory.s0 = p->memory_s0.v;
    tp->memory.window = p->memory_window.v;
    tp->memory.dissipation = p->memory_dissipation.v;
    tp->nonlinearity.kind = (pln_nonlin_kind)p->nonlinearity_kind.v;
    tp->nonlinearity.theta = p->nonlinearity_theta.v;
    tp->apply = p->apply.v == PLNET_APPLY_PERIOD ? PLN_APPLY_PERIOD : PLN_APPLY_STEP;
    tp->refresh = (pln_idx)p->refresh.v;

    d->temperature = c->energy.temperature.v;
    d->resolution = c->energy.resolution.v;
    plnet_solver_options_from_config(c, &d->solver);
    d->train.steps = c->train.steps.v;
    d->train.batch = (pln_idx)c->train.batch.v;
    d->train.log_every = c->train.log_every.v;
    d->train.checkpoint_every = c->train.checkpoint_every.v;
    return 0;
}

void plnet_desc_free(plnet_desc *d)
{
    free(d->pin_axes);
    memset(d, 0, sizeof *d);
}

/* ------------------------------------------------------------------ marks of error keys */

static const plnet_edge_init *edge_block(const plnet_config *c, const char *name)
{
    const plnet_network_cfg *nw = &c->network;
    return strcmp(name, "conductance") == 0   ? &nw->conductance
           : strcmp(name, "radius") == 0      ? &nw->radius
           : strcmp(name, "stiffness") == 0   ? &nw->stiffness
           : strcmp(name, "rest_length") == 0 ? &nw->rest_length
                                              : NULL;
}

/* The mark of a role block's list: the one given. */
static plnet_mark role_mark(const plnet_role *r, plnet_mark fallback)
{
    return r->nodes.n > 0         ? r->nodes.at_list
           : r->edges.n > 0       ? r->edges.at_list
           : r->random.at.line > 0 ? r->random.at
                                   : fallback;
}

plnet_mark plnet_mark_of_key(const plnet_config *c, const char *key, bool *found)
{
    *found = true;
    plnet_mark none = {0, 0};
    /* "a.b[k]": element k of the list a.b. */
    char base[160];
    long index = -1;
    snprintf(base, sizeof base, "%s", key);
    char *br = strchr(base, '[');
    if (br != NULL) {
        index = strtol(br + 1, NULL, 10);
        *br = '\0';
    }
    const plnet_learning_cfg *l = &c->learning;
    const plnet_hardware_cfg *h = &l->hardware;
    const plnet_task_cfg *t = &c->task;
    const plnet_protocol_cfg *p = &c->protocol;
    const plnet_boundary_cfg *b = &c->boundary;
    const plnet_graph_cfg *g = &c->network.graph;
    /* Lists of ids, by element. */
    struct {
        const char *key;
        const plnet_ids *ids;
    } lists[] = {
        {"boundary.ground", &b->ground},
        {"boundary.potentials.nodes", &b->potentials.nodes},
        {"boundary.currents.nodes", &b->currents.nodes},
        {"boundary.edge_sources.edges", &b->edge_sources.edges},
        {"boundary.pins.nodes", &b->pins},
        {"boundary.forces.nodes", &b->force_nodes},
        {"boundary.edge_strains.edges", &b->edge_strains.edges},
        {"task.inputs.nodes", &t->inputs.nodes},
        {"task.outputs.nodes", &t->outputs.nodes},
        {"task.inputs.edges", &t->inputs.edges},
        {"task.outputs.edges", &t->outputs.edges},
    };
    for (size_t k = 0; k < sizeof lists / sizeof lists[0]; k++) {
        if (strcmp(base, lists[k].key) == 0) {
            const plnet_ids *ids = lists[k].ids;
            if (index >= 0 && index < ids->n && ids->at != NULL) {
                return ids->at[index];
            }
            return ids->at_list;
        }
    }
    /* network.edges.<block>[.<field>] */
    if (strncmp(base, "network.edges.", 14) == 0) {
        char block[sizeof base];
        snprintf(block, sizeof block, "%s", base + 14);
        char *dot = strchr(block, '.');
        const char *field = NULL;
        if (dot != NULL) {
            *dot = '\0';
            field = dot + 1;
        }
        const plnet_edge_init *e = edge_block(c, block);
        if (e != NULL) {
            const plnet_real *f = field == NULL                  ? NULL
                                  : strcmp(field, "value") == 0 ? &e->value
                                  : strcmp(field, "low") == 0   ? &e->low
                                  : strcmp(field, "high") == 0  ? &e->high
                                  : strcmp(field, "min") == 0   ? &e->min
                                  : strcmp(field, "max") == 0   ? &e->max
                                                                : NULL;
            return f != NULL && f->at.line > 0 ? f->at : e->at;
        }
    }
    struct {
        const char *key;
        plnet_mark at;
    } map[] = {
        {"network.kind", c->network.kind.at},
        {"network.viscosity", c->network.viscosity.at},
        {"network.newton_tol", c->network.newton_tol.at},
        {"network.newton_max_iter", c->network.newton_max_iter.at},
        {"network.graph", g->at},
        {"network.graph.file", g->file.at},
        {"network.graph.generator", g->generator.at.line > 0 ? g->generator.at : g->at},
        {"network.graph.size", g->at_size.line > 0 ? g->at_size : g->at},
        {"network.graph.periodic", g->periodic.at},
        {"network.graph.n", g->n.at},
        {"network.graph.degree", g->degree.at},
        {"network.graph.mean_degree", g->mean_degree.at},
        {"network.graph.radius", g->radius.at},
        {"boundary.pins.displacements", b->pin_displacements.at_list},
        {"boundary.pins.axes", b->pin_axes.at_list},
        {"boundary.forces.values", b->forces.at_list},
        {"learning.rule", l->rule.at},
        {"learning.rate", l->rate.at},
        {"learning.rate_rest_length", l->rate_rest_length.at},
        {"learning.nudge", l->nudge.at},
        {"learning.asymmetry", l->asymmetry.at},
        {"learning.dof", l->dof.at.line > 0 ? l->dof.at : l->rule.at},
        {"learning.hardware.levels", h->levels.at},
        {"learning.hardware.spacing", h->spacing.at},
        {"learning.hardware.update_noise", h->update_noise.at},
        {"learning.hardware.measurement_noise", h->measurement_noise.at},
        {"learning.hardware.sign_updates", h->sign_updates.at},
        {"learning.hardware.sign_step", h->sign_step.at},
        {"learning.hardware.desync", h->desync.at},
        {"task.kind", t->kind.at},
        {"task.inputs", role_mark(&t->inputs, t->kind.at)},
        {"task.outputs", role_mark(&t->outputs, t->kind.at)},
        {"task.inputs.random", t->inputs.random.at},
        {"task.outputs.random", t->outputs.random.at},
        {"task.inputs.axis", t->inputs.axis.at},
        {"task.outputs.axis", t->outputs.axis.at},
        {"task.targets", t->targets.n > 0 ? t->targets.at_list : t->target_columns.at_list},
        {"task.target_columns", t->target_columns.at_list},
        {"task.input_columns", t->input_columns.at_list},
        {"task.input_range", t->input_range.at_list},
        {"task.test_fraction", t->test_fraction.at},
        {"task.label", t->label.at},
        {"task.data", t->data.at},
        {"train.steps", c->train.steps.at},
        {"train.batch", c->train.batch.at},
        {"train.log_every", c->train.log_every.at},
        {"energy.resolution", c->energy.resolution.at},
        {"energy.temperature", c->energy.temperature.at},
        {"solver.refactor", c->solver.refactor.at},
        {"solver.pcg_tol", c->solver.pcg_tol.at},
        {"solver.pcg_max_iter", c->solver.pcg_max_iter.at},
        {"solver.pcg_refactor_iter", c->solver.pcg_refactor_iter.at},
        {"protocol.kind", p->kind.at},
        {"protocol.dt", p->dt.at},
        {"protocol.tau_fast", p->tau_fast.at},
        {"protocol.tau_slow", p->tau_slow.at},
        {"protocol.amplitude", p->amplitude.at.line > 0 ? p->amplitude.at : l->nudge.at},
        {"protocol.reverse", p->reverse.at},
        {"protocol.memory.kind", p->memory_kind.at},
        {"protocol.memory.tau", p->memory_tau.at},
        {"protocol.memory.leak", p->memory_leak.at},
        {"protocol.memory.B", p->memory_B.at},
        {"protocol.memory.I", p->memory_I.at},
        {"protocol.memory.gamma", p->memory_gamma.at},
        {"protocol.memory.R", p->memory_R.at},
        {"protocol.memory.s0", p->memory_s0.at},
        {"protocol.memory.window", p->memory_window.at},
        {"protocol.memory.dissipation", p->memory_dissipation.at},
        {"protocol.nonlinearity.kind", p->nonlinearity_kind.at},
        {"protocol.nonlinearity.theta", p->nonlinearity_theta.at},
        {"protocol.apply", p->apply.at},
        {"protocol.refresh", p->refresh.at},
        {"protocol.p_clamped", p->p_clamped.at},
        {"protocol.mean_clamped", p->mean_clamped.at},
        {"protocol.mean_free", p->mean_free.at},
        {"protocol.phase_distribution", p->phase_distribution.at},
        {"protocol.phase_shape", p->phase_shape.at},
    };
    for (size_t k = 0; k < sizeof map / sizeof map[0]; k++) {
        if (strcmp(map[k].key, base) == 0) {
            return map[k].at;
        }
    }
    *found = false;
    return none;
}

/* ------------------------------------------------------------------ reports */

int plnet_report_lib(FILE *err, const pln_ctx *ctx, pln_status st, const char *what)
{
    const pln_error *e = ctx != NULL ? pln_ctx_last_error(ctx) : NULL;
    const char *msg = e != NULL && e->code != PLN_OK && e->message[0] != '\0' ? e->message
                                                                                : pln_strerror(st);
    /* Prefix the node or edge at fault unless the message already starts by naming it. */
    char where[64] = "";
    char lead[64] = "";
    if (e != NULL && e->code != PLN_OK && e->edge >= 0) {
        snprintf(where, sizeof where, "edge %lld: ", (long long)e->edge);
        snprintf(lead, sizeof lead, "edge %lld ", (long long)e->edge);
    } else if (e != NULL && e->code != PLN_OK && e->node >= 0) {
        snprintf(where, sizeof where, "node %lld: ", (long long)e->node);
        snprintf(lead, sizeof lead, "node %lld ", (long long)e->node);
    }
    if (lead[0] != '\0' && strncmp(msg, lead, strlen(lead)) == 0) {
        where[0] = '\0';
    }
    fprintf(err, "plnet: %s%s%s%s\n", where, what != NULL ? what : "", what != NULL ? ": " : "",
            msg);
    return 1;
}

int plnet_report_experiment(FILE *err, const plnet_config *cfg, const pln_ctx *ctx,
                            pln_status st, const char *what)
{
    const pln_error *e = pln_ctx_last_error(ctx);
    if (e->code != PLN_OK && e->key[0] != '\0' && e->node < 0 && e->edge < 0 &&
        st != PLN_ENOMEM && st != PLN_EINTERRUPTED) {
        bool found = false;
        plnet_mark at = plnet_mark_of_key(cfg, e->key, &found);
        if (found) {
            plnet_report_at(err, cfg, at, "%s", e->message);
            return st == PLN_EINVAL || st == PLN_EDIM || st == PLN_EPARSE || st == PLN_EIO ? 2
                                                                                          : 1;
        }
    }
    return plnet_report_lib(err, ctx, st, what);
}

int plnet_experiment_open(plnet_config *cfg, pln_build_stage upto, pln_ctx **ctx,
                          pln_experiment **x, FILE *err)
{
    *x = NULL;
    if (*ctx == NULL && pln_ctx_create(ctx) != PLN_OK) {
        fprintf(err, "plnet: out of memory\n");
        return 1;
    }
    plnet_desc d;
    if (plnet_experiment_desc(cfg, &d) != 0) {
        plnet_desc_free(&d);
        fprintf(err, "plnet: out of memory\n");
        return 1;
    }
    pln_status st = pln_experiment_create(*ctx, &d.d, upto, x);
    plnet_desc_free(&d);
    if (st != PLN_OK) {
        return plnet_report_experiment(err, cfg, *ctx, st, NULL);
    }
    /* The ground applied when the file gives none (a netlist brings its own). */
    if (cfg->boundary.ground.at_list.line == 0) {
        pln_idx n = 0;
        const pln_idx *g = pln_experiment_ground(*x, &n);
        if (n < cfg->boundary.ground.n) {
            cfg->boundary.ground.n = n;
        }
        for (pln_idx k = 0; k < n && k < cfg->boundary.ground.n; k++) {
            cfg->boundary.ground.v[k] = g[k];
        }
    }
    /* The nodes drawn for random roles, for the resolved file's comment. */
    plnet_role *roles[2] = {&cfg->task.inputs, &cfg->task.outputs};
    for (int k = 0; k < 2; k++) {
        pln_idx n = 0;
        const pln_idx *v = pln_experiment_role_nodes(*x, k, &n);
        free(roles[k]->picked);
        roles[k]->picked = malloc((size_t)(n > 0 ? n : 1) * sizeof *v);
        if (roles[k]->picked == NULL) {
            fprintf(err, "plnet: out of memory\n");
            return 1;
        }
        if (n > 0) {
            memcpy(roles[k]->picked, v, (size_t)n * sizeof *v);
        }
        roles[k]->n_picked = n;
    }
    return 0;
}
