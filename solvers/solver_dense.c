/* solver_dense.c — dense Cholesky reference solver: an O(n^3) oracle independent of CHOLMOD. */
#include "solver_impl.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>

typedef struct dense_impl {
    pln_idx n;
    /* Row-major lower triangle, L[i * n + k] for k <= i, so the dot products of the
     * row-oriented (Cholesky-Banachiewicz) factorization run over contiguous memory. */
    double *L;
} dense_impl;

static pln_status dense_create(pln_solver *s)
{
    dense_impl *m = NULL;
    PLN_ALLOC(s->ctx, m, 1);
    s->impl = m;
    return PLN_OK;
}

static void dense_destroy(pln_solver *s)
{
    dense_impl *m = s->impl;
    if (m == NULL) {
        return;
    }
    pln_i_free(m->L);
    pln_i_free(m);
    s->impl = NULL;
}

static pln_status dense_analyze(pln_solver *s, const pln_csc *A)
{
    dense_impl *m = s->impl;
    pln_idx n = A->n;
    if (n > (pln_idx)(SIZE_MAX / sizeof(double)) / n) {
        PLN_FAIL(s->ctx, PLN_ENOMEM, "dense reference solver: %" PRId64 " x %" PRId64
                 " does not fit in memory", n, n);
    }
    pln_i_free(m->L);
    m->L = NULL;
    m->n = 0;
    PLN_ALLOC(s->ctx, m->L, n * n);
    m->n = n;
    s->stats.nnz_factor = (double)n * (double)(n + 1) / 2.0;
    s->stats.flops = (double)n * (double)n * (double)n / 3.0;
    return PLN_OK;
}

static pln_status dense_factor(pln_solver *s, const pln_csc *A)
{
    dense_impl *m = s->impl;
    pln_idx n = m->n;
    double *L = m->L;
    memset(L, 0, (size_t)(n * n) * sizeof *L);
    for (pln_idx j = 0; j < n; j++) {
        for (pln_idx k = A->p[j]; k < A->p[j + 1]; k++) {
            L[A->i[k] * n + j] = A->x[k];
        }
    }
    double tol = s->opts.pivot_tol;
    for (pln_idx i = 0; i < n; i++) {
        double *Li = L + i * n;
        for (pln_idx j = 0; j < i; j++) {
            const double *Lj = L + j * n;
            double sum = Li[j];
            for (pln_idx k = 0; k < j; k++) {
                sum -= Li[k] * Lj[k];
            }
            Li[j] = sum / Lj[j];
        }
        double a_ii = Li[i];
        double d = a_ii;
        for (pln_idx k = 0; k < i; k++) {
            d -= Li[k] * Li[k];
        }
        if (pln_i_pivot_bad(d, a_ii, tol)) {
            s->failed_column = i;
            PLN_FAIL(s->ctx, PLN_ESINGULAR, "matrix is not positive definite: the dense "
                     "factorization broke down at column %" PRId64 " (pivot %g, diagonal %g)",
                     i, d, a_ii);
        }
        Li[i] = sqrt(d);
    }
    return PLN_OK;
}

static pln_status dense_solve(pln_solver *s, pln_idx nrhs, const double *B, double *X)
{
    const dense_impl *m = s->impl;
    pln_idx n = m->n;
    const double *L = m->L;
    for (pln_idx r = 0; r < nrhs; r++) {
        double *x = X + r * n;
        memcpy(x, B + r * n, (size_t)n * sizeof *x);
        for (pln_idx i = 0; i < n; i++) {
            const double *Li = L + i * n;
            double sum = x[i];
            for (pln_idx k = 0; k < i; k++) {
                sum -= Li[k] * x[k];
            }
            x[i] = sum / Li[i];
        }
        /* L' x = y by columns of L', i.e. rows of L, to stay contiguous. */
        for (pln_idx i = n; i-- > 0;) {
            const double *Li = L + i * n;
            x[i] /= Li[i];
            double xi = x[i];
            for (pln_idx k = 0; k < i; k++) {
                x[k] -= Li[k] * xi;
            }
        }
    }
    return PLN_OK;
}

static size_t dense_factor_bytes(const pln_solver *s)
{
    const dense_impl *m = s->impl;
    return (size_t)(m->n * m->n) * sizeof(double);
}

static const pln_solver_type dense_type = {
    .name = "dense_ref",
    .create = dense_create,
    .destroy = dense_destroy,
    .analyze = dense_analyze,
    .factor = dense_factor,
    .solve = dense_solve,
    .factor_bytes = dense_factor_bytes,
};

const pln_solver_type *const pln_solver_dense_ref = &dense_type;
