/* graph_impl.h — the layout of pln_graph and the igraph glue shared by graphs/ files only. */
#ifndef PLN_GRAPH_IMPL_H
#define PLN_GRAPH_IMPL_H

#include "pln_graph.h"
#include "pln_internal.h"

#include <inttypes.h>

typedef struct pln_i_real_attr {
    char *name;
    double *v;
} pln_i_real_attr;

typedef struct pln_i_label_attr {
    char *name;
    char **v; /* every entry allocated, "" rather than NULL */
} pln_i_label_attr;

struct pln_graph {
    pln_ctx *ctx;
    pln_idx n;
    pln_idx m;
    pln_idx *tail;
    pln_idx *head;
    int dim;
    double *pos;
    int n_eattr;
    pln_i_real_attr *eattr;
    int n_nattr;
    pln_i_real_attr *nattr;
    int n_labels;
    pln_i_label_attr *labels;
};

/* Copy of s (NULL when out of memory). */
char *pln_i_strdup(const char *s);

/* Graph that takes ownership of tail/head (allocated with pln_i_*), after checking them; on
 * failure the arrays are freed. */
pln_status pln_i_graph_adopt(pln_ctx *ctx, pln_idx n, pln_idx m, pln_idx *tail, pln_idx *head,
                             pln_graph **out);

#endif
