/* test_circuit_tasks.c — transistor networks that learn what no linear network can (Dillavou et al. 2024): XOR to 100% and a parabola to 10x below the best linear network of the same graph; the ledger's exact V I heat; hardware on gate voltages; a resume bit for bit. */
#include "circuit_fixtures.h"
#include "pln_internal.h"
#include "pln_learning.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static pln_ctx *ctx;
static void setup(void) { cr_assert_eq(pln_ctx_create(&ctx), PLN_OK); }
static void teardown(void)
{
    pln_ctx_destroy(ctx);
    ts_check_leaks();
}
TestSuite(circuit_tasks, .init = setup, .fini = teardown, .timeout = 120);

/* A layered network in the spirit of Dillavou et al.'s: node 0 ground, 1 the supply V+, 2
 * and 3 inputs (or input and a half-supply bias), k hidden nodes each joined to the inputs,
 * the supply, ground and both output nodes, the outputs joined to ground and the supply, and
 * the output edge (the last) between the two output nodes, whose drop is the network's
 * output (differential, as a linear network's output then is affine in the inputs). Each
 * edge a transistor (K' 1 mA/V^2, V_th 0.5 V, gate uniform in [0, 1.5] V), or with
 * linear true a resistor of 1 mS; orientations random. */
typedef struct layered {
    pln_graph *g;
    pln_network *net;
    pln_states *st;
    pln_idx m, out_edge;
    pln_idx dn[4];
    double dv[4];
} layered;

static void make_layered(layered *L, uint64_t seed, int k, bool two_inputs, bool linear,
                         pln_idx max_rhs)
{
    pln_rng rng;
    pln_rng_seed(&rng, seed);
    const pln_idx n = 6 + k, o0 = 4 + k, o1 = 5 + k;
    pln_idx t[256], h[256], m = 0;
#define ADD(a, b)                                                                            \
    do {                                                                                     \
        const bool f = pln_rng_uniform(&rng) < 0.5;                                          \
        t[m] = f ? (a) : (b);                                                                \
        h[m] = f ? (b) : (a);                                                                \
        m++;                                                                                 \
    } while (0)
    for (int j = 0; j < k; j++) {
        const pln_idx hj = 4 + j;
        ADD(2, hj);
        if (two_inputs) {
            ADD(3, hj);
        }
        ADD(1, hj);
        ADD(0, hj);
        ADD(hj, o0);
        ADD(hj, o1);
    }
    if (!two_inputs) {
        ADD(3, o0);
        ADD(3, o1);
    }
    ADD(o0, 0);
    ADD(o1, 0);
    ADD(o0, 1);
    ADD(o1, 1);
    L->out_edge = m;
    t[m] = o0;
    h[m] = o1;
    m++;
#undef ADD
    L->m = m;
    cr_assert_eq(pln_graph_create(ctx, n, m, t, h, &L->g), PLN_OK);
    double el[256], kp[256], vto[256], gate[256], k_lin[256];
    for (pln_idx e = 0; e < m; e++) {
        el[e] = linear ? PLN_ELEM_RESISTOR : PLN_ELEM_NMOS;
        kp[e] = 1e-3;
        vto[e] = 0.5;
        gate[e] = 1.5 * pln_rng_uniform(&rng);
        k_lin[e] = 1e-3;
    }
    cr_assert_eq(pln_graph_edge_attr_set(L->g, "element", el), PLN_OK);
    cr_assert_eq(pln_graph_edge_attr_set(L->g, "kp", kp), PLN_OK);
    cr_assert_eq(pln_graph_edge_attr_set(L->g, "vto", vto), PLN_OK);
    cr_assert_eq(pln_graph_edge_attr_set(L->g, "gate", gate), PLN_OK);
    cr_assert_eq(pln_graph_edge_attr_set(L->g, "conductance", k_lin), PLN_OK);
    for (int a = 0; a < 4; a++) {
        L->dn[a] = a;
    }
    L->dv[0] = 0.0;
    L->dv[1] = 1.0;
    L->dv[2] = 0.0;
    L->dv[3] = two_inputs ? 0.0 : 0.5;
    pln_boundary bc;
    pln_boundary_default(&bc);
    bc.n_dirichlet = 4;
    bc.dirichlet_nodes = L->dn;
    bc.dirichlet_values = L->dv;
    cr_assert_eq(pln_network_create(ctx, L->g, NULL, &bc, &L->net), PLN_OK, "%s",
                 pln_ctx_last_error(ctx)->message);
    const pln_output out = {PLN_OUT_EDGE, L->out_edge};
    pln_states_options so;
    pln_states_options_default(&so);
    so.max_rhs = max_rhs;
    cr_assert_eq(pln_states_create(ctx, L->net, 1, &out, &so, &L->st), PLN_OK);
}

