/* test_circuit_cli.c — `plnet solve` of a netlist with diodes and transistors gives ngspice's operating point; `plnet export --spice` writes D and M elements with their .model lines, and ngspice's .op of the export is plnet's solve. */
#include "cli_helpers.h"
#include "plnet.h"
#include "test_support.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The brief's bar; ngspice 39's CODATA 2014 k/q against plnet's SI 2019 constants account for
 * a few 1e-7 V on a conducting junction. */
#define TOL_NGSPICE_V 1e-6

static const char deck[] =
    "diodes and transistors\n"
    "V1 in 0 DC 3\n"
    "R1 in a 1k\n"
    "D1 a b DX\n"
    ".model DX D(IS=2e-14 N=1.3 RS=15)\n"
    "R2 b 0 2.2k\n"
    "M1 a g1 c c NX W=20u L=10u\n"
    "VG1 g1 c DC 1.8\n"
    ".model NX NMOS(LEVEL=1 KP=1e-4 VTO=0.6 LAMBDA=0.02 IS=0)\n"
    "R3 c 0 1.5k\n"
    "D2 0 c DX 2\n"
    "I1 0 b 0.2m\n"
    "M2 c g2 b b NX\n"
    "VG2 g2 b DC 0.9\n"
    ".op\n.end\n";

/* Node voltages of an ASCII raw file: v(name) for each name, NaN when absent. */
static void read_raw(const char *raw, int n, const char *const *names, double *v)
{
    FILE *f = fopen(raw, "r");
    cr_assert(f != NULL, "ngspice wrote no raw file %s", raw);
    char line[512];
    int state = 0, k = 0, idx[32];
    for (int i = 0; i < n; i++) {
        idx[i] = -1;
        v[i] = NAN;
    }
    while (fgets(line, sizeof line, f) != NULL) {
        if (strncmp(line, "Variables:", 10) == 0) {
            state = 1;
            continue;
        }
        if (strncmp(line, "Values:", 7) == 0) {
            state = 2;
            continue;
        }
        if (state == 1) {
            int q;
            char nm[128], ty[64];
            if (sscanf(line, "%d %127s %63s", &q, nm, ty) == 3) {
                for (int i = 0; i < n; i++) {
                    char want[80];
                    snprintf(want, sizeof want, "v(%s)", names[i]);
                    if (strcmp(nm, want) == 0) {
                        idx[i] = q;
                    }
                }
            }
        } else if (state == 2) {
            char *s = line;
            if (k == 0) {
                strtol(s, &s, 10);
            }
            for (int i = 0; i < n; i++) {
                if (idx[i] == k) {
                    v[i] = strtod(s, NULL);
                }
            }
            k++;
        }
    }
    fclose(f);
}

/* Run ngspice on a deck with a control block appended that writes every node voltage. */
static void run_ngspice(const char *dir, const char *cir, const char *raw)
{
    char *ctl = tc_fmt("%s.ctl.cir", cir);
    FILE *in = fopen(cir, "r"), *out = fopen(ctl, "w");
    cr_assert(in != NULL && out != NULL);
    char line[512];
    while (fgets(line, sizeof line, in) != NULL) {
        if (strcmp(line, ".op\n") != 0 && strcmp(line, ".end\n") != 0) {
            fputs(line, out);
        }
    }
    fprintf(out, ".options RELTOL=1e-8 VNTOL=1e-11 ABSTOL=1e-16\n.op\n"
                 ".control\nop\nset filetype=ascii\nwrite %s all\n.endc\n.end\n", raw);
    fclose(in);
    fclose(out);
    char *cmd = tc_fmt("cd '%s' && ngspice -b '%s' > '%s.log' 2>&1", dir, ctl, ctl);
    cr_assert_eq(system(cmd), 0, "ngspice failed (see %s.log)", ctl);
    free(cmd);
    free(ctl);
}

