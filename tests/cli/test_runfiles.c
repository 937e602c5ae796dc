/* test_runfiles.c — the run folder and its files: outputs through symlinks, FIFOs and device nodes (never replaced), names that would leave the output folder, stale temporaries, run folders written as a set, metrics appended at checkpoints, resolved configs that move with their folder. */
/* mkfifo, mknod, lstat, readlink and pthread are POSIX. */
#define _DEFAULT_SOURCE

#include "cli_helpers.h"
#include "test_support.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

TestSuite(runfiles, .fini = ts_check_leaks, .timeout = 120);

/* A small resistor network with a source, for plnet solve and plnet export --spice. */
static const char solve_yaml[] = "name: rf\nseed: 3\n"
                                 "network:\n  graph: {generator: square_lattice, size: [3, 3]}\n"
                                 "boundary:\n  ground: [0]\n"
                                 "  potentials: {nodes: [8], values: [1.0]}\n";

static char *slurp(const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (fp == NULL) {
        return NULL;
    }
    size_t cap = 4096;
    size_t len = 0;
    char *s = malloc(cap);
    size_t got;
    while ((got = fread(s + len, 1, cap - len - 1, fp)) > 0) {
        len += got;
        if (cap - len < 2) {
            cap *= 2;
            s = realloc(s, cap);
        }
    }
    s[len] = '\0';
    fclose(fp);
    return s;
}

static bool is_symlink(const char *path)
{
    struct stat sb;
    return lstat(path, &sb) == 0 && S_ISLNK(sb.st_mode);
}

/* ------------------------------------------------------------------ non-regular outputs */

Test(runfiles, export_through_a_symlink_writes_its_target_and_keeps_the_link)
{
    char *dir = tc_dir("rf_symlink");
    char *cfg = tc_write(dir, "c.yaml", solve_yaml);
    char *real = tc_write(dir, "real.cir", "old\n");
    char *link = tc_fmt("%s/link.cir", dir);
    cr_assert_eq(symlink("real.cir", link), 0); /* relative: read from the link's folder */
    char *err = NULL;
    int rc = tc_run(NULL, &err, "export", "--spice", cfg, "-o", link, NULL);
    cr_assert_eq(rc, 0, "%s", err);
    cr_assert(is_symlink(link), "the symlink was replaced by a regular file");
    char *text = slurp(real);
    cr_assert(text != NULL && strstr(text, ".end") != NULL, "the target holds: %s", text);
    free(text);

    /* A dangling link: the file it names is created, the link stays. */
    char *dang = tc_fmt("%s/dangling.cir", dir);
    char *made = tc_fmt("%s/made.cir", dir);
    cr_assert_eq(symlink("made.cir", dang), 0);
    free(err);
    rc = tc_run(NULL, &err, "export", "--spice", cfg, "-o", dang, NULL);
    cr_assert_eq(rc, 0, "%s", err);
    cr_assert(is_symlink(dang));
    text = slurp(made);
    cr_assert(text != NULL && strstr(text, ".end") != NULL);
    free(text);
    free(err);
    free(made);
    free(dang);
    free(link);
    free(real);
    free(cfg);
    free(dir);
}

typedef struct reader {
    const char *path;
    char *text;
} reader;

static void *read_fifo(void *arg)
{
    reader *r = arg;
    r->text = slurp(r->path);
    return NULL;
}

Test(runfiles, export_into_a_fifo_writes_through_it_and_keeps_it, .timeout = 60)
{
    char *dir = tc_dir("rf_fifo");
    char *cfg = tc_write(dir, "c.yaml", solve_yaml);
    char *fifo = tc_fmt("%s/pipe", dir);
    cr_assert_eq(mkfifo(fifo, 0600), 0);
    reader r = {fifo, NULL};
    pthread_t th;
    cr_assert_eq(pthread_create(&th, NULL, read_fifo, &r), 0);
    char *err = NULL;
    int rc = tc_run(NULL, &err, "export", "--spice", cfg, "-o", fifo, NULL);
    struct stat sb;
    cr_assert(lstat(fifo, &sb) == 0 && S_ISFIFO(sb.st_mode),
              "the FIFO was replaced by a regular file");
    cr_assert_eq(rc, 0, "%s", err);
    pthread_join(th, NULL);
    cr_assert(r.text != NULL && strstr(r.text, ".end") != NULL, "the reader got: %s", r.text);
    free(r.text);
    free(err);
    free(fifo);
    free(cfg);
    free(dir);
}

