/* cmd_train.c — `plnet train`: task, trainer and loop from the config; metrics, trained network, predictions, checkpoints, resume and clean stops on SIGINT/SIGTERM. */
/* sigaction, clock_gettime, isatty, fileno and open_memstream are POSIX 2008. */
#define _POSIX_C_SOURCE 200809L

#include "build.h"
#include "commands.h"
#include "tcl_options.h"
#include "outfile.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char usage[] =
    "usage: plnet train CONFIG.yaml [-o DIR] [--resume DIR] [--set KEY=VALUE]... [--quiet]\n\n"
    "Train the network described by CONFIG.yaml in place with its local learning rule\n"
    "(learning.rule) on its task, for train.steps steps, and write into DIR (default:\n"
    "output.dir of the config, else runs/<name>):\n"
    "  metrics.csv           one row per train.log_every steps (step 0 and the last included):\n"
    "                        loss, train and test error (accuracy for classification), and\n"
    "                        the energy ledger of the step and cumulated (SPEC 5)\n"
    "  network.graphml       the trained network: edge conductance (and radius for flow),\n"
    "                        node role\n"
    "  predictions.csv       free-state outputs and targets of every train and test example\n"
    "  config.resolved.yaml  every configuration key, defaults filled in\n"
    "  checkpoint.bin        every train.checkpoint_every steps and at the end\n"
    "Nothing is written when the configuration or the set-up fails. SIGINT or SIGTERM stops\n"
    "the run after the current step with a checkpoint and the files so far (exit 130/143).\n\n"
    "options:\n"
    "  -o, --output DIR  output folder (overrides output.dir)\n"
    "  --resume DIR      continue the run in DIR from its checkpoint.bin, bit for bit, up to\n"
    "                    train.steps; the configuration (with its --set) must be the run's\n"
    "                    own except for train.steps, train.checkpoint_every and output.dir\n"
    PLNET_SET_HELP
    "  -q, --quiet       no progress bar and no summary\n"
    "  -h, --help        this help\n";

/* ------------------------------------------------------------------ signals */

/* The one piece of static mutable state: a signal handler can reach nothing else. */
static volatile sig_atomic_t stop_signal = 0;

static void on_signal(int sig)
{
    stop_signal = sig;
}

/* ------------------------------------------------------------------ engines */

/* The learning loop drives an engine: the contrastive trainer (SPEC 3) or the temporal one
 * (SPEC 4). Everything below the engine set-up is shared. */
typedef struct engine {
    bool temporal;
    pln_trainer *tr;  /* contrastive */
    pln_tcl *tcl;     /* temporal */
} engine;

static void engine_free(engine *e)
{
    pln_trainer_destroy(e->tr);
    pln_tcl_destroy(e->tcl);
    memset(e, 0, sizeof *e);
}

static pln_status engine_step(engine *e)
{
    return e->temporal ? pln_tcl_period(e->tcl) : pln_trainer_step(e->tr);
}

static pln_status engine_evaluate(engine *e, pln_split split, pln_metrics *m)
{
    return e->temporal ? pln_tcl_evaluate(e->tcl, split, m)
                       : pln_trainer_evaluate(e->tr, split, m);
}

static int64_t engine_steps(const engine *e)
{
    return e->temporal ? pln_tcl_periods(e->tcl) : pln_trainer_steps(e->tr);
}

static const pln_ledger *engine_ledger(const engine *e)
{
    return e->temporal ? pln_tcl_ledger(e->tcl) : pln_trainer_ledger(e->tr);
}

static size_t engine_state_size(const engine *e)
{
    return e->temporal ? pln_tcl_state_size(e->tcl) : pln_trainer_state_size(e->tr);
}

static pln_status engine_save(const engine *e, void *buf, size_t size)
{
    return e->temporal ? pln_tcl_state_save(e->tcl, buf, size)
                       : pln_trainer_state_save(e->tr, buf, size);
}

static pln_status engine_load(engine *e, const void *buf, size_t size)
{
    return e->temporal ? pln_tcl_state_load(e->tcl, buf, size)
                       : pln_trainer_state_load(e->tr, buf, size);
}

/* ------------------------------------------------------------------ the run */

typedef struct run {
    plnet_config cfg;
    plnet_built b;
    const char *config_arg; /* CONFIG as given, for the resume hint */
    plnet_overrides sets;   /* --set KEY=VALUE */
    const char *dir;
    bool resume;
    bool quiet;
    pln_table *table;
    pln_task *task;
    pln_states *states;
    pln_input *ins;
    double *in_values;
    pln_output *outs;
    pln_idx n_in, n_out;
    engine eng;
    bool classify;
    /* The configuration that a resume must match (steps, checkpoint_every and dir blanked). */
    char *fingerprint;
    size_t fingerprint_len;
    /* metrics.csv so far; rows up to grid_len are on the log_every grid (the last step's
     * row, when off the grid, comes after and is dropped by a resume). */
    char *metrics;
    size_t metrics_len, metrics_cap, grid_len;
} run;

static void run_free(run *r)
{
    engine_free(&r->eng);
    pln_states_destroy(r->states);
    pln_task_destroy(r->task);
    pln_table_destroy(r->table);
    free(r->ins);
    free(r->in_values);
    free(r->outs);
    free(r->fingerprint);
    free(r->metrics);
    plnet_built_free(&r->b);
    plnet_config_free(&r->cfg);
    plnet_overrides_free(&r->sets);
}

/* The YAML position of a key that the library names in its error context, so that a library
 * rejection of an option reads like a configuration error. line 0 when unknown. */
