/* bench_spring.c — spring networks on triangular lattices 32^2..128^2: Newton iterations per solve and the time of one coupled-learning step (free state, clamped state, signals, stiffness update). */
#include "pln_common.h"
#include "pln_graph.h"
#include "pln_network.h"
#include "pln_states.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

#define CHECK(call)                                                                          \
    do {                                                                                     \
        pln_status s_ = (call);                                                              \
        if (s_ != PLN_OK) {                                                                  \
            fprintf(stderr, "%s:%d: %s: %s\n", __FILE__, __LINE__, pln_strerror(s_),        \
                    pln_ctx_last_error(ctx)->message);                                       \
            exit(1);                                                                         \
        }                                                                                    \
    } while (0)

/* side x side lattice: bottom row pinned, top row sheared by 2% of the height, one source
 * edge in the lower middle strained by 5%, outputs: strains of two edges near the top. */
static void run(pln_ctx *ctx, pln_idx side, pln_kind kind, int steps)
{
    pln_graph *g = NULL;
    CHECK(pln_graph_triangular_lattice(ctx, side, side, false, &g));
    const pln_idx n = pln_graph_n_nodes(g), m = pln_graph_n_edges(g);
    pln_idx *pins = malloc((size_t)(2 * side) * sizeof *pins);
    double *disp = calloc((size_t)(4 * side), sizeof *disp);
    const double height = (double)(side - 1) * sqrt(3.0) / 2.0;
    for (pln_idx x = 0; x < side; x++) {
        pins[x] = x;
        pins[side + x] = (side - 1) * side + x;
        disp[2 * (side + x)] = 0.02 * height;
    }
    /* the +x edge of the node at (side/2, side/4) */
    const pln_idx src_node = (side / 4) * side + side / 2;
    pln_idx se[1] = {-1};
    pln_output outs[2];
    int found = 0;
    for (pln_idx e = 0; e < m; e++) {
        const pln_idx t = pln_graph_tails(g)[e];
        if (t == src_node && se[0] < 0) {
            se[0] = e;
        }
        if (found < 2 && (t == (3 * side / 4) * side + side / 3 + 3 * found)) {
            outs[found++] = (pln_output){.kind = PLN_OUT_EDGE, .index = e};
        }
    }
    double sv[1] = {0.05};
    pln_boundary bc;
    pln_boundary_default(&bc);
    bc.n_dirichlet = 2 * side;
    bc.dirichlet_nodes = pins;
    bc.dirichlet_values = disp;
    bc.n_sources = 1;
    bc.source_edges = se;
    bc.source_values = sv;
    pln_network_options o;
    pln_network_options_default(&o);
    o.kind = kind;
    pln_network *net = NULL;
    CHECK(pln_network_create(ctx, g, &o, &bc, &net));
    pln_states *st = NULL;
    CHECK(pln_states_create(ctx, net, 2, outs, NULL, &st));
    const int d = pln_network_state_dim(net);
    double *xf = malloc((size_t)(n * d) * sizeof *xf), *xc = malloc((size_t)(n * d) * sizeof *xc);
    double *sf = malloc((size_t)m * sizeof *sf), *sc = malloc((size_t)m * sizeof *sc);
    double *k = malloc((size_t)m * sizeof *k);
    memcpy(k, pln_network_conductances(net), (size_t)m * sizeof *k);
    double of[2], oc[2];
    const double T[2] = {0.01, -0.01}, eta = 0.5, alpha = 0.5;

    double t0 = now();
    CHECK(pln_states_factor(st));
    CHECK(pln_states_free(st, 1, NULL, xf, of));
    const double t_cold = now() - t0;
    pln_newton_stats ns;
    pln_states_newton_stats(st, &ns);
    const pln_idx it_cold = ns.iterations, gn_cold = ns.gauss_newton;

    pln_idx it_free = 0, it_clamp = 0, solves = 0;
    t0 = now();
    for (int s = 0; s < steps; s++) {
        CHECK(pln_states_free(st, 1, NULL, xf, of));
        pln_states_newton_stats(st, &ns);
        it_free += ns.iterations;
        for (int a = 0; a < 2; a++) {
            oc[a] = of[a] + eta * (T[a] - of[a]);
        }
        CHECK(pln_states_clamp(st, 1, xf, of, oc, xc, NULL));
        pln_states_newton_stats(st, &ns);
        it_clamp += ns.iterations;
        solves++;
        pln_network_signals(net, xf, sf);
        pln_network_signals(net, xc, sc);
        for (pln_idx e = 0; e < m; e++) {
            k[e] = fmax(1e-3, k[e] - (alpha / eta) * (sc[e] - sf[e]));
        }
        CHECK(pln_network_set_conductances(net, k));
        CHECK(pln_states_factor(st));
    }
    const double t_step = (now() - t0) / steps;
    printf("| %lld x %lld | %-13s | %7lld | %3lld (%lld GN) | %5.2f | %5.2f | %9.2f | %9.2f |\n",
           (long long)side, (long long)side, pln_kind_name(kind),
           (long long)pln_network_n_reduced(net), (long long)it_cold, (long long)gn_cold, (double)it_free / (double)solves, (double)it_clamp / (double)solves,
           1e3 * t_cold, 1e3 * t_step);
    free(xf);
    free(xc);
    free(sf);
    free(sc);
    free(k);
    free(pins);
    free(disp);
    pln_states_destroy(st);
    pln_network_destroy(net);
    pln_graph_destroy(g);
}

int main(int argc, char **argv)
{
    int steps = argc > 1 ? atoi(argv[1]) : 10;
    pln_ctx *ctx = NULL;
    if (pln_ctx_create(&ctx) != PLN_OK) {
        return 1;
    }
    printf("coupled-learning steps on triangular lattices (bottom pinned, top sheared 2%%, one "
           "source edge at 5%% strain, 2 strain outputs), %d steps each\n\n", steps);
    printf("| lattice | kind | unknowns | Newton cold | Newton/free (warm) | Newton/clamp | "
           "cold solve (ms) | step (ms) |\n|---|---|---|---|---|---|---|---|\n");
    const pln_idx sides[] = {32, 64, 128};
    for (int a = 0; a < 3; a++) {
        run(ctx, sides[a], PLN_KIND_SPRING, steps);
        run(ctx, sides[a], PLN_KIND_SPRING_LINEAR, steps);
    }
    pln_ctx_destroy(ctx);
    return 0;
}
