/* sweep_check.c — every point's configuration loaded through the override loader before anything runs (errors name the sweep file's marks), each point's expected cost, and the columns it will write. */
/* open_memstream is POSIX 2008. */
#define _POSIX_C_SOURCE 200809L

#include "sweep.h"

#include "config.h"
#include "experiment_setup.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Load the base with the point's overrides (all of them when i < n_points; only the fixed
 * sets when i == SIZE_MAX). */
static int load_point(const plnet_sweep *sw, size_t i, plnet_config *cfg, FILE *err)
{
    sweep_point_sets ps;
    memset(&ps, 0, sizeof ps);
    size_t n = 0;
    plnet_override *ov = NULL;
    if (i != SIZE_MAX) {
        if (plnet_sweep_point_sets(sw, i, NULL, &ps) != 0) {
            fprintf(err, "plnet: out of memory\n");
            plnet_config_defaults(cfg, sw->base);
            return 1;
        }
        n = ps.n;
    } else {
        n = sw->n_sets;
    }
    ov = calloc(n + 1, sizeof *ov);
    if (ov == NULL) {
        plnet_sweep_point_sets_free(&ps);
        fprintf(err, "plnet: out of memory\n");
        plnet_config_defaults(cfg, sw->base);
        return 1;
    }
    for (size_t k = 0; k < n; k++) {
        if (i != SIZE_MAX) {
            ov[k].key = ps.key[k];
            ov[k].value = ps.value[k];
            ov[k].origin = ps.origin[k];
        } else {
            ov[k].key = sw->sets[k].key;
            ov[k].value = sw->sets[k].value;
            ov[k].origin = sw->sets[k].origin;
        }
    }
    int rc = plnet_config_load_with(sw->base, ov, n, cfg, err);
    free(ov);
    plnet_sweep_point_sets_free(&ps);
    return rc;
}

/* Relative cost of a point, for longest-first scheduling: learning steps (time steps for a
 * temporal rule) times examples per step times n^1.5 for n nodes (the fill of a sparse
 * Cholesky factor of a 2-D network grows about so). Only the order matters. */
static double point_cost(const plnet_config *c)
{
    const pln_experiment_desc *d = &c->d;
    double nodes = 100.0;
    const pln_graph_desc *g = &d->network.graph;
    if (g->file == NULL) {
        if (g->generator == PLN_GEN_SQUARE_LATTICE || g->generator == PLN_GEN_TRIANGULAR_LATTICE) {
            nodes = (double)g->size[0] * (double)g->size[1];
        } else {
            nodes = (double)g->n;
        }
    } else {
        /* About one edge per 20 bytes of a graph file. */
        struct stat sb;
        if (stat(g->file, &sb) == 0) {
            nodes = (double)sb.st_size / 20.0;
        }
    }
    double steps = (double)d->train.steps;
    const pln_protocol_options *p = &d->temporal.protocol;
    if (d->learning.learner == PLN_LEARNER_TEMPORAL && p->dt > 0.0) {
        steps *= (p->tau_fast + p->tau_slow) / p->dt;
    }
    double batch = d->train.batch > 1 ? (double)d->train.batch : 1.0;
    return steps * batch * pow(nodes > 1.0 ? nodes : 1.0, 1.5);
}

/* The columns are the library's (pln_experiment_desc_columns): the learner and the task
 * decide them. */
bool plnet_sweep_has_column(const plnet_config *c, const char *name)
{
    const char *names[64];
    pln_idx n = pln_experiment_desc_columns(&c->d, names, NULL, 64);
    for (pln_idx k = 0; k < n && k < 64; k++) {
        if (strcmp(name, names[k]) == 0) {
            return true;
        }
    }
    return false;
}

static int check_collect(const plnet_sweep *sw, size_t i, const plnet_config *c, FILE *err)
{
    for (size_t k = 0; k < sw->n_collect; k++) {
        if (!plnet_sweep_has_column(c, sw->collect[k])) {
            const char *why = c->d.learning.learner == PLN_LEARNER_TEMPORAL
                                  ? ""
                                  : " (time, memory, efficiency and memory_total are written "
                                    "by the temporal learner only; the accuracies by "
                                    "classification)";
            if (sw->collect_line[k] > 0) {
                fprintf(err, "plnet: %s:%d:%d: collect: point %zu's metrics.csv has no column "
                             "'%s'%s\n", sw->path, sw->collect_line[k], sw->collect_col[k], i,
                        sw->collect[k], why);
            } else {
                fprintf(err, "plnet: %s: collect: point %zu's metrics.csv has no column '%s'\n",
                        sw->path, i, sw->collect[k]);
            }
            return 2;
        }
    }
    return 0;
}

