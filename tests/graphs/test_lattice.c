/* test_lattice.c — square and triangular lattices: counts, ids, positions, degrees, errors. */
#include "pln_graph.h"

#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <math.h>
#include <stdlib.h>

/* Positions are computed from integers and sqrt(3)/2, so distances are exact to a few ulp. */
#define LEN_TOL 1e-12

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

TestSuite(lattice, .init = setup, .fini = teardown, .timeout = 30);

static pln_idx *degrees(const pln_graph *g)
{
    pln_idx n = pln_graph_n_nodes(g);
    pln_idx *deg = calloc((size_t)n, sizeof *deg);
    for (pln_idx e = 0; e < pln_graph_n_edges(g); e++) {
        deg[pln_graph_tails(g)[e]]++;
        deg[pln_graph_heads(g)[e]]++;
    }
    return deg;
}

/* No two edges join the same pair of nodes (either orientation). */
static bool has_duplicate_edge(const pln_graph *g)
{
    pln_idx m = pln_graph_n_edges(g);
    const pln_idx *t = pln_graph_tails(g);
    const pln_idx *h = pln_graph_heads(g);
    for (pln_idx a = 0; a < m; a++) {
        for (pln_idx b = a + 1; b < m; b++) {
            if ((t[a] == t[b] && h[a] == h[b]) || (t[a] == h[b] && h[a] == t[b])) {
                return true;
            }
        }
    }
    return false;
}

static double edge_length(const pln_graph *g, pln_idx e)
{
    const double *p = pln_graph_positions(g);
    pln_idx a = pln_graph_tails(g)[e];
    pln_idx b = pln_graph_heads(g)[e];
    return hypot(p[2 * a] - p[2 * b], p[2 * a + 1] - p[2 * b + 1]);
}

Test(lattice, square_open_counts_ids_and_positions)
{
    const pln_idx sizes[][2] = {{1, 1}, {1, 5}, {4, 1}, {3, 7}, {6, 5}};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        pln_idx nx = sizes[s][0];
        pln_idx ny = sizes[s][1];
        pln_graph *g = NULL;
        cr_assert(eq(int, pln_graph_square_lattice(ctx, nx, ny, false, &g), PLN_OK));
        cr_assert(eq(i64, pln_graph_n_nodes(g), nx * ny));
        cr_assert(eq(i64, pln_graph_n_edges(g), (nx - 1) * ny + nx * (ny - 1)));
        cr_assert(eq(int, pln_graph_dim(g), 2));
        const double *p = pln_graph_positions(g);
        for (pln_idx y = 0; y < ny; y++) {
            for (pln_idx x = 0; x < nx; x++) {
                pln_idx i = y * nx + x;
                cr_assert(eq(dbl, p[2 * i], (double)x));
                cr_assert(eq(dbl, p[2 * i + 1], (double)y));
            }
        }
        for (pln_idx e = 0; e < pln_graph_n_edges(g); e++) {
            cr_assert(epsilon_eq(dbl, edge_length(g, e), 1.0, LEN_TOL), "edge %ld", (long)e);
        }
        cr_assert(not(has_duplicate_edge(g)));
        pln_graph_destroy(g);
    }
}

Test(lattice, square_periodic_every_node_has_degree_four)
{
    pln_graph *g = NULL;
    pln_idx nx = 5;
    pln_idx ny = 3;
    cr_assert(eq(int, pln_graph_square_lattice(ctx, nx, ny, true, &g), PLN_OK));
    cr_assert(eq(i64, pln_graph_n_edges(g), 2 * nx * ny));
    pln_idx *deg = degrees(g);
    for (pln_idx i = 0; i < nx * ny; i++) {
        cr_assert(eq(i64, deg[i], 4), "node %ld", (long)i);
    }
    cr_assert(not(has_duplicate_edge(g)));
    /* Positions stay the unwrapped grid even though the edges wrap. */
    cr_assert(eq(dbl, pln_graph_positions(g)[2 * (nx * ny - 1)], (double)(nx - 1)));
    free(deg);
    pln_graph_destroy(g);
}

