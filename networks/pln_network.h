/* pln_network.h — physics on a graph: network kinds, per-edge parameters, boundary conditions, the reduced matrix and edge quantities (SPEC 1). */
#ifndef PLN_NETWORK_H
#define PLN_NETWORK_H

#include "pln_common.h"
#include "pln_elements.h"
#include "pln_graph.h"

#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Network kinds (SPEC 1). */
typedef enum pln_kind {
    PLN_KIND_RESISTOR = 0,     /**< k = 1/R in siemens, potentials in volts */
    PLN_KIND_FLOW = 1,         /**< Poiseuille pipes, k = pi r^4 / (8 mu l) */
    /** Nonlinear central-force springs, E = 1/2 sum_e k_e (r_e - l_e)^2 (SPEC 1.2): the state
     *  is the node positions, equilibrium by Newton (pln_states). */
    PLN_KIND_SPRING = 2,
    /** Small-displacement springs about the reference positions X0:
     *  E = 1/2 sum_e k_e (L0_e - l_e + n_e . (u_tail - u_head))^2, whose Hessian is
     *  K = sum_e k_e (b_e b_e^T) kron (n_e n_e^T); n_e, L0_e from X0. */
    PLN_KIND_SPRING_LINEAR = 3
} pln_kind;

/** @brief Name of a kind ("resistor", "flow", ...). */
PLN_API const char *pln_kind_name(pln_kind kind);

typedef struct pln_network_options {
    pln_kind kind;
    /** Flow: fluid viscosity mu in Pa s (default 1). */
    double viscosity;
    /** Conductance given to edges when the graph has no "conductance", "resistance" or (flow)
     *  "radius" edge attribute (default 1 S). */
    double default_conductance;
    /** Springs: stiffness k (N/m, or network units) of edges without a "stiffness" edge
     *  attribute (default 1). Rest lengths come from the "rest_length" attribute, else the
     *  reference length (distance between the graph's node positions). */
    double default_stiffness;
    /** Resistor networks: the edge elements (SPEC 1.3): kinds and parameters of edges that
     *  are not given by the graph's edge attributes. Defaults: every edge a linear resistor. */
    pln_element_options elements;
} pln_network_options;

/** @brief Defaults: resistor, viscosity 1, default conductance 1, default stiffness 1,
 *  pln_element_options_default. */
PLN_API void pln_network_options_default(pln_network_options *o);

/** Boundary conditions (SPEC 1.1, 1.2): which nodes and edges are fixed, and their values.
 *  Arrays are borrowed by pln_network_create, which copies them.
 *
 *  Spring networks (d = dimension of the positions) read the same members as:
 *  - dirichlet_*: pinned nodes; dirichlet_values holds d displacements per node (row-major,
 *    n_dirichlet x d, from the reference position; NULL = 0, a fixed pin). dirichlet_axes
 *    (may be NULL = every component) is a bit mask per pinned node of the components held
 *    (bit c = axis c; 1 = x only, a roller). A displacement of a free component is ignored.
 *  - current_*: applied forces, d per node (n_currents x d, row-major).
 *  - source_*: imposed strains of source edges, (r_e - L0_e)/L0_e with L0_e the reference
 *    length (linearized for spring_linear); constraints solved exactly in every state. */
typedef struct pln_boundary {
    pln_idx n_dirichlet;
    const pln_idx *dirichlet_nodes;   /**< fixed-potential nodes: ground, sources, ... */
    const double *dirichlet_values;   /**< their potentials (V); NULL = all 0 */
    pln_idx n_currents;
    const pln_idx *current_nodes;     /**< nodes with an injected current */
    const double *current_values;     /**< injected currents (A, into the node); NULL = 0 */
    pln_idx n_sources;
    const pln_idx *source_edges;      /**< edges with a fixed drop p_tail - p_head */
    const double *source_values;      /**< the drops (V); NULL = 0 */
    /** Springs only: per pinned node, the mask of held components (see above); NULL = all. */
    const int *dirichlet_axes;
} pln_boundary;

/** @brief Empty boundary (no fixed nodes, no injections, no edge sources). */
PLN_API void pln_boundary_default(pln_boundary *bc);

/** Boundary values for one state (one example): any NULL member means "the values stored in
 *  the network". Lengths: n_dirichlet, n_currents, n_sources of the network's boundary. */
typedef struct pln_bc_values {
    const double *dirichlet;
    const double *currents;
    const double *sources;
} pln_bc_values;

