/* states.c — free, clamped and nudged states of a linear network from one factorization: Z = A^{-1} E_O, S = E_O^T Z (SPEC 2). */
#include "states_impl.h"

#include <math.h>
#include <string.h>

void pln_states_options_default(pln_states_options *o)
{
    o->type = pln_solver_cholmod;
    pln_solver_options_default(&o->solver);
    o->max_rhs = 1;
    o->newton_tol = 1e-10;
    o->newton_max_iter = 50;
    o->hessian = PLN_HESSIAN_FULL;
}

void pln_states_destroy(pln_states *st)
{
    if (st == NULL) {
        return;
    }
    pln_solver_destroy(st->solver);
    if (st->nl != NULL) {
        st->nl->destroy(st);
    }
    void *arrays[] = {st->outs, st->E, st->Z, st->S, st->Sl, st->M,
                      st->piv,  st->f, st->x, st->dx, st->y};
    for (size_t a = 0; a < sizeof arrays / sizeof arrays[0]; a++) {
        pln_i_free(arrays[a]);
    }
    pln_i_free(st);
}

static bool outputs_dependent(pln_states *st);

pln_status pln_states_create(pln_ctx *ctx, pln_network *net, pln_idx n_out, const pln_output *outs,
                             const pln_states_options *opts, pln_states **out)
{
    pln_states_options o;
    pln_status s = PLN_OK;
    if (opts == NULL) {
        pln_states_options_default(&o);
    } else {
        o = *opts;
    }
    if (o.type == NULL) {
        o.type = pln_solver_cholmod;
    }
    if (o.max_rhs < 1) {
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "max_rhs", "max_rhs %lld must be >= 1",
                     (long long)o.max_rhs);
    }
    if (n_out < 0 || (n_out > 0 && outs == NULL)) {
        PLN_FAIL(ctx, PLN_EINVAL, "bad output list (%lld outputs)", (long long)n_out);
    }
    pln_states *st = pln_i_calloc(1, sizeof *st);
    if (st == NULL) {
        PLN_FAIL(ctx, PLN_ENOMEM, "out of memory creating states");
    }
    st->ctx = ctx;
    st->net = net;
    st->n = pln_network_n_nodes(net);
    st->nr = pln_network_n_reduced(net);
    st->n_out = n_out;
    st->max_rhs = o.max_rhs;
    PLN_ALLOC_GOTO(ctx, s, st->outs, n_out);
    if (n_out > 0) {
        memcpy(st->outs, outs, (size_t)n_out * sizeof *outs);
    }
    PLN_ALLOC_GOTO(ctx, s, st->E, st->nr * n_out);
    PLN_ALLOC_GOTO(ctx, s, st->Z, st->nr * n_out);
    PLN_ALLOC_GOTO(ctx, s, st->S, n_out * n_out);
    PLN_ALLOC_GOTO(ctx, s, st->Sl, n_out * n_out);
    PLN_ALLOC_GOTO(ctx, s, st->M, n_out * n_out);
    PLN_ALLOC_GOTO(ctx, s, st->piv, n_out);
    PLN_ALLOC_GOTO(ctx, s, st->f, st->nr * (st->max_rhs + n_out));
    PLN_ALLOC_GOTO(ctx, s, st->x, st->nr * (st->max_rhs + n_out));
    PLN_ALLOC_GOTO(ctx, s, st->dx, st->nr);
    PLN_ALLOC_GOTO(ctx, s, st->y, n_out);
    PLN_TRY_GOTO(s, pln_network_output_matrix(net, n_out, outs, st->E));
    st->outs_dependent = outputs_dependent(st);
    /* Nonlinear kinds keep their own workspaces behind a table of operations. */
    if (pln_network_state_dim(net) > 1) {
        st->nl = &pln_i_spring_states_ops;
    } else if (pln_network_is_nonlinear(net)) {
        st->nl = &pln_i_circuit_states_ops;
    }
    if (st->nl != NULL && st->nl->exact_pivots) {
        o.solver.pivot_tol = 0.0;
    }
    /* Newton refactorizes every iteration: a kept factor is not used there (yet), so the
     * states of nonlinear kinds take the direct route whatever solver.refactor says. */
    if (st->nl != NULL) {
        o.solver.refactor = PLN_REFACTOR_ALWAYS;
    }
    PLN_TRY_GOTO(s, pln_solver_create(ctx, o.type, &o.solver, &st->solver));
    if (st->nl != NULL) {
        PLN_TRY_GOTO(s, st->nl->create(st, &o));
    }
    if (st->nr > 0) {
        PLN_TRY_GOTO(s, pln_solver_analyze(st->solver, pln_network_matrix(net)));
    }
    *out = st;
    return PLN_OK;
