/* cmd_info.c — `plnet info`: size, degrees, components and roles of the configured graph. */
#include "commands.h"
#include "experiment_setup.h"

#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: plnet info CONFIG.yaml [--set KEY=VALUE]...\n\n"
    "Build the graph of CONFIG.yaml and print its number of nodes and edges, degree\n"
    "statistics, connected components and the node roles (ground, inputs, outputs).\n\n"
    "options:\n"
    PLNET_SET_HELP
    "  -h, --help        this help\n";

int plnet_cmd_info(int argc, char **argv, FILE *out, FILE *err)
{
    plnet_args a;
    int rc = plnet_parse_args(argc, argv, usage, false, &a, out, err);
    if (rc != 0) {
        plnet_args_free(&a);
        return rc < 0 ? 0 : rc;
    }
    if (a.output != NULL || a.force) {
        fprintf(err, "plnet: info: %s is not used by info\n", a.force ? "--force" : "-o");
        plnet_args_free(&a);
        return 2;
    }
    plnet_config cfg;
    pln_ctx *ctx = NULL;
    pln_experiment *x = NULL;
    rc = plnet_config_load_with(a.config, a.sets.v, a.sets.n, &cfg, err);
    if (rc == 0) {
        rc = plnet_experiment_open(&cfg, PLN_BUILD_GRAPH, &ctx, &x, err);
    }
    pln_idx *memb = NULL;
    pln_idx *sizes = NULL;
    if (rc == 0) {
        const pln_graph *g = pln_experiment_graph(x);
        const char *const *role = pln_experiment_roles(x);
        pln_idx n = pln_graph_n_nodes(g);
        pln_idx m = pln_graph_n_edges(g);
        pln_idx dmin = 0;
        pln_idx dmax = 0;
        double dmean = 0.0;
        pln_graph_degree_stats(g, &dmin, &dmax, &dmean);
        pln_idx nc = 0;
        memb = malloc((size_t)n * sizeof *memb);
        sizes = calloc((size_t)n, sizeof *sizes);
        pln_status st = memb != NULL && sizes != NULL ? pln_graph_components(g, memb, &nc)
                                                      : PLN_ENOMEM;
        if (st != PLN_OK) {
            rc = plnet_report_lib(err, ctx, st, "components");
        } else {
            for (pln_idx i = 0; i < n; i++) {
                sizes[memb[i]]++;
            }
            pln_idx largest = 0;
            for (pln_idx c = 0; c < nc; c++) {
                largest = sizes[c] > largest ? sizes[c] : largest;
            }
            const pln_graph_desc *gc = &cfg.d.network.graph;
            fprintf(out, "name: %s\nkind: %s\n", cfg.d.name, pln_kind_name(cfg.d.network.kind));
            if (gc->file != NULL) {
                fprintf(out, "graph: file %s\n", gc->file);
            } else {
                fprintf(out, "graph: %s\n",
                        pln_config_enum_name(pln_config_find("network.graph.generator"),
                                             (int)gc->generator));
            }
            fprintf(out, "nodes: %lld\nedges: %lld\n", (long long)n, (long long)m);
            fprintf(out, "degree: min %lld, max %lld, mean %.6g\n", (long long)dmin,
                    (long long)dmax, dmean);
            fprintf(out, "components: %lld (largest %lld nodes)\n", (long long)nc,
                    (long long)largest);
            int dim = pln_graph_dim(g);
            if (dim > 0) {
                fprintf(out, "positions: %d-d\n", dim);
            } else {
                fprintf(out, "positions: none\n");
            }
            const char *roles[] = {"ground", "potential", "current", "input", "output"};
            for (int r = 0; r < 5; r++) {
                pln_idx count = 0;
                for (pln_idx i = 0; i < n; i++) {
                    count += strcmp(role[i], roles[r]) == 0;
                }
                fprintf(out, "%s nodes (%lld):", roles[r], (long long)count);
                pln_idx shown = 0;
                for (pln_idx i = 0; i < n && shown < 32; i++) {
                    if (strcmp(role[i], roles[r]) == 0) {
                        fprintf(out, " %lld", (long long)i);
                        shown++;
                    }
                }
                fprintf(out, "%s\n", count > shown ? " ..." : "");
            }
        }
    }
    free(memb);
    free(sizes);
    pln_experiment_destroy(x);
    pln_ctx_destroy(ctx);
    plnet_config_free(&cfg);
    plnet_args_free(&a);
    return rc;
}