typedef struct pln_network pln_network;

/** @brief Build a network on a graph (copies what it keeps; the graph may be destroyed after).
 *
 *  Edge conductances come from the graph's edge attribute "conductance" (S), else
 *  "resistance" (ohm, k = 1/R), else for flow "radius" (with "length", or the distance
 *  between node positions, or 1) through Poiseuille's law, else default_conductance.
 *
 *  Edge sources join their end nodes into groups whose potentials differ by the given drops;
 *  each group is one unknown of the reduced system, or is fixed when it holds a Dirichlet
 *  node. The pattern of the reduced matrix is built once, here.
 *
 *  @return PLN_OK; PLN_EINVAL naming the node or edge (index out of range, node fixed twice,
 *  non-positive or non-finite conductance); PLN_ESINGULAR naming the nodes of a connected
 *  component that has no Dirichlet node (it would float); PLN_ENOMEM.
 *  Complexity O((n + m) log m). */
PLN_API pln_status pln_network_create(pln_ctx *ctx, const pln_graph *g,
                                      const pln_network_options *opts, const pln_boundary *bc,
                                      pln_network **out);
PLN_API void pln_network_destroy(pln_network *net);

PLN_API pln_kind pln_network_kind(const pln_network *net);
PLN_API pln_ctx *pln_network_ctx(const pln_network *net);
PLN_API pln_idx pln_network_n_nodes(const pln_network *net);
PLN_API pln_idx pln_network_n_edges(const pln_network *net);
/** @brief Number of unknowns of the reduced system (free node groups; for springs the free
 *  position components). */
PLN_API pln_idx pln_network_n_reduced(const pln_network *net);
/** @brief Values per node in a state vector: 1 (potential) for resistor and flow, d (position
 *  components) for springs. Every state array (p, x) has n_nodes * state_dim entries per
 *  state, node-major (x[i*d + c]). */
PLN_API int pln_network_state_dim(const pln_network *net);
PLN_API const pln_idx *pln_network_tails(const pln_network *net);
PLN_API const pln_idx *pln_network_heads(const pln_network *net);
/** @brief The boundary as stored (views valid for the network's life). */
PLN_API const pln_boundary *pln_network_boundary(const pln_network *net);
/** @brief Node positions (n x dim, row-major) copied from the graph, or NULL; dim in *dim. */
PLN_API const double *pln_network_positions(const pln_network *net, int *dim);

/** @brief View of the conductances k_e (S), valid until the next set_* call. */
PLN_API const double *pln_network_conductances(const pln_network *net);
/** @brief Set every conductance (copied) and refill the reduced matrix values in place, O(m).
 *  @return PLN_EINVAL naming the first edge whose k is not finite and > 0 (nothing changed). */
PLN_API pln_status pln_network_set_conductances(pln_network *net, const double *k);
/** @brief Flow only: pipe radii (m) consistent with the conductances (derived from k when the
 *  graph gave conductances); NULL for other kinds. */
PLN_API const double *pln_network_radii(const pln_network *net);
/** @brief Flow only: pipe lengths (m), always available for flow networks. */
PLN_API const double *pln_network_lengths(const pln_network *net);
/** @brief Flow only: set radii (m) and with them k = pi r^4/(8 mu l); EINVAL naming an edge
 *  whose r is not finite and > 0. */
PLN_API pln_status pln_network_set_radii(pln_network *net, const double *r);
PLN_API double pln_network_viscosity(const pln_network *net);

/** @brief Replace the stored boundary values (any NULL member keeps the old values).
 *  @return PLN_EINVAL when Dirichlet values joined by edge sources contradict each other. */
PLN_API pln_status pln_network_set_bc_values(pln_network *net, const pln_bc_values *v);
/** @brief Views of the stored boundary values. */
PLN_API const double *pln_network_dirichlet_values(const pln_network *net);
PLN_API const double *pln_network_current_values(const pln_network *net);
PLN_API const double *pln_network_source_values(const pln_network *net);

/** @brief The reduced matrix A = P^T B^T diag(k) B P (lower triangle), values current.
 *  Its pattern never changes after create; its arrays live as long as the network. */
PLN_API const pln_csc *pln_network_matrix(const pln_network *net);
/** @brief Right-hand side f (length n_reduced) of A x = f for boundary values v (NULL =
 *  stored). Uses a workspace of the network: not for concurrent calls on one network.
 *  @return PLN_EINVAL when edge sources and Dirichlet values are inconsistent. */
