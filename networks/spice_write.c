/* spice_write.c — a network and its stored boundary as a SPICE netlist for ngspice: resistors, diodes and level-1 NMOS transistors with their .model lines, ideal diodes as behavioural sources, the sources, .options for the devices and .op. */
#include "network_impl.h"

#include <math.h>
#include <string.h>

static void node_name(const bool *zero, pln_idx i, char *buf, size_t size)
{
    if (zero != NULL && zero[i]) {
        snprintf(buf, size, "0");
    } else {
        snprintf(buf, size, "n%lld", (long long)i);
    }
}

pln_status pln_network_write_spice(const pln_network *net, FILE *f, const char *title,
                                   const bool *zero)
{
    if (net->spring || net->kind == PLN_KIND_FLOW) {
        PLN_FAIL(net->ctx, PLN_EINVAL, "a %s network has no SPICE form (resistor networks only)",
                 pln_kind_name(net->kind));
    }
    /* Refuse before writing anything: a table has no exact SPICE element. */
    for (pln_idx e = 0; e < net->m; e++) {
        if (pln_network_element_kind(net, e) == PLN_ELEM_TABLE) {
            return pln_i_error(net->ctx, PLN_EINVAL, __FILE__, __LINE__, -1, e, "element",
                               "edge %lld is an I(V) table: SPICE has no element for a monotone "
                               "cubic interpolant, so the netlist would not be this circuit",
                               (long long)e);
        }
    }
    const bool devices = net->circ != NULL;
    /* The first line of a SPICE deck is its title. */
    fprintf(f, "* %s\n", title != NULL ? title : "plnet network");
    fprintf(f, "* node i is n<i>; ground nodes are 0; R<e>, D<e>, M<e>, B<e> are edge e (tail -> "
               "head)\n");
    if (devices) {
        /* ngspice puts GMIN across each junction and channel, as plnet's g_min */
        const double tc = pln_network_element_temperature(net) - 273.15;
        fprintf(f, ".options TEMP=%.17g TNOM=%.17g GMIN=%.17g\n", tc, tc,
                pln_network_element_gmin(net));
    }
    char a[32], c[32];
    for (pln_idx e = 0; e < net->m; e++) {
        node_name(zero, net->tail[e], a, sizeof a);
        node_name(zero, net->head[e], c, sizeof c);
        const pln_element_kind k = pln_network_element_kind(net, e);
        if (strcmp(a, c) == 0) {
            /* Both ends grounded: the edge carries no current and SPICE rejects a short. */
            fprintf(f, "* edge %lld n%lld n%lld (%s, both ends grounded)\n", (long long)e,
                    (long long)net->tail[e], (long long)net->head[e], pln_element_kind_name(k));
            continue;
        }
        double par[4];
        switch (k) {
        case PLN_ELEM_RESISTOR:
            fprintf(f, "R%lld %s %s %.17g\n", (long long)e, a, c, 1.0 / net->k[e]);
            break;
        case PLN_ELEM_DIODE:
            par[0] = pln_network_element_param(net, e, PLN_EP_IS);
            par[1] = pln_network_element_param(net, e, PLN_EP_N);
            par[2] = pln_network_element_param(net, e, PLN_EP_RS);
            fprintf(f, "D%lld %s %s DM%lld\n.model DM%lld D(IS=%.17g N=%.17g RS=%.17g)\n",
                    (long long)e, a, c, (long long)e, (long long)e, par[0], par[1], par[2]);
            break;
        case PLN_ELEM_NMOS:
            par[0] = pln_network_element_param(net, e, PLN_EP_KP);
            par[1] = pln_network_element_param(net, e, PLN_EP_VTO);
            par[2] = pln_network_element_param(net, e, PLN_EP_LAMBDA);
            par[3] = pln_network_element_param(net, e, PLN_EP_GATE);
            /* bulk tied to the source, no bulk junction currents (IS=0), W = L: K' = KP */
            fprintf(f, "M%lld %s g%lld %s %s MM%lld\nVG%lld g%lld %s DC %.17g\n"
                       ".model MM%lld NMOS(LEVEL=1 KP=%.17g VTO=%.17g LAMBDA=%.17g IS=0)\n",
                    (long long)e, a, (long long)e, c, c, (long long)e, (long long)e,
                    (long long)e, c, par[3], (long long)e, par[0], par[1], par[2]);
            break;
        case PLN_ELEM_IDEAL_DIODE:
            par[0] = pln_network_element_param(net, e, PLN_EP_G_ON);
            par[1] = pln_network_element_param(net, e, PLN_EP_G_OFF);
            par[2] = pln_network_element_param(net, e, PLN_EP_V_ON);
            /* ngspice's behavioural current source: the same piecewise-linear I(V), g_min
             * included (no junction for ngspice's GMIN to sit across) */
            fprintf(f, "B%lld %s %s I = %.17g * V(%s,%s) + %.17g * max(V(%s,%s) - %.17g, 0)\n",
                    (long long)e, a, c, par[1] + pln_network_element_gmin(net), a, c, par[0], a,
                    c, par[2]);
            break;
        default:
            break;
        }
    }
    const pln_boundary *bc = &net->bc;
    for (pln_idx d = 0; d < bc->n_dirichlet; d++) {
        const pln_idx i = bc->dirichlet_nodes[d];
        if (zero == NULL || !zero[i]) {
            fprintf(f, "V%lld n%lld 0 DC %.17g\n", (long long)i, (long long)i, net->dir_vals[d]);
        }
    }
    for (pln_idx j = 0; j < bc->n_currents; j++) {
        const pln_idx i = bc->current_nodes[j];
        node_name(zero, i, a, sizeof a);
        fprintf(f, "I%lld 0 %s DC %.17g\n", (long long)i, a, net->cur_vals[j]);
    }
    for (pln_idx s = 0; s < bc->n_sources; s++) {
        const pln_idx e = bc->source_edges[s];
        node_name(zero, net->tail[e], a, sizeof a);
        node_name(zero, net->head[e], c, sizeof c);
        fprintf(f, "VE%lld %s %s DC %.17g\n", (long long)e, a, c, net->src_vals[s]);
    }
    fprintf(f, ".op\n.end\n");
    if (ferror(f)) {
        PLN_FAIL(net->ctx, PLN_EIO, "error writing the SPICE netlist");
    }
    return PLN_OK;
}
