/* pln_learning.h — learning rules, hardware constraints, tasks and data sets, the energy ledger and the trainer (SPEC 3 and 5). */
#ifndef PLN_LEARNING_H
#define PLN_LEARNING_H

#include "pln_common.h"
#include "pln_network.h"
#include "pln_states.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ================================================================== rules (SPEC 3) */

/** Contrastive learning rules of SPEC 3. Each uses two states per example:
 *  | rule                       | states                    | d theta                          |
 *  | PLN_RULE_COUPLED           | x^F, x^C(eta)             | -(alpha/eta) [s(x^C) - s(x^F)]   |
 *  | PLN_RULE_COUPLED_CENTERED  | x^C(+eta), x^C(-eta)      | -(alpha/2eta) [s(x^C+) - s(x^C-)]|
 *  | PLN_RULE_EQUILIBRIUM       | x^0, x^beta               | -(alpha/beta) [s(x^b) - s(x^0)]  |
 *  | PLN_RULE_EQUILIBRIUM_CENTERED | x^+beta, x^-beta       | -(alpha/2beta)[s(x^+) - s(x^-)]  |
 *  | PLN_RULE_DYADIC            | x^+(1-a)beta, x^-a beta   | -(alpha/beta) [s(x^+) - s(x^-)]  |
 *  Clamped outputs: o^C(+-eta) = o^F +- eta (T - o^F).
 *
 *  Factor of 2 (read this before a gradient check): the signal is s_e = dp_e^2 (SPEC 3), which
 *  is 2 dE/dk_e for the physical energy E = 1/2 sum k dp^2 that the nudged state minimises
 *  together with beta C (SPEC 2). Equilibrium propagation gives dC/dk = lim (1/beta)
 *  [dE/dk(x^beta) - dE/dk(x^0)], hence, as beta -> 0, d theta -> -2 alpha dC/dtheta.
 *  plnet keeps SPEC's table (Stern et al.'s rule exactly) and states the factor here. */
typedef enum pln_rule_kind {
    PLN_RULE_COUPLED = 0,
    PLN_RULE_COUPLED_CENTERED = 1,
    PLN_RULE_EQUILIBRIUM = 2,
    PLN_RULE_EQUILIBRIUM_CENTERED = 3,
    PLN_RULE_DYADIC = 4
} pln_rule_kind;

/** @brief SPEC name of a rule ("coupled", "coupled_centered", "equilibrium",
 *  "equilibrium_centered", "dyadic"); "?" for an unknown value. */
PLN_API const char *pln_rule_name(pln_rule_kind rule);
/** @brief Rule from its SPEC name. @return PLN_OK or PLN_EINVAL (key "learning.rule"). */
PLN_API pln_status pln_rule_parse(pln_ctx *ctx, const char *name, pln_rule_kind *out);

/** The learning degree of freedom theta_e (SPEC 1.1). */
typedef enum pln_dof {
    /** theta = k (S); signal s = dp^2. */
    PLN_DOF_CONDUCTANCE = 0,
    /** Flow only: theta = r (m), the pipe radius, with k = pi r^4 / (8 mu l). Chain rule:
     *  dk/dr = 4 pi r^3 / (8 mu l) = 4 k / r, so the signal is s_r = dp^2 * 4k/r, evaluated
     *  at the current (r, k) which is the same for both states of a rule. As beta -> 0 the
     *  equilibrium update tends to -2 alpha dC/dr (see the factor of 2 above). */
    PLN_DOF_RADIUS = 1,
    /** Springs only: theta = l (m), the rest length; signal s = -k (r - l) = dE/dl (SPEC 3).
     *  (theta = k on a spring network is PLN_DOF_CONDUCTANCE: the stiffness, s = 1/2 (r - l)^2
     *  = dE/dk.) For springs the signal is dE/dtheta itself, with no factor 2: as beta -> 0
     *  the equilibrium update tends to -alpha dC/dtheta. State arrays of spring networks hold
     *  n_nodes x d values per example (pln_network_state_dim). */
    PLN_DOF_REST_LENGTH = 2,
    /** Springs only: theta = (k, l), the stiffnesses then the rest lengths, 2 n_edges values
     *  (issue #5). Each half has its own signal (s = 1/2 (r - l)^2 for k, s = -k (r - l) for
     *  l, both evaluated in the same two states) and its own learning rate: the stiffness
     *  signal scales like strain^2 while the rest-length signal scales like k strain, so one
     *  alpha cannot serve both (pln_rule_options.rate is the stiffness's alpha,
     *  rate_rest_length the rest length's). As beta -> 0 the equilibrium update of each half
     *  tends to -alpha_half dC/dtheta_half. */
    PLN_DOF_BOTH = 3,
    /** Resistor networks with edge elements (SPEC 1.3): theta_e is edge e's learnable
     *  parameter (pln_element_learnable): the conductance k (S) of a resistor, the gate
     *  voltage (V) of a transistor; diodes, ideal diodes and tables do not learn (theta_e = 0,
     *  never updated). m values. Each signal is s_e = 2 dC_e/d theta_e from the element's
     *  co-content at its own drop (pln_network_element_signals): dp^2 for a conductance, as
     *  with PLN_DOF_CONDUCTANCE, and K' dp^2 (1 + 2 lambda dp / 3) for a gate in the triode
     *  region (Dillavou et al.'s contrastive rule on the transistor's own drop, scaled by K';
     *  with pln_element_options.gate_drop_squared exactly K' dp^2 everywhere). As beta -> 0
     *  the equilibrium update tends to -2 alpha dC/d theta for both (SPEC 3's factor 2).
     *  Conductances go through pln_trainer_options.hardware, gates through hardware_gate.
     *  PLN_DOF_CONDUCTANCE on such a network learns the resistors only (gates fixed). */
    PLN_DOF_ELEMENT = 4
} pln_dof;

