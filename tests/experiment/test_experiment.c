/* test_experiment.c — the experiment layer from its description alone: streams, a divider solved by hand, theta set and refused, logging on the grid, runs continued, interrupted and resumed from checkpoints bit for bit, and errors keyed to the configuration. */
#include "pln_experiment.h"
#include "test_support.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

TestSuite(experiment, .fini = ts_check_leaks, .timeout = 60);

/* Relative tolerance for a 3-node divider solved by Cholesky: a few ulps of the potentials. */
#define DIVIDER_TOL 1e-14

static pln_ctx *ctx_new(void)
{
    pln_ctx *ctx = NULL;
    cr_assert_eq(pln_ctx_create(&ctx), PLN_OK);
    return ctx;
}

Test(experiment, streams_are_the_children_of_the_seed)
{
    /* The contract of pln_stream: stream s is the (s+1)-th child of the seeded generator. */
    for (int s = 0; s <= (int)PLN_STREAM_REST_LENGTHS; s++) {
        pln_rng base;
        pln_rng child;
        pln_rng_seed(&base, 42);
        for (int k = 0; k <= s; k++) {
            pln_rng_split(&base, &child);
        }
        pln_rng got;
        pln_experiment_stream(42, (pln_stream)s, &got);
        cr_assert_eq(pln_rng_u64(&got), pln_rng_u64(&child), "stream %d", s);
    }
    pln_rng a, b;
    pln_experiment_stream(42, PLN_STREAM_ROLES, &a);
    pln_experiment_stream(42, PLN_STREAM_EDGES, &b);
    cr_assert_neq(pln_rng_u64(&a), pln_rng_u64(&b));
}

/* A 3 x 1 lattice: nodes 0 - 1 - 2, edges 0 = (0, 1) and 1 = (1, 2); ground 0, input at node 2
 * (1 V), output node 1. With conductances k0, k1 the output is k1 / (k0 + k1). */
static const pln_idx chain_in[] = {2};
static const double chain_in_v[] = {1.0};
static const pln_idx chain_out[] = {1};
static const double chain_target[] = {0.8};
static const pln_idx chain_ground[] = {0};

static void chain_desc(pln_experiment_desc *d)
{
    pln_experiment_desc_default(d);
    d->network.graph.size[0] = 3;
    d->network.graph.size[1] = 1;
    d->network.conductance.init = PLN_INIT_CONSTANT;
    d->network.conductance.value = 2.0;
    d->boundary.n_ground = 1;
    d->boundary.ground = chain_ground;
    d->task.inputs.n_nodes = 1;
    d->task.inputs.nodes = chain_in;
    d->task.inputs.n_values = 1;
    d->task.inputs.values = chain_in_v;
    d->task.outputs.n_nodes = 1;
    d->task.outputs.nodes = chain_out;
    d->task.n_targets = 1;
    d->task.targets = chain_target;
    d->learning.rule.rate = 0.5;
    d->train.log_every = 15;
}

Test(experiment, a_divider_solves_as_by_hand)
{
    pln_ctx *ctx = ctx_new();
    pln_experiment_desc d;
    chain_desc(&d);
    pln_experiment *x = NULL;
    cr_assert_eq(pln_experiment_create(ctx, &d, PLN_BUILD_NETWORK, &x), PLN_OK, "%s",
                 pln_ctx_last_error(ctx)->message);
    cr_assert_eq(pln_experiment_stage(x), PLN_BUILD_NETWORK);
    double p[3];
    pln_solve_result r;
    cr_assert_eq(pln_experiment_solve(x, p, &r), PLN_OK);
    cr_assert(fabs(p[0]) < DIVIDER_TOL && fabs(p[1] - 0.5) < DIVIDER_TOL &&
              fabs(p[2] - 1.0) < DIVIDER_TOL, "%g %g %g", p[0], p[1], p[2]);
    /* Two 2 S edges with 0.5 V across each: P = 2 x 2 x 0.25 W. */
    cr_assert(fabs(r.power - 1.0) < DIVIDER_TOL && fabs(r.supplied - 1.0) < DIVIDER_TOL);
    const char *const *role = pln_experiment_roles(x);
    cr_assert_str_eq(role[0], "ground");
    cr_assert_str_eq(role[1], "output");
    cr_assert_str_eq(role[2], "input");
    /* No learner yet: learning calls refuse. */
    cr_assert_eq(pln_experiment_step(x), PLN_EINVAL);
    cr_assert_eq(pln_experiment_build(x, PLN_BUILD_LEARNER), PLN_OK);
    cr_assert_eq(pln_experiment_n_theta(x), 2);
    pln_experiment_destroy(x);
    pln_ctx_destroy(ctx);
}

