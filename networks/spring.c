/* spring.c — elastic spring networks (SPEC 1.2): parameters, pins, dof numbering, rigid-body check, d x d block pattern, energy, gradient, Hessian, strains and outputs. */
#include "network_impl.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ geometry */

double pln_i_spring_length(const pln_network *net, const double *x, pln_idx e)
{
    const int d = net->sd;
    const pln_idx t = net->tail[e], h = net->head[e];
    if (net->kind == PLN_KIND_SPRING_LINEAR) {
        /* r = L0 + n0 . (u_t - u_h), u = x - X0 */
        double r = net->L0[e];
        for (int c = 0; c < d; c++) {
            double du = (x[t * d + c] - net->pos[t * d + c]) - (x[h * d + c] - net->pos[h * d + c]);
            r += net->nrm[e * d + c] * du;
        }
        return r;
    }
    double r2 = 0.0;
    for (int c = 0; c < d; c++) {
        double v = x[t * d + c] - x[h * d + c];
        r2 += v * v;
    }
    return sqrt(r2);
}

/* dr/dx_tail (d values) at x; the head's is the negative. A zero-length edge has no direction:
 * its reference direction stands in (the energy is not differentiable there anyway). */
static double length_grad(const pln_network *net, const double *x, pln_idx e, double *n)
{
    const int d = net->sd;
    const pln_idx t = net->tail[e], h = net->head[e];
    if (net->kind == PLN_KIND_SPRING_LINEAR) {
        memcpy(n, net->nrm + e * d, (size_t)d * sizeof *n);
        return pln_i_spring_length(net, x, e);
    }
    double r2 = 0.0;
    for (int c = 0; c < d; c++) {
        n[c] = x[t * d + c] - x[h * d + c];
        r2 += n[c] * n[c];
    }
    double r = sqrt(r2);
    if (r > 0.0) {
        for (int c = 0; c < d; c++) {
            n[c] /= r;
        }
    } else {
        memcpy(n, net->nrm + e * d, (size_t)d * sizeof *n);
    }
    return r;
}

double pln_network_edge_strain(const pln_network *net, const double *x, pln_idx e, double *grad)
{
    if (!net->spring || e < 0 || e >= net->m) {
        return NAN;
    }
    double n[3];
    double r = length_grad(net, x, e, n);
    if (grad != NULL) {
        for (int c = 0; c < net->sd; c++) {
            grad[c] = n[c] / net->L0[e];
        }
    }
    return (r - net->L0[e]) / net->L0[e];
}

/* ------------------------------------------------------------------ creation */

static pln_status init_parameters(pln_network *net, const pln_graph *g,
                                  const pln_network_options *o)
{
    pln_ctx *ctx = net->ctx;
    const pln_idx m = net->m;
    const int d = net->dim;
    PLN_ALLOC(ctx, net->k, m);
    PLN_ALLOC(ctx, net->l, m);
    PLN_ALLOC(ctx, net->L0, m);
    PLN_ALLOC(ctx, net->nrm, m * d);
    for (pln_idx e = 0; e < m; e++) {
        double r2 = 0.0;
        for (int c = 0; c < d; c++) {
            double v = net->pos[net->tail[e] * d + c] - net->pos[net->head[e] * d + c];
            net->nrm[e * d + c] = v;
            r2 += v * v;
        }
        double L = sqrt(r2);
        if (!(L > 0.0 && isfinite(L))) {
            PLN_FAIL_EDGE(ctx, PLN_EINVAL, e,
                          "edge %lld joins nodes %lld and %lld at the same position: a spring "
                          "needs a reference length > 0",
                          (long long)e, (long long)net->tail[e], (long long)net->head[e]);
        }
        net->L0[e] = L;
        for (int c = 0; c < d; c++) {
            net->nrm[e * d + c] /= L;
        }
    }
    const double *kg = pln_graph_edge_attr(g, "stiffness");
    const double *lg = pln_graph_edge_attr(g, "rest_length");
    if (!(isfinite(o->default_stiffness) && o->default_stiffness > 0.0)) {
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "default_stiffness",
                     "default stiffness %g must be finite and > 0", o->default_stiffness);
    }
    for (pln_idx e = 0; e < m; e++) {
        net->k[e] = kg != NULL ? kg[e] : o->default_stiffness;
        net->l[e] = lg != NULL ? lg[e] : net->L0[e];
        if (!(isfinite(net->k[e]) && net->k[e] > 0.0)) {
            PLN_FAIL_EDGE(ctx, PLN_EINVAL, e,
                          "edge %lld has stiffness %g N/m: it must be finite and > 0",
                          (long long)e, net->k[e]);
        }
        if (!(isfinite(net->l[e]) && net->l[e] >= 0.0)) {
            PLN_FAIL_EDGE(ctx, PLN_EINVAL, e,
                          "edge %lld has rest length %g m: it must be finite and >= 0",
                          (long long)e, net->l[e]);
        }
    }
    return PLN_OK;
}

