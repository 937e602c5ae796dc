/* cmd_sweep.c — `plnet sweep`: arguments, the sweep folder (plan, resume, shards), local or MPI execution, the tables and the closing report. */
/* isatty, fileno: POSIX. */
#define _POSIX_C_SOURCE 200809L

#include "commands.h"
#include "outfile.h"
#include "sweep.h"

#include <dirent.h>
#include <signal.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char usage[] =
    "usage: plnet sweep SWEEP.yaml [-o DIR] [--jobs N] [--resume] [--shard I/N]\n"
    "                   [--set KEY=VALUE]... [--quiet]\n\n"
    "Run a parameter study: every point of the sweep file's grid (full product), zip (axes\n"
    "varied together) and seeds is a `plnet train` of its base experiment with the point's\n"
    "values, in DIR/points/NNNN/ (its config.resolved.yaml, metrics.csv, network.graphml,\n"
    "predictions.csv, checkpoint.bin). Every point's configuration is checked before any\n"
    "runs. Then:\n"
    "  DIR/sweep.csv     one row per point: its values, seed, status, wall time and the\n"
    "                    final values of the collected metrics.csv columns\n"
    "  DIR/summary.csv   per parameter point over seeds: mean, std, median, min, max\n"
    "  DIR/status/NNNN   each point's state (done, failed, ...), NNNN.log its messages\n"
    "The sweep file (docs/sweep.md):\n"
    "  base: ../02-flow-allostery-coupled/experiment.yaml   # relative to the sweep file\n"
    "  set: {train.steps: 300}                  # fixed for every point\n"
    "  grid: {learning.rate: [0.1, 0.3, 1.0], learning.nudge: {log: [1.0e-3, 1.0, 4]}}\n"
    "  zip: {}                                  # axes of equal length varied together\n"
    "  seeds: [1, 2, 3]                         # or {range: [1, 20]}\n"
    "  collect: [loss, test_error, joule_total] # final values to tabulate\n\n"
    "options:\n"
    "  -o, --output DIR  the sweep folder (default sweeps/NAME, NAME the sweep file's stem,\n"
    "                    or its folder's name when the file is sweep.yaml)\n"
    "  -j, --jobs N      points at once (default: the number of cores; under mpirun: 1 per\n"
    "                    rank)\n"
    "  --resume          finish the sweep in DIR: run only the points not done (continuing\n"
    "                    checkpointed ones), then write the tables; refused when the sweep\n"
    "                    file, the base or a --set changed the points\n"
    "  --shard I/N       run only the points with index % N == I (a SLURM array task);\n"
    "                    shards share DIR, and a later --resume writes the tables\n"
    "  --set KEY=VALUE   override a key of the base for every point (repeatable)\n"
    "  --mpi-timeout S   under mpirun: a rank silent for S seconds is lost and its point\n"
    "                    run again elsewhere (default 30)\n"
    "  -q, --quiet       no progress line, no per-failure lines, no closing summary\n"
    "  -h, --help        this help\n"
    "Under `mpirun -n P plnet sweep ...` (when plnet was built with MPI) rank 0 hands the\n"
    "points out to every rank dynamically. SIGINT or SIGTERM stops every point after its\n"
    "step with a checkpoint (exit 130/143); --resume continues. Exit status 1 when a point\n"
    "failed (its status and log say why).\n";

typedef struct sweep_args {
    const char *file;
    const char *output;
    int jobs; /* 0: default */
    bool resume;
    int shard_i, shard_n;
    char **sets;
    size_t n_sets;
    double mpi_timeout;
    bool quiet;
} sweep_args;

static int parse_int(const char *s, long lo, long hi, long *v)
{
    char *end = NULL;
    errno = 0;
    long x = strtol(s, &end, 10);
    if (end == s || *end != '\0' || errno != 0 || x < lo || x > hi) {
        return -1;
    }
    *v = x;
    return 0;
}

