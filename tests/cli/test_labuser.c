/* test_labuser.c — a lab user's first week (issue 12): hardware levels from a device law or a measured table through the experiment file, plnet evaluate under component tolerance, plnet export --spice of a trained run against ngspice, spring drawings and solves, and paper figures. */
#define _POSIX_C_SOURCE 200809L

#include "cli_helpers.h"
#include "test_support.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

TestSuite(labuser, .fini = ts_check_leaks, .timeout = 240);

/* Whole file as a malloc'd string (NULL when unreadable). */
static char *slurp(const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (fp == NULL) {
        return NULL;
    }
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    rewind(fp);
    char *s = malloc((size_t)n + 1);
    size_t got = fread(s, 1, (size_t)n, fp);
    s[got] = '\0';
    fclose(fp);
    return s;
}

/* The values of GraphML edge attribute `name` (in file order); *n of them. */
static double *graphml_edge_values(const char *path, const char *name, size_t *n)
{
    char *text = slurp(path);
    cr_assert(text != NULL, "cannot read %s", path);
    char *pat = tc_fmt("attr.name=\"%s\"", name);
    char *at = strstr(text, pat);
    cr_assert(at != NULL, "%s has no key %s", path, name);
    char *id = at;
    while (id > text && strncmp(id, "id=\"", 4) != 0) {
        id--;
    }
    char key[64];
    cr_assert(sscanf(id, "id=\"%63[^\"]\"", key) == 1);
    char *open = tc_fmt("<data key=\"%s\">", key);
    size_t cap = 64, k = 0;
    double *v = malloc(cap * sizeof *v);
    for (char *p = strstr(text, "<edge"); p != NULL && (p = strstr(p, open)) != NULL;) {
        p += strlen(open);
        if (k == cap) {
            cap *= 2;
            v = realloc(v, cap * sizeof *v);
        }
        v[k++] = strtod(p, NULL);
    }
    *n = k;
    free(open);
    free(pat);
    free(text);
    return v;
}

static void run_ok_impl(const char *what, int rc, char *err)
{
    cr_assert_eq(rc, 0, "%s: exit %d\n%s", what, rc, err != NULL ? err : "");
    free(err);
}

/* The call runs before err is read: as a function's arguments, their order is unspecified
 * (gcc read err first, freeing the previous text and leaking the new one). */
#define run_ok(what, call, err)                                                                \
    do {                                                                                       \
        int run_ok_rc_ = (call);                                                               \
        run_ok_impl((what), run_ok_rc_, (err));                                                \
    } while (0)

/* ------------------------------------------------------------------ hardware levels */

static const char *hw_yaml =
    "name: hw\n"
    "seed: 2\n"
    "network:\n"
    "  graph: {generator: erdos_renyi, n: 20, mean_degree: 4.0}\n"
    "  edges: {conductance: {init: constant, value: %s, min: 0.1, max: 1.0}}\n"
    "task:\n"
    "  kind: regression\n"
    "  inputs: {nodes: [3, 9]}\n"
    "  outputs: {nodes: [14, 17]}\n"
    "  n_examples: 6\n"
    "  test_examples: 4\n"
    "  input_range: [0.0, 1.0]\n"
    "learning:\n"
    "  rate: 30.0\n"
    "  nudge: 0.2\n"
    "  hardware: {%s}\n"
    "train: {steps: 40, batch: 2, log_every: 20, checkpoint_every: 40}\n";

/* Trains with the given hardware from every edge at `init` (a level, since edges that never
 * update keep their initial value) and returns the trained conductances. */
static double *train_hw(const char *dir, const char *tag, const char *init, const char *hardware,
                        size_t *m)
{
    char *text = tc_fmt(hw_yaml, init, hardware);
    char *name = tc_fmt("%s.yaml", tag);
    char *cfg = tc_write(dir, name, text);
    char *out = tc_fmt("%s/%s", dir, tag);
    char *err = NULL;
    run_ok(cfg, tc_run(NULL, &err, "train", cfg, "-o", out, "--quiet", NULL), err);
    char *g = tc_fmt("%s/network.graphml", out);
    double *v = graphml_edge_values(g, "conductance", m);
    cr_assert(*m > 20);
    free(g);
    free(out);
    free(cfg);
    free(name);
    free(text);
    return v;
}

/* A digital potentiometer between 1 and 10 ohm in 4 taps (1, 4, 7, 10 ohm): every trained
 * conductance is 1/R of a tap, and evenly spaced conductances (0.1, 0.4, 0.7, 1 S) are not. */
