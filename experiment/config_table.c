/* config_table.c — the configuration keys, one row each (type, field, range, names, unit, doc), and the resolved configuration written from them. */
#include "config_impl.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

/* ------------------------------------------------------------------ enum names */

static const char *const kind_names[] = {"resistor", "flow", "spring", "spring_linear", NULL};
static const char *const generator_names[] = {"square_lattice", "triangular_lattice",
                                              "random_regular", "erdos_renyi",
                                              "random_geometric", NULL};
static const char *const format_names[] = {"auto", "graphml", "edgelist", "spice", NULL};
static const char *const weights_names[] = {"conductance", "resistance", NULL};
static const char *const init_names[] = {"constant", "uniform", "loguniform", "from_graph", NULL};
static const char *const task_names[] = {"allostery", "regression", "classification", "dataset",
                                         NULL};
static const char *const axis_names[] = {"x", "y", "z", NULL};
static const char *const learner_names[] = {"contrastive", "temporal", NULL};
static const char *const rule_names[] = {"coupled", "coupled_centered", "equilibrium",
                                         "equilibrium_centered", "dyadic", NULL};
/* "stiffness" is PLN_DOF_CONDUCTANCE on a spring network: a spring's k. */
static const char *const dof_names[] = {"conductance", "radius", "stiffness", "rest_length",
                                        "both", "element", NULL};
static const int dof_values[] = {PLN_DOF_CONDUCTANCE, PLN_DOF_RADIUS, PLN_DOF_CONDUCTANCE,
                                 PLN_DOF_REST_LENGTH, PLN_DOF_BOTH, PLN_DOF_ELEMENT};
/* In pln_element_kind's order. */
static const char *const element_names[] = {"resistor", "diode", "ideal_diode", "nmos", "table",
                                            NULL};
/* The gates' init: signed values, so no loguniform. */
static const char *const gate_init_names[] = {"constant", "uniform", "from_graph", NULL};
static const int gate_init_values[] = {PLN_INIT_CONSTANT, PLN_INIT_UNIFORM, PLN_INIT_FROM_GRAPH};
static const char *const spacing_names[] = {"log", "linear", "resistance", NULL};
static const int spacing_values[] = {PLN_SPACING_LOG, PLN_SPACING_LINEAR,
                                     PLN_SPACING_RESISTANCE};
static const char *const protocol_names[] = {"two_phase", "sawtooth", "triangle", "random_phases",
                                             NULL};
static const char *const memory_names[] = {"integral_feedback", "kernel", "markov_ladder", NULL};
static const char *const nonlin_names[] = {"threshold", "cubic", "linear", NULL};
static const char *const apply_names[] = {"step", "period", NULL};
static const char *const units_names[] = {"si", "reduced", NULL};
static const char *const phase_names[] = {"exponential", "gamma", "uniform", NULL};
/* In pln_refactor's order. */
static const char *const refactor_names[] = {"always", "pcg", "auto", NULL};

/* ------------------------------------------------------------------ the table */

#define F(field) offsetof(pln_experiment_desc, field)
#define SZ(field) (int)sizeof(((pln_experiment_desc *)0)->field)

/* Ranges: min, max, min_open, max_open (min = max = 0: none). */
#define POS .min = 0.0, .max = HUGE_VAL, .min_open = true
#define NONNEG .min = 0.0, .max = HUGE_VAL
#define ATLEAST(a) .min = (a), .max = HUGE_VAL

#define SPRINGS (1u << PLN_KIND_SPRING | 1u << PLN_KIND_SPRING_LINEAR)
#define LINEAR (1u << PLN_KIND_RESISTOR | 1u << PLN_KIND_FLOW)
#define FLOWNET (1u << PLN_KIND_FLOW)

static const char spring_only[] = "only a spring network (network.kind: spring or "
                                  "spring_linear) has springs";
static const char spring_boundary[] = "only a spring network (network.kind: spring or "
                                      "spring_linear) has pins, forces and edge strains";
static const char linear_boundary[] = "a spring network is held by pins, forces and edge_strains";

/* An edge parameter's block: init, value, low, high, min, max. */
#define EDGE_INIT(base, field, unit_, kinds_, refusal_, when_, init_doc)                     \
    {{.key = base, .type = PLN_KEY_SECTION, .kinds = kinds_, .refusal = refusal_,            \
      .flags = PLN_KEY_FLOW, .doc = "initial values and learning bounds"}, when_, W_NONE},    \
        {{.key = base ".init", .type = PLN_KEY_ENUM, .offset = F(field.init),                  \
          .int_size = SZ(field.init), .names = init_names, .default_doc = init_doc,            \
          .doc = "how each edge starts"}, when_, W_NONE},                                      \
        {{.key = base ".value", .type = PLN_KEY_REAL, .offset = F(field.value), POS,          \
          .unit = unit_, .doc = "constant init, and the value of edges a file leaves out"},  \
         when_, W_NONE},                                                                       \
        {{.key = base ".low", .type = PLN_KEY_REAL, .offset = F(field.low), POS,              \
          .unit = unit_, .doc = "lower end of uniform and loguniform draws"}, when_, W_NONE},  \
        {{.key = base ".high", .type = PLN_KEY_REAL, .offset = F(field.high), POS,            \
          .unit = unit_, .doc = "upper end of uniform and loguniform draws"}, when_, W_NONE},  \
        {{.key = base ".min", .type = PLN_KEY_REAL, .offset = F(field.min), POS,              \
          .unit = unit_, .doc = "lower bound that learning clips to"}, when_, W_NONE},        \
        {{.key = base ".max", .type = PLN_KEY_REAL, .offset = F(field.max), POS,              \
          .unit = unit_, .doc = "upper bound that learning clips to"}, when_, W_NONE}

/* A role: nodes, random, edges, values, axis (those the role has). */
#define ROLE_NODES(base, field)                                                              \
    {{.key = base ".nodes", .type = PLN_KEY_IDS, .offset = F(field.nodes),                    \
      .count_offset = F(field.n_nodes), .doc = "node ids"}, C_ALWAYS, W_NONE}
#define ROLE_EDGES(base, field)                                                              \
    {{.key = base ".edges", .type = PLN_KEY_IDS, .offset = F(field.edges),                    \
      .count_offset = F(field.n_edges), .doc = "edge ids"}, C_ALWAYS, W_NONE}
#define ROLE_RANDOM(base, field)                                                             \
    {{.key = base ".random", .type = PLN_KEY_INT, .offset = F(field.random),                  \
      .int_size = SZ(field.random), NONNEG,                                                   \
      .doc = "draw this many free nodes with the seed (0: none)"}, C_ALWAYS, W_NONE}
#define ROLE_VALUES(base, field, unit_, doc_)                                                \
    {{.key = base ".values", .type = PLN_KEY_REALS, .offset = F(field.values),                \
      .count_offset = F(field.n_values), .unit = unit_, .doc = doc_}, C_ALWAYS, W_NONE}
#define ROLE_AXIS(base, field)                                                               \
    {{.key = base ".axis", .type = PLN_KEY_ENUM, .offset = F(field.axis),                     \
      .int_size = SZ(field.axis), .names = axis_names, .kinds = SPRINGS,                     \
      .refusal = "only the nodes of a spring network have axes",                              \
      .doc = "springs: the axis of the nodes' displacements"}, C_ALWAYS, W_NONE}

