/* states_circuit.c — free, clamped and nudged states of resistor networks with nonlinear elements (SPEC 1.3, 2): Newton on Kirchhoff's current law with the positive definite Jacobian, one CHOLMOD refactorization per iteration on the pattern analysed once, a backtracking line search on the co-content, warm starts, clamped outputs met exactly through the Schur complement on the factor and the nudge through Woodbury. */
#include "states_impl.h"

#include <float.h>
#include <math.h>
#include <string.h>

typedef enum cmode { C_FREE, C_CLAMP, C_NUDGE } cmode;

struct pln_i_circuit_states {
    pln_idx n, nr, n_out, n_cur;
    double tol;
    pln_idx max_iter;
    /* Work, sized once at creation. */
    double *pt;   /* n: trial potentials */
    double *xt_save; /* n: the last trial potentials of an expanding line search */
    double *g;    /* nr: gradient of the merit (Kirchhoff's residual, plus the nudge's pull) */
    double *rhs;  /* nr x (1 + n_out): [-g | E] */
    double *sol;  /* nr x (1 + n_out): [dx0 | Z] */
    double *dx;   /* nr */
    double *o;    /* n_out: outputs at the iterate */
    double *cval; /* n_out: output minus its target */
    double *S;    /* n_out^2 */
    int *piv;     /* n_out */
    double *w;    /* n_out */
    /* Per column of the last free call: injected currents and the warm start. */
    double *col_cur, *warm;
    bool *has_warm;
    pln_newton_stats stats;
};

static void circuit_destroy(pln_states *st)
{
    pln_i_circuit_states *cs = st->cs;
    if (cs == NULL) {
        return;
    }
    void *arrays[] = {cs->pt,  cs->xt_save, cs->g,   cs->rhs,     cs->sol,  cs->dx,      cs->o,
                      cs->cval, cs->S,  cs->piv,     cs->w,    cs->col_cur, cs->warm,
                      cs->has_warm};
    for (size_t a = 0; a < sizeof arrays / sizeof arrays[0]; a++) {
        pln_i_free(arrays[a]);
    }
    pln_i_free(cs);
    st->cs = NULL;
}

static pln_status circuit_create(pln_states *st, const pln_states_options *o)
{
    pln_ctx *ctx = st->ctx;
    if (!(o->newton_tol > 0.0 && o->newton_tol <= 1e-2)) {
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "newton.tolerance", "Newton tolerance %g must be in "
                     "(0, 1e-2]", o->newton_tol);
    }
    if (o->newton_max_iter < 1) {
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "newton.max_iterations",
                     "Newton iteration limit %lld must be >= 1", (long long)o->newton_max_iter);
    }
    pln_i_circuit_states *cs = pln_i_calloc(1, sizeof *cs);
    if (cs == NULL) {
        PLN_FAIL(ctx, PLN_ENOMEM, "out of memory creating circuit states");
    }
    st->cs = cs;
    const pln_boundary *bc = pln_network_boundary(st->net);
    cs->n = st->n;
    cs->nr = st->nr;
    cs->n_out = st->n_out;
    cs->n_cur = bc->n_currents;
    cs->tol = o->newton_tol;
    cs->max_iter = o->newton_max_iter;
    const pln_idx nr = cs->nr, no = cs->n_out;
    PLN_ALLOC(ctx, cs->pt, cs->n);
    PLN_ALLOC(ctx, cs->xt_save, cs->n);
    PLN_ALLOC(ctx, cs->g, nr);
    PLN_ALLOC(ctx, cs->rhs, nr * (1 + no));
    PLN_ALLOC(ctx, cs->sol, nr * (1 + no));
    PLN_ALLOC(ctx, cs->dx, nr);
    PLN_ALLOC(ctx, cs->o, no);
    PLN_ALLOC(ctx, cs->cval, no);
    PLN_ALLOC(ctx, cs->S, no * no);
    PLN_ALLOC(ctx, cs->piv, no);
    PLN_ALLOC(ctx, cs->w, no);
    PLN_ALLOC(ctx, cs->col_cur, cs->n_cur * st->max_rhs);
    PLN_ALLOC(ctx, cs->warm, cs->n * st->max_rhs);
    PLN_ALLOC(ctx, cs->has_warm, st->max_rhs);
    /* E beside the right-hand side once: the output columns never change (outputs are
     * potentials and drops, linear in the unknowns). */
    memcpy(cs->rhs + nr, st->E, (size_t)(nr * no) * sizeof *cs->rhs);
    return PLN_OK;
}

