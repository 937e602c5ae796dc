/* fuzz_spice_solve.c — libFuzzer harness for the SPICE -> network -> solve path through the
 * library's experiment: a netlist as network.graph.file (format spice), its sources mapped to
 * the boundary by pln_experiment (fixed potentials, injected currents, edge sources; node 0
 * grounded when the netlist fixes no potential, the default ground), a resistor network built
 * and its free state solved by pln_experiment_solve. Invariants for every input: no crash or
 * leak; a rejected input returns an error status with a non-empty message; a solved one has
 * finite potentials and supplies the power it dissipates (supplied = dissipated to 1e-8
 * relative, plus a roundoff allowance for extreme conductances, see below). */
#define _DEFAULT_SOURCE
#include <float.h>
#include <math.h>

#include "fuzz_input.h"
#include "pln_experiment.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { MAX_NODES = 200 };

/* An error must come with a message: abort otherwise, so libFuzzer reports the input. */
static void check_error(const pln_ctx *ctx, pln_status st)
{
    const pln_error *e = pln_ctx_last_error(ctx);
    if (st == PLN_OK || e == NULL || e->code != st || e->message[0] == '\0') {
        abort();
    }
}

static void solve(pln_ctx *ctx, pln_experiment *x)
{
    pln_status rc = pln_experiment_build(x, PLN_BUILD_NETWORK);
    if (rc != PLN_OK) {
        check_error(ctx, rc);
        return;
    }
    const pln_network *net = pln_experiment_network(x);
    const pln_idx n = pln_network_n_nodes(net);
    double *p = malloc((size_t)n * sizeof *p);
    if (p == NULL) {
        return;
    }
    pln_solve_result r;
    rc = pln_experiment_solve(x, p, &r);
    if (rc != PLN_OK) {
        check_error(ctx, rc);
        free(p);
        return;
    }
    for (pln_idx i = 0; i < n; i++) {
        if (isnan(p[i])) {
            abort();
        }
    }
    /* Roundoff allowance: potentials carry errors of a few ulps of the largest one, and an
     * edge of conductance k turns that into a current error of k times it (a node tied to a
     * fixed one by a huge conductance inside an edge-source group: its potential is the
     * group's root plus an offset, so k * p there is mostly cancellation). The check stays at
     * 1e-8 of the power whenever that allowance is smaller. */
    const double *k = pln_network_conductances(net);
    double pmax = 0.0;
    double ksum = 0.0;
    for (pln_idx i = 0; i < n; i++) {
        pmax = fmax(pmax, fabs(p[i]));
    }
    for (pln_idx e = 0; e < pln_network_n_edges(net); e++) {
        ksum += k[e];
    }
    double diss = r.power;
    double sup = r.supplied;
    double roundoff = 1e3 * DBL_EPSILON * pmax * pmax * ksum;
    if (isfinite(diss) && isfinite(sup) && isfinite(roundoff)) {
        double scale = fmax(fabs(diss), fabs(sup));
        if (fabs(sup - diss) > 1e-8 * scale + roundoff) {
            fprintf(stderr, "supplied power %.17g != dissipated power %.17g\n", sup, diss);
            abort();
        }
    }
    free(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_input_path(data, size, ".cir");
    pln_ctx *ctx = NULL;
    if (path == NULL || pln_ctx_create(&ctx) != PLN_OK) {
        return 0;
    }
    pln_experiment_desc d;
    pln_experiment_desc_default(&d);
    d.network.kind = PLN_KIND_RESISTOR;
    d.network.graph.file = path;
    d.network.graph.format = PLN_FORMAT_SPICE;
    d.network.conductance.init = PLN_INIT_FROM_GRAPH;
    pln_experiment *x = NULL;
    pln_status rc = pln_experiment_create(ctx, &d, PLN_BUILD_GRAPH, &x);
    if (rc != PLN_OK) {
        check_error(ctx, rc);
    } else {
        pln_idx n = pln_graph_n_nodes(pln_experiment_graph(x));
        if (n >= 1 && n <= MAX_NODES) {
            solve(ctx, x);
        }
    }
    pln_experiment_destroy(x);
    pln_ctx_destroy(ctx);
    return 0;
}
