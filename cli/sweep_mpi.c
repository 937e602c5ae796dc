/* sweep_mpi.c — `plnet sweep` under mpirun: rank 0 hands points out to every rank (itself included) on request, each rank runs them in forked children, heartbeats find a lost rank and its points run again. */
/* fork, sigtimedwait, gethostname: POSIX 2008. */
#define _GNU_SOURCE

#include "sweep.h"

#include <errno.h>
#include <mpi.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Why this shape (docs/sweep.md): Open MPI ends the whole job when one rank dies, unless
 * mpirun runs with `--mca orte_enable_recovery 1`. Either way nothing is lost: a point is
 * done only when its status file says so, so `--resume` after an aborted job runs only the
 * rest. With recovery on, rank 0 notices a lost rank (its process gone on this host, or
 * silent for --mpi-timeout seconds elsewhere) and runs its points again; the lost rank's
 * children got SIGTERM (PR_SET_PDEATHSIG) and leave a checkpoint, which the next attempt
 * continues once their point lock is free. Points run in forked children, so a crashing point
 * costs only itself, never its rank. Rank 0 never sends to a rank that has not asked, and
 * sends with MPI_ERRORS_RETURN, so a dead rank cannot take it down. */

enum { TAG_HELLO = 11, TAG_REQUEST, TAG_RESULT, TAG_BEAT, TAG_POINT, TAG_STOP };

typedef struct msg {
    int64_t point;
    int64_t state; /* RESULT: sweep_state; STOP: bit 0 = stop the running points too, bit 1 =
                      a rank was lost (skip MPI_Finalize, which waits for every rank) */
    int64_t code;  /* RESULT: exit code or 128 + signal */
    int64_t pid;   /* HELLO */
    int64_t slots; /* HELLO */
    char host[64]; /* HELLO */
} msg;

/* How often ranks say they are alive, s. */
#define BEAT_INTERVAL 1.0
/* How long a loop waits for a signal before polling MPI again: the latency of a hand-out. */
#define POLL_NS (2 * 1000 * 1000)

int plnet_sweep_mpi_init(int *rank, FILE *err)
{
    int provided = 0;
    if (MPI_Init_thread(NULL, NULL, MPI_THREAD_SINGLE, &provided) != MPI_SUCCESS) {
        fprintf(err, "plnet: sweep: MPI_Init failed\n");
        return 1;
    }
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    MPI_Comm_rank(MPI_COMM_WORLD, rank);
    return 0;
}

int plnet_sweep_mpi_agree(int rc)
{
    /* Polled with naps: a blocking MPI_Bcast spins in Open MPI, and the other ranks wait here
     * while rank 0 checks every point (a core each on a cluster, but on an oversubscribed
     * machine they would take the CPU rank 0 needs). */
    int v = rc;
    MPI_Request req;
    if (MPI_Ibcast(&v, 1, MPI_INT, 0, MPI_COMM_WORLD, &req) != MPI_SUCCESS) {
        MPI_Bcast(&v, 1, MPI_INT, 0, MPI_COMM_WORLD);
        return v;
    }
    int done = 0;
    while (MPI_Test(&req, &done, MPI_STATUS_IGNORE) == MPI_SUCCESS && !done) {
        struct timespec t = {0, 1000 * 1000};
        nanosleep(&t, NULL);
    }
    return v;
}

void plnet_sweep_mpi_finalize(bool rank_lost)
{
    /* MPI_Finalize synchronises with every rank, and Open MPI 4 waits for a lost one forever
     * (measured: mpirun --mca orte_enable_recovery 1, one rank killed). With recovery on,
     * mpirun accepts the survivors ending without it. */
    if (!rank_lost) {
        MPI_Finalize();
    }
}

static int send_msg(int to, int tag, const msg *m)
{
    return MPI_Send(m, (int)sizeof *m, MPI_BYTE, to, tag, MPI_COMM_WORLD) == MPI_SUCCESS ? 0 : -1;
}

static void host_name(char *out, size_t size)
{
    if (gethostname(out, size) != 0) {
        snprintf(out, size, "?");
    }
    out[size - 1] = '\0';
}

/* A worker whose slots are all busy expects nothing from rank 0 but a heartbeat or a stop,
 * and its children's ends wake it (SIGCHLD): it checks MPI this seldom, and so takes almost
 * no time from the point running beside it on the same core. */
#define IDLE_POLL_NS (100 * 1000 * 1000)

