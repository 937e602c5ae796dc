/* test_train.c — plnet train end to end: same seed same bytes, resume bit for bit (after a shorter run and after SIGTERM), refusals, bad configurations. */
/* kill, posix_spawn and nanosleep are POSIX. */
#define _POSIX_C_SOURCE 200809L

#include "cli_helpers.h"
#include "test_support.h"

#include <criterion/criterion.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

TestSuite(train, .fini = ts_check_leaks, .timeout = 120);

/* Whole file as a malloc'd buffer (NULL when unreadable); *len bytes. */
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

/* A regression on a random resistor network with batches, update noise and desynchronous
 * edges, so that the generator's state matters to every step. */
static const char *regression_yaml =
    "name: reg\n"
    "seed: %d\n"
    "network:\n"
    "  graph: {generator: erdos_renyi, n: 30, mean_degree: 5.0}\n"
    "  edges: {conductance: {init: uniform, low: 0.5, high: 1.5}}\n"
    "task:\n"
    "  kind: regression\n"
    "  inputs: {nodes: [3, 9]}\n"
    "  outputs: {nodes: [20, 25]}\n"
    "  n_examples: 12\n"
    "  test_examples: 7\n"
    "  input_range: [0.0, 1.0]\n"
    "learning:\n"
    "  rate: %s\n"
    "  nudge: 0.2\n"
    "  hardware: {update_noise: 0.2, desync: 0.6}\n"
    "train: {steps: %d, batch: 3, log_every: 20, checkpoint_every: %d}\n";

static char *write_regression(const char *dir, const char *name, int seed, const char *rate,
                              int steps, int checkpoint_every)
{
    char *text = tc_fmt(regression_yaml, seed, rate, steps, checkpoint_every);
    char *path = tc_write(dir, name, text);
    free(text);
    return path;
}

/* The same with a solver section (refactor mode and the PCG threshold). */
static char *write_regression_solver(const char *dir, const char *name, int seed,
                                     const char *rate, int steps, int checkpoint_every,
                                     const char *solver)
{
    char *base = tc_fmt(regression_yaml, seed, rate, steps, checkpoint_every);
    char *text = tc_fmt("%ssolver: %s\n", base, solver);
    char *path = tc_write(dir, name, text);
    free(base);
    free(text);
    return path;
}

static void train_ok(const char *cfg, const char *flag, const char *outdir)
{
    char *err = NULL;
    int rc = tc_run(NULL, &err, "train", cfg, flag, outdir, "--quiet", NULL);
    cr_assert_eq(rc, 0, "plnet train %s %s %s: exit %d\n%s", cfg, flag, outdir, rc, err);
    free(err);
}

/* Column `name` of dir/file (see tc_column). */
static double *column_of(const char *dir, const char *file, const char *name, size_t *n)
{
    char *path = tc_fmt("%s/%s", dir, file);
    double *v = tc_column(path, name, n);
    free(path);
    return v;
}

static bool exists_in(const char *dir, const char *file)
{
    char *path = tc_fmt("%s/%s", dir, file);
    bool yes = tc_exists(path);
    free(path);
    return yes;
}

static const char *const run_files[] = {"metrics.csv", "network.graphml", "predictions.csv",
                                        "config.resolved.yaml", "checkpoint.bin"};

