/* solver_cholmod.c — the CHOLMOD solver type: analyze once, refactor, solve2 with kept handles. */
#include "solver_impl.h"

#include <cholmod.h>

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

_Static_assert(sizeof(SuiteSparse_long) == sizeof(pln_idx),
               "pln_idx must be as wide as CHOLMOD's SuiteSparse_long: the matrix arrays are "
               "handed to cholmod_l_* without conversion");

/* Workspaces of cholmod_l_solve2 are sized for one nrhs; a few slots let callers alternate
 * between, say, single solves and a batch without reallocating. */
#define RHS_SLOTS 4

typedef struct rhs_slot {
    pln_idx nrhs; /* 0 = unused */
    long last_use;
    cholmod_dense *X, *Y, *E;
    double *Bp; /* the right-hand sides in the factor's ordering, n x nrhs */
} rhs_slot;

/* The factor is computed from PA = A(perm, perm), built in place by a gather through a map
 * fixed at analysis, and CHOLMOD is told the ordering is natural. cholmod_l_factorize would
 * otherwise build permuted (and transposed) copies of A on every call: two or three blocks of
 * O(nnz(A)) allocated, filled and freed per refactorization. PA is stored in the triangle the
 * numeric factorization reads without a copy: lower for supernodal, upper for simplicial. */
typedef struct cholmod_impl {
    cholmod_common c;
    bool started;
    cholmod_factor *L;
    rhs_slot slots[RHS_SLOTS];
    long use_clock;
    SuiteSparse_long *perm; /* factor column k is original column perm[k] */
    SuiteSparse_long *pa_p, *pa_i, *pa_map; /* PA's pattern; PA.x[k] = A.x[pa_map[k]] */
    double *pa_x;
    int pa_stype;
    double *sw;                 /* super_solve's workspace, sized for the factor sw_for */
    const cholmod_factor *sw_for;
} cholmod_impl;

/* Debian's CHOLMOD 3.0.14 opens several OpenMP parallel regions per supernode with
 * num_threads(4) clauses, which OMP_NUM_THREADS does not cap: on 2 cores every region wakes
 * threads through futexes, and a refactorization of a 256^2 lattice took 2.2x longer than
 * with the regions serial (bench/RESULTS.md). The regions are simple scatter and zeroing
 * loops (the dense kernels run in BLAS), so each CHOLMOD call runs with no active parallel
 * level. max-active-levels is a per-task setting (OpenMP 5), so this changes nothing for the
 * caller's own parallel regions. */
typedef struct serial_guard {
    int levels;
} serial_guard;

static serial_guard serial_begin(void)
{
    serial_guard g = {0};
#ifdef _OPENMP
    g.levels = omp_get_max_active_levels();
    omp_set_max_active_levels(0);
#endif
    return g;
}

static void serial_end(serial_guard g)
{
#ifdef _OPENMP
    omp_set_max_active_levels(g.levels);
#else
    (void)g;
#endif
}

/* CHOLMOD's error_handler has no user pointer, so the last message of this thread waits here
 * until the caller copies it into its pln_ctx right after the call. */
static _Thread_local char last_message[512];

static void capture_error(int status, const char *file, int line, const char *message)
{
    snprintf(last_message, sizeof last_message, "%s (CHOLMOD status %d at %s:%d)",
             message != NULL ? message : "?", status, file != NULL ? file : "?", line);
}

/* Turn the status of the CHOLMOD call just made into a pln_status; `what` names the call. */
static pln_status check_status(pln_solver *s, const char *what)
{
    cholmod_impl *m = s->impl;
    int cs = m->c.status;
    if (cs == CHOLMOD_OK || cs == CHOLMOD_DSMALL) {
        return PLN_OK;
    }
    if (cs == CHOLMOD_OUT_OF_MEMORY) {
        PLN_FAIL(s->ctx, PLN_ENOMEM, "%s: out of memory in CHOLMOD", what);
    }
    if (cs < CHOLMOD_OK) {
        PLN_FAIL(s->ctx, PLN_EDEP, "%s failed: %s", what,
                 last_message[0] != '\0' ? last_message : "no message");
    }
    /* Warnings other than NOT_POSDEF (handled by the caller) leave a usable result. */
    return PLN_OK;
}