PLN_API pln_status pln_network_rhs(const pln_network *net, const pln_bc_values *v, double *f);
/** @brief The fixed part p0 of the potentials (length n): p = P x + p0, where p0 holds the
 *  potential of every fixed node and, for a free node, its offset from its group's root (the
 *  sum of edge-source drops on the path). Check of consistency as pln_network_rhs. */
PLN_API pln_status pln_network_fixed_potentials(const pln_network *net, const pln_bc_values *v,
                                                double *p0);
/** @brief f = P^T (J - L p0) from a fixed part p0 (pln_network_fixed_potentials) and the
 *  injected currents J (NULL = stored). Thread-safe: uses no workspace. */
PLN_API void pln_network_rhs_fixed(const pln_network *net, const double *p0,
                                   const double *currents, double *f);
/** @brief Node potentials p (length n) from the reduced solution x and boundary values v. */
PLN_API pln_status pln_network_expand(const pln_network *net, const double *x,
                                      const pln_bc_values *v, double *p);
/** @brief p[i] += dx[group(i)] for every free node i (a change of the reduced solution). */
PLN_API void pln_network_expand_delta(const pln_network *net, const double *dx, double *p);
/** @brief Reduced index of a node's group, or -1 when its potential is fixed. Springs: the
 *  reduced index of the node's first free component, or -1 when it is pinned in every axis. */
PLN_API pln_idx pln_network_reduced_index(const pln_network *net, pln_idx node);
/** @brief Springs: reduced index of component c of a node, or -1 when it is pinned (for other
 *  kinds, pln_network_reduced_index when c == 0). */
PLN_API pln_idx pln_network_dof_index(const pln_network *net, pln_idx node, int c);
/** @brief A node of reduced unknown r (the group's root, lowest id among its nodes; springs:
 *  the node whose component r is). */
PLN_API pln_idx pln_network_reduced_node(const pln_network *net, pln_idx r);

/** @brief Edge drops dp_e = p_tail - p_head (V), length m. Springs: the extension r_e - l_e
 *  (linearized r for spring_linear), from positions x. */
PLN_API void pln_network_edge_drops(const pln_network *net, const double *p, double *dp);
/** @brief Edge currents Q_e = k_e dp_e (A), length m. Springs: tensions k_e (r_e - l_e). */
PLN_API void pln_network_edge_currents(const pln_network *net, const double *p, double *q);
/** @brief Total dissipated power W = sum_e k_e dp_e^2 (W), SPEC 1.1. Springs: 0 (a spring
 *  network at rest dissipates nothing; its stored energy is pln_network_energy). */
PLN_API double pln_network_power(const pln_network *net, const double *p);
/** @brief Stored energy E: 1/2 sum k dp^2 (J) for resistor and flow, the elastic energy
 *  1/2 sum_e k_e (r_e - l_e)^2 for springs (linearized r for spring_linear). */
PLN_API double pln_network_energy(const pln_network *net, const double *x);

/** A learnable edge parameter theta_e and its SPEC 3 signal. */
typedef enum pln_param {
    /** k: conductance (s = dp^2) or stiffness (springs, s = 1/2 (r - l)^2). */
    PLN_PARAM_K = 0,
    /** Springs: rest length l, s = -k (r - l). */
    PLN_PARAM_REST_LENGTH = 1
} pln_param;

/** @brief Local learning signal s_e (SPEC 3) of the network's signal parameter
 *  (pln_network_set_signal_param; default PLN_PARAM_K): dp_e^2 for resistor and flow,
 *  1/2 (r_e - l_e)^2 (k) or -k_e (r_e - l_e) (l) for springs; length m. */
PLN_API void pln_network_signals(const pln_network *net, const double *p, double *s);
/** @brief The signal of a given parameter (as pln_network_signals). Springs satisfy
 *  s_e = dE/dtheta_e at fixed positions (resistor/flow: s = 2 dE/dk, see pln_learning.h). */
PLN_API void pln_network_param_signals(const pln_network *net, pln_param param, const double *p,
                                       double *s);
/** @brief Choose the parameter pln_network_signals reports. @return PLN_OK, or PLN_EINVAL
 *  (key "learning.dof") for a rest length on a network that is not a spring network. */