/* Free components in node-major order, so a node's unknowns are consecutive and increase
 * with the axis (the pattern code relies on it). */
static pln_status number_dofs(pln_network *net)
{
    pln_ctx *ctx = net->ctx;
    const int d = net->sd;
    const pln_idx nd = net->n * d;
    PLN_ALLOC(ctx, net->dof, nd);
    PLN_ALLOC(ctx, net->dir_slot, net->n);
    for (pln_idx i = 0; i < net->n; i++) {
        net->dir_slot[i] = -1;
    }
    for (pln_idx a = 0; a < net->bc.n_dirichlet; a++) {
        const pln_idx i = net->dir_nodes[a];
        if (net->dir_slot[i] >= 0) {
            PLN_FAIL_NODE(ctx, PLN_EINVAL, i, "node %lld is pinned twice", (long long)i);
        }
        net->dir_slot[i] = a;
    }
    pln_idx r = 0;
    for (pln_idx i = 0; i < net->n; i++) {
        const pln_idx a = net->dir_slot[i];
        for (int c = 0; c < d; c++) {
            const bool held = a >= 0 && (net->dir_axes[a] & (1 << c)) != 0;
            net->dof[i * d + c] = held ? -1 : r++;
        }
    }
    net->nr = r;
    PLN_ALLOC(ctx, net->red_dof, r);
    for (pln_idx q = 0; q < nd; q++) {
        if (net->dof[q] >= 0) {
            net->red_dof[net->dof[q]] = q;
        }
    }
    /* Source edges: strains imposed once each, on edges whose strain the pins leave free. */
    bool *seen = NULL;
    PLN_ALLOC(ctx, seen, net->m);
    pln_status st = PLN_OK;
    for (pln_idx s = 0; s < net->bc.n_sources; s++) {
        const pln_idx e = net->src_edges[s];
        bool t_free = false, h_free = false;
        for (int c = 0; c < d; c++) {
            t_free = t_free || net->dof[net->tail[e] * d + c] >= 0;
            h_free = h_free || net->dof[net->head[e] * d + c] >= 0;
        }
        if (seen[e]) {
            st = PLN_ERR_EDGE(ctx, PLN_EINVAL, e, "edge %lld is given an imposed strain twice",
                              (long long)e);
            break;
        }
        if (!t_free && !h_free) {
            st = PLN_ERR_EDGE(ctx, PLN_EINVAL, e,
                              "edge %lld has an imposed strain but both its nodes are pinned",
                              (long long)e);
            break;
        }
        seen[e] = true;
    }
    pln_i_free(seen);
    return st;
}

static pln_idx uf_find(pln_idx *uf, pln_idx a)
{
    while (uf[a] != a) {
        uf[a] = uf[uf[a]];
        a = uf[a];
    }
    return a;
}

/* Rank of the columns of M (rows x cols, column-major, overwritten) by modified Gram-Schmidt;
 * a column whose remainder is below tol times its original norm is dependent. */
