/* test_circuits.c — `plnet solve` on circuits with closed-form answers, power balance from the CSVs, and the lattice's R_eff -> 1/2. */
#include "cli_helpers.h"

#include "test_support.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Circuits of a few resistors: the solve is a handful of flops, so only rounding remains. */
#define TOL_ANALYTIC 1e-12
/* Power sums over a few hundred edges of O(1) terms. */
#define TOL_POWER 1e-10

typedef struct run {
    char *dir;
    char *out;
    double *p;
    size_t n;
    double *q;
    double *dp;
    double *pw;
    size_t m;
} run;

/* Write yaml (and an edge list) to a fresh folder, solve, read potentials and edges. */
static run solve(const char *tag, const char *edgelist, const char *yaml)
{
    run r;
    memset(&r, 0, sizeof r);
    r.dir = tc_dir(tag);
    if (edgelist != NULL) {
        free(tc_write(r.dir, "g.txt", edgelist));
    }
    char *cfg = tc_write(r.dir, "exp.yaml", yaml);
    r.out = tc_fmt("%s/out", r.dir);
    char *err = NULL;
    int rc = tc_run(NULL, &err, "solve", cfg, "-o", r.out, NULL);
    cr_assert_eq(rc, 0, "plnet solve failed (%d): %s", rc, err);
    free(err);
    free(cfg);
    char *pot = tc_fmt("%s/potentials.csv", r.out);
    char *edg = tc_fmt("%s/edges.csv", r.out);
    r.p = tc_column(pot, "potential", &r.n);
    r.q = tc_column(edg, "current", &r.m);
    size_t m2 = 0;
    r.dp = tc_column(edg, "drop", &m2);
    r.pw = tc_column(edg, "power", &m2);
    cr_assert(r.p != NULL && r.q != NULL && r.dp != NULL && r.pw != NULL);
    free(pot);
    free(edg);
    return r;
}

static void run_free(run *r)
{
    free(r->dir);
    free(r->out);
    free(r->p);
    free(r->q);
    free(r->dp);
    free(r->pw);
}

static void assert_rel(double got, double want, double tol, const char *what)
{
    double d = ts_rel_diff(got, want, 1e-300);
    cr_assert(d <= tol, "%s: got %.17g want %.17g (rel %.3g)", what, got, want, d);
}

Test(circuits, series_divider)
{
    const double r1 = 1.7, r2 = 2.385, r3 = 0.93, v = 5.0;
    run r = solve("divider", "0 1 1.7\n1 2 2.385\n2 3 0.93\n",
                  "network: {graph: {file: g.txt, weights: resistance}}\n"
                  "boundary:\n  ground: [3]\n  potentials: {nodes: [0], values: [5.0]}\n");
    double i = v / (r1 + r2 + r3);
    cr_assert_eq(r.n, 4);
    assert_rel(r.p[1], v - i * r1, TOL_ANALYTIC, "p1");
    assert_rel(r.p[2], i * r3, TOL_ANALYTIC, "p2");
    for (size_t e = 0; e < 3; e++) {
        assert_rel(r.q[e], i, TOL_ANALYTIC, "series current");
    }
    run_free(&r);
}

Test(circuits, parallel_resistors_with_current_injection)
{
    /* Three parallel edges between nodes 0 and 1; 1.3 A into node 0, node 1 grounded. */
    const double g1 = 1 / 2.2, g2 = 1 / 4.7, g3 = 1 / 0.33, j = 1.3;
    run r = solve("parallel", "0 1 2.2\n0 1 4.7\n1 0 0.33\n",
                  "network: {graph: {file: g.txt, weights: resistance}}\n"
                  "boundary:\n  ground: [1]\n  currents: {nodes: [0], values: [1.3]}\n");
    double v = j / (g1 + g2 + g3);
    assert_rel(r.p[0], v, TOL_ANALYTIC, "p0");
    assert_rel(r.q[0], g1 * v, TOL_ANALYTIC, "q0");
    assert_rel(r.q[2], -g3 * v, TOL_ANALYTIC, "q2 (reversed edge)");
    run_free(&r);
}