Test(experiment, theta_set_takes_effect_and_bad_theta_is_refused_leaving_it_unchanged)
{
    pln_ctx *ctx = ctx_new();
    pln_experiment_desc d;
    chain_desc(&d);
    pln_experiment *x = NULL;
    cr_assert_eq(pln_experiment_create(ctx, &d, PLN_BUILD_LEARNER, &x), PLN_OK);
    const double k[2] = {0.7, 2.1};
    cr_assert_eq(pln_experiment_set_theta(x, k, 2), PLN_OK);
    double o = 0.0;
    cr_assert_eq(pln_experiment_outputs(x, PLN_SPLIT_TRAIN, &o), PLN_OK);
    double want = k[1] / (k[0] + k[1]);
    cr_assert(fabs(o - want) < DIVIDER_TOL, "output %.17g, by hand %.17g", o, want);
    double p[3];
    cr_assert_eq(pln_experiment_solve(x, p, NULL), PLN_OK);
    cr_assert(fabs(p[1] - want) < DIVIDER_TOL);
    /* Refusals: wrong length, NaN, below the bounds [1e-3, 1e3]; nothing changes. */
    const double nan2[2] = {1.0, NAN};
    const double low[2] = {1e-4, 1.0};
    cr_assert_eq(pln_experiment_set_theta(x, k, 1), PLN_EDIM);
    cr_assert_eq(pln_experiment_set_theta(x, nan2, 2), PLN_EINVAL);
    cr_assert_eq(pln_ctx_last_error(ctx)->edge, 1);
    cr_assert_eq(pln_experiment_set_theta(x, low, 2), PLN_EINVAL);
    cr_assert_eq(pln_ctx_last_error(ctx)->edge, 0);
    const double *t = pln_experiment_theta(x);
    cr_assert(t[0] == k[0] && t[1] == k[1]);
    double o2 = 0.0;
    cr_assert_eq(pln_experiment_outputs(x, PLN_SPLIT_TRAIN, &o2), PLN_OK);
    cr_assert(o2 == o);
    pln_experiment_destroy(x);
    pln_ctx_destroy(ctx);
}

/* Every logged row of two experiments, bit for bit. */
static void same_rows(pln_experiment *a, pln_experiment *b)
{
    pln_idx na = pln_experiment_metrics_n_rows(a), nb = pln_experiment_metrics_n_rows(b);
    pln_idx nc = pln_experiment_metrics_n_columns(a);
    cr_assert_eq(na, nb, "%ld rows against %ld", (long)na, (long)nb);
    cr_assert_eq(nc, pln_experiment_metrics_n_columns(b));
    cr_assert(memcmp(pln_experiment_metrics_rows(a), pln_experiment_metrics_rows(b),
                     (size_t)(na * nc) * sizeof(double)) == 0);
    pln_idx m = pln_experiment_n_theta(a);
    cr_assert(memcmp(pln_experiment_theta(a), pln_experiment_theta(b),
                     (size_t)m * sizeof(double)) == 0);
}

/* A regression with batches, update noise and desync: every step draws. */
static const pln_idx reg_in[] = {3, 9};
static const pln_idx reg_out[] = {20, 25};

static void regression_desc(pln_experiment_desc *d, pln_learner_kind learner)
{
    pln_experiment_desc_default(d);
    d->seed = 4;
    d->network.graph.generator = PLN_GEN_ERDOS_RENYI;
    d->network.graph.n = 30;
    d->network.graph.mean_degree = 5.0;
    d->network.conductance.init = PLN_INIT_UNIFORM;
    d->task.kind = PLN_TASK_REGRESSION;
    d->task.inputs.n_nodes = 2;
    d->task.inputs.nodes = reg_in;
    d->task.outputs.n_nodes = 2;
    d->task.outputs.nodes = reg_out;
    d->task.regression.n_train = 12;
    d->task.regression.n_test = 7;
    d->learning.learner = learner;
    d->learning.rule.rate = learner == PLN_LEARNER_TEMPORAL ? 2.0 : 0.5;
    d->learning.rule.nudge = 0.2;
    d->learning.hardware.update_noise = 0.2;
    d->learning.hardware.desync = 0.6;
    d->temporal.protocol.dt = 0.1;
    d->train.batch = 3;
    d->train.log_every = 7;
}

