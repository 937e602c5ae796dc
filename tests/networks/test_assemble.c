/* test_assemble.c — the reduced system of resistor and flow networks against analytic circuits and an independent KKT solve. */
#include "net_fixtures.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Tolerances: the dense oracles work in double precision on well-conditioned systems with
 * n <= 500 and conductances in [0.1, 10] (condition number below ~1e6), so 1e-10 relative
 * leaves a margin of several digits. */
#define TOL_EXACT 1e-12
#define TOL_RANDOM 1e-10

static pln_ctx *ctx;

static void setup(void) { cr_assert_eq(pln_ctx_create(&ctx), PLN_OK); }
static void teardown(void)
{
    pln_ctx_destroy(ctx);
    ts_check_leaks();
}

TestSuite(assemble, .init = setup, .fini = teardown, .timeout = 60);

/* Solve the network's reduced system densely and expand to node potentials. */
static void dense_potentials(const pln_network *net, const pln_bc_values *v, double *p)
{
    const pln_csc *A = pln_network_matrix(net);
    size_t n = (size_t)A->n;
    double *D = calloc(n * n + 1, sizeof *D);
    double *f = calloc(n + 1, sizeof *f);
    for (pln_idx c = 0; c < A->n; c++) {
        for (pln_idx q = A->p[c]; q < A->p[c + 1]; q++) {
            D[(size_t)A->i[q] * n + (size_t)c] = A->x[q];
            D[(size_t)c * n + (size_t)A->i[q]] = A->x[q];
        }
    }
    cr_assert_eq(pln_network_rhs(net, v, f), PLN_OK);
    cr_assert_eq(ts_dense_solve(D, f, n), 0);
    cr_assert_eq(pln_network_expand(net, f, v, p), PLN_OK);
    free(D);
    free(f);
}

static pln_graph *graph_from(pln_idx n, pln_idx m, const pln_idx *t, const pln_idx *h,
                             const double *k)
{
    pln_graph *g = NULL;
    cr_assert_eq(pln_graph_create(ctx, n, m, t, h, &g), PLN_OK);
    if (k != NULL) {
        cr_assert_eq(pln_graph_edge_attr_set(g, "conductance", k), PLN_OK);
    }
    return g;
}

Test(assemble, voltage_divider_matches_r2_over_r1_plus_r2)
{
    /* 0 --R1-- 1 --R2-- 2, V(0) = 3.7 V, node 2 grounded. */
    const double R1 = 2.2, R2 = 4.7, V = 3.7;
    pln_idx t[] = {0, 1}, h[] = {1, 2};
    double k[] = {1.0 / R1, 1.0 / R2};
    pln_graph *g = graph_from(3, 2, t, h, k);
    pln_idx dn[] = {0, 2};
    double dv[] = {V, 0.0};
    pln_boundary bc;
    pln_boundary_default(&bc);
    bc.n_dirichlet = 2;
    bc.dirichlet_nodes = dn;
    bc.dirichlet_values = dv;
    pln_network *net = NULL;
    cr_assert_eq(pln_network_create(ctx, g, NULL, &bc, &net), PLN_OK);
    cr_assert_eq(pln_network_n_reduced(net), 1);
    double p[3];
    dense_potentials(net, NULL, p);
    cr_assert(ts_rel_diff(p[1], V * R2 / (R1 + R2), 1e-300) < TOL_EXACT, "p1 = %.17g", p[1]);
    double w = pln_network_power(net, p);
    cr_assert(ts_rel_diff(w, V * V / (R1 + R2), 1e-300) < TOL_EXACT);
    pln_network_destroy(net);
    pln_graph_destroy(g);
}