/* Bridge: 0 top (V), 3 bottom (ground), 1 and 2 the middle nodes, edge 4 the bridge 1-2. */
static void bridge(const char *tag, const double R[5], double v)
{
    char *el = tc_fmt("0 1 %.17g\n1 3 %.17g\n0 2 %.17g\n2 3 %.17g\n1 2 %.17g\n", R[0], R[1],
                      R[2], R[3], R[4]);
    char *yaml = tc_fmt("network: {graph: {file: g.txt, weights: resistance}}\n"
                        "boundary:\n  ground: [3]\n  potentials: {nodes: [0], values: [%.17g]}\n",
                        v);
    run r = solve(tag, el, yaml);
    double g[5];
    for (int k = 0; k < 5; k++) {
        g[k] = 1.0 / R[k];
    }
    /* Nodal equations at 1 and 2, solved by Cramer's rule. */
    double a11 = g[0] + g[1] + g[4], a12 = -g[4], a22 = g[2] + g[3] + g[4];
    double b1 = g[0] * v, b2 = g[2] * v;
    double det = a11 * a22 - a12 * a12;
    double p1 = (b1 * a22 - a12 * b2) / det;
    double p2 = (a11 * b2 - a12 * b1) / det;
    assert_rel(r.p[1], p1, TOL_ANALYTIC, "p1");
    assert_rel(r.p[2], p2, TOL_ANALYTIC, "p2");
    double bridge_current = (p1 - p2) * g[4];
    cr_assert(fabs(r.q[4] - bridge_current) <= TOL_ANALYTIC * fabs(v * g[4]) + 1e-300,
              "bridge current %.17g want %.17g", r.q[4], bridge_current);
    run_free(&r);
    free(el);
    free(yaml);
}

Test(circuits, wheatstone_bridge_balanced)
{
    /* R1/R2 = R3/R4: no bridge current, both middle nodes at V R2/(R1+R2). */
    const double R[5] = {1.5, 3.0, 2.5, 5.0, 7.77};
    bridge("bridge-bal", R, 2.0);
    run r = solve("bridge-bal2", "0 1 1.5\n1 3 3.0\n0 2 2.5\n2 3 5.0\n1 2 7.77\n",
                  "network: {graph: {file: g.txt, weights: resistance}}\n"
                  "boundary:\n  ground: [3]\n  potentials: {nodes: [0], values: [2.0]}\n");
    assert_rel(r.p[1], 2.0 * 3.0 / 4.5, TOL_ANALYTIC, "balanced p1");
    cr_assert(fabs(r.q[4]) < 1e-14, "balanced bridge current %g", r.q[4]);
    run_free(&r);
}

Test(circuits, wheatstone_bridge_unbalanced)
{
    const double R[5] = {1.0, 2.385, 3.3, 0.47, 1.8};
    bridge("bridge-unbal", R, 3.1);
}

Test(circuits, ladder_network)
{
    /* N sections: series rs along the top (i -> i+1), shunt rp from nodes 1..N to ground G.
     * Looking right from node k: R_N = rp, R_k = rp || (rs + R_{k+1}); the input current is
     * V / (rs + R_1) and each section divides p_{k+1} = p_k R_{k+1} / (rs + R_{k+1}). */
    enum { N = 12 };
    const double rs = 1.3, rp = 4.1, v = 2.0;
    const int ground = N + 1;
    char buf[4096] = "";
    for (int i = 0; i < N; i++) {
        char line[64];
        snprintf(line, sizeof line, "%d %d %.17g\n", i, i + 1, rs);
        strcat(buf, line);
    }
    for (int i = 1; i <= N; i++) {
        char line[64];
        snprintf(line, sizeof line, "%d %d %.17g\n", i, ground, rp);
        strcat(buf, line);
    }
    char *yaml = tc_fmt("network: {graph: {file: g.txt, weights: resistance}}\n"
                        "boundary:\n  ground: [%d]\n  potentials: {nodes: [0], values: [%g]}\n",
                        ground, v);
    run r = solve("ladder", buf, yaml);
    double Rk[N + 2];
    Rk[N] = rp;
    for (int k = N - 1; k >= 1; k--) {
        double series = rs + Rk[k + 1];
        Rk[k] = rp * series / (rp + series);
    }
    assert_rel(r.q[0], v / (rs + Rk[1]), TOL_ANALYTIC, "input current");
    double p = v;
    for (int k = 0; k < N; k++) {
        p = p * Rk[k + 1] / (rs + Rk[k + 1]);
        assert_rel(r.p[k + 1], p, TOL_ANALYTIC, "ladder potential");
    }
    run_free(&r);
    free(yaml);
}