done:
    pln_states_destroy(st);
    return s;
}

/* Dense Cholesky of the small SPD matrix S (row-major): fails when outputs are dependent. */
static int small_cholesky(const double *S, double *L, pln_idx n)
{
    for (pln_idx i = 0; i < n; i++) {
        for (pln_idx j = 0; j <= i; j++) {
            double s = S[i * n + j];
            for (pln_idx k = 0; k < j; k++) {
                s -= L[i * n + k] * L[j * n + k];
            }
            if (i == j) {
                /* A pivot this small relative to S's diagonal means dependent outputs. */
                if (!(s > 1e-13 * fabs(S[i * n + i]))) {
                    return -1;
                }
                L[i * n + i] = sqrt(s);
            } else {
                L[i * n + j] = s / L[j * n + j];
            }
        }
        for (pln_idx j = i + 1; j < n; j++) {
            L[i * n + j] = 0.0;
        }
    }
    return 0;
}

static void small_cholesky_solve(const double *L, pln_idx n, double *b)
{
    for (pln_idx i = 0; i < n; i++) {
        double s = b[i];
        for (pln_idx k = 0; k < i; k++) {
            s -= L[i * n + k] * b[k];
        }
        b[i] = s / L[i * n + i];
    }
    for (pln_idx i = n; i-- > 0;) {
        double s = b[i];
        for (pln_idx k = i + 1; k < n; k++) {
            s -= L[k * n + i] * b[k];
        }
        b[i] = s / L[i * n + i];
    }
}

/* LU with partial pivoting in place (row-major); I/beta + S can be indefinite for beta < 0.
 * A zero (or NaN) pivot means a singular matrix. Shared with states_spring.c. */
int pln_i_small_lu(double *M, int *piv, pln_idx n)
{
    for (pln_idx c = 0; c < n; c++) {
        pln_idx p = c;
        for (pln_idx r = c + 1; r < n; r++) {
            if (fabs(M[r * n + c]) > fabs(M[p * n + c])) {
                p = r;
            }
        }
        piv[c] = (int)p;
        if (!(fabs(M[p * n + c]) > 0.0)) {
            return -1;
        }
        if (p != c) {
            for (pln_idx k = 0; k < n; k++) {
                double t = M[c * n + k];
                M[c * n + k] = M[p * n + k];
                M[p * n + k] = t;
            }
        }
        for (pln_idx r = c + 1; r < n; r++) {
            M[r * n + c] /= M[c * n + c];
            for (pln_idx k = c + 1; k < n; k++) {
                M[r * n + k] -= M[r * n + c] * M[c * n + k];
            }
        }
    }
    return 0;
}

void pln_i_small_lu_solve(const double *M, const int *piv, pln_idx n, double *b)
{
    for (pln_idx c = 0; c < n; c++) {
        if (piv[c] != c) {
            double t = b[c];
            b[c] = b[piv[c]];
            b[piv[c]] = t;
        }
    }
    for (pln_idx i = 0; i < n; i++) {
        for (pln_idx k = 0; k < i; k++) {
            b[i] -= M[i * n + k] * b[k];
        }
    }
    for (pln_idx i = n; i-- > 0;) {
        for (pln_idx k = i + 1; k < n; k++) {
            b[i] -= M[i * n + k] * b[k];
        }
        b[i] /= M[i * n + i];
    }
}

/* S = E^T A^{-1} E is positive definite exactly when E has independent columns (A is), so
 * whether outputs can be clamped separately is known from E alone: its Gram matrix. */
static bool outputs_dependent(pln_states *st)
{
    const pln_idx no = st->n_out, nr = st->nr;
    if (no == 0) {
        return false;
    }
    for (pln_idx a = 0; a < no; a++) {
        for (pln_idx b = 0; b < no; b++) {
            double sum = 0.0;
            for (pln_idx r = 0; r < nr; r++) {
                sum += st->E[a * nr + r] * st->E[b * nr + r];
            }
            st->S[a * no + b] = sum;
        }
    }
    return small_cholesky(st->S, st->Sl, no) != 0;
}

static pln_status dependent_error(pln_states *st)
{
    PLN_FAIL(st->ctx, PLN_ESINGULAR,
             "the %lld outputs are not independent (one is fixed by the others): they "
             "cannot be clamped separately",
             (long long)st->n_out);
}

