/* cmd_solve.c — `plnet solve`: steady state of the configured network, written as CSV, GraphML and the resolved config. */
#include "commands.h"
#include "experiment_setup.h"
#include "outfile.h"

#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: plnet solve CONFIG.yaml [-o DIR [--force]] [--set KEY=VALUE]...\n\n"
    "Solve the steady state of the network described by CONFIG.yaml (ground, fixed\n"
    "potentials, task inputs, current injections and edge sources all applied) and write,\n"
    "into DIR (default: output.dir of the config, else runs/<name>):\n"
    "  potentials.csv        node,role,potential (V)\n"
    "  edges.csv             edge,tail,head,conductance,drop,current,power\n"
    "  summary.csv           n_nodes,n_edges,dissipated_power,supplied_power (W)\n"
    "  network.graphml       the graph with conductance, drop, current and potential\n"
    "                        (with elements: element, their parameters and region codes)\n"
    "  config.resolved.yaml  every configuration key, defaults filled in\n"
    "With diodes or transistors (network elements), edges.csv adds element and region\n"
    "(linear, forward/reverse, cutoff/triode/saturation, table/extrapolated), its\n"
    "conductance is dI/dV at the operating point (S) and its power V I (W).\n"
    "Spring networks write instead positions.csv (node,role,x,y[,z],ux,uy[,uz]: position and\n"
    "displacement, m), edges.csv (edge,tail,head,stiffness,rest_length,length,strain,tension,\n"
    "energy) and summary.csv (n_nodes,n_edges,elastic_energy,newton_iterations); the role of\n"
    "a pinned node is \"pin\", of a node under a force \"force\"; network.graphml has the\n"
    "reference positions, ux,uy[,uz] and role per node, stiffness (N/m), rest_length,\n"
    "length (m), strain (1), tension (N), energy (J) per edge, and source and target (1 on\n"
    "the task's input and output edges).\n"
    "plnet.run says 'state: complete' once every file is written, as a set. Nothing is\n"
    "written when the configuration or the solve fails, and a failure while writing removes\n"
    "what was written. DIR must be empty, new, or hold a solve of this configuration.\n\n"
    "options:\n"
    "  -o, --output DIR  output folder (overrides output.dir)\n"
    "  --force           write into DIR even when it holds other files or another run\n"
    PLNET_SET_HELP
    "  -h, --help        this help\n";

/* The numbers a solve produces, kept until every file can be written. */
typedef struct solution {
    double *p, *dp, *q;
    double power, supplied;
    pln_idx newton_iterations;
} solution;

/* Springs (SPEC 1.2): positions and displacements per node, strains and energies per edge. */
static int write_spring(const char *dir, pln_experiment *x, const solution *s, FILE *err)
{
    const pln_network *net = pln_experiment_network(x);
    const char *const *role = pln_experiment_roles(x);
    int d = 0;
    const double *X0 = pln_network_positions(net, &d);
    const pln_idx n = pln_network_n_nodes(net), m = pln_network_n_edges(net);
    const pln_idx *t = pln_network_tails(net), *h = pln_network_heads(net);
    const double *k = pln_network_conductances(net), *l = pln_network_rest_lengths(net);
    const double *L0 = pln_network_reference_lengths(net);
    const char *names[3] = {"positions.csv", "edges.csv", "summary.csv"};
    for (int q = 0; q < 3; q++) {
        char *path = plnet_path_join(dir, names[q]);
        plnet_outfile f;
        if (path == NULL || plnet_outfile_open(&f, path, err) != 0) {
            free(path);
            return 1;
        }
        free(path);
        if (q == 0) {
            fprintf(f.fp, d == 3 ? "node,role,x,y,z,ux,uy,uz\n" : "node,role,x,y,ux,uy\n");
            for (pln_idx i = 0; i < n; i++) {
                fprintf(f.fp, "%lld,%s", (long long)i, role[i]);
                for (int c = 0; c < 2 * d; c++) {
                    double v = s->p[i * d + c % d] - (c >= d ? X0[i * d + c % d] : 0.0);
                    fprintf(f.fp, ",%.17g", v);
                }
                fputc('\n', f.fp);
            }
        } else if (q == 1) {
            fprintf(f.fp, "edge,tail,head,stiffness,rest_length,length,strain,tension,energy\n");
            for (pln_idx e = 0; e < m; e++) {
                const double ext = s->dp[e];          /* r - l */
                const double strain = pln_network_edge_strain(net, s->p, e, NULL);
                fprintf(f.fp, "%lld,%lld,%lld,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g\n",
                        (long long)e, (long long)t[e], (long long)h[e], k[e], l[e],
                        L0[e] * (1.0 + strain), strain, s->q[e], 0.5 * k[e] * ext * ext);
            }
        } else {
            fprintf(f.fp, "n_nodes,n_edges,elastic_energy,newton_iterations\n%lld,%lld,%.17g,%lld\n",
                    (long long)n, (long long)m, s->power, (long long)s->newton_iterations);
        }
        if (plnet_outfile_commit(&f, err) != 0) {
            return 1;
        }
    }
    return 0;
}

