/* test_sweep.c — plnet sweep end to end: bad sweep files stop before any point with file:line:col; the values and order of points read back from each point's own config; the tables against the points' metrics; serial = --jobs 2 = mpirun -n 3 bit for bit; kill -9 of the sweep, of a worker and of an MPI rank, SIGTERM, shards, then --resume: every point once, none redone. */
/* fork, kill, nanosleep, nftw: POSIX 2008. */
#define _XOPEN_SOURCE 700

#include "cli_helpers.h"
#include "config.h"
#include "experiment_setup.h"
#include "sweep.h"
#include "test_support.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

TestSuite(sweep, .fini = ts_check_leaks, .timeout = 240);

/* The files plnet train writes into a point folder. */
static const char *const run_files[] = {"config.resolved.yaml", "metrics.csv", "network.graphml",
                                        "predictions.csv", "checkpoint.bin"};
#define N_RUN_FILES (sizeof run_files / sizeof run_files[0])

/* A small flow allostery (example 02 on a 5 x 5 lattice). `steps` sets how long a point runs. */
static const char *base_yaml =
    "name: tiny\n"
    "seed: 3\n"
    "network:\n"
    "  kind: flow\n"
    "  graph: {generator: square_lattice, size: [%d, %d]}\n"
    "  edges:\n"
    "    conductance: {init: uniform, low: 0.5, high: 1.5, min: 1.0e-3, max: 1.0e3}\n"
    "boundary:\n"
    "  ground: [0]\n"
    "task:\n"
    "  kind: allostery\n"
    "  inputs: {nodes: [%d], values: [1.0]}\n"
    "  outputs: {nodes: [7, 17]}\n"
    "  targets: [0.25, 0.75]\n"
    "learning: {rule: coupled, rate: 0.5, nudge: 0.1}\n"
    "train: {steps: %d, log_every: 10, checkpoint_every: %d}\n";

/* 3 x 3 x 3: learning rate, nudge (log-spaced) and seeds. */
static const char *sweep27_yaml =
    "base: base.yaml\n"
    "grid:\n"
    "  learning.rate: [0.1, 0.3, 1.0]\n"
    "  learning.nudge: {log: [1.0e-3, 1.0e-1, 3]}\n"
    "seeds: [1, 2, 3]\n"
    "collect: [loss, test_error, joule_total]\n";

/* 2 x 2 x 2 points that each run long enough to be killed in the middle. */
static const char *sweep8_yaml =
    "base: base.yaml\n"
    "grid:\n"
    "  learning.rate: [0.2, 0.6]\n"
    "  learning.nudge: [0.05, 0.1]\n"
    "seeds: {range: [4, 5]}\n";

static char *make_case(const char *tag, const char *sweep, int side, int steps, int ckpt)
{
    char *dir = tc_dir(tag);
    cr_assert(dir != NULL);
    char *base = tc_fmt(base_yaml, side, side, side * side - 1, steps, ckpt);
    free(tc_write(dir, "base.yaml", base));
    free(tc_write(dir, "sweep.yaml", sweep));
    free(base);
    return dir;
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void rm_tree(const char *dir)
{
    nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* ------------------------------------------------------------------ running plnet */

static const char *plnet_bin(void)
{
    const char *bin = getenv("PLNET_BIN");
    cr_assert(bin != NULL, "PLNET_BIN is not set (run through meson test)");
    return bin;
}

/* Start argv (argv[0] a program path, or "mpirun" looked up in PATH) in folder cwd with stdout
 * and stderr into cwd/<log>. */
static pid_t start_in(const char *cwd, const char *log, char *const argv[])
{
    fflush(NULL);
    pid_t pid = fork();
    cr_assert(pid >= 0);
    if (pid == 0) {
        if (chdir(cwd) != 0) {
            _exit(120);
        }
        int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
            close(fd);
        }
        /* Its own process group: a kill of the group reaches what it started. */
        setpgid(0, 0);
        execvp(argv[0], argv);
        _exit(127);
    }
    return pid;
}

static int finish(pid_t pid)
{
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
    }
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* plnet sweep sweep.yaml -o OUT ARGS... in cwd; returns the exit code. */
#define SWEEP(cwd, out, ...)                                                                  \
    finish(start_in((cwd), "log.txt",                                                         \
                    (char *const[]){(char *)plnet_bin(), "sweep", "sweep.yaml", "-o", (out),   \
                                    __VA_ARGS__, NULL}))

/* plnet built with MPI, and mpirun on PATH to start it. */
static bool have_mpi(void)
{
#ifdef PLNET_HAVE_MPI
    return system("command -v mpirun >/dev/null 2>&1") == 0;
#else
    return false;
#endif
}

/* mpirun -n N [--mca orte_enable_recovery 1] plnet sweep sweep.yaml -o OUT EXTRA... */
static pid_t start_mpi(const char *cwd, int n, bool recovery, const char *out, const char *extra)
{
    char nbuf[16];
    snprintf(nbuf, sizeof nbuf, "%d", n);
    char *argv[24];
    int k = 0;
    argv[k++] = (char *)"mpirun";
    argv[k++] = (char *)"--oversubscribe";
    if (geteuid() == 0) {
        argv[k++] = (char *)"--allow-run-as-root";
    }
    if (recovery) {
        argv[k++] = (char *)"--mca";
        argv[k++] = (char *)"orte_enable_recovery";
        argv[k++] = (char *)"1";
    }
    argv[k++] = (char *)"-n";
    argv[k++] = nbuf;
    argv[k++] = (char *)plnet_bin();
    argv[k++] = (char *)"sweep";
    argv[k++] = (char *)"sweep.yaml";
    argv[k++] = (char *)"-o";
    argv[k++] = (char *)out;
    argv[k++] = (char *)"-q";
    if (extra != NULL) {
        argv[k++] = (char *)extra;
    }
    argv[k] = NULL;
    /* Under the sanitizers: Open MPI leaks in MPI_Init (libmpi, libopen-pal and components it
     * unloads, whose frames no suppression can name), so leak checks are off for the ranks;
     * the local-mode tests check the sweep code's own memory. */
    setenv("ASAN_OPTIONS", "detect_leaks=0", 1);
    pid_t pid = start_in(cwd, "mpi-log.txt", argv);
    unsetenv("ASAN_OPTIONS");
    return pid;
}

/* ------------------------------------------------------------------ reading a sweep folder */

static char *slurp(const char *path, size_t *len)
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

/* DIR/status/NNNN as "state=... attempts=..." text ("" when absent). */
static void status_of(const char *dir, int i, char *out, size_t size)
{
    char *p = tc_fmt("%s/status/%04d", dir, i);
    out[0] = '\0';
    FILE *fp = fopen(p, "r");
    if (fp != NULL) {
        if (fgets(out, (int)size, fp) == NULL) {
            out[0] = '\0';
        }
        fclose(fp);
    }
    free(p);
}

static bool is_done(const char *dir, int i)
{
    char st[256];
    status_of(dir, i, st, sizeof st);
    return strncmp(st, "state=done ", 11) == 0;
}

static int attempts_of(const char *dir, int i)
{
    char st[256];
    status_of(dir, i, st, sizeof st);
    const char *a = strstr(st, "attempts=");
    return a != NULL ? atoi(a + 9) : 0;
}

static int count_done(const char *dir, int n)
{
    int d = 0;
    for (int i = 0; i < n; i++) {
        d += is_done(dir, i);
    }
    return d;
}

/* A point that is running now and has written a checkpoint (its run is really under way). */
static bool running_with_checkpoint(const char *dir, int n, pid_t *child, pid_t *rank_pid,
                                    int rank, int *point)
{
    for (int i = 0; i < n; i++) {
        char st[256];
        status_of(dir, i, st, sizeof st);
        if (strncmp(st, "state=running ", 14) != 0) {
            continue;
        }
        char want[16];
        snprintf(want, sizeof want, ":rank%d:", rank);
        if (rank >= 0 && strstr(st, want) == NULL) {
            continue;
        }
        char *ck = tc_fmt("%s/points/%04d/checkpoint.bin", dir, i);
        bool has = tc_exists(ck);
        free(ck);
        const char *c = strstr(st, ":child");
        const char *p = strstr(st, ":pid");
        if (has && c != NULL && p != NULL) {
            *child = (pid_t)atol(c + 6);
            *rank_pid = (pid_t)atol(p + 4);
            *point = i;
            return true;
        }
    }
    return false;
}

static void nap_ms(int ms)
{
    struct timespec t = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&t, NULL);
}