/* Wait up to ns for one of the signals in set, then take every other pending one: returns
 * SIGINT or SIGTERM when one came (a child a terminal's Ctrl-C ended then counts as stopped,
 * not failed), else 0. */
static int poll_signal(const sigset_t *set, long ns)
{
    struct timespec t = {0, ns};
    struct timespec zero = {0, 0};
    int stop = 0;
    for (int sig = sigtimedwait(set, NULL, &t); sig > 0; sig = sigtimedwait(set, NULL, &zero)) {
        if (sig == SIGINT || sig == SIGTERM) {
            stop = sig;
        }
    }
    return stop;
}

typedef struct local {
    pid_t *pid;
    size_t *point;
    int jobs;
    int running;
} local;

static int local_add(local *l, pid_t pid, size_t i)
{
    for (int s = 0; s < l->jobs; s++) {
        if (l->pid[s] == 0) {
            l->pid[s] = pid;
            l->point[s] = i;
            l->running++;
            return 0;
        }
    }
    return -1;
}

static void local_signal(const local *l, int sig)
{
    for (int s = 0; s < l->jobs; s++) {
        if (l->pid[s] > 0) {
            kill(l->pid[s], sig);
        }
    }
}

/* Reap one finished child: its slot's point in *i and its wait status; false when none. */
static bool local_reap(local *l, size_t *i, int *wstatus)
{
    pid_t pid;
    while ((pid = waitpid(-1, wstatus, WNOHANG)) > 0) {
        for (int s = 0; s < l->jobs; s++) {
            if (l->pid[s] == pid) {
                l->pid[s] = 0;
                l->running--;
                *i = l->point[s];
                return true;
            }
        }
    }
    return false;
}

static int exit_code(int wstatus)
{
    return WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
}

typedef struct signals {
    sigset_t set, old;
    struct sigaction old_chld;
} signals;

static void signals_block(signals *s)
{
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    sigaction(SIGCHLD, &dfl, &s->old_chld);
    sigemptyset(&s->set);
    sigaddset(&s->set, SIGCHLD);
    sigaddset(&s->set, SIGINT);
    sigaddset(&s->set, SIGTERM);
    sigprocmask(SIG_BLOCK, &s->set, &s->old);
}

static void signals_restore(signals *s)
{
    struct timespec zero = {0, 0};
    while (sigtimedwait(&s->set, NULL, &zero) > 0) {
    }
    sigprocmask(SIG_SETMASK, &s->old, NULL);
    sigaction(SIGCHLD, &s->old_chld, NULL);
}

/* ------------------------------------------------------------------ ranks 1..P-1 */

