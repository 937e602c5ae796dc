/* sweep_run.c — running sweep points: status files and point locks on disk, one point in a forked child (plnet train in-process), and the local scheduler (N workers, longest first, Ctrl-C, progress). */
/* fork, flock, sigtimedwait, prctl and sched_getaffinity: POSIX 2008 and Linux. */
#define _GNU_SOURCE

#include "sweep.h"

#include "commands.h"
#include "outfile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif


double plnet_sweep_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* ------------------------------------------------------------------ names on disk */

/* NNNN: at least four digits (point 12345 is 12345), the width of the tables' point numbers. */
static int index_width(void)
{
    return 4;
}

static char *path_fmt(const char *dir, const char *sub, size_t i, const char *suffix)
{
    size_t len = strlen(dir) + strlen(sub) + strlen(suffix) + 32;
    char *p = malloc(len);
    if (p != NULL) {
        snprintf(p, len, "%s/%s/%0*zu%s", dir, sub, index_width(), i, suffix);
    }
    return p;
}

char *plnet_sweep_point_dir(const char *dir, size_t i)
{
    return path_fmt(dir, "points", i, "");
}

char *plnet_sweep_status_path(const char *dir, size_t i)
{
    return path_fmt(dir, "status", i, "");
}

static const char *const state_names[] = {"pending", "running", "done", "failed", "interrupted"};

const char *plnet_sweep_state_name(sweep_state s)
{
    return s >= SWEEP_PENDING && s <= SWEEP_INTERRUPTED ? state_names[s] : "?";
}

/* ------------------------------------------------------------------ status files */

/* One line: "state=done wall_time_s=1.25 attempts=1 code=0 where=host:rank0:pid123". */
void plnet_sweep_status_read(const char *dir, size_t i, sweep_status *st)
{
    memset(st, 0, sizeof *st);
    st->state = SWEEP_PENDING;
    char *path = plnet_sweep_status_path(dir, i);
    FILE *fp = path != NULL ? fopen(path, "r") : NULL;
    free(path);
    if (fp == NULL) {
        return;
    }
    char line[512];
    if (fgets(line, sizeof line, fp) != NULL) {
        char *save = NULL;
        for (char *tok = strtok_r(line, " \n", &save); tok != NULL;
             tok = strtok_r(NULL, " \n", &save)) {
            char *eq = strchr(tok, '=');
            if (eq == NULL) {
                continue;
            }
            *eq = '\0';
            const char *v = eq + 1;
            if (strcmp(tok, "state") == 0) {
                for (int s = SWEEP_PENDING; s <= SWEEP_INTERRUPTED; s++) {
                    if (strcmp(v, state_names[s]) == 0) {
                        st->state = (sweep_state)s;
                    }
                }
            } else if (strcmp(tok, "wall_time_s") == 0) {
                st->wall = strtod(v, NULL);
            } else if (strcmp(tok, "attempts") == 0) {
                st->attempts = atoi(v);
            } else if (strcmp(tok, "code") == 0) {
                st->code = atoi(v);
            } else if (strcmp(tok, "where") == 0) {
                snprintf(st->where, sizeof st->where, "%s", v);
            }
        }
    }
    fclose(fp);
}

int plnet_sweep_status_write(const char *dir, size_t i, const sweep_status *st)
{
    char *path = plnet_sweep_status_path(dir, i);
    if (path == NULL) {
        return -1;
    }
    size_t len = strlen(path) + 48;
    char *tmp = malloc(len);
    if (tmp == NULL) {
        free(path);
        return -1;
    }
    /* The pid keeps two writers (a dying run and its successor) off each other's temporary. */
    snprintf(tmp, len, "%s.tmp.%ld", path, (long)getpid());
    int rc = -1;
    FILE *fp = fopen(tmp, "w");
    if (fp != NULL) {
        fprintf(fp, "state=%s wall_time_s=%.6f attempts=%d code=%d where=%s\n",
                plnet_sweep_state_name(st->state), st->wall, st->attempts, st->code,
                st->where[0] != '\0' ? st->where : "-");
        bool bad = ferror(fp) != 0;
        if (fclose(fp) != 0 || bad) {
            remove(tmp);
        } else if (rename(tmp, path) == 0) {
            rc = 0;
        } else {
            remove(tmp);
        }
    }
    free(tmp);
    free(path);
    return rc;
}

