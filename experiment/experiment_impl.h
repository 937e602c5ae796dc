/* experiment_impl.h — the layout of pln_experiment, shared by the experiment's own files. */
#ifndef PLN_EXPERIMENT_IMPL_H
#define PLN_EXPERIMENT_IMPL_H

#include "pln_experiment.h"
#include "pln_internal.h"

/* Columns a metrics row can have (metrics.c). */
#define PLN_I_MAX_COLUMNS 48

struct pln_experiment {
    pln_ctx *ctx;
    pln_experiment_desc d; /* deep copy: every array and string below points into `owned` */
    void **owned;
    size_t n_owned, cap_owned;
    pln_build_stage stage;
    bool springs;
    int dim; /* values per node of a state: 1, or the positions' dimension */
    /* graph stage */
    pln_graph *graph;
    pln_spice_sources spice;
    const char **role;   /* per node, static strings */
    pln_idx *picked[2];  /* inputs, outputs: the nodes (explicit or drawn) */
    pln_idx n_picked[2];
    /* network stage: the boundary handed to the library */
    pln_idx n_dir, n_cur, n_src;
    pln_idx *dir_nodes, *cur_nodes, *src_edges;
    double *dir_values, *cur_values, *src_values;
    bool *dir_ground;
    int *dir_axes; /* springs */
    pln_network *net;
    /* learner stage */
    pln_table *table;
    pln_task *task;
    pln_states *states;
    pln_learner *learner;
    pln_input *ins;
    pln_output *outs;
    double *in_values;
    pln_idx n_in, n_out;
    bool classify;
    /* metrics: the columns (indices into metrics.c's table) and the logged rows; rows up to
     * n_grid lie on the log_every grid, a last one after them is a run's off-grid end. */
    int col[PLN_I_MAX_COLUMNS];
    pln_idx n_cols;
    double *rows;
    pln_idx n_rows, cap_rows, n_grid;
    /* what the front end recorded (pln_experiment_set_config) */
    char *resolved, *fingerprint;
    /* metrics.csv as this experiment last wrote it (pln_experiment_append_metrics): at path
     * m_path, the header and rows [0, m_grid) end at byte m_grid_end, the file at m_end
     * (an off-grid last row after them). m_path NULL: unknown, the next write is whole.
     * m_ckpt_end: the offset a loaded checkpoint stored (0: none). */
    char *m_path;
    pln_idx m_grid;
    int64_t m_grid_end, m_end, m_ckpt_end;
};

/* A lower module's option key as the configuration key a user writes (buf may hold it). */
const char *pln_i_experiment_key(const char *lower, const pln_experiment_desc *d, char *buf,
                                 size_t size);

/* metrics.c */
void pln_i_metrics_columns(pln_experiment *x);
pln_status pln_i_metrics_log(pln_experiment *x);

#endif