static int run_worker(const plnet_sweep *sw, const char *dir, const sweep_run_options *opt,
                      double timeout, int rank, sweep_run_result *res, FILE *err)
{
    int jobs = opt->jobs > 0 ? opt->jobs : 1;
    local l = {calloc((size_t)jobs, sizeof(pid_t)), calloc((size_t)jobs, sizeof(size_t)), jobs, 0};
    if (l.pid == NULL || l.point == NULL) {
        free(l.pid);
        free(l.point);
        fprintf(err, "plnet: out of memory\n");
        return 1;
    }
    signals sg;
    signals_block(&sg);
    msg m;
    memset(&m, 0, sizeof m);
    m.pid = (int64_t)getpid();
    m.slots = jobs;
    host_name(m.host, sizeof m.host);
    int rc = 0;
    bool stopping = false;
    bool lost = false;
    if (send_msg(0, TAG_HELLO, &m) != 0) {
        rc = 1;
        stopping = true;
    }
    for (int s = 0; s < jobs && !stopping; s++) {
        send_msg(0, TAG_REQUEST, &m);
    }
    double last_beat = plnet_sweep_now();
    double heard = last_beat;
    int asked = stopping ? 0 : jobs; /* requests not answered yet */
    while (!stopping || l.running > 0) {
        int sig = poll_signal(&sg.set, asked > 0 || stopping ? POLL_NS : IDLE_POLL_NS);
        if (sig == SIGINT || sig == SIGTERM) {
            stopping = true;
            local_signal(&l, sig);
        }
        int flag = 0;
        MPI_Status st;
        while (MPI_Iprobe(0, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st) == MPI_SUCCESS && flag) {
            msg in;
            if (MPI_Recv(&in, (int)sizeof in, MPI_BYTE, 0, st.MPI_TAG, MPI_COMM_WORLD,
                         MPI_STATUS_IGNORE) != MPI_SUCCESS) {
                break;
            }
            heard = plnet_sweep_now();
            if (st.MPI_TAG == TAG_POINT) {
                asked--;
            }
            if (st.MPI_TAG == TAG_POINT && !stopping) {
                size_t i = (size_t)in.point;
                pid_t pid = plnet_sweep_spawn(sw, i, dir, rank, &sg.old, opt->fn, opt->user);
                if (pid < 0 || local_add(&l, pid, i) != 0) {
                    /* Cannot run it: hand it back as failed rather than sit on it. */
                    msg r = {.point = in.point, .state = SWEEP_FAILED, .code = 1};
                    send_msg(0, TAG_RESULT, &r);
                }
            } else if (st.MPI_TAG == TAG_STOP) {
                stopping = true;
                if ((in.state & 1) != 0) {
                    local_signal(&l, SIGTERM);
                }
                if ((in.state & 2) != 0) {
                    res->rank_lost = true;
                }
            }
        }
        size_t i = 0;
        int wstatus = 0;
        while (local_reap(&l, &i, &wstatus)) {
            msg r;
            memset(&r, 0, sizeof r);
            r.point = (int64_t)i;
            r.code = exit_code(wstatus);
            if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == SWEEP_EXIT_ALREADY_DONE) {
                r.state = SWEEP_DONE;
                r.code = SWEEP_EXIT_ALREADY_DONE;
            } else {
                /* Rank 0 reports failures (it reads the status and the log). */
                r.state = plnet_sweep_reaped(sw, dir, i, wstatus, stopping, err, true);
            }
            send_msg(0, TAG_RESULT, &r);
            if (!stopping) {
                send_msg(0, TAG_REQUEST, &r);
                asked++;
            }
        }
        double now = plnet_sweep_now();
        if (now - last_beat >= BEAT_INTERVAL) {
            msg b;
            memset(&b, 0, sizeof b);
            send_msg(0, TAG_BEAT, &b);
            last_beat = now;
        }
        if (!lost && now - heard > timeout) {
            fprintf(err, "plnet: sweep: rank %d: rank 0 silent for %.0f s; stopping (resume "
                         "with --resume)\n", rank, now - heard);
            lost = true;
            res->rank_lost = true;
            stopping = true;
            local_signal(&l, SIGTERM);
            rc = 1;
        }
    }
    signals_restore(&sg);
    free(l.pid);
    free(l.point);
    return rc;
}

/* ------------------------------------------------------------------ rank 0 */

typedef struct worker {
    bool alive;
    bool hello;
    bool same_host;
    pid_t pid;
    double heard;
    int waiting;     /* requests not answered yet */
    size_t *points;  /* points it runs now */
    int n_points, cap;
} worker;

static int worker_add(worker *w, size_t i)
{
    if (w->n_points == w->cap) {
        int cap = w->cap > 0 ? 2 * w->cap : 4;
        size_t *p = realloc(w->points, (size_t)cap * sizeof *p);
        if (p == NULL) {
            return -1;
        }
        w->points = p;
        w->cap = cap;
    }
    w->points[w->n_points++] = i;
    return 0;
}

static void worker_remove(worker *w, size_t i)
{
    for (int k = 0; k < w->n_points; k++) {
        if (w->points[k] == i) {
            w->points[k] = w->points[--w->n_points];
            return;
        }
    }
}

/* The queue: re-queued points first (a stack), then the schedule in order. */
typedef struct queue {
    size_t *order;
    size_t n, next;
    size_t *again;
    size_t n_again;
} queue;

static bool queue_pop(queue *q, size_t *i)
{
    if (q->n_again > 0) {
        *i = q->again[--q->n_again];
        return true;
    }
    if (q->next < q->n) {
        *i = q->order[q->next++];
        return true;
    }
    return false;
}

static bool queue_empty(const queue *q)
{
    return q->n_again == 0 && q->next >= q->n;
}

static void count_end(sweep_run_result *res, sweep_progress *pg, const plnet_sweep *sw,
                      size_t i, sweep_state end, int code)
{
    pg->cost_done += sw->cost != NULL ? sw->cost[i] : 1.0;
    if (code == SWEEP_EXIT_ALREADY_DONE) {
        res->skipped++;
        pg->done++;
    } else if (end == SWEEP_DONE) {
        res->run++;
        pg->done++;
    } else if (end == SWEEP_FAILED) {
        res->failed++;
        pg->failed++;
    }
}

