/* fuzz_config.c — libFuzzer harness for the experiment file: the loader (libyaml and plnet's checks), the resolved file, and the set-up the CLI runs on it (graph, network, task, learner and one learning step) for small experiments: any bytes, no crash, no leak. */
#define _DEFAULT_SOURCE
#include "config.h"
#include "experiment_setup.h"
#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Set-ups larger than this are only loaded: a fuzzer input should run in milliseconds. */
enum { MAX_NODES = 400, MAX_BATCH = 16 };

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
    return n <= MAX_NODES && cfg->d.train.batch <= MAX_BATCH &&
           t->regression.n_train <= 10 * MAX_NODES && t->regression.n_test <= 10 * MAX_NODES;
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
            if (plnet_experiment_open(&cfg, PLN_BUILD_NETWORK, &ctx, &x, sink) == 0 &&
                pln_experiment_build(x, PLN_BUILD_LEARNER) == PLN_OK) {
                (void)pln_experiment_step(x);
            }
            pln_experiment_destroy(x);
            pln_ctx_destroy(ctx);
        }
    }
    plnet_config_free(&cfg);
    return 0;
}
