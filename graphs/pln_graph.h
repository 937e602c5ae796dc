/* pln_graph.h — topology: generators (through igraph), node positions, edge/node attributes, role picking, edge-list and GraphML files. */
#ifndef PLN_GRAPH_H
#define PLN_GRAPH_H

#include "pln_common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A graph: n nodes 0..n-1, m oriented edges e = (tail[e] -> head[e]) (SPEC 1: B[e,tail] = +1,
 *  B[e,head] = -1), optional node positions in 2 or 3 dimensions, named real-valued edge and
 *  node attributes, and named string node attributes (e.g. "role"). Opaque; copies what it
 *  keeps. No self-loops; parallel edges are allowed (two resistors in parallel). */
typedef struct pln_graph pln_graph;

/** @brief Graph from explicit edge arrays (copied).
 *  @param[in] ctx  context (borrowed; must outlive the graph)
 *  @param[in] n_nodes number of nodes (>= 1)
 *  @param[in] n_edges number of edges (>= 0)
 *  @param[in] tail,head  edge end points, each in [0, n_nodes), tail != head
 *  @return PLN_OK, PLN_EINVAL (naming the edge), PLN_ENOMEM. Complexity O(n + m). */
PLN_API pln_status pln_graph_create(pln_ctx *ctx, pln_idx n_nodes, pln_idx n_edges,
                                    const pln_idx *tail, const pln_idx *head, pln_graph **out);
/** @brief Deep copy (edges, positions, attributes). */
PLN_API pln_status pln_graph_copy(const pln_graph *g, pln_graph **out);
/** @brief Destroy (NULL allowed). */
PLN_API void pln_graph_destroy(pln_graph *g);

PLN_API pln_idx pln_graph_n_nodes(const pln_graph *g);
PLN_API pln_idx pln_graph_n_edges(const pln_graph *g);
/** @brief View of the tail array (length m), valid until the graph is destroyed. */
PLN_API const pln_idx *pln_graph_tails(const pln_graph *g);
/** @brief View of the head array (length m), valid until the graph is destroyed. */
PLN_API const pln_idx *pln_graph_heads(const pln_graph *g);
PLN_API pln_ctx *pln_graph_ctx(const pln_graph *g);

/** @brief Spatial dimension of the positions: 0 (none), 2 or 3. */
PLN_API int pln_graph_dim(const pln_graph *g);
/** @brief View of node positions, row-major n x dim (metres or lattice units); NULL if none. */
PLN_API const double *pln_graph_positions(const pln_graph *g);
/** @brief Set (copy) node positions, row-major n x dim, dim 2 or 3; dim 0 with xyz NULL
 *  removes them. @return PLN_OK, PLN_EINVAL (other dim or NULL xyz), PLN_ENOMEM. */
PLN_API pln_status pln_graph_set_positions(pln_graph *g, int dim, const double *xyz);

/** @brief Set (copy, replacing) a real edge attribute of length m, e.g. "conductance". */
PLN_API pln_status pln_graph_edge_attr_set(pln_graph *g, const char *name, const double *values);
/** @brief View of an edge attribute, or NULL when the graph has none of that name. */
PLN_API const double *pln_graph_edge_attr(const pln_graph *g, const char *name);
/** @brief Number of edge attributes and the name of the k-th (views). */
PLN_API int pln_graph_n_edge_attrs(const pln_graph *g);
PLN_API const char *pln_graph_edge_attr_name(const pln_graph *g, int k);

/** @brief Set (copy, replacing) a real node attribute of length n. */
PLN_API pln_status pln_graph_node_attr_set(pln_graph *g, const char *name, const double *values);
PLN_API const double *pln_graph_node_attr(const pln_graph *g, const char *name);
PLN_API int pln_graph_n_node_attrs(const pln_graph *g);
PLN_API const char *pln_graph_node_attr_name(const pln_graph *g, int k);