static void free_layered(layered *L)
{
    pln_states_destroy(L->st);
    pln_network_destroy(L->net);
    pln_graph_destroy(L->g);
}

/* Equilibrium propagation on theta = element (gates; conductances for the linear twin). */
static pln_trainer *trainer(layered *L, const pln_task *task, double rate, pln_idx batch,
                            uint64_t seed)
{
    pln_trainer_options to;
    pln_trainer_options_default(&to);
    to.rule.rule = PLN_RULE_EQUILIBRIUM;
    to.rule.rate = rate;
    to.rule.nudge = 1e-5; /* beta in S: 1% of a transistor's conductance */
    to.rule.dof = PLN_DOF_ELEMENT;
    to.batch = batch;
    to.seed = seed;
    to.hardware.clip = true; /* the linear twin's conductances stay in [1e-6, 1] S */
    to.hardware.min = 1e-6;
    to.hardware.max = 1.0;
    pln_trainer *tr = NULL;
    cr_assert_eq(pln_trainer_create(ctx, L->net, L->st, task, &to, &tr), PLN_OK, "%s",
                 pln_ctx_last_error(ctx)->message);
    return tr;
}

static pln_task *xor_task(const layered *L)
{
    const pln_input in[2] = {{PLN_IN_NODE, 2}, {PLN_IN_NODE, 3}};
    const pln_output out = {PLN_OUT_EDGE, L->out_edge};
    /* inputs 0 / 1 V; the output drop +0.1 V when exactly one input is high, else -0.1 V */
    static const double X[8] = {0, 0, 1, 0, 0, 1, 1, 1};
    static const double T[4] = {-0.1, 0.1, 0.1, -0.1};
    pln_task *task = NULL;
    cr_assert_eq(pln_task_from_arrays(ctx, PLN_TASK_DATASET, 2, in, 1, &out, 4, X, T, 4, X, T,
                                      &task),
                 PLN_OK);
    return task;
}

Test(circuit_tasks, transistor_network_learns_xor)
{
    layered L;
    make_layered(&L, 2, 4, true, false, 4);
    pln_task *task = xor_task(&L);
    pln_trainer *tr = trainer(&L, task, 3.0, 4, 2);
    const long allocs = pln_i_alloc_count();
    for (int s = 0; s < 400; s++) {
        cr_assert_eq(pln_trainer_step(tr), PLN_OK, "%s", pln_ctx_last_error(ctx)->message);
    }
    cr_assert_eq(pln_i_alloc_count(), allocs, "a training step allocated");
    double o[4];
    cr_assert_eq(pln_trainer_outputs(tr, PLN_SPLIT_TRAIN, o), PLN_OK);
    pln_metrics met;
    cr_assert_eq(pln_trainer_evaluate(tr, PLN_SPLIT_TRAIN, &met), PLN_OK);
    int right = 0;
    for (int i = 0; i < 4; i++) {
        const bool want = i == 1 || i == 2;
        right += (o[i] > 0.0) == want;
    }
    cr_log_info("XOR after 400 steps: outputs %.4f %.4f %.4f %.4f V, loss %.3g V^2, %d/4 right",
                o[0], o[1], o[2], o[3], met.loss, right);
    cr_assert_eq(right, 4, "XOR: %d of 4 right (outputs %g %g %g %g)", right, o[0], o[1], o[2],
                 o[3]);
    /* Any linear network's output drop is affine in the inputs, and the best affine fit of
     * XOR's targets is the constant 0 (their mean), so no linear network gets below a loss
     * of 1/2 0.1^2 = 5e-3, nor separates the classes (an affine map that is > 0 at (1,0) and
     * (0,1) is > 0 at their mean, which is the mean of (0,0) and (1,1)). */
    cr_assert(met.loss < 5e-3 / 1e3, "loss %g", met.loss);
    pln_trainer_destroy(tr);
    pln_task_destroy(task);
    free_layered(&L);
}

/* The affine least-squares loss of the training set (1/2 mean squared residual): no linear
 * network of any graph with these inputs does better, its output being affine in x. */
