/* cmd_train.c — `plnet train`: the experiment of the config trained by the library, its run files written, checkpoints, resume and clean stops on SIGINT/SIGTERM. */
/* sigaction, clock_gettime, isatty, fileno and open_memstream are POSIX 2008. */
#define _POSIX_C_SOURCE 200809L

#include "commands.h"
#include "experiment_setup.h"
#include "outfile.h"

#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <math.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char usage[] =
    "usage: plnet train CONFIG.yaml [-o DIR [--force]] [--resume DIR] [--set KEY=VALUE]...\n"
    "                   [--quiet]\n\n"
    "Train the network described by CONFIG.yaml in place with its local learning rule\n"
    "(learning.rule) on its task, for train.steps steps, and write into DIR (default:\n"
    "output.dir of the config, else runs/<name>):\n"
    "  metrics.csv           one row per train.log_every steps (step 0 and the last included):\n"
    "                        loss, train and test error (accuracy for classification), and\n"
    "                        the energy ledger of the step and cumulated (SPEC 5)\n"
    "  network.graphml       the trained network: edge conductance (and radius for flow),\n"
    "                        node role\n"
    "  predictions.csv       free-state outputs and targets of every train and test example\n"
    "  config.resolved.yaml  every configuration key, defaults filled in\n"
    "  checkpoint.bin        every train.checkpoint_every steps and at the end\n"
    "  plnet.run             'state: complete' once every file above is written, as a set;\n"
    "                        'state: running' while they are (or after a failure or a kill)\n"
    "Nothing is written when the configuration or the set-up fails; a run that fails before\n"
    "its first checkpoint removes what it wrote. DIR must be empty, new, or hold a run of\n"
    "this configuration (the same but for train.steps, train.checkpoint_every, output.dir).\n"
    "SIGINT or SIGTERM stops the run after the current step with a checkpoint and the files\n"
    "so far (exit 130/143).\n\n"
    "options:\n"
    "  -o, --output DIR  output folder (overrides output.dir)\n"
    "  --force           write into DIR even when it holds other files or another run\n"
    "                    (that run's files are replaced)\n"
    "  --resume DIR      continue the run in DIR from its checkpoint.bin, bit for bit, up to\n"
    "                    train.steps; the configuration (with its --set) must be the run's\n"
    "                    own except for train.steps, train.checkpoint_every and output.dir\n"
    PLNET_SET_HELP
    "  -q, --quiet       no progress bar and no summary\n"
    "  -h, --help        this help\n";

/* ------------------------------------------------------------------ signals */

/* The one piece of static mutable state: a signal handler can reach nothing else. */
static volatile sig_atomic_t stop_signal = 0;

static void on_signal(int sig)
{
    stop_signal = sig;
}

/* The library asks before every step; a signal stops the run between steps. */
static pln_status check_signal(double fraction, const char *what, void *user)
{
    (void)fraction;
    (void)what;
    (void)user;
    return stop_signal != 0 ? PLN_EINTERRUPTED : PLN_OK;
}

/* ------------------------------------------------------------------ progress */

typedef struct progress {
    bool on;
    bool drawn;
    struct timespec start, last;
    int64_t first;
} progress;

static double seconds_since(const struct timespec *t0, const struct timespec *t1)
{
    return (double)(t1->tv_sec - t0->tv_sec) + 1e-9 * (double)(t1->tv_nsec - t0->tv_nsec);
}

static void progress_show(progress *pg, int64_t step, int64_t total, FILE *err, bool force)
{
    if (!pg->on) {
        return;
    }
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (!force && pg->drawn && seconds_since(&pg->last, &now) < 0.1) {
        return;
    }
    pg->last = now;
    double elapsed = seconds_since(&pg->start, &now);
    double frac = total > 0 ? (double)step / (double)total : 1.0;
    int width = 30;
    int fill = (int)(frac * width + 0.5);
    char bar[40];
    for (int k = 0; k < width; k++) {
        bar[k] = k < fill ? '#' : '.';
    }
    bar[width] = '\0';
    int64_t done = step - pg->first;
    double eta = done > 0 ? elapsed * (double)(total - step) / (double)done : 0.0;
    fprintf(err, "\r[%s] %3.0f%% step %" PRId64 "/%" PRId64 "  %.1fs  ETA %.1fs ", bar,
            100.0 * frac, step, total, elapsed, eta);
    fflush(err);
    pg->drawn = true;
}