/* Every run file of every point the same bytes in two sweep folders. */
static void assert_same_points(const char *a, const char *b, int n)
{
    for (int i = 0; i < n; i++) {
        for (size_t f = 0; f < N_RUN_FILES; f++) {
            char *pa = tc_fmt("%s/points/%04d/%s", a, i, run_files[f]);
            char *pb = tc_fmt("%s/points/%04d/%s", b, i, run_files[f]);
            size_t la = 0, lb = 0;
            char *x = slurp(pa, &la);
            char *y = slurp(pb, &lb);
            cr_assert(x != NULL && y != NULL, "missing %s or %s", pa, pb);
            cr_assert(la == lb && memcmp(x, y, la) == 0, "%s and %s differ", pa, pb);
            free(x);
            free(y);
            free(pa);
            free(pb);
        }
    }
}

/* Every point done exactly once: n folders, n done statuses, no temporaries left over. */
static void assert_complete(const char *dir, int n)
{
    char *points = tc_fmt("%s/points", dir);
    char *status = tc_fmt("%s/status", dir);
    cr_assert_eq(tc_count_files(points), n, "%s holds %d entries, not %d", points,
                 tc_count_files(points), n);
    cr_assert_eq(count_done(dir, n), n);
    DIR *d = opendir(status);
    cr_assert(d != NULL);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        cr_assert(strstr(e->d_name, ".tmp.") == NULL, "left over: %s/%s", status, e->d_name);
    }
    closedir(d);
    for (int i = 0; i < n; i++) {
        char *pd = tc_fmt("%s/%04d", points, i);
        d = opendir(pd);
        cr_assert(d != NULL);
        while ((e = readdir(d)) != NULL) {
            cr_assert(strstr(e->d_name, ".tmp.") == NULL, "left over: %s/%s", pd, e->d_name);
        }
        closedir(d);
        free(pd);
    }
    free(points);
    free(status);
}

/* What a completed point looks like on disk, to prove a resume did not touch it. */
typedef struct stamp {
    bool done;
    int attempts;
    struct timespec status, metrics;
} stamp;

static void take_stamps(const char *dir, int n, stamp *s)
{
    for (int i = 0; i < n; i++) {
        memset(&s[i], 0, sizeof s[i]);
        s[i].done = is_done(dir, i);
        s[i].attempts = attempts_of(dir, i);
        if (!s[i].done) {
            continue;
        }
        struct stat sb;
        char *p = tc_fmt("%s/status/%04d", dir, i);
        cr_assert(stat(p, &sb) == 0);
        s[i].status = sb.st_mtim;
        free(p);
        p = tc_fmt("%s/points/%04d/metrics.csv", dir, i);
        cr_assert(stat(p, &sb) == 0);
        s[i].metrics = sb.st_mtim;
        free(p);
    }
}

static void assert_untouched(const char *dir, int n, const stamp *before)
{
    stamp *now = calloc((size_t)n, sizeof *now);
    take_stamps(dir, n, now);
    for (int i = 0; i < n; i++) {
        if (!before[i].done) {
            continue;
        }
        cr_assert(now[i].status.tv_sec == before[i].status.tv_sec &&
                      now[i].status.tv_nsec == before[i].status.tv_nsec &&
                      now[i].metrics.tv_sec == before[i].metrics.tv_sec &&
                      now[i].metrics.tv_nsec == before[i].metrics.tv_nsec,
                  "point %d was complete before the resume and was run again", i);
        cr_assert_eq(attempts_of(dir, i), before[i].attempts, "point %d was started again", i);
    }
    free(now);
}

/* ------------------------------------------------------------------ bad sweep files */

typedef struct bad_case {
    const char *yaml;
    const char *where; /* "bad.yaml:L:C" expected in the message */
    const char *what;  /* a word of the message */
} bad_case;