static int run_master(const plnet_sweep *sw, const char *dir, const sweep_run_options *opt,
                      double timeout, int size, sweep_run_result *res, FILE *err)
{
    int jobs = opt->jobs > 0 ? opt->jobs : 1;
    queue q;
    memset(&q, 0, sizeof q);
    q.order = malloc((sw->n_points > 0 ? sw->n_points : 1) * sizeof *q.order);
    q.again = malloc((sw->n_points > 0 ? sw->n_points : 1) * sizeof *q.again);
    worker *w = calloc((size_t)size, sizeof *w);
    local l = {calloc((size_t)jobs, sizeof(pid_t)), calloc((size_t)jobs, sizeof(size_t)), jobs, 0};
    int rc = 0;
    if (q.order == NULL || q.again == NULL || w == NULL || l.pid == NULL || l.point == NULL) {
        fprintf(err, "plnet: out of memory\n");
        rc = 1;
        goto done;
    }
    size_t n_done = 0;
    q.n = plnet_sweep_schedule(sw, dir, opt->shard_i, opt->shard_n, q.order, &n_done);
    res->skipped = n_done;
    char me[64];
    host_name(me, sizeof me);
    double now = plnet_sweep_now();
    for (int r = 1; r < size; r++) {
        w[r].alive = true;
        w[r].heard = now;
    }

    sweep_progress pg;
    memset(&pg, 0, sizeof pg);
    pg.on = opt->progress;
    pg.start = now;
    pg.total = n_done + q.n;
    pg.done = n_done;
    for (size_t k = 0; k < q.n; k++) {
        pg.cost_total += sw->cost != NULL ? sw->cost[q.order[k]] : 1.0;
    }

    signals sg;
    signals_block(&sg);
    bool stopping = false;
    int stop_signals = 0;
    double last_beat = now;
    for (;;) {
        /* Hand out: rank 0's own slots, then the ranks that asked. */
        size_t i = 0;
        while (!stopping && l.running < jobs && queue_pop(&q, &i)) {
            pid_t pid = plnet_sweep_spawn(sw, i, dir, 0, &sg.old, opt->fn, opt->user);
            if (pid < 0 || local_add(&l, pid, i) != 0) {
                fprintf(err, "plnet: sweep: cannot start a worker process: %s\n",
                        strerror(errno));
                q.again[q.n_again++] = i;
                stopping = true;
                rc = 1;
                break;
            }
        }
        for (int r = 1; r < size && !stopping; r++) {
            while (w[r].alive && w[r].waiting > 0 && queue_pop(&q, &i)) {
                msg m = {.point = (int64_t)i};
                if (send_msg(r, TAG_POINT, &m) != 0 || worker_add(&w[r], i) != 0) {
                    q.again[q.n_again++] = i;
                    w[r].alive = false;
                    res->rank_lost = true;
                    break;
                }
                w[r].waiting--;
            }
        }
        /* Messages. */
        int flag = 0;
        MPI_Status st;
        while (MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st) ==
                   MPI_SUCCESS && flag) {
            msg in;
            int r = st.MPI_SOURCE;
            if (MPI_Recv(&in, (int)sizeof in, MPI_BYTE, r, st.MPI_TAG, MPI_COMM_WORLD,
                         MPI_STATUS_IGNORE) != MPI_SUCCESS || r <= 0 || r >= size) {
                continue;
            }
            if (!w[r].alive) {
                continue; /* declared lost: what it says now is ignored (its points ran again) */
            }
            w[r].heard = plnet_sweep_now();
            if (st.MPI_TAG == TAG_HELLO) {
                w[r].hello = true;
                w[r].pid = (pid_t)in.pid;
                in.host[sizeof in.host - 1] = '\0';
                w[r].same_host = strcmp(in.host, me) == 0;
            } else if (st.MPI_TAG == TAG_REQUEST) {
                w[r].waiting++;
            } else if (st.MPI_TAG == TAG_RESULT) {
                size_t p = (size_t)in.point;
                worker_remove(&w[r], p);
                plnet_sweep_progress_end(&pg, err);
                if (in.state == SWEEP_FAILED && !opt->quiet) {
                    char where[32];
                    snprintf(where, sizeof where, "rank %d", r);
                    plnet_sweep_report_failure(sw, dir, p, (int)in.code, where, err);
                }
                count_end(res, &pg, sw, p, (sweep_state)in.state, (int)in.code);
            }
        }
        /* Rank 0's own children. */
        int wstatus = 0;
        while (local_reap(&l, &i, &wstatus)) {
            plnet_sweep_progress_end(&pg, err);
            sweep_state end = SWEEP_DONE;
            int code = exit_code(wstatus);
            if (code != SWEEP_EXIT_ALREADY_DONE) {
                end = plnet_sweep_reaped(sw, dir, i, wstatus, stopping, err, opt->quiet);
            }
            count_end(res, &pg, sw, i, end, code);
        }
        /* Lost ranks: the process is gone (same host), or silent too long. */
        now = plnet_sweep_now();
        for (int r = 1; r < size; r++) {
            if (!w[r].alive || w[r].n_points == 0) {
                continue; /* an idle rank loses nothing; if it is gone, its next point finds out */
            }
            bool gone = w[r].hello && w[r].same_host && kill(w[r].pid, 0) != 0 && errno == ESRCH;
            if (!gone && now - w[r].heard <= timeout) {
                continue;
            }
            w[r].alive = false;
            res->rank_lost = true;
            plnet_sweep_progress_end(&pg, err);
            fprintf(err, "plnet: sweep: rank %d lost (%s)", r,
                    gone ? "its process ended" : "silent too long");
            for (int k = 0; k < w[r].n_points; k++) {
                fprintf(err, "%s%0*zu", k == 0 ? "; running again: point " : ", ", 4,
                        w[r].points[k]);
                q.again[q.n_again++] = w[r].points[k];
                res->requeued++;
            }
            fputc('\n', err);
            w[r].n_points = 0;
        }
        if (now - last_beat >= BEAT_INTERVAL) {
            msg b;
            memset(&b, 0, sizeof b);
            for (int r = 1; r < size; r++) {
                if (w[r].alive && send_msg(r, TAG_BEAT, &b) != 0) {
                    w[r].heard = -1e300; /* lost: found at the next check */
                }
            }
            last_beat = now;
        }
        /* The end: nothing left to hand out (or stopping) and nothing running anywhere. */
        bool remote_busy = false;
        for (int r = 1; r < size; r++) {
            remote_busy |= w[r].alive && w[r].n_points > 0;
        }
        pg.running = (size_t)l.running;
        for (int r = 1; r < size; r++) {
            pg.running += w[r].alive ? (size_t)w[r].n_points : 0;
        }
        plnet_sweep_progress_show(&pg, err, false);
        if ((stopping || queue_empty(&q)) && l.running == 0 && !remote_busy) {
            break;
        }
        int sig = poll_signal(&sg.set, POLL_NS);
        if (sig == SIGINT || sig == SIGTERM) {
            stop_signals++;
            if (stop_signals == 1) {
                res->interrupted = true;
                res->signal = sig;
                /* The other ranks' points stop with a checkpoint too. */
                msg m = {.state = 1 | (res->rank_lost ? 2 : 0)};
                for (int r = 1; r < size; r++) {
                    if (w[r].alive) {
                        send_msg(r, TAG_STOP, &m);
                    }
                }
            }
            stopping = true;
            local_signal(&l, stop_signals > 1 ? SIGKILL : sig);
        }
    }
    {
        /* Sent after an interrupt too: a rank lost while stopping changes how ranks end. */
        msg m = {.state = res->rank_lost ? 2 : 0};
        for (int r = 1; r < size; r++) {
            if (w[r].alive) {
                send_msg(r, TAG_STOP, &m);
            }
        }
    }
    pg.running = 0;
    plnet_sweep_progress_show(&pg, err, true);
    plnet_sweep_progress_end(&pg, err);
    signals_restore(&sg);
    if (rc == 0 && res->failed > 0) {
        rc = 1;
    }
done:
    if (w != NULL) {
        for (int r = 0; r < size; r++) {
            free(w[r].points);
        }
    }
    free(w);
    free(q.order);
    free(q.again);
    free(l.pid);
    free(l.point);
    return rc;
}

int plnet_sweep_run_mpi(const plnet_sweep *sw, const char *dir, const sweep_run_options *opt,
                        double timeout, sweep_run_result *res, FILE *err)
{
    memset(res, 0, sizeof res[0]);
    int rank = 0, size = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (rank == 0) {
        return run_master(sw, dir, opt, timeout, size, res, err);
    }
    return run_worker(sw, dir, opt, timeout, rank, res, err);
}
