/* test_set.c — --set KEY=VALUE: equal to editing the YAML (same bytes), errors naming the argument, created and unknown keys, resume with and without the run's --set, and the in-memory loader. */
#define _POSIX_C_SOURCE 200809L

#include "cli_helpers.h"
#include "config.h"
#include "test_support.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

TestSuite(set, .fini = ts_check_leaks, .timeout = 60);

static char *slurp_file(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (fp == NULL) {
        return NULL;
    }
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    rewind(fp);
    char *s = malloc((size_t)n + 1);
    *len = fread(s, 1, (size_t)n, fp);
    s[*len] = '\0';
    fclose(fp);
    return s;
}

static bool same_file(const char *dir_a, const char *dir_b, const char *name)
{
    char *pa = tc_fmt("%s/%s", dir_a, name);
    char *pb = tc_fmt("%s/%s", dir_b, name);
    size_t la = 0, lb = 0;
    char *a = slurp_file(pa, &la);
    char *b = slurp_file(pb, &lb);
    cr_assert(a != NULL && b != NULL, "missing %s or %s", pa, pb);
    bool same = la == lb && memcmp(a, b, la) == 0;
    free(a);
    free(b);
    free(pa);
    free(pb);
    return same;
}

/* A small regression run whose every file depends on the keys the tests override: the
 * learning rate, the lattice size, the hardware noise (through the generator) and the
 * random output nodes. `extra` is appended inside the learning section. */
static const char *base_yaml =
    "name: setrun\n"
    "seed: 3\n"
    "network:\n"
    "  graph: {generator: square_lattice, size: %s}\n"
    "  edges: {conductance: {init: uniform, low: 0.5, high: 1.5}}\n"
    "task:\n"
    "  kind: regression\n"
    "  inputs: {nodes: [3, 9]}\n"
    "  outputs: {random: 2}\n"
    "  n_examples: 8\n"
    "  test_examples: 4\n"
    "learning:\n"
    "  rate: %s\n"
    "  nudge: 0.2\n"
    "%s"
    "train: {steps: %s, batch: 2, log_every: 10, checkpoint_every: 20}\n";

static char *write_base(const char *dir, const char *size, const char *rate, const char *extra,
                        const char *steps)
{
    char *text = tc_fmt(base_yaml, size, rate, extra, steps);
    char *path = tc_write(dir, "experiment.yaml", text);
    free(text);
    return path;
}

static const char *const run_files[] = {"metrics.csv", "network.graphml", "predictions.csv",
                                        "config.resolved.yaml", "checkpoint.bin"};