static int column_rank(double *M, pln_idx rows, int cols)
{
    int rank = 0;
    for (int j = 0; j < cols; j++) {
        double *v = M + (size_t)j * (size_t)rows;
        double n0 = 0.0;
        for (pln_idx q = 0; q < rows; q++) {
            n0 += v[q] * v[q];
        }
        for (int k = 0; k < rank; k++) {
            const double *u = M + (size_t)k * (size_t)rows;
            double dot = 0.0;
            for (pln_idx q = 0; q < rows; q++) {
                dot += u[q] * v[q];
            }
            for (pln_idx q = 0; q < rows; q++) {
                v[q] -= dot * u[q];
            }
        }
        double n1 = 0.0;
        for (pln_idx q = 0; q < rows; q++) {
            n1 += v[q] * v[q];
        }
        if (n0 > 0.0 && n1 > 1e-20 * n0) {
            double s = 1.0 / sqrt(n1);
            double *dst = M + (size_t)rank * (size_t)rows;
            for (pln_idx q = 0; q < rows; q++) {
                dst[q] = v[q] * s;
            }
            rank++;
        }
    }
    return rank;
}

/* Rigid-body motion `mode` (translations first, then rotations about the centroid cen) at
 * position p, component c. */
static double rigid_mode(int d, int mode, const double *p, const double *cen, int c)
{
    if (mode < d) {
        return mode == c ? 1.0 : 0.0;
    }
    double y[3] = {0.0, 0.0, 0.0};
    for (int a = 0; a < d; a++) {
        y[a] = p[a] - cen[a];
    }
    if (d == 2) {
        return c == 0 ? -y[1] : y[0];
    }
    /* rotation about axis (mode - 3): omega x y */
    const int ax = mode - 3;
    double w[3] = {0.0, 0.0, 0.0};
    w[ax] = 1.0;
    const double v[3] = {w[1] * y[2] - w[2] * y[1], w[2] * y[0] - w[0] * y[2],
                         w[0] * y[1] - w[1] * y[0]};
    return v[c];
}

/* Every connected component must have its rigid-body motions held by its pins: the count of
 * modes left free is rank(modes on the component) - rank(modes on its held components). */