Test(train, same_seed_gives_the_same_bytes_and_another_seed_does_not)
{
    char *dir = tc_dir("train-det");
    char *cfg = write_regression(dir, "a.yaml", 4, "0.5", 150, 50);
    char *cfg2 = write_regression(dir, "b.yaml", 5, "0.5", 150, 50);
    char *o1 = tc_fmt("%s/one", dir);
    char *o2 = tc_fmt("%s/two", dir);
    char *o3 = tc_fmt("%s/other", dir);
    train_ok(cfg, "-o", o1);
    train_ok(cfg, "-o", o2);
    train_ok(cfg2, "-o", o3);
    for (size_t k = 0; k < sizeof run_files / sizeof run_files[0]; k++) {
        cr_assert(same_file(o1, o2, run_files[k]), "%s differs between two runs", run_files[k]);
    }
    cr_assert(!same_file(o1, o3, "network.graphml"), "seed 5 trained the same network as 4");
    cr_assert(!same_file(o1, o3, "metrics.csv"));
    /* One row at step 0, one per log_every steps, the last included; errors fall. */
    size_t n = 0;
    double *step = column_of(o1, "metrics.csv", "step", &n);
    cr_assert_eq(n, 150 / 20 + 2);
    cr_assert(step[0] == 0.0 && step[1] == 20.0 && step[n - 2] == 140.0 && step[n - 1] == 150.0);
    double *test_err = column_of(o1, "metrics.csv", "test_error", &n);
    cr_assert(test_err[n - 1] < test_err[0], "test error %g -> %g", test_err[0], test_err[n - 1]);
    double *jt = column_of(o1, "metrics.csv", "joule_total", &n);
    cr_assert(jt[0] == 0.0 && jt[n - 1] > jt[1] && jt[1] > 0.0);
    /* predictions.csv: every train and test example. */
    char *ppath = tc_fmt("%s/predictions.csv", o1);
    char **split = tc_column_str(ppath, "split", &n);
    cr_assert_eq(n, 12 + 7);
    cr_assert_str_eq(split[0], "train");
    cr_assert_str_eq(split[18], "test");
    for (size_t k = 0; k < n; k++) {
        free(split[k]);
    }
    free(split);
    free(ppath);
    free(step);
    free(test_err);
    free(jt);
    free(o1);
    free(o2);
    free(o3);
    free(cfg);
    free(cfg2);
    free(dir);
}

Test(train, resume_after_a_shorter_run_matches_the_uninterrupted_run)
{
    char *dir = tc_dir("train-resume");
    char *full = write_regression(dir, "full.yaml", 7, "0.5", 150, 40);
    /* 70 is off the log grid (every 20) and off the checkpoint grid (every 40). */
    char *half = write_regression(dir, "half.yaml", 7, "0.5", 70, 40);
    char *o1 = tc_fmt("%s/straight", dir);
    char *o2 = tc_fmt("%s/resumed", dir);
    train_ok(full, "-o", o1);
    train_ok(half, "-o", o2);
    cr_assert(!same_file(o1, o2, "network.graphml"), "the short run is not shorter");
    train_ok(full, "--resume", o2);
    cr_assert(same_file(o1, o2, "network.graphml"), "resumed network differs");
    cr_assert(same_file(o1, o2, "metrics.csv"), "resumed metrics differ");
    cr_assert(same_file(o1, o2, "predictions.csv"));
    cr_assert(same_file(o1, o2, "checkpoint.bin"));
    free(o1);
    free(o2);
    free(full);
    free(half);
    free(dir);
}

/* The reuse route (a kept factor, PCG on it) resumes bit for bit too: the checkpoint carries
 * the kept factor's values and the refactor counters, and the evaluations the shorter run
 * made at its end (a metrics row, predictions) leave no trace in the solver. */
Test(train, resume_under_the_reuse_route_matches_the_uninterrupted_run, .timeout = 300)
{
    char *dir = tc_dir("train-resume-pcg");
    const char *solver = "{refactor: pcg, pcg_refactor_iter: 3}";
    char *full = write_regression_solver(dir, "full.yaml", 7, "0.05", 150, 40, solver);
    char *half = write_regression_solver(dir, "half.yaml", 7, "0.05", 70, 40, solver);
    char *exact = write_regression_solver(dir, "exact.yaml", 7, "0.05", 150, 40,
                                          "{refactor: always}");
    char *o1 = tc_fmt("%s/straight", dir);
    char *o2 = tc_fmt("%s/resumed", dir);
    char *o3 = tc_fmt("%s/always", dir);
    train_ok(full, "-o", o1);
    train_ok(half, "-o", o2);
    train_ok(exact, "-o", o3);
    /* The route was taken: its last bits differ from refactorizing every step. */
    cr_assert(!same_file(o1, o3, "network.graphml"), "refactor: pcg ran the direct route");
    train_ok(full, "--resume", o2);
    cr_assert(same_file(o1, o2, "network.graphml"), "resumed network differs");
    cr_assert(same_file(o1, o2, "metrics.csv"), "resumed metrics differ");
    cr_assert(same_file(o1, o2, "predictions.csv"));
    cr_assert(same_file(o1, o2, "checkpoint.bin"));
    free(o1);
    free(o2);
    free(o3);
    free(full);
    free(half);
    free(exact);
    free(dir);
}