Test(runfiles, export_onto_a_device_node_writes_it_in_place)
{
    char *dir = tc_dir("rf_dev");
    char *cfg = tc_write(dir, "c.yaml", solve_yaml);
    /* A node of the null device inside the test folder (never the machine's /dev/null). */
    char *dev = tc_fmt("%s/null", dir);
    if (mknod(dev, S_IFCHR | 0666, makedev(1, 3)) != 0) {
        cr_skip("cannot make a device node here (%s)", strerror(errno));
    }
    char *err = NULL;
    int rc = tc_run(NULL, &err, "export", "--spice", cfg, "-o", dev, NULL);
    struct stat sb;
    cr_assert(lstat(dev, &sb) == 0 && S_ISCHR(sb.st_mode),
              "the device node was replaced by a regular file");
    cr_assert_eq(rc, 0, "%s", err);
    cr_assert_eq(tc_count_files(dir), 2, "no temporary left beside it");
    free(err);
    free(dev);
    free(cfg);
    free(dir);
}

Test(runfiles, solve_keeps_symlinked_run_files_and_refuses_a_folder_as_a_file)
{
    char *dir = tc_dir("rf_solve_link");
    char *cfg = tc_write(dir, "c.yaml", solve_yaml);
    char *out = tc_fmt("%s/out", dir);
    cr_assert_eq(mkdir(out, 0777), 0);
    char *elsewhere = tc_fmt("%s/elsewhere", dir);
    cr_assert_eq(mkdir(elsewhere, 0777), 0);
    /* Run files that are links into another folder: the library's writer (network.graphml,
     * config.resolved.yaml) and the CLI's (potentials.csv). */
    const char *names[] = {"potentials.csv", "network.graphml", "config.resolved.yaml"};
    for (int k = 0; k < 3; k++) {
        char *link = tc_fmt("%s/%s", out, names[k]);
        char *target = tc_fmt("../elsewhere/%s", names[k]);
        cr_assert_eq(symlink(target, link), 0);
        free(target);
        free(link);
    }
    char *err = NULL;
    int rc = tc_run(NULL, &err, "solve", cfg, "-o", out, "--force", NULL);
    cr_assert_eq(rc, 0, "%s", err);
    for (int k = 0; k < 3; k++) {
        char *link = tc_fmt("%s/%s", out, names[k]);
        char *target = tc_fmt("%s/%s", elsewhere, names[k]);
        cr_assert(is_symlink(link), "%s was replaced", names[k]);
        char *text = slurp(target);
        cr_assert(text != NULL && strlen(text) > 20, "%s is empty", target);
        free(text);
        free(target);
        free(link);
    }
    /* A folder where a file goes: refused, and the folder stays. */
    char *cir = tc_fmt("%s/sub", dir);
    cr_assert_eq(mkdir(cir, 0777), 0);
    free(err);
    rc = tc_run(NULL, &err, "export", "--spice", cfg, "-o", cir, NULL);
    cr_assert_neq(rc, 0);
    cr_assert(strstr(err, "Is a directory") != NULL, "%s", err);
    free(cir);
    free(err);
    free(elsewhere);
    free(out);
    free(cfg);
    free(dir);
}

/* ------------------------------------------------------------------ names */

