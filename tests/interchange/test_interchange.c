/* test_interchange.c — SPICE netlists through plnet: a hand-written netlist solves as ngspice does, and an exported netlist reads back into the same network. */
#include "cli_helpers.h"
#include "plnet.h"
#include "test_support.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ngspice factors the MNA system by sparse LU in double precision and writes 16 digits; the
 * netlist's conductances span 10^-13..10^0 S, so agreement to 1e-6 relative (of the largest
 * potential) is what the brief asks and leaves room for the conditioning. */
#define TOL_NGSPICE 1e-6
/* Two Cholesky solves of the same system in different node orders. */
#define TOL_SAME_SYSTEM 1e-10
/* %.17g of R = 1/k read back and inverted: at most a few ulps. */
#define TOL_CONDUCTANCE 1e-15

static void fini(void)
{
    ts_check_leaks();
}

TestSuite(interchange, .fini = fini, .timeout = 120);

static bool have_ngspice(void)
{
    return system("command -v ngspice > /dev/null 2>&1") == 0;
}

/* Node potentials from an ngspice ASCII raw file of an operating point: names (lower case,
 * without v()) and values of every voltage variable. Returns the count. */
static int read_raw(const char *path, char names[][64], double *vals, int max)
{
    FILE *rf = fopen(path, "r");
    cr_assert(rf != NULL, "ngspice wrote no raw file %s", path);
    char line[512];
    int state = 0;
    int n_vars = 0;
    int k = 0;
    int is_v[256] = {0};
    int n_out = 0;
    int n_named = 0;
    while (fgets(line, sizeof line, rf) != NULL) {
        if (strncmp(line, "Variables:", 10) == 0) {
            state = 1;
            continue;
        }
        if (strncmp(line, "Values:", 7) == 0) {
            state = 2;
            continue;
        }
        if (state == 1 && n_vars < 256) {
            int idx = 0;
            char name[128];
            char type[64];
            if (sscanf(line, "%d %127s %63s", &idx, name, type) == 3) {
                is_v[n_vars] = strcmp(type, "voltage") == 0 && strncmp(name, "v(", 2) == 0;
                if (is_v[n_vars] && n_named < max) {
                    size_t len = strlen(name);
                    name[len - 1] = '\0'; /* the closing parenthesis */
                    snprintf(names[n_named++], 64, "%.63s", name + 2);
                }
                n_vars++;
            }
        } else if (state == 2 && k < n_vars) {
            char *s = line;
            if (k == 0) {
                strtol(s, &s, 10); /* the point index before the first value */
            }
            double v = strtod(s, NULL);
            if (is_v[k] && n_out < max) {
                vals[n_out++] = v;
            }
            k++;
        }
    }
    fclose(rf);
    return n_out;
}

/* Potentials written by `plnet solve CFG -o DIR/TAG`. */
static double *solve(const char *dir, const char *cfg, const char *tag, size_t *n)
{
    char *out = tc_fmt("%s/%s", dir, tag);
    char *err = NULL;
    int rc = tc_run(NULL, &err, "solve", cfg, "-o", out, NULL);
    cr_assert_eq(rc, 0, "plnet solve %s: %s", cfg, err);
    free(err);
    char *pot = tc_fmt("%s/potentials.csv", out);
    double *p = tc_column(pot, "potential", n);
    cr_assert(p != NULL);
    free(pot);
    free(out);
    return p;
}

/* Every element form, suffix and syntax the reader supports, in a circuit ngspice solves:
 * V to ground both ways round, V across a resistor (an edge source), I sources both ways and
 * to "gnd", continuation lines, comments of all three kinds, mixed case, units. The
 * .control block is skipped by plnet and makes ngspice write the raw file. */
static const char netlist_fmt[] =
    "Every supported element and suffix\n"
    "* comment line\n"
    "R1 in a 1kOhm\n"
    "r2 A mid 2.2K\n"
    "R3 mid GND 4.7MEG\n"
    "R4 mid b 3300m\n"
    "+\n"
    "R5 b 0 40000mil ; about 1.016 ohm\n"
    "R6 b c 1.5e-9T $ comment\n"
    "R7 c 0 12e-6G\n"
    "R8 c d 1e3\n"
    "R9 d 0 2.2e3Ohm\n"
    "R10 a c 2.7e6u\n"
    "R11 in d 3.9e9n\n"
    "R12 mid\n"
    "* a comment inside a continued element\n"
    "+ d\n"
    "+ 4.7e12p\n"
    "V1 in 0 DC 5V\n"
    "V2 b c 2.5e14f\n"
    "v3 0 e -1.25\n"
    "R13 e mid 680\n"
    "I1 0 a 1.5mA\n"
    "I2 d gnd dc 250uA\n"
    "I3 mid c 2u AC 1\n"
    ".op\n"
    ".control\nop\nset filetype=ascii\nwrite %s all\n.endc\n"
    ".end\n";

