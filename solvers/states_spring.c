/* states_spring.c — free, clamped and nudged states of spring networks: Newton / Gauss-Newton with CHOLMOD, a backtracking line search, and imposed values met exactly through the Schur complement on the factor (SPEC 1.2, 2). */
#include "states_impl.h"

#include <float.h>
#include <math.h>
#include <string.h>

/* Constraint j of a solve: the first c_src are the imposed edge strains, then the outputs. */
typedef enum cmode { C_FREE, C_CLAMP, C_NUDGE } cmode;

struct pln_i_spring_states {
    bool linear;
    /* Nonlinear: a Hessian was factored since the last pln_states_factor. A free solve that
     * converges at once (a floppy network under no load sits at its reference positions)
     * factors it anyway, so that a singular stiffness is reported, not passed over. */
    bool checked;
    int d;
    pln_idx nx, nr, n_src, n_cur, c_all;
    double tol, f_scale, l_scale;
    pln_idx max_iter;
    pln_hessian hessian;
    const pln_idx *src_edges;
    /* Work, sized once at creation. */
    double *xt;     /* nx: trial positions */
    double *g;      /* nr: gradient of E - f.u */
    double *rhs;    /* nr x (1 + c_all): [-g | G^T] */
    double *sol;    /* nr x (1 + c_all): [dx0 | Z] */
    double *dx;     /* nr */
    double *cval;   /* c_all: value - target */
    double *tgt;    /* c_all: targets */
    double *S;      /* c_all^2 */
    int *piv;       /* c_all */
    double *w;      /* c_all */
    double *gtmp;   /* 3: one edge's strain gradient */
    double *dense;  /* small systems: dense copy of K for the floppy-mode count (or NULL) */
    /* Per column of the last free call: forces, strains, and the warm start. */
    double *col_forces, *col_src, *warm;
    bool *has_warm;
    pln_newton_stats stats;
};

/* Above this many unknowns the floppy modes are not counted (dense O(n^3)). */
#define DENSE_RANK_MAX 1200

static void spring_destroy(pln_states *st)
{
    pln_i_spring_states *sp = st->sp;
    if (sp == NULL) {
        return;
    }
    void *arrays[] = {sp->xt,  sp->g,    sp->rhs,   sp->sol,   sp->dx,
                      sp->cval, sp->tgt, sp->S,     sp->piv,   sp->w,
                      sp->gtmp, sp->dense, sp->col_forces, sp->col_src, sp->warm,
                      sp->has_warm};
    for (size_t a = 0; a < sizeof arrays / sizeof arrays[0]; a++) {
        pln_i_free(arrays[a]);
    }
    pln_i_free(sp);
}

