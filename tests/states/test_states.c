/* test_states.c — clamped and nudged states from the free factor (SPEC 2) against direct re-solves. */
#include "net_fixtures.h"
#include "pln_internal.h"
#include "pln_states.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* SPEC 2: the Schur-complement states must agree with a direct re-solve to 1e-10 relative. */
#define TOL_SPEC2 1e-10

static pln_ctx *ctx;
static void setup(void) { cr_assert_eq(pln_ctx_create(&ctx), PLN_OK); }
static void teardown(void)
{
    pln_ctx_destroy(ctx);
    ts_check_leaks();
}
TestSuite(states, .init = setup, .fini = teardown, .timeout = 120);

typedef struct fixture {
    pln_idx n, m;
    pln_idx *t, *h;
    double *k;
    pln_graph *g;
    pln_idx dn[3];
    double dv[3];
    pln_output outs[4];
    pln_idx n_out;
} fixture;

/* A random network with 3 fixed nodes (two inputs and ground), outputs: two nodes and two
 * edges that touch no fixed node. */
static void make_fixture(fixture *fx, pln_idx n, uint64_t seed)
{
    pln_rng rng;
    pln_rng_seed(&rng, seed);
    fx->n = n;
    fx->t = malloc((size_t)(3 * n) * sizeof *fx->t);
    fx->h = malloc((size_t)(3 * n) * sizeof *fx->h);
    fx->m = fx_random_graph(&rng, n, 2 * n, fx->t, fx->h);
    fx->k = malloc((size_t)fx->m * sizeof *fx->k);
    for (pln_idx e = 0; e < fx->m; e++) {
        fx->k[e] = 0.2 + 2.0 * pln_rng_uniform(&rng);
    }
    cr_assert_eq(pln_graph_create(ctx, n, fx->m, fx->t, fx->h, &fx->g), PLN_OK);
    cr_assert_eq(pln_graph_edge_attr_set(fx->g, "conductance", fx->k), PLN_OK);
    fx->dn[0] = 0;
    fx->dn[1] = 1;
    fx->dn[2] = 2;
    fx->dv[0] = 0.0;
    fx->dv[1] = 1.0;
    fx->dv[2] = -0.4;
    fx->outs[0] = (pln_output){PLN_OUT_NODE, n - 1};
    fx->outs[1] = (pln_output){PLN_OUT_NODE, n / 2};
    fx->n_out = 2;
    for (pln_idx e = 0; e < fx->m && fx->n_out < 4; e++) {
        bool touches = fx->t[e] <= 2 || fx->h[e] <= 2 || fx->t[e] == n - 1 ||
                       fx->h[e] == n - 1 || fx->t[e] == n / 2 || fx->h[e] == n / 2;
        if (!touches && (fx->n_out == 2 || e != fx->outs[2].index)) {
            fx->outs[fx->n_out++] = (pln_output){PLN_OUT_EDGE, e};
        }
    }
}

static void free_fixture(fixture *fx)
{
    pln_graph_destroy(fx->g);
    free(fx->t);
    free(fx->h);
    free(fx->k);
}

static pln_network *make_network(fixture *fx, pln_idx n_extra_dir, const pln_idx *extra_nodes,
                                 const double *extra_vals, pln_idx ns, const pln_idx *se,
                                 const double *sv)
{
    pln_idx dn[8];
    double dv[8];
    for (int a = 0; a < 3; a++) {
        dn[a] = fx->dn[a];
        dv[a] = fx->dv[a];
    }
    for (pln_idx a = 0; a < n_extra_dir; a++) {
        dn[3 + a] = extra_nodes[a];
        dv[3 + a] = extra_vals[a];
    }
    pln_boundary bc;
    pln_boundary_default(&bc);
    bc.n_dirichlet = 3 + n_extra_dir;
    bc.dirichlet_nodes = dn;
    bc.dirichlet_values = dv;
    bc.n_sources = ns;
    bc.source_edges = se;
    bc.source_values = sv;
    pln_network *net = NULL;
    cr_assert_eq(pln_network_create(ctx, fx->g, NULL, &bc, &net), PLN_OK, "%s",
                 pln_ctx_last_error(ctx)->message);
    return net;
}

