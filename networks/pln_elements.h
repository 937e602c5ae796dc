/* pln_elements.h — nonlinear two-terminal edge elements of resistor networks (diodes, ideal diodes, level-1 NMOS, monotone I(V) tables): kinds, parameters, currents, co-contents, regions and learning signals (SPEC 1.3). */
#ifndef PLN_ELEMENTS_H
#define PLN_ELEMENTS_H

#include "pln_common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The element on an edge of a resistor network (SPEC 1.3). Every element is a two-terminal
 *  resistor: its current I_e (amperes, tail -> head) is a nondecreasing function of its own
 *  drop V_e = p_tail - p_head (volts), so the network's steady state minimises the total
 *  co-content sum_e C_e(V_e) - sum_i J_i p_i, with C_e(V) = integral_0^V I_e(v) dv. Kinds mix
 *  freely on one network. */
typedef enum pln_element_kind {
    /** Linear resistor: I = k V (k in S). */
    PLN_ELEM_RESISTOR = 0,
    /** Shockley diode, anode at the tail: I = I_s (exp(V_j / (n V_T)) - 1), with a series
     *  resistance R_s: V = V_j + R_s I. The internal junction voltage V_j is solved per edge
     *  (a scalar Newton inside each evaluation), which is the same as a hidden internal node
     *  minimised out of the co-content: C(V) = C_j(V_j) + R_s I^2 / 2. */
    PLN_ELEM_DIODE = 1,
    /** Piecewise-linear limit of an ideal diode (Scellier 2024): I = g_off V +
     *  g_on (V - v_on)_+. An ideal diode (no current below v_on, no drop above it) is the
     *  limit g_on -> infinity, g_off -> 0: the forward drop exceeds v_on by exactly I / g_on
     *  and the reverse current is g_off V (plus the network's g_min). */
    PLN_ELEM_IDEAL_DIODE = 2,
    /** NMOS transistor, SPICE level 1 (Shichman-Hodges), drain at the tail and source at the
     *  head, with its gate held at `gate` volts above the head (V_GS of the forward mode):
     *  cutoff, triode and saturation with I scaled by (1 + lambda V_DS) in both, as ngspice's
     *  MOS1 model with W = L, GAMMA = 0 and no bulk junction currents (bulk tied to the head).
     *  Symmetric as the device is: with V < 0 the tail acts as the source (V_GS = gate - V). */
    PLN_ELEM_NMOS = 3,
    /** A measured monotone device: I(V) through the points of a table, interpolated by
     *  monotone piecewise cubics (Fritsch & Carlson 1980) and extended linearly with the end
     *  slopes beyond the first and last points. */
    PLN_ELEM_TABLE = 4
} pln_element_kind;
#define PLN_ELEM_N_KINDS 5

/** Every parameter of every kind. The name (pln_eparam_name) is also the edge attribute that
 *  carries it in a graph (GraphML, edge lists) and its key under network.elements. */
typedef enum pln_eparam {
    PLN_EP_CONDUCTANCE = 0, /**< resistor: k (S) */
    PLN_EP_IS = 1,          /**< diode: saturation current I_s (A), > 0 */
    PLN_EP_N = 2,           /**< diode: emission coefficient n, > 0 */
    PLN_EP_RS = 3,          /**< diode: series resistance R_s (ohm), >= 0 */
    PLN_EP_G_ON = 4,        /**< ideal diode: forward conductance (S), > 0 */
    PLN_EP_G_OFF = 5,       /**< ideal diode: reverse conductance (S), >= 0 */
    PLN_EP_V_ON = 6,        /**< ideal diode: threshold (V), >= 0 */
    PLN_EP_KP = 7,          /**< NMOS: transconductance K' W/L (A/V^2), > 0 */
    PLN_EP_VTO = 8,         /**< NMOS: threshold voltage (V) */
    PLN_EP_LAMBDA = 9,      /**< NMOS: channel-length modulation (1/V), >= 0 */
    PLN_EP_GATE = 10,       /**< NMOS: gate voltage above the head (source) terminal (V) */
    PLN_EP_TABLE = 11,      /**< table: index of the I(V) table (0-based integer) */
    PLN_EP_COUNT = 12
} pln_eparam;

/** Operating region of an element at a drop V (pln_network_element_regions). */
typedef enum pln_region {
    PLN_REGION_LINEAR = 0,     /**< resistor */
    PLN_REGION_FORWARD = 1,    /**< diode: junction voltage > 0; ideal diode: V > v_on */
    PLN_REGION_REVERSE = 2,    /**< diode: junction voltage <= 0; ideal diode: V <= v_on */
    PLN_REGION_CUTOFF = 3,     /**< NMOS: V_GS <= V_th (no channel) */
    PLN_REGION_TRIODE = 4,     /**< NMOS: V_DS < V_GS - V_th */
    PLN_REGION_SATURATION = 5, /**< NMOS: V_DS >= V_GS - V_th > 0 */
    PLN_REGION_TABLE = 6,      /**< table: V within the table's points */
    PLN_REGION_EXTRAPOLATED = 7 /**< table: V beyond the first or last point */
} pln_region;
#define PLN_REGION_COUNT 8

