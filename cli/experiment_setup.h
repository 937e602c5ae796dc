/* experiment_setup.h — from a loaded configuration to the library's experiment, with library errors reported at the configuration's marks. */
#ifndef PLNET_CLI_EXPERIMENT_SETUP_H
#define PLNET_CLI_EXPERIMENT_SETUP_H

#include "config.h"

/* The configuration as an experiment description; d borrows the config's arrays and strings
 * (keep cfg alive while d is used). Returns 0, or 1 when out of memory. Free with
 * plnet_desc_free. */
typedef struct plnet_desc {
    pln_experiment_desc d;
    int *pin_axes; /* owned: the pins' axis masks */
} plnet_desc;
int plnet_experiment_desc(const plnet_config *cfg, plnet_desc *out);
void plnet_desc_free(plnet_desc *d);

/* The mark of a configuration key an experiment's error names ("task.outputs.nodes[1]" is
 * element 1 of that list); *found false (line 0) for a key the configuration does not
 * locate. */
plnet_mark plnet_mark_of_key(const plnet_config *cfg, const char *key, bool *found);

/* Build the experiment of cfg up to `upto` in *ctx (created when *ctx is NULL; the caller
 * destroys both). The nodes drawn for random roles are copied into cfg (the resolved file
 * lists them). Returns 0, or 2 / 1 with the error reported as plnet_report_experiment. */
int plnet_experiment_open(plnet_config *cfg, pln_build_stage upto, pln_ctx **ctx,
                          pln_experiment **x, FILE *err);

/* A library error: one naming a configuration key the file locates is printed at that key
 * ("plnet: file:line:col: message", or the --set argument) and is a configuration error
 * (exit 2; 1 for a runtime status); anything else is "plnet: [node|edge N: ][what: ]message",
 * exit 1. */
int plnet_report_experiment(FILE *err, const plnet_config *cfg, const pln_ctx *ctx,
                            pln_status st, const char *what);

/* "plnet: [node|edge N: ][what: ]message" for the context's last error; returns 1. */
int plnet_report_lib(FILE *err, const pln_ctx *ctx, pln_status st, const char *what);

#endif
