/* graph.c — the pln_graph object: edges, positions, attributes, components, degrees, picking. */
#include "graph_impl.h"

#include <string.h>

char *pln_i_strdup(const char *s)
{
    size_t len = strlen(s);
    char *c = pln_i_malloc(len + 1);
    if (c != NULL) {
        memcpy(c, s, len + 1);
    }
    return c;
}

static pln_status check_edges(pln_ctx *ctx, pln_idx n, pln_idx m, const pln_idx *tail,
                              const pln_idx *head)
{
    if (n < 1) {
        PLN_FAIL(ctx, PLN_EINVAL, "a graph needs at least one node (got %" PRId64 ")", n);
    }
    if (m < 0) {
        PLN_FAIL(ctx, PLN_EINVAL, "negative edge count %" PRId64, m);
    }
    if (m > 0 && (tail == NULL || head == NULL)) {
        PLN_FAIL(ctx, PLN_EINVAL, "%" PRId64 " edges but no tail/head arrays", m);
    }
    for (pln_idx e = 0; e < m; e++) {
        if (tail[e] < 0 || tail[e] >= n || head[e] < 0 || head[e] >= n) {
            PLN_FAIL_EDGE(ctx, PLN_EINVAL, e,
                          "edge %" PRId64 " (%" PRId64 " -> %" PRId64
                          ") has an end point outside [0, %" PRId64 ")",
                          e, tail[e], head[e], n);
        }
        if (tail[e] == head[e]) {
            PLN_FAIL_EDGE(ctx, PLN_EINVAL, e, "edge %" PRId64 " is a self-loop on node %" PRId64,
                          e, tail[e]);
        }
    }
    return PLN_OK;
}

pln_status pln_i_graph_adopt(pln_ctx *ctx, pln_idx n, pln_idx m, pln_idx *tail, pln_idx *head,
                             pln_graph **out)
{
    pln_status st = check_edges(ctx, n, m, tail, head);
    pln_graph *g = NULL;
    if (st != PLN_OK) {
        goto done;
    }
    PLN_ALLOC_GOTO(ctx, st, g, 1);
    g->ctx = ctx;
    g->n = n;
    g->m = m;
    g->tail = tail;
    g->head = head;
    tail = NULL;
    head = NULL;
    *out = g;
done:
    pln_i_free(tail);
    pln_i_free(head);
    return st;
}

pln_status pln_graph_create(pln_ctx *ctx, pln_idx n_nodes, pln_idx n_edges, const pln_idx *tail,
                            const pln_idx *head, pln_graph **out)
{
    pln_status st = check_edges(ctx, n_nodes, n_edges, tail, head);
    pln_idx *t = NULL;
    pln_idx *h = NULL;
    if (st != PLN_OK) {
        return st;
    }
    PLN_ALLOC_GOTO(ctx, st, t, n_edges);
    PLN_ALLOC_GOTO(ctx, st, h, n_edges);
    if (n_edges > 0) {
        memcpy(t, tail, (size_t)n_edges * sizeof *t);
        memcpy(h, head, (size_t)n_edges * sizeof *h);
    }
    st = pln_i_graph_adopt(ctx, n_nodes, n_edges, t, h, out);
    t = NULL;
    h = NULL;
done:
    pln_i_free(t);
    pln_i_free(h);
    return st;
}

void pln_graph_destroy(pln_graph *g)
{
    if (g == NULL) {
        return;
    }
    for (int k = 0; k < g->n_eattr; k++) {
        pln_i_free(g->eattr[k].name);
        pln_i_free(g->eattr[k].v);
    }
    for (int k = 0; k < g->n_nattr; k++) {
        pln_i_free(g->nattr[k].name);
        pln_i_free(g->nattr[k].v);
    }
    for (int k = 0; k < g->n_labels; k++) {
        pln_i_free(g->labels[k].name);
        if (g->labels[k].v != NULL) {
            for (pln_idx i = 0; i < g->n; i++) {
                pln_i_free(g->labels[k].v[i]);
            }
        }
        pln_i_free(g->labels[k].v);
    }
    pln_i_free(g->eattr);
    pln_i_free(g->nattr);
    pln_i_free(g->labels);
    pln_i_free(g->pos);
    pln_i_free(g->tail);
    pln_i_free(g->head);
    pln_i_free(g);
}