Test(sweep, bad_files_fail_before_any_point_runs_naming_file_line_col)
{
    char *dir = make_case("sweep-bad", sweep27_yaml, 5, 20, 10);
    static const bad_case cases[] = {
        /* unknown sweep key */
        {"base: base.yaml\ngrid: {learning.rate: [0.1]}\nseedz: [1]\n", "bad.yaml:3:1",
         "seedz"},
        /* an axis that is not a config key */
        {"base: base.yaml\ngrid:\n  learning.rtae: [0.1, 0.2]\n", "bad.yaml:3:", "rtae"},
        /* unequal zip lengths */
        {"base: base.yaml\nzip:\n  learning.rate: [0.1, 0.2]\n  learning.nudge: [0.1, 0.2, "
         "0.3]\n", "bad.yaml:4:3", "equal lengths"},
        /* empty axis: a list, and a generator */
        {"base: base.yaml\ngrid:\n  learning.rate: []\n", "bad.yaml:3:18", "empty axis"},
        {"base: base.yaml\ngrid:\n  learning.rate: {log: [0.1, 1, 0]}\n", "bad.yaml:3:33",
         "empty axis"},
        /* a value the configuration refuses (the second of three) */
        {"base: base.yaml\ngrid:\n  learning.rate: [0.1, -0.5, 1]\n", "bad.yaml:3:24", ">= 0"},
        {"base: base.yaml\nseeds: [1, 2]\ngrid:\n  learning.nudge: {linear: [0.5, 1.5, 3]}\n",
         "bad.yaml:4:19", "nudge"},
        /* a value on the axis twice; a key fixed and varied; a scalar axis */
        {"base: base.yaml\ngrid:\n  learning.rate: [1, 1.0]\n", "bad.yaml:3:22", "already"},
        {"base: base.yaml\nset: {learning.rate: 3}\ngrid:\n  learning.rate: [1, 2]\n",
         "bad.yaml:2:22", "axis"},
        {"base: base.yaml\ngrid:\n  learning.rate: 0.1\n", "bad.yaml:3:18", "list of values"},
        /* a node beyond one point's graph: found by building each point's graph */
        {"base: base.yaml\ngrid:\n  task.outputs.nodes: [[7, 17], [7, 70]]\n", "bad.yaml:3:33",
         "node 70"},
        /* seeds, collect, base */
        {"base: base.yaml\nseeds: {range: [3, 1]}\n", "bad.yaml:2:16", "range"},
        {"base: base.yaml\nseeds: [1, 2, 1]\n", "bad.yaml:2:15", "already"},
        {"base: base.yaml\ngrid: {learning.rate: [1, 2]}\ncollect: [loss, memory_total]\n",
         "bad.yaml:3:17", "memory_total"},
        {"base: nothere.yaml\ngrid: {learning.rate: [1]}\n", "bad.yaml:1:7", "cannot open"},
        {"base: base.yaml\n", "bad.yaml:1:1", "nothing varies"},
        {"grid: {learning.rate: [1]}\n", "bad.yaml:1:1", "base"},
    };
    char *cwd = getcwd(NULL, 0);
    cr_assert(chdir(dir) == 0);
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        free(tc_write(".", "bad.yaml", cases[k].yaml));
        char *err = NULL;
        int rc = tc_run(NULL, &err, "sweep", "bad.yaml", "-o", "s", NULL);
        cr_expect_eq(rc, 2, "case %zu: exit %d (%s)", k, rc, err);
        cr_expect(strstr(err, cases[k].where) != NULL && strstr(err, cases[k].what) != NULL,
                  "case %zu: expected %s ... %s, got: %s", k, cases[k].where, cases[k].what,
                  err);
        cr_expect(!tc_exists("out"), "case %zu: the sweep folder was created", k);
        free(err);
    }
    /* --set on the command line: refused values name the argument. */
    char *err = NULL;
    int rc = tc_run(NULL, &err, "sweep", "sweep.yaml", "-o", "s", "--set",
                    "learning.rate=0.7", NULL);
    cr_expect(rc == 2 && strstr(err, "--set learning.rate=0.7") != NULL &&
                  strstr(err, "sweep.yaml:3:3") != NULL, "%s", err);
    free(err);
    rc = tc_run(NULL, &err, "sweep", "sweep.yaml", "-o", "s", "--set", "train.steps=-4", NULL);
    cr_expect(rc == 2 && strstr(err, "--set train.steps=-4") != NULL, "%s", err);
    free(err);
    cr_expect(!tc_exists("out"));
    cr_assert(chdir(cwd) == 0);
    free(cwd);
    rm_tree(dir);
    free(dir);
}

/* ------------------------------------------------------------------ columns and units */

/* The check's list of metrics.csv columns, and the units sweep.csv's headers carry, against
 * the library's own column table, for a contrastive, a temporal and a classification run. */
