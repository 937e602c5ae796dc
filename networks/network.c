/* network.c — creating a network on a graph: kinds, per-edge parameters, boundary conditions, node groups, and the floating-component check. */
#include "network_impl.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

const char *pln_kind_name(pln_kind kind)
{
    switch (kind) {
    case PLN_KIND_RESISTOR:
        return "resistor";
    case PLN_KIND_FLOW:
        return "flow";
    case PLN_KIND_SPRING:
        return "spring";
    case PLN_KIND_SPRING_LINEAR:
        return "spring_linear";
    }
    return "unknown";
}

void pln_network_options_default(pln_network_options *o)
{
    o->kind = PLN_KIND_RESISTOR;
    o->viscosity = 1.0;
    o->default_conductance = 1.0;
    o->default_stiffness = 1.0;
    pln_element_options_default(&o->elements);
}

void pln_boundary_default(pln_boundary *bc) { memset(bc, 0, sizeof *bc); }

void pln_network_destroy(pln_network *net)
{
    if (net == NULL) {
        return;
    }
    void *arrays[] = {net->tail,      net->head,      net->pos,       net->k,
                      net->r,         net->len,       net->dir_nodes, net->cur_nodes,
                      net->src_edges, net->dir_vals,  net->cur_vals,  net->src_vals,
                      net->group,     net->order,     net->parent,    net->parent_src,
                      net->dir_slot,  net->root_of,   net->red_node,  net->cycle_src,
                      net->A.p,       net->A.i,       net->A.x,       net->slot_tt,
                      net->slot_hh,   net->slot_th,   net->work_n,    net->l,
                      net->L0,        net->nrm,       net->dir_axes,  net->dof,
                      net->red_dof,   net->slot_blk};
    for (size_t a = 0; a < sizeof arrays / sizeof arrays[0]; a++) {
        pln_i_free(arrays[a]);
    }
    pln_i_circuit_destroy(net->circ);
    pln_i_free(net);
}

/* Union-find with path halving; used for source groups and for components. */
static pln_idx uf_find(pln_idx *uf, pln_idx a)
{
    while (uf[a] != a) {
        uf[a] = uf[uf[a]];
        a = uf[a];
    }
    return a;
}

static void uf_union(pln_idx *uf, pln_idx a, pln_idx b)
{
    a = uf_find(uf, a);
    b = uf_find(uf, b);
    if (a < b) {
        uf[b] = a;
    } else if (b < a) {
        uf[a] = b;
    }
}

static pln_status check_index_list(pln_ctx *ctx, const char *what, pln_idx count,
                                   const pln_idx *list, pln_idx bound, bool nodes)
{
    if (count > 0 && list == NULL) {
        PLN_FAIL(ctx, PLN_EINVAL, "%s: %lld entries but no index array", what, (long long)count);
    }
    for (pln_idx a = 0; a < count; a++) {
        if (list[a] < 0 || list[a] >= bound) {
            if (nodes) {
                PLN_FAIL_NODE(ctx, PLN_EINVAL, list[a], "%s: node %lld does not exist (%lld nodes)",
                              what, (long long)list[a], (long long)bound);
            }
            PLN_FAIL_EDGE(ctx, PLN_EINVAL, list[a], "%s: edge %lld does not exist (%lld edges)",
                          what, (long long)list[a], (long long)bound);
        }
    }
    return PLN_OK;
}