static plnet_mark mark_of_key(const plnet_config *c, const char *key, bool *found)
{
    const plnet_learning_cfg *l = &c->learning;
    const plnet_hardware_cfg *h = &l->hardware;
    const plnet_task_cfg *t = &c->task;
    const plnet_protocol_cfg *p = &c->protocol;
    const plnet_edge_init *bounds = l->dof.v == PLNET_DOF_RADIUS        ? &c->network.radius
                                    : l->dof.v == PLNET_DOF_STIFFNESS || l->dof.v == PLNET_DOF_BOTH
                                        ? &c->network.stiffness
                                    : l->dof.v == PLNET_DOF_REST_LENGTH ? &c->network.rest_length
                                                                        : &c->network.conductance;
    struct {
        const char *key;
        plnet_mark at;
    } map[] = {
        {"learning.rule", l->rule.at},
        {"learning.rate", l->rate.at},
        {"learning.rate_rest_length", l->rate_rest_length.at},
        {"learning.nudge", l->nudge.at},
        {"learning.asymmetry", l->asymmetry.at},
        {"learning.dof", l->dof.at},
        {"hardware.levels", h->levels.at},
        {"hardware.spacing", h->spacing.at},
        {"hardware.update_noise", h->update_noise.at},
        {"hardware.signal_noise", h->measurement_noise.at},
        {"hardware.sign_step", h->sign_step.at},
        {"hardware.desync", h->desync.at},
        {"hardware.min", bounds->min.at},
        {"hardware.max", bounds->max.at},
        {"task", t->kind.at},
        {"task.inputs", t->inputs.nodes.n > 0 ? t->inputs.nodes.at_list : t->inputs.edges.at_list},
        {"task.outputs",
         t->outputs.nodes.n > 0 ? t->outputs.nodes.at_list : t->outputs.edges.at_list},
        {"task.targets", t->targets.n > 0 ? t->targets.at_list : t->target_columns.at_list},
        {"task.target_columns", t->target_columns.at_list},
        {"task.input_columns", t->input_columns.at_list},
        {"task.input_range", t->input_range.at_list},
        {"task.test_fraction", t->test_fraction.at},
        {"task.label", t->label.at},
        {"task.data", t->data.at},
        {"train.batch", c->train.batch.at},
        {"energy.resolution", c->energy.resolution.at},
        {"energy.temperature", c->energy.temperature.at},
        {"protocol.kind", p->kind.at},
        {"protocol.dt", p->dt.at},
        {"protocol.tau_fast", p->tau_fast.at},
        {"protocol.tau_slow", p->tau_slow.at},
        {"protocol.amplitude", p->amplitude.at},
        {"protocol.memory.kind", p->memory_kind.at},
        {"protocol.memory.tau", p->memory_tau.at},
        {"protocol.memory.leak", p->memory_leak.at},
        {"protocol.nonlinearity.theta", p->nonlinearity_theta.at},
        {"protocol.apply", p->apply.at},
    };
    for (size_t k = 0; k < sizeof map / sizeof map[0]; k++) {
        if (strcmp(map[k].key, key) == 0) {
            *found = true;
            return map[k].at;
        }
    }
    *found = false;
    plnet_mark none = {0, 0};
    return none;
}

/* A library failure while setting up: an option the library names by key is a configuration
 * error (exit 2, at the key's position); anything else is a runtime failure (exit 1). */
static int report_setup(run *r, pln_status st, const char *what, FILE *err)
{
    const pln_error *e = pln_ctx_last_error(r->b.ctx);
    bool found = false;
    if (e != NULL && e->code != PLN_OK && e->key[0] != '\0' && e->node < 0 && e->edge < 0 &&
        (st == PLN_EINVAL || st == PLN_EDIM)) {
        plnet_mark at = mark_of_key(&r->cfg, e->key, &found);
        if (found) {
            plnet_report_at(err, &r->cfg, at, "%s: %s", e->key,
                            e->message[0] != '\0' ? e->message : pln_strerror(st));
            return 2;
        }
    }
    return plnet_report_lib(err, r->b.ctx, st, what);
}

/* ------------------------------------------------------------------ task */

static int make_ports(run *r, FILE *err)
{
    const plnet_task_cfg *t = &r->cfg.task;
    r->n_in = t->inputs.n_picked + t->inputs.edges.n;
    r->n_out = t->outputs.n_picked + t->outputs.edges.n;
    if (r->n_out == 0) {
        plnet_report_at(err, &r->cfg, t->kind.at, "task.outputs: plnet train needs at least "
                        "one output node or edge");
        return 2;
    }
    if (r->n_in == 0) {
        plnet_report_at(err, &r->cfg, t->kind.at, "task.inputs: plnet train needs at least "
                        "one input node or edge");
        return 2;
    }
    r->ins = calloc((size_t)r->n_in, sizeof *r->ins);
    r->in_values = calloc((size_t)r->n_in, sizeof *r->in_values);
    r->outs = calloc((size_t)r->n_out, sizeof *r->outs);
    if (r->ins == NULL || r->in_values == NULL || r->outs == NULL) {
        fprintf(err, "plnet: out of memory\n");
        return 1;
    }
    pln_idx k = 0;
    for (pln_idx j = 0; j < t->inputs.n_picked; j++) {
        r->ins[k++] = (pln_input){r->b.dim > 1 ? (pln_input_kind)(PLN_IN_NODE_X + t->inputs.axis.v)
                                               : PLN_IN_NODE,
                                  t->inputs.picked[j]};
    }
    for (pln_idx j = 0; j < t->inputs.edges.n; j++) {
        r->ins[k++] = (pln_input){PLN_IN_EDGE, t->inputs.edges.v[j]};
    }
    for (pln_idx j = 0; j < r->n_in && j < t->inputs.values.n; j++) {
        r->in_values[j] = t->inputs.values.v[j];
    }
    k = 0;
    for (pln_idx j = 0; j < t->outputs.n_picked; j++) {
        r->outs[k++] = (pln_output){r->b.dim > 1
                                        ? (pln_output_kind)(PLN_OUT_NODE_X + t->outputs.axis.v)
                                        : PLN_OUT_NODE,
                                    t->outputs.picked[j]};
    }
    for (pln_idx j = 0; j < t->outputs.edges.n; j++) {
        r->outs[k++] = (pln_output){PLN_OUT_EDGE, t->outputs.edges.v[j]};
    }
    return 0;
}

/* Streams of the run's seed: build.c draws roles from the 1st split, conductances from the
 * 2nd and radii from the 3rd; the task takes the 4th and the trainer's seed the 5th. */
static void seed_streams(uint64_t seed, pln_rng *task, uint64_t *trainer_seed)
{
    pln_rng base;
    pln_rng skip;
    pln_rng tr;
    pln_rng_seed(&base, seed);
    for (int k = 0; k < 3; k++) {
        pln_rng_split(&base, &skip);
    }
    pln_rng_split(&base, task);
    pln_rng_split(&base, &tr);
    *trainer_seed = pln_rng_u64(&tr);
}