static void circuit_newton_stats(const pln_states *st, pln_newton_stats *out)
{
    *out = st->cs->stats;
}

/* Nothing to factor ahead: each Newton iteration factors its own Jacobian. */
static pln_status circuit_factor(pln_states *st)
{
    (void)st;
    return PLN_OK;
}

/* The merit at potentials p and (g not NULL) its gradient; fills cs->o and cs->cval for the
 * constrained modes. rho weighs the l1 penalty of clamped outputs; *mag gets a magnitude of
 * the summed terms, for the rounding allowance of the line search. */
static double merit(pln_states *st, const double *p, const double *cur, cmode mode, double beta,
                    double rho, const double *tgt, double *g, bool jacobian)
{
    pln_i_circuit_states *cs = st->cs;
    double phi = pln_network_circuit_eval(st->net, p, cur, g, jacobian);
    if (mode == C_FREE || !isfinite(phi)) {
        return phi;
    }
    pln_network_read_outputs(st->net, cs->n_out, st->outs, p, cs->o);
    for (pln_idx a = 0; a < cs->n_out; a++) {
        const double c = cs->o[a] - tgt[a];
        cs->cval[a] = c;
        if (mode == C_NUDGE) {
            phi += 0.5 * beta * c * c;
            if (g != NULL) {
                const double *ea = st->E + a * cs->nr;
                for (pln_idx r = 0; r < cs->nr; r++) {
                    g[r] += beta * c * ea[r];
                }
            }
        } else {
            phi += rho * fabs(c);
        }
    }
    return phi;
}

static double max_abs(const double *v, pln_idx n, pln_idx *where)
{
    double m = 0.0;
    pln_idx at = -1;
    for (pln_idx i = 0; i < n; i++) {
        if (!(fabs(v[i]) <= m)) { /* NaN wins, so it is reported */
            m = fabs(v[i]);
            at = i;
        }
    }
    if (where != NULL) {
        *where = at;
    }
    return m;
}

/* Kirchhoff's residual with the clamping currents of the outputs taken out (least squares
 * over the output columns of E), so a clamped state's residual measures only the free nodes. */
static double projected_residual(pln_states *st, cmode mode, pln_idx *worst)
{
    pln_i_circuit_states *cs = st->cs;
    const pln_idx nr = cs->nr, no = cs->n_out;
    if (mode != C_CLAMP || no == 0) {
        return max_abs(cs->g, nr, worst);
    }
    for (pln_idx a = 0; a < no; a++) {
        const double *ea = st->E + a * nr;
        double s = 0.0;
        for (pln_idx r = 0; r < nr; r++) {
            s += ea[r] * cs->g[r];
        }
        cs->w[a] = s;
        for (pln_idx b = 0; b < no; b++) {
            const double *eb = st->E + b * nr;
            double sab = 0.0;
            for (pln_idx r = 0; r < nr; r++) {
                sab += ea[r] * eb[r];
            }
            cs->S[a * no + b] = sab;
        }
    }
    if (pln_i_small_lu(cs->S, cs->piv, no) != 0) {
        return max_abs(cs->g, nr, worst);
    }
    pln_i_small_lu_solve(cs->S, cs->piv, no, cs->w);
    double m = 0.0;
    pln_idx at = -1;
    for (pln_idx r = 0; r < nr; r++) {
        double v = cs->g[r];
        for (pln_idx a = 0; a < no; a++) {
            v -= cs->w[a] * st->E[a * nr + r];
        }
        if (!(fabs(v) <= m)) {
            m = fabs(v);
            at = r;
        }
    }
    if (worst != NULL) {
        *worst = at;
    }
    return m;
}

static pln_status not_converged(pln_states *st, cmode mode, pln_idx it, const char *why)
{
    pln_idx worst = -1;
    const double res = projected_residual(st, mode, &worst);
    const pln_idx node = worst >= 0 ? pln_network_reduced_node(st->net, worst) : -1;
    return pln_i_error(st->ctx, PLN_ENOCONV, __FILE__, __LINE__, node, -1, NULL,
                       "Newton for the circuit's steady state %s after %lld iterations: "
                       "Kirchhoff residual %.3g A, largest at node %lld; last step %.3g V",
                       why, (long long)it, res, (long long)node, st->cs->stats.last_step);
}

/* Minimise the merit over the free potentials of p, in place: the co-content (minus the
 * injected currents' work), plus beta C when nudged, subject to the outputs held at tgt when
 * clamped. */