static double affine_bound(const double *x, const double *y, int n)
{
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (int i = 0; i < n; i++) {
        sx += x[i];
        sy += y[i];
        sxx += x[i] * x[i];
        sxy += x[i] * y[i];
    }
    const double b = (n * sxy - sx * sy) / (n * sxx - sx * sx), a = (sy - b * sx) / n;
    double r = 0;
    for (int i = 0; i < n; i++) {
        r += 0.5 * (y[i] - a - b * x[i]) * (y[i] - a - b * x[i]);
    }
    return r / n;
}

Test(circuit_tasks, transistor_network_fits_a_parabola_ten_times_better_than_any_linear_one)
{
    /* Dillavou et al.'s nonlinear regression: y = 0.4 (x - 1/2)^2 - 0.4/12 on x in [0, 1] V,
     * 11 training points, 10 test points between them. */
    enum { NT = 11, NE = 10 };
    double X[NT], T[NT], XE[NE], TE[NE];
    for (int i = 0; i < NT; i++) {
        X[i] = i / (NT - 1.0);
        T[i] = 0.4 * (X[i] - 0.5) * (X[i] - 0.5) - 0.4 / 12;
    }
    for (int i = 0; i < NE; i++) {
        XE[i] = (i + 0.5) / NE;
        TE[i] = 0.4 * (XE[i] - 0.5) * (XE[i] - 0.5) - 0.4 / 12;
    }
    const double bound = affine_bound(X, T, NT);
    const pln_input in = {PLN_IN_NODE, 2};
    double loss[2];
    for (int lin = 0; lin < 2; lin++) {
        layered L;
        make_layered(&L, 5, 6, false, lin == 1, NT);
        const pln_output out = {PLN_OUT_EDGE, L.out_edge};
        pln_task *task = NULL;
        cr_assert_eq(pln_task_from_arrays(ctx, PLN_TASK_REGRESSION, 1, &in, 1, &out, NT, X, T,
                                          NE, XE, TE, &task),
                     PLN_OK);
        /* the linear twin: conductances by EP to convergence (its loss stops moving) */
        pln_trainer *tr = trainer(&L, task, lin ? 30.0 : 1.0, NT, 5);
        pln_metrics met;
        double last = INFINITY;
        const int steps = lin ? 20000 : 3000;
        for (int s = 1; s <= steps; s++) {
            cr_assert_eq(pln_trainer_step(tr), PLN_OK, "%s", pln_ctx_last_error(ctx)->message);
            if (lin && s % 1000 == 0) {
                cr_assert_eq(pln_trainer_evaluate(tr, PLN_SPLIT_TRAIN, &met), PLN_OK);
                if (fabs(last - met.loss) < 1e-4 * met.loss) {
                    break;
                }
                last = met.loss;
            }
        }
        cr_assert_eq(pln_trainer_evaluate(tr, PLN_SPLIT_TRAIN, &met), PLN_OK);
        loss[lin] = met.loss;
        pln_metrics mt;
        cr_assert_eq(pln_trainer_evaluate(tr, PLN_SPLIT_TEST, &mt), PLN_OK);
        cr_log_info("%s network: train loss %.3g V^2, test loss %.3g V^2",
                    lin ? "linear (resistors, trained)" : "transistor", met.loss, mt.loss);
        pln_trainer_destroy(tr);
        pln_task_destroy(task);
        free_layered(&L);
    }
    cr_log_info("best affine fit (bound for every linear network): %.3g V^2", bound);
    cr_assert(loss[1] >= bound * (1 - 1e-9), "a linear network below the affine bound: %g < %g",
              loss[1], bound);
    cr_assert(loss[0] <= bound / 10, "transistors %g vs linear bound %g", loss[0], bound);
}

/* The ledger's Joule term is the exact V I of every element in both physical states: compare
 * pln_rule_update's heat with SPICE's level-1 current written out here. */
static double mos_ref(double kp, double vto, double gate, double v)
{
    const double vds = fabs(v), vgst = (v >= 0 ? gate : gate - v) - vto;
    double id = 0.0;
    if (vgst > 0) {
        id = vgst <= vds ? 0.5 * kp * vgst * vgst : kp * vds * (vgst - 0.5 * vds);
    }
    return (v >= 0 ? id : -id) + 1e-12 * v;
}