Test(runfiles, a_name_that_leaves_the_output_folder_is_refused_at_its_line)
{
    char *dir = tc_dir("rf_name");
    const char *names[] = {"..", ".", "../x", "/", "a/b", ""};
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
        char *text = tc_fmt("name: \"%s\"\n%s", names[k], solve_yaml + 9);
        char *cfg = tc_write(dir, "c.yaml", text);
        char *err = NULL;
        /* From inside the test folder, as a user in their working folder would. */
        char cwd[4096];
        cr_assert(getcwd(cwd, sizeof cwd) != NULL);
        cr_assert_eq(chdir(dir), 0);
        int rc = tc_run(NULL, &err, "solve", "c.yaml", NULL);
        cr_assert_eq(chdir(cwd), 0);
        cr_assert_eq(rc, 2, "name '%s': rc %d, %s", names[k], rc, err);
        cr_assert(strstr(err, "c.yaml:1:") != NULL && strstr(err, "name") != NULL,
                  "name '%s': %s", names[k], err);
        /* Nothing written: the folder holds the config only. */
        cr_assert_eq(tc_count_files(dir), 1, "name '%s' wrote files", names[k]);
        free(err);
        free(cfg);
        free(text);
    }
    free(dir);
}

/* ------------------------------------------------------------------ run folders */

static const char train_yaml[] = "name: reg\nseed: 1\n"
                                 "network:\n"
                                 "  graph: {generator: erdos_renyi, n: 30, mean_degree: 5.0}\n"
                                 "  edges: {conductance: {init: uniform, low: 0.5, high: 1.5}}\n"
                                 "task:\n  kind: regression\n"
                                 "  inputs: {nodes: [3, 9]}\n  outputs: {nodes: [20, 25]}\n"
                                 "  n_examples: 12\n  test_examples: 7\n"
                                 "  input_range: [0.0, 1.0]\n"
                                 "learning: {rate: 0.1, nudge: 0.2}\n"
                                 "train: {steps: 30, batch: 3, log_every: 10, "
                                 "checkpoint_every: %d}\n";

static char *marker_state(const char *dir)
{
    char *p = tc_fmt("%s/plnet.run", dir);
    char *text = slurp(p);
    free(p);
    if (text == NULL) {
        return NULL;
    }
    char *s = strstr(text, "state: ");
    char *state = s != NULL ? strndup(s + 7, strcspn(s + 7, "\n")) : NULL;
    free(text);
    return state;
}

/* Every write past `bytes` fails (EFBIG), as a full disk would fail it. */
static void limit_file_size(rlim_t bytes)
{
    signal(SIGXFSZ, SIG_IGN);
    struct rlimit rl = {bytes, bytes};
    cr_assert_eq(setrlimit(RLIMIT_FSIZE, &rl), 0);
}

Test(runfiles, a_fresh_run_refuses_a_folder_holding_other_files_unless_forced)
{
    char *dir = tc_dir("rf_refuse");
    char *text = tc_fmt(train_yaml, 10);
    char *cfg = tc_write(dir, "c.yaml", text);
    char *out = tc_fmt("%s/out", dir);
    char *err = NULL;
    /* A folder with a file of the user's: refused, untouched. */
    cr_assert_eq(mkdir(out, 0777), 0);
    char *mine = tc_write(out, "notes.txt", "mine\n");
    int rc = tc_run(NULL, &err, "train", cfg, "-o", out, "-q", NULL);
    cr_assert_eq(rc, 2, "%s", err);
    cr_assert(strstr(err, "not empty") != NULL && strstr(err, "--force") != NULL, "%s", err);
    cr_assert_eq(tc_count_files(out), 1, "nothing written beside notes.txt");
    free(err);
    rc = tc_run(NULL, &err, "train", cfg, "-o", out, "-q", "--force", NULL);
    cr_assert_eq(rc, 0, "%s", err);
    char *state = marker_state(out);
    cr_assert(state != NULL && strcmp(state, "complete") == 0, "state %s", state);
    free(state);
    free(err);
    /* The same configuration again (train.steps may differ): its own run, rewritten. */
    rc = tc_run(NULL, &err, "train", cfg, "-o", out, "-q", "--set", "train.steps=40", NULL);
    cr_assert_eq(rc, 0, "%s", err);
    free(err);
    /* Another configuration: refused, naming the other run; the run stays complete. */
    rc = tc_run(NULL, &err, "train", cfg, "-o", out, "-q", "--set", "learning.rate=0.2", NULL);
    cr_assert_eq(rc, 2, "%s", err);
    cr_assert(strstr(err, "another configuration") != NULL, "%s", err);
    state = marker_state(out);
    cr_assert(state != NULL && strcmp(state, "complete") == 0);
    free(state);
    free(err);
    /* A solve of the same configuration into the training run's folder: refused too. */
    rc = tc_run(NULL, &err, "solve", cfg, "-o", out, NULL);
    cr_assert_eq(rc, 2, "%s", err);
    cr_assert(strstr(err, "a training run") != NULL, "%s", err);
    free(err);
    free(mine);
    free(out);
    free(cfg);
    free(text);
    free(dir);
}