static void progress_end(progress *pg, FILE *err)
{
    if (pg->on && pg->drawn) {
        fputc('\n', err);
        pg->drawn = false;
    }
}

/* ------------------------------------------------------------------ the run */

typedef struct run {
    plnet_config cfg;
    pln_ctx *ctx;
    pln_experiment *x;
    const char *config_arg; /* CONFIG as given, for the resume hint */
    plnet_overrides sets;   /* --set KEY=VALUE */
    const char *dir;
    bool resume;
    bool force;
    bool quiet;
    plnet_run_folder folder;
    bool checkpointed; /* this run wrote a checkpoint: a failure leaves a run to resume */
    progress pg;
    FILE *err;
} run;

static void run_free(run *r)
{
    pln_experiment_destroy(r->x);
    pln_ctx_destroy(r->ctx);
    plnet_config_free(&r->cfg);
    plnet_overrides_free(&r->sets);
}

/* A library failure while writing or stepping: exit 1, naming the node or edge. */
static int lib_failure(run *r, pln_status st, const char *what)
{
    progress_end(&r->pg, r->err);
    return plnet_report_lib(r->err, r->ctx, st, what);
}

/* Write DIR/name; a failure names the step of the run ("checkpoint at step 100"). */
static int write_file(run *r, const char *name, pln_status (*fn)(pln_experiment *, const char *),
                      const char *when)
{
    char *path = plnet_path_join(r->dir, name);
    if (path == NULL) {
        fprintf(r->err, "plnet: out of memory\n");
        return 1;
    }
    pln_status st = fn(r->x, path);
    free(path);
    if (st == PLN_OK) {
        return 0;
    }
    char what[96];
    snprintf(what, sizeof what, "train: %s at step %lld", when,
             (long long)pln_experiment_steps(r->x));
    return lib_failure(r, st, what);
}

/* Check DIR/checkpoint.bin against this configuration and restore the run from it (the
 * experiment's state and its metrics rows). Writes nothing. */
static int load_checkpoint(run *r)
{
    char *path = plnet_path_join(r->dir, "checkpoint.bin");
    if (path == NULL) {
        fprintf(r->err, "plnet: out of memory\n");
        return 1;
    }
    pln_status st = pln_experiment_read_checkpoint(r->x, path);
    int rc = 0;
    if (st != PLN_OK) {
        const pln_error *e = pln_ctx_last_error(r->ctx);
        bool config = strcmp(e->key, "fingerprint") == 0;
        if (st == PLN_EINVAL || st == PLN_EIO) {
            fprintf(r->err, "plnet: --resume %s: %s%s%s%s\n", r->dir,
                    st == PLN_EIO ? "" : path, st == PLN_EIO ? "" : ": ", e->message,
                    config ? "; resume with the run's own configuration (only train.steps, "
                             "train.checkpoint_every and output.dir may change)"
                           : "");
            rc = 2;
        } else {
            rc = plnet_report_lib(r->err, r->ctx, st, "--resume: checkpoint.bin");
        }
    } else if (pln_experiment_steps(r->x) > r->cfg.d.train.steps) {
        bool found = false;
        plnet_report_at(r->err, &r->cfg, plnet_config_mark(&r->cfg, "train.steps", &found),
                        "train.steps = %lld, but the run in %s is already at step %lld",
                        (long long)r->cfg.d.train.steps, r->dir,
                        (long long)pln_experiment_steps(r->x));
        rc = 2;
    }
    free(path);
    return rc;
}

/* After every step: the progress bar, and a checkpoint every train.checkpoint_every steps
 * (metrics.csv with it, so the two always match). */
static pln_status after_step(pln_experiment *x, int64_t step, void *user)
{
    (void)x;
    run *r = user;
    const pln_train_desc *t = &r->cfg.d.train;
    if (t->checkpoint_every > 0 && step % t->checkpoint_every == 0 && step < t->steps) {
        /* The rows since the last checkpoint, appended (the file's length goes into the
         * checkpoint, so a resume cuts what a kill between the two left after it). */
        if (write_file(r, "metrics.csv", pln_experiment_append_metrics, "checkpoint") != 0 ||
            write_file(r, "checkpoint.bin", pln_experiment_write_checkpoint, "checkpoint") != 0) {
            return PLN_EIO; /* reported */
        }
        r->checkpointed = true;
    }
    progress_show(&r->pg, step, t->steps, r->err, false);
    return PLN_OK;
}