pln_status pln_i_network_copy_boundary(pln_network *net, const pln_boundary *bc)
{
    pln_ctx *ctx = net->ctx;
    PLN_TRY(check_index_list(ctx, "Dirichlet nodes", bc->n_dirichlet, bc->dirichlet_nodes, net->n,
                             true));
    PLN_TRY(check_index_list(ctx, "current injections", bc->n_currents, bc->current_nodes, net->n,
                             true));
    PLN_TRY(check_index_list(ctx, "edge sources", bc->n_sources, bc->source_edges, net->m, false));
    const int vd = net->sd; /* values per node: d displacements or forces for springs */
    PLN_ALLOC(ctx, net->dir_nodes, bc->n_dirichlet);
    PLN_ALLOC(ctx, net->dir_vals, bc->n_dirichlet * vd);
    PLN_ALLOC(ctx, net->cur_nodes, bc->n_currents);
    PLN_ALLOC(ctx, net->cur_vals, bc->n_currents * vd);
    PLN_ALLOC(ctx, net->src_edges, bc->n_sources);
    PLN_ALLOC(ctx, net->src_vals, bc->n_sources);
    for (pln_idx a = 0; a < bc->n_dirichlet; a++) {
        net->dir_nodes[a] = bc->dirichlet_nodes[a];
    }
    for (pln_idx a = 0; a < bc->n_dirichlet * vd; a++) {
        net->dir_vals[a] = bc->dirichlet_values != NULL ? bc->dirichlet_values[a] : 0.0;
    }
    for (pln_idx a = 0; a < bc->n_currents; a++) {
        net->cur_nodes[a] = bc->current_nodes[a];
    }
    for (pln_idx a = 0; a < bc->n_currents * vd; a++) {
        net->cur_vals[a] = bc->current_values != NULL ? bc->current_values[a] : 0.0;
    }
    if (net->spring) {
        PLN_ALLOC(ctx, net->dir_axes, bc->n_dirichlet);
        const int all = (1 << net->dim) - 1;
        for (pln_idx a = 0; a < bc->n_dirichlet; a++) {
            int mask = bc->dirichlet_axes != NULL ? bc->dirichlet_axes[a] : all;
            if (mask < 1 || mask > all) {
                PLN_FAIL_NODE(ctx, PLN_EINVAL, bc->dirichlet_nodes[a],
                              "pin of node %lld: axis mask %d must be in 1..%d (bit c holds "
                              "axis c)",
                              (long long)bc->dirichlet_nodes[a], mask, all);
            }
            net->dir_axes[a] = mask;
        }
    }
    for (pln_idx a = 0; a < bc->n_sources; a++) {
        net->src_edges[a] = bc->source_edges[a];
        net->src_vals[a] = bc->source_values != NULL ? bc->source_values[a] : 0.0;
    }
    net->bc.n_dirichlet = bc->n_dirichlet;
    net->bc.dirichlet_nodes = net->dir_nodes;
    net->bc.dirichlet_values = net->dir_vals;
    net->bc.n_currents = bc->n_currents;
    net->bc.current_nodes = net->cur_nodes;
    net->bc.current_values = net->cur_vals;
    net->bc.n_sources = bc->n_sources;
    net->bc.source_edges = net->src_edges;
    net->bc.source_values = net->src_vals;
    net->bc.dirichlet_axes = net->dir_axes;
    const pln_idx nd = bc->n_dirichlet * vd, nc = bc->n_currents * vd;
    for (pln_idx a = 0; a < nd + nc + bc->n_sources; a++) {
        const double v = a < nd ? net->dir_vals[a]
                         : a < nd + nc ? net->cur_vals[a - nd]
                                       : net->src_vals[a - nd - nc];
        if (!isfinite(v)) {
            PLN_FAIL(ctx, PLN_EINVAL, "boundary value %g is not finite", v);
        }
    }
    return PLN_OK;
}

/* Groups: nodes joined by edge sources move together. Each group becomes a tree (breadth-first
 * from its root: its first Dirichlet node, else its lowest node id) whose non-tree source edges
 * close loops and are checked for consistency whenever values are set. */
