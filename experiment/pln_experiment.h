/* pln_experiment.h — a whole experiment from library option structs: graph, roles and initial values from named random streams, network, task, learner, stepping, metrics rows, run files and checkpoints. */
#ifndef PLN_EXPERIMENT_H
#define PLN_EXPERIMENT_H

#include "pln_common.h"
#include "pln_graph.h"
#include "pln_learning.h"
#include "pln_network.h"
#include "pln_solver.h"
#include "pln_states.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ================================================================== random streams */

/** The named random streams of an experiment, each drawn from the experiment's seed: stream
 *  s is the (s+1)-th child of a generator seeded with the seed (pln_rng_split), so what one
 *  part draws never shifts another. The layout is a reproducibility contract: a run made
 *  with a seed gives the same graph, roles, values, examples and learning with every plnet
 *  that keeps these numbers. The random graph generators take the seed itself (igraph's
 *  generator, seeded before each call), not a stream. */
typedef enum pln_stream {
    PLN_STREAM_ROLES = 0,       /**< random input and output nodes (inputs first) */
    PLN_STREAM_EDGES = 1,       /**< initial conductances, or stiffnesses of springs */
    PLN_STREAM_RADII = 2,       /**< initial pipe radii (flow networks) */
    PLN_STREAM_TASK = 3,        /**< regression examples, the train/test split of a table */
    PLN_STREAM_LEARNER = 4,     /**< the learner's seed: batches, noise, random phases */
    /* 5 is never drawn: rest lengths have always been the 7th child. */
    PLN_STREAM_REST_LENGTHS = 6, /**< initial rest lengths of springs */
    PLN_STREAM_GATES = 7         /**< initial gate voltages of transistors */
} pln_stream;

/** @brief The generator of stream s of a seed (see pln_stream). Complexity O(s). */
PLN_API void pln_experiment_stream(uint64_t seed, pln_stream s, pln_rng *out);

/* ================================================================== the description */

/** How a graph is made. */
typedef enum pln_graph_generator {
    PLN_GEN_SQUARE_LATTICE = 0,     /**< size[0] x size[1] nodes, unit spacing */
    PLN_GEN_TRIANGULAR_LATTICE = 1, /**< size[0] x size[1] nodes, unit edges */
    PLN_GEN_RANDOM_REGULAR = 2,     /**< n nodes of degree `degree` */
    PLN_GEN_ERDOS_RENYI = 3,        /**< n nodes, mean degree `mean_degree` */
    PLN_GEN_RANDOM_GEOMETRIC = 4    /**< n nodes in the unit square, edges shorter than radius */
} pln_graph_generator;

typedef enum pln_graph_format {
    PLN_FORMAT_AUTO = 0, /**< by the file's extension: .graphml/.xml, .cir/.sp/.net/.spice, else an edge list */
    PLN_FORMAT_GRAPHML = 1,
    PLN_FORMAT_EDGELIST = 2,
    PLN_FORMAT_SPICE = 3
} pln_graph_format;

/** The edge list's value column. */
typedef enum pln_weights { PLN_WEIGHTS_CONDUCTANCE = 0, PLN_WEIGHTS_RESISTANCE = 1 } pln_weights;

/** The graph: a file, or a generator (file NULL or ""). */
typedef struct pln_graph_desc {
    const char *file;         /**< path (borrowed), or NULL/"" for a generator; default NULL */
    pln_graph_format format;  /**< default PLN_FORMAT_AUTO */
    pln_weights weights;      /**< edge lists; default conductance */
    pln_graph_generator generator; /**< default square lattice */
    pln_idx size[2];          /**< lattices: nodes along x and y, default 8 x 8 */
    bool periodic;            /**< lattices, default false */
    pln_idx n;                /**< random graphs: nodes, default 100 */
    pln_idx degree;           /**< random_regular, default 3 */
    double mean_degree;       /**< erdos_renyi, default 4 */
    double radius;            /**< random_geometric (unit square), default 0.15 */
} pln_graph_desc;

typedef enum pln_init_kind {
    PLN_INIT_CONSTANT = 0,   /**< every edge `value` */
    PLN_INIT_UNIFORM = 1,    /**< uniform in [low, high] */
    PLN_INIT_LOGUNIFORM = 2, /**< log-uniform in [low, high] */
    PLN_INIT_FROM_GRAPH = 3  /**< the graph's own values (a file's column), nothing drawn */
} pln_init_kind;

/** Initial values of one edge parameter and its bounds while learning (the hardware's clip
 *  bounds when it is theta). Units: S (conductance), m (radius, rest length), N/m
 *  (stiffness). */