static pln_status check_rigid(pln_network *net)
{
    pln_ctx *ctx = net->ctx;
    const int d = net->sd, nm = d * (d + 1) / 2;
    const pln_idx n = net->n;
    pln_status st = PLN_OK;
    pln_idx *uf = NULL, *start = NULL, *members = NULL, *fill = NULL;
    double *M = NULL, *H = NULL;
    PLN_ALLOC_GOTO(ctx, st, uf, n);
    for (pln_idx i = 0; i < n; i++) {
        uf[i] = i;
    }
    for (pln_idx e = 0; e < net->m; e++) {
        pln_idx a = uf_find(uf, net->tail[e]), b = uf_find(uf, net->head[e]);
        if (a != b) {
            uf[a < b ? b : a] = a < b ? a : b;
        }
    }
    /* Members of each component, grouped by root (counting sort). */
    PLN_ALLOC_GOTO(ctx, st, start, n + 1);
    PLN_ALLOC_GOTO(ctx, st, members, n);
    PLN_ALLOC_GOTO(ctx, st, fill, n);
    for (pln_idx i = 0; i < n; i++) {
        start[uf_find(uf, i) + 1]++;
    }
    for (pln_idx i = 0; i < n; i++) {
        start[i + 1] += start[i];
    }
    for (pln_idx i = 0; i < n; i++) {
        pln_idx c = uf_find(uf, i);
        members[start[c] + fill[c]++] = i;
    }
    pln_idx max_size = 0;
    for (pln_idx c = 0; c < n; c++) {
        if (start[c + 1] - start[c] > max_size) {
            max_size = start[c + 1] - start[c];
        }
    }
    PLN_ALLOC_GOTO(ctx, st, M, max_size * d * nm);
    PLN_ALLOC_GOTO(ctx, st, H, max_size * d * nm);
    for (pln_idx comp = 0; comp < n; comp++) {
        const pln_idx cnt = start[comp + 1] - start[comp];
        if (cnt == 0) {
            continue;
        }
        const pln_idx *mem = members + start[comp];
        double cen[3] = {0.0, 0.0, 0.0};
        for (pln_idx q = 0; q < cnt; q++) {
            for (int c = 0; c < d; c++) {
                cen[c] += net->pos[mem[q] * d + c] / (double)cnt;
            }
        }
        const pln_idx rows = cnt * d;
        pln_idx hrows = 0;
        for (pln_idx q = 0; q < cnt; q++) {
            for (int c = 0; c < d; c++) {
                hrows += net->dof[mem[q] * d + c] < 0;
            }
        }
        for (int mo = 0; mo < nm; mo++) {
            pln_idx hq = 0;
            for (pln_idx q = 0; q < cnt; q++) {
                const double *p = net->pos + mem[q] * d;
                for (int c = 0; c < d; c++) {
                    double v = rigid_mode(d, mo, p, cen, c);
                    M[(size_t)mo * (size_t)rows + (size_t)(q * d + c)] = v;
                    if (net->dof[mem[q] * d + c] < 0) {
                        H[(size_t)mo * (size_t)hrows + (size_t)hq++] = v;
                    }
                }
            }
        }
        const int r_all = column_rank(M, rows, nm);
        const int r_held = hrows > 0 ? column_rank(H, hrows, nm) : 0;
        const int free_modes = r_all - r_held;
        if (free_modes <= 0) {
            continue;
        }
        char list[400];
        size_t used = 0;
        for (pln_idx q = 0; q < cnt && q < 10 && used < sizeof list - 32; q++) {
            used += (size_t)snprintf(list + used, sizeof list - used, "%s%lld", q > 0 ? ", " : "",
                                     (long long)mem[q]);
        }
        if (cnt > 10) {
            snprintf(list + used, sizeof list - used, ", ... (%lld nodes)", (long long)cnt);
        }
        int more = d == 2 ? (free_modes >= 3 ? 2 : 1)
                          : (free_modes >= 6 ? 3 : free_modes >= 3 ? 2 : 1);
        st = PLN_ERR_NODE(ctx, PLN_ESINGULAR, mem[0],
                          "under-constrained: pin at least %d more node%s of the component "
                          "{%s}: its pins leave %d of its %d rigid-body modes (translations and "
                          "rotations) free",
                          more, more > 1 ? "s" : "", list, free_modes, r_all);
        goto done;
    }
done:
    pln_i_free(uf);
    pln_i_free(start);
    pln_i_free(members);
    pln_i_free(fill);
    pln_i_free(M);
    pln_i_free(H);
    return st;
}

/* The d x d block pattern of the reduced stiffness matrix, built once. */
static pln_status build_pattern(pln_network *net)
{
    pln_ctx *ctx = net->ctx;
    pln_status st = PLN_OK;
    const int d = net->sd, dd = d * d;
    pln_i_entry *ent = NULL;
    pln_idx cap = net->n * dd + net->m * dd, ne = 0;
    PLN_ALLOC_GOTO(ctx, st, ent, cap);
    for (pln_idx i = 0; i < net->n; i++) {
        for (int a = 0; a < d; a++) {
            for (int b = 0; b <= a; b++) {
                pln_idx ra = net->dof[i * d + a], rb = net->dof[i * d + b];
                if (ra >= 0 && rb >= 0) {
                    ent[ne++] = (pln_i_entry){rb, ra};
                }
            }
        }
    }
    for (pln_idx e = 0; e < net->m; e++) {
        for (int a = 0; a < d; a++) {
            for (int b = 0; b < d; b++) {
                pln_idx ra = net->dof[net->tail[e] * d + a], rb = net->dof[net->head[e] * d + b];
                if (ra >= 0 && rb >= 0) {
                    ent[ne++] = (pln_i_entry){ra < rb ? ra : rb, ra < rb ? rb : ra};
                }
            }
        }
    }
    PLN_TRY_GOTO(st, pln_i_network_pattern_from_entries(net, ent, ne));
    PLN_ALLOC_GOTO(ctx, st, net->slot_blk, net->m * 3 * dd);
    for (pln_idx e = 0; e < net->m; e++) {
        pln_idx *s = net->slot_blk + e * 3 * dd;
        const pln_idx t = net->tail[e], h = net->head[e];
        for (int a = 0; a < d; a++) {
            for (int b = 0; b < d; b++) {
                pln_idx ta = net->dof[t * d + a], tb = net->dof[t * d + b];
                pln_idx ha = net->dof[h * d + a], hb = net->dof[h * d + b];
                /* diagonal blocks: lower triangle only (a >= b), each stored entry once */
                s[a * d + b] = (a >= b && ta >= 0 && tb >= 0) ? pln_i_csc_find(&net->A, ta, tb) : -1;
                s[dd + a * d + b] =
                    (a >= b && ha >= 0 && hb >= 0) ? pln_i_csc_find(&net->A, ha, hb) : -1;
                s[2 * dd + a * d + b] = (ta >= 0 && hb >= 0) ? pln_i_csc_find(&net->A, ta, hb) : -1;
            }
        }
    }
done:
    pln_i_free(ent);
    return st;
}

