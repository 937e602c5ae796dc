/* test_springs.c — spring networks (SPEC 1.2) against analytic fields, force balance, energy descent, linear-vs-nonlinear order, clamped/nudged oracles and every error path. */
#include "spring_fixtures.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Newton is run to 1e-12 of k L here so that the solver's own error sits far below the
 * tolerances the claims are checked at (1e-10 for fields, 1e-9 for forces). */
#define NEWTON_TOL 1e-12

static pln_ctx *ctx;
static void setup(void) { cr_assert_eq(pln_ctx_create(&ctx), PLN_OK); }
static void teardown(void)
{
    pln_ctx_destroy(ctx);
    ts_check_leaks();
}
TestSuite(springs, .init = setup, .fini = teardown, .timeout = 120);

static pln_states *make_states(pln_network *net, pln_idx n_out, const pln_output *outs)
{
    pln_states_options so;
    pln_states_options_default(&so);
    so.newton_tol = NEWTON_TOL;
    pln_states *st = NULL;
    pln_status s = pln_states_create(ctx, net, n_out, outs, &so, &st);
    cr_assert_eq(s, PLN_OK, "states: %s", pln_ctx_last_error(ctx)->message);
    s = pln_states_factor(st);
    cr_assert_eq(s, PLN_OK, "factor: %s", pln_ctx_last_error(ctx)->message);
    return st;
}

static void solve_free(pln_states *st, double *x)
{
    pln_status s = pln_states_free(st, 1, NULL, x, NULL);
    cr_assert_eq(s, PLN_OK, "free state: %s", pln_ctx_last_error(ctx)->message);
}

/* A straight chain of n_sp springs along x in 2D, unit spacing. */
static pln_graph *chain(pln_idx n_sp, const double *k)
{
    pln_idx t[16], h[16];
    double pos[34];
    for (pln_idx i = 0; i <= n_sp; i++) {
        pos[2 * i] = (double)i * 1.25;
        pos[2 * i + 1] = 0.3;
    }
    for (pln_idx e = 0; e < n_sp; e++) {
        t[e] = e + 1; /* orientation head -> tail on purpose: signs must not depend on it */
        h[e] = e;
    }
    pln_graph *g = NULL;
    cr_assert_eq(pln_graph_create(ctx, n_sp + 1, n_sp, t, h, &g), PLN_OK);
    cr_assert_eq(pln_graph_set_positions(g, 2, pos), PLN_OK);
    cr_assert_eq(pln_graph_edge_attr_set(g, "stiffness", k), PLN_OK);
    return g;
}

/* Series springs: the end displacement D splits as 1/k_e; the tension is k_eff D everywhere. */
static void check_chain(pln_kind kind, double D)
{
    enum { NS = 5 };
    const double k[NS] = {2.385, 0.71, 1.3, 4.2, 0.93};
    pln_graph *g = chain(NS, k);
    /* node 0 pinned, node NS pinned at (D, 0), interior nodes on rollers (y held) */
    pln_idx pins[NS + 1];
    int axes[NS + 1];
    double disp[2 * (NS + 1)] = {0};
    for (pln_idx i = 0; i <= NS; i++) {
        pins[i] = i;
        axes[i] = (i == 0 || i == NS) ? 3 : 2;
    }
    disp[2 * NS] = D;
    pln_boundary bc;
    pln_boundary_default(&bc);
    bc.n_dirichlet = NS + 1;
    bc.dirichlet_nodes = pins;
    bc.dirichlet_values = disp;
    bc.dirichlet_axes = axes;
    pln_network *net = sf_network(ctx, g, kind, &bc);
    cr_assert_eq(pln_network_n_reduced(net), NS - 1);
    pln_states *st = make_states(net, 0, NULL);
    double x[2 * (NS + 1)];
    solve_free(st, x);
    double compliance = 0.0;
    for (int e = 0; e < NS; e++) {
        compliance += 1.0 / k[e];
    }
    double acc = 0.0;
    for (pln_idx i = 0; i <= NS; i++) {
        const double want = D * acc / compliance;
        cr_assert(fabs((x[2 * i] - 1.25 * (double)i) - want) < 1e-12 * (1.0 + fabs(D)),
                  "%s node %lld: u = %.15g, series springs give %.15g", pln_kind_name(kind),
                  (long long)i, x[2 * i] - 1.25 * (double)i, want);
        cr_assert(fabs(x[2 * i + 1] - 0.3) < 1e-14);
        if (i < NS) {
            acc += 1.0 / k[i];
        }
    }
    double tension[NS];
    pln_network_edge_currents(net, x, tension);
    for (int e = 0; e < NS; e++) {
        cr_assert(fabs(tension[e] - D / compliance) < 1e-12, "tension %g, k_eff D = %g",
                  tension[e], D / compliance);
    }
    pln_states_destroy(st);
    pln_network_destroy(net);
    pln_graph_destroy(g);
}