static int make_task(run *r, pln_rng *rng, FILE *err)
{
    const plnet_task_cfg *t = &r->cfg.task;
    pln_ctx *ctx = r->b.ctx;
    pln_status st = PLN_OK;
    r->classify = t->kind.v == PLNET_TASK_CLASSIFICATION;
    switch (t->kind.v) {
    case PLNET_TASK_ALLOSTERY:
        st = pln_task_allostery(ctx, r->n_in, r->ins, r->in_values, r->n_out, r->outs,
                                t->targets.v, &r->task);
        break;
    case PLNET_TASK_REGRESSION: {
        pln_regression_options ro;
        pln_regression_options_default(&ro);
        ro.n_train = t->n_examples.v;
        ro.n_test = t->test_examples.v;
        ro.input_low = t->input_range.v[0];
        ro.input_high = t->input_range.v[1];
        st = pln_task_regression(ctx, r->n_in, r->ins, r->n_out, r->outs, &ro, rng, &r->task);
        break;
    }
    default: {
        st = pln_table_read_csv(ctx, t->data_path, &r->table);
        if (st != PLN_OK) {
            const pln_error *e = pln_ctx_last_error(ctx);
            plnet_report_at(err, &r->cfg, t->data.at, "task.data: %s",
                            e->message[0] != '\0' ? e->message : pln_strerror(st));
            return st == PLN_ENOMEM ? 1 : 2;
        }
        pln_data_options o;
        pln_data_options_default(&o);
        o.test_fraction = t->test_fraction.v;
        o.label = t->label.v;
        o.true_level = t->true_level.v;
        o.false_level = t->false_level.v;
        o.square_inputs = t->square_inputs.v;
        o.mirror_inputs = t->mirror_inputs.v;
        o.n_input_columns = t->input_columns.n;
        o.input_columns = t->input_columns.n > 0 ? (const char *const *)t->input_columns.v : NULL;
        o.n_target_columns = t->target_columns.n;
        o.target_columns = (const char *const *)t->target_columns.v;
        if (r->classify) {
            st = pln_task_classification(ctx, r->table, r->n_in, r->ins, r->n_out, r->outs, &o,
                                         rng, &r->task);
        } else {
            st = pln_task_dataset(ctx, r->table, r->n_in, r->ins, r->n_out, r->outs, &o, rng,
                                  &r->task);
        }
        break;
    }
    }
    if (st != PLN_OK) {
        return report_setup(r, st, "task", err);
    }
    return 0;
}

/* ------------------------------------------------------------------ trainers */

/* The hardware of theta; with dof: both, `rest_half` picks the rest-length half (same
 * options, its own bounds edges.rest_length.min/max) over the stiffness half. */
static void hardware_of(const plnet_config *c, bool rest_half, pln_hardware *hw)
{
    const plnet_hardware_cfg *h = &c->learning.hardware;
    const int dof = c->learning.dof.v == PLNET_DOF_BOTH
                        ? (rest_half ? PLNET_DOF_REST_LENGTH : PLNET_DOF_STIFFNESS)
                        : c->learning.dof.v;
    const plnet_edge_init *bounds = dof == PLNET_DOF_RADIUS        ? &c->network.radius
                                    : dof == PLNET_DOF_STIFFNESS   ? &c->network.stiffness
                                    : dof == PLNET_DOF_REST_LENGTH ? &c->network.rest_length
                                                                   : &c->network.conductance;
    pln_hardware_default(hw);
    hw->clip = true;
    hw->min = bounds->min.v;
    hw->max = bounds->max.v;
    hw->levels = (pln_idx)h->levels.v;
    hw->spacing = h->spacing.v == PLNET_SPACING_LOG ? PLN_SPACING_LOG : PLN_SPACING_LINEAR;
    hw->update_noise = h->update_noise.v;
    hw->signal_noise = h->measurement_noise.v;
    hw->sign_updates = h->sign_updates.v;
    hw->sign_step = h->sign_step.v;
    hw->desync = h->desync.v;
}

static int engine_contrastive(run *r, uint64_t seed, FILE *err)
{
    const plnet_config *c = &r->cfg;
    pln_trainer_options o;
    pln_trainer_options_default(&o);
    static const pln_rule_kind rules[] = {PLN_RULE_COUPLED, PLN_RULE_COUPLED_CENTERED,
                                          PLN_RULE_EQUILIBRIUM, PLN_RULE_EQUILIBRIUM_CENTERED,
                                          PLN_RULE_DYADIC};
    o.rule.rule = rules[c->learning.rule.v];
    o.rule.rate = c->learning.rate.v;
    o.rule.nudge = c->learning.nudge.v;
    o.rule.asymmetry = c->learning.asymmetry.v;
    o.rule.dof = c->learning.dof.v == PLNET_DOF_RADIUS        ? PLN_DOF_RADIUS
                 : c->learning.dof.v == PLNET_DOF_REST_LENGTH ? PLN_DOF_REST_LENGTH
                 : c->learning.dof.v == PLNET_DOF_BOTH        ? PLN_DOF_BOTH
                                                              : PLN_DOF_CONDUCTANCE;
    o.rule.rate_rest_length = c->learning.rate_rest_length.v;
    hardware_of(c, false, &o.hardware);
    hardware_of(c, true, &o.hardware_rest_length);
    o.batch = (pln_idx)c->train.batch.v;
    o.seed = seed;
    o.temperature = c->energy.temperature.v;
    o.resolution = c->energy.resolution.v;
    pln_status st = pln_trainer_create(r->b.ctx, r->b.net, r->states, r->task, &o, &r->eng.tr);
    return st == PLN_OK ? 0 : report_setup(r, st, "trainer", err);
}

