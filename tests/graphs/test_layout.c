/* test_layout.c — force-directed positions: repeatable for a seed, finite, distinct, edges shorter than non-edges on a ring. */
#include "pln_graph.h"
#include "test_support.h"

#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <math.h>
#include <string.h>

static void fini(void)
{
    ts_check_leaks();
}

TestSuite(layout, .fini = fini, .timeout = 30);

/* A ring of n nodes: a good layout puts neighbours closer than the ring's opposite nodes. */
static pln_graph *ring(pln_ctx *ctx, pln_idx n)
{
    pln_idx t[64], h[64];
    for (pln_idx i = 0; i < n; i++) {
        t[i] = i;
        h[i] = (i + 1) % n;
    }
    pln_graph *g = NULL;
    cr_assert(eq(int, pln_graph_create(ctx, n, n, t, h, &g), PLN_OK));
    return g;
}

Test(layout, same_seed_same_positions_and_neighbours_close)
{
    pln_ctx *ctx = NULL;
    cr_assert(eq(int, pln_ctx_create(&ctx), PLN_OK));
    enum { N = 24 };
    pln_graph *a = ring(ctx, N);
    pln_graph *b = ring(ctx, N);
    cr_assert(pln_graph_positions(a) == NULL);
    cr_assert(eq(int, pln_graph_layout(a, 7), PLN_OK));
    cr_assert(eq(int, pln_graph_layout(b, 7), PLN_OK));
    cr_assert(eq(int, pln_graph_dim(a), 2));
    const double *pa = pln_graph_positions(a);
    const double *pb = pln_graph_positions(b);
    cr_assert(memcmp(pa, pb, 2 * N * sizeof *pa) == 0, "same seed, same layout");
    double edge = 0.0, opposite = 0.0;
    for (pln_idx i = 0; i < N; i++) {
        cr_assert(isfinite(pa[2 * i]) && isfinite(pa[2 * i + 1]));
        pln_idx j = (i + 1) % N, k = (i + N / 2) % N;
        edge += hypot(pa[2 * i] - pa[2 * j], pa[2 * i + 1] - pa[2 * j + 1]);
        opposite += hypot(pa[2 * i] - pa[2 * k], pa[2 * i + 1] - pa[2 * k + 1]);
    }
    cr_assert(opposite > 3.0 * edge, "ring not unfolded: mean edge %g, mean opposite %g",
              edge / N, opposite / N);
    /* Another seed gives another (valid) picture. */
    cr_assert(eq(int, pln_graph_layout(b, 8), PLN_OK));
    cr_assert(memcmp(pa, pln_graph_positions(b), 2 * N * sizeof *pa) != 0);
    pln_graph_destroy(a);
    pln_graph_destroy(b);
    pln_ctx_destroy(ctx);
    ts_check_leaks(); /* in the body: Criterion 2.4.1 ignores .fini failures */
}