Test(labuser, hardware_levels_spaced_in_ohms_are_a_potentiometer)
{
    char *dir = tc_dir("lab-hw");
    size_t m = 0;
    double *g = train_hw(dir, "pot", "0.25", "levels: 4, spacing: resistance", &m);
    const double taps[4] = {1.0, 4.0, 7.0, 10.0};
    int on[4] = {0};
    for (size_t e = 0; e < m; e++) {
        int hit = -1;
        for (int j = 0; j < 4; j++) {
            if (fabs(g[e] - 1.0 / taps[j]) < 1e-12) {
                hit = j;
            }
        }
        cr_assert(hit >= 0, "edge %zu: %.17g S = %.6g ohm is not a tap", e, g[e], 1.0 / g[e]);
        on[hit]++;
    }
    cr_assert(on[0] + on[2] + on[3] > 0, "no edge left its initial tap (4 ohm)");
    free(g);
    /* A measured table in ohms (E6 values) and one in siemens. */
    g = train_hw(dir, "table_ohm", "0.21276595744680851", "spacing: resistance, table: [1.0, 2.2, 4.7, 10.0]", &m);
    for (size_t e = 0; e < m; e++) {
        double r = 1.0 / g[e];
        cr_assert(fabs(r - 1.0) < 1e-12 || fabs(r - 2.2) < 1e-12 || fabs(r - 4.7) < 1e-12 ||
                      fabs(r - 10.0) < 1e-12,
                  "edge %zu: %.17g ohm is not in the table", e, r);
    }
    free(g);
    g = train_hw(dir, "table_s", "0.3", "spacing: linear, table: [0.15, 0.3, 0.45, 0.8]", &m);
    for (size_t e = 0; e < m; e++) {
        cr_assert(g[e] == 0.15 || g[e] == 0.3 || g[e] == 0.45 || g[e] == 0.8,
                  "edge %zu: %.17g S is not in the table", e, g[e]);
    }
    free(g);
    /* Refusals name the key. */
    char *text = tc_fmt(hw_yaml, "0.3", "levels: 4, table: [0.15, 0.3]");
    char *cfg = tc_write(dir, "both.yaml", text);
    char *err = NULL;
    char *out = tc_fmt("%s/both", dir);
    int rc = tc_run(NULL, &err, "train", cfg, "-o", out, "--quiet", NULL);
    cr_assert_eq(rc, 2);
    cr_assert(strstr(err, "learning.hardware.levels") != NULL, "%s", err);
    free(err);
    free(cfg);
    free(text);
    free(out);
    text = tc_fmt(hw_yaml, "0.3", "table: [0.3, 0.15]");
    cfg = tc_write(dir, "dec.yaml", text);
    out = tc_fmt("%s/dec", dir);
    rc = tc_run(NULL, &err, "train", cfg, "-o", out, "--quiet", NULL);
    cr_assert_eq(rc, 2);
    cr_assert(strstr(err, "learning.hardware.table") != NULL, "%s", err);
    free(err);
    free(cfg);
    free(text);
    free(out);
    free(dir);
}

/* ------------------------------------------------------------------ export of a trained run */

static const char *reg_yaml =
    "name: reg\n"
    "seed: 7\n"
    "network:\n"
    "  graph: {generator: erdos_renyi, n: 40, mean_degree: 5.0}\n"
    "  edges: {conductance: {init: loguniform, low: 0.1, high: 10.0, min: 1.0e-3, max: 1.0e3}}\n"
    "boundary: {ground: [0]}\n"
    "task:\n"
    "  kind: regression\n"
    "  inputs: {nodes: [5, 11, 23]}\n"
    "  outputs: {nodes: [30, 36]}\n"
    "  n_examples: 10\n"
    "  test_examples: 8\n"
    "  input_range: [0.0, 1.0]\n"
    "learning: {rate: 2.0, nudge: 0.1}\n"
    "train: {steps: 300, batch: 4, log_every: 100, checkpoint_every: 1000}\n";

/* A trained regression run in dir/run (returns its path). */
static char *train_reg(const char *dir)
{
    char *cfg = tc_write(dir, "reg.yaml", reg_yaml);
    char *out = tc_fmt("%s/run", dir);
    char *err = NULL;
    run_ok("train reg.yaml", tc_run(NULL, &err, "train", cfg, "-o", out, "--quiet", NULL), err);
    free(cfg);
    return out;
}

