/* test_trainer.c — the trainer end to end through the library: allostery, regression, Iris, no allocation per step, checkpoints that resume bit for bit. */
#include "learn_fixtures.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct rig {
    pln_ctx *ctx;
    pln_graph *g;
    pln_network *net;
    pln_states *st;
    pln_task *task;
    pln_trainer *tr;
} rig;

static void rig_free(rig *r)
{
    pln_trainer_destroy(r->tr);
    pln_task_destroy(r->task);
    pln_states_destroy(r->st);
    pln_network_destroy(r->net);
    pln_graph_destroy(r->g);
    pln_ctx_destroy(r->ctx);
}

/* An nx x ny lattice with conductances uniform in [0.5, 1.5]; dirichlet nodes fixed. */
static void rig_network(rig *r, pln_kind kind, pln_idx nx, pln_idx ny, pln_idx n_dir,
                        const pln_idx *dir, pln_idx n_out, const pln_output *outs, pln_idx batch,
                        uint64_t seed)
{
    memset(r, 0, sizeof *r);
    cr_assert(pln_ctx_create(&r->ctx) == PLN_OK);
    if (nx > 0) {
        cr_assert(pln_graph_square_lattice(r->ctx, nx, ny, false, &r->g) == PLN_OK);
    } else {
        /* A connected Erdos-Renyi graph on ny nodes, mean degree 5 (nx = 0) or -nx. */
        double deg = nx == 0 ? 5.0 : (double)-nx;
        cr_assert(pln_graph_erdos_renyi(r->ctx, ny, deg, seed, &r->g) == PLN_OK);
    }
    pln_idx m = pln_graph_n_edges(r->g);
    double *k = malloc((size_t)m * sizeof *k);
    pln_rng rng;
    pln_rng_seed(&rng, seed);
    for (pln_idx e = 0; e < m; e++) {
        k[e] = 0.5 + pln_rng_uniform(&rng);
    }
    cr_assert(pln_graph_edge_attr_set(r->g, "conductance", k) == PLN_OK);
    free(k);
    pln_network_options no;
    pln_network_options_default(&no);
    no.kind = kind;
    pln_boundary bc;
    pln_boundary_default(&bc);
    bc.n_dirichlet = n_dir;
    bc.dirichlet_nodes = dir;
    pln_status s = pln_network_create(r->ctx, r->g, &no, &bc, &r->net);
    cr_assert(s == PLN_OK, "%s", pln_ctx_last_error(r->ctx)->message);
    pln_states_options so;
    pln_states_options_default(&so);
    so.max_rhs = batch;
    s = pln_states_create(r->ctx, r->net, n_out, outs, &so, &r->st);
    cr_assert(s == PLN_OK, "%s", pln_ctx_last_error(r->ctx)->message);
}

static void rig_trainer(rig *r, const pln_trainer_options *o)
{
    pln_status s = pln_trainer_create(r->ctx, r->net, r->st, r->task, o, &r->tr);
    cr_assert(s == PLN_OK, "%s", pln_ctx_last_error(r->ctx)->message);
}

static void run(rig *r, int steps)
{
    for (int k = 0; k < steps; k++) {
        pln_status s = pln_trainer_step(r->tr);
        cr_assert(s == PLN_OK, "step %d: %s", k, pln_ctx_last_error(r->ctx)->message);
    }
}

static double error_of(rig *r, pln_split split)
{
    pln_metrics m;
    cr_assert(pln_trainer_evaluate(r->tr, split, &m) == PLN_OK);
    return m.error;
}

/* Flow allostery on an 8 x 8 lattice: source at a corner, ground at the opposite corner, two
 * targets away from both (Stern et al. 2021). */
static void allostery_rig(rig *r, pln_idx batch, uint64_t seed)
{
    static const pln_idx dir[2] = {0, 63};
    static const pln_output outs[2] = {{PLN_OUT_NODE, 22}, {PLN_OUT_NODE, 45}};
    rig_network(r, PLN_KIND_FLOW, 8, 8, 2, dir, 2, outs, batch, seed);
    const pln_input in[2] = {{PLN_IN_NODE, 0}, {PLN_IN_NODE, 63}};
    const double v[2] = {0.0, 1.0};
    const double targets[2] = {0.25, 0.75};
    cr_assert(pln_task_allostery(r->ctx, 2, in, v, 2, outs, targets, &r->task) == PLN_OK);
}

Test(trainer, flow_allostery_reduces_error_a_thousandfold)
{
    rig r;
    allostery_rig(&r, 1, 5);
    pln_trainer_options o;
    pln_trainer_options_default(&o);
    o.rule.rate = 0.5;
    o.rule.nudge = 0.1;
    rig_trainer(&r, &o);
    double e0 = error_of(&r, PLN_SPLIT_TRAIN);
    run(&r, 1500);
    double e1 = error_of(&r, PLN_SPLIT_TRAIN);
    cr_log_info("allostery: error %.3e -> %.3e (x%.3g)", e0, e1, e0 / e1);
    cr_assert(e0 / e1 >= 1000.0, "error %g -> %g, only x%g", e0, e1, e0 / e1);
    const pln_ledger *l = pln_trainer_ledger(r.tr);
    cr_assert(l->steps == 1500 && l->joule_total > 0.0 && l->landauer_total > 0.0);
    rig_free(&r);
}