Test(set, equals_editing_the_yaml_byte_for_byte)
{
    char *root = tc_dir("set-equal");
    char *da = tc_dir("set-equal-a");
    char *db = tc_dir("set-equal-b");
    /* The same file name in two folders: the experiment's default name is the file's stem. */
    char *plain = write_base(da, "[5, 4]", "0.1", "", "40");
    char *edited = write_base(db, "[6, 5]", "0.3",
                              "  hardware: {update_noise: 0.1, desync: 0.5}\n", "40");
    char *o1 = tc_fmt("%s/by-set", root);
    char *o2 = tc_fmt("%s/by-edit", root);
    char *err = NULL;
    int rc = tc_run(NULL, &err, "train", plain, "-o", o1, "--quiet", "--set",
                    "learning.rate=0.3", "--set=network.graph.size=[6, 5]", "--set",
                    "learning.hardware={update_noise: 0.1}", "--set",
                    "learning.hardware.desync=0.5", NULL);
    cr_assert_eq(rc, 0, "%s", err);
    free(err);
    rc = tc_run(NULL, &err, "train", edited, "-o", o2, "--quiet", NULL);
    cr_assert_eq(rc, 0, "%s", err);
    free(err);
    for (size_t k = 0; k < sizeof run_files / sizeof run_files[0]; k++) {
        cr_assert(same_file(o1, o2, run_files[k]), "%s: --set differs from the edited file",
                  run_files[k]);
    }
    /* And the override changed something: without it the run differs. */
    char *o3 = tc_fmt("%s/none", root);
    rc = tc_run(NULL, &err, "train", plain, "-o", o3, "--quiet", NULL);
    cr_assert_eq(rc, 0, "%s", err);
    free(err);
    cr_assert(!same_file(o1, o3, "metrics.csv"));
    /* solve writes the same files too. */
    char *s1 = tc_fmt("%s/solve-set", root);
    char *s2 = tc_fmt("%s/solve-edit", root);
    cr_assert_eq(tc_run(NULL, NULL, "solve", plain, "-o", s1, "--set", "learning.rate=0.3",
                        "--set", "network.graph.size=[6,5]", "--set",
                        "learning.hardware={update_noise: 0.1, desync: 0.5}", NULL),
                 0);
    cr_assert_eq(tc_run(NULL, NULL, "solve", edited, "-o", s2, NULL), 0);
    const char *solve_files[] = {"potentials.csv", "edges.csv", "summary.csv", "network.graphml",
                                 "config.resolved.yaml"};
    for (size_t k = 0; k < 5; k++) {
        cr_assert(same_file(s1, s2, solve_files[k]), "solve %s differs", solve_files[k]);
    }
    free(plain);
    free(edited);
    free(o1);
    free(o2);
    free(o3);
    free(s1);
    free(s2);
    free(da);
    free(db);
    free(root);
}

/* Run a command expected to fail with exit 2 and exactly this message, writing nothing. */
static void refused(const char *cmd, const char *cfg, const char *set, const char *want)
{
    char *dir = tc_dir("set-refused");
    char *out = tc_fmt("%s/out", dir);
    char *err = NULL;
    int rc = strcmp(cmd, "info") == 0
                 ? tc_run(NULL, &err, cmd, cfg, "--set", set, NULL)
                 : tc_run(NULL, &err, cmd, cfg, "-o", out, "--set", set, NULL);
    cr_assert_eq(rc, 2, "%s --set %s: exit %d\n%s", cmd, set, rc, err);
    cr_assert_str_eq(err, want);
    cr_assert(!tc_exists(out), "%s was written", out);
    free(err);
    free(out);
    free(dir);
}

Test(set, errors_name_the_argument)
{
    char *dir = tc_dir("set-errors");
    char *cfg = write_base(dir, "[5, 4]", "0.1", "", "20");
    refused("train", cfg, "learning.rate=-1",
            "plnet: --set learning.rate=-1: learning.rate must be >= 0, got -1\n");
    refused("solve", cfg, "learning.rate=fast",
            "plnet: --set learning.rate=fast: learning.rate: expected a number, got 'fast'\n");
    /* An element of a list value. */
    refused("train", cfg, "task.inputs.nodes=[3, 99]",
            "plnet: --set task.inputs.nodes=[3, 99]: task.inputs.nodes: node 99 does not exist "
            "(the graph has 20 nodes, ids 0..19)\n");
    /* A value that is not YAML. */
    refused("info", cfg, "network.graph.size=[5, 4",
            "plnet: --set network.graph.size=[5, 4: network.graph.size: the value '[5, 4' is not "
            "YAML (YAML syntax error: did not find expected ',' or ']' while parsing a flow "
            "sequence)\n");
    /* A value that the file's own key refuses (quoted numbers stay strings, as in a file). */
    refused("train", cfg, "train.steps='10'",
            "plnet: --set train.steps='10': train.steps: expected an integer, got '10'\n");
    free(cfg);
    free(dir);
}

