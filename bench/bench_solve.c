/* bench_solve.c — plnet's CHOLMOD solver on square lattices, timed against bare CHOLMOD calls. */
#include "pln_solver.h"

/* The bare baseline calls CHOLMOD directly; only this program and solvers/ include it. */
#include <cholmod.h>

#include <inttypes.h>
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

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n > 0 ? n : 1, size);
    if (p == NULL) {
        fprintf(stderr, "bench_solve: out of memory\n");
        exit(1);
    }
    return p;
}

/* 5-point Laplacian of an L x L lattice with conductances in [0.5, 1.5), node 0 (a corner)
 * grounded and removed: reduced index r = v - 1. Lower triangle, rows sorted: column r holds
 * the diagonal, the right neighbour (r + 1) and the upper neighbour (r + L). */
static void lattice(pln_csc *A, pln_idx L, pln_rng *rng)
{
    pln_idx nv = L * L, n = nv - 1;
    double *kx = xcalloc((size_t)nv, sizeof *kx), *ky = xcalloc((size_t)nv, sizeof *ky);
    for (pln_idx v = 0; v < nv; v++) {
        kx[v] = (v % L + 1 < L) ? 0.5 + pln_rng_uniform(rng) : 0.0; /* edge v -- v+1 */
        ky[v] = (v / L + 1 < L) ? 0.5 + pln_rng_uniform(rng) : 0.0; /* edge v -- v+L */
    }
    A->n = n;
    A->p = xcalloc((size_t)n + 1, sizeof *A->p);
    A->i = xcalloc((size_t)(3 * n), sizeof *A->i);
    A->x = xcalloc((size_t)(3 * n), sizeof *A->x);
    pln_idx k = 0;
    for (pln_idx v = 1; v < nv; v++) {
        pln_idx r = v - 1;
        double diag = kx[v] + ky[v];
        if (v % L > 0) {
            diag += kx[v - 1];
        }
        if (v >= L) {
            diag += ky[v - L];
        }
        A->p[r] = k;
        A->i[k] = r;
        A->x[k++] = diag;
        if (kx[v] > 0.0) {
            A->i[k] = r + 1;
            A->x[k++] = -kx[v];
        }
        if (ky[v] > 0.0) {
            A->i[k] = r + L;
            A->x[k++] = -ky[v];
        }
    }
    A->p[n] = k;
    A->nnz = k;
    free(kx);
    free(ky);
}

static void die(pln_ctx *ctx, const char *what, pln_status st)
{
    fprintf(stderr, "bench_solve: %s: %s: %s\n", what, pln_strerror(st),
            pln_ctx_last_error(ctx)->message);
    exit(1);
}