/* Regression on a random resistor network of 49 nodes (a lattice with the inputs on one side
 * is too constrained to realise a random map): 3 inputs + ground, 2 outputs. */
static void regression_rig(rig *r, pln_idx batch, uint64_t seed)
{
    static const pln_idx dir[4] = {0, 14, 28, 42};
    static const pln_output outs[2] = {{PLN_OUT_NODE, 20}, {PLN_OUT_NODE, 34}};
    rig_network(r, PLN_KIND_RESISTOR, 0, 49, 4, dir, 2, outs, batch, 3);
    const pln_input in[3] = {{PLN_IN_NODE, 14}, {PLN_IN_NODE, 28}, {PLN_IN_NODE, 42}};
    pln_regression_options ro;
    pln_regression_options_default(&ro);
    ro.n_train = 30;
    ro.n_test = 30;
    pln_rng rng;
    pln_rng_seed(&rng, seed);
    cr_assert(pln_task_regression(r->ctx, 3, in, 2, outs, &ro, &rng, &r->task) == PLN_OK);
}

Test(trainer, resistor_regression_reduces_test_error_a_hundredfold)
{
    rig r;
    regression_rig(&r, 4, 9);
    pln_trainer_options o;
    pln_trainer_options_default(&o);
    o.rule.rate = 2.0;
    o.rule.nudge = 0.1;
    o.batch = 4;
    rig_trainer(&r, &o);
    double e0 = error_of(&r, PLN_SPLIT_TEST);
    run(&r, 20000);
    double e1 = error_of(&r, PLN_SPLIT_TEST);
    cr_log_info("regression: test error %.3e -> %.3e (x%.3g)", e0, e1, e0 / e1);
    cr_assert(e0 / e1 >= 100.0, "test error %g -> %g, only x%g", e0, e1, e0 / e1);
    rig_free(&r);
}

Test(trainer, iris_reaches_ninety_percent_test_accuracy)
{
    rig r;
    /* Random resistor network of 80 nodes: node 0 grounded, nodes 1..16 carry the 4 scaled
     * features, their squares and the mirrors of both (a passive network's outputs only grow
     * with its inputs, and least squares on indicator targets is linear in its inputs: about
     * 83% on Iris without squares), node 17 a 1 V bias; outputs 77..79, one per class. */
    pln_idx dir[18];
    double dv[18] = {0};
    for (pln_idx j = 0; j < 18; j++) {
        dir[j] = j;
    }
    dv[17] = 1.0;
    static const pln_output outs[3] = {{PLN_OUT_NODE, 79}, {PLN_OUT_NODE, 78}, {PLN_OUT_NODE, 77}};
    rig_network(&r, PLN_KIND_RESISTOR, -6, 80, 18, dir, 3, outs, 8, 3);
    cr_assert(pln_network_set_bc_values(r.net, &(pln_bc_values){.dirichlet = dv}) == PLN_OK);
    pln_table *t = NULL;
    pln_status s = pln_table_read_csv(r.ctx, ts_source_path("examples/data/iris.csv"), &t);
    cr_assert(s == PLN_OK, "%s", pln_ctx_last_error(r.ctx)->message);
    cr_assert(t->n_rows == 150 && t->n_cols == 5);
    pln_input in[16];
    for (pln_idx j = 0; j < 16; j++) {
        in[j] = (pln_input){PLN_IN_NODE, 1 + j};
    }
    pln_data_options dopt;
    pln_data_options_default(&dopt);
    dopt.square_inputs = true;
    dopt.mirror_inputs = true;
    dopt.true_level = 0.6;
    dopt.false_level = 0.4;
    pln_rng rng;
    pln_rng_seed(&rng, 1);
    s = pln_task_classification(r.ctx, t, 16, in, 3, outs, &dopt, &rng, &r.task);
    cr_assert(s == PLN_OK, "%s", pln_ctx_last_error(r.ctx)->message);
    cr_assert_str_eq(pln_task_class_name(r.task, 0), "setosa");
    cr_assert(pln_task_n_examples(r.task, PLN_SPLIT_TEST) == 45);
    pln_trainer_options o;
    pln_trainer_options_default(&o);
    o.rule.rate = 0.3;
    o.rule.nudge = 0.1;
    o.batch = 8;
    rig_trainer(&r, &o);
    pln_metrics m0, m;
    cr_assert(pln_trainer_evaluate(r.tr, PLN_SPLIT_TEST, &m0) == PLN_OK);
    run(&r, 6000);
    cr_assert(pln_trainer_evaluate(r.tr, PLN_SPLIT_TEST, &m) == PLN_OK);
    cr_log_info("iris: test accuracy %.3f -> %.3f, loss %.3e -> %.3e", m0.accuracy, m.accuracy,
                m0.loss, m.loss);
    cr_assert(m.accuracy >= 0.9, "test accuracy %g", m.accuracy);
    pln_table_destroy(t);
    rig_free(&r);
}