typedef struct pln_edge_init {
    pln_init_kind init;
    double value;    /**< constant init, and the fallback of from_graph */
    double low, high;
    double min, max; /**< clipping bounds kept during learning */
} pln_edge_init;

/** Resistor networks: the edge elements (SPEC 1.3), network.elements. Which kind an edge is:
 *  the lists here first (an edge in two lists is an error), then the graph's "element"
 *  attribute (GraphML, a SPICE netlist's D and M), then `kind`. Each parameter of an edge:
 *  the graph's attribute of its name, else the value here. Arrays borrowed. */
typedef struct pln_elements_desc {
    pln_element_kind kind;   /**< kind of edges neither listed nor typed by the graph */
    /** Edge ids of each kind (lists indexed by pln_element_kind). */
    pln_idx n_edges[PLN_ELEM_N_KINDS];
    const pln_idx *edges[PLN_ELEM_N_KINDS];
    /** Defaults of each parameter, indexed by pln_eparam (pln_element_options' defaults);
     *  values[PLN_EP_GATE] is gate.value, values[PLN_EP_CONDUCTANCE] and [PLN_EP_TABLE] are
     *  not read (the conductance block; the one table below). */
    double values[PLN_EP_COUNT];
    /** Transistors' initial gates (V, signed) and their learning bounds (clip of
     *  PLN_DOF_ELEMENT's gates); default constant 1 V in [-10, 10] V (from_graph for a graph
     *  file: the graph's "gate" where it has one, else value). */
    pln_edge_init gate;
    double temperature;      /**< K, default 300.15 */
    double gmin;             /**< S, default 1e-12 */
    bool gate_drop_squared;  /**< the gates' signal (pln_element_options) */
    /** The I(V) table of table elements (table 0): n_v voltages (V) and n_i currents (A). */
    pln_idx n_table_v, n_table_i;
    const double *table_v, *table_i;
} pln_elements_desc;

/** The network section. */
typedef struct pln_network_desc {
    pln_kind kind;                /**< default resistor */
    double viscosity;             /**< flow: Pa s, default 1 */
    pln_graph_desc graph;
    pln_edge_init conductance;    /**< default constant 1 S in [1e-3, 1e3] */
    /** Flow: initial radii; init PLN_INIT_FROM_GRAPH (default) draws none. */
    pln_edge_init radius;
    pln_edge_init stiffness;      /**< springs: default constant 1 N/m in [1e-3, 1e3] */
    /** Springs: initial rest lengths; PLN_INIT_FROM_GRAPH (default) keeps the graph's, else
     *  the lengths of the node positions. */
    pln_edge_init rest_length;
    double newton_tol;            /**< springs (pln_states_options), default 1e-10 */
    pln_idx newton_max_iter;      /**< springs, default 50 */
    pln_elements_desc elements;   /**< resistor networks: diodes, transistors, tables */
} pln_network_desc;

/** A set of nodes or edges with a role: an explicit list, or `random` nodes drawn from
 *  PLN_STREAM_ROLES among the nodes no other role holds; values per node or edge. Arrays
 *  are borrowed by pln_experiment_create, which copies them. */
typedef struct pln_role_desc {
    pln_idx n_nodes;
    const pln_idx *nodes;
    pln_idx random;       /**< nodes to draw (0: none) */
    pln_idx n_edges;
    const pln_idx *edges; /**< edge roles (drops, or strains of springs) */
    pln_idx n_values;     /**< 0 (all zero) or one per node or edge */
    const double *values; /**< V, A, or m and strain for springs */
    int axis;             /**< springs: 0, 1, 2 = x, y, z of node displacements; -1 none */
} pln_role_desc;

/** What every state applies (SPEC 1.1, 1.2). */
typedef struct pln_boundary_desc {
    /** Grounded nodes (0 V). n_ground < 0 (default) means node 0, unless the network is a
     *  spring network (none) or a SPICE netlist fixes potentials (its own ground). */
    pln_idx n_ground;
    const pln_idx *ground;
    pln_role_desc potentials;   /**< nodes at fixed potentials (V) */
    pln_role_desc currents;     /**< injected currents (A, into the node) */
    pln_role_desc edge_sources; /**< edges with a fixed drop p_tail - p_head (V) */
    /* springs */
    pln_idx n_pins;
    const pln_idx *pins;
    /** Imposed displacements of the pins (m, row-major, pin_dim each): one vector per pin, or
     *  none (NULL, 0: fixed pins). */
    pln_idx n_pin_displacements;
    int pin_dim;
    const double *pin_displacements;
    /** Per pin, the mask of held axes (bit c = axis c: 1 = x, 3 = xy); none (NULL, 0) holds
     *  every axis. */
    pln_idx n_pin_axes;
    const int *pin_axes;
    pln_idx n_forces;
    const pln_idx *force_nodes;
    pln_idx n_force_values;        /**< vectors in forces: one per force node */
    int force_dim;
    const double *forces;          /**< n_force_values x force_dim (N) */
    pln_role_desc edge_strains;    /**< edges + imposed strains */
} pln_boundary_desc;