/* rule: temporal (SPEC 4): the TCL loop; one train step is one protocol period. */
static int engine_temporal(run *r, uint64_t seed, FILE *err)
{
    const plnet_config *c = &r->cfg;
    const plnet_protocol_cfg *p = &c->protocol;
    if (c->learning.dof.v == PLNET_DOF_RADIUS || c->learning.dof.v == PLNET_DOF_BOTH) {
        plnet_report_at(err, c, c->learning.dof.at.line > 0 ? c->learning.dof.at
                                                            : c->learning.rule.at,
                        "learning.dof: rule: temporal learns conductances, stiffnesses or rest "
                        "lengths (not radii, nor both at once)");
        return 2;
    }
    pln_tcl_options o;
    pln_tcl_options_default(&o);
    static const pln_protocol_kind kinds[] = {PLN_PROTO_TWO_PHASE, PLN_PROTO_SAWTOOTH,
                                              PLN_PROTO_TRIANGLE, PLN_PROTO_RANDOM_PHASES};
    static const pln_memory_kind memories[] = {PLN_MEMORY_INTEGRAL_FEEDBACK, PLN_MEMORY_KERNEL,
                                               PLN_MEMORY_MARKOV_LADDER};
    static const pln_nonlin_kind gs[] = {PLN_NONLIN_THRESHOLD, PLN_NONLIN_CUBIC,
                                         PLN_NONLIN_LINEAR};
    o.protocol.kind = kinds[p->kind.v];
    o.protocol.dt = p->dt.v;
    o.protocol.tau_fast = p->tau_fast.v;
    o.protocol.tau_slow = p->tau_slow.v;
    /* protocol.amplitude is the peak nudge in units of learning.nudge. */
    o.protocol.eta_max = p->amplitude.v * c->learning.nudge.v;
    if (!(o.protocol.eta_max > 0.0 && o.protocol.eta_max <= 1.0)) {
        plnet_report_at(err, c, p->amplitude.at.line > 0 ? p->amplitude.at : c->learning.nudge.at,
                        "protocol.amplitude x learning.nudge = %g must be in (0, 1]",
                        o.protocol.eta_max);
        return 2;
    }
    o.protocol.reverse = p->reverse.v;
    o.memory.kind = memories[p->memory_kind.v];
    o.memory.tau = p->memory_tau.v;
    o.memory.leak = p->memory_leak.v;
    {
        /* The keys of the other memories, random phases and refresh (cli/tcl_options.c). */
        pln_tcl_options all;
        plnet_tcl_options_from_config(c, &all);
        o.memory = all.memory;
        o.protocol.p_clamped = all.protocol.p_clamped;
        o.protocol.mean_clamped = all.protocol.mean_clamped;
        o.protocol.mean_free = all.protocol.mean_free;
        o.protocol.dist = all.protocol.dist;
        o.protocol.phase_shape = all.protocol.phase_shape;
        o.refresh = all.refresh;
    }
    o.g.kind = gs[p->nonlinearity_kind.v];
    o.g.theta = p->nonlinearity_theta.v;
    o.rate = c->learning.rate.v;
    o.apply = p->apply.v == PLNET_APPLY_PERIOD ? PLN_APPLY_PERIOD : PLN_APPLY_STEP;
    o.dof = c->learning.dof.v == PLNET_DOF_REST_LENGTH ? PLN_DOF_REST_LENGTH
                                                       : PLN_DOF_CONDUCTANCE;
    hardware_of(c, false, &o.hardware);
    o.seed = seed;
    o.temperature = c->energy.temperature.v;
    o.resolution = c->energy.resolution.v;
    pln_status st = pln_tcl_create(r->b.ctx, r->b.net, r->states, r->task, &o, &r->eng.tcl);
    if (st != PLN_OK) {
        return report_setup(r, st, "temporal trainer", err);
    }
    r->eng.temporal = true;
    return 0;
}

/* ------------------------------------------------------------------ text buffers */

static int buf_append(run *r, const char *s, size_t len)
{
    if (r->metrics_len + len + 1 > r->metrics_cap) {
        size_t cap = r->metrics_cap > 0 ? r->metrics_cap : 4096;
        while (cap < r->metrics_len + len + 1) {
            cap *= 2;
        }
        char *p = realloc(r->metrics, cap);
        if (p == NULL) {
            return 1;
        }
        r->metrics = p;
        r->metrics_cap = cap;
    }
    memcpy(r->metrics + r->metrics_len, s, len);
    r->metrics_len += len;
    r->metrics[r->metrics_len] = '\0';
    return 0;
}

static uint64_t fnv1a(const void *data, size_t len, uint64_t h)
{
    const unsigned char *p = data;
    for (size_t k = 0; k < len; k++) {
        h ^= p[k];
        h *= 0x100000001b3ULL;
    }
    return h;
}
#define FNV_SEED 0xcbf29ce484222325ULL

/* The configuration as a resume sees it: the resolved file with the keys that may change
 * between a run and its continuation blanked. */
static int make_fingerprint(run *r)
{
    plnet_config c = r->cfg; /* shallow: only scalars are changed */
    c.train.steps.v = 0;
    c.train.checkpoint_every.v = 0;
    c.output.dir.v = (char *)"";
    FILE *fp = open_memstream(&r->fingerprint, &r->fingerprint_len);
    if (fp == NULL) {
        return 1;
    }
    int rc = plnet_config_write(&c, fp);
    if (fclose(fp) != 0) {
        rc = 1;
    }
    return rc != 0 ? 1 : 0;
}

/* ------------------------------------------------------------------ metrics */

static void put_num(char *line, size_t size, size_t *len, double v)
{
    int w = snprintf(line + *len, size - *len, ",%.17g", v);
    if (w > 0 && *len + (size_t)w < size) {
        *len += (size_t)w;
    }
}

static int metrics_header(run *r)
{
    const char *h = r->eng.temporal
                        ? "step,time,loss,train_error,test_error%s,power_free,power_clamped,"
                          "joule,memory,bits,landauer,efficiency,joule_total,memory_total,"
                          "bits_total,landauer_total,efficiency_total\n"
                        : "step,loss,train_error,test_error%s,power_free,power_clamped,joule,"
                          "bits,landauer,joule_total,bits_total,landauer_total,"
                          "efficiency_total\n";
    char line[512];
    int len = snprintf(line, sizeof line, h, r->classify ? ",train_accuracy,test_accuracy" : "");
    return buf_append(r, line, (size_t)len);
}

static int log_row(run *r, int64_t step, FILE *err)
{
    pln_metrics tr, te;
    pln_status st = engine_evaluate(&r->eng, PLN_SPLIT_TRAIN, &tr);
    if (st == PLN_OK) {
        st = engine_evaluate(&r->eng, PLN_SPLIT_TEST, &te);
    }
    if (st != PLN_OK) {
        return plnet_report_lib(err, r->b.ctx, st, "evaluate");
    }
    const pln_ledger *l = engine_ledger(&r->eng);
    char line[1024];
    size_t len = (size_t)snprintf(line, sizeof line, "%" PRId64, step);
    if (r->eng.temporal) {
        put_num(line, sizeof line, &len, l->time_total);
    }
    put_num(line, sizeof line, &len, tr.loss);
    put_num(line, sizeof line, &len, tr.error);
    put_num(line, sizeof line, &len, te.error);
    if (r->classify) {
        put_num(line, sizeof line, &len, tr.accuracy);
        put_num(line, sizeof line, &len, te.accuracy);
    }
    bool fresh = step == 0 || l->steps == 0;
    put_num(line, sizeof line, &len, fresh ? 0.0 : l->power_free);
    put_num(line, sizeof line, &len, fresh ? 0.0 : l->power_clamped);
    put_num(line, sizeof line, &len, fresh ? 0.0 : l->joule);
    if (r->eng.temporal) {
        put_num(line, sizeof line, &len, fresh ? 0.0 : l->memory);
    }
    put_num(line, sizeof line, &len, fresh ? 0.0 : l->bits);
    put_num(line, sizeof line, &len, fresh ? 0.0 : l->landauer);
    if (r->eng.temporal) {
        put_num(line, sizeof line, &len, fresh ? 0.0 : l->efficiency);
    }
    put_num(line, sizeof line, &len, l->joule_total);
    if (r->eng.temporal) {
        put_num(line, sizeof line, &len, l->memory_total);
    }
    put_num(line, sizeof line, &len, l->bits_total);
    put_num(line, sizeof line, &len, l->landauer_total);
    double spent = l->joule_total + l->memory_total;
    put_num(line, sizeof line, &len, spent > 0.0 ? l->landauer_total / spent : 0.0);
    if (len + 1 < sizeof line) {
        line[len++] = '\n';
    }
    if (buf_append(r, line, len) != 0) {
        fprintf(err, "plnet: out of memory\n");
        return 1;
    }
    return 0;
}