Test(springs, chain_under_end_displacement_splits_as_series_springs)
{
    check_chain(PLN_KIND_SPRING_LINEAR, 0.37);
    check_chain(PLN_KIND_SPRING, 0.37);  /* stretched */
    check_chain(PLN_KIND_SPRING, -0.41); /* compressed: the full Hessian is not PD */
}

Test(springs, chain_under_end_force_moves_by_force_over_series_stiffness)
{
    enum { NS = 4 };
    const double k[NS] = {1.7, 0.6, 2.9, 1.1};
    pln_graph *g = chain(NS, k);
    pln_idx pins[NS + 1];
    int axes[NS + 1];
    for (pln_idx i = 0; i <= NS; i++) {
        pins[i] = i;
        axes[i] = i == 0 ? 3 : 2;
    }
    pln_idx fnode[] = {NS};
    double F[] = {0.45, 0.0};
    pln_boundary bc;
    pln_boundary_default(&bc);
    bc.n_dirichlet = NS + 1;
    bc.dirichlet_nodes = pins;
    bc.dirichlet_axes = axes;
    bc.n_currents = 1;
    bc.current_nodes = fnode;
    bc.current_values = F;
    double compliance = 0.0;
    for (int e = 0; e < NS; e++) {
        compliance += 1.0 / k[e];
    }
    for (int kind = PLN_KIND_SPRING; kind <= PLN_KIND_SPRING_LINEAR; kind++) {
        pln_network *net = sf_network(ctx, g, (pln_kind)kind, &bc);
        pln_states *st = make_states(net, 0, NULL);
        double x[2 * (NS + 1)];
        solve_free(st, x);
        const double u = x[2 * NS] - 1.25 * NS;
        cr_assert(fabs(u - F[0] * compliance) < 1e-12, "%s: u = %.15g, F/k_eff = %.15g",
                  pln_kind_name((pln_kind)kind), u, F[0] * compliance);
        pln_states_destroy(st);
        pln_network_destroy(net);
    }
    pln_graph_destroy(g);
}

/* Uniform strain of a triangular patch: boundary held at the affine field (F - I) X, the
 * interior must follow it exactly (every interior node has its neighbours in +- pairs). */
static void check_affine(pln_kind kind, double eps)
{
    pln_graph *g = NULL;
    cr_assert_eq(pln_graph_triangular_lattice(ctx, 9, 8, false, &g), PLN_OK);
    const pln_idx n = pln_graph_n_nodes(g);
    const double *X = pln_graph_positions(g);
    const double Fm[4] = {eps * 1.0, eps * 0.6, eps * -0.3, eps * 0.45}; /* F - I */
    bool *bnd = malloc((size_t)n * sizeof *bnd);
    sf_boundary_nodes(g, bnd);
    pln_idx *pins = malloc((size_t)n * sizeof *pins);
    double *disp = malloc((size_t)(2 * n) * sizeof *disp);
    pln_idx np = 0;
    for (pln_idx i = 0; i < n; i++) {
        if (bnd[i]) {
            pins[np] = i;
            disp[2 * np] = Fm[0] * X[2 * i] + Fm[1] * X[2 * i + 1];
            disp[2 * np + 1] = Fm[2] * X[2 * i] + Fm[3] * X[2 * i + 1];
            np++;
        }
    }
    cr_assert(np < n - 20, "the patch must have an interior");
    pln_boundary bc;
    pln_boundary_default(&bc);
    bc.n_dirichlet = np;
    bc.dirichlet_nodes = pins;
    bc.dirichlet_values = disp;
    pln_network *net = sf_network(ctx, g, kind, &bc);
    pln_states *st = make_states(net, 0, NULL);
    double *x = malloc((size_t)(2 * n) * sizeof *x);
    solve_free(st, x);
    double worst = 0.0;
    for (pln_idx i = 0; i < n; i++) {
        const double ux = Fm[0] * X[2 * i] + Fm[1] * X[2 * i + 1];
        const double uy = Fm[2] * X[2 * i] + Fm[3] * X[2 * i + 1];
        worst = fmax(worst, fabs(x[2 * i] - X[2 * i] - ux));
        worst = fmax(worst, fabs(x[2 * i + 1] - X[2 * i + 1] - uy));
    }
    cr_log_info("affine %s strain %g: max deviation %.3g", pln_kind_name(kind), eps, worst);
    cr_assert(worst < 1e-10, "%s, strain %g: affine field missed by %.3g", pln_kind_name(kind),
              eps, worst);
    free(x);
    free(bnd);
    free(pins);
    free(disp);
    pln_states_destroy(st);
    pln_network_destroy(net);
    pln_graph_destroy(g);
}

