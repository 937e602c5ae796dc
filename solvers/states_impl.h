/* states_impl.h — the layout of pln_states, shared by states.c and states_spring.c only. */
#ifndef PLN_STATES_IMPL_H
#define PLN_STATES_IMPL_H

#include "pln_internal.h"
#include "pln_states.h"

typedef struct pln_i_spring_states pln_i_spring_states;
typedef struct pln_i_circuit_states pln_i_circuit_states;

/* The states of a nonlinear network behind one table of operations (springs in
 * states_spring.c, circuits of nonlinear elements in states_circuit.c): every public call of
 * pln_states goes through st->nl when it is set, and the linear path of states.c otherwise. */
typedef struct pln_i_states_ops {
    /* Factor with pivot_tol 0 (only d_j <= 0 is a breakdown): a circuit's Jacobian spans
     * conductances from g_min to a forward diode's, and is positive definite by construction
     * (g_min > 0), so the relative pivot test would refuse systems that are fine. */
    bool exact_pivots;
    pln_status (*create)(pln_states *st, const pln_states_options *o);
    void (*destroy)(pln_states *st);
    pln_status (*factor)(pln_states *st);
    pln_status (*free)(pln_states *st, pln_idx nrhs, const pln_bc_values *vals, double *x,
                       double *o);
    pln_status (*clamp)(pln_states *st, pln_idx nrhs, const double *x_free,
                        const double *o_clamp, double *x_out, double *o_out);
    pln_status (*nudge)(pln_states *st, pln_idx nrhs, const double *x_free,
                        const double *targets, double beta, double *x_out, double *o_out);
    pln_status (*set_warm)(pln_states *st, pln_idx nrhs, const double *x);
    void (*newton_stats)(const pln_states *st, pln_newton_stats *out);
} pln_i_states_ops;
extern const pln_i_states_ops pln_i_spring_states_ops;
extern const pln_i_states_ops pln_i_circuit_states_ops;

struct pln_states {
    pln_ctx *ctx;
    pln_network *net;
    pln_solver *solver;
    pln_idx n, nr, n_out, max_rhs;
    pln_output *outs;
    double *E;    /* nr x n_out: output selection */
    double *Z;    /* nr x n_out: A^{-1} E */
    double *S;    /* n_out x n_out: E^T Z */
    double *Sl;   /* Cholesky factor of S (lower, row-major) */
    double *M;    /* n_out x n_out workspace for I/beta + S */
    int *piv;     /* pivots for M */
    double *f;    /* nr x (max_rhs + n_out): right-hand sides, then E when Z is pending */
    double *x;    /* nr x (max_rhs + n_out) */
    double *dx;   /* nr */
    double *y;    /* n_out */
    bool factored;
    /* Linear networks: after a factorization Z and S wait for the next free solve, which
     * solves E in the same multi-right-hand-side call (one pass over the factor instead of
     * two), or for the next clamp or nudge. outs_dependent: E has dependent columns (found at
     * creation). */
    bool z_pending, outs_dependent;
    const pln_i_states_ops *nl; /* nonlinear networks: their operations, else NULL */
    pln_i_spring_states *sp;    /* spring networks: everything else lives here */
    pln_i_circuit_states *cs;   /* circuits with nonlinear elements: likewise */
};


/* Dense LU with partial pivoting of a small row-major n x n matrix, in place (states.c):
 * -1 on a zero or NaN pivot; then solve with it in place. */
int pln_i_small_lu(double *M, int *piv, pln_idx n);
void pln_i_small_lu_solve(const double *M, const int *piv, pln_idx n, double *b);

#endif