/** The task (SPEC 3). */
typedef struct pln_task_desc {
    pln_task_kind kind;      /**< default allostery */
    pln_role_desc inputs;    /**< values: allostery's fixed inputs */
    pln_role_desc outputs;
    pln_idx n_targets;
    const double *targets;   /**< allostery: one per output */
    /** regression: n_train (default 100), n_test (default 50), input_low/high (V, default
     *  [0, 1]), row_sum */
    pln_regression_options regression;
    const char *data;        /**< classification / dataset: CSV path (borrowed), or NULL */
    /** classification / dataset: label, split, levels, columns (arrays borrowed). */
    pln_data_options dataset;
} pln_task_desc;

/** Which learner: the contrastive trainer (SPEC 3) or temporal contrastive learning (SPEC
 *  4). */
typedef enum pln_learner_kind {
    PLN_LEARNER_CONTRASTIVE = 0,
    PLN_LEARNER_TEMPORAL = 1
} pln_learner_kind;

/** The learning section. */
typedef struct pln_learning_desc {
    pln_learner_kind learner;  /**< default contrastive */
    /** The rule (contrastive; for temporal only rate, nudge and dof are read). dof
     *  PLN_DOF_CONDUCTANCE is the stiffness of a spring network. */
    pln_rule_options rule;
    /** The hardware of theta; clip, min and max are taken from the edge parameter that
     *  theta is (network.conductance, radius, stiffness or rest_length: min, max). */
    pln_hardware hardware;
    /** dof element: the gates' sign-update step (V; 0: one quantization level). The gates
     *  take the rest of `hardware` (levels linearly spaced between network.elements.gate's
     *  min and max). Default 0.01 V. */
    double gate_sign_step;
} pln_learning_desc;

/** The protocol of temporal learning (SPEC 4). */
typedef struct pln_temporal_desc {
    /** kind, dt, tau_fast, tau_slow, reverse, random phases; eta_max is ignored: it is
     *  amplitude x learning.rule.nudge. */
    pln_protocol_options protocol;
    double amplitude;          /**< peak nudge in units of the nudge, default 1 */
    pln_memory_options memory;
    pln_nonlinearity nonlinearity;
    pln_apply apply;           /**< default PLN_APPLY_STEP */
    pln_idx refresh;           /**< default 1 */
} pln_temporal_desc;

/** Steps and cadences. */
typedef struct pln_train_desc {
    int64_t steps;            /**< learning steps (periods for temporal), default 5000 */
    pln_idx batch;            /**< examples per step, default 1 */
    int64_t log_every;        /**< a metrics row every log_every steps, default 50 */
    int64_t checkpoint_every; /**< front ends checkpoint this often (0: never), default 1000 */
} pln_train_desc;

/** An experiment. Every pointer inside is borrowed by pln_experiment_create and copied. */
typedef struct pln_experiment_desc {
    /** The run's name and output folder: recorded in the resolved configuration for the
     *  front end, not used by the library. Default NULL ("" in the file). */
    const char *name;
    const char *output_dir;
    uint64_t seed;             /**< default 1 (see pln_stream) */
    pln_network_desc network;
    pln_boundary_desc boundary;
    pln_task_desc task;
    pln_learning_desc learning;
    pln_temporal_desc temporal;
    double temperature;        /**< K, default 300 (SPEC 5) */
    double resolution;         /**< Landauer delta without quantization (theta units), 1e-3 */
    pln_energy_units energy;   /**< unit system of the ledger and hold time (SPEC 5) */
    pln_solver_options solver;
    pln_train_desc train;
} pln_experiment_desc;

/** @brief Every default (the values listed on each member). */
PLN_API void pln_experiment_desc_default(pln_experiment_desc *d);

/* ================================================================== configuration keys */

