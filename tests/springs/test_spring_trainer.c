/* test_spring_trainer.c — the trainer on spring networks: allostery learned by coupled learning (stiffness and rest length, spring and spring_linear), bit-for-bit resume, and the switching heat of the ledger against a simulated relaxation (SPEC 3, 5). */
#include "pln_learning.h"
#include "spring_fixtures.h"

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
TestSuite(spring_trainer, .init = setup, .fini = teardown, .timeout = 120);

/* An allostery problem on an N x N triangular lattice (rigid, unlike a square one): three
 * bottom nodes pinned (no rigid-body mode left), a source edge left of centre strained by
 * 5%, and the strain of an edge right of centre asked to change by dT from its free value. */
typedef struct allo {
    pln_graph *g;
    pln_network *net;
    pln_states *st;
    pln_task *task;
    pln_trainer *tr;
    pln_idx src, tgt;
    double strain, target;
} allo;

static pln_idx edge_near(const pln_graph *g, double fx, double fy)
{
    const int d = pln_graph_dim(g);
    const double *pos = pln_graph_positions(g);
    const pln_idx n = pln_graph_n_nodes(g), m = pln_graph_n_edges(g);
    const pln_idx *t = pln_graph_tails(g), *h = pln_graph_heads(g);
    double xmax = 0.0, ymax = 0.0, best = INFINITY;
    pln_idx arg = -1;
    for (pln_idx i = 0; i < n; i++) {
        xmax = fmax(xmax, pos[i * d]);
        ymax = fmax(ymax, pos[i * d + 1]);
    }
    for (pln_idx e = 0; e < m; e++) {
        double cx = 0.5 * (pos[t[e] * d] + pos[h[e] * d]);
        double cy = 0.5 * (pos[t[e] * d + 1] + pos[h[e] * d + 1]);
        double dist = hypot(cx - fx * xmax, cy - fy * ymax);
        if (dist < best) {
            best = dist;
            arg = e;
        }
    }
    return arg;
}

static void allo_make(allo *a, pln_idx N, pln_kind kind, pln_dof dof, double rate, double dT)
{
    memset(a, 0, sizeof *a);
    cr_assert_eq(pln_graph_triangular_lattice(ctx, N, N, false, &a->g), PLN_OK);
    a->src = edge_near(a->g, 0.25, 0.5);
    a->tgt = edge_near(a->g, 0.75, 0.6);
    a->strain = 0.05;
    static pln_idx pins[3];
    pins[0] = 0;
    pins[1] = N / 2;
    pins[2] = N - 1;
    pln_boundary bc;
    pln_boundary_default(&bc);
    bc.n_dirichlet = 3;
    bc.dirichlet_nodes = pins;
    bc.n_sources = 1;
    bc.source_edges = &a->src;
    bc.source_values = &a->strain;
    a->net = sf_network(ctx, a->g, kind, &bc);
    const pln_output out = {PLN_OUT_EDGE, a->tgt};
    cr_assert_eq(pln_states_create(ctx, a->net, 1, &out, NULL, &a->st), PLN_OK);
    cr_assert_eq(pln_states_factor(a->st), PLN_OK);
    double x[2 * 64], o0;
    cr_assert(pln_graph_n_nodes(a->g) <= 64);
    cr_assert_eq(pln_states_free(a->st, 1, NULL, x, &o0), PLN_OK);
    a->target = o0 + dT;
    const pln_input in = {PLN_IN_EDGE, a->src};
    cr_assert_eq(pln_task_allostery(ctx, 1, &in, &a->strain, 1, &out, &a->target, &a->task),
                 PLN_OK);
    pln_trainer_options to;
    pln_trainer_options_default(&to);
    to.rule.rate = rate;
    to.rule.nudge = 0.1;
    to.rule.dof = dof;
    /* theta = both: `rate` is the stiffness's alpha; the rest lengths keep the 0.1 of their
     * own tests, and clip to [0.5, 2] m while the stiffnesses clip to [1e-3, 1e3] */
    if (dof == PLN_DOF_BOTH) {
        to.rule.rate_rest_length = 0.1;
        to.hardware.clip = true;
        to.hardware_rest_length.clip = true;
        to.hardware_rest_length.min = 0.5;
        to.hardware_rest_length.max = 2.0;
    }
    cr_assert_eq(pln_trainer_create(ctx, a->net, a->st, a->task, &to, &a->tr), PLN_OK, "%s",
                 pln_ctx_last_error(ctx)->message);
}

