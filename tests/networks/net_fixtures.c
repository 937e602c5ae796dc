/* net_fixtures.c — small graph builders and a dense KKT oracle shared by the network and states tests. */
#include "net_fixtures.h"

#include <stdlib.h>

pln_idx fx_random_graph(pln_rng *rng, pln_idx n, pln_idx extra, pln_idx *tail, pln_idx *head)
{
    pln_idx m = 0;
    pln_idx *perm = malloc((size_t)n * sizeof *perm);
    pln_rng_permutation(rng, n, perm);
    for (pln_idx a = 1; a < n; a++) {
        /* attach each node to an earlier one in a random order: a random tree */
        pln_idx b = pln_rng_index(rng, a);
        tail[m] = perm[a];
        head[m] = perm[b];
        m++;
    }
    for (pln_idx a = 0; a < extra; a++) {
        pln_idx i = pln_rng_index(rng, n), j = pln_rng_index(rng, n);
        if (i == j) {
            continue;
        }
        tail[m] = i;
        head[m] = j;
        m++;
    }
    free(perm);
    return m;
}

int fx_kkt_potentials(pln_idx n, pln_idx m, const pln_idx *tail, const pln_idx *head,
                      const double *k, const pln_boundary *bc, double *p)
{
    const size_t nc = (size_t)(bc->n_dirichlet + bc->n_sources);
    const size_t N = (size_t)n + nc;
    double *A = calloc(N * N, sizeof *A);
    double *b = calloc(N, sizeof *b);
    for (pln_idx e = 0; e < m; e++) {
        size_t t = (size_t)tail[e], h = (size_t)head[e];
        A[t * N + t] += k[e];
        A[h * N + h] += k[e];
        A[t * N + h] -= k[e];
        A[h * N + t] -= k[e];
    }
    for (pln_idx a = 0; a < bc->n_currents; a++) {
        b[bc->current_nodes[a]] += bc->current_values ? bc->current_values[a] : 0.0;
    }
    size_t row = (size_t)n;
    for (pln_idx a = 0; a < bc->n_dirichlet; a++, row++) {
        size_t i = (size_t)bc->dirichlet_nodes[a];
        A[row * N + i] = 1.0;
        A[i * N + row] = 1.0;
        b[row] = bc->dirichlet_values ? bc->dirichlet_values[a] : 0.0;
    }
    for (pln_idx a = 0; a < bc->n_sources; a++, row++) {
        pln_idx e = bc->source_edges[a];
        size_t t = (size_t)tail[e], h = (size_t)head[e];
        A[row * N + t] = 1.0;
        A[row * N + h] = -1.0;
        A[t * N + row] = 1.0;
        A[h * N + row] = -1.0;
        b[row] = bc->source_values ? bc->source_values[a] : 0.0;
    }
    int rc = ts_dense_solve(A, b, N);
    for (pln_idx i = 0; i < n; i++) {
        p[i] = b[i];
    }
    free(A);
    free(b);
    return rc;
}
