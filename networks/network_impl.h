/* network_impl.h — the layout of pln_network, shared by network.c and assemble.c only. */
#ifndef PLN_NETWORK_IMPL_H
#define PLN_NETWORK_IMPL_H

#include "pln_internal.h"
#include "pln_network.h"

typedef struct pln_i_circuit pln_i_circuit;

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

    double *work_n; /* length n * sd: the fixed part for pln_network_rhs */

    /* Springs (SPEC 1.2); sd = 1 and everything below NULL for resistor and flow. */
    int sd;            /* values per node in a state: 1, or dim for springs */
    bool spring;       /* kind is spring or spring_linear */
    pln_param sig;     /* parameter reported by pln_network_signals */
    double *l;         /* rest lengths */
    double *L0;        /* reference lengths |X0_t - X0_h| */
    double *nrm;       /* unit reference directions (X0_t - X0_h)/L0, m x dim */
    int *dir_axes;     /* per pin slot: mask of held components */
    pln_idx *dof;      /* node*sd + c -> reduced index, or -1 when held */
    pln_idx *red_dof;  /* reduced index -> node*sd + c */
    pln_idx *slot_blk; /* per edge 3 d x d blocks (tt, hh, th) of slots into A.x, or -1 */

    /* Nonlinear elements (SPEC 1.3, elements.c); NULL when every edge is a linear resistor. */
    pln_i_circuit *circ;
};

/* Elements (elements.c). init reads kinds and parameters from the graph (circ stays NULL when
 * every edge is a linear resistor); finish copies the conductances in once they are read. */
pln_status pln_i_circuit_init(pln_network *net, const pln_graph *g, const pln_element_options *o);
void pln_i_circuit_finish(pln_network *net);
void pln_i_circuit_destroy(pln_i_circuit *c);
/* Whether edge e is a linear resistor (always, without elements). */
bool pln_i_circuit_edge_linear(const pln_network *net, pln_idx e);
/* Copy the resistors' conductances net->k into the element parameters. */
void pln_i_circuit_sync_conductances(pln_network *net);
/* Current (A) and co-content (W) of edge e at drop v, whatever its kind (k v, k v^2/2 when
 * linear). */
double pln_i_edge_current(const pln_network *net, pln_idx e, double v);
double pln_i_edge_cocontent(const pln_network *net, pln_idx e, double v);
/* Each edge's learnable-parameter signal (0 where nothing learns). */
void pln_i_circuit_learn_signals(const pln_network *net, const double *p, double *s);

/* Copy the boundary (values per node: net->sd) into owned arrays (network.c). */
pln_status pln_i_network_copy_boundary(pln_network *net, const pln_boundary *bc);

/* Springs (spring.c): everything pln_network_create needs after the common part (positions,
 * tails, heads, options copied): parameters, pins, dof numbering, rigid-body check, pattern. */
pln_status pln_i_spring_init(pln_network *net, const pln_graph *g, const pln_network_options *o);
void pln_i_spring_refill(pln_network *net);
pln_status pln_i_spring_fixed_positions(const pln_network *net, const pln_bc_values *v, double *x0);
void pln_i_spring_rhs_fixed(const pln_network *net, const double *x0, const double *forces,
                            double *f);
void pln_i_spring_expand_delta(const pln_network *net, const double *dx, double *x);
pln_status pln_i_spring_output_matrix(const pln_network *net, pln_idx n_out,
                                      const pln_output *outs, double *E);
void pln_i_spring_read_outputs(const pln_network *net, pln_idx n_out, const pln_output *outs,
                               const double *x, double *o);
/* Linearized or exact length of edge e at x (for spring_linear r = L0 + n . (u_t - u_h)). */
double pln_i_spring_length(const pln_network *net, const double *x, pln_idx e);

/* A lower-triangle position (row >= col) of the reduced matrix's pattern. */
typedef struct pln_i_entry {
    pln_idx col, row;
} pln_i_entry;
/* Sort and deduplicate ent[0..ne) (reordered in place) and build net->A's pattern from them,
 * values zeroed (assemble.c; shared by the linear and the spring patterns). */
pln_status pln_i_network_pattern_from_entries(pln_network *net, pln_i_entry *ent, pln_idx ne);
/* Position of (row, col), in either order, in the lower triangle of A, or -1. */
pln_idx pln_i_csc_find(const pln_csc *A, pln_idx row, pln_idx col);

/* Assemble the reduced pattern and the edge slots (assemble.c). */
pln_status pln_i_network_build_pattern(pln_network *net);
/* Refill A.x from the conductances, O(nnz + m). */
void pln_i_network_refill(pln_network *net);

#endif
