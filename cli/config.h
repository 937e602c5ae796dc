/* config.h — the experiment file (YAML) as plain structs: every value carries the file mark it came from. */
#ifndef PLNET_CLI_CONFIG_H
#define PLNET_CLI_CONFIG_H

#include "override.h"
#include "plnet.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* Where a value came from: 1-based line and column in the experiment file; line 0 means
 * "not in the file" (a default), so errors about it name the file only. A value set by an
 * override (--set, a sweep axis) has line PLNET_MARK_OVERRIDE + k for the config's k-th
 * origin (cfg->origins[k]): errors about it name that origin instead of file:line:col, and
 * `line > 0` still means "given". */
typedef struct plnet_mark {
    int line;
    int col;
} plnet_mark;

#define PLNET_MARK_OVERRIDE (1 << 28)

typedef struct plnet_real {
    double v;
    plnet_mark at;
} plnet_real;

typedef struct plnet_int {
    int64_t v;
    plnet_mark at;
} plnet_int;

typedef struct plnet_bool {
    bool v;
    plnet_mark at;
} plnet_bool;

/* v is owned by the config (malloc); "" rather than NULL when empty. */
typedef struct plnet_str {
    char *v;
    plnet_mark at;
} plnet_str;

/* An enumerated choice: v is one of the PLNET_* constants below. */
typedef struct plnet_enum {
    int v;
    plnet_mark at;
} plnet_enum;

/* A list of node or edge ids; at[k] is the mark of element k, `at_list` of the list itself
 * (or of its key when the list was absent). */
typedef struct plnet_ids {
    pln_idx n;
    pln_idx *v;
    plnet_mark *at;
    plnet_mark at_list;
} plnet_ids;

typedef struct plnet_reals {
    pln_idx n;
    double *v;
    plnet_mark *at;
    plnet_mark at_list;
} plnet_reals;

/* A list of strings (column names); v[k] owned (malloc). */
typedef struct plnet_strs {
    pln_idx n;
    char **v;
    plnet_mark at_list;
} plnet_strs;

/* A node role: an explicit list, or `random: N` drawn with the run's seed. After
 * plnet_build the resolved ids are in `picked` (explicit lists are copied there too). */
typedef struct plnet_role {
    plnet_ids nodes;
    plnet_int random; /* 0 = not random */
    plnet_ids edges;  /* drop roles (inputs/outputs on edges) */
    plnet_reals values;
    plnet_enum axis;  /* springs: PLNET_AXIS_* of node displacements (at.line 0: not given) */
    pln_idx n_picked;
    pln_idx *picked;
} plnet_role;

/* ------------------------------------------------------------------ enums */

enum { PLNET_KIND_RESISTOR, PLNET_KIND_FLOW, PLNET_KIND_SPRING, PLNET_KIND_SPRING_LINEAR };
enum { PLNET_GRAPH_GENERATOR, PLNET_GRAPH_FILE };
enum {
    PLNET_GEN_SQUARE_LATTICE,
    PLNET_GEN_TRIANGULAR_LATTICE,
    PLNET_GEN_RANDOM_REGULAR,
    PLNET_GEN_ERDOS_RENYI,
    PLNET_GEN_RANDOM_GEOMETRIC
};
enum { PLNET_FORMAT_AUTO, PLNET_FORMAT_GRAPHML, PLNET_FORMAT_EDGELIST, PLNET_FORMAT_SPICE };
enum { PLNET_WEIGHTS_CONDUCTANCE, PLNET_WEIGHTS_RESISTANCE };
enum { PLNET_INIT_CONSTANT, PLNET_INIT_UNIFORM, PLNET_INIT_LOGUNIFORM, PLNET_INIT_FROM_GRAPH };
enum { PLNET_TASK_ALLOSTERY, PLNET_TASK_REGRESSION, PLNET_TASK_CLASSIFICATION, PLNET_TASK_DATASET };
enum {
    PLNET_RULE_COUPLED,
    PLNET_RULE_COUPLED_CENTERED,
    PLNET_RULE_EQUILIBRIUM,
    PLNET_RULE_EQUILIBRIUM_CENTERED,
    PLNET_RULE_DYADIC,
    PLNET_RULE_TEMPORAL
};
enum { PLNET_DOF_CONDUCTANCE, PLNET_DOF_RADIUS, PLNET_DOF_STIFFNESS, PLNET_DOF_REST_LENGTH,
       PLNET_DOF_BOTH };