/* Springs: network.graphml with the solved state: the library's file (stiffness, rest_length,
 * roles, source and target edges) plus length, strain, tension and energy per edge and the
 * displacement per node (ux, uy[, uz]). */
static int write_spring_graphml(const char *dir, pln_experiment *x, const solution *s,
                                FILE *err)
{
    pln_graph *g = pln_experiment_graph(x);
    const pln_network *net = pln_experiment_network(x);
    int d = 0;
    const double *X0 = pln_network_positions(net, &d);
    const pln_idx n = pln_network_n_nodes(net), m = pln_network_n_edges(net);
    const double *k = pln_network_conductances(net);
    const double *L0 = pln_network_reference_lengths(net);
    double *a = malloc((size_t)(m > n ? m : n) * 4 * sizeof *a + sizeof *a);
    if (a == NULL) {
        fprintf(err, "plnet: out of memory\n");
        return 1;
    }
    double *len = a, *strain = a + m, *energy = a + 2 * m;
    for (pln_idx e = 0; e < m; e++) {
        strain[e] = pln_network_edge_strain(net, s->p, e, NULL);
        len[e] = L0[e] * (1.0 + strain[e]);
        energy[e] = 0.5 * k[e] * s->dp[e] * s->dp[e];
    }
    pln_status st = pln_graph_edge_attr_set(g, "length", len);
    if (st == PLN_OK) {
        st = pln_graph_edge_attr_set(g, "strain", strain);
    }
    if (st == PLN_OK) {
        st = pln_graph_edge_attr_set(g, "tension", s->q);
    }
    if (st == PLN_OK) {
        st = pln_graph_edge_attr_set(g, "energy", energy);
    }
    static const char *const ax[3] = {"ux", "uy", "uz"};
    for (int c = 0; c < d && st == PLN_OK; c++) {
        for (pln_idx i = 0; i < n; i++) {
            a[i] = s->p[i * d + c] - X0[i * d + c];
        }
        st = pln_graph_node_attr_set(g, ax[c], a);
    }
    free(a);
    char *path = plnet_path_join(dir, "network.graphml");
    if (st == PLN_OK && path != NULL) {
        st = pln_experiment_write_graphml(x, path);
    }
    free(path);
    return st == PLN_OK ? 0 : plnet_report_lib(err, pln_experiment_ctx(x), st, "network.graphml");
}

static int solve_network(const plnet_config *cfg, pln_experiment *x, solution *s, FILE *err)
{
    const pln_network *net = pln_experiment_network(x);
    pln_idx n = pln_network_n_nodes(net);
    pln_idx m = pln_network_n_edges(net);
    const int sd = pln_network_state_dim(net);
    s->p = calloc((size_t)(n * sd), sizeof *s->p);
    s->dp = calloc((size_t)(m > 0 ? m : 1), sizeof *s->dp);
    s->q = calloc((size_t)(m > 0 ? m : 1), sizeof *s->q);
    if (s->p == NULL || s->dp == NULL || s->q == NULL) {
        fprintf(err, "plnet: out of memory\n");
        return 1;
    }
    pln_solve_result r;
    pln_status rc = pln_experiment_solve(x, s->p, &r);
    if (rc != PLN_OK) {
        return plnet_report_experiment(err, cfg, pln_experiment_ctx(x), rc, NULL);
    }
    pln_network_edge_drops(net, s->p, s->dp);
    pln_network_edge_currents(net, s->p, s->q);
    s->power = r.power;
    s->supplied = r.supplied;
    s->newton_iterations = r.newton_iterations;
    return 0;
}

static int write_potentials(const char *dir, pln_experiment *x, const solution *s, FILE *err)
{
    const pln_network *net = pln_experiment_network(x);
    char *path = plnet_path_join(dir, "potentials.csv");
    plnet_outfile f;
    if (path == NULL || plnet_outfile_open(&f, path, err) != 0) {
        free(path);
        return 1;
    }
    fprintf(f.fp, "node,role,potential\n");
    for (pln_idx i = 0; i < pln_network_n_nodes(net); i++) {
        fprintf(f.fp, "%lld,%s,%.17g\n", (long long)i, pln_experiment_roles(x)[i], s->p[i]);
    }
    free(path);
    return plnet_outfile_commit(&f, err);
}

