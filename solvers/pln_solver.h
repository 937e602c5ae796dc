/* pln_solver.h — sparse symmetric positive-definite solvers behind one small interface: analyze once per pattern, factor per change of values, solve many right-hand sides. */
#ifndef PLN_SOLVER_H
#define PLN_SOLVER_H

#include "pln_common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A solver type (an operations table, as GSL's gsl_splinalg_itersolve_type). */
typedef struct pln_solver_type pln_solver_type;
/** CHOLMOD sparse Cholesky (cholmod_l_*): the default. */
extern PLN_API const pln_solver_type *const pln_solver_cholmod;
/** Dense Cholesky reference (O(n^3)): an independent oracle for tests, n up to a few thousand. */
extern PLN_API const pln_solver_type *const pln_solver_dense_ref;
/** CHOLMOD with the PCG route on (PLN_REFACTOR_PCG with the default PCG settings, unless
 *  the options ask for PLN_REFACTOR_AUTO): see pln_refactor. */
extern PLN_API const pln_solver_type *const pln_solver_pcg;
/** @brief Name of a solver type ("cholmod", "dense_ref", "pcg"). */
PLN_API const char *pln_solver_type_name(const pln_solver_type *type);

typedef enum pln_ordering {
    PLN_ORDER_AUTO = 0, /**< CHOLMOD's default strategy (AMD, METIS when it pays) */
    PLN_ORDER_AMD = 1,
    PLN_ORDER_NATURAL = 2
} pln_ordering;

typedef enum pln_factor_mode {
    PLN_FACTOR_AUTO = 0, /**< CHOLMOD chooses by flop count */
    PLN_FACTOR_SIMPLICIAL = 1,
    PLN_FACTOR_SUPERNODAL = 2
} pln_factor_mode;

/** When pln_solver_factor computes a new numeric factorization.
 *
 *  Under the PCG routes pln_solver_factor copies the new values (O(nnz(A))) and may keep the
 *  factor of older values; pln_solver_solve then runs conjugate gradients on the new matrix
 *  preconditioned by the kept factor (one multi-right-hand-side triangular solve per
 *  iteration, all columns in step), from x = 0. A solve that does not converge in
 *  pcg_max_iter solves directly with a factor of the current values (then the kept one is
 *  computed again), so results always meet pcg_tol. The factor is renewed whenever an entry
 *  moved by more than half its size since it was computed, so a matrix made singular is
 *  still reported (by pln_solver_factor, or by the solve's fallback for a general SPD matrix
 *  whose entries moved less).
 *
 *  Deterministic and resumable: a result depends on the current values, the right-hand side
 *  and the kept factor's values only; when to renew depends on iteration counts and
 *  operation counts, never on timings, and only on the last solve before each
 *  pln_solver_factor (a learning step's own), so solves made between steps (evaluations)
 *  change nothing later. pln_solver_state_save carries the kept values and the policy's
 *  counters; a run restored with pln_solver_state_load repeats a continuous one bit for bit.
 *  Results differ from PLN_REFACTOR_ALWAYS at the level of pcg_tol. */
typedef enum pln_refactor {
    /** Every pln_solver_factor refactorizes: the exact option (results independent of any
     *  history, the last bits those of one direct solve). */
    PLN_REFACTOR_ALWAYS = 0,
    /** Refactorize only when the last solve needed more than pcg_refactor_iter iterations. */
    PLN_REFACTOR_PCG = 1,
    /** The default. PCG where it is predicted to pay: only when a factorization costs at least
     *  8 PCG iterations of one column (work units fixed at analysis: 4 nnz(L) + 4 nnz(A) +
     *  12 n per iteration and column; a factorization flops/1.4 supernodal, 4 flops
     *  simplicial, constants measured once on lattices; square lattices from about 32 x 32
     *  nodes), refactorizing when the last solve before a pln_solver_factor call cost more
     *  than the mean per call since the last factorization (factor included): the optimal
     *  restart of a growing cost, which also refactorizes after every PCG solve that costs
     *  more than a factorization and a direct solve (large batches). Smaller systems
     *  take the direct route exactly as ALWAYS does. Deterministic: counts, not timings. */
    PLN_REFACTOR_AUTO = 2
} pln_refactor;

typedef struct pln_solver_options {
    pln_ordering ordering;
    pln_factor_mode mode;
    /** Relative pivot tolerance (dimensionless): a pivot d_j <= pivot_tol * |A_jj| counts as a
     *  breakdown (PLN_ESINGULAR). An exactly singular block (a floating component) leaves a
     *  rounding-sized pivot of either sign, which the plain d_j <= 0 test of Cholesky misses
     *  about half the time. 0 keeps only the d_j <= 0 test. Default 1e-12; must be in [0, 1). */
    double pivot_tol;
    /** When pln_solver_factor refactorizes (see pln_refactor). Default PLN_REFACTOR_AUTO;
     *  PLN_REFACTOR_ALWAYS (zero) is the exact option. */
    pln_refactor refactor;
    /** PCG route: stop a column when its preconditioned residual sqrt(r'M^{-1}r) is at most
     *  pcg_tol sqrt(x'b) (relative error in the energy norm, about the relative error of x
     *  for the well-conditioned preconditioned systems PCG is used on). Default 1e-10; must be
     *  in (0, 1e-2]. */
    double pcg_tol;
    /** PCG route: iterations per solve before giving up, refactorizing and solving directly
     *  (default 50, >= 1). */
    pln_idx pcg_max_iter;
    /** PLN_REFACTOR_PCG: refactorize at the next pln_solver_factor once a solve took more
     *  than this many iterations (default 8, in [1, pcg_max_iter]). */
    pln_idx pcg_refactor_iter;
} pln_solver_options;