pln_status pln_graph_copy(const pln_graph *g, pln_graph **out)
{
    pln_status st = PLN_OK;
    pln_graph *c = NULL;
    PLN_TRY_GOTO(st, pln_graph_create(g->ctx, g->n, g->m, g->tail, g->head, &c));
    if (g->dim > 0) {
        PLN_TRY_GOTO(st, pln_graph_set_positions(c, g->dim, g->pos));
    }
    for (int k = 0; k < g->n_eattr; k++) {
        PLN_TRY_GOTO(st, pln_graph_edge_attr_set(c, g->eattr[k].name, g->eattr[k].v));
    }
    for (int k = 0; k < g->n_nattr; k++) {
        PLN_TRY_GOTO(st, pln_graph_node_attr_set(c, g->nattr[k].name, g->nattr[k].v));
    }
    for (int k = 0; k < g->n_labels; k++) {
        PLN_TRY_GOTO(st, pln_graph_node_label_set(c, g->labels[k].name,
                                                  (const char *const *)g->labels[k].v));
    }
    *out = c;
    c = NULL;
done:
    pln_graph_destroy(c);
    return st;
}

pln_idx pln_graph_n_nodes(const pln_graph *g) { return g->n; }
pln_idx pln_graph_n_edges(const pln_graph *g) { return g->m; }
const pln_idx *pln_graph_tails(const pln_graph *g) { return g->tail; }
const pln_idx *pln_graph_heads(const pln_graph *g) { return g->head; }
pln_ctx *pln_graph_ctx(const pln_graph *g) { return g->ctx; }
int pln_graph_dim(const pln_graph *g) { return g->dim; }
const double *pln_graph_positions(const pln_graph *g) { return g->pos; }

pln_status pln_graph_set_positions(pln_graph *g, int dim, const double *xyz)
{
    if (dim == 0 && xyz == NULL) {
        pln_i_free(g->pos);
        g->pos = NULL;
        g->dim = 0;
        return PLN_OK;
    }
    if ((dim != 2 && dim != 3) || xyz == NULL) {
        PLN_FAIL_KEY(g->ctx, PLN_EINVAL, "positions",
                     "positions need dimension 2 or 3 and an array (got dimension %d%s)", dim,
                     xyz == NULL ? ", NULL array" : "");
    }
    double *p = NULL;
    PLN_ALLOC(g->ctx, p, g->n * dim);
    memcpy(p, xyz, (size_t)(g->n * dim) * sizeof *p);
    pln_i_free(g->pos);
    g->pos = p;
    g->dim = dim;
    return PLN_OK;
}

/* Index of name in a real attribute table, or -1. */
static int find_real(const pln_i_real_attr *a, int count, const char *name)
{
    for (int k = 0; k < count; k++) {
        if (strcmp(a[k].name, name) == 0) {
            return k;
        }
    }
    return -1;
}

static pln_status set_real(pln_ctx *ctx, pln_i_real_attr **table, int *count, pln_idx len,
                           const char *what, const char *name, const double *values)
{
    pln_status st = PLN_OK;
    double *v = NULL;
    char *nm = NULL;
    if (name == NULL || name[0] == '\0' || values == NULL) {
        PLN_FAIL(ctx, PLN_EINVAL, "%s attribute needs a non-empty name and values", what);
    }
    PLN_ALLOC_GOTO(ctx, st, v, len);
    if (len > 0) {
        memcpy(v, values, (size_t)len * sizeof *v);
    }
    int k = find_real(*table, *count, name);
    if (k >= 0) {
        pln_i_free((*table)[k].v);
        (*table)[k].v = v;
        v = NULL;
        goto done;
    }
    nm = pln_i_strdup(name);
    pln_i_real_attr *grown = pln_i_realloc(*table, (size_t)(*count + 1) * sizeof *grown);
    if (nm == NULL || grown == NULL) {
        st = PLN_ERR(ctx, PLN_ENOMEM, "out of memory adding %s attribute '%s'", what, name);
        goto done;
    }
    *table = grown;
    grown[*count].name = nm;
    grown[*count].v = v;
    (*count)++;
    nm = NULL;
    v = NULL;
done:
    pln_i_free(v);
    pln_i_free(nm);
    return st;
}

