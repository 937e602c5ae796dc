/* sweep.h — `plnet sweep`: the sweep file as axes of config overrides, its points, their bookkeeping on disk, the schedulers and the tables. */
#ifndef PLNET_CLI_SWEEP_H
#define PLNET_CLI_SWEEP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ------------------------------------------------------------------ the sweep file */

/* One value of an axis: the YAML text handed to the configuration as an override, and where
 * it came from in the sweep file (1-based; a generated value carries its generator's mark). */
typedef struct sweep_value {
    char *text;
    int line, col;
    double num;  /* the value as a number when is_num (for tables, sorting and drawing) */
    bool is_num;
} sweep_value;

enum { SWEEP_LIST, SWEEP_LOG, SWEEP_LINEAR };

/* A configuration key varied by the sweep. */
typedef struct sweep_axis {
    char *key;      /* dotted configuration key, e.g. "learning.rate" */
    int line, col;  /* mark of the key in the sweep file */
    int spacing;    /* SWEEP_LIST, SWEEP_LOG or SWEEP_LINEAR (drawing uses log axes for LOG) */
    bool zipped;    /* part of `zip` (varies together with the other zip axes) */
    size_t n;
    sweep_value *v;
} sweep_axis;

/* A fixed override of every point: the sweep file's `set` and the command line's --set. */
typedef struct sweep_set {
    char *key;
    char *value;  /* YAML text */
    char *origin; /* "sweep.yaml:4:16" or "--set learning.rate=0.2" */
} sweep_set;

typedef struct plnet_sweep {
    char *path;      /* the sweep file as given */
    char *base;      /* the base experiment, resolved against the sweep file's folder */
    char *base_origin;
    size_t n_axes;   /* grid axes first (file order), then zip axes */
    sweep_axis *axes;
    size_t n_grid;
    size_t zip_len;  /* common length of the zip axes; 0 when there are none */
    bool has_seeds;  /* `seeds` given: every parameter point runs once per seed */
    size_t n_seeds;  /* 1 when !has_seeds (the base's own seed) */
    sweep_value *seeds;
    size_t n_collect;
    char **collect;  /* metrics.csv columns tabulated */
    int *collect_line, *collect_col; /* per column: its mark (0 for the default columns) */
    size_t n_sets;
    sweep_set *sets;
    size_t n_points;  /* product of the axis lengths (zip counted once) times n_seeds */
    size_t n_params;  /* n_points / n_seeds: the parameter points (summary.csv rows) */
    double *cost;     /* per point, after plnet_sweep_check: expected relative cost */
    int64_t *seed_of; /* per point, after plnet_sweep_check: the seed it runs with */
    char *base_resolved; /* the base with the fixed overrides, resolved (plan and resume) */
} plnet_sweep;

/* Read a sweep file. `cli_sets` (may be NULL) are the command line's --set arguments as
 * "KEY=VALUE", applied to the base of every point. Reports "plnet: file:line:col: ..." on err
 * and returns 2 (configuration error), or 1 (out of memory); 0 with *out set. */
int plnet_sweep_load(const char *path, char *const *cli_sets, size_t n_cli_sets,
                     plnet_sweep **out, FILE *err);
void plnet_sweep_free(plnet_sweep *sw);

/* Load every point's configuration through the override loader (errors name the sweep
 * file's marks), fill cost[], seed_of[] and base_resolved, and check the collected columns.
 * Returns 0, 2 (reported) or 1. O(points x config load). */
int plnet_sweep_check(plnet_sweep *sw, FILE *err);

/* Whether a run of configuration c writes column `name` in metrics.csv (the library's
 * column table, experiment/run.c, which knows its columns only once a learner is built; a
 * test keeps the two in step). */
struct plnet_config;
bool plnet_sweep_has_column(const struct plnet_config *c, const char *name);

/* The axis coordinates of point i: coord[a] indexes axes[a].v (zip axes share one
 * coordinate); *seed_index indexes seeds. Seeds vary fastest, then the last axis. */
void plnet_sweep_coords(const plnet_sweep *sw, size_t i, size_t *coord, size_t *seed_index);
/* The parameter point (summary row) of point i. */
size_t plnet_sweep_param_index(const plnet_sweep *sw, size_t i);

