/* fuzz_spice_solve.c — libFuzzer harness for the SPICE -> network -> solve path: a netlist read
 * by pln_graph_read_spice, its sources mapped to a boundary as cli/build.c does (fixed
 * potentials, injected currents, edge sources; node 0 grounded when the netlist fixes no
 * potential, as the CLI's default `ground: [0]`), a resistor network built on it, factored and
 * solved by pln_states. Invariants for every input: no crash or leak; a rejected input returns
 * an error status with a non-empty message; a solved one has finite potentials and supplies
 * the power it dissipates (pln_network_supplied_power = pln_network_power to 1e-8 relative,
 * plus a roundoff allowance for extreme conductances, see below). */
#define _DEFAULT_SOURCE
#include <float.h>
#include <math.h>

#include "fuzz_input.h"
#include "pln_graph.h"
#include "pln_network.h"
#include "pln_states.h"

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

static void solve(pln_ctx *ctx, const pln_graph *g, const pln_spice_sources *s)
{
    pln_idx n = pln_graph_n_nodes(g);
    pln_idx ground = 0;
    pln_network_options opts;
    pln_network_options_default(&opts);
    opts.kind = PLN_KIND_RESISTOR;
    pln_boundary bc;
    pln_boundary_default(&bc);
    if (s->n_dirichlet > 0) {
        bc.n_dirichlet = s->n_dirichlet;
        bc.dirichlet_nodes = s->dirichlet_nodes;
        bc.dirichlet_values = s->dirichlet_values;
    } else {
        bc.n_dirichlet = 1;
        bc.dirichlet_nodes = &ground;
    }
    bc.n_currents = s->n_currents;
    bc.current_nodes = s->current_nodes;
    bc.current_values = s->current_values;
    bc.n_sources = s->n_sources;
    bc.source_edges = s->source_edges;
    bc.source_values = s->source_values;

    pln_network *net = NULL;
    pln_states *st = NULL;
    double *p = NULL;
    pln_status rc = pln_network_create(ctx, g, &opts, &bc, &net);
    if (rc != PLN_OK) {
        check_error(ctx, rc);
        goto done;
    }
    pln_states_options so;
    pln_states_options_default(&so);
    rc = pln_states_create(ctx, net, 0, NULL, &so, &st);
    if (rc == PLN_OK) {
        rc = pln_states_factor(st);
    }
    p = malloc((size_t)n * sizeof *p);
    if (p == NULL) {
        goto done;
    }
    if (rc == PLN_OK) {
        rc = pln_states_free(st, 1, NULL, p, NULL);
    }
    if (rc != PLN_OK) {
        check_error(ctx, rc);
        goto done;
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
    double diss = pln_network_power(net, p);
    double sup = pln_network_supplied_power(net, p);
    double roundoff = 1e3 * DBL_EPSILON * pmax * pmax * ksum;
    if (isfinite(diss) && isfinite(sup) && isfinite(roundoff)) {
        double scale = fmax(fabs(diss), fabs(sup));
        if (fabs(sup - diss) > 1e-8 * scale + roundoff) {
            fprintf(stderr, "supplied power %.17g != dissipated power %.17g\n", sup, diss);
            abort();
        }
    }
done:
    free(p);
    pln_states_destroy(st);
    pln_network_destroy(net);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_input_path(data, size, ".cir");
    pln_ctx *ctx = NULL;
    if (path == NULL || pln_ctx_create(&ctx) != PLN_OK) {
        return 0;
    }
    pln_graph *g = NULL;
    pln_spice_sources s;
    pln_status rc = pln_graph_read_spice(ctx, path, &g, &s);
    if (rc != PLN_OK) {
        check_error(ctx, rc);
    } else {
        pln_idx n = pln_graph_n_nodes(g);
        if (n >= 1 && n <= MAX_NODES) {
            solve(ctx, g, &s);
        }
        pln_spice_sources_free(&s);
    }
    pln_graph_destroy(g);
    pln_ctx_destroy(ctx);
    return 0;
}