Test(assemble, parallel_resistors_from_a_current_source)
{
    /* Three resistors in parallel between node 1 and ground 0, 1.3 A injected at node 1. */
    const double R[] = {1.5, 3.3, 6.8}, I = 1.3;
    pln_idx t[] = {1, 1, 1}, h[] = {0, 0, 0};
    double k[] = {1.0 / R[0], 1.0 / R[1], 1.0 / R[2]};
    pln_graph *g = graph_from(2, 3, t, h, k);
    pln_idx dn[] = {0}, cn[] = {1};
    double cv[] = {I};
    pln_boundary bc;
    pln_boundary_default(&bc);
    bc.n_dirichlet = 1;
    bc.dirichlet_nodes = dn;
    bc.n_currents = 1;
    bc.current_nodes = cn;
    bc.current_values = cv;
    pln_network *net = NULL;
    cr_assert_eq(pln_network_create(ctx, g, NULL, &bc, &net), PLN_OK);
    double p[2];
    dense_potentials(net, NULL, p);
    double Rpar = 1.0 / (1.0 / R[0] + 1.0 / R[1] + 1.0 / R[2]);
    cr_assert(ts_rel_diff(p[1], I * Rpar, 1e-300) < TOL_EXACT);
    cr_assert(ts_rel_diff(pln_network_supplied_power(net, p), I * I * Rpar, 1e-300) < TOL_EXACT);
    pln_network_destroy(net);
    pln_graph_destroy(g);
}

Test(assemble, edge_source_fixes_the_drop_and_its_current)
{
    /* A 2.5 V edge source across edge 0 = (1 -> 0) in parallel with a resistor, node 0 grounded,
     * node 1 feeds ground through R = 4 via node 2: series path 1 -2- 2 -2- 0. */
    pln_idx t[] = {1, 1, 2}, h[] = {0, 2, 0};
    double k[] = {0.7, 0.5, 0.5};
    pln_graph *g = graph_from(3, 3, t, h, k);
    pln_idx dn[] = {0}, se[] = {0};
    double sv[] = {2.5};
    pln_boundary bc;
    pln_boundary_default(&bc);
    bc.n_dirichlet = 1;
    bc.dirichlet_nodes = dn;
    bc.n_sources = 1;
    bc.source_edges = se;
    bc.source_values = sv;
    pln_network *net = NULL;
    cr_assert_eq(pln_network_create(ctx, g, NULL, &bc, &net), PLN_OK);
    /* Node 1 is joined to ground by the source: only node 2 is unknown. */
    cr_assert_eq(pln_network_n_reduced(net), 1);
    double p[3];
    dense_potentials(net, NULL, p);
    cr_assert(ts_rel_diff(p[1], 2.5, 1e-300) < TOL_EXACT);
    cr_assert(ts_rel_diff(p[2], 1.25, 1e-300) < TOL_EXACT);
    /* Power: 0.7 * 2.5^2 in the parallel resistor + 2.5^2 / 4 in the series path. */
    double want = 0.7 * 6.25 + 6.25 / 4.0;
    cr_assert(ts_rel_diff(pln_network_power(net, p), want, 1e-300) < TOL_EXACT);
    cr_assert(ts_rel_diff(pln_network_supplied_power(net, p), want, 1e-300) < TOL_EXACT);
    pln_network_destroy(net);
    pln_graph_destroy(g);
}

/* Random connected networks with Dirichlet nodes, injections and edge sources, n up to 500:
 * the reduced (grouped) system agrees with the KKT oracle, KCL holds at every free node, and
 * the power the sources deliver equals the dissipation. */