static pln_status cm_create(pln_solver *s)
{
    cholmod_impl *m = NULL;
    PLN_ALLOC(s->ctx, m, 1);
    s->impl = m;
    last_message[0] = '\0';
    int ok = cholmod_l_start(&m->c);
    if (!ok) {
        PLN_FAIL(s->ctx, PLN_EDEP, "cholmod_l_start failed (status %d)", m->c.status);
    }
    m->started = true;
    /* The library never prints: errors reach the caller through the context. */
    m->c.print = 0;
    m->c.error_handler = capture_error;
    /* A singular matrix is reported, not finished: the rest of the factor is useless. */
    m->c.quick_return_if_not_posdef = 1;
    switch (s->opts.ordering) {
    case PLN_ORDER_AUTO:
        break;
    case PLN_ORDER_AMD:
        m->c.nmethods = 1;
        m->c.method[0].ordering = CHOLMOD_AMD;
        m->c.postorder = 1;
        break;
    case PLN_ORDER_NATURAL:
        m->c.nmethods = 1;
        m->c.method[0].ordering = CHOLMOD_NATURAL;
        /* A postordering would permute the columns after all. */
        m->c.postorder = 0;
        break;
    }
    switch (s->opts.mode) {
    case PLN_FACTOR_AUTO:
        m->c.supernodal = CHOLMOD_AUTO;
        break;
    case PLN_FACTOR_SIMPLICIAL:
        m->c.supernodal = CHOLMOD_SIMPLICIAL;
        break;
    case PLN_FACTOR_SUPERNODAL:
        m->c.supernodal = CHOLMOD_SUPERNODAL;
        break;
    }
    return PLN_OK;
}

static void free_slots(cholmod_impl *m)
{
    for (int k = 0; k < RHS_SLOTS; k++) {
        cholmod_l_free_dense(&m->slots[k].X, &m->c);
        cholmod_l_free_dense(&m->slots[k].Y, &m->c);
        cholmod_l_free_dense(&m->slots[k].E, &m->c);
        pln_i_free(m->slots[k].Bp);
        m->slots[k].Bp = NULL;
        m->slots[k].nrhs = 0;
    }
}

static void free_permuted(cholmod_impl *m)
{
    pln_i_free(m->perm);
    pln_i_free(m->pa_p);
    pln_i_free(m->pa_i);
    pln_i_free(m->pa_map);
    pln_i_free(m->pa_x);
    m->perm = m->pa_p = m->pa_i = m->pa_map = NULL;
    m->pa_x = NULL;
}

static void cm_destroy(pln_solver *s)
{
    cholmod_impl *m = s->impl;
    if (m == NULL) {
        return;
    }
    if (m->started) {
        free_slots(m);
        cholmod_l_free_factor(&m->L, &m->c);
        cholmod_l_finish(&m->c);
    }
    free_permuted(m);
    pln_i_free(m->sw);
    pln_i_free(m);
    s->impl = NULL;
}

/* A stack header over the caller's arrays: nothing is copied and CHOLMOD never frees it.
 * CHOLMOD reads A but its prototypes are not const-qualified. */
static cholmod_sparse wrap(const pln_csc *A)
{
    cholmod_sparse h;
    memset(&h, 0, sizeof h);
    h.nrow = (size_t)A->n;
    h.ncol = (size_t)A->n;
    h.nzmax = (size_t)A->nnz;
    h.p = (void *)A->p;
    h.i = (void *)A->i;
    h.x = (void *)A->x;
    h.stype = -1;
    h.itype = CHOLMOD_LONG;
    h.xtype = A->x != NULL ? CHOLMOD_REAL : CHOLMOD_PATTERN;
    h.dtype = CHOLMOD_DOUBLE;
    h.sorted = 1;
    h.packed = 1;
    return h;
}

/* PA = A(perm, perm) in the triangle the numeric factorization reads as it is, with the map
 * from its entries to A's; then the factor's own ordering becomes the identity. */