PLN_API pln_status pln_network_set_signal_param(pln_network *net, pln_param param);
PLN_API pln_param pln_network_signal_param(const pln_network *net);
/** @brief Springs: 0. Others: power delivered by the sources: sum over Dirichlet nodes of p_i times the current
 *  the node sends into the network (from the edge currents, KCL at the fixed node), plus
 *  sum p_i J_i over the injections, plus v_e times the source current of each edge source.
 *  Equals pln_network_power when Kirchhoff's current law holds at every free node. */
PLN_API double pln_network_supplied_power(const pln_network *net, const double *p);

/** The worst violation of Kirchhoff's current law by a solution (pln_network_kcl_check). */
typedef struct pln_kcl_report {
    pln_idx node;    /**< the free node (the root of its source tree) worst off, or -1 */
    double residual; /**< current (A) that node sends out beyond what it receives */
    double relative; /**< |residual| / the sum of the magnitudes of its currents */
} pln_kcl_report;

/** @brief The free node (or tree of nodes joined by edge sources) where the solution p
 *  violates Kirchhoff's current law the most, relative to the currents through it. A solve
 *  in double precision leaves ~1e-15; conductances spanning ~1e16 (1e-12 S in series with
 *  1e12 S) leave O(1). Springs: no check (node -1).
 *  @return PLN_OK or PLN_ENOMEM. Complexity O(n + m). */
PLN_API pln_status pln_network_kcl_check(pln_ctx *ctx, const pln_network *net, const double *p,
                                         pln_kcl_report *out);

/* ------------------------------------------------------------------ springs (SPEC 1.2) */

/** @brief Springs: view of the rest lengths l_e (m), valid until the next set call; NULL for
 *  other kinds. The stiffnesses are pln_network_conductances (k_e, N/m). */
PLN_API const double *pln_network_rest_lengths(const pln_network *net);
/** @brief Springs: the reference lengths L0_e = |X0_tail - X0_head| (m) of the positions the
 *  network was built on (strains are measured against them); NULL for other kinds. */
PLN_API const double *pln_network_reference_lengths(const pln_network *net);
/** @brief Springs: set every rest length (copied), O(m). @return PLN_EINVAL naming the first
 *  edge whose l is not finite and >= 0, or when the network is not a spring network. */
PLN_API pln_status pln_network_set_rest_lengths(pln_network *net, const double *l);

/** Which second derivative of the spring energy to assemble. */
typedef enum pln_hessian {
    /** The Hessian: per edge k [n n^T + (1 - l/r)(I - n n^T)]; indefinite under compression. */
    PLN_HESSIAN_FULL = 0,
    /** Gauss-Newton J^T diag(k) J: per edge k n n^T, positive semi-definite. */
    PLN_HESSIAN_GAUSS_NEWTON = 1
} pln_hessian;

/** @brief Springs: refill the reduced matrix values (pln_network_matrix) with the second
 *  derivative of E at positions x (n x d). spring_linear: K whatever x and mode. The pattern
 *  (d x d blocks) never changes. @return PLN_OK, PLN_EINVAL (not a spring network; two nodes
 *  of an edge at the same position with mode FULL, naming the edge). Complexity O(m d^2). */
PLN_API pln_status pln_network_spring_hessian(pln_network *net, const double *x,
                                              pln_hessian mode);
/** @brief Springs: add w times the second derivative of edge e's strain (r_e - L0_e)/L0_e at
 *  positions x to the reduced matrix filled by pln_network_spring_hessian: the curvature of
 *  an imposed strain with Lagrange multiplier w, which the Hessian of a constrained Newton
 *  step needs (without it the step converges linearly, or not at all when w is large).
 *  spring_linear: nothing (its strain is linear in x). @return PLN_OK, PLN_EINVAL (not a
 *  spring edge, or an edge of length 0, naming it). O(d^2). */
PLN_API pln_status pln_network_spring_hessian_add_strain(pln_network *net, const double *x,
                                                        pln_idx e, double w);
/** @brief Springs: Phi = E(x) - sum_i f_i . (x_i - X0_i), the potential energy under the
 *  applied forces f (NULL = stored), and (g not NULL) its gradient over the reduced unknowns
 *  (length n_reduced): minus the net force on each free component. Allocates nothing. */
PLN_API double pln_network_spring_gradient(const pln_network *net, const double *x,
                                           const double *forces, double *g);