Test(train, resume_with_another_configuration_is_refused)
{
    char *dir = tc_dir("train-refuse");
    char *cfg = write_regression(dir, "a.yaml", 7, "0.5", 60, 20);
    char *other = write_regression(dir, "b.yaml", 7, "0.25", 100, 20);
    char *o = tc_fmt("%s/run", dir);
    train_ok(cfg, "-o", o);
    char *ck = tc_fmt("%s/checkpoint.bin", o);
    size_t len0 = 0, len1 = 0;
    char *before = slurp_file(ck, &len0);
    char *err = NULL;
    int rc = tc_run(NULL, &err, "train", other, "--resume", o, NULL);
    cr_assert_eq(rc, 2, "exit %d: %s", rc, err);
    cr_assert(strstr(err, "another configuration") != NULL, "%s", err);
    cr_assert(strstr(err, "rate: 0.5") != NULL && strstr(err, "rate: 0.25") != NULL, "%s", err);
    char *after = slurp_file(ck, &len1);
    cr_assert(len0 == len1 && memcmp(before, after, len0) == 0, "a refused resume wrote");
    free(err);
    /* A folder without a checkpoint, and train.steps below the run's step, are refused too. */
    char *empty = tc_fmt("%s/empty", dir);
    rc = tc_run(NULL, &err, "train", cfg, "--resume", empty, NULL);
    cr_assert_eq(rc, 2);
    cr_assert(strstr(err, "checkpoint.bin") != NULL, "%s", err);
    cr_assert(!tc_exists(empty));
    free(err);
    char *shorter = write_regression(dir, "c.yaml", 7, "0.5", 30, 20);
    rc = tc_run(NULL, &err, "train", shorter, "--resume", o, NULL);
    cr_assert_eq(rc, 2);
    cr_assert(strstr(err, "already at step 60") != NULL, "%s", err);
    free(err);
    free(shorter);
    free(empty);
    free(before);
    free(after);
    free(ck);
    free(o);
    free(other);
    free(cfg);
    free(dir);
}

/* Run `plnet train` on yaml; assert exit 2 with needle in stderr and no output folder. */
static void expect_train_error(const char *tag, const char *yaml, const char *needle)
{
    char *dir = tc_dir(tag);
    char *cfg = tc_write(dir, "exp.yaml", yaml);
    char *outdir = tc_fmt("%s/out", dir);
    char *err = NULL;
    int rc = tc_run(NULL, &err, "train", cfg, "-o", outdir, NULL);
    cr_assert_eq(rc, 2, "exit %d; stderr: %s", rc, err);
    cr_assert(strstr(err, needle) != NULL, "stderr lacks '%s':\n%s", needle, err);
    cr_assert(strncmp(err, "plnet: ", 7) == 0, "%s", err);
    cr_assert(!tc_exists(outdir), "a failed run created %s", outdir);
    free(err);
    free(outdir);
    free(cfg);
    free(dir);
}

#define ALLO_TASK                                                                            \
    "task:\n"                                                                                \
    "  kind: allostery\n"                                                                    \
    "  inputs: {nodes: [63], values: [1.0]}\n"                                               \
    "  outputs: {nodes: [22]}\n"                                                             \
    "  targets: [0.5]\n"

Test(train, unknown_rule_is_reported_at_its_position)
{
    expect_train_error("train-rule", ALLO_TASK "learning:\n  rule: hebbian\n",
                       "exp.yaml:7:9: learning.rule: 'hebbian' is not one of coupled");
}

Test(train, coupled_nudge_above_one_is_reported_at_its_position)
{
    expect_train_error("train-nudge", ALLO_TASK "learning:\n  rule: coupled\n  nudge: 1.5\n",
                       "exp.yaml:8:10: learning.nudge must be in (0, 1], got 1.5");
}

Test(train, classification_without_a_data_file_is_reported)
{
    expect_train_error("train-nodata",
                       "task:\n  kind: classification\n  inputs: {nodes: [1, 2]}\n"
                       "  outputs: {nodes: [5, 6, 7]}\n",
                       "exp.yaml:2:9: task.data: a classification task needs a data file");
}

