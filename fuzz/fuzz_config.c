/* fuzz_config.c — libFuzzer harness for the experiment file: the loader (libyaml and plnet's checks), the resolved file, and the set-up the CLI runs on it (graph, network, plnet solve's solve, task, learner and one learning step) for small experiments: any bytes, no crash, no leak. */
#define _DEFAULT_SOURCE
#include "config.h"
#include "experiment_setup.h"
#include "fuzz_input.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Set-ups larger than this are only loaded: a fuzzer input should run in milliseconds. */
enum { MAX_NODES = 400, MAX_BATCH = 16, MAX_STEPS_PER_PERIOD = 2000, MAX_NEWTON = 200 };

static bool small(const plnet_config *cfg)
{
    const pln_graph_desc *g = &cfg->d.network.graph;
    if (g->file != NULL) {
        return true; /* a file next to the input: the reader bounds it by its size */
    }
    bool lattice = g->generator == PLN_GEN_SQUARE_LATTICE ||
                   g->generator == PLN_GEN_TRIANGULAR_LATTICE;
    int64_t n = lattice ? g->size[0] * g->size[1] : g->n;
    const pln_task_desc *t = &cfg->d.task;
    /* a temporal step is a whole protocol period (up to 1e8 time steps are allowed) */
    const pln_protocol_options *po = &cfg->d.temporal.protocol;
    const double longest = po->kind == PLN_PROTO_RANDOM_PHASES
                               ? 5.0 * (po->mean_clamped > po->mean_free ? po->mean_clamped
                                                                         : po->mean_free)
                               : po->tau_fast + po->tau_slow;
    const bool temporal = cfg->d.learning.learner == PLN_LEARNER_TEMPORAL;
    /* a markov memory sums its window (up to 1e7 samples) at every time step */
    const pln_memory_options *mo = &cfg->d.temporal.memory;
    const double window = mo->kind != PLN_MEMORY_MARKOV_LADDER ? 0.0
                          : mo->window > 0.0                   ? mo->window
                                                               : 40.0 * mo->tau;
    return n <= MAX_NODES && cfg->d.train.batch <= MAX_BATCH &&
           t->regression.n_train <= 10 * MAX_NODES && t->regression.n_test <= 10 * MAX_NODES &&
           cfg->d.network.newton_max_iter <= MAX_NEWTON &&
           (!temporal || (longest / po->dt <= MAX_STEPS_PER_PERIOD &&
                          window / po->dt <= MAX_STEPS_PER_PERIOD));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static FILE *sink = NULL;
    if (sink == NULL) {
        sink = fopen("/dev/null", "w");
    }
    const char *path = fuzz_input_path(data, size, ".yaml");
    if (path == NULL || sink == NULL) {
        return 0;
    }
    plnet_config cfg;
    if (plnet_config_load(path, &cfg, sink) == 0) {
        /* A loaded config must also write out as YAML (the resolved file). */
        plnet_config_write(&cfg, sink);
        if (small(&cfg)) {
            pln_ctx *ctx = NULL;
            pln_experiment *x = NULL;
            if (plnet_experiment_open(&cfg, PLN_BUILD_NETWORK, &ctx, &x, sink) == 0) {
                /* plnet solve's path (with its Kirchhoff check), then plnet train's first
                 * step */
                const pln_network *net = pln_experiment_network(x);
                const size_t nd = (size_t)(pln_network_n_nodes(net) *
                                           pln_network_state_dim(net));
                double *state = calloc(nd > 0 ? nd : 1, sizeof *state);
                if (state != NULL) {
                    pln_solve_result r;
                    (void)pln_experiment_solve(x, state, &r);
                    free(state);
                }
                if (pln_experiment_build(x, PLN_BUILD_LEARNER) == PLN_OK) {
                    (void)pln_experiment_step(x);
                }
            }
            pln_experiment_destroy(x);
            pln_ctx_destroy(ctx);
        }
    }
    plnet_config_free(&cfg);
    return 0;
}