static int write_edges(const char *dir, pln_experiment *x, const solution *s, FILE *err)
{
    const pln_network *net = pln_experiment_network(x);
    char *path = plnet_path_join(dir, "edges.csv");
    plnet_outfile f;
    if (path == NULL || plnet_outfile_open(&f, path, err) != 0) {
        free(path);
        return 1;
    }
    const pln_idx *tail = pln_network_tails(net);
    const pln_idx *head = pln_network_heads(net);
    const double *k = pln_network_conductances(net);
    const bool elements = pln_network_is_nonlinear(net);
    pln_region *reg = NULL;
    if (elements) {
        reg = calloc((size_t)pln_network_n_edges(net) + 1, sizeof *reg);
        if (reg == NULL) {
            fprintf(err, "plnet: out of memory\n");
            plnet_outfile_abort(&f);
            free(path);
            return 1;
        }
        pln_network_element_regions(net, s->p, reg);
    }
    fprintf(f.fp, "edge,tail,head,conductance,drop,current,power%s\n",
            elements ? ",element,region" : "");
    for (pln_idx e = 0; e < pln_network_n_edges(net); e++) {
        /* an element's conductance: dI/dV where it operates; power: V I, exactly */
        double g = k[e];
        if (elements) {
            (void)pln_network_element_current(net, e, s->dp[e], &g);
        }
        fprintf(f.fp, "%lld,%lld,%lld,%.17g,%.17g,%.17g,%.17g", (long long)e, (long long)tail[e],
                (long long)head[e], g, s->dp[e], s->q[e], s->dp[e] * s->q[e]);
        if (elements) {
            fprintf(f.fp, ",%s,%s", pln_element_kind_name(pln_network_element_kind(net, e)),
                    pln_region_name(reg[e]));
        }
        fputc('\n', f.fp);
    }
    free(reg);
    free(path);
    return plnet_outfile_commit(&f, err);
}

static int write_summary(const char *dir, pln_experiment *x, const solution *s, FILE *err)
{
    const pln_network *net = pln_experiment_network(x);
    char *path = plnet_path_join(dir, "summary.csv");
    plnet_outfile f;
    if (path == NULL || plnet_outfile_open(&f, path, err) != 0) {
        free(path);
        return 1;
    }
    fprintf(f.fp, "n_nodes,n_edges,dissipated_power,supplied_power\n%lld,%lld,%.17g,%.17g\n",
            (long long)pln_network_n_nodes(net), (long long)pln_network_n_edges(net),
            s->power, s->supplied);
    free(path);
    return plnet_outfile_commit(&f, err);
}

static int write_config(const char *dir, pln_experiment *x, FILE *err)
{
    char *path = plnet_path_join(dir, "config.resolved.yaml");
    if (path == NULL) {
        fprintf(err, "plnet: out of memory\n");
        return 1;
    }
    pln_status st = pln_experiment_write_config(x, path);
    free(path);
    return st == PLN_OK ? 0 : plnet_report_lib(err, pln_experiment_ctx(x), st, NULL);
}

static int write_graphml(const char *dir, pln_experiment *x, const solution *s, FILE *err)
{
    pln_graph *g = pln_experiment_graph(x);
    const pln_network *net = pln_experiment_network(x);
    pln_status st = pln_graph_edge_attr_set(g, "conductance", pln_network_conductances(net));
    if (st == PLN_OK) {
        st = pln_graph_edge_attr_set(g, "drop", s->dp);
    }
    if (st == PLN_OK) {
        st = pln_graph_edge_attr_set(g, "current", s->q);
    }
    if (st == PLN_OK) {
        st = pln_graph_node_attr_set(g, "potential", s->p);
    }
    if (st == PLN_OK && pln_network_is_nonlinear(net)) {
        /* the devices (kind, parameters) and each one's operating region (a pln_region code:
         * what plnet draw shows) */
        st = pln_network_element_attrs_store(net, g);
        const pln_idx m = pln_network_n_edges(net);
        pln_region *reg = calloc((size_t)m + 1, sizeof *reg);
        double *code = calloc((size_t)m + 1, sizeof *code);
        if (reg == NULL || code == NULL) {
            st = st == PLN_OK ? PLN_ENOMEM : st;
        } else if (st == PLN_OK) {
            pln_network_element_regions(net, s->p, reg);
            for (pln_idx e = 0; e < m; e++) {
                code[e] = (double)reg[e];
            }
            st = pln_graph_edge_attr_set(g, "region", code);
        }
        free(code);
        free(reg);
    }
    if (st == PLN_OK) {
        st = pln_graph_node_label_set(g, "role", pln_experiment_roles(x));
    }
    char *path = plnet_path_join(dir, "network.graphml");
    if (st == PLN_OK && path != NULL) {
        st = pln_graph_write_graphml(g, path);
    }
    free(path);
    return st == PLN_OK ? 0 : plnet_report_lib(err, pln_experiment_ctx(x), st, "network.graphml");
}