pln_status pln_graph_edge_attr_set(pln_graph *g, const char *name, const double *values)
{
    return set_real(g->ctx, &g->eattr, &g->n_eattr, g->m, "edge", name, values);
}

const double *pln_graph_edge_attr(const pln_graph *g, const char *name)
{
    int k = find_real(g->eattr, g->n_eattr, name);
    return k >= 0 ? g->eattr[k].v : NULL;
}

int pln_graph_n_edge_attrs(const pln_graph *g) { return g->n_eattr; }

const char *pln_graph_edge_attr_name(const pln_graph *g, int k)
{
    return k >= 0 && k < g->n_eattr ? g->eattr[k].name : NULL;
}

pln_status pln_graph_node_attr_set(pln_graph *g, const char *name, const double *values)
{
    return set_real(g->ctx, &g->nattr, &g->n_nattr, g->n, "node", name, values);
}

const double *pln_graph_node_attr(const pln_graph *g, const char *name)
{
    int k = find_real(g->nattr, g->n_nattr, name);
    return k >= 0 ? g->nattr[k].v : NULL;
}

int pln_graph_n_node_attrs(const pln_graph *g) { return g->n_nattr; }

const char *pln_graph_node_attr_name(const pln_graph *g, int k)
{
    return k >= 0 && k < g->n_nattr ? g->nattr[k].name : NULL;
}

static int find_label(const pln_graph *g, const char *name)
{
    for (int k = 0; k < g->n_labels; k++) {
        if (strcmp(g->labels[k].name, name) == 0) {
            return k;
        }
    }
    return -1;
}

static void free_strings(char **v, pln_idx n)
{
    if (v == NULL) {
        return;
    }
    for (pln_idx i = 0; i < n; i++) {
        pln_i_free(v[i]);
    }
    pln_i_free(v);
}

pln_status pln_graph_node_label_set(pln_graph *g, const char *name, const char *const *values)
{
    pln_status st = PLN_OK;
    char **v = NULL;
    char *nm = NULL;
    if (name == NULL || name[0] == '\0' || values == NULL) {
        PLN_FAIL(g->ctx, PLN_EINVAL, "node label needs a non-empty name and values");
    }
    PLN_ALLOC_GOTO(g->ctx, st, v, g->n);
    for (pln_idx i = 0; i < g->n; i++) {
        v[i] = pln_i_strdup(values[i] != NULL ? values[i] : "");
        if (v[i] == NULL) {
            st = PLN_ERR_NODE(g->ctx, PLN_ENOMEM, i, "out of memory copying label '%s'", name);
            goto done;
        }
    }
    int k = find_label(g, name);
    if (k >= 0) {
        free_strings(g->labels[k].v, g->n);
        g->labels[k].v = v;
        v = NULL;
        goto done;
    }
    nm = pln_i_strdup(name);
    pln_i_label_attr *grown = pln_i_realloc(g->labels, (size_t)(g->n_labels + 1) * sizeof *grown);
    if (nm == NULL || grown == NULL) {
        st = PLN_ERR(g->ctx, PLN_ENOMEM, "out of memory adding node label '%s'", name);
        goto done;
    }
    g->labels = grown;
    grown[g->n_labels].name = nm;
    grown[g->n_labels].v = v;
    g->n_labels++;
    nm = NULL;
    v = NULL;
done:
    free_strings(v, g->n);
    pln_i_free(nm);
    return st;
}

const char *const *pln_graph_node_label(const pln_graph *g, const char *name)
{
    int k = find_label(g, name);
    return k >= 0 ? (const char *const *)g->labels[k].v : NULL;
}

int pln_graph_n_node_labels(const pln_graph *g) { return g->n_labels; }

const char *pln_graph_node_label_name(const pln_graph *g, int k)
{
    return k >= 0 && k < g->n_labels ? g->labels[k].name : NULL;
}

