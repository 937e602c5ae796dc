/* cmd_export.c — `plnet export --spice`: the network and its sources as a SPICE netlist for a circuit simulator. */
#include "commands.h"
#include "experiment_setup.h"
#include "outfile.h"

#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: plnet export --spice CONFIG.yaml [-o FILE] [--set KEY=VALUE]...\n\n"
    "Write the network of CONFIG.yaml as a SPICE netlist (to FILE, else standard output):\n"
    "node i is SPICE node n<i>, ground nodes are SPICE node 0, every resistor edge e is\n"
    "R<e> = 1/k_e, every diode D<e> with its .model D(IS= N= RS=), every transistor M<e>\n"
    "with its gate source VG<e> and .model NMOS(LEVEL=1 KP= VTO= LAMBDA= IS=0), every ideal\n"
    "diode a behavioural source B<e>, every other fixed-potential node i a source\n"
    "V<i> n<i> 0, every current injection a source I<i> 0 n<i> (current into node i), every\n"
    "edge source a source VE<e> n<tail> n<head> (p_tail - p_head), then .op and .end;\n"
    "e.g. `ngspice -b FILE`. I(V) tables have no SPICE form: an error names the edge.\n\n"
    "options:\n"
    "  --spice           SPICE netlist (the one format so far)\n"
    "  -o, --output FILE output file (written atomically)\n"
    PLNET_SET_HELP
    "  -h, --help        this help\n";

/* The netlist itself is the library's (pln_network_write_spice): this only titles it. */
static int write_netlist(FILE *f, const plnet_config *cfg, pln_experiment *x,
                         const bool *is_zero, pln_ctx *ctx, FILE *err)
{
    const pln_network *net = pln_experiment_network(x);
    char title[512];
    snprintf(title, sizeof title, "plnet %s: %s network, %lld nodes, %lld edges (plnet %s)",
             cfg->d.name, pln_kind_name(cfg->d.network.kind),
             (long long)pln_network_n_nodes(net), (long long)pln_network_n_edges(net),
             pln_version());
    if (pln_network_write_spice(net, f, title, is_zero) != PLN_OK) {
        fprintf(err, "plnet: export: %s\n", pln_ctx_last_error(ctx)->message);
        return 1;
    }
    return 0;
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
                rc = write_netlist(f.fp, &cfg, x, is_zero, ctx, err);
                if (rc == 0) {
                    rc = plnet_outfile_commit(&f, err);
                } else {
                    plnet_outfile_abort(&f);
                }
            }
        } else {
            rc = write_netlist(out, &cfg, x, is_zero, ctx, err);
        }
    }
    free(is_zero);
    pln_experiment_destroy(x);
    pln_ctx_destroy(ctx);
    plnet_config_free(&cfg);
    plnet_args_free(&a);
    return rc;
}