Test(sweep, collectable_columns_and_header_units_agree_with_the_library)
{
    const char *root = getenv("PLNET_SOURCE_ROOT");
    cr_assert(root != NULL);
    const char *const files[] = {"02-flow-allostery-coupled", "06-tcl-sawtooth-memory",
                                 "04-iris-classification"};
    static const char *const every[] = {
        "step", "time", "loss", "train_error", "test_error", "train_accuracy", "test_accuracy",
        "power_free", "power_clamped", "joule", "memory", "bits", "landauer", "efficiency",
        "joule_total", "memory_total", "bits_total", "landauer_total", "efficiency_total",
        "joule_kT", "memory_kT", "landauer_kT", "joule_total_kT", "memory_total_kT",
        "landauer_total_kT", "not_a_column"};
    for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
        char *path = tc_fmt("%s/examples/%s/experiment.yaml", root, files[f]);
        plnet_config cfg;
        FILE *err = tmpfile();
        cr_assert_eq(plnet_config_load(path, &cfg, err), 0, "%s", path);
        pln_ctx *ctx = NULL;
        pln_experiment *x = NULL;
        cr_assert_eq(plnet_experiment_open(&cfg, PLN_BUILD_LEARNER, &ctx, &x, err), 0);
        pln_idx n = pln_experiment_metrics_n_columns(x);
        size_t listed = 0;
        for (pln_idx k = 0; k < n; k++) {
            const char *unit = NULL;
            const char *name = pln_experiment_metrics_column(x, k, &unit);
            cr_expect(plnet_sweep_has_column(&cfg, name), "%s: %s", files[f], name);
            /* Physical units become a header suffix; counts, ratios and output units do not. */
            const char *suffix = plnet_sweep_unit_suffix(name);
            bool physical = unit != NULL && (strcmp(unit, "J") == 0 || strcmp(unit, "W") == 0);
            cr_expect(physical ? suffix[0] == '_' && strcmp(suffix + 1, unit) == 0
                               : suffix[0] == '\0',
                      "%s: %s in %s, header suffix '%s'", files[f], name,
                      unit != NULL ? unit : "?", suffix);
        }
        for (size_t k = 0; k < sizeof every / sizeof every[0]; k++) {
            listed += plnet_sweep_has_column(&cfg, every[k]);
        }
        cr_expect_eq(listed, (size_t)n, "%s: the check knows %zu columns, the library %ld",
                     files[f], listed, (long)n);
        pln_experiment_destroy(x);
        pln_ctx_destroy(ctx);
        plnet_config_free(&cfg);
        fclose(err);
        free(path);
    }
}

/* ------------------------------------------------------------------ values, order, tables */

/* The value of `key:` under section `section:` in a resolved config (block style). */
static char *resolved_value(const char *path, const char *section, const char *key)
{
    size_t len = 0;
    char *text = slurp(path, &len);
    cr_assert(text != NULL, "%s", path);
    char *sec = tc_fmt("\n%s:\n", section);
    char *s = strstr(text, sec);
    cr_assert(s != NULL, "%s: no section %s", path, section);
    char *k = tc_fmt("\n  %s: ", key);
    char *v = strstr(s, k);
    cr_assert(v != NULL, "%s: no %s.%s", path, section, key);
    v += strlen(k);
    char *out = strndup(v, strcspn(v, "\n"));
    free(k);
    free(sec);
    free(text);
    return out;
}

Test(sweep, points_hold_their_values_in_order_and_tables_match_their_metrics)
{
    const char *yaml = "base: base.yaml\n"
                       "set: {train.steps: 30}\n"
                       "grid:\n"
                       "  learning.nudge: {log: [1.0e-3, 1.0, 4]}\n"
                       "zip:\n"
                       "  learning.rate: {linear: [0.1, 0.3, 3]}\n"
                       "  energy.temperature: [100, 200, 300]\n"
                       "seeds: [7, 8]\n"
                       "collect: [loss, joule_total]\n";
    char *dir = make_case("sweep-order", yaml, 5, 20, 10);
    char *cwd = getcwd(NULL, 0);
    cr_assert(chdir(dir) == 0);
    char *out = NULL;
    char *err = NULL;
    int rc = tc_run(&out, &err, "sweep", "sweep.yaml", "-o", "s", "--jobs", "2", "--set",
                    "energy.resolution=0.004", NULL);
    cr_assert_eq(rc, 0, "%s%s", out, err);
    /* Log spacing of 1e-3..1 in 4 is exactly the powers of ten; the linear axis steps by 0.1
     * and is written as 0.2, not 0.20000000000000001. */
    static const char *const nudges[] = {"0.001", "0.01", "0.1", "1"};
    static const char *const rates[] = {"0.1", "0.2", "0.3"};
    static const char *const temps[] = {"100", "200", "300"};
    static const char *const seeds[] = {"7", "8"};
    int n = 4 * 3 * 2;
    assert_complete("s", n);
    for (int i = 0; i < n; i++) {
        /* Seeds vary fastest, then the zip, then the grid axis. */
        int s = i % 2, z = (i / 2) % 3, g = i / 6;
        char *cfg = tc_fmt("s/points/%04d/config.resolved.yaml", i);
        char *nu = resolved_value(cfg, "learning", "nudge");
        char *ra = resolved_value(cfg, "learning", "rate");
        char *te = resolved_value(cfg, "energy", "temperature");
        char *st = resolved_value(cfg, "train", "steps");
        char *res = resolved_value(cfg, "energy", "resolution");
        cr_expect(strtod(res, NULL) == 0.004, "point %d: --set energy.resolution: %s", i, res);
        free(res);
        size_t len = 0;
        char *text = slurp(cfg, &len);
        char *seed_line = tc_fmt("\nseed: %s\n", seeds[s]);
        /* The resolved config writes numbers its own way (1.0); the values are the same. */
        cr_expect(strtod(nu, NULL) == strtod(nudges[g], NULL), "point %d nudge %s", i, nu);
        cr_expect(strtod(ra, NULL) == strtod(rates[z], NULL), "point %d rate %s", i, ra);
        cr_expect(strtod(te, NULL) == strtod(temps[z], NULL), "point %d temperature %s", i, te);
        cr_expect(strtod(st, NULL) == 30.0, "point %d steps %s", i, st);
        cr_expect(strstr(text, seed_line) != NULL, "point %d: seed %s", i, seeds[s]);
        free(seed_line);
        free(text);
        free(nu);
        free(ra);
        free(te);
        free(st);
        free(cfg);
    }
    /* sweep.csv: each row's collected values are the last row of its point's metrics.csv. */
    size_t rows = 0, m = 0;
    double *loss = tc_column("s/sweep.csv", "loss", &rows);
    double *joule = tc_column("s/sweep.csv", "joule_total_J", &m);
    char **status = tc_column_str("s/sweep.csv", "status", &m);
    char **nudge_col = tc_column_str("s/sweep.csv", "learning.nudge", &m);
    cr_assert(loss != NULL && joule != NULL && status != NULL && nudge_col != NULL);
    cr_assert_eq(rows, (size_t)n);
    double *last_loss = calloc((size_t)n, sizeof *last_loss);
    for (int i = 0; i < n; i++) {
        char *mp = tc_fmt("s/points/%04d/metrics.csv", i);
        size_t k = 0;
        double *l = tc_column(mp, "loss", &k);
        double *j = tc_column(mp, "joule_total", &k);
        cr_assert(k == 4, "%s: %zu rows (steps 0, 10, 20, 30)", mp, k);
        cr_expect(loss[i] == l[k - 1] && joule[i] == j[k - 1], "row %d", i);
        cr_expect(strcmp(status[i], "done") == 0);
        cr_expect(strcmp(nudge_col[i], nudges[i / 6]) == 0);
        last_loss[i] = l[k - 1];
        free(l);
        free(j);
        free(mp);
        free(status[i]);
        free(nudge_col[i]);
    }
    /* summary.csv: mean, sample std, median, min, max over the two seeds of each row. */
    size_t np = 0;
    double *mean = tc_column("s/summary.csv", "loss_mean", &np);
    double *sd = tc_column("s/summary.csv", "loss_std", &m);
    double *med = tc_column("s/summary.csv", "loss_median", &m);
    double *lo = tc_column("s/summary.csv", "loss_min", &m);
    double *hi = tc_column("s/summary.csv", "loss_max", &m);
    double *done = tc_column("s/summary.csv", "done", &m);
    cr_assert(mean != NULL && sd != NULL && med != NULL && lo != NULL && hi != NULL);
    cr_assert_eq(np, (size_t)(n / 2));
    /* Written with 17 significant digits; the test's own arithmetic may round differently in
     * the last place. */
    const double tol = 1e-14;
    for (size_t p = 0; p < np; p++) {
        double a = last_loss[2 * p], b = last_loss[2 * p + 1];
        double mu = 0.5 * (a + b);
        double s2 = sqrt(((a - mu) * (a - mu) + (b - mu) * (b - mu)) / 1.0);
        cr_expect(ts_rel_diff(mean[p], mu, 1e-300) < tol, "row %zu mean", p);
        cr_expect(ts_rel_diff(sd[p], s2, 1e-300) < tol, "row %zu std %g vs %g", p, sd[p], s2);
        cr_expect(ts_rel_diff(med[p], mu, 1e-300) < tol, "row %zu median", p);
        cr_expect(lo[p] == fmin(a, b) && hi[p] == fmax(a, b), "row %zu min/max", p);
        cr_expect(done[p] == 2.0);
    }
    free(mean);
    free(sd);
    free(med);
    free(lo);
    free(hi);
    free(done);
    free(last_loss);
    free(loss);
    free(joule);
    free(status);
    free(nudge_col);
    free(out);
    free(err);
    cr_assert(chdir(cwd) == 0);
    free(cwd);
    rm_tree(dir);
    free(dir);
}