/* Union-find root with path halving. */
static pln_idx uf_find(pln_idx *parent, pln_idx i)
{
    while (parent[i] != i) {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    return i;
}

pln_status pln_graph_components(const pln_graph *g, pln_idx *membership, pln_idx *n_components)
{
    pln_status st = PLN_OK;
    pln_idx *parent = NULL;
    pln_idx *label = NULL;
    PLN_ALLOC_GOTO(g->ctx, st, parent, g->n);
    PLN_ALLOC_GOTO(g->ctx, st, label, g->n);
    for (pln_idx i = 0; i < g->n; i++) {
        parent[i] = i;
        label[i] = -1;
    }
    for (pln_idx e = 0; e < g->m; e++) {
        pln_idx a = uf_find(parent, g->tail[e]);
        pln_idx b = uf_find(parent, g->head[e]);
        if (a != b) {
            parent[a < b ? b : a] = a < b ? a : b;
        }
    }
    /* Numbering components by their lowest node makes the result independent of edge order. */
    pln_idx count = 0;
    for (pln_idx i = 0; i < g->n; i++) {
        pln_idx r = uf_find(parent, i);
        if (label[r] < 0) {
            label[r] = count++;
        }
        membership[i] = label[r];
    }
    *n_components = count;
done:
    pln_i_free(parent);
    pln_i_free(label);
    return st;
}

void pln_graph_degree_stats(const pln_graph *g, pln_idx *min_degree, pln_idx *max_degree,
                            double *mean_degree)
{
    /* This call cannot report failure, so if the scratch array cannot be allocated the minimum
     * and maximum read 0 (the mean needs no memory). */
    pln_idx *deg = pln_i_calloc((size_t)g->n, sizeof *deg);
    pln_idx lo = 0;
    pln_idx hi = 0;
    if (deg != NULL) {
        for (pln_idx e = 0; e < g->m; e++) {
            deg[g->tail[e]]++;
            deg[g->head[e]]++;
        }
        lo = deg[0];
        hi = deg[0];
        for (pln_idx i = 1; i < g->n; i++) {
            lo = deg[i] < lo ? deg[i] : lo;
            hi = deg[i] > hi ? deg[i] : hi;
        }
    }
    pln_i_free(deg);
    if (min_degree != NULL) {
        *min_degree = lo;
    }
    if (max_degree != NULL) {
        *max_degree = hi;
    }
    if (mean_degree != NULL) {
        *mean_degree = 2.0 * (double)g->m / (double)g->n;
    }
}

pln_status pln_graph_pick_nodes(const pln_graph *g, pln_idx count, bool *taken, pln_rng *rng,
                                pln_idx *out)
{
    pln_status st = PLN_OK;
    pln_idx *free_nodes = NULL;
    if (count < 0) {
        PLN_FAIL(g->ctx, PLN_EINVAL, "cannot pick a negative number of nodes (%" PRId64 ")",
                 count);
    }
    pln_idx n_free = 0;
    for (pln_idx i = 0; i < g->n; i++) {
        n_free += taken[i] ? 0 : 1;
    }
    if (n_free < count) {
        PLN_FAIL(g->ctx, PLN_EINVAL,
                 "cannot pick %" PRId64 " nodes: only %" PRId64 " of %" PRId64
                 " nodes are not taken",
                 count, n_free, g->n);
    }
    PLN_ALLOC_GOTO(g->ctx, st, free_nodes, n_free);
    n_free = 0;
    for (pln_idx i = 0; i < g->n; i++) {
        if (!taken[i]) {
            free_nodes[n_free++] = i;
        }
    }
    /* Partial Fisher-Yates: the first count slots become a uniform random ordered sample. */
    for (pln_idx k = 0; k < count; k++) {
        pln_idx j = k + pln_rng_index(rng, n_free - k);
        pln_idx tmp = free_nodes[k];
        free_nodes[k] = free_nodes[j];
        free_nodes[j] = tmp;
        out[k] = free_nodes[k];
        taken[free_nodes[k]] = true;
    }
done:
    pln_i_free(free_nodes);
    return st;
}