static pln_status build_groups(pln_network *net)
{
    pln_ctx *ctx = net->ctx;
    const pln_idx n = net->n, ns = net->bc.n_sources;
    pln_status st = PLN_OK;
    pln_idx *uf = NULL, *adj_ptr = NULL, *adj = NULL, *root_pick = NULL;
    bool *seen = NULL;

    PLN_ALLOC(ctx, net->dir_slot, n);
    for (pln_idx i = 0; i < n; i++) {
        net->dir_slot[i] = -1;
    }
    for (pln_idx a = 0; a < net->bc.n_dirichlet; a++) {
        pln_idx i = net->dir_nodes[a];
        if (net->dir_slot[i] >= 0) {
            PLN_FAIL_NODE(ctx, PLN_EINVAL, i, "node %lld is given a fixed potential twice",
                          (long long)i);
        }
        net->dir_slot[i] = a;
    }
    PLN_ALLOC_GOTO(ctx, st, seen, net->m);
    for (pln_idx a = 0; a < ns; a++) {
        pln_idx e = net->src_edges[a];
        if (seen[e]) {
            st = PLN_ERR_EDGE(ctx, PLN_EINVAL, e, "edge %lld is given a fixed drop twice",
                              (long long)e);
            goto done;
        }
        seen[e] = true;
    }

    PLN_ALLOC_GOTO(ctx, st, uf, n);
    for (pln_idx i = 0; i < n; i++) {
        uf[i] = i;
    }
    for (pln_idx a = 0; a < ns; a++) {
        pln_idx e = net->src_edges[a];
        uf_union(uf, net->tail[e], net->head[e]);
    }
    /* Root of each union-find class: first Dirichlet node (by slot), else the lowest id. */
    PLN_ALLOC_GOTO(ctx, st, root_pick, n);
    for (pln_idx i = 0; i < n; i++) {
        root_pick[i] = -1;
    }
    for (pln_idx a = 0; a < net->bc.n_dirichlet; a++) {
        pln_idx c = uf_find(uf, net->dir_nodes[a]);
        if (root_pick[c] < 0) {
            root_pick[c] = net->dir_nodes[a];
        }
    }
    for (pln_idx i = 0; i < n; i++) {
        pln_idx c = uf_find(uf, i);
        if (root_pick[c] < 0) {
            root_pick[c] = c; /* uf_union keeps the lowest id as the class representative */
        }
    }

    /* Adjacency of source edges (CSR), to walk each tree breadth-first. */
    PLN_ALLOC_GOTO(ctx, st, adj_ptr, n + 1);
    PLN_ALLOC_GOTO(ctx, st, adj, 2 * ns);
    for (pln_idx a = 0; a < ns; a++) {
        pln_idx e = net->src_edges[a];
        adj_ptr[net->tail[e] + 1]++;
        adj_ptr[net->head[e] + 1]++;
    }
    for (pln_idx i = 0; i < n; i++) {
        adj_ptr[i + 1] += adj_ptr[i];
    }
    {
        pln_idx *fill = NULL;
        PLN_ALLOC_GOTO(ctx, st, fill, n);
        for (pln_idx a = 0; a < ns; a++) {
            pln_idx e = net->src_edges[a];
            adj[adj_ptr[net->tail[e]] + fill[net->tail[e]]++] = a;
            adj[adj_ptr[net->head[e]] + fill[net->head[e]]++] = a;
        }
        pln_i_free(fill);
    }

    PLN_ALLOC_GOTO(ctx, st, net->order, n);
    PLN_ALLOC_GOTO(ctx, st, net->parent, n);
    PLN_ALLOC_GOTO(ctx, st, net->parent_src, n);
    PLN_ALLOC_GOTO(ctx, st, net->root_of, n);
    PLN_ALLOC_GOTO(ctx, st, net->group, n);
    PLN_ALLOC_GOTO(ctx, st, net->cycle_src, ns);
    for (pln_idx i = 0; i < n; i++) {
        net->parent[i] = -2; /* not yet reached */
        net->parent_src[i] = -1;
    }
    {
        bool *used_src = NULL;
        PLN_ALLOC_GOTO(ctx, st, used_src, ns);
        pln_idx head_q = 0, tail_q = 0;
        for (pln_idx i = 0; i < n; i++) {
            pln_idx root = root_pick[uf_find(uf, i)];
            if (root != i) {
                continue;
            }
            net->parent[root] = -1;
            net->root_of[root] = root;
            net->order[tail_q++] = root;
            while (head_q < tail_q) {
                pln_idx u = net->order[head_q++];
                for (pln_idx q = adj_ptr[u]; q < adj_ptr[u + 1]; q++) {
                    pln_idx a = adj[q];
                    if (used_src[a]) {
                        continue;
                    }
                    used_src[a] = true;
                    pln_idx e = net->src_edges[a];
                    pln_idx w = net->tail[e] == u ? net->head[e] : net->tail[e];
                    if (net->parent[w] != -2) {
                        net->cycle_src[net->n_cycle_src++] = a;
                        continue;
                    }
                    net->parent[w] = u;
                    net->parent_src[w] = a;
                    net->root_of[w] = root;
                    net->order[tail_q++] = w;
                }
            }
        }
        pln_i_free(used_src);
        if (tail_q != n) {
            st = PLN_ERR(ctx, PLN_EINTERNAL, "group walk reached %lld of %lld nodes",
                         (long long)tail_q, (long long)n);
            goto done;
        }
    }

    /* Reduced numbering: free roots in increasing node id, so the numbering is reproducible. */
    net->nr = 0;
    for (pln_idx i = 0; i < n; i++) {
        if (net->root_of[i] == i && net->dir_slot[i] < 0) {
            net->nr++;
        }
    }
    PLN_ALLOC_GOTO(ctx, st, net->red_node, net->nr);
    {
        pln_idx r = 0;
        for (pln_idx i = 0; i < n; i++) {
            if (net->root_of[i] == i) {
                if (net->dir_slot[i] < 0) {
                    net->red_node[r] = i;
                    net->group[i] = r++;
                } else {
                    net->group[i] = -1;
                }
            }
        }
        for (pln_idx i = 0; i < n; i++) {
            net->group[i] = net->group[net->root_of[i]];
        }
    }

done:
    pln_i_free(uf);
    pln_i_free(adj_ptr);
    pln_i_free(adj);
    pln_i_free(root_pick);
    pln_i_free(seen);
    return st;
}