Test(set, unknown_keys_are_refused)
{
    char *dir = tc_dir("set-unknown");
    char *cfg = write_base(dir, "[5, 4]", "0.1", "", "20");
    refused("train", cfg, "learning.rat=0.2",
            "plnet: --set learning.rat=0.2: unknown key 'rat' in learning (expected one of: "
            "learner, rule, rate, rate_rest_length, nudge, asymmetry, dof, hardware)\n");
    refused("solve", cfg, "lerning.rate=0.2",
            "plnet: --set lerning.rate=0.2: unknown key 'lerning' in the top level (expected one "
            "of: name, seed, network, boundary, task, learning, protocol, energy, solver, train, "
            "output)\n");
    refused("info", cfg, "learning.rate.x=1",
            "plnet: --set learning.rate.x=1: learning.rate.x: learning.rate is a value in the "
            "configuration, not a mapping of keys\n");
    refused("train", cfg, "learning..rate=1",
            "plnet: train: --set learning..rate=1: 'learning..rate' is not a configuration key "
            "(dotted names such as learning.rate or network.graph.size)\n");
    refused("train", cfg, "learning.rate",
            "plnet: train: --set learning.rate: expected KEY=VALUE, e.g. --set "
            "learning.rate=0.2\n");
    free(cfg);
    free(dir);
}

Test(set, creates_missing_keys_and_the_last_one_wins)
{
    char *dir = tc_dir("set-create");
    char *cfg = tc_write(dir, "bare.yaml", "name: bare\n");
    char *out = tc_fmt("%s/out", dir);
    char *err = NULL;
    /* No learning or protocol section in the file: both are created (a protocol section
     * needs the temporal learner). */
    int rc = tc_run(NULL, &err, "solve", cfg, "-o", out, "--set", "learning.hardware.levels=4",
                    "--set", "learning.learner=temporal",
                    "--set", "protocol.memory.gamma=0.25", "--set", "seed=5", "--set", "seed=6",
                    "--set", "network.graph.size=[3, 2]", NULL);
    cr_assert_eq(rc, 0, "%s", err);
    char *rpath = tc_fmt("%s/config.resolved.yaml", out);
    size_t len = 0;
    char *text = slurp_file(rpath, &len);
    cr_assert(strstr(text, "    levels: 4\n") != NULL, "%s", text);
    cr_assert(strstr(text, "gamma: 0.25,") != NULL, "%s", text);
    cr_assert(strstr(text, "\nseed: 6\n") != NULL, "%s", text);
    cr_assert(strstr(text, "    size: [3, 2]\n") != NULL, "%s", text);
    size_t n = 0;
    char *ppath = tc_fmt("%s/potentials.csv", out);
    double *p = tc_column(ppath, "potential", &n);
    cr_assert_eq(n, 6, "a 3 x 2 lattice has 6 nodes, got %zu", n);
    free(p);
    free(ppath);
    free(text);
    free(rpath);
    free(err);
    free(out);
    free(cfg);
    free(dir);
}