Test(runfiles, a_run_failing_at_its_first_step_leaves_no_files)
{
    char *dir = tc_dir("rf_first_step");
    char *text = tc_fmt(train_yaml, 1);
    char *cfg = tc_write(dir, "c.yaml", text);
    char *out = tc_fmt("%s/out", dir);
    /* config.resolved.yaml (1.4 kB) fits, the first checkpoint (2.5 kB: the configuration's
     * fingerprint and the learner's state) does not. */
    limit_file_size(2000);
    char *err = NULL;
    int rc = tc_run(NULL, &err, "train", cfg, "-o", out, "-q", NULL);
    cr_assert_eq(rc, 1, "%s", err);
    cr_assert(strstr(err, "checkpoint at step 1") != NULL, "the step is named: %s", err);
    cr_assert(!tc_exists(out), "the run's folder stays: %d files in it", tc_count_files(out));
    free(err);
    free(out);
    free(cfg);
    free(text);
    free(dir);
}

Test(runfiles, a_solve_that_cannot_write_every_file_leaves_none)
{
    char *dir = tc_dir("rf_solve_full");
    char *text = tc_fmt(train_yaml, 1);
    char *cfg = tc_write(dir, "c.yaml", text);
    char *out = tc_fmt("%s/out", dir);
    cr_assert_eq(mkdir(out, 0777), 0);
    /* potentials.csv and edges.csv fit, network.graphml (12 kB) does not. */
    limit_file_size(4000);
    char *err = NULL;
    int rc = tc_run(NULL, &err, "solve", cfg, "-o", out, NULL);
    cr_assert_neq(rc, 0);
    cr_assert(strstr(err, "network.graphml") != NULL, "%s", err);
    cr_assert_eq(tc_count_files(out), 0, "a partial set stays in the folder it was given");
    free(err);
    free(out);
    free(cfg);
    free(text);
    free(dir);
}

Test(runfiles, a_run_failing_after_its_checkpoints_stays_marked_running)
{
    char *dir = tc_dir("rf_marked");
    char *text = tc_fmt(train_yaml, 10);
    char *cfg = tc_write(dir, "c.yaml", text);
    char *out = tc_fmt("%s/out", dir);
    /* Checkpoints (3 kB) fit; the final network.graphml (7.6 kB) does not. */
    limit_file_size(5000);
    char *err = NULL;
    int rc = tc_run(NULL, &err, "train", cfg, "-o", out, "-q", NULL);
    cr_assert_eq(rc, 1, "%s", err);
    cr_assert(strstr(err, "--resume") != NULL, "%s", err);
    char *state = marker_state(out);
    cr_assert(state != NULL && strcmp(state, "running") == 0, "state %s", state);
    free(state);
    free(err);
    free(out);
    free(cfg);
    free(text);
    free(dir);
}

/* A process that has ended: its pid names a dead writer's temporaries. */
static long dead_pid(void)
{
    pid_t p = fork();
    if (p == 0) {
        _exit(0);
    }
    cr_assert(p > 0);
    waitpid(p, NULL, 0);
    return (long)p;
}