static void allo_free(allo *a)
{
    pln_trainer_destroy(a->tr);
    pln_task_destroy(a->task);
    pln_states_destroy(a->st);
    pln_network_destroy(a->net);
    pln_graph_destroy(a->g);
}

static double allo_loss(allo *a)
{
    pln_metrics m;
    cr_assert_eq(pln_trainer_evaluate(a->tr, PLN_SPLIT_TRAIN, &m), PLN_OK);
    return m.loss;
}

/* Train `steps` steps and return the error reduction. */
static double allo_train(pln_kind kind, pln_dof dof, double rate, double dT, int steps)
{
    allo a;
    allo_make(&a, 8, kind, dof, rate, dT);
    double l0 = allo_loss(&a);
    double k_init[256], l_init[256];
    cr_assert(pln_network_n_edges(a.net) <= 256);
    memcpy(k_init, pln_network_conductances(a.net),
           (size_t)pln_network_n_edges(a.net) * sizeof *k_init);
    memcpy(l_init, pln_network_rest_lengths(a.net),
           (size_t)pln_network_n_edges(a.net) * sizeof *l_init);
    for (int s = 0; s < steps; s++) {
        cr_assert_eq(pln_trainer_step(a.tr), PLN_OK, "step %d: %s", s,
                     pln_ctx_last_error(ctx)->message);
    }
    double l1 = allo_loss(&a);
    /* theta went into the network */
    const double *theta = pln_trainer_theta(a.tr);
    const pln_idx m = pln_network_n_edges(a.net);
    const double *in_net = dof == PLN_DOF_REST_LENGTH ? pln_network_rest_lengths(a.net)
                                                      : pln_network_conductances(a.net);
    cr_assert_eq(memcmp(theta, in_net, (size_t)m * sizeof *theta), 0);
    if (dof == PLN_DOF_BOTH) {
        cr_assert_eq(memcmp(theta + m, pln_network_rest_lengths(a.net), (size_t)m * sizeof *theta),
                     0);
        double moved_k = 0.0, moved_l = 0.0; /* both halves learned */
        for (pln_idx e = 0; e < m; e++) {
            moved_k = fmax(moved_k, fabs(theta[e] - k_init[e]));
            moved_l = fmax(moved_l, fabs(theta[m + e] - l_init[e]));
        }
        cr_log_info("both: max |k - k0| = %.3g, max |l - l0| = %.3g", moved_k, moved_l);
        cr_assert(moved_k > 1e-3 && moved_l > 1e-4, "k moved %.3g, l moved %.3g", moved_k,
                  moved_l);
    }
    allo_free(&a);
    return l0 / fmax(l1, 1e-300);
}

/* Rest lengths move the target's strain at first order; stiffnesses only through the
 * prestress the source makes, whose signal 1/2 (r - l)^2 is of order (strain L)^2 ~ 1e-3:
 * their rate is larger by about that factor. */
Test(spring_trainer, rest_length_allostery_linear)
{
    double red = allo_train(PLN_KIND_SPRING_LINEAR, PLN_DOF_REST_LENGTH, 0.1, 0.02, 200);
    cr_assert(red >= 100.0, "error reduced %gx", red);
}

Test(spring_trainer, rest_length_allostery_nonlinear)
{
    double red = allo_train(PLN_KIND_SPRING, PLN_DOF_REST_LENGTH, 0.1, 0.02, 200);
    cr_assert(red >= 100.0, "error reduced %gx", red);
}

Test(spring_trainer, stiffness_allostery_linear)
{
    double red = allo_train(PLN_KIND_SPRING_LINEAR, PLN_DOF_CONDUCTANCE, 1000.0, 0.01, 600);
    cr_assert(red >= 100.0, "error reduced %gx", red);
}

Test(spring_trainer, stiffness_allostery_nonlinear)
{
    double red = allo_train(PLN_KIND_SPRING, PLN_DOF_CONDUCTANCE, 1000.0, 0.01, 600);
    cr_assert(red >= 100.0, "error reduced %gx", red);
}

/* A checkpoint taken at step 7 and loaded into a fresh trainer on a fresh network continues
 * bit for bit: theta, the rest lengths in the network, and the loss. */