Test(springs, triangular_patch_under_uniform_strain_is_affine)
{
    check_affine(PLN_KIND_SPRING_LINEAR, 0.05);
    check_affine(PLN_KIND_SPRING, 0.05);
    check_affine(PLN_KIND_SPRING, 0.2); /* large strain: the nonlinear model stays affine too */
}

/* A disordered network (random stiffness on a triangular lattice), left
 * column pinned, right column displaced by s L in x and s/2 L in y. */
static void strained_block(pln_kind kind, double s, double *u_out, pln_idx *n_out)
{
    pln_graph *g0 = NULL;
    cr_assert_eq(pln_graph_triangular_lattice(ctx, 10, 9, false, &g0), PLN_OK);
    const pln_idx n = pln_graph_n_nodes(g0), m0 = pln_graph_n_edges(g0);
    pln_rng rng;
    pln_rng_seed(&rng, 77);
    pln_idx *t = malloc((size_t)m0 * sizeof *t), *h = malloc((size_t)m0 * sizeof *h);
    double *k = malloc((size_t)m0 * sizeof *k);
    pln_idx m = 0;
    for (pln_idx e = 0; e < m0; e++) {
        t[m] = pln_graph_tails(g0)[e];
        h[m] = pln_graph_heads(g0)[e];
        k[m] = 0.3 + 2.0 * pln_rng_uniform(&rng);
        m++;
    }
    pln_graph *g = NULL;
    cr_assert_eq(pln_graph_create(ctx, n, m, t, h, &g), PLN_OK);
    cr_assert_eq(pln_graph_set_positions(g, 2, pln_graph_positions(g0)), PLN_OK);
    cr_assert_eq(pln_graph_edge_attr_set(g, "stiffness", k), PLN_OK);
    pln_idx pins[20];
    double disp[40];
    pln_idx np = 0;
    for (pln_idx y = 0; y < 9; y++) {
        pins[np] = y * 10;
        disp[2 * np] = disp[2 * np + 1] = 0.0;
        np++;
        pins[np] = y * 10 + 9;
        disp[2 * np] = s * 9.0;
        disp[2 * np + 1] = 0.5 * s * 9.0;
        np++;
    }
    pln_boundary bc;
    pln_boundary_default(&bc);
    bc.n_dirichlet = np;
    bc.dirichlet_nodes = pins;
    bc.dirichlet_values = disp;
    pln_network *net = sf_network(ctx, g, kind, &bc);
    pln_states *st = make_states(net, 0, NULL);
    double *x = malloc((size_t)(2 * n) * sizeof *x);
    solve_free(st, x);
    for (pln_idx q = 0; q < 2 * n; q++) {
        u_out[q] = x[q] - pln_graph_positions(g)[q];
    }
    *n_out = n;
    free(x);
    free(t);
    free(h);
    free(k);
    pln_states_destroy(st);
    pln_network_destroy(net);
    pln_graph_destroy(g);
    pln_graph_destroy(g0);
}