int main(int argc, char **argv)
{
    static const pln_idx sides[] = {32, 64, 128, 256, 512};
    static const int reps_for[] = {201, 101, 31, 11, 7};
    int n_sizes = 5;
    if (argc > 1) {
        n_sizes = atoi(argv[1]);
        if (n_sizes < 1 || n_sizes > 5) {
            fprintf(stderr, "usage: bench_solve [number of lattice sizes, 1..5]\n");
            return 2;
        }
    }
    pln_ctx *ctx = NULL;
    if (pln_ctx_create(&ctx) != PLN_OK) {
        return 1;
    }
    pln_rng rng;
    pln_rng_seed(&rng, 2385);

    printf("# plnet CHOLMOD solver on L x L lattices (5-point Laplacian, one grounded corner);\n"
           "# times are medians in milliseconds; ratio = plnet (pln_solver_factor + "
           "pln_solver_solve) / bare (cholmod_l_factorize + cholmod_l_solve),\n"
           "# of the medians and of the fastest runs\n");
    printf("%9s %10s %8s %12s %12s %10s %10s %12s %12s %7s %9s\n", "lattice", "n", "super",
           "nnz(L)", "analyze_ms", "factor_ms", "solve_ms", "plnet_ms", "bare_ms", "ratio",
           "min_ratio");

    for (int s = 0; s < n_sizes; s++) {
        pln_idx L = sides[s];
        int reps = reps_for[s];
        pln_csc A;
        lattice(&A, L, &rng);
        pln_idx n = A.n;
        double *b = xcalloc((size_t)n, sizeof *b), *x = xcalloc((size_t)n, sizeof *x);
        double *xbare = xcalloc((size_t)n, sizeof *xbare);
        for (pln_idx k = 0; k < n; k++) {
            b[k] = pln_rng_normal(&rng);
        }

        pln_solver *sv = NULL;
        /* Every call refactorizes: the PCG route (the default above ~200^2 nodes) would skip
         * refactorizing these unchanged values. */
        pln_solver_options so;
        pln_solver_options_default(&so);
        so.refactor = PLN_REFACTOR_ALWAYS;
        pln_status st = pln_solver_create(ctx, pln_solver_cholmod, &so, &sv);
        if (st != PLN_OK) {
            die(ctx, "create", st);
        }
        double t0 = now();
        if ((st = pln_solver_analyze(sv, &A)) != PLN_OK) {
            die(ctx, "analyze", st);
        }
        double t_analyze = now() - t0;

        /* The bare baseline: its own common and factor, same default settings, silent. */
        cholmod_common c;
        cholmod_l_start(&c);
        c.print = 0;
        cholmod_sparse Ah = {0};
        Ah.nrow = Ah.ncol = (size_t)n;
        Ah.nzmax = (size_t)A.nnz;
        Ah.p = A.p;
        Ah.i = A.i;
        Ah.x = A.x;
        Ah.stype = -1;
        Ah.itype = CHOLMOD_LONG;
        Ah.xtype = CHOLMOD_REAL;
        Ah.dtype = CHOLMOD_DOUBLE;
        Ah.sorted = Ah.packed = 1;
        cholmod_factor *Lf = cholmod_l_analyze(&Ah, &c);
        cholmod_dense bh = {0};
        bh.nrow = bh.nzmax = bh.d = (size_t)n;
        bh.ncol = 1;
        bh.x = b;
        bh.xtype = CHOLMOD_REAL;
        bh.dtype = CHOLMOD_DOUBLE;
        if (Lf == NULL || c.status != CHOLMOD_OK) {
            fprintf(stderr, "bench_solve: bare cholmod_l_analyze failed\n");
            return 1;
        }

        double *tf = xcalloc((size_t)reps, sizeof *tf), *ts = xcalloc((size_t)reps, sizeof *ts);
        double *tp = xcalloc((size_t)reps, sizeof *tp), *tb = xcalloc((size_t)reps, sizeof *tb);
        double max_diff = 0.0;
        /* One untimed round warms caches and plnet's solve workspaces; the two sides take
         * turns going first so that drift in the machine's load hits both alike. */
        for (int r = -1; r < reps; r++) {
            double t_plnet[3] = {0}, t_bare[2] = {0};
            for (int side = 0; side < 2; side++) {
                if ((side == 0) == (r % 2 == 0)) {
                    t_plnet[0] = now();
                    if ((st = pln_solver_factor(sv, &A)) != PLN_OK) {
                        die(ctx, "factor", st);
                    }
                    t_plnet[1] = now();
                    if ((st = pln_solver_solve(sv, 1, b, x)) != PLN_OK) {
                        die(ctx, "solve", st);
                    }
                    t_plnet[2] = now();
                } else {
                    t_bare[0] = now();
                    cholmod_l_factorize(&Ah, Lf, &c);
                    cholmod_dense *X = cholmod_l_solve(CHOLMOD_A, Lf, &bh, &c);
                    t_bare[1] = now();
                    if (X == NULL || c.status != CHOLMOD_OK) {
                        fprintf(stderr, "bench_solve: bare CHOLMOD failed (status %d)\n",
                                c.status);
                        return 1;
                    }
                    memcpy(xbare, X->x, (size_t)n * sizeof *xbare);
                    cholmod_l_free_dense(&X, &c);
                }
            }
            for (pln_idx k = 0; k < n; k++) {
                double d = fabs(xbare[k] - x[k]);
                max_diff = d > max_diff ? d : max_diff;
            }
            if (r >= 0) {
                tf[r] = t_plnet[1] - t_plnet[0];
                ts[r] = t_plnet[2] - t_plnet[1];
                tp[r] = t_plnet[2] - t_plnet[0];
                tb[r] = t_bare[1] - t_bare[0];
            }
        }
        pln_solver_stats stats;
        pln_solver_stats_get(sv, &stats);
        double med_p = median(tp, reps), med_b = median(tb, reps);
        /* median() sorted both arrays: [0] is the fastest run, the least disturbed by load. */
        double min_ratio = tp[0] / tb[0];
        char name[32];
        snprintf(name, sizeof name, "%" PRId64 "x%" PRId64, L, L);
        printf("%9s %10" PRId64 " %8s %12.0f %12.3f %10.3f %10.3f %12.3f %12.3f %7.3f %9.3f\n",
               name, n, Lf->is_super ? "yes" : "no", stats.nnz_factor, 1e3 * t_analyze,
               1e3 * median(tf, reps), 1e3 * median(ts, reps), 1e3 * med_p, 1e3 * med_b,
               med_p / med_b, min_ratio);
        if (max_diff > 1e-8) {
            fprintf(stderr, "bench_solve: plnet and bare CHOLMOD disagree by %g\n", max_diff);
            return 1;
        }
        fflush(stdout);
        free(tf);
        free(ts);
        free(tp);
        free(tb);
        cholmod_l_free_factor(&Lf, &c);
        cholmod_l_finish(&c);
        pln_solver_destroy(sv);
        free(b);
        free(x);
        free(xbare);
        free(A.p);
        free(A.i);
        free(A.x);
    }
    pln_ctx_destroy(ctx);
    return 0;
}
