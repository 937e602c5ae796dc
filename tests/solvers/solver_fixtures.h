/* solver_fixtures.h — random grounded graph Laplacians (pln_csc + dense) for solver tests. */
#ifndef PLN_SOLVER_FIXTURES_H
#define PLN_SOLVER_FIXTURES_H

#include "pln_common.h"
#include "pln_solver.h"

/* A reduced Laplacian: the lower-triangle CSC the solvers take plus the full dense matrix
 * (row-major n x n) that the Gaussian-elimination oracle takes. */
typedef struct fx_matrix {
    pln_csc A;
    double *dense;
} fx_matrix;

/* Random connected weighted graph on n free nodes plus a ground node, grounded through
 * n_ground random edges; `floating` extra nodes (the last ones) form a connected component
 * with no path to ground, which makes the matrix singular. Weights are "high-entropy"
 * (0.5 + 2u, never round numbers) so that no two pivots coincide by accident. */
void fx_laplacian(fx_matrix *m, pln_idx n, pln_idx floating, pln_idx n_ground, uint64_t seed);
/* Multiply every off-diagonal weight by a random factor and rebuild the diagonal, keeping the
 * pattern and the arrays (a change of conductances in place). */
void fx_perturb(fx_matrix *m, uint64_t seed);
void fx_free(fx_matrix *m);
/* Random right-hand sides, n x nrhs column-major; caller frees. */
double *fx_rhs(pln_idx n, pln_idx nrhs, uint64_t seed);
/* x = A^{-1} b by the independent dense oracle (ts_dense_solve); caller frees. */
double *fx_oracle(const fx_matrix *m, const double *b);
/* A solver type's name as a Criterion test parameter (held by value). */
typedef struct fx_type_name {
    char name[16];
} fx_type_name;

/* The solver type with this name ("cholmod", "dense_ref"). */
const pln_solver_type *fx_type(const char *name);

/* Under AddressSanitizer, fail the current test if anything allocated so far is unreachable;
 * a no-op in other builds. Call it from a suite's .fini after everything is freed. */
void fx_check_leaks(void);

/* Oracle tolerance: condition numbers of these Laplacians stay below ~1e5 (weights within a
 * factor 5, n <= 500), so both Cholesky and partial-pivoting LU agree to ~1e-12. */
#define FX_TOL 1e-10

#endif