/* ------------------------------------------------------------------ one point */

int plnet_sweep_train_point(const plnet_sweep *sw, size_t i, const char *dir,
                            const char *point_dir, bool resume, FILE *log, void *user)
{
    (void)dir;
    (void)user;
    sweep_point_sets ps;
    if (plnet_sweep_point_sets(sw, i, point_dir, &ps) != 0) {
        fprintf(log, "plnet: out of memory\n");
        return 1;
    }
    /* train BASE (-o DIR | --resume DIR) --quiet --set K=V ... */
    size_t argc = 0;
    char **argv = calloc(6 + 2 * ps.n + 1, sizeof *argv);
    char **owned = calloc(ps.n + 1, sizeof *owned);
    int rc = 1;
    if (argv == NULL || owned == NULL) {
        fprintf(log, "plnet: out of memory\n");
        goto done;
    }
    argv[argc++] = (char *)"train";
    argv[argc++] = sw->base;
    argv[argc++] = (char *)(resume ? "--resume" : "-o");
    argv[argc++] = (char *)point_dir;
    argv[argc++] = (char *)"--quiet";
    if (!resume) {
        /* The point's folder is the sweep's own (locked): an attempt that died before its
         * first checkpoint may have left files there, which this one replaces. */
        argv[argc++] = (char *)"--force";
    }
    for (size_t k = 0; k < ps.n; k++) {
        size_t len = strlen(ps.key[k]) + strlen(ps.value[k]) + 2;
        owned[k] = malloc(len);
        if (owned[k] == NULL) {
            fprintf(log, "plnet: out of memory\n");
            goto done;
        }
        snprintf(owned[k], len, "%s=%s", ps.key[k], ps.value[k]);
        argv[argc++] = (char *)"--set";
        argv[argc++] = owned[k];
    }
    argv[argc] = NULL;
    rc = plnet_cmd_train((int)argc, argv, log, log);
done:
    if (owned != NULL) {
        for (size_t k = 0; k < ps.n; k++) {
            free(owned[k]);
        }
    }
    free(owned);
    free(argv);
    plnet_sweep_point_sets_free(&ps);
    return rc;
}

/* Remove the temporaries ("name.tmp.PID") an attempt killed in the middle of writing left
 * in folder `dir` (those whose names start with `prefix`): every plnet writer renames its
 * temporary over the file when done, so such a name is never a result. Called with the
 * point's lock held, so no writer is active. */
static void remove_temporaries(const char *dir, const char *prefix)
{
    DIR *d = opendir(dir);
    if (d == NULL) {
        return;
    }
    struct dirent *e;
    size_t pl = strlen(prefix);
    while ((e = readdir(d)) != NULL) {
        if (strncmp(e->d_name, prefix, pl) == 0 && strstr(e->d_name, ".tmp") != NULL) {
            char *p = plnet_path_join(dir, e->d_name);
            if (p != NULL) {
                remove(p);
            }
            free(p);
        }
    }
    closedir(d);
}

static bool file_exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}