/* The overrides of point i: every fixed set, then one per axis, then the seed (when seeds
 * are given), then output.dir = point_dir (when not NULL). Keys, values and origins point
 * into sw or into `buf`-owned strings; *n is the count. Returns 0 or 1 (out of memory).
 * The caller frees with plnet_sweep_point_sets_free. */
typedef struct sweep_point_sets {
    size_t n;
    const char **key;
    const char **value;
    char **origin; /* owned */
    char *dir_value; /* owned: output.dir's YAML text */
} sweep_point_sets;
int plnet_sweep_point_sets(const plnet_sweep *sw, size_t i, const char *point_dir,
                           sweep_point_sets *ps);
void plnet_sweep_point_sets_free(sweep_point_sets *ps);

/* The plan: what a --resume must reproduce (axes, values, seeds, fixed sets, the base's
 * resolved configuration). Malloc'd text, NULL when out of memory. */
char *plnet_sweep_plan(const plnet_sweep *sw);
/* Compare a stored plan with this sweep's: 0 when equal, else a message naming the first
 * difference in msg. */
int plnet_sweep_plan_compare(const char *stored, const char *now, char *msg, size_t size);

/* ------------------------------------------------------------------ the folder */

/* DIR/points/NNNN (malloc'd), DIR/status/NNNN, DIR/status/NNNN.log. */
char *plnet_sweep_point_dir(const char *dir, size_t i);
char *plnet_sweep_status_path(const char *dir, size_t i);

typedef enum sweep_state {
    SWEEP_PENDING,     /* never started, or no status file */
    SWEEP_RUNNING,     /* started (by a run that may have died) */
    SWEEP_DONE,        /* the point's files are complete */
    SWEEP_FAILED,      /* train failed or the process crashed */
    SWEEP_INTERRUPTED, /* stopped by a signal, with a checkpoint */
} sweep_state;

typedef struct sweep_status {
    sweep_state state;
    double wall;     /* s, of the last attempt (done: of the run that finished it) */
    int attempts;    /* how many times the point was started */
    int code;        /* exit code, or 128 + signal */
    char where[160]; /* host, rank and pids of the last attempt */
} sweep_status;

/* Read DIR/status/NNNN (absent: PENDING). */
void plnet_sweep_status_read(const char *dir, size_t i, sweep_status *st);
/* Write it atomically (temporary + rename). Returns 0 or -1. */
int plnet_sweep_status_write(const char *dir, size_t i, const sweep_status *st);
const char *plnet_sweep_state_name(sweep_state s);

/* ------------------------------------------------------------------ running points */

/* What runs one point in a forked child; returns the child's exit code (train's: 0 ok,
 * 1 runtime failure, 2 configuration error, 130/143 stopped by SIGINT/SIGTERM). `resume`:
 * the point folder holds a checkpoint to continue from. `log` receives the point's messages.
 * Tests replace it. */
typedef int (*sweep_point_fn)(const plnet_sweep *sw, size_t i, const char *dir,
                              const char *point_dir, bool resume, FILE *log, void *user);
int plnet_sweep_train_point(const plnet_sweep *sw, size_t i, const char *dir,
                            const char *point_dir, bool resume, FILE *log, void *user);

/* Run point i in the current process (the forked child): take the point's lock, skip it
 * when done, run `fn`, write the status (done with the wall time, or failed). Returns the
 * exit code for the child. */
int plnet_sweep_point_exec(const plnet_sweep *sw, size_t i, const char *dir, const char *where,
                           sweep_point_fn fn, void *user);

typedef struct sweep_run_options {
    int jobs;               /* concurrent points (>= 1) */
    int shard_i, shard_n;   /* run the points with index % shard_n == shard_i (0/1: all) */
    bool progress;          /* progress line on err (a terminal) */
    bool quiet;             /* no per-failure lines */
    sweep_point_fn fn;      /* NULL: plnet_sweep_train_point */
    void *user;
} sweep_run_options;

typedef struct sweep_run_result {
    size_t run;        /* points run to completion by this call */
    size_t skipped;    /* already done */
    size_t failed;
    size_t requeued;   /* lost with a worker (MPI) and run again */
    bool interrupted;  /* SIGINT/SIGTERM stopped the run */
    bool rank_lost;    /* MPI: a rank was lost (the survivors end without MPI_Finalize) */
    int signal;        /* which */
} sweep_run_result;