static pln_status spring_create(pln_states *st, const pln_states_options *o)
{
    pln_ctx *ctx = st->ctx;
    const pln_network *net = st->net;
    if (!(o->newton_tol > 0.0 && o->newton_tol <= 1e-2)) {
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "newton.tolerance", "Newton tolerance %g must be in "
                     "(0, 1e-2]", o->newton_tol);
    }
    if (o->newton_max_iter < 1) {
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "newton.max_iterations",
                     "Newton iteration limit %lld must be >= 1", (long long)o->newton_max_iter);
    }
    if (o->hessian != PLN_HESSIAN_FULL && o->hessian != PLN_HESSIAN_GAUSS_NEWTON) {
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "newton.hessian", "unknown Hessian mode %d",
                     (int)o->hessian);
    }
    pln_i_spring_states *sp = pln_i_calloc(1, sizeof *sp);
    if (sp == NULL) {
        PLN_FAIL(ctx, PLN_ENOMEM, "out of memory creating spring states");
    }
    st->sp = sp;
    const pln_boundary *bc = pln_network_boundary(net);
    sp->linear = pln_network_kind(net) == PLN_KIND_SPRING_LINEAR;
    sp->d = pln_network_state_dim(net);
    sp->nx = st->n * sp->d;
    sp->nr = st->nr;
    sp->n_src = bc->n_sources;
    sp->n_cur = bc->n_currents;
    sp->src_edges = bc->source_edges;
    sp->c_all = sp->n_src + st->n_out;
    sp->tol = o->newton_tol;
    sp->max_iter = o->newton_max_iter;
    sp->hessian = o->hessian;
    const pln_idx m = pln_network_n_edges(net), nr = sp->nr, c = sp->c_all;
    const double *L0 = pln_network_reference_lengths(net);
    double lsum = 0.0;
    for (pln_idx e = 0; e < m; e++) {
        lsum += L0[e];
    }
    sp->l_scale = m > 0 ? lsum / (double)m : 1.0;
    PLN_ALLOC(ctx, sp->xt, sp->nx);
    PLN_ALLOC(ctx, sp->g, nr);
    PLN_ALLOC(ctx, sp->rhs, nr * (1 + c));
    PLN_ALLOC(ctx, sp->sol, nr * (1 + c));
    PLN_ALLOC(ctx, sp->dx, nr);
    PLN_ALLOC(ctx, sp->cval, c);
    PLN_ALLOC(ctx, sp->tgt, c);
    PLN_ALLOC(ctx, sp->S, c * c);
    PLN_ALLOC(ctx, sp->piv, c);
    PLN_ALLOC(ctx, sp->w, c);
    PLN_ALLOC(ctx, sp->gtmp, 3);
    if (nr <= DENSE_RANK_MAX) {
        PLN_ALLOC(ctx, sp->dense, nr * nr);
    }
    PLN_ALLOC(ctx, sp->col_forces, sp->n_cur * sp->d * st->max_rhs);
    PLN_ALLOC(ctx, sp->col_src, sp->n_src * st->max_rhs);
    PLN_ALLOC(ctx, sp->warm, sp->nx * st->max_rhs);
    PLN_ALLOC(ctx, sp->has_warm, st->max_rhs);
    return PLN_OK;
}

static void spring_newton_stats(const pln_states *st, pln_newton_stats *out)
{
    *out = st->sp->stats;
}

/* ------------------------------------------------------------------ small dense algebra */

/* Zero modes of the PSD matrix A (lower CSC) by Cholesky with diagonal pivoting on a dense
 * copy: pivots below 1e-10 of the largest diagonal count as zero. */
static pln_idx count_zero_modes(const pln_csc *A, double *D)
{
    const pln_idx n = A->n;
    memset(D, 0, (size_t)(n * n) * sizeof *D);
    double dmax = 0.0;
    for (pln_idx c = 0; c < n; c++) {
        for (pln_idx q = A->p[c]; q < A->p[c + 1]; q++) {
            D[A->i[q] * n + c] = D[c * n + A->i[q]] = A->x[q];
        }
        dmax = fmax(dmax, fabs(D[c * n + c]));
    }
    pln_idx rank = 0;
    for (pln_idx k = 0; k < n; k++) {
        pln_idx p = k;
        for (pln_idx j = k + 1; j < n; j++) {
            if (D[j * n + j] > D[p * n + p]) {
                p = j;
            }
        }
        if (!(D[p * n + p] > 1e-10 * dmax)) {
            break;
        }
        if (p != k) { /* symmetric swap of rows and columns k and p */
            for (pln_idx j = 0; j < n; j++) {
                double t = D[k * n + j];
                D[k * n + j] = D[p * n + j];
                D[p * n + j] = t;
            }
            for (pln_idx j = 0; j < n; j++) {
                double t = D[j * n + k];
                D[j * n + k] = D[j * n + p];
                D[j * n + p] = t;
            }
        }
        const double piv = D[k * n + k];
        for (pln_idx i = k + 1; i < n; i++) {
            const double f = D[i * n + k] / piv;
            for (pln_idx j = k + 1; j < n; j++) {
                D[i * n + j] -= f * D[k * n + j];
            }
        }
        rank++;
    }
    return n - rank;
}

/* ------------------------------------------------------------------ one Newton solve */