Test(runfiles, stale_temporaries_of_dead_writers_go_when_a_run_starts)
{
    char *dir = tc_dir("rf_stale");
    char *text = tc_fmt(train_yaml, 10);
    char *cfg = tc_write(dir, "c.yaml", text);
    char *out = tc_fmt("%s/out", dir);
    char *err = NULL;
    int rc = tc_run(NULL, &err, "train", cfg, "-o", out, "-q", "--set", "train.steps=20", NULL);
    cr_assert_eq(rc, 0, "%s", err);
    free(err);
    long dead = dead_pid();
    char *stale1 = tc_fmt("metrics.csv.tmp.%ld", dead);
    char *stale2 = tc_fmt("checkpoint.bin.tmp.%ld", dead);
    char *live = tc_fmt("network.graphml.tmp.%ld", (long)getppid()); /* a live process */
    free(tc_write(out, stale1, "partial"));
    free(tc_write(out, stale2, "partial"));
    free(tc_write(out, live, "being written"));
    rc = tc_run(NULL, &err, "train", cfg, "--resume", out, "-q", NULL);
    cr_assert_eq(rc, 0, "%s", err);
    char *p1 = tc_fmt("%s/%s", out, stale1);
    char *p2 = tc_fmt("%s/%s", out, stale2);
    char *p3 = tc_fmt("%s/%s", out, live);
    cr_assert(!tc_exists(p1) && !tc_exists(p2), "a dead writer's temporaries stay");
    cr_assert(tc_exists(p3), "a live writer's temporary was removed");
    free(p1);
    free(p2);
    free(p3);
    free(err);
    free(live);
    free(stale2);
    free(stale1);
    free(out);
    free(cfg);
    free(text);
    free(dir);
}

/* ------------------------------------------------------------------ metrics.csv appended */

Test(runfiles, a_resume_cuts_rows_appended_after_the_checkpoint_and_matches_a_straight_run)
{
    char *dir = tc_dir("rf_append");
    char *text = tc_fmt(train_yaml, 1); /* a checkpoint at every step: metrics appended */
    char *cfg = tc_write(dir, "c.yaml", text);
    char *run = tc_fmt("%s/run", dir);
    char *straight = tc_fmt("%s/straight", dir);
    char *err = NULL;
    int rc = tc_run(NULL, &err, "train", cfg, "-o", straight, "-q", "--set", "train.steps=40",
                    NULL);
    cr_assert_eq(rc, 0, "%s", err);
    free(err);
    rc = tc_run(NULL, &err, "train", cfg, "-o", run, "-q", "--set", "train.steps=20", NULL);
    cr_assert_eq(rc, 0, "%s", err);
    free(err);
    /* What a kill between appending rows and writing the checkpoint leaves: rows (one cut
     * short) after the length the checkpoint holds. */
    char *metrics = tc_fmt("%s/metrics.csv", run);
    FILE *fp = fopen(metrics, "ab");
    fputs("30,0.5,0.25,0.25\n31,0.", fp);
    fclose(fp);
    rc = tc_run(NULL, &err, "train", cfg, "--resume", run, "-q", "--set", "train.steps=40",
                NULL);
    cr_assert_eq(rc, 0, "%s", err);
    char *a = slurp(metrics);
    char *b_path = tc_fmt("%s/metrics.csv", straight);
    char *b = slurp(b_path);
    cr_assert(a != NULL && b != NULL && strcmp(a, b) == 0, "resumed:\n%s\nstraight:\n%s", a, b);
    free(a);
    free(b);
    free(b_path);
    free(metrics);
    free(err);
    free(straight);
    free(run);
    free(cfg);
    free(text);
    free(dir);
}

/* ------------------------------------------------------------------ a run folder moved */