Test(circuit_cli, solve_of_a_netlist_with_devices_gives_ngspice_op, .timeout = 120)
{
    if (system("command -v ngspice > /dev/null 2>&1") != 0) {
        cr_skip("ngspice is not installed");
    }
    char *dir = tc_dir("circuit-cli");
    char *cir = tc_write(dir, "dm.cir", deck);
    char *cfg = tc_write(dir, "dm.yaml", "name: dm\nnetwork:\n  kind: resistor\n  graph: {file: dm.cir}\n");
    char *out = tc_fmt("%s/out", dir), *err = NULL;
    int rc = tc_run(NULL, &err, "solve", cfg, "-o", out, NULL);
    cr_assert_eq(rc, 0, "plnet solve: %s", err);
    free(err);
    char *pot = tc_fmt("%s/potentials.csv", out);
    size_t n = 0;
    double *p = tc_column(pot, "potential", &n);
    cr_assert_eq(n, 5, "in, 0, a, b, c (the gates are not nodes)");
    static const char *const names[] = {"in", "0", "a", "b", "c"};
    char *raw = tc_fmt("%s/dm.raw", dir);
    run_ngspice(dir, cir, raw);
    double want[5];
    read_raw(raw, 5, names, want);
    want[1] = 0.0;
    for (int i = 0; i < 5; i++) {
        cr_assert(fabs(p[i] - want[i]) <= TOL_NGSPICE_V, "node %s: plnet %.12g, ngspice %.12g",
                  names[i], p[i], want[i]);
    }
    /* edges.csv: each device's kind, its region and its V I */
    char *edg = tc_fmt("%s/edges.csv", out);
    size_t m = 0;
    char **kind = tc_column_str(edg, "element", &m);
    char **region = tc_column_str(edg, "region", &m);
    double *drop = tc_column(edg, "drop", &m), *cur = tc_column(edg, "current", &m);
    double *pw = tc_column(edg, "power", &m);
    cr_assert_eq(m, 7);
    cr_assert_str_eq(kind[1], "diode");
    cr_assert_str_eq(region[1], "forward");
    cr_assert_str_eq(kind[3], "nmos");
    cr_assert_str_eq(region[5], "reverse", "D2 from ground to c is reverse biased");
    for (size_t e = 0; e < m; e++) {
        cr_assert(fabs(pw[e] - drop[e] * cur[e]) <= 1e-15 * fabs(pw[e]) + 1e-30);
        free(kind[e]);
        free(region[e]);
    }
    free(kind);
    free(region);

    /* the export: D and M with their .model lines, and ngspice's .op of it is plnet's solve */
    char *exp = tc_fmt("%s/export.cir", dir);
    err = NULL;
    rc = tc_run(NULL, &err, "export", "--spice", cfg, "-o", exp, NULL);
    cr_assert_eq(rc, 0, "plnet export: %s", err);
    free(err);
    FILE *f = fopen(exp, "r");
    char line[512];
    int n_d = 0, n_m = 0, n_dm = 0, n_mm = 0;
    while (fgets(line, sizeof line, f) != NULL) {
        n_d += line[0] == 'D';
        n_m += line[0] == 'M';
        n_dm += strncmp(line, ".model DM", 9) == 0 && strstr(line, " D(IS=") != NULL;
        n_mm += strncmp(line, ".model MM", 9) == 0 && strstr(line, "NMOS(LEVEL=1 KP=") != NULL;
    }
    fclose(f);
    cr_assert(n_d == 2 && n_m == 2 && n_dm == 2 && n_mm == 2, "D %d M %d .model %d %d", n_d, n_m,
              n_dm, n_mm);
    char *raw2 = tc_fmt("%s/export.raw", dir);
    run_ngspice(dir, exp, raw2);
    static const char *const exported[] = {"n0", "n1", "n2", "n3", "n4"};
    read_raw(raw2, 5, exported, want);
    for (int i = 0; i < 5; i++) {
        if (i == 1) {
            continue; /* the ground */
        }
        cr_assert(fabs(p[i] - want[i]) <= TOL_NGSPICE_V, "node n%d: plnet %.12g, ngspice %.12g", i,
                  p[i], want[i]);
    }
    free(p);
    free(drop);
    free(cur);
    free(pw);
    free(raw);
    free(raw2);
    free(exp);
    free(edg);
    free(pot);
    free(out);
    free(cfg);
    free(cir);
    free(dir);
}

/* The column of a raw file's node names n<i> (exported netlists), ground as 0 V. */
static void read_exported(const char *raw, int n, const bool *ground, double *v)
{
    char **names = malloc((size_t)n * sizeof *names);
    for (int i = 0; i < n; i++) {
        names[i] = tc_fmt("n%d", i);
    }
    read_raw(raw, n, (const char *const *)names, v);
    for (int i = 0; i < n; i++) {
        if (ground[i]) {
            v[i] = 0.0;
        }
        free(names[i]);
    }
    free(names);
}

/* Whether a .model line's parameter `name` (e.g. "KP=") is v (to rounding). */
static bool param_is(const char *line, const char *name, double v)
{
    const char *s = strstr(line, name);
    return s != NULL && fabs(strtod(s + strlen(name), NULL) - v) <= 1e-15 * fabs(v);
}