/* Row `split,index` of predictions.csv: its output_j columns (n_out of them). */
static void predicted(const char *run, const char *split, int index, double *o, int n_out)
{
    char *path = tc_fmt("%s/predictions.csv", run);
    size_t n = 0;
    char **sp = tc_column_str(path, "split", &n);
    double *ix = tc_column(path, "index", &n);
    size_t row = n;
    for (size_t r = 0; r < n; r++) {
        if (strcmp(sp[r], split) == 0 && ix[r] == index) {
            row = r;
        }
    }
    cr_assert(row < n, "no row %s,%d in %s", split, index, path);
    for (int j = 0; j < n_out; j++) {
        char *name = tc_fmt("output_%d", j);
        size_t nn = 0;
        double *col = tc_column(path, name, &nn);
        o[j] = col[row];
        free(col);
        free(name);
    }
    for (size_t r = 0; r < n; r++) {
        free(sp[r]);
    }
    free(sp);
    free(ix);
    free(path);
}

/* ngspice's .op potential of each node in nodes[] for netlist cir (full precision through
 * an ASCII raw file). */
static void ngspice_op(const char *dir, const char *cir, const long *nodes, int k, double *v)
{
    FILE *in = fopen(cir, "r");
    cr_assert(in != NULL);
    char *ctl = tc_fmt("%s.ctl.cir", cir);
    char *raw = tc_fmt("%s.raw", cir);
    FILE *outf = fopen(ctl, "w");
    char line[8192];
    while (fgets(line, sizeof line, in) != NULL) {
        if (strcmp(line, ".op\n") != 0 && strcmp(line, ".end\n") != 0) {
            fputs(line, outf);
        }
    }
    fprintf(outf, ".control\nop\nset filetype=ascii\nwrite %s all\n.endc\n.end\n", raw);
    fclose(in);
    fclose(outf);
    char *cmd = tc_fmt("ngspice -b '%s' > '%s/ngspice.log' 2>&1", ctl, dir);
    (void)system(cmd);
    FILE *rf = fopen(raw, "r");
    cr_assert(rf != NULL, "ngspice wrote no raw file (see %s/ngspice.log)", dir);
    long var_node[4096];
    int n_vars = 0, state = 0, kv = 0, found = 0;
    while (fgets(line, sizeof line, rf) != NULL) {
        if (strncmp(line, "Variables:", 10) == 0) {
            state = 1;
        } else if (strncmp(line, "Values:", 7) == 0) {
            state = 2;
        } else if (state == 1 && n_vars < 4096) {
            int idx = 0;
            char name[128];
            long node = -1;
            if (sscanf(line, "%d %127s", &idx, name) == 2) {
                if (sscanf(name, "v(n%ld)", &node) != 1) {
                    node = -1;
                }
                var_node[n_vars++] = node;
            }
        } else if (state == 2) {
            char *s = line;
            if (kv == 0) {
                strtol(s, &s, 10);
            }
            double x = strtod(s, NULL);
            for (int j = 0; j < k && kv < n_vars; j++) {
                if (var_node[kv] == nodes[j]) {
                    v[j] = x;
                    found++;
                }
            }
            kv++;
        }
    }
    fclose(rf);
    cr_assert_eq(found, k, "ngspice gave %d of the %d node voltages", found, k);
    free(cmd);
    free(raw);
    free(ctl);
}

/* The trained network exported with example N's inputs: ngspice's potentials at the output
 * nodes are the run's predictions (predictions.csv) to 1e-6 V. */
