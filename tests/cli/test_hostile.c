/* test_hostile.c — hostile input (issue 12): float-to-integer conversions range-checked with the key named, absurd step counts refused up front, and a long protocol period stopped by SIGINT inside the period. */
/* kill, posix_spawn and nanosleep are POSIX. */
#define _POSIX_C_SOURCE 200809L

#include "cli_helpers.h"
#include "test_support.h"

#include <criterion/criterion.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

TestSuite(hostile, .fini = ts_check_leaks, .timeout = 240);

/* A small temporal run; %s is the protocol section's body (indented two spaces). */
static const char *tcl_yaml =
    "name: hostile\n"
    "network:\n"
    "  kind: flow\n"
    "  graph: {generator: square_lattice, size: [3, 3]}\n"
    "boundary: {ground: [0]}\n"
    "task:\n"
    "  kind: allostery\n"
    "  inputs: {nodes: [8], values: [1.0]}\n"
    "  outputs: {nodes: [4]}\n"
    "  targets: [0.3]\n"
    "learning: {learner: temporal, rate: 1.0, nudge: 0.5}\n"
    "protocol:\n"
    "%s"
    "train: {steps: 2, log_every: 1}\n";

/* plnet train on the temporal run with this protocol body: exit 2, stderr holds each needle,
 * and no output folder appears. */
static void train_refused(const char *tag, const char *protocol, const char *needle1,
                          const char *needle2)
{
    char *dir = tc_dir(tag);
    char *yaml = tc_fmt(tcl_yaml, protocol);
    char *cfg = tc_write(dir, "exp.yaml", yaml);
    char *outdir = tc_fmt("%s/out", dir);
    char *err = NULL;
    int rc = tc_run(NULL, &err, "train", cfg, "-o", outdir, NULL);
    cr_assert_eq(rc, 2, "exit %d; stderr: %s", rc, err);
    cr_assert(strstr(err, needle1) != NULL, "stderr lacks '%s':\n%s", needle1, err);
    if (needle2 != NULL) {
        cr_assert(strstr(err, needle2) != NULL, "stderr lacks '%s':\n%s", needle2, err);
    }
    cr_assert(!tc_exists(outdir), "a refused run created %s", outdir);
    free(err);
    free(outdir);
    free(cfg);
    free(yaml);
    free(dir);
}

Test(hostile, a_markov_window_of_1e20_is_refused_naming_the_key)
{
    /* ceil(1e20 / dt) once wrapped the index and overflowed the heap in pln_memory_step. */
    train_refused("markov-window",
                  "  kind: sawtooth\n"
                  "  dt: 0.05\n"
                  "  memory: {kind: markov_ladder, window: 1.0e20}\n",
                  "exp.yaml:15:41: protocol.memory.window", "2e+21 time steps");
}

Test(hostile, a_markov_tau_of_1e19_is_refused_naming_the_key)
{
    train_refused("markov-tau",
                  "  kind: sawtooth\n"
                  "  dt: 0.05\n"
                  "  memory: {kind: markov_ladder, tau: 1.0e19}\n",
                  "exp.yaml:15:38: protocol.memory.tau", "8e+21 time steps");
}

Test(hostile, a_period_of_1e24_time_steps_is_refused_naming_the_keys_and_the_count)
{
    train_refused("long-period",
                  "  kind: sawtooth\n"
                  "  dt: 1.0e-12\n"
                  "  tau_fast: 1.0e12\n",
                  "protocol.dt: a period of protocol.tau_fast + protocol.tau_slow = 1e+12 over "
                  "protocol.dt = 1e-12 is 1e+24 time steps; at most 1e+08",
                  "exp.yaml:14:7:");
}

Test(hostile, a_mean_phase_of_1e14_time_steps_is_refused_naming_the_key_and_the_count)
{
    train_refused("long-phase",
                  "  kind: random_phases\n"
                  "  dt: 0.01\n"
                  "  mean_clamped: 1.0e12\n",
                  "exp.yaml:15:17: protocol.mean_clamped: a mean phase of 1e+12 "
                  "(protocol.mean_clamped) over protocol.dt = 0.01 is 1e+14 time steps",
                  NULL);
}

