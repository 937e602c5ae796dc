/* spring_fixtures.h — small spring networks and independent force and energy oracles for the spring tests. */
#ifndef PLN_SPRING_FIXTURES_H
#define PLN_SPRING_FIXTURES_H

#include "pln_common.h"
#include "pln_graph.h"
#include "pln_internal.h"
#include "pln_network.h"
#include "pln_states.h"
#include "test_support.h"

/* A network of the given kind on g; pins (all axes unless axes given), forces, sources. */
pln_network *sf_network(pln_ctx *ctx, const pln_graph *g, pln_kind kind, const pln_boundary *bc);

/* Net force on every component of every node at positions x, computed from scratch:
 * sum over edges of -k (r - l) dr/dx, plus the applied forces of bc (NULL = none). For
 * spring_linear, r is linearized about X0. out has n * d entries. */
void sf_net_forces(const pln_network *net, const double *x, const pln_boundary *bc, double *out);

/* Largest |net force| over the components of nodes not held by a pin, skipping the nodes in
 * skip (may be NULL; length n, true = skip). */
double sf_max_free_force(const pln_network *net, const double *x, const pln_boundary *bc,
                         const bool *skip);

/* Nodes of a triangular lattice with fewer than 6 neighbours (the boundary). */
void sf_boundary_nodes(const pln_graph *g, bool *on_boundary);

#endif
