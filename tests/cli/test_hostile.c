/* test_hostile.c — hostile input (issue 12): float-to-integer conversions range-checked with the key named, absurd step counts refused up front, and a long protocol period stopped by SIGINT inside the period. */
/* kill, posix_spawn and nanosleep are POSIX. */
#define _POSIX_C_SOURCE 200809L

#include "cli_helpers.h"
#include "test_support.h"

#include <criterion/criterion.h>
#include <fcntl.h>
#include <igraph.h>
#include <math.h>
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

/* ------------------------------------------------------------------ GraphML from networkx */

/* Files written by networkx (Debian's /usr/bin/python3) into dir: a path 0-1-2-3 with
 * conductances on some edges only (partial), networkx's default `weight` (weight), values of
 * str type (strkey, declared attr.type="string"), a non-number in such a key (strbad), a key
 * with a <default> (default, through networkx's edge_default), and a spring triangle with
 * stiffness attributes and positions (spring). */
static const char *nx_script =
    "import sys, networkx as nx\n"
    "d = sys.argv[1]\n"
    "def path():\n"
    "    return nx.path_graph(4)\n"
    "G = path(); G.edges[0, 1]['conductance'] = 2.0; G.edges[2, 3]['conductance'] = 4.0\n"
    "nx.write_graphml(G, d + '/partial.graphml')\n"
    "G = path()\n"
    "for u, v in G.edges: G.edges[u, v]['weight'] = float(u + 1)\n"
    "nx.write_graphml(G, d + '/weight.graphml')\n"
    "G = path()\n"
    "for u, v in G.edges: G.edges[u, v]['conductance'] = str(float(u + 1))\n"
    "nx.write_graphml(G, d + '/strkey.graphml')\n"
    "G.edges[1, 2]['conductance'] = 'abc'\n"
    "nx.write_graphml(G, d + '/strbad.graphml')\n"
    "G = path(); G.graph['edge_default'] = {'conductance': 3.0}\n"
    "G.edges[0, 1]['conductance'] = 2.0; G.edges[2, 3]['conductance'] = 4.0\n"
    "nx.write_graphml(G, d + '/default.graphml')\n"
    "S = nx.Graph()\n"
    "for i, (x, y) in enumerate([(0.0, 0.0), (2.0, 0.0), (1.0, 1.5)]):\n"
    "    S.add_node(i, x=x, y=y)\n"
    "S.add_edge(0, 1, stiffness=5.0); S.add_edge(1, 2, stiffness=7.0); "
    "S.add_edge(0, 2, stiffness=9.0)\n"
    "nx.write_graphml(S, d + '/spring.graphml')\n";

static char *networkx_files(const char *tag)
{
    if (system("/usr/bin/python3 -c 'import networkx' >/dev/null 2>&1") != 0) {
        cr_skip("networkx (Debian's /usr/bin/python3) is not installed");
    }
    char *dir = tc_dir(tag);
    char *script = tc_write(dir, "write.py", nx_script);
    char *cmd = tc_fmt("/usr/bin/python3 %s %s", script, dir);
    cr_assert_eq(system(cmd), 0, "%s failed", cmd);
    free(cmd);
    free(script);
    return dir;
}

/* plnet solve on a 4-node path read from file, 1 V across it (node 3 at 1 V, node 0
 * grounded); extra is YAML added to network (indented two spaces). Returns the exit code;
 * the conductances column in *k (4 - 1 values) and stderr in *err. */
static int solve_path(const char *dir, const char *file, const char *extra, double **k,
                      double *power, char **err)
{
    char *yaml = tc_fmt("network:\n  graph: {file: %s%s}\n%s"
                        "boundary:\n  ground: [0]\n  potentials: {nodes: [3], values: [1.0]}\n",
                        file, "", extra);
    char *name = tc_fmt("%s.yaml", file);
    char *cfg = tc_write(dir, name, yaml);
    char *out = tc_fmt("%s/out-%s", dir, file);
    int rc = tc_run(NULL, err, "solve", cfg, "-o", out, NULL);
    *k = NULL;
    if (rc == 0) {
        char *edges = tc_fmt("%s/edges.csv", out);
        size_t n = 0;
        *k = tc_column(edges, "conductance", &n);
        cr_assert_eq(n, 3);
        double *p = tc_column(edges, "power", &n);
        *power = p[0] + p[1] + p[2];
        free(p);
        free(edges);
    }
    free(out);
    free(cfg);
    free(name);
    free(yaml);
    return rc;
}

