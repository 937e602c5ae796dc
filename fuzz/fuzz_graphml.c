/* fuzz_graphml.c — libFuzzer harness for pln_graph_read_graphml: any bytes, no crash, no leak. */
#define _DEFAULT_SOURCE
#include "fuzz_input.h"
#include "pln_graph.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_input_path(data, size, ".graphml");
    pln_ctx *ctx = NULL;
    if (path == NULL || pln_ctx_create(&ctx) != PLN_OK) {
        return 0;
    }
    pln_graph *g = NULL;
    if (pln_graph_read_graphml(ctx, path, &g) == PLN_OK) {
        volatile size_t len = 0;
        for (int k = 0; k < pln_graph_n_node_labels(g); k++) {
            const char *const *v = pln_graph_node_label(g, pln_graph_node_label_name(g, k));
            for (pln_idx i = 0; i < pln_graph_n_nodes(g); i++) {
                len += strlen(v[i]);
            }
        }
        const double *xy = pln_graph_positions(g);
        if (xy != NULL) {
            volatile double s = xy[pln_graph_n_nodes(g) * pln_graph_dim(g) - 1];
            (void)s;
        }
    }
    pln_graph_destroy(g);
    pln_ctx_destroy(ctx);
    return 0;
}