/* Factor the current matrix of the network; on failure say which node is left free. */
static pln_status factor_or_explain(pln_states *st, bool *ok)
{
    const pln_csc *A = pln_network_matrix(st->net);
    pln_status s = pln_solver_factor(st->solver, A);
    *ok = s == PLN_OK;
    st->sp->checked = st->sp->checked || *ok;
    if (s != PLN_ESINGULAR) {
        return s;
    }
    pln_ctx_clear_error(st->ctx);
    return PLN_OK;
}

static pln_status underconstrained(pln_states *st)
{
    pln_i_spring_states *sp = st->sp;
    const pln_csc *A = pln_network_matrix(st->net);
    const pln_idx col = pln_solver_failed_column(st->solver);
    const pln_idx node = pln_network_reduced_node(st->net, col);
    if (sp->dense != NULL) {
        /* Gauss-Newton / linear K is what the count is about: refill it at the reference. */
        const pln_idx zero = count_zero_modes(A, sp->dense);
        PLN_FAIL_NODE(st->ctx, PLN_ESINGULAR, node,
                      "under-constrained: pin at least %lld more component%s or add springs: the "
                      "stiffness matrix has %lld zero mode%s (floppy or rigid-body motions the "
                      "pins leave free), first met at node %lld",
                      (long long)zero, zero == 1 ? "" : "s", (long long)zero,
                      zero == 1 ? "" : "s", (long long)node);
    }
    PLN_FAIL_NODE(st->ctx, PLN_ESINGULAR, node,
                  "under-constrained: pin more nodes or add springs: the stiffness matrix is "
                  "singular at node %lld (a floppy or rigid-body motion the pins leave free)",
                  (long long)node);
}

/* Value of constraint j at x and (when G is not NULL) its gradient as a reduced column. */
static double constraint(pln_states *st, pln_idx j, const double *x, double *G)
{
    pln_i_spring_states *sp = st->sp;
    const pln_network *net = st->net;
    const int d = sp->d;
    pln_idx e;
    if (j >= sp->n_src) {
        const pln_output *o = &st->outs[j - sp->n_src];
        if (o->kind != PLN_OUT_EDGE) {
            const int axis = (int)o->kind - (int)PLN_OUT_NODE_X;
            if (G != NULL) {
                memset(G, 0, (size_t)sp->nr * sizeof *G);
                G[pln_network_dof_index(net, o->index, axis)] = 1.0;
            }
            return x[o->index * d + axis] - pln_network_positions(net, NULL)[o->index * d + axis];
        }
        e = o->index;
    } else {
        e = sp->src_edges[j];
    }
    const double v = pln_network_edge_strain(net, x, e, G != NULL ? sp->gtmp : NULL);
    if (G != NULL) {
        memset(G, 0, (size_t)sp->nr * sizeof *G);
        const pln_idx t = pln_network_tails(net)[e], h = pln_network_heads(net)[e];
        for (int c = 0; c < d; c++) {
            const pln_idx a = pln_network_dof_index(net, t, c);
            const pln_idx b = pln_network_dof_index(net, h, c);
            if (a >= 0) {
                G[a] += sp->gtmp[c];
            }
            if (b >= 0) {
                G[b] -= sp->gtmp[c];
            }
        }
    }
    return v;
}

/* The edge whose strain constraint j imposes, or -1 for a node displacement (linear in x). */
static pln_idx constraint_edge(const pln_states *st, pln_idx j)
{
    if (j < st->sp->n_src) {
        return st->sp->src_edges[j];
    }
    const pln_output *o = &st->outs[j - st->sp->n_src];
    return o->kind == PLN_OUT_EDGE ? o->index : -1;
}

static bool is_strain(const pln_states *st, pln_idx j)
{
    return j < st->sp->n_src || st->outs[j - st->sp->n_src].kind == PLN_OUT_EDGE;
}

/* Merit at x: Phi = E - f.u, + beta/2 |c_soft|^2, + rho |c_hard|_1; fills cval. */
static double merit(pln_states *st, const double *x, const double *forces, pln_idx nc,
                    cmode mode, double beta, double rho, double *g)
{
    pln_i_spring_states *sp = st->sp;
    double phi = pln_network_spring_gradient(st->net, x, forces, g);
    for (pln_idx j = 0; j < nc; j++) {
        sp->cval[j] = constraint(st, j, x, NULL) - sp->tgt[j];
        if (mode == C_NUDGE && j >= sp->n_src) {
            phi += 0.5 * beta * sp->cval[j] * sp->cval[j];
        } else {
            phi += rho * fabs(sp->cval[j]);
        }
    }
    return phi;
}