/* Issue 13: an experiment file declares the devices (network.elements: kinds by edge list,
 * SPICE parameters, gates drawn from the seed); plnet solve of it is ngspice's .op of its
 * export, whose .model lines carry the file's values. */
Test(circuit_cli, yaml_elements_solve_as_ngspice_and_export_their_models, .timeout = 120)
{
    if (system("command -v ngspice > /dev/null 2>&1") != 0) {
        cr_skip("ngspice is not installed");
    }
    char *dir = tc_dir("circuit-yaml");
    char *cfg = tc_write(dir, "el.yaml",
                         "name: el\nseed: 4\n"
                         "network:\n  kind: resistor\n"
                         "  graph: {generator: square_lattice, size: [4, 4]}\n"
                         "  edges:\n    conductance: {init: uniform, low: 1.0e-3, high: 2.0e-3, "
                         "min: 1.0e-4, max: 1.0}\n"
                         "  elements:\n"
                         "    edges: {diode: [0, 5, 9, 14], nmos: [2, 7, 11, 19, 21]}\n"
                         "    diode_is: 3.0e-14\n    diode_n: 1.2\n    diode_rs: 10.0\n"
                         "    kp: 2.0e-4\n    vto: 0.4\n    lambda: 0.03\n"
                         "    gate: {init: uniform, low: 0.5, high: 2.0}\n"
                         "boundary:\n  ground: [0]\n  potentials: {nodes: [15], values: [2.5]}\n"
                         "  currents: {nodes: [6], values: [1.0e-4]}\n");
    char *out = tc_fmt("%s/out", dir), *err = NULL;
    int rc = tc_run(NULL, &err, "solve", cfg, "-o", out, NULL);
    cr_assert_eq(rc, 0, "plnet solve: %s", err);
    free(err);
    char *pot = tc_fmt("%s/potentials.csv", out);
    size_t n = 0;
    double *p = tc_column(pot, "potential", &n);
    cr_assert_eq(n, 16);
    char *edg = tc_fmt("%s/edges.csv", out);
    size_t m = 0;
    char **kind = tc_column_str(edg, "element", &m);
    cr_assert_eq(m, 24);
    int n_diode = 0, n_nmos = 0;
    for (size_t e = 0; e < m; e++) {
        n_diode += strcmp(kind[e], "diode") == 0;
        n_nmos += strcmp(kind[e], "nmos") == 0;
        free(kind[e]);
    }
    free(kind);
    cr_assert(n_diode == 4 && n_nmos == 5, "%d diodes, %d transistors", n_diode, n_nmos);
    /* the resolved file (network.elements written out) reloads to the same circuit */
    char *resolved = tc_fmt("%s/config.resolved.yaml", out), *out2 = tc_fmt("%s/again", dir);
    err = NULL;
    rc = tc_run(NULL, &err, "solve", resolved, "-o", out2, NULL);
    cr_assert_eq(rc, 0, "plnet solve of the resolved file: %s", err);
    free(err);
    char *pot2 = tc_fmt("%s/potentials.csv", out2);
    size_t n2 = 0;
    double *p2 = tc_column(pot2, "potential", &n2);
    cr_assert_eq(n2, n);
    for (size_t i = 0; i < n; i++) {
        cr_assert(p2[i] == p[i], "node %zu: %.17g after reloading, %.17g", i, p2[i], p[i]);
    }
    free(p2);
    free(pot2);
    free(out2);
    free(resolved);

    char *exp = tc_fmt("%s/el.cir", dir);
    err = NULL;
    rc = tc_run(NULL, &err, "export", "--spice", cfg, "-o", exp, NULL);
    cr_assert_eq(rc, 0, "plnet export: %s", err);
    free(err);
    FILE *f = fopen(exp, "r");
    char line[512];
    int n_dm = 0, n_mm = 0;
    while (fgets(line, sizeof line, f) != NULL) {
        if (strncmp(line, ".model", 6) != 0) {
            continue;
        }
        n_dm += strstr(line, " D(") != NULL && param_is(line, "IS=", 3e-14) &&
                param_is(line, " N=", 1.2) && param_is(line, "RS=", 10.0);
        n_mm += strstr(line, "NMOS(LEVEL=1") != NULL && param_is(line, "KP=", 2e-4) &&
                param_is(line, "VTO=", 0.4) && param_is(line, "LAMBDA=", 0.03);
    }
    fclose(f);
    cr_assert(n_dm == 4 && n_mm == 5, "the file's parameters in %d diode and %d NMOS models",
              n_dm, n_mm);
    char *raw = tc_fmt("%s/el.raw", dir);
    run_ngspice(dir, exp, raw);
    bool ground[16] = {true};
    double want[16], worst = 0.0;
    read_exported(raw, 16, ground, want);
    for (int i = 0; i < 16; i++) {
        cr_assert(fabs(p[i] - want[i]) <= TOL_NGSPICE_V, "node %d: plnet %.12g, ngspice %.12g",
                  i, p[i], want[i]);
        worst = fmax(worst, fabs(p[i] - want[i]));
    }
    cr_log_info("YAML devices: largest |plnet - ngspice| %.3g V over 16 nodes", worst);
    free(raw);
    free(exp);
    free(p);
    free(edg);
    free(pot);
    free(out);
    free(cfg);
    free(dir);
}