Test(set, resume_needs_the_runs_own_set)
{
    char *dir = tc_dir("set-resume");
    char *cfg = write_base(dir, "[5, 4]", "0.1", "", "40");
    char *full = tc_fmt("%s/full", dir);
    char *part = tc_fmt("%s/part", dir);
    char *err = NULL;
    /* The straight run, 40 steps with the rate set on the command line. */
    int rc = tc_run(NULL, &err, "train", cfg, "-o", full, "--quiet", "--set", "learning.rate=0.3",
                    NULL);
    cr_assert_eq(rc, 0, "%s", err);
    free(err);
    /* 20 steps, then resumed to 40 with the same --set: the same bytes. */
    rc = tc_run(NULL, &err, "train", cfg, "-o", part, "--quiet", "--set", "learning.rate=0.3",
                "--set", "train.steps=20", NULL);
    cr_assert_eq(rc, 0, "%s", err);
    free(err);
    /* Without the --set the configuration is not the run's: refused, naming the line. */
    rc = tc_run(NULL, &err, "train", cfg, "--resume", part, "--quiet", NULL);
    cr_assert_eq(rc, 2, "%s", err);
    cr_assert(strstr(err, "the run has '  rate: 0.29999999999999999'") != NULL ||
                  strstr(err, "the run has '  rate: 0.3', this configuration '  rate: 0.1'") !=
                      NULL,
              "%s", err);
    free(err);
    /* Another value is refused as well. */
    rc = tc_run(NULL, &err, "train", cfg, "--resume", part, "--quiet", "--set",
                "learning.rate=0.31", NULL);
    cr_assert_eq(rc, 2, "%s", err);
    cr_assert(strstr(err, "this configuration '  rate: 0.31'") != NULL, "%s", err);
    free(err);
    rc = tc_run(NULL, &err, "train", cfg, "--resume", part, "--quiet", "--set",
                "learning.rate=0.3", NULL);
    cr_assert_eq(rc, 0, "%s", err);
    free(err);
    for (size_t k = 0; k < sizeof run_files / sizeof run_files[0]; k++) {
        cr_assert(same_file(full, part, run_files[k]), "%s differs after the resume",
                  run_files[k]);
    }
    free(full);
    free(part);
    free(cfg);
    free(dir);
}

/* The resolved configuration as text. */
static char *resolved(const plnet_config *cfg)
{
    char *text = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&text, &len);
    cr_assert_eq(plnet_config_write(cfg, fp), 0);
    fclose(fp);
    return text;
}

Test(set, loading_text_equals_loading_the_file)
{
    char *dir = tc_dir("set-text");
    char *path = write_base(dir, "[5, 4]", "0.1", "", "20");
    size_t len = 0;
    char *text = slurp_file(path, &len);
    plnet_override sets[] = {{"learning.rate", "0.25", "sweep.yaml:7:18"},
                             {"network.graph.size", "[4, 4]", "sweep.yaml:8:3"}};
    plnet_config a;
    plnet_config b;
    FILE *err = tmpfile();
    cr_assert_eq(plnet_config_load_with(path, sets, 2, &a, err), 0);
    /* Same folder, same name: the text means what the file means. */
    cr_assert_eq(plnet_config_load_text(text, len, path, dir, sets, 2, &b, err), 0);
    char *ra = resolved(&a);
    char *rb = resolved(&b);
    cr_assert_str_eq(ra, rb);
    cr_assert(strstr(ra, "  rate: 0.25\n") != NULL, "%s", ra);
    plnet_config_free(&a);
    plnet_config_free(&b);
    /* A JSON text (what a front end writes for a dict) reads like the YAML. */
    const char *json = "{\"name\": \"j\", \"network\": {\"graph\": {\"generator\": "
                       "\"square_lattice\", \"size\": [3, 3]}}, \"learning\": {\"rate\": 0.2}}";
    cr_assert_eq(plnet_config_load_text(json, strlen(json), "dict", NULL, NULL, 0, &a, err), 0);
    char *rj = resolved(&a);
    cr_assert(strstr(rj, "name: \"j\"\n") != NULL && strstr(rj, "  rate: 0.2\n") != NULL &&
                  strstr(rj, "    size: [3, 3]\n") != NULL,
              "%s", rj);
    plnet_config_free(&a);
    /* An error in an override names the origin the caller chose. */
    plnet_override bad = {"learning.nudge", "-2", "sweep.yaml:9:11"};
    rewind(err);
    cr_assert_eq(plnet_config_load_with(path, &bad, 1, &a, err), 2);
    plnet_config_free(&a);
    fflush(err);
    rewind(err);
    char msg[256] = "";
    cr_assert(fgets(msg, sizeof msg, err) != NULL);
    cr_assert_str_eq(msg, "plnet: sweep.yaml:9:11: learning.nudge must be in (0, 1], got -2\n");
    fclose(err);
    free(ra);
    free(rb);
    free(rj);
    free(text);
    free(path);
    free(dir);
}