/** @brief Defaults: PLN_ORDER_AUTO, PLN_FACTOR_AUTO, pivot_tol 1e-12, PLN_REFACTOR_AUTO,
 *  pcg_tol 1e-10, pcg_max_iter 50, pcg_refactor_iter 8. */
PLN_API void pln_solver_options_default(pln_solver_options *o);

/** Counters and timings (seconds, wall clock, summed over all calls) of a solver. */
typedef struct pln_solver_stats {
    pln_idx n;           /**< order of the matrix */
    double nnz_factor;   /**< entries in the factor L (without supernodal padding) */
    double flops;        /**< floating-point operations of one numeric factorization */
    long n_analyze, n_factor, n_solve; /**< calls; n_solve counts right-hand sides */
    double t_analyze, t_factor, t_solve;
    size_t factor_bytes; /**< memory held by the factor */
    long n_numeric;      /**< numeric factorizations computed (<= n_factor under PCG) */
    long n_pcg;          /**< columns solved by PCG */
    long n_pcg_iter;     /**< PCG iterations summed over those columns */
    long n_pcg_fallback; /**< solves that did not converge and refactorized */
    int last_pcg_iter;   /**< iterations of the last PCG solve (max over its columns) */
} pln_solver_stats;

typedef struct pln_solver pln_solver;

/** @brief Create a solver of a given type. @param opts may be NULL (defaults).
 *  @return PLN_OK, PLN_EINVAL (unknown type, bad option: the key is in the context),
 *  PLN_ENOMEM, PLN_EDEP. */
PLN_API pln_status pln_solver_create(pln_ctx *ctx, const pln_solver_type *type,
                                     const pln_solver_options *opts, pln_solver **out);
/** @brief Destroy (NULL allowed). */
PLN_API void pln_solver_destroy(pln_solver *s);
/** @brief Symbolic analysis (ordering, elimination tree) of A's pattern; once per pattern.
 *  A is borrowed for the call only; its values are not read. A new analysis replaces the old
 *  one and drops the numeric factor; a matrix rejected with PLN_EINVAL leaves the previous
 *  analysis in place. n = 0 is allowed (every call then does nothing).
 *  @return PLN_OK, PLN_EINVAL (bad matrix: not lower triangular, unsorted, missing diagonal,
 *  index out of range; the column is in the message), PLN_ENOMEM, PLN_EDEP. */
PLN_API pln_status pln_solver_analyze(pln_solver *s, const pln_csc *A);
/** @brief Numeric factorization of A (same pattern as analyzed), reusing the symbolic part.
 *  A is borrowed for the call only. After a failure the solver stays usable: fix the values
 *  and call again (no new analysis needed); solves are refused until a factorization succeeds.
 *  @return PLN_OK; PLN_ESINGULAR when A is not positive definite (the failing column is
 *  pln_solver_failed_column and is named in the message); PLN_EINVAL if not analyzed, if the
 *  pattern differs from the analyzed one, or if a value is not finite; PLN_ENOMEM; PLN_EDEP.
 *  Complexity: one numeric factorization, O(nnz(L)) memory. */
PLN_API pln_status pln_solver_factor(pln_solver *s, const pln_csc *A);
/** @brief Solve A X = B for nrhs right-hand sides (column-major n x nrhs; X and B must not
 *  overlap). Allocates nothing once a call with the same nrhs has been made (workspaces are
 *  kept for the 4 most recently used values of nrhs; the PCG route's for the largest nrhs
 *  so far). nrhs = 0 does nothing. PCG route: a solve that does not converge
 *  refactorizes (then PLN_ESINGULAR or PLN_ENOMEM are possible here too).
 *  @return PLN_OK, PLN_EINVAL (not factored, nrhs < 0, NULL or overlapping arrays),
 *  PLN_ENOMEM on the first call with a new nrhs, PLN_EDEP. */
PLN_API pln_status pln_solver_solve(pln_solver *s, pln_idx nrhs, const double *B, double *X);
/** @brief Column of A (0-based, original numbering) where the last factorization broke down,
 *  or -1. */
PLN_API pln_idx pln_solver_failed_column(const pln_solver *s);
/** @brief Bytes of the solver's history that later results depend on: 0 under
 *  PLN_REFACTOR_ALWAYS (and where AUTO chose the direct route); under a PCG route the kept
 *  factor's values (nnz doubles) and the refactor policy's counters. */
PLN_API size_t pln_solver_state_size(const pln_solver *s);
/** @brief Write that history into buf (size >= pln_solver_state_size). @return PLN_OK or
 *  PLN_EDIM. */
PLN_API pln_status pln_solver_state_save(const pln_solver *s, void *buf, size_t size);
/** @brief Restore a history saved from a solver of the same pattern and options, after a
 *  pln_solver_factor of the current values: the kept factor is computed again from the saved
 *  values (one numeric factorization), so the solves that follow equal those of the solver
 *  that saved it bit for bit. @return PLN_OK; PLN_EDIM (size differs); PLN_EINVAL (not a
 *  solver state of this pattern, or no pln_solver_factor yet); PLN_ESINGULAR, PLN_ENOMEM. */
PLN_API pln_status pln_solver_state_load(pln_solver *s, const void *buf, size_t size);
PLN_API void pln_solver_stats_get(const pln_solver *s, pln_solver_stats *stats);
PLN_API const pln_solver_type *pln_solver_get_type(const pln_solver *s);

#ifdef __cplusplus
}
#endif
#endif