static void resume_case(pln_kind kind, pln_dof dof, double rate)
{
    allo a, b;
    allo_make(&a, 6, kind, dof, rate, 0.02);
    allo_make(&b, 6, kind, dof, rate, 0.02);
    for (int s = 0; s < 7; s++) {
        cr_assert_eq(pln_trainer_step(a.tr), PLN_OK);
        if (s == 3) {
            (void)allo_loss(&a); /* an evaluation in between must not change the run */
        }
    }
    size_t size = pln_trainer_state_size(a.tr);
    void *buf = malloc(size);
    cr_assert_eq(pln_trainer_state_save(a.tr, buf, size), PLN_OK);
    for (int s = 0; s < 6; s++) {
        cr_assert_eq(pln_trainer_step(a.tr), PLN_OK);
    }
    cr_assert_eq(pln_trainer_state_load(b.tr, buf, size), PLN_OK, "%s",
                 pln_ctx_last_error(ctx)->message);
    cr_assert_eq(pln_trainer_steps(b.tr), 7);
    for (int s = 0; s < 6; s++) {
        cr_assert_eq(pln_trainer_step(b.tr), PLN_OK);
    }
    const pln_idx m = pln_network_n_edges(a.net);
    const size_t nth = (size_t)(dof == PLN_DOF_BOTH ? 2 * m : m);
    cr_assert_eq(memcmp(pln_trainer_theta(a.tr), pln_trainer_theta(b.tr), nth * 8), 0);
    cr_assert_eq(memcmp(pln_network_rest_lengths(a.net), pln_network_rest_lengths(b.net),
                        (size_t)m * 8),
                 0);
    cr_assert_eq(memcmp(pln_network_conductances(a.net), pln_network_conductances(b.net),
                        (size_t)m * 8),
                 0);
    double la = allo_loss(&a), lb = allo_loss(&b);
    cr_assert_eq(memcmp(&la, &lb, sizeof la), 0, "loss %.17g vs %.17g", la, lb);
    cr_assert_eq(memcmp(pln_trainer_ledger(a.tr), pln_trainer_ledger(b.tr),
                        sizeof(pln_ledger)),
                 0);
    free(buf);
    allo_free(&a);
    allo_free(&b);
}

Test(spring_trainer, resume_bit_for_bit_rest_length_nonlinear)
{
    resume_case(PLN_KIND_SPRING, PLN_DOF_REST_LENGTH, 0.1);
}

Test(spring_trainer, both_allostery_nonlinear)
{
    double red = allo_train(PLN_KIND_SPRING, PLN_DOF_BOTH, 1000.0, 0.02, 200);
    cr_log_info("both, nonlinear: error reduced %gx", red);
    cr_assert(red >= 100.0, "error reduced %gx", red);
}

Test(spring_trainer, both_allostery_linear)
{
    double red = allo_train(PLN_KIND_SPRING_LINEAR, PLN_DOF_BOTH, 1000.0, 0.02, 200);
    cr_log_info("both, linear: error reduced %gx", red);
    cr_assert(red >= 100.0, "error reduced %gx", red);
}

/* theta = both: the Landauer count covers both halves, each at its own hardware. */
Test(spring_trainer, both_ledger_counts_both_halves)
{
    allo a;
    allo_make(&a, 6, PLN_KIND_SPRING, PLN_DOF_BOTH, 1000.0, 0.02);
    const pln_idx m = pln_network_n_edges(a.net);
    double old[512];
    cr_assert(2 * m <= 512);
    memcpy(old, pln_trainer_theta(a.tr), (size_t)(2 * m) * sizeof *old);
    cr_assert_eq(pln_trainer_step(a.tr), PLN_OK);
    const double *du = pln_trainer_last_update(a.tr);
    pln_hardware hk, hl;
    pln_hardware_default(&hk);
    pln_hardware_default(&hl);
    hk.clip = hl.clip = true;
    hl.min = 0.5;
    hl.max = 2.0;
    const double bk = pln_ledger_bits(&hk, 1e-3, m, old, du);
    const double bl = pln_ledger_bits(&hl, 1e-3, m, old + m, du + m);
    cr_assert(bk > 0.0 && bl > 0.0, "bits k %g, l %g", bk, bl);
    cr_assert_eq(pln_trainer_ledger(a.tr)->bits, bk + bl);
    allo_free(&a);
}