Test(interchange, handwritten_netlist_solves_as_ngspice)
{
    if (!have_ngspice()) {
        cr_skip("ngspice is not installed");
    }
    char *dir = tc_dir("interchange-ngspice");
    char *raw = tc_fmt("%s/out.raw", dir);
    char *text = tc_fmt(netlist_fmt, raw);
    char *cir = tc_write(dir, "every.cir", text);
    char *cmd = tc_fmt("cd '%s' && ngspice -b every.cir > ngspice.log 2>&1", dir);
    (void)system(cmd);
    char names[64][64];
    double want[64];
    int n_want = read_raw(raw, names, want, 64);
    cr_assert_eq(n_want, 7, "ngspice reported %d node voltages (see %s/ngspice.log)", n_want,
                 dir);

    /* plnet: the netlist alone is the network (auto-detected by extension). */
    char *cfg = tc_write(dir, "exp.yaml", "name: every\nnetwork:\n  graph: {file: every.cir}\n");
    size_t n = 0;
    double *p = solve(dir, cfg, "out", &n);

    /* Node ids are the reader's: map them to names through the library itself. */
    pln_ctx *ctx = NULL;
    cr_assert_eq(pln_ctx_create(&ctx), PLN_OK);
    pln_graph *g = NULL;
    cr_assert_eq(pln_graph_read_spice(ctx, cir, &g, NULL), PLN_OK);
    cr_assert_eq((size_t)pln_graph_n_nodes(g), n);
    cr_assert_eq(n, 8); /* seven named nodes and the ground */
    const char *const *nm = pln_graph_node_label(g, "name");
    double pmax = 0.0;
    for (int k = 0; k < n_want; k++) {
        pmax = fmax(pmax, fabs(want[k]));
    }
    int matched = 0;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(nm[i], "0") == 0) {
            cr_assert_eq(p[i], 0.0);
            continue;
        }
        for (int k = 0; k < n_want; k++) {
            if (strcmp(names[k], nm[i]) == 0) {
                cr_assert(fabs(p[i] - want[k]) <= TOL_NGSPICE * pmax,
                          "node %s: plnet %.12g, ngspice %.12g", nm[i], p[i], want[k]);
                matched++;
            }
        }
    }
    cr_assert_eq(matched, 7);
    pln_graph_destroy(g);
    pln_ctx_destroy(ctx);
    free(p);
    free(cfg);
    free(cmd);
    free(cir);
    free(text);
    free(raw);
    free(dir);
    ts_check_leaks(); /* in the body: Criterion 2.4.1 ignores .fini failures */
}

static const char export_yaml[] =
    "name: roundtrip\nseed: 11\n"
    "network:\n  graph: {generator: erdos_renyi, n: 120, mean_degree: 5}\n"
    "  edges:\n    conductance: {init: loguniform, low: 0.05, high: 20}\n"
    "boundary:\n  ground: [0]\n"
    "  potentials: {nodes: [7, 19], values: [2.5, -1.25]}\n"
    "  currents: {nodes: [30, 41, 52], values: [0.02, -0.035, 0.0125]}\n"
    "  edge_sources: {edges: [%ld], values: [0.4]}\n";