/** @brief Springs: extension r_e - L0_e over the reference length L0_e of edge e at positions
 *  x (linearized for spring_linear); if grad is not NULL, its derivative with respect to the
 *  tail's position (d values; the head's is the negative). */
PLN_API double pln_network_edge_strain(const pln_network *net, const double *x, pln_idx e,
                                       double *grad);

/* ------------------------------------------------------------------ elements (SPEC 1.3) */

/** @brief Whether some edge holds a nonlinear element (diode, ideal diode, transistor,
 *  table): the network is then solved by Newton (pln_states), its edge currents, power and
 *  energy are the elements', and pln_network_conductances holds, for a nonlinear edge, its
 *  small-signal conductance at zero drop (informative only). */
PLN_API bool pln_network_is_nonlinear(const pln_network *net);
/** @brief The conductance g_min (S) in parallel with every nonlinear element (0 for a
 *  linear network). */
PLN_API double pln_network_element_gmin(const pln_network *net);
/** @brief The device temperature (K) of the elements' thermal voltage, NaN for a linear
 *  network. */
PLN_API double pln_network_element_temperature(const pln_network *net);
/** @brief Write the network and its stored boundary as a SPICE netlist (ngspice's dialect)
 *  to f: a title comment, node i as n<i> (nodes with zero[i] true, which must be fixed at
 *  0 V, as SPICE's ground 0; zero may be NULL), every resistor R<e> = 1/k_e, every diode
 *  D<e> with its `.model DM<e> D(IS= N= RS=)`, every transistor M<e> with its gate source
 *  VG<e> from g<e> to its source (head) and `.model MM<e> NMOS(LEVEL=1 KP= VTO= LAMBDA=
 *  IS=0)` (bulk tied to the source), every ideal diode a behavioural source B<e> with the
 *  same piecewise-linear current, `.options TEMP= TNOM= GMIN=` when there are devices (the
 *  network's temperature and g_min), every other fixed-potential node a source V<i> n<i> 0,
 *  every injection I<i> 0 n<i>, every edge source VE<e> n<tail> n<head>, then .op and .end.
 *  ngspice's .op of it is the network's steady state. (ngspice 39 computes V_T with the
 *  CODATA 2014 k/q, 3.4e-7 relative from plnet's SI 2019 constants: a few 1e-7 V on a
 *  conducting junction.)
 *  @return PLN_OK; PLN_EINVAL for a flow or spring network, or naming an I(V) table edge
 *  (no SPICE element is that interpolant; nothing is written); PLN_EIO. O(n + m). */
PLN_API pln_status pln_network_write_spice(const pln_network *net, FILE *f, const char *title,
                                           const bool *zero);
/** @brief Store the elements into the graph's edge attributes (the graph must have the
 *  network's edges): "element" and every parameter some edge has, by its name (NaN on edges
 *  without it), so that a GraphML file of the graph rebuilds the same network (with learned
 *  gates). A linear network stores nothing. @return PLN_OK, PLN_EDIM (edge counts differ),
 *  PLN_ENOMEM. O(m) per parameter. */
PLN_API pln_status pln_network_element_attrs_store(const pln_network *net, pln_graph *g);
/** @brief Element kind of edge e (PLN_ELEM_RESISTOR on a linear network or for a bad e). */
PLN_API pln_element_kind pln_network_element_kind(const pln_network *net, pln_idx e);
/** @brief Parameter p of edge e (its unit: pln_eparam_unit), NaN when edge e's kind has no
 *  such parameter. */
PLN_API double pln_network_element_param(const pln_network *net, pln_idx e, pln_eparam p);
/** @brief Set parameter p of edge e. Changes no pattern; call pln_states_factor after.
 *  @return PLN_OK; PLN_EINVAL naming the edge and the parameter (its key) when the kind has no
 *  such parameter or the value is out of range (I_s, n, K', g_on <= 0; R_s, g_off, v_on,
 *  lambda < 0; not finite; a table index that names no table). O(1). */
PLN_API pln_status pln_network_set_element_param(pln_network *net, pln_idx e, pln_eparam p,
                                                 double value);
/** @brief Current I_e(v) (A, tail -> head) of edge e at drop v (V) and, when g is not NULL,
 *  its conductance dI/dv (S); both include g_min for nonlinear elements. Allocates nothing. */
PLN_API double pln_network_element_current(const pln_network *net, pln_idx e, double v,
                                           double *g);
