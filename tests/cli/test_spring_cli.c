/* test_spring_cli.c — spring networks through plnet: configuration errors of the spring keys (file:line:col), and `plnet solve` against the library. */
#include "cli_helpers.h"
#include "plnet.h"
#include "test_support.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void expect_error(const char *tag, const char *yaml, int want_rc, const char *needle)
{
    char *dir = tc_dir(tag);
    char *cfg = tc_write(dir, "exp.yaml", yaml);
    char *outdir = tc_fmt("%s/out", dir);
    char *err = NULL;
    int rc = tc_run(NULL, &err, "solve", cfg, "-o", outdir, NULL);
    cr_assert_eq(rc, want_rc, "exit %d, want %d; stderr: %s", rc, want_rc, err);
    cr_assert(strstr(err, needle) != NULL, "stderr lacks '%s':\n%s", needle, err);
    cr_assert(!tc_exists(outdir), "a failed run created %s", outdir);
    free(err);
    free(outdir);
    free(cfg);
    free(dir);
}

#define SPRING_NET "network:\n  kind: spring\n  graph: {generator: triangular_lattice, size: [4, 4]}\n"

Test(spring_cli, pin_displacements_count)
{
    expect_error("sp1", SPRING_NET "boundary:\n  pins: {nodes: [0, 3], displacements: [[0.1, 0.0]]}\n",
                 2, "exp.yaml:5:40: boundary.pins.displacements: 1 vectors for 2 pins");
}

Test(spring_cli, pin_vector_length)
{
    expect_error("sp2", SPRING_NET "boundary:\n  pins: {nodes: [0], displacements: [[0.1]]}\n", 2,
                 "exp.yaml:5:38: boundary.pins.displacements: item 0 must be a vector");
}

Test(spring_cli, pin_axes_not_axes)
{
    expect_error("sp3", SPRING_NET "boundary:\n  pins: {nodes: [0, 3], axes: [xy, w]}\n", 2,
                 "exp.yaml:5:31: boundary.pins.axes: 'w' (pin 1) is not a set of axes");
}

Test(spring_cli, pin_axis_beyond_dimension)
{
    expect_error("sp4", SPRING_NET "boundary:\n  pins: {nodes: [0, 3, 1], axes: [xy, xy, z]}\n", 2,
                 "exp.yaml:5:34: boundary.pins.axes: 'z' (pin 2) names axis z of a 2D network");
}

Test(spring_cli, ground_on_springs)
{
    expect_error("sp5", SPRING_NET "boundary:\n  ground: [0]\n", 2,
                 "exp.yaml:5:11: boundary.ground: a spring network has no ground");
}

Test(spring_cli, potentials_on_springs)
{
    expect_error("sp6", SPRING_NET "boundary:\n  potentials: {nodes: [1], values: [1.0]}\n", 2,
                 "exp.yaml:5:3: boundary.potentials: a spring network is held by pins");
}

Test(spring_cli, pins_on_resistors)
{
    expect_error("sp7", "boundary:\n  pins: {nodes: [1]}\n", 2,
                 "exp.yaml:2:3: boundary.pins: only a spring network");
}

Test(spring_cli, output_node_needs_axis)
{
    expect_error("sp8", SPRING_NET "boundary:\n  pins: {nodes: [0, 3, 1]}\n"
                 "task:\n  outputs: {nodes: [14]}\n  targets: [0.1]\n", 2,
                 "exp.yaml:7:20: task.outputs: the nodes of a spring network need an axis");
}

Test(spring_cli, axis_on_resistors)
{
    expect_error("sp9", "task:\n  outputs: {nodes: [14], axis: x}\n  targets: [0.1]\n", 2,
                 "exp.yaml:2:32: task.outputs.axis: only the nodes of a spring network");
}

Test(spring_cli, bad_axis_name)
{
    expect_error("sp10", SPRING_NET "task:\n  outputs: {nodes: [14], axis: w}\n  targets: [0.1]\n",
                 2, "exp.yaml:5:32: task.outputs.axis: 'w' is not one of x, y, z");
}

Test(spring_cli, rest_length_dof_on_resistors)
{
    expect_error("sp11", "learning:\n  dof: rest_length\n", 2,
                 "exp.yaml:2:8: learning.dof: stiffness, rest_length and both need network.kind");
}

Test(spring_cli, conductance_dof_on_springs)
{
    expect_error("sp12", SPRING_NET "learning:\n  dof: conductance\n", 2,
                 "exp.yaml:5:8: learning.dof: a spring network learns its stiffness, rest_length or "
                 "both");
}

Test(spring_cli, both_dof_on_resistors)
{
    expect_error("sp18", "learning:\n  dof: both\n", 2,
                 "exp.yaml:2:8: learning.dof: stiffness, rest_length and both need network.kind");
}

Test(spring_cli, rate_rest_length_needs_both)
{
    expect_error("sp19", SPRING_NET "learning:\n  dof: rest_length\n  rate_rest_length: 0.1\n",
                 2, "exp.yaml:6:21: learning.rate_rest_length: only with learning.dof: both");
}