Test(runfiles, a_run_folder_moved_with_its_data_solves_again_from_its_resolved_config)
{
    char *dir = tc_dir("rf_moved");
    char *a = tc_fmt("%s/a", dir);
    char *sub[] = {tc_fmt("%s", a), tc_fmt("%s/data", a), tc_fmt("%s/cfg", a)};
    for (int k = 0; k < 3; k++) {
        cr_assert_eq(mkdir(sub[k], 0777), 0);
        free(sub[k]);
    }
    char *data = tc_fmt("%s/data", a);
    char *cfgdir = tc_fmt("%s/cfg", a);
    free(tc_write(data, "g.txt", "0 1 1.7\n1 2 2.385\n2 3 0.93\n"));
    char *cfg = tc_write(cfgdir, "c.yaml",
                         "name: moved\n"
                         "network: {graph: {file: ../data/g.txt, weights: resistance}}\n"
                         "boundary:\n  ground: [3]\n  potentials: {nodes: [0], values: [5.0]}\n");
    char *run = tc_fmt("%s/runs/one", a);
    char *err = NULL;
    int rc = tc_run(NULL, &err, "solve", cfg, "-o", run, NULL);
    cr_assert_eq(rc, 0, "%s", err);
    free(err);
    char *resolved_path = tc_fmt("%s/config.resolved.yaml", run);
    char *resolved = slurp(resolved_path);
    cr_assert(strstr(resolved, "file: \"../../data/g.txt\"") != NULL,
              "the path is not relative to the resolved file:\n%s", resolved);
    free(resolved);
    /* The whole tree moves; its resolved configuration solves again, to the same numbers. */
    char *b = tc_fmt("%s/b", dir);
    cr_assert_eq(rename(a, b), 0);
    char *moved = tc_fmt("%s/runs/one/config.resolved.yaml", b);
    char *again = tc_fmt("%s/runs/two", b);
    rc = tc_run(NULL, &err, "solve", moved, "-o", again, NULL);
    cr_assert_eq(rc, 0, "%s", err);
    char *p1 = tc_fmt("%s/runs/one/potentials.csv", b);
    char *p2 = tc_fmt("%s/potentials.csv", again);
    char *t1 = slurp(p1);
    char *t2 = slurp(p2);
    cr_assert(t1 != NULL && t2 != NULL && strcmp(t1, t2) == 0, "%s\n---\n%s", t1, t2);
    free(t1);
    free(t2);
    free(p1);
    free(p2);
    free(again);
    free(moved);
    free(b);
    free(err);
    free(resolved_path);
    free(run);
    free(cfg);
    free(cfgdir);
    free(data);
    free(a);
    free(dir);
}

/* ------------------------------------------------------------------ dataset inputs */

Test(runfiles, dataset_predictions_give_the_applied_inputs_and_the_data_row)
{
    char *dir = tc_dir("rf_dataset");
    /* Column a spans [2, 13.5], b [-1, 10.5]: each is min-max scaled into input_range from
     * the training rows only. */
    enum { ROWS = 24 };
    double a[ROWS], b[ROWS], y[ROWS];
    char csv[4096] = "a,b,y1,y2\n";
    for (int i = 0; i < ROWS; i++) {
        a[i] = 2.0 + 0.5 * (double)((i * 7) % ROWS);
        b[i] = -1.0 + 0.5 * (double)((i * 5 + 3) % ROWS);
        y[i] = 0.03 * a[i] + 0.02 * b[i];
        char row[160];
        snprintf(row, sizeof row, "%.17g,%.17g,%.17g,%.17g\n", a[i], b[i], y[i], 0.5 * y[i]);
        strcat(csv, row);
    }
    free(tc_write(dir, "ds.csv", csv));
    char *cfg = tc_write(dir, "ds.yaml",
                         "network:\n  graph: {generator: erdos_renyi, n: 30, mean_degree: 5.0}\n"
                         "task:\n  kind: dataset\n  inputs: {nodes: [3, 9]}\n"
                         "  outputs: {nodes: [20, 25]}\n  data: ds.csv\n"
                         "  target_columns: [y1, y2]\n  test_fraction: 0.25\n"
                         "  input_range: [0.5, 2.5]\n"
                         "train: {steps: 2, log_every: 1}\n");
    char *out = tc_fmt("%s/out", dir);
    char *err = NULL;
    int rc = tc_run(NULL, &err, "train", cfg, "-o", out, "-q", NULL);
    cr_assert_eq(rc, 0, "%s", err);
    char *pred = tc_fmt("%s/predictions.csv", out);
    size_t n = 0, n2 = 0, n3 = 0, n4 = 0, n5 = 0;
    char **split = tc_column_str(pred, "split", &n);
    double *row = tc_column(pred, "data_row", &n2);
    double *in0 = tc_column(pred, "input_0", &n3);
    double *in1 = tc_column(pred, "input_1", &n4);
    double *t0 = tc_column(pred, "target_0", &n5);
    cr_assert(row != NULL && in0 != NULL && in1 != NULL, "predictions.csv lacks the inputs or "
                                                          "the data row");
    cr_assert(n == ROWS && n2 == ROWS && n3 == ROWS && n4 == ROWS && n5 == ROWS);
    /* The training rows' range of each column, from the data file and the rows named. */
    double lo[2] = {1e300, 1e300}, hi[2] = {-1e300, -1e300};
    bool seen[ROWS] = {false};
    for (size_t i = 0; i < n; i++) {
        int r = (int)row[i] - 1;
        cr_assert(r >= 0 && r < ROWS && !seen[r], "data_row %g", row[i]);
        seen[r] = true;
        cr_assert_eq(t0[i], y[r], "the target is row %d's", r + 1);
        if (strcmp(split[i], "train") == 0) {
            lo[0] = fmin(lo[0], a[r]);
            hi[0] = fmax(hi[0], a[r]);
            lo[1] = fmin(lo[1], b[r]);
            hi[1] = fmax(hi[1], b[r]);
        }
    }
    for (size_t i = 0; i < n; i++) {
        int r = (int)row[i] - 1;
        double want0 = 0.5 + 2.0 * (a[r] - lo[0]) / (hi[0] - lo[0]);
        double want1 = 0.5 + 2.0 * (b[r] - lo[1]) / (hi[1] - lo[1]);
        cr_assert(fabs(in0[i] - want0) <= 1e-12 && fabs(in1[i] - want1) <= 1e-12,
                  "%s row %d: inputs %g %g, want %g %g", split[i], r + 1, in0[i], in1[i], want0,
                  want1);
    }
    for (size_t i = 0; i < n; i++) {
        free(split[i]);
    }
    free(split);
    free(row);
    free(in0);
    free(in1);
    free(t0);
    free(pred);
    free(err);
    free(out);
    free(cfg);
    free(dir);
}