static double heat(const layered *L, const double *p)
{
    const pln_idx *t = pln_network_tails(L->net), *h = pln_network_heads(L->net);
    double w = 0.0;
    for (pln_idx e = 0; e < L->m; e++) {
        const double v = p[t[e]] - p[h[e]];
        const double gate = pln_network_element_param(L->net, e, PLN_EP_GATE);
        w += v * mos_ref(1e-3, 0.5, gate, v);
    }
    return w;
}

Test(circuit_tasks, ledger_counts_the_exact_heat_of_each_element)
{
    layered L;
    make_layered(&L, 3, 4, true, false, 1);
    cr_assert_eq(pln_states_factor(L.st), PLN_OK);
    const pln_idx n = pln_network_n_nodes(L.net);
    double dv[4] = {0.0, 1.0, 1.0, 0.0}, T = 0.1, o, on;
    pln_bc_values v = {dv, NULL, NULL};
    double *p = malloc((size_t)n * sizeof *p), *pn = malloc((size_t)n * sizeof *pn);
    cr_assert_eq(pln_states_free(L.st, 1, &v, p, &o), PLN_OK);
    pln_rule_options ro;
    pln_rule_options_default(&ro);
    ro.rule = PLN_RULE_EQUILIBRIUM;
    ro.nudge = 1e-4;
    ro.dof = PLN_DOF_ELEMENT;
    double *work = malloc(pln_rule_work_size(L.st, 1) * sizeof *work);
    double *dth = malloc((size_t)L.m * sizeof *dth);
    pln_rule_energy en;
    cr_assert_eq(pln_rule_update(L.st, &ro, 1, p, &o, &T, NULL, NULL, dth, &en, work), PLN_OK);
    cr_assert_eq(pln_states_nudge(L.st, 1, p, &o, &T, 1e-4, pn, &on), PLN_OK);
    const double want = heat(&L, p) + heat(&L, pn);
    cr_assert(ts_rel_diff(en.joule, want, 1e-30) < 1e-12, "joule %.15g, sum V I %.15g", en.joule,
              want);
    cr_assert(ts_rel_diff(en.power_free, heat(&L, p), 1e-30) < 1e-12);
    cr_assert(ts_rel_diff(en.power_clamped, heat(&L, pn), 1e-30) < 1e-12);
    /* and it is not the small-signal k dp^2 */
    double ksig = 0.0;
    const double *k = pln_network_conductances(L.net);
    for (pln_idx e = 0; e < L.m; e++) {
        const double d = p[pln_network_tails(L.net)[e]] - p[pln_network_heads(L.net)[e]];
        ksig += k[e] * d * d;
    }
    cr_assert(fabs(ksig - heat(&L, p)) > 1e-3 * heat(&L, p));
    free(p);
    free(pn);
    free(work);
    free(dth);
    free_layered(&L);
}

/* Gate voltages go through their own hardware: clipped to [0.4, 0.9] V and quantized to 6
 * levels, while the conductance hardware is left off. */
Test(circuit_tasks, hardware_applies_to_gate_voltages)
{
    layered L;
    make_layered(&L, 2, 4, true, false, 4);
    pln_task *task = xor_task(&L);
    pln_trainer_options to;
    pln_trainer_options_default(&to);
    to.rule.rule = PLN_RULE_EQUILIBRIUM;
    to.rule.rate = 3.0;
    to.rule.nudge = 1e-5;
    to.rule.dof = PLN_DOF_ELEMENT;
    to.batch = 4;
    to.hardware_gate.clip = true;
    to.hardware_gate.min = 0.4;
    to.hardware_gate.max = 0.9;
    to.hardware_gate.levels = 6;
    pln_trainer *tr = NULL;
    double g0[256];
    for (pln_idx e = 0; e < L.m; e++) {
        g0[e] = pln_network_element_param(L.net, e, PLN_EP_GATE);
    }
    cr_assert_eq(pln_trainer_create(ctx, L.net, L.st, task, &to, &tr), PLN_OK);
    for (int s = 0; s < 20; s++) {
        cr_assert_eq(pln_trainer_step(tr), PLN_OK);
    }
    const double *th = pln_trainer_theta(tr);
    int moved = 0;
    for (pln_idx e = 0; e < L.m; e++) {
        const double g = pln_network_element_param(L.net, e, PLN_EP_GATE);
        cr_assert_eq(th[e], g, "theta is the gate");
        if (g == g0[e]) {
            continue; /* never updated (cut off): hardware leaves an edge it does not write */
        }
        moved++;
        cr_assert(g >= 0.4 - 1e-15 && g <= 0.9 + 1e-15, "edge %lld: gate %g", (long long)e, g);
        const double level = (g - 0.4) / 0.1;
        cr_assert(fabs(level - round(level)) < 1e-9, "edge %lld: gate %.17g off the levels",
                  (long long)e, g);
    }
    cr_assert(moved > L.m / 2, "only %d gates moved", moved);
    /* negative gate bounds are fine (a gate is a voltage) */
    pln_trainer *tr3 = NULL;
    to.hardware_gate.min = -0.5;
    cr_assert_eq(pln_trainer_create(ctx, L.net, L.st, task, &to, &tr3), PLN_OK, "%s",
                 pln_ctx_last_error(ctx)->message);
    pln_trainer_destroy(tr3);
    /* a bad gate hardware option is refused with its key */
    pln_trainer *tr2 = NULL;
    to.hardware_gate.levels = 1;
    cr_assert_eq(pln_trainer_create(ctx, L.net, L.st, task, &to, &tr2), PLN_EINVAL);
    cr_assert_null(tr2);
    pln_trainer_destroy(tr);
    pln_task_destroy(task);
    free_layered(&L);
}