/* Every connected component (over all edges) needs a fixed potential, or its potential is
 * undetermined and the matrix singular: say which nodes float rather than return a NaN. */
static pln_status check_floating(pln_network *net)
{
    pln_ctx *ctx = net->ctx;
    pln_status st = PLN_OK;
    pln_idx *uf = NULL;
    bool *anchored = NULL;
    PLN_ALLOC_GOTO(ctx, st, uf, net->n);
    PLN_ALLOC_GOTO(ctx, st, anchored, net->n);
    for (pln_idx i = 0; i < net->n; i++) {
        uf[i] = i;
    }
    for (pln_idx e = 0; e < net->m; e++) {
        uf_union(uf, net->tail[e], net->head[e]);
    }
    for (pln_idx a = 0; a < net->bc.n_dirichlet; a++) {
        anchored[uf_find(uf, net->dir_nodes[a])] = true;
    }
    for (pln_idx i = 0; i < net->n; i++) {
        pln_idx c = uf_find(uf, i);
        if (anchored[c]) {
            continue;
        }
        /* List the component's nodes (the first few) in the message. */
        char list[512];
        size_t used = 0;
        pln_idx count = 0;
        for (pln_idx j = i; j < net->n; j++) {
            if (uf_find(uf, j) != c) {
                continue;
            }
            if (count < 12 && used < sizeof list - 32) {
                used += (size_t)snprintf(list + used, sizeof list - used, "%s%lld",
                                         count > 0 ? ", " : "", (long long)j);
            }
            count++;
        }
        if (count > 12) {
            snprintf(list + used, sizeof list - used, ", ... (%lld nodes)", (long long)count);
        }
        st = PLN_ERR_NODE(ctx, PLN_ESINGULAR, i,
                          "nodes {%s} form a connected component with no fixed potential "
                          "(ground or source): their potentials float; fix one of them",
                          list);
        goto done;
    }
done:
    pln_i_free(uf);
    pln_i_free(anchored);
    return st;
}