/** @brief Set (copy, replacing) a string node attribute of length n (NULL entries = ""),
 *  e.g. "role" with values "ground", "source", "target", "". */
PLN_API pln_status pln_graph_node_label_set(pln_graph *g, const char *name,
                                            const char *const *values);
/** @brief View of a string node attribute (array of n strings), or NULL. */
PLN_API const char *const *pln_graph_node_label(const pln_graph *g, const char *name);
PLN_API int pln_graph_n_node_labels(const pln_graph *g);
PLN_API const char *pln_graph_node_label_name(const pln_graph *g, int k);

/* ------------------------------------------------------------------ generators
 * Every generator is deterministic for a given seed (igraph's RNG is seeded from it before
 * each random call). Lattices and geometric graphs carry positions (lattice spacing 1). */

/** @brief nx x ny square lattice; node (x, y) has id y*nx + x, position (x, y).
 *  periodic wraps both directions (then positions are still the unwrapped grid) and needs
 *  nx, ny >= 3 (smaller would make self-loops or parallel edges). Edge order: for each node in
 *  id order, its +x edge then its +y edge, oriented from the node to its neighbour.
 *  m = (nx-1) ny + nx (ny-1) open, 2 nx ny periodic.
 *  @return PLN_OK, PLN_EINVAL (key "size" or "periodic"), PLN_ENOMEM. */
PLN_API pln_status pln_graph_square_lattice(pln_ctx *ctx, pln_idx nx, pln_idx ny, bool periodic,
                                            pln_graph **out);
/** @brief Triangular lattice of nx x ny nodes (rows offset by 1/2, row spacing sqrt(3)/2).
 *  Node (x, y) has id y*nx + x and position (x + (y odd ? 1/2 : 0), y sqrt(3)/2); every edge has
 *  length 1 and interior nodes have degree 6. periodic needs nx >= 3 and an even ny >= 4.
 *  m = (nx-1) ny + (ny-1)(2 nx - 1) open, 3 nx ny periodic.
 *  @return PLN_OK, PLN_EINVAL (key "size" or "periodic"), PLN_ENOMEM. */
PLN_API pln_status pln_graph_triangular_lattice(pln_ctx *ctx, pln_idx nx, pln_idx ny,
                                                bool periodic, pln_graph **out);
/** @brief Connected random regular graph (n*degree even, degree < n), no multi-edges; drawn
 *  with igraph_k_regular_game and redrawn (up to 100 tries, derived seeds) until connected.
 *  degree 2 often needs redraws; degree 1 with n > 2 is rejected at once.
 *  @return PLN_OK, PLN_EINVAL (key "degree", or not connected), PLN_ENOMEM, PLN_EDEP. */
PLN_API pln_status pln_graph_random_regular(pln_ctx *ctx, pln_idx n, pln_idx degree,
                                            uint64_t seed, pln_graph **out);
/** @brief Connected Erdos-Renyi G(n, p) graph with p = mean_degree/(n-1): redrawn (up to a
 *  bounded number of tries, then PLN_EINVAL) until connected. G(n, p) is connected with high
 *  probability only for mean_degree > ln(n) (about 6.9 at n = 1000); below that expect
 *  PLN_EINVAL, whose message quotes ln(n). */
PLN_API pln_status pln_graph_erdos_renyi(pln_ctx *ctx, pln_idx n, double mean_degree,
                                         uint64_t seed, pln_graph **out);
/** @brief Random geometric graph in the unit square: n uniform points, edges between points
 *  closer than radius; connected (redrawn up to a bounded number of tries). Carries positions.
 *  Nodes are numbered by increasing x (igraph_grg_game's order).
 *  @return PLN_OK, PLN_EINVAL (key "radius", or not connected: the message suggests a larger
 *  radius), PLN_ENOMEM, PLN_EDEP. */
PLN_API pln_status pln_graph_random_geometric(pln_ctx *ctx, pln_idx n, double radius,
                                             uint64_t seed, pln_graph **out);