/* ------------------------------------------------------------------ the command */

/* The files of a run (besides plnet.run): a fresh run replaces them all. */
static const char *const run_names[] = {"config.resolved.yaml", "metrics.csv", "checkpoint.bin",
                                        "network.graphml", "predictions.csv", NULL};

/* A word the shell reads back as it is: quoted when it holds anything but safe characters. */
static void put_shell_word(FILE *f, const char *w)
{
    if (w[0] != '\0' && strspn(w, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                   "0123456789_.,=+-/:@") == strlen(w)) {
        fputs(w, f);
        return;
    }
    fputc('\'', f);
    for (const char *c = w; *c != '\0'; c++) {
        if (*c == '\'') {
            fputs("'\\''", f);
        } else {
            fputc(*c, f);
        }
    }
    fputc('\'', f);
}

static int parse_train_args(int argc, char **argv, run *r, const char **output, FILE *out,
                            FILE *err)
{
    *output = NULL;
    const char *resume = NULL;
    bool only_positional = false;
    for (int k = 1; k < argc; k++) {
        const char *s = argv[k];
        if (!only_positional && (strcmp(s, "--help") == 0 || strcmp(s, "-h") == 0)) {
            fputs(usage, out);
            return -1;
        }
        int set_rc = only_positional ? 1 : plnet_set_option(argc, argv, &k, &r->sets, err);
        if (set_rc == 0) {
            continue;
        }
        if (set_rc != 1) {
            return set_rc;
        }
        if (!only_positional && strcmp(s, "--") == 0) {
            only_positional = true;
        } else if (!only_positional && (strcmp(s, "-o") == 0 || strcmp(s, "--output") == 0 ||
                                        strcmp(s, "--resume") == 0)) {
            if (k + 1 >= argc) {
                fprintf(err, "plnet: train: %s needs a value\n", s);
                return 2;
            }
            if (strcmp(s, "--resume") == 0) {
                resume = argv[++k];
            } else {
                *output = argv[++k];
            }
        } else if (!only_positional && strncmp(s, "--output=", 9) == 0) {
            *output = s + 9;
        } else if (!only_positional && strncmp(s, "--resume=", 9) == 0) {
            resume = s + 9;
        } else if (!only_positional && strcmp(s, "--force") == 0) {
            r->force = true;
        } else if (!only_positional && (strcmp(s, "--quiet") == 0 || strcmp(s, "-q") == 0)) {
            r->quiet = true;
        } else if (!only_positional && s[0] == '-' && s[1] != '\0') {
            fprintf(err, "plnet: train: unknown option '%s' (see plnet train --help)\n", s);
            return 2;
        } else if (r->config_arg == NULL) {
            r->config_arg = s;
        } else {
            fprintf(err, "plnet: train: unexpected argument '%s' (one CONFIG file)\n", s);
            return 2;
        }
    }
    if (r->config_arg == NULL) {
        fprintf(err, "plnet: train: missing CONFIG.yaml (see plnet train --help)\n");
        return 2;
    }
    if (resume != NULL && *output != NULL && strcmp(resume, *output) != 0) {
        fprintf(err, "plnet: train: --resume %s writes into %s; drop -o %s\n", resume, resume,
                *output);
        return 2;
    }
    if (resume != NULL) {
        if (resume[0] == '\0') {
            fprintf(err, "plnet: train: --resume needs a run folder\n");
            return 2;
        }
        *output = resume;
        r->resume = true;
    }
    return 0;
}

/* Everything that can fail on the configuration, before any file is written. */
static int set_up(run *r)
{
    int rc = plnet_config_load_with(r->config_arg, r->sets.v, r->sets.n, &r->cfg, r->err);
    if (rc == 0) {
        rc = plnet_experiment_open(&r->cfg, PLN_BUILD_LEARNER, &r->ctx, &r->x, r->err);
    }
    return rc;
}

