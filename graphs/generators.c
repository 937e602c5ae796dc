/* generators.c — lattices (built by hand) and random graphs (igraph, seeded, connected). */
#include "igraph_glue.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

/* Redraws allowed before a connected random graph is declared out of reach. */
enum { MAX_TRIES = 100 };

/* Append edge (a -> b) to growing arrays sized in advance by the caller. */
static void push_edge(pln_idx *tail, pln_idx *head, pln_idx *m, pln_idx a, pln_idx b)
{
    tail[*m] = a;
    head[*m] = b;
    (*m)++;
}

static pln_status check_lattice(pln_ctx *ctx, const char *what, pln_idx nx, pln_idx ny,
                                bool periodic, pln_idx min_x, pln_idx min_y)
{
    if (nx < 1 || ny < 1) {
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "size", "%s lattice size must be positive (got %" PRId64
                     " x %" PRId64 ")", what, nx, ny);
    }
    if (nx > (pln_idx)1 << 28 || ny > (pln_idx)1 << 28 || nx * ny > (pln_idx)1 << 40) {
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "size", "%s lattice %" PRId64 " x %" PRId64
                     " is too large", what, nx, ny);
    }
    /* Smaller periodic lattices would wrap onto self-loops or duplicate edges. */
    if (periodic && (nx < min_x || ny < min_y)) {
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "periodic",
                     "periodic %s lattice needs at least %" PRId64 " x %" PRId64
                     " nodes (got %" PRId64 " x %" PRId64 ")",
                     what, min_x, min_y, nx, ny);
    }
    return PLN_OK;
}

/* The graph of a lattice's edges (tail and head are adopted: freed by the graph, or here on
 * failure) with its 2-D positions (copied). *out is set only on success. */
static pln_status lattice_finish(pln_ctx *ctx, pln_idx n, pln_idx m, pln_idx *tail,
                                 pln_idx *head, const double *pos, pln_graph **out)
{
    pln_graph *g = NULL;
    /* Adopt frees the arrays even when it fails. */
    PLN_TRY(pln_i_graph_adopt(ctx, n, m, tail, head, &g));
    pln_status st = pln_graph_set_positions(g, 2, pos);
    if (st != PLN_OK) {
        pln_graph_destroy(g);
        return st;
    }
    *out = g;
    return PLN_OK;
}

pln_status pln_graph_square_lattice(pln_ctx *ctx, pln_idx nx, pln_idx ny, bool periodic,
                                    pln_graph **out)
{
    pln_status st = PLN_OK;
    pln_idx *tail = NULL;
    pln_idx *head = NULL;
    double *pos = NULL;
    PLN_TRY(check_lattice(ctx, "square", nx, ny, periodic, 3, 3));
    pln_idx n = nx * ny;
    pln_idx cap = 2 * n;
    pln_idx m = 0;
    PLN_ALLOC_GOTO(ctx, st, tail, cap);
    PLN_ALLOC_GOTO(ctx, st, head, cap);
    PLN_ALLOC_GOTO(ctx, st, pos, 2 * n);
    for (pln_idx y = 0; y < ny; y++) {
        for (pln_idx x = 0; x < nx; x++) {
            pln_idx i = y * nx + x;
            pos[2 * i] = (double)x;
            pos[2 * i + 1] = (double)y;
            if (x + 1 < nx || periodic) {
                push_edge(tail, head, &m, i, y * nx + (x + 1) % nx);
            }
            if (y + 1 < ny || periodic) {
                push_edge(tail, head, &m, i, ((y + 1) % ny) * nx + x);
            }
        }
    }
    st = lattice_finish(ctx, n, m, tail, head, pos, out);
    tail = NULL;
    head = NULL;
done:
    pln_i_free(tail);
    pln_i_free(head);
    pln_i_free(pos);
    return st;
}