static void solve_plain(pln_network *net, double *p)
{
    pln_states *st = NULL;
    cr_assert_eq(pln_states_create(ctx, net, 0, NULL, NULL, &st), PLN_OK);
    cr_assert_eq(pln_states_factor(st), PLN_OK);
    cr_assert_eq(pln_states_free(st, 1, NULL, p, NULL), PLN_OK);
    pln_states_destroy(st);
}

Test(states, clamped_state_from_free_factor_equals_direct_resolve)
{
    const pln_idx sizes[] = {30, 150, 400};
    for (size_t s = 0; s < 3; s++) {
        fixture fx;
        make_fixture(&fx, sizes[s], 100 + s);
        pln_network *net = make_network(&fx, 0, NULL, NULL, 0, NULL, NULL);
        pln_states *st = NULL;
        cr_assert_eq(pln_states_create(ctx, net, fx.n_out, fx.outs, NULL, &st), PLN_OK, "%s",
                     pln_ctx_last_error(ctx)->message);
        cr_assert_eq(pln_states_factor(st), PLN_OK);
        double *pf = calloc((size_t)fx.n, sizeof *pf), *pc = calloc((size_t)fx.n, sizeof *pc);
        double of[4], oc_want[4], oc_got[4];
        cr_assert_eq(pln_states_free(st, 1, NULL, pf, of), PLN_OK);
        const double T[4] = {0.31, -0.12, 0.05, 0.2}, eta = 0.37;
        for (pln_idx a = 0; a < fx.n_out; a++) {
            oc_want[a] = of[a] + eta * (T[a] - of[a]);
        }
        cr_assert_eq(pln_states_clamp(st, 1, pf, of, oc_want, pc, oc_got), PLN_OK);
        /* Direct: node outputs become Dirichlet nodes, edge outputs edge sources. */
        pln_idx xn[2], xe[2];
        double xnv[2], xev[2];
        pln_idx nn = 0, ne = 0;
        for (pln_idx a = 0; a < fx.n_out; a++) {
            if (fx.outs[a].kind == PLN_OUT_NODE) {
                xn[nn] = fx.outs[a].index;
                xnv[nn++] = oc_want[a];
            } else {
                xe[ne] = fx.outs[a].index;
                xev[ne++] = oc_want[a];
            }
        }
        pln_network *direct = make_network(&fx, nn, xn, xnv, ne, xe, xev);
        double *pd = calloc((size_t)fx.n, sizeof *pd);
        solve_plain(direct, pd);
        double err = ts_max_rel_err(pc, pd, (size_t)fx.n);
        cr_assert(err < TOL_SPEC2, "n = %lld: clamped vs direct %g", (long long)fx.n, err);
        for (pln_idx a = 0; a < fx.n_out; a++) {
            cr_assert(fabs(oc_got[a] - oc_want[a]) < TOL_SPEC2);
        }
        /* In place (p_out == p_free) gives the same. */
        cr_assert_eq(pln_states_clamp(st, 1, pf, of, oc_want, pf, NULL), PLN_OK);
        cr_assert(ts_max_rel_err(pf, pc, (size_t)fx.n) == 0.0);
        free(pf);
        free(pc);
        free(pd);
        pln_states_destroy(st);
        pln_network_destroy(net);
        pln_network_destroy(direct);
        free_fixture(&fx);
    }
}

