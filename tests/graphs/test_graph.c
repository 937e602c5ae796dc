/* test_graph.c — the pln_graph object: creation checks, attributes, copy, components, picking. */
#include "pln_graph.h"

#include <criterion/criterion.h>
#include <criterion/new/assert.h>
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

TestSuite(graph, .init = setup, .fini = teardown, .timeout = 10);

Test(graph, create_rejects_self_loop_and_out_of_range_naming_the_edge)
{
    pln_graph *g = NULL;
    const pln_idx t[] = {0, 1, 2};
    const pln_idx h[] = {1, 2, 2};
    cr_assert(eq(int, pln_graph_create(ctx, 3, 3, t, h, &g), PLN_EINVAL));
    cr_assert(eq(i64, pln_ctx_last_error(ctx)->edge, 2));
    cr_assert(eq(ptr, g, NULL));
    const pln_idx h2[] = {1, 3, 0};
    cr_assert(eq(int, pln_graph_create(ctx, 3, 3, t, h2, &g), PLN_EINVAL));
    cr_assert(eq(i64, pln_ctx_last_error(ctx)->edge, 1));
    cr_assert(eq(int, pln_graph_create(ctx, 0, 0, NULL, NULL, &g), PLN_EINVAL));
}

Test(graph, destroy_null_is_safe) { pln_graph_destroy(NULL); }

Test(graph, components_of_two_pieces_and_an_isolated_node)
{
    /* 0-1-2 triangle, 3-4 pair, 5 alone; edges listed out of order on purpose. */
    const pln_idx t[] = {4, 2, 0, 1};
    const pln_idx h[] = {3, 0, 1, 2};
    pln_graph *g = NULL;
    cr_assert(eq(int, pln_graph_create(ctx, 6, 4, t, h, &g), PLN_OK));
    pln_idx memb[6];
    pln_idx nc = 0;
    cr_assert(eq(int, pln_graph_components(g, memb, &nc), PLN_OK));
    cr_assert(eq(i64, nc, 3));
    const pln_idx want[] = {0, 0, 0, 1, 1, 2};
    for (int i = 0; i < 6; i++) {
        cr_assert(eq(i64, memb[i], want[i]), "node %d", i);
    }
    pln_idx lo = -1;
    pln_idx hi = -1;
    double mean = 0;
    pln_graph_degree_stats(g, &lo, &hi, &mean);
    cr_assert(eq(i64, lo, 0));
    cr_assert(eq(i64, hi, 2));
    cr_assert(eq(dbl, mean, 8.0 / 6.0));
    pln_graph_destroy(g);
}

Test(graph, attributes_replace_copy_and_survive_deep_copy)
{
    const pln_idx t[] = {0, 1};
    const pln_idx h[] = {1, 2};
    pln_graph *g = NULL;
    cr_assert(eq(int, pln_graph_create(ctx, 3, 2, t, h, &g), PLN_OK));
    double k[] = {2.385, 0.75};
    cr_assert(eq(int, pln_graph_edge_attr_set(g, "conductance", k), PLN_OK));
    k[0] = 9.0; /* the graph copied the values */
    cr_assert(eq(dbl, pln_graph_edge_attr(g, "conductance")[0], 2.385));
    cr_assert(eq(int, pln_graph_edge_attr_set(g, "conductance", k), PLN_OK));
    cr_assert(eq(int, pln_graph_n_edge_attrs(g), 1));
    cr_assert(eq(dbl, pln_graph_edge_attr(g, "conductance")[0], 9.0));
    cr_assert(eq(ptr, (void *)pln_graph_edge_attr(g, "radius"), NULL));
    const double mass[] = {1, 2, 3};
    cr_assert(eq(int, pln_graph_node_attr_set(g, "mass", mass), PLN_OK));
    const char *role[] = {"ground", NULL, "target"};
    cr_assert(eq(int, pln_graph_node_label_set(g, "role", role), PLN_OK));
    const double xy[] = {0, 0, 1, 0, 1, 1};
    cr_assert(eq(int, pln_graph_set_positions(g, 2, xy), PLN_OK));
    cr_assert(eq(int, pln_graph_set_positions(g, 4, xy), PLN_EINVAL));

    pln_graph *c = NULL;
    cr_assert(eq(int, pln_graph_copy(g, &c), PLN_OK));
    pln_graph_destroy(g);
    cr_assert(eq(dbl, pln_graph_edge_attr(c, "conductance")[1], 0.75));
    cr_assert(eq(dbl, pln_graph_node_attr(c, "mass")[2], 3.0));
    cr_assert(eq(str, (char *)pln_graph_node_label(c, "role")[0], "ground"));
    cr_assert(eq(str, (char *)pln_graph_node_label(c, "role")[1], ""));
    cr_assert(eq(str, (char *)pln_graph_node_label_name(c, 0), "role"));
    cr_assert(eq(dbl, pln_graph_positions(c)[5], 1.0));
    pln_graph_destroy(c);
}

Test(graph, pick_nodes_distinct_respects_taken_and_runs_out)
{
    pln_graph *g = NULL;
    cr_assert(eq(int, pln_graph_square_lattice(ctx, 4, 5, false, &g), PLN_OK));
    pln_idx n = pln_graph_n_nodes(g);
    bool taken[20] = {false};
    taken[3] = taken[7] = taken[11] = true;
    pln_rng rng;
    pln_rng_seed(&rng, 99);
    pln_idx a[5];
    pln_idx b[12];
    cr_assert(eq(int, pln_graph_pick_nodes(g, 5, taken, &rng, a), PLN_OK));
    cr_assert(eq(int, pln_graph_pick_nodes(g, 12, taken, &rng, b), PLN_OK));
    int seen[20] = {0};
    for (int i = 0; i < 5; i++) {
        seen[a[i]]++;
    }
    for (int i = 0; i < 12; i++) {
        seen[b[i]]++;
    }
    for (pln_idx i = 0; i < n; i++) {
        bool pre = i == 3 || i == 7 || i == 11;
        cr_assert(eq(int, seen[i], pre ? 0 : 1), "node %ld", (long)i);
        cr_assert(taken[i]);
    }
    pln_idx c[1];
    cr_assert(eq(int, pln_graph_pick_nodes(g, 1, taken, &rng, c), PLN_EINVAL));
    cr_assert(not(eq(ptr, strstr(pln_ctx_last_error(ctx)->message, "only 0"), NULL)));
    pln_graph_destroy(g);
}

Test(graph, pick_nodes_is_random_across_seeds)
{
    pln_graph *g = NULL;
    cr_assert(eq(int, pln_graph_square_lattice(ctx, 10, 10, false, &g), PLN_OK));
    pln_idx first[2][4];
    for (int s = 0; s < 2; s++) {
        bool taken[100] = {false};
        pln_rng rng;
        pln_rng_seed(&rng, (uint64_t)(s + 1));
        cr_assert(eq(int, pln_graph_pick_nodes(g, 4, taken, &rng, first[s]), PLN_OK));
    }
    cr_assert(not(eq(int, memcmp(first[0], first[1], sizeof first[0]), 0)));
    pln_graph_destroy(g);
}