/** @brief "conductance", "radius", "rest_length", "both" or "element". */
PLN_API const char *pln_dof_name(pln_dof dof);

/** Parameters of a rule. */
typedef struct pln_rule_options {
    pln_rule_kind rule; /**< default PLN_RULE_COUPLED */
    double rate;        /**< alpha, learning rate (theta units per signal unit), default 0.05 */
    double nudge;       /**< eta (coupled rules, in (0, 1]) or beta (> 0), default 0.1 */
    double asymmetry;   /**< a in [0, 1], dyadic only, default 0.5 */
    pln_dof dof;        /**< default PLN_DOF_CONDUCTANCE */
    /** With PLN_DOF_BOTH: alpha of the rest-length half (m per N of signal), rate being that
     *  of the stiffness half; 0 (default) means the same as rate. Ignored otherwise. */
    double rate_rest_length;
} pln_rule_options;

/** @brief Defaults: coupled, alpha 0.05, nudge 0.1, asymmetry 0.5, theta = k. */
PLN_API void pln_rule_options_default(pln_rule_options *o);
/** @brief Check ranges. @return PLN_OK or PLN_EINVAL naming the key ("learning.nudge", ...). */
PLN_API pln_status pln_rule_options_check(pln_ctx *ctx, const pln_rule_options *o);

/* ================================================================== hardware (SPEC 3) */

typedef enum pln_spacing {
    PLN_SPACING_LINEAR = 0, /**< levels min + j (max - min)/(L - 1) */
    PLN_SPACING_LOG = 1,    /**< levels min (max/min)^(j/(L - 1)) */
    /** Levels evenly spaced in 1/theta (a resistance, ohms, for theta = G): the law of a
     *  digital potentiometer, whose taps are R_lo + j (R_hi - R_lo)/(L - 1) with R_lo = 1/max
     *  and R_hi = 1/min; levels 1/R_j, nearest level taken in resistance. */
    PLN_SPACING_RESISTANCE = 2
} pln_spacing;

/** Hardware constraints on the edges (SPEC 3). Every option is off by default. Applied per
 *  step in this order: measurement noise on each measured signal; the rule; averaging over
 *  the batch; sign-only updates; multiplicative update noise; desynchronous masking;
 *  theta += d theta; clipping to [min, max] (and to a positive floor); quantization. */