/** @brief Give a graph 2-D positions from a force-directed layout (igraph's
 *  Fruchterman-Reingold, 500 iterations, starting from random positions drawn with `seed`, so
 *  the same seed gives the same picture); replaces any positions it had. Coordinates are in
 *  arbitrary units of about one edge length. For pictures of graphs read without positions.
 *  @return PLN_OK, PLN_ENOMEM, PLN_EDEP. Complexity O(500 n^2) for small graphs (igraph
 *  switches to a grid for n > 1000). */
PLN_API pln_status pln_graph_layout(pln_graph *g, uint64_t seed);

/* ------------------------------------------------------------------ structure */

/** @brief Weakly connected components: membership[n] in [0, n_components), numbered in order
 *  of their lowest node (node 0 is always in component 0). @return PLN_OK or PLN_ENOMEM. */
PLN_API pln_status pln_graph_components(const pln_graph *g, pln_idx *membership,
                                        pln_idx *n_components);
/** @brief Degree statistics: min, max, mean (each pointer may be NULL). Cannot fail: if its
 *  O(n) scratch array cannot be allocated, min and max read 0. */
PLN_API void pln_graph_degree_stats(const pln_graph *g, pln_idx *min_degree, pln_idx *max_degree,
                                    double *mean_degree);

/** @brief Pick `count` distinct random nodes not yet taken, marking them taken.
 *  @param[in,out] taken  length n; true = unavailable (and set true for the nodes picked)
 *  @param[in,out] rng    the run's generator
 *  @param[out] out       length count, in the order drawn
 *  @return PLN_OK, or PLN_EINVAL when fewer than count nodes are free. */
PLN_API pln_status pln_graph_pick_nodes(const pln_graph *g, pln_idx count, bool *taken,
                                        pln_rng *rng, pln_idx *out);

/* ------------------------------------------------------------------ files */

/** @brief Read an edge list: one edge per line "tail head [value ...]", whitespace or comma
 *  separated, '#' comments, a UTF-8 byte-order mark at the start skipped. The first line may
 *  be a header naming the columns: then every token on it is a name (a letter or '_', then
 *  letters, digits, '_', '.', '-'), no name twice, and the value columns (third on) become
 *  edge attributes of those names, read by name. When `value_name` is not NULL the caller reads
 *  edge values: a header column "weight" (networkx's and igraph's name) is read as
 *  `value_name`, and every other value column must be one the library reads (conductance,
 *  resistance, radius, length, stiffness, rest_length, or `value_name`), with not both
 *  conductance and resistance. Without a header the third column is named `value_name`
 *  ("weight" when NULL) and further columns "col3", "col4", .... A first line that is neither
 *  two node ids nor a header is an error, as is any later line that is not an edge. Node ids
 *  are 0-based integers; n = max id + 1 (so nodes above the largest id in the file are lost).
 *  Every line must have the same number of columns; self-loops are parse errors.
 *  @param[in] value_name  the attribute the caller reads edge values from; may be NULL (then
 *                         any header names are kept as they are)
 *  @return PLN_OK, PLN_EIO (cannot open, naming the file), PLN_EPARSE ("file:line: ..."),
 *          PLN_ENOMEM. Complexity: O(m) time and memory. */
PLN_API pln_status pln_graph_read_edgelist(pln_ctx *ctx, const char *path, const char *value_name,
                                           pln_graph **out);
/** @brief Write "tail,head[,attr...]" CSV with a header line, every edge attribute as a
 *  column (atomically). */