static pln_status build_permuted(pln_solver *s, const pln_csc *A)
{
    cholmod_impl *m = s->impl;
    cholmod_factor *L = m->L;
    const pln_idx n = A->n, nnz = A->nnz;
    pln_status st = PLN_OK;
    SuiteSparse_long *iperm = NULL, *cnt = NULL, *row_of = NULL, *col_of = NULL, *src = NULL;
    m->pa_stype = L->is_super ? -1 : 1;
    PLN_ALLOC_GOTO(s->ctx, st, m->perm, n);
    PLN_ALLOC_GOTO(s->ctx, st, iperm, n);
    PLN_ALLOC_GOTO(s->ctx, st, cnt, n + 1);
    PLN_ALLOC_GOTO(s->ctx, st, m->pa_p, n + 1);
    PLN_ALLOC_GOTO(s->ctx, st, m->pa_i, nnz);
    PLN_ALLOC_GOTO(s->ctx, st, m->pa_map, nnz);
    PLN_ALLOC_GOTO(s->ctx, st, m->pa_x, nnz);
    const SuiteSparse_long *Perm = L->Perm;
    for (pln_idx k = 0; k < n; k++) {
        m->perm[k] = Perm != NULL ? Perm[k] : k;
        iperm[m->perm[k]] = k;
    }
    /* Two counting sorts (by row, then stably by column) leave each column's rows sorted. */
    SuiteSparse_long *tmp_i = m->pa_i, *tmp_map = m->pa_map;
    PLN_ALLOC_GOTO(s->ctx, st, row_of, nnz);
    PLN_ALLOC_GOTO(s->ctx, st, col_of, nnz);
    PLN_ALLOC_GOTO(s->ctx, st, src, nnz);
    for (pln_idx j = 0; j < n; j++) {
        for (pln_idx k = A->p[j]; k < A->p[j + 1]; k++) {
            SuiteSparse_long a = iperm[A->i[k]], b = iperm[j];
            SuiteSparse_long lo = a < b ? a : b, hi = a < b ? b : a;
            /* lower: row >= column; upper: row <= column */
            row_of[k] = m->pa_stype < 0 ? hi : lo;
            col_of[k] = m->pa_stype < 0 ? lo : hi;
        }
    }
    memset(cnt, 0, (size_t)(n + 1) * sizeof *cnt);
    for (pln_idx k = 0; k < nnz; k++) {
        cnt[row_of[k] + 1]++;
    }
    for (pln_idx r = 0; r < n; r++) {
        cnt[r + 1] += cnt[r];
    }
    for (pln_idx k = 0; k < nnz; k++) {
        src[cnt[row_of[k]]++] = k; /* entries ordered by row */
    }
    memset(m->pa_p, 0, (size_t)(n + 1) * sizeof *m->pa_p);
    for (pln_idx k = 0; k < nnz; k++) {
        m->pa_p[col_of[k] + 1]++;
    }
    for (pln_idx c = 0; c < n; c++) {
        m->pa_p[c + 1] += m->pa_p[c];
    }
    memcpy(cnt, m->pa_p, (size_t)n * sizeof *cnt);
    for (pln_idx q = 0; q < nnz; q++) {
        SuiteSparse_long k = src[q];
        SuiteSparse_long dst = cnt[col_of[k]]++;
        tmp_i[dst] = row_of[k];
        tmp_map[dst] = k;
    }
    for (pln_idx k = 0; k < n; k++) {
        L->Perm != NULL ? (void)(((SuiteSparse_long *)L->Perm)[k] = k) : (void)0;
    }
    L->ordering = CHOLMOD_NATURAL;
done:
    pln_i_free(iperm);
    pln_i_free(cnt);
    pln_i_free(row_of);
    pln_i_free(col_of);
    pln_i_free(src);
    if (st != PLN_OK) {
        free_permuted(m);
        cholmod_l_free_factor(&m->L, &m->c);
    }
    return st;
}