Test(labuser, export_of_a_trained_run_reproduces_its_predictions_in_ngspice)
{
    if (system("command -v ngspice > /dev/null 2>&1") != 0) {
        cr_skip("ngspice is not installed: cannot cross-check the exported netlist");
    }
    char *dir = tc_dir("lab-export");
    char *run = train_reg(dir);
    const long outs[2] = {30, 36};
    const struct {
        const char *split;
        int index;
    } ex[3] = {{"test", 0}, {"test", 7}, {"train", 4}};
    double worst = 0.0;
    for (int c = 0; c < 3; c++) {
        char *cir = tc_fmt("%s/%s%d.cir", dir, ex[c].split, ex[c].index);
        char *num = tc_fmt("%d", ex[c].index);
        char *err = NULL;
        run_ok("export", tc_run(NULL, &err, "export", "--spice", run, "--example", num,
                                "--split", ex[c].split, "-o", cir, NULL), err);
        double want[2], got[2];
        predicted(run, ex[c].split, ex[c].index, want, 2);
        ngspice_op(dir, cir, outs, 2, got);
        for (int j = 0; j < 2; j++) {
            cr_assert(fabs(got[j] - want[j]) <= 1e-6,
                      "%s example %d output %d: ngspice %.12g V, predictions.csv %.12g V",
                      ex[c].split, ex[c].index, j, got[j], want[j]);
            worst = fmax(worst, fabs(got[j] - want[j]));
        }
        free(num);
        free(cir);
    }
    cr_log_info("export: worst |ngspice - predictions.csv| = %.3g V", worst);
    /* Out of range, and a run-only option on a configuration file, are refused. */
    char *err = NULL;
    char *cir = tc_fmt("%s/bad.cir", dir);
    int rc = tc_run(NULL, &err, "export", "--spice", run, "--example", "8", "-o", cir, NULL);
    cr_assert_eq(rc, 2);
    cr_assert(strstr(err, "0..7") != NULL, "%s", err);
    cr_assert(!tc_exists(cir));
    free(err);
    char *cfg = tc_fmt("%s/reg.yaml", dir);
    rc = tc_run(NULL, &err, "export", "--spice", cfg, "--example", "1", NULL);
    cr_assert_eq(rc, 2);
    cr_assert(strstr(err, "run folder") != NULL, "%s", err);
    free(err);
    free(cfg);
    free(cir);
    free(run);
    free(dir);
}

/* ------------------------------------------------------------------ evaluate under tolerance */

static char *slurp_in(const char *dir, const char *name)
{
    char *p = tc_fmt("%s/%s", dir, name);
    char *s = slurp(p);
    cr_assert(s != NULL, "cannot read %s", p);
    free(p);
    return s;
}

/* Tolerance 0 gives exactly the run's test error; a tolerance gives test errors that numpy
 * recomputes from the perturbed conductances (tests/cli/check_evaluate.py: topology and
 * inputs from exported netlists, a dense solve per sample and example); seeded. */
Test(labuser, evaluate_under_tolerance_matches_the_run_and_numpy)
{
    char *dir = tc_dir("lab-eval");
    char *run = train_reg(dir);
    char *e0 = tc_fmt("%s/e0", dir);
    char *err = NULL;
    run_ok("evaluate --tolerance 0", tc_run(NULL, &err, "evaluate", run, "--tolerance", "0",
                                            "--samples", "4", "-o", e0, NULL), err);
    size_t n = 0, nm = 0;
    char *path = tc_fmt("%s/tolerance.csv", e0);
    double *te = tc_column(path, "test_error_V2", &n);
    char *mpath = tc_fmt("%s/metrics.csv", run);
    double *mt = tc_column(mpath, "test_error", &nm);
    cr_assert(n == 4 && nm > 1);
    for (size_t s = 0; s < n; s++) {
        cr_assert(te[s] == mt[nm - 1], "sample %zu: %.17g V^2, the run's test error %.17g V^2",
                  s, te[s], mt[nm - 1]);
    }
    free(te);
    free(path);
    free(mpath);
    /* 5 % parts, written with --values. */
    char *e1 = tc_fmt("%s/e1", dir);
    run_ok("evaluate", tc_run(NULL, &err, "evaluate", run, "--tolerance", "0.05", "--samples",
                              "25", "--seed", "3", "--values", "-o", e1, NULL), err);
    path = tc_fmt("%s/tolerance.csv", e1);
    te = tc_column(path, "test_error_V2", &n);
    cr_assert_eq(n, 25);
    free(te);
    free(path);
    free(mt);
    /* numpy's recomputation, from netlists of the 8 test examples. */
    const char *root = getenv("PLNET_SOURCE_ROOT");
    cr_assert(root != NULL, "PLNET_SOURCE_ROOT is not set (run the tests through meson test)");
    char *args = tc_fmt("/usr/bin/python3 '%s/tests/cli/check_evaluate.py' '%s' '%s' 0.05",
                        root, run, e1);
    for (int i = 0; i < 8; i++) {
        char *cir = tc_fmt("%s/t%d.cir", dir, i);
        char *num = tc_fmt("%d", i);
        run_ok("export", tc_run(NULL, &err, "export", "--spice", run, "--example", num, "-o",
                                cir, NULL), err);
        char *more = tc_fmt("%s '%s'", args, cir);
        free(args);
        args = more;
        free(num);
        free(cir);
    }
    char *cmd = tc_fmt("%s > '%s/check.log' 2>&1", args, dir);
    int rc = system(cmd);
    char *log = slurp_in(dir, "check.log");
    cr_assert_eq(rc, 0, "check_evaluate.py failed:\n%s", log);
    cr_log_info("%s", log);
    free(log);
    free(cmd);
    free(args);
    /* The same seed gives the same bytes; another seed other errors. */
    char *e2 = tc_fmt("%s/e2", dir);
    char *e3 = tc_fmt("%s/e3", dir);
    run_ok("evaluate", tc_run(NULL, &err, "evaluate", run, "--tolerance", "0.05", "--samples",
                              "25", "--seed", "3", "-o", e2, NULL), err);
    run_ok("evaluate", tc_run(NULL, &err, "evaluate", run, "--tolerance", "0.05", "--samples",
                              "25", "--seed", "4", "-o", e3, NULL), err);
    char *a = slurp_in(e1, "tolerance.csv"), *b = slurp_in(e2, "tolerance.csv"),
         *c = slurp_in(e3, "tolerance.csv");
    cr_assert_str_eq(a, b);
    cr_assert_str_neq(a, c);
    free(a);
    free(b);
    free(c);
    /* Normal draws: T is one standard deviation, so the errors spread further. */
    char *e4 = tc_fmt("%s/e4", dir);
    run_ok("evaluate normal", tc_run(NULL, &err, "evaluate", run, "--tolerance", "0.05",
                                     "--samples", "25", "--distribution", "normal", "-o", e4,
                                     NULL), err);
    /* Refusals: a bad tolerance, a folder that holds no run. */
    rc = tc_run(NULL, &err, "evaluate", run, "--tolerance", "1.5", NULL);
    cr_assert_eq(rc, 2);
    cr_assert(strstr(err, "--tolerance") != NULL, "%s", err);
    free(err);
    rc = tc_run(NULL, &err, "evaluate", e0, NULL);
    cr_assert_eq(rc, 2);
    cr_assert(strstr(err, "not a trained run folder") != NULL, "%s", err);
    free(err);
    free(e0);
    free(e1);
    free(e2);
    free(e3);
    free(e4);
    free(run);
    free(dir);
}