Test(spring_trainer, resume_bit_for_bit_both_nonlinear)
{
    resume_case(PLN_KIND_SPRING, PLN_DOF_BOTH, 1000.0);
}

Test(spring_trainer, resume_bit_for_bit_stiffness_linear)
{
    resume_case(PLN_KIND_SPRING_LINEAR, PLN_DOF_CONDUCTANCE, 1000.0);
}

/* ------------------------------------------------------------------ ledger */

/* Overdamped relaxation dx/dt = F(x) (unit mobility) of the free components from x, with
 * the pins held, by RK4 on (x, Q) where dQ/dt = |F|^2 is the power the friction takes:
 * returns the heat Q until the forces vanish, and leaves the relaxed state in x. Independent
 * of the library's energy: forces from sf_net_forces. */
static double relax_heat(const pln_network *net, const pln_boundary *bc, double *x)
{
    const int d = pln_network_state_dim(net);
    const pln_idx n = pln_network_n_nodes(net), nd = n * d;
    double *k[4], *xt = malloc((size_t)nd * sizeof *xt), *f = malloc((size_t)nd * sizeof *f);
    for (int s = 0; s < 4; s++) {
        k[s] = malloc((size_t)nd * sizeof *k[s]);
    }
    const double dt = 0.01;
    double Q = 0.0;
    for (int it = 0; it < 2000000; it++) {
        double q[4];
        for (int s = 0; s < 4; s++) {
            const double c = s == 0 ? 0.0 : s == 3 ? 1.0 : 0.5;
            for (pln_idx a = 0; a < nd; a++) {
                xt[a] = x[a] + (s == 0 ? 0.0 : c * dt * k[s - 1][a]);
            }
            sf_net_forces(net, xt, bc, f);
            q[s] = 0.0;
            for (pln_idx a = 0; a < nd; a++) {
                const bool free_c = pln_network_dof_index(net, a / d, (int)(a % d)) >= 0;
                k[s][a] = free_c ? f[a] : 0.0;
                q[s] += k[s][a] * k[s][a];
            }
        }
        for (pln_idx a = 0; a < nd; a++) {
            x[a] += dt / 6.0 * (k[0][a] + 2.0 * k[1][a] + 2.0 * k[2][a] + k[3][a]);
        }
        Q += dt / 6.0 * (q[0] + 2.0 * q[1] + 2.0 * q[2] + q[3]);
        if (q[0] < 1e-26) {
            break;
        }
    }
    for (int s = 0; s < 4; s++) {
        free(k[s]);
    }
    free(xt);
    free(f);
    return Q;
}

/* A 4 x 4 triangular patch with a displaced pin as the input (PLN_IN_NODE_X), a dead-load
 * force on one node, and a node displacement and an edge strain as outputs: one coupled
 * step. Its Joule term must be the heat a real, damped release of the clamps gives off,
 * and the quasi-static clamping must cost exactly the rise of the potential energy. */
