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
    /* The reuse route where it pays (large enough networks), the direct one elsewhere;
     * deterministic and resumable bit for bit either way: see pln_refactor. */
    o->refactor = PLN_REFACTOR_AUTO;
    o->pcg_tol = 1e-10;
    o->pcg_max_iter = 50;
    o->pcg_refactor_iter = 8;
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
    if (o->refactor != PLN_REFACTOR_ALWAYS && o->refactor != PLN_REFACTOR_PCG &&
        o->refactor != PLN_REFACTOR_AUTO) {
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "refactor", "unknown refactor mode %d", (int)o->refactor);
    }
    /* The PCG settings are read (and checked) only when a PCG route is chosen, so options
     * zero-initialized by hand keep working with the direct route. */
    if (o->refactor != PLN_REFACTOR_ALWAYS) {
        if (!(o->pcg_tol > 0.0 && o->pcg_tol <= 1e-2)) {
            PLN_FAIL_KEY(ctx, PLN_EINVAL, "pcg_tol", "PCG tolerance %g is not in (0, 1e-2]",
                         o->pcg_tol);
        }
        if (o->pcg_max_iter < 1) {
            PLN_FAIL_KEY(ctx, PLN_EINVAL, "pcg_max_iter", "pcg_max_iter %" PRId64 " must be >= 1",
                         o->pcg_max_iter);
        }
        if (o->pcg_refactor_iter < 1 || o->pcg_refactor_iter > o->pcg_max_iter) {
            PLN_FAIL_KEY(ctx, PLN_EINVAL, "pcg_refactor_iter",
                         "pcg_refactor_iter %" PRId64 " must be in [1, pcg_max_iter = %" PRId64 "]",
                         o->pcg_refactor_iter, o->pcg_max_iter);
        }
    }
    return PLN_OK;
}


/* ------------------------------------------------------------------ PCG route: state */

static void pcg_free(pln_solver *s)
{
    pln_i_free(s->cur.p);
    pln_i_free(s->cur.i);
    pln_i_free(s->cur.x);
    pln_i_free(s->fact_x);
    pln_i_free(s->ws);
    s->cur = (pln_csc){0};
    s->fact_x = NULL;
    s->ws = NULL;
    s->ws_cols = 0;
}

/* Keep a copy of the analyzed pattern (the caller's arrays are borrowed for the call only)
 * and room for the current values and those of the factor. */
static pln_status pcg_prepare(pln_solver *s, const pln_csc *A)
{
    pcg_free(s);
    s->pcg_active = false;
    if (s->opts.refactor == PLN_REFACTOR_ALWAYS || A->n == 0) {
        return PLN_OK;
    }
    /* Work units: one PCG iteration per column is a forward and a backward sweep of L, a
     * product with A and a few vector updates (4 nnz(L) + 4 nnz(A) + 12 n). A factorization
     * costs its flops times a constant measured once against that unit (bench/RESULTS.md,
     * 32^2 to 256^2 lattices: 1/1.4 per flop supernodal, 4 simplicial, whose scalar loops
     * run far slower per flop) and fixed here, so that every decision below is a count:
     * deterministic, the same on every machine and across a resume. */
    s->w_factor = s->stats.flops * (s->supernodal ? 1.0 / 1.4 : 4.0);
    s->w_iter = 4.0 * s->stats.nnz_factor + 4.0 * (double)A->nnz + 12.0 * (double)A->n;
    s->pcg_active = s->opts.refactor == PLN_REFACTOR_PCG || s->w_factor >= 8.0 * s->w_iter;
    if (!s->pcg_active) {
        return PLN_OK;
    }
    pln_status st = PLN_OK;
    PLN_ALLOC_GOTO(s->ctx, st, s->cur.p, A->n + 1);
    PLN_ALLOC_GOTO(s->ctx, st, s->cur.i, A->nnz);
    PLN_ALLOC_GOTO(s->ctx, st, s->cur.x, A->nnz);
    PLN_ALLOC_GOTO(s->ctx, st, s->fact_x, A->nnz);
    memcpy(s->cur.p, A->p, (size_t)(A->n + 1) * sizeof *A->p);
    memcpy(s->cur.i, A->i, (size_t)A->nnz * sizeof *A->i);
    s->cur.n = A->n;
    s->cur.nnz = A->nnz;
    return PLN_OK;
done:
    pcg_free(s);
    s->pcg_active = false;
    return st;
}

/* The kept factor now matches the current values. */
static void pcg_fresh(pln_solver *s)
{
    memcpy(s->fact_x, s->cur.x, (size_t)s->cur.nnz * sizeof *s->fact_x);
    s->stale = false;
    s->periods = 0;
    s->total_work = s->w_factor;
    s->last_work = 0.0;
    s->last_iter = 0;
}

