/* circuit_fixtures.c — small circuits of resistors, diodes, ideal diodes and transistors, random circuits, and an independent Kirchhoff check for the circuit tests. */
#include "circuit_fixtures.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const pln_eparam kind_params[PLN_ELEM_N_KINDS][4] = {
    [PLN_ELEM_RESISTOR] = {PLN_EP_CONDUCTANCE, PLN_EP_COUNT, PLN_EP_COUNT, PLN_EP_COUNT},
    [PLN_ELEM_DIODE] = {PLN_EP_IS, PLN_EP_N, PLN_EP_RS, PLN_EP_COUNT},
    [PLN_ELEM_IDEAL_DIODE] = {PLN_EP_G_ON, PLN_EP_G_OFF, PLN_EP_V_ON, PLN_EP_COUNT},
    [PLN_ELEM_NMOS] = {PLN_EP_KP, PLN_EP_VTO, PLN_EP_LAMBDA, PLN_EP_GATE},
    [PLN_ELEM_TABLE] = {PLN_EP_TABLE, PLN_EP_COUNT, PLN_EP_COUNT, PLN_EP_COUNT},
};

pln_graph *cf_graph(pln_ctx *ctx, pln_idx n, pln_idx m, const cf_edge *edges)
{
    pln_idx *t = malloc((size_t)m * sizeof *t), *h = malloc((size_t)m * sizeof *h);
    double *col = malloc((size_t)m * sizeof *col);
    for (pln_idx e = 0; e < m; e++) {
        t[e] = edges[e].t;
        h[e] = edges[e].h;
    }
    pln_graph *g = NULL;
    cr_assert_eq(pln_graph_create(ctx, n, m, t, h, &g), PLN_OK, "%s",
                 pln_ctx_last_error(ctx)->message);
    for (pln_idx e = 0; e < m; e++) {
        col[e] = (double)edges[e].kind;
    }
    cr_assert_eq(pln_graph_edge_attr_set(g, "element", col), PLN_OK);
    for (int p = 0; p < PLN_EP_COUNT; p++) {
        bool any = false;
        for (pln_idx e = 0; e < m; e++) {
            col[e] = NAN;
            for (int j = 0; j < 4; j++) {
                if (kind_params[edges[e].kind][j] == (pln_eparam)p) {
                    col[e] = edges[e].par[j];
                    any = true;
                }
            }
        }
        if (any) {
            cr_assert_eq(pln_graph_edge_attr_set(g, pln_eparam_name((pln_eparam)p), col), PLN_OK);
        }
    }
    free(t);
    free(h);
    free(col);
    return g;
}

static double uni(pln_rng *r, double lo, double hi) { return lo + (hi - lo) * pln_rng_uniform(r); }