/* ------------------------------------------------------------------ springs */

static const char *spring_yaml =
    "name: springs\n"
    "seed: 3\n"
    "network:\n"
    "  kind: spring\n"
    "  graph: {generator: triangular_lattice, size: [5, 5]}\n"
    "  edges:\n"
    "    stiffness: {init: uniform, low: 0.5, high: 2.0, min: 1.0e-3, max: 1.0e3}\n"
    "boundary:\n"
    "  pins: {nodes: [0, 2, 4]}\n"
    "task:\n"
    "  kind: allostery\n"
    "  inputs: {edges: [20], values: [0.05]}\n"
    "  outputs: {edges: [50, 41]}\n"
    "  targets: [0.02, -0.015]\n"
    "learning: {rule: coupled, rate: 0.1, nudge: 0.1, dof: rest_length}\n"
    "train: {steps: 20, log_every: 5, checkpoint_every: 100}\n";

/* The string values of GraphML node attribute `name` by node id n<i> (NULL: none). */
static char **graphml_node_labels(const char *path, const char *name, int n)
{
    char *text = slurp(path);
    char *pat = tc_fmt("attr.name=\"%s\"", name);
    char *at = strstr(text, pat);
    cr_assert(at != NULL, "%s has no key %s", path, name);
    char *id = at;
    while (id > text && strncmp(id, "id=\"", 4) != 0) {
        id--;
    }
    char key[64];
    cr_assert(sscanf(id, "id=\"%63[^\"]\"", key) == 1);
    char **v = calloc((size_t)n, sizeof *v);
    char *open = tc_fmt("<data key=\"%s\">", key);
    for (int i = 0; i < n; i++) {
        char *node = tc_fmt("<node id=\"n%d\">", i);
        char *p = strstr(text, node);
        cr_assert(p != NULL);
        char *end = strstr(p, "</node>");
        char *d = strstr(p, open);
        if (d != NULL && d < end) {
            d += strlen(open);
            v[i] = strndup(d, (size_t)(strchr(d, '<') - d));
        }
        free(node);
    }
    free(open);
    free(pat);
    free(text);
    return v;
}

/* Pins are named in positions.csv and in the GraphML of a solve and of a trained run, the
 * source and target springs are marked, and a solve writes the state per edge. */