static pln_status check_positive_skip(pln_ctx *ctx, const pln_network *net, const char *what,
                                      const char *unit, pln_idx m, const double *v)
{
    for (pln_idx e = 0; e < m; e++) {
        if (net != NULL && !pln_i_circuit_edge_linear(net, e)) {
            continue; /* a nonlinear element: its parameters are checked by elements.c */
        }
        if (!(isfinite(v[e]) && v[e] > 0.0)) {
            PLN_FAIL_EDGE(ctx, PLN_EINVAL, e, "edge %lld has %s %g %s: it must be finite and > 0",
                          (long long)e, what, v[e], unit);
        }
    }
    return PLN_OK;
}

static pln_status check_positive(pln_ctx *ctx, const char *what, const char *unit, pln_idx m,
                                 const double *v)
{
    return check_positive_skip(ctx, NULL, what, unit, m, v);
}

static double poiseuille(double r, double mu, double l)
{
    return PLN_PI * r * r * r * r / (8.0 * mu * l);
}

static pln_status init_parameters(pln_network *net, const pln_graph *g,
                                  const pln_network_options *o)
{
    pln_ctx *ctx = net->ctx;
    const pln_idx m = net->m;
    const double *kg = pln_graph_edge_attr(g, "conductance");
    const double *rg = pln_graph_edge_attr(g, "resistance");
    const double *radius = pln_graph_edge_attr(g, "radius");
    PLN_ALLOC(ctx, net->k, m);
    if (net->kind == PLN_KIND_FLOW) {
        if (!(isfinite(o->viscosity) && o->viscosity > 0.0)) {
            PLN_FAIL_KEY(ctx, PLN_EINVAL, "viscosity", "viscosity %g must be finite and > 0",
                         o->viscosity);
        }
        PLN_ALLOC(ctx, net->len, m);
        PLN_ALLOC(ctx, net->r, m);
        const double *lg = pln_graph_edge_attr(g, "length");
        for (pln_idx e = 0; e < m; e++) {
            double l = 1.0;
            if (lg != NULL) {
                l = lg[e];
            } else if (net->pos != NULL) {
                double d2 = 0.0;
                for (int c = 0; c < net->dim; c++) {
                    double d = net->pos[net->tail[e] * net->dim + c] -
                               net->pos[net->head[e] * net->dim + c];
                    d2 += d * d;
                }
                l = sqrt(d2);
            }
            net->len[e] = l;
        }
        PLN_TRY(check_positive(ctx, "length", "m", m, net->len));
    }
    if (kg != NULL) {
        memcpy(net->k, kg, (size_t)m * sizeof *net->k);
    } else if (rg != NULL) {
        PLN_TRY(check_positive_skip(ctx, net, "resistance", "ohm", m, rg));
        for (pln_idx e = 0; e < m; e++) {
            net->k[e] = 1.0 / rg[e];
        }
    } else if (net->kind == PLN_KIND_FLOW && radius != NULL) {
        PLN_TRY(check_positive(ctx, "radius", "m", m, radius));
        for (pln_idx e = 0; e < m; e++) {
            net->k[e] = poiseuille(radius[e], net->mu, net->len[e]);
        }
    } else {
        for (pln_idx e = 0; e < m; e++) {
            net->k[e] = o->default_conductance;
        }
    }
    /* A nonlinear element's entry is set by pln_i_circuit_finish (its parameters are not a
     * conductance, and a SPICE netlist leaves its conductance attribute NaN). */
    for (pln_idx e = 0; e < m; e++) {
        if (!pln_i_circuit_edge_linear(net, e)) {
            net->k[e] = 1.0;
        }
    }
    PLN_TRY(check_positive(ctx, "conductance", "S", m, net->k));
    if (net->kind == PLN_KIND_FLOW) {
        for (pln_idx e = 0; e < m; e++) {
            net->r[e] = pow(8.0 * net->mu * net->len[e] * net->k[e] / PLN_PI, 0.25);
        }
        if (radius != NULL && kg == NULL && rg == NULL) {
            memcpy(net->r, radius, (size_t)m * sizeof *net->r);
        }
    }
    return PLN_OK;
}