static pln_experiment *make(pln_ctx *ctx, const pln_experiment_desc *d)
{
    pln_experiment *x = NULL;
    cr_assert_eq(pln_experiment_create(ctx, d, PLN_BUILD_LEARNER, &x), PLN_OK, "%s",
                 pln_ctx_last_error(ctx)->message);
    cr_assert_eq(pln_experiment_set_config(x, "resolved\n", "the same configuration\n"),
                 PLN_OK);
    return x;
}

static void rows_and_continuation(pln_learner_kind learner)
{
    pln_ctx *ctx = ctx_new();
    pln_experiment_desc d;
    regression_desc(&d, learner);
    pln_experiment *a = make(ctx, &d);
    pln_experiment *b = make(ctx, &d);
    /* Row 0 exists from the start; the row length is the column count. */
    cr_assert_eq(pln_experiment_metrics_n_rows(a), 1);
    const char *unit = NULL;
    cr_assert_str_eq(pln_experiment_metrics_column(a, 0, &unit), "step");
    cr_assert_str_eq(unit, "1");
    /* a: 20 steps and the end of a run (rows 0, 7, 14 and 20), then on to 25. */
    cr_assert_eq(pln_experiment_run(a, 20, NULL, NULL), PLN_OK);
    cr_assert_eq(pln_experiment_finish(a), PLN_OK);
    cr_assert_eq(pln_experiment_metrics_n_rows(a), 4);
    const double *rows = pln_experiment_metrics_rows(a);
    pln_idx nc = pln_experiment_metrics_n_columns(a);
    cr_assert(rows[0] == 0.0 && rows[nc] == 7.0 && rows[2 * nc] == 14.0 && rows[3 * nc] == 20.0);
    for (int k = 0; k < 5; k++) {
        cr_assert_eq(pln_experiment_step(a), PLN_OK);
    }
    /* b: 25 steps straight. The off-grid row of a's first run is gone. */
    cr_assert_eq(pln_experiment_run(b, 25, NULL, NULL), PLN_OK);
    cr_assert_eq(pln_experiment_steps(a), 25);
    same_rows(a, b);
    pln_experiment_destroy(a);
    pln_experiment_destroy(b);
    pln_ctx_destroy(ctx);
}

Test(experiment, stepping_on_after_a_finished_run_repeats_a_straight_run_contrastive)
{
    rows_and_continuation(PLN_LEARNER_CONTRASTIVE);
}

Test(experiment, stepping_on_after_a_finished_run_repeats_a_straight_run_temporal)
{
    rows_and_continuation(PLN_LEARNER_TEMPORAL);
}

static void checkpoint_resume(pln_learner_kind learner)
{
    pln_ctx *ctx = ctx_new();
    pln_experiment_desc d;
    regression_desc(&d, learner);
    pln_experiment *straight = make(ctx, &d);
    cr_assert_eq(pln_experiment_run(straight, 30, NULL, NULL), PLN_OK);
    /* 16 steps (off the grid: the checkpoint holds rows 0, 7, 14), saved, restored into a
     * fresh experiment of the same description, run on to 30. */
    pln_experiment *first = make(ctx, &d);
    cr_assert_eq(pln_experiment_run(first, 16, NULL, NULL), PLN_OK);
    cr_assert_eq(pln_experiment_finish(first), PLN_OK);
    size_t size = pln_experiment_checkpoint_size(first);
    unsigned char *buf = malloc(size);
    cr_assert_eq(pln_experiment_checkpoint_save(first, buf, size), PLN_OK);
    pln_experiment *second = make(ctx, &d);
    cr_assert_eq(pln_experiment_checkpoint_load(second, buf, size), PLN_OK, "%s",
                 pln_ctx_last_error(ctx)->message);
    cr_assert_eq(pln_experiment_steps(second), 16);
    cr_assert_eq(pln_experiment_metrics_n_rows(second), 3);
    cr_assert_eq(pln_experiment_run(second, 30, NULL, NULL), PLN_OK);
    same_rows(straight, second);
    /* Another configuration is refused by name; a damaged buffer too. */
    pln_experiment *other = make(ctx, &d);
    cr_assert_eq(pln_experiment_set_config(other, NULL, "another configuration\n"), PLN_OK);
    cr_assert_eq(pln_experiment_checkpoint_load(other, buf, size), PLN_EINVAL);
    cr_assert_str_eq(pln_ctx_last_error(ctx)->key, "fingerprint");
    cr_assert(strstr(pln_ctx_last_error(ctx)->message, "the run has 'the same configuration', "
                                                      "this configuration 'another "
                                                      "configuration'") != NULL,
              "%s", pln_ctx_last_error(ctx)->message);
    buf[size / 2] ^= 1;
    cr_assert_eq(pln_experiment_checkpoint_load(other, buf, size), PLN_EINVAL);
    cr_assert(strstr(pln_ctx_last_error(ctx)->message, "checksum") != NULL);
    free(buf);
    pln_experiment_destroy(other);
    pln_experiment_destroy(first);
    pln_experiment_destroy(second);
    pln_experiment_destroy(straight);
    pln_ctx_destroy(ctx);
}

