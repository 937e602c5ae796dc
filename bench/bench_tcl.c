/* bench_tcl.c — cost of a TCL time step with apply: period against one refactorization. */
#include "pln_learning.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* With apply: period the conductances stay fixed within a period, so a time step costs O(m)
 * (the state is affine in eta) and the factorization happens once per period. Target: a step
 * below 1/20 of a refactorization on a 256 x 256 lattice. */

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void check(pln_ctx *ctx, pln_status st, const char *what)
{
    if (st != PLN_OK) {
        fprintf(stderr, "bench_tcl: %s: %s\n", what, pln_ctx_last_error(ctx)->message);
        exit(1);
    }
}

int main(int argc, char **argv)
{
    pln_idx L = argc > 1 ? atoll(argv[1]) : 256;
    int reps = argc > 2 ? atoi(argv[2]) : 3;
    pln_ctx *ctx = NULL;
    pln_graph *g = NULL;
    pln_network *net = NULL;
    pln_states *st = NULL;
    pln_task *task = NULL;
    pln_tcl *tr = NULL;
    check(ctx, pln_ctx_create(&ctx), "context");
    check(ctx, pln_graph_square_lattice(ctx, L, L, false, &g), "lattice");
    pln_idx m = pln_graph_n_edges(g), n = pln_graph_n_nodes(g);
    double *k = malloc((size_t)m * sizeof *k);
    pln_rng rng;
    pln_rng_seed(&rng, 1);
    for (pln_idx e = 0; e < m; e++) {
        k[e] = 0.5 + pln_rng_uniform(&rng);
    }
    check(ctx, pln_graph_edge_attr_set(g, "conductance", k), "conductances");
    pln_network_options no;
    pln_network_options_default(&no);
    no.kind = PLN_KIND_FLOW;
    pln_idx dir[2] = {0, n - 1};
    double dv[2] = {0.0, 1.0};
    pln_boundary bc;
    pln_boundary_default(&bc);
    bc.n_dirichlet = 2;
    bc.dirichlet_nodes = dir;
    bc.dirichlet_values = dv;
    check(ctx, pln_network_create(ctx, g, &no, &bc, &net), "network");
    pln_output outs[2] = {{PLN_OUT_NODE, L - 1}, {PLN_OUT_NODE, n - L}};
    check(ctx, pln_states_create(ctx, net, 2, outs, NULL, &st), "states");
    double targets[2] = {0.6, 0.4}, x = 1.0;
    pln_input in = {PLN_IN_NODE, n - 1};
    check(ctx, pln_task_allostery(ctx, 1, &in, &x, 2, outs, targets, &task), "task");
    pln_tcl_options o;
    pln_tcl_options_default(&o);
    o.protocol.kind = PLN_PROTO_SAWTOOTH;
    o.protocol.dt = 0.01;
    o.memory.kind = PLN_MEMORY_KERNEL;
    o.apply = PLN_APPLY_PERIOD;
    o.rate = 1.0;
    o.g.theta = 1e-4;
    check(ctx, pln_tcl_create(ctx, net, st, task, &o, &tr), "tcl");
    pln_idx N = pln_protocol_steps_per_period(&o.protocol);

    /* One refactorization (what apply: step pays every step), best of reps. */
    double t_factor = 1e300;
    for (int r = 0; r < reps; r++) {
        double t0 = now();
        check(ctx, pln_states_factor(st), "factor");
        double t = now() - t0;
        t_factor = t < t_factor ? t : t_factor;
    }
    /* A period: N O(m) steps, then one write, refactorization and 1 + n_out solves. */
    check(ctx, pln_tcl_period(tr), "warm-up period");
    double t_period = 1e300;
    for (int r = 0; r < reps; r++) {
        double t0 = now();
        check(ctx, pln_tcl_period(tr), "period");
        double t = now() - t0;
        t_period = t < t_period ? t : t_period;
    }
    double per_step = t_period / (double)N;
    double per_step_only = (t_period - t_factor) / (double)N;
    printf("lattice %lldx%lld: %lld nodes, %lld edges, %lld steps per period\n", (long long)L,
           (long long)L, (long long)n, (long long)m, (long long)N);
    printf("refactorization          %10.3f ms\n", 1e3 * t_factor);
    printf("period (apply: period)   %10.3f ms\n", 1e3 * t_period);
    printf("step, amortized          %10.3f ms  ratio to refactorization %.4f\n", 1e3 * per_step,
           per_step / t_factor);
    printf("step, without the write  %10.3f ms  ratio to refactorization %.4f (target < 0.05)\n",
           1e3 * per_step_only, per_step_only / t_factor);
    pln_tcl_destroy(tr);
    pln_task_destroy(task);
    pln_states_destroy(st);
    pln_network_destroy(net);
    pln_graph_destroy(g);
    pln_ctx_destroy(ctx);
    free(k);
    return per_step / t_factor < 0.05 ? 0 : 1;
}