pln_status pln_i_spring_init(pln_network *net, const pln_graph *g, const pln_network_options *o)
{
    PLN_TRY(init_parameters(net, g, o));
    PLN_TRY(number_dofs(net));
    PLN_TRY(check_rigid(net));
    PLN_TRY(build_pattern(net));
    pln_i_spring_refill(net);
    PLN_TRY(pln_i_spring_fixed_positions(net, NULL, net->work_n));
    return PLN_OK;
}

/* ------------------------------------------------------------------ assembly */

static void add_block(pln_network *net, pln_idx e, const double *B)
{
    const int d = net->sd, dd = d * d;
    const pln_idx *s = net->slot_blk + e * 3 * dd;
    double *x = net->A.x;
    for (int q = 0; q < dd; q++) {
        if (s[q] >= 0) {
            x[s[q]] += B[q];
        }
        if (s[dd + q] >= 0) {
            x[s[dd + q]] += B[q];
        }
        if (s[2 * dd + q] >= 0) {
            x[s[2 * dd + q]] -= B[q];
        }
    }
}

pln_status pln_network_spring_hessian(pln_network *net, const double *x, pln_hessian mode)
{
    if (!net->spring) {
        PLN_FAIL(net->ctx, PLN_EINVAL, "a Hessian is defined for spring networks only, not %s",
                 pln_kind_name(net->kind));
    }
    const int d = net->sd;
    memset(net->A.x, 0, (size_t)net->A.nnz * sizeof *net->A.x);
    const bool lin = net->kind == PLN_KIND_SPRING_LINEAR || x == NULL;
    for (pln_idx e = 0; e < net->m; e++) {
        double n[3], B[9];
        double r = lin ? net->L0[e] : length_grad(net, x, e, n);
        if (lin) {
            memcpy(n, net->nrm + e * d, (size_t)d * sizeof *n);
        }
        double tr = 0.0;
        if (!lin && mode == PLN_HESSIAN_FULL) {
            if (!(r > 0.0)) {
                PLN_FAIL_EDGE(net->ctx, PLN_EINVAL, e,
                              "edge %lld has length 0: its Hessian is not defined", (long long)e);
            }
            tr = 1.0 - net->l[e] / r;
        }
        const double k = net->k[e];
        for (int a = 0; a < d; a++) {
            for (int b = 0; b < d; b++) {
                double nn = n[a] * n[b];
                B[a * d + b] = k * (nn + tr * ((a == b ? 1.0 : 0.0) - nn));
            }
        }
        add_block(net, e, B);
    }
    return PLN_OK;
}

pln_status pln_network_spring_hessian_add_strain(pln_network *net, const double *x, pln_idx e,
                                                 double w)
{
    if (!net->spring || e < 0 || e >= net->m) {
        PLN_FAIL_EDGE(net->ctx, PLN_EINVAL, e, "edge %lld: a strain's curvature is defined on the "
                      "edges of spring networks only", (long long)e);
    }
    if (net->kind == PLN_KIND_SPRING_LINEAR || w == 0.0) {
        return PLN_OK; /* the linearized strain has no curvature */
    }
    const int d = net->sd;
    double n[3], B[9];
    const double r = length_grad(net, x, e, n);
    if (!(r > 0.0)) {
        PLN_FAIL_EDGE(net->ctx, PLN_EINVAL, e,
                      "edge %lld has length 0: its strain's curvature is not defined", (long long)e);
    }
    /* d^2 r / d(x_t - x_h)^2 = (I - n n^T) / r; the strain is (r - L0) / L0 */
    const double c = w / (r * net->L0[e]);
    for (int a = 0; a < d; a++) {
        for (int b = 0; b < d; b++) {
            B[a * d + b] = c * ((a == b ? 1.0 : 0.0) - n[a] * n[b]);
        }
    }
    add_block(net, e, B);
    return PLN_OK;
}