Test(assemble, random_networks_match_kkt_oracle_kcl_and_power)
{
    pln_rng rng;
    pln_rng_seed(&rng, 20261123);
    const pln_idx sizes[] = {5, 17, 60, 200, 500};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        const pln_idx n = sizes[s];
        const pln_idx cap = n - 1 + 2 * n;
        pln_idx *t = malloc((size_t)cap * sizeof *t), *h = malloc((size_t)cap * sizeof *h);
        pln_idx m = fx_random_graph(&rng, n, 2 * n, t, h);
        double *k = malloc((size_t)m * sizeof *k);
        for (pln_idx e = 0; e < m; e++) {
            k[e] = 0.1 * exp(log(100.0) * pln_rng_uniform(&rng)); /* 0.1 .. 10 S */
        }
        /* Distinct roles: 3 Dirichlet nodes, 3 injection nodes, 2 edge sources on tree edges
         * that touch none of the Dirichlet nodes (so values can never contradict). */
        pln_idx *perm = malloc((size_t)n * sizeof *perm);
        pln_rng_permutation(&rng, n, perm);
        pln_idx nd = n >= 8 ? 3 : 1, ncur = n >= 8 ? 3 : 1;
        pln_idx dn[3], cn[3], se[2];
        double dv[3], cv[3], sv[2];
        for (pln_idx a = 0; a < nd; a++) {
            dn[a] = perm[a];
            dv[a] = 2.0 * pln_rng_uniform(&rng) - 1.0;
        }
        for (pln_idx a = 0; a < ncur; a++) {
            cn[a] = perm[nd + a];
            cv[a] = pln_rng_uniform(&rng) - 0.5;
        }
        pln_idx ns = 0;
        for (pln_idx e = 0; e < m && ns < 2 && n >= 8; e++) {
            bool touches = false;
            for (pln_idx a = 0; a < nd; a++) {
                touches = touches || t[e] == dn[a] || h[e] == dn[a];
            }
            if (!touches && (ns == 0 || (t[e] != t[se[0]] && h[e] != h[se[0]] &&
                                         t[e] != h[se[0]] && h[e] != t[se[0]]))) {
                se[ns] = e;
                sv[ns] = 0.3 + ns;
                ns++;
            }
        }
        pln_graph *g = graph_from(n, m, t, h, k);
        pln_boundary bc;
        pln_boundary_default(&bc);
        bc.n_dirichlet = nd;
        bc.dirichlet_nodes = dn;
        bc.dirichlet_values = dv;
        bc.n_currents = ncur;
        bc.current_nodes = cn;
        bc.current_values = cv;
        bc.n_sources = ns;
        bc.source_edges = se;
        bc.source_values = sv;
        pln_network *net = NULL;
        cr_assert_eq(pln_network_create(ctx, g, NULL, &bc, &net), PLN_OK, "%s",
                     pln_ctx_last_error(ctx)->message);
        double *p = calloc((size_t)n, sizeof *p), *pk = calloc((size_t)n, sizeof *pk);
        dense_potentials(net, NULL, p);
        cr_assert_eq(fx_kkt_potentials(n, m, t, h, k, &bc, pk), 0);
        double err = ts_max_rel_err(p, pk, (size_t)n);
        cr_assert(err < TOL_RANDOM, "n = %lld: reduced vs KKT relative error %g", (long long)n,
                  err);
        /* Kirchhoff's current law at free nodes that no edge source touches. */
        double *net_out = calloc((size_t)n, sizeof *net_out);
        double qmax = 0.0;
        for (pln_idx e = 0; e < m; e++) {
            double q = k[e] * (p[t[e]] - p[h[e]]);
            net_out[t[e]] += q;
            net_out[h[e]] -= q;
            qmax = fmax(qmax, fabs(q));
        }
        for (pln_idx a = 0; a < ncur; a++) {
            net_out[cn[a]] -= cv[a];
        }
        for (pln_idx i = 0; i < n; i++) {
            bool fixed = false;
            for (pln_idx a = 0; a < nd; a++) {
                fixed = fixed || dn[a] == i;
            }
            for (pln_idx a = 0; a < ns; a++) {
                fixed = fixed || t[se[a]] == i || h[se[a]] == i;
            }
            if (!fixed) {
                cr_assert(fabs(net_out[i]) <= TOL_RANDOM * fmax(qmax, 1e-300),
                          "KCL residual %g at node %lld", net_out[i], (long long)i);
            }
        }
        double w = pln_network_power(net, p), ws = pln_network_supplied_power(net, p);
        cr_assert(ts_rel_diff(w, ws, 1e-300) < TOL_RANDOM, "power %g vs supplied %g", w, ws);
        free(net_out);
        free(p);
        free(pk);
        free(perm);
        free(k);
        free(t);
        free(h);
        pln_network_destroy(net);
        pln_graph_destroy(g);
    }
}

