/* experiment_setup.h — from a loaded configuration to the library's experiment, with library errors reported at the configuration's marks. */
#ifndef PLNET_CLI_EXPERIMENT_SETUP_H
#define PLNET_CLI_EXPERIMENT_SETUP_H

#include "config.h"

/* Send the library's warnings logged in ctx to err as "plnet: warning: message" (notes too
 * when the environment sets PLNET_VERBOSE=1). */
void plnet_ctx_log_to(pln_ctx *ctx, FILE *err);

/* Build the experiment of cfg up to `upto` in *ctx (created when *ctx is NULL; the caller
 * destroys both; cfg must outlive neither: the experiment copies its description). Returns
 * 0, or 2 / 1 with the error reported as plnet_report_experiment. */
int plnet_experiment_open(plnet_config *cfg, pln_build_stage upto, pln_ctx **ctx,
                          pln_experiment **x, FILE *err);

/* A library error: one naming a configuration key is printed at that key ("plnet:
 * file:line:col: message", or the --set argument; the nearest given section when the key
 * was not in the file) and is a configuration error (exit 2; 1 for a runtime status);
 * anything else is "plnet: [node|edge N: ][what: ]message", exit 1. */
int plnet_report_experiment(FILE *err, const plnet_config *cfg, const pln_ctx *ctx,
                            pln_status st, const char *what);

/* "plnet: [node|edge N: ][what: ]message" for the context's last error; returns 1. */
int plnet_report_lib(FILE *err, const pln_ctx *ctx, pln_status st, const char *what);

#endif
