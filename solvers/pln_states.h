/* pln_states.h — free, clamped and nudged states of a linear network from one factorization (SPEC 2). */
#ifndef PLN_STATES_H
#define PLN_STATES_H

#include "pln_common.h"
#include "pln_network.h"
#include "pln_solver.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Binds a linear network (resistor or flow) to a solver and a set of outputs. After
 *  pln_states_factor, the free state of any number of examples costs one multi-RHS solve,
 *  and the clamped (coupled learning) or nudged (equilibrium propagation) state costs
 *  O(n_out * n_reduced) with no further factorization:
 *  Z = A^{-1} E_O, S = E_O^T Z (dense n_out x n_out), and
 *  clamped: x^C = x^F + Z S^{-1} (o^C - o^F);
 *  nudged:  x^b = x^F + Z (I/beta + S)^{-1} (T - o^F)  (minimiser of E + beta C). */
typedef struct pln_states pln_states;

typedef struct pln_states_options {
    const pln_solver_type *type; /**< default pln_solver_cholmod */
    pln_solver_options solver;
    pln_idx max_rhs;             /**< largest batch solved at once (workspaces), default 1 */
    /** Springs: Newton stops when the largest net force on a free component is below
     *  newton_tol * k_max * L_mean (N) and every imposed strain or clamped output is met to
     *  newton_tol (times L_mean for displacements). Circuits of nonlinear elements: Newton
     *  stops once a full step moves no potential by more than newton_tol times the largest
     *  potential (the step is taken; the error after it is of the order of its square).
     *  Default 1e-10; must be in (0, 1e-2]. */
    double newton_tol;
    /** Springs and circuits: Newton iterations per solve before PLN_ENOCONV (default 50,
     *  >= 1). */
    pln_idx newton_max_iter;
    /** Springs: PLN_HESSIAN_FULL (default) uses the full Hessian when it is positive definite
     *  and falls back to Gauss-Newton J^T diag(k) J for an iteration where it is not (the
     *  (1 - l/r)(I - n n^T) terms are negative under compression); PLN_HESSIAN_GAUSS_NEWTON
     *  uses Gauss-Newton throughout (linear, not quadratic, convergence). */
    pln_hessian hessian;
} pln_states_options;

/** Iterations of the Newton solvers of springs and of circuits of nonlinear elements. */
#define PLN_NEWTON_TRACE 64
typedef struct pln_newton_stats {
    pln_idx solves;             /**< Newton solves since creation */
    pln_idx total_iterations;   /**< iterations summed over them */
    /** Springs: iterations whose full Hessian was not positive definite (Gauss-Newton
     *  instead). Circuits: iterations whose Jacobian broke down by rounding and was factored
     *  with its diagonal shifted (a junction far in forward bias, early in a cold start). */
    pln_idx gauss_newton;
    pln_idx iterations;         /**< iterations of the last solve */
    double residual;            /**< last solve: largest net force on a free component (N) */
    double constraint_residual; /**< last solve: largest violation of an imposed value */
    /** Merit (potential energy E - f.u, plus beta C when nudged, plus rho |violation| when
     *  some values are imposed) at the start and after each accepted step of the last solve
     *  (the first PLN_NEWTON_TRACE values). */
    pln_idx n_trace;
    double trace[PLN_NEWTON_TRACE];
    /** The largest residual at the same points as trace: springs the net force on a free
     *  component (N), circuits the current Kirchhoff's law leaves at a free node group (A;
     *  with clamped outputs, after the clamping currents are taken out). */
    double residual_trace[PLN_NEWTON_TRACE];
    /** Circuits: the largest change of a potential in the last Newton step of the last solve
     *  (V), which the stopping test compares with newton_tol times the largest potential. */
    double last_step;
    /** Circuits: line-search steps taken beyond the full Newton step (doublings, summed over
     *  all solves), which a junction started far in forward bias needs. */
    pln_idx expansions;
} pln_newton_stats;

PLN_API void pln_states_options_default(pln_states_options *o);

/** @brief Newton statistics of springs and of circuits of nonlinear elements (zero for
 *  linear networks). */
PLN_API void pln_states_newton_stats(const pln_states *st, pln_newton_stats *out);