Test(assemble, refilled_matrix_equals_a_fresh_assembly)
{
    pln_rng rng;
    pln_rng_seed(&rng, 7);
    pln_idx t[200], h[200];
    pln_idx m = fx_random_graph(&rng, 50, 100, t, h);
    pln_graph *g = graph_from(50, m, t, h, NULL);
    pln_idx dn[] = {0, 1};
    pln_boundary bc;
    pln_boundary_default(&bc);
    bc.n_dirichlet = 2;
    bc.dirichlet_nodes = dn;
    pln_network *a = NULL, *b = NULL;
    cr_assert_eq(pln_network_create(ctx, g, NULL, &bc, &a), PLN_OK);
    double k[200];
    for (pln_idx e = 0; e < m; e++) {
        k[e] = 0.5 + pln_rng_uniform(&rng);
    }
    cr_assert_eq(pln_network_set_conductances(a, k), PLN_OK);
    cr_assert_eq(pln_graph_edge_attr_set(g, "conductance", k), PLN_OK);
    cr_assert_eq(pln_network_create(ctx, g, NULL, &bc, &b), PLN_OK);
    const pln_csc *A = pln_network_matrix(a), *B = pln_network_matrix(b);
    cr_assert_eq(A->nnz, B->nnz);
    for (pln_idx q = 0; q < A->nnz; q++) {
        cr_assert_eq(A->i[q], B->i[q]);
        cr_assert(A->x[q] == B->x[q], "entry %lld: %.17g vs %.17g", (long long)q, A->x[q], B->x[q]);
    }
    pln_network_destroy(a);
    pln_network_destroy(b);
    pln_graph_destroy(g);
}

Test(assemble, flow_conductance_follows_poiseuille_from_radius_and_positions)
{
    /* Pipe from (0,0) to (3,4): l = 5 m, r = 0.2 m, mu = 1.3e-3 Pa s. */
    pln_idx t[] = {0}, h[] = {1};
    pln_graph *g = graph_from(2, 1, t, h, NULL);
    double pos[] = {0.0, 0.0, 3.0, 4.0}, r[] = {0.2};
    cr_assert_eq(pln_graph_set_positions(g, 2, pos), PLN_OK);
    cr_assert_eq(pln_graph_edge_attr_set(g, "radius", r), PLN_OK);
    pln_network_options o;
    pln_network_options_default(&o);
    o.kind = PLN_KIND_FLOW;
    o.viscosity = 1.3e-3;
    pln_idx dn[] = {1};
    pln_boundary bc;
    pln_boundary_default(&bc);
    bc.n_dirichlet = 1;
    bc.dirichlet_nodes = dn;
    pln_network *net = NULL;
    cr_assert_eq(pln_network_create(ctx, g, &o, &bc, &net), PLN_OK);
    double want = 3.14159265358979323846 * pow(0.2, 4) / (8.0 * 1.3e-3 * 5.0);
    cr_assert(ts_rel_diff(pln_network_conductances(net)[0], want, 1e-300) < TOL_EXACT);
    cr_assert(ts_rel_diff(pln_network_lengths(net)[0], 5.0, 1e-300) < TOL_EXACT);
    /* Doubling the radius multiplies k by 16. */
    double r2[] = {0.4};
    cr_assert_eq(pln_network_set_radii(net, r2), PLN_OK);
    cr_assert(ts_rel_diff(pln_network_conductances(net)[0], 16.0 * want, 1e-300) < TOL_EXACT);
    pln_network_destroy(net);
    pln_graph_destroy(g);
}

/* ------------------------------------------------------------------ errors */