/* ------------------------------------------------------------------ files */

static int write_text(const char *dir, const char *name, const char *text, size_t len, FILE *err)
{
    char *path = plnet_path_join(dir, name);
    plnet_outfile f;
    if (path == NULL || plnet_outfile_open(&f, path, err) != 0) {
        free(path);
        return 1;
    }
    free(path);
    if (len > 0 && fwrite(text, 1, len, f.fp) != len) {
        plnet_outfile_abort(&f);
        fprintf(err, "plnet: cannot write %s/%s\n", dir, name);
        return 1;
    }
    return plnet_outfile_commit(&f, err);
}

static int write_config(run *r, FILE *err)
{
    char *path = plnet_path_join(r->dir, "config.resolved.yaml");
    plnet_outfile f;
    if (path == NULL || plnet_outfile_open(&f, path, err) != 0) {
        free(path);
        return 1;
    }
    free(path);
    plnet_config_write(&r->cfg, f.fp);
    return plnet_outfile_commit(&f, err);
}

static int write_graphml(run *r, FILE *err)
{
    pln_graph *g = r->b.graph;
    pln_network *net = r->b.net;
    const bool spring = pln_network_rest_lengths(net) != NULL;
    pln_status st = pln_graph_edge_attr_set(g, spring ? "stiffness" : "conductance",
                                            pln_network_conductances(net));
    if (st == PLN_OK && spring) {
        st = pln_graph_edge_attr_set(g, "rest_length", pln_network_rest_lengths(net));
    }
    const double *radii = pln_network_kind(net) == PLN_KIND_FLOW ? pln_network_radii(net) : NULL;
    if (st == PLN_OK && radii != NULL) {
        st = pln_graph_edge_attr_set(g, "radius", radii);
    }
    if (st == PLN_OK) {
        st = pln_graph_node_label_set(g, "role", r->b.role);
    }
    if (st != PLN_OK) {
        return plnet_report_lib(err, r->b.ctx, st, "network.graphml");
    }
    char *path = plnet_path_join(r->dir, "network.graphml");
    char *tmp = plnet_path_join(r->dir, ".network.graphml.tmp");
    int rc = 0;
    if (path == NULL || tmp == NULL) {
        fprintf(err, "plnet: out of memory\n");
        rc = 1;
    } else {
        st = pln_graph_write_graphml(g, tmp);
        if (st != PLN_OK) {
            remove(tmp);
            rc = plnet_report_lib(err, r->b.ctx, st, "network.graphml");
        } else if (rename(tmp, path) != 0) {
            fprintf(err, "plnet: cannot rename %s to %s: %s\n", tmp, path, strerror(errno));
            remove(tmp);
            rc = 1;
        }
    }
    free(path);
    free(tmp);
    return rc;
}

/* Free-state outputs of a split, from the engine that trained. */
static pln_status split_outputs(run *r, pln_split split, double *o)
{
    return r->eng.temporal ? pln_tcl_outputs(r->eng.tcl, split, o)
                           : pln_trainer_outputs(r->eng.tr, split, o);
}

static int write_predictions(run *r, FILE *err)
{
    char *path = plnet_path_join(r->dir, "predictions.csv");
    plnet_outfile f;
    if (path == NULL || plnet_outfile_open(&f, path, err) != 0) {
        free(path);
        return 1;
    }
    free(path);
    pln_idx n_out = r->n_out;
    fputs("split,index", f.fp);
    for (pln_idx j = 0; j < n_out; j++) {
        fprintf(f.fp, ",output_%lld", (long long)j);
    }
    for (pln_idx j = 0; j < n_out; j++) {
        fprintf(f.fp, ",target_%lld", (long long)j);
    }
    fputs(r->classify ? ",predicted,true\n" : "\n", f.fp);
    int rc = 0;
    for (int s = 0; s < 2 && rc == 0; s++) {
        pln_split split = s == 0 ? PLN_SPLIT_TRAIN : PLN_SPLIT_TEST;
        pln_idx ne = pln_task_n_examples(r->task, split);
        double *o = malloc((size_t)(ne * n_out + 1) * sizeof *o);
        if (o == NULL) {
            fprintf(err, "plnet: out of memory\n");
            rc = 1;
            break;
        }
        pln_status st = split_outputs(r, split, o);
        if (st != PLN_OK) {
            free(o);
            rc = plnet_report_lib(err, r->b.ctx, st, "predictions");
            break;
        }
        for (pln_idx i = 0; i < ne; i++) {
            const double *oi = o + i * n_out;
            const double *ti = pln_task_example_targets(r->task, split, i);
            fprintf(f.fp, "%s,%lld", s == 0 ? "train" : "test", (long long)i);
            for (pln_idx j = 0; j < n_out; j++) {
                fprintf(f.fp, ",%.17g", oi[j]);
            }
            for (pln_idx j = 0; j < n_out; j++) {
                fprintf(f.fp, ",%.17g", ti[j]);
            }
            if (r->classify) {
                const char *pred = pln_task_class_name(r->task, pln_task_predict(r->task, oi));
                const char *truth =
                    pln_task_class_name(r->task, pln_task_example_label(r->task, split, i));
                fprintf(f.fp, ",%s,%s", pred != NULL ? pred : "", truth != NULL ? truth : "");
            }
            fputc('\n', f.fp);
        }
        free(o);
    }
    if (rc != 0) {
        plnet_outfile_abort(&f);
        return rc;
    }
    return plnet_outfile_commit(&f, err);
}

/* ------------------------------------------------------------------ checkpoints */

/* checkpoint.bin, little-endian:
 *   "PLNETCKP" | u32 version | u32 engine (0 contrastive, 1 temporal) | u64 step |
 *   u64 metrics bytes on the log grid | u64 their FNV-1a hash |
 *   u64 n + n bytes: the configuration fingerprint (resolved YAML) |
 *   u64 n + n bytes: the engine's own state | u64 FNV-1a hash of everything before. */
static const char ckpt_magic[8] = {'P', 'L', 'N', 'E', 'T', 'C', 'K', 'P'};
enum { CKPT_VERSION = 2 };

static void put_u64(unsigned char *p, uint64_t v)
{
    for (int k = 0; k < 8; k++) {
        p[k] = (unsigned char)(v >> (8 * k));
    }
}

static uint64_t get_u64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int k = 0; k < 8; k++) {
        v |= (uint64_t)p[k] << (8 * k);
    }
    return v;
}