/* Run every pending point of the shard with opt->jobs local worker processes, longest
 * expected first. Returns 0 (every point ran or was done), 1 (a failure or a system error,
 * reported) ; interruption is in res. */
int plnet_sweep_run_local(const plnet_sweep *sw, const char *dir, const sweep_run_options *opt,
                          sweep_run_result *res, FILE *err);

/* The building blocks the MPI scheduler shares with the local one (sweep_run.c). */
#include <signal.h>
#include <sys/types.h>
/* Fork a child running point i (plnet_sweep_point_exec); child_mask is the signal mask it
 * restores. Returns the pid or -1. */
pid_t plnet_sweep_spawn(const plnet_sweep *sw, size_t i, const char *dir, int rank,
                        const sigset_t *child_mask, sweep_point_fn fn, void *user);
/* After the child of point i ended with wstatus: its state (the status file is completed
 * when the child could not; a failure is reported on err unless quiet). */
sweep_state plnet_sweep_reaped(const plnet_sweep *sw, const char *dir, size_t i, int wstatus,
                               bool stopping, FILE *err, bool quiet);
/* "host:rankR:pidP" in a forked child, P the scheduler's (its parent's) pid. */
void plnet_sweep_where(char *out, size_t size, int rank);
/* "plnet: sweep: point NNNN (key=value, ...) failed[ on WHERE]: exit 1: <last log line>";
 * code is an exit code or 128 + signal. */
void plnet_sweep_report_failure(const plnet_sweep *sw, const char *dir, size_t i, int code,
                                const char *where, FILE *err);

/* The progress line on a terminal: points done / total, failures, time left. */
typedef struct sweep_progress {
    bool on;
    bool drawn;
    double start, last;
    size_t total;      /* points of this run's shard */
    size_t done;       /* done, including before this run */
    size_t failed;
    size_t running;
    double cost_total; /* expected cost still to run when this run started */
    double cost_done;  /* expected cost of the points finished by this run */
} sweep_progress;
void plnet_sweep_progress_show(sweep_progress *pg, FILE *err, bool force);
void plnet_sweep_progress_end(sweep_progress *pg, FILE *err);
/* Cores this process may use. */
int plnet_sweep_jobs_default(void);
/* A child that found its point already done exits with this (train never does). */
#define SWEEP_EXIT_ALREADY_DONE 75

/* The number of ranks when started by mpirun/srun (from their environment), else 0. */
int plnet_sweep_mpi_world(void);

#ifdef PLNET_HAVE_MPI
/* MPI_Init (errors return rather than abort); *rank. Returns 0 or 1 (reported). */
int plnet_sweep_mpi_init(int *rank, FILE *err);
/* Rank 0's rc, on every rank (a broadcast: everyone is still alive here). */
int plnet_sweep_mpi_agree(int rc);
/* Rank 0 hands out the pending points of the shard to every rank (itself included, each
 * running opt->jobs at a time) and re-queues the points of a rank silent for `timeout`
 * seconds; the other ranks run what they are given. res is filled on rank 0. */
int plnet_sweep_run_mpi(const plnet_sweep *sw, const char *dir, const sweep_run_options *opt,
                        double timeout, sweep_run_result *res, FILE *err);
void plnet_sweep_mpi_finalize(bool rank_lost);
#endif

/* The order points are handed out: pending points of the shard, longest expected first
 * (ties by index). Returns the count written to order (sized n_points). */
size_t plnet_sweep_schedule(const plnet_sweep *sw, const char *dir, int shard_i, int shard_n,
                            size_t *order, size_t *n_done);

/* ------------------------------------------------------------------ tables */

/* DIR/sweep.csv (one row per point) and DIR/summary.csv (per parameter point, over seeds),
 * from the point folders and their status files. Returns 0 or 1 (reported). */
int plnet_sweep_write_tables(const plnet_sweep *sw, const char *dir, FILE *err);

/* The unit of a metrics.csv column or configuration key as a header suffix ("_J", "_W",
 * "_K", "_s"), or "" when it has none. */
const char *plnet_sweep_unit_suffix(const char *name);

/* Progress and the process's clock. */
double plnet_sweep_now(void);

#endif