/* S = E^T Z and its Cholesky factor, once Z = A^{-1} E is in st->Z. */
static pln_status finish_z(pln_states *st)
{
    const pln_idx no = st->n_out;
    for (pln_idx a = 0; a < no; a++) {
        for (pln_idx b = 0; b < no; b++) {
            double sum = 0.0;
            const double *ea = st->E + a * st->nr, *zb = st->Z + b * st->nr;
            for (pln_idx r = 0; r < st->nr; r++) {
                sum += ea[r] * zb[r];
            }
            st->S[a * no + b] = sum;
        }
    }
    /* Symmetrize: S is symmetric in exact arithmetic. */
    for (pln_idx a = 0; a < no; a++) {
        for (pln_idx b = 0; b < a; b++) {
            double v = 0.5 * (st->S[a * no + b] + st->S[b * no + a]);
            st->S[a * no + b] = st->S[b * no + a] = v;
        }
    }
    if (small_cholesky(st->S, st->Sl, no) != 0) {
        return dependent_error(st);
    }
    st->z_pending = false;
    return PLN_OK;
}

/* Z by itself, when a clamp or nudge comes before any free solve after a factorization. */
static pln_status ensure_z(pln_states *st)
{
    if (!st->z_pending) {
        return PLN_OK;
    }
    PLN_TRY(pln_solver_solve(st->solver, st->n_out, st->E, st->Z));
    return finish_z(st);
}

pln_status pln_states_factor(pln_states *st)
{
    st->factored = false;
    if (st->nl != NULL) {
        PLN_TRY(st->nl->factor(st));
        st->factored = true;
        return PLN_OK;
    }
    if (st->nr == 0) {
        st->factored = true;
        return PLN_OK;
    }
    pln_status s = pln_solver_factor(st->solver, pln_network_matrix(st->net));
    if (s == PLN_ESINGULAR) {
        pln_idx col = pln_solver_failed_column(st->solver);
        pln_idx node = pln_network_reduced_node(st->net, col);
        PLN_FAIL_NODE(st->ctx, PLN_ESINGULAR, node,
                      "the network's matrix is not positive definite at node %lld (a conductance "
                      "too small or too large for double precision?)",
                      (long long)node);
    }
    PLN_TRY(s);
    if (st->n_out > 0) {
        if (st->outs_dependent) {
            return dependent_error(st);
        }
        st->z_pending = true;
    }
    st->factored = true;
    return PLN_OK;
}

pln_status pln_states_free(pln_states *st, pln_idx nrhs, const pln_bc_values *vals, double *p,
                           double *o)
{
    if (!st->factored) {
        PLN_FAIL(st->ctx, PLN_EINVAL, "states are not factored: call pln_states_factor first");
    }
    if (vals == NULL && nrhs != 1) {
        PLN_FAIL(st->ctx, PLN_EINVAL, "%lld states asked with the stored boundary values: pass "
                                      "one pln_bc_values per state",
                 (long long)nrhs);
    }
    if (st->nl != NULL) {
        return st->nl->free(st, nrhs, vals, p, o);
    }
    const pln_idx n = st->n, nr = st->nr;
    for (pln_idx j0 = 0; j0 < nrhs; j0 += st->max_rhs) {
        const pln_idx nb = nrhs - j0 < st->max_rhs ? nrhs - j0 : st->max_rhs;
        for (pln_idx j = 0; j < nb; j++) {
            const pln_bc_values *v = vals != NULL ? &vals[j0 + j] : NULL;
            double *pj = p + (j0 + j) * n;
            PLN_TRY(pln_network_fixed_potentials(st->net, v, pj));
            pln_network_rhs_fixed(st->net, pj, v != NULL ? v->currents : NULL, st->f + j * nr);
        }
        /* The first block also solves E, one pass over the factor for both: Z is pending after
         * a factorization, and solving it every time keeps the number of right-hand sides
         * (hence the solver's workspaces) the same whatever the order of the calls. */
        const pln_idx nz = j0 == 0 ? st->n_out : 0;
        if (nz > 0) {
            memcpy(st->f + nb * nr, st->E, (size_t)(nz * nr) * sizeof *st->f);
        }
        if (nr > 0) {
            PLN_TRY(pln_solver_solve(st->solver, nb + nz, st->f, st->x));
        }
        if (nz > 0) {
            memcpy(st->Z, st->x + nb * nr, (size_t)(nz * nr) * sizeof *st->Z);
            PLN_TRY(finish_z(st));
        }
        for (pln_idx j = 0; j < nb; j++) {
            double *pj = p + (j0 + j) * n;
            pln_network_expand_delta(st->net, st->x + j * nr, pj);
            for (pln_idx i = 0; i < n; i++) {
                if (!isfinite(pj[i])) {
                    PLN_FAIL_NODE(st->ctx, PLN_ESINGULAR, i,
                                  "the potential of node %lld is not finite (%g): the system is "
                                  "singular or overflows",
                                  (long long)i, pj[i]);
                }
            }
            if (o != NULL) {
                pln_network_read_outputs(st->net, st->n_out, st->outs, pj,
                                         o + (j0 + j) * st->n_out);
            }
        }
    }
    return PLN_OK;
}