/* Minimise E - f.u (+ beta C) over the free components of x, in place, subject to the nc
 * first constraints (hard, or soft for nudged outputs). */
static pln_status newton(pln_states *st, double *x, const double *forces, pln_idx nc, cmode mode,
                         double beta)
{
    pln_i_spring_states *sp = st->sp;
    pln_network *net = st->net;
    const pln_idx nr = sp->nr;
    const double *k = pln_network_conductances(net);
    double kmax = 0.0;
    for (pln_idx e = 0; e < pln_network_n_edges(net); e++) {
        kmax = fmax(kmax, k[e]);
    }
    const double ftol = sp->tol * kmax * sp->l_scale;
    pln_newton_stats *ns = &sp->stats;
    ns->solves++;
    ns->iterations = 0;
    ns->n_trace = 0;
    double rho = 0.0;
    for (pln_idx it = 0;; it++) {
        PLN_TRY(pln_i_progress(st->ctx, (double)it / (double)sp->max_iter,
                               "Newton solve of a spring network"));
        /* Residuals at x: constraint values, and the net force once the multipliers of the
         * hard constraints are chosen by least squares. */
        double phi = merit(st, x, forces, nc, mode, beta, rho, sp->g);
        double *G = sp->rhs + nr;
        for (pln_idx j = 0; j < nc; j++) {
            (void)constraint(st, j, x, G + j * nr);
        }
        double cres = 0.0;
        for (pln_idx j = 0; j < nc; j++) {
            if (mode == C_NUDGE && j >= sp->n_src) {
                for (pln_idx r = 0; r < nr; r++) { /* soft term's force */
                    sp->g[r] += beta * sp->cval[j] * G[j * nr + r];
                }
            } else {
                const double scale = is_strain(st, j) ? 1.0 : sp->l_scale;
                cres = fmax(cres, fabs(sp->cval[j]) / scale);
            }
        }
        const pln_idx nh = mode == C_NUDGE ? sp->n_src : nc;
        /* least squares multipliers: (G_h G_h^T) lam = -G_h g */
        for (pln_idx a = 0; a < nh; a++) {
            double sg = 0.0;
            for (pln_idx r = 0; r < nr; r++) {
                sg += G[a * nr + r] * sp->g[r];
            }
            sp->w[a] = -sg;
            for (pln_idx b = 0; b < nh; b++) {
                double sab = 0.0;
                for (pln_idx r = 0; r < nr; r++) {
                    sab += G[a * nr + r] * G[b * nr + r];
                }
                sp->S[a * nh + b] = sab;
            }
        }
        if (nh > 0 && pln_i_small_lu(sp->S, sp->piv, nh) == 0) {
            pln_i_small_lu_solve(sp->S, sp->piv, nh, sp->w);
        } else {
            memset(sp->w, 0, (size_t)nh * sizeof *sp->w);
        }
        double fres = 0.0;
        for (pln_idx r = 0; r < nr; r++) {
            double v = sp->g[r];
            for (pln_idx a = 0; a < nh; a++) {
                v += sp->w[a] * G[a * nr + r];
            }
            fres = fmax(fres, fabs(v));
        }
        if (ns->n_trace < PLN_NEWTON_TRACE) {
            ns->residual_trace[ns->n_trace] = fres;
            ns->trace[ns->n_trace++] = phi;
        }
        ns->residual = fres;
        ns->constraint_residual = cres;
        if (!(isfinite(fres) && isfinite(cres))) {
            PLN_FAIL(st->ctx, PLN_ENOCONV,
                     "Newton for the spring equilibrium: the residual is not finite after %lld "
                     "iterations",
                     (long long)it);
        }
        if (fres <= ftol && cres <= sp->tol) {
            if (!sp->linear && !sp->checked) {
                /* converged without a step: the Hessian here must still factor (full, else
                 * Gauss-Newton, as a step would), or a floppy mode goes unreported */
                bool ok = false;
                if (sp->hessian == PLN_HESSIAN_FULL) {
                    PLN_TRY(pln_network_spring_hessian(net, x, PLN_HESSIAN_FULL));
                    PLN_TRY(factor_or_explain(st, &ok));
                }
                if (!ok) {
                    PLN_TRY(pln_network_spring_hessian(net, x, PLN_HESSIAN_GAUSS_NEWTON));
                    PLN_TRY(factor_or_explain(st, &ok));
                    if (!ok) {
                        return underconstrained(st);
                    }
                }
            }
            return PLN_OK;
        }
        if (it >= sp->max_iter) {
            PLN_FAIL(st->ctx, PLN_ENOCONV,
                     "Newton for the spring equilibrium did not converge in %lld iterations: "
                     "residual force %.3g N (tolerance %.3g), imposed-value residual %.3g "
                     "(tolerance %.3g)",
                     (long long)it, fres, ftol, cres, sp->tol);
        }

        /* The step: factor the Hessian (full when positive definite, else Gauss-Newton). */
        if (!sp->linear) {
            bool ok = false;
            if (sp->hessian == PLN_HESSIAN_FULL) {
                /* The Hessian of the Lagrangian: the energy's, plus each imposed strain's
                 * curvature times its (least-squares) multiplier. Without that term the step
                 * converges only linearly, and stalls when the multipliers are large. */
                PLN_TRY(pln_network_spring_hessian(net, x, PLN_HESSIAN_FULL));
                bool curved = false;
                for (pln_idx a = 0; a < nh; a++) {
                    const pln_idx e = constraint_edge(st, a);
                    if (e >= 0 && sp->w[a] != 0.0) {
                        PLN_TRY(pln_network_spring_hessian_add_strain(net, x, e, sp->w[a]));
                        curved = true;
                    }
                }
                PLN_TRY(factor_or_explain(st, &ok));
                if (!ok && curved) { /* indefinite with the curvature: the energy's alone */
                    PLN_TRY(pln_network_spring_hessian(net, x, PLN_HESSIAN_FULL));
                    PLN_TRY(factor_or_explain(st, &ok));
                }
            }
            if (!ok) {
                ns->gauss_newton += sp->hessian == PLN_HESSIAN_FULL;
                PLN_TRY(pln_network_spring_hessian(net, x, PLN_HESSIAN_GAUSS_NEWTON));
                PLN_TRY(factor_or_explain(st, &ok));
                if (!ok) {
                    return underconstrained(st);
                }
            }
        }
        /* rhs column 0 is -g of E - f.u alone: the soft term enters through I/beta. */
        (void)pln_network_spring_gradient(net, x, forces, sp->rhs);
        for (pln_idx r = 0; r < nr; r++) {
            sp->rhs[r] = -sp->rhs[r];
        }
        PLN_TRY(pln_solver_solve(st->solver, 1 + nc, sp->rhs, sp->sol));
        const double *dx0 = sp->sol, *Z = sp->sol + nr;
        /* (S + D) w = c + G dx0, D = I/beta on soft rows; dx = dx0 - Z w. */
        for (pln_idx a = 0; a < nc; a++) {
            double gd = 0.0;
            for (pln_idx r = 0; r < nr; r++) {
                gd += G[a * nr + r] * dx0[r];
            }
            sp->w[a] = sp->cval[a] + gd;
            for (pln_idx b = 0; b < nc; b++) {
                double sab = 0.0;
                for (pln_idx r = 0; r < nr; r++) {
                    sab += G[a * nr + r] * Z[b * nr + r];
                }
                sp->S[a * nc + b] = sab;
            }
            if (mode == C_NUDGE && a >= sp->n_src) {
                sp->S[a * nc + a] += 1.0 / beta;
            }
        }
        if (nc > 0 && pln_i_small_lu(sp->S, sp->piv, nc) != 0) {
            PLN_FAIL(st->ctx, PLN_ESINGULAR,
                     "the %lld imposed strains and %s outputs are not independent (one is "
                     "fixed by the others), or the nudge beta = %g is -1/eigenvalue of the "
                     "output Green's function",
                     (long long)sp->n_src, mode == C_FREE ? "no" : "the", beta);
        }
        if (nc > 0) {
            pln_i_small_lu_solve(sp->S, sp->piv, nc, sp->w);
        }
        double dmax = 0.0;
        for (pln_idx r = 0; r < nr; r++) {
            double v = dx0[r];
            for (pln_idx b = 0; b < nc; b++) {
                v -= Z[b * nr + r] * sp->w[b];
            }
            sp->dx[r] = v;
            dmax = fmax(dmax, fabs(v));
        }
        /* Line search on the merit (an exact l1 penalty for the hard values: rho above the
         * multipliers makes dx a descent direction). */
        double slope = 0.0, hard1 = 0.0;
        for (pln_idx r = 0; r < nr; r++) {
            slope += sp->g[r] * sp->dx[r];
        }
        for (pln_idx a = 0; a < nc; a++) {
            if (!(mode == C_NUDGE && a >= sp->n_src)) {
                rho = fmax(rho, 2.0 * fabs(sp->w[a]));
                hard1 += fabs(sp->cval[a]);
            }
        }
        phi = merit(st, x, forces, nc, mode, beta, rho, NULL);
        const double dphi = slope - rho * hard1;
        const double slack = 64.0 * DBL_EPSILON * (fabs(phi) + kmax * sp->l_scale * dmax);
        double alpha = 1.0;
        for (;;) {
            memcpy(sp->xt, x, (size_t)sp->nx * sizeof *x);
            pln_network_expand_delta(net, sp->dx, sp->xt); /* dx holds alpha dx */
            double pt = merit(st, sp->xt, forces, nc, mode, beta, rho, NULL);
            if (isfinite(pt) && pt <= phi + 1e-4 * alpha * fmin(dphi, 0.0) + slack) {
                break;
            }
            alpha *= 0.5;
            for (pln_idx r = 0; r < nr; r++) {
                sp->dx[r] *= 0.5;
            }
            if (alpha < 1e-12) {
                PLN_FAIL(st->ctx, PLN_ENOCONV,
                         "Newton for the spring equilibrium: the line search found no decrease "
                         "after %lld iterations: residual force %.3g N (tolerance %.3g), "
                         "imposed-value residual %.3g",
                         (long long)it, fres, ftol, cres);
            }
        }
        memcpy(x, sp->xt, (size_t)sp->nx * sizeof *x);
        ns->iterations++;
        ns->total_iterations++;
    }
}