/** @brief Analyze the network's pattern once and prepare workspaces.
 *
 *  Spring networks (SPEC 1.2): states are positions x (n_nodes x d per state; see
 *  pln_network_state_dim). spring_linear solves E_lin exactly: one factorization per
 *  pln_states_factor, one solve per state. spring solves each state by Newton with CHOLMOD
 *  (one analysis here, one numeric factorization per iteration) and a backtracking line
 *  search, warm-started: a free state from the previous free state of the same column, a
 *  clamped or nudged state from its free state. Imposed edge strains and clamped outputs are
 *  constraints met exactly (Schur complement on the factor, linearized each iteration); the
 *  nudge term is handled the same way (Woodbury with I/beta). pln_states_clamp and
 *  pln_states_nudge use the forces and strains of the same column of the last
 *  pln_states_free call, so nrhs <= max_rhs there.
 *  @param[in] net  borrowed; must outlive the states object. Its conductances may change
 *                  between calls; call pln_states_factor after each change.
 *  @param[in] outs n_out outputs (copied), may be empty.
 *  @return PLN_OK, PLN_EINVAL (an output fixed by the boundary, bad Newton options),
 *  PLN_ENOMEM, PLN_EDEP. */
PLN_API pln_status pln_states_create(pln_ctx *ctx, pln_network *net, pln_idx n_out,
                                     const pln_output *outs, const pln_states_options *opts,
                                     pln_states **out);
PLN_API void pln_states_destroy(pln_states *st);

/** @brief Numeric factorization of the network's current matrix (nonlinear springs: each
 *  state factors its own Hessians, and the next free solve factors one at least once even
 *  when it converges without a step, e.g. a floppy network under no load at its reference
 *  positions, so that a singular stiffness is reported there as "under-constrained ..."). Linear networks: Z and S follow with the next
 *  pln_states_free, whose first block of right-hand sides solves E alongside (one pass over
 *  the factor), or with the next clamp or nudge. With the solver's PCG route (pln_refactor)
 *  the factor may be an older one and the solves conjugate gradients on it.
 *  @return PLN_OK; PLN_ESINGULAR naming the node where the factorization broke down, or for
 *  outputs that are not independent (springs: "under-constrained: ...", with the number of
 *  floppy modes when the system is small). */
PLN_API pln_status pln_states_factor(pln_states *st);

/** @brief Free states of nrhs examples.
 *  @param[in] vals  array of nrhs boundary values, or NULL for the stored values (nrhs = 1)
 *  @param[out] p    node potentials, n_nodes x nrhs column-major
 *  @param[out] o    outputs, n_out x nrhs column-major (may be NULL)
 *  Springs: PLN_ENOCONV when Newton does not converge (the residual is in the message),
 *  PLN_ESINGULAR when the stiffness is singular (under-constrained) or the imposed values
 *  are dependent. */
PLN_API pln_status pln_states_free(pln_states *st, pln_idx nrhs, const pln_bc_values *vals,
                                   double *p, double *o);

/** @brief Clamped states: outputs held at o_clamp (n_out x nrhs), from free states p_free
 *  and their outputs o_free. p_out (n_nodes x nrhs) may equal p_free (in place). */
PLN_API pln_status pln_states_clamp(pln_states *st, pln_idx nrhs, const double *p_free,
                                    const double *o_free, const double *o_clamp, double *p_out,
                                    double *o_out);

/** @brief Nudged states: minimiser of E + beta C with C = 1/2 |o - T|^2, from free states.
 *  beta may be negative (then I/beta + S must stay non-singular: PLN_ESINGULAR otherwise).
 *  p_out may equal p_free. o_out may be NULL. */
PLN_API pln_status pln_states_nudge(pln_states *st, pln_idx nrhs, const double *p_free,
                                    const double *o_free, const double *targets, double beta,
                                    double *p_out, double *o_out);

/** @brief Springs: the positions the next free solve of columns 0..nrhs-1 starts from
 *  (n_nodes x d per column; only the free components are read), or NULL for a cold start
 *  from the fixed positions. A caller that must repeat a run bit for bit (a resumed trainer)
 *  sets them, since Newton's last bits depend on where it starts. Other kinds: nothing.
 *  @return PLN_OK or PLN_EINVAL (nrhs > max_rhs). Allocates nothing. */
PLN_API pln_status pln_states_set_warm(pln_states *st, pln_idx nrhs, const double *x);

PLN_API pln_network *pln_states_network(const pln_states *st);
PLN_API pln_solver *pln_states_solver(const pln_states *st);
PLN_API pln_idx pln_states_n_out(const pln_states *st);
PLN_API const pln_output *pln_states_outputs(const pln_states *st);

#ifdef __cplusplus
}
#endif
#endif
