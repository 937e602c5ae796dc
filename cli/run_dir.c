/* run_dir.c — a trained run folder opened again: its resolved configuration and its learner restored from checkpoint.bin, for the commands that look at a trained network (export, evaluate). */
#include "run_dir.h"

#include "experiment_setup.h"
#include "outfile.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

bool plnet_is_dir(const char *path)
{
    struct stat s;
    return path != NULL && stat(path, &s) == 0 && S_ISDIR(s.st_mode);
}

int plnet_run_open(const char *dir, const char *cmd, plnet_run *r, FILE *err)
{
    memset(r, 0, sizeof *r);
    char *cfg_path = plnet_path_join(dir, "config.resolved.yaml");
    char *ck_path = plnet_path_join(dir, "checkpoint.bin");
    int rc = 0;
    if (cfg_path == NULL || ck_path == NULL) {
        fprintf(err, "plnet: out of memory\n");
        rc = 1;
    }
    struct stat s;
    if (rc == 0 && (stat(cfg_path, &s) != 0 || stat(ck_path, &s) != 0)) {
        fprintf(err, "plnet: %s: %s is not a trained run folder (no config.resolved.yaml and "
                "checkpoint.bin; plnet train writes them)\n", cmd, dir);
        rc = 2;
    }
    if (rc == 0) {
        rc = plnet_config_load(cfg_path, &r->cfg, err);
        r->have_cfg = true;
    }
    if (rc == 0) {
        rc = plnet_experiment_open(&r->cfg, PLN_BUILD_LEARNER, &r->ctx, &r->x, err);
    }
    if (rc == 0) {
        pln_status st = pln_experiment_read_checkpoint(r->x, ck_path);
        if (st != PLN_OK) {
            fprintf(err, "plnet: %s: %s: %s\n", cmd, ck_path,
                    pln_ctx_last_error(r->ctx)->message);
            rc = st == PLN_ENOMEM ? 1 : 2;
        }
    }
    if (rc == 0) {
        /* A run a failure or a kill left mid-way: its checkpoint is whole, but not the end. */
        pln_run_info info;
        pln_run_folder_info(dir, &info);
        if (info.state == PLN_RUN_RUNNING) {
            fprintf(err, "plnet: %s: warning: the run in %s is incomplete (its %s says "
                         "running); using its last checkpoint, step %lld\n", cmd, dir,
                    PLN_RUN_MARKER, (long long)pln_experiment_steps(r->x));
        }
    }
    free(cfg_path);
    free(ck_path);
    return rc;
}

void plnet_run_close(plnet_run *r)
{
    pln_experiment_destroy(r->x);
    pln_ctx_destroy(r->ctx);
    if (r->have_cfg) {
        plnet_config_free(&r->cfg);
    }
    memset(r, 0, sizeof *r);
}

int plnet_run_apply_example(plnet_run *r, pln_split split, long long i, const char *cmd,
                            FILE *err)
{
    const pln_task *task = pln_experiment_task(r->x);
    pln_network *net = pln_experiment_network(r->x);
    const long long n_ex = (long long)pln_task_n_examples(task, split);
    const char *sname = split == PLN_SPLIT_TEST ? "test" : "train";
    if (i < 0 || i >= n_ex) {
        fprintf(err, "plnet: %s: --example %lld: the %s split has examples 0..%lld\n", cmd, i,
                sname, n_ex - 1);
        return 2;
    }
    const pln_boundary *bc = pln_network_boundary(net);
    const pln_idx n_in = pln_task_n_in(task);
    const pln_input *in = pln_task_inputs(task);
    const double *u = pln_task_example_inputs(task, split, (pln_idx)i);
    double *dv = calloc((size_t)bc->n_dirichlet + 1, sizeof *dv);
    double *sv = calloc((size_t)bc->n_sources + 1, sizeof *sv);
    int rc = 0;
    if (dv == NULL || sv == NULL) {
        fprintf(err, "plnet: out of memory\n");
        rc = 1;
    }
    if (rc == 0) {
        const double *d0 = pln_network_dirichlet_values(net);
        const double *s0 = pln_network_source_values(net);
        for (pln_idx d = 0; d < bc->n_dirichlet; d++) {
            dv[d] = d0 != NULL ? d0[d] : 0.0;
        }
        for (pln_idx s = 0; s < bc->n_sources; s++) {
            sv[s] = s0 != NULL ? s0[s] : 0.0;
        }
    }
    for (pln_idx j = 0; rc == 0 && j < n_in; j++) {
        bool placed = false;
        if (in[j].kind == PLN_IN_NODE) {
            for (pln_idx d = 0; d < bc->n_dirichlet; d++) {
                if (bc->dirichlet_nodes[d] == in[j].index) {
                    dv[d] = u[j];
                    placed = true;
                }
            }
        } else if (in[j].kind == PLN_IN_EDGE) {
            for (pln_idx s = 0; s < bc->n_sources; s++) {
                if (bc->source_edges[s] == in[j].index) {
                    sv[s] = u[j];
                    placed = true;
                }
            }
        }
        if (!placed) {
            fprintf(err, "plnet: %s: input %lld (node or edge %lld) is not a source this "
                    "command can set\n", cmd, (long long)j, (long long)in[j].index);
            rc = 2;
        }
    }
    if (rc == 0) {
        pln_bc_values v = {.dirichlet = dv, .currents = NULL, .sources = sv};
        pln_status st = pln_network_set_bc_values(net, &v);
        if (st != PLN_OK) {
            rc = plnet_report_lib(err, r->ctx, st, cmd);
        }
    }
    free(dv);
    free(sv);
    return rc;
}