/* Whether pln_solver_factor must compute a new factor under a PCG route (cur.x holds the
 * new values). An entry that moved by more than half its size (or changed sign) since the
 * factorization always renews it: the preconditioned spectrum could then be wide, and a
 * matrix made singular must be reported by the factorization.
 *
 * The decision reads only what the last solve before this call left (last_iter, last_work)
 * and what factor calls left (periods, total_work, fact_x): a learning step's last solve
 * comes right before its factor call, so evaluations between steps (log rows, predictions)
 * never change the outcome, and pln_solver_state_save carries the rest. */
static bool pcg_must_refactor(pln_solver *s, bool *differs)
{
    const double *restrict x = s->cur.x, *restrict f = s->fact_x;
    int far = 0, diff = 0;
    for (pln_idx k = 0; k < s->cur.nnz; k++) {
        const double d = fabs(x[k] - f[k]);
        diff |= d != 0.0;
        far |= !(d <= 0.5 * fabs(f[k]));
    }
    *differs = diff;
    if (far) {
        return true;
    }
    /* Close the period that ends with this call: its cost is the last solve's. */
    const double last = s->last_work;
    s->total_work += last;
    s->periods++;
    s->last_work = 0.0;
    const int iter = s->last_iter;
    s->last_iter = 0;
    if (iter > s->opts.pcg_max_iter) {
        return true; /* the last solve fell back */
    }
    if (s->opts.refactor == PLN_REFACTOR_PCG) {
        return iter > s->opts.pcg_refactor_iter;
    }
    /* AUTO: renew when the period just ended cost more than the mean period since the last
     * factorization, the factorization included (the optimal restart of a growing cost). */
    return last * (double)s->periods > s->total_work;
}

/* ------------------------------------------------------------------ PCG route: checkpoints
 * Layout (native byte order): magic "PLNSLV01", nnz, flags (1: a kept factor, 2: stale),
 * periods (int64), total_work (double), the kept factor's values fact_x[nnz]. */

static const char slv_magic[8] = {'P', 'L', 'N', 'S', 'L', 'V', '0', '1'};

size_t pln_solver_state_size(const pln_solver *s)
{
    if (!s->analyzed || !s->pcg_active || s->n == 0) {
        return 0;
    }
    return 8 + 4 * 8 + (size_t)s->nnz * 8;
}

pln_status pln_solver_state_save(const pln_solver *s, void *buf, size_t size)
{
    const size_t need = pln_solver_state_size(s);
    if (size < need) {
        PLN_FAIL(s->ctx, PLN_EDIM, "solver state buffer of %zu bytes, need %zu", size, need);
    }
    if (need == 0) {
        return PLN_OK;
    }
    unsigned char *p = buf;
    int64_t hdr[3] = {(int64_t)s->nnz, (s->factored ? 1 : 0) | (s->stale ? 2 : 0),
                      (int64_t)s->periods};
    memcpy(p, slv_magic, 8);
    memcpy(p + 8, hdr, sizeof hdr);
    memcpy(p + 32, &s->total_work, 8);
    memcpy(p + 40, s->fact_x, (size_t)s->nnz * 8);
    return PLN_OK;
}