static pln_status cm_analyze(pln_solver *s, const pln_csc *A)
{
    cholmod_impl *m = s->impl;
    /* The old factor and workspaces belong to the old pattern. */
    free_slots(m);
    free_permuted(m);
    cholmod_l_free_factor(&m->L, &m->c);
    cholmod_sparse h = wrap(A);
    h.xtype = CHOLMOD_PATTERN;
    last_message[0] = '\0';
    serial_guard g = serial_begin();
    cholmod_factor *L = cholmod_l_analyze(&h, &m->c);
    serial_end(g);
    pln_status st = check_status(s, "cholmod_l_analyze");
    if (st == PLN_OK && L == NULL) {
        st = PLN_ERR(s->ctx, PLN_EDEP, "cholmod_l_analyze returned no factor (status %d)",
                     m->c.status);
    }
    if (st != PLN_OK) {
        cholmod_l_free_factor(&L, &m->c);
        return st;
    }
    m->L = L;
    s->supernodal = L->is_super;
    pln_i_free(m->sw); /* sized for the old factor's supernodes */
    m->sw = NULL;
    m->sw_for = NULL;
    s->stats.nnz_factor = m->c.lnz;
    s->stats.flops = m->c.fl;
    return build_permuted(s, A);
}

/* CHOLMOD stops only at d <= 0 (LL') or d == 0 (LDL'); a singular block usually leaves a
 * tiny pivot of either sign instead, so every pivot (L_kk^2 for LL', D_kk for LDL') is
 * compared with its column's diagonal in A. Returns the first bad permuted column, or n. */
static size_t first_bad_pivot(const cholmod_factor *L, const SuiteSparse_long *perm,
                              const pln_csc *A, double tol)
{
    const double *Lx = L->x;
    size_t n = L->n;
    if (L->is_super) {
        const SuiteSparse_long *super = L->super, *pi = L->pi, *px = L->px;
        for (size_t sn = 0; sn < L->nsuper; sn++) {
            SuiteSparse_long nsrow = pi[sn + 1] - pi[sn];
            for (SuiteSparse_long k = super[sn]; k < super[sn + 1]; k++) {
                SuiteSparse_long off = k - super[sn];
                double l = Lx[px[sn] + off * nsrow + off];
                pln_idx j = perm != NULL ? perm[k] : k;
                if (pln_i_pivot_bad(l * l, pln_i_csc_diag(A, j), tol)) {
                    return (size_t)k;
                }
            }
        }
        return n;
    }
    const SuiteSparse_long *Lp = L->p;
    for (size_t k = 0; k < n; k++) {
        double d = Lx[Lp[k]];
        d = L->is_ll ? d * d : d;
        pln_idx j = perm != NULL ? perm[k] : (pln_idx)k;
        if (pln_i_pivot_bad(d, pln_i_csc_diag(A, j), tol)) {
            return k;
        }
    }
    return n;
}

static pln_status cm_factor(pln_solver *s, const pln_csc *A)
{
    cholmod_impl *m = s->impl;
    /* Gather A's values into PA's order: one pass, no allocation. */
    const SuiteSparse_long *map = m->pa_map;
    const double *restrict ax = A->x;
    double *restrict px = m->pa_x;
    for (pln_idx k = 0; k < A->nnz; k++) {
        px[k] = ax[map[k]];
    }
    cholmod_sparse h;
    memset(&h, 0, sizeof h);
    h.nrow = h.ncol = (size_t)A->n;
    h.nzmax = (size_t)A->nnz;
    h.p = m->pa_p;
    h.i = m->pa_i;
    h.x = m->pa_x;
    h.stype = m->pa_stype;
    h.itype = CHOLMOD_LONG;
    h.xtype = CHOLMOD_REAL;
    h.dtype = CHOLMOD_DOUBLE;
    h.sorted = 1;
    h.packed = 1;
    last_message[0] = '\0';
    serial_guard g = serial_begin();
    cholmod_l_factorize(&h, m->L, &m->c);
    serial_end(g);
    int cs = m->c.status;
    size_t bad = m->L->n;
    if (cs == CHOLMOD_NOT_POSDEF) {
        bad = m->L->minor;
    } else {
        PLN_TRY(check_status(s, "cholmod_l_factorize"));
        bad = first_bad_pivot(m->L, m->perm, A, s->opts.pivot_tol);
    }
    if (bad < m->L->n) {
        pln_idx col = m->perm[bad];
        s->failed_column = col;
        PLN_FAIL(s->ctx, PLN_ESINGULAR, "matrix is not positive definite: the factorization "
                 "broke down at column %" PRId64 " (diagonal %g; a floating node or component?)",
                 col, pln_i_csc_diag(A, col));
    }
    return PLN_OK;
}