/** How a key's value is written in an experiment file. */
typedef enum pln_key_type {
    PLN_KEY_SECTION = 0, /**< a mapping of keys (no value of its own) */
    PLN_KEY_BOOL,        /**< bool */
    PLN_KEY_INT,         /**< an integer field of int_size bytes */
    PLN_KEY_REAL,        /**< double */
    PLN_KEY_STRING,      /**< const char * */
    PLN_KEY_PATH,        /**< const char *, a file relative to the experiment file's folder */
    PLN_KEY_ENUM,        /**< an int-sized enum, written by name */
    PLN_KEY_IDS,         /**< list of node or edge ids: pln_idx *, count at count_offset */
    PLN_KEY_REALS,       /**< list of doubles, count at count_offset */
    PLN_KEY_STRINGS,     /**< list of names: const char *const *, count at count_offset */
    PLN_KEY_INT_PAIR,    /**< [a, b]: two pln_idx side by side */
    PLN_KEY_REAL_PAIR,   /**< [a, b]: doubles at offset and count_offset */
    PLN_KEY_VECTORS,     /**< list of vectors of 2 or 3 doubles: count at count_offset, length
                              (int) at dim_offset, row-major */
    PLN_KEY_AXES         /**< list of axis sets ("x", "xy", "xyz"): int masks, count at
                              count_offset */
} pln_key_type;

/** Flags of a key. */
enum {
    /** A section written as a flow mapping on one line ({init: uniform, low: 0.5, ...}). */
    PLN_KEY_FLOW = 1u << 0,
    /** Another spelling of a key (alias_of): read, never written nor listed in the docs. */
    PLN_KEY_ALIAS = 1u << 1,
    /** A key of network.graph's generator (refused beside network.graph.file). */
    PLN_KEY_GENERATOR = 1u << 2,
    /** A key of network.graph's file form. */
    PLN_KEY_GRAPH_FILE = 1u << 3
};

/** One configuration key: everything the readers, the resolved-file writer, the error
 *  locator and the documentation need. Defaults are those of pln_experiment_desc_default,
 *  read through `offset`; there is no other copy of them. */
typedef struct pln_key {
    const char *key;       /**< dotted, e.g. "learning.hardware.levels" */
    pln_key_type type;
    size_t offset;         /**< of the value (or the array's pointer) in pln_experiment_desc */
    size_t count_offset;   /**< lists: of their pln_idx count; REAL_PAIR: of the second value */
    size_t dim_offset;     /**< vectors: of their int length */
    int int_size;          /**< INT and ENUM: bytes of the field (4 or 8) */
    double min, max;       /**< numbers: the range (max HUGE_VAL: none above; min = max = 0:
                                no range) */
    bool min_open, max_open; /**< exclusive bounds */
    const char *const *names; /**< ENUM: the names, NULL-terminated */
    const int *values;     /**< ENUM: the value of each name (NULL: 0, 1, 2, ...) */
    /** Network kinds the key belongs to (bit PLN_KIND_x; 0: every kind), and what a reader
     *  says when the key is given for another kind. */
    unsigned kinds;
    const char *refusal;
    const char *alias_of;  /**< PLN_KEY_ALIAS: the key it spells */
    const char *unit;      /**< "S", "m", "Pa s", "K", ... or "" (dimensionless or not a number) */
    const char *doc;       /**< one line */
    /** The default as the documentation states it when the value alone does not tell (it
     *  depends on other keys), else NULL. */
    const char *default_doc;
    unsigned flags;        /**< PLN_KEY_FLOW, ... */
} pln_key;

/** @brief Number of keys in the table (sections included). */
PLN_API pln_idx pln_config_n_keys(void);
/** @brief Key k, in the order of the resolved file (sections before their keys). */
PLN_API const pln_key *pln_config_key(pln_idx k);
/** @brief The key of a dotted name, or NULL. */
PLN_API const pln_key *pln_config_find(const char *dotted);
/** @brief Where key k's value lives in a description (for readers that fill one). */
PLN_API void *pln_config_field(pln_experiment_desc *d, const pln_key *k);
PLN_API const void *pln_config_field_const(const pln_experiment_desc *d, const pln_key *k);
/** @brief The name of an enum value (the first that has it), or NULL. */
PLN_API const char *pln_config_enum_name(const pln_key *k, int value);

/** @brief Check a description as pln_experiment_create does before building anything:
 *  every number within its key's range, and the keys that depend on each other (bounds
 *  around the initial values that are drawn, a rule's nudge, the dof against the network
 *  kind, role values and targets counted against their nodes, ...). Only what the
 *  experiment uses is checked against other keys (an unused default never fails).
 *  @return PLN_OK or PLN_EINVAL with the configuration key in the error (a message that
 *  starts with it). Complexity O(keys + list lengths). */
PLN_API pln_status pln_experiment_desc_check(pln_ctx *ctx, const pln_experiment_desc *d);