static int parse_sweep_args(int argc, char **argv, sweep_args *a, FILE *out, FILE *err)
{
    memset(a, 0, sizeof *a);
    a->shard_n = 1;
    a->mpi_timeout = 30.0;
    a->sets = calloc((size_t)argc + 1, sizeof *a->sets);
    if (a->sets == NULL) {
        fprintf(err, "plnet: out of memory\n");
        return 1;
    }
    bool only_positional = false;
    for (int k = 1; k < argc; k++) {
        const char *s = argv[k];
        if (only_positional || s[0] != '-' || s[1] == '\0') {
            if (a->file != NULL) {
                fprintf(err, "plnet: sweep: unexpected argument '%s' (one SWEEP file)\n", s);
                return 2;
            }
            a->file = s;
            continue;
        }
        if (strcmp(s, "--") == 0) {
            only_positional = true;
            continue;
        }
        if (strcmp(s, "--help") == 0 || strcmp(s, "-h") == 0) {
            fputs(usage, out);
            return -1;
        }
        if (strcmp(s, "--resume") == 0) {
            a->resume = true;
            continue;
        }
        if (strcmp(s, "--quiet") == 0 || strcmp(s, "-q") == 0) {
            a->quiet = true;
            continue;
        }
        /* Options with a value: "--name value" or "--name=value". */
        const char *name = s;
        const char *value = NULL;
        char buf[32];
        const char *eq = strchr(s, '=');
        if (eq != NULL && s[1] == '-') {
            size_t n = (size_t)(eq - s) < sizeof buf - 1 ? (size_t)(eq - s) : sizeof buf - 1;
            memcpy(buf, s, n);
            buf[n] = '\0';
            name = buf;
            value = eq + 1;
        }
        bool known = strcmp(name, "-o") == 0 || strcmp(name, "--output") == 0 ||
                     strcmp(name, "-j") == 0 || strcmp(name, "--jobs") == 0 ||
                     strcmp(name, "--shard") == 0 || strcmp(name, "--set") == 0 ||
                     strcmp(name, "--mpi-timeout") == 0;
        if (!known) {
            fprintf(err, "plnet: sweep: unknown option '%s' (see plnet sweep --help)\n", s);
            return 2;
        }
        if (value == NULL) {
            if (k + 1 >= argc) {
                fprintf(err, "plnet: sweep: %s needs a value\n", s);
                return 2;
            }
            value = argv[++k];
        }
        long v = 0;
        if (strcmp(name, "-o") == 0 || strcmp(name, "--output") == 0) {
            if (value[0] == '\0') {
                fprintf(err, "plnet: sweep: %s needs a folder\n", name);
                return 2;
            }
            a->output = value;
        } else if (strcmp(name, "-j") == 0 || strcmp(name, "--jobs") == 0) {
            if (parse_int(value, 1, 4096, &v) != 0) {
                fprintf(err, "plnet: sweep: --jobs %s: expected a count of points at once "
                             "(1 to 4096)\n", value);
                return 2;
            }
            a->jobs = (int)v;
        } else if (strcmp(name, "--shard") == 0) {
            const char *slash = strchr(value, '/');
            long i = -1, n = 0;
            char ibuf[32];
            size_t il = slash != NULL ? (size_t)(slash - value) : 0;
            if (slash != NULL && il < sizeof ibuf) {
                memcpy(ibuf, value, il);
                ibuf[il] = '\0';
            }
            if (slash == NULL || il >= sizeof ibuf || parse_int(ibuf, 0, 1000000, &i) != 0 ||
                parse_int(slash + 1, 1, 1000000, &n) != 0 || i >= n) {
                fprintf(err, "plnet: sweep: --shard %s: expected I/N with 0 <= I < N (e.g. "
                             "--shard $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT)\n", value);
                return 2;
            }
            a->shard_i = (int)i;
            a->shard_n = (int)n;
        } else if (strcmp(name, "--set") == 0) {
            a->sets[a->n_sets++] = (char *)value;
        } else {
            char *end = NULL;
            double t = strtod(value, &end);
            if (end == value || *end != '\0' || !(t > 0.0) || t > 1e6) {
                fprintf(err, "plnet: sweep: --mpi-timeout %s: expected seconds > 0\n", value);
                return 2;
            }
            a->mpi_timeout = t;
        }
    }
    if (a->file == NULL) {
        fprintf(err, "plnet: sweep: missing SWEEP.yaml (see plnet sweep --help)\n");
        return 2;
    }
    return 0;
}

/* sweeps/<stem>, or sweeps/<folder> for a file named sweep.yaml. */
static char *default_dir(const char *file)
{
    const char *slash = strrchr(file, '/');
    const char *base = slash != NULL ? slash + 1 : file;
    size_t n = strcspn(base, ".");
    if (n == 0) {
        n = strlen(base);
    }
    char name[256];
    snprintf(name, sizeof name, "%.*s", (int)n, base);
    if (strcmp(name, "sweep") == 0 && slash != NULL) {
        const char *end = slash;
        const char *start = end;
        while (start > file && start[-1] != '/') {
            start--;
        }
        if (end > start && !(end - start == 1 && start[0] == '.')) {
            snprintf(name, sizeof name, "%.*s", (int)(end - start), start);
        }
    }
    size_t len = strlen(name) + 8;
    char *d = malloc(len);
    if (d != NULL) {
        snprintf(d, len, "sweeps/%s", name);
    }
    return d;
}

