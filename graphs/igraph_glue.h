/* igraph_glue.h — calling igraph safely: non-aborting handlers, status mapping, seeding. */
#ifndef PLN_IGRAPH_GLUE_H
#define PLN_IGRAPH_GLUE_H

#include "graph_impl.h"

#include <igraph.h>

/* Handlers are process-global in igraph 0.10, so each entry point installs ours for the length
 * of its igraph calls and puts the previous ones back. */
typedef struct pln_i_igraph_guard {
    igraph_error_handler_t *old_error;
    igraph_warning_handler_t *old_warning;
    pln_ctx *old_ctx;
} pln_i_igraph_guard;

void pln_i_igraph_enter(pln_ctx *ctx, pln_i_igraph_guard *guard);
void pln_i_igraph_leave(pln_i_igraph_guard *guard);

/* Map an igraph error to a status and record igraph's reason, naming what was being done. */
pln_status pln_i_igraph_status(pln_ctx *ctx, igraph_error_t err, const char *what,
                               const char *file, int line);

/* Run an igraph call; on failure set st and jump to `done`. */
#define PLN_IGRAPH_GOTO(ctx, st, what, call)                                                 \
    do {                                                                                     \
        igraph_error_t pln_ig_err_ = (call);                                                 \
        if (pln_ig_err_ != IGRAPH_SUCCESS) {                                                 \
            (st) = pln_i_igraph_status((ctx), pln_ig_err_, (what), __FILE__, __LINE__);      \
            goto done;                                                                       \
        }                                                                                    \
    } while (0)

/* Seed igraph's default RNG, so a generator call is bit-identical for a given seed. */
void pln_i_igraph_seed(uint64_t seed);

/* Graph from an igraph graph's edge list (tail = first end point igraph reports). */
pln_status pln_i_graph_from_igraph(pln_ctx *ctx, const igraph_t *ig, pln_graph **out);

#endif