Test(experiment, a_checkpoint_resumes_bit_for_bit_contrastive)
{
    checkpoint_resume(PLN_LEARNER_CONTRASTIVE);
}

Test(experiment, a_checkpoint_resumes_bit_for_bit_temporal)
{
    checkpoint_resume(PLN_LEARNER_TEMPORAL);
}

/* Stops the run when asked the fifth time. */
static pln_status stop_at_fifth(double fraction, const char *what, void *user)
{
    (void)fraction;
    cr_assert_str_eq(what, "train");
    int *calls = user;
    return ++*calls >= 5 ? PLN_EINTERRUPTED : PLN_OK;
}

static pln_status count_steps(pln_experiment *x, int64_t step, void *user)
{
    cr_assert_eq(step, pln_experiment_steps(x));
    (*(int *)user)++;
    return PLN_OK;
}

Test(experiment, an_interrupted_run_stops_between_steps_and_goes_on_unchanged)
{
    pln_ctx *ctx = ctx_new();
    pln_experiment_desc d;
    regression_desc(&d, PLN_LEARNER_CONTRASTIVE);
    pln_experiment *straight = make(ctx, &d);
    cr_assert_eq(pln_experiment_run(straight, 12, NULL, NULL), PLN_OK);
    pln_experiment *x = make(ctx, &d);
    int calls = 0;
    int seen = 0;
    pln_ctx_set_progress(ctx, stop_at_fifth, &calls);
    cr_assert_eq(pln_experiment_run(x, 12, count_steps, &seen), PLN_EINTERRUPTED);
    cr_assert_eq(pln_experiment_steps(x), 4);
    cr_assert_eq(seen, 4);
    pln_ctx_set_progress(ctx, NULL, NULL);
    cr_assert_eq(pln_experiment_run(x, 12, NULL, NULL), PLN_OK);
    same_rows(straight, x);
    pln_experiment_destroy(x);
    pln_experiment_destroy(straight);
    pln_ctx_destroy(ctx);
}

/* Stops the run half-way through the third protocol period (the callback is asked before
 * every step, "train", and before every time step of a period). */
typedef struct mid_period {
    int steps_asked;
    int period_calls;
} mid_period;

static pln_status stop_mid_third_period(double fraction, const char *what, void *user)
{
    mid_period *m = user;
    if (strcmp(what, "train") == 0) {
        m->steps_asked++;
        return PLN_OK;
    }
    cr_assert_str_eq(what, "a protocol period");
    cr_assert(fraction > 0.0 && fraction <= 1.0, "fraction %g", fraction);
    m->period_calls++;
    return m->steps_asked == 3 && fraction >= 0.5 ? PLN_EINTERRUPTED : PLN_OK;
}