pln_status pln_network_create(pln_ctx *ctx, const pln_graph *g, const pln_network_options *opts,
                              const pln_boundary *bc, pln_network **out)
{
    pln_network_options o;
    pln_boundary empty;
    pln_status st = PLN_OK;
    if (opts == NULL) {
        pln_network_options_default(&o);
    } else {
        o = *opts;
    }
    if (bc == NULL) {
        pln_boundary_default(&empty);
        bc = &empty;
    }
    if (o.kind != PLN_KIND_RESISTOR && o.kind != PLN_KIND_FLOW && o.kind != PLN_KIND_SPRING &&
        o.kind != PLN_KIND_SPRING_LINEAR) {
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "kind", "unknown network kind %d", (int)o.kind);
    }
    pln_network *net = pln_i_calloc(1, sizeof *net);
    if (net == NULL) {
        PLN_FAIL(ctx, PLN_ENOMEM, "out of memory creating a network");
    }
    net->ctx = ctx;
    net->kind = o.kind;
    net->mu = o.viscosity;
    net->sd = 1;
    net->spring = o.kind == PLN_KIND_SPRING || o.kind == PLN_KIND_SPRING_LINEAR;
    net->sig = PLN_PARAM_K;
    net->n = pln_graph_n_nodes(g);
    net->m = pln_graph_n_edges(g);
    PLN_ALLOC_GOTO(ctx, st, net->tail, net->m);
    PLN_ALLOC_GOTO(ctx, st, net->head, net->m);
    memcpy(net->tail, pln_graph_tails(g), (size_t)net->m * sizeof *net->tail);
    memcpy(net->head, pln_graph_heads(g), (size_t)net->m * sizeof *net->head);
    net->dim = pln_graph_dim(g);
    if (net->dim > 0 && pln_graph_positions(g) != NULL) {
        PLN_ALLOC_GOTO(ctx, st, net->pos, net->n * net->dim);
        memcpy(net->pos, pln_graph_positions(g), (size_t)(net->n * net->dim) * sizeof *net->pos);
    } else {
        net->dim = 0;
    }
    if (net->spring) {
        if (net->pos == NULL) {
            st = pln_i_error(ctx, PLN_EINVAL, __FILE__, __LINE__, -1, -1, "positions",
                         "a %s network needs node positions (a lattice or geometric generator, "
                         "or x, y[, z] in the graph file)",
                         pln_kind_name(net->kind));
            goto done;
        }
        net->sd = net->dim;
        PLN_TRY_GOTO(st, pln_i_circuit_init(net, g, &o.elements)); /* refuses elements */
        PLN_ALLOC_GOTO(ctx, st, net->work_n, net->n * net->sd);
        PLN_TRY_GOTO(st, pln_i_network_copy_boundary(net, bc));
        PLN_TRY_GOTO(st, pln_i_spring_init(net, g, &o));
        *out = net;
        return PLN_OK;
    }
    PLN_ALLOC_GOTO(ctx, st, net->work_n, net->n);
    PLN_TRY_GOTO(st, pln_i_circuit_init(net, g, &o.elements));
    PLN_TRY_GOTO(st, init_parameters(net, g, &o));
    if (net->circ != NULL) {
        pln_i_circuit_finish(net);
    }
    PLN_TRY_GOTO(st, pln_i_network_copy_boundary(net, bc));
    PLN_TRY_GOTO(st, build_groups(net));
    PLN_TRY_GOTO(st, check_floating(net));
    PLN_TRY_GOTO(st, pln_i_network_build_pattern(net));
    pln_i_network_refill(net);
    /* Edge sources joined to Dirichlet nodes must agree with them from the start. */
    PLN_TRY_GOTO(st, pln_network_fixed_potentials(net, NULL, net->work_n));
    *out = net;
    return PLN_OK;