Test(springs, linear_and_nonlinear_agree_to_first_order_with_error_shrinking_like_strain_squared)
{
    const double strains[3] = {1e-2, 1e-3, 1e-4};
    double err[3];
    double *ul = malloc(200 * sizeof *ul), *un = malloc(200 * sizeof *un);
    for (int a = 0; a < 3; a++) {
        pln_idx n = 0;
        strained_block(PLN_KIND_SPRING_LINEAR, strains[a], ul, &n);
        strained_block(PLN_KIND_SPRING, strains[a], un, &n);
        double diff = 0.0, size = 0.0;
        for (pln_idx q = 0; q < 2 * n; q++) {
            diff = fmax(diff, fabs(un[q] - ul[q]));
            size = fmax(size, fabs(ul[q]));
        }
        err[a] = diff;
        cr_assert(diff < 0.2 * size, "strain %g: the models differ at first order", strains[a]);
        cr_assert(diff > 0.0);
    }
    for (int a = 0; a < 2; a++) {
        const double order = log(err[a] / err[a + 1]) / log(strains[a] / strains[a + 1]);
        cr_log_info("linear vs nonlinear: error %.3e at strain %g, %.3e at %g: order %.4f",
                    err[a], strains[a], err[a + 1], strains[a + 1], order);
        cr_assert(order > 1.9 && order < 2.1,
                  "error %g at strain %g, %g at %g: order %.3f, want 2", err[a], strains[a],
                  err[a + 1], strains[a + 1], order);
    }
    free(ul);
    free(un);
}

/* A prestressed random geometric network with forces: Newton must balance every free node
 * and never raise the potential energy. */
static void check_balance(pln_idx side, uint64_t seed, double prestress, pln_hessian mode)
{
    /* a triangular lattice with jittered positions: disordered but rigid */
    pln_graph *g = NULL;
    cr_assert_eq(pln_graph_triangular_lattice(ctx, side, side, false, &g), PLN_OK);
    const pln_idx n = pln_graph_n_nodes(g), m = pln_graph_n_edges(g);
    pln_rng rng;
    pln_rng_seed(&rng, seed);
    double *X = malloc((size_t)(2 * n) * sizeof *X);
    for (pln_idx q = 0; q < 2 * n; q++) {
        X[q] = pln_graph_positions(g)[q] + 0.3 * (pln_rng_uniform(&rng) - 0.5);
    }
    cr_assert_eq(pln_graph_set_positions(g, 2, X), PLN_OK);
    double *k = malloc((size_t)m * sizeof *k), *l = malloc((size_t)m * sizeof *l);
    for (pln_idx e = 0; e < m; e++) {
        const pln_idx a = pln_graph_tails(g)[e], b = pln_graph_heads(g)[e];
        const double L = hypot(X[2 * a] - X[2 * b], X[2 * a + 1] - X[2 * b + 1]);
        k[e] = 0.5 + pln_rng_uniform(&rng);
        l[e] = L * (1.0 + prestress * (pln_rng_uniform(&rng) - 0.5));
    }
    free(X);
    cr_assert_eq(pln_graph_edge_attr_set(g, "stiffness", k), PLN_OK);
    cr_assert_eq(pln_graph_edge_attr_set(g, "rest_length", l), PLN_OK);
    /* pin three nodes of the bottom row, push three others */
    pln_idx pins[3] = {0, 1, 2};
    pln_idx fn[3] = {n - 1, n / 2, n / 3};
    double F[6] = {0.05, -0.02, 0.0, 0.04, -0.03, 0.01};
    pln_boundary bc;
    pln_boundary_default(&bc);
    bc.n_dirichlet = 3;
    bc.dirichlet_nodes = pins;
    bc.n_currents = 3;
    bc.current_nodes = fn;
    bc.current_values = F;
    pln_network *net = sf_network(ctx, g, PLN_KIND_SPRING, &bc);
    pln_states_options so;
    pln_states_options_default(&so);
    so.hessian = mode;
    so.newton_max_iter = 500;
    pln_states *st = NULL;
    cr_assert_eq(pln_states_create(ctx, net, 0, NULL, &so, &st), PLN_OK);
    cr_assert_eq(pln_states_factor(st), PLN_OK);
    double *x = malloc((size_t)(2 * n) * sizeof *x);
    pln_status s = pln_states_free(st, 1, NULL, x, NULL);
    cr_assert_eq(s, PLN_OK, "%s", pln_ctx_last_error(ctx)->message);
    pln_newton_stats ns;
    pln_states_newton_stats(st, &ns);
    const double fmax_free = sf_max_free_force(net, x, &bc, NULL);
    cr_assert(fmax_free < 1e-9, "net force %.3g on a free node after %lld iterations", fmax_free,
              (long long)ns.iterations);
    cr_assert(ns.iterations >= 2, "a prestressed network should need Newton iterations");
    cr_log_info("balance n=%lld prestress %g %s: %lld iterations (%lld Gauss-Newton), residual "
                "%.3g, max free force %.3g",
                (long long)n, prestress, mode == PLN_HESSIAN_FULL ? "full" : "gauss-newton",
                (long long)ns.iterations, (long long)ns.gauss_newton, ns.residual, fmax_free);
    for (pln_idx q = 1; q < ns.n_trace; q++) {
        cr_assert(ns.trace[q] <= ns.trace[q - 1] + 1e-13 * fabs(ns.trace[q - 1]),
                  "energy rose at step %lld: %.17g -> %.17g", (long long)q, ns.trace[q - 1],
                  ns.trace[q]);
    }
    cr_assert(ns.trace[ns.n_trace - 1] < ns.trace[0]);
    /* the warm-started re-solve has nothing left to do */
    cr_assert_eq(pln_states_free(st, 1, NULL, x, NULL), PLN_OK);
    pln_states_newton_stats(st, &ns);
    cr_assert_eq(ns.iterations, 0);
    free(x);
    free(k);
    free(l);
    pln_states_destroy(st);
    pln_network_destroy(net);
    pln_graph_destroy(g);
}