static void ledger_case(pln_kind kind)
{
    pln_graph *g = NULL;
    cr_assert_eq(pln_graph_triangular_lattice(ctx, 4, 4, false, &g), PLN_OK);
    const pln_idx m = pln_graph_n_edges(g), n = pln_graph_n_nodes(g);
    double *kk = malloc((size_t)m * sizeof *kk);
    pln_rng rng;
    pln_rng_seed(&rng, 5);
    for (pln_idx e = 0; e < m; e++) {
        kk[e] = 0.6 + pln_rng_uniform(&rng);
    }
    cr_assert_eq(pln_graph_edge_attr_set(g, "stiffness", kk), PLN_OK);
    free(kk);
    pln_idx pins[3] = {0, 3, 1};
    double disp[6] = {0.0, 0.0, 0.0, 0.0, 0.0, 0.0};
    pln_idx fnode = 9;
    double force[2] = {0.03, -0.02};
    pln_boundary bc;
    pln_boundary_default(&bc);
    bc.n_dirichlet = 3;
    bc.dirichlet_nodes = pins;
    bc.dirichlet_values = disp;
    bc.n_currents = 1;
    bc.current_nodes = &fnode;
    bc.current_values = force;
    pln_network *net = sf_network(ctx, g, kind, &bc);
    const pln_output outs[2] = {{PLN_OUT_NODE_Y, 14}, {PLN_OUT_EDGE, m - 2}};
    pln_states_options so;
    pln_states_options_default(&so);
    so.newton_tol = 1e-13;
    pln_states *st = NULL;
    cr_assert_eq(pln_states_create(ctx, net, 2, outs, &so, &st), PLN_OK);
    cr_assert_eq(pln_states_factor(st), PLN_OK);
    const pln_input in = {PLN_IN_NODE_X, 1};
    const double u_in = 0.08, T[2] = {0.05, -0.03};
    pln_task *task = NULL;
    cr_assert_eq(pln_task_allostery(ctx, 1, &in, &u_in, 2, outs, T, &task), PLN_OK);

    /* The states of the first step, made here with the same boundary values. */
    const double eta = 0.5;
    double dv[6] = {0.0, 0.0, 0.0, 0.0, u_in, 0.0}; /* node 1 is pin slot 2 */
    pln_bc_values v = {dv, NULL, NULL};
    double *xf = malloc((size_t)(2 * n) * sizeof *xf), *xc = malloc((size_t)(2 * n) * sizeof *xc);
    double of[2], oc[2];
    cr_assert_eq(pln_states_free(st, 1, &v, xf, of), PLN_OK);
    for (int j = 0; j < 2; j++) {
        oc[j] = of[j] + eta * (T[j] - of[j]);
    }
    cr_assert_eq(pln_states_clamp(st, 1, xf, of, oc, xc, NULL), PLN_OK);

    pln_trainer_options to;
    pln_trainer_options_default(&to);
    to.rule.nudge = eta;
    to.rule.rate = 0.01;
    to.rule.dof = PLN_DOF_REST_LENGTH;
    pln_trainer *tr = NULL;
    cr_assert_eq(pln_trainer_create(ctx, net, st, task, &to, &tr), PLN_OK, "%s",
                 pln_ctx_last_error(ctx)->message);
    /* Release the clamps of x^C and let friction take the energy, before the step changes
     * the rest lengths. */
    pln_boundary held = bc;
    held.dirichlet_values = dv;
    double *xr = malloc((size_t)(2 * n) * sizeof *xr);
    memcpy(xr, xc, (size_t)(2 * n) * sizeof *xr);
    const double Q = relax_heat(net, &held, xr);
    cr_assert(ts_max_rel_err(xr, xf, (size_t)(2 * n)) < 1e-6, "relaxed back to x^F");

    /* Quasi-static clamping: work of the holding forces along o(t) = o^F + t (o^C - o^F),
     * by Simpson's rule. The holding force on the outputs is -(net spring and load force)
     * projected on the output gradients: for the clamped state the net force on the free
     * components equals -sum_j lambda_j grad o_j, and the work is sum_j lambda_j do_j. We
     * measure it as the force's work along the path of positions: W = int -F . dx. */
    const int K = 40;
    double W = 0.0;
    double *xa = malloc((size_t)(2 * n) * sizeof *xa), *xb = malloc((size_t)(2 * n) * sizeof *xb);
    double *fa = malloc((size_t)(2 * n) * sizeof *fa), *fm = malloc((size_t)(2 * n) * sizeof *fm);
    double *fb = malloc((size_t)(2 * n) * sizeof *fb), *xm = malloc((size_t)(2 * n) * sizeof *xm);
    memcpy(xa, xf, (size_t)(2 * n) * sizeof *xa);
    sf_net_forces(net, xa, &held, fa);
    for (int q = 0; q < K; q++) {
        double om[2], ob[2];
        for (int j = 0; j < 2; j++) {
            om[j] = of[j] + (q + 0.5) / K * (oc[j] - of[j]);
            ob[j] = of[j] + (q + 1.0) / K * (oc[j] - of[j]);
        }
        cr_assert_eq(pln_states_clamp(st, 1, xf, of, om, xm, NULL), PLN_OK);
        cr_assert_eq(pln_states_clamp(st, 1, xf, of, ob, xb, NULL), PLN_OK);
        sf_net_forces(net, xm, &held, fm);
        sf_net_forces(net, xb, &held, fb);
        /* Simpson in t on the path x(t): dx/dt from a parabola through xa, xm, xb */
        for (pln_idx a = 0; a < 2 * n; a++) {
            if (pln_network_dof_index(net, a / 2, (int)(a % 2)) < 0) {
                continue;
            }
            const double d0 = -3.0 * xa[a] + 4.0 * xm[a] - xb[a];
            const double d1 = xb[a] - xa[a];
            const double d2 = xa[a] - 4.0 * xm[a] + 3.0 * xb[a];
            W += -(fa[a] * d0 + 4.0 * fm[a] * d1 + fb[a] * d2) / 6.0;
        }
        memcpy(xa, xb, (size_t)(2 * n) * sizeof *xa);
        memcpy(fa, fb, (size_t)(2 * n) * sizeof *fa);
    }
    cr_assert(ts_max_rel_err(xa, xc, (size_t)(2 * n)) < 1e-9);

    cr_assert_eq(pln_trainer_step(tr), PLN_OK);
    const pln_ledger *l = pln_trainer_ledger(tr);
    cr_assert(l->joule > 0.0);
    cr_log_info("%s: ledger %.12g, relaxation %.12g, clamping work %.12g", pln_kind_name(kind),
                l->joule, Q, W);
    /* Tolerances: RK4 at dt 0.01 on rates of order 10 (error ~1e-8 relative) and the
     * relaxation stopped at |F|^2 < 1e-26; Simpson with 40 panels on a smooth path. */
    cr_assert(ts_rel_diff(l->joule, Q, 1e-15) < 1e-5, "ledger %.10g vs relaxation %.10g",
              l->joule, Q);
    cr_assert(ts_rel_diff(W, l->joule, 1e-15) < 1e-5,
              "clamping work %.10g vs released heat %.10g", W, l->joule);
    cr_assert_eq(l->power_free, 0.0);
    cr_assert(ts_rel_diff(l->power_clamped, l->joule, 1e-15) < 1e-12);

    free(xa);
    free(xb);
    free(xm);
    free(fa);
    free(fb);
    free(fm);
    free(xr);
    free(xf);
    free(xc);
    pln_trainer_destroy(tr);
    pln_task_destroy(task);
    pln_states_destroy(st);
    pln_network_destroy(net);
    pln_graph_destroy(g);
}