static char *slurp(const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (fp == NULL) {
        return NULL;
    }
    size_t cap = 4096, len = 0;
    char *s = malloc(cap);
    for (;;) {
        if (s == NULL) {
            break;
        }
        if (len + 1024 + 1 > cap) {
            char *p = realloc(s, cap * 2);
            if (p == NULL) {
                free(s);
                s = NULL;
                break;
            }
            s = p;
            cap *= 2;
        }
        size_t got = fread(s + len, 1, 1024, fp);
        len += got;
        if (got < 1024) {
            s[len] = '\0';
            break;
        }
    }
    fclose(fp);
    return s;
}

/* Empty, or holding only the plan's temporary of a shard that is creating the folder now
 * (the plan is written before anything else). */
static bool dir_is_new(const char *path)
{
    DIR *d = opendir(path);
    if (d == NULL) {
        return true;
    }
    bool fresh = true;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0 &&
            strncmp(e->d_name, "sweep.plan.tmp.", 15) != 0) {
            fresh = false;
            break;
        }
    }
    closedir(d);
    return fresh;
}

static size_t count_done(const plnet_sweep *sw, const char *dir)
{
    size_t n = 0;
    for (size_t i = 0; i < sw->n_points; i++) {
        sweep_status st;
        plnet_sweep_status_read(dir, i, &st);
        n += st.state == SWEEP_DONE;
    }
    return n;
}

/* Make DIR (or check the sweep it holds) and write its plan. Returns 0 or 2 (reported). */
static int prepare_dir(const plnet_sweep *sw, const char *dir, const sweep_args *a, FILE *err)
{
    char *plan = plnet_sweep_plan(sw);
    char *plan_path = plnet_path_join(dir, "sweep.plan");
    char *points = plnet_path_join(dir, "points");
    char *status = plnet_path_join(dir, "status");
    char *stored = NULL;
    int rc = 1;
    if (plan == NULL || plan_path == NULL || points == NULL || status == NULL) {
        fprintf(err, "plnet: out of memory\n");
        goto done;
    }
    stored = slurp(plan_path);
    if (stored != NULL) {
        char msg[800];
        if (plnet_sweep_plan_compare(stored, plan, msg, sizeof msg) != 0) {
            fprintf(err, "plnet: sweep: %s was made by another sweep (%s); run the sweep it was "
                         "made with, or choose another folder with -o\n", dir, msg);
            rc = 2;
            goto done;
        }
        if (!a->resume && a->shard_n == 1) {
            fprintf(err, "plnet: sweep: %s already holds this sweep (%zu of %zu points done): "
                         "add --resume to finish it, or choose another folder with -o\n",
                    dir, count_done(sw, dir), sw->n_points);
            rc = 2;
            goto done;
        }
    } else {
        if (a->resume) {
            fprintf(err, "plnet: sweep: --resume: %s holds no sweep (no sweep.plan)\n", dir);
            rc = 2;
            goto done;
        }
        struct stat sb;
        if (stat(dir, &sb) == 0 && !dir_is_new(dir)) {
            fprintf(err, "plnet: sweep: %s exists and is not a sweep folder (no sweep.plan); "
                         "choose another folder with -o\n", dir);
            rc = 2;
            goto done;
        }
    }
    if (plnet_mkdirs(dir, err) != 0) {
        goto done;
    }
    if (stored == NULL) {
        /* First, so that a folder with anything else in it has a plan. Shards starting
         * together may each write it: the same text, renamed atomically. */
        plnet_outfile f;
        if (plnet_outfile_open(&f, plan_path, err) != 0) {
            goto done;
        }
        fputs(plan, f.fp);
        if (plnet_outfile_commit(&f, err) != 0) {
            goto done;
        }
    }
    if (plnet_mkdirs(points, err) != 0 || plnet_mkdirs(status, err) != 0) {
        goto done;
    }
    rc = 0;
done:
    free(stored);
    free(plan);
    free(plan_path);
    free(points);
    free(status);
    return rc;
}