Test(train, classification_with_the_wrong_number_of_outputs_names_the_outputs)
{
    /* Iris has three classes: two output nodes is a configuration error found by the
     * library, reported at the YAML position of task.outputs (its block). */
    char *yaml = tc_fmt("network:\n  graph: {generator: erdos_renyi, n: 40, mean_degree: 5.0}\n"
                        "task:\n  kind: classification\n  inputs: {nodes: [1, 2, 3, 4]}\n"
                        "  outputs: {nodes: [30, 31]}\n  data: %s\n  label: species\n",
                        ts_source_path("examples/data/iris.csv"));
    expect_train_error("train-classes", yaml, "exp.yaml:6:12: task.outputs");
    free(yaml);
}

Test(train, a_task_without_outputs_is_reported)
{
    expect_train_error("train-noout", "task:\n  kind: regression\n  inputs: {nodes: [1, 2]}\n",
                       "exp.yaml:2:3: task.outputs: learning needs at least one output");
}

/* ------------------------------------------------------------------ signals */

/* A run of a few seconds: a 40 x 40 lattice with noisy, desynchronous updates. */
static const char *long_yaml =
    "name: long\n"
    "seed: 11\n"
    "network:\n"
    "  graph: {generator: square_lattice, size: [40, 40]}\n"
    "  edges: {conductance: {init: uniform, low: 0.5, high: 1.5}}\n"
    "task:\n"
    "  kind: allostery\n"
    "  inputs: {nodes: [1599], values: [1.0]}\n"
    "  outputs: {nodes: [500, 1100]}\n"
    "  targets: [0.3, 0.7]\n"
    "learning: {rate: 0.2, nudge: 0.1, hardware: {update_noise: 0.1, desync: 0.7}}\n"
    "train: {steps: 3000, log_every: 10, checkpoint_every: 50}\n";

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Start the real plnet binary on cfg into outdir, stop it with sig once its first checkpoint
 * exists, and return its exit status; stderr goes to errpath. */