Test(circuits, supplied_power_equals_dissipation)
{
    /* A random network with fixed potentials and current injections: the power the sources
     * deliver, computed from the CSVs alone (p_i times the net edge current leaving each fixed
     * node, plus p_j J_j at each injection), equals sum_e k_e dp_e^2 (Tellegen). */
    run r = solve("power",
                  NULL,
                  "seed: 11\n"
                  "network:\n  graph: {generator: erdos_renyi, n: 120, mean_degree: 5}\n"
                  "  edges:\n    conductance: {init: loguniform, low: 0.1, high: 10}\n"
                  "boundary:\n  ground: [0]\n"
                  "  potentials: {nodes: [7, 30], values: [1.25, -0.5]}\n"
                  "  currents: {nodes: [50, 60, 70], values: [0.2, -0.35, 0.1]}\n");
    char *edg = tc_fmt("%s/edges.csv", r.out);
    size_t m = 0;
    double *tail = tc_column(edg, "tail", &m);
    double *head = tc_column(edg, "head", &m);
    double *leaving = calloc(r.n, sizeof *leaving);
    double dissipated = 0.0;
    for (size_t e = 0; e < m; e++) {
        leaving[(size_t)tail[e]] += r.q[e];
        leaving[(size_t)head[e]] -= r.q[e];
        dissipated += r.pw[e];
    }
    const int fixed[] = {0, 7, 30};
    double supplied = 0.0;
    for (int k = 0; k < 3; k++) {
        supplied += r.p[fixed[k]] * leaving[fixed[k]];
    }
    const int inj[] = {50, 60, 70};
    const double J[] = {0.2, -0.35, 0.1};
    for (int k = 0; k < 3; k++) {
        supplied += r.p[inj[k]] * J[k];
        /* KCL at an injection node: the injected current leaves through its edges. */
        cr_assert(fabs(leaving[inj[k]] - J[k]) < 1e-12, "KCL at node %d", inj[k]);
    }
    cr_assert(dissipated > 0.0);
    assert_rel(supplied, dissipated, TOL_POWER, "supplied vs dissipated power");
    char *sum = tc_fmt("%s/summary.csv", r.out);
    size_t one = 0;
    double *w = tc_column(sum, "dissipated_power", &one);
    cr_assert_eq(one, 1);
    assert_rel(w[0], dissipated, TOL_POWER, "summary.csv dissipated_power");
    free(w);
    free(sum);
    free(leaving);
    free(tail);
    free(head);
    free(edg);
    run_free(&r);
}

/* R_eff between the centre node and its right neighbour of an L x L lattice of unit
 * resistors: 1 A in at the centre, the neighbour grounded, so R_eff is the centre's potential. */
static double lattice_reff(int L)
{
    int c = (L / 2) * L + L / 2;
    char *tag = tc_fmt("lattice%d", L);
    char *yaml = tc_fmt("network:\n  graph: {generator: square_lattice, size: [%d, %d]}\n"
                        "boundary:\n  ground: [%d]\n  currents: {nodes: [%d], values: [1.0]}\n",
                        L, L, c + 1, c);
    run r = solve(tag, NULL, yaml);
    double reff = r.p[c];
    run_free(&r);
    free(tag);
    free(yaml);
    return reff;
}

Test(circuits, lattice_effective_resistance_tends_to_one_half, .timeout = 120)
{
    /* On the infinite square lattice R_eff between neighbours is exactly 1/2 (each of the 4
     * edges carries 1/4 A from the source plus 1/4 A to the sink); a finite open lattice has
     * fewer paths, so R_eff > 1/2 and falls towards it as L grows. */
    double prev = INFINITY;
    double prev_gap = INFINITY;
    const int Ls[] = {16, 32, 64};
    for (int k = 0; k < 3; k++) {
        double reff = lattice_reff(Ls[k]);
        double gap = reff - 0.5;
        cr_assert(gap > 0.0, "L=%d: R_eff %.15g not above 1/2", Ls[k], reff);
        cr_assert(reff < prev, "L=%d: R_eff %.15g did not decrease", Ls[k], reff);
        cr_assert(gap < prev_gap);
        cr_assert(gap < 0.05, "L=%d: R_eff %.15g far from 1/2", Ls[k], reff);
        prev = reff;
        prev_gap = gap;
    }
}

Test(circuits, resolved_config_reloads_to_the_same_run)
{
    run r = solve("resolved", "0 1 1.0\n1 2 2.0\n",
                  "name: again\nnetwork: {graph: {file: g.txt}}\n"
                  "boundary:\n  ground: [2]\n  potentials: {nodes: [0], values: [1.0]}\n");
    char *resolved = tc_fmt("%s/config.resolved.yaml", r.out);
    cr_assert(tc_exists(resolved));
    char *out2 = tc_fmt("%s/out2", r.dir);
    char *err = NULL;
    int rc = tc_run(NULL, &err, "solve", resolved, "-o", out2, NULL);
    cr_assert_eq(rc, 0, "%s", err);
    char *p2 = tc_fmt("%s/potentials.csv", out2);
    size_t n = 0;
    double *p = tc_column(p2, "potential", &n);
    cr_assert_eq(n, r.n);
    for (size_t i = 0; i < n; i++) {
        cr_assert(p[i] == r.p[i]);
    }
    char *gml = tc_fmt("%s/network.graphml", r.out);
    cr_assert(tc_exists(gml));
    free(gml);
    free(p);
    free(p2);
    free(err);
    free(out2);
    free(resolved);
    run_free(&r);
}