Test(trainer, step_allocates_nothing)
{
    /* plnet's own allocations only: cholmod_l_factorize allocates a temporary permuted copy
     * of the matrix inside every refactorization (4 blocks), which is CHOLMOD's business. */
    rig r;
    regression_rig(&r, 4, 2);
    pln_trainer_options o;
    pln_trainer_options_default(&o);
    o.batch = 4;
    o.hardware.update_noise = 0.1;
    o.hardware.signal_noise = 1e-4;
    o.hardware.desync = 0.7;
    o.rule.rule = PLN_RULE_DYADIC;
    rig_trainer(&r, &o);
    long before = pln_i_alloc_count();
    run(&r, 5);
    long after = pln_i_alloc_count();
    cr_assert(after == before, "%ld allocations in 5 steps", after - before);
    rig_free(&r);
}

static void theta_after(uint64_t seed, int steps, int stop_at, double *theta, pln_idx *m_out,
                        pln_ledger *ledger)
{
    rig r;
    regression_rig(&r, 2, 4);
    pln_trainer_options o;
    pln_trainer_options_default(&o);
    o.batch = 2;
    o.seed = seed;
    o.hardware.update_noise = 0.3;
    o.hardware.desync = 0.5;
    rig_trainer(&r, &o);
    if (stop_at > 0) {
        run(&r, stop_at);
        size_t sz = pln_trainer_state_size(r.tr);
        void *buf = malloc(sz);
        cr_assert(pln_trainer_state_save(r.tr, buf, sz) == PLN_OK);
        /* A fresh trainer on a fresh network, as after a restart of the program. */
        rig_free(&r);
        regression_rig(&r, 2, 4);
        rig_trainer(&r, &o);
        pln_status s = pln_trainer_state_load(r.tr, buf, sz);
        cr_assert(s == PLN_OK, "%s", pln_ctx_last_error(r.ctx)->message);
        cr_assert(pln_trainer_steps(r.tr) == stop_at);
        free(buf);
        run(&r, steps - stop_at);
    } else {
        run(&r, steps);
    }
    pln_idx m = pln_network_n_edges(r.net);
    memcpy(theta, pln_trainer_theta(r.tr), (size_t)m * sizeof *theta);
    *m_out = m;
    *ledger = *pln_trainer_ledger(r.tr);
    rig_free(&r);
}

Test(trainer, checkpoint_resumes_bit_for_bit)
{
    double a[200], b[200], c[200];
    pln_idx m;
    pln_ledger la, lb, lc;
    theta_after(77, 60, 0, a, &m, &la);
    theta_after(77, 60, 23, b, &m, &lb);
    theta_after(78, 60, 0, c, &m, &lc);
    cr_assert(memcmp(a, b, (size_t)m * sizeof *a) == 0, "resumed run differs");
    cr_assert(la.joule_total == lb.joule_total && la.landauer_total == lb.landauer_total);
    cr_assert(la.steps == lb.steps);
    /* ... and the comparison can fail: another seed gives other conductances. */
    cr_assert(memcmp(a, c, (size_t)m * sizeof *a) != 0);
}

Test(trainer, bad_inputs_and_checkpoints_are_errors)
{
    rig r;
    static const pln_idx dir[2] = {0, 63};
    static const pln_output outs[1] = {{PLN_OUT_NODE, 22}};
    rig_network(&r, PLN_KIND_RESISTOR, 8, 8, 2, dir, 1, outs, 1, 1);
    const pln_input in[1] = {{PLN_IN_NODE, 5}};
    const double v = 1.0, t = 0.5;
    cr_assert(pln_task_allostery(r.ctx, 1, in, &v, 1, outs, &t, &r.task) == PLN_OK);
    pln_trainer_options o;
    pln_trainer_options_default(&o);
    cr_assert(pln_trainer_create(r.ctx, r.net, r.st, r.task, &o, &r.tr) == PLN_EINVAL);
    cr_assert(pln_ctx_last_error(r.ctx)->node == 5);
    pln_task_destroy(r.task);
    const pln_input in2[1] = {{PLN_IN_NODE, 63}};
    cr_assert(pln_task_allostery(r.ctx, 1, in2, &v, 1, outs, &t, &r.task) == PLN_OK);
    o.rule.dof = PLN_DOF_RADIUS;
    cr_assert(pln_trainer_create(r.ctx, r.net, r.st, r.task, &o, &r.tr) == PLN_EINVAL);
    cr_assert_str_eq(pln_ctx_last_error(r.ctx)->key, "learning.dof");
    o.rule.dof = PLN_DOF_CONDUCTANCE;
    rig_trainer(&r, &o);
    char junk[4096] = {0};
    size_t sz = pln_trainer_state_size(r.tr);
    cr_assert(sz <= sizeof junk);
    cr_assert(pln_trainer_state_load(r.tr, junk, sz) == PLN_EINVAL);
    cr_assert(pln_trainer_state_load(r.tr, junk, sz - 1) == PLN_EDIM);
    rig_free(&r);
}