void pln_i_spring_refill(pln_network *net)
{
    /* The matrix kept with the network is the small-displacement stiffness at the reference
     * positions (K of spring_linear); Newton refills it at the current state. */
    (void)pln_network_spring_hessian(net, NULL, PLN_HESSIAN_GAUSS_NEWTON);
}

double pln_network_spring_gradient(const pln_network *net, const double *x, const double *forces,
                                   double *g)
{
    const int d = net->sd;
    const double *fv = forces != NULL ? forces : net->cur_vals;
    if (g != NULL) {
        memset(g, 0, (size_t)net->nr * sizeof *g);
    }
    double phi = 0.0;
    for (pln_idx e = 0; e < net->m; e++) {
        double n[3];
        const double r = length_grad(net, x, e, n);
        const double ext = r - net->l[e];
        phi += 0.5 * net->k[e] * ext * ext;
        if (g == NULL) {
            continue;
        }
        const double tension = net->k[e] * ext;
        const pln_idx t = net->tail[e], h = net->head[e];
        for (int c = 0; c < d; c++) {
            const pln_idx a = net->dof[t * d + c], b = net->dof[h * d + c];
            if (a >= 0) {
                g[a] += tension * n[c];
            }
            if (b >= 0) {
                g[b] -= tension * n[c];
            }
        }
    }
    for (pln_idx s = 0; s < net->bc.n_currents; s++) {
        const pln_idx i = net->cur_nodes[s];
        for (int c = 0; c < d; c++) {
            const double f = fv[s * d + c];
            phi -= f * (x[i * d + c] - net->pos[i * d + c]);
            const pln_idx a = net->dof[i * d + c];
            if (g != NULL && a >= 0) {
                g[a] -= f;
            }
        }
    }
    return phi;
}

/* ------------------------------------------------------------------ boundary and states */

pln_status pln_i_spring_fixed_positions(const pln_network *net, const pln_bc_values *v, double *x0)
{
    const int d = net->sd;
    const double *dv = (v != NULL && v->dirichlet != NULL) ? v->dirichlet : net->dir_vals;
    const double *sv = (v != NULL && v->sources != NULL) ? v->sources : net->src_vals;
    const double *cv = (v != NULL && v->currents != NULL) ? v->currents : net->cur_vals;
    memcpy(x0, net->pos, (size_t)(net->n * d) * sizeof *x0);
    for (pln_idx a = 0; a < net->bc.n_dirichlet; a++) {
        const pln_idx i = net->dir_nodes[a];
        for (int c = 0; c < d; c++) {
            if (!isfinite(dv[a * d + c])) {
                PLN_FAIL_NODE(net->ctx, PLN_EINVAL, i, "pin of node %lld: displacement %g is not "
                              "finite", (long long)i, dv[a * d + c]);
            }
            if (net->dir_axes[a] & (1 << c)) {
                x0[i * d + c] += dv[a * d + c];
            }
        }
    }
    for (pln_idx a = 0; a < net->bc.n_currents * d; a++) {
        if (!isfinite(cv[a])) {
            PLN_FAIL_NODE(net->ctx, PLN_EINVAL, net->cur_nodes[a / d],
                          "force on node %lld is not finite (%g)", (long long)net->cur_nodes[a / d],
                          cv[a]);
        }
    }
    for (pln_idx a = 0; a < net->bc.n_sources; a++) {
        const bool bad = net->kind == PLN_KIND_SPRING ? !(sv[a] > -1.0) : !isfinite(sv[a]);
        if (bad || !isfinite(sv[a])) {
            PLN_FAIL_EDGE(net->ctx, PLN_EINVAL, net->src_edges[a],
                          "imposed strain %g of edge %lld must be finite%s", sv[a],
                          (long long)net->src_edges[a],
                          net->kind == PLN_KIND_SPRING ? " and > -1 (a positive length)" : "");
        }
    }
    return PLN_OK;
}