pln_status pln_graph_triangular_lattice(pln_ctx *ctx, pln_idx nx, pln_idx ny, bool periodic,
                                        pln_graph **out)
{
    pln_status st = PLN_OK;
    pln_idx *tail = NULL;
    pln_idx *head = NULL;
    double *pos = NULL;
    PLN_TRY(check_lattice(ctx, "triangular", nx, ny, periodic, 3, 4));
    if (periodic && ny % 2 != 0) {
        /* Odd rows are shifted by 1/2; wrapping an odd number of rows would meet a row with
         * the same shift and break the triangles along the seam. */
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "periodic",
                     "periodic triangular lattice needs an even number of rows (got %" PRId64 ")",
                     ny);
    }
    pln_idx n = nx * ny;
    pln_idx cap = 3 * n;
    pln_idx m = 0;
    const double row = sqrt(3.0) / 2.0;
    PLN_ALLOC_GOTO(ctx, st, tail, cap);
    PLN_ALLOC_GOTO(ctx, st, head, cap);
    PLN_ALLOC_GOTO(ctx, st, pos, 2 * n);
    for (pln_idx y = 0; y < ny; y++) {
        bool odd = y % 2 != 0;
        for (pln_idx x = 0; x < nx; x++) {
            pln_idx i = y * nx + x;
            pos[2 * i] = (double)x + (odd ? 0.5 : 0.0);
            pos[2 * i + 1] = (double)y * row;
            if (x + 1 < nx || periodic) {
                push_edge(tail, head, &m, i, y * nx + (x + 1) % nx);
            }
            if (y + 1 >= ny && !periodic) {
                continue;
            }
            pln_idx up = ((y + 1) % ny) * nx;
            /* The row above sits 1/2 to the right of an even row and 1/2 to the left of an
             * odd one, so the two upper neighbours are x-1, x (even) or x, x+1 (odd). */
            pln_idx left = odd ? x : x - 1;
            pln_idx right = odd ? x + 1 : x;
            if (left >= 0 || periodic) {
                push_edge(tail, head, &m, i, up + (left + nx) % nx);
            }
            if (right < nx || periodic) {
                push_edge(tail, head, &m, i, up + right % nx);
            }
        }
    }
    st = lattice_finish(ctx, n, m, tail, head, pos, out);
    tail = NULL;
    head = NULL;
done:
    pln_i_free(tail);
    pln_i_free(head);
    pln_i_free(pos);
    return st;
}

/* The seed of the try-th draw: the first draw uses the caller's seed as is, later ones derived
 * seeds (splitmix64 steps), so a redraw never repeats an earlier one. */
