/* solver_cholmod.c — the CHOLMOD solver type: analyze once, refactor, solve2 with kept handles. */
#include "solver_impl.h"

#include <cholmod.h>

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

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
} rhs_slot;

typedef struct cholmod_impl {
    cholmod_common c;
    bool started;
    cholmod_factor *L;
    rhs_slot slots[RHS_SLOTS];
    long use_clock;
} cholmod_impl;

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
        m->slots[k].nrhs = 0;
    }
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

static pln_status cm_analyze(pln_solver *s, const pln_csc *A)
{
    cholmod_impl *m = s->impl;
    /* The old factor and workspaces belong to the old pattern. */
    free_slots(m);
    cholmod_l_free_factor(&m->L, &m->c);
    cholmod_sparse h = wrap(A);
    h.xtype = CHOLMOD_PATTERN;
    last_message[0] = '\0';
    cholmod_factor *L = cholmod_l_analyze(&h, &m->c);
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
    s->stats.nnz_factor = m->c.lnz;
    s->stats.flops = m->c.fl;
    return PLN_OK;
}

/* CHOLMOD stops only at d <= 0 (LL') or d == 0 (LDL'); a singular block usually leaves a
 * tiny pivot of either sign instead, so every pivot (L_kk^2 for LL', D_kk for LDL') is
 * compared with its column's diagonal in A. Returns the first bad permuted column, or n. */
static size_t first_bad_pivot(const cholmod_factor *L, const pln_csc *A, double tol)
{
    const SuiteSparse_long *perm = L->Perm;
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
    cholmod_sparse h = wrap(A);
    last_message[0] = '\0';
    cholmod_l_factorize(&h, m->L, &m->c);
    int cs = m->c.status;
    size_t bad = m->L->n;
    if (cs == CHOLMOD_NOT_POSDEF) {
        bad = m->L->minor;
    } else {
        PLN_TRY(check_status(s, "cholmod_l_factorize"));
        bad = first_bad_pivot(m->L, A, s->opts.pivot_tol);
    }
    if (bad < m->L->n) {
        const SuiteSparse_long *perm = m->L->Perm;
        pln_idx col = perm != NULL ? perm[bad] : (pln_idx)bad;
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
    victim->nrhs = nrhs;
    return victim;
}

static pln_status cm_solve(pln_solver *s, pln_idx nrhs, const double *B, double *X)
{
    cholmod_impl *m = s->impl;
    rhs_slot *sl = slot_for(m, nrhs);
    sl->last_use = ++m->use_clock;

    cholmod_dense b;
    memset(&b, 0, sizeof b);
    b.nrow = (size_t)s->n;
    b.ncol = (size_t)nrhs;
    b.nzmax = (size_t)(s->n * nrhs);
    b.d = (size_t)s->n;
    b.x = (void *)B;
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
    int ok = cholmod_l_solve2(CHOLMOD_A, m->L, &b, NULL, &sl->X, NULL, &sl->Y, &sl->E, &m->c);
    pln_status st = check_status(s, "cholmod_l_solve2");
    if (st == PLN_OK && (!ok || sl->X == NULL)) {
        st = PLN_ERR(s->ctx, PLN_EDEP, "cholmod_l_solve2 failed (status %d)", m->c.status);
    }
    if (st != PLN_OK) {
        /* Half-resized workspaces are not worth keeping. */
        cholmod_l_free_dense(&sl->X, &m->c);
        cholmod_l_free_dense(&sl->Y, &m->c);
        cholmod_l_free_dense(&sl->E, &m->c);
        sl->nrhs = 0;
        return st;
    }
    /* X is CHOLMOD's own (solve2 may resize it), so the answer is copied out. */
    memcpy(X, sl->X->x, (size_t)(s->n * nrhs) * sizeof *X);
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
    }
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