static void print_summary(const plnet_sweep *sw, const char *dir, const sweep_args *a,
                          const sweep_run_result *res, bool tables, FILE *out)
{
    size_t done = count_done(sw, dir);
    fprintf(out, "sweep %s: %zu points", sw->path, sw->n_points);
    if (a->shard_n > 1) {
        fprintf(out, " (shard %d/%d)", a->shard_i, a->shard_n);
    }
    fprintf(out, ": %zu done (%zu run now", done, res->run);
    if (res->requeued > 0) {
        fprintf(out, ", %zu run again after a lost rank", res->requeued);
    }
    fprintf(out, "), %zu failed\n", res->failed);
    if (tables) {
        fprintf(out, "results in %s/ (sweep.csv, summary.csv, points/)\n", dir);
    } else if (a->shard_n > 1) {
        fprintf(out, "when every shard has finished: plnet sweep %s -o %s --resume (writes "
                     "sweep.csv and summary.csv)\n", sw->path, dir);
    }
}

int plnet_cmd_sweep(int argc, char **argv, FILE *out, FILE *err)
{
    sweep_args a;
    int rc = parse_sweep_args(argc, argv, &a, out, err);
    plnet_sweep *sw = NULL;
    char *dir = NULL;
    if (rc != 0) {
        free(a.sets);
        return rc < 0 ? 0 : rc;
    }
    int rank = 0;
    bool mpi = false;
    FILE *quiet_err = NULL;
    int world = plnet_sweep_mpi_world();
    if (world > 1) {
#ifdef PLNET_HAVE_MPI
        if (plnet_sweep_mpi_init(&rank, err) != 0) {
            free(a.sets);
            return 1;
        }
        mpi = true;
        /* Every rank reads the sweep file; only rank 0 speaks about it. */
        if (rank != 0) {
            quiet_err = fopen("/dev/null", "w");
        }
#else
        fprintf(err, "plnet: sweep: started by mpirun with %d ranks, but this plnet was built "
                     "without MPI (meson setup -Dmpi=enabled, with libopenmpi-dev): every rank "
                     "would run the whole sweep\n", world);
        free(a.sets);
        return 2;
#endif
    }
    FILE *lerr = quiet_err != NULL ? quiet_err : err;
    rc = plnet_sweep_load(a.file, a.sets, a.n_sets, &sw, lerr);
    if (rc == 0 && rank == 0) {
        rc = plnet_sweep_check(sw, err);
    }
    if (rc == 0) {
        dir = a.output != NULL ? strdup(a.output) : default_dir(a.file);
        if (dir == NULL) {
            fprintf(lerr, "plnet: out of memory\n");
            rc = 1;
        }
    }
    if (rc == 0 && rank == 0) {
        rc = prepare_dir(sw, dir, &a, err);
    }
#ifdef PLNET_HAVE_MPI
    if (mpi) {
        rc = plnet_sweep_mpi_agree(rc);
    }
#endif
    sweep_run_result res;
    memset(&res, 0, sizeof res);
    if (rc == 0) {
        sweep_run_options o;
        memset(&o, 0, sizeof o);
        o.jobs = a.jobs > 0 ? a.jobs : mpi ? 1 : plnet_sweep_jobs_default();
        o.shard_i = a.shard_i;
        o.shard_n = a.shard_n;
        o.progress = !a.quiet && rank == 0 && isatty(fileno(err));
        o.quiet = a.quiet;
#ifdef PLNET_HAVE_MPI
        if (mpi) {
            rc = plnet_sweep_run_mpi(sw, dir, &o, a.mpi_timeout, &res, err);
        } else
#endif
        {
            rc = plnet_sweep_run_local(sw, dir, &o, &res, err);
        }
        bool tables = a.shard_n == 1;
        if (rank == 0 && tables && plnet_sweep_write_tables(sw, dir, err) != 0) {
            rc = 1;
        }
        if (rank == 0 && res.interrupted) {
            fprintf(err, "plnet: sweep interrupted (%zu of %zu points done); resume with: plnet "
                         "sweep %s -o %s --resume\n", count_done(sw, dir), sw->n_points, a.file,
                    dir);
            rc = res.signal == SIGINT ? 130 : 143;
        } else if (rank == 0 && !a.quiet) {
            print_summary(sw, dir, &a, &res, tables, out);
        }
    }
#ifdef PLNET_HAVE_MPI
    if (mpi) {
        plnet_sweep_mpi_finalize(res.rank_lost);
    }
#endif
    if (quiet_err != NULL) {
        fclose(quiet_err);
    }
    plnet_sweep_free(sw);
    free(dir);
    free(a.sets);
    return rc;
}