/* Series conductances across 1 V dissipate 1 / sum(1/k) W. */
static double series_power(double a, double b, double c)
{
    return 1.0 / (1.0 / a + 1.0 / b + 1.0 / c);
}

Test(hostile, graphml_edges_without_a_conductance_take_the_default_or_value_with_a_warning)
{
    char *dir = networkx_files("nx-partial");
    double *k = NULL, P = 0.0;
    char *err = NULL;
    /* no data on edge 1: network.edges.conductance.value (0.5 S), counted in a warning */
    int rc = solve_path(dir, "partial.graphml",
                        "  edges: {conductance: {init: from_graph, value: 0.5}}\n", &k, &P, &err);
    cr_assert_eq(rc, 0, "%s", err);
    cr_assert(k[0] == 2.0 && k[1] == 0.5 && k[2] == 4.0, "%g %g %g", k[0], k[1], k[2]);
    cr_assert(fabs(P - series_power(2.0, 0.5, 4.0)) < 1e-14, "%.17g", P);
    cr_assert(strstr(err, "plnet: warning: 1 of 3 edges (edge 1 first) have no conductance in "
                          "the graph: they take network.edges.conductance.value = 0.5 S") != NULL,
              "%s", err);
    free(k);
    free(err);
    /* a declared <default> (networkx's edge_default) is the file's own value for edge 1 */
    rc = solve_path(dir, "default.graphml", "", &k, &P, &err);
    cr_assert_eq(rc, 0, "%s", err);
    cr_assert(k[0] == 2.0 && k[1] == 3.0 && k[2] == 4.0, "%g %g %g", k[0], k[1], k[2]);
    cr_assert(strstr(err, "warning") == NULL, "%s", err);
    free(k);
    free(err);
    free(dir);
}

Test(hostile, graphml_weight_is_read_as_network_graph_weights_says)
{
    char *dir = networkx_files("nx-weight");
    double *k = NULL, P = 0.0;
    char *err = NULL;
    int rc = solve_path(dir, "weight.graphml", "", &k, &P, &err);
    cr_assert_eq(rc, 0, "%s", err);
    cr_assert(k[0] == 1.0 && k[1] == 2.0 && k[2] == 3.0, "%g %g %g", k[0], k[1], k[2]);
    cr_assert(fabs(P - series_power(1.0, 2.0, 3.0)) < 1e-14, "%.17g", P);
    free(k);
    free(err);
    /* weights: resistance reads them in ohm: 1 + 2 + 3 ohm in series */
    char *yaml = tc_fmt("network:\n  graph: {file: weight.graphml, weights: resistance}\n"
                        "boundary:\n  ground: [0]\n  potentials: {nodes: [3], values: [1.0]}\n");
    char *cfg = tc_write(dir, "ohm.yaml", yaml);
    char *out = tc_fmt("%s/out-ohm", dir);
    rc = tc_run(NULL, &err, "solve", cfg, "-o", out, NULL);
    cr_assert_eq(rc, 0, "%s", err);
    char *edges = tc_fmt("%s/edges.csv", out);
    size_t n = 0;
    k = tc_column(edges, "conductance", &n);
    cr_assert(n == 3 && fabs(k[0] - 1.0) < 1e-15 && fabs(k[1] - 0.5) < 1e-15 &&
                  fabs(k[2] - 1.0 / 3.0) < 1e-15,
              "%g %g %g", k[0], k[1], k[2]);
    free(k);
    free(edges);
    free(out);
    free(cfg);
    free(yaml);
    free(err);
    free(dir);
}

