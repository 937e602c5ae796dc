/* test_alloc.c — graphs/ entry points under allocation failure: PLN_ENOMEM, no crash, no leak. */
#include "pln_graph.h"
#include "pln_internal.h"
#include "test_support.h"

#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Present only in sanitizer builds; Criterion's forked test processes skip LeakSanitizer's
 * exit-time check, so the fixture runs it by hand. */
extern int __lsan_do_recoverable_leak_check(void) __attribute__((weak));

static pln_ctx *ctx;
static char *dir;
static char csv[4200];
static char gml[4200];
static char out[4200];

static void setup(void)
{
    cr_assert(eq(int, pln_ctx_create(&ctx), PLN_OK));
    dir = ts_tempdir("graphs-alloc");
    cr_assert(not(eq(ptr, dir, NULL)));
    snprintf(csv, sizeof csv, "%s/g.csv", dir);
    snprintf(gml, sizeof gml, "%s/g.graphml", dir);
    snprintf(out, sizeof out, "%s/out.graphml", dir);
    pln_graph *g = NULL;
    cr_assert(eq(int, pln_graph_triangular_lattice(ctx, 4, 3, false, &g), PLN_OK));
    double *k = calloc((size_t)pln_graph_n_edges(g), sizeof *k);
    const char *role[12] = {"ground", "source"};
    cr_assert(eq(int, pln_graph_edge_attr_set(g, "conductance", k), PLN_OK));
    cr_assert(eq(int, pln_graph_node_label_set(g, "role", role), PLN_OK));
    cr_assert(eq(int, pln_graph_write_edgelist(g, csv), PLN_OK));
    cr_assert(eq(int, pln_graph_write_graphml(g, gml), PLN_OK));
    free(k);
    pln_graph_destroy(g);
}

static void teardown(void)
{
    pln_i_alloc_fail_after(-1);
    pln_ctx_destroy(ctx);
    remove(csv);
    remove(gml);
    remove(out);
    rmdir(dir);
    free(dir);
    if (__lsan_do_recoverable_leak_check != NULL) {
        cr_assert(eq(int, __lsan_do_recoverable_leak_check(), 0), "memory leaked");
    }
}

TestSuite(alloc, .init = setup, .fini = teardown, .timeout = 60);

typedef pln_status (*op_fn)(pln_graph **g);

static pln_status op_square(pln_graph **g) { return pln_graph_square_lattice(ctx, 4, 4, true, g); }
static pln_status op_tri(pln_graph **g) { return pln_graph_triangular_lattice(ctx, 5, 4, true, g); }
static pln_status op_regular(pln_graph **g) { return pln_graph_random_regular(ctx, 20, 3, 1, g); }
static pln_status op_er(pln_graph **g) { return pln_graph_erdos_renyi(ctx, 20, 8.0, 1, g); }
static pln_status op_geo(pln_graph **g) { return pln_graph_random_geometric(ctx, 20, 0.5, 1, g); }
static pln_status op_csv(pln_graph **g) { return pln_graph_read_edgelist(ctx, csv, NULL, g); }
static pln_status op_gml(pln_graph **g) { return pln_graph_read_graphml(ctx, gml, g); }

/* Fail the 1st, 2nd, ... allocation until the call succeeds; each failure must be ENOMEM and
 * leave *out NULL. */
static void exhaust(const char *name, op_fn op)
{
    for (long n = 0; n < 100000; n++) {
        pln_graph *g = NULL;
        pln_i_alloc_fail_after(n);
        pln_status st = op(&g);
        pln_i_alloc_fail_after(-1);
        if (st == PLN_OK) {
            cr_assert(not(eq(ptr, g, NULL)));
            pln_graph_destroy(g);
            return;
        }
        cr_assert(eq(int, st, PLN_ENOMEM), "%s, allocation %ld: %s (%s)", name, n,
                  pln_strerror(st), pln_ctx_last_error(ctx)->message);
        cr_assert(eq(ptr, g, NULL), "%s, allocation %ld", name, n);
    }
    cr_fail("%s never succeeded", name);
}

Test(alloc, generators_fail_cleanly)
{
    exhaust("square", op_square);
    exhaust("triangular", op_tri);
    exhaust("regular", op_regular);
    exhaust("erdos_renyi", op_er);
    exhaust("geometric", op_geo);
}

Test(alloc, readers_fail_cleanly)
{
    exhaust("edgelist", op_csv);
    exhaust("graphml", op_gml);
}

Test(alloc, copy_and_writers_fail_cleanly)
{
    pln_graph *g = NULL;
    cr_assert(eq(int, op_gml(&g), PLN_OK));
    for (long n = 0;; n++) {
        pln_graph *c = NULL;
        pln_i_alloc_fail_after(n);
        pln_status st = pln_graph_copy(g, &c);
        pln_i_alloc_fail_after(-1);
        pln_graph_destroy(c);
        if (st == PLN_OK) {
            break;
        }
        cr_assert(eq(int, st, PLN_ENOMEM));
        cr_assert(eq(ptr, c, NULL));
    }
    for (long n = 0;; n++) {
        pln_i_alloc_fail_after(n);
        pln_status st = pln_graph_write_graphml(g, out);
        pln_status st2 = pln_graph_write_edgelist(g, out);
        pln_i_alloc_fail_after(-1);
        if (st == PLN_OK && st2 == PLN_OK) {
            break;
        }
        cr_assert(st == PLN_ENOMEM || st == PLN_OK);
        cr_assert(st2 == PLN_ENOMEM || st2 == PLN_OK);
    }
    pln_graph_destroy(g);
}