/* A trained run: example 14's transistors learn XOR with plnet train; its network.graphml (the
 * learned gates) read back by a configuration holds the pattern (1, 0) V at +0.1 V on the
 * output edge, and ngspice's .op of plnet export --spice of it is plnet solve's; plnet export
 * --spice of the run folder gives each pattern's output as predictions.csv has it. */
Test(circuit_cli, trained_transistor_network_exports_to_ngspice, .timeout = 180)
{
    if (system("command -v ngspice > /dev/null 2>&1") != 0) {
        cr_skip("ngspice is not installed");
    }
    char *dir = tc_dir("circuit-trained");
    char *run = tc_fmt("%s/run", dir), *err = NULL;
    int rc = tc_run(NULL, &err, "train", ts_source_path("examples/14-transistor-xor/experiment.yaml"),
                    "-o", run, "--quiet", NULL);
    cr_assert_eq(rc, 0, "plnet train: %s", err);
    free(err);
    char *cfg = tc_write(dir, "trained.yaml",
                         "name: trained\nnetwork:\n  kind: resistor\n"
                         "  graph: {file: run/network.graphml}\n"
                         "boundary:\n  ground: [0]\n"
                         "  potentials: {nodes: [1, 2, 3], values: [1.0, 1.0, 0.0]}\n");
    char *out = tc_fmt("%s/out", dir);
    err = NULL;
    rc = tc_run(NULL, &err, "solve", cfg, "-o", out, NULL);
    cr_assert_eq(rc, 0, "plnet solve: %s", err);
    free(err);
    char *edg = tc_fmt("%s/edges.csv", out);
    size_t m = 0;
    double *drop = tc_column(edg, "drop", &m);
    char **kind = tc_column_str(edg, "element", &m);
    cr_assert_eq(m, 29);
    for (size_t e = 0; e < m; e++) {
        cr_assert_str_eq(kind[e], "nmos", "edge %zu", e);
        free(kind[e]);
    }
    free(kind);
    cr_assert(fabs(drop[28] - 0.1) < 1e-6, "the trained output for (1, 0): %.9g V", drop[28]);
    char *pot = tc_fmt("%s/potentials.csv", out);
    size_t n = 0;
    double *p = tc_column(pot, "potential", &n);
    cr_assert_eq(n, 10);
    char *exp = tc_fmt("%s/trained.cir", dir);
    err = NULL;
    rc = tc_run(NULL, &err, "export", "--spice", cfg, "-o", exp, NULL);
    cr_assert_eq(rc, 0, "plnet export: %s", err);
    free(err);
    char *raw = tc_fmt("%s/trained.raw", dir);
    run_ngspice(dir, exp, raw);
    bool ground[10] = {true};
    double want[10], worst = 0.0;
    read_exported(raw, 10, ground, want);
    for (int i = 0; i < 10; i++) {
        cr_assert(fabs(p[i] - want[i]) <= TOL_NGSPICE_V, "node %d: plnet %.12g, ngspice %.12g",
                  i, p[i], want[i]);
        worst = fmax(worst, fabs(p[i] - want[i]));
    }
    cr_log_info("trained XOR network: output %.9f V; largest |plnet - ngspice| %.3g V", drop[28],
                worst);
    /* The run folder itself: each training pattern's netlist (gates from checkpoint.bin)
     * through ngspice gives predictions.csv's output drop across edge 28 (n8 -> n9). */
    char *pred = tc_fmt("%s/predictions.csv", run);
    size_t np = 0;
    double *po = tc_column(pred, "output_0", &np);
    cr_assert_eq(np, 4);
    for (size_t k = 0; k < np; k++) {
        char *cir = tc_fmt("%s/pattern%zu.cir", dir, k), *kk = tc_fmt("%zu", k);
        err = NULL;
        rc = tc_run(NULL, &err, "export", "--spice", run, "--example", kk, "--split", "train",
                    "-o", cir, NULL);
        cr_assert_eq(rc, 0, "plnet export RUN --example %zu: %s", k, err);
        free(err);
        char *raw_k = tc_fmt("%s/pattern%zu.raw", dir, k);
        run_ngspice(dir, cir, raw_k);
        static const char *const ends[] = {"n8", "n9"};
        double v[2];
        read_raw(raw_k, 2, ends, v);
        cr_assert(fabs((v[0] - v[1]) - po[k]) <= TOL_NGSPICE_V,
                  "pattern %zu: ngspice %.12g V, predictions.csv %.12g V", k, v[0] - v[1], po[k]);
        free(raw_k);
        free(kk);
        free(cir);
    }
    free(po);
    free(pred);
    free(raw);
    free(exp);
    free(p);
    free(pot);
    free(drop);
    free(edg);
    free(out);
    free(cfg);
    free(run);
    free(dir);
}