typedef struct pln_hardware {
    /** Clip theta to [min, max] after every update (theta units). Default false; even then
     *  theta never drops below PLN_THETA_FLOOR, so conductances stay positive. */
    bool clip;
    double min, max;      /**< bounds of clipping and of the quantization levels */
    pln_idx levels;       /**< quantize to L >= 2 levels between min and max; 0 = off */
    pln_spacing spacing;  /**< level spacing, default PLN_SPACING_LOG (bounds span decades) */
    /** A table of measured levels (n_table >= 2, strictly increasing, borrowed: it must
     *  outlive every trainer made with these options), in theta units for linear and log
     *  spacing, in 1/theta (ohms for conductances) for PLN_SPACING_RESISTANCE. With a table,
     *  levels must be 0: the table's values are the levels, its ends the bounds (min and max
     *  are ignored), and theta rounds to the nearest level in the spacing's coordinate
     *  (theta, log theta, or resistance). NULL and 0 by default. */
    const double *table;
    pln_idx n_table;
    /** Multiplicative update noise: d theta *= 1 + update_noise N(0,1); 0 = off. */
    double update_noise;
    /** Measurement noise: each signal s_e(x) read as s_e + signal_noise N(0,1) (signal
     *  units, V^2 for theta = k); 0 = off. */
    double signal_noise;
    /** Sign-only updates of fixed size (comparator hardware, Dillavou et al. 2022):
     *  d theta = sign_step * sign(d theta_rule). sign_step <= 0 with levels > 0 means "one
     *  quantization level" (move to the neighbouring level). Default false. */
    bool sign_updates;
    double sign_step;
    /** Desynchronous updates (Wycoff et al. 2022): each edge applies its update with this
     *  probability per step; 1 = every edge every step (default). */
    double desync;
    /** theta is a signed quantity (a gate voltage): min may be negative and no positive floor
     *  applies. Default false (conductances, radii, stiffnesses, lengths stay above
     *  PLN_THETA_FLOOR); the trainer sets it for hardware_gate. */
    bool signed_values;
} pln_hardware;

/** Lowest theta ever written, whatever the bounds (keeps the Laplacian positive definite). */
#define PLN_THETA_FLOOR 1e-12

/** @brief Defaults: everything off (clip false, min 1e-3, max 1e3, levels 0, log spacing,
 *  no noise, no sign updates of step 0.01, desync 1, unsigned): the defaults of an
 *  experiment file. */
PLN_API void pln_hardware_default(pln_hardware *hw);
/** @brief Check ranges. @return PLN_OK or PLN_EINVAL naming the key ("hardware.levels" ...). */
PLN_API pln_status pln_hardware_check(pln_ctx *ctx, const pln_hardware *hw);
/** @brief Number of quantization levels: n_table with a table, else levels (0: off). */
PLN_API pln_idx pln_hardware_n_levels(const pln_hardware *hw);
/** @brief Level j (0 <= j < pln_hardware_n_levels, ascending theta) in theta units. */
PLN_API double pln_hardware_level(const pln_hardware *hw, pln_idx j);
/** @brief Nearest quantization level to theta (identity when levels == 0); log spacing
 *  rounds in log theta, resistance spacing in 1/theta. */
PLN_API double pln_hardware_quantize(const pln_hardware *hw, double theta);
/** @brief Quantization step at theta (theta units): (max - min)/(L-1) for linear spacing,
 *  the gap from theta's level to the next one up otherwise; 0 when there are no levels. */
PLN_API double pln_hardware_step_at(const pln_hardware *hw, double theta);
/** @brief Apply the hardware pipeline to m edges, in place.
 *  @param[in]     theta_old  current theta (m)
 *  @param[in,out] dtheta     in: the rule's update; out: the update actually written
 *                            (theta_new - theta_old)
 *  @param[out]    theta_new  m values
 *  @param[in,out] rng        draws noise and desync masks (may be NULL when neither is on)
 *  Complexity O(m); allocates nothing. */
PLN_API void pln_hardware_apply(const pln_hardware *hw, pln_rng *rng, pln_idx m,
                                const double *theta_old, double *dtheta, double *theta_new);

/* ================================================================== one rule update */

/** Energies of one update, per SPEC 5 (states held one time unit each).
 *  Spring networks dissipate nothing at rest; their heat is that of switching. Each state
 *  other than the free one is reached quasi-statically from the free state x^F (the imposed
 *  displacements and strains do work equal to the rise of the potential energy
 *  Phi = E - f.u, and nothing is lost), then released at once, the network relaxing back to
 *  x^F: the heat is work in minus rise of stored energy over that cycle,
 *  Phi(x) - Phi(x^F) >= 0 (x^F minimises Phi under the same inputs and forces; the stored
 *  forces of the network are used). The free state itself costs 0. For springs power_free is
 *  0 and power_clamped the mean of that heat over the other states (J per step). */
typedef struct pln_rule_energy {
    /** sum over examples and physical states of the power sum_e k_e dp_e^2 (J), with a
     *  nonlinear element's exact V_e I_e(V_e) in place of k_e dp_e^2 */
    double joule;
    double power_free;    /**< free-state power, mean over the examples (W) */
    double power_clamped; /**< power of the other state(s) (clamped/nudged), mean (W) */
} pln_rule_energy;