static pln_status newton(pln_states *st, double *p, const double *cur, cmode mode, double beta,
                         const double *tgt)
{
    pln_i_circuit_states *cs = st->cs;
    pln_network *net = st->net;
    const pln_idx nr = cs->nr, no = mode == C_FREE ? 0 : cs->n_out;
    pln_newton_stats *ns = &cs->stats;
    ns->solves++;
    ns->iterations = 0;
    ns->n_trace = 0;
    ns->last_step = 0.0;
    double rho = 0.0;
    for (pln_idx it = 0;; it++) {
        PLN_TRY(pln_i_progress(st->ctx, (double)it / (double)cs->max_iter,
                               "Newton solve of a circuit"));
        double phi = merit(st, p, cur, mode, beta, rho, tgt, cs->g, true);
        const double res = projected_residual(st, mode, NULL);
        if (ns->n_trace < PLN_NEWTON_TRACE) {
            ns->residual_trace[ns->n_trace] = res;
            ns->trace[ns->n_trace++] = phi;
        }
        ns->residual = res;
        ns->constraint_residual = mode == C_CLAMP ? max_abs(cs->cval, no, NULL) : 0.0;
        if (!(isfinite(phi) && isfinite(res))) {
            return not_converged(st, mode, it, "reached a state that is not finite");
        }
        if (it >= cs->max_iter) {
            return not_converged(st, mode, it, "did not converge");
        }
        /* The step: J dx0 = -g and, for outputs, J Z = E, on one factorization. */
        pln_status s = pln_solver_factor(st->solver, pln_network_matrix(net));
        if (s == PLN_ESINGULAR && pln_network_element_gmin(net) > 0.0) {
            /* With g_min > 0 the Jacobian is positive definite: a breakdown is rounding, from
             * a junction so far in forward bias (early, from a cold start) that its
             * conductance swamps its neighbours'. Shift the diagonal by a growing fraction
             * of itself until it factors: still a descent direction for the line search, and
             * never needed near the solution, where conductances are moderate. */
            pln_ctx_clear_error(st->ctx);
            const pln_csc *A = pln_network_matrix(net);
            for (double delta = 1e-10; s == PLN_ESINGULAR && delta < 1.0; delta *= 100.0) {
                for (pln_idx c = 0; c < A->n; c++) {
                    A->x[A->p[c]] *= 1.0 + delta; /* the diagonal leads each column */
                }
                s = pln_solver_factor(st->solver, A);
                if (s == PLN_ESINGULAR) {
                    pln_ctx_clear_error(st->ctx);
                }
            }
            ns->gauss_newton++;
        }
        if (s == PLN_ESINGULAR) {
            const pln_idx col = pln_solver_failed_column(st->solver);
            const pln_idx node = pln_network_reduced_node(net, col);
            return pln_i_error(st->ctx, PLN_ESINGULAR, __FILE__, __LINE__, node, -1, NULL,
                               "the circuit's Jacobian is not positive definite at node %lld "
                               "(it reaches no fixed potential through conducting elements: "
                               "every element there is cut off or saturated; raise "
                               "network.elements.gmin)",
                               (long long)node);
        }
        PLN_TRY(s);
        for (pln_idx r = 0; r < nr; r++) {
            cs->rhs[r] = -cs->g[r];
        }
        PLN_TRY(pln_solver_solve(st->solver, 1 + no, cs->rhs, cs->sol));
        const double *dx0 = cs->sol, *Z = cs->sol + nr;
        if (no > 0) {
            /* clamp: (E^T Z) w = c + E^T dx0, dx = dx0 - Z w meets the outputs exactly;
             * nudge: (I/beta + E^T Z) w = E^T dx0, dx = dx0 - Z w (Woodbury on J + beta E E^T,
             * the soft pull already in g). */
            for (pln_idx a = 0; a < no; a++) {
                const double *ea = st->E + a * nr;
                double ed = 0.0;
                for (pln_idx r = 0; r < nr; r++) {
                    ed += ea[r] * dx0[r];
                }
                cs->w[a] = mode == C_CLAMP ? cs->cval[a] + ed : ed;
                for (pln_idx b = 0; b < no; b++) {
                    const double *zb = Z + b * nr;
                    double sab = 0.0;
                    for (pln_idx r = 0; r < nr; r++) {
                        sab += ea[r] * zb[r];
                    }
                    cs->S[a * no + b] = sab;
                }
                if (mode == C_NUDGE) {
                    cs->S[a * no + a] += 1.0 / beta;
                }
            }
            if (pln_i_small_lu(cs->S, cs->piv, no) != 0) {
                PLN_FAIL(st->ctx, PLN_ESINGULAR,
                         "the %lld outputs are not independent (one is fixed by the others), "
                         "or the nudge beta = %g is -1/eigenvalue of the outputs' Green's "
                         "function",
                         (long long)no, beta);
            }
            pln_i_small_lu_solve(cs->S, cs->piv, no, cs->w);
        }
        for (pln_idx r = 0; r < nr; r++) {
            double v = dx0[r];
            for (pln_idx b = 0; b < no; b++) {
                v -= Z[b * nr + r] * cs->w[b];
            }
            cs->dx[r] = v;
        }
        const double step = max_abs(cs->dx, nr, NULL);
        const double vscale = fmax(max_abs(p, cs->n, NULL), DBL_MIN);
        ns->last_step = step;
        if (step <= cs->tol * vscale) {
            pln_network_expand_delta(net, cs->dx, p);
            ns->iterations++;
            ns->total_iterations++;
            return PLN_OK;
        }
        /* Line search on the merit: the co-content is convex, so the Newton direction
         * descends; clamped outputs enter as an exact l1 penalty (rho above the multipliers). */
        double slope = 0.0;
        for (pln_idx r = 0; r < nr; r++) {
            slope += cs->g[r] * cs->dx[r];
        }
        double hard1 = 0.0;
        if (mode == C_CLAMP) {
            for (pln_idx a = 0; a < no; a++) {
                rho = fmax(rho, 2.0 * fabs(cs->w[a]));
                hard1 += fabs(cs->cval[a]);
            }
            phi = merit(st, p, cur, mode, beta, rho, tgt, NULL, false);
        }
        const double dphi = slope - rho * hard1;
        /* Rounding in the merit: its terms are of the size of the co-content of the largest
         * currents; near the solution the decrease falls below it, and there the Newton step
         * is taken as it is (the model is exact to second order). */
        const double slack = 256.0 * DBL_EPSILON * (fabs(phi) + fabs(dphi));
        double alpha = 1.0, phi_new = 0.0;
        for (;;) {
            memcpy(cs->pt, p, (size_t)cs->n * sizeof *p);
            pln_network_expand_delta(net, cs->dx, cs->pt); /* dx holds alpha dx */
            phi_new = merit(st, cs->pt, cur, mode, beta, rho, tgt, NULL, false);
            if (isfinite(phi_new) && phi_new <= phi + 1e-4 * alpha * fmin(dphi, 0.0) + slack) {
                break;
            }
            alpha *= 0.5;
            for (pln_idx r = 0; r < nr; r++) {
                cs->dx[r] *= 0.5;
            }
            if (alpha < 1e-14) {
                (void)merit(st, p, cur, mode, beta, rho, tgt, cs->g, false);
                return not_converged(st, mode, it, "found no decrease along the Newton step");
            }
        }
        /* A junction started far in forward bias (a diode across a source, from cold) sees
         * Newton cut its voltage by only about n V_T per step, since its linearisation is
         * steep: the merit then falls faster than the quadratic model predicts along the
         * step, and the minimum along it lies far beyond. Walk out along the step while the
         * merit keeps falling (O(m) each, no factorization), so such a start costs a few
         * iterations instead of one per n V_T of over-bias. */
        const double drop = phi - phi_new;
        if (alpha == 1.0 && drop > 1.1 * (-0.5 * dphi) && drop > 16.0 * slack) {
            double best = phi - drop;
            for (int k = 0; k < 40; k++) {
                memcpy(cs->xt_save, cs->pt, (size_t)cs->n * sizeof *p);
                pln_network_expand_delta(net, cs->dx, cs->pt); /* one more step: 2^(k+1) */
                for (pln_idx r = 0; r < nr; r++) {
                    cs->dx[r] *= 2.0;
                }
                const double m2 = merit(st, cs->pt, cur, mode, beta, rho, tgt, NULL, false);
                if (!(isfinite(m2) && m2 < best)) {
                    memcpy(cs->pt, cs->xt_save, (size_t)cs->n * sizeof *p);
                    break;
                }
                best = m2;
                ns->expansions++;
            }
        }
        memcpy(p, cs->pt, (size_t)cs->n * sizeof *p);
        ns->iterations++;
        ns->total_iterations++;
    }
}

