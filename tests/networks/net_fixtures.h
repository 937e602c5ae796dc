/* net_fixtures.h — small graph builders and a dense KKT oracle shared by the network and states tests. */
#ifndef PLN_NET_FIXTURES_H
#define PLN_NET_FIXTURES_H

#include "plnet_internal_test.h"

/* A random connected graph on n nodes: a random spanning tree plus extra random edges, no
 * self-loops. Edges are written into tail/head (capacity cap), the count returned. */
pln_idx fx_random_graph(pln_rng *rng, pln_idx n, pln_idx extra, pln_idx *tail, pln_idx *head);

/* Solve for the node potentials of a resistor network by an independent method: the full
 * n x n Laplacian with every Dirichlet node and every edge source imposed by a Lagrange
 * multiplier (a KKT system, dense, Gaussian elimination with pivoting). Returns 0 on success. */
int fx_kkt_potentials(pln_idx n, pln_idx m, const pln_idx *tail, const pln_idx *head,
                      const double *k, const pln_boundary *bc, double *p);

#endif