Test(springs, newton_balances_every_free_node_and_never_raises_the_energy)
{
    check_balance(8, 3, 0.3, PLN_HESSIAN_FULL);
    check_balance(12, 5, 0.6, PLN_HESSIAN_FULL);
    check_balance(8, 3, 0.3, PLN_HESSIAN_GAUSS_NEWTON);
}

/* Imposed strain of a source edge: met exactly, every other free node balanced, and the
 * edge's two ends feel equal and opposite forces along the edge (an actuator). */
Test(springs, imposed_edge_strain_is_met_exactly_and_acts_as_an_actuator)
{
    pln_graph *g = NULL;
    cr_assert_eq(pln_graph_triangular_lattice(ctx, 7, 6, false, &g), PLN_OK);
    const pln_idx n = pln_graph_n_nodes(g);
    bool *skip = calloc((size_t)n, sizeof *skip);
    pln_idx pins[] = {0, 6, 35, 41};
    const pln_idx src = 40; /* an edge inside the patch */
    pln_idx se[] = {src};
    double sv[] = {0.08};
    pln_boundary bc;
    pln_boundary_default(&bc);
    bc.n_dirichlet = 4;
    bc.dirichlet_nodes = pins;
    bc.n_sources = 1;
    bc.source_edges = se;
    bc.source_values = sv;
    for (int kind = PLN_KIND_SPRING; kind <= PLN_KIND_SPRING_LINEAR; kind++) {
        pln_network *net = sf_network(ctx, g, (pln_kind)kind, &bc);
        pln_states *st = make_states(net, 0, NULL);
        double *x = malloc((size_t)(2 * n) * sizeof *x), *f = malloc((size_t)(2 * n) * sizeof *f);
        solve_free(st, x);
        const double strain = pln_network_edge_strain(net, x, src, NULL);
        cr_assert(fabs(strain - sv[0]) < 1e-12, "%s: strain %.15g, imposed %g",
                  pln_kind_name((pln_kind)kind), strain, sv[0]);
        const pln_idx a = pln_graph_tails(g)[src], b = pln_graph_heads(g)[src];
        skip[a] = skip[b] = true;
        cr_assert(sf_max_free_force(net, x, &bc, skip) < 1e-10);
        sf_net_forces(net, x, &bc, f);
        double grad[2];
        (void)pln_network_edge_strain(net, x, src, grad);
        /* f_a = -f_b, parallel to the edge, and pushing its ends apart (the spring pulls) */
        cr_assert(fabs(f[2 * a] + f[2 * b]) < 1e-10 && fabs(f[2 * a + 1] + f[2 * b + 1]) < 1e-10);
        cr_assert(fabs(f[2 * a] * grad[1] - f[2 * a + 1] * grad[0]) < 1e-10);
        cr_assert(hypot(f[2 * a], f[2 * a + 1]) > 1e-3);
        skip[a] = skip[b] = false;
        free(x);
        free(f);
        pln_states_destroy(st);
        pln_network_destroy(net);
    }
    free(skip);
    pln_graph_destroy(g);
}