int plnet_sweep_point_exec(const plnet_sweep *sw, size_t i, const char *dir, const char *where,
                           sweep_point_fn fn, void *user)
{
    int rc = 1;
    int fd = -1;
    FILE *log = NULL;
    char *pdir = plnet_sweep_point_dir(dir, i);
    char *logpath = path_fmt(dir, "status", i, ".log");
    char *ckpt = pdir != NULL ? plnet_path_join(pdir, "checkpoint.bin") : NULL;
    if (pdir == NULL || logpath == NULL || ckpt == NULL) {
        goto done;
    }
    log = fopen(logpath, "a");
    if (log == NULL) {
        fprintf(stderr, "plnet: sweep: cannot write %s: %s\n", logpath, strerror(errno));
        goto done;
    }
    if (plnet_mkdirs(pdir, log) != 0) {
        goto done;
    }
    /* The point's lock: a run left over from a killed sweep (stopping with a checkpoint
     * after SIGTERM) finishes before this one starts, and two sweeps sharing the folder never
     * run the same point at once. Released when this process ends, however it ends. */
    fd = open(pdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0 || flock(fd, LOCK_EX) != 0) {
        fprintf(log, "plnet: sweep: cannot lock %s: %s\n", pdir, strerror(errno));
        goto done;
    }
    sweep_status st;
    plnet_sweep_status_read(dir, i, &st);
    if (st.state == SWEEP_DONE) {
        rc = SWEEP_EXIT_ALREADY_DONE;
        goto done;
    }
    if (st.state != SWEEP_PENDING) {
        char *sdir = plnet_path_join(dir, "status");
        char prefix[32];
        snprintf(prefix, sizeof prefix, "%0*zu.tmp", index_width(), i);
        remove_temporaries(pdir, "");
        if (sdir != NULL) {
            remove_temporaries(sdir, prefix);
        }
        free(sdir);
    }
    double wall_before = st.state == SWEEP_INTERRUPTED ? st.wall : 0.0;
    st.state = SWEEP_RUNNING;
    st.attempts++;
    st.code = 0;
    st.wall = 0.0;
    snprintf(st.where, sizeof st.where, "%s", where);
    if (plnet_sweep_status_write(dir, i, &st) != 0) {
        fprintf(log, "plnet: sweep: cannot write the status of point %zu in %s/status\n", i,
                dir);
        goto done;
    }
    /* A checkpoint means an earlier attempt got that far: continue it, bit for bit. */
    bool resume = file_exists(ckpt);
    if (st.attempts > 1) {
        fprintf(log, "plnet: sweep: attempt %d of point %zu%s\n", st.attempts, i,
                resume ? ", resumed from its checkpoint" : "");
    }
    fflush(log);
    double t0 = plnet_sweep_now();
    rc = fn(sw, i, dir, pdir, resume, log, user);
    fflush(log);
    st.wall = wall_before + (plnet_sweep_now() - t0);
    st.code = rc;
    st.state = rc == 0 ? SWEEP_DONE : rc == 130 || rc == 143 ? SWEEP_INTERRUPTED : SWEEP_FAILED;
    if (plnet_sweep_status_write(dir, i, &st) != 0) {
        fprintf(log, "plnet: sweep: cannot write the status of point %zu in %s/status\n", i,
                dir);
        rc = rc == 0 ? 1 : rc;
    }
done:
    if (log != NULL) {
        bool empty = ftell(log) == 0;
        fclose(log);
        if (empty) {
            remove(logpath);
        }
    }
    if (fd >= 0) {
        close(fd);
    }
    free(ckpt);
    free(logpath);
    free(pdir);
    return rc;
}

/* ------------------------------------------------------------------ the order */

typedef struct order_item {
    double cost;
    size_t i;
} order_item;

static int by_cost_desc(const void *a, const void *b)
{
    const order_item *x = a;
    const order_item *y = b;
    if (x->cost != y->cost) {
        return x->cost > y->cost ? -1 : 1;
    }
    return x->i < y->i ? -1 : x->i > y->i ? 1 : 0;
}

size_t plnet_sweep_schedule(const plnet_sweep *sw, const char *dir, int shard_i, int shard_n,
                            size_t *order, size_t *n_done)
{
    size_t n = 0;
    *n_done = 0;
    order_item *items = malloc(sw->n_points * sizeof *items);
    for (size_t i = 0; i < sw->n_points; i++) {
        if (shard_n > 1 && (int)(i % (size_t)shard_n) != shard_i) {
            continue;
        }
        sweep_status st;
        plnet_sweep_status_read(dir, i, &st);
        if (st.state == SWEEP_DONE) {
            (*n_done)++;
            continue;
        }
        if (items != NULL) {
            items[n].cost = sw->cost != NULL ? sw->cost[i] : 1.0;
            items[n].i = i;
        } else {
            order[n] = i; /* out of memory: index order still runs everything */
        }
        n++;
    }
    if (items != NULL) {
        qsort(items, n, sizeof *items, by_cost_desc);
        for (size_t k = 0; k < n; k++) {
            order[k] = items[k].i;
        }
        free(items);
    }
    return n;
}

/* ------------------------------------------------------------------ progress */

static void fmt_time(double s, char *out, size_t size)
{
    if (!(s >= 0.0) || s > 1e8) {
        snprintf(out, size, "--");
    } else if (s < 60.0) {
        snprintf(out, size, "%.0fs", s);
    } else if (s < 3600.0) {
        snprintf(out, size, "%dm%02ds", (int)(s / 60.0), (int)fmod(s, 60.0));
    } else {
        snprintf(out, size, "%dh%02dm", (int)(s / 3600.0), (int)fmod(s / 60.0, 60.0));
    }
}

