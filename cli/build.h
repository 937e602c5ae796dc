/* build.h — from a loaded configuration to a graph, its resolved node roles and a network (shared by the subcommands). */
#ifndef PLNET_CLI_BUILD_H
#define PLNET_CLI_BUILD_H

#include "config.h"

typedef struct plnet_built {
    pln_ctx *ctx;
    pln_graph *graph;
    pln_network *net; /* NULL until plnet_build_network */
    /* The boundary handed to the library (owned). */
    pln_idx n_dir;
    pln_idx *dir_nodes;
    double *dir_values;
    bool *dir_is_ground; /* per Dirichlet entry: from boundary.ground */
    int *dir_axes;       /* springs: per pin, the mask of held axes (bit c = axis c) */
    int dim;             /* springs: values per node (2 or 3); 1 otherwise */
    pln_idx n_cur;
    pln_idx *cur_nodes;
    double *cur_values;
    pln_idx n_src;
    pln_idx *src_edges;
    double *src_values;
    const char **role; /* per node: "ground", "potential", "current", "input", "output" or "" */
    /* A SPICE netlist's sources (network.graph format spice), merged into the boundary. */
    pln_spice_sources spice;
} plnet_built;

/* Make the graph, draw random roles, check every node and edge id against it, and set the
 * initial edge values. Returns 0, 2 (configuration error, reported with file:line:col) or 1
 * (library failure, reported as "plnet: edge 17: ..."). */
int plnet_build_graph(plnet_config *cfg, plnet_built *b, FILE *err);

/* After plnet_build_graph: check that every component is grounded, then create the network.
 * Returns 0, 1 or 2 as above. */
int plnet_build_network(plnet_config *cfg, plnet_built *b, FILE *err);

void plnet_built_free(plnet_built *b);

/* Print the context's last error as "plnet: edge 17: message" (or node, or none) and return
 * the exit code 1. `what` prefixes the message when not NULL. */
int plnet_report_lib(FILE *err, const pln_ctx *ctx, pln_status st, const char *what);

#endif