Test(hostile, a_lattice_side_of_2_to_the_62_is_refused_before_its_product_overflows)
{
    char *dir = tc_dir("lattice-size");
    char *cfg = tc_write(dir, "exp.yaml",
                         "network:\n  graph: {generator: square_lattice, size: "
                         "[4611686018427387904, 4]}\n");
    char *err = NULL;
    int rc = tc_run(NULL, &err, "solve", cfg, "-o", dir, NULL);
    cr_assert_eq(rc, 2, "exit %d; stderr: %s", rc, err);
    cr_assert(strstr(err, "exp.yaml:2:44: network.graph.size: each side of a lattice must be "
                          "in 1 .. 2^28") != NULL,
              "%s", err);
    free(err);
    free(cfg);
    free(dir);
}

Test(hostile, probe_and_memory_refuse_a_markov_window_of_1e20)
{
    char *out = NULL, *err = NULL;
    int rc = tc_run(&out, &err, "probe", "--kind", "markov_ladder", "--window", "1e20", NULL);
    cr_assert_eq(rc, 2, "exit %d; stderr: %s", rc, err);
    cr_assert(strstr(err, "markov window (window = 1e+20 over dt = 0.01) is 1e+22 time steps") !=
                  NULL,
              "%s", err);
    cr_assert(strstr(out, "amplitude,update") == NULL, "%s", out);
    free(out);
    free(err);
    rc = tc_run(&out, &err, "memory", "--kind", "markov_ladder", "--window", "1e20", NULL);
    cr_assert_eq(rc, 2, "exit %d; stderr: %s", rc, err);
    cr_assert(strstr(err, "--window = 1e+20 over --dt 0.01 is 1e+22 rows of K(t)") != NULL, "%s",
              err);
    cr_assert(strstr(out, "t,K") == NULL, "%s", out);
    free(out);
    free(err);
    /* counts given as huge reals are range-checked before their conversion */
    rc = tc_run(&out, &err, "probe", "--periods", "1e300", NULL);
    cr_assert_eq(rc, 2, "exit %d; stderr: %s", rc, err);
    cr_assert(strstr(err, "--periods 1e300") != NULL, "%s", err);
    free(out);
    free(err);
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

Test(hostile, sigint_stops_inside_a_protocol_period_of_1e8_time_steps)
{
    const char *bin = getenv("PLNET_BIN");
    if (bin == NULL) {
        cr_skip("PLNET_BIN not set (run under meson test)");
    }
    /* One period is 1e8 time steps (the most allowed): minutes of work even on an idle
     * machine, so only a stop inside the period ends the run in the time given. */
    char *dir = tc_dir("sigint-period");
    char *yaml = tc_fmt(tcl_yaml, "  kind: sawtooth\n  dt: 1.0e-7\n  tau_fast: 1.0\n"
                                  "  tau_slow: 9.0\n");
    char *cfg = tc_write(dir, "exp.yaml", yaml);
    char *outdir = tc_fmt("%s/out", dir);
    char *errpath = tc_fmt("%s/stderr.txt", dir);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 2, errpath, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    char *argv[] = {(char *)bin, (char *)"train", cfg, (char *)"-o", outdir, NULL};
    pid_t pid = 0;
    cr_assert_eq(posix_spawn(&pid, bin, &fa, NULL, argv, environ), 0);
    posix_spawn_file_actions_destroy(&fa);
    /* The resolved configuration is written just before the first period starts. */
    char *resolved = tc_fmt("%s/config.resolved.yaml", outdir);
    for (int waited = 0; !tc_exists(resolved) && waited < 60000; waited += 5) {
        sleep_ms(5);
    }
    cr_assert(tc_exists(resolved), "the run did not start within 60 s");
    sleep_ms(300);
    double t0 = now_s();
    kill(pid, SIGINT);
    int status = 0;
    pid_t got = 0;
    for (int waited = 0; (got = waitpid(pid, &status, WNOHANG)) == 0 && waited < 120000;
         waited += 5) {
        sleep_ms(5);
    }
    double latency = now_s() - t0;
    if (got == 0) {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        cr_assert_fail("SIGINT was not answered within 120 s (the period kept running)");
    }
    cr_log_info("stopped %.3f s after SIGINT", latency);
    fprintf(stderr, "# SIGINT inside a 1e8-step period: stopped after %.3f s\n", latency);
    cr_assert(WIFEXITED(status), "plnet died of signal %d",
              WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    FILE *fp = fopen(errpath, "r");
    char buf[4096] = {0};
    size_t n = fread(buf, 1, sizeof buf - 1, fp);
    buf[n] = '\0';
    fclose(fp);
    cr_assert_eq(WEXITSTATUS(status), 130, "exit %d: %s", WEXITSTATUS(status), buf);
    /* The period in progress is undone: the run stands at step 0, ready to resume. */
    cr_assert(strstr(buf, "plnet: interrupted at step 0; resume with:") != NULL, "%s", buf);
    free(resolved);
    free(errpath);
    free(outdir);
    free(cfg);
    free(yaml);
    free(dir);
}

/* plnet solve on this text as exp.yaml: exit 2 and stderr holds the needle. */
static void solve_refused(const char *tag, const char *text, size_t len, const char *needle)
{
    char *dir = tc_dir(tag);
    char *cfg = tc_fmt("%s/exp.yaml", dir);
    FILE *fp = fopen(cfg, "wb");
    cr_assert(fp != NULL && fwrite(text, 1, len, fp) == len && fclose(fp) == 0);
    char *outdir = tc_fmt("%s/out", dir);
    char *err = NULL;
    int rc = tc_run(NULL, &err, "solve", cfg, "-o", outdir, NULL);
    cr_assert_eq(rc, 2, "exit %d; stderr: %.2000s", rc, err);
    cr_assert(strstr(err, needle) != NULL, "stderr lacks '%s':\n%.2000s", needle, err);
    cr_assert(!tc_exists(outdir));
    free(err);
    free(outdir);
    free(cfg);
    free(dir);
}

Test(hostile, a_duplicate_among_thousands_of_keys_names_both_lines)
{
    /* The duplicate check goes through a hash table past 16 keys: the first of 5000 keys,
     * repeated at the end, is still found. */
    size_t cap = 5001 * 24, at = 0;
    char *text = malloc(cap);
    for (int k = 0; k < 5000; k++) {
        at += (size_t)snprintf(text + at, cap - at, "k%d: %d\n", k, k);
    }
    at += (size_t)snprintf(text + at, cap - at, "k0: again\n");
    solve_refused("dup-many", text, at, "exp.yaml:5001:1: duplicate key 'k0' (first at line 1)");
    free(text);
}

Test(hostile, a_document_of_more_than_2e6_values_is_refused_at_the_first_value_beyond)
{
    size_t n = 2000001, len = 4 + 2 * n + 1;
    char *text = malloc(len);
    memcpy(text, "x: [", 4);
    for (size_t k = 0; k < n; k++) {
        text[4 + 2 * k] = '1';
        text[5 + 2 * k] = k + 1 < n ? ',' : ']';
    }
    text[len - 1] = '\n';
    /* nodes: the root mapping, the key x, the list, then its items: the 1999998th item, at
     * column 4 + 2 * 1999997 + 1, is node 2000001 */
    solve_refused("many-values", text, len,
                  "exp.yaml:1:3999999: the document holds more than 2000000 values");
    free(text);
}

Test(hostile, a_file_over_64_mib_is_refused)
{
    size_t len = ((size_t)64 << 20) + 100;
    char *text = malloc(len);
    memset(text, 'x', len);
    text[0] = '#';
    text[len - 1] = '\n';
    solve_refused("big-file", text, len, "the file is larger than 64 MiB");
    free(text);
}