static int write_checkpoint(run *r, FILE *err)
{
    size_t ssz = engine_state_size(&r->eng);
    size_t total = 8 + 8 + 8 + 16 + 8 + r->fingerprint_len + 8 + ssz + 8;
    unsigned char *buf = calloc(1, total);
    if (buf == NULL) {
        fprintf(err, "plnet: out of memory\n");
        return 1;
    }
    unsigned char *p = buf;
    memcpy(p, ckpt_magic, 8);
    p += 8;
    put_u64(p, (uint64_t)CKPT_VERSION | ((uint64_t)(r->eng.temporal ? 1 : 0) << 32));
    p += 8;
    put_u64(p, (uint64_t)engine_steps(&r->eng));
    p += 8;
    put_u64(p, (uint64_t)r->grid_len);
    put_u64(p + 8, fnv1a(r->metrics, r->grid_len, FNV_SEED));
    p += 16;
    put_u64(p, (uint64_t)r->fingerprint_len);
    p += 8;
    memcpy(p, r->fingerprint, r->fingerprint_len);
    p += r->fingerprint_len;
    put_u64(p, (uint64_t)ssz);
    p += 8;
    pln_status st = engine_save(&r->eng, p, ssz);
    p += ssz;
    put_u64(p, fnv1a(buf, (size_t)(p - buf), FNV_SEED));
    int rc = 0;
    if (st != PLN_OK) {
        rc = plnet_report_lib(err, r->b.ctx, st, "checkpoint");
    } else {
        rc = write_text(r->dir, "checkpoint.bin", (const char *)buf, total, err);
    }
    free(buf);
    return rc;
}

static char *read_file(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (fp == NULL) {
        return NULL;
    }
    char *data = NULL;
    size_t cap = 0;
    *len = 0;
    for (;;) {
        if (*len + 65536 + 1 > cap) {
            cap = cap > 0 ? 2 * cap : 65536 * 2;
            char *p = realloc(data, cap);
            if (p == NULL) {
                free(data);
                fclose(fp);
                return NULL;
            }
            data = p;
        }
        size_t got = fread(data + *len, 1, 65536, fp);
        *len += got;
        if (got < 65536) {
            break;
        }
    }
    bool bad = ferror(fp) != 0;
    fclose(fp);
    if (bad) {
        free(data);
        return NULL;
    }
    data[*len] = '\0';
    return data;
}

/* The first line where two YAML texts differ, for the refusal message. */
static void first_difference(const char *a, const char *b, char *out, size_t size)
{
    const char *la = a;
    const char *lb = b;
    while (*la != '\0' || *lb != '\0') {
        const char *ea = strchr(la, '\n');
        const char *eb = strchr(lb, '\n');
        size_t na = ea != NULL ? (size_t)(ea - la) : strlen(la);
        size_t nb = eb != NULL ? (size_t)(eb - lb) : strlen(lb);
        if (na != nb || memcmp(la, lb, na) != 0) {
            snprintf(out, size, "the run has '%.*s', this configuration '%.*s'", (int)na, la,
                     (int)nb, lb);
            return;
        }
        la += na + (ea != NULL);
        lb += nb + (eb != NULL);
    }
    snprintf(out, size, "they differ");
}

#define RESUME_FAIL(...)                                                                     \
    do {                                                                                     \
        fprintf(err, "plnet: --resume %s: ", r->dir);                                        \
        fprintf(err, __VA_ARGS__);                                                           \
        fputc('\n', err);                                                                    \
        rc = 2;                                                                              \
        goto done;                                                                           \
    } while (0)

/* Check DIR/checkpoint.bin against this configuration, restore the engine and the metrics
 * rows up to the checkpoint. Writes nothing. */
static int load_checkpoint(run *r, FILE *err)
{
    int rc = 0;
    size_t len = 0;
    size_t mlen = 0;
    char *path = plnet_path_join(r->dir, "checkpoint.bin");
    char *mpath = plnet_path_join(r->dir, "metrics.csv");
    unsigned char *buf = NULL;
    char *metrics = NULL;
    char *config = NULL;
    if (path == NULL || mpath == NULL) {
        fprintf(err, "plnet: out of memory\n");
        rc = 1;
        goto done;
    }
    buf = (unsigned char *)read_file(path, &len);
    if (buf == NULL) {
        RESUME_FAIL("cannot read %s: %s", path, strerror(errno));
    }
    size_t fixed = 8 + 8 + 8 + 16 + 8;
    if (len < fixed + 16 || memcmp(buf, ckpt_magic, 8) != 0) {
        RESUME_FAIL("%s is not a plnet checkpoint", path);
    }
    if (get_u64(buf + len - 8) != fnv1a(buf, len - 8, FNV_SEED)) {
        RESUME_FAIL("%s is damaged (checksum mismatch)", path);
    }
    uint64_t vk = get_u64(buf + 8);
    if ((vk & 0xffffffffu) != CKPT_VERSION) {
        RESUME_FAIL("%s has format version %u; this plnet reads version %d", path,
                    (unsigned)(vk & 0xffffffffu), CKPT_VERSION);
    }
    bool temporal = (vk >> 32) != 0;
    int64_t step = (int64_t)get_u64(buf + 16);
    size_t grid = (size_t)get_u64(buf + 24);
    uint64_t ghash = get_u64(buf + 32);
    size_t clen = (size_t)get_u64(buf + 40);
    if (clen > len - fixed - 16) {
        RESUME_FAIL("%s is truncated", path);
    }
    const unsigned char *cfgtext = buf + fixed;
    size_t slen = (size_t)get_u64(buf + fixed + clen);
    if (slen != len - fixed - clen - 16) {
        RESUME_FAIL("%s is truncated", path);
    }
    config = malloc(clen + 1);
    if (config == NULL) {
        fprintf(err, "plnet: out of memory\n");
        rc = 1;
        goto done;
    }
    memcpy(config, cfgtext, clen);
    config[clen] = '\0';
    if (temporal != r->eng.temporal || clen != r->fingerprint_len ||
        memcmp(config, r->fingerprint, clen) != 0) {
        char diff[600];
        first_difference(config, r->fingerprint, diff, sizeof diff);
        RESUME_FAIL("the run was made with another configuration (%s); resume with the "
                    "run's own configuration (only train.steps, train.checkpoint_every and "
                    "output.dir may change)", diff);
    }
    if (step > r->cfg.train.steps.v) {
        plnet_report_at(err, &r->cfg, r->cfg.train.steps.at,
                        "train.steps = %lld, but the run in %s is already at step %lld",
                        (long long)r->cfg.train.steps.v, r->dir, (long long)step);
        rc = 2;
        goto done;
    }
    metrics = read_file(mpath, &mlen);
    if (metrics == NULL) {
        RESUME_FAIL("cannot read %s: %s", mpath, strerror(errno));
    }
    if (mlen < grid || fnv1a(metrics, grid, FNV_SEED) != ghash) {
        RESUME_FAIL("%s does not hold the rows of the checkpoint (edited or from another run)",
                    mpath);
    }
    pln_status st = engine_load(&r->eng, buf + fixed + clen + 8, slen);
    if (st != PLN_OK) {
        rc = plnet_report_lib(err, r->b.ctx, st, "--resume: checkpoint.bin");
        goto done;
    }
    if (engine_steps(&r->eng) != step) {
        RESUME_FAIL("%s: step %lld in the header, %lld in the state", path, (long long)step,
                    (long long)engine_steps(&r->eng));
    }
    /* The rows after the grid (an off-grid last step) are redone by the continuation. */
    r->metrics_len = 0;
    if (buf_append(r, metrics, grid) != 0) {
        fprintf(err, "plnet: out of memory\n");
        rc = 1;
        goto done;
    }
    r->grid_len = grid;
done:
    free(path);
    free(mpath);
    free(buf);
    free(metrics);
    free(config);
    return rc;
}