pln_status pln_solver_state_load(pln_solver *s, const void *buf, size_t size)
{
    const size_t need = pln_solver_state_size(s);
    if (size != need) {
        PLN_FAIL(s->ctx, PLN_EDIM, "solver state of %zu bytes, expected %zu (another matrix or "
                 "refactor mode?)", size, need);
    }
    if (need == 0) {
        return PLN_OK;
    }
    const unsigned char *p = buf;
    int64_t hdr[3];
    double total = 0.0;
    memcpy(hdr, p + 8, sizeof hdr);
    memcpy(&total, p + 32, 8);
    if (memcmp(p, slv_magic, 8) != 0 || hdr[0] != (int64_t)s->nnz || hdr[1] < 0 || hdr[1] > 3 ||
        hdr[2] < 0 || !(total >= 0.0)) {
        PLN_FAIL(s->ctx, PLN_EINVAL, "not a solver state of this matrix (bad magic or header)");
    }
    if ((hdr[1] & 1) == 0) {
        /* Saved without a factor: the next pln_solver_factor computes one. */
        s->factored = false;
        return PLN_OK;
    }
    if (!s->factored) {
        PLN_FAIL(s->ctx, PLN_EINVAL, "restoring a solver state needs the current values: call "
                 "pln_solver_factor first");
    }
    memcpy(s->fact_x, p + 40, (size_t)s->nnz * 8);
    for (pln_idx k = 0; k < s->nnz; k++) {
        if (!isfinite(s->fact_x[k])) {
            PLN_FAIL(s->ctx, PLN_EINVAL, "solver state: kept value %" PRId64 " is not finite",
                     (int64_t)k);
        }
    }
    s->factored = false;
    s->failed_column = -1;
    pln_csc kept = s->cur;
    kept.x = s->fact_x;
    double t0 = now_seconds();
    pln_status st = s->type->factor(s, &kept);
    s->stats.t_factor += now_seconds() - t0;
    PLN_TRY(st);
    s->stats.n_numeric++;
    s->factored = true;
    s->stale = (hdr[1] & 2) != 0;
    s->periods = (long)hdr[2];
    s->total_work = total;
    s->last_work = 0.0;
    s->last_iter = 0;
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
    pcg_free(s);
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
        PLN_TRY(pcg_prepare(s, A));
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
    const bool pcg = s->pcg_active && A->n > 0;
    double t0 = now_seconds();
    if (pcg && s->factored) {
        memcpy(s->cur.x, A->x, (size_t)A->nnz * sizeof *A->x);
        bool differs = false;
        if (!pcg_must_refactor(s, &differs)) {
            s->stale = s->stale || differs;
            s->stats.t_factor += now_seconds() - t0;
            s->stats.n_factor++;
            return PLN_OK;
        }
    }
    s->factored = false;
    s->failed_column = -1;
    if (A->n > 0) {
        pln_status st = s->type->factor(s, A);
        s->stats.t_factor += now_seconds() - t0;
        s->stats.n_factor++;
        PLN_TRY(st);
        s->stats.n_numeric++;
        if (pcg) {
            if (A->x != s->cur.x) {
                memcpy(s->cur.x, A->x, (size_t)A->nnz * sizeof *A->x);
            }
            pcg_fresh(s);
        }
    } else {
        s->stats.n_factor++;
    }
    s->factored = true;
    return PLN_OK;
}

/* ------------------------------------------------------------------ PCG route: solve */

/* Q = A P for the columns c with active[c] != 0 (n x nrhs each), one pass over A. */
static void sym_matvec_cols(const pln_csc *A, pln_idx nrhs, const double *active,
                            const double *restrict P, double *restrict Q)
{
    const pln_idx n = A->n, *Ap = A->p, *Ai = A->i;
    const double *Ax = A->x;
    for (pln_idx c = 0; c < nrhs; c++) {
        if (active[c] != 0.0) {
            memset(Q + c * n, 0, (size_t)n * sizeof *Q);
        }
    }
    for (pln_idx j = 0; j < n; j++) {
        for (pln_idx c = 0; c < nrhs; c++) {
            if (active[c] == 0.0) {
                continue;
            }
            const double *p = P + c * n;
            double *q = Q + c * n;
            const double pj = p[j];
            double sum = Ax[Ap[j]] * pj;
            for (pln_idx k = Ap[j] + 1; k < Ap[j + 1]; k++) {
                const pln_idx i = Ai[k];
                q[i] += Ax[k] * pj;
                sum += Ax[k] * p[i];
            }
            q[j] += sum;
        }
    }
}

static double dot(const double *restrict a, const double *restrict b, pln_idx n)
{
    double s = 0.0;
    for (pln_idx k = 0; k < n; k++) {
        s += a[k] * b[k];
    }
    return s;
}

static pln_status pcg_workspace(pln_solver *s, pln_idx nrhs)
{
    if (s->ws_cols >= nrhs) {
        return PLN_OK;
    }
    pln_i_free(s->ws);
    s->ws = NULL;
    s->ws_cols = 0;
    PLN_ALLOC(s->ctx, s->ws, (4 * s->n + 4) * nrhs);
    s->ws_cols = nrhs;
    return PLN_OK;
}

/* PCG did not converge: factorize the current values, solve directly, then factorize the
 * kept values again, so the kept factor (and with it every later result) does not depend on
 * whether this solve was made: an evaluation between two learning steps that a resumed run
 * does not repeat must leave no trace. The solve's work (two factorizations) makes the
 * policy renew the factor at the next pln_solver_factor. */
static pln_status pcg_fallback(pln_solver *s, pln_idx nrhs, const double *B, double *X)
{
    s->stats.n_pcg_fallback++;
    s->factored = false;
    s->failed_column = -1;
    PLN_TRY(s->type->factor(s, &s->cur));
    s->stats.n_numeric++;
    PLN_TRY(s->type->solve(s, nrhs, B, X));
    pln_csc kept = s->cur;
    kept.x = s->fact_x;
    PLN_TRY(s->type->factor(s, &kept));
    s->stats.n_numeric++;
    s->factored = true;
    s->last_work += 2.0 * s->w_factor;
    s->last_iter = (int)s->opts.pcg_max_iter + 1; /* renew at the next factor call */
    return PLN_OK;
}