Test(lattice, square_rejects_bad_sizes)
{
    pln_graph *g = NULL;
    cr_assert(eq(int, pln_graph_square_lattice(ctx, 0, 4, false, &g), PLN_EINVAL));
    cr_assert(eq(int, pln_graph_square_lattice(ctx, 2, 4, true, &g), PLN_EINVAL));
    cr_assert(not(eq(str, (char *)pln_ctx_last_error(ctx)->message, "")));
    cr_assert(eq(ptr, g, NULL));
}

Test(lattice, triangular_open_counts_lengths_and_interior_degree)
{
    const pln_idx sizes[][2] = {{2, 2}, {5, 4}, {6, 7}};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        pln_idx nx = sizes[s][0];
        pln_idx ny = sizes[s][1];
        pln_graph *g = NULL;
        cr_assert(eq(int, pln_graph_triangular_lattice(ctx, nx, ny, false, &g), PLN_OK));
        cr_assert(eq(i64, pln_graph_n_nodes(g), nx * ny));
        cr_assert(eq(i64, pln_graph_n_edges(g), (nx - 1) * ny + (ny - 1) * (2 * nx - 1)));
        for (pln_idx e = 0; e < pln_graph_n_edges(g); e++) {
            cr_assert(epsilon_eq(dbl, edge_length(g, e), 1.0, LEN_TOL), "edge %ld", (long)e);
        }
        pln_idx *deg = degrees(g);
        for (pln_idx y = 1; y + 1 < ny; y++) {
            for (pln_idx x = 1; x + 1 < nx; x++) {
                cr_assert(eq(i64, deg[y * nx + x], 6), "node (%ld, %ld)", (long)x, (long)y);
            }
        }
        /* Every pair of nodes at distance 1 is joined: the lattice is complete. */
        const double *p = pln_graph_positions(g);
        pln_idx unit_pairs = 0;
        for (pln_idx a = 0; a < nx * ny; a++) {
            for (pln_idx b = a + 1; b < nx * ny; b++) {
                double d = hypot(p[2 * a] - p[2 * b], p[2 * a + 1] - p[2 * b + 1]);
                unit_pairs += fabs(d - 1.0) < LEN_TOL;
            }
        }
        cr_assert(eq(i64, unit_pairs, pln_graph_n_edges(g)));
        cr_assert(not(has_duplicate_edge(g)));
        free(deg);
        pln_graph_destroy(g);
    }
}

Test(lattice, triangular_row_offset_and_spacing)
{
    pln_graph *g = NULL;
    cr_assert(eq(int, pln_graph_triangular_lattice(ctx, 3, 2, false, &g), PLN_OK));
    const double *p = pln_graph_positions(g);
    cr_assert(eq(dbl, p[2 * 3], 0.5));                  /* node (0, 1) */
    cr_assert(ieee_ulp_eq(dbl, p[2 * 3 + 1], sqrt(3.0) / 2.0, 1));
    pln_graph_destroy(g);
}

Test(lattice, triangular_periodic_every_node_has_degree_six)
{
    pln_graph *g = NULL;
    pln_idx nx = 5;
    pln_idx ny = 6;
    cr_assert(eq(int, pln_graph_triangular_lattice(ctx, nx, ny, true, &g), PLN_OK));
    cr_assert(eq(i64, pln_graph_n_edges(g), 3 * nx * ny));
    pln_idx *deg = degrees(g);
    for (pln_idx i = 0; i < nx * ny; i++) {
        cr_assert(eq(i64, deg[i], 6), "node %ld", (long)i);
    }
    cr_assert(not(has_duplicate_edge(g)));
    free(deg);
    pln_graph_destroy(g);
    cr_assert(eq(int, pln_graph_triangular_lattice(ctx, 5, 5, true, &g), PLN_EINVAL));
}