/** @brief Co-content C_e(v) = integral_0^v I_e (W) of edge e at drop v: k v^2/2 for a
 *  resistor. Its minimum over the free potentials (minus sum J p) is the steady state. */
PLN_API double pln_network_element_cocontent(const pln_network *net, pln_idx e, double v);
/** @brief Operating region of every edge at potentials p (n values) into r (m values). */
PLN_API void pln_network_element_regions(const pln_network *net, const double *p,
                                         pln_region *r);
/** @brief Local signal of parameter p at potentials p (SPEC 3): s_e = 2 dC_e/d theta at the
 *  edge's own drop, theta = parameter `param` of edge e (0 for edges without it). For a
 *  resistor's conductance this is dp_e^2, today's signal (SPEC's factor 2 convention), so
 *  equilibrium propagation's update tends to -2 alpha dC/d theta for every parameter. With
 *  pln_element_options.gate_drop_squared, PLN_EP_GATE's signal is K' dp_e^2 (Dillavou et
 *  al.). Length m. Allocates nothing (a diode with R_s solves its junction per call). */
PLN_API void pln_network_element_signals(const pln_network *net, pln_eparam param,
                                         const double *p, double *s);
/** @brief theta of PLN_DOF_ELEMENT (m values): each edge's learnable parameter
 *  (pln_element_learnable: the conductance of a resistor in S, the gate of a transistor in
 *  V), 0 for an edge whose kind does not learn. */
PLN_API void pln_network_element_theta(const pln_network *net, double *theta);
/** @brief Set each edge's learnable parameter from theta (m values; entries of edges that do
 *  not learn are ignored). @return PLN_OK or PLN_EINVAL naming the first bad edge and key
 *  (nothing changed). O(m). */
PLN_API pln_status pln_network_set_element_theta(pln_network *net, const double *theta);
/** @brief The circuit's potential at node potentials p (n values): Phi(p) = sum_e C_e(V_e) -
 *  sum_i J_i p_i (W) over the edges whose drop is not fixed by the boundary, with the injected
 *  currents J (NULL: the stored ones); when grad is not NULL its gradient over the reduced
 *  unknowns (nr values: the net current leaving each free node group, Kirchhoff's residual,
 *  A); when jacobian is true the reduced matrix (pln_network_matrix) is refilled with the
 *  Jacobian P^T B^T diag(dI/dV) B P (S), positive definite when every free group reaches a
 *  fixed node through elements of positive conductance (g_min > 0 suffices). Returns +inf
 *  when an element's co-content overflows (an exponential far in forward bias). O(m),
 *  allocates nothing. */
PLN_API double pln_network_circuit_eval(pln_network *net, const double *p,
                                        const double *currents, double *grad, bool jacobian);

/* ------------------------------------------------------------------ outputs (SPEC 2) */

typedef enum pln_output_kind {
    /** The potential of a node (resistor, flow). */
    PLN_OUT_NODE = 0,
    /** The drop p_tail - p_head of an edge; springs: its strain (r_e - L0_e)/L0_e against the
     *  reference length (linearized for spring_linear). The rest length is not used, so
     *  that an output depends on theta only through the state (as EP's gradient needs). */
    PLN_OUT_EDGE = 1,
    /** Springs: the displacement x_i - X0_i of a node along axis x, y or z (m). */
    PLN_OUT_NODE_X = 2,
    PLN_OUT_NODE_Y = 3,
    PLN_OUT_NODE_Z = 4
} pln_output_kind;

typedef struct pln_output {
    pln_output_kind kind;
    pln_idx index; /**< node or edge id */
} pln_output;

/** @brief Dense output-selection matrix E_O (n_reduced x n_out, column-major) with
 *  o = E_O^T x + const (springs: the linearization at the reference positions, exact for
 *  spring_linear). @return PLN_EINVAL naming the node or edge whose value is fixed by
 *  the boundary (it cannot be an output), a PLN_OUT_NODE on a spring network (it needs an
 *  axis) or an axis output on another kind or beyond the dimension. */
PLN_API pln_status pln_network_output_matrix(const pln_network *net, pln_idx n_out,
                                             const pln_output *outs, double *E);
/** @brief Read outputs o (length n_out) from node potentials p. */
PLN_API void pln_network_read_outputs(const pln_network *net, pln_idx n_out,
                                      const pln_output *outs, const double *p, double *o);

#ifdef __cplusplus
}
#endif
#endif