int plnet_cmd_solve(int argc, char **argv, FILE *out, FILE *err)
{
    plnet_args a;
    int rc = plnet_parse_args(argc, argv, usage, false, &a, out, err);
    if (rc != 0) {
        plnet_args_free(&a);
        return rc < 0 ? 0 : rc;
    }
    plnet_config cfg;
    pln_ctx *ctx = NULL;
    pln_experiment *x = NULL;
    solution s = {NULL, NULL, NULL, 0.0, 0.0, 0};
    rc = plnet_config_load_with(a.config, a.sets.v, a.sets.n, &cfg, err);
    if (rc == 0) {
        rc = plnet_experiment_open(&cfg, PLN_BUILD_NETWORK, &ctx, &x, err);
    }
    if (rc == 0) {
        rc = solve_network(&cfg, x, &s, err);
    }
    /* Only now, with everything validated and solved, does the output folder appear. */
    const char *dir = a.output != NULL ? a.output : cfg.d.output_dir;
    static const char *const names[] = {"potentials.csv", "positions.csv", "edges.csv",
                                        "summary.csv", "network.graphml",
                                        "config.resolved.yaml", NULL};
    plnet_run_folder folder;
    bool claimed = false;
    if (rc == 0) {
        rc = plnet_run_folder_open(&folder, x, dir, names,
                                   a.force ? PLNET_FOLDER_FORCE : PLNET_FOLDER_NEW,
                                   "choose another folder (-o DIR) or write over it (--force)",
                                   err);
        claimed = rc == 0;
    }
    const bool spring = rc == 0 && pln_network_state_dim(pln_experiment_network(x)) > 1;
    if (rc == 0 && spring) {
        rc = write_spring(dir, x, &s, err);
    }
    if (rc == 0 && spring) {
        rc = write_spring_graphml(dir, x, &s, err);
    }
    if (rc == 0 && !spring) {
        rc = write_potentials(dir, x, &s, err);
    }
    if (rc == 0 && !spring) {
        rc = write_edges(dir, x, &s, err);
    }
    if (rc == 0 && !spring) {
        rc = write_summary(dir, x, &s, err);
    }
    if (rc == 0 && !spring) {
        rc = write_graphml(dir, x, &s, err);
    }
    if (rc == 0) {
        rc = write_config(dir, x, err);
    }
    if (rc == 0) {
        pln_status st = pln_experiment_folder_mark(x, dir, true);
        rc = st == PLN_OK ? 0 : plnet_report_lib(err, ctx, st, PLN_RUN_MARKER);
    }
    if (rc != 0 && claimed) {
        fprintf(err, "plnet: solve: writing the results into %s failed; removed what was "
                     "written\n", dir);
        plnet_run_folder_abandon(&folder);
    }
    if (rc == 0 && spring) {
        fprintf(out, "%s: %lld nodes, %lld edges; elastic energy %.10g J after %lld Newton "
                     "iterations\nresults in %s/\n",
                cfg.d.name, (long long)pln_network_n_nodes(pln_experiment_network(x)),
                (long long)pln_network_n_edges(pln_experiment_network(x)), s.power, (long long)s.newton_iterations,
                dir);
    } else if (rc == 0) {
        fprintf(out, "%s: %lld nodes, %lld edges; dissipated power %.10g W (supplied %.10g W)\n"
                     "results in %s/\n",
                cfg.d.name, (long long)pln_network_n_nodes(pln_experiment_network(x)),
                (long long)pln_network_n_edges(pln_experiment_network(x)), s.power, s.supplied, dir);
    }
    free(s.p);
    free(s.dp);
    free(s.q);
    pln_experiment_destroy(x);
    pln_ctx_destroy(ctx);
    plnet_config_free(&cfg);
    plnet_args_free(&a);
    return rc;
}