/* Conjugate gradients on every column in step, preconditioned by the kept factor (one
 * multi-right-hand-side solve per iteration). Stops a column when
 * r' M^{-1} r <= tol^2 x'b, the squared relative error in the energy norm. */
static pln_status pcg_solve(pln_solver *s, pln_idx nrhs, const double *B, double *X)
{
    const pln_idx n = s->n;
    PLN_TRY(pcg_workspace(s, nrhs));
    if (!s->stale) {
        /* The factor is exact for the current values: one direct solve. */
        PLN_TRY(s->type->solve(s, nrhs, B, X));
        s->last_iter = 0;
        s->last_work = (double)nrhs * s->w_iter;
        return PLN_OK;
    }
    double *R = s->ws, *Z = R + n * nrhs, *P = Z + n * nrhs, *Q = P + n * nrhs;
    double *rho = Q + n * nrhs, *active = rho + nrhs;
    const double tol2 = s->opts.pcg_tol * s->opts.pcg_tol;
    /* A cold start, x = 0: the result depends on B, the current values and the kept factor
     * only, never on earlier solves, so a run restored from a checkpoint (which carries the
     * kept factor's values, pln_solver_state_save) repeats a continuous one bit for bit. */
    memset(X, 0, (size_t)(n * nrhs) * sizeof *X);
    memcpy(R, B, (size_t)(n * nrhs) * sizeof *R);
    PLN_TRY(s->type->solve(s, nrhs, R, Z));
    long applications = 1;
    pln_idx n_active = 0;
    for (pln_idx j = 0; j < nrhs; j++) {
        const double *b = B + j * n, *x = X + j * n;
        rho[j] = dot(R + j * n, Z + j * n, n);
        double xb = dot(x, b, n);
        /* A zero start has x'b = 0: compare with b'M^{-1}b, its estimate, instead. */
        double ref = xb > 0.0 ? xb : rho[j];
        active[j] = !(rho[j] <= tol2 * ref);
        n_active += active[j] != 0.0;
        memcpy(P + j * n, Z + j * n, (size_t)n * sizeof *P);
    }
    int iter = 0;
    long col_iters = 0;
    bool broke = false;
    while (n_active > 0 && iter < s->opts.pcg_max_iter && !broke) {
        iter++;
        sym_matvec_cols(&s->cur, nrhs, active, P, Q);
        for (pln_idx j = 0; j < nrhs; j++) {
            if (active[j] == 0.0) {
                continue;
            }
            double *x = X + j * n, *r = R + j * n, *p = P + j * n, *q = Q + j * n;
            double pq = dot(p, q, n);
            if (!(pq > 0.0) || !isfinite(pq)) {
                broke = true; /* not positive definite along p */
                break;
            }
            const double alpha = rho[j] / pq;
            for (pln_idx k = 0; k < n; k++) {
                x[k] += alpha * p[k];
                r[k] -= alpha * q[k];
            }
            col_iters++;
        }
        if (broke) {
            break;
        }
        PLN_TRY(s->type->solve(s, nrhs, R, Z));
        applications++;
        for (pln_idx j = 0; j < nrhs; j++) {
            if (active[j] == 0.0) {
                continue;
            }
            const double *b = B + j * n, *x = X + j * n, *z = Z + j * n;
            double *p = P + j * n;
            const double rho_new = dot(R + j * n, z, n);
            if (rho_new <= tol2 * fabs(dot(x, b, n))) {
                active[j] = 0.0;
                n_active--;
                continue;
            }
            const double beta = rho_new / rho[j];
            rho[j] = rho_new;
            for (pln_idx k = 0; k < n; k++) {
                p[k] = z[k] + beta * p[k];
            }
        }
    }
    s->stats.n_pcg += (long)nrhs;
    s->stats.n_pcg_iter += col_iters;
    s->last_iter = iter;
    s->stats.last_pcg_iter = iter;
    s->last_work = (double)(applications * nrhs) * s->w_iter;
    if (n_active > 0) {
        PLN_TRY(pcg_fallback(s, nrhs, B, X));
    }
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
    pln_status st = s->pcg_active ? pcg_solve(s, nrhs, B, X) : s->type->solve(s, nrhs, B, X);
    s->stats.t_solve += now_seconds() - t0;
    PLN_TRY(st);
    s->stats.n_solve += (long)nrhs;
    return PLN_OK;
}