Test(assemble, floating_component_is_esingular_naming_its_nodes)
{
    /* Two components: {0,1,2} grounded at 0, {3,4} with nothing fixed. */
    pln_idx t[] = {0, 1, 3}, h[] = {1, 2, 4};
    pln_graph *g = graph_from(5, 3, t, h, NULL);
    pln_idx dn[] = {0};
    pln_boundary bc;
    pln_boundary_default(&bc);
    bc.n_dirichlet = 1;
    bc.dirichlet_nodes = dn;
    pln_network *net = NULL;
    cr_assert_eq(pln_network_create(ctx, g, NULL, &bc, &net), PLN_ESINGULAR);
    cr_assert_null(net);
    const pln_error *e = pln_ctx_last_error(ctx);
    cr_assert_eq(e->node, 3);
    cr_assert(strstr(e->message, "{3, 4}") != NULL, "message: %s", e->message);
    pln_graph_destroy(g);
}

Test(assemble, non_positive_conductance_is_einval_naming_the_edge)
{
    pln_idx t[] = {0, 1, 2}, h[] = {1, 2, 0};
    double bad[][3] = {{1.0, 0.0, 1.0}, {1.0, 1.0, -2.0}, {NAN, 1.0, 1.0}, {1.0, INFINITY, 1.0}};
    pln_idx want_edge[] = {1, 2, 0, 1};
    pln_idx dn[] = {0};
    pln_boundary bc;
    pln_boundary_default(&bc);
    bc.n_dirichlet = 1;
    bc.dirichlet_nodes = dn;
    for (int c = 0; c < 4; c++) {
        pln_graph *g = graph_from(3, 3, t, h, bad[c]);
        pln_network *net = NULL;
        cr_assert_eq(pln_network_create(ctx, g, NULL, &bc, &net), PLN_EINVAL);
        cr_assert_eq(pln_ctx_last_error(ctx)->edge, want_edge[c]);
        cr_assert(strstr(pln_ctx_last_error(ctx)->message, "conductance") != NULL);
        pln_graph_destroy(g);
    }
    /* set_conductances rejects too, and leaves the old values in place. */
    pln_graph *g = graph_from(3, 3, t, h, NULL);
    pln_network *net = NULL;
    cr_assert_eq(pln_network_create(ctx, g, NULL, &bc, &net), PLN_OK);
    cr_assert_eq(pln_network_set_conductances(net, bad[1]), PLN_EINVAL);
    cr_assert_eq(pln_ctx_last_error(ctx)->edge, 2);
    cr_assert_eq(pln_network_conductances(net)[2], 1.0);
    pln_network_destroy(net);
    pln_graph_destroy(g);
}

