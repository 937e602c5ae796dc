/* spring_fixtures.c — small spring networks and independent force and energy oracles for the spring tests. */
#include "spring_fixtures.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

pln_network *sf_network(pln_ctx *ctx, const pln_graph *g, pln_kind kind, const pln_boundary *bc)
{
    pln_network_options o;
    pln_network_options_default(&o);
    o.kind = kind;
    pln_network *net = NULL;
    pln_status s = pln_network_create(ctx, g, &o, bc, &net);
    cr_assert_eq(s, PLN_OK, "network: %s", pln_ctx_last_error(ctx)->message);
    return net;
}

void sf_net_forces(const pln_network *net, const double *x, const pln_boundary *bc, double *out)
{
    int d = 0;
    const double *X0 = pln_network_positions(net, &d);
    const pln_idx n = pln_network_n_nodes(net), m = pln_network_n_edges(net);
    const pln_idx *t = pln_network_tails(net), *h = pln_network_heads(net);
    const double *k = pln_network_conductances(net), *l = pln_network_rest_lengths(net);
    const bool lin = pln_network_kind(net) == PLN_KIND_SPRING_LINEAR;
    memset(out, 0, (size_t)(n * d) * sizeof *out);
    for (pln_idx e = 0; e < m; e++) {
        double v[3], v0[3], r = 0.0, r0 = 0.0;
        for (int c = 0; c < d; c++) {
            v[c] = x[t[e] * d + c] - x[h[e] * d + c];
            v0[c] = X0[t[e] * d + c] - X0[h[e] * d + c];
            r += v[c] * v[c];
            r0 += v0[c] * v0[c];
        }
        r = sqrt(r);
        r0 = sqrt(r0);
        double n_e[3];
        if (lin) {
            /* r_lin = r0 + n0 . (u_t - u_h) */
            double rl = r0;
            for (int c = 0; c < d; c++) {
                n_e[c] = v0[c] / r0;
                rl += n_e[c] * (v[c] - v0[c]);
            }
            r = rl;
        } else {
            for (int c = 0; c < d; c++) {
                n_e[c] = v[c] / r;
            }
        }
        const double tension = k[e] * (r - l[e]);
        for (int c = 0; c < d; c++) {
            out[t[e] * d + c] -= tension * n_e[c];
            out[h[e] * d + c] += tension * n_e[c];
        }
    }
    if (bc != NULL) {
        for (pln_idx a = 0; a < bc->n_currents; a++) {
            for (int c = 0; c < d; c++) {
                out[bc->current_nodes[a] * d + c] += bc->current_values[a * d + c];
            }
        }
    }
}

double sf_max_free_force(const pln_network *net, const double *x, const pln_boundary *bc,
                         const bool *skip)
{
    const int d = pln_network_state_dim(net);
    const pln_idx n = pln_network_n_nodes(net);
    double *f = malloc((size_t)(n * d) * sizeof *f);
    sf_net_forces(net, x, bc, f);
    double worst = 0.0;
    for (pln_idx i = 0; i < n; i++) {
        if (skip != NULL && skip[i]) {
            continue;
        }
        for (int c = 0; c < d; c++) {
            if (pln_network_dof_index(net, i, c) >= 0) {
                worst = fmax(worst, fabs(f[i * d + c]));
            }
        }
    }
    free(f);
    return worst;
}

void sf_boundary_nodes(const pln_graph *g, bool *on_boundary)
{
    const pln_idx n = pln_graph_n_nodes(g), m = pln_graph_n_edges(g);
    pln_idx *deg = calloc((size_t)n, sizeof *deg);
    for (pln_idx e = 0; e < m; e++) {
        deg[pln_graph_tails(g)[e]]++;
        deg[pln_graph_heads(g)[e]]++;
    }
    for (pln_idx i = 0; i < n; i++) {
        on_boundary[i] = deg[i] < 6;
    }
    free(deg);
}