void pln_i_spring_rhs_fixed(const pln_network *net, const double *x0, const double *forces,
                            double *f)
{
    (void)pln_network_spring_gradient(net, x0, forces, f);
    for (pln_idx r = 0; r < net->nr; r++) {
        f[r] = -f[r];
    }
}

void pln_i_spring_expand_delta(const pln_network *net, const double *dx, double *x)
{
    for (pln_idx r = 0; r < net->nr; r++) {
        x[net->red_dof[r]] += dx[r];
    }
}

pln_status pln_i_spring_output_matrix(const pln_network *net, pln_idx n_out,
                                      const pln_output *outs, double *E)
{
    const int d = net->sd;
    memset(E, 0, (size_t)(net->nr * n_out) * sizeof *E);
    for (pln_idx o = 0; o < n_out; o++) {
        double *col = E + o * net->nr;
        const pln_idx id = outs[o].index;
        if (outs[o].kind != PLN_OUT_EDGE) {
            const int axis = (int)outs[o].kind - (int)PLN_OUT_NODE_X;
            if (id < 0 || id >= net->n) {
                PLN_FAIL_NODE(net->ctx, PLN_EINVAL, id, "output node %lld does not exist",
                              (long long)id);
            }
            if (axis < 0 || axis >= d) {
                PLN_FAIL_NODE(net->ctx, PLN_EINVAL, id,
                              "output node %lld of a %dD spring network needs an axis (x, y%s) "
                              "along which its displacement is read",
                              (long long)id, d, d == 3 ? ", z" : "");
            }
            const pln_idx a = net->dof[id * d + axis];
            if (a < 0) {
                PLN_FAIL_NODE(net->ctx, PLN_EINVAL, id,
                              "output node %lld: its displacement along axis %c is held by its "
                              "pin and cannot be an output",
                              (long long)id, "xyz"[axis]);
            }
            col[a] = 1.0;
        } else {
            if (id < 0 || id >= net->m) {
                PLN_FAIL_EDGE(net->ctx, PLN_EINVAL, id, "output edge %lld does not exist",
                              (long long)id);
            }
            for (pln_idx s = 0; s < net->bc.n_sources; s++) {
                if (net->src_edges[s] == id) {
                    PLN_FAIL_EDGE(net->ctx, PLN_EINVAL, id,
                                  "output edge %lld has an imposed strain and cannot be an output",
                                  (long long)id);
                }
            }
            bool any = false;
            for (int c = 0; c < d; c++) {
                const double v = net->nrm[id * d + c] / net->L0[id];
                const pln_idx a = net->dof[net->tail[id] * d + c];
                const pln_idx b = net->dof[net->head[id] * d + c];
                if (a >= 0 && v != 0.0) {
                    col[a] += v;
                    any = true;
                }
                if (b >= 0 && v != 0.0) {
                    col[b] -= v;
                    any = true;
                }
            }
            if (!any) {
                PLN_FAIL_EDGE(net->ctx, PLN_EINVAL, id,
                              "output edge %lld has a strain fixed by the pins and cannot be an "
                              "output",
                              (long long)id);
            }
        }
    }
    return PLN_OK;
}

void pln_i_spring_read_outputs(const pln_network *net, pln_idx n_out, const pln_output *outs,
                               const double *x, double *o)
{
    const int d = net->sd;
    for (pln_idx q = 0; q < n_out; q++) {
        const pln_idx id = outs[q].index;
        if (outs[q].kind != PLN_OUT_EDGE) {
            const int axis = (int)outs[q].kind - (int)PLN_OUT_NODE_X;
            o[q] = x[id * d + axis] - net->pos[id * d + axis];
        } else {
            o[q] = (pln_i_spring_length(net, x, id) - net->L0[id]) / net->L0[id];
        }
    }
}