/** @brief Workspace length (doubles) of pln_rule_update for nrhs examples:
 *  2 n_nodes nrhs + 2 n_out nrhs + 2 n_edges. */
PLN_API size_t pln_rule_work_size(const pln_states *st, pln_idx nrhs);

/** @brief The rule's update averaged over nrhs examples, before hardware effects other than
 *  measurement noise (SPEC 3).
 *  @param[in] st       factored states (borrowed); outputs define o
 *  @param[in] p_free   free states, n_nodes x nrhs column-major (from pln_states_free)
 *  @param[in] o_free   their outputs, n_out x nrhs
 *  @param[in] targets  T, n_out x nrhs
 *  @param[in] hw       may be NULL; only signal_noise is used here
 *  @param[in,out] rng  may be NULL unless hw->signal_noise > 0
 *  @param[out] dtheta  n_edges (2 n_edges with PLN_DOF_BOTH: stiffnesses, then rest
 *                      lengths): mean over examples of d theta. With PLN_DOF_BOTH the
 *                      measurement noise hw->signal_noise is added to both signals.
 *  @param[out] energy  may be NULL
 *  @param work         pln_rule_work_size(st, nrhs) doubles
 *  @return PLN_OK; PLN_EINVAL (options, or theta = r on a network that is not flow);
 *  PLN_ESINGULAR (negative nudge making I/beta + S singular).
 *  Complexity: 2 clamp/nudge calls, O(nrhs (n_out n_reduced + m)); allocates nothing. */
PLN_API pln_status pln_rule_update(pln_states *st, const pln_rule_options *ro, pln_idx nrhs,
                                   const double *p_free, const double *o_free,
                                   const double *targets, const pln_hardware *hw, pln_rng *rng,
                                   double *dtheta, pln_rule_energy *energy, double *work);

/* ================================================================== ledger (SPEC 5) */

/** Boltzmann's constant (J/K), exact since the 2019 SI. */
#define PLN_KB 1.380649e-23

/** The unit system of the ledger (SPEC 5). SI: the network's numbers are SI (resistor: V, S,
 *  A, W; flow: Pa, m^3/(Pa s), m^3/s, W; springs: m, N/m, N, J) and time is in seconds, so
 *  every energy is in joules and k_B T = PLN_KB x temperature. Reduced: the user states k_B T
 *  in the network's own energy unit; no term is in joules. */
typedef enum pln_unit_system {
    PLN_UNITS_SI = 0,     /**< SI (default) */
    PLN_UNITS_REDUCED = 1 /**< k_B T given in the network's energy unit */
} pln_unit_system;

typedef struct pln_energy_units {
    pln_unit_system system; /**< default PLN_UNITS_SI */
    double kT;    /**< reduced: k_B T in the network's energy unit (> 0), default 1 */
    /** Time each physical state of a contrastive step is held (time units: s in SI),
     *  default 1. The Joule heat of a resistor or flow state is its power times t_hold. */
    double t_hold;
} pln_energy_units;

/** @brief SI, kT 1 (used in reduced units only), t_hold 1. */
PLN_API void pln_energy_units_default(pln_energy_units *u);

/** Energy ledger: last step and cumulated totals, in the ledger's energy unit (J in SI, the
 *  network's energy unit in reduced units; divide by kT for k_B T). A plain struct so that
 *  it can be checkpointed by copy. */
typedef struct pln_ledger {
    double temperature;   /**< K, default 300 */
    double resolution;    /**< delta of the Landauer count when not quantized (theta units) */
    int64_t steps;        /**< steps recorded */
    double joule;         /**< last step: heat of the physical states (energy unit) */
    double bits;          /**< last step: bits written, sum_e log2(1 + |d theta_e|/delta) */
    double landauer;      /**< last step: k_B T ln 2 * bits (energy unit) */
    double power_free;    /**< last step: mean free-state power (energy unit per time unit) */
    double power_clamped; /**< last step: mean clamped/nudged power (energy unit per time unit) */
    double joule_total, bits_total, landauer_total;
    /** Memory dissipation (SPEC 5): rate sigma per edge (k_B T per time unit), < 0 or NaN
     *  when not modelled (then memory stays 0 and is reported as not modelled). */
    double memory_rate;
    pln_idx memory_edges; /**< edges carrying a memory */
    double time;          /**< last step: time it lasted (t_hold per contrastive step) */
    double memory;        /**< last step: sigma x edges x time x k_B T (energy unit) */
    double efficiency;    /**< last step: landauer / (joule + memory), 0 when nothing spent */
    double time_total, memory_total;
    double efficiency_total; /**< landauer_total / (joule_total + memory_total) */
    int64_t reduced;         /**< 1 in reduced units, 0 in SI (the energy unit: the joule) */
    double kT;               /**< k_B T in the energy unit (PLN_KB x temperature in SI) */
    double t_hold;           /**< time each contrastive state is held (time units) */
} pln_ledger;