enum { PLNET_AXIS_X, PLNET_AXIS_Y, PLNET_AXIS_Z };
enum { PLNET_SPACING_LOG, PLNET_SPACING_LINEAR };
enum { PLNET_PROTO_TWO_PHASE, PLNET_PROTO_SAWTOOTH, PLNET_PROTO_TRIANGLE, PLNET_PROTO_RANDOM_PHASES };
enum { PLNET_MEMORY_INTEGRAL_FEEDBACK, PLNET_MEMORY_KERNEL, PLNET_MEMORY_MARKOV_LADDER };
enum { PLNET_NONLIN_THRESHOLD, PLNET_NONLIN_CUBIC, PLNET_NONLIN_LINEAR };
enum { PLNET_APPLY_STEP, PLNET_APPLY_PERIOD };
enum { PLNET_PHASE_EXPONENTIAL, PLNET_PHASE_GAMMA, PLNET_PHASE_UNIFORM };

/* Name of an enum value as written in YAML, e.g. plnet_enum_name("network.kind", 1) =
 * "flow"; `table` is the dotted key. NULL when unknown. */
const char *plnet_enum_name(const char *table, int v);

/* ------------------------------------------------------------------ sections */

/* How edge values (conductance, or radius for flow) start. */
typedef struct plnet_edge_init {
    bool given;       /* the block was in the file (radius is optional) */
    plnet_mark at;    /* mark of the block's key */
    plnet_enum init;  /* PLNET_INIT_* */
    plnet_real value; /* constant init, and the fallback of from_graph */
    plnet_real low, high;
    plnet_real min, max; /* clipping bounds kept during learning */
} plnet_edge_init;

typedef struct plnet_graph_cfg {
    plnet_mark at;
    int source;            /* PLNET_GRAPH_GENERATOR or PLNET_GRAPH_FILE */
    plnet_enum generator;  /* PLNET_GEN_* */
    plnet_int nx, ny;      /* size: [nx, ny] (lattices) */
    plnet_mark at_size;
    plnet_bool periodic;
    plnet_int n;           /* random graphs */
    plnet_int degree;      /* random_regular */
    plnet_real mean_degree; /* erdos_renyi */
    plnet_real radius;     /* random_geometric */
    plnet_str file;        /* as written in the YAML */
    char *file_path;       /* resolved against the YAML file's directory */
    plnet_enum format;     /* PLNET_FORMAT_* (auto resolved by extension at load) */
    plnet_enum weights;    /* PLNET_WEIGHTS_* */
} plnet_graph_cfg;

typedef struct plnet_network_cfg {
    plnet_enum kind; /* PLNET_KIND_* */
    plnet_real viscosity;
    plnet_graph_cfg graph;
    plnet_edge_init conductance;
    plnet_edge_init radius; /* flow only, optional */
    /* springs */
    plnet_edge_init stiffness;   /* k (N/m) */
    plnet_edge_init rest_length; /* l (m); not given: the reference lengths of the positions */
    plnet_real newton_tol;
    plnet_int newton_max_iter;
} plnet_network_cfg;

typedef struct plnet_boundary_cfg {
    plnet_ids ground;
    plnet_role potentials;   /* nodes + values */
    plnet_role currents;     /* nodes + values (A) */
    plnet_role edge_sources; /* edges + values (V, p_tail - p_head) */
    /* springs */
    plnet_ids pins;
    plnet_reals pin_displacements; /* pins.n x pin_dim, row-major (empty: 0) */
    int pin_dim;
    plnet_strs pin_axes;           /* per pin: "x", "y", "xy", ... (empty: every axis) */
    plnet_ids force_nodes;
    plnet_reals forces;            /* force_nodes.n x force_dim */
    int force_dim;
    plnet_role edge_strains;       /* edges + values (strain) */
} plnet_boundary_cfg;

typedef struct plnet_task_cfg {
    plnet_enum kind; /* PLNET_TASK_* */
    plnet_role inputs;
    plnet_role outputs;
    plnet_reals targets;
    /* regression */
    plnet_int n_examples;
    plnet_int test_examples;
    plnet_reals input_range; /* [low, high] */
    /* classification / dataset */
    plnet_str data; /* as written */
    char *data_path; /* resolved against the YAML file's directory ("" when none) */
    plnet_str label;
    plnet_real test_fraction;
    plnet_real true_level;
    plnet_real false_level;
    plnet_bool square_inputs;  /* also feed each scaled input's square */
    plnet_bool mirror_inputs;  /* also feed low + high - x */
    plnet_strs input_columns;  /* empty: every numeric column but the label and targets */
    plnet_strs target_columns; /* dataset: the target columns, one per output */
} plnet_task_cfg;

typedef struct plnet_hardware_cfg {
    plnet_int levels; /* 0 = continuous */
    plnet_enum spacing;
    plnet_real update_noise;
    plnet_real measurement_noise;
    plnet_bool sign_updates;
    plnet_real sign_step;
    plnet_real desync;
} plnet_hardware_cfg;