done:
    pln_network_destroy(net);
    return st;
}

pln_kind pln_network_kind(const pln_network *net) { return net->kind; }
pln_ctx *pln_network_ctx(const pln_network *net) { return net->ctx; }
pln_idx pln_network_n_nodes(const pln_network *net) { return net->n; }
pln_idx pln_network_n_edges(const pln_network *net) { return net->m; }
pln_idx pln_network_n_reduced(const pln_network *net) { return net->nr; }
const pln_idx *pln_network_tails(const pln_network *net) { return net->tail; }
const pln_idx *pln_network_heads(const pln_network *net) { return net->head; }
const pln_boundary *pln_network_boundary(const pln_network *net) { return &net->bc; }
const double *pln_network_conductances(const pln_network *net) { return net->k; }
const double *pln_network_radii(const pln_network *net) { return net->r; }
const double *pln_network_lengths(const pln_network *net) { return net->len; }
double pln_network_viscosity(const pln_network *net) { return net->mu; }
const double *pln_network_dirichlet_values(const pln_network *net) { return net->dir_vals; }
const double *pln_network_current_values(const pln_network *net) { return net->cur_vals; }
const double *pln_network_source_values(const pln_network *net) { return net->src_vals; }
const pln_csc *pln_network_matrix(const pln_network *net) { return &net->A; }

const double *pln_network_positions(const pln_network *net, int *dim)
{
    if (dim != NULL) {
        *dim = net->dim;
    }
    return net->pos;
}

int pln_network_state_dim(const pln_network *net) { return net->sd; }
pln_param pln_network_signal_param(const pln_network *net) { return net->sig; }
const double *pln_network_rest_lengths(const pln_network *net) { return net->l; }
const double *pln_network_reference_lengths(const pln_network *net) { return net->L0; }

pln_idx pln_network_reduced_index(const pln_network *net, pln_idx node)
{
    if (node < 0 || node >= net->n) {
        return -1;
    }
    if (net->spring) {
        for (int c = 0; c < net->sd; c++) {
            if (net->dof[node * net->sd + c] >= 0) {
                return net->dof[node * net->sd + c];
            }
        }
        return -1;
    }
    return net->group[node];
}

pln_idx pln_network_dof_index(const pln_network *net, pln_idx node, int c)
{
    if (node < 0 || node >= net->n || c < 0 || c >= net->sd) {
        return -1;
    }
    return net->spring ? net->dof[node * net->sd + c] : net->group[node];
}

pln_idx pln_network_reduced_node(const pln_network *net, pln_idx r)
{
    if (r < 0 || r >= net->nr) {
        return -1;
    }
    return net->spring ? net->red_dof[r] / net->sd : net->red_node[r];
}

pln_status pln_network_set_signal_param(pln_network *net, pln_param param)
{
    if (param == PLN_PARAM_K || (param == PLN_PARAM_REST_LENGTH && net->spring)) {
        net->sig = param;
        return PLN_OK;
    }
    PLN_FAIL_KEY(net->ctx, PLN_EINVAL, "learning.dof",
                 "the rest length is a parameter of spring networks only (this is %s)",
                 pln_kind_name(net->kind));
}