/** @brief Zeroed ledger at temperature (K) and resolution (theta units). */
PLN_API void pln_ledger_init(pln_ledger *l, double temperature, double resolution);
/** @brief Bits written by updates dtheta (m) at resolution delta, or at each edge's
 *  quantization step when hw quantizes (then theta_old selects the step). */
PLN_API double pln_ledger_bits(const pln_hardware *hw, double resolution, pln_idx m,
                               const double *theta_old, const double *dtheta);
/** @brief Record one contrastive step: each physical state held for t_hold, so the heat is
 *  e->joule x t_hold when heat_is_power (resistor, flow: e->joule is a power), else e->joule
 *  (springs: e->joule is already an energy). */
PLN_API void pln_ledger_record(pln_ledger *l, const pln_rule_energy *e, double bits);
/** @brief As pln_ledger_record, saying whether e->joule is a power (resistor, flow networks,
 *  circuits) or an energy (springs). */
PLN_API void pln_ledger_record_heat(pln_ledger *l, const pln_rule_energy *e, double bits,
                                    bool heat_is_power);
/** @brief Set the unit system (after pln_ledger_init; SI by default). In SI the temperature
 *  sets k_B T; in reduced units u->kT does. */
PLN_API void pln_ledger_set_units(pln_ledger *l, const pln_energy_units *u);
/** @brief An energy of the ledger (its energy unit) in k_B T. */
PLN_API double pln_ledger_in_kT(const pln_ledger *l, double energy);
/** @brief Memory dissipation rate (k_B T per time unit per edge; < 0 or NaN: not modelled)
 *  and the number of edges with a memory. */
PLN_API void pln_ledger_set_memory(pln_ledger *l, double rate, pln_idx edges);
/** @brief Whether the memory term is modelled (a rate was set). */
PLN_API bool pln_ledger_memory_modelled(const pln_ledger *l);
/** @brief Record one step of a given duration (time units) with its Joule heat (J). */
PLN_API void pln_ledger_record_time(pln_ledger *l, double joule, double bits, double time);

/* ================================================================== tables (CSV) */

/** A CSV table with a header line: every cell kept as text, and as a number when it parses
 *  as one (else NaN). Plain struct; free with pln_table_destroy. */
typedef struct pln_table {
    pln_idx n_rows, n_cols;
    char **names;   /**< n_cols column names */
    char **text;    /**< n_rows x n_cols cells, row-major */
    double *values; /**< n_rows x n_cols numbers, row-major, NaN when not numeric */
} pln_table;

/** @brief Read a comma-separated file with a header line ('#' comment lines and blank lines
 *  skipped; surrounding double quotes stripped).
 *  @return PLN_OK, PLN_EIO (cannot open, naming the file), PLN_EPARSE ("file:line: ..."),
 *  PLN_ENOMEM. Complexity O(file size). */
PLN_API pln_status pln_table_read_csv(pln_ctx *ctx, const char *path, pln_table **out);
PLN_API void pln_table_destroy(pln_table *t);
/** @brief Index of a column by name, or -1. */
PLN_API pln_idx pln_table_column(const pln_table *t, const char *name);

/* ================================================================== tasks (SPEC 3) */

typedef enum pln_task_kind {
    PLN_TASK_ALLOSTERY = 0,
    PLN_TASK_REGRESSION = 1,
    PLN_TASK_CLASSIFICATION = 2,
    PLN_TASK_DATASET = 3
} pln_task_kind;

PLN_API const char *pln_task_kind_name(pln_task_kind kind);