PLN_API pln_status pln_graph_write_edgelist(const pln_graph *g, const char *path);
/** @brief Read GraphML (networkx or igraph output): nodes in file order get ids 0..n-1
 *  (a node attribute "id" holds the file's node ids as strings when they are not 0..n-1),
 *  numeric edge/node attributes become attributes, node attributes x, y (and z) become
 *  positions, string node attributes become labels. Directed or undirected both accepted.
 *  Ids "0".."n-1" (networkx) and "n0".."n{n-1}" (igraph, plnet) count as 0..n-1. Key types
 *  int, long, float, double and boolean are numeric; a value missing on a node or edge takes
 *  the key's <default>, else NaN (numbers) or "" (strings). String edge attributes, graph-level
 *  data and tool extensions (yfiles graphics) are ignored; only the first <graph> is read.
 *  Edge orientation is the document's source -> target.
 *  @return PLN_OK, PLN_EIO (cannot open, naming the file), PLN_EPARSE ("file:line: ..." for
 *  malformed XML or GraphML, unknown node, self-loop, non-numeric value), PLN_ENOMEM. */
PLN_API pln_status pln_graph_read_graphml(pln_ctx *ctx, const char *path, pln_graph **out);
/** @brief Write GraphML (undirected, edge order and orientation preserved as the document
 *  order of <edge source= target=>), with every attribute declared by <key>, positions as
 *  node attributes x, y (z), labels as string node attributes; atomically. Loads in
 *  networkx.read_graphml and igraph's read_graph_graphml. Reals are written with 17
 *  significant digits, so a round trip is exact; node ids are "n0".."n{n-1}"; empty labels are
 *  left out. @return PLN_OK, PLN_EINVAL (a node attribute named like a position axis when the
 *  graph has positions), PLN_EIO, PLN_ENOMEM. */
PLN_API pln_status pln_graph_write_graphml(const pln_graph *g, const char *path);

/* ------------------------------------------------------------------ SPICE netlists */

/** One SPICE source as written: `Vname n+ n- [DC] value` (volts, p(n+) - p(n-) = value) or
 *  `Iname n+ n- [DC] value` (amperes flowing from n+ through the source to n-). */
typedef struct pln_spice_source {
    pln_idx pos;   /**< node id of n+ */
    pln_idx neg;   /**< node id of n- */
    double value;  /**< V or A */
    long line;     /**< line of the netlist where the element starts */
    pln_idx edge;  /**< V between two non-ground nodes: the resistor edge whose drop it fixes;
                        else -1 */
} pln_spice_source;

/** The sources of a netlist, as written and as boundary conditions (SPEC 1.1) ready for a
 *  pln_boundary. Arrays are owned by the struct: free with pln_spice_sources_free. */
typedef struct pln_spice_sources {
    pln_idx ground;               /**< node id of SPICE ground ("0" or "gnd"), or -1 */
    pln_idx n_v;
    pln_spice_source *v;          /**< voltage sources in file order */
    pln_idx n_i;
    pln_spice_source *i;          /**< current sources in file order */
    /** Fixed potentials: the ground (0 V, first when present), then each V source with one
     *  end on ground (n+ grounded gives p(n-) = -value). */
    pln_idx n_dirichlet;
    pln_idx *dirichlet_nodes;
    double *dirichlet_values;     /**< V */
    /** Net injected current per node (A, into the node; ground's share dropped): a source
     *  `I n+ n- v` adds -v at n+ and +v at n-. Each node appears once. */
    pln_idx n_currents;
    pln_idx *current_nodes;
    double *current_values;
    /** Edge sources: a V source between two non-ground nodes fixes the drop p_tail - p_head
     *  of the first resistor joining them (value, or -value when the resistor runs n- -> n+);
     *  the resistor stays in the network, in parallel with the source, as in SPICE. */
    pln_idx n_sources;
    pln_idx *source_edges;
    double *source_values;        /**< V */
} pln_spice_sources;

/** @brief Free the arrays of a pln_spice_sources (NULL allowed) and empty it. */
PLN_API void pln_spice_sources_free(pln_spice_sources *s);