/* Clamping a node output along an axis equals pinning that node on that axis (a roller with
 * the clamped displacement): an independent network and a plain free solve. */
Test(springs, clamped_state_equals_a_network_with_the_output_pinned)
{
    pln_graph *g = NULL;
    cr_assert_eq(pln_graph_triangular_lattice(ctx, 6, 6, false, &g), PLN_OK);
    const pln_idx n = pln_graph_n_nodes(g);
    pln_idx pins[] = {0, 5};
    pln_idx se[] = {3};
    double sv[] = {-0.05};
    pln_output outs[] = {{PLN_OUT_NODE_Y, 33}, {PLN_OUT_NODE_X, 20}};
    for (int kind = PLN_KIND_SPRING; kind <= PLN_KIND_SPRING_LINEAR; kind++) {
        pln_boundary bc;
        pln_boundary_default(&bc);
        bc.n_dirichlet = 2;
        bc.dirichlet_nodes = pins;
        bc.n_sources = 1;
        bc.source_edges = se;
        bc.source_values = sv;
        pln_network *net = sf_network(ctx, g, (pln_kind)kind, &bc);
        pln_states *st = make_states(net, 2, outs);
        double *xf = malloc((size_t)(2 * n) * sizeof *xf), *xc = malloc((size_t)(2 * n) * sizeof *xc);
        double of[2], oc[2], oo[2];
        cr_assert_eq(pln_states_free(st, 1, NULL, xf, of), PLN_OK);
        oc[0] = of[0] + 0.07;
        oc[1] = of[1] - 0.04;
        pln_status s = pln_states_clamp(st, 1, xf, of, oc, xc, oo);
        cr_assert_eq(s, PLN_OK, "%s", pln_ctx_last_error(ctx)->message);
        cr_assert(fabs(oo[0] - oc[0]) < 1e-12 && fabs(oo[1] - oc[1]) < 1e-12);
        /* the oracle: outputs become roller pins at the clamped displacements */
        pln_idx pins2[] = {0, 5, 33, 20};
        int axes2[] = {3, 3, 2, 1};
        double disp2[8] = {0, 0, 0, 0, 0, oc[0], oc[1], 0};
        bc.n_dirichlet = 4;
        bc.dirichlet_nodes = pins2;
        bc.dirichlet_axes = axes2;
        bc.dirichlet_values = disp2;
        pln_network *net2 = sf_network(ctx, g, (pln_kind)kind, &bc);
        pln_states *st2 = make_states(net2, 0, NULL);
        double *x2 = malloc((size_t)(2 * n) * sizeof *x2);
        solve_free(st2, x2);
        cr_assert(ts_max_rel_err(xc, x2, (size_t)(2 * n)) < 1e-10, "%s: clamp vs re-solve %.3g",
                  pln_kind_name((pln_kind)kind), ts_max_rel_err(xc, x2, (size_t)(2 * n)));
        free(xf);
        free(xc);
        free(x2);
        pln_states_destroy(st);
        pln_states_destroy(st2);
        pln_network_destroy(net);
        pln_network_destroy(net2);
    }
    pln_graph_destroy(g);
}

/* The nudged state minimises E + beta C: the spring forces balance beta (T - o) dO/dx at the
 * outputs and vanish elsewhere. */