void plnet_sweep_progress_show(sweep_progress *pg, FILE *err, bool force)
{
    if (!pg->on) {
        return;
    }
    double now = plnet_sweep_now();
    if (!force && pg->drawn && now - pg->last < 0.2) {
        return;
    }
    pg->last = now;
    double elapsed = now - pg->start;
    char el[32], eta[32];
    fmt_time(elapsed, el, sizeof el);
    /* Time left from the expected cost still to run and the rate of this run so far. */
    double left = pg->cost_done > 0.0 ? elapsed * (pg->cost_total - pg->cost_done) / pg->cost_done
                                      : -1.0;
    fmt_time(left, eta, sizeof eta);
    fprintf(err, "\rsweep: %zu/%zu points done, %zu failed, %zu running  %s  ETA %s   ",
            pg->done, pg->total, pg->failed, pg->running, el, eta);
    fflush(err);
    pg->drawn = true;
}

void plnet_sweep_progress_end(sweep_progress *pg, FILE *err)
{
    if (pg->on && pg->drawn) {
        fputc('\n', err);
        pg->drawn = false;
    }
}

/* ------------------------------------------------------------------ the local scheduler */

typedef struct slot {
    pid_t pid;
    size_t point;
} slot;

static void describe_point(const plnet_sweep *sw, size_t i, char *out, size_t size)
{
    size_t *coord = calloc(sw->n_axes + 1, sizeof *coord);
    size_t s = 0;
    size_t len = 0;
    out[0] = '\0';
    if (coord == NULL) {
        return;
    }
    plnet_sweep_coords(sw, i, coord, &s);
    for (size_t a = 0; a < sw->n_axes && len < size; a++) {
        int w = snprintf(out + len, size - len, "%s%s=%s", len > 0 ? ", " : "", sw->axes[a].key,
                         sw->axes[a].v[coord[a]].text);
        len += w > 0 ? (size_t)w : 0;
    }
    if (sw->has_seeds && len < size) {
        snprintf(out + len, size - len, "%sseed=%s", len > 0 ? ", " : "", sw->seeds[s].text);
    }
    free(coord);
}

/* The last non-empty line of a point's log, for the failure message. */
static void last_log_line(const char *dir, size_t i, char *out, size_t size)
{
    out[0] = '\0';
    char *path = path_fmt(dir, "status", i, ".log");
    FILE *fp = path != NULL ? fopen(path, "r") : NULL;
    free(path);
    if (fp == NULL) {
        return;
    }
    char line[1024];
    while (fgets(line, sizeof line, fp) != NULL) {
        size_t n = strlen(line);
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) {
            line[--n] = '\0';
        }
        if (n > 0) {
            snprintf(out, size, "%s", line);
        }
    }
    fclose(fp);
}

void plnet_sweep_report_failure(const plnet_sweep *sw, const char *dir, size_t i, int code,
                                const char *where, FILE *err)
{
    char what[512];
    char why[64];
    char last[600];
    describe_point(sw, i, what, sizeof what);
    if (code > 128 && code < 128 + 65) {
        snprintf(why, sizeof why, "killed by signal %d (%s)", code - 128, strsignal(code - 128));
    } else {
        snprintf(why, sizeof why, "exit %d", code);
    }
    last_log_line(dir, i, last, sizeof last);
    fprintf(err, "plnet: sweep: point %0*zu (%s) failed%s%s: %s%s%s\n", index_width(), i, what,
            where != NULL ? " on " : "", where != NULL ? where : "", why,
            last[0] != '\0' ? ": " : "", last);
}

void plnet_sweep_where(char *out, size_t size, int rank)
{
    char host[64];
    if (gethostname(host, sizeof host) != 0) {
        snprintf(host, sizeof host, "?");
    }
    host[sizeof host - 1] = '\0';
    snprintf(out, size, "%s:rank%d:pid%ld", host, rank, (long)getppid());
}