/* Dense oracle for the nudged state: (A + beta E E^T) x = f + beta E (T - c0). */
static void nudged_dense(pln_network *net, pln_idx n_out, const pln_output *outs,
                         const double *T, double beta, double *p)
{
    const pln_csc *A = pln_network_matrix(net);
    size_t nr = (size_t)A->n, n = (size_t)pln_network_n_nodes(net);
    double *D = calloc(nr * nr, sizeof *D), *f = calloc(nr, sizeof *f);
    double *E = calloc(nr * (size_t)n_out, sizeof *E), *p0 = calloc(n, sizeof *p0);
    double c0[4];
    for (pln_idx c = 0; c < A->n; c++) {
        for (pln_idx q = A->p[c]; q < A->p[c + 1]; q++) {
            D[(size_t)A->i[q] * nr + (size_t)c] = A->x[q];
            D[(size_t)c * nr + (size_t)A->i[q]] = A->x[q];
        }
    }
    cr_assert_eq(pln_network_output_matrix(net, n_out, outs, E), PLN_OK);
    cr_assert_eq(pln_network_fixed_potentials(net, NULL, p0), PLN_OK);
    pln_network_rhs_fixed(net, p0, NULL, f);
    pln_network_read_outputs(net, n_out, outs, p0, c0);
    for (pln_idx a = 0; a < n_out; a++) {
        const double *ea = E + (size_t)a * nr;
        for (size_t r = 0; r < nr; r++) {
            f[r] += beta * ea[r] * (T[a] - c0[a]);
            for (size_t c = 0; c < nr; c++) {
                D[r * nr + c] += beta * ea[r] * ea[c];
            }
        }
    }
    cr_assert_eq(ts_dense_solve(D, f, nr), 0);
    memcpy(p, p0, n * sizeof *p);
    pln_network_expand_delta(net, f, p);
    free(D);
    free(f);
    free(E);
    free(p0);
}

Test(states, nudged_state_equals_dense_minimiser_of_e_plus_beta_c)
{
    fixture fx;
    make_fixture(&fx, 120, 42);
    pln_network *net = make_network(&fx, 0, NULL, NULL, 0, NULL, NULL);
    pln_states *st = NULL;
    cr_assert_eq(pln_states_create(ctx, net, fx.n_out, fx.outs, NULL, &st), PLN_OK);
    cr_assert_eq(pln_states_factor(st), PLN_OK);
    double *pf = calloc((size_t)fx.n, sizeof *pf), *pb = calloc((size_t)fx.n, sizeof *pb);
    double *pd = calloc((size_t)fx.n, sizeof *pd);
    double of[4];
    const double T[4] = {0.3, 0.1, -0.2, 0.4};
    cr_assert_eq(pln_states_free(st, 1, NULL, pf, of), PLN_OK);
    const double betas[] = {1e-3, 0.5, 7.0, -0.05};
    for (int b = 0; b < 4; b++) {
        cr_assert_eq(pln_states_nudge(st, 1, pf, of, T, betas[b], pb, NULL), PLN_OK);
        nudged_dense(net, fx.n_out, fx.outs, T, betas[b], pd);
        double err = ts_max_rel_err(pb, pd, (size_t)fx.n);
        cr_assert(err < TOL_SPEC2, "beta %g: nudged vs dense %g", betas[b], err);
    }
    cr_assert_eq(pln_states_nudge(st, 1, pf, of, T, 0.0, pb, NULL), PLN_EINVAL);
    free(pf);
    free(pb);
    free(pd);
    pln_states_destroy(st);
    pln_network_destroy(net);
    free_fixture(&fx);
}