/* ------------------------------------------------------------------ the public calls */

static pln_status check_columns(pln_states *st, pln_idx nrhs)
{
    if (nrhs > st->max_rhs) {
        PLN_FAIL_KEY(st->ctx, PLN_EINVAL, "max_rhs",
                     "%lld circuit states at once: at most max_rhs = %lld (each uses the "
                     "currents and warm start of its column)",
                     (long long)nrhs, (long long)st->max_rhs);
    }
    return PLN_OK;
}

static pln_status circuit_free(pln_states *st, pln_idx nrhs, const pln_bc_values *vals,
                               double *p, double *o)
{
    pln_i_circuit_states *cs = st->cs;
    const pln_network *net = st->net;
    PLN_TRY(check_columns(st, nrhs));
    for (pln_idx j = 0; j < nrhs; j++) {
        const pln_bc_values *v = vals != NULL ? &vals[j] : NULL;
        double *pj = p + j * cs->n;
        PLN_TRY(pln_network_fixed_potentials(net, v, pj));
        const double *cv = (v != NULL && v->currents != NULL) ? v->currents
                                                              : pln_network_current_values(net);
        memcpy(cs->col_cur + j * cs->n_cur, cv, (size_t)cs->n_cur * sizeof *cv);
        if (cs->has_warm[j]) {
            /* The free unknown of a group is its root's potential (a free root's fixed part is
             * 0): start each group where the last free state of this column left its root,
             * the members offset from it by the new edge-source drops. */
            const double *wj = cs->warm + j * cs->n;
            for (pln_idx r = 0; r < cs->nr; r++) {
                cs->dx[r] = wj[pln_network_reduced_node(net, r)];
            }
            pln_network_expand_delta(net, cs->dx, pj);
        }
        if (cs->nr > 0) {
            PLN_TRY(newton(st, pj, cs->col_cur + j * cs->n_cur, C_FREE, 0.0, NULL));
        }
        memcpy(cs->warm + j * cs->n, pj, (size_t)cs->n * sizeof *pj);
        cs->has_warm[j] = true;
        if (o != NULL) {
            pln_network_read_outputs(net, st->n_out, st->outs, pj, o + j * st->n_out);
        }
    }
    return PLN_OK;
}