Test(sweep, a_failing_point_fails_alone_and_resume_refuses_a_changed_sweep)
{
    /* Two triangles of resistors, the source in one: grounding only the other's node 0
     * leaves nodes 3, 4, 5 floating. That point fails when its network is built (after the
     * graph stage the sweep checks), the other two run. */
    const char *yaml = "base: two.yaml\n"
                       "grid:\n"
                       "  boundary.ground: [[0, 3], [0], [0, 5]]\n";
    char *dir = make_case("sweep-fail", yaml, 5, 20, 10);
    free(tc_write(dir, "g.csv", "0,1\n1,2\n2,0\n3,4\n4,5\n5,3\n"));
    free(tc_write(dir, "two.yaml",
                  "name: two\nseed: 3\nnetwork:\n  kind: resistor\n"
                  "  graph: {file: g.csv, format: edgelist}\n"
                  "boundary:\n  ground: [0, 3]\n"
                  "task:\n  kind: allostery\n  inputs: {nodes: [2], values: [1.0]}\n"
                  "  outputs: {nodes: [1, 4]}\n  targets: [0.25, 0.75]\n"
                  "train: {steps: 20, log_every: 10}\n"));
    char *cwd = getcwd(NULL, 0);
    cr_assert(chdir(dir) == 0);
    char *err = NULL;
    int rc = tc_run(NULL, &err, "sweep", "sweep.yaml", "-o", "s", "-j", "2", NULL);
    cr_expect_eq(rc, 1);
    cr_expect(strstr(err, "point 0001 (boundary.ground=[0]) failed: exit 2") != NULL &&
                  strstr(err, "nodes 3, 4, 5") != NULL, "%s", err);
    free(err);
    cr_expect(is_done("s", 0) && is_done("s", 2) && !is_done("s", 1));
    /* The failed row has its status and wall time but no collected values. */
    size_t len = 0;
    char *csv = slurp("s/sweep.csv", &len);
    cr_assert(csv != NULL);
    cr_expect(strstr(csv, "\n0,\"[0, 3]\",3,done,") != NULL, "%s", csv);
    char *row = strstr(csv, "\n1,[0],3,failed,");
    cr_expect(row != NULL, "%s", csv);
    if (row != NULL) {
        char *end = strchr(row + 1, '\n');
        cr_expect(end != NULL && strncmp(end - 5, ",,,,,", 5) == 0, "%s", row);
    }
    free(csv);
    /* The same folder again without --resume; --resume of a folder that holds none. */
    rc = tc_run(NULL, &err, "sweep", "sweep.yaml", "-o", "s", NULL);
    cr_expect(rc == 2 && strstr(err, "add --resume") != NULL, "%s", err);
    free(err);
    rc = tc_run(NULL, &err, "sweep", "sweep.yaml", "-o", "none", "--resume", NULL);
    cr_expect(rc == 2 && strstr(err, "holds no sweep") != NULL && !tc_exists("none"), "%s", err);
    free(err);
    /* A changed sweep file, and a changed base, are refused naming what changed. */
    free(tc_write(".", "sweep.yaml",
                  "base: two.yaml\ngrid:\n  boundary.ground: [[0, 3], [0], [5, 0]]\n"));
    rc = tc_run(NULL, &err, "sweep", "sweep.yaml", "-o", "s", "--resume", NULL);
    cr_expect(rc == 2 && strstr(err, "[[0, 3], [0], [0, 5]]") != NULL &&
                  strstr(err, "[[0, 3], [0], [5, 0]]") != NULL, "%s", err);
    free(err);
    free(tc_write(".", "sweep.yaml", yaml));
    rc = tc_run(NULL, &err, "sweep", "sweep.yaml", "-o", "s", "--resume", "--set",
                "learning.rate=0.25", NULL);
    cr_expect(rc == 2 && strstr(err, "learning.rate: 0.25") != NULL, "%s", err);
    free(err);
    /* The unchanged sweep resumes: only the failed point runs again (and fails again). */
    stamp before[3];
    take_stamps("s", 3, before);
    rc = tc_run(NULL, &err, "sweep", "sweep.yaml", "-o", "s", "--resume", NULL);
    cr_expect_eq(rc, 1, "%s", err);
    free(err);
    assert_untouched("s", 3, before);
    cr_expect_eq(attempts_of("s", 1), 2);
    cr_assert(chdir(cwd) == 0);
    free(cwd);
    rm_tree(dir);
    free(dir);
}