/** A measured I(V) curve: n >= 2 points, v strictly increasing (V), i nondecreasing (A), one
 *  point at exactly (0 V, 0 A) so the element is passive. Arrays borrowed by whoever reads it
 *  (pln_network_create copies them). */
typedef struct pln_iv_table {
    pln_idx n;
    const double *v;
    const double *i;
} pln_iv_table;

/** Element options of a resistor network (part of pln_network_options). Edges take their
 *  kind from the graph's edge attribute "element" (a pln_element_kind code, 0..4) and each
 *  parameter from the edge attribute of its name; an edge without the attribute (or with NaN
 *  there, GraphML's "missing") takes the value here. */
typedef struct pln_element_options {
    /** Kind of every edge without an "element" attribute (default PLN_ELEM_RESISTOR). */
    pln_element_kind kind;
    /** Default value of each parameter, indexed by pln_eparam. values[PLN_EP_CONDUCTANCE] is
     *  not used (the network's default_conductance is). Defaults are SPICE's where SPICE has
     *  one: I_s 1e-14 A, n 1, R_s 0, K' 2e-5 A/V^2, V_th 0, lambda 0; and g_on 1e3 S,
     *  g_off 0 S, v_on 0 V, gate 1 V, table 0. */
    double values[PLN_EP_COUNT];
    /** Device temperature (K) of the diodes' thermal voltage V_T = k_B T / q (SI 2019 exact
     *  constants); default 300.15 K (27 C, SPICE's default). */
    double temperature;
    /** Conductance (S) in parallel with every nonlinear element (across a diode's junction,
     *  across a transistor's channel): SPICE's GMIN, default 1e-12 S (ngspice's default, so
     *  plnet and ngspice solve the same circuit). It keeps the Jacobian positive definite
     *  where a device conducts nothing (cutoff, saturation without lambda, deep reverse
     *  bias); must be >= 0. */
    double gmin;
    /** The transistors' gate signal (pln_network_element_signals for PLN_EP_GATE): false
     *  (default) the exact co-content derivative 2 dC/d gate, which is K' V^2 (1 + 2 lambda
     *  V / 3) in the triode region; true Dillavou et al.'s rule on the transistor's own drop,
     *  K' V^2 in every region (equal in triode for lambda = 0; in saturation it ignores that
     *  the current no longer follows the drop). */
    bool gate_drop_squared;
    /** I(V) tables of PLN_ELEM_TABLE edges (borrowed; copied by pln_network_create). */
    pln_idx n_tables;
    const pln_iv_table *tables;
} pln_element_options;

/** @brief Defaults as documented on each member. */
PLN_API void pln_element_options_default(pln_element_options *o);

/** @brief "resistor", "diode", "ideal_diode", "nmos", "table" (or "?"). */
PLN_API const char *pln_element_kind_name(pln_element_kind kind);
/** @brief Kind from its name. @return PLN_OK or PLN_EINVAL (key "network.elements.kind"). */
PLN_API pln_status pln_element_kind_parse(pln_ctx *ctx, const char *name, pln_element_kind *out);
/** @brief Name of a parameter, also its edge attribute: "conductance", "diode_is", "diode_n",
 *  "diode_rs", "g_on", "g_off", "v_on", "kp", "vto", "lambda", "gate", "table" (or "?"). */
PLN_API const char *pln_eparam_name(pln_eparam p);
/** @brief Unit of a parameter ("S", "A", "1", "ohm", "V", "A/V^2", "1/V", "index"). */
PLN_API const char *pln_eparam_unit(pln_eparam p);
/** @brief Whether elements of a kind have parameter p. */
PLN_API bool pln_element_has_param(pln_element_kind kind, pln_eparam p);
/** @brief The parameter of a kind that learns (theta_e of PLN_DOF_ELEMENT): the conductance of
 *  a resistor, the gate voltage of a transistor; PLN_EP_COUNT for kinds that do not learn. */
PLN_API pln_eparam pln_element_learnable(pln_element_kind kind);
/** @brief "linear", "forward", "reverse", "cutoff", "triode", "saturation", "table",
 *  "extrapolated" (or "?"). */
PLN_API const char *pln_region_name(pln_region r);

/** @brief Thermal voltage k_B T / q (V) at temperature T (K), with the SI 2019 exact k_B and
 *  q. */
PLN_API double pln_thermal_voltage(double temperature);

#ifdef __cplusplus
}
#endif
#endif