/* The data keys of a table task, as `prefix`.key (alias rows point at task.key). */
#define DATA_KEYS(prefix, when_, flags_)                                                     \
    {{.key = prefix ".data", .type = PLN_KEY_PATH, .offset = F(task.data), .flags = flags_,  \
      .alias_of = "task.data", .doc = "classification, dataset: the CSV file"}, when_, W_NONE}, \
        {{.key = prefix ".label", .type = PLN_KEY_STRING, .offset = F(task.dataset.label),    \
          .flags = flags_, .alias_of = "task.label",                                          \
          .doc = "classification: the class column"}, when_, W_NONE},                         \
        {{.key = prefix ".test_fraction", .type = PLN_KEY_REAL,                               \
          .offset = F(task.dataset.test_fraction), .min = 0.0, .max = 1.0, .max_open = true,   \
          .flags = flags_, .alias_of = "task.test_fraction",                                  \
          .doc = "share of the rows held out for testing"}, when_, W_NONE},                   \
        {{.key = prefix ".true_level", .type = PLN_KEY_REAL,                                  \
          .offset = F(task.dataset.true_level), .flags = flags_,                              \
          .alias_of = "task.true_level", .unit = "output units",                              \
          .doc = "classification: target of the true class's output"}, when_, W_NONE},        \
        {{.key = prefix ".false_level", .type = PLN_KEY_REAL,                                 \
          .offset = F(task.dataset.false_level), .flags = flags_,                             \
          .alias_of = "task.false_level", .unit = "output units",                             \
          .doc = "classification: target of the other outputs"}, when_, W_NONE},              \
        {{.key = prefix ".square_inputs", .type = PLN_KEY_BOOL,                               \
          .offset = F(task.dataset.square_inputs), .flags = flags_,                           \
          .alias_of = "task.square_inputs",                                                   \
          .doc = "also feed the square of each scaled input"}, when_, W_NONE},                \
        {{.key = prefix ".mirror_inputs", .type = PLN_KEY_BOOL,                               \
          .offset = F(task.dataset.mirror_inputs), .flags = flags_,                           \
          .alias_of = "task.mirror_inputs",                                                   \
          .doc = "also feed each scaled input's mirror low + high - x"}, when_, W_NONE},       \
        {{.key = prefix ".input_columns", .type = PLN_KEY_STRINGS,                            \
          .offset = F(task.dataset.input_columns),                                            \
          .count_offset = F(task.dataset.n_input_columns), .flags = flags_,                  \
          .alias_of = "task.input_columns",                                                   \
          .doc = "the input columns (empty: every numeric column but label and targets)"},    \
         when_, W_NONE},                                                                       \
        {{.key = prefix ".target_columns", .type = PLN_KEY_STRINGS,                           \
          .offset = F(task.dataset.target_columns),                                           \
          .count_offset = F(task.dataset.n_target_columns), .flags = flags_,                 \
          .alias_of = "task.target_columns",                                                  \
          .doc = "dataset: the target columns, one per output"}, when_, W_NONE}

#define REGRESSION_KEYS(prefix, when_, flags_)                                               \
    {{.key = prefix ".n_examples", .type = PLN_KEY_INT, .offset = F(task.regression.n_train), \
      .int_size = SZ(task.regression.n_train), ATLEAST(1), .flags = flags_,                   \
      .alias_of = "task.n_examples", .doc = "regression: training examples"}, when_, W_NONE},  \
        {{.key = prefix ".test_examples", .type = PLN_KEY_INT,                                \
          .offset = F(task.regression.n_test), .int_size = SZ(task.regression.n_test),        \
          NONNEG, .flags = flags_, .alias_of = "task.test_examples",                          \
          .doc = "regression: test examples"}, when_, W_NONE},                                \
        {{.key = prefix ".input_range", .type = PLN_KEY_REAL_PAIR,                            \
          .offset = F(task.regression.input_low), .count_offset = F(task.regression.input_high), \
          .flags = flags_, .alias_of = "task.input_range", .unit = "V",                       \
          .doc = "regression: range [low, high] of the random inputs; classification, "     \
                 "dataset: the range each input column is scaled into"}, when_, W_NONE}

#define RESISTORS (1u << PLN_KIND_RESISTOR)
static const char elements_only[] = "only a resistor network (network.kind: resistor) has "
                                    "diodes, transistors and table elements";