/* ------------------------------------------------------------------ bit for bit */

Test(sweep, serial_and_two_jobs_give_the_same_point_files_bit_for_bit)
{
    char *dir = make_case("sweep-27", sweep27_yaml, 5, 40, 20);
    /* Each run in its own folder with the same relative -o, so that output.dir (recorded in
     * each point's config.resolved.yaml) reads the same. */
    char *a = tc_fmt("%s/a", dir);
    char *b = tc_fmt("%s/b", dir);
    cr_assert(mkdir(a, 0755) == 0 && mkdir(b, 0755) == 0);
    char *cmd = tc_fmt("cp %s/base.yaml %s/sweep.yaml %s/ && cp %s/base.yaml %s/sweep.yaml %s/",
                       dir, dir, a, dir, dir, b);
    cr_assert(system(cmd) == 0);
    free(cmd);
    cr_assert_eq(SWEEP(a, "s", "--jobs", "1"), 0);
    cr_assert_eq(SWEEP(b, "s", "--jobs", "2"), 0);
    char *sa = tc_fmt("%s/s", a);
    char *sb = tc_fmt("%s/s", b);
    assert_complete(sa, 27);
    assert_same_points(sa, sb, 27);
    /* Two jobs really ran two points at once: some point started before another ended. (Not
     * asserted: on a loaded machine two children may still run one after the other.) */
    free(sa);
    free(sb);
    free(a);
    free(b);
    rm_tree(dir);
    free(dir);
}

Test(sweep, mpirun_three_ranks_gives_the_same_point_files_bit_for_bit)
{
    if (!have_mpi()) {
        cr_skip_test("plnet was built without MPI (-Dmpi), or mpirun is not on PATH");
    }
    char *dir = make_case("sweep-mpi", sweep27_yaml, 5, 40, 20);
    char *a = tc_fmt("%s/a", dir);
    char *b = tc_fmt("%s/b", dir);
    cr_assert(mkdir(a, 0755) == 0 && mkdir(b, 0755) == 0);
    char *cmd = tc_fmt("cp %s/base.yaml %s/sweep.yaml %s/ && cp %s/base.yaml %s/sweep.yaml %s/",
                       dir, dir, a, dir, dir, b);
    cr_assert(system(cmd) == 0);
    free(cmd);
    cr_assert_eq(SWEEP(a, "s", "--jobs", "1"), 0);
    int rc = finish(start_mpi(b, 3, false, "s", NULL));
    char *log = tc_fmt("%s/mpi-log.txt", b);
    size_t len = 0;
    char *text = slurp(log, &len);
    cr_assert_eq(rc, 0, "mpirun: exit %d: %s", rc, text != NULL ? text : "");
    free(text);
    free(log);
    char *sa = tc_fmt("%s/s", a);
    char *sb = tc_fmt("%s/s", b);
    assert_complete(sb, 27);
    assert_same_points(sa, sb, 27);
    /* Every rank ran points (rank 0 included). */
    int per_rank[3] = {0, 0, 0};
    for (int i = 0; i < 27; i++) {
        char st[256];
        status_of(sb, i, st, sizeof st);
        for (int r = 0; r < 3; r++) {
            char want[16];
            snprintf(want, sizeof want, ":rank%d:", r);
            per_rank[r] += strstr(st, want) != NULL;
        }
    }
    cr_expect(per_rank[0] + per_rank[1] + per_rank[2] == 27);
    cr_expect(per_rank[1] > 0 && per_rank[2] > 0, "ranks ran %d, %d, %d points", per_rank[0],
              per_rank[1], per_rank[2]);
    free(sa);
    free(sb);
    free(a);
    free(b);
    rm_tree(dir);
    free(dir);
}

/* ------------------------------------------------------------------ kills and resumes */

/* The killed-sweep case: a reference run in DIR/r/s and the run to be killed in DIR/s (both
 * `-o s`, so that each point's output.dir reads the same). */
typedef struct kill_case {
    char *dir, *ref, *out;
} kill_case;

static const int N8 = 8;

static kill_case kill_case_make(const char *tag)
{
    kill_case k;
    /* 8 x 8 lattice, 1000 steps, a checkpoint every 100: each point runs some 0.1 s. */
    k.dir = make_case(tag, sweep8_yaml, 8, 1000, 100);
    char *r = tc_fmt("%s/r", k.dir);
    cr_assert(mkdir(r, 0755) == 0);
    char *cmd = tc_fmt("cp %s/base.yaml %s/sweep.yaml %s/", k.dir, k.dir, r);
    cr_assert(system(cmd) == 0);
    free(cmd);
    cr_assert_eq(SWEEP(r, "s", "--jobs", "2", "-q"), 0);
    k.ref = tc_fmt("%s/s", r);
    k.out = tc_fmt("%s/s", k.dir);
    free(r);
    return k;
}

static void kill_case_free(kill_case *k)
{
    rm_tree(k->dir);
    free(k->dir);
    free(k->ref);
    free(k->out);
}

/* Wait until at least `done` points are done and one is running with a checkpoint (of `rank`
 * when >= 0); false when the sweep ended first. With `freeze`, the point's worker is left
 * stopped (SIGSTOP) while its status still says running, so that what the caller kills
 * next is certainly in the middle of that point. */