/* ------------------------------------------------------------------ the public calls */

static pln_status spring_factor(pln_states *st)
{
    pln_i_spring_states *sp = st->sp;
    if (!sp->linear) {
        sp->checked = false; /* the next free solve factors a Hessian at least once */
        return PLN_OK;
    }
    if (sp->nr == 0) {
        return PLN_OK;
    }
    bool ok = false;
    PLN_TRY(factor_or_explain(st, &ok));
    if (!ok) {
        return underconstrained(st);
    }
    return PLN_OK;
}

static pln_status check_columns(pln_states *st, pln_idx nrhs)
{
    if (nrhs > st->max_rhs) {
        PLN_FAIL_KEY(st->ctx, PLN_EINVAL, "max_rhs",
                     "%lld spring states at once: at most max_rhs = %lld (each uses the forces "
                     "and strains of its free state)",
                     (long long)nrhs, (long long)st->max_rhs);
    }
    return PLN_OK;
}

static pln_status spring_free(pln_states *st, pln_idx nrhs, const pln_bc_values *vals, double *x,
                              double *o)
{
    pln_i_spring_states *sp = st->sp;
    const pln_network *net = st->net;
    PLN_TRY(check_columns(st, nrhs));
    const pln_idx ncf = sp->n_cur * sp->d;
    for (pln_idx j = 0; j < nrhs; j++) {
        const pln_bc_values *v = vals != NULL ? &vals[j] : NULL;
        double *xj = x + j * sp->nx;
        PLN_TRY(pln_network_fixed_potentials(net, v, xj));
        const double *fv = (v != NULL && v->currents != NULL) ? v->currents
                                                              : pln_network_current_values(net);
        const double *sv = (v != NULL && v->sources != NULL) ? v->sources
                                                             : pln_network_source_values(net);
        memcpy(sp->col_forces + j * ncf, fv, (size_t)ncf * sizeof *fv);
        memcpy(sp->col_src + j * sp->n_src, sv, (size_t)sp->n_src * sizeof *sv);
        memcpy(sp->tgt, sv, (size_t)sp->n_src * sizeof *sv);
        if (sp->has_warm[j]) {
            /* the free components start where the last free state of this column ended */
            const double *wj = sp->warm + j * sp->nx;
            for (pln_idx q = 0; q < sp->nx; q++) {
                if (pln_network_dof_index(net, q / sp->d, (int)(q % sp->d)) >= 0) {
                    xj[q] = wj[q];
                }
            }
        }
        if (sp->nr > 0) {
            PLN_TRY(newton(st, xj, sp->col_forces + j * ncf, sp->n_src, C_FREE, 0.0));
        }
        memcpy(sp->warm + j * sp->nx, xj, (size_t)sp->nx * sizeof *xj);
        sp->has_warm[j] = true;
        if (o != NULL) {
            pln_network_read_outputs(net, st->n_out, st->outs, xj, o + j * st->n_out);
        }
    }
    return PLN_OK;
}