static void summary(run *r, FILE *out)
{
    pln_metrics tr, te;
    if (pln_experiment_evaluate(r->x, PLN_SPLIT_TRAIN, &tr) != PLN_OK ||
        pln_experiment_evaluate(r->x, PLN_SPLIT_TEST, &te) != PLN_OK) {
        return;
    }
    fprintf(out, "%s: %lld steps; train error %.6g, test error %.6g", r->cfg.d.name,
            (long long)pln_experiment_steps(r->x), tr.error, te.error);
    if (r->cfg.d.task.kind == PLN_TASK_CLASSIFICATION) {
        fprintf(out, ", test accuracy %.4g", te.accuracy);
    }
    /* The ledger of SPEC 5, cumulated over the run: joules (SI only) and k_B T. */
    const pln_ledger *lg = pln_experiment_ledger(r->x);
    const bool si = !lg->reduced;
    const bool temporal = r->cfg.d.learning.learner == PLN_LEARNER_TEMPORAL;
    if (si) {
        fprintf(out, "\nenergy (SPEC 5, SI units, T = %g K, k_B T = %.6g J", lg->temperature,
                lg->kT);
    } else {
        fprintf(out, "\nenergy (SPEC 5, reduced units, k_B T = %g network energy units", lg->kT);
    }
    if (!temporal) {
        fprintf(out, ", each state held %g %s", lg->t_hold, si ? "s" : "time units");
    }
    fprintf(out, "):\n  Joule heat ");
    if (si) {
        fprintf(out, "%.6g J = ", lg->joule_total);
    }
    fprintf(out, "%.6g k_B T", pln_ledger_in_kT(lg, lg->joule_total));
    if (pln_ledger_memory_modelled(lg)) {
        fprintf(out, "; memory ");
        if (si) {
            fprintf(out, "%.6g J = ", lg->memory_total);
        }
        fprintf(out, "%.6g k_B T (%.6g k_B T per edge per %s)",
                pln_ledger_in_kT(lg, lg->memory_total), lg->memory_rate, si ? "s" : "time unit");
    } else if (temporal) {
        fprintf(out, "; memory not modelled");
    }
    fprintf(out, "\n  Landauer floor ");
    if (si) {
        fprintf(out, "%.6g J = ", lg->landauer_total);
    }
    fprintf(out, "%.6g k_B T (%.6g bits: log2(1 + |d theta| / delta) per write, a convention)",
            pln_ledger_in_kT(lg, lg->landauer_total), lg->bits_total);
    if (pln_experiment_desc_efficiency(&r->cfg.d)) {
        fprintf(out, "\n  efficiency (Landauer / spent) %.3g", lg->efficiency_total);
        /* The energy spent per unit of train error removed since step 0 (the first row). */
        const double *rows = pln_experiment_metrics_rows(r->x);
        double err0 = NAN;
        for (pln_idx k = 0; k < pln_experiment_metrics_n_columns(r->x); k++) {
            if (pln_experiment_metrics_n_rows(r->x) > 0 && rows[0] == 0.0 &&
                strcmp(pln_experiment_metrics_column(r->x, k, NULL), "train_error") == 0) {
                err0 = rows[k];
            }
        }
        const double spent = pln_ledger_in_kT(lg, lg->joule_total + lg->memory_total);
        const bool classify = r->cfg.d.task.kind == PLN_TASK_CLASSIFICATION;
        if (isfinite(err0) && err0 > tr.error) {
            fprintf(out, "; %.6g k_B T spent per unit of train error removed (%s; error %.6g -> "
                         "%.6g)", spent / (err0 - tr.error),
                    classify ? "error as a fraction" : "error in output units^2", err0, tr.error);
        } else if (isfinite(err0)) {
            fprintf(out, "; the train error did not fall (%.6g -> %.6g)", err0, tr.error);
        }
    } else {
        fprintf(out, "\n  no efficiency: the memory's dissipation is not modelled (%s memory; "
                     "set protocol.memory.dissipation, or use markov_ladder)",
                pln_memory_name(r->cfg.d.temporal.memory.kind));
    }
    fprintf(out, "\nresults in %s/\n", r->dir);
}

