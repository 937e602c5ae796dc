/* fuzz_spice.c — libFuzzer harness for pln_graph_read_spice: any bytes, no crash, no leak, and a consistent boundary. */
#define _DEFAULT_SOURCE
#include "fuzz_input.h"
#include "pln_graph.h"

#include <math.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_input_path(data, size, ".cir");
    pln_ctx *ctx = NULL;
    if (path == NULL || pln_ctx_create(&ctx) != PLN_OK) {
        return 0;
    }
    pln_graph *g = NULL;
    pln_spice_sources s;
    if (pln_graph_read_spice(ctx, path, &g, &s) == PLN_OK) {
        /* Every id the reader hands out must lie inside the graph. */
        pln_idx n = pln_graph_n_nodes(g);
        pln_idx m = pln_graph_n_edges(g);
        for (pln_idx k = 0; k < s.n_dirichlet; k++) {
            if (s.dirichlet_nodes[k] < 0 || s.dirichlet_nodes[k] >= n) {
                abort();
            }
        }
        for (pln_idx k = 0; k < s.n_currents; k++) {
            if (s.current_nodes[k] < 0 || s.current_nodes[k] >= n) {
                abort();
            }
        }
        for (pln_idx k = 0; k < s.n_sources; k++) {
            if (s.source_edges[k] < 0 || s.source_edges[k] >= m) {
                abort();
            }
        }
        /* a resistor has a conductance > 0; a diode or transistor valid parameters instead */
        const double *k_e = pln_graph_edge_attr(g, "conductance");
        const double *el = pln_graph_edge_attr(g, "element");
        const double *is = pln_graph_edge_attr(g, "diode_is");
        const double *n_d = pln_graph_edge_attr(g, "diode_n");
        const double *rs = pln_graph_edge_attr(g, "diode_rs");
        const double *kp = pln_graph_edge_attr(g, "kp");
        const double *gate = pln_graph_edge_attr(g, "gate");
        for (pln_idx e = 0; e < m; e++) {
            const double kind = el != NULL ? el[e] : 0.0;
            if (kind == 0.0 && !(k_e[e] > 0.0)) {
                abort();
            }
            if (kind == 1.0 && !(is != NULL && n_d != NULL && rs != NULL && isfinite(is[e]) &&
                                 isfinite(n_d[e]) && isfinite(rs[e]))) {
                abort();
            }
            if (kind == 3.0 && !(kp != NULL && gate != NULL && isfinite(kp[e]) &&
                                 isfinite(gate[e]))) {
                abort();
            }
            if (kind != 0.0 && kind != 1.0 && kind != 3.0) {
                abort();
            }
        }
        pln_spice_sources_free(&s);
    }
    pln_graph_destroy(g);
    pln_ctx_destroy(ctx);
    return 0;
}