Test(experiment, a_stop_inside_a_protocol_period_undoes_that_period_and_goes_on_unchanged)
{
    pln_ctx *ctx = ctx_new();
    pln_experiment_desc d;
    regression_desc(&d, PLN_LEARNER_TEMPORAL);
    pln_experiment *two = make(ctx, &d);
    cr_assert_eq(pln_experiment_run(two, 2, NULL, NULL), PLN_OK);
    pln_experiment *straight = make(ctx, &d);
    cr_assert_eq(pln_experiment_run(straight, 12, NULL, NULL), PLN_OK);
    pln_experiment *x = make(ctx, &d);
    mid_period m = {0, 0};
    pln_ctx_set_progress(ctx, stop_mid_third_period, &m);
    cr_assert_eq(pln_experiment_run(x, 12, NULL, NULL), PLN_EINTERRUPTED);
    pln_ctx_set_progress(ctx, NULL, NULL);
    /* Asked inside the periods (100 time steps each at dt 0.1), and stopped in the third. */
    cr_assert_eq(m.steps_asked, 3);
    cr_assert(m.period_calls > 200 && m.period_calls < 300, "%d calls", m.period_calls);
    cr_assert_eq(pln_ctx_last_error(ctx)->code, PLN_EINTERRUPTED);
    /* The third period is undone: the state is the one after two periods, bit for bit ... */
    cr_assert_eq(pln_experiment_steps(x), 2);
    same_rows(two, x);
    size_t size = pln_experiment_checkpoint_size(x);
    unsigned char *a = malloc(size), *b = malloc(size);
    cr_assert_eq(pln_experiment_checkpoint_size(two), size);
    cr_assert_eq(pln_experiment_checkpoint_save(x, a, size), PLN_OK);
    cr_assert_eq(pln_experiment_checkpoint_save(two, b, size), PLN_OK);
    cr_assert(memcmp(a, b, size) == 0, "the interrupted run's checkpoint differs");
    /* ... and the run goes on to the straight run's rows and theta. */
    cr_assert_eq(pln_experiment_run(x, 12, NULL, NULL), PLN_OK);
    same_rows(straight, x);
    free(a);
    free(b);
    pln_experiment_destroy(x);
    pln_experiment_destroy(straight);
    pln_experiment_destroy(two);
    pln_ctx_destroy(ctx);
}

/* Create must fail with this status and error key. */
static void refused(const pln_experiment_desc *d, pln_build_stage upto, pln_status want,
                    const char *key, const char *needle)
{
    pln_ctx *ctx = ctx_new();
    pln_experiment *x = (pln_experiment *)1;
    pln_status st = pln_experiment_create(ctx, d, upto, &x);
    const pln_error *e = pln_ctx_last_error(ctx);
    cr_assert_eq(st, want, "status %d: %s", (int)st, e->message);
    cr_assert_null(x);
    cr_assert_str_eq(e->key, key, "key '%s': %s", e->key, e->message);
    cr_assert(strstr(e->message, needle) != NULL, "%s", e->message);
    /* Messages start with the key, but for the floating component's, which ends with it. */
    cr_assert(strncmp(e->message, key, strcspn(key, "[")) == 0 ||
                  strstr(e->message, key) != NULL,
              "%s", e->message);
    pln_ctx_destroy(ctx);
}

Test(experiment, errors_name_the_configuration_key)
{
    pln_experiment_desc d;
    chain_desc(&d);
    const pln_idx far[] = {1, 7};
    const double two[] = {0.5, 0.5};
    d.task.outputs.n_nodes = 2;
    d.task.outputs.nodes = far;
    d.task.n_targets = 2;
    d.task.targets = two;
    refused(&d, PLN_BUILD_GRAPH, PLN_EINVAL, "task.outputs.nodes[1]",
            "node 7 does not exist (the graph has 3 nodes, ids 0..2)");
    chain_desc(&d);
    const pln_idx twice[] = {2};
    d.task.outputs.nodes = twice;
    refused(&d, PLN_BUILD_GRAPH, PLN_EINVAL, "task.outputs.nodes[0]",
            "node 2 is already taken as an input");
    /* No ground and nothing fixed on the chain but the input: fine; none at all floats. */
    chain_desc(&d);
    d.boundary.n_ground = 0;
    d.task.inputs.n_nodes = 0;
    d.task.inputs.n_values = 0;
    refused(&d, PLN_BUILD_NETWORK, PLN_EINVAL, "boundary.ground",
            "nodes 0, 1, 2 (3 nodes) form a component with no ground");
    chain_desc(&d);
    d.learning.hardware.levels = 1;
    refused(&d, PLN_BUILD_LEARNER, PLN_EINVAL, "learning.hardware.levels", "");
    chain_desc(&d);
    d.network.graph.size[0] = 0;
    refused(&d, PLN_BUILD_GRAPH, PLN_EINVAL, "network.graph.size[0]", "must be >= 1, got 0");
    chain_desc(&d);
    d.network.graph.file = "/nonexistent/graph.graphml";
    refused(&d, PLN_BUILD_GRAPH, PLN_EIO, "network.graph.file", "/nonexistent/graph.graphml");
    chain_desc(&d);
    d.task.n_targets = 0;
    refused(&d, PLN_BUILD_LEARNER, PLN_EINVAL, "task.targets", "0 targets for 1 outputs");
    chain_desc(&d);
    d.learning.learner = PLN_LEARNER_TEMPORAL;
    d.temporal.amplitude = 20.0;
    refused(&d, PLN_BUILD_LEARNER, PLN_EINVAL, "protocol.amplitude", "must be in (0, 1]");
}

