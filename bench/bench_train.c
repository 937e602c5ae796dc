/* bench_train.c — steps per second of coupled learning on square lattices, against a textbook loop that factorizes the free and the clamped system separately per example. */
#include "pln_learning.h"

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

#define CHECK(x)                                                                             \
    do {                                                                                     \
        if ((x) != PLN_OK) {                                                                 \
            fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__,                               \
                    pln_ctx_last_error(ctx)->message);                                       \
            exit(1);                                                                         \
        }                                                                                    \
    } while (0)

typedef struct setup {
    pln_graph *g;
    pln_idx n, nx;
    pln_idx dir[2];
    pln_output outs[2];
    double targets[2];
} setup;

static void make(pln_ctx *ctx, pln_idx nx, setup *s)
{
    CHECK(pln_graph_square_lattice(ctx, nx, nx, false, &s->g));
    s->n = nx * nx;
    s->nx = nx;
    s->dir[0] = 0;
    s->dir[1] = s->n - 1;
    s->outs[0] = (pln_output){PLN_OUT_NODE, (nx / 3) * nx + nx / 2};
    s->outs[1] = (pln_output){PLN_OUT_NODE, (2 * nx / 3) * nx + nx / 3};
    s->targets[0] = 0.3;
    s->targets[1] = 0.6;
}

/* The library's trainer: one factorization per step, clamped states from the free factor. */
static double bench_trainer(pln_ctx *ctx, setup *s, pln_idx batch, double budget)
{
    pln_network_options no;
    pln_network_options_default(&no);
    const double dv[2] = {0.0, 1.0};
    pln_boundary bc;
    pln_boundary_default(&bc);
    bc.n_dirichlet = 2;
    bc.dirichlet_nodes = s->dir;
    bc.dirichlet_values = dv;
    pln_network *net = NULL;
    CHECK(pln_network_create(ctx, s->g, &no, &bc, &net));
    pln_states_options so;
    pln_states_options_default(&so);
    so.max_rhs = batch;
    pln_states *st = NULL;
    CHECK(pln_states_create(ctx, net, 2, s->outs, &so, &st));
    pln_input in[2] = {{PLN_IN_NODE, s->dir[0]}, {PLN_IN_NODE, s->dir[1]}};
    pln_task *task = NULL;
    CHECK(pln_task_allostery(ctx, 2, in, dv, 2, s->outs, s->targets, &task));
    pln_trainer_options o;
    pln_trainer_options_default(&o);
    o.batch = batch;
    o.rule.rate = 0.01;
    pln_trainer *tr = NULL;
    CHECK(pln_trainer_create(ctx, net, st, task, &o, &tr));
    long steps = 0;
    double t0 = now();
    while (now() - t0 < budget || steps < 3) {
        CHECK(pln_trainer_step(tr));
        steps++;
    }
    double rate = (double)steps / (now() - t0);
    pln_trainer_destroy(tr);
    pln_task_destroy(task);
    pln_states_destroy(st);
    pln_network_destroy(net);
    return rate;
}

/* Textbook baseline: for each example of the batch, factorize and solve the free network,
 * then a second network whose outputs are extra Dirichlet nodes held at o^C, factorize and
 * solve it; average the updates; write k into both networks. */
