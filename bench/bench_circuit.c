/* bench_circuit.c — Newton solve of a square lattice with a diode on every edge (issue 13): iterations, refactorizations and time, as ratios to one linear refactorization + solve on the same pattern, measured in one run. */
#include "pln_common.h"
#include "pln_graph.h"
#include "pln_network.h"
#include "pln_solver.h"
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

/* CPU time of the process (every thread): what a solve costs, whatever else the machine runs
 * (a shared machine's load stretches wall time, not this). */
static double cpu(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
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

static int cmp(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* One Newton solve: time, iterations, numeric factorizations. */
typedef struct solve_rec {
    double t, c; /* wall and CPU seconds */
    long it, fac;
} solve_rec;

static solve_rec newton_solve(pln_ctx *ctx, pln_states *st, const pln_bc_values *v, double *p)
{
    pln_solver_stats s0, s1;
    pln_solver_stats_get(pln_states_solver(st), &s0);
    const double t0 = now(), c0 = cpu();
    CHECK(pln_states_free(st, 1, v, p, NULL));
    solve_rec r;
    r.t = now() - t0;
    r.c = cpu() - c0;
    pln_solver_stats_get(pln_states_solver(st), &s1);
    pln_newton_stats ns;
    pln_states_newton_stats(st, &ns);
    r.it = (long)ns.iterations;
    r.fac = s1.n_numeric - s0.n_numeric;
    return r;
}

int main(int argc, char **argv)
{
    const pln_idx side = argc > 1 ? atoll(argv[1]) : 256;
    const int reps = argc > 2 ? atoi(argv[2]) : 5;
    pln_ctx *ctx = NULL;
    if (pln_ctx_create(&ctx) != PLN_OK) {
        return 1;
    }
    pln_graph *g0 = NULL;
    CHECK(pln_graph_square_lattice(ctx, side, side, false, &g0));
    const pln_idx n = pln_graph_n_nodes(g0), m = pln_graph_n_edges(g0);
    /* a diode on every edge, each turned at random (seeded), I_s 1e-14 A, n 1, R_s 10 ohm */
    pln_rng rng;
    pln_rng_seed(&rng, 13);
    pln_idx *t = malloc((size_t)m * sizeof *t), *h = malloc((size_t)m * sizeof *h);
    double *el = malloc((size_t)m * sizeof *el), *rs = malloc((size_t)m * sizeof *rs);
    for (pln_idx e = 0; e < m; e++) {
        const bool f = pln_rng_uniform(&rng) < 0.5;
        t[e] = f ? pln_graph_heads(g0)[e] : pln_graph_tails(g0)[e];
        h[e] = f ? pln_graph_tails(g0)[e] : pln_graph_heads(g0)[e];
        el[e] = PLN_ELEM_DIODE;
        rs[e] = 10.0;
    }
    pln_graph *g = NULL;
    CHECK(pln_graph_create(ctx, n, m, t, h, &g));
    CHECK(pln_graph_edge_attr_set(g, "element", el));
    CHECK(pln_graph_edge_attr_set(g, "diode_rs", rs));
    /* left column at 3 V, right column at 0 V */
    pln_idx *dn = malloc((size_t)(2 * side) * sizeof *dn);
    double *dv = malloc((size_t)(2 * side) * sizeof *dv);
    for (pln_idx y = 0; y < side; y++) {
        dn[y] = y * side;
        dv[y] = 3.0;
        dn[side + y] = y * side + side - 1;
        dv[side + y] = 0.0;
    }
    pln_boundary bc;
    pln_boundary_default(&bc);
    bc.n_dirichlet = 2 * side;
    bc.dirichlet_nodes = dn;
    bc.dirichlet_values = dv;
    pln_network *net = NULL;
    CHECK(pln_network_create(ctx, g, NULL, &bc, &net));
    pln_states *st = NULL;
    CHECK(pln_states_create(ctx, net, 0, NULL, NULL, &st));
    CHECK(pln_states_factor(st));
    double *p = malloc((size_t)n * sizeof *p);

    /* Newton from cold, then warm after small changes: the source by 1%, every I_s by 2% */
    const solve_rec cold = newton_solve(ctx, st, NULL, p);
    solve_rec warm_src[16], warm_par[16];
    double *dv2 = malloc((size_t)(2 * side) * sizeof *dv2);
    memcpy(dv2, dv, (size_t)(2 * side) * sizeof *dv2);
    for (int r = 0; r < reps; r++) {
        for (pln_idx y = 0; y < side; y++) {
            dv2[y] = 3.0 * (1.0 + 0.01 * (r % 2 ? -1 : 1));
        }
        pln_bc_values v = {dv2, NULL, NULL};
        warm_src[r] = newton_solve(ctx, st, &v, p);
    }
    for (int r = 0; r < reps; r++) {
        for (pln_idx e = 0; e < m; e++) {
            CHECK(pln_network_set_element_param(net, e, PLN_EP_IS, 1e-14 * (1.0 + 0.02 * (r + 1))));
        }
        CHECK(pln_states_factor(st));
        warm_par[r] = newton_solve(ctx, st, NULL, p);
    }

    /* The linear reference on the same pattern: the Jacobian at the solution, one numeric
     * refactorization and one solve, timed alone (median of reps). */
    (void)pln_network_circuit_eval(net, p, NULL, NULL, true);
    const pln_csc *A = pln_network_matrix(net);
    pln_solver *sol = NULL;
    CHECK(pln_solver_create(ctx, pln_solver_cholmod, NULL, &sol));
    CHECK(pln_solver_analyze(sol, A));
    double *b = malloc((size_t)A->n * sizeof *b), *x = malloc((size_t)A->n * sizeof *x);
    for (pln_idx i = 0; i < A->n; i++) {
        b[i] = 1e-3 * (double)(i % 7);
    }
    double tl[16], cl[16];
    for (int r = 0; r < reps; r++) {
        const double t0 = now(), c0 = cpu();
        CHECK(pln_solver_factor(sol, A));
        CHECK(pln_solver_solve(sol, 1, b, x));
        tl[r] = now() - t0;
        cl[r] = cpu() - c0;
    }
    qsort(tl, (size_t)reps, sizeof *tl, cmp);
    qsort(cl, (size_t)reps, sizeof *cl, cmp);
    const double tlin = tl[reps / 2], clin = cl[reps / 2];
    /* one element evaluation pass (co-content, residual, Jacobian), for the breakdown */
    double *grad = malloc((size_t)A->n * sizeof *grad);
    double te[16];
    for (int r = 0; r < reps; r++) {
        const double c0 = cpu();
        (void)pln_network_circuit_eval(net, p, NULL, grad, true);
        te[r] = cpu() - c0;
    }
    qsort(te, (size_t)reps, sizeof *te, cmp);

    FILE *up = popen("uptime", "r");
    char load[256] = "";
    if (up != NULL) {
        if (fgets(load, sizeof load, up) == NULL) {
            load[0] = '\0';
        }
        pclose(up);
    }
    printf("# %lld x %lld square lattice, %lld diodes (I_s 1e-14 A, n 1, R_s 10 ohm, random "
           "direction), left column 3 V, right 0 V; %lld unknowns\n",
           (long long)side, (long long)side, (long long)m, (long long)pln_network_n_reduced(net));
    printf("# load: %s", load);
    printf("# one linear refactorization + solve on the same pattern (median of %d): %.2f ms "
           "CPU (%.2f ms wall); one element pass (co-content, residual, Jacobian): %.2f ms CPU\n"
           "# ratios are of CPU time (the process's, every thread), which the machine's load "
           "does not stretch; wall time for reference\n\n",
           reps, 1e3 * clin, 1e3 * tlin, 1e3 * te[reps / 2]);
    printf("| solve | Newton iterations | numeric factorizations | CPU (ms) | wall (ms) | CPU / "
           "(refactor + solve) | CPU / (iterations x (refactor + solve)) |\n"
           "|---|---|---|---|---|---|---|\n");
    const solve_rec *all[33];
    const char *name[33];
    char label[33][48];
    int k = 0;
    all[k] = &cold;
    name[k++] = "cold (all free nodes at 0 V)";
    for (int r = 0; r < reps; r++) {
        snprintf(label[k], sizeof label[k], "warm, source %+d%%", r % 2 ? -1 : 1);
        all[k] = &warm_src[r];
        name[k] = label[k];
        k++;
    }
    for (int r = 0; r < reps; r++) {
        all[k] = &warm_par[r];
        name[k++] = "warm, I_s +2%";
    }
    for (int q = 0; q < k; q++) {
        const solve_rec *w = all[q];
        printf("| %s | %ld | %ld | %.1f | %.1f | %.1f | %.2f |\n", name[q], w->it, w->fac,
               1e3 * w->c, 1e3 * w->t, w->c / clin, w->c / ((double)w->it * clin));
    }
    free(grad);
    free(b);
    free(x);
    free(p);
    free(t);
    free(h);
    free(el);
    free(rs);
    free(dn);
    free(dv);
    free(dv2);
    pln_solver_destroy(sol);
    pln_states_destroy(st);
    pln_network_destroy(net);
    pln_graph_destroy(g);
    pln_graph_destroy(g0);
    pln_ctx_destroy(ctx);
    return 0;
}