Test(hostile, graphml_numbers_in_a_string_key_are_read_and_a_non_number_is_an_error)
{
    char *dir = networkx_files("nx-strkey");
    double *k = NULL, P = 0.0;
    char *err = NULL;
    int rc = solve_path(dir, "strkey.graphml", "", &k, &P, &err);
    cr_assert_eq(rc, 0, "%s", err);
    cr_assert(k[0] == 1.0 && k[1] == 2.0 && k[2] == 3.0, "%g %g %g", k[0], k[1], k[2]);
    cr_assert(strstr(err, "edge attribute 'conductance' is declared with \"string\" attr.type; "
                          "its values are read as numbers") != NULL,
              "%s", err);
    free(k);
    free(err);
    rc = solve_path(dir, "strbad.graphml", "", &k, &P, &err);
    cr_assert_eq(rc, 2, "exit %d: %s", rc, err);
    cr_assert(strstr(err, "edge attribute 'conductance' (declared as a string, but a physical "
                          "value) is not a number: abc") != NULL,
              "%s", err);
    cr_assert(strstr(err, "strbad.graphml:") != NULL, "%s", err);
    free(err);
    free(dir);
}

Test(hostile, springs_from_graphml_take_the_files_stiffness_without_asking)
{
    char *dir = networkx_files("nx-spring");
    char *cfg = tc_write(dir, "spring.yaml",
                         "network:\n  kind: spring\n  graph: {file: spring.graphml}\n"
                         "boundary:\n  pins: {nodes: [0, 1]}\n");
    char *out = tc_fmt("%s/out-spring", dir);
    char *err = NULL;
    int rc = tc_run(NULL, &err, "solve", cfg, "-o", out, NULL);
    cr_assert_eq(rc, 0, "%s", err);
    char *edges = tc_fmt("%s/edges.csv", out);
    size_t n = 0;
    double *k = tc_column(edges, "stiffness", &n);
    /* networkx writes the edges node by node: (0, 1), (0, 2), (1, 2) */
    cr_assert(n == 3 && k[0] == 5.0 && k[1] == 9.0 && k[2] == 7.0, "%g %g %g", k[0], k[1], k[2]);
    free(k);
    free(edges);
    free(out);
    free(err);
    free(cfg);
    free(dir);
}

Test(hostile, a_solve_off_kirchhoffs_law_warns_naming_the_worst_node)
{
    /* 1e-12 S in series with 1e12 S: the middle node's potential is 1 - 1e-24 V, which rounds
     * to 1, and the 1e12 S edge's current is lost: KCL fails at node 1 by all of its 1e-12 A,
     * and the sources supply nothing for the 1e-12 W dissipated. */
    char *dir = tc_dir("kcl");
    free(tc_write(dir, "chain.txt", "0 1 1e-12\n1 2 1e12\n"));
    char *cfg = tc_write(dir, "exp.yaml",
                         "network:\n  graph: {file: chain.txt}\n"
                         "boundary:\n  ground: [0]\n  potentials: {nodes: [2], values: [1.0]}\n");
    char *out = tc_fmt("%s/out", dir);
    char *err = NULL;
    int rc = tc_run(NULL, &err, "solve", cfg, "-o", out, NULL);
    cr_assert_eq(rc, 0, "%s", err);
    cr_assert(strstr(err, "plnet: warning: solve: Kirchhoff's current law fails at node 1 by") !=
                  NULL,
              "%s", err);
    cr_assert(strstr(err, "worst node for Kirchhoff's current law: 1") != NULL, "%s", err);
    free(err);
    /* a well-conditioned chain (1 S and 3 S) solves without a warning */
    free(tc_write(dir, "chain.txt", "0 1 1\n1 2 3\n"));
    rc = tc_run(NULL, &err, "solve", cfg, "-o", out, NULL);
    cr_assert_eq(rc, 0, "%s", err);
    cr_assert(strstr(err, "warning") == NULL, "%s", err);
    free(err);
    free(out);
    free(cfg);
    free(dir);
}

