/* circuit_fixtures.h — small circuits of resistors, diodes, ideal diodes and transistors, random circuits, and an independent Kirchhoff check for the circuit tests. */
#ifndef PLN_CIRCUIT_FIXTURES_H
#define PLN_CIRCUIT_FIXTURES_H

#include "pln_common.h"
#include "pln_graph.h"
#include "pln_network.h"
#include "pln_states.h"
#include "test_support.h"

#include <stdio.h>

/* One edge: its ends, kind and parameters in the kind's order (resistor: k; diode: I_s, n,
 * R_s; ideal diode: g_on, g_off, v_on; nmos: K', V_th, lambda, gate; table: index). */
typedef struct cf_edge {
    pln_idx t, h;
    pln_element_kind kind;
    double par[4];
} cf_edge;

/* A graph of n nodes with these edges, its "element" and parameter attributes set (NaN where
 * an edge's kind has no such parameter). */
pln_graph *cf_graph(pln_ctx *ctx, pln_idx n, pln_idx m, const cf_edge *edges);

/* A random connected circuit of n nodes (a ring with chords), each edge a resistor, a diode
 * (either way round) or a transistor with a fixed gate, drawn with the given shares; node 0
 * is ground, n_v further nodes are held at random potentials in [-vmax, vmax], n_i nodes get
 * random currents. Arrays are malloc'ed; free with cf_random_free. */
typedef struct cf_random {
    pln_idx n, m;
    cf_edge *edges;
    pln_idx n_dir;
    pln_idx *dir_nodes;
    double *dir_vals;
    pln_idx n_cur;
    pln_idx *cur_nodes;
    double *cur_vals;
} cf_random;
void cf_random_circuit(uint64_t seed, pln_idx n, pln_idx chords, double p_diode, double p_nmos,
                       pln_idx n_v, double vmax, pln_idx n_i, double imax, cf_random *out);
void cf_random_free(cf_random *r);

/* The network of a random circuit (o may be NULL: default options). */
pln_network *cf_network(pln_ctx *ctx, const cf_random *r, const pln_network_options *o,
                        pln_graph **g_out);

/* Largest net current (A) leaving a free node, from the element currents at potentials p and
 * the injections of the network's boundary, over nodes that are not fixed and not in skip
 * (may be NULL). */
double cf_kcl_residual(const pln_network *net, const double *p, const bool *skip);

/* Write the circuit as an ngspice deck (D and M elements with their .model lines, the gate
 * held by a source to the transistor's head, sources, tight tolerances, .op, and a .control
 * block writing the node voltages to raw_path in ASCII). Node i is SPICE node n<i>, node 0
 * is ground. temperature_c: the .options TEMP/TNOM (C). */
void cf_write_ngspice(FILE *f, const cf_random *r, const char *raw_path, double temperature_c);

/* Node potentials from an ngspice ASCII raw file: v[i] for SPICE node n<i> (ground 0);
 * returns how many nodes were found. */
pln_idx cf_read_ngspice_raw(const char *path, pln_idx n, double *v);

/* Whether ngspice runs here. */
bool cf_have_ngspice(void);

#endif
