/* layout.c — node positions for graphs that have none: igraph's Fruchterman-Reingold layout, seeded. */
#include "igraph_glue.h"

#include <math.h>
#include <string.h>

pln_status pln_graph_layout(pln_graph *g, uint64_t seed)
{
    pln_ctx *ctx = g->ctx;
    pln_status st = PLN_OK;
    pln_i_igraph_guard guard;
    igraph_t ig;
    bool ig_init = false;
    igraph_vector_int_t edges;
    bool edges_init = false;
    igraph_matrix_t xy;
    bool xy_init = false;
    double *pos = NULL;

    pln_i_igraph_enter(ctx, &guard);
    PLN_IGRAPH_GOTO(ctx, st, "layout", igraph_vector_int_init(&edges, 2 * g->m));
    edges_init = true;
    for (pln_idx e = 0; e < g->m; e++) {
        VECTOR(edges)[2 * e] = g->tail[e];
        VECTOR(edges)[2 * e + 1] = g->head[e];
    }
    PLN_IGRAPH_GOTO(ctx, st, "layout", igraph_create(&ig, &edges, g->n, IGRAPH_UNDIRECTED));
    ig_init = true;
    PLN_IGRAPH_GOTO(ctx, st, "layout", igraph_matrix_init(&xy, 0, 0));
    xy_init = true;
    /* FR starts from random positions drawn from igraph's RNG: seeding makes it repeatable. */
    pln_i_igraph_seed(seed);
    PLN_IGRAPH_GOTO(ctx, st, "layout",
                    igraph_layout_fruchterman_reingold(&ig, &xy, false, 500, sqrt((double)g->n),
                                                       IGRAPH_LAYOUT_AUTOGRID, NULL, NULL,
                                                       NULL, NULL, NULL));
    PLN_ALLOC_GOTO(ctx, st, pos, 2 * g->n);
    for (pln_idx i = 0; i < g->n; i++) {
        pos[2 * i] = MATRIX(xy, i, 0);
        pos[2 * i + 1] = MATRIX(xy, i, 1);
    }
    PLN_TRY_GOTO(st, pln_graph_set_positions(g, 2, pos));
done:
    if (xy_init) {
        igraph_matrix_destroy(&xy);
    }
    if (ig_init) {
        igraph_destroy(&ig);
    }
    if (edges_init) {
        igraph_vector_int_destroy(&edges);
    }
    pln_i_igraph_leave(&guard);
    pln_i_free(pos);
    return st;
}