/* ------------------------------------------------------------------ progress */

typedef struct progress {
    bool on;
    bool drawn;
    struct timespec start, last;
    int64_t first;
} progress;

static double seconds_since(const struct timespec *t0, const struct timespec *t1)
{
    return (double)(t1->tv_sec - t0->tv_sec) + 1e-9 * (double)(t1->tv_nsec - t0->tv_nsec);
}

static void progress_show(progress *pg, int64_t step, int64_t total, FILE *err, bool force)
{
    if (!pg->on) {
        return;
    }
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (!force && pg->drawn && seconds_since(&pg->last, &now) < 0.1) {
        return;
    }
    pg->last = now;
    double elapsed = seconds_since(&pg->start, &now);
    double frac = total > 0 ? (double)step / (double)total : 1.0;
    int width = 30;
    int fill = (int)(frac * width + 0.5);
    char bar[40];
    for (int k = 0; k < width; k++) {
        bar[k] = k < fill ? '#' : '.';
    }
    bar[width] = '\0';
    int64_t done = step - pg->first;
    double eta = done > 0 ? elapsed * (double)(total - step) / (double)done : 0.0;
    fprintf(err, "\r[%s] %3.0f%% step %" PRId64 "/%" PRId64 "  %.1fs  ETA %.1fs ", bar,
            100.0 * frac, step, total, elapsed, eta);
    fflush(err);
    pg->drawn = true;
}

static void progress_end(progress *pg, FILE *err)
{
    if (pg->on && pg->drawn) {
        fputc('\n', err);
        pg->drawn = false;
    }
}

/* ------------------------------------------------------------------ the command */

/* A word the shell reads back as it is: quoted when it holds anything but safe characters. */
static void put_shell_word(FILE *f, const char *w)
{
    if (w[0] != '\0' && strspn(w, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                   "0123456789_.,=+-/:@") == strlen(w)) {
        fputs(w, f);
        return;
    }
    fputc('\'', f);
    for (const char *c = w; *c != '\0'; c++) {
        if (*c == '\'') {
            fputs("'\\''", f);
        } else {
            fputc(*c, f);
        }
    }
    fputc('\'', f);
}

static int parse_train_args(int argc, char **argv, run *r, const char **output, FILE *out,
                            FILE *err)
{
    *output = NULL;
    const char *resume = NULL;
    bool only_positional = false;
    for (int k = 1; k < argc; k++) {
        const char *s = argv[k];
        if (!only_positional && (strcmp(s, "--help") == 0 || strcmp(s, "-h") == 0)) {
            fputs(usage, out);
            return -1;
        }
        int set_rc = only_positional ? 1 : plnet_set_option(argc, argv, &k, &r->sets, err);
        if (set_rc == 0) {
            continue;
        }
        if (set_rc != 1) {
            return set_rc;
        }
        if (!only_positional && strcmp(s, "--") == 0) {
            only_positional = true;
        } else if (!only_positional && (strcmp(s, "-o") == 0 || strcmp(s, "--output") == 0 ||
                                        strcmp(s, "--resume") == 0)) {
            if (k + 1 >= argc) {
                fprintf(err, "plnet: train: %s needs a value\n", s);
                return 2;
            }
            if (strcmp(s, "--resume") == 0) {
                resume = argv[++k];
            } else {
                *output = argv[++k];
            }
        } else if (!only_positional && strncmp(s, "--output=", 9) == 0) {
            *output = s + 9;
        } else if (!only_positional && strncmp(s, "--resume=", 9) == 0) {
            resume = s + 9;
        } else if (!only_positional && (strcmp(s, "--quiet") == 0 || strcmp(s, "-q") == 0)) {
            r->quiet = true;
        } else if (!only_positional && s[0] == '-' && s[1] != '\0') {
            fprintf(err, "plnet: train: unknown option '%s' (see plnet train --help)\n", s);
            return 2;
        } else if (r->config_arg == NULL) {
            r->config_arg = s;
        } else {
            fprintf(err, "plnet: train: unexpected argument '%s' (one CONFIG file)\n", s);
            return 2;
        }
    }
    if (r->config_arg == NULL) {
        fprintf(err, "plnet: train: missing CONFIG.yaml (see plnet train --help)\n");
        return 2;
    }
    if (resume != NULL && *output != NULL && strcmp(resume, *output) != 0) {
        fprintf(err, "plnet: train: --resume %s writes into %s; drop -o %s\n", resume, resume,
                *output);
        return 2;
    }
    if (resume != NULL) {
        if (resume[0] == '\0') {
            fprintf(err, "plnet: train: --resume needs a run folder\n");
            return 2;
        }
        *output = resume;
        r->resume = true;
    }
    return 0;
}

/* Everything that can fail on the configuration, before any file is written. */
static int set_up(run *r, FILE *err)
{
    int rc = plnet_config_load_with(r->config_arg, r->sets.v, r->sets.n, &r->cfg, err);
    if (rc != 0) {
        return rc;
    }
    if ((rc = plnet_build_graph(&r->cfg, &r->b, err)) != 0 ||
        (rc = plnet_build_network(&r->cfg, &r->b, err)) != 0 || (rc = make_ports(r, err)) != 0) {
        return rc;
    }
    pln_rng task_rng;
    uint64_t trainer_seed = 0;
    seed_streams((uint64_t)r->cfg.seed.v, &task_rng, &trainer_seed);
    if ((rc = make_task(r, &task_rng, err)) != 0) {
        return rc;
    }
    pln_states_options so;
    pln_states_options_default(&so);
    so.max_rhs = (pln_idx)r->cfg.train.batch.v;
    so.newton_tol = r->cfg.network.newton_tol.v;
    so.newton_max_iter = (pln_idx)r->cfg.network.newton_max_iter.v;
    plnet_solver_options_from_config(&r->cfg, &so.solver);
    pln_status st = pln_states_create(r->b.ctx, r->b.net, r->n_out, r->outs, &so, &r->states);
    if (st != PLN_OK) {
        return report_setup(r, st, "states", err);
    }
    rc = r->cfg.learning.rule.v == PLNET_RULE_TEMPORAL ? engine_temporal(r, trainer_seed, err)
                                                        : engine_contrastive(r, trainer_seed, err);
    if (rc != 0) {
        return rc;
    }
    if (make_fingerprint(r) != 0) {
        fprintf(err, "plnet: out of memory\n");
        return 1;
    }
    return 0;
}