/* A run stopped at a checkpoint and resumed repeats the continuous run bit for bit (Newton's
 * warm starts are part of the checkpoint). */
Test(circuit_tasks, checkpoint_resumes_bit_for_bit)
{
    layered A, B;
    make_layered(&A, 2, 4, true, false, 2);
    make_layered(&B, 2, 4, true, false, 2);
    pln_task *task = xor_task(&A);
    pln_trainer *ta = trainer(&A, task, 3.0, 2, 9), *tb = trainer(&B, task, 3.0, 2, 9);
    for (int s = 0; s < 15; s++) {
        cr_assert_eq(pln_trainer_step(ta), PLN_OK);
    }
    const size_t size = pln_trainer_state_size(ta);
    unsigned char *buf = malloc(size);
    cr_assert_eq(pln_trainer_state_save(ta, buf, size), PLN_OK);
    cr_assert_eq(pln_trainer_state_load(tb, buf, size), PLN_OK);
    for (int s = 0; s < 15; s++) {
        cr_assert_eq(pln_trainer_step(ta), PLN_OK);
        cr_assert_eq(pln_trainer_step(tb), PLN_OK);
    }
    cr_assert_eq(memcmp(pln_trainer_theta(ta), pln_trainer_theta(tb), (size_t)A.m * 8), 0);
    cr_assert_eq(memcmp(pln_trainer_ledger(ta), pln_trainer_ledger(tb), sizeof(pln_ledger)), 0);
    free(buf);
    pln_trainer_destroy(ta);
    pln_trainer_destroy(tb);
    pln_task_destroy(task);
    free_layered(&A);
    free_layered(&B);
}

/* A trained network stored into its graph and written as GraphML reads back as the same
 * circuit: the same kinds, the learned gates, the same steady state. */