/* Every key under network.elements names the kinds it belongs to (so --set refuses it too). */
#define ELEMENT_KEY .kinds = RESISTORS, .refusal = elements_only,
#define ANY_REAL .min = -HUGE_VAL, .max = HUGE_VAL /* finite, any sign */
#define EPARAM(name, range, unit_, doc_)                                                     \
    {{.key = "network.elements." #name, .type = PLN_KEY_REAL, ELEMENT_KEY                     \
      .offset = F(network.elements.values[PLN_EP_##name##_ID]), range, .unit = unit_,         \
      .doc = doc_}, C_ELEMENTS, W_NONE}
#define ELIST(kind_, id)                                                                     \
    {{.key = "network.elements.edges." kind_, .type = PLN_KEY_IDS, ELEMENT_KEY                \
      .offset = F(network.elements.edges[id]), .count_offset = F(network.elements.n_edges[id]), \
      .doc = "edge ids of kind " kind_}, C_ELEMENTS, W_NONE}
enum {
    PLN_EP_diode_is_ID = PLN_EP_IS,
    PLN_EP_diode_n_ID = PLN_EP_N,
    PLN_EP_diode_rs_ID = PLN_EP_RS,
    PLN_EP_g_on_ID = PLN_EP_G_ON,
    PLN_EP_g_off_ID = PLN_EP_G_OFF,
    PLN_EP_v_on_ID = PLN_EP_V_ON,
    PLN_EP_kp_ID = PLN_EP_KP,
    PLN_EP_vto_ID = PLN_EP_VTO,
    PLN_EP_lambda_ID = PLN_EP_LAMBDA
};

#define MEM(name, field, range, unit_, doc_)                                                 \
    {{.key = "protocol.memory." name, .type = PLN_KEY_REAL, .offset = F(temporal.memory.field), \
      range, .unit = unit_, .doc = doc_}, C_ALWAYS, W_NONE}

static const pln_i_key_row rows[] = {
    {{.key = "name", .type = PLN_KEY_STRING, .offset = F(name),
      .default_doc = "the file's name without extension",
      .doc = "run name; names the output folder runs/<name> (no /, not . or ..)"},
     C_ALWAYS, W_NONE},
    {{.key = "seed", .type = PLN_KEY_INT, .offset = F(seed), .int_size = SZ(seed), NONNEG,
      .doc = "one seed for everything random"}, C_ALWAYS, W_NONE},

    {{.key = "network", .type = PLN_KEY_SECTION, .doc = "the physics and the graph"},
     C_ALWAYS, W_NONE},
    {{.key = "network.kind", .type = PLN_KEY_ENUM, .offset = F(network.kind),
      .int_size = SZ(network.kind), .names = kind_names, .doc = "physics (SPEC 1)"},
     C_ALWAYS, W_NONE},
    {{.key = "network.viscosity", .type = PLN_KEY_REAL, .offset = F(network.viscosity), POS,
      .unit = "Pa s", .doc = "flow: fluid viscosity mu in k = pi r^4 / (8 mu l)"},
     C_ALWAYS, W_NONE},
    {{.key = "network.graph", .type = PLN_KEY_SECTION, .doc = "a generator or a file"},
     C_ALWAYS, W_NONE},
    {{.key = "network.graph.generator", .type = PLN_KEY_ENUM, .offset = F(network.graph.generator),
      .int_size = SZ(network.graph.generator), .names = generator_names,
      .flags = PLN_KEY_GENERATOR, .doc = "which graph"}, C_GEN, W_NONE},
    {{.key = "network.graph.size", .type = PLN_KEY_INT_PAIR, .offset = F(network.graph.size),
      ATLEAST(1), .flags = PLN_KEY_GENERATOR,
      .doc = "lattices: nodes along x and y; node (x, y) has id y nx + x"}, C_GEN, W_NONE},
    {{.key = "network.graph.periodic", .type = PLN_KEY_BOOL, .offset = F(network.graph.periodic),
      .flags = PLN_KEY_GENERATOR, .doc = "lattices: wrap both directions"}, C_GEN, W_NONE},
    {{.key = "network.graph.n", .type = PLN_KEY_INT, .offset = F(network.graph.n),
      .int_size = SZ(network.graph.n), ATLEAST(2), .flags = PLN_KEY_GENERATOR,
      .doc = "random graphs: nodes"}, C_GEN, W_NONE},
    {{.key = "network.graph.degree", .type = PLN_KEY_INT, .offset = F(network.graph.degree),
      .int_size = SZ(network.graph.degree), ATLEAST(1), .flags = PLN_KEY_GENERATOR,
      .doc = "random_regular: degree of every node (n degree even, degree < n)"}, C_GEN, W_NONE},
    {{.key = "network.graph.mean_degree", .type = PLN_KEY_REAL,
      .offset = F(network.graph.mean_degree), POS, .flags = PLN_KEY_GENERATOR,
      .doc = "erdos_renyi: expected degree, p = mean_degree / (n - 1)"}, C_GEN, W_NONE},
    {{.key = "network.graph.radius", .type = PLN_KEY_REAL, .offset = F(network.graph.radius), POS,
      .flags = PLN_KEY_GENERATOR, .doc = "random_geometric: connection radius in the unit square"},
     C_GEN, W_NONE},
    {{.key = "network.graph.file", .type = PLN_KEY_PATH, .offset = F(network.graph.file),
      .flags = PLN_KEY_GRAPH_FILE, .default_doc = "none (a generator)",
      .doc = "a GraphML, edge-list or SPICE file"}, C_FILE, W_NONE},
    {{.key = "network.graph.format", .type = PLN_KEY_ENUM, .offset = F(network.graph.format),
      .int_size = SZ(network.graph.format), .names = format_names, .flags = PLN_KEY_GRAPH_FILE,
      .doc = "the file's format (auto: by its extension)"}, C_FILE, W_NONE},
    {{.key = "network.graph.weights", .type = PLN_KEY_ENUM, .offset = F(network.graph.weights),
      .int_size = SZ(network.graph.weights), .names = weights_names, .flags = PLN_KEY_GRAPH_FILE,
      .doc = "how an edge list's value column is read (S or ohm)"}, C_FILE, W_NONE},
    {{.key = "network.edges", .type = PLN_KEY_SECTION, .doc = "the edges' initial values"},
     C_ALWAYS, W_NONE},
    EDGE_INIT("network.edges.conductance", network.conductance, "S (flow: m^3/(Pa s))", LINEAR,
              "a spring network's edges are springs (network.edges.stiffness)", C_NOT_SPRING,
              "constant (from_graph for a graph file)"),
    EDGE_INIT("network.edges.radius", network.radius, "m", FLOWNET,
              "only a flow network has pipe radii", C_RADIUS,
              "constant when the block is given; else no radius is drawn"),
    EDGE_INIT("network.edges.stiffness", network.stiffness, "N/m", SPRINGS, spring_only,
              C_SPRING, "constant (from_graph for a graph file)"),
    EDGE_INIT("network.edges.rest_length", network.rest_length, "m", SPRINGS, spring_only,
              C_REST_LENGTH,
              "constant when the block is given; else the lengths at the positions"),
    {{.key = "network.newton_tol", .type = PLN_KEY_REAL, .offset = F(network.newton_tol),
      .min = 0.0, .max = 1e-2, .min_open = true,
      .doc = "springs: Newton's tolerance (net force / (k_max L_mean), imposed values)"},
     C_SPRING, W_NONE},
    {{.key = "network.newton_max_iter", .type = PLN_KEY_INT, .offset = F(network.newton_max_iter),
      .int_size = SZ(network.newton_max_iter), ATLEAST(1),
      .doc = "springs: Newton iterations per solve"}, C_SPRING, W_NONE},
    {{.key = "network.elements", .type = PLN_KEY_SECTION, .kinds = RESISTORS,
      .refusal = elements_only,
      .doc = "resistor networks: diodes, transistors and I(V) tables on edges (SPEC 1.3)"},
     C_ELEMENTS, W_NONE},
    {{.key = "network.elements.kind", .type = PLN_KEY_ENUM, ELEMENT_KEY .offset = F(network.elements.kind),
      .int_size = SZ(network.elements.kind), .names = element_names,
      .doc = "kind of the edges neither listed in edges nor typed by the graph file"},
     C_ELEMENTS, W_NONE},
    {{.key = "network.elements.edges", .type = PLN_KEY_SECTION, ELEMENT_KEY .flags = PLN_KEY_FLOW,
      .doc = "edges of each kind (before the graph file's element attribute)"},
     C_ELEMENTS, W_NONE},
    ELIST("resistor", PLN_ELEM_RESISTOR),
    ELIST("diode", PLN_ELEM_DIODE),
    ELIST("ideal_diode", PLN_ELEM_IDEAL_DIODE),
    ELIST("nmos", PLN_ELEM_NMOS),
    ELIST("table", PLN_ELEM_TABLE),
    EPARAM(diode_is, POS, "A", "diode: saturation current I_s (SPICE IS)"),
    EPARAM(diode_n, POS, "1", "diode: emission coefficient n (SPICE N)"),
    EPARAM(diode_rs, NONNEG, "ohm", "diode: series resistance R_s (SPICE RS)"),
    EPARAM(g_on, POS, "S", "ideal diode: forward conductance (the ideal limit: large)"),
    EPARAM(g_off, NONNEG, "S", "ideal diode: reverse conductance (the ideal limit: 0)"),
    EPARAM(v_on, NONNEG, "V", "ideal diode: threshold drop"),
    EPARAM(kp, POS, "A/V^2", "nmos: transconductance K' W/L (SPICE KP)"),
    EPARAM(vto, ANY_REAL, "V", "nmos: threshold voltage V_th (SPICE VTO)"),
    EPARAM(lambda, NONNEG, "1/V", "nmos: channel-length modulation (SPICE LAMBDA)"),
    {{.key = "network.elements.gate", .type = PLN_KEY_SECTION, ELEMENT_KEY .flags = PLN_KEY_FLOW,
      .doc = "nmos: gate voltages above the source (learned with learning.dof: element)"},
     C_ELEMENTS, W_NONE},
    {{.key = "network.elements.gate.init", .type = PLN_KEY_ENUM, ELEMENT_KEY
      .offset = F(network.elements.gate.init), .int_size = SZ(network.elements.gate.init),
      .names = gate_init_names, .values = gate_init_values,
      .default_doc = "constant (from_graph for a graph file)", .doc = "how each gate starts"},
     C_ELEMENTS, W_NONE},
    {{.key = "network.elements.gate.value", .type = PLN_KEY_REAL, ELEMENT_KEY
      .offset = F(network.elements.gate.value), ANY_REAL, .unit = "V",
      .doc = "constant init, and the gate of transistors a file leaves without one"},
     C_ELEMENTS, W_NONE},
    {{.key = "network.elements.gate.low", .type = PLN_KEY_REAL, ELEMENT_KEY
      .offset = F(network.elements.gate.low), ANY_REAL, .unit = "V",
      .doc = "lower end of uniform draws"}, C_ELEMENTS, W_NONE},
    {{.key = "network.elements.gate.high", .type = PLN_KEY_REAL, ELEMENT_KEY
      .offset = F(network.elements.gate.high), ANY_REAL, .unit = "V",
      .doc = "upper end of uniform draws"}, C_ELEMENTS, W_NONE},
    {{.key = "network.elements.gate.min", .type = PLN_KEY_REAL, ELEMENT_KEY
      .offset = F(network.elements.gate.min), ANY_REAL, .unit = "V",
      .doc = "lower bound that learning clips gates to"}, C_ELEMENTS, W_NONE},
    {{.key = "network.elements.gate.max", .type = PLN_KEY_REAL, ELEMENT_KEY
      .offset = F(network.elements.gate.max), ANY_REAL, .unit = "V",
      .doc = "upper bound that learning clips gates to"}, C_ELEMENTS, W_NONE},
    {{.key = "network.elements.gate_drop_squared", .type = PLN_KEY_BOOL, ELEMENT_KEY
      .offset = F(network.elements.gate_drop_squared),
      .doc = "gate signal K' dV^2 (Dillavou et al.) instead of the exact 2 dC/d gate"},
     C_ELEMENTS, W_NONE},
    {{.key = "network.elements.iv", .type = PLN_KEY_SECTION, ELEMENT_KEY .flags = PLN_KEY_FLOW,
      .doc = "table elements: the measured I(V) curve (monotone cubic between the points)"},
     C_ELEMENTS, W_NONE},
    {{.key = "network.elements.iv.v", .type = PLN_KEY_REALS, ELEMENT_KEY .offset = F(network.elements.table_v),
      .count_offset = F(network.elements.n_table_v), .unit = "V",
      .doc = "voltages, strictly increasing, one of them 0"}, C_ELEMENTS, W_NONE},
    {{.key = "network.elements.iv.i", .type = PLN_KEY_REALS, ELEMENT_KEY .offset = F(network.elements.table_i),
      .count_offset = F(network.elements.n_table_i), .unit = "A",
      .doc = "currents, nondecreasing, 0 at 0 V"}, C_ELEMENTS, W_NONE},
    {{.key = "network.elements.temperature", .type = PLN_KEY_REAL, ELEMENT_KEY
      .offset = F(network.elements.temperature), POS, .unit = "K",
      .doc = "device temperature of the diodes' V_T = k_B T / q"}, C_ELEMENTS, W_NONE},
    {{.key = "network.elements.gmin", .type = PLN_KEY_REAL, ELEMENT_KEY .offset = F(network.elements.gmin),
      NONNEG, .unit = "S",
      .doc = "conductance across every nonlinear element (SPICE GMIN)"}, C_ELEMENTS, W_NONE},

    {{.key = "boundary", .type = PLN_KEY_SECTION, .doc = "what every state applies"},
     C_ALWAYS, W_NONE},
    {{.key = "boundary.ground", .type = PLN_KEY_IDS, .offset = F(boundary.ground),
      .count_offset = F(boundary.n_ground), .kinds = LINEAR,
      .refusal = "a spring network has no ground; pin nodes with boundary.pins",
      .default_doc = "[0] (none when a SPICE netlist fixes potentials)",
      .doc = "nodes held at 0 V"}, C_NOT_SPRING, W_GROUND},
    {{.key = "boundary.potentials", .type = PLN_KEY_SECTION, .flags = PLN_KEY_FLOW,
      .kinds = LINEAR, .refusal = linear_boundary, .doc = "nodes at fixed potentials"},
     C_NOT_SPRING, W_ROLE_VALUES},
    ROLE_NODES("boundary.potentials", boundary.potentials),
    ROLE_VALUES("boundary.potentials", boundary.potentials, "V", "their potentials"),
    {{.key = "boundary.currents", .type = PLN_KEY_SECTION, .flags = PLN_KEY_FLOW, .kinds = LINEAR,
      .refusal = linear_boundary, .doc = "currents injected into nodes"},
     C_NOT_SPRING, W_ROLE_VALUES},
    ROLE_NODES("boundary.currents", boundary.currents),
    ROLE_VALUES("boundary.currents", boundary.currents, "A", "the currents into each node"),
    {{.key = "boundary.edge_sources", .type = PLN_KEY_SECTION, .flags = PLN_KEY_FLOW,
      .kinds = LINEAR, .refusal = linear_boundary, .doc = "edges with a fixed drop"},
     C_NOT_SPRING, W_ROLE_EDGES},
    ROLE_EDGES("boundary.edge_sources", boundary.edge_sources),
    ROLE_VALUES("boundary.edge_sources", boundary.edge_sources, "V", "the drops p_tail - p_head"),
    {{.key = "boundary.pins", .type = PLN_KEY_SECTION, .flags = PLN_KEY_FLOW, .kinds = SPRINGS,
      .refusal = spring_boundary, .doc = "springs: pinned nodes"}, C_SPRING, W_PINS},
    {{.key = "boundary.pins.nodes", .type = PLN_KEY_IDS, .offset = F(boundary.pins),
      .count_offset = F(boundary.n_pins), .doc = "node ids"}, C_ALWAYS, W_NONE},
    {{.key = "boundary.pins.displacements", .type = PLN_KEY_VECTORS,
      .offset = F(boundary.pin_displacements), .count_offset = F(boundary.n_pin_displacements),
      .dim_offset = F(boundary.pin_dim), .unit = "m",
      .doc = "each pin's displacement from its position (absent: 0)"}, C_ALWAYS, W_NONE},
    {{.key = "boundary.pins.axes", .type = PLN_KEY_AXES, .offset = F(boundary.pin_axes),
      .count_offset = F(boundary.n_pin_axes),
      .doc = "the axes each pin holds, such as xy or x (absent: every axis)"}, C_ALWAYS, W_NONE},
    {{.key = "boundary.forces", .type = PLN_KEY_SECTION, .flags = PLN_KEY_FLOW, .kinds = SPRINGS,
      .refusal = spring_boundary, .doc = "springs: applied forces"}, C_SPRING, W_FORCES},
    {{.key = "boundary.forces.nodes", .type = PLN_KEY_IDS, .offset = F(boundary.force_nodes),
      .count_offset = F(boundary.n_forces), .doc = "node ids"}, C_ALWAYS, W_NONE},
    {{.key = "boundary.forces.values", .type = PLN_KEY_VECTORS, .offset = F(boundary.forces),
      .count_offset = F(boundary.n_force_values), .dim_offset = F(boundary.force_dim),
      .unit = "N", .doc = "one force vector per node"}, C_ALWAYS, W_NONE},
    {{.key = "boundary.edge_strains", .type = PLN_KEY_SECTION, .flags = PLN_KEY_FLOW,
      .kinds = SPRINGS, .refusal = spring_boundary, .doc = "springs: edges with imposed strains"},
     C_SPRING, W_ROLE_EDGES},
    ROLE_EDGES("boundary.edge_strains", boundary.edge_strains),
    ROLE_VALUES("boundary.edge_strains", boundary.edge_strains, "1", "strains (r - L0) / L0"),

    {{.key = "task", .type = PLN_KEY_SECTION, .doc = "what the network learns"}, C_ALWAYS, W_NONE},
    {{.key = "task.kind", .type = PLN_KEY_ENUM, .offset = F(task.kind), .int_size = SZ(task.kind),
      .names = task_names, .doc = "what the network learns (SPEC 3)"}, C_ALWAYS, W_NONE},
    {{.key = "task.inputs", .type = PLN_KEY_SECTION, .flags = PLN_KEY_FLOW,
      .doc = "source nodes or edges"}, C_ALWAYS, W_ROLE_INPUTS},
    ROLE_NODES("task.inputs", task.inputs),
    ROLE_RANDOM("task.inputs", task.inputs),
    ROLE_EDGES("task.inputs", task.inputs),
    ROLE_VALUES("task.inputs", task.inputs, "V", "allostery: the inputs' values (V; springs: m or strain)"),
    ROLE_AXIS("task.inputs", task.inputs),
    {{.key = "task.outputs", .type = PLN_KEY_SECTION, .flags = PLN_KEY_FLOW,
      .doc = "output nodes or edges"}, C_ALWAYS, W_ROLE_OUTPUTS},
    ROLE_NODES("task.outputs", task.outputs),
    ROLE_RANDOM("task.outputs", task.outputs),
    ROLE_EDGES("task.outputs", task.outputs),
    ROLE_AXIS("task.outputs", task.outputs),
    {{.key = "task.targets", .type = PLN_KEY_REALS, .offset = F(task.targets),
      .count_offset = F(task.n_targets), .unit = "output units",
      .doc = "allostery: one desired output per output"}, C_ALWAYS, W_NONE},
    REGRESSION_KEYS("task", C_ALWAYS, 0),
    DATA_KEYS("task", C_ALWAYS, 0),
    {{.key = "task.classification", .type = PLN_KEY_SECTION, .flags = PLN_KEY_ALIAS,
      .alias_of = "task", .doc = "the data keys nested under the kind"}, C_NEVER, W_NONE},
    DATA_KEYS("task.classification", C_NEVER, PLN_KEY_ALIAS),
    {{.key = "task.dataset", .type = PLN_KEY_SECTION, .flags = PLN_KEY_ALIAS, .alias_of = "task",
      .doc = "the data keys nested under the kind"}, C_NEVER, W_NONE},
    DATA_KEYS("task.dataset", C_NEVER, PLN_KEY_ALIAS),
    {{.key = "task.regression", .type = PLN_KEY_SECTION, .flags = PLN_KEY_ALIAS,
      .alias_of = "task", .doc = "the regression keys nested under the kind"}, C_NEVER, W_NONE},
    REGRESSION_KEYS("task.regression", C_NEVER, PLN_KEY_ALIAS),

    {{.key = "learning", .type = PLN_KEY_SECTION, .doc = "the learner and its rule"},
     C_ALWAYS, W_NONE},
    {{.key = "learning.learner", .type = PLN_KEY_ENUM, .offset = F(learning.learner),
      .int_size = SZ(learning.learner), .names = learner_names,
      .doc = "contrastive (SPEC 3) or temporal contrastive learning (SPEC 4)"}, C_ALWAYS, W_NONE},
    {{.key = "learning.rule", .type = PLN_KEY_ENUM, .offset = F(learning.rule.rule),
      .int_size = SZ(learning.rule.rule), .names = rule_names,
      .doc = "the contrastive learner's rule (SPEC 3)"}, C_ALWAYS, W_NONE},
    {{.key = "learning.rate", .type = PLN_KEY_REAL, .offset = F(learning.rule.rate), NONNEG,
      .unit = "theta per signal",
      .doc = "learning rate alpha (0 learns nothing: a control)"}, C_ALWAYS, W_NONE},
    {{.key = "learning.rate_rest_length", .type = PLN_KEY_REAL,
      .offset = F(learning.rule.rate_rest_length), NONNEG, .unit = "m per N",
      .default_doc = "0 (learning.rate)",
      .doc = "dof both: the rest lengths' alpha"}, C_BOTH_RATE, W_NONE},
    {{.key = "learning.nudge", .type = PLN_KEY_REAL, .offset = F(learning.rule.nudge),
      .doc = "eta in (0, 1] for coupled rules and temporal learning, beta > 0 for the others"},
     C_ALWAYS, W_NONE},
    {{.key = "learning.asymmetry", .type = PLN_KEY_REAL, .offset = F(learning.rule.asymmetry),
      .min = 0.0, .max = 1.0, .doc = "dyadic: a (0 one-sided, 1/2 centred, 1 negative nudge)"},
     C_ALWAYS, W_NONE},
    {{.key = "learning.dof", .type = PLN_KEY_ENUM, .offset = F(learning.rule.dof),
      .int_size = SZ(learning.rule.dof), .names = dof_names, .values = dof_values,
      .default_doc = "conductance (stiffness for springs)",
      .doc = "the learning degree of freedom theta"}, C_ALWAYS, W_DOF},
    {{.key = "learning.hardware", .type = PLN_KEY_SECTION, .doc = "constraints of the hardware"},
     C_ALWAYS, W_NONE},
    {{.key = "learning.hardware.levels", .type = PLN_KEY_INT, .offset = F(learning.hardware.levels),
      .int_size = SZ(learning.hardware.levels),
      .doc = "quantize theta to this many levels between its bounds (0: continuous, else >= 2)"},
     C_ALWAYS, W_NONE},
    {{.key = "learning.hardware.spacing", .type = PLN_KEY_ENUM,
      .offset = F(learning.hardware.spacing), .int_size = SZ(learning.hardware.spacing),
      .names = spacing_names, .values = spacing_values,
      .doc = "the levels are evenly spaced in theta (linear), in log theta (log), or in 1/theta "
             "(resistance: ohms for conductances, a digital potentiometer)"},
     C_ALWAYS, W_NONE},
    {{.key = "learning.hardware.table", .type = PLN_KEY_REALS,
      .offset = F(learning.hardware.table), .count_offset = F(learning.hardware.n_table),
      .unit = "theta units; ohms with spacing: resistance",
      .doc = "measured levels, strictly increasing (instead of levels; its ends are the "
             "bounds; theta rounds to the nearest in the spacing's coordinate)"},
     C_ALWAYS, W_NONE},
    {{.key = "learning.hardware.update_noise", .type = PLN_KEY_REAL,
      .offset = F(learning.hardware.update_noise), NONNEG,
      .doc = "multiplicative noise on every update"}, C_ALWAYS, W_NONE},
    {{.key = "learning.hardware.measurement_noise", .type = PLN_KEY_REAL,
      .offset = F(learning.hardware.signal_noise), NONNEG, .unit = "signal units",
      .doc = "noise added to each measured signal"}, C_ALWAYS, W_NONE},
    {{.key = "learning.hardware.sign_updates", .type = PLN_KEY_BOOL,
      .offset = F(learning.hardware.sign_updates),
      .doc = "sign-only updates of fixed size (comparator hardware)"}, C_ALWAYS, W_NONE},
    {{.key = "learning.hardware.sign_step", .type = PLN_KEY_REAL,
      .offset = F(learning.hardware.sign_step), NONNEG, .unit = "theta units",
      .doc = "size of a sign update (0: one quantization level)"}, C_ALWAYS, W_NONE},
    {{.key = "learning.hardware.desync", .type = PLN_KEY_REAL, .offset = F(learning.hardware.desync),
      .min = 0.0, .max = 1.0, .min_open = true,
      .doc = "probability that an edge updates in a step"}, C_ALWAYS, W_NONE},
    {{.key = "learning.hardware.gate_sign_step", .type = PLN_KEY_REAL,
      .offset = F(learning.gate_sign_step), NONNEG, .unit = "V",
      .doc = "dof element: a gate's sign update (0: one quantization level)"},
     C_GATES, W_NONE},

    {{.key = "protocol", .type = PLN_KEY_SECTION,
      .doc = "temporal learning (SPEC 4); learning.learner temporal only"},
     C_TEMPORAL, W_NONE},
    {{.key = "protocol.kind", .type = PLN_KEY_ENUM, .offset = F(temporal.protocol.kind),
      .int_size = SZ(temporal.protocol.kind), .names = protocol_names,
      .doc = "time course of the nudge"}, C_ALWAYS, W_NONE},
    {{.key = "protocol.dt", .type = PLN_KEY_REAL, .offset = F(temporal.protocol.dt), POS,
      .unit = "time units",
      .doc = "time step (a period, or a mean random phase, of more than 1e8 steps is refused)"},
     C_ALWAYS, W_NONE},
    {{.key = "protocol.tau_fast", .type = PLN_KEY_REAL, .offset = F(temporal.protocol.tau_fast),
      POS, .unit = "time units", .doc = "rise time of a period"}, C_ALWAYS, W_NONE},
    {{.key = "protocol.tau_slow", .type = PLN_KEY_REAL, .offset = F(temporal.protocol.tau_slow),
      POS, .unit = "time units", .doc = "fall time of a period"}, C_ALWAYS, W_NONE},
    {{.key = "protocol.amplitude", .type = PLN_KEY_REAL, .offset = F(temporal.amplitude), POS,
      .doc = "peak nudge in units of learning.nudge"}, C_ALWAYS, W_NONE},
    {{.key = "protocol.reverse", .type = PLN_KEY_BOOL, .offset = F(temporal.protocol.reverse),
      .doc = "slow rise, fast fall (and the update's sign flipped)"}, C_ALWAYS, W_NONE},
    {{.key = "protocol.memory", .type = PLN_KEY_SECTION, .flags = PLN_KEY_FLOW,
      .doc = "the edges' memory"}, C_ALWAYS, W_NONE},
    {{.key = "protocol.memory.kind", .type = PLN_KEY_ENUM, .offset = F(temporal.memory.kind),
      .int_size = SZ(temporal.memory.kind), .names = memory_names, .doc = "which memory"},
     C_ALWAYS, W_NONE},
    MEM("tau", tau, POS, "time units", "memory time constant (markov_ladder: its rates' unit)"),
    MEM("leak", leak, NONNEG, "1/time unit", "imperfect adaptation lambda"),
    MEM("B", B, POS, "1/time unit", "kernel: rate B (kernel time 1/B)"),
    MEM("I", I, NONNEG, "", "kernel: area I (imperfect adaptation when > 0)"),
    {{.key = "protocol.memory.gamma", .type = PLN_KEY_REAL, .offset = F(temporal.memory.gamma),
      .min = 0.0, .max = 1.0, .min_open = true,
      .doc = "markov_ladder: drive gamma (1: detailed balance)"}, C_ALWAYS, W_NONE},
    MEM("R", R, POS, "", "markov_ladder: rate factor between the active and inactive rows"),
    MEM("s0", s0, POS, "signal units", "markov_ladder: the signal step whose response is the kernel"),
    MEM("sigma_signal", sigma_signal, NONNEG, "signal units",
        "markov_ladder: signal at which the ledger's dissipation sigma is evaluated "
        "(0: Falk et al.'s convention)"),
    MEM("window", window, NONNEG, "time units",
        "markov_ladder: convolution window (0: 40 tau); at most 1e7 samples over all edges "
        "(or 1e5 steps)"),
    {{.key = "protocol.memory.dissipation", .type = PLN_KEY_REAL,
      .offset = F(temporal.memory.dissipation), .unit = "k_B T per time unit per edge",
      .doc = "integral_feedback, kernel: dissipation set by hand (< 0: not modelled)"},
     C_ALWAYS, W_NONE},
    {{.key = "protocol.nonlinearity", .type = PLN_KEY_SECTION, .flags = PLN_KEY_FLOW,
      .doc = "g(u)"}, C_ALWAYS, W_NONE},
    {{.key = "protocol.nonlinearity.kind", .type = PLN_KEY_ENUM,
      .offset = F(temporal.nonlinearity.kind), .int_size = SZ(temporal.nonlinearity.kind),
      .names = nonlin_names, .doc = "the shape of g"}, C_ALWAYS, W_NONE},
    {{.key = "protocol.nonlinearity.theta", .type = PLN_KEY_REAL,
      .offset = F(temporal.nonlinearity.theta), NONNEG, .unit = "signal units",
      .doc = "threshold, or scale, of g"}, C_ALWAYS, W_NONE},
    {{.key = "protocol.apply", .type = PLN_KEY_ENUM, .offset = F(temporal.apply),
      .int_size = SZ(temporal.apply), .names = apply_names,
      .doc = "write theta every time step or once per period"}, C_ALWAYS, W_NONE},
    {{.key = "protocol.refresh", .type = PLN_KEY_INT, .offset = F(temporal.refresh),
      .int_size = SZ(temporal.refresh), ATLEAST(1),
      .doc = "apply step: re-solve the state every refresh steps"}, C_ALWAYS, W_NONE},
    {{.key = "protocol.p_clamped", .type = PLN_KEY_REAL, .offset = F(temporal.protocol.p_clamped),
      .min = 0.0, .max = 1.0, .min_open = true, .max_open = true,
      .doc = "random_phases: probability that a phase is clamped"}, C_ALWAYS, W_NONE},
    {{.key = "protocol.mean_clamped", .type = PLN_KEY_REAL,
      .offset = F(temporal.protocol.mean_clamped), POS, .unit = "time units",
      .doc = "random_phases: mean duration of a clamped phase"}, C_ALWAYS, W_NONE},
    {{.key = "protocol.mean_free", .type = PLN_KEY_REAL, .offset = F(temporal.protocol.mean_free),
      POS, .unit = "time units", .doc = "random_phases: mean duration of a free phase"},
     C_ALWAYS, W_NONE},
    {{.key = "protocol.phase_distribution", .type = PLN_KEY_ENUM,
      .offset = F(temporal.protocol.dist), .int_size = SZ(temporal.protocol.dist),
      .names = phase_names, .doc = "random_phases: law of the durations"}, C_ALWAYS, W_NONE},
    {{.key = "protocol.phase_shape", .type = PLN_KEY_REAL,
      .offset = F(temporal.protocol.phase_shape), POS,
      .doc = "random_phases: shape of the gamma law"}, C_ALWAYS, W_NONE},

    {{.key = "energy", .type = PLN_KEY_SECTION, .doc = "the ledger (SPEC 5)"}, C_ALWAYS, W_NONE},
    {{.key = "energy.temperature", .type = PLN_KEY_REAL, .offset = F(temperature), POS,
      .unit = "K", .doc = "temperature T of the k_B T terms"}, C_ALWAYS, W_NONE},
    {{.key = "energy.resolution", .type = PLN_KEY_REAL, .offset = F(resolution), POS,
      .unit = "theta units", .doc = "write resolution delta of theta (Landauer bits)"},
     C_ALWAYS, W_NONE},
    {{.key = "energy.units", .type = PLN_KEY_ENUM, .offset = F(energy.system),
      .int_size = SZ(energy.system), .names = units_names,
      .doc = "si: the network's numbers are SI (V, S, A, W; Pa, m^3/(Pa s), m^3/s; m, N/m, N, "
             "J; time in s), the ledger in J and k_B T; reduced: in k_B T only"},
     C_ALWAYS, W_NONE},
    {{.key = "energy.kT", .type = PLN_KEY_REAL, .offset = F(energy.kT), POS,
      .unit = "network energy units",
      .doc = "reduced units: k_B T in the network's energy unit (ignored in si)"},
     C_ALWAYS, W_NONE},
    {{.key = "energy.t_hold", .type = PLN_KEY_REAL, .offset = F(energy.t_hold), POS,
      .unit = "time units (s in si)",
      .doc = "contrastive learner: time each physical state of a step is held"},
     C_ALWAYS, W_NONE},

    {{.key = "solver", .type = PLN_KEY_SECTION, .doc = "refactorization (pln_solver_options)"},
     C_ALWAYS, W_NONE},
    {{.key = "solver.refactor", .type = PLN_KEY_ENUM, .offset = F(solver.refactor),
      .int_size = SZ(solver.refactor), .names = refactor_names,
      .doc = "always (exact), pcg or auto (keep a factor, solve by PCG)"}, C_ALWAYS, W_NONE},
    {{.key = "solver.pcg_tol", .type = PLN_KEY_REAL, .offset = F(solver.pcg_tol), .min = 0.0,
      .max = 1e-2, .min_open = true, .doc = "PCG: relative error in the energy norm"},
     C_ALWAYS, W_NONE},
    {{.key = "solver.pcg_max_iter", .type = PLN_KEY_INT, .offset = F(solver.pcg_max_iter),
      .int_size = SZ(solver.pcg_max_iter), ATLEAST(1),
      .doc = "PCG: iterations before refactorizing and solving directly"}, C_ALWAYS, W_NONE},
    {{.key = "solver.pcg_refactor_iter", .type = PLN_KEY_INT, .offset = F(solver.pcg_refactor_iter),
      .int_size = SZ(solver.pcg_refactor_iter), ATLEAST(1),
      .doc = "pcg: refactorize once a solve took more iterations (<= pcg_max_iter)"},
     C_ALWAYS, W_NONE},

    {{.key = "train", .type = PLN_KEY_SECTION, .doc = "steps and cadences"}, C_ALWAYS, W_NONE},
    {{.key = "train.steps", .type = PLN_KEY_INT, .offset = F(train.steps),
      .int_size = SZ(train.steps), NONNEG,
      .doc = "learning steps (protocol periods for temporal learning)"}, C_ALWAYS, W_NONE},
    {{.key = "train.batch", .type = PLN_KEY_INT, .offset = F(train.batch),
      .int_size = SZ(train.batch), ATLEAST(1), .doc = "examples averaged per step"},
     C_ALWAYS, W_NONE},
    {{.key = "train.log_every", .type = PLN_KEY_INT, .offset = F(train.log_every),
      .int_size = SZ(train.log_every), ATLEAST(1), .doc = "steps between metrics rows"},
     C_ALWAYS, W_NONE},
    {{.key = "train.checkpoint_every", .type = PLN_KEY_INT, .offset = F(train.checkpoint_every),
      .int_size = SZ(train.checkpoint_every), NONNEG,
      .doc = "steps between checkpoints (0: at the end and on a signal only)"}, C_ALWAYS, W_NONE},

    {{.key = "output", .type = PLN_KEY_SECTION, .doc = "where the run goes"}, C_ALWAYS, W_NONE},
    {{.key = "output.dir", .type = PLN_KEY_STRING, .offset = F(output_dir),
      .default_doc = "runs/<name>",
      .doc = "output folder, relative to the working directory (-o overrides it)"},
     C_ALWAYS, W_NONE},
};

static const size_t n_rows = sizeof rows / sizeof rows[0];

/* ------------------------------------------------------------------ access */

pln_idx pln_config_n_keys(void) { return (pln_idx)n_rows; }

const pln_key *pln_config_key(pln_idx k)
{
    return k >= 0 && (size_t)k < n_rows ? &rows[k].k : NULL;
}

const pln_i_key_row *pln_i_config_row(const pln_key *k)
{
    return (const pln_i_key_row *)(const void *)k;
}

const pln_key *pln_config_find(const char *dotted)
{
    for (size_t k = 0; k < n_rows; k++) {
        if (strcmp(rows[k].k.key, dotted) == 0) {
            return &rows[k].k;
        }
    }
    return NULL;
}

void *pln_config_field(pln_experiment_desc *d, const pln_key *k)
{
    return (char *)d + k->offset;
}

const void *pln_config_field_const(const pln_experiment_desc *d, const pln_key *k)
{
    return (const char *)d + k->offset;
}

const char *pln_config_enum_name(const pln_key *k, int value)
{
    if (k->type != PLN_KEY_ENUM || k->names == NULL) {
        return NULL;
    }
    for (int j = 0; k->names[j] != NULL; j++) {
        if ((k->values != NULL ? k->values[j] : j) == value) {
            return k->names[j];
        }
    }
    return NULL;
}

int64_t pln_i_config_get_int(const pln_experiment_desc *d, const pln_key *k)
{
    const void *p = pln_config_field_const(d, k);
    if (k->int_size == 8) {
        int64_t v;
        memcpy(&v, p, 8);
        return v;
    }
    int v;
    memcpy(&v, p, sizeof v);
    return v;
}

/* ------------------------------------------------------------------ the writer */

typedef struct out {
    char *buf;
    size_t size, len;
    const char *rel_base; /* absolute paths are written relative to this folder (or NULL) */
} out;

static void put(out *o, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static void put(out *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t room = o->len < o->size ? o->size - o->len : 0;
    int w = vsnprintf(room > 0 ? o->buf + o->len : NULL, room, fmt, ap);
    va_end(ap);
    if (w > 0) {
        o->len += (size_t)w;
    }
}

static void put_str(out *o, const char *s)
{
    put(o, "\"");
    for (const char *c = s != NULL ? s : ""; *c != '\0'; c++) {
        if (*c == '"' || *c == '\\') {
            put(o, "\\%c", *c);
        } else if ((unsigned char)*c < 0x20) {
            put(o, "\\x%02x", (unsigned)(unsigned char)*c);
        } else {
            put(o, "%c", *c);
        }
    }
    put(o, "\"");
}

/* The shortest text that reads back to v, always with a '.' (PyYAML reads 1e+03 as a string). */
static void put_real(out *o, double v)
{
    char buf[40];
    snprintf(buf, sizeof buf, "%.17g", v);
    for (int prec = 1; prec < 17; prec++) {
        char shorter[40];
        snprintf(shorter, sizeof shorter, "%.*g", prec, v);
        double back = 0.0;
        if (sscanf(shorter, "%lf", &back) == 1 && back == v) {
            memcpy(buf, shorter, sizeof buf);
            break;
        }
    }
    if (strpbrk(buf, ".n") == NULL) {
        char *e = strpbrk(buf, "eE");
        if (e == NULL) {
            strcat(buf, ".0");
        } else {
            memmove(e + 2, e, strlen(e) + 1);
            e[0] = '.';
            e[1] = '0';
        }
    }
    put(o, "%s", buf);
}

static void put_ids(out *o, const pln_idx *v, pln_idx n)
{
    put(o, "[");
    for (pln_idx k = 0; k < n; k++) {
        put(o, "%s%" PRId64, k > 0 ? ", " : "", (int64_t)v[k]);
    }
    put(o, "]");
}

static void put_reals(out *o, const double *v, pln_idx n)
{
    put(o, "[");
    for (pln_idx k = 0; k < n; k++) {
        if (k > 0) {
            put(o, ", ");
        }
        put_real(o, v[k]);
    }
    put(o, "]");
}

static void put_vectors(out *o, const double *v, pln_idx n, int dim)
{
    put(o, "[");
    for (pln_idx k = 0; k < n; k++) {
        put(o, "%s", k > 0 ? ", " : "");
        put_reals(o, v + k * dim, dim);
    }
    put(o, "]");
}

static void put_axes(out *o, const int *m, pln_idx n)
{
    put(o, "[");
    for (pln_idx k = 0; k < n; k++) {
        char s[4] = "";
        for (int c = 0, w = 0; c < 3; c++) {
            if (m[k] & (1 << c)) {
                s[w++] = (char)('x' + c);
                s[w] = '\0';
            }
        }
        put(o, "%s", k > 0 ? ", " : "");
        put_str(o, s);
    }
    put(o, "]");
}

static bool is_spring(const pln_experiment_desc *d)
{
    return d->network.kind == PLN_KIND_SPRING || d->network.kind == PLN_KIND_SPRING_LINEAR;
}

static bool graph_file(const pln_experiment_desc *d)
{
    return d->network.graph.file != NULL && d->network.graph.file[0] != '\0';
}

bool pln_i_config_elements_used(const pln_experiment_desc *d)
{
    if (d->network.kind != PLN_KIND_RESISTOR) {
        return false;
    }
    if (d->learning.rule.dof == PLN_DOF_ELEMENT) {
        return true;
    }
    pln_experiment_desc def;
    pln_experiment_desc_default(&def);
    const pln_elements_desc *a = &d->network.elements, *b = &def.network.elements;
    bool differ = a->kind != b->kind || a->n_table_v > 0 || a->n_table_i > 0 ||
                  a->temperature != b->temperature || a->gmin != b->gmin ||
                  a->gate_drop_squared != b->gate_drop_squared ||
                  a->gate.value != b->gate.value || a->gate.low != b->gate.low ||
                  a->gate.high != b->gate.high || a->gate.min != b->gate.min ||
                  a->gate.max != b->gate.max;
    /* a graph file's gates are its own unless told otherwise (as its conductances) */
    const bool file = d->network.graph.file != NULL && d->network.graph.file[0] != '\0';
    differ = differ || a->gate.init != (file ? PLN_INIT_FROM_GRAPH : PLN_INIT_CONSTANT);
    for (int k = 0; k < PLN_ELEM_N_KINDS; k++) {
        differ = differ || a->n_edges[k] > 0;
    }
    for (int p = 0; p < PLN_EP_COUNT; p++) {
        differ = differ || a->values[p] != b->values[p];
    }
    return differ;
}

bool pln_i_config_written(const pln_i_key_row *r, const pln_experiment_desc *d)
{
    switch (r->when) {
    case C_GEN:
        return !graph_file(d);
    case C_FILE:
        return graph_file(d);
    case C_NOT_SPRING:
        return !is_spring(d);
    case C_SPRING:
        return is_spring(d);
    case C_RADIUS:
        return d->network.radius.init != PLN_INIT_FROM_GRAPH;
    case C_REST_LENGTH:
        return is_spring(d) && d->network.rest_length.init != PLN_INIT_FROM_GRAPH;
    case C_ELEMENTS:
        return pln_i_config_elements_used(d);
    case C_GATES:
        return d->learning.rule.dof == PLN_DOF_ELEMENT;
    case C_BOTH_RATE:
        return d->learning.rule.dof == PLN_DOF_BOTH && d->learning.rule.rate_rest_length > 0.0;
    case C_TEMPORAL:
        return d->learning.learner == PLN_LEARNER_TEMPORAL;
    case C_NEVER:
        return false;
    default:
        return true;
    }
}

/* The value of a leaf key. */
/* Absolute path `to` as seen from absolute folder `from` (both as realpath gives them, no
 * trailing '/'): "../" for each folder of `from` past their common folders, then the rest of
 * `to`. */
static void put_relative(out *o, const char *from, const char *to)
{
    size_t i = 0;
    size_t common = 0;
    while (from[i] != '\0' && from[i] == to[i]) {
        if (from[i] == '/') {
            common = i;
        }
        i++;
    }
    if (from[i] == '\0' && to[i] == '/') {
        common = i; /* from is a folder above to */
    }
    size_t ups = 0;
    if (strcmp(from, "/") != 0) {
        for (const char *c = from + common; *c != '\0'; c++) {
            ups += *c == '/';
        }
    }
    const char *rest = to + common + 1;
    char *rel = pln_i_malloc(3 * ups + strlen(rest) + 1);
    if (rel == NULL) {
        put_str(o, to);
        return;
    }
    rel[0] = '\0';
    for (size_t k = 0; k < ups; k++) {
        strcat(rel, "../");
    }
    strcat(rel, rest);
    put_str(o, rel);
    pln_i_free(rel);
}

static void put_value(out *o, const pln_experiment_desc *d, const pln_key *k, unsigned flags)
{
    const void *p = pln_config_field_const(d, k);
    switch (k->type) {
    case PLN_KEY_BOOL:
        put(o, "%s", *(const bool *)p ? "true" : "false");
        break;
    case PLN_KEY_INT: {
        int64_t v = pln_i_config_get_int(d, k);
        if ((flags & PLN_YAML_FINGERPRINT) != 0 &&
            (strcmp(k->key, "train.steps") == 0 || strcmp(k->key, "train.checkpoint_every") == 0)) {
            v = 0;
        }
        put(o, "%" PRId64, v);
        break;
    }
    case PLN_KEY_REAL:
        put_real(o, *(const double *)p);
        break;
    case PLN_KEY_STRING:
    case PLN_KEY_PATH: {
        const char *s = *(const char *const *)p;
        if ((flags & PLN_YAML_FINGERPRINT) != 0 && strcmp(k->key, "output.dir") == 0) {
            s = "";
        }
        if (k->type == PLN_KEY_PATH && o->rel_base != NULL && s != NULL && s[0] == '/') {
            put_relative(o, o->rel_base, s);
        } else {
            put_str(o, s);
        }
        break;
    }
    case PLN_KEY_ENUM: {
        int v = (int)pln_i_config_get_int(d, k);
        if (strcmp(k->key, "network.graph.format") == 0) {
            v = (int)pln_i_graph_format(d->network.graph.file, (pln_graph_format)v);
        }
        const char *name = pln_config_enum_name(k, v);
        put(o, "%s", name != NULL ? name : "?");
        break;
    }
    case PLN_KEY_IDS:
        put_ids(o, *(const pln_idx *const *)p, *(const pln_idx *)((const char *)d + k->count_offset));
        break;
    case PLN_KEY_REALS:
        put_reals(o, *(const double *const *)p,
                  *(const pln_idx *)((const char *)d + k->count_offset));
        break;
    case PLN_KEY_STRINGS: {
        const char *const *v = *(const char *const *const *)p;
        pln_idx n = *(const pln_idx *)((const char *)d + k->count_offset);
        put(o, "[");
        for (pln_idx j = 0; j < n; j++) {
            put(o, "%s", j > 0 ? ", " : "");
            put_str(o, v[j]);
        }
        put(o, "]");
        break;
    }
    case PLN_KEY_INT_PAIR: {
        const pln_idx *v = p;
        put(o, "[%" PRId64 ", %" PRId64 "]", (int64_t)v[0], (int64_t)v[1]);
        break;
    }
    case PLN_KEY_REAL_PAIR: {
        double v[2] = {*(const double *)p, *(const double *)((const char *)d + k->count_offset)};
        put_reals(o, v, 2);
        break;
    }
    case PLN_KEY_VECTORS:
        put_vectors(o, *(const double *const *)p,
                    *(const pln_idx *)((const char *)d + k->count_offset),
                    *(const int *)((const char *)d + k->dim_offset));
        break;
    case PLN_KEY_AXES:
        put_axes(o, *(const int *const *)p, *(const pln_idx *)((const char *)d + k->count_offset));
        break;
    default:
        break;
    }
}

static const char *last_name(const char *key)
{
    const char *dot = strrchr(key, '.');
    return dot != NULL ? dot + 1 : key;
}

static int depth_of(const char *key)
{
    int n = 0;
    for (const char *c = key; *c != '\0'; c++) {
        n += *c == '.';
    }
    return n;
}

static bool under(const char *key, const char *section)
{
    size_t n = strlen(section);
    return strncmp(key, section, n) == 0 && key[n] == '.';
}

/* A role as the file writes it: its list, values, axis, and the nodes drawn for it. */
static void put_role(out *o, const pln_role_desc *r, bool with_values, bool edge_role,
                     const pln_idx *picked, pln_idx n_picked)
{
    put(o, "{");
    if (r->n_edges > 0 || edge_role) {
        put(o, "edges: ");
        put_ids(o, r->edges, r->n_edges);
    } else if (r->random > 0) {
        put(o, "random: %" PRId64, (int64_t)r->random);
    } else {
        put(o, "nodes: ");
        put_ids(o, r->nodes, r->n_nodes);
    }
    if (with_values) {
        put(o, ", values: ");
        put_reals(o, r->values, r->n_values);
    }
    if (r->axis >= 0 && r->axis < 3 && r->n_edges == 0) {
        put(o, ", axis: %c", "xyz"[r->axis]);
    }
    put(o, "}");
    if (r->random > 0 && n_picked > 0) {
        put(o, "  # picked:");
        for (pln_idx k = 0; k < n_picked; k++) {
            put(o, " %" PRId64, (int64_t)picked[k]);
        }
    }
}

/* Custom writers: the value after "key: ". */
static void put_custom(out *o, const pln_experiment_desc *d, const pln_i_key_row *r,
                       const pln_i_config_extras *x)
{
    const pln_boundary_desc *b = &d->boundary;
    const pln_key *k = &r->k;
    switch (r->writer) {
    case W_GROUND:
        if (x != NULL && x->ground_known) {
            put_ids(o, x->ground, x->n_ground);
        } else if (b->n_ground >= 0) {
            put_ids(o, b->ground, b->n_ground);
        } else {
            static const pln_idx node0 = 0;
            put_ids(o, &node0, 1);
        }
        break;
    case W_ROLE_VALUES:
    case W_ROLE_EDGES: {
        const pln_role_desc *role = strcmp(k->key, "boundary.potentials") == 0 ? &b->potentials
                                    : strcmp(k->key, "boundary.currents") == 0 ? &b->currents
                                    : strcmp(k->key, "boundary.edge_sources") == 0
                                        ? &b->edge_sources
                                        : &b->edge_strains;
        put_role(o, role, true, r->writer == W_ROLE_EDGES, NULL, 0);
        break;
    }
    case W_ROLE_INPUTS:
        put_role(o, &d->task.inputs, true, false, x != NULL ? x->picked[0] : NULL,
                 x != NULL ? x->n_picked[0] : 0);
        break;
    case W_ROLE_OUTPUTS:
        put_role(o, &d->task.outputs, false, false, x != NULL ? x->picked[1] : NULL,
                 x != NULL ? x->n_picked[1] : 0);
        break;
    case W_PINS:
        put(o, "{nodes: ");
        put_ids(o, b->pins, b->n_pins);
        if (b->n_pin_displacements > 0) {
            put(o, ", displacements: ");
            put_vectors(o, b->pin_displacements, b->n_pin_displacements, b->pin_dim);
        }
        if (b->n_pin_axes > 0) {
            put(o, ", axes: ");
            put_axes(o, b->pin_axes, b->n_pin_axes);
        }
        put(o, "}");
        break;
    case W_FORCES:
        put(o, "{nodes: ");
        put_ids(o, b->force_nodes, b->n_forces);
        put(o, ", values: ");
        put_vectors(o, b->forces, b->n_force_values, b->force_dim);
        put(o, "}");
        break;
    case W_DOF: {
        const pln_dof dof = d->learning.rule.dof;
        put(o, "%s", dof == PLN_DOF_CONDUCTANCE ? (is_spring(d) ? "stiffness" : "conductance")
                                               : pln_config_enum_name(k, (int)dof));
        break;
    }
    default:
        break;
    }
}

size_t pln_i_config_value_text(const pln_experiment_desc *d, const pln_key *k, char *buf,
                               size_t size)
{
    out o = {buf, size, 0, NULL};
    if (size > 0) {
        buf[0] = '\0';
    }
    const pln_i_key_row *r = pln_i_config_row(k);
    if (r->writer != W_NONE) {
        put_custom(&o, d, r, NULL);
    } else {
        put_value(&o, d, k, 0);
    }
    return o.len;
}

size_t pln_i_config_yaml(const pln_experiment_desc *d, unsigned flags,
                         const pln_i_config_extras *x, char *buf, size_t size)
{
    out o = {buf, size, 0, x != NULL ? x->rel_base : NULL};
    if (size > 0) {
        buf[0] = '\0';
    }
    put(&o, "# plnet resolved configuration: every key, defaults filled in.\n");
    /* Sections written inline (flow or custom) swallow their keys. */
    const char *inline_section = NULL;
    const char *skipped = NULL;
    for (size_t i = 0; i < n_rows; i++) {
        const pln_i_key_row *r = &rows[i];
        const pln_key *k = &r->k;
        if ((inline_section != NULL && under(k->key, inline_section)) ||
            (skipped != NULL && under(k->key, skipped))) {
            continue;
        }
        inline_section = NULL;
        skipped = NULL;
        if (!pln_i_config_written(r, d)) {
            skipped = k->key;
            continue;
        }
        const int depth = depth_of(k->key);
        if (depth == 0 && k->type == PLN_KEY_SECTION) {
            put(&o, "\n");
        }
        put(&o, "%*s%s:", 2 * depth, "", last_name(k->key));
        if (r->writer != W_NONE) {
            put(&o, " ");
            put_custom(&o, d, r, x);
            put(&o, "\n");
            if (k->type == PLN_KEY_SECTION) {
                inline_section = k->key;
            }
            continue;
        }
        if (k->type != PLN_KEY_SECTION) {
            put(&o, " ");
            put_value(&o, d, k, flags);
            put(&o, "\n");
            continue;
        }
        if ((k->flags & PLN_KEY_FLOW) == 0) {
            put(&o, "\n");
            continue;
        }
        /* A flow section: its keys on one line. */
        put(&o, " {");
        bool first = true;
        for (size_t j = i + 1; j < n_rows && under(rows[j].k.key, k->key); j++) {
            if (!pln_i_config_written(&rows[j], d)) {
                continue;
            }
            put(&o, "%s%s: ", first ? "" : ", ", last_name(rows[j].k.key));
            put_value(&o, d, &rows[j].k, flags);
            first = false;
        }
        put(&o, "}\n");
        inline_section = k->key;
    }
    return o.len;
}

size_t pln_experiment_desc_yaml(const pln_experiment_desc *d, unsigned flags, char *buf,
                                size_t size)
{
    return pln_i_config_yaml(d, flags, NULL, buf, size);
}