Test(springs, nudged_state_balances_spring_forces_against_the_cost)
{
    pln_graph *g = NULL;
    cr_assert_eq(pln_graph_triangular_lattice(ctx, 6, 5, false, &g), PLN_OK);
    const pln_idx n = pln_graph_n_nodes(g);
    pln_idx pins[] = {0, 1, 5};
    pln_idx se[] = {12};
    double sv[] = {0.1};
    pln_output outs[] = {{PLN_OUT_NODE_X, 27}, {PLN_OUT_EDGE, 30}};
    pln_boundary bc;
    pln_boundary_default(&bc);
    bc.n_dirichlet = 3;
    bc.dirichlet_nodes = pins;
    bc.n_sources = 1;
    bc.source_edges = se;
    bc.source_values = sv;
    const double beta_list[] = {0.5, -0.2};
    for (int kind = PLN_KIND_SPRING; kind <= PLN_KIND_SPRING_LINEAR; kind++) {
        for (int bi = 0; bi < 2; bi++) {
            const double beta = beta_list[bi];
            pln_network *net = sf_network(ctx, g, (pln_kind)kind, &bc);
            pln_states *st = make_states(net, 2, outs);
            double *xf = malloc((size_t)(2 * n) * sizeof *xf);
            double *xb = malloc((size_t)(2 * n) * sizeof *xb);
            double *f = malloc((size_t)(2 * n) * sizeof *f);
            double of[2], ob[2], T[2];
            cr_assert_eq(pln_states_free(st, 1, NULL, xf, of), PLN_OK);
            T[0] = of[0] + 0.2;
            T[1] = of[1] - 0.05;
            pln_status s = pln_states_nudge(st, 1, xf, of, T, beta, xb, ob);
            cr_assert_eq(s, PLN_OK, "%s", pln_ctx_last_error(ctx)->message);
            cr_assert(fabs(pln_network_edge_strain(net, xb, 12, NULL) - 0.1) < 1e-12);
            sf_net_forces(net, xb, &bc, f);
            /* add the cost's force -beta (o - T) do/dx */
            f[2 * 27] -= beta * (ob[0] - T[0]);
            double gr[2];
            (void)pln_network_edge_strain(net, xb, 30, gr);
            const pln_idx a = pln_graph_tails(g)[30], b = pln_graph_heads(g)[30];
            for (int c = 0; c < 2; c++) {
                f[2 * a + c] -= beta * (ob[1] - T[1]) * gr[c];
                f[2 * b + c] += beta * (ob[1] - T[1]) * gr[c];
            }
            const pln_idx sa = pln_graph_tails(g)[12], sb = pln_graph_heads(g)[12];
            double worst = 0.0;
            for (pln_idx i = 0; i < n; i++) {
                if (i == sa || i == sb) {
                    continue;
                }
                for (int c = 0; c < 2; c++) {
                    if (pln_network_dof_index(net, i, c) >= 0) {
                        worst = fmax(worst, fabs(f[2 * i + c]));
                    }
                }
            }
            cr_assert(worst < 1e-10, "%s beta %g: unbalanced force %.3g",
                      pln_kind_name((pln_kind)kind), beta, worst);
            /* the nudge moved the outputs toward (beta > 0) or away from the targets */
            const double cf = fabs(of[0] - T[0]) + fabs(of[1] - T[1]);
            const double cb = fabs(ob[0] - T[0]) + fabs(ob[1] - T[1]);
            cr_assert(beta > 0 ? cb < cf : cb > cf);
            free(xf);
            free(xb);
            free(f);
            pln_states_destroy(st);
            pln_network_destroy(net);
        }
    }
    pln_graph_destroy(g);
}