static int train_loop(run *r, bool *stopped)
{
    const int64_t steps = r->cfg.d.train.steps;
    memset(&r->pg, 0, sizeof r->pg);
    r->pg.on = !r->quiet && isatty(fileno(r->err));
    clock_gettime(CLOCK_MONOTONIC, &r->pg.start);
    r->pg.first = pln_experiment_steps(r->x);

    struct sigaction sa;
    struct sigaction old_int;
    struct sigaction old_term;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    /* Restart interrupted system calls: a checkpoint being written when the signal comes
     * completes, and the loop stops after it. */
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    stop_signal = 0;
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    pln_ctx_set_progress(r->ctx, check_signal, NULL);

    int rc = 0;
    pln_status st = pln_experiment_run(r->x, steps, after_step, r);
    *stopped = st == PLN_EINTERRUPTED;
    if (st != PLN_OK && !*stopped) {
        /* after_step reported its own failure (PLN_EIO); a step's failure is the library's. */
        char what[64];
        snprintf(what, sizeof what, "train: step %lld",
                 (long long)pln_experiment_steps(r->x) + 1);
        rc = st == PLN_EIO && pln_ctx_last_error(r->ctx)->code != PLN_EIO
                 ? 1
                 : lib_failure(r, st, what);
    }
    pln_ctx_set_progress(r->ctx, NULL, NULL);
    progress_show(&r->pg, pln_experiment_steps(r->x), steps, r->err, true);
    progress_end(&r->pg, r->err);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    return rc;
}

int plnet_cmd_train(int argc, char **argv, FILE *out, FILE *err)
{
    run r;
    memset(&r, 0, sizeof r);
    r.err = err;
    const char *output = NULL;
    int rc = parse_train_args(argc, argv, &r, &output, out, err);
    if (rc != 0) {
        plnet_overrides_free(&r.sets);
        return rc < 0 ? 0 : rc;
    }
    rc = set_up(&r);
    if (rc == 0) {
        r.dir = output != NULL ? output : r.cfg.d.output_dir;
    }
    if (rc == 0 && r.resume) {
        rc = load_checkpoint(&r);
    }
    /* Only now, with everything validated, does the output folder appear. */
    bool claimed = false;
    if (rc == 0) {
        rc = plnet_run_folder_open(&r.folder, r.x, r.dir, run_names,
                                   r.resume  ? PLNET_FOLDER_RESUME
                                   : r.force ? PLNET_FOLDER_FORCE
                                             : PLNET_FOLDER_NEW,
                                   "choose another folder (-o DIR), continue the run there "
                                   "(--resume DIR) or write over it (--force)", err);
        claimed = rc == 0;
    }
    if (rc == 0 && r.resume) {
        rc = write_file(&r, "metrics.csv", pln_experiment_reopen_metrics, "resume");
    }
    if (rc == 0) {
        rc = write_file(&r, "config.resolved.yaml", pln_experiment_write_config, "start");
    }
    bool stopped = false;
    if (rc == 0) {
        rc = train_loop(&r, &stopped);
    }
    if (rc == 0 && !stopped) {
        pln_status st = pln_experiment_finish(r.x); /* the last step, off the log grid */
        rc = st == PLN_OK ? 0 : lib_failure(&r, st, "train: evaluating the last step");
    }
    if (rc == 0) {
        pln_status st = pln_experiment_save(r.x, r.dir, false);
        char what[96];
        snprintf(what, sizeof what, "train: writing the run files at step %lld",
                 (long long)pln_experiment_steps(r.x));
        rc = st == PLN_OK ? 0 : lib_failure(&r, st, what);
    }
    if (rc != 0 && claimed) {
        if (r.resume || r.checkpointed) {
            fprintf(err, "plnet: the run in %s is incomplete (%s says running); its last "
                         "checkpoint continues it: plnet train %s --resume %s\n",
                    r.dir, PLN_RUN_MARKER, r.config_arg, r.dir);
        } else {
            plnet_run_folder_abandon(&r.folder);
        }
    }
    if (rc == 0 && stopped) {
        fprintf(err, "plnet: interrupted at step %lld; resume with: plnet train %s",
                (long long)pln_experiment_steps(r.x), r.config_arg);
        for (size_t k = 0; k < r.sets.n; k++) {
            fputs(" --set ", err);
            put_shell_word(err, r.sets.v[k].origin + 6); /* "--set KEY=VALUE" */
        }
        fprintf(err, " --resume %s\n", r.dir);
        rc = stop_signal == SIGINT ? 130 : 143;
    } else if (rc == 0 && !r.quiet) {
        summary(&r, out);
    }
    run_free(&r);
    return rc;
}