/* p_out = p_free + expand(Z y) for each column, y given per column in ys (n_out x nrhs). */
static void apply_correction(pln_states *st, const double *p_free, const double *y, double *p_out)
{
    const pln_idx nr = st->nr, no = st->n_out;
    if (p_out != p_free) {
        memcpy(p_out, p_free, (size_t)st->n * sizeof *p_out);
    }
    memset(st->dx, 0, (size_t)nr * sizeof *st->dx);
    for (pln_idx a = 0; a < no; a++) {
        const double ya = y[a];
        const double *za = st->Z + a * nr;
        for (pln_idx r = 0; r < nr; r++) {
            st->dx[r] += za[r] * ya;
        }
    }
    pln_network_expand_delta(st->net, st->dx, p_out);
}

pln_status pln_states_clamp(pln_states *st, pln_idx nrhs, const double *p_free,
                            const double *o_free, const double *o_clamp, double *p_out,
                            double *o_out)
{
    if (!st->factored) {
        PLN_FAIL(st->ctx, PLN_EINVAL, "states are not factored: call pln_states_factor first");
    }
    if (st->nl != NULL) {
        return st->nl->clamp(st, nrhs, p_free, o_clamp, p_out, o_out);
    }
    PLN_TRY(ensure_z(st));
    const pln_idx n = st->n, no = st->n_out;
    for (pln_idx j = 0; j < nrhs; j++) {
        for (pln_idx a = 0; a < no; a++) {
            st->y[a] = o_clamp[j * no + a] - o_free[j * no + a];
        }
        small_cholesky_solve(st->Sl, no, st->y);
        apply_correction(st, p_free + j * n, st->y, p_out + j * n);
        if (o_out != NULL) {
            pln_network_read_outputs(st->net, no, st->outs, p_out + j * n, o_out + j * no);
        }
    }
    return PLN_OK;
}

pln_status pln_states_nudge(pln_states *st, pln_idx nrhs, const double *p_free,
                            const double *o_free, const double *targets, double beta,
                            double *p_out, double *o_out)
{
    if (!st->factored) {
        PLN_FAIL(st->ctx, PLN_EINVAL, "states are not factored: call pln_states_factor first");
    }
    if (!(isfinite(beta) && beta != 0.0)) {
        PLN_FAIL_KEY(st->ctx, PLN_EINVAL, "nudge", "nudge beta = %g must be finite and non-zero",
                     beta);
    }
    if (st->nl != NULL) {
        return st->nl->nudge(st, nrhs, p_free, targets, beta, p_out, o_out);
    }
    PLN_TRY(ensure_z(st));
    const pln_idx n = st->n, no = st->n_out;
    /* (I/beta + S) y = T - o^F gives the minimiser of E + beta C (Woodbury on A + beta E E^T). */
    memcpy(st->M, st->S, (size_t)(no * no) * sizeof *st->M);
    for (pln_idx a = 0; a < no; a++) {
        st->M[a * no + a] += 1.0 / beta;
    }
    if (pln_i_small_lu(st->M, st->piv, no) != 0) {
        PLN_FAIL_KEY(st->ctx, PLN_ESINGULAR, "nudge",
                     "nudge beta = %g makes the nudged system singular (beta = -1/eigenvalue of "
                     "the output Green's function)",
                     beta);
    }
    for (pln_idx j = 0; j < nrhs; j++) {
        for (pln_idx a = 0; a < no; a++) {
            st->y[a] = targets[j * no + a] - o_free[j * no + a];
        }
        pln_i_small_lu_solve(st->M, st->piv, no, st->y);
        apply_correction(st, p_free + j * n, st->y, p_out + j * n);
        if (o_out != NULL) {
            pln_network_read_outputs(st->net, no, st->outs, p_out + j * n, o_out + j * no);
        }
    }
    return PLN_OK;
}

pln_status pln_states_set_warm(pln_states *st, pln_idx nrhs, const double *x)
{
    return st->nl != NULL ? st->nl->set_warm(st, nrhs, x) : PLN_OK;
}

void pln_states_newton_stats(const pln_states *st, pln_newton_stats *out)
{
    if (st->nl == NULL) {
        memset(out, 0, sizeof *out);
        return;
    }
    st->nl->newton_stats(st, out);
}

pln_network *pln_states_network(const pln_states *st) { return st->net; }
pln_solver *pln_states_solver(const pln_states *st) { return st->solver; }
pln_idx pln_states_n_out(const pln_states *st) { return st->n_out; }
const pln_output *pln_states_outputs(const pln_states *st) { return st->outs; }