static uint64_t try_seed(uint64_t seed, int try)
{
    uint64_t z = seed + (uint64_t)try * 0x9E3779B97F4A7C15ULL;
    if (try == 0) {
        return seed;
    }
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

typedef enum { GEN_REGULAR, GEN_ER, GEN_GEOMETRIC } gen_kind;

/* Draw until connected; for the geometric graph also keep the positions of the accepted draw. */
static pln_status draw_connected(pln_ctx *ctx, gen_kind kind, pln_idx n, pln_idx k, double p,
                                 uint64_t seed, pln_graph **out)
{
    pln_status st = PLN_OK;
    pln_i_igraph_guard guard;
    igraph_t ig;
    bool ig_init = false;
    igraph_vector_t xs;
    igraph_vector_t ys;
    bool xy_init = false;
    double *pos = NULL;
    pln_graph *g = NULL;
    static const char *const names[] = {"random regular", "Erdos-Renyi", "random geometric"};
    const char *what = names[kind];

    pln_i_igraph_enter(ctx, &guard);
    if (kind == GEN_GEOMETRIC) {
        PLN_IGRAPH_GOTO(ctx, st, what, igraph_vector_init(&xs, 0));
        if (igraph_vector_init(&ys, 0) != IGRAPH_SUCCESS) {
            igraph_vector_destroy(&xs);
            st = PLN_ERR(ctx, PLN_ENOMEM, "%s: out of memory", what);
            goto done;
        }
        xy_init = true;
    }
    igraph_bool_t connected = false;
    for (int t = 0; t < MAX_TRIES && !connected; t++) {
        if (ig_init) {
            igraph_destroy(&ig);
            ig_init = false;
        }
        pln_i_igraph_seed(try_seed(seed, t));
        switch (kind) {
        case GEN_REGULAR:
            PLN_IGRAPH_GOTO(ctx, st, what, igraph_k_regular_game(&ig, n, k, false, false));
            break;
        case GEN_ER:
            PLN_IGRAPH_GOTO(ctx, st, what, igraph_erdos_renyi_game_gnp(&ig, n, p, false, false));
            break;
        case GEN_GEOMETRIC:
            PLN_IGRAPH_GOTO(ctx, st, what, igraph_grg_game(&ig, n, p, false, &xs, &ys));
            break;
        }
        ig_init = true;
        PLN_IGRAPH_GOTO(ctx, st, what, igraph_is_connected(&ig, &connected, IGRAPH_WEAK));
    }
    if (!connected) {
        /* G(n, p) and geometric graphs become connected only past a threshold that grows
         * with ln(n), so the hint quotes it. */
        char hint[96];
        if (kind == GEN_GEOMETRIC) {
            snprintf(hint, sizeof hint, "a larger radius (about sqrt(ln(n) / (pi n)) = %.3g)",
                     sqrt(log((double)n) / (M_PI * (double)n)));
        } else if (kind == GEN_ER) {
            snprintf(hint, sizeof hint, "a larger mean degree (above ln(n) = %.3g)",
                     log((double)n));
        } else {
            snprintf(hint, sizeof hint, "a degree of at least 3");
        }
        st = PLN_ERR(ctx, PLN_EINVAL,
                     "%s graph with %" PRId64 " nodes was not connected in %d draws (seed %" PRIu64
                     "); try %s",
                     what, n, MAX_TRIES, seed, hint);
        goto done;
    }
    PLN_TRY_GOTO(st, pln_i_graph_from_igraph(ctx, &ig, &g));
    if (kind == GEN_GEOMETRIC) {
        PLN_ALLOC_GOTO(ctx, st, pos, 2 * n);
        for (pln_idx i = 0; i < n; i++) {
            pos[2 * i] = VECTOR(xs)[i];
            pos[2 * i + 1] = VECTOR(ys)[i];
        }
        PLN_TRY_GOTO(st, pln_graph_set_positions(g, 2, pos));
    }
    *out = g;
    g = NULL;
done:
    if (ig_init) {
        igraph_destroy(&ig);
    }
    if (xy_init) {
        igraph_vector_destroy(&xs);
        igraph_vector_destroy(&ys);
    }
    pln_i_igraph_leave(&guard);
    pln_i_free(pos);
    pln_graph_destroy(g);
    return st;
}

pln_status pln_graph_random_regular(pln_ctx *ctx, pln_idx n, pln_idx degree, uint64_t seed,
                                    pln_graph **out)
{
    if (n < 1 || degree < 0 || degree >= n) {
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "degree",
                     "random regular graph needs n >= 1 and 0 <= degree < n (got n = %" PRId64
                     ", degree = %" PRId64 ")",
                     n, degree);
    }
    if ((n * degree) % 2 != 0) {
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "degree",
                     "random regular graph needs n * degree even (got n = %" PRId64
                     ", degree = %" PRId64 ")",
                     n, degree);
    }
    if (n > 2 && degree < 2) {
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "degree",
                     "a %" PRId64 "-regular graph on %" PRId64 " nodes is never connected", degree,
                     n);
    }
    return draw_connected(ctx, GEN_REGULAR, n, degree, 0.0, seed, out);
}

pln_status pln_graph_erdos_renyi(pln_ctx *ctx, pln_idx n, double mean_degree, uint64_t seed,
                                 pln_graph **out)
{
    if (n < 2) {
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "size",
                     "Erdos-Renyi graph needs at least 2 nodes (got %" PRId64 ")", n);
    }
    if (!(mean_degree > 0.0) || mean_degree > (double)(n - 1)) {
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "mean_degree",
                     "Erdos-Renyi mean degree must be in (0, n - 1 = %" PRId64 "] (got %g)",
                     n - 1, mean_degree);
    }
    return draw_connected(ctx, GEN_ER, n, 0, mean_degree / (double)(n - 1), seed, out);
}

pln_status pln_graph_random_geometric(pln_ctx *ctx, pln_idx n, double radius, uint64_t seed,
                                      pln_graph **out)
{
    if (n < 1) {
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "size",
                     "random geometric graph needs at least 1 node (got %" PRId64 ")", n);
    }
    if (!(radius > 0.0) || !isfinite(radius)) {
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "radius",
                     "random geometric radius must be positive and finite (got %g)", radius);
    }
    return draw_connected(ctx, GEN_GEOMETRIC, n, 0, radius, seed, out);
}