Test(hostile, an_unused_default_value_does_not_block_a_graph_file_whose_edges_all_have_values)
{
    /* Every edge of the file has its conductance (mS), inside the bounds given; the default
     * value 1 S is used by no edge and must not be checked against them. */
    char *dir = tc_dir("unused-value");
    free(tc_write(dir, "ms.txt", "0 1 5e-4\n1 2 2e-4\n"));
    char *cfg = tc_write(dir, "exp.yaml",
                         "network:\n  graph: {file: ms.txt}\n"
                         "  edges:\n    conductance: {min: 1.0e-4, max: 1.0e-3}\n"
                         "boundary:\n  ground: [0]\n  potentials: {nodes: [2], values: [1.0]}\n");
    char *out = tc_fmt("%s/out", dir);
    char *err = NULL;
    int rc = tc_run(NULL, &err, "solve", cfg, "-o", out, NULL);
    cr_assert_eq(rc, 0, "%s", err);
    free(err);
    /* when an edge does take it (a gap in the file), the value is checked, at its line:col */
    free(tc_write(dir, "gap.graphml",
             "<?xml version='1.0'?>\n<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\">\n"
             "<key id=\"d0\" for=\"edge\" attr.name=\"conductance\" attr.type=\"double\"/>\n"
             "<graph edgedefault=\"undirected\"><node id=\"0\"/><node id=\"1\"/><node id=\"2\"/>\n"
             "<edge source=\"0\" target=\"1\"><data key=\"d0\">5e-4</data></edge>\n"
             "<edge source=\"1\" target=\"2\"/>\n</graph></graphml>\n"));
    char *cfg2 = tc_write(dir, "gap.yaml",
                          "network:\n  graph: {file: gap.graphml}\n"
                          "  edges:\n    conductance: {value: 2.0, min: 1.0e-4, max: 1.0e-3}\n"
                          "boundary:\n  ground: [0]\n  potentials: {nodes: [2], values: [1.0]}\n");
    rc = tc_run(NULL, &err, "solve", cfg2, "-o", out, NULL);
    cr_assert_eq(rc, 2, "exit %d: %s", rc, err);
    cr_assert(strstr(err, "gap.yaml:4:26: network.edges.conductance.value = 2 (taken by the 1 "
                          "edges the graph gives no conductance) is outside [min, max]") != NULL,
              "%s", err);
    free(err);
    free(cfg2);
    free(out);
    free(cfg);
    free(dir);
}

Test(hostile, graphml_written_by_igraph_reads_its_weight_as_conductance)
{
    /* igraph's own writer (prefixed attribute keys: id "e_weight", attr.name "weight"; node
     * ids n0..n3) on the path 0-1-2-3 with weights 1, 2, 4. */
    char *dir = tc_dir("igraph-weight");
    char *path = tc_fmt("%s/ig.graphml", dir);
    igraph_attribute_table_t *old = igraph_set_attribute_table(&igraph_cattribute_table);
    igraph_t g;
    igraph_vector_int_t ends;
    cr_assert_eq(igraph_vector_int_init_int(&ends, 6, 0, 1, 1, 2, 2, 3), IGRAPH_SUCCESS);
    cr_assert_eq(igraph_create(&g, &ends, 4, IGRAPH_UNDIRECTED), IGRAPH_SUCCESS);
    const double w[3] = {1.0, 2.0, 4.0};
    for (int e = 0; e < 3; e++) {
        cr_assert_eq(SETEAN(&g, "weight", e, w[e]), IGRAPH_SUCCESS);
    }
    FILE *fp = fopen(path, "w");
    cr_assert(fp != NULL);
    cr_assert_eq(igraph_write_graph_graphml(&g, fp, true), IGRAPH_SUCCESS);
    fclose(fp);
    igraph_destroy(&g);
    igraph_vector_int_destroy(&ends);
    igraph_set_attribute_table(old);
    double *k = NULL, P = 0.0;
    char *err = NULL;
    int rc = solve_path(dir, "ig.graphml", "", &k, &P, &err);
    cr_assert_eq(rc, 0, "%s", err);
    cr_assert(k[0] == 1.0 && k[1] == 2.0 && k[2] == 4.0, "%g %g %g", k[0], k[1], k[2]);
    cr_assert(fabs(P - series_power(1.0, 2.0, 4.0)) < 1e-14, "%.17g", P);
    free(k);
    free(err);
    free(path);
    free(dir);
}
