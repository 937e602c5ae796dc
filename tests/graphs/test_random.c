/* test_random.c — random regular, Erdos-Renyi and geometric generators: structure and seeds. */
#include "pln_graph.h"

#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Present only in sanitizer builds: Criterion's forked test processes skip LeakSanitizer's
 * exit-time check, so the fixture runs it by hand. */
extern int __lsan_do_recoverable_leak_check(void) __attribute__((weak));

static pln_ctx *ctx;

static void setup(void) { cr_assert(eq(int, pln_ctx_create(&ctx), PLN_OK)); }
static void teardown(void)
{
    pln_ctx_destroy(ctx);
    if (__lsan_do_recoverable_leak_check != NULL) {
        cr_assert(eq(int, __lsan_do_recoverable_leak_check(), 0), "memory leaked");
    }
}

TestSuite(random_graphs, .init = setup, .fini = teardown, .timeout = 60);

static pln_idx n_components(const pln_graph *g)
{
    pln_idx *memb = malloc((size_t)pln_graph_n_nodes(g) * sizeof *memb);
    pln_idx nc = -1;
    cr_assert(eq(int, pln_graph_components(g, memb, &nc), PLN_OK));
    free(memb);
    return nc;
}

static bool same_edges(const pln_graph *a, const pln_graph *b)
{
    pln_idx m = pln_graph_n_edges(a);
    return m == pln_graph_n_edges(b) &&
           memcmp(pln_graph_tails(a), pln_graph_tails(b), (size_t)m * sizeof(pln_idx)) == 0 &&
           memcmp(pln_graph_heads(a), pln_graph_heads(b), (size_t)m * sizeof(pln_idx)) == 0;
}

Test(random_graphs, regular_every_degree_is_k_and_connected)
{
    const pln_idx cases[][2] = {{50, 3}, {40, 2}, {31, 4}};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        pln_graph *g = NULL;
        pln_idx n = cases[c][0];
        pln_idx k = cases[c][1];
        cr_assert(eq(int, pln_graph_random_regular(ctx, n, k, 11, &g), PLN_OK),
                  "%s", pln_ctx_last_error(ctx)->message);
        cr_assert(eq(i64, pln_graph_n_nodes(g), n));
        pln_idx lo = 0;
        pln_idx hi = 0;
        pln_graph_degree_stats(g, &lo, &hi, NULL);
        cr_assert(eq(i64, lo, k));
        cr_assert(eq(i64, hi, k));
        cr_assert(eq(i64, n_components(g), 1));
        pln_graph_destroy(g);
    }
}

Test(random_graphs, regular_rejects_odd_degree_sum)
{
    pln_graph *g = NULL;
    cr_assert(eq(int, pln_graph_random_regular(ctx, 7, 3, 1, &g), PLN_EINVAL));
    cr_assert(eq(ptr, g, NULL));
}

Test(random_graphs, erdos_renyi_connected_with_requested_mean_degree)
{
    pln_graph *g = NULL;
    /* Connectivity needs a mean degree above ln(n) = 8.0; at 14 about 3e-3 isolated nodes are
     * expected per draw, so the first draw is almost always accepted. */
    pln_idx n = 3000;
    double want = 14.0;
    cr_assert(eq(int, pln_graph_erdos_renyi(ctx, n, want, 5, &g), PLN_OK),
              "%s", pln_ctx_last_error(ctx)->message);
    double mean = 0.0;
    pln_graph_degree_stats(g, NULL, NULL, &mean);
    /* m is Binomial(n(n-1)/2, p): sd of the mean degree = 2 sd(m)/n ~ sqrt(2 want / n)
     * ~ 0.097; accept 5 sd. Conditioning on connectivity shifts it far less. */
    cr_assert(epsilon_eq(dbl, mean, want, 5 * sqrt(2 * want / (double)n)), "mean %g", mean);
    cr_assert(eq(i64, n_components(g), 1));
    pln_graph_destroy(g);
}

