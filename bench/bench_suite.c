/* bench_suite.c — one configuration of the benchmark suite (bench/suite.sh runs each in its own process): time per learning or TCL step against the bare CHOLMOD floor, peak memory, the textbook ratio. */
#include "pln_learning.h"
#include "pln_tcl.h"

/* The bare floor calls CHOLMOD directly; only bench/ and solvers/ include it. */
#include <cholmod.h>

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#ifdef _OPENMP
#include <omp.h>
#endif

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* CPU time of the whole process (every thread): with one BLAS and OpenMP thread it is the
 * wall time of an idle machine, and barely moved by other processes' load. */
static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static pln_ctx *ctx;

#define CHECK(x)                                                                             \
    do {                                                                                     \
        if ((x) != PLN_OK) {                                                                 \
            fprintf(stderr, "bench_suite: %s:%d: %s\n", __FILE__, __LINE__,                  \
                    pln_ctx_last_error(ctx)->message);                                       \
            exit(1);                                                                         \
        }                                                                                    \
    } while (0)

static double peak_mib(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_maxrss / 1024.0; /* Linux: kilobytes */
}

/* Bare CHOLMOD on the network's matrix: analyze once, then median of (factorize + one
 * solve), the least any learning step that refactorizes can cost. CHOLMOD's own OpenMP
 * regions run serial here as in plnet's solver (else the floor would be twice as slow on
 * 2 cores, see bench_solve), so that the ratio measures plnet's overhead only. */
static double floor_seconds(const pln_csc *A, int reps, double *cpu)
{
#ifdef _OPENMP
    int levels = omp_get_max_active_levels();
    omp_set_max_active_levels(0);
#endif
    cholmod_common c;
    cholmod_l_start(&c);
    c.print = 0;
    cholmod_sparse h = {0};
    h.nrow = h.ncol = (size_t)A->n;
    h.nzmax = (size_t)A->nnz;
    h.p = A->p;
    h.i = A->i;
    h.x = A->x;
    h.stype = -1;
    h.itype = CHOLMOD_LONG;
    h.xtype = CHOLMOD_REAL;
    h.dtype = CHOLMOD_DOUBLE;
    h.sorted = h.packed = 1;
    cholmod_factor *L = cholmod_l_analyze(&h, &c);
    cholmod_dense *b = cholmod_l_ones((size_t)A->n, 1, CHOLMOD_REAL, &c);
    double *t = calloc((size_t)reps, sizeof *t), *tc = calloc((size_t)reps, sizeof *tc);
    for (int r = -1; r < reps; r++) {
        double c0 = cpu_now();
        double t0 = now();
        cholmod_l_factorize(&h, L, &c);
        cholmod_dense *x = cholmod_l_solve(CHOLMOD_A, L, b, &c);
        double dt = now() - t0, dc = cpu_now() - c0;
        if (x == NULL || c.status != CHOLMOD_OK) {
            fprintf(stderr, "bench_suite: bare CHOLMOD failed (status %d)\n", c.status);
            exit(1);
        }
        cholmod_l_free_dense(&x, &c);
        if (r >= 0) {
            t[r] = dt;
            tc[r] = dc;
        }
    }
    double med = median(t, reps);
    *cpu = median(tc, reps);
    free(t);
    free(tc);
    cholmod_l_free_dense(&b, &c);
    cholmod_l_free_factor(&L, &c);
    cholmod_l_finish(&c);
#ifdef _OPENMP
    omp_set_max_active_levels(levels);
#endif
    return med;
}

typedef struct config {
    const char *graph, *what, *refactor;
    pln_idx size, batch;
    double budget, rate;
    int max_steps;
} config;