Test(circuit_tasks, trained_gates_round_trip_through_graphml)
{
    layered L;
    make_layered(&L, 2, 4, true, false, 4);
    pln_task *task = xor_task(&L);
    pln_trainer *tr = trainer(&L, task, 3.0, 4, 2);
    for (int s = 0; s < 50; s++) {
        cr_assert_eq(pln_trainer_step(tr), PLN_OK);
    }
    cr_assert_eq(pln_network_element_attrs_store(L.net, L.g), PLN_OK);
    char *dir = ts_tempdir("circuit-graphml");
    char path[512];
    snprintf(path, sizeof path, "%s/net.graphml", dir);
    cr_assert_eq(pln_graph_write_graphml(L.g, path), PLN_OK);
    pln_graph *g2 = NULL;
    cr_assert_eq(pln_graph_read_graphml(ctx, path, &g2), PLN_OK, "%s",
                 pln_ctx_last_error(ctx)->message);
    pln_boundary bc;
    pln_boundary_default(&bc);
    bc.n_dirichlet = 4;
    bc.dirichlet_nodes = L.dn;
    bc.dirichlet_values = L.dv;
    pln_network *net2 = NULL;
    cr_assert_eq(pln_network_create(ctx, g2, NULL, &bc, &net2), PLN_OK, "%s",
                 pln_ctx_last_error(ctx)->message);
    for (pln_idx e = 0; e < L.m; e++) {
        cr_assert_eq(pln_network_element_kind(net2, e), PLN_ELEM_NMOS);
        cr_assert_eq(pln_network_element_param(net2, e, PLN_EP_GATE),
                     pln_network_element_param(L.net, e, PLN_EP_GATE), "edge %lld", (long long)e);
    }
    const pln_output out = {PLN_OUT_EDGE, L.out_edge};
    pln_states *st2 = NULL;
    cr_assert_eq(pln_states_create(ctx, net2, 1, &out, NULL, &st2), PLN_OK);
    cr_assert_eq(pln_states_factor(st2), PLN_OK);
    double o1[4], o2;
    cr_assert_eq(pln_trainer_outputs(tr, PLN_SPLIT_TRAIN, o1), PLN_OK);
    const pln_idx n = pln_network_n_nodes(net2);
    double *p = malloc((size_t)n * sizeof *p);
    double dv[4] = {0.0, 1.0, 1.0, 0.0}; /* example 1: x = (1, 0) */
    pln_bc_values v = {dv, NULL, NULL};
    cr_assert_eq(pln_states_free(st2, 1, &v, p, &o2), PLN_OK);
    cr_assert(fabs(o2 - o1[1]) < 1e-12, "%.17g vs %.17g", o2, o1[1]);
    free(p);
    free(dir);
    pln_states_destroy(st2);
    pln_network_destroy(net2);
    pln_graph_destroy(g2);
    pln_trainer_destroy(tr);
    pln_task_destroy(task);
    free_layered(&L);
}

/* A deep resistive network in the style of Scellier (ICML 2024) on Iris: the 4 scaled
 * features and their mirrors drive 16 hidden nodes through resistors, each hidden node is
 * clipped by two ideal diodes to bias nodes at 0.5 +- 0.15 V, and 3 output nodes read the
 * classes; the resistors learn by centered EP. Its linear twin (the same graph without the
 * diodes, trained the same way) cannot bend its decision boundaries. Returns the test
 * accuracy after `steps` steps. */
