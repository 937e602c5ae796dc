/* config_impl.h — the rows of the configuration table as the experiment's own files see them: when a key is written, and by which writer. */
#ifndef PLN_CONFIG_IMPL_H
#define PLN_CONFIG_IMPL_H

#include "pln_experiment.h"
#include "pln_internal.h"

/* When a key is written into the resolved configuration (and checked against others). */
enum {
    C_ALWAYS = 0,
    C_GEN,         /* network.graph is a generator */
    C_FILE,        /* network.graph is a file */
    C_NOT_SPRING,  /* resistor and flow networks */
    C_SPRING,      /* spring networks */
    C_RADIUS,      /* radii are drawn (network.edges.radius given) */
    C_REST_LENGTH, /* springs whose rest lengths are drawn */
    C_BOTH_RATE,   /* learning.dof both with its own rest-length rate */
    C_ELEMENTS,    /* a resistor network whose elements differ from the defaults, or that
                      learns with dof element (pln_i_config_elements_used) */
    C_GATES,       /* learning.dof element */
    C_TEMPORAL,    /* learning.learner temporal (the protocol section) */
    C_NEVER        /* aliases */
};

/* Writers of keys whose text is not their value's alone. */
enum {
    W_NONE = 0,
    W_GROUND,       /* the ground applied */
    W_ROLE_VALUES,  /* {nodes, values} */
    W_ROLE_EDGES,   /* {edges, values} */
    W_ROLE_INPUTS,  /* {nodes|random|edges, values[, axis]} # picked */
    W_ROLE_OUTPUTS, /* {nodes|random|edges[, axis]} # picked */
    W_PINS,
    W_FORCES,
    W_DOF           /* conductance or stiffness by the network kind */
};

/* A row: the public key first, so a pln_key pointer is a row pointer. */
typedef struct pln_i_key_row {
    pln_key k;
    int when;
    int writer;
} pln_i_key_row;

const pln_i_key_row *pln_i_config_row(const pln_key *k);
bool pln_i_config_written(const pln_i_key_row *r, const pln_experiment_desc *d);
/* Whether a description uses network.elements: a resistor network with an element key away
 * from its default, or learning with dof element. */
bool pln_i_config_elements_used(const pln_experiment_desc *d);
int64_t pln_i_config_get_int(const pln_experiment_desc *d, const pln_key *k);

/* What an experiment knows beyond its description: the ground applied (a netlist may bring
 * its own) and the nodes drawn for random roles. */
typedef struct pln_i_config_extras {
    bool ground_known;
    const pln_idx *ground;
    pln_idx n_ground;
    const pln_idx *picked[2];
    pln_idx n_picked[2];
    /* The absolute folder of the file being written: absolute paths (task.data,
     * network.graph.file) are written relative to it, so the file and its folder can move
     * together with their data. NULL: as they are. */
    const char *rel_base;
} pln_i_config_extras;

/* The format of a graph file: `format`, or by the file's extension for PLN_FORMAT_AUTO
 * (experiment.c). */
pln_graph_format pln_i_graph_format(const char *file, pln_graph_format format);

/* A key's value as the resolved file writes it (after "key: "), for the documentation. */
size_t pln_i_config_value_text(const pln_experiment_desc *d, const pln_key *k, char *buf,
                               size_t size);

size_t pln_i_config_yaml(const pln_experiment_desc *d, unsigned flags,
                         const pln_i_config_extras *x, char *buf, size_t size);

#endif