void cf_random_circuit(uint64_t seed, pln_idx n, pln_idx chords, double p_diode, double p_nmos,
                       pln_idx n_v, double vmax, pln_idx n_i, double imax, cf_random *out)
{
    pln_rng rng;
    pln_rng_seed(&rng, seed);
    memset(out, 0, sizeof *out);
    out->n = n;
    out->m = n + chords;
    out->edges = calloc((size_t)out->m, sizeof *out->edges);
    /* The ring is resistive, so every node reaches ground through conductances and a current
     * injection never meets an open circuit; the chords carry the nonlinear elements. */
    for (pln_idx e = 0; e < out->m; e++) {
        cf_edge *c = &out->edges[e];
        if (e < n) {
            c->t = e;
            c->h = (e + 1) % n;
        } else {
            c->t = pln_rng_index(&rng, n);
            do {
                c->h = pln_rng_index(&rng, n);
            } while (c->h == c->t);
        }
        const double u = pln_rng_uniform(&rng);
        if (e < n || u >= p_diode + p_nmos) {
            c->kind = PLN_ELEM_RESISTOR;
            c->par[0] = exp(uni(&rng, log(1e-4), log(1e-2)));
        } else if (u < p_diode) {
            c->kind = PLN_ELEM_DIODE;
            c->par[0] = exp(uni(&rng, log(1e-15), log(1e-12)));
            c->par[1] = uni(&rng, 1.0, 2.0);
            c->par[2] = pln_rng_uniform(&rng) < 0.5 ? 0.0 : uni(&rng, 1.0, 100.0);
        } else {
            c->kind = PLN_ELEM_NMOS;
            c->par[0] = exp(uni(&rng, log(1e-4), log(1e-3)));
            c->par[1] = uni(&rng, 0.3, 1.0);
            c->par[2] = pln_rng_uniform(&rng) < 0.5 ? 0.0 : uni(&rng, 0.0, 0.1);
            c->par[3] = uni(&rng, 0.0, 3.0);
        }
    }
    out->n_dir = 1 + n_v;
    out->dir_nodes = calloc((size_t)out->n_dir, sizeof *out->dir_nodes);
    out->dir_vals = calloc((size_t)out->n_dir, sizeof *out->dir_vals);
    bool *used = calloc((size_t)n, sizeof *used);
    used[0] = true;
    for (pln_idx a = 1; a < out->n_dir; a++) {
        pln_idx i;
        do {
            i = pln_rng_index(&rng, n);
        } while (used[i]);
        used[i] = true;
        out->dir_nodes[a] = i;
        out->dir_vals[a] = uni(&rng, -vmax, vmax);
    }
    out->n_cur = n_i;
    out->cur_nodes = calloc((size_t)(n_i > 0 ? n_i : 1), sizeof *out->cur_nodes);
    out->cur_vals = calloc((size_t)(n_i > 0 ? n_i : 1), sizeof *out->cur_vals);
    for (pln_idx a = 0; a < n_i; a++) {
        pln_idx i;
        do {
            i = pln_rng_index(&rng, n);
        } while (used[i]);
        used[i] = true;
        out->cur_nodes[a] = i;
        out->cur_vals[a] = uni(&rng, -imax, imax);
    }
    free(used);
}

void cf_random_free(cf_random *r)
{
    free(r->edges);
    free(r->dir_nodes);
    free(r->dir_vals);
    free(r->cur_nodes);
    free(r->cur_vals);
    memset(r, 0, sizeof *r);
}

pln_network *cf_network(pln_ctx *ctx, const cf_random *r, const pln_network_options *o,
                        pln_graph **g_out)
{
    pln_graph *g = cf_graph(ctx, r->n, r->m, r->edges);
    pln_boundary bc;
    pln_boundary_default(&bc);
    bc.n_dirichlet = r->n_dir;
    bc.dirichlet_nodes = r->dir_nodes;
    bc.dirichlet_values = r->dir_vals;
    bc.n_currents = r->n_cur;
    bc.current_nodes = r->cur_nodes;
    bc.current_values = r->cur_vals;
    pln_network *net = NULL;
    cr_assert_eq(pln_network_create(ctx, g, o, &bc, &net), PLN_OK, "%s",
                 pln_ctx_last_error(ctx)->message);
    if (g_out != NULL) {
        *g_out = g;
    } else {
        pln_graph_destroy(g);
    }
    return net;
}

double cf_kcl_residual(const pln_network *net, const double *p, const bool *skip)
{
    const pln_idx n = pln_network_n_nodes(net), m = pln_network_n_edges(net);
    const pln_idx *t = pln_network_tails(net), *h = pln_network_heads(net);
    double *net_out = calloc((size_t)n, sizeof *net_out);
    for (pln_idx e = 0; e < m; e++) {
        const double i = pln_network_element_current(net, e, p[t[e]] - p[h[e]], NULL);
        net_out[t[e]] += i;
        net_out[h[e]] -= i;
    }
    const pln_boundary *bc = pln_network_boundary(net);
    for (pln_idx a = 0; a < bc->n_currents; a++) {
        net_out[bc->current_nodes[a]] -= bc->current_values[a];
    }
    double worst = 0.0;
    for (pln_idx i = 0; i < n; i++) {
        if (pln_network_reduced_index(net, i) < 0 || (skip != NULL && skip[i])) {
            continue;
        }
        worst = fmax(worst, fabs(net_out[i]));
    }
    free(net_out);
    return worst;
}

static void node_name(char *buf, size_t size, pln_idx i)
{
    if (i == 0) {
        snprintf(buf, size, "0");
    } else {
        snprintf(buf, size, "n%lld", (long long)i);
    }
}