static bool wait_mid_run(pid_t sweep, const char *out, int done, int rank, pid_t *child,
                         pid_t *rank_pid, int *point, bool freeze)
{
    for (int t = 0; t < 20000; t++) {
        if (count_done(out, N8) >= done &&
            running_with_checkpoint(out, N8, child, rank_pid, rank, point)) {
            if (!freeze) {
                return true;
            }
            kill(*child, SIGSTOP);
            char st[256];
            char want[32];
            status_of(out, *point, st, sizeof st);
            snprintf(want, sizeof want, ":child%ld", (long)*child);
            if (strncmp(st, "state=running ", 14) == 0 && strstr(st, want) != NULL) {
                return true;
            }
            kill(*child, SIGCONT); /* it ended just now: look again */
        }
        int st;
        if (waitpid(sweep, &st, WNOHANG) == sweep) {
            return false;
        }
        nap_ms(2);
    }
    return false;
}

Test(sweep, kill9_of_the_sweep_then_resume_runs_only_the_rest)
{
    kill_case k = kill_case_make("sweep-kill");
    pid_t pid = start_in(k.dir, "log.txt",
                         (char *const[]){(char *)plnet_bin(), "sweep", "sweep.yaml", "-o", "s",
                                         "--jobs", "2", "-q", NULL});
    pid_t child = 0, rank_pid = 0;
    int point = -1;
    cr_assert(wait_mid_run(pid, k.out, 2, -1, &child, &rank_pid, &point, false),
              "the sweep ended too soon");
    kill(pid, SIGKILL);
    cr_assert_eq(finish(pid), 128 + SIGKILL);
    int done = count_done(k.out, N8);
    cr_assert(done < N8, "every point was done already");
    stamp before[8];
    take_stamps(k.out, N8, before);
    cr_assert_eq(SWEEP(k.dir, "s", "--resume", "--jobs", "2", "-q"), 0);
    assert_complete(k.out, N8);
    assert_untouched(k.out, N8, before);
    assert_same_points(k.ref, k.out, N8);
    kill_case_free(&k);
}

Test(sweep, kill9_of_one_worker_fails_its_point_only_and_resume_finishes_it)
{
    kill_case k = kill_case_make("sweep-killw");
    pid_t pid = start_in(k.dir, "log.txt",
                         (char *const[]){(char *)plnet_bin(), "sweep", "sweep.yaml", "-o", "s",
                                         "--jobs", "2", NULL});
    pid_t child = 0, rank_pid = 0;
    int point = -1;
    cr_assert(wait_mid_run(pid, k.out, 1, -1, &child, &rank_pid, &point, true),
              "the sweep ended too soon");
    cr_assert_eq(rank_pid, pid);
    kill(child, SIGKILL);
    /* The sweep goes on without it and reports the one failure. */
    cr_assert_eq(finish(pid), 1);
    cr_assert_eq(count_done(k.out, N8), N8 - 1);
    char *log = tc_fmt("%s/log.txt", k.dir);
    size_t len = 0;
    char *text = slurp(log, &len);
    cr_expect(strstr(text, "killed by signal 9") != NULL, "%s", text);
    free(text);
    free(log);
    stamp before[8];
    take_stamps(k.out, N8, before);
    cr_assert_eq(SWEEP(k.dir, "s", "--resume", "-q"), 0);
    assert_complete(k.out, N8);
    assert_untouched(k.out, N8, before);
    assert_same_points(k.ref, k.out, N8);
    kill_case_free(&k);
}

Test(sweep, sigterm_stops_every_point_with_a_checkpoint_and_resume_continues_them)
{
    kill_case k = kill_case_make("sweep-term");
    pid_t pid = start_in(k.dir, "log.txt",
                         (char *const[]){(char *)plnet_bin(), "sweep", "sweep.yaml", "-o", "s",
                                         "--jobs", "2", NULL});
    pid_t child = 0, rank_pid = 0;
    int point = -1;
    /* The point's worker is held still (SIGSTOP) with its SIGTERM pending before the sweep gets
     * its own, so that it cannot finish its point in between: at least one point is then
     * certainly stopped in the middle. */
    cr_assert(wait_mid_run(pid, k.out, 1, -1, &child, &rank_pid, &point, true),
              "the sweep ended too soon");
    kill(child, SIGTERM);
    kill(pid, SIGTERM);
    kill(child, SIGCONT);
    cr_assert_eq(finish(pid), 143);
    /* The stopped points say so, and the one that had a checkpoint continues from it. */
    int interrupted = 0;
    for (int i = 0; i < N8; i++) {
        char st[256];
        status_of(k.out, i, st, sizeof st);
        interrupted += strncmp(st, "state=interrupted", 17) == 0;
    }
    cr_expect(interrupted >= 1);
    char *log = tc_fmt("%s/log.txt", k.dir);
    size_t len = 0;
    char *text = slurp(log, &len);
    cr_expect(strstr(text, "--resume") != NULL, "%s", text);
    free(text);
    free(log);
    stamp before[8];
    take_stamps(k.out, N8, before);
    cr_assert_eq(SWEEP(k.dir, "s", "--resume", "-q"), 0);
    assert_complete(k.out, N8);
    assert_untouched(k.out, N8, before);
    assert_same_points(k.ref, k.out, N8);
    kill_case_free(&k);
}

Test(sweep, ctrl_c_to_the_process_group_stops_cleanly_and_resume_continues)
{
    kill_case k = kill_case_make("sweep-int");
    pid_t pid = start_in(k.dir, "log.txt",
                         (char *const[]){(char *)plnet_bin(), "sweep", "sweep.yaml", "-o", "s",
                                         "--jobs", "2", NULL});
    pid_t child = 0, rank_pid = 0;
    int point = -1;
    cr_assert(wait_mid_run(pid, k.out, 1, -1, &child, &rank_pid, &point, false),
              "the sweep ended too soon");
    /* As a terminal does: SIGINT to the whole process group, the sweep and its workers. */
    kill(-pid, SIGINT);
    cr_assert_eq(finish(pid), 130);
    /* No point counts as failed: those the signal ended were stopped. */
    for (int i = 0; i < N8; i++) {
        char st[256];
        status_of(k.out, i, st, sizeof st);
        cr_expect(strncmp(st, "state=failed", 12) != 0, "point %d: %s", i, st);
    }
    char *log = tc_fmt("%s/log.txt", k.dir);
    size_t len = 0;
    char *text = slurp(log, &len);
    cr_expect(strstr(text, "failed") == NULL && strstr(text, "--resume") != NULL, "%s", text);
    free(text);
    free(log);
    stamp before[8];
    take_stamps(k.out, N8, before);
    cr_assert_eq(SWEEP(k.dir, "s", "--resume", "-q"), 0);
    assert_complete(k.out, N8);
    assert_untouched(k.out, N8, before);
    assert_same_points(k.ref, k.out, N8);
    kill_case_free(&k);
}