int main(int argc, char **argv)
{
    if (argc < 7) {
        fprintf(stderr, "usage: bench_suite lattice|rgg SIZE coupled|equilibrium_centered|dyadic|"
                        "tcl_step|tcl_period BATCH always|pcg|auto SECONDS [RATE] [MAX_STEPS]\n");
        return 2;
    }
    config cf = {argv[1], argv[3], argv[5], atoll(argv[2]), atoll(argv[4]), atof(argv[6]),
                 argc > 7 ? atof(argv[7]) : 0.01, argc > 8 ? atoi(argv[8]) : 1000};
    if (pln_ctx_create(&ctx) != PLN_OK) {
        return 1;
    }
    const pln_idx L = cf.size;
    pln_graph *g = NULL;
    pln_idx n = L * L, dir[3], outs_idx[2];
    if (strcmp(cf.graph, "lattice") == 0) {
        CHECK(pln_graph_square_lattice(ctx, L, L, false, &g));
        dir[0] = 0;
        dir[1] = n - 1;
        dir[2] = L - 1;
        outs_idx[0] = (L / 3) * L + L / 2;
        outs_idx[1] = (2 * L / 3) * L + L / 3;
    } else {
        /* Mean degree about 12 (a connected graph needs more than ln n). */
        double radius = sqrt(12.0 / (3.14159265358979 * (double)n));
        CHECK(pln_graph_random_geometric(ctx, n, radius, 7, &g));
        dir[0] = 0;
        dir[1] = n - 1;
        dir[2] = n / 2;
        outs_idx[0] = n / 3;
        outs_idx[1] = (2 * n) / 3 + 1;
    }
    pln_network_options no;
    pln_network_options_default(&no);
    const double dv[3] = {0.0, 1.0, 0.5};
    pln_boundary bc;
    pln_boundary_default(&bc);
    bc.n_dirichlet = 3;
    bc.dirichlet_nodes = dir;
    bc.dirichlet_values = dv;
    pln_network *net = NULL;
    CHECK(pln_network_create(ctx, g, &no, &bc, &net));
    const pln_idx m = pln_network_n_edges(net);
    pln_output outs[2] = {{PLN_OUT_NODE, outs_idx[0]}, {PLN_OUT_NODE, outs_idx[1]}};

    pln_states_options so;
    pln_states_options_default(&so);
    so.max_rhs = cf.batch;
    so.solver.refactor = PLN_REFACTOR_ALWAYS;
    if (strcmp(cf.refactor, "pcg") == 0) {
        so.solver.refactor = PLN_REFACTOR_PCG;
    } else if (strcmp(cf.refactor, "auto") == 0) {
        so.solver.refactor = PLN_REFACTOR_AUTO;
    }
    pln_states *st = NULL;
    CHECK(pln_states_create(ctx, net, 2, outs, &so, &st));

    pln_input in[2] = {{PLN_IN_NODE, dir[1]}, {PLN_IN_NODE, dir[2]}};
    pln_regression_options ro;
    pln_regression_options_default(&ro);
    ro.n_train = 16;
    ro.n_test = 16;
    pln_rng rng;
    pln_rng_seed(&rng, 11);
    pln_task *task = NULL;
    CHECK(pln_task_regression(ctx, 2, in, 2, outs, &ro, &rng, &task));

    bool tcl = strncmp(cf.what, "tcl", 3) == 0;
    pln_trainer *tr = NULL;
    pln_tcl *tc = NULL;
    double steps_per_call = 1.0;
    if (!tcl) {
        pln_trainer_options o;
        pln_trainer_options_default(&o);
        o.batch = cf.batch;
        o.rule.rate = cf.rate;
        CHECK(pln_rule_parse(ctx, cf.what, &o.rule.rule));
        o.rule.nudge = o.rule.rule == PLN_RULE_COUPLED ? 0.1 : 0.01;
        CHECK(pln_trainer_create(ctx, net, st, task, &o, &tr));
    } else {
        pln_tcl_options o;
        pln_tcl_options_default(&o);
        /* Ten time steps per sawtooth period (tau_s / tau_f = 9). */
        o.protocol.dt = 0.01;
        o.protocol.tau_fast = 0.01;
        o.protocol.tau_slow = 0.09;
        o.rate = cf.rate;
        o.apply = strcmp(cf.what, "tcl_period") == 0 ? PLN_APPLY_PERIOD : PLN_APPLY_STEP;
        CHECK(pln_tcl_create(ctx, net, st, task, &o, &tc));
        steps_per_call = (double)pln_protocol_steps_per_period(&o.protocol);
    }
    pln_metrics m0, m1;
    if (tr != NULL) {
        CHECK(pln_trainer_evaluate(tr, PLN_SPLIT_TRAIN, &m0));
    } else {
        CHECK(pln_tcl_evaluate(tc, PLN_SPLIT_TRAIN, &m0));
    }

    int cap = cf.max_steps > 1 ? cf.max_steps : 1;
    double *ts = calloc((size_t)cap, sizeof *ts), *tcpu = calloc((size_t)cap, sizeof *tcpu);
    int steps = 0;
    double t_start = now();
    /* A budget of 0 runs exactly MAX_STEPS steps (for comparisons at equal steps). */
    int min_steps = cf.budget > 0.0 ? (cap < 3 ? cap : 3) : cap;
    while (steps < cap && (steps < min_steps || now() - t_start < cf.budget)) {
        double c0 = cpu_now();
        double t0 = now();
        if (tr != NULL) {
            CHECK(pln_trainer_step(tr));
        } else {
            CHECK(pln_tcl_period(tc));
        }
        ts[steps] = (now() - t0) / steps_per_call;
        tcpu[steps++] = (cpu_now() - c0) / steps_per_call;
    }
    double total = now() - t_start;
    if (tr != NULL) {
        CHECK(pln_trainer_evaluate(tr, PLN_SPLIT_TRAIN, &m1));
    } else {
        CHECK(pln_tcl_evaluate(tc, PLN_SPLIT_TRAIN, &m1));
    }
    double step_s = median(ts, steps), step_cpu = median(tcpu, steps);
    double peak = peak_mib();
    pln_solver_stats ss;
    pln_solver_stats_get(pln_states_solver(st), &ss);
    /* The floor is measured last so that its own factor does not count in the peak. */
    int reps = ss.t_factor / (double)(ss.n_numeric > 0 ? ss.n_numeric : 1) > 1.0 ? 3 : 7;
    double floor_cpu = 0.0;
    double floor_s = floor_seconds(pln_network_matrix(net), reps, &floor_cpu);

    char name[48];
    snprintf(name, sizeof name, "%s %" PRId64 "^2", cf.graph, L);
    const double textbook_s = 2.0 * (double)cf.batch * floor_s;
    double factor_mib = (double)ss.factor_bytes / (1024.0 * 1024.0);
    /* Columns: graph, n, m, nnz(L), what, batch, refactor, step ms, floor ms, step/floor,
     * the same three in CPU time, textbook/step, peak MiB, factor MiB, peak/factor, numeric
     * factorizations per step, PCG iterations per solved column, steps, loss before and
     * after. */
    printf("| %s | %" PRId64 " | %" PRId64 " | %.3g | %s | %" PRId64 " | %s | %.2f | %.2f | %.2f "
           "| %.2f | %.2f | %.2f | %.1f | %.0f | %.0f | %.2f | %.2f | %.2f | %d | %.6g | %.6g |\n",
           name, n, m, ss.nnz_factor, cf.what, cf.batch, cf.refactor, 1e3 * step_s,
           1e3 * floor_s, step_s / floor_s, 1e3 * step_cpu, 1e3 * floor_cpu,
           step_cpu / floor_cpu, textbook_s / step_s, peak, factor_mib,
           factor_mib > 0 ? peak / factor_mib : 0.0,
           (double)ss.n_numeric / (double)(ss.n_factor > 0 ? ss.n_factor : 1),
           ss.n_pcg > 0 ? (double)ss.n_pcg_iter / (double)ss.n_pcg : 0.0, steps, m0.loss,
           m1.loss);
    fprintf(stderr, "# %s %s: %d steps in %.1f s, %ld numeric / %ld factor calls, %ld PCG "
            "columns, %ld iterations, %ld fallbacks\n", name, cf.what, steps, total,
            ss.n_numeric, ss.n_factor, ss.n_pcg, ss.n_pcg_iter, ss.n_pcg_fallback);
    free(ts);
    free(tcpu);
    pln_trainer_destroy(tr);
    pln_tcl_destroy(tc);
    pln_task_destroy(task);
    pln_states_destroy(st);
    pln_network_destroy(net);
    pln_graph_destroy(g);
    pln_ctx_destroy(ctx);
    return 0;
}