static pln_status circuit_set_warm(pln_states *st, pln_idx nrhs, const double *x)
{
    pln_i_circuit_states *cs = st->cs;
    PLN_TRY(check_columns(st, nrhs));
    for (pln_idx j = 0; j < nrhs; j++) {
        if (x != NULL) {
            memcpy(cs->warm + j * cs->n, x + j * cs->n, (size_t)cs->n * sizeof *x);
        }
        cs->has_warm[j] = x != NULL;
    }
    return PLN_OK;
}

static pln_status constrained(pln_states *st, pln_idx nrhs, const double *p_free,
                              const double *values, cmode mode, double beta, double *p_out,
                              double *o_out)
{
    pln_i_circuit_states *cs = st->cs;
    PLN_TRY(check_columns(st, nrhs));
    if (mode == C_CLAMP && st->outs_dependent) {
        PLN_FAIL(st->ctx, PLN_ESINGULAR,
                 "the %lld outputs are not independent (one is fixed by the others): they "
                 "cannot be clamped separately",
                 (long long)st->n_out);
    }
    const pln_idx no = st->n_out;
    for (pln_idx j = 0; j < nrhs; j++) {
        double *pj = p_out + j * cs->n;
        if (pj != p_free + j * cs->n) {
            memcpy(pj, p_free + j * cs->n, (size_t)cs->n * sizeof *pj);
        }
        if (cs->nr > 0) {
            PLN_TRY(newton(st, pj, cs->col_cur + j * cs->n_cur, mode, beta, values + j * no));
        }
        if (o_out != NULL) {
            pln_network_read_outputs(st->net, no, st->outs, pj, o_out + j * no);
        }
    }
    return PLN_OK;
}

static pln_status circuit_clamp(pln_states *st, pln_idx nrhs, const double *x_free,
                                const double *o_clamp, double *x_out, double *o_out)
{
    return constrained(st, nrhs, x_free, o_clamp, C_CLAMP, 0.0, x_out, o_out);
}

static pln_status circuit_nudge(pln_states *st, pln_idx nrhs, const double *x_free,
                                const double *targets, double beta, double *x_out,
                                double *o_out)
{
    return constrained(st, nrhs, x_free, targets, C_NUDGE, beta, x_out, o_out);
}

const pln_i_states_ops pln_i_circuit_states_ops = {
    true,           circuit_create, circuit_destroy, circuit_factor,   circuit_free,
    circuit_clamp,  circuit_nudge,   circuit_set_warm, circuit_newton_stats,
};