/* The signals are the partial derivatives of the energy at fixed positions (SPEC 3). */
Test(springs, signals_are_energy_derivatives_in_k_and_rest_length)
{
    pln_graph *g = NULL;
    cr_assert_eq(pln_graph_triangular_lattice(ctx, 4, 4, false, &g), PLN_OK);
    pln_idx pins[] = {0, 3};
    pln_boundary bc;
    pln_boundary_default(&bc);
    bc.n_dirichlet = 2;
    bc.dirichlet_nodes = pins;
    for (int kind = PLN_KIND_SPRING; kind <= PLN_KIND_SPRING_LINEAR; kind++) {
        pln_network *net = sf_network(ctx, g, (pln_kind)kind, &bc);
        const pln_idx n = pln_network_n_nodes(net), m = pln_network_n_edges(net);
        double *x = malloc((size_t)(2 * n) * sizeof *x), *s = malloc((size_t)m * sizeof *s);
        double *th = malloc((size_t)m * sizeof *th);
        pln_rng rng;
        pln_rng_seed(&rng, 9);
        const double *X0 = pln_network_positions(net, NULL);
        for (pln_idx q = 0; q < 2 * n; q++) {
            x[q] = X0[q] + 0.1 * (pln_rng_uniform(&rng) - 0.5);
        }
        for (int p = 0; p <= 1; p++) {
            const pln_param par = (pln_param)p;
            cr_assert_eq(pln_network_set_signal_param(net, par), PLN_OK);
            pln_network_signals(net, x, s);
            const double *cur = par == PLN_PARAM_K ? pln_network_conductances(net)
                                                   : pln_network_rest_lengths(net);
            for (pln_idx e = 0; e < m; e += 5) {
                const double h = 1e-6;
                memcpy(th, cur, (size_t)m * sizeof *th);
                th[e] += h;
                par == PLN_PARAM_K ? pln_network_set_conductances(net, th)
                                   : pln_network_set_rest_lengths(net, th);
                const double ep = pln_network_energy(net, x);
                th[e] -= 2 * h;
                par == PLN_PARAM_K ? pln_network_set_conductances(net, th)
                                   : pln_network_set_rest_lengths(net, th);
                const double em = pln_network_energy(net, x);
                th[e] += h;
                par == PLN_PARAM_K ? pln_network_set_conductances(net, th)
                                   : pln_network_set_rest_lengths(net, th);
                const double fd = (ep - em) / (2 * h);
                cr_assert(fabs(fd - s[e]) < 1e-8 * (1.0 + fabs(s[e])), "edge %lld: %g vs %g",
                          (long long)e, s[e], fd);
            }
        }
        free(x);
        free(s);
        free(th);
        pln_network_destroy(net);
    }
    pln_graph_destroy(g);
}

Test(springs, no_allocation_in_free_and_clamped_states_after_warm_up)
{
    pln_graph *g = NULL;
    cr_assert_eq(pln_graph_triangular_lattice(ctx, 8, 8, false, &g), PLN_OK);
    const pln_idx n = pln_graph_n_nodes(g);
    pln_idx pins[] = {0, 7, 56};
    pln_idx se[] = {5};
    double sv[] = {0.05};
    pln_output outs[] = {{PLN_OUT_EDGE, 100}, {PLN_OUT_NODE_Y, 40}};
    pln_boundary bc;
    pln_boundary_default(&bc);
    bc.n_dirichlet = 3;
    bc.dirichlet_nodes = pins;
    bc.n_sources = 1;
    bc.source_edges = se;
    bc.source_values = sv;
    for (int kind = PLN_KIND_SPRING; kind <= PLN_KIND_SPRING_LINEAR; kind++) {
        pln_network *net = sf_network(ctx, g, (pln_kind)kind, &bc);
        pln_states *st = make_states(net, 2, outs);
        double *xf = malloc((size_t)(2 * n) * sizeof *xf), *xc = malloc((size_t)(2 * n) * sizeof *xc);
        double of[2], oc[2];
        cr_assert_eq(pln_states_free(st, 1, NULL, xf, of), PLN_OK);
        oc[0] = of[0] + 0.01;
        oc[1] = of[1] + 0.02;
        cr_assert_eq(pln_states_clamp(st, 1, xf, of, oc, xc, NULL), PLN_OK);
        cr_assert_eq(pln_states_nudge(st, 1, xf, of, oc, 0.1, xc, NULL), PLN_OK);
        double *k = malloc(1000 * sizeof *k);
        memcpy(k, pln_network_conductances(net), (size_t)pln_network_n_edges(net) * sizeof *k);
        k[3] *= 1.1;
        long before = pln_i_alloc_count();
        cr_assert_eq(pln_network_set_conductances(net, k), PLN_OK);
        cr_assert_eq(pln_states_factor(st), PLN_OK);
        cr_assert_eq(pln_states_free(st, 1, NULL, xf, of), PLN_OK);
        cr_assert_eq(pln_states_clamp(st, 1, xf, of, oc, xc, NULL), PLN_OK);
        cr_assert_eq(pln_states_nudge(st, 1, xf, of, oc, 0.1, xc, NULL), PLN_OK);
        cr_assert_eq(pln_i_alloc_count(), before, "%s: %ld allocations",
                     pln_kind_name((pln_kind)kind), pln_i_alloc_count() - before);
        free(k);
        free(xf);
        free(xc);
        pln_states_destroy(st);
        pln_network_destroy(net);
    }
    pln_graph_destroy(g);
}