Test(random_graphs, erdos_renyi_sparse_fails_with_message)
{
    pln_graph *g = NULL;
    cr_assert(eq(int, pln_graph_erdos_renyi(ctx, 500, 0.5, 5, &g), PLN_EINVAL));
    cr_assert(not(eq(ptr, strstr(pln_ctx_last_error(ctx)->message, "not connected"), NULL)));
    cr_assert(eq(ptr, g, NULL));
}

Test(random_graphs, geometric_edges_are_exactly_the_close_pairs)
{
    pln_graph *g = NULL;
    pln_idx n = 120;
    double r = 0.2;
    cr_assert(eq(int, pln_graph_random_geometric(ctx, n, r, 3, &g), PLN_OK),
              "%s", pln_ctx_last_error(ctx)->message);
    cr_assert(eq(int, pln_graph_dim(g), 2));
    const double *p = pln_graph_positions(g);
    for (pln_idx i = 0; i < 2 * n; i++) {
        cr_assert(p[i] >= 0.0 && p[i] <= 1.0);
    }
    char *adj = calloc((size_t)(n * n), 1);
    for (pln_idx e = 0; e < pln_graph_n_edges(g); e++) {
        pln_idx a = pln_graph_tails(g)[e];
        pln_idx b = pln_graph_heads(g)[e];
        cr_assert(hypot(p[2 * a] - p[2 * b], p[2 * a + 1] - p[2 * b + 1]) <= r, "edge %ld",
                  (long)e);
        cr_assert(eq(int, adj[a * n + b], 0), "duplicate edge %ld", (long)e);
        adj[a * n + b] = adj[b * n + a] = 1;
    }
    for (pln_idx a = 0; a < n; a++) {
        for (pln_idx b = a + 1; b < n; b++) {
            double d = hypot(p[2 * a] - p[2 * b], p[2 * a + 1] - p[2 * b + 1]);
            if (d < r) {
                cr_assert(eq(int, adj[a * n + b], 1), "pair %ld %ld at %g", (long)a, (long)b, d);
            }
        }
    }
    cr_assert(eq(i64, n_components(g), 1));
    free(adj);
    pln_graph_destroy(g);
}

Test(random_graphs, geometric_too_small_radius_suggests_larger)
{
    pln_graph *g = NULL;
    cr_assert(eq(int, pln_graph_random_geometric(ctx, 200, 0.01, 3, &g), PLN_EINVAL));
    cr_assert(not(eq(ptr, strstr(pln_ctx_last_error(ctx)->message, "larger radius"), NULL)));
}

Test(random_graphs, same_seed_same_graph_other_seed_other_graph)
{
    for (int kind = 0; kind < 3; kind++) {
        pln_graph *a = NULL;
        pln_graph *b = NULL;
        pln_graph *c = NULL;
        for (int i = 0; i < 3; i++) {
            uint64_t seed = i < 2 ? 42 : 43;
            pln_graph **o = i == 0 ? &a : i == 1 ? &b : &c;
            pln_status st = kind == 0   ? pln_graph_random_regular(ctx, 60, 3, seed, o)
                            : kind == 1 ? pln_graph_erdos_renyi(ctx, 60, 4.0, seed, o)
                                        : pln_graph_random_geometric(ctx, 60, 0.3, seed, o);
            cr_assert(eq(int, st, PLN_OK), "%s", pln_ctx_last_error(ctx)->message);
        }
        cr_assert(same_edges(a, b), "kind %d", kind);
        cr_assert(not(same_edges(a, c)), "kind %d", kind);
        if (kind == 2) {
            cr_assert(eq(int, memcmp(pln_graph_positions(a), pln_graph_positions(b),
                                     60 * 2 * sizeof(double)), 0));
        }
        pln_graph_destroy(a);
        pln_graph_destroy(b);
        pln_graph_destroy(c);
    }
}