/** Flags of the resolved configuration's text. */
enum {
    /** The configuration a resumed run must match: train.steps, train.checkpoint_every and
     *  output.dir blanked (they may change between a run and its continuation). */
    PLN_YAML_FINGERPRINT = 1u << 0
};
/** @brief The resolved configuration as YAML (every key, defaults filled in), which any
 *  experiment-file reader reads back to the same description.
 *  @param[out] buf  may be NULL when size is 0
 *  @return the length of the whole text (excluding the terminating NUL); the text is
 *  complete when that is below size (as snprintf). */
PLN_API size_t pln_experiment_desc_yaml(const pln_experiment_desc *d, unsigned flags, char *buf,
                                        size_t size);

/** @brief Whether the run has an efficiency column: every spent term is modelled (false for
 *  a temporal run whose memory dissipation is not: integral_feedback or kernel without
 *  protocol.memory.dissipation). */
PLN_API bool pln_experiment_desc_efficiency(const pln_experiment_desc *d);
/** @brief The metrics columns that a run of this description logs (learner and task decide),
 *  as pln_experiment_metrics_column names them.
 *  @param[out] names, units  max entries each (either may be NULL)
 *  @return the number of columns. */
PLN_API pln_idx pln_experiment_desc_columns(const pln_experiment_desc *d, const char **names,
                                            const char **units, pln_idx max);

/* ================================================================== the experiment */

/** How far an experiment is built. Each stage adds to the one before. */
typedef enum pln_build_stage {
    PLN_BUILD_GRAPH = 1,   /**< graph, roles, initial edge values */
    PLN_BUILD_NETWORK = 2, /**< boundary and network: solvable */
    PLN_BUILD_LEARNER = 3  /**< task, states, learner and the metrics row of step 0 */
} pln_build_stage;

/** An experiment (opaque): owns its graph, network, task, states, learner and metrics. */
typedef struct pln_experiment pln_experiment;

/** @brief Build an experiment up to a stage.
 *  @param[in] ctx  borrowed; must outlive the experiment; errors land here
 *  @param[in] d    copied (arrays and strings too)
 *  @param[out] out NULL on error
 *  @return PLN_OK; PLN_EINVAL for a description the set-up refuses, with the error's key
 *  naming the configuration key at fault (dotted, with "[k]" for element k of a list, e.g.
 *  "task.outputs.nodes[1]", "boundary.ground", "network.graph.file") and its message
 *  starting with that key (a floating component's ends with it); PLN_EIO/PLN_EPARSE (a graph or data file: key
 *  "network.graph.file" or "task.data"); PLN_ESINGULAR (key-less: node or edge);
 *  PLN_ENOMEM. Complexity: the graph, a factorization per state built and the metrics
 *  row of step 0 (an evaluation of both splits). */
PLN_API pln_status pln_experiment_create(pln_ctx *ctx, const pln_experiment_desc *d,
                                         pln_build_stage upto, pln_experiment **out);
/** @brief Continue building up to a stage (no-op when already there). Errors as create;
 *  on error the stages built so far stay usable. */
PLN_API pln_status pln_experiment_build(pln_experiment *x, pln_build_stage upto);
/** @brief Destroy (NULL allowed). */
PLN_API void pln_experiment_destroy(pln_experiment *x);

PLN_API pln_build_stage pln_experiment_stage(const pln_experiment *x);
/** @brief The experiment's own copy of its description (view). */
PLN_API const pln_experiment_desc *pln_experiment_get_desc(const pln_experiment *x);
PLN_API pln_ctx *pln_experiment_ctx(const pln_experiment *x);
/** @brief The graph (view; the run-file writers set its attributes). */
PLN_API pln_graph *pln_experiment_graph(pln_experiment *x);
/** @brief The network (view; NULL before PLN_BUILD_NETWORK). */
PLN_API pln_network *pln_experiment_network(pln_experiment *x);
/** @brief The task and the learner (views; NULL before PLN_BUILD_LEARNER). */
PLN_API const pln_task *pln_experiment_task(const pln_experiment *x);
PLN_API pln_learner *pln_experiment_learner(pln_experiment *x);
/** @brief Per node, its role: "ground", "potential", "current", "input", "output", for
 *  springs "pin" (a pinned node no task role names) and "force" (a node under a force), or
 *  "" (static strings; view of n_nodes). */
PLN_API const char *const *pln_experiment_roles(const pln_experiment *x);
/** @brief Per Dirichlet slot of the network's boundary, whether it is a ground (a
 *  boundary.ground node or a netlist's ground) (view; NULL before PLN_BUILD_NETWORK). */
PLN_API const bool *pln_experiment_dirichlet_ground(const pln_experiment *x);
/** @brief The grounded nodes applied (view): boundary.ground, or its default (node 0; none
 *  for springs or when a SPICE netlist fixes potentials). */
