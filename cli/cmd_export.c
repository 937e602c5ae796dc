/* cmd_export.c — `plnet export --spice`: the network and its sources as a SPICE netlist for a circuit simulator. */
#include "commands.h"
#include "experiment_setup.h"
#include "outfile.h"

#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: plnet export --spice CONFIG.yaml [-o FILE] [--set KEY=VALUE]...\n\n"
    "Write the network of CONFIG.yaml as a SPICE netlist (to FILE, else standard output):\n"
    "node i is SPICE node n<i>, ground nodes are SPICE node 0, every edge e is a resistor\n"
    "R<e> = 1/k_e, every other fixed-potential node i a source V<i> n<i> 0, every current\n"
    "injection a source I<i> 0 n<i> (current into node i), every edge source a source\n"
    "VE<e> n<tail> n<head> (p_tail - p_head), then .op and .end; e.g. `ngspice -b FILE`.\n\n"
    "options:\n"
    "  --spice           SPICE netlist (the one format so far)\n"
    "  -o, --output FILE output file (written atomically)\n"
    PLNET_SET_HELP
    "  -h, --help        this help\n";

static void node_name(const bool *is_zero, pln_idx i, char *buf, size_t size)
{
    if (is_zero[i]) {
        snprintf(buf, size, "0");
    } else {
        snprintf(buf, size, "n%lld", (long long)i);
    }
}

static void write_netlist(FILE *f, const plnet_config *cfg, pln_experiment *x,
                          const bool *is_zero)
{
    const pln_network *net = pln_experiment_network(x);
    const pln_boundary *bc = pln_network_boundary(net);
    pln_idx n = pln_network_n_nodes(net);
    pln_idx m = pln_network_n_edges(net);
    const pln_idx *tail = pln_network_tails(net);
    const pln_idx *head = pln_network_heads(net);
    const double *k = pln_network_conductances(net);
    /* The first line of a SPICE deck is its title. */
    fprintf(f, "* plnet %s: %s network, %lld nodes, %lld edges (plnet %s)\n", cfg->name.v,
            plnet_enum_name("network.kind", cfg->network.kind.v), (long long)n, (long long)m,
            pln_version());
    fprintf(f, "* node i is n<i>; ground nodes are 0; R<e> is edge e (tail -> head)\n");
    char a[32];
    char c[32];
    for (pln_idx e = 0; e < m; e++) {
        node_name(is_zero, tail[e], a, sizeof a);
        node_name(is_zero, head[e], c, sizeof c);
        if (strcmp(a, c) == 0) {
            /* Both ends grounded: the edge carries no current and SPICE rejects a shorted R. */
            fprintf(f, "* R%lld n%lld n%lld %.17g (both ends grounded)\n", (long long)e,
                    (long long)tail[e], (long long)head[e], 1.0 / k[e]);
            continue;
        }
        fprintf(f, "R%lld %s %s %.17g\n", (long long)e, a, c, 1.0 / k[e]);
    }
    const double *dv = pln_network_dirichlet_values(net);
    const double *cv = pln_network_current_values(net);
    const double *sv = pln_network_source_values(net);
    for (pln_idx d = 0; d < bc->n_dirichlet; d++) {
        pln_idx i = bc->dirichlet_nodes[d];
        if (!is_zero[i]) {
            fprintf(f, "V%lld n%lld 0 DC %.17g\n", (long long)i, (long long)i, dv[d]);
        }
    }
    for (pln_idx j = 0; j < bc->n_currents; j++) {
        pln_idx i = bc->current_nodes[j];
        node_name(is_zero, i, a, sizeof a);
        fprintf(f, "I%lld 0 %s DC %.17g\n", (long long)i, a, cv[j]);
    }
    for (pln_idx s = 0; s < bc->n_sources; s++) {
        pln_idx e = bc->source_edges[s];
        node_name(is_zero, tail[e], a, sizeof a);
        node_name(is_zero, head[e], c, sizeof c);
        fprintf(f, "VE%lld %s %s DC %.17g\n", (long long)e, a, c, sv[s]);
    }
    fprintf(f, ".op\n.end\n");
}

int plnet_cmd_export(int argc, char **argv, FILE *out, FILE *err)
{
    plnet_args a;
    int rc = plnet_parse_args(argc, argv, usage, true, &a, out, err);
    if (rc != 0) {
        plnet_args_free(&a);
        return rc < 0 ? 0 : rc;
    }
    if (!a.spice) {
        fprintf(err, "plnet: export: give the format: --spice\n");
        plnet_args_free(&a);
        return 2;
    }
    plnet_config cfg;
    pln_ctx *ctx = NULL;
    pln_experiment *x = NULL;
    bool *is_zero = NULL;
    rc = plnet_config_load_with(a.config, a.sets.v, a.sets.n, &cfg, err);
    if (rc == 0) {
        rc = plnet_experiment_open(&cfg, PLN_BUILD_NETWORK, &ctx, &x, err);
    }
    if (rc == 0) {
        const pln_network *net = pln_experiment_network(x);
        const pln_boundary *bc = pln_network_boundary(net);
        const double *dv = pln_network_dirichlet_values(net);
        const bool *ground = pln_experiment_dirichlet_ground(x);
        pln_idx n = pln_network_n_nodes(net);
        is_zero = calloc((size_t)n, sizeof *is_zero);
        if (is_zero == NULL) {
            fprintf(err, "plnet: out of memory\n");
            rc = 1;
        } else {
            /* Only ground nodes at 0 V become SPICE's node 0; other fixed nodes get a source. */
            for (pln_idx d = 0; d < bc->n_dirichlet; d++) {
                if (ground[d] && dv[d] == 0.0) {
                    is_zero[bc->dirichlet_nodes[d]] = true;
                }
            }
        }
    }
    if (rc == 0) {
        if (a.output != NULL && strcmp(a.output, "-") != 0) {
            plnet_outfile f;
            rc = plnet_outfile_open(&f, a.output, err);
            if (rc == 0) {
                write_netlist(f.fp, &cfg, x, is_zero);
                rc = plnet_outfile_commit(&f, err);
            }
        } else {
            write_netlist(out, &cfg, x, is_zero);
        }
    }
    free(is_zero);
    pln_experiment_destroy(x);
    pln_ctx_destroy(ctx);
    plnet_config_free(&cfg);
    plnet_args_free(&a);
    return rc;
}
