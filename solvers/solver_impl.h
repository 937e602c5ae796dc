/* solver_impl.h — the solver object's layout and the operations table each solver type fills. */
#ifndef PLN_SOLVER_IMPL_H
#define PLN_SOLVER_IMPL_H

#include "pln_internal.h"
#include "pln_solver.h"

#include <stdint.h>

/* The generic layer (solver.c) validates every argument, keeps the counters and timings and
 * the analyzed/factored state, so a type's ops see only well-formed calls: A is a valid lower
 * CSC matrix of order s->n >= 1 with the analyzed pattern, nrhs >= 1, B and X do not overlap.
 * Each op raises its own errors through s->ctx. */
struct pln_solver_type {
    const char *name;
    /* Allocate s->impl; s->opts is already filled. */
    pln_status (*create)(pln_solver *s);
    /* Free s->impl (which may be NULL when create failed half-way). */
    void (*destroy)(pln_solver *s);
    /* Symbolic analysis; may replace an earlier one. Sets s->stats.nnz_factor and .flops. */
    pln_status (*analyze)(pln_solver *s, const pln_csc *A);
    /* Numeric factorization; on PLN_ESINGULAR sets s->failed_column (original numbering). */
    pln_status (*factor)(pln_solver *s, const pln_csc *A);
    /* Solve A X = B with the last successful factorization. */
    pln_status (*solve)(pln_solver *s, pln_idx nrhs, const double *B, double *X);
    /* Bytes held by the factor and its workspaces. */
    size_t (*factor_bytes)(const pln_solver *s);
};

struct pln_solver {
    const pln_solver_type *type;
    pln_ctx *ctx;
    pln_solver_options opts;
    pln_solver_stats stats;
    /* Pattern of the last analysis: order, entries, the arrays seen (a cheap identity test)
     * and a fingerprint of their contents (for matrices rebuilt in new arrays). */
    pln_idx n, nnz;
    const pln_idx *pattern_p, *pattern_i;
    uint64_t pattern_hash;
    bool analyzed, factored;
    bool supernodal;   /* the type's factor is supernodal (set by analyze; cost model) */
    pln_idx failed_column;
    void *impl;
    /* PCG route (opts.refactor != PLN_REFACTOR_ALWAYS), solver.c: A's pattern (own copies)
     * and current values, the values the kept factor was computed from, and workspaces. */
    pln_csc cur;
    double *fact_x;
    bool stale;        /* cur.x differs from fact_x: solves run PCG */
    bool pcg_active;   /* PCG, or AUTO where a factorization costs 8 PCG iterations or more */
    double w_factor;   /* work units of one factorization, one PCG iteration per column */
    double w_iter;
    long periods;      /* pln_solver_factor calls since the last numeric factorization */
    double total_work; /* work since then, the factorization included */
    double last_work;  /* work of the last solve call (closes the period at the next factor) */
    int last_iter;     /* iterations of the last PCG solve (max over columns) */
    pln_idx ws_cols;   /* columns of the workspaces below */
    double *ws;        /* r, z, p, q: 4 n ws_cols, then 4 ws_cols scalars */
};

/* Diagonal entry of column j of a validated matrix (the first stored entry of the column). */
static inline double pln_i_csc_diag(const pln_csc *A, pln_idx j) { return A->x[A->p[j]]; }

/* A pivot d of column j counts as breakdown when d <= tol * |A_jj| (or is not a number): an
 * exactly singular Laplacian block leaves a rounding-sized pivot that may be either sign. */
static inline bool pln_i_pivot_bad(double d, double a_jj, double tol)
{
    return !(d > tol * (a_jj < 0 ? -a_jj : a_jj)) || !(d > 0.0);
}

#endif