PLN_API const pln_idx *pln_experiment_ground(const pln_experiment *x, pln_idx *n);
/** @brief The input (which = 0) or output (1) nodes, random ones as drawn (view). */
PLN_API const pln_idx *pln_experiment_role_nodes(const pln_experiment *x, int which,
                                                 pln_idx *n);

/* ---------------------------------------------------------------- solving */

/** What one solve of the free state gives besides the state. */
typedef struct pln_solve_result {
    /** Dissipated power sum_e k_e dp_e^2 (W), or the elastic energy of a spring network
     *  (J). */
    double power;
    double supplied;           /**< power supplied by the boundary (W); springs: 0 */
    pln_idx newton_iterations; /**< springs: Newton iterations of the solve */
    /** Kirchhoff's current law at the free node worst off (pln_network_kcl_check): its id
     *  (-1 for springs or when every node balances exactly) and its residual relative to the
     *  currents through it. */
    pln_idx kcl_node;
    double kcl_relative;
} pln_solve_result;

/** A solve whose relative KCL residual at some node, or relative mismatch between the
 *  supplied and the dissipated power, exceeds this ends with a warning (PLN_LOG_WARN) naming
 *  the worst node: the conductances are too far apart for double precision. */
#define PLN_SOLVE_BALANCE_TOL 1e-6

/** @brief Solve the free state with the boundary as described (inputs at their values)
 *  and the current theta.
 *  @param[out] x  n_nodes x pln_network_state_dim values: potentials (V), or positions
 *                 (m, row-major) of a spring network
 *  @param[out] r  may be NULL
 *  A solution off Kirchhoff's current law or the power balance by more than
 *  PLN_SOLVE_BALANCE_TOL (relative) is logged as a warning naming the worst node.
 *  @return PLN_OK, PLN_EINVAL (not built to PLN_BUILD_NETWORK), PLN_ESINGULAR,
 *  PLN_ENOCONV, PLN_ENOMEM. Complexity: one factorization (Newton for springs). */
PLN_API pln_status pln_experiment_solve(pln_experiment *x, double *state, pln_solve_result *r);

/* ---------------------------------------------------------------- learning
 * These need PLN_BUILD_LEARNER (else PLN_EINVAL). */

/** @brief Steps taken (protocol periods for temporal learning). */
PLN_API int64_t pln_experiment_steps(const pln_experiment *x);
/** @brief One learning step; a metrics row is logged when the step count is a multiple of
 *  train.log_every. A row logged by pln_experiment_finish off that grid is dropped first,
 *  so stepping on after it gives the rows of an uninterrupted run.
 *  @return PLN_OK or the learner's error (the step count is then unchanged). */
PLN_API pln_status pln_experiment_step(pln_experiment *x);

/** Called after every step of pln_experiment_run; a status other than PLN_OK stops the run
 *  and is returned. */
typedef pln_status (*pln_experiment_step_fn)(pln_experiment *x, int64_t step, void *user);

/** @brief Step until the step count reaches `until` (absolute). Before each step the
 *  context's progress callback is asked (fraction done, "train"): PLN_EINTERRUPTED stops
 *  the run between steps, the experiment consistent and resumable.
 *  @param on_step may be NULL
 *  @return PLN_OK, PLN_EINTERRUPTED, on_step's status or the learner's error. */
PLN_API pln_status pln_experiment_run(pln_experiment *x, int64_t until,
                                      pln_experiment_step_fn on_step, void *user);
/** @brief Log the last step's row when it is off the log_every grid (the end of a run). */
PLN_API pln_status pln_experiment_finish(pln_experiment *x);

/** @brief Loss, error and accuracy of a split (no learning, no random draws). */
PLN_API pln_status pln_experiment_evaluate(pln_experiment *x, pln_split split, pln_metrics *m);
PLN_API pln_idx pln_experiment_n_examples(const pln_experiment *x, pln_split split);
PLN_API pln_idx pln_experiment_n_outputs(const pln_experiment *x);
/** @brief Free-state outputs of every example of a split, n_out x n column-major (output
 *  units: V, or m and strain for springs). */
PLN_API pln_status pln_experiment_outputs(pln_experiment *x, pln_split split, double *o);

/** @brief Length of theta: the edges, or 2 x edges for learning.dof both. */
PLN_API pln_idx pln_experiment_n_theta(const pln_experiment *x);
/** @brief View of theta (S, m or N/m by dof; stiffnesses then rest lengths for both), valid
 *  until the next step, set or load. */
