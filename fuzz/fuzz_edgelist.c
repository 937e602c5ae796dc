/* fuzz_edgelist.c — libFuzzer harness for pln_graph_read_edgelist: any bytes, no crash, no leak. */
#define _DEFAULT_SOURCE
#include "fuzz_input.h"
#include "pln_graph.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_input_path(data, size, ".txt");
    pln_ctx *ctx = NULL;
    if (path == NULL || pln_ctx_create(&ctx) != PLN_OK) {
        return 0;
    }
    pln_graph *g = NULL;
    if (pln_graph_read_edgelist(ctx, path, "conductance", &g) == PLN_OK) {
        /* Touch what a caller reads: the arrays and every attribute. */
        volatile pln_idx sum = 0;
        for (pln_idx e = 0; e < pln_graph_n_edges(g); e++) {
            sum += pln_graph_tails(g)[e] + pln_graph_heads(g)[e];
        }
        for (int k = 0; k < pln_graph_n_edge_attrs(g); k++) {
            (void)pln_graph_edge_attr(g, pln_graph_edge_attr_name(g, k));
        }
    }
    pln_graph_destroy(g);
    pln_ctx_destroy(ctx);
    return 0;
}