Test(experiment, the_description_is_copied)
{
    pln_ctx *ctx = ctx_new();
    pln_experiment_desc d;
    chain_desc(&d);
    pln_idx out[] = {1};
    double target[] = {0.8};
    d.task.outputs.nodes = out;
    d.task.targets = target;
    pln_experiment *x = NULL;
    cr_assert_eq(pln_experiment_create(ctx, &d, PLN_BUILD_GRAPH, &x), PLN_OK);
    out[0] = 99;
    target[0] = -1.0;
    cr_assert_eq(pln_experiment_build(x, PLN_BUILD_LEARNER), PLN_OK, "%s",
                 pln_ctx_last_error(ctx)->message);
    const pln_experiment_desc *c = pln_experiment_get_desc(x);
    cr_assert(c->task.outputs.nodes[0] == 1 && c->task.targets[0] == 0.8);
    pln_experiment_destroy(x);
    pln_ctx_destroy(ctx);
}

/* ------------------------------------------------------------------ the ledger's units (SPEC 5) */

static double row_value(const pln_experiment *x, const double *row, const char *name)
{
    for (pln_idx k = 0; k < pln_experiment_metrics_n_columns(x); k++) {
        if (strcmp(pln_experiment_metrics_column(x, k, NULL), name) == 0) {
            return row[k];
        }
    }
    return NAN;
}

static bool has_column(const pln_experiment *x, const char *name)
{
    return !isnan(row_value(x, pln_experiment_metrics_rows(x), name)) ||
           pln_experiment_metrics_n_rows(x) == 0;
}

/* SI: the divider (two 2 S resistors, 1 V) with each state held t_hold = 2.5 s dissipates
 * (P_free + P_clamped) t_hold in its first coupled step, P = sum_e k_e dp_e^2 by hand; every
 * joule figure equals its k_B T figure times k_B T. */
Test(experiment, si_ledger_is_sum_k_dp2_times_the_hold_time_and_joules_are_kT_times_kT)
{
    pln_ctx *ctx = ctx_new();
    pln_experiment_desc d;
    chain_desc(&d);
    d.energy.t_hold = 2.5;
    d.train.log_every = 1;
    pln_experiment *x = NULL;
    cr_assert_eq(pln_experiment_create(ctx, &d, PLN_BUILD_LEARNER, &x), PLN_OK, "%s",
                 pln_ctx_last_error(ctx)->message);
    cr_assert_eq(pln_experiment_step(x), PLN_OK);
    const double eta = d.learning.rule.nudge, of = 0.5, oc = of + eta * (0.8 - of);
    const double pf = 2.0 * of * of + 2.0 * (1.0 - of) * (1.0 - of);
    const double pc = 2.0 * oc * oc + 2.0 * (1.0 - oc) * (1.0 - oc);
    const double want = (pf + pc) * 2.5;
    const pln_ledger *l = pln_experiment_ledger(x);
    cr_assert(fabs(l->joule - want) <= 1e-14 * want, "heat %.17g J, by hand %.17g J", l->joule,
              want);
    cr_assert(fabs(l->power_free - pf) <= 1e-14 * pf);
    for (int s = 0; s < 20; s++) {
        cr_assert_eq(pln_experiment_step(x), PLN_OK);
    }
    const double kT = PLN_KB * 300.0;
    cr_assert(fabs(l->kT - kT) <= 1e-15 * kT);
    static const char *const terms[] = {"joule", "landauer", "joule_total", "landauer_total"};
    const pln_idx nr = pln_experiment_metrics_n_rows(x);
    const pln_idx nc = pln_experiment_metrics_n_columns(x);
    cr_assert(nr >= 20);
    for (pln_idx r = 1; r < nr; r++) {
        const double *row = pln_experiment_metrics_rows(x) + r * nc;
        for (size_t t = 0; t < sizeof terms / sizeof terms[0]; t++) {
            char name[64];
            snprintf(name, sizeof name, "%s_kT", terms[t]);
            double j = row_value(x, row, terms[t]), f = row_value(x, row, name);
            cr_assert(j > 0.0 && fabs(j - f * kT) <= 1e-12 * j, "row %ld: %s %.17g J, %s x kT %.17g",
                      (long)r, terms[t], j, name, f * kT);
        }
    }
    const char *unit = NULL;
    for (pln_idx k = 0; k < nc; k++) {
        const char *name = pln_experiment_metrics_column(x, k, &unit);
        if (strstr(name, "_kT") != NULL) {
            cr_assert_str_eq(unit, "k_B T");
        } else if (strncmp(name, "joule", 5) == 0 || strncmp(name, "landauer", 8) == 0) {
            cr_assert_str_eq(unit, "J");
        }
    }
    pln_experiment_destroy(x);
    pln_ctx_destroy(ctx);
}