Test(labuser, spring_solve_and_run_name_pins_and_mark_source_and_target_edges)
{
    char *dir = tc_dir("lab-spring");
    char *cfg = tc_write(dir, "s.yaml", spring_yaml);
    char *sol = tc_fmt("%s/solve", dir);
    char *run = tc_fmt("%s/run", dir);
    char *err = NULL;
    run_ok("solve", tc_run(NULL, &err, "solve", cfg, "-o", sol, NULL), err);
    run_ok("train", tc_run(NULL, &err, "train", cfg, "-o", run, "--quiet", NULL), err);
    char *pos = tc_fmt("%s/positions.csv", sol);
    size_t n = 0;
    char **role = tc_column_str(pos, "role", &n);
    cr_assert_eq(n, 25);
    for (size_t i = 0; i < n; i++) {
        bool pin = i == 0 || i == 2 || i == 4;
        cr_assert_str_eq(role[i], pin ? "pin" : "", "node %zu: role '%s'", i, role[i]);
        free(role[i]);
    }
    free(role);
    const char *dirs[2] = {sol, run};
    for (int q = 0; q < 2; q++) {
        char *g = tc_fmt("%s/network.graphml", dirs[q]);
        cr_assert(tc_exists(g), "%s was not written", g);
        char **lab = graphml_node_labels(g, "role", 25);
        for (int i = 0; i < 25; i++) {
            bool pin = i == 0 || i == 2 || i == 4;
            cr_assert(pin ? lab[i] != NULL && strcmp(lab[i], "pin") == 0
                          : lab[i] == NULL || lab[i][0] == '\0',
                      "%s: node %d role '%s'", g, i, lab[i] != NULL ? lab[i] : "(none)");
            free(lab[i]);
        }
        free(lab);
        size_t m = 0;
        double *src = graphml_edge_values(g, "source", &m);
        double *tgt = graphml_edge_values(g, "target", &m);
        double *k = graphml_edge_values(g, "stiffness", &m);
        for (size_t e = 0; e < m; e++) {
            cr_assert(src[e] == (e == 20 ? 1.0 : 0.0), "%s: edge %zu source %g", g, e, src[e]);
            cr_assert(tgt[e] == (e == 50 || e == 41 ? 1.0 : 0.0), "%s: edge %zu target %g", g,
                      e, tgt[e]);
        }
        free(src);
        free(tgt);
        free(k);
        free(g);
    }
    /* The solve's GraphML holds the state: the source spring's strain is the imposed 5 %,
     * and tension = stiffness x (length - rest length). */
    char *g = tc_fmt("%s/network.graphml", sol);
    size_t m = 0;
    double *strain = graphml_edge_values(g, "strain", &m);
    double *tension = graphml_edge_values(g, "tension", &m);
    double *k = graphml_edge_values(g, "stiffness", &m);
    double *len = graphml_edge_values(g, "length", &m);
    double *rest = graphml_edge_values(g, "rest_length", &m);
    cr_assert(fabs(strain[20] - 0.05) < 1e-9, "source strain %.17g", strain[20]);
    for (size_t e = 0; e < m; e++) {
        double want = k[e] * (len[e] - rest[e]);
        cr_assert(fabs(tension[e] - want) <= 1e-9 * (1.0 + fabs(want)), "edge %zu: %g vs %g",
                  e, tension[e], want);
    }
    free(strain);
    free(tension);
    free(k);
    free(len);
    free(rest);
    free(g);
    free(pos);
    free(sol);
    free(run);
    free(cfg);
    free(dir);
}

/* ------------------------------------------------------------------ drawings */

/* Run check_figure.py KIND FILE [W H]; its output (the SVG's texts) in *texts. */
static int check_figure(const char *dir, const char *kind, const char *file, const char *size,
                        char **texts)
{
    const char *root = getenv("PLNET_SOURCE_ROOT");
    cr_assert(root != NULL, "PLNET_SOURCE_ROOT is not set (run the tests through meson test)");
    char *log = tc_fmt("%s/figure.log", dir);
    char *cmd = tc_fmt("/usr/bin/python3 '%s/tests/cli/check_figure.py' %s '%s' %s > '%s' 2>&1",
                       root, kind, file, size != NULL ? size : "", log);
    int rc = system(cmd);
    *texts = slurp(log);
    free(cmd);
    free(log);
    return rc;
}

/* The stroke widths of the edge group's paths, in edge order (*n of them). */
static double *svg_edge_widths(const char *path, size_t *n)
{
    char *text = slurp(path);
    cr_assert(text != NULL);
    char *g = strstr(text, "<g id=\"edges\">");
    cr_assert(g != NULL, "%s: no edge group", path);
    char *end = strstr(g, "</g>");
    size_t cap = 64, k = 0;
    double *w = malloc(cap * sizeof *w);
    for (char *p = strstr(g, "stroke-width:"); p != NULL && p < end;
         p = strstr(p + 1, "stroke-width:")) {
        if (k == cap) {
            cap *= 2;
            w = realloc(w, cap * sizeof *w);
        }
        w[k++] = strtod(p + 13, NULL);
    }
    *n = k;
    free(text);
    return w;
}