/* The gates of a run's network.graphml (caller frees), m edges. */
static double *run_gates(pln_ctx *ctx, const char *run, pln_idx *m)
{
    char *gml = tc_fmt("%s/network.graphml", run);
    pln_graph *g = NULL;
    cr_assert_eq(pln_graph_read_graphml(ctx, gml, &g), PLN_OK, "%s",
                 pln_ctx_last_error(ctx)->message);
    const double *gate = pln_graph_edge_attr(g, "gate");
    cr_assert(gate != NULL, "%s has no gates", gml);
    *m = pln_graph_n_edges(g);
    double *v = malloc((size_t)*m * sizeof *v);
    memcpy(v, gate, (size_t)*m * sizeof *v);
    pln_graph_destroy(g);
    free(gml);
    return v;
}

/* The hardware of the gates from the experiment file: learning.hardware.levels quantizes each
 * updated gate onto the levels evenly spaced between network.elements.gate.min and max (V,
 * signed), as the trained network.graphml holds them (a gate whose signal stayed exactly 0,
 * a transistor in cutoff, keeps its initial value, as the hardware model says). */
Test(circuit_cli, gate_hardware_from_the_experiment_file, .timeout = 120)
{
    char *dir = tc_dir("circuit-gate-hw");
    const char *yaml = ts_source_path("examples/14-transistor-xor/experiment.yaml");
    char *run0 = tc_fmt("%s/run0", dir), *run = tc_fmt("%s/run", dir), *err = NULL;
    int rc = tc_run(NULL, &err, "train", yaml, "-o", run0, "--quiet", "--set", "train.steps=0",
                    NULL);
    cr_assert_eq(rc, 0, "plnet train: %s", err);
    free(err);
    rc = tc_run(NULL, &err, "train", yaml, "-o", run, "--quiet", "--set", "train.steps=50",
                "--set", "learning.hardware.levels=11", "--set", "network.elements.gate.min=-1.0",
                "--set", "network.elements.gate.max=1.5", NULL);
    cr_assert_eq(rc, 0, "plnet train: %s", err);
    free(err);
    pln_ctx *ctx = NULL;
    cr_assert_eq(pln_ctx_create(&ctx), PLN_OK);
    pln_idx m = 0, m0 = 0;
    double *g0 = run_gates(ctx, run0, &m0), *g = run_gates(ctx, run, &m);
    cr_assert_eq(m, m0);
    int moved = 0;
    for (pln_idx e = 0; e < m; e++) {
        if (g[e] == g0[e]) {
            continue;
        }
        moved++;
        const double k = (g[e] + 1.0) / 0.25; /* level index: -1, -0.75, ..., 1.5 V */
        cr_assert(fabs(k - round(k)) < 1e-9 && k > -1e-9 && k < 10 + 1e-9,
                  "edge %lld: gate %.17g V is not one of the 11 levels", (long long)e, g[e]);
    }
    cr_log_info("%d of %lld gates updated, each onto a level", moved, (long long)m);
    cr_assert(moved >= m / 2, "only %d of %lld gates learned", moved, (long long)m);
    free(g);
    free(g0);
    pln_ctx_destroy(ctx);
    free(run);
    free(run0);
    free(dir);
}
