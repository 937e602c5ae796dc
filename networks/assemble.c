/* assemble.c — the reduced system of a linear network: pattern built once, values refilled in place, right-hand sides, expansion to node potentials, and edge quantities. */
#include "network_impl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int entry_cmp(const void *a, const void *b)
{
    const pln_i_entry *x = a, *y = b;
    if (x->col != y->col) {
        return x->col < y->col ? -1 : 1;
    }
    return (x->row > y->row) - (x->row < y->row);
}

pln_idx pln_i_csc_find(const pln_csc *A, pln_idx row, pln_idx col)
{
    if (row < col) {
        pln_idx t = row;
        row = col;
        col = t;
    }
    /* Bisection in the sorted column. */
    pln_idx lo = A->p[col], hi = A->p[col + 1];
    while (lo < hi) {
        pln_idx mid = lo + (hi - lo) / 2;
        if (A->i[mid] < row) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return (lo < A->p[col + 1] && A->i[lo] == row) ? lo : -1;
}

pln_status pln_i_network_pattern_from_entries(pln_network *net, pln_i_entry *ent, pln_idx ne)
{
    pln_ctx *ctx = net->ctx;
    const pln_idx nr = net->nr;
    qsort(ent, (size_t)ne, sizeof *ent, entry_cmp);
    pln_idx nnz = 0;
    for (pln_idx q = 0; q < ne; q++) {
        if (q == 0 || ent[q].col != ent[q - 1].col || ent[q].row != ent[q - 1].row) {
            ent[nnz++] = ent[q];
        }
    }
    net->A.n = nr;
    net->A.nnz = nnz;
    PLN_ALLOC(ctx, net->A.p, nr + 1);
    PLN_ALLOC(ctx, net->A.i, nnz);
    PLN_ALLOC(ctx, net->A.x, nnz);
    for (pln_idx q = 0; q < nnz; q++) {
        net->A.p[ent[q].col + 1]++;
        net->A.i[q] = ent[q].row;
    }
    for (pln_idx c = 0; c < nr; c++) {
        net->A.p[c + 1] += net->A.p[c];
    }
    return PLN_OK;
}

pln_status pln_i_network_build_pattern(pln_network *net)
{
    pln_ctx *ctx = net->ctx;
    pln_status st = PLN_OK;
    pln_i_entry *ent = NULL;
    const pln_idx nr = net->nr;
    pln_idx cap = nr + net->m, ne = 0;
    PLN_ALLOC_GOTO(ctx, st, ent, cap);
    for (pln_idx r = 0; r < nr; r++) {
        ent[ne++] = (pln_i_entry){r, r};
    }
    for (pln_idx e = 0; e < net->m; e++) {
        pln_idx a = net->group[net->tail[e]], b = net->group[net->head[e]];
        if (a >= 0 && b >= 0 && a != b) {
            ent[ne++] = (pln_i_entry){a < b ? a : b, a < b ? b : a};
        }
    }
    PLN_TRY_GOTO(st, pln_i_network_pattern_from_entries(net, ent, ne));
    PLN_ALLOC_GOTO(ctx, st, net->slot_tt, net->m);
    PLN_ALLOC_GOTO(ctx, st, net->slot_hh, net->m);
    PLN_ALLOC_GOTO(ctx, st, net->slot_th, net->m);
    for (pln_idx e = 0; e < net->m; e++) {
        pln_idx a = net->group[net->tail[e]], b = net->group[net->head[e]];
        net->slot_tt[e] = net->slot_hh[e] = net->slot_th[e] = -1;
        if (a >= 0 && a == b) {
            continue; /* both ends in one group: the drop is fixed, nothing enters A */
        }
        if (a >= 0) {
            net->slot_tt[e] = pln_i_csc_find(&net->A, a, a);
        }
        if (b >= 0) {
            net->slot_hh[e] = pln_i_csc_find(&net->A, b, b);
        }
        if (a >= 0 && b >= 0) {
            net->slot_th[e] = pln_i_csc_find(&net->A, a < b ? b : a, a < b ? a : b);
        }
    }
done:
    pln_i_free(ent);
    return st;
}

void pln_i_network_refill(pln_network *net)
{
    if (net->spring) {
        pln_i_spring_refill(net);
        return;
    }
    double *x = net->A.x;
    memset(x, 0, (size_t)net->A.nnz * sizeof *x);
    for (pln_idx e = 0; e < net->m; e++) {
        const double k = net->k[e];
        if (net->slot_tt[e] >= 0) {
            x[net->slot_tt[e]] += k;
        }
        if (net->slot_hh[e] >= 0) {
            x[net->slot_hh[e]] += k;
        }
        if (net->slot_th[e] >= 0) {
            x[net->slot_th[e]] -= k;
        }
    }
}

pln_status pln_network_fixed_potentials(const pln_network *net, const pln_bc_values *v,
                                        double *p0)
{
    if (net->spring) {
        return pln_i_spring_fixed_positions(net, v, p0);
    }
    const double *dv = (v != NULL && v->dirichlet != NULL) ? v->dirichlet : net->dir_vals;
    const double *sv = (v != NULL && v->sources != NULL) ? v->sources : net->src_vals;
    /* Walk each tree from its root: a child differs from its parent by the source's drop. */
    for (pln_idx q = 0; q < net->n; q++) {
        const pln_idx i = net->order[q];
        const pln_idx par = net->parent[i];
        if (par < 0) {
            p0[i] = net->dir_slot[i] >= 0 ? dv[net->dir_slot[i]] : 0.0;
            continue;
        }
        const pln_idx a = net->parent_src[i];
        const pln_idx e = net->src_edges[a];
        /* p_tail - p_head = v */
        p0[i] = net->tail[e] == i ? p0[par] + sv[a] : p0[par] - sv[a];
    }
    /* Other Dirichlet nodes reached through sources, and loops of sources, must agree. */
    for (pln_idx a = 0; a < net->bc.n_dirichlet; a++) {
        pln_idx i = net->dir_nodes[a];
        if (net->parent[i] >= 0) {
            double tol = 1e-12 * fmax(1.0, fmax(fabs(dv[a]), fabs(p0[i])));
            if (fabs(p0[i] - dv[a]) > tol) {
                PLN_FAIL_NODE(net->ctx, PLN_EINVAL, i,
                              "node %lld is fixed at %g but edge sources joining it to node %lld "
                              "(fixed at %g) imply %g",
                              (long long)i, dv[a], (long long)net->root_of[i],
                              p0[net->root_of[i]], p0[i]);
            }
        }
    }
    for (pln_idx c = 0; c < net->n_cycle_src; c++) {
        pln_idx a = net->cycle_src[c];
        pln_idx e = net->src_edges[a];
        double got = p0[net->tail[e]] - p0[net->head[e]];
        if (fabs(got - sv[a]) > 1e-12 * fmax(1.0, fabs(sv[a]))) {
            PLN_FAIL_EDGE(net->ctx, PLN_EINVAL, e,
                          "edge source on edge %lld (drop %g) closes a loop of edge sources "
                          "whose drops sum to %g: Kirchhoff's voltage law cannot hold",
                          (long long)e, sv[a], got);
        }
    }
    return PLN_OK;
}

void pln_network_rhs_fixed(const pln_network *net, const double *p0, const double *currents,
                           double *f)
{
    if (net->spring) {
        pln_i_spring_rhs_fixed(net, p0, currents, f);
        return;
    }
    const double *cv = currents != NULL ? currents : net->cur_vals;
    memset(f, 0, (size_t)net->nr * sizeof *f);
    for (pln_idx a = 0; a < net->bc.n_currents; a++) {
        pln_idx g = net->group[net->cur_nodes[a]];
        if (g >= 0) {
            f[g] += cv[a];
        }
    }
    /* f = P^T (J - L p0): the current each edge carries under p0 alone, moved to the rhs. */
    for (pln_idx e = 0; e < net->m; e++) {
        const pln_idx t = net->tail[e], h = net->head[e];
        const pln_idx a = net->group[t], b = net->group[h];
        if (a == b) {
            continue;
        }
        const double q = net->k[e] * (p0[t] - p0[h]);
        if (a >= 0) {
            f[a] -= q;
        }
        if (b >= 0) {
            f[b] += q;
        }
    }
}

pln_status pln_network_rhs(const pln_network *net, const pln_bc_values *v, double *f)
{
    PLN_TRY(pln_network_fixed_potentials(net, v, net->work_n));
    pln_network_rhs_fixed(net, net->work_n, v != NULL ? v->currents : NULL, f);
    return PLN_OK;
}

pln_status pln_network_expand(const pln_network *net, const double *x, const pln_bc_values *v,
                              double *p)
{
    PLN_TRY(pln_network_fixed_potentials(net, v, p));
    pln_network_expand_delta(net, x, p);
    return PLN_OK;
}

void pln_network_expand_delta(const pln_network *net, const double *dx, double *p)
{
    if (net->spring) {
        pln_i_spring_expand_delta(net, dx, p);
        return;
    }
    for (pln_idx i = 0; i < net->n; i++) {
        const pln_idx g = net->group[i];
        if (g >= 0) {
            p[i] += dx[g];
        }
    }
}

void pln_network_edge_drops(const pln_network *net, const double *p, double *dp)
{
    if (net->spring) {
        for (pln_idx e = 0; e < net->m; e++) {
            dp[e] = pln_i_spring_length(net, p, e) - net->l[e];
        }
        return;
    }
    for (pln_idx e = 0; e < net->m; e++) {
        dp[e] = p[net->tail[e]] - p[net->head[e]];
    }
}

void pln_network_edge_currents(const pln_network *net, const double *p, double *q)
{
    if (net->spring) {
        for (pln_idx e = 0; e < net->m; e++) {
            q[e] = net->k[e] * (pln_i_spring_length(net, p, e) - net->l[e]);
        }
        return;
    }
    if (net->circ != NULL) {
        for (pln_idx e = 0; e < net->m; e++) {
            q[e] = pln_i_edge_current(net, e, p[net->tail[e]] - p[net->head[e]]);
        }
        return;
    }
    for (pln_idx e = 0; e < net->m; e++) {
        q[e] = net->k[e] * (p[net->tail[e]] - p[net->head[e]]);
    }
}

double pln_network_power(const pln_network *net, const double *p)
{
    if (net->spring) {
        return 0.0;
    }
    double w = 0.0;
    if (net->circ != NULL) { /* V I of each element, exactly */
        for (pln_idx e = 0; e < net->m; e++) {
            const double d = p[net->tail[e]] - p[net->head[e]];
            w += d * pln_i_edge_current(net, e, d);
        }
        return w;
    }
    for (pln_idx e = 0; e < net->m; e++) {
        const double d = p[net->tail[e]] - p[net->head[e]];
        w += net->k[e] * d * d;
    }
    return w;
}

double pln_network_energy(const pln_network *net, const double *x)
{
    double w = 0.0;
    if (net->circ != NULL) { /* the co-content, k dp^2 / 2 for each resistor */
        for (pln_idx e = 0; e < net->m; e++) {
            w += pln_i_edge_cocontent(net, e, x[net->tail[e]] - x[net->head[e]]);
        }
        return w;
    }
    for (pln_idx e = 0; e < net->m; e++) {
        const double d = net->spring ? pln_i_spring_length(net, x, e) - net->l[e]
                                     : x[net->tail[e]] - x[net->head[e]];
        w += 0.5 * net->k[e] * d * d;
    }
    return w;
}

void pln_network_param_signals(const pln_network *net, pln_param param, const double *p,
                               double *s)
{
    if (net->spring) {
        for (pln_idx e = 0; e < net->m; e++) {
            const double ext = pln_i_spring_length(net, p, e) - net->l[e];
            s[e] = param == PLN_PARAM_REST_LENGTH ? -net->k[e] * ext : 0.5 * ext * ext;
        }
        return;
    }
    if (net->circ != NULL) { /* each edge's learnable parameter: dp^2 for a resistor */
        pln_i_circuit_learn_signals(net, p, s);
        return;
    }
    for (pln_idx e = 0; e < net->m; e++) {
        const double d = p[net->tail[e]] - p[net->head[e]];
        s[e] = d * d;
    }
}

void pln_network_signals(const pln_network *net, const double *p, double *s)
{
    pln_network_param_signals(net, net->sig, p, s);
}

double pln_network_supplied_power(const pln_network *net, const double *p)
{
    if (net->spring) {
        return 0.0;
    }
    /* c_i: current node i sends into the resistive edges beyond what is injected there; the
     * sources must supply it. Walking each source tree from its leaves moves c up to the root
     * through the edge sources (each adds c times its rise), and a fixed root supplies the
     * rest at its potential. A free root's remainder is Kirchhoff's residual and is left out,
     * so any violation of current balance shows as a mismatch with pln_network_power. */
    double *c = net->work_n;
    memset(c, 0, (size_t)net->n * sizeof *c);
    for (pln_idx e = 0; e < net->m; e++) {
        const double q = pln_i_edge_current(net, e, p[net->tail[e]] - p[net->head[e]]);
        c[net->tail[e]] += q;
        c[net->head[e]] -= q;
    }
    double w = 0.0;
    for (pln_idx a = 0; a < net->bc.n_currents; a++) {
        const pln_idx i = net->cur_nodes[a];
        w += net->cur_vals[a] * p[i];
        c[i] -= net->cur_vals[a];
    }
    for (pln_idx q = net->n; q-- > 0;) {
        const pln_idx i = net->order[q];
        const pln_idx par = net->parent[i];
        if (par >= 0) {
            w += c[i] * (p[i] - p[par]);
            c[par] += c[i];
        } else if (net->dir_slot[i] >= 0) {
            w += c[i] * p[i];
        }
    }
    return w;
}

pln_status pln_network_kcl_check(pln_ctx *ctx, const pln_network *net, const double *p,
                                 pln_kcl_report *out)
{
    out->node = -1;
    out->residual = 0.0;
    out->relative = 0.0;
    if (net->spring) {
        return PLN_OK;
    }
    /* As pln_network_supplied_power: c_i the current node i sends into the edges beyond what
     * is injected, s_i the sum of the magnitudes of those currents; both move up each source
     * tree to its root, where a free root's c is Kirchhoff's residual of the tree. */
    double *c = pln_i_calloc((size_t)(net->n > 0 ? net->n : 1), sizeof *c);
    double *sc = pln_i_calloc((size_t)(net->n > 0 ? net->n : 1), sizeof *sc);
    if (c == NULL || sc == NULL) {
        pln_i_free(c);
        pln_i_free(sc);
        PLN_FAIL(ctx, PLN_ENOMEM, "out of memory (Kirchhoff check)");
    }
    for (pln_idx e = 0; e < net->m; e++) {
        const double q = pln_i_edge_current(net, e, p[net->tail[e]] - p[net->head[e]]);
        c[net->tail[e]] += q;
        c[net->head[e]] -= q;
        sc[net->tail[e]] += fabs(q);
        sc[net->head[e]] += fabs(q);
    }
    for (pln_idx a = 0; a < net->bc.n_currents; a++) {
        const pln_idx i = net->cur_nodes[a];
        c[i] -= net->cur_vals[a];
        sc[i] += fabs(net->cur_vals[a]);
    }
    for (pln_idx q = net->n; q-- > 0;) {
        const pln_idx i = net->order[q];
        const pln_idx par = net->parent[i];
        if (par >= 0) {
            c[par] += c[i];
            sc[par] += sc[i];
        } else if (net->dir_slot[i] < 0 && sc[i] > 0.0) {
            const double rel = fabs(c[i]) / sc[i];
            if (!(rel <= out->relative)) {
                out->relative = rel;
                out->residual = c[i];
                out->node = i;
            }
        }
    }
    pln_i_free(c);
    pln_i_free(sc);
    return PLN_OK;
}

pln_status pln_network_output_matrix(const pln_network *net, pln_idx n_out, const pln_output *outs,
                                     double *E)
{
    if (net->spring) {
        return pln_i_spring_output_matrix(net, n_out, outs, E);
    }
    memset(E, 0, (size_t)(net->nr * n_out) * sizeof *E);
    for (pln_idx o = 0; o < n_out; o++) {
        double *col = E + o * net->nr;
        const pln_idx id = outs[o].index;
        if (outs[o].kind != PLN_OUT_NODE && outs[o].kind != PLN_OUT_EDGE) {
            PLN_FAIL_NODE(net->ctx, PLN_EINVAL, id,
                          "output %lld: a displacement along an axis is an output of spring "
                          "networks only (this is %s)",
                          (long long)o, pln_kind_name(net->kind));
        }
        if (outs[o].kind == PLN_OUT_NODE) {
            if (id < 0 || id >= net->n) {
                PLN_FAIL_NODE(net->ctx, PLN_EINVAL, id, "output node %lld does not exist",
                              (long long)id);
            }
            if (net->group[id] < 0) {
                PLN_FAIL_NODE(net->ctx, PLN_EINVAL, id,
                              "output node %lld has a fixed potential (ground, source, or joined "
                              "to one by edge sources) and cannot be an output",
                              (long long)id);
            }
            col[net->group[id]] = 1.0;
        } else {
            if (id < 0 || id >= net->m) {
                PLN_FAIL_EDGE(net->ctx, PLN_EINVAL, id, "output edge %lld does not exist",
                              (long long)id);
            }
            const pln_idx a = net->group[net->tail[id]], b = net->group[net->head[id]];
            if (a == b) {
                PLN_FAIL_EDGE(net->ctx, PLN_EINVAL, id,
                              "output edge %lld has a drop fixed by the boundary and cannot be "
                              "an output",
                              (long long)id);
            }
            if (a >= 0) {
                col[a] += 1.0;
            }
            if (b >= 0) {
                col[b] -= 1.0;
            }
        }
    }
    return PLN_OK;
}

void pln_network_read_outputs(const pln_network *net, pln_idx n_out, const pln_output *outs,
                              const double *p, double *o)
{
    if (net->spring) {
        pln_i_spring_read_outputs(net, n_out, outs, p, o);
        return;
    }
    for (pln_idx q = 0; q < n_out; q++) {
        const pln_idx id = outs[q].index;
        o[q] = outs[q].kind == PLN_OUT_NODE ? p[id] : p[net->tail[id]] - p[net->head[id]];
    }
}