Test(spring_trainer, ledger_heat_is_relaxation_heat_linear) { ledger_case(PLN_KIND_SPRING_LINEAR); }
Test(spring_trainer, ledger_heat_is_relaxation_heat_nonlinear) { ledger_case(PLN_KIND_SPRING); }

/* Inputs name an axis on spring networks, and the pin must hold it. */
Test(spring_trainer, input_errors)
{
    pln_graph *g = NULL;
    cr_assert_eq(pln_graph_triangular_lattice(ctx, 4, 4, false, &g), PLN_OK);
    pln_idx pins[3] = {0, 3, 1};
    int axes[3] = {3, 3, 2}; /* node 1 holds y only */
    pln_boundary bc;
    pln_boundary_default(&bc);
    bc.n_dirichlet = 3;
    bc.dirichlet_nodes = pins;
    bc.dirichlet_axes = axes;
    pln_network *net = sf_network(ctx, g, PLN_KIND_SPRING_LINEAR, &bc);
    const pln_output out = {PLN_OUT_NODE_Y, 14};
    pln_states *st = NULL;
    cr_assert_eq(pln_states_create(ctx, net, 1, &out, NULL, &st), PLN_OK);
    const double u = 0.1, T = 0.0;
    const pln_input bad[3] = {{PLN_IN_NODE, 1}, {PLN_IN_NODE_X, 1}, {PLN_IN_NODE_Z, 0}};
    const char *want[3] = {"needs an axis", "leaves axis x free", "needs an axis"};
    for (int c = 0; c < 3; c++) {
        pln_task *task = NULL;
        cr_assert_eq(pln_task_allostery(ctx, 1, &bad[c], &u, 1, &out, &T, &task), PLN_OK);
        pln_trainer_options to;
        pln_trainer_options_default(&to);
        pln_trainer *tr = NULL;
        cr_assert_eq(pln_trainer_create(ctx, net, st, task, &to, &tr), PLN_EINVAL);
        const pln_error *e = pln_ctx_last_error(ctx);
        cr_assert(strstr(e->message, want[c]) != NULL, "case %d: %s", c, e->message);
        cr_assert_eq(e->node, bad[c].index);
        cr_assert_null(tr);
        pln_task_destroy(task);
    }
    pln_states_destroy(st);
    pln_network_destroy(net);
    pln_graph_destroy(g);
}