static rhs_slot *slot_for(cholmod_impl *m, pln_idx nrhs)
{
    rhs_slot *victim = &m->slots[0];
    for (int k = 0; k < RHS_SLOTS; k++) {
        rhs_slot *sl = &m->slots[k];
        if (sl->nrhs == nrhs) {
            return sl;
        }
        if (sl->nrhs == 0 || (victim->nrhs != 0 && sl->last_use < victim->last_use)) {
            victim = sl;
        }
    }
    /* solve2 resizes the victim's X, Y and E (free + allocate) on its first use. */
    pln_i_free(victim->Bp);
    victim->Bp = NULL;
    victim->nrhs = nrhs;
    return victim;
}

/* Right-hand sides up to which a supernodal factor is applied by the loops below rather than
 * by cholmod_l_solve2: with few columns its BLAS calls (dtrsm, dgemm on blocks a few columns
 * wide) spend most of their time copying and packing, and a PCG iteration is one such solve
 * (perf: 60% of a PCG step of a 128^2 lattice in OpenBLAS copy and small kernels). */
#define SMALL_RHS 8

/* X = (L L')^{-1} X for a supernodal L L' factor of PA (X in the factor's numbering,
 * n x nrhs column-major, nrhs <= SMALL_RHS), every column in step: each supernode's rows are
 * gathered into W (nsrow x nrhs, row-major), its dense block applied in one pass, and the
 * rows scattered back. W holds max nsrow x SMALL_RHS doubles. Deterministic (plain loops in
 * a fixed order). */
static void super_solve(const cholmod_factor *L, pln_idx nrhs, double *restrict X, pln_idx n,
                        double *restrict W)
{
    const SuiteSparse_long *Super = L->super, *Lpi = L->pi, *Lpx = L->px, *Ls = L->s;
    const double *Lx = L->x;
    const SuiteSparse_long nsuper = (SuiteSparse_long)L->nsuper;
    const pln_idx r = nrhs;
    for (SuiteSparse_long k = 0; k < nsuper; k++) {
        const SuiteSparse_long k1 = Super[k], nscol = Super[k + 1] - k1;
        const SuiteSparse_long nsrow = Lpi[k + 1] - Lpi[k];
        const SuiteSparse_long *rows = Ls + Lpi[k];
        const double *blk = Lx + Lpx[k];
        for (SuiteSparse_long ii = 0; ii < nsrow; ii++) {
            for (pln_idx c = 0; c < r; c++) {
                W[ii * r + c] = X[c * n + rows[ii]];
            }
        }
        for (SuiteSparse_long jj = 0; jj < nscol; jj++) {
            const double *col = blk + jj * nsrow;
            double *wj = W + jj * r;
            for (pln_idx c = 0; c < r; c++) {
                wj[c] /= col[jj];
            }
            for (SuiteSparse_long ii = jj + 1; ii < nsrow; ii++) {
                double *wi = W + ii * r;
                const double l = col[ii];
                for (pln_idx c = 0; c < r; c++) {
                    wi[c] -= l * wj[c];
                }
            }
        }
        for (SuiteSparse_long ii = 0; ii < nsrow; ii++) {
            for (pln_idx c = 0; c < r; c++) {
                X[c * n + rows[ii]] = W[ii * r + c];
            }
        }
    }
    for (SuiteSparse_long k = nsuper; k-- > 0;) {
        const SuiteSparse_long k1 = Super[k], nscol = Super[k + 1] - k1;
        const SuiteSparse_long nsrow = Lpi[k + 1] - Lpi[k];
        const SuiteSparse_long *rows = Ls + Lpi[k];
        const double *blk = Lx + Lpx[k];
        for (SuiteSparse_long ii = 0; ii < nsrow; ii++) {
            for (pln_idx c = 0; c < r; c++) {
                W[ii * r + c] = X[c * n + rows[ii]];
            }
        }
        for (SuiteSparse_long jj = nscol; jj-- > 0;) {
            const double *col = blk + jj * nsrow;
            double sum[SMALL_RHS];
            for (pln_idx c = 0; c < r; c++) {
                sum[c] = W[jj * r + c];
            }
            for (SuiteSparse_long ii = jj + 1; ii < nsrow; ii++) {
                const double *wi = W + ii * r;
                const double l = col[ii];
                for (pln_idx c = 0; c < r; c++) {
                    sum[c] -= l * wi[c];
                }
            }
            for (pln_idx c = 0; c < r; c++) {
                W[jj * r + c] = sum[c] / col[jj];
            }
        }
        for (SuiteSparse_long jj = 0; jj < nscol; jj++) {
            for (pln_idx c = 0; c < r; c++) {
                X[c * n + k1 + jj] = W[jj * r + c];
            }
        }
    }
}