Test(spring_cli, rate_rest_length_positive)
{
    expect_error("sp20", SPRING_NET "learning:\n  dof: both\n  rate_rest_length: -1\n", 2,
                 "exp.yaml:6:21: learning.rate_rest_length");
}

static bool same_bytes(const char *a, const char *b, const char *name)
{
    char *pa = tc_fmt("%s/%s", a, name), *pb = tc_fmt("%s/%s", b, name);
    FILE *fa = fopen(pa, "rb"), *fb = fopen(pb, "rb");
    bool same = fa != NULL && fb != NULL;
    while (same) {
        int ca = fgetc(fa), cb = fgetc(fb);
        same = ca == cb;
        if (ca == EOF || cb == EOF) {
            break;
        }
    }
    if (fa != NULL) {
        fclose(fa);
    }
    if (fb != NULL) {
        fclose(fb);
    }
    free(pa);
    free(pb);
    return same;
}

/* learning.dof: both (issue #5): example 10's allostery with stiffnesses (rate 1000, since
 * their signal is of order strain^2) and rest lengths (rate_rest_length 0.1) learned together
 * reduces the error >= 100x, writes rate_rest_length back into the resolved configuration, and
 * a run resumed from a checkpoint at step 60 ends bit for bit as the uninterrupted one. */
#define BOTH_YAML(steps)                                                                       \
    "name: both\nseed: 3\nnetwork:\n  kind: spring\n"                                         \
    "  graph: {generator: triangular_lattice, size: [8, 8]}\n"                                 \
    "  edges:\n    stiffness: {init: uniform, low: 0.8, high: 1.2, min: 1.0e-3, max: 1.0e3}\n" \
    "    rest_length: {min: 0.5, max: 1.5}\n"                                                 \
    "  newton_tol: 1.0e-10\nboundary:\n  pins: {nodes: [0, 3, 7]}\n"                          \
    "task:\n  kind: allostery\n  inputs: {edges: [71], values: [0.05]}\n"                     \
    "  outputs: {edges: [106, 58]}\n  targets: [0.02, -0.015]\n"                              \
    "learning:\n  rule: coupled\n  rate: 1000.0\n  rate_rest_length: 0.1\n  nudge: 0.1\n"    \
    "  dof: both\ntrain:\n  steps: " steps "\n  log_every: 20\n  checkpoint_every: 60\n"

Test(spring_cli, train_both_dofs)
{
    char *dir = tc_dir("spboth");
    char *full = tc_write(dir, "full.yaml", BOTH_YAML("150"));
    char *part = tc_write(dir, "part.yaml", BOTH_YAML("60"));
    char *o1 = tc_fmt("%s/straight", dir), *o2 = tc_fmt("%s/resumed", dir);
    char *err = NULL;
    int rc = tc_run(NULL, &err, "train", full, "-o", o1, "--quiet", NULL);
    cr_assert_eq(rc, 0, "%s", err);
    free(err);
    char *metrics = tc_fmt("%s/metrics.csv", o1);
    size_t n = 0;
    double *te = tc_column(metrics, "train_error", &n);
    cr_assert(n >= 2);
    cr_log_info("dof both: train error %.3g -> %.3g", te[0], te[n - 1]);
    cr_assert(te[n - 1] <= 1e-2 * te[0], "train error %.3g -> %.3g", te[0], te[n - 1]);
    char *resolved = tc_fmt("%s/config.resolved.yaml", o1);
    size_t nr = 0;
    FILE *f = fopen(resolved, "rb");
    cr_assert(f != NULL);
    char text[8192];
    nr = fread(text, 1, sizeof text - 1, f);
    text[nr] = '\0';
    fclose(f);
    cr_assert(strstr(text, "rate_rest_length: 0.1") != NULL && strstr(text, "dof: both") != NULL,
              "%s", text);
    err = NULL;
    rc = tc_run(NULL, &err, "train", part, "-o", o2, "--quiet", NULL);
    cr_assert_eq(rc, 0, "%s", err);
    free(err);
    err = NULL;
    rc = tc_run(NULL, &err, "train", full, "--resume", o2, "--quiet", NULL);
    cr_assert_eq(rc, 0, "%s", err);
    free(err);
    cr_assert(same_bytes(o1, o2, "network.graphml"), "resumed network differs");
    cr_assert(same_bytes(o1, o2, "metrics.csv"), "resumed metrics differ");
    cr_assert(same_bytes(o1, o2, "checkpoint.bin"), "resumed checkpoint differs");
    free(te);
    free(metrics);
    free(resolved);
    free(o1);
    free(o2);
    free(full);
    free(part);
    free(dir);
}

Test(spring_cli, stiffness_block_on_resistors)
{
    expect_error("sp13", "network:\n  edges:\n    stiffness: {init: constant, value: 1.0}\n", 2,
                 "exp.yaml:3:5: network.edges.stiffness: only a spring network");
}

