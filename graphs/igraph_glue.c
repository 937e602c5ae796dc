/* igraph_glue.c — non-aborting igraph handlers, igraph error mapping and igraph -> pln_graph. */
#include "igraph_glue.h"

#include <stdio.h>
#include <string.h>

/* igraph's handlers carry no user pointer, so the reason is captured here and copied into the
 * caller's context right after the failing call. */
static _Thread_local char last_reason[512];
static _Thread_local pln_ctx *warn_ctx;

static void error_handler(const char *reason, const char *file, int line, igraph_error_t err)
{
    snprintf(last_reason, sizeof last_reason, "%s (%s)", reason != NULL ? reason : "",
             igraph_strerror(err));
    (void)file;
    (void)line;
    /* Igraph expects the handler to release the partially built objects on the finally stack
     * before returning control to the caller. */
    IGRAPH_FINALLY_FREE();
}

static void warning_handler(const char *reason, const char *file, int line)
{
    (void)file;
    (void)line;
    if (warn_ctx != NULL) {
        pln_i_log(warn_ctx, PLN_LOG_WARN, "igraph: %s", reason != NULL ? reason : "");
    }
}

void pln_i_igraph_enter(pln_ctx *ctx, pln_i_igraph_guard *guard)
{
    last_reason[0] = '\0';
    guard->old_error = igraph_set_error_handler(error_handler);
    guard->old_warning = igraph_set_warning_handler(warning_handler);
    guard->old_ctx = warn_ctx;
    warn_ctx = ctx;
}

void pln_i_igraph_leave(pln_i_igraph_guard *guard)
{
    igraph_set_error_handler(guard->old_error);
    igraph_set_warning_handler(guard->old_warning);
    warn_ctx = guard->old_ctx;
}

pln_status pln_i_igraph_status(pln_ctx *ctx, igraph_error_t err, const char *what,
                               const char *file, int line)
{
    pln_status code = PLN_EDEP;
    switch (err) {
    case IGRAPH_ENOMEM:
        code = PLN_ENOMEM;
        break;
    case IGRAPH_EINVAL:
        code = PLN_EINVAL;
        break;
    case IGRAPH_PARSEERROR:
        code = PLN_EPARSE;
        break;
    case IGRAPH_EFILE:
        code = PLN_EIO;
        break;
    default:
        break;
    }
    return pln_i_error(ctx, code, file, line, -1, -1, NULL, "%s: igraph: %s", what,
                       last_reason[0] != '\0' ? last_reason : igraph_strerror(err));
}

void pln_i_igraph_seed(uint64_t seed)
{
    /* Seeding the default PCG generator cannot fail. */
    igraph_rng_seed(igraph_rng_default(), (igraph_uint_t)seed);
}

pln_status pln_i_graph_from_igraph(pln_ctx *ctx, const igraph_t *ig, pln_graph **out)
{
    pln_status st = PLN_OK;
    pln_idx *tail = NULL;
    pln_idx *head = NULL;
    igraph_vector_int_t el;
    bool el_init = false;
    pln_idx n = (pln_idx)igraph_vcount(ig);
    pln_idx m = (pln_idx)igraph_ecount(ig);

    PLN_IGRAPH_GOTO(ctx, st, "reading igraph edges", igraph_vector_int_init(&el, 0));
    el_init = true;
    PLN_IGRAPH_GOTO(ctx, st, "reading igraph edges", igraph_get_edgelist(ig, &el, false));
    PLN_ALLOC_GOTO(ctx, st, tail, m);
    PLN_ALLOC_GOTO(ctx, st, head, m);
    for (pln_idx e = 0; e < m; e++) {
        tail[e] = (pln_idx)VECTOR(el)[2 * e];
        head[e] = (pln_idx)VECTOR(el)[2 * e + 1];
    }
    st = pln_i_graph_adopt(ctx, n, m, tail, head, out);
    tail = NULL;
    head = NULL;
done:
    if (el_init) {
        igraph_vector_int_destroy(&el);
    }
    pln_i_free(tail);
    pln_i_free(head);
    return st;
}
