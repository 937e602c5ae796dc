/* solver.c — the solver interface: checks, life cycle, counters, dispatch to a type. */
#include "solver_impl.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>
#include <time.h>

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void pln_solver_options_default(pln_solver_options *o)
{
    o->ordering = PLN_ORDER_AUTO;
    o->mode = PLN_FACTOR_AUTO;
    o->pivot_tol = 1e-12;
}

const char *pln_solver_type_name(const pln_solver_type *type)
{
    return type != NULL ? type->name : "(none)";
}

const pln_solver_type *pln_solver_get_type(const pln_solver *s) { return s->type; }

pln_idx pln_solver_failed_column(const pln_solver *s) { return s->failed_column; }

void pln_solver_stats_get(const pln_solver *s, pln_solver_stats *stats)
{
    *stats = s->stats;
    stats->factor_bytes = (s->analyzed && s->n > 0) ? s->type->factor_bytes(s) : 0;
}

static pln_status check_options(pln_ctx *ctx, const pln_solver_options *o)
{
    if (o->ordering != PLN_ORDER_AUTO && o->ordering != PLN_ORDER_AMD &&
        o->ordering != PLN_ORDER_NATURAL) {
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "ordering", "unknown ordering %d", (int)o->ordering);
    }
    if (o->mode != PLN_FACTOR_AUTO && o->mode != PLN_FACTOR_SIMPLICIAL &&
        o->mode != PLN_FACTOR_SUPERNODAL) {
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "mode", "unknown factorization mode %d", (int)o->mode);
    }
    if (!(o->pivot_tol >= 0.0 && o->pivot_tol < 1.0)) {
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "pivot_tol", "pivot tolerance %g is not in [0, 1)",
                     o->pivot_tol);
    }
    return PLN_OK;
}

pln_status pln_solver_create(pln_ctx *ctx, const pln_solver_type *type,
                             const pln_solver_options *opts, pln_solver **out)
{
    if (type == NULL || out == NULL) {
        PLN_FAIL(ctx, PLN_EINVAL, "solver type and output pointer must not be NULL");
    }
    pln_solver_options o;
    pln_solver_options_default(&o);
    if (opts != NULL) {
        o = *opts;
    }
    PLN_TRY(check_options(ctx, &o));

    pln_solver *s = NULL;
    PLN_ALLOC(ctx, s, 1);
    s->type = type;
    s->ctx = ctx;
    s->opts = o;
    s->failed_column = -1;
    pln_status st = type->create(s);
    if (st != PLN_OK) {
        pln_solver_destroy(s);
        return st;
    }
    *out = s;
    return PLN_OK;
}

void pln_solver_destroy(pln_solver *s)
{
    if (s == NULL) {
        return;
    }
    s->type->destroy(s);
    pln_i_free(s);
}

/* FNV-1a over the pattern: a changed pattern in fresh arrays must not reach a factor whose
 * symbolic structure was computed for another one (CHOLMOD would write outside L). */
static uint64_t hash_words(uint64_t h, const pln_idx *a, pln_idx n)
{
    for (pln_idx k = 0; k < n; k++) {
        uint64_t w = (uint64_t)a[k];
        for (int b = 0; b < 8; b++) {
            h ^= (w >> (8 * b)) & 0xffu;
            h *= 1099511628211u;
        }
    }
    return h;
}

static uint64_t pattern_hash(const pln_csc *A)
{
    uint64_t h = 14695981039346656037u;
    h = hash_words(h, &A->n, 1);
    h = hash_words(h, A->p, A->n + 1);
    return hash_words(h, A->i, A->nnz);
}

/* Full structural check, done once per analysis so that no type has to trust its input. */
static pln_status check_matrix(pln_ctx *ctx, const pln_csc *A)
{
    if (A == NULL) {
        PLN_FAIL(ctx, PLN_EINVAL, "matrix is NULL");
    }
    if (A->n < 0) {
        PLN_FAIL(ctx, PLN_EINVAL, "matrix order %" PRId64 " is negative", A->n);
    }
    if (A->n == 0) {
        return PLN_OK;
    }
    if (A->p == NULL || A->i == NULL) {
        PLN_FAIL(ctx, PLN_EINVAL, "matrix arrays p and i must not be NULL");
    }
    if (A->p[0] != 0 || A->p[A->n] != A->nnz) {
        PLN_FAIL(ctx, PLN_EINVAL, "column pointers must run from 0 to nnz = %" PRId64
                 " (found %" PRId64 " to %" PRId64 ")", A->nnz, A->p[0], A->p[A->n]);
    }
    for (pln_idx j = 0; j < A->n; j++) {
        pln_idx lo = A->p[j], hi = A->p[j + 1];
        if (hi <= lo || hi > A->nnz) {
            PLN_FAIL(ctx, PLN_EINVAL, "column %" PRId64 " is empty or its pointers decrease", j);
        }
        if (A->i[lo] != j) {
            PLN_FAIL(ctx, PLN_EINVAL, "column %" PRId64 " does not start with its diagonal entry "
                     "(lower triangle, sorted rows expected; first row %" PRId64 ")", j, A->i[lo]);
        }
        for (pln_idx k = lo + 1; k < hi; k++) {
            if (A->i[k] <= A->i[k - 1] || A->i[k] >= A->n) {
                PLN_FAIL(ctx, PLN_EINVAL, "column %" PRId64 ": row %" PRId64 " out of order "
                         "or out of range (n = %" PRId64 ")", j, A->i[k], A->n);
            }
        }
    }
    return PLN_OK;
}