static int train_and_signal(const char *cfg, const char *outdir, const char *errpath, int sig)
{
    const char *bin = getenv("PLNET_BIN");
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 2, errpath, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    char *argv[] = {(char *)bin, (char *)"train", (char *)cfg, (char *)"-o", (char *)outdir,
                    NULL};
    pid_t pid = 0;
    int rc = posix_spawn(&pid, bin, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    cr_assert_eq(rc, 0, "cannot start %s", bin);
    char *ck = tc_fmt("%s/checkpoint.bin", outdir);
    int waited = 0;
    while (!tc_exists(ck) && waited < 60000) {
        sleep_ms(5);
        waited += 5;
    }
    cr_assert(tc_exists(ck), "no checkpoint within 60 s");
    kill(pid, sig);
    int status = 0;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    free(ck);
    cr_assert(WIFEXITED(status), "plnet died of signal %d instead of stopping cleanly",
              WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    return WEXITSTATUS(status);
}

Test(train, sigterm_stops_with_a_checkpoint_and_resume_matches_the_uninterrupted_run)
{
    if (getenv("PLNET_BIN") == NULL) {
        cr_skip("PLNET_BIN not set (run under meson test)");
    }
    char *dir = tc_dir("train-sigterm");
    char *cfg = tc_write(dir, "long.yaml", long_yaml);
    char *stopped = tc_fmt("%s/stopped", dir);
    char *errpath = tc_fmt("%s/stderr.txt", dir);
    int code = train_and_signal(cfg, stopped, errpath, SIGTERM);
    size_t len = 0;
    char *err = slurp_file(errpath, &len);
    cr_assert_eq(code, 143, "exit %d: %s", code, err);
    long at = -1;
    const char *m = strstr(err, "plnet: interrupted at step ");
    cr_assert(m != NULL, "%s", err);
    cr_assert(sscanf(m, "plnet: interrupted at step %ld", &at) == 1);
    cr_assert(at >= 50 && at < 3000, "stopped at step %ld", at);
    char *hint = tc_fmt("resume with: plnet train %s --resume %s", cfg, stopped);
    cr_assert(strstr(err, hint) != NULL, "%s", err);
    /* The files so far: metrics up to the stop, and the checkpoint at it. */
    size_t n = 0;
    double *step = column_of(stopped, "metrics.csv", "step", &n);
    cr_assert(n >= 2 && step[n - 1] <= (double)at && step[n - 1] > (double)at - 10.0);
    cr_assert(exists_in(stopped, "network.graphml") && exists_in(stopped, "predictions.csv"));

    char *straight = tc_fmt("%s/straight", dir);
    train_ok(cfg, "-o", straight);
    train_ok(cfg, "--resume", stopped);
    cr_assert(same_file(straight, stopped, "network.graphml"), "resumed network differs");
    cr_assert(same_file(straight, stopped, "metrics.csv"), "resumed metrics differ");
    free(step);
    free(hint);
    free(err);
    free(straight);
    free(errpath);
    free(stopped);
    free(cfg);
    free(dir);
}

/* SIGTERM then --resume under the reuse route: the checkpoint written at the stop (any step)
 * carries the solver's kept factor, so the resumed run still matches bit for bit. */
Test(train, sigterm_then_resume_under_the_reuse_route_matches_the_uninterrupted_run, .timeout = 300)
{
    if (getenv("PLNET_BIN") == NULL) {
        cr_skip("PLNET_BIN not set (run under meson test)");
    }
    char *dir = tc_dir("train-sigterm-pcg");
    char *text = tc_fmt("%ssolver: {refactor: pcg}\n", long_yaml);
    char *cfg = tc_write(dir, "long.yaml", text);
    char *stopped = tc_fmt("%s/stopped", dir);
    char *errpath = tc_fmt("%s/stderr.txt", dir);
    int code = train_and_signal(cfg, stopped, errpath, SIGTERM);
    size_t len = 0;
    char *err = slurp_file(errpath, &len);
    cr_assert_eq(code, 143, "exit %d: %s", code, err);
    char *straight = tc_fmt("%s/straight", dir);
    train_ok(cfg, "-o", straight);
    train_ok(cfg, "--resume", stopped);
    cr_assert(same_file(straight, stopped, "network.graphml"), "resumed network differs");
    cr_assert(same_file(straight, stopped, "metrics.csv"), "resumed metrics differ");
    free(err);
    free(straight);
    free(errpath);
    free(stopped);
    free(cfg);
    free(text);
    free(dir);
}

Test(train, sigint_exits_130)
{
    if (getenv("PLNET_BIN") == NULL) {
        cr_skip("PLNET_BIN not set (run under meson test)");
    }
    char *dir = tc_dir("train-sigint");
    char *cfg = tc_write(dir, "long.yaml", long_yaml);
    char *out = tc_fmt("%s/run", dir);
    char *errpath = tc_fmt("%s/stderr.txt", dir);
    int code = train_and_signal(cfg, out, errpath, SIGINT);
    size_t len = 0;
    char *err = slurp_file(errpath, &len);
    cr_assert_eq(code, 130, "exit %d: %s", code, err);
    cr_assert(strstr(err, "interrupted at step") != NULL, "%s", err);
    free(err);
    free(errpath);
    free(out);
    free(cfg);
    free(dir);
}

static void temporal_resume(const char *tag, const char *solver);

Test(train, temporal_rule_runs_and_resumes_bit_for_bit)
{
    temporal_resume("train-tcl", "{refactor: always}");
}

Test(train, temporal_rule_resumes_bit_for_bit_under_the_reuse_route)
{
    temporal_resume("train-tcl-pcg", "{refactor: pcg, pcg_refactor_iter: 2}");
}

static void temporal_resume(const char *tag, const char *solver)
{
    char *dir = tc_dir(tag);
    const char *yaml0 =
        "name: tcl\n"
        "network:\n  graph: {generator: square_lattice, size: [5, 5]}\n"
        "  edges: {conductance: {init: uniform, low: 0.5, high: 1.5}}\n"
        "task:\n  kind: allostery\n  inputs: {nodes: [24], values: [1.0]}\n"
        "  outputs: {nodes: [7, 17]}\n  targets: [0.3, 0.7]\n"
        "learning: {rule: temporal, rate: 0.5, nudge: 0.1}\n"
        "protocol: {kind: sawtooth, dt: 0.05, apply: period}\n"
        "train: {steps: %%d, log_every: 10, checkpoint_every: 25}\n"
        "solver: %s\n";
    char *yaml = tc_fmt(yaml0, solver);
    char *t1 = tc_fmt(yaml, 60);
    char *t2 = tc_fmt(yaml, 35);
    char *full = tc_write(dir, "full.yaml", t1);
    char *half = tc_write(dir, "half.yaml", t2);
    char *o1 = tc_fmt("%s/straight", dir);
    char *o2 = tc_fmt("%s/resumed", dir);
    train_ok(full, "-o", o1);
    train_ok(half, "-o", o2);
    train_ok(full, "--resume", o2);
    cr_assert(same_file(o1, o2, "network.graphml"));
    cr_assert(same_file(o1, o2, "metrics.csv"));
    size_t n = 0;
    double *time = column_of(o1, "metrics.csv", "time", &n);
    cr_assert(n == 7 && time[n - 1] > time[1] && time[1] > 0.0);
    free(time);
    free(o1);
    free(o2);
    free(full);
    free(half);
    free(t1);
    free(t2);
    free(yaml);
    free(dir);
}

Test(train, dataset_task_learns_its_target_columns)
{
    /* Targets an exact positive linear map of the inputs (row sums < 1): realisable. */
    char *dir = tc_dir("train-dataset");
    char csv[4096] = "a,b,y1,y2\n";
    for (int i = 0; i < 24; i++) {
        double a = (double)((i * 7) % 24) / 23.0;
        double b = (double)((i * 5 + 3) % 24) / 23.0;
        char row[128];
        snprintf(row, sizeof row, "%.17g,%.17g,%.17g,%.17g\n", a, b, 0.3 * a + 0.2 * b,
                 0.1 * a + 0.4 * b);
        strcat(csv, row);
    }
    char *data = tc_write(dir, "ds.csv", csv);
    char *cfg = tc_write(dir, "ds.yaml",
                         "network:\n  graph: {generator: erdos_renyi, n: 30, mean_degree: 5.0}\n"
                         "task:\n  kind: dataset\n  inputs: {nodes: [3, 9]}\n"
                         "  outputs: {nodes: [20, 25]}\n  data: ds.csv\n"
                         "  target_columns: [y1, y2]\n  test_fraction: 0.25\n"
                         "learning: {rate: 1.0}\n"
                         "train: {steps: 1500, batch: 4, log_every: 500}\n");
    char *o = tc_fmt("%s/out", dir);
    train_ok(cfg, "-o", o);
    size_t n = 0;
    double *te = column_of(o, "metrics.csv", "test_error", &n);
    cr_assert_eq(n, 4);
    cr_assert(te[n - 1] < 1e-2 * te[0], "test error %g -> %g", te[0], te[n - 1]);
    char *ppath = tc_fmt("%s/predictions.csv", o);
    double *tgt = tc_column(ppath, "target_1", &n);
    cr_assert_eq(n, 24);
    free(tgt);
    free(ppath);
    free(te);
    free(o);
    free(cfg);
    free(data);
    free(dir);
}

Test(train, dataset_without_target_columns_is_reported)
{
    expect_train_error("train-notargets",
                       "task:\n  kind: dataset\n  inputs: {nodes: [1, 2]}\n"
                       "  outputs: {nodes: [5]}\n  data: exp.yaml\n",
                       "exp.yaml:2:9: task.target_columns: a dataset task names its target");
}

/* apply: step at a rate where it used to diverge: example 06 at rate 50 for 60 periods. The
 * memory follows the protocol, not its own writes, so writing theta every time step is as
 * stable as writing it once per period (both fall below a hundredth of the start); before,
 * the loop u -> d theta -> s -> u (gain alpha |ds_e/dk_e|, above 1 here) raised the loss. */
Test(train, tcl_apply_step_at_rate_50_is_as_stable_as_apply_period, .timeout = 300)
{
    const char *root = getenv("PLNET_SOURCE_ROOT");
    cr_assert(root != NULL);
    char *cfg = tc_fmt("%s/examples/06-tcl-sawtooth-memory/experiment.yaml", root);
    char *dir = tc_dir("train-tcl-step");
    double last[2];
    for (int k = 0; k < 2; k++) {
        char *o = tc_fmt("%s/%s", dir, k == 0 ? "step" : "period");
        char *err = NULL;
        int rc = tc_run(NULL, &err, "train", cfg, "-o", o, "--quiet", "--set",
                        k == 0 ? "protocol.apply=step" : "protocol.apply=period", "--set",
                        "learning.rate=50", "--set", "train.steps=60", NULL);
        cr_assert_eq(rc, 0, "%s", err);
        free(err);
        size_t n = 0;
        double *loss = column_of(o, "metrics.csv", "loss", &n);
        cr_assert(n >= 7);
        for (size_t i = 0; i < n; i++) {
            cr_assert(isfinite(loss[i]), "row %zu: loss %g", i, loss[i]);
        }
        last[k] = loss[n - 1];
        cr_log_info("apply %s, rate 50: loss %.4g -> %.4g", k == 0 ? "step" : "period", loss[0],
                    loss[n - 1]);
        cr_assert(loss[n - 1] < 1e-2 * loss[0], "apply %s: loss %.4g -> %.4g",
                  k == 0 ? "step" : "period", loss[0], loss[n - 1]);
        free(loss);
        free(o);
    }
    cr_assert(last[0] < 10.0 * last[1], "step %.4g, period %.4g", last[0], last[1]);
    free(dir);
    free(cfg);
}

/* The run summary's ledger: J and k_B T with J = k_B T figure x k_B T, and the energy spent per
 * unit of train error removed equal to joule_total_kT / (first - last train_error) of
 * metrics.csv; a temporal run with a kernel memory says why it has no efficiency. */
Test(train, summary_gives_joules_kT_and_the_cost_per_unit_of_error, .timeout = 300)
{
    const char *root = getenv("PLNET_SOURCE_ROOT");
    cr_assert(root != NULL);
    char *cfg = tc_fmt("%s/examples/02-flow-allostery-coupled/experiment.yaml", root);
    char *dir = tc_dir("train-summary");
    char *o = tc_fmt("%s/run", dir);
    char *out = NULL, *err = NULL;
    int rc = tc_run(&out, &err, "train", cfg, "-o", o, "--set", "train.steps=100", NULL);
    cr_assert_eq(rc, 0, "%s", err);
    double heat_j = 0.0, heat_kt = 0.0, kt = 0.0, cost = 0.0;
    const char *p = strstr(out, "k_B T = ");
    cr_assert(p != NULL && sscanf(p, "k_B T = %lg J", &kt) == 1, "%s", out);
    p = strstr(out, "Joule heat ");
    cr_assert(p != NULL && sscanf(p, "Joule heat %lg J = %lg k_B T", &heat_j, &heat_kt) == 2,
              "%s", out);
    cr_assert(fabs(kt - 1.380649e-23 * 300.0) <= 1e-5 * kt);
    cr_assert(fabs(heat_j - heat_kt * kt) <= 1e-5 * heat_j, "%g J vs %g x %g", heat_j, heat_kt,
              kt);
    p = strstr(out, "efficiency (Landauer / spent) ");
    cr_assert(p != NULL, "%s", out);
    p = strstr(p, "; ");
    cr_assert(p != NULL && sscanf(p, "; %lg k_B T spent per unit of train error removed", &cost) == 1,
              "%s", out);
    size_t n = 0, n2 = 0;
    double *e = column_of(o, "metrics.csv", "train_error", &n);
    double *j = column_of(o, "metrics.csv", "joule_total_kT", &n2);
    cr_assert(n >= 2 && n == n2);
    const double want = j[n - 1] / (e[0] - e[n - 1]);
    cr_assert(fabs(cost - want) <= 1e-5 * want, "summary %g, metrics %g", cost, want);
    free(e);
    free(j);
    free(out);
    free(err);
    free(o);
    free(cfg);
    /* Example 06's kernel memory has no modelled dissipation: no efficiency, and why. */
    cfg = tc_fmt("%s/examples/06-tcl-sawtooth-memory/experiment.yaml", root);
    o = tc_fmt("%s/tcl", dir);
    rc = tc_run(&out, &err, "train", cfg, "-o", o, "--set", "train.steps=3", NULL);
    cr_assert_eq(rc, 0, "%s", err);
    cr_assert(strstr(out, "no efficiency: the memory's dissipation is not modelled (kernel") != NULL,
              "%s", out);
    char *m = tc_fmt("%s/metrics.csv", o);
    size_t nn = 0;
    char **eff = tc_column_str(m, "efficiency_total", &nn);
    cr_assert(eff == NULL || nn == 0, "a temporal run without a modelled memory has no efficiency");
    free(m);
    free(out);
    free(err);
    free(o);
    free(cfg);
    free(dir);
}