/** Where an input value goes: the potential of a Dirichlet node (V) or the drop of an edge
 *  source (V). The network's boundary must already fix that node / edge.
 *  Spring networks (SPEC 1.2): PLN_IN_EDGE is the imposed strain of a source edge, and
 *  PLN_IN_NODE_X/Y/Z the imposed displacement (m) of a pinned node along one axis (its pin
 *  must hold that axis); PLN_IN_NODE is refused there (it names no axis). */
typedef enum pln_input_kind {
    PLN_IN_NODE = 0,
    PLN_IN_EDGE = 1,
    PLN_IN_NODE_X = 2,
    PLN_IN_NODE_Y = 3,
    PLN_IN_NODE_Z = 4
} pln_input_kind;
typedef struct pln_input {
    pln_input_kind kind;
    pln_idx index; /**< node or edge id */
} pln_input;

typedef enum pln_split { PLN_SPLIT_TRAIN = 0, PLN_SPLIT_TEST = 1 } pln_split;

/** A task: inputs and outputs of the network and the examples of a train and a test split
 *  (inputs in V, targets in output units). Opaque; the trainer borrows it. */
typedef struct pln_task pln_task;

/** @brief Allostery: one fixed example (inputs, targets); the test split is the same example.
 *  All arrays copied. @return PLN_OK, PLN_EINVAL, PLN_ENOMEM. */
PLN_API pln_status pln_task_allostery(pln_ctx *ctx, pln_idx n_in, const pln_input *inputs,
                                      const double *values, pln_idx n_out,
                                      const pln_output *outputs, const double *targets,
                                      pln_task **out);

typedef struct pln_regression_options {
    pln_idx n_train, n_test;          /**< examples, default 20 and 20 */
    double input_low, input_high;     /**< inputs uniform in [low, high] (V), default [0, 1] */
    /** The map W (n_out x n_in): entries uniform in [0, 1], each row scaled to sum to
     *  row_sum (default 0.5), so that a passive network can realise it (outputs are convex
     *  combinations of the fixed potentials). Targets T = W x. */
    double row_sum;
} pln_regression_options;
PLN_API void pln_regression_options_default(pln_regression_options *o);
/** @brief Regression: targets a fixed random linear map of random inputs; everything drawn
 *  from rng. @return PLN_OK, PLN_EINVAL naming the key, PLN_ENOMEM. */
PLN_API pln_status pln_task_regression(pln_ctx *ctx, pln_idx n_in, const pln_input *inputs,
                                       pln_idx n_out, const pln_output *outputs,
                                       const pln_regression_options *o, pln_rng *rng,
                                       pln_task **out);

typedef struct pln_data_options {
    double test_fraction;          /**< share of rows in the test split, default 0.3 */
    bool scale_inputs;             /**< min-max scale from the training rows, default true */
    double input_low, input_high;  /**< scaled range (V), default [0, 1] */
    /** Classification: the label column (default "species") and target levels (default 1
     *  for the true class and 0 for the others). */
    const char *label;
    double true_level, false_level;
    /** Feed each scaled input x also as its mirror (low + high - x), so n_in = 2 x columns,
     *  in the order x_1..x_c then mirrors. A passive network's outputs grow with every
     *  input potential; mirrors give it decreasing dependences too. Default false. */
    bool mirror_inputs;
    /** Append the square of each scaled input (after the inputs, before the mirrors), so
     *  n_in = 2 x columns (4 x with mirrors). Least squares on indicator targets is linear
     *  in the inputs and masks Iris' middle class (about 83% test accuracy); squares lift
     *  that to about 95%. Default false. */
    bool square_inputs;
    /** Input columns (NULL = every numeric column that is neither the label nor a target). */
    pln_idx n_input_columns;
    const char *const *input_columns;
    /** Dataset: the target columns (required). */
    pln_idx n_target_columns;
    const char *const *target_columns;
} pln_data_options;
PLN_API void pln_data_options_default(pln_data_options *o);

/** @brief Classification from a table: one output per class (classes sorted by name), the
 *  train/test split drawn from rng (stratification not attempted), inputs min-max scaled from
 *  the training rows. n_in must equal the number of input columns and n_out the number of
 *  classes. @return PLN_OK, PLN_EINVAL (naming the column or key), PLN_EDIM, PLN_ENOMEM. */
PLN_API pln_status pln_task_classification(pln_ctx *ctx, const pln_table *t, pln_idx n_in,
                                           const pln_input *inputs, pln_idx n_out,
                                           const pln_output *outputs, const pln_data_options *o,
                                           pln_rng *rng, pln_task **out);