/* Reduced units: the same divider in an energy unit ten times smaller (conductances, their
 * bounds, the rate and the resolution x 10, so every energy reads x 10 and k_B T = 10 in it)
 * gives the very same k_B T figures, and no column in joules. */
static pln_experiment *reduced_run(pln_ctx *ctx, double scale)
{
    pln_experiment_desc d;
    chain_desc(&d);
    d.energy.system = PLN_UNITS_REDUCED;
    d.energy.kT = 1e-3 * scale;
    d.network.conductance.value *= scale;
    d.network.conductance.min *= scale;
    d.network.conductance.max *= scale;
    d.learning.rule.rate *= scale;
    d.resolution *= scale;
    d.train.log_every = 1;
    pln_experiment *x = NULL;
    cr_assert_eq(pln_experiment_create(ctx, &d, PLN_BUILD_LEARNER, &x), PLN_OK, "%s",
                 pln_ctx_last_error(ctx)->message);
    cr_assert_eq(pln_experiment_run(x, 30, NULL, NULL), PLN_OK);
    return x;
}

Test(experiment, a_tenfold_reduced_energy_unit_changes_no_kT_figure)
{
    pln_ctx *ctx = ctx_new();
    pln_experiment *a = reduced_run(ctx, 1.0), *b = reduced_run(ctx, 10.0);
    const pln_idx nc = pln_experiment_metrics_n_columns(a);
    cr_assert_eq(nc, pln_experiment_metrics_n_columns(b));
    cr_assert(!has_column(a, "joule") && !has_column(a, "joule_total") &&
              !has_column(a, "landauer_total") && has_column(a, "joule_total_kT"));
    const pln_idx nr = pln_experiment_metrics_n_rows(a);
    cr_assert(nr == 31 && nr == pln_experiment_metrics_n_rows(b));
    int compared = 0;
    for (pln_idx k = 0; k < nc; k++) {
        const char *unit = NULL;
        const char *name = pln_experiment_metrics_column(a, k, &unit);
        if (strcmp(unit, "k_B T") != 0 && strcmp(name, "loss") != 0 &&
            strcmp(name, "bits_total") != 0) {
            continue;
        }
        for (pln_idx r = 1; r < nr; r++) {
            double va = pln_experiment_metrics_rows(a)[r * nc + k];
            double vb = pln_experiment_metrics_rows(b)[r * nc + k];
            cr_assert(va > 0.0 && fabs(va - vb) <= 1e-12 * fabs(va), "row %ld %s: %.17g vs %.17g",
                      (long)r, name, va, vb);
        }
        compared++;
    }
    cr_assert_eq(compared, 6); /* 4 k_B T columns, the loss, the bits */
    pln_experiment_destroy(a);
    pln_experiment_destroy(b);
    pln_ctx_destroy(ctx);
}

Test(experiment, bad_units_are_refused_naming_the_key)
{
    pln_ctx *ctx = ctx_new();
    pln_experiment_desc d;
    chain_desc(&d);
    d.energy.t_hold = 0.0;
    pln_experiment *x = NULL;
    cr_assert_eq(pln_experiment_create(ctx, &d, PLN_BUILD_LEARNER, &x), PLN_EINVAL);
    cr_assert_str_eq(pln_ctx_last_error(ctx)->key, "energy.t_hold");
    chain_desc(&d);
    d.energy.system = PLN_UNITS_REDUCED;
    d.energy.kT = -1.0;
    cr_assert_eq(pln_experiment_create(ctx, &d, PLN_BUILD_LEARNER, &x), PLN_EINVAL);
    cr_assert_str_eq(pln_ctx_last_error(ctx)->key, "energy.kT");
    pln_ctx_destroy(ctx);
}

