/* learn_fixtures.h — small networks, states and cost oracles shared by the learning tests. */
#ifndef PLN_LEARN_FIXTURES_H
#define PLN_LEARN_FIXTURES_H

#include "pln_internal.h"
#include "pln_learning.h"
#include "test_support.h"

/* A network with its states: random connected graph, ground + sources, outputs, targets. */
typedef struct lf_net {
    pln_ctx *ctx;
    pln_graph *g;
    pln_network *net;
    pln_states *st;
    pln_idx n, m, n_out, n_dir;
    pln_output outs[8];
    pln_idx dir_nodes[8];
    double dir_values[8];
    double targets[8];
} lf_net;

/* Random connected graph on n nodes with `extra` extra edges; k uniform in [0.5, 1.5] (or
 * radii in [0.5, 1.5] and lengths in [0.5, 2] for flow). Node 0 grounded, nodes 1..n_src are
 * sources at random potentials in [0.2, 1]; n_out distinct free output nodes with random
 * targets in [0.1, 0.6]. max_rhs = batch. */
void lf_random(lf_net *f, pln_kind kind, pln_idx n, pln_idx extra, pln_idx n_src,
               pln_idx n_out, pln_idx batch, uint64_t seed);
void lf_free(lf_net *f);

/* C = 1/2 |o - T|^2 of the free state with the network's current theta. */
double lf_cost(lf_net *f);
/* Central finite differences of C with respect to k_e (dof conductance) or r_e (radius),
 * relative step h. */
void lf_fd_gradient(lf_net *f, pln_dof dof, double h, double *grad);
/* The rule's update for the fixture's single example (alpha as given). */
void lf_rule_update(lf_net *f, pln_rule_kind rule, double alpha, double nudge, double asym,
                    pln_dof dof, double *dtheta);

#endif
