/* run_dir.h — a trained run folder opened again: its resolved configuration and its learner restored from checkpoint.bin, for the commands that look at a trained network (export, evaluate). */
#ifndef PLNET_CLI_RUN_DIR_H
#define PLNET_CLI_RUN_DIR_H

#include "config.h"

#include <stdbool.h>
#include <stdio.h>

typedef struct plnet_run {
    plnet_config cfg; /* DIR/config.resolved.yaml */
    pln_ctx *ctx;
    pln_experiment *x; /* built to the learner, theta as trained */
    bool have_cfg;
} plnet_run;

/* True when path names a directory. */
bool plnet_is_dir(const char *path);

/* Open the run in dir: load DIR/config.resolved.yaml, build the experiment with its learner
 * and restore DIR/checkpoint.bin (the trained theta). `cmd` names the command in messages.
 * Returns 0, or 2 (not a run folder, damaged files) / 1 with the error reported. Close r in
 * every case. */
int plnet_run_open(const char *dir, const char *cmd, plnet_run *r, FILE *err);
void plnet_run_close(plnet_run *r);

/* Apply the inputs of example i of a split to the network's stored boundary values (the
 * free state's boundary: inputs at their values, outputs free). Returns 0, or 2 when i is
 * out of range / 1 on a library error, reported. */
int plnet_run_apply_example(plnet_run *r, pln_split split, long long i, const char *cmd,
                            FILE *err);

#endif