Test(spring_cli, newton_tolerance_range)
{
    expect_error("sp14", SPRING_NET "  newton_tol: 0.5\n", 2, "exp.yaml:4:15: network.newton_tol");
}

Test(spring_cli, force_vectors_count)
{
    expect_error("sp15", SPRING_NET "boundary:\n  forces: {nodes: [5, 6], values: [[0.1, 0.0]]}\n",
                 2, "exp.yaml:5:11: boundary.forces: 1 force vectors for 2 nodes");
}

Test(spring_cli, pin_node_out_of_range)
{
    expect_error("sp16", SPRING_NET "boundary:\n  pins: {nodes: [0, 99]}\n", 2,
                 "exp.yaml:5:21: boundary.pins.nodes: node 99 does not exist");
}

Test(spring_cli, unpinned_is_under_constrained)
{
    expect_error("sp17", SPRING_NET "boundary:\n  pins: {nodes: [0]}\n", 1,
                 "under-constrained: pin at least 1 more node");
}

/* plnet solve on a 2D spring network with a displaced pin, a roller, a force and an imposed
 * strain gives the positions the library gives for the same network. */
Test(spring_cli, solve_matches_library)
{
    char *dir = tc_dir("spsolve");
    char *cfg = tc_write(dir, "exp.yaml",
                         "network:\n  kind: spring\n"
                         "  graph: {generator: triangular_lattice, size: [5, 5]}\n"
                         "  edges:\n    stiffness: {init: constant, value: 2.5}\n"
                         "boundary:\n"
                         "  pins: {nodes: [0, 4, 2], displacements: [[0.0, 0.0], [0.05, 0.02], "
                         "[0.0, 0.0]], axes: [xy, xy, y]}\n"
                         "  forces: {nodes: [22], values: [[0.1, -0.2]]}\n"
                         "  edge_strains: {edges: [9], values: [0.04]}\n");
    char *outdir = tc_fmt("%s/out", dir);
    char *err = NULL;
    int rc = tc_run(NULL, &err, "solve", cfg, "-o", outdir, NULL);
    cr_assert_eq(rc, 0, "%s", err);
    char *pos = tc_fmt("%s/positions.csv", outdir);
    size_t nx = 0, ny = 0;
    double *x = tc_column(pos, "x", &nx), *y = tc_column(pos, "y", &ny);
    cr_assert_eq(nx, 25);

    pln_ctx *ctx = NULL;
    cr_assert_eq(pln_ctx_create(&ctx), PLN_OK);
    pln_graph *g = NULL;
    cr_assert_eq(pln_graph_triangular_lattice(ctx, 5, 5, false, &g), PLN_OK);
    pln_idx pins[3] = {0, 4, 2}, fn = 22, se = 9;
    double disp[6] = {0, 0, 0.05, 0.02, 0, 0}, f[2] = {0.1, -0.2}, sv = 0.04;
    int axes[3] = {3, 3, 2};
    pln_boundary bc;
    pln_boundary_default(&bc);
    bc.n_dirichlet = 3;
    bc.dirichlet_nodes = pins;
    bc.dirichlet_values = disp;
    bc.dirichlet_axes = axes;
    bc.n_currents = 1;
    bc.current_nodes = &fn;
    bc.current_values = f;
    bc.n_sources = 1;
    bc.source_edges = &se;
    bc.source_values = &sv;
    pln_network_options o;
    pln_network_options_default(&o);
    o.kind = PLN_KIND_SPRING;
    o.default_stiffness = 2.5;
    pln_network *net = NULL;
    cr_assert_eq(pln_network_create(ctx, g, &o, &bc, &net), PLN_OK);
    pln_states *st = NULL;
    cr_assert_eq(pln_states_create(ctx, net, 0, NULL, NULL, &st), PLN_OK);
    cr_assert_eq(pln_states_factor(st), PLN_OK);
    double xs[50];
    cr_assert_eq(pln_states_free(st, 1, NULL, xs, NULL), PLN_OK);
    for (pln_idx i = 0; i < 25; i++) {
        /* 17 significant digits in the CSV: the same solve, the same numbers */
        cr_assert(fabs(x[i] - xs[2 * i]) <= 1e-14 && fabs(y[i] - xs[2 * i + 1]) <= 1e-14,
                  "node %lld: (%.17g, %.17g) vs (%.17g, %.17g)", (long long)i, x[i], y[i],
                  xs[2 * i], xs[2 * i + 1]);
    }
    char *edges = tc_fmt("%s/edges.csv", outdir);
    size_t ne = 0;
    double *strain = tc_column(edges, "strain", &ne);
    cr_assert_eq((pln_idx)ne, pln_network_n_edges(net));
    cr_assert(fabs(strain[9] - 0.04) < 1e-9, "imposed strain %.17g", strain[9]);
    pln_states_destroy(st);
    pln_network_destroy(net);
    pln_graph_destroy(g);
    pln_ctx_destroy(ctx);
    free(strain);
    free(edges);
    free(x);
    free(y);
    free(pos);
    free(err);
    free(outdir);
    free(cfg);
    free(dir);
}