static long file_length(const char *path)
{
    struct stat sb;
    cr_assert_eq(stat(path, &sb), 0, "%s", path);
    return (long)sb.st_size;
}

Test(runfiles, a_checkpoint_keeps_its_size_and_leaves_the_rows_to_metrics_csv)
{
    char *dir = tc_dir("rf_ckpt_size");
    char *text = tc_fmt(train_yaml, 1);
    char *cfg = tc_write(dir, "c.yaml", text);
    char *shortrun = tc_fmt("%s/short", dir);
    char *longrun = tc_fmt("%s/long", dir);
    char *err = NULL;
    int rc = tc_run(NULL, &err, "train", cfg, "-o", shortrun, "-q", "--set", "train.steps=10",
                    "--set", "train.log_every=1", NULL);
    cr_assert_eq(rc, 0, "%s", err);
    free(err);
    rc = tc_run(NULL, &err, "train", cfg, "-o", longrun, "-q", "--set", "train.steps=200",
                "--set", "train.log_every=1", NULL);
    cr_assert_eq(rc, 0, "%s", err);
    free(err);
    char *c1 = tc_fmt("%s/checkpoint.bin", shortrun);
    char *c2 = tc_fmt("%s/checkpoint.bin", longrun);
    cr_assert_eq(file_length(c1), file_length(c2), "11 rows: %ld bytes, 201 rows: %ld bytes",
                 file_length(c1), file_length(c2));
    /* metrics.csv holds the rows: without them the resume is refused, naming it. */
    char *m = tc_fmt("%s/metrics.csv", shortrun);
    char *head = slurp(m);
    *strchr(head, '\n') = '\0';
    char *headline = tc_fmt("%s\n", head);
    free(tc_write(shortrun, "metrics.csv", headline));
    rc = tc_run(NULL, &err, "train", cfg, "--resume", shortrun, "-q", "--set",
                "train.steps=20", "--set", "train.log_every=1", NULL);
    cr_assert_eq(rc, 2, "%s", err);
    cr_assert(strstr(err, "metrics.csv") != NULL, "%s", err);
    free(err);
    free(headline);
    free(head);
    free(m);
    free(c1);
    free(c2);
    free(longrun);
    free(shortrun);
    free(cfg);
    free(text);
    free(dir);
}