pid_t plnet_sweep_spawn(const plnet_sweep *sw, size_t i, const char *dir, int rank,
                        const sigset_t *child_mask, sweep_point_fn fn, void *user)
{
    pid_t parent = getpid();
    fflush(NULL);
    pid_t pid = fork();
    /* Below, in the child: plnet_sweep_where names the scheduler (getppid), not the child. */
    if (pid != 0) {
        return pid;
    }
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGCHLD, SIG_DFL);
    sigprocmask(SIG_SETMASK, child_mask, NULL);
#ifdef __linux__
    /* A scheduler killed with SIGKILL cannot stop its points; SIGTERM makes each stop with a
     * checkpoint instead of running on beside the sweep that resumes it. */
    prctl(PR_SET_PDEATHSIG, SIGTERM);
#endif
    if (getppid() != parent) {
        _exit(143);
    }
    char where[128];
    plnet_sweep_where(where, sizeof where, rank);
    size_t wl = strlen(where);
    snprintf(where + wl, sizeof where - wl, ":child%ld", (long)getpid());
    int rc = plnet_sweep_point_exec(sw, i, dir, where, fn != NULL ? fn : plnet_sweep_train_point,
                                    user);
    fflush(NULL);
    _exit(rc);
}

sweep_state plnet_sweep_reaped(const plnet_sweep *sw, const char *dir, size_t i, int wstatus,
                               bool stopping, FILE *err, bool quiet)
{
    sweep_status st;
    plnet_sweep_status_read(dir, i, &st);
    if (st.state == SWEEP_DONE) {
        return SWEEP_DONE;
    }
    int sig = WIFSIGNALED(wstatus) ? WTERMSIG(wstatus) : 0;
    int code = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + sig;
    bool by_stop = stopping && (code == 130 || code == 143 || sig == SIGINT || sig == SIGTERM ||
                                sig == SIGKILL);
    if (by_stop) {
        if (st.state == SWEEP_RUNNING) {
            st.state = SWEEP_INTERRUPTED;
            st.code = code;
            plnet_sweep_status_write(dir, i, &st);
        }
        return SWEEP_INTERRUPTED;
    }
    /* The child could not record its own end (a crash, a kill): record it here. */
    if (st.state != SWEEP_FAILED) {
        st.state = SWEEP_FAILED;
        st.code = code;
        plnet_sweep_status_write(dir, i, &st);
    }
    if (!quiet) {
        plnet_sweep_report_failure(sw, dir, i, code, NULL, err);
    }
    return SWEEP_FAILED;
}

int plnet_sweep_jobs_default(void)
{
#ifdef __linux__
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0) {
        int n = CPU_COUNT(&set);
        if (n > 0) {
            return n;
        }
    }
#endif
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