/** @brief Any table of inputs and targets (target columns named in o). */
PLN_API pln_status pln_task_dataset(pln_ctx *ctx, const pln_table *t, pln_idx n_in,
                                    const pln_input *inputs, pln_idx n_out,
                                    const pln_output *outputs, const pln_data_options *o,
                                    pln_rng *rng, pln_task **out);
/** @brief A task from explicit arrays (row-major examples; copied). n_test may be 0. */
PLN_API pln_status pln_task_from_arrays(pln_ctx *ctx, pln_task_kind kind, pln_idx n_in,
                                        const pln_input *inputs, pln_idx n_out,
                                        const pln_output *outputs, pln_idx n_train,
                                        const double *x_train, const double *t_train,
                                        pln_idx n_test, const double *x_test,
                                        const double *t_test, pln_task **out);
PLN_API void pln_task_destroy(pln_task *task);

PLN_API pln_task_kind pln_task_get_kind(const pln_task *task);
PLN_API pln_idx pln_task_n_in(const pln_task *task);
PLN_API pln_idx pln_task_n_out(const pln_task *task);
PLN_API const pln_input *pln_task_inputs(const pln_task *task);
PLN_API const pln_output *pln_task_outputs(const pln_task *task);
PLN_API pln_idx pln_task_n_examples(const pln_task *task, pln_split split);
/** @brief View of example i's inputs (n_in values, V). */
PLN_API const double *pln_task_example_inputs(const pln_task *task, pln_split split, pln_idx i);
/** @brief View of example i's targets (n_out values). */
PLN_API const double *pln_task_example_targets(const pln_task *task, pln_split split,
                                               pln_idx i);
/** @brief Classification: class of example i (0..n_out-1), else -1. */
PLN_API pln_idx pln_task_example_label(const pln_task *task, pln_split split, pln_idx i);
/** @brief Classification and dataset: the row of the data file example i came from (1-based,
 *  the header not counted, as error messages count data rows); else -1. */
PLN_API pln_idx pln_task_example_row(const pln_task *task, pln_split split, pln_idx i);
/** @brief Classification: name of class c (view), else NULL. */
PLN_API const char *pln_task_class_name(const pln_task *task, pln_idx c);
/** @brief Class predicted from outputs o: the output closest to the true level; -1 when the
 *  task is not a classification. */
PLN_API pln_idx pln_task_predict(const pln_task *task, const double *o);

/* ================================================================== trainer */

typedef struct pln_trainer_options {
    pln_rule_options rule;
    pln_hardware hardware;
    /** With PLN_DOF_BOTH: the hardware of the rest-length half (its clip bounds in m, and
     *  its own levels, noise, sign steps and desync mask); `hardware` then applies to the
     *  stiffness half only, except that hardware.signal_noise is added to both signals.
     *  Ignored for the other dofs. Default pln_hardware_default. */
    pln_hardware hardware_rest_length;
    /** Networks with transistors (PLN_DOF_ELEMENT): the hardware of the gate voltages (clip
     *  bounds and levels in V, noise, sign steps, desync); `hardware` then applies to the
     *  resistors' conductances only, except that hardware.signal_noise is added to every
     *  signal. Default pln_hardware_default. */
    pln_hardware hardware_gate;
    pln_idx batch;       /**< examples per step (updates averaged), default 1 */
    uint64_t seed;       /**< seeds the trainer's generator (example draws, noise), default 1 */
    double temperature;  /**< K, default 300 (SPEC 5) */
    double resolution;   /**< Landauer delta without quantization (theta units), default 1e-3 */
    pln_energy_units units; /**< the ledger's unit system and hold time (SPEC 5) */
} pln_trainer_options;

/** @brief Defaults of every member (see each struct's default). */
PLN_API void pln_trainer_options_default(pln_trainer_options *o);

/** Metrics of one split. */
typedef struct pln_metrics {
    pln_idx n;        /**< examples evaluated */
    double loss;      /**< C = 1/2 sum (o - T)^2, mean over examples */
    double error;     /**< classification: 1 - accuracy; otherwise equal to loss */
    double accuracy;  /**< classification: fraction right; otherwise NaN */
} pln_metrics;

typedef struct pln_trainer pln_trainer;