static double drn_iris(bool diodes, int steps, double *train_acc)
{
    pln_table *tab = NULL;
    cr_assert_eq(pln_table_read_csv(ctx, ts_source_path("examples/data/iris.csv"), &tab), PLN_OK,
                 "%s", pln_ctx_last_error(ctx)->message);
    enum { NIN = 8, K = 16 };
    const pln_idx n = 4 + NIN + K + 3, h0 = 4 + NIN, o0 = h0 + K;
    pln_idx t[512], h[512];
    double el[512], k[512];
    int m = 0;
    pln_rng rng;
    pln_rng_seed(&rng, 3);
    for (int j = 0; j < K; j++) {
        for (int i = 0; i < NIN + 2; i++) { /* the inputs, then the supply and the ground */
            t[m] = i < NIN ? 4 + i : (i == NIN ? 1 : 0);
            h[m] = h0 + j;
            el[m] = PLN_ELEM_RESISTOR;
            k[m++] = 0.5 + pln_rng_uniform(&rng);
        }
        if (diodes) {
            t[m] = h0 + j; /* conducts when the node is above 0.65 V */
            h[m] = 2;
            el[m] = PLN_ELEM_IDEAL_DIODE;
            k[m++] = NAN;
            t[m] = 3; /* conducts when the node is below 0.35 V */
            h[m] = h0 + j;
            el[m] = PLN_ELEM_IDEAL_DIODE;
            k[m++] = NAN;
        }
        for (int q = 0; q < 3; q++) {
            t[m] = h0 + j;
            h[m] = o0 + q;
            el[m] = PLN_ELEM_RESISTOR;
            k[m++] = 0.5 + pln_rng_uniform(&rng);
        }
    }
    for (int q = 0; q < 3; q++) {
        for (int b = 0; b < 2; b++) {
            t[m] = o0 + q;
            h[m] = b;
            el[m] = PLN_ELEM_RESISTOR;
            k[m++] = 0.5;
        }
    }
    pln_graph *g = NULL;
    cr_assert_eq(pln_graph_create(ctx, n, m, t, h, &g), PLN_OK);
    double gon[512];
    for (int e = 0; e < m; e++) {
        gon[e] = 100.0; /* S: the forward drop is 1% of the current in amperes */
    }
    cr_assert_eq(pln_graph_edge_attr_set(g, "element", el), PLN_OK);
    cr_assert_eq(pln_graph_edge_attr_set(g, "conductance", k), PLN_OK);
    cr_assert_eq(pln_graph_edge_attr_set(g, "g_on", gon), PLN_OK);
    pln_idx dn[4 + NIN];
    double dv[4 + NIN] = {0.0, 1.0, 0.65, 0.35};
    for (int i = 0; i < 4 + NIN; i++) {
        dn[i] = i;
    }
    pln_boundary bc;
    pln_boundary_default(&bc);
    bc.n_dirichlet = 4 + NIN;
    bc.dirichlet_nodes = dn;
    bc.dirichlet_values = dv;
    pln_network *net = NULL;
    cr_assert_eq(pln_network_create(ctx, g, NULL, &bc, &net), PLN_OK, "%s",
                 pln_ctx_last_error(ctx)->message);
    cr_assert_eq(pln_network_is_nonlinear(net), diodes);
    pln_output outs[3];
    for (int q = 0; q < 3; q++) {
        outs[q] = (pln_output){PLN_OUT_NODE, o0 + q};
    }
    pln_input in[NIN];
    for (int i = 0; i < NIN; i++) {
        in[i] = (pln_input){PLN_IN_NODE, 4 + i};
    }
    pln_data_options dop;
    pln_data_options_default(&dop);
    dop.mirror_inputs = true;
    dop.true_level = 0.6;
    dop.false_level = 0.4;
    pln_rng split;
    pln_rng_seed(&split, 7);
    pln_task *task = NULL;
    cr_assert_eq(pln_task_classification(ctx, tab, NIN, in, 3, outs, &dop, &split, &task), PLN_OK);
    pln_states_options so;
    pln_states_options_default(&so);
    so.max_rhs = 8;
    pln_states *st = NULL;
    cr_assert_eq(pln_states_create(ctx, net, 3, outs, &so, &st), PLN_OK);
    pln_trainer_options to;
    pln_trainer_options_default(&to);
    to.rule.rule = PLN_RULE_EQUILIBRIUM_CENTERED;
    to.rule.rate = 30.0;
    to.rule.nudge = 0.05;
    to.rule.dof = PLN_DOF_CONDUCTANCE; /* the resistors learn, the diodes are fixed */
    to.batch = 8;
    to.hardware.clip = true;
    to.hardware.min = 1e-3;
    to.hardware.max = 1e3;
    pln_trainer *tr = NULL;
    cr_assert_eq(pln_trainer_create(ctx, net, st, task, &to, &tr), PLN_OK, "%s",
                 pln_ctx_last_error(ctx)->message);
    for (int s = 0; s < steps; s++) {
        cr_assert_eq(pln_trainer_step(tr), PLN_OK, "%s", pln_ctx_last_error(ctx)->message);
    }
    pln_metrics a, b;
    cr_assert_eq(pln_trainer_evaluate(tr, PLN_SPLIT_TRAIN, &a), PLN_OK);
    cr_assert_eq(pln_trainer_evaluate(tr, PLN_SPLIT_TEST, &b), PLN_OK);
    if (diodes) {
        pln_newton_stats ns;
        pln_states_newton_stats(st, &ns);
        cr_log_info("ideal diodes: %.2f Newton iterations per state", (double)ns.total_iterations /
                                                                          (double)ns.solves);
    }
    *train_acc = a.accuracy;
    pln_trainer_destroy(tr);
    pln_states_destroy(st);
    pln_task_destroy(task);
    pln_network_destroy(net);
    pln_graph_destroy(g);
    pln_table_destroy(tab);
    return b.accuracy;
}

Test(circuit_tasks, deep_resistive_network_with_ideal_diodes_classifies_iris)
{
    double tr_d = 0.0, tr_l = 0.0;
    const double te_d = drn_iris(true, 3000, &tr_d);
    const double te_l = drn_iris(false, 3000, &tr_l);
    cr_log_info("Iris, 3000 steps: with diodes train %.3f test %.3f; linear twin train %.3f test "
                "%.3f",
                tr_d, te_d, tr_l, te_l);
    cr_assert(te_d >= 0.9, "test accuracy %g", te_d);
    cr_assert(tr_d > tr_l + 0.05 && te_d > te_l + 0.05,
              "the diodes add what the linear twin lacks (%g/%g vs %g/%g)", tr_d, te_d, tr_l,
              te_l);
}