static int count_of(const char *text, const char *needle)
{
    int c = 0;
    for (const char *p = strstr(text, needle); p != NULL; p = strstr(p + 1, needle)) {
        c++;
    }
    return c;
}

/* Edge widths grow with the quantity drawn (width = 0.6 + 3.4 t, t its place in the range). */
static void widths_follow(const double *w, const double *v, size_t m, const char *what)
{
    double lo = INFINITY, hi = -INFINITY;
    for (size_t e = 0; e < m; e++) {
        lo = fmin(lo, v[e]);
        hi = fmax(hi, v[e]);
    }
    cr_assert(hi > lo, "%s: every edge has the same value", what);
    for (size_t e = 0; e < m; e++) {
        double want = 0.6 + 3.4 * (v[e] - lo) / (hi - lo);
        cr_assert(fabs(w[e] - want) < 0.01 + 1e-3 * want, "%s: edge %zu width %g, want %g", what,
                  e, w[e], want);
    }
}

/* A spring run is drawn by stiffness (N/m), not "conductance (S)" at 1 everywhere; pins,
 * the source and the target springs are marked; a solve folder is drawn by strain or
 * tension on request, and an absent quantity is refused naming those there are. */
Test(labuser, spring_drawings_colour_by_spring_quantities_and_mark_pins_and_targets)
{
    char *dir = tc_dir("lab-draw-spring");
    char *cfg = tc_write(dir, "s.yaml", spring_yaml);
    char *sol = tc_fmt("%s/solve", dir);
    char *run = tc_fmt("%s/run", dir);
    char *err = NULL;
    run_ok("solve", tc_run(NULL, &err, "solve", cfg, "-o", sol, NULL), err);
    run_ok("train", tc_run(NULL, &err, "train", cfg, "-o", run, "--quiet", NULL), err);
    run_ok("draw run", tc_run(NULL, &err, "draw", run, NULL), err);
    char *svg = tc_fmt("%s/network.svg", run);
    char *texts = NULL;
    cr_assert_eq(check_figure(dir, "svg", svg, NULL, &texts), 0, "%s", texts);
    cr_assert(strstr(texts, "stiffness (N/m)") != NULL, "colour bar: %s", texts);
    cr_assert(strstr(texts, "conductance") == NULL, "%s", texts);
    cr_assert(strstr(texts, "pin") != NULL && strstr(texts, "target edge") != NULL &&
                  strstr(texts, "source edge") != NULL,
              "legend: %s", texts);
    free(texts);
    char *pic = slurp(svg);
    cr_assert_eq(count_of(pic, "class=\"pin\""), 3 + 1, "3 pins and the legend's");
    cr_assert_eq(count_of(pic, "class=\"target\""), 2, "the 2 target springs");
    cr_assert_eq(count_of(pic, "class=\"source\""), 1, "the source spring");
    free(pic);
    char *g = tc_fmt("%s/network.graphml", run);
    size_t m = 0, nw = 0;
    double *k = graphml_edge_values(g, "stiffness", &m);
    double *w = svg_edge_widths(svg, &nw);
    cr_assert_eq(nw, m);
    widths_follow(w, k, m, "stiffness");
    free(k);
    free(w);
    free(g);
    free(svg);
    /* The solve: strain, then tension. */
    const char *attrs[2] = {"strain", "tension"};
    const char *caps[2] = {"strain (1)", "tension (N)"};
    for (int q = 0; q < 2; q++) {
        char *pics = tc_fmt("%s/pics-%s", dir, attrs[q]);
        run_ok("draw --edge-attr", tc_run(NULL, &err, "draw", sol, "--edge-attr", attrs[q], "-o",
                                          pics, NULL), err);
        svg = tc_fmt("%s/network.svg", pics);
        cr_assert_eq(check_figure(dir, "svg", svg, NULL, &texts), 0, "%s", texts);
        cr_assert(strstr(texts, caps[q]) != NULL, "colour bar: %s", texts);
        free(texts);
        g = tc_fmt("%s/network.graphml", sol);
        double *v = graphml_edge_values(g, attrs[q], &m);
        w = svg_edge_widths(svg, &nw);
        cr_assert_eq(nw, m);
        widths_follow(w, v, m, attrs[q]);
        free(v);
        free(w);
        free(g);
        free(svg);
        free(pics);
    }
    int rc = tc_run(NULL, &err, "draw", run, "--edge-attr", "strain", NULL);
    cr_assert_eq(rc, 2);
    cr_assert(strstr(err, "stiffness") != NULL && strstr(err, "rest_length") != NULL, "%s", err);
    free(err);
    free(sol);
    free(run);
    free(cfg);
    free(dir);
}

