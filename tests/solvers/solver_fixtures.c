/* solver_fixtures.c — random grounded graph Laplacians (pln_csc + dense) for solver tests. */
#include "solver_fixtures.h"

#include "test_support.h"

#include <stdlib.h>
#include <string.h>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>

/* Criterion's runner process keeps 48 bytes of its own until exit, and its test processes end
 * without an exit check; so the exit check is off and fx_check_leaks asks for one instead, in
 * each test process, after the test has freed everything. */
const char *__lsan_default_options(void) { return "leak_check_at_exit=0"; }
#endif

void fx_check_leaks(void)
{
#if defined(__SANITIZE_ADDRESS__)
    /* An assertion failing in .fini does not fail the test in Criterion 2.4; a crash does. */
    if (__lsan_do_recoverable_leak_check() != 0) {
        abort();
    }
#endif
}

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n > 0 ? n : 1, size);
    if (p == NULL) {
        abort();
    }
    return p;
}

/* Rebuild the CSC arrays from the dense matrix, keeping a stored entry wherever the graph has
 * an edge (mask), even if its value were to cancel. */
static void to_csc(fx_matrix *m, const char *mask)
{
    pln_idx n = m->A.n;
    pln_idx nnz = 0;
    for (pln_idx j = 0; j < n; j++) {
        for (pln_idx i = j; i < n; i++) {
            nnz += (i == j || mask[i * n + j]) ? 1 : 0;
        }
    }
    m->A.nnz = nnz;
    m->A.p = xcalloc((size_t)n + 1, sizeof *m->A.p);
    m->A.i = xcalloc((size_t)nnz, sizeof *m->A.i);
    m->A.x = xcalloc((size_t)nnz, sizeof *m->A.x);
    pln_idx k = 0;
    for (pln_idx j = 0; j < n; j++) {
        m->A.p[j] = k;
        for (pln_idx i = j; i < n; i++) {
            if (i == j || mask[i * n + j]) {
                m->A.i[k] = i;
                m->A.x[k] = m->dense[i * n + j];
                k++;
            }
        }
    }
    m->A.p[n] = k;
}

static void add_edge(double *D, char *mask, pln_idx n, pln_idx a, pln_idx b, double w)
{
    if (a == b) {
        return;
    }
    D[a * n + a] += w;
    D[b * n + b] += w;
    D[a * n + b] -= w;
    D[b * n + a] -= w;
    mask[a * n + b] = mask[b * n + a] = 1;
}

static double weight(pln_rng *rng) { return 0.5 + 2.0 * pln_rng_uniform(rng); }

/* A random spanning tree on [lo, hi) plus about one extra edge per node. */
static void random_component(double *D, char *mask, pln_idx n, pln_idx lo, pln_idx hi,
                             pln_rng *rng)
{
    for (pln_idx v = lo + 1; v < hi; v++) {
        add_edge(D, mask, n, v, lo + pln_rng_index(rng, v - lo), weight(rng));
    }
    for (pln_idx e = 0; e < hi - lo; e++) {
        pln_idx a = lo + pln_rng_index(rng, hi - lo), b = lo + pln_rng_index(rng, hi - lo);
        add_edge(D, mask, n, a, b, weight(rng));
    }
}

void fx_laplacian(fx_matrix *m, pln_idx n_grounded, pln_idx floating, pln_idx n_ground,
                  uint64_t seed)
{
    pln_rng rng;
    pln_rng_seed(&rng, seed);
    pln_idx n = n_grounded + floating;
    memset(m, 0, sizeof *m);
    m->A.n = n;
    m->dense = xcalloc((size_t)(n * n), sizeof *m->dense);
    char *mask = xcalloc((size_t)(n * n), 1);
    if (n_grounded > 0) {
        random_component(m->dense, mask, n, 0, n_grounded, &rng);
        for (pln_idx g = 0; g < n_ground; g++) {
            pln_idx v = pln_rng_index(&rng, n_grounded);
            m->dense[v * n + v] += weight(&rng);
        }
    }
    if (floating > 0) {
        random_component(m->dense, mask, n, n_grounded, n, &rng);
    }
    to_csc(m, mask);
    free(mask);
}

void fx_perturb(fx_matrix *m, uint64_t seed)
{
    pln_rng rng;
    pln_rng_seed(&rng, seed);
    pln_idx n = m->A.n;
    /* Off-diagonals scaled symmetrically; the diagonal keeps its grounding part (row sum) and
     * gains the change of the off-diagonals, so the matrix stays a grounded Laplacian. */
    for (pln_idx j = 0; j < n; j++) {
        for (pln_idx k = m->A.p[j] + 1; k < m->A.p[j + 1]; k++) {
            pln_idx i = m->A.i[k];
            double old = m->dense[i * n + j];
            double w = old * (0.3 + 1.7 * pln_rng_uniform(&rng));
            m->dense[i * n + j] = m->dense[j * n + i] = w;
            m->dense[i * n + i] += old - w;
            m->dense[j * n + j] += old - w;
        }
    }
    for (pln_idx j = 0; j < n; j++) {
        for (pln_idx k = m->A.p[j]; k < m->A.p[j + 1]; k++) {
            m->A.x[k] = m->dense[m->A.i[k] * n + j];
        }
    }
}

void fx_free(fx_matrix *m)
{
    free(m->A.p);
    free(m->A.i);
    free(m->A.x);
    free(m->dense);
    memset(m, 0, sizeof *m);
}

double *fx_rhs(pln_idx n, pln_idx nrhs, uint64_t seed)
{
    pln_rng rng;
    pln_rng_seed(&rng, seed);
    double *b = xcalloc((size_t)(n * nrhs), sizeof *b);
    for (pln_idx k = 0; k < n * nrhs; k++) {
        b[k] = pln_rng_normal(&rng);
    }
    return b;
}

double *fx_oracle(const fx_matrix *m, const double *b)
{
    size_t n = (size_t)m->A.n;
    double *A = xcalloc(n * n, sizeof *A);
    double *x = xcalloc(n, sizeof *x);
    memcpy(A, m->dense, n * n * sizeof *A);
    memcpy(x, b, n * sizeof *x);
    if (ts_dense_solve(A, x, n) != 0) {
        abort();
    }
    free(A);
    return x;
}

const pln_solver_type *fx_type(const char *name)
{
    if (strcmp(name, "cholmod") == 0) {
        return pln_solver_cholmod;
    }
    if (strcmp(name, "dense_ref") == 0) {
        return pln_solver_dense_ref;
    }
    if (strcmp(name, "pcg") == 0) {
        return pln_solver_pcg;
    }
    abort();
}