void cf_write_ngspice(FILE *f, const cf_random *r, const char *raw_path, double temperature_c)
{
    fprintf(f, "plnet random circuit\n");
    fprintf(f, ".options TEMP=%.17g TNOM=%.17g RELTOL=1e-8 VNTOL=1e-11 ABSTOL=1e-16 "
               "GMIN=1e-12\n",
            temperature_c, temperature_c);
    char a[32], b[32];
    for (pln_idx e = 0; e < r->m; e++) {
        const cf_edge *c = &r->edges[e];
        node_name(a, sizeof a, c->t);
        node_name(b, sizeof b, c->h);
        switch (c->kind) {
        case PLN_ELEM_RESISTOR:
            fprintf(f, "R%lld %s %s %.17g\n", (long long)e, a, b, 1.0 / c->par[0]);
            break;
        case PLN_ELEM_DIODE:
            fprintf(f, "D%lld %s %s DM%lld\n", (long long)e, a, b, (long long)e);
            fprintf(f, ".model DM%lld D(IS=%.17g N=%.17g RS=%.17g)\n", (long long)e, c->par[0],
                    c->par[1], c->par[2]);
            break;
        case PLN_ELEM_NMOS:
            fprintf(f, "M%lld %s g%lld %s %s MM%lld\n", (long long)e, a, (long long)e, b, b,
                    (long long)e);
            fprintf(f, "VG%lld g%lld %s DC %.17g\n", (long long)e, (long long)e, b, c->par[3]);
            fprintf(f, ".model MM%lld NMOS(LEVEL=1 KP=%.17g VTO=%.17g LAMBDA=%.17g IS=0)\n",
                    (long long)e, c->par[0], c->par[1], c->par[2]);
            break;
        default:
            cr_assert_fail("no SPICE form for element kind %d in the test deck", (int)c->kind);
        }
    }
    for (pln_idx k = 1; k < r->n_dir; k++) {
        node_name(a, sizeof a, r->dir_nodes[k]);
        fprintf(f, "V%lld %s 0 DC %.17g\n", (long long)k, a, r->dir_vals[k]);
    }
    for (pln_idx k = 0; k < r->n_cur; k++) {
        node_name(a, sizeof a, r->cur_nodes[k]);
        /* I n+ n- v drives v from n+ through the source into n-: into the node */
        fprintf(f, "I%lld 0 %s DC %.17g\n", (long long)k, a, r->cur_vals[k]);
    }
    fprintf(f, ".op\n.control\nop\nset filetype=ascii\nwrite %s all\n.endc\n.end\n", raw_path);
}

pln_idx cf_read_ngspice_raw(const char *path, pln_idx n, double *v)
{
    FILE *rf = fopen(path, "r");
    cr_assert(rf != NULL, "ngspice wrote no raw file %s", path);
    char line[512];
    int state = 0;
    pln_idx n_vars = 0, k = 0, found = 0;
    pln_idx *node_of = NULL; /* per variable: node id or -1 */
    while (fgets(line, sizeof line, rf) != NULL) {
        if (strncmp(line, "No. Variables:", 14) == 0) {
            n_vars = strtol(line + 14, NULL, 10);
            node_of = calloc((size_t)(n_vars > 0 ? n_vars : 1), sizeof *node_of);
            continue;
        }
        if (strncmp(line, "Variables:", 10) == 0) {
            state = 1;
            continue;
        }
        if (strncmp(line, "Values:", 7) == 0) {
            state = 2;
            continue;
        }
        if (state == 1) {
            long idx = 0;
            char name[128], type[64];
            if (sscanf(line, "%ld %127s %63s", &idx, name, type) == 3 && idx < n_vars) {
                long id = -1;
                if (strcmp(type, "voltage") == 0 && sscanf(name, "v(n%ld)", &id) == 1 &&
                    id > 0 && id < n) {
                    node_of[idx] = id;
                } else {
                    node_of[idx] = -1;
                }
            }
        } else if (state == 2 && k < n_vars) {
            char *s = line;
            if (k == 0) {
                strtol(s, &s, 10);
            }
            const double x = strtod(s, NULL);
            if (node_of[k] >= 0) {
                v[node_of[k]] = x;
                found++;
            }
            k++;
        }
    }
    fclose(rf);
    free(node_of);
    v[0] = 0.0;
    return found + 1;
}

bool cf_have_ngspice(void) { return system("command -v ngspice > /dev/null 2>&1") == 0; }
