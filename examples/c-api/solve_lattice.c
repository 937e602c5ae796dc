/* solve_lattice.c — the library from C: the resistance between two neighbouring nodes in the middle of a square lattice of 1-ohm resistors (1/2 on the infinite lattice). */
#include <plnet.h>

#include <stdio.h>
#include <stdlib.h>

static int fail(pln_ctx *ctx, const char *what)
{
    const pln_error *e = pln_ctx_last_error(ctx);
    fprintf(stderr, "solve_lattice: %s: %s (%s)\n", what, e->message, pln_strerror(e->code));
    return 1;
}

int main(int argc, char **argv)
{
    const pln_idx L = argc > 1 ? atol(argv[1]) : 64;
    const pln_idx a = (L / 2) * L + L / 2, b = a + 1; /* neighbours in the middle */
    pln_ctx *ctx = NULL;
    pln_graph *g = NULL;
    pln_network *net = NULL;
    pln_states *st = NULL;
    double *p = NULL;
    int rc = 1;
    if (pln_ctx_create(&ctx) != PLN_OK) {
        return 1;
    }
    if (pln_graph_square_lattice(ctx, L, L, false, &g) != PLN_OK) {
        rc = fail(ctx, "lattice");
        goto done;
    }
    /* Ground b and push 1 A into a: the potential of a is the resistance between them. */
    pln_idx ground[] = {b}, inject[] = {a};
    double amps[] = {1.0};
    pln_boundary bc;
    pln_boundary_default(&bc);
    bc.n_dirichlet = 1;
    bc.dirichlet_nodes = ground;
    bc.n_currents = 1;
    bc.current_nodes = inject;
    bc.current_values = amps;
    if (pln_network_create(ctx, g, NULL, &bc, &net) != PLN_OK) {
        rc = fail(ctx, "network");
        goto done;
    }
    if (pln_states_create(ctx, net, 0, NULL, NULL, &st) != PLN_OK ||
        pln_states_factor(st) != PLN_OK) {
        rc = fail(ctx, "factorization");
        goto done;
    }
    p = malloc((size_t)pln_network_n_nodes(net) * sizeof *p);
    if (p == NULL || pln_states_free(st, 1, NULL, p, NULL) != PLN_OK) {
        rc = fail(ctx, "solve");
        goto done;
    }
    printf("%lldx%lld lattice of 1-ohm resistors: R(%lld, %lld) = %.12f ohm (infinite lattice: 0.5)\n",
           (long long)L, (long long)L, (long long)a, (long long)b, p[a]);
    printf("dissipated %.12f W = I^2 R\n", pln_network_power(net, p));
    /* A finite open lattice conducts a little worse than the infinite one. */
    rc = (p[a] > 0.5 && p[a] < 0.51) ? 0 : 1;
done:
    free(p);
    pln_states_destroy(st);
    pln_network_destroy(net);
    pln_graph_destroy(g);
    pln_ctx_destroy(ctx);
    return rc;
}