pln_status pln_solver_analyze(pln_solver *s, const pln_csc *A)
{
    PLN_TRY(check_matrix(s->ctx, A));
    s->analyzed = false;
    s->factored = false;
    s->failed_column = -1;
    double t0 = now_seconds();
    if (A->n > 0) {
        PLN_TRY(s->type->analyze(s, A));
    } else {
        s->stats.nnz_factor = 0.0;
        s->stats.flops = 0.0;
    }
    s->stats.t_analyze += now_seconds() - t0;
    s->stats.n_analyze++;
    s->stats.n = A->n;
    s->n = A->n;
    s->nnz = A->nnz;
    s->pattern_p = A->p;
    s->pattern_i = A->i;
    s->pattern_hash = A->n > 0 ? pattern_hash(A) : 0;
    s->analyzed = true;
    return PLN_OK;
}

static pln_status check_same_pattern(pln_solver *s, const pln_csc *A)
{
    if (A == NULL) {
        PLN_FAIL(s->ctx, PLN_EINVAL, "matrix is NULL");
    }
    if (!s->analyzed) {
        PLN_FAIL(s->ctx, PLN_EINVAL, "factor before analyze: call pln_solver_analyze first");
    }
    if (A->n != s->n || A->nnz != s->nnz) {
        PLN_FAIL(s->ctx, PLN_EINVAL, "matrix is %" PRId64 " x %" PRId64 " with %" PRId64
                 " entries but the analyzed pattern is %" PRId64 " x %" PRId64 " with %" PRId64,
                 A->n, A->n, A->nnz, s->n, s->n, s->nnz);
    }
    if (A->n == 0) {
        return PLN_OK;
    }
    if (A->p == NULL || A->i == NULL || A->x == NULL) {
        PLN_FAIL(s->ctx, PLN_EINVAL, "matrix arrays p, i and x must not be NULL");
    }
    /* The arrays seen at analysis are trusted to hold the same pattern (networks refill
     * values in place); other arrays are checked against the fingerprint. */
    if ((A->p != s->pattern_p || A->i != s->pattern_i) && pattern_hash(A) != s->pattern_hash) {
        PLN_FAIL(s->ctx, PLN_EINVAL, "matrix pattern differs from the analyzed one: call "
                 "pln_solver_analyze again");
    }
    for (pln_idx k = 0; k < A->nnz; k++) {
        if (!isfinite(A->x[k])) {
            pln_idx j = 0;
            while (A->p[j + 1] <= k) {
                j++;
            }
            PLN_FAIL(s->ctx, PLN_EINVAL, "matrix entry (%" PRId64 ", %" PRId64 ") is %g",
                     A->i[k], j, A->x[k]);
        }
    }
    return PLN_OK;
}

pln_status pln_solver_factor(pln_solver *s, const pln_csc *A)
{
    PLN_TRY(check_same_pattern(s, A));
    s->factored = false;
    s->failed_column = -1;
    double t0 = now_seconds();
    if (A->n > 0) {
        pln_status st = s->type->factor(s, A);
        s->stats.t_factor += now_seconds() - t0;
        s->stats.n_factor++;
        PLN_TRY(st);
    } else {
        s->stats.n_factor++;
    }
    s->factored = true;
    return PLN_OK;
}

pln_status pln_solver_solve(pln_solver *s, pln_idx nrhs, const double *B, double *X)
{
    if (!s->factored) {
        PLN_FAIL(s->ctx, PLN_EINVAL, "solve without a successful factorization");
    }
    if (nrhs < 0) {
        PLN_FAIL(s->ctx, PLN_EINVAL, "number of right-hand sides %" PRId64 " is negative", nrhs);
    }
    if (nrhs == 0 || s->n == 0) {
        return PLN_OK;
    }
    if (B == NULL || X == NULL) {
        PLN_FAIL(s->ctx, PLN_EINVAL, "right-hand side and solution must not be NULL");
    }
    if (nrhs > PTRDIFF_MAX / (pln_idx)sizeof(double) / s->n) {
        PLN_FAIL(s->ctx, PLN_EINVAL, "%" PRId64 " right-hand sides of length %" PRId64
                 " overflow", nrhs, s->n);
    }
    uintptr_t b0 = (uintptr_t)B, x0 = (uintptr_t)X;
    uintptr_t len = (uintptr_t)(s->n * nrhs) * sizeof(double);
    if (b0 < x0 + len && x0 < b0 + len) {
        PLN_FAIL(s->ctx, PLN_EINVAL, "right-hand side and solution overlap");
    }
    double t0 = now_seconds();
    pln_status st = s->type->solve(s, nrhs, B, X);
    s->stats.t_solve += now_seconds() - t0;
    PLN_TRY(st);
    s->stats.n_solve += (long)nrhs;
    return PLN_OK;
}