typedef struct plnet_learning_cfg {
    plnet_enum rule;
    plnet_real rate;
    plnet_real rate_rest_length; /* dof: both, the rest lengths' alpha; 0 = same as rate */
    plnet_real nudge;
    plnet_real asymmetry;
    plnet_enum dof;
    plnet_hardware_cfg hardware;
} plnet_learning_cfg;

typedef struct plnet_protocol_cfg {
    plnet_enum kind;
    plnet_real dt;
    plnet_real tau_fast;
    plnet_real tau_slow;
    plnet_real amplitude;
    plnet_bool reverse;
    plnet_enum memory_kind;
    plnet_real memory_tau;
    plnet_real memory_leak;
    plnet_enum nonlinearity_kind;
    plnet_real nonlinearity_theta;
    plnet_enum apply;
    plnet_int refresh;          /* apply: step, re-solve every `refresh` steps */
    /* random_phases */
    plnet_real p_clamped;
    plnet_real mean_clamped;
    plnet_real mean_free;
    plnet_enum phase_distribution; /* PLNET_PHASE_* */
    plnet_real phase_shape;
    /* memory: kernel, markov_ladder, hand-set dissipation */
    plnet_real memory_B;
    plnet_real memory_I;
    plnet_real memory_gamma;
    plnet_real memory_R;
    plnet_real memory_s0;
    plnet_real memory_window;
    plnet_real memory_dissipation; /* k_B T per time unit per edge; < 0 = not modelled */
} plnet_protocol_cfg;

typedef struct plnet_energy_cfg {
    plnet_real temperature; /* K */
    plnet_real resolution;
} plnet_energy_cfg;

typedef struct plnet_solver_cfg {
    plnet_enum refactor;          /* pln_refactor: always, pcg, auto */
    plnet_real pcg_tol;
    plnet_int pcg_max_iter;
    plnet_int pcg_refactor_iter;
} plnet_solver_cfg;

typedef struct plnet_train_cfg {
    plnet_int steps;
    plnet_int batch;
    plnet_int log_every;
    plnet_int checkpoint_every;
} plnet_train_cfg;

typedef struct plnet_output_cfg {
    plnet_str dir; /* as written (default runs/<name>), relative to the working directory */
} plnet_output_cfg;

typedef struct plnet_config {
    char *path; /* the YAML file as given on the command line */
    char **origins; /* the overrides' origins ("--set learning.rate=0.2"), owned */
    size_t n_origins;
    char *base_dir; /* its directory, for relative data paths */
    plnet_str name;
    plnet_int seed;
    plnet_network_cfg network;
    plnet_boundary_cfg boundary;
    plnet_task_cfg task;
    plnet_learning_cfg learning;
    plnet_protocol_cfg protocol;
    plnet_energy_cfg energy;
    plnet_solver_cfg solver;
    plnet_train_cfg train;
    plnet_output_cfg output;
} plnet_config;

/* Fill every key with its default (no file). The caller frees with plnet_config_free. */
void plnet_config_defaults(plnet_config *cfg, const char *path);

/* Read, validate and default an experiment file. On error prints
 * "plnet: file:line:col: message" to err and returns 2 (the CLI's usage/config exit code);
 * cfg is then still safe to free. Returns 0 on success. */
int plnet_config_load(const char *path, plnet_config *cfg, FILE *err);

/* plnet_config_load with overrides applied in order (a later one wins); sets may be NULL
 * when n_sets is 0. Errors about an overridden value are "plnet: ORIGIN: message". */
int plnet_config_load_with(const char *path, const plnet_override *sets, size_t n_sets,
                           plnet_config *cfg, FILE *err);

/* The same from YAML text in memory (len bytes; flow or block style, e.g. a dict written
 * as JSON): `name` stands for the file in messages and gives the default experiment name
 * (its stem); relative data and graph paths resolve against base_dir ("." when NULL). */
int plnet_config_load_text(const char *text, size_t len, const char *name, const char *base_dir,
                           const plnet_override *sets, size_t n_sets, plnet_config *cfg,
                           FILE *err);

void plnet_config_free(plnet_config *cfg);

/* The solver section as pln_solver_options (the other members at their defaults). */
void plnet_solver_options_from_config(const plnet_config *cfg, pln_solver_options *o);

/* The resolved configuration (every key) as YAML, loadable by plnet_config_load. */
int plnet_config_write(const plnet_config *cfg, FILE *out);

/* Print "plnet: file:line:col: message" (or "plnet: file: message" for line 0). */
void plnet_report_at(FILE *err, const plnet_config *cfg, plnet_mark at, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

#endif