int plnet_sweep_run_local(const plnet_sweep *sw, const char *dir, const sweep_run_options *opt,
                          sweep_run_result *res, FILE *err)
{
    memset(res, 0, sizeof *res);
    size_t *order = malloc((sw->n_points > 0 ? sw->n_points : 1) * sizeof *order);
    int jobs = opt->jobs > 0 ? opt->jobs : 1;
    slot *slots = calloc((size_t)jobs, sizeof *slots);
    if (order == NULL || slots == NULL) {
        free(order);
        free(slots);
        fprintf(err, "plnet: out of memory\n");
        return 1;
    }
    size_t n_done = 0;
    size_t n_order = plnet_sweep_schedule(sw, dir, opt->shard_i, opt->shard_n, order, &n_done);
    res->skipped = n_done;

    sweep_progress pg;
    memset(&pg, 0, sizeof pg);
    pg.on = opt->progress;
    pg.start = plnet_sweep_now();
    pg.total = n_done + n_order;
    pg.done = n_done;
    for (size_t k = 0; k < n_order; k++) {
        pg.cost_total += sw->cost != NULL ? sw->cost[order[k]] : 1.0;
    }

    /* Signals arrive through sigtimedwait: no handler runs in the middle of a fork. */
    struct sigaction dfl, old_chld;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    sigaction(SIGCHLD, &dfl, &old_chld); /* SIG_IGN inherited would reap the children away */
    sigset_t wait_set, old_mask;
    sigemptyset(&wait_set);
    sigaddset(&wait_set, SIGCHLD);
    sigaddset(&wait_set, SIGINT);
    sigaddset(&wait_set, SIGTERM);
    sigprocmask(SIG_BLOCK, &wait_set, &old_mask);

    int rc = 0;
    size_t next = 0;
    int running = 0;
    bool stopping = false;
    int stop_signals = 0;
    while (running > 0 || (!stopping && next < n_order)) {
        while (!stopping && next < n_order && running < jobs) {
            size_t i = order[next];
            pid_t pid = plnet_sweep_spawn(sw, i, dir, 0, &old_mask, opt->fn, opt->user);
            if (pid < 0) {
                fprintf(err, "plnet: sweep: cannot start a worker process: %s\n",
                        strerror(errno));
                rc = 1;
                stopping = true;
                break;
            }
            next++;
            for (int s = 0; s < jobs; s++) {
                if (slots[s].pid == 0) {
                    slots[s].pid = pid;
                    slots[s].point = i;
                    break;
                }
            }
            running++;
        }
        pg.running = (size_t)running;
        plnet_sweep_progress_show(&pg, err, false);
        if (running == 0) {
            break;
        }
        struct timespec tick = {0, 200 * 1000 * 1000};
        struct timespec zero = {0, 0};
        siginfo_t info;
        /* Every pending signal before any child is reaped: Ctrl-C on a terminal reaches the
         * children too, and a child it ended must count as stopped, not failed, even when
         * its SIGCHLD comes first. */
        int stop_sig = 0;
        for (int sig = sigtimedwait(&wait_set, &info, pg.on ? &tick : NULL); sig > 0;
             sig = sigtimedwait(&wait_set, &info, &zero)) {
            if (sig == SIGINT || sig == SIGTERM) {
                stop_sig = sig;
            }
        }
        int sig = stop_sig;
        if (sig == SIGINT || sig == SIGTERM) {
            stop_signals++;
            if (!stopping || stop_signals == 1) {
                res->interrupted = true;
                res->signal = sig;
            }
            stopping = true;
            /* First signal: every point stops after its step with a checkpoint (from a
             * terminal they got SIGINT already; once more is harmless). Second: now. */
            for (int s = 0; s < jobs; s++) {
                if (slots[s].pid > 0) {
                    kill(slots[s].pid, stop_signals > 1 ? SIGKILL : sig);
                }
            }
        }
        int wstatus = 0;
        pid_t pid;
        while ((pid = waitpid(-1, &wstatus, WNOHANG)) > 0) {
            int s = 0;
            while (s < jobs && slots[s].pid != pid) {
                s++;
            }
            if (s == jobs) {
                continue;
            }
            size_t i = slots[s].point;
            slots[s].pid = 0;
            running--;
            pg.cost_done += sw->cost != NULL ? sw->cost[i] : 1.0;
            if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == SWEEP_EXIT_ALREADY_DONE) {
                res->skipped++;
                pg.done++;
                continue;
            }
            plnet_sweep_progress_end(&pg, err);
            sweep_state end = plnet_sweep_reaped(sw, dir, i, wstatus, stopping, err, opt->quiet);
            if (end == SWEEP_DONE) {
                res->run++;
                pg.done++;
            } else if (end == SWEEP_FAILED) {
                res->failed++;
                pg.failed++;
            }
        }
    }
    pg.running = 0;
    plnet_sweep_progress_show(&pg, err, true);
    plnet_sweep_progress_end(&pg, err);
    /* Signals that came while stopping are consumed here rather than delivered on unblock. */
    struct timespec zero = {0, 0};
    while (sigtimedwait(&wait_set, NULL, &zero) > 0) {
    }
    sigprocmask(SIG_SETMASK, &old_mask, NULL);
    sigaction(SIGCHLD, &old_chld, NULL);
    free(order);
    free(slots);
    if (rc == 0 && res->failed > 0) {
        rc = 1;
    }
    return rc;
}

int plnet_sweep_mpi_world(void)
{
    /* Open MPI, then PMIx and PMI (MPICH, srun): a launcher says how many ranks there are. */
    static const char *const vars[] = {"OMPI_COMM_WORLD_SIZE", "PMIX_SIZE", "PMI_SIZE"};
    for (size_t k = 0; k < sizeof vars / sizeof vars[0]; k++) {
        const char *v = getenv(vars[k]);
        if (v != NULL && v[0] != '\0') {
            int n = atoi(v);
            return n > 0 ? n : 0;
        }
    }
    return 0;
}