/* curves of a regression run: axes labelled with units, the ledger's zeros (step 0) drawn on
 * a zero line, the loss and the train error (equal for a regression) both visible; sizes and
 * formats: SVG and PNG of the given size, a PDF whose text is text in an embedded font. */
Test(labuser, figures_have_units_zeros_distinct_curves_sizes_and_formats)
{
    char *dir = tc_dir("lab-figures");
    char *run = train_reg(dir);
    char *err = NULL;
    run_ok("draw", tc_run(NULL, &err, "draw", run, "--width", "640", "--height", "500", NULL),
           err);
    char *svg = tc_fmt("%s/curves.svg", run);
    char *texts = NULL;
    cr_assert_eq(check_figure(dir, "svg", svg, "640 500", &texts), 0, "%s", texts);
    cr_assert(strstr(texts, "loss and errors (V²)") != NULL, "y label: %s", texts);
    cr_assert(strstr(texts, "step (learning steps)") != NULL, "x label: %s", texts);
    cr_assert(strstr(texts, "joule_total (J)") != NULL && strstr(texts, "bits (bit)") != NULL,
              "legend: %s", texts);
    free(texts);
    /* metrics.csv: 4 rows (steps 0, 100, 200, 300); the ledger starts at 0. Every curve runs
     * through all 4 rows, zeros included: a path of 3 segments per column drawn. */
    char *pic = slurp(svg);
    cr_assert(count_of(pic, "class=\"axis-break\"") >= 2, "no zero line");
    int full = 0;
    for (char *p = strstr(pic, "class=\"curve\""); p != NULL; p = strstr(p + 1, "class=\"curve\"")) {
        char *start = p;
        while (start > pic && strncmp(start, "<path", 5) != 0) {
            start--;
        }
        int segs = 0;
        for (char *q = start; q < p; q++) {
            segs += *q == 'L';
        }
        full += segs == 3;
    }
    /* One per loss or error column and per ledger term (joule, bits, landauer, power,
     * energy: efficiency_total is none), as metrics.csv's header has them. */
    char *mpath = tc_fmt("%s/metrics.csv", run);
    char *header = slurp(mpath);
    header[strcspn(header, "\n")] = '\0';
    int want = 0;
    for (char *tok = strtok(header, ","); tok != NULL; tok = strtok(NULL, ",")) {
        static const char *const words[] = {"loss", "error", "joule", "bits", "landauer",
                                            "power", "energy"};
        bool drawn = false;
        for (size_t w = 0; w < sizeof words / sizeof words[0]; w++) {
            drawn |= strstr(tok, words[w]) != NULL;
        }
        want += drawn;
    }
    cr_assert(want >= 11);
    cr_assert_eq(full, want, "%d curves through all 4 rows, metrics.csv has %d", full, want);
    free(header);
    free(mpath);
    /* Coinciding curves: each has its own width and dash, so none hides another. */
    cr_assert(strstr(pic, "stroke-width:3.6;") != NULL && strstr(pic, "stroke-width:2.8;") != NULL,
              "curves of one width");
    cr_assert(strstr(pic, "stroke-dasharray:6,3") != NULL);
    free(pic);
    free(svg);
    /* The other formats. */
    run_ok("draw pdf", tc_run(NULL, &err, "draw", run, "--format", "pdf", "--width", "400",
                              "--height", "300", NULL), err);
    run_ok("draw png", tc_run(NULL, &err, "draw", run, "--format", "png", "--width", "400",
                              "--height", "300", NULL), err);
    const char *files[4] = {"network.pdf", "curves.pdf", "network.png", "curves.png"};
    for (int k = 0; k < 4; k++) {
        char *f = tc_fmt("%s/%s", run, files[k]);
        cr_assert_eq(check_figure(dir, k < 2 ? "pdf" : "png", f, "400 300", &texts), 0, "%s: %s",
                     files[k], texts);
        free(texts);
        free(f);
    }
    int rc = tc_run(NULL, &err, "draw", run, "--format", "eps", NULL);
    cr_assert_eq(rc, 2);
    free(err);
    free(run);
    free(dir);
}