/* ------------------------------------------------------------------ metrics.csv appended */

static char *slurp_text(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    cr_assert(fp != NULL, "cannot read %s", path);
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    rewind(fp);
    char *s = malloc((size_t)n + 1);
    *len = fread(s, 1, (size_t)n, fp);
    s[*len] = '\0';
    fclose(fp);
    return s;
}

static ino_t inode_of(const char *path)
{
    struct stat sb;
    cr_assert_eq(stat(path, &sb), 0);
    return sb.st_ino;
}

/* Checkpoints append their rows to the one file (never rewritten: its inode stays), which ends
 * equal to the whole file written once; a checkpoint records the length, and a resume cuts
 * what a kill left after it. */
Test(experiment, checkpoints_append_metrics_and_a_resume_cuts_what_followed)
{
    char tmpl[] = "/tmp/pln-metrics-XXXXXX";
    cr_assert(mkdtemp(tmpl) != NULL);
    char appended[64], whole[64], ckpt[64];
    snprintf(appended, sizeof appended, "%s/appended.csv", tmpl);
    snprintf(whole, sizeof whole, "%s/whole.csv", tmpl);
    snprintf(ckpt, sizeof ckpt, "%s/ckpt.bin", tmpl);
    pln_ctx *ctx = ctx_new();
    pln_experiment_desc d;
    regression_desc(&d, PLN_LEARNER_CONTRASTIVE);
    pln_experiment *a = make(ctx, &d);
    cr_assert_eq(pln_experiment_append_metrics(a, appended), PLN_OK);
    const ino_t ino = inode_of(appended);
    for (int s = 1; s <= 30; s++) {
        cr_assert_eq(pln_experiment_step(a), PLN_OK);
        if (s % 4 == 0) { /* checkpoints off the log grid too */
            cr_assert_eq(pln_experiment_append_metrics(a, appended), PLN_OK, "%s",
                         pln_ctx_last_error(ctx)->message);
            cr_assert_eq(inode_of(appended), ino, "metrics.csv was rewritten at step %d", s);
        }
        if (s == 16) {
            cr_assert_eq(pln_experiment_write_checkpoint(a, ckpt), PLN_OK);
        }
    }
    cr_assert_eq(pln_experiment_finish(a), PLN_OK); /* an off-grid last row */
    cr_assert_eq(pln_experiment_append_metrics(a, appended), PLN_OK);
    cr_assert_eq(pln_experiment_write_metrics(a, whole), PLN_OK);
    size_t la = 0, lw = 0;
    char *ta = slurp_text(appended, &la);
    char *tw = slurp_text(whole, &lw);
    cr_assert(la == lw && memcmp(ta, tw, la) == 0, "appended:\n%s\nwhole:\n%s", ta, tw);
    free(ta);

    /* Resume from step 16: the rows after it in the file are cut, the run goes on to 30 and
     * the file ends as the straight run's. */
    pln_experiment *b = make(ctx, &d);
    cr_assert_eq(pln_experiment_read_checkpoint(b, ckpt), PLN_OK, "%s",
                 pln_ctx_last_error(ctx)->message);
    cr_assert_eq(pln_experiment_reopen_metrics(b, appended), PLN_OK);
    cr_assert_eq(pln_experiment_run(b, 30, NULL, NULL), PLN_OK);
    cr_assert_eq(pln_experiment_finish(b), PLN_OK);
    cr_assert_eq(pln_experiment_append_metrics(b, appended), PLN_OK);
    cr_assert_eq(inode_of(appended), ino);
    ta = slurp_text(appended, &la);
    cr_assert(la == lw && memcmp(ta, tw, la) == 0, "resumed:\n%s\nstraight:\n%s", ta, tw);
    free(ta);
    free(tw);
    pln_experiment_destroy(a);
    pln_experiment_destroy(b);
    pln_ctx_destroy(ctx);
    remove(appended);
    remove(whole);
    remove(ckpt);
    rmdir(tmpl);
}