Test(sweep, two_shards_then_resume_equal_one_run)
{
    kill_case k = kill_case_make("sweep-shard");
    pid_t s0 = start_in(k.dir, "log0.txt",
                        (char *const[]){(char *)plnet_bin(), "sweep", "sweep.yaml", "-o", "s",
                                        "--shard", "0/2", "--jobs", "1", NULL});
    pid_t s1 = start_in(k.dir, "log1.txt",
                        (char *const[]){(char *)plnet_bin(), "sweep", "sweep.yaml", "-o", "s",
                                        "--shard", "1/2", "--jobs", "1", NULL});
    cr_assert_eq(finish(s0), 0);
    cr_assert_eq(finish(s1), 0);
    /* Each shard ran its half: even and odd indices; neither wrote the tables. */
    for (int i = 0; i < N8; i++) {
        char st[256];
        status_of(k.out, i, st, sizeof st);
        cr_expect(strstr(st, "state=done") != NULL && strstr(st, "attempts=1") != NULL);
    }
    char *csv = tc_fmt("%s/sweep.csv", k.out);
    cr_expect(!tc_exists(csv));
    stamp before[8];
    take_stamps(k.out, N8, before);
    cr_assert_eq(SWEEP(k.dir, "s", "--resume", "-q"), 0);
    assert_untouched(k.out, N8, before);
    assert_complete(k.out, N8);
    assert_same_points(k.ref, k.out, N8);
    /* The tables equal one run's, but for the wall times. */
    static const char *const cols[] = {"loss", "test_error", "joule_total_J", "seed",
                                       "learning.rate"};
    char *rcsv = tc_fmt("%s/sweep.csv", k.ref);
    for (size_t c = 0; c < sizeof cols / sizeof cols[0]; c++) {
        size_t na = 0, nb = 0;
        char **x = tc_column_str(rcsv, cols[c], &na);
        char **y = tc_column_str(csv, cols[c], &nb);
        cr_assert(x != NULL && y != NULL && na == (size_t)N8 && nb == na, "%s", cols[c]);
        for (size_t r = 0; r < na; r++) {
            cr_expect(strcmp(x[r], y[r]) == 0, "%s row %zu", cols[c], r);
            free(x[r]);
            free(y[r]);
        }
        free(x);
        free(y);
    }
    char *rs = tc_fmt("%s/summary.csv", k.ref);
    char *os = tc_fmt("%s/summary.csv", k.out);
    size_t la = 0, lb = 0;
    char *sa = slurp(rs, &la);
    char *sb = slurp(os, &lb);
    cr_expect(la == lb && memcmp(sa, sb, la) == 0, "summary.csv differs");
    free(sa);
    free(sb);
    free(rs);
    free(os);
    free(rcsv);
    free(csv);
    kill_case_free(&k);
}

Test(sweep, kill9_of_an_mpi_rank_requeues_its_point_with_recovery_or_resume_finishes)
{
    if (!have_mpi()) {
        cr_skip_test("plnet was built without MPI (-Dmpi), or mpirun is not on PATH");
    }
    kill_case k = kill_case_make("sweep-rank");
    /* With Open MPI's recovery on, the job survives: rank 0 runs the lost point again. */
    pid_t mp = start_mpi(k.dir, 3, true, "s", NULL);
    pid_t child = 0, rank_pid = 0;
    int point = -1;
    /* Rank 1 in the middle of a point (its worker held still), then killed; the worker gets
     * SIGTERM from the kernel and leaves a checkpoint once it may run again. */
    cr_assert(wait_mid_run(mp, k.out, 1, 1, &child, &rank_pid, &point, true),
              "the sweep ended too soon");
    /* The kernel's SIGTERM (PR_SET_PDEATHSIG) may come only after the worker runs again, and
     * a worker that finished its point first would leave it done at one attempt: the SIGTERM
     * it gets is made pending before it may run. */
    kill(child, SIGTERM);
    kill(rank_pid, SIGKILL);
    kill(child, SIGCONT);
    int rc = finish(mp);
    char *log = tc_fmt("%s/mpi-log.txt", k.dir);
    size_t len = 0;
    char *text = slurp(log, &len);
    cr_assert_eq(rc, 0, "mpirun: exit %d: %s", rc, text);
    char *again = tc_fmt("rank 1 lost (its process ended); running again: point %04d", point);
    cr_expect(strstr(text, again) != NULL, "expected '%s' in: %s", again, text);
    free(again);
    free(text);
    assert_complete(k.out, N8);
    assert_same_points(k.ref, k.out, N8);
    cr_expect_eq(attempts_of(k.out, point), 2, "point %d", point);

    /* Open MPI's default ends the whole job when a rank dies; --resume finishes it. */
    rm_tree(k.out);
    mp = start_mpi(k.dir, 3, false, "s", NULL);
    cr_assert(wait_mid_run(mp, k.out, 1, 2, &child, &rank_pid, &point, true),
              "the sweep ended too soon");
    kill(rank_pid, SIGKILL);
    kill(child, SIGCONT);
    rc = finish(mp);
    cr_expect(rc != 0, "mpirun survived a dead rank without recovery");
    stamp before[8];
    take_stamps(k.out, N8, before);
    cr_assert_eq(SWEEP(k.dir, "s", "--resume", "-q"), 0);
    assert_complete(k.out, N8);
    assert_untouched(k.out, N8, before);
    assert_same_points(k.ref, k.out, N8);
    free(log);
    kill_case_free(&k);
}