/* The workspace of super_solve: the largest supernode's rows times SMALL_RHS. */
static double *super_workspace(cholmod_impl *m)
{
    if (m->sw == NULL) {
        pln_i_free(m->sw);
        SuiteSparse_long most = 1;
        for (size_t k = 0; k < m->L->nsuper; k++) {
            const SuiteSparse_long *Lpi = m->L->pi;
            most = Lpi[k + 1] - Lpi[k] > most ? Lpi[k + 1] - Lpi[k] : most;
        }
        m->sw = pln_i_malloc((size_t)most * SMALL_RHS * sizeof(double));
        m->sw_for = m->sw != NULL ? m->L : NULL;
    }
    return m->sw;
}

static pln_status cm_solve(pln_solver *s, pln_idx nrhs, const double *B, double *X)
{
    cholmod_impl *m = s->impl;
    rhs_slot *sl = slot_for(m, nrhs);
    sl->last_use = ++m->use_clock;
    const pln_idx n = s->n;
    if (sl->Bp == NULL) {
        sl->Bp = pln_i_malloc((size_t)(n * nrhs) * sizeof *sl->Bp);
        if (sl->Bp == NULL) {
            sl->nrhs = 0;
            PLN_FAIL(s->ctx, PLN_ENOMEM, "out of memory (%" PRId64 " right-hand sides)", nrhs);
        }
    }
    const SuiteSparse_long *perm = m->perm;
    for (pln_idx j = 0; j < nrhs; j++) {
        const double *restrict bj = B + j * n;
        double *restrict pj = sl->Bp + j * n;
        for (pln_idx k = 0; k < n; k++) {
            pj[k] = bj[perm[k]];
        }
    }

    double *W = NULL;
    if (m->L->is_super && m->L->is_ll && m->L->xtype == CHOLMOD_REAL && nrhs <= SMALL_RHS &&
        (W = super_workspace(m)) != NULL) {
        super_solve(m->L, nrhs, sl->Bp, n, W);
        for (pln_idx j = 0; j < nrhs; j++) {
            const double *restrict xj = sl->Bp + j * n;
            double *restrict out = X + j * n;
            for (pln_idx k = 0; k < n; k++) {
                out[perm[k]] = xj[k];
            }
        }
        return PLN_OK;
    }

    cholmod_dense b;
    memset(&b, 0, sizeof b);
    b.nrow = (size_t)s->n;
    b.ncol = (size_t)nrhs;
    b.nzmax = (size_t)(s->n * nrhs);
    b.d = (size_t)s->n;
    b.x = sl->Bp;
    b.xtype = CHOLMOD_REAL;
    b.dtype = CHOLMOD_DOUBLE;

    /* The simplicial solve works on blocks of max(4, nrhs) transposed columns and leaves Y
     * shaped for its last block, which the next call's size check would take for a wrong
     * size and reallocate. Restoring the shape it asks for (the storage is big enough)
     * keeps warm solves free of allocations. */
    cholmod_dense *Y = sl->Y;
    size_t nr = nrhs > 4 ? (size_t)nrhs : 4;
    if (Y != NULL && !m->L->is_super && Y->nzmax >= nr * (size_t)s->n) {
        Y->nrow = nr;
        Y->ncol = (size_t)s->n;
        Y->d = nr;
    }

    last_message[0] = '\0';
    serial_guard g = serial_begin();
    int ok = cholmod_l_solve2(CHOLMOD_A, m->L, &b, NULL, &sl->X, NULL, &sl->Y, &sl->E, &m->c);
    serial_end(g);
    pln_status st = check_status(s, "cholmod_l_solve2");
    if (st == PLN_OK && (!ok || sl->X == NULL)) {
        st = PLN_ERR(s->ctx, PLN_EDEP, "cholmod_l_solve2 failed (status %d)", m->c.status);
    }
    if (st != PLN_OK) {
        /* Half-resized workspaces are not worth keeping. */
        cholmod_l_free_dense(&sl->X, &m->c);
        cholmod_l_free_dense(&sl->Y, &m->c);
        cholmod_l_free_dense(&sl->E, &m->c);
        pln_i_free(sl->Bp);
        sl->Bp = NULL;
        sl->nrhs = 0;
        return st;
    }
    /* X is CHOLMOD's own (solve2 may resize it), so the answer is copied out, back in the
     * original numbering. */
    const double *xs = sl->X->x;
    for (pln_idx j = 0; j < nrhs; j++) {
        const double *restrict xj = xs + j * n;
        double *restrict out = X + j * n;
        for (pln_idx k = 0; k < n; k++) {
            out[perm[k]] = xj[k];
        }
    }
    return PLN_OK;
}

