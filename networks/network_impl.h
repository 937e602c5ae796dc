/* network_impl.h — the layout of pln_network, shared by network.c and assemble.c only. */
#ifndef PLN_NETWORK_IMPL_H
#define PLN_NETWORK_IMPL_H

#include "pln_internal.h"
#include "pln_network.h"

struct pln_network {
    pln_ctx *ctx;
    pln_kind kind;
    double mu;
    pln_idx n, m;
    pln_idx *tail, *head;
    int dim;
    double *pos;
    double *k;   /* conductances (S) */
    double *r;   /* flow: radii (m); NULL otherwise */
    double *len; /* flow: lengths (m); NULL otherwise */

    /* Boundary, owned copies; bc's pointers point at these arrays. */
    pln_boundary bc;
    pln_idx *dir_nodes, *cur_nodes, *src_edges;
    double *dir_vals, *cur_vals, *src_vals;

    /* Node groups joined by edge sources: a forest over the source edges. */
    pln_idx *group;       /* node -> reduced index, or -1 when the group is fixed */
    pln_idx *order;       /* every node, each tree in breadth-first order, roots first */
    pln_idx *parent;      /* node -> parent node in its tree, or -1 at a root */
    pln_idx *parent_src;  /* node -> source slot joining it to its parent, or -1 */
    pln_idx *dir_slot;    /* node -> Dirichlet slot, or -1 */
    pln_idx *root_of;     /* node -> root node of its tree */
    pln_idx nr;           /* reduced unknowns */
    pln_idx *red_node;    /* reduced index -> root node */
    pln_idx *cycle_src;   /* source slots that close a loop (checked for consistency) */
    pln_idx n_cycle_src;

    /* Reduced matrix, pattern fixed at create; per-edge slots into A.x (or -1). */
    pln_csc A;
    pln_idx *slot_tt, *slot_hh, *slot_th;

    double *work_n; /* length n: the fixed part for pln_network_rhs */
};

/* Assemble the reduced pattern and the edge slots (assemble.c). */
pln_status pln_i_network_build_pattern(pln_network *net);
/* Refill A.x from the conductances, O(nnz + m). */
void pln_i_network_refill(pln_network *net);

#endif