Test(interchange, exported_netlist_reads_back_into_the_same_network)
{
    char *dir = tc_dir("interchange-roundtrip");
    /* An edge source on an edge away from the fixed nodes (the first whose ends are free). */
    char *y0 = tc_fmt(export_yaml, 0L);
    char *cfg0 = tc_write(dir, "probe.yaml", y0);
    char *out0 = tc_fmt("%s/probe", dir);
    char *err = NULL;
    int rc = tc_run(NULL, &err, "solve", cfg0, "-o", out0, NULL);
    long src = -1;
    if (rc == 0) {
        char *edg = tc_fmt("%s/edges.csv", out0);
        size_t m0 = 0;
        double *tl = tc_column(edg, "tail", &m0);
        double *hd = tc_column(edg, "head", &m0);
        for (size_t e = 0; e < m0 && src < 0; e++) {
            long a = (long)tl[e], b = (long)hd[e];
            bool busy = false;
            long fixed[] = {0, 7, 19, 30, 41, 52};
            for (size_t j = 0; j < sizeof fixed / sizeof fixed[0]; j++) {
                busy = busy || a == fixed[j] || b == fixed[j];
            }
            if (!busy) {
                src = (long)e;
            }
        }
        free(tl);
        free(hd);
        free(edg);
    }
    cr_assert(src >= 0, "probe solve failed: %s", err != NULL ? err : "");
    free(err);
    char *y1 = tc_fmt(export_yaml, src);
    char *cfg1 = tc_write(dir, "orig.yaml", y1);
    size_t n = 0;
    double *p = solve(dir, cfg1, "orig", &n);
    cr_assert_eq(n, 120);

    char *cir = tc_fmt("%s/net.cir", dir);
    rc = tc_run(NULL, &err, "export", "--spice", cfg1, "-o", cir, NULL);
    cr_assert_eq(rc, 0, "%s", err);
    free(err);

    /* Conductances: edge e is R<e>, in file order. */
    pln_ctx *ctx = NULL;
    cr_assert_eq(pln_ctx_create(&ctx), PLN_OK);
    pln_graph *g = NULL;
    pln_spice_sources s;
    cr_assert_eq(pln_graph_read_spice(ctx, cir, &g, &s), PLN_OK, "%s",
                 pln_ctx_last_error(ctx)->message);
    char *edg = tc_fmt("%s/orig/edges.csv", dir);
    size_t m = 0;
    double *k_orig = tc_column(edg, "conductance", &m);
    cr_assert_eq((size_t)pln_graph_n_edges(g), m);
    const double *k = pln_graph_edge_attr(g, "conductance");
    for (size_t e = 0; e < m; e++) {
        cr_assert(ts_rel_diff(k[e], k_orig[e], 0.0) <= TOL_CONDUCTANCE, "edge %zu: %.17g vs %.17g",
                  e, k[e], k_orig[e]);
    }
    /* The boundary: ground, two fixed potentials, the edge source on its own edge, three
     * injections, all with the same values. */
    cr_assert_eq(s.n_dirichlet, 3);
    cr_assert_eq(s.n_sources, 1);
    cr_assert_eq(s.source_edges[0], src);
    cr_assert_eq(s.source_values[0], 0.4);
    cr_assert_eq(s.n_currents, 3);

    /* Potentials: solve the netlist as a network and compare node n<i> with node i. */
    char *cfg2 = tc_write(dir, "back.yaml", "name: back\nnetwork:\n  graph: {file: net.cir}\n");
    size_t n2 = 0;
    double *p2 = solve(dir, cfg2, "back", &n2);
    cr_assert_eq(n2, (size_t)pln_graph_n_nodes(g));
    const char *const *nm = pln_graph_node_label(g, "name");
    double pmax = 0.0;
    for (size_t i = 0; i < n; i++) {
        pmax = fmax(pmax, fabs(p[i]));
    }
    size_t seen = 0;
    for (size_t j = 0; j < n2; j++) {
        if (strcmp(nm[j], "0") == 0) {
            cr_assert_eq(p2[j], 0.0);
            cr_assert_eq(p[0], 0.0);
            seen++;
            continue;
        }
        long i = -1;
        cr_assert(sscanf(nm[j], "n%ld", &i) == 1 && i > 0 && (size_t)i < n, "%s", nm[j]);
        cr_assert(fabs(p2[j] - p[i]) <= TOL_SAME_SYSTEM * pmax, "node %ld: %.17g vs %.17g", i,
                  p2[j], p[i]);
        seen++;
    }
    /* Every node came back (only the ground is renamed, to 0). */
    cr_assert_eq(seen, n);
    pln_spice_sources_free(&s);
    pln_graph_destroy(g);
    pln_ctx_destroy(ctx);
    free(p);
    free(p2);
    free(k_orig);
    free(edg);
    free(cfg2);
    free(cir);
    free(cfg1);
    free(y1);
    free(cfg0);
    free(y0);
    free(out0);
    free(dir);
    ts_check_leaks(); /* in the body: Criterion 2.4.1 ignores .fini failures */
}

/* The netlist's boundary merges with the YAML's, and a YAML role on a node the netlist fixes
 * is a configuration error naming the YAML line. */
Test(interchange, netlist_boundary_merges_with_yaml)
{
    char *dir = tc_dir("interchange-merge");
    /* in -- 1k -- mid -- 3k -- 0, V(in) = 4 from the netlist, 1 mA into mid from the YAML:
     * (4 - v)/1k + 1e-3 = v/3k gives v = 3.75 V. */
    free(tc_write(dir, "div.sp", "divider\nR1 in mid 1k\nR2 mid 0 3k\nV1 in 0 DC 4\n.end\n"));
    char *cfg = tc_write(dir, "exp.yaml",
                         "name: merge\nnetwork:\n  graph: {file: div.sp}\n"
                         "boundary:\n  currents: {nodes: [1], values: [1.0e-3]}\n");
    size_t n = 0;
    double *p = solve(dir, cfg, "out", &n);
    cr_assert_eq(n, 3);
    cr_assert(fabs(p[0] - 4.0) < 1e-12 && fabs(p[1] - 3.75) < 1e-12 && p[2] == 0.0,
              "%g %g %g", p[0], p[1], p[2]);
    char *bad = tc_write(dir, "bad.yaml",
                         "name: bad\nnetwork:\n  graph: {file: div.sp, format: spice}\n"
                         "boundary:\n  potentials: {nodes: [0], values: [1.0]}\n");
    char *err = NULL;
    int rc = tc_run(NULL, &err, "solve", bad, "-o", "-", NULL);
    cr_assert_eq(rc, 2, "%s", err);
    cr_assert(strstr(err, "bad.yaml:5:") != NULL && strstr(err, "node 0 is already") != NULL,
              "%s", err);
    free(err);
    free(bad);
    free(p);
    free(cfg);
    free(dir);
    ts_check_leaks(); /* in the body: Criterion 2.4.1 ignores .fini failures */
}