static size_t dense_bytes(const cholmod_dense *D)
{
    return D != NULL ? D->nzmax * sizeof(double) : 0;
}

static size_t cm_factor_bytes(const pln_solver *s)
{
    const cholmod_impl *m = s->impl;
    const cholmod_factor *L = m->L;
    if (L == NULL) {
        return 0;
    }
    size_t w = sizeof(SuiteSparse_long);
    /* Perm and ColCount always; IPerm when solve2 built it. */
    size_t bytes = 2 * L->n * w + (L->IPerm != NULL ? L->n * w : 0);
    if (L->is_super) {
        bytes += 3 * (L->nsuper + 1) * w + L->ssize * w;
        bytes += L->xtype != CHOLMOD_PATTERN ? L->xsize * sizeof(double) : 0;
    } else if (L->xtype != CHOLMOD_PATTERN) {
        /* p, nz, next, prev and the entries */
        bytes += (4 * L->n + 5) * w + L->nzmax * (w + sizeof(double));
    }
    for (int k = 0; k < RHS_SLOTS; k++) {
        bytes += dense_bytes(m->slots[k].X) + dense_bytes(m->slots[k].Y) +
                 dense_bytes(m->slots[k].E);
        bytes += m->slots[k].Bp != NULL ? (size_t)(s->n * m->slots[k].nrhs) * sizeof(double) : 0;
    }
    /* PA and its map, the ordering */
    bytes += L->n * w + (L->n + 1) * w + (size_t)s->nnz * (2 * w + sizeof(double));
    return bytes;
}

static const pln_solver_type cholmod_type = {
    .name = "cholmod",
    .create = cm_create,
    .destroy = cm_destroy,
    .analyze = cm_analyze,
    .factor = cm_factor,
    .solve = cm_solve,
    .factor_bytes = cm_factor_bytes,
};

const pln_solver_type *const pln_solver_cholmod = &cholmod_type;

/* The same solver with the PCG route forced on (PLN_REFACTOR_PCG unless AUTO was asked):
 * a type of its own so that the conformance suite runs every promise through it. */
static pln_status pcg_create(pln_solver *s)
{
    if (s->opts.refactor == PLN_REFACTOR_ALWAYS) {
        pln_solver_options d;
        pln_solver_options_default(&d);
        s->opts.refactor = PLN_REFACTOR_PCG;
        s->opts.pcg_tol = d.pcg_tol;
        s->opts.pcg_max_iter = d.pcg_max_iter;
        s->opts.pcg_refactor_iter = d.pcg_refactor_iter;
    }
    return cm_create(s);
}

static const pln_solver_type pcg_type = {
    .name = "pcg",
    .create = pcg_create,
    .destroy = cm_destroy,
    .analyze = cm_analyze,
    .factor = cm_factor,
    .solve = cm_solve,
    .factor_bytes = cm_factor_bytes,
};

const pln_solver_type *const pln_solver_pcg = &pcg_type;