PLN_API const double *pln_experiment_theta(const pln_experiment *x);
/** @brief Replace theta between steps.
 *  @param[in] theta n values, each finite and within the bounds of its edge parameter
 *                   (network.<parameter>.min, max)
 *  @return PLN_OK; PLN_EDIM (n is not pln_experiment_n_theta); PLN_EINVAL (a value not
 *  finite or out of bounds: the edge is in the error); PLN_ESINGULAR. On error the
 *  experiment is unchanged. Complexity: one factorization. */
PLN_API pln_status pln_experiment_set_theta(pln_experiment *x, const double *theta, pln_idx n);
/** @brief View of the energy ledger (SPEC 5). */
PLN_API const pln_ledger *pln_experiment_ledger(const pln_experiment *x);

/* ---------------------------------------------------------------- metrics */

/** @brief Columns of a metrics row (they depend on the learner and the task). */
PLN_API pln_idx pln_experiment_metrics_n_columns(const pln_experiment *x);
/** @brief Name of column k (as in metrics.csv) and its unit (may be NULL): "1" for counts
 *  and ratios, "W", "J", "bit", "time units", "output units^2". Static strings. */
PLN_API const char *pln_experiment_metrics_column(const pln_experiment *x, pln_idx k,
                                                  const char **unit);
/** @brief Logged rows so far (step 0, every log_every steps, and a final off-grid row). */
PLN_API pln_idx pln_experiment_metrics_n_rows(const pln_experiment *x);
/** @brief View of the rows, row-major (n_rows x n_columns), valid until the next step. */
PLN_API const double *pln_experiment_metrics_rows(const pln_experiment *x);
/** @brief The current row (not logged): evaluates both splits. */
PLN_API pln_status pln_experiment_metrics_row(pln_experiment *x, double *row);

/* ---------------------------------------------------------------- files and checkpoints */

/** @brief The experiment's resolved configuration (YAML: every key, defaults filled in, the
 *  nodes drawn for random roles in comments), or with `fingerprint` the configuration a
 *  resume must match (train.steps, train.checkpoint_every and output.dir blanked).
 *  @param[out] buf  size bytes (may be NULL with size 0); *len gets the whole length
 *  @return PLN_OK, PLN_ENOMEM. */
PLN_API pln_status pln_experiment_config_text(const pln_experiment *x, bool fingerprint, char *buf,
                                              size_t size, size_t *len);
/** @brief Replace the texts above (copied; either may be NULL, kept as it was): for a front
 *  end that records more than the description (the experiment's own texts are the default).
 *  @return PLN_OK, PLN_ENOMEM. */
PLN_API pln_status pln_experiment_set_config(pln_experiment *x, const char *resolved,
                                             const char *fingerprint);

/** @brief metrics.csv: a header of column names, then the logged rows ("%.17g"; the step
 *  as an integer). Written atomically. @return PLN_OK, PLN_EIO, PLN_ENOMEM. */
PLN_API pln_status pln_experiment_write_metrics(pln_experiment *x, const char *path);
/** @brief metrics.csv as pln_experiment_write_metrics writes it, but by appending the rows
 *  logged since this experiment last wrote that file (an off-grid last row is replaced):
 *  a checkpoint's cost no longer grows with the rows. The whole file is written instead
 *  when path is not the file this experiment wrote last, or that file has changed since.
 *  Not atomic: a checkpoint records where the rows end, for the resume.
 *  @return PLN_OK, PLN_EIO, PLN_ENOMEM. */
PLN_API pln_status pln_experiment_append_metrics(pln_experiment *x, const char *path);
/** @brief After a checkpoint is loaded: take the run's metrics.csv at path as written up to
 *  that checkpoint, truncating what was appended after it (a kill between the two), so that
 *  pln_experiment_append_metrics continues it. A file that is not the run's (another header,
 *  shorter than the checkpoint says) is left alone, and the next write is whole.
 *  @return PLN_OK, PLN_EIO, PLN_ENOMEM. */
PLN_API pln_status pln_experiment_reopen_metrics(pln_experiment *x, const char *path);
/** @brief predictions.csv: split,index,output_j...,target_j... (and predicted,true for
 *  classification), every example of both splits. Written atomically. */
PLN_API pln_status pln_experiment_write_predictions(pln_experiment *x, const char *path);
/** @brief network.graphml: the graph with the current edge values (conductance or
 *  stiffness, rest_length, radius), each node's role and, for springs, the 0/1 edge
 *  attributes "source" and "target" on the task's input (and boundary strain) edges and
 *  output edges when there are any. Other attributes already in the graph
 *  (pln_experiment_graph) are written too. Written atomically. */
