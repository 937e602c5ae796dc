/* test_alloc_fail.c — every allocation failure in building a network and its states returns PLN_ENOMEM, leaks nothing (ASan) and leaves *out NULL. */
#include "net_fixtures.h"
#include "pln_internal.h"
#include "pln_states.h"

#include <criterion/criterion.h>
#include <stdlib.h>

Test(alloc_fail, network_and_states_creation_fail_cleanly_at_every_allocation)
{
    pln_ctx *ctx = NULL;
    cr_assert_eq(pln_ctx_create(&ctx), PLN_OK);
    pln_rng rng;
    pln_rng_seed(&rng, 11);
    pln_idx t[120], h[120];
    pln_idx m = fx_random_graph(&rng, 40, 60, t, h);
    pln_graph *g = NULL;
    cr_assert_eq(pln_graph_create(ctx, 40, m, t, h, &g), PLN_OK);
    pln_idx dn[] = {0, 1}, se[] = {5};
    double dv[] = {0.0, 1.0}, sv[] = {0.25};
    pln_boundary bc;
    pln_boundary_default(&bc);
    bc.n_dirichlet = 2;
    bc.dirichlet_nodes = dn;
    bc.dirichlet_values = dv;
    bc.n_sources = 1;
    bc.source_edges = se;
    bc.source_values = sv;
    pln_output outs[] = {{PLN_OUT_NODE, 30}, {PLN_OUT_NODE, 31}};
    int failures = 0;
    for (long n = 0;; n++) {
        pln_network *net = NULL;
        pln_states *st = NULL;
        pln_i_alloc_fail_after(n);
        pln_status s = pln_network_create(ctx, g, NULL, &bc, &net);
        if (s == PLN_OK) {
            s = pln_states_create(ctx, net, 2, outs, NULL, &st);
            if (s != PLN_OK) {
                cr_assert_null(st);
            }
        } else {
            cr_assert_null(net);
        }
        pln_i_alloc_fail_after(-1);
        if (s == PLN_OK) {
            pln_states_destroy(st);
            pln_network_destroy(net);
            break;
        }
        cr_assert_eq(s, PLN_ENOMEM, "allocation %ld: %s (%s)", n, pln_strerror(s),
                     pln_ctx_last_error(ctx)->message);
        pln_network_destroy(net);
        failures++;
        cr_assert(n < 10000, "creation never succeeded");
    }
    cr_assert(failures > 20, "only %d allocations were exercised", failures);
    pln_graph_destroy(g);
    pln_ctx_destroy(ctx);
}