/** @brief Read a SPICE netlist (the DC subset of SPICE3/ngspice) as a graph of two-terminal
 *  elements: resistors, diodes and level-1 NMOS transistors (SPEC 1.3).
 *
 *  Syntax: the first line is the title (ignored, as in SPICE); `*` lines are comments, `;`
 *  anywhere and `$` at the start of a word begin inline comments; a line starting with `+`
 *  continues the previous element; everything is case-insensitive. Elements:
 *  `Rname n1 n2 value`, `Vname n+ n- [DC] value [AC ...]`, `Iname n+ n- [DC] value [AC ...]`,
 *  `Dname anode cathode model [area] [OFF]` and `Mname nd ng ns nb model [W=w] [L=l]
 *  [AD= AS= PD= PS= NRD= NRS=] [OFF]`, with `.model name D(IS= N= RS=)` and `.model name
 *  NMOS(LEVEL=1 KP= VTO= LAMBDA= GAMMA=0 IS=0)` (SPICE's defaults for what is not given;
 *  parameters that only shape capacitance, noise or temperature dependence are accepted and
 *  have no effect on the operating point; any other is an error naming it). A transistor's
 *  bulk must be its source, and its gate must be held by exactly one voltage source from the
 *  gate node to its source node (plnet's transistor holds V_GS): that source's value becomes
 *  the edge's "gate" and the gate node and its source leave the circuit. A diode's area
 *  multiplies IS and divides RS; a transistor's W/L (ngspice's default 100 um each)
 *  multiplies KP. TEMP/TNOM other than 27 C (.options, .temp) is refused when the netlist has
 *  devices. Values take SPICE scale suffixes T G MEG K M U N P F MIL (M is milli, MEG mega)
 *  and any letters after them are ignored as units ("1kOhm" = 1000, "2.2uF" = 2.2e-6,
 *  "1F" = 1e-15). Dot cards (.op, .print, ...) and .control/.endc blocks are skipped; `.end`
 *  stops the reading; .subckt, .include and .lib are rejected. Node names are arbitrary
 *  strings; `0` and `gnd` are the ground.
 *
 *  Result: nodes numbered in order of first appearance (ground is one node, named "0"; gate
 *  nodes are not nodes), one edge per R, D or M in file order oriented n1 -> n2 (anode ->
 *  cathode, drain -> source), edge attributes "resistance" (ohm) and "conductance" (S, 1/R;
 *  NaN on devices) and, when the netlist has devices, "element" (0 resistor, 1 diode, 3 nmos)
 *  with "diode_is", "diode_n", "diode_rs" and "kp", "vto", "lambda", "gate" (NaN where an
 *  edge's kind has no such parameter), node label "name" (lower-cased SPICE names). V
 *  sources must go to ground or lie across an edge (then they become an edge source on it):
 *  plnet fixes potentials of nodes and drops of edges, and a source between two nodes joined
 *  by no edge has no edge to fix, so it is an error rather than an invented edge.
 *
 *  @param[in] ctx context (borrowed)
 *  @param[in] path netlist file
 *  @param[out] out the graph (unchanged on error)
 *  @param[out] sources the sources (may be NULL to drop them); emptied on error
 *  @return PLN_OK; PLN_EIO (cannot open, naming the file); PLN_EPARSE ("file:line: ..." for
 *  an unknown element, too few fields, a bad value, R <= 0, an element joining a node to
 *  itself, two V sources fixing one node, unsupported cards or model parameters, an
 *  undefined model, a gate not held against its transistor's source, no edges); PLN_EINVAL
 *  ("file:line: ..." for a V source between non-ground nodes with no edge across it);
 *  PLN_ENOMEM. Complexity O(size of the file + m) expected (hashed node names), plus
 *  O(m) per V source between non-ground nodes and O(n_v) per transistor. */
PLN_API pln_status pln_graph_read_spice(pln_ctx *ctx, const char *path, pln_graph **out,
                                        pln_spice_sources *sources);

#ifdef __cplusplus
}
#endif
#endif