/* A hash of what the graph stage reads: the seed and the network, boundary and task
 * sections of the resolved configuration. Two points with the same hash build the same graph
 * (a collision would only skip a check; the point would then fail on its own when it runs).
 * Returns 0 when it cannot tell (out of memory: the graph is checked anyway). */
static uint64_t graph_key(const plnet_config *cfg)
{
    char *text = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&text, &len);
    if (fp == NULL) {
        return 0;
    }
    int rc = plnet_config_write(cfg, fp);
    if (fclose(fp) != 0 || rc != 0 || text == NULL) {
        free(text);
        return 0;
    }
    uint64_t h = 0xcbf29ce484222325ULL;
    bool keep = false;
    for (const char *p = text; *p != '\0';) {
        const char *e = strchr(p, '\n');
        size_t n = e != NULL ? (size_t)(e - p) + 1 : strlen(p);
        /* A top-level key starts a section: keep seed, network, boundary and task. */
        if (p[0] != ' ' && p[0] != '#' && p[0] != '\n') {
            keep = strncmp(p, "seed:", 5) == 0 || strncmp(p, "network:", 8) == 0 ||
                   strncmp(p, "boundary:", 9) == 0 || strncmp(p, "task:", 5) == 0;
        }
        for (size_t k = 0; keep && k < n; k++) {
            h ^= (unsigned char)p[k];
            h *= 0x100000001b3ULL;
        }
        p += n;
    }
    free(text);
    return h == 0 ? 1 : h;
}

int plnet_sweep_check(plnet_sweep *sw, FILE *err)
{
    free(sw->cost);
    free(sw->seed_of);
    free(sw->base_resolved);
    sw->base_resolved = NULL;
    sw->cost = calloc(sw->n_points, sizeof *sw->cost);
    sw->seed_of = calloc(sw->n_points, sizeof *sw->seed_of);
    if (sw->cost == NULL || sw->seed_of == NULL) {
        fprintf(err, "plnet: out of memory\n");
        return 1;
    }
    /* The base with the fixed sets: the plan's record of what every point starts from. */
    plnet_config cfg;
    int rc = load_point(sw, SIZE_MAX, &cfg, err);
    if (rc == 0) {
        size_t len = 0;
        FILE *fp = open_memstream(&sw->base_resolved, &len);
        if (fp == NULL) {
            rc = 1;
        } else {
            rc = plnet_config_write(&cfg, fp) != 0 ? 1 : 0;
            if (fclose(fp) != 0) {
                rc = 1;
            }
        }
        if (rc != 0) {
            fprintf(err, "plnet: out of memory\n");
        }
    }
    plnet_config_free(&cfg);
    pln_ctx *ctx = NULL;
    uint64_t *built = calloc(sw->n_params, sizeof *built);
    size_t n_built = 0;
    if (built == NULL) {
        fprintf(err, "plnet: out of memory\n");
        rc = 1;
    }
    for (size_t i = 0; i < sw->n_points && rc == 0; i++) {
        rc = load_point(sw, i, &cfg, err);
        if (rc == 0) {
            sw->cost[i] = point_cost(&cfg);
            sw->seed_of[i] = (int64_t)cfg.d.seed;
            rc = check_collect(sw, i, &cfg, err);
        }
        /* The graph of each parameter point (its first seed): node and edge ids, roles and
         * graph files are checked against it, and an error names the sweep file's mark of
         * the value at fault. One graph build per distinct graph (a sweep over learning
         * keys builds one), small beside the runs; what depends on the seed (a random
         * graph's components) shows when the point runs. */
        if (rc == 0 && i % sw->n_seeds == 0) {
            uint64_t key = graph_key(&cfg);
            bool seen = false;
            for (size_t k = 0; k < n_built && key != 0 && !seen; k++) {
                seen = built[k] == key;
            }
            if (!seen) {
                pln_experiment *x = NULL;
                rc = plnet_experiment_open(&cfg, PLN_BUILD_GRAPH, &ctx, &x, err);
                pln_experiment_destroy(x);
                if (rc == 0 && key != 0) {
                    built[n_built++] = key;
                }
            }
        }
        plnet_config_free(&cfg);
    }
    pln_ctx_destroy(ctx);
    free(built);
    return rc;
}