Test(assemble, boundary_index_and_consistency_errors)
{
    pln_idx t[] = {0, 1, 2, 0}, h[] = {1, 2, 3, 2};
    pln_graph *g = graph_from(4, 4, t, h, NULL);
    pln_network *net = NULL;
    pln_boundary bc;

    pln_idx dn_bad[] = {0, 9};
    pln_boundary_default(&bc);
    bc.n_dirichlet = 2;
    bc.dirichlet_nodes = dn_bad;
    cr_assert_eq(pln_network_create(ctx, g, NULL, &bc, &net), PLN_EINVAL);
    cr_assert_eq(pln_ctx_last_error(ctx)->node, 9);

    pln_idx dn_twice[] = {1, 1};
    bc.dirichlet_nodes = dn_twice;
    cr_assert_eq(pln_network_create(ctx, g, NULL, &bc, &net), PLN_EINVAL);
    cr_assert(strstr(pln_ctx_last_error(ctx)->message, "twice") != NULL);

    /* Sources on edges 0 (0->1), 1 (1->2) and 3 (0->2) form a loop: drops 1 + 1 != 5. */
    pln_idx dn[] = {3}, se[] = {0, 1, 3};
    double sv[] = {1.0, 1.0, 5.0};
    bc.n_dirichlet = 1;
    bc.dirichlet_nodes = dn;
    bc.n_sources = 3;
    bc.source_edges = se;
    bc.source_values = sv;
    cr_assert_eq(pln_network_create(ctx, g, NULL, &bc, &net), PLN_EINVAL);
    /* Any edge of the loop may be the one named: the walk decides which closes it. */
    pln_idx bad_edge = pln_ctx_last_error(ctx)->edge;
    cr_assert(bad_edge == 0 || bad_edge == 1 || bad_edge == 3, "named edge %lld",
              (long long)bad_edge);
    cr_assert(strstr(pln_ctx_last_error(ctx)->message, "loop") != NULL);
    /* A consistent loop is accepted: 1 + 1 = 2. */
    sv[2] = 2.0;
    cr_assert_eq(pln_network_create(ctx, g, NULL, &bc, &net), PLN_OK);
    cr_assert_eq(pln_network_n_reduced(net), 1); /* {0,1,2} one group, 3 fixed */
    pln_network_destroy(net);
    net = NULL;

    /* Two fixed nodes joined by a source must agree: p0 - p1 = 1 but 0 and 1 fixed at 0, 0.5. */
    pln_idx dn2[] = {0, 1}, se2[] = {0};
    double dv2[] = {0.0, 0.5}, sv2[] = {1.0};
    pln_boundary_default(&bc);
    bc.n_dirichlet = 2;
    bc.dirichlet_nodes = dn2;
    bc.dirichlet_values = dv2;
    bc.n_sources = 1;
    bc.source_edges = se2;
    bc.source_values = sv2;
    cr_assert_eq(pln_network_create(ctx, g, NULL, &bc, &net), PLN_EINVAL);
    cr_assert_eq(pln_ctx_last_error(ctx)->node, 1);
    pln_graph_destroy(g);
}

Test(assemble, outputs_fixed_by_the_boundary_are_refused)
{
    pln_idx t[] = {0, 1, 2}, h[] = {1, 2, 3};
    pln_graph *g = graph_from(4, 3, t, h, NULL);
    pln_idx dn[] = {0, 3};
    pln_boundary bc;
    pln_boundary_default(&bc);
    bc.n_dirichlet = 2;
    bc.dirichlet_nodes = dn;
    pln_network *net = NULL;
    cr_assert_eq(pln_network_create(ctx, g, NULL, &bc, &net), PLN_OK);
    double E[2 * 2];
    pln_output ok[] = {{PLN_OUT_NODE, 1}, {PLN_OUT_EDGE, 1}};
    cr_assert_eq(pln_network_output_matrix(net, 2, ok, E), PLN_OK);
    /* E columns: node 1 -> e_0; edge 1 = (1 -> 2) -> e_0 - e_1 (reduced ids 0, 1 for 1, 2). */
    cr_assert(E[0] == 1.0 && E[1] == 0.0 && E[2] == 1.0 && E[3] == -1.0);
    pln_output bad[] = {{PLN_OUT_NODE, 3}};
    cr_assert_eq(pln_network_output_matrix(net, 1, bad, E), PLN_EINVAL);
    cr_assert_eq(pln_ctx_last_error(ctx)->node, 3);
    pln_network_destroy(net);
    pln_graph_destroy(g);
}

Test(assemble, destroy_accepts_null) { pln_network_destroy(NULL); }

Test(assemble, spring_kinds_need_node_positions)
{
    pln_idx t[] = {0}, h[] = {1};
    pln_graph *g = graph_from(2, 1, t, h, NULL);
    pln_network_options o;
    pln_network_options_default(&o);
    o.kind = PLN_KIND_SPRING;
    pln_network *net = NULL;
    cr_assert_eq(pln_network_create(ctx, g, &o, NULL, &net), PLN_EINVAL);
    cr_assert_str_eq(pln_ctx_last_error(ctx)->key, "positions");
    cr_assert_null(net);
    pln_graph_destroy(g);
}