PLN_API pln_status pln_experiment_write_graphml(pln_experiment *x, const char *path);
/** @brief config.resolved.yaml: the resolved configuration (pln_experiment_config_text). */
PLN_API pln_status pln_experiment_write_config(pln_experiment *x, const char *path);
/** @brief checkpoint.bin (see pln_experiment_checkpoint_save). Written atomically. When the
 *  metrics.csv beside it is the one this experiment wrote and holds exactly the logged rows
 *  (pln_experiment_append_metrics just before), the rows are left there (bit 33 of the
 *  version word set, no rows in the file), so the checkpoint does not grow with the run;
 *  pln_experiment_read_checkpoint reads them back from that metrics.csv. */
PLN_API pln_status pln_experiment_write_checkpoint(pln_experiment *x, const char *path);
/** @brief The run files into folder dir (which must exist): metrics.csv, checkpoint.bin,
 *  network.graphml, predictions.csv and, with with_config, config.resolved.yaml, as a set:
 *  dir/PLN_RUN_MARKER says "running" before the first and "complete" after the last. */
PLN_API pln_status pln_experiment_save(pln_experiment *x, const char *dir, bool with_config);

/** @brief The file of a run folder that says whether its files form a whole set: written
 *  "running" before the first of them and "complete" after the last (pln_experiment_save,
 *  plnet train and solve), so a folder left by a failure or a kill never poses as a result. */
#define PLN_RUN_MARKER "plnet.run"

/** @brief A run folder's state, as its PLN_RUN_MARKER says. */
typedef enum pln_run_state {
    PLN_RUN_NONE = 0,     /**< no marker: not a plnet run folder (or an older plnet's) */
    PLN_RUN_RUNNING = 1,  /**< being written, or left so by a failure or a kill */
    PLN_RUN_COMPLETE = 2  /**< every file of the run written, as one set */
} pln_run_state;

/** @brief What a run folder's marker says. */
typedef struct pln_run_info {
    pln_run_state state;
    char files[16];       /**< "train" (metrics, checkpoint, ...) or "network" (a solve) */
    char fingerprint[24]; /**< hash of the configuration's fingerprint text, hex */
    int64_t step;         /**< the steps trained when complete (0 for a solve) */
} pln_run_info;

/** @brief Write dir/PLN_RUN_MARKER (atomically): the run in folder dir is `complete`, or
 *  being written; with the experiment's configuration fingerprint and step.
 *  @return PLN_OK, PLN_EIO, PLN_ENOMEM. */
PLN_API pln_status pln_experiment_folder_mark(pln_experiment *x, const char *dir, bool complete);
/** @brief Read folder dir's marker into *info (state PLN_RUN_NONE when it has none or it is
 *  not one). Never fails. */
PLN_API void pln_run_folder_info(const char *dir, pln_run_info *info);
/** @brief Whether folder dir's marker is of a run of this experiment's configuration (the
 *  same fingerprint, and the same kind of files: a training run when the experiment learns). */
PLN_API bool pln_experiment_folder_is_own(pln_experiment *x, const char *dir);

/** @brief Bytes of a checkpoint. */
PLN_API size_t pln_experiment_checkpoint_size(const pln_experiment *x);
/** @brief A checkpoint (little-endian): "PLNETCKP", u32 version 3, u32 learner (0
 *  contrastive, 1 temporal), u64 step, u64 columns, u64 rows, u64 bytes of metrics.csv up to
 *  these rows (0: unknown), the logged rows on the log_every grid (doubles), u64 n + the fingerprint text, u64 n + the learner's state,
 *  u64 FNV-1a hash of everything before. @return PLN_OK, PLN_EDIM (size too small). */
PLN_API pln_status pln_experiment_checkpoint_save(const pln_experiment *x, void *buf,
                                                  size_t size);
/** @brief Restore a checkpoint of the same experiment: the run continues bit for bit.
 *  @return PLN_OK; PLN_EINVAL (not a checkpoint, damaged, another version or learner, or
 *  another configuration: key "fingerprint", the message naming the first line that
 *  differs); PLN_EDIM; PLN_ESINGULAR. On error the experiment may hold a partial state:
 *  destroy it. */
PLN_API pln_status pln_experiment_checkpoint_load(pln_experiment *x, const void *buf,
                                                  size_t size);
/** @brief pln_experiment_checkpoint_load from a file; rows kept in metrics.csv are read
 *  from the metrics.csv beside it (PLN_EINVAL naming it when it lacks them).
 *  @return also PLN_EIO. */
PLN_API pln_status pln_experiment_read_checkpoint(pln_experiment *x, const char *path);

#ifdef __cplusplus
}
#endif
#endif