static pln_status spring_set_warm(pln_states *st, pln_idx nrhs, const double *x)
{
    pln_i_spring_states *sp = st->sp;
    PLN_TRY(check_columns(st, nrhs));
    for (pln_idx j = 0; j < nrhs; j++) {
        if (x != NULL) {
            memcpy(sp->warm + j * sp->nx, x + j * sp->nx, (size_t)sp->nx * sizeof *x);
        }
        sp->has_warm[j] = x != NULL;
    }
    return PLN_OK;
}

static pln_status constrained(pln_states *st, pln_idx nrhs, const double *x_free,
                              const double *values, cmode mode, double beta, double *x_out,
                              double *o_out)
{
    pln_i_spring_states *sp = st->sp;
    PLN_TRY(check_columns(st, nrhs));
    const pln_idx ncf = sp->n_cur * sp->d, no = st->n_out;
    for (pln_idx j = 0; j < nrhs; j++) {
        double *xj = x_out + j * sp->nx;
        if (xj != x_free + j * sp->nx) {
            memcpy(xj, x_free + j * sp->nx, (size_t)sp->nx * sizeof *xj);
        }
        memcpy(sp->tgt, sp->col_src + j * sp->n_src, (size_t)sp->n_src * sizeof *sp->tgt);
        memcpy(sp->tgt + sp->n_src, values + j * no, (size_t)no * sizeof *sp->tgt);
        if (sp->nr > 0) {
            PLN_TRY(newton(st, xj, sp->col_forces + j * ncf, sp->c_all, mode, beta));
        }
        if (o_out != NULL) {
            pln_network_read_outputs(st->net, no, st->outs, xj, o_out + j * no);
        }
    }
    return PLN_OK;
}

static pln_status spring_clamp(pln_states *st, pln_idx nrhs, const double *x_free,
                               const double *o_clamp, double *x_out, double *o_out)
{
    return constrained(st, nrhs, x_free, o_clamp, C_CLAMP, 0.0, x_out, o_out);
}

static pln_status spring_nudge(pln_states *st, pln_idx nrhs, const double *x_free,
                               const double *targets, double beta, double *x_out,
                               double *o_out)
{
    return constrained(st, nrhs, x_free, targets, C_NUDGE, beta, x_out, o_out);
}

const pln_i_states_ops pln_i_spring_states_ops = {
    false,         spring_create, spring_destroy, spring_factor,   spring_free,
    spring_clamp,  spring_nudge,   spring_set_warm, spring_newton_stats,
};