pln_status pln_network_set_rest_lengths(pln_network *net, const double *l)
{
    if (!net->spring) {
        PLN_FAIL(net->ctx, PLN_EINVAL, "rest lengths are defined for spring networks only, not %s",
                 pln_kind_name(net->kind));
    }
    for (pln_idx e = 0; e < net->m; e++) {
        if (!(isfinite(l[e]) && l[e] >= 0.0)) {
            PLN_FAIL_EDGE(net->ctx, PLN_EINVAL, e,
                          "edge %lld has rest length %g: it must be finite and >= 0",
                          (long long)e, l[e]);
        }
    }
    if (l != net->l) {
        memcpy(net->l, l, (size_t)net->m * sizeof *l);
    }
    pln_i_spring_refill(net);
    return PLN_OK;
}

pln_status pln_network_set_conductances(pln_network *net, const double *k)
{
    if (net->spring) {
        PLN_TRY(check_positive(net->ctx, "stiffness", "N/m", net->m, k));
        if (k != net->k) {
            memcpy(net->k, k, (size_t)net->m * sizeof *k);
        }
        pln_i_spring_refill(net);
        return PLN_OK;
    }
    PLN_TRY(check_positive(net->ctx, "conductance", "S", net->m, k));
    if (net->circ != NULL) {
        /* A nonlinear edge's entry is its small-signal view, not a parameter: writing it
         * back unchanged is fine, changing it is refused rather than ignored. */
        for (pln_idx e = 0; e < net->m; e++) {
            if (!pln_i_circuit_edge_linear(net, e) && k[e] != net->k[e]) {
                PLN_FAIL_EDGE(net->ctx, PLN_EINVAL, e,
                              "edge %lld is a %s: its conductance is not a parameter (set its "
                              "element parameters, or learn with learning.dof: element)",
                              (long long)e,
                              pln_element_kind_name(pln_network_element_kind(net, e)));
            }
        }
    }
    if (k != net->k) {
        memcpy(net->k, k, (size_t)net->m * sizeof *k);
    }
    if (net->circ != NULL) {
        pln_i_circuit_sync_conductances(net);
    }
    if (net->kind == PLN_KIND_FLOW) {
        for (pln_idx e = 0; e < net->m; e++) {
            net->r[e] = pow(8.0 * net->mu * net->len[e] * net->k[e] / PLN_PI, 0.25);
        }
    }
    pln_i_network_refill(net);
    return PLN_OK;
}

pln_status pln_network_set_radii(pln_network *net, const double *r)
{
    if (net->kind != PLN_KIND_FLOW) {
        PLN_FAIL(net->ctx, PLN_EINVAL, "radii are defined for flow networks only, not %s",
                 pln_kind_name(net->kind));
    }
    PLN_TRY(check_positive(net->ctx, "radius", "m", net->m, r));
    if (r != net->r) {
        memcpy(net->r, r, (size_t)net->m * sizeof *r);
    }
    for (pln_idx e = 0; e < net->m; e++) {
        net->k[e] = poiseuille(net->r[e], net->mu, net->len[e]);
    }
    PLN_TRY(check_positive(net->ctx, "conductance", "S", net->m, net->k));
    pln_i_network_refill(net);
    return PLN_OK;
}

pln_status pln_network_set_bc_values(pln_network *net, const pln_bc_values *v)
{
    /* Validate on the new values before keeping any of them. */
    PLN_TRY(pln_network_fixed_potentials(net, v, net->work_n));
    const pln_boundary *bc = &net->bc;
    const size_t vd = (size_t)net->sd;
    if (v->dirichlet != NULL && v->dirichlet != net->dir_vals) {
        memcpy(net->dir_vals, v->dirichlet, (size_t)bc->n_dirichlet * vd * sizeof(double));
    }
    if (v->currents != NULL && v->currents != net->cur_vals) {
        memcpy(net->cur_vals, v->currents, (size_t)bc->n_currents * vd * sizeof(double));
    }
    if (v->sources != NULL && v->sources != net->src_vals) {
        memcpy(net->src_vals, v->sources, (size_t)bc->n_sources * sizeof(double));
    }
    return PLN_OK;
}