Test(states, batch_of_examples_equals_single_solves_and_dense_ref)
{
    fixture fx;
    make_fixture(&fx, 200, 9);
    pln_network *net = make_network(&fx, 0, NULL, NULL, 0, NULL, NULL);
    const pln_idx nb = 5;
    pln_states_options o;
    pln_states_options_default(&o);
    o.max_rhs = 3; /* smaller than the batch: exercises the chunking */
    pln_states *st = NULL, *ref = NULL;
    cr_assert_eq(pln_states_create(ctx, net, fx.n_out, fx.outs, &o, &st), PLN_OK);
    o.type = pln_solver_dense_ref;
    cr_assert_eq(pln_states_create(ctx, net, fx.n_out, fx.outs, &o, &ref), PLN_OK);
    cr_assert_eq(pln_states_factor(st), PLN_OK);
    cr_assert_eq(pln_states_factor(ref), PLN_OK);
    double dv[5][3];
    pln_bc_values vals[5];
    for (pln_idx j = 0; j < nb; j++) {
        dv[j][0] = 0.0;
        dv[j][1] = 0.1 * (double)(j + 1);
        dv[j][2] = -0.3 + 0.17 * (double)j;
        vals[j] = (pln_bc_values){dv[j], NULL, NULL};
    }
    size_t n = (size_t)fx.n;
    double *P = calloc(n * (size_t)nb, sizeof *P), *O = calloc(4 * (size_t)nb, sizeof *O);
    double *Pr = calloc(n * (size_t)nb, sizeof *Pr), *p1 = calloc(n, sizeof *p1);
    cr_assert_eq(pln_states_free(st, nb, vals, P, O), PLN_OK);
    cr_assert_eq(pln_states_free(ref, nb, vals, Pr, NULL), PLN_OK);
    cr_assert(ts_max_rel_err(P, Pr, n * (size_t)nb) < TOL_SPEC2);
    for (pln_idx j = 0; j < nb; j++) {
        cr_assert_eq(pln_states_free(st, 1, &vals[j], p1, NULL), PLN_OK);
        cr_assert(ts_max_rel_err(P + (size_t)j * n, p1, n) < 1e-14);
        /* Linearity: the potential at a free node is affine in the input potentials. */
    }
    pln_states_destroy(st);
    pln_states_destroy(ref);
    pln_network_destroy(net);
    free(P);
    free(O);
    free(Pr);
    free(p1);
    free_fixture(&fx);
}

Test(states, no_allocation_after_warm_up)
{
    fixture fx;
    make_fixture(&fx, 100, 5);
    pln_network *net = make_network(&fx, 0, NULL, NULL, 0, NULL, NULL);
    pln_states *st = NULL;
    cr_assert_eq(pln_states_create(ctx, net, fx.n_out, fx.outs, NULL, &st), PLN_OK);
    double *pf = calloc((size_t)fx.n, sizeof *pf), *pc = calloc((size_t)fx.n, sizeof *pc);
    double of[4], oc[4] = {0.1, 0.2, 0.0, 0.1};
    cr_assert_eq(pln_states_factor(st), PLN_OK);
    cr_assert_eq(pln_states_free(st, 1, NULL, pf, of), PLN_OK);
    long before = pln_i_alloc_count();
    for (int it = 0; it < 3; it++) {
        cr_assert_eq(pln_network_set_conductances(net, fx.k), PLN_OK);
        cr_assert_eq(pln_states_factor(st), PLN_OK);
        cr_assert_eq(pln_states_free(st, 1, NULL, pf, of), PLN_OK);
        cr_assert_eq(pln_states_clamp(st, 1, pf, of, oc, pc, NULL), PLN_OK);
        cr_assert_eq(pln_states_nudge(st, 1, pf, of, oc, 0.1, pc, NULL), PLN_OK);
    }
    cr_assert_eq(pln_i_alloc_count(), before, "%ld allocations in the step",
                 pln_i_alloc_count() - before);
    free(pf);
    free(pc);
    pln_states_destroy(st);
    pln_network_destroy(net);
    free_fixture(&fx);
}

Test(states, dependent_outputs_are_esingular)
{
    fixture fx;
    make_fixture(&fx, 20, 3);
    pln_network *net = make_network(&fx, 0, NULL, NULL, 0, NULL, NULL);
    pln_output twice[] = {{PLN_OUT_NODE, 10}, {PLN_OUT_NODE, 10}};
    pln_states *st = NULL;
    cr_assert_eq(pln_states_create(ctx, net, 2, twice, NULL, &st), PLN_OK);
    cr_assert_eq(pln_states_factor(st), PLN_ESINGULAR);
    cr_assert(strstr(pln_ctx_last_error(ctx)->message, "independent") != NULL);
    double p[20];
    cr_assert_eq(pln_states_free(st, 1, NULL, p, NULL), PLN_EINVAL); /* not factored */
    pln_states_destroy(st);
    pln_states_destroy(NULL);
    pln_network_destroy(net);
    free_fixture(&fx);
}