static int write_all(run *r, bool with_config, FILE *err)
{
    int rc = write_text(r->dir, "metrics.csv", r->metrics, r->metrics_len, err);
    if (rc == 0) {
        rc = write_checkpoint(r, err);
    }
    if (rc == 0) {
        rc = write_graphml(r, err);
    }
    if (rc == 0) {
        rc = write_predictions(r, err);
    }
    if (rc == 0 && with_config) {
        rc = write_config(r, err);
    }
    return rc;
}

static int train_loop(run *r, FILE *err, int64_t *stopped_at)
{
    const plnet_train_cfg *t = &r->cfg.train;
    int64_t steps = t->steps.v;
    progress pg;
    memset(&pg, 0, sizeof pg);
    pg.on = !r->quiet && isatty(fileno(err));
    clock_gettime(CLOCK_MONOTONIC, &pg.start);
    pg.first = engine_steps(&r->eng);

    struct sigaction sa;
    struct sigaction old_int;
    struct sigaction old_term;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    /* Restart interrupted system calls: a checkpoint being written when the signal comes
     * completes, and the loop stops after it. */
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    stop_signal = 0;
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);

    int rc = 0;
    *stopped_at = -1;
    while (engine_steps(&r->eng) < steps) {
        if (stop_signal != 0) {
            *stopped_at = engine_steps(&r->eng);
            break;
        }
        pln_status st = engine_step(&r->eng);
        if (st != PLN_OK) {
            progress_end(&pg, err);
            rc = plnet_report_lib(err, r->b.ctx, st, "train step");
            break;
        }
        int64_t s = engine_steps(&r->eng);
        if (s % t->log_every.v == 0) {
            if ((rc = log_row(r, s, err)) != 0) {
                break;
            }
            r->grid_len = r->metrics_len;
        }
        if (t->checkpoint_every.v > 0 && s % t->checkpoint_every.v == 0 && s < steps) {
            rc = write_text(r->dir, "metrics.csv", r->metrics, r->metrics_len, err);
            if (rc == 0) {
                rc = write_checkpoint(r, err);
            }
            if (rc != 0) {
                break;
            }
        }
        progress_show(&pg, s, steps, err, false);
    }
    if (rc == 0 && *stopped_at < 0 && stop_signal != 0 && engine_steps(&r->eng) < steps) {
        *stopped_at = engine_steps(&r->eng);
    }
    progress_show(&pg, engine_steps(&r->eng), steps, err, true);
    progress_end(&pg, err);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    return rc;
}

int plnet_cmd_train(int argc, char **argv, FILE *out, FILE *err)
{
    run r;
    memset(&r, 0, sizeof r);
    const char *output = NULL;
    int rc = parse_train_args(argc, argv, &r, &output, out, err);
    if (rc != 0) {
        plnet_overrides_free(&r.sets);
        return rc < 0 ? 0 : rc;
    }
    rc = set_up(&r, err);
    if (rc == 0) {
        r.dir = output != NULL ? output : r.cfg.output.dir.v;
    }
    if (rc == 0 && r.resume) {
        rc = load_checkpoint(&r, err);
    }
    /* Only now, with everything validated, does the output folder appear. */
    if (rc == 0 && !r.resume) {
        rc = plnet_mkdirs(r.dir, err);
        if (rc == 0) {
            rc = metrics_header(&r) != 0 ? 1 : 0;
        }
        if (rc == 0) {
            rc = log_row(&r, 0, err);
            r.grid_len = r.metrics_len;
        }
    }
    if (rc == 0) {
        rc = write_config(&r, err);
    }
    int64_t stopped_at = -1;
    if (rc == 0) {
        rc = train_loop(&r, err, &stopped_at);
    }
    int64_t last = r.eng.tr != NULL || r.eng.tcl != NULL ? engine_steps(&r.eng) : 0;
    if (rc == 0 && stopped_at < 0 && last % r.cfg.train.log_every.v != 0) {
        rc = log_row(&r, last, err); /* the last step, off the log grid */
    }
    if (rc == 0) {
        rc = write_all(&r, false, err);
    }
    if (rc == 0 && stopped_at >= 0) {
        fprintf(err, "plnet: interrupted at step %lld; resume with: plnet train %s",
                (long long)stopped_at, r.config_arg);
        for (size_t k = 0; k < r.sets.n; k++) {
            fputs(" --set ", err);
            put_shell_word(err, r.sets.v[k].origin + 6); /* "--set KEY=VALUE" */
        }
        fprintf(err, " --resume %s\n", r.dir);
        rc = stop_signal == SIGINT ? 130 : 143;
    } else if (rc == 0 && !r.quiet) {
        pln_metrics tr, te;
        if (engine_evaluate(&r.eng, PLN_SPLIT_TRAIN, &tr) == PLN_OK &&
            engine_evaluate(&r.eng, PLN_SPLIT_TEST, &te) == PLN_OK) {
            fprintf(out, "%s: %lld steps; train error %.6g, test error %.6g", r.cfg.name.v,
                    (long long)last, tr.error, te.error);
            if (r.classify) {
                fprintf(out, ", test accuracy %.4g", te.accuracy);
            }
            /* The ledger of SPEC 5, cumulated over the run. */
            const pln_ledger *lg = engine_ledger(&r.eng);
            fprintf(out, "\nenergy (SPEC 5, T = %g K): Joule heat %.6g J", lg->temperature,
                    lg->joule_total);
            if (pln_ledger_memory_modelled(lg)) {
                fprintf(out, ", memory %.6g J", lg->memory_total);
            } else {
                fprintf(out, ", memory not modelled");
            }
            fprintf(out, ", Landauer floor %.6g J (%.6g bits), efficiency %.3g\nresults in %s/\n",
                    lg->landauer_total, lg->bits_total, lg->efficiency_total, r.dir);
        }
    }
    run_free(&r);
    return rc;
}
