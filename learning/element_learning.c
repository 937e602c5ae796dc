/* element_learning.c — theta of a network of edge elements (SPEC 1.3, 3): the edges that learn, grouped by the hardware they go through (conductances, gate voltages), and the hardware pipeline applied per group. */
#include "learning_impl.h"

#include <string.h>

void pln_i_egroups_free(pln_i_egroups *g)
{
    if (g == NULL) {
        return;
    }
    pln_i_free(g->ik);
    pln_i_free(g->ig);
    pln_i_free(g->a);
    pln_i_free(g->b);
    pln_i_free(g->c);
    memset(g, 0, sizeof *g);
}

pln_status pln_i_egroups_init(pln_ctx *ctx, const pln_network *net, pln_dof dof,
                              pln_i_egroups *g)
{
    memset(g, 0, sizeof *g);
    const pln_idx m = pln_network_n_edges(net);
    g->m = m;
    PLN_ALLOC(ctx, g->ik, m);
    PLN_ALLOC(ctx, g->ig, m);
    for (pln_idx e = 0; e < m; e++) {
        const pln_eparam lp = pln_element_learnable(pln_network_element_kind(net, e));
        if (lp == PLN_EP_CONDUCTANCE) {
            g->ik[g->n_k++] = e;
        } else if (lp == PLN_EP_GATE && dof == PLN_DOF_ELEMENT) {
            g->ig[g->n_g++] = e;
        }
    }
    const pln_idx w = g->n_k > g->n_g ? g->n_k : g->n_g;
    PLN_ALLOC(ctx, g->a, w);
    PLN_ALLOC(ctx, g->b, w);
    PLN_ALLOC(ctx, g->c, w);
    return PLN_OK;
}

/* One group through its hardware: gather, apply, scatter; returns its bits. */
static double apply_group(const pln_i_egroups *g, const pln_idx *idx, pln_idx cnt,
                          const pln_hardware *hw, pln_rng *rng, double resolution,
                          const double *theta, double *dtheta, double *theta_new)
{
    if (cnt == 0) {
        return 0.0;
    }
    for (pln_idx q = 0; q < cnt; q++) {
        g->a[q] = theta[idx[q]];
        g->b[q] = dtheta[idx[q]];
    }
    pln_hardware_apply(hw, rng, cnt, g->a, g->b, g->c);
    const double bits = pln_ledger_bits(hw, resolution, cnt, g->a, g->b);
    for (pln_idx q = 0; q < cnt; q++) {
        theta_new[idx[q]] = g->c[q];
        dtheta[idx[q]] = g->b[q];
    }
    return bits;
}

double pln_i_egroups_apply(const pln_i_egroups *g, const pln_hardware *hw_k,
                           const pln_hardware *hw_g, pln_rng *rng, double resolution,
                           const double *theta, double *dtheta, double *theta_new)
{
    /* Edges that do not learn: unchanged, whatever the rule (or its noise) said. */
    memcpy(theta_new, theta, (size_t)g->m * sizeof *theta_new);
    for (pln_idx q = 0, a = 0, b = 0; q < g->m; q++) {
        const bool learns = (a < g->n_k && g->ik[a] == q) || (b < g->n_g && g->ig[b] == q);
        a += a < g->n_k && g->ik[a] == q;
        b += b < g->n_g && g->ig[b] == q;
        if (!learns) {
            dtheta[q] = 0.0;
        }
    }
    double bits = apply_group(g, g->ik, g->n_k, hw_k, rng, resolution, theta, dtheta, theta_new);
    bits += apply_group(g, g->ig, g->n_g, hw_g, rng, resolution, theta, dtheta, theta_new);
    return bits;
}