/** @brief INITIALIZE: bind a network, its states and a task; seed the generator; factor.
 *  Spring networks: theta is the stiffness (PLN_DOF_CONDUCTANCE), the rest length
 *  (PLN_DOF_REST_LENGTH), or both (PLN_DOF_BOTH: 2 m values, stiffnesses then rest lengths,
 *  each half through its own hardware; the Landauer bits are summed over both halves at
 *  the one resolution, each half at its own quantization step when quantized); every state holds n_nodes x d positions; the free states of a step
 *  start from the free states of the previous step (kept by the trainer and checkpointed, so
 *  that a resumed run repeats the same Newton iterations bit for bit). The ledger's Joule
 *  term is the heat of switching between the free and the other states (pln_rule_energy).
 *  @param[in,out] net    borrowed; its conductances (or radii) are the trained theta
 *  @param[in,out] states borrowed; built on net with the task's outputs (same order) and
 *                        max_rhs >= batch
 *  @param[in] task       borrowed; must outlive the trainer
 *  @return PLN_OK; PLN_EINVAL naming the key (options) or the node/edge (an input that the
 *  boundary does not fix, an output mismatch, theta = r on a non-flow network); PLN_ENOMEM;
 *  PLN_ESINGULAR. Complexity: one factorization; O(m + n batch) memory. */
PLN_API pln_status pln_trainer_create(pln_ctx *ctx, pln_network *net, pln_states *states,
                                      const pln_task *task, const pln_trainer_options *opts,
                                      pln_trainer **out);
PLN_API void pln_trainer_destroy(pln_trainer *tr);

/** @brief ITERATE: one learning step: draw a batch, free states (one multi-RHS solve),
 *  clamped/nudged states from the free factor, the rule, hardware, write theta into the
 *  network, refactor, record the ledger. Allocates nothing.
 *  @return PLN_OK; PLN_ESINGULAR (refactor); PLN_EINVAL (network rejected theta). On error
 *  the step counter is not advanced. */
PLN_API pln_status pln_trainer_step(pln_trainer *tr);

/** @brief TEST: loss, error and accuracy over a split with the current theta (no learning,
 *  no random draws). */
PLN_API pln_status pln_trainer_evaluate(pln_trainer *tr, pln_split split, pln_metrics *m);
/** @brief Free-state outputs of every example of a split, n_out x n column-major. */
PLN_API pln_status pln_trainer_outputs(pln_trainer *tr, pln_split split, double *o);

PLN_API int64_t pln_trainer_steps(const pln_trainer *tr);
/** @brief View of theta (m values; k in S or r in m; 2 m with PLN_DOF_BOTH, k then l),
 *  valid until the next step or load. */
PLN_API const double *pln_trainer_theta(const pln_trainer *tr);
/** @brief Length of theta: m, or 2 m with PLN_DOF_BOTH. */
PLN_API pln_idx pln_trainer_n_theta(const pln_trainer *tr);
/** @brief Write theta (pln_trainer_n_theta values, in the units of pln_trainer_theta) into
 *  the network and refactor, as a step's update is written but without the hardware
 *  pipeline: the caller checks bounds. The step count, generator and ledger are unchanged.
 *  @return PLN_OK; PLN_EINVAL (the network refuses a value: not finite or not positive);
 *  PLN_ESINGULAR. Complexity: one factorization. */
PLN_API pln_status pln_trainer_set_theta(pln_trainer *tr, const double *theta);
/** @brief The last update written (theta_new - theta_old), m values (2 m with
 *  PLN_DOF_BOTH) (view). */
PLN_API const double *pln_trainer_last_update(const pln_trainer *tr);
/** @brief View of the ledger. */
PLN_API const pln_ledger *pln_trainer_ledger(const pln_trainer *tr);

/** @brief Bytes of a checkpoint: step, theta, generator state, ledger. */
PLN_API size_t pln_trainer_state_size(const pln_trainer *tr);
/** @brief Write the checkpoint into buf (size bytes >= pln_trainer_state_size). A run
 *  restored from it continues bit for bit. @return PLN_OK or PLN_EDIM. */
PLN_API pln_status pln_trainer_state_save(const pln_trainer *tr, void *buf, size_t size);
/** @brief Restore a checkpoint made by the same network size; writes theta into the network
 *  and refactors. @return PLN_OK; PLN_EINVAL (bad magic, other edge count or dof);
 *  PLN_EDIM (size); PLN_ESINGULAR. */
PLN_API pln_status pln_trainer_state_load(pln_trainer *tr, const void *buf, size_t size);

#ifdef __cplusplus
}
#endif

#include "pln_tcl.h"
#include "pln_learner.h"

#endif