static double bench_textbook(pln_ctx *ctx, setup *s, pln_idx batch, double budget)
{
    pln_network_options no;
    pln_network_options_default(&no);
    const double dv[2] = {0.0, 1.0};
    pln_boundary bc;
    pln_boundary_default(&bc);
    bc.n_dirichlet = 2;
    bc.dirichlet_nodes = s->dir;
    bc.dirichlet_values = dv;
    pln_network *nf = NULL, *nc = NULL;
    CHECK(pln_network_create(ctx, s->g, &no, &bc, &nf));
    pln_idx cdir[4] = {s->dir[0], s->dir[1], s->outs[0].index, s->outs[1].index};
    double cdv[4] = {0.0, 1.0, 0.0, 0.0};
    pln_boundary cbc = bc;
    cbc.n_dirichlet = 4;
    cbc.dirichlet_nodes = cdir;
    cbc.dirichlet_values = cdv;
    CHECK(pln_network_create(ctx, s->g, &no, &cbc, &nc));
    pln_states *sf = NULL, *sc = NULL;
    /* Textbook: a numeric factorization every time (the default's PCG route would skip it). */
    pln_states_options so;
    pln_states_options_default(&so);
    so.solver.refactor = PLN_REFACTOR_ALWAYS;
    CHECK(pln_states_create(ctx, nf, 2, s->outs, &so, &sf));
    CHECK(pln_states_create(ctx, nc, 0, NULL, &so, &sc));
    pln_idx n = s->n, m = pln_network_n_edges(nf);
    double *pf = malloc((size_t)n * sizeof *pf), *pc = malloc((size_t)n * sizeof *pc);
    double *sF = malloc((size_t)m * sizeof *sF), *sC = malloc((size_t)m * sizeof *sC);
    double *k = malloc((size_t)m * sizeof *k), *dk = malloc((size_t)m * sizeof *dk);
    memcpy(k, pln_network_conductances(nf), (size_t)m * sizeof *k);
    const double eta = 0.1, alpha = 0.01;
    long steps = 0;
    double t0 = now();
    while (now() - t0 < budget || steps < 3) {
        memset(dk, 0, (size_t)m * sizeof *dk);
        for (pln_idx b = 0; b < batch; b++) {
            double o[2];
            CHECK(pln_states_factor(sf));
            CHECK(pln_states_free(sf, 1, NULL, pf, o));
            for (int j = 0; j < 2; j++) {
                cdv[2 + j] = o[j] + eta * (s->targets[j] - o[j]);
            }
            CHECK(pln_states_factor(sc));
            pln_bc_values v = {.dirichlet = cdv};
            CHECK(pln_states_free(sc, 1, &v, pc, NULL));
            pln_network_signals(nf, pf, sF);
            pln_network_signals(nc, pc, sC);
            for (pln_idx e = 0; e < m; e++) {
                dk[e] += (alpha / eta) * (sF[e] - sC[e]) / (double)batch;
            }
        }
        for (pln_idx e = 0; e < m; e++) {
            k[e] = k[e] + dk[e] > 1e-12 ? k[e] + dk[e] : 1e-12;
        }
        CHECK(pln_network_set_conductances(nf, k));
        CHECK(pln_network_set_conductances(nc, k));
        steps++;
    }
    double rate = (double)steps / (now() - t0);
    free(pf);
    free(pc);
    free(sF);
    free(sC);
    free(k);
    free(dk);
    pln_states_destroy(sf);
    pln_states_destroy(sc);
    pln_network_destroy(nf);
    pln_network_destroy(nc);
    return rate;
}

int main(int argc, char **argv)
{
    double budget = argc > 1 ? atof(argv[1]) : 1.0;
    pln_ctx *ctx = NULL;
    if (pln_ctx_create(&ctx) != PLN_OK) {
        return 1;
    }
    const pln_idx sizes[4] = {32, 64, 128, 256};
    const pln_idx batches[2] = {1, 16};
    printf("| lattice | edges | batch | plnet steps/s | textbook steps/s | ratio |\n");
    printf("|---|---|---|---|---|---|\n");
    for (int a = 0; a < 4; a++) {
        setup s;
        make(ctx, sizes[a], &s);
        for (int b = 0; b < 2; b++) {
            double r1 = bench_trainer(ctx, &s, batches[b], budget);
            double r0 = bench_textbook(ctx, &s, batches[b], budget);
            printf("| %lldx%lld | %lld | %lld | %.1f | %.1f | %.1f |\n", (long long)sizes[a],
                   (long long)sizes[a], (long long)pln_graph_n_edges(s.g),
                   (long long)batches[b], r1, r0, r1 / r0);
            fflush(stdout);
        }
        pln_graph_destroy(s.g);
    }
    pln_ctx_destroy(ctx);
    return 0;
}
