/* test_draw.c — `plnet draw`: the SVG of a solved network parses as XML with one path per edge, and curves.svg one curve per metric. */
#include "cli_helpers.h"
#include "plnet.h"
#include "test_support.h"

#include <cairo.h>
#include <criterion/criterion.h>
#include <fontconfig/fontconfig.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

TestSuite(draw, .timeout = 120);

/* Debian's cairo 1.16 SVG surface leaks one 472-byte block per cairo_push_group /
 * cairo_pop_group_to_source pair (reproduced with cairo alone: create an SVG surface, push a
 * group, stroke, pop it to the source, paint, destroy everything, reset cairo's static data:
 * LeakSanitizer reports 472 bytes); plnet draw needs that group to keep the edges together.
 * LeakSanitizer reads these extra suppressions from the executable. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:libcairo.so.2\n";
}

/* Debian's python3 (xml.etree is in its standard library). */
static int check_svg(const char *args)
{
    char *cmd = tc_fmt("/usr/bin/python3 '%s' %s", ts_source_path("tests/interchange/check_svg.py"),
                       args);
    int rc = system(cmd);
    free(cmd);
    return rc;
}

Test(draw, solved_network_and_metrics_make_valid_svg)
{
    if (system("test -x /usr/bin/python3") != 0) {
        cr_skip("/usr/bin/python3 is needed to parse the SVG");
    }
    char *dir = tc_dir("draw");
    char *cfg = tc_write(dir, "exp.yaml",
                         "name: pic\nseed: 4\n"
                         "network:\n  graph: {generator: triangular_lattice, size: [7, 6]}\n"
                         "  edges:\n    conductance: {init: loguniform, low: 0.01, high: 100}\n"
                         "boundary:\n  ground: [0]\n"
                         "  potentials: {nodes: [41], values: [1.0]}\n"
                         "task:\n  outputs: {nodes: [20, 27]}\n  targets: [0.3, 0.6]\n");
    char *run = tc_fmt("%s/run", dir);
    char *err = NULL;
    int rc = tc_run(NULL, &err, "solve", cfg, "-o", run, NULL);
    cr_assert_eq(rc, 0, "%s", err);
    free(err);
    /* A metrics file of the shape `plnet train` writes: 6 rows, two loss-like columns, two
     * ledger columns and one column drawn nowhere (accuracy): 4 curves of 6 points. No three
     * points lie on a line in log scale, since cairo drops the middle one of such a triple. */
    char *met = tc_write(run, "metrics.csv",
                         "step,loss,test_error,accuracy,joule,bits\n"
                         "0,1.0,0.9,0.1,1e-6,12\n10,0.7,0.75,0.3,3e-6,31\n20,0.23,0.5,0.5,3.5e-6,37\n"
                         "30,0.11,0.33,0.6,7e-6,52\n40,0.041,0.21,0.7,8e-6,55\n"
                         "50,0.03,0.17,0.8,1.2e-5,71\n");
    char *out = NULL;
    rc = tc_run(&out, &err, "draw", run, "--log", NULL);
    cr_assert_eq(rc, 0, "%s", err);
    cr_assert(strstr(out, "network.svg") != NULL && strstr(out, "curves.svg") != NULL, "%s", out);
    free(out);
    free(err);
    /* m = (nx-1) ny + (ny-1)(2 nx - 1) for the open triangular lattice (pln_graph.h). */
    int m = 6 * 6 + 5 * 13;
    char *args = tc_fmt("'%s/network.svg' %d '%s/curves.svg' 4 6", run, m, run);
    cr_assert_eq(check_svg(args), 0, "the SVG files do not hold what they should");
    free(args);
    /* The check can fail: a wrong edge count is caught. */
    args = tc_fmt("'%s/network.svg' %d > /dev/null", run, m - 1);
    cr_assert_neq(check_svg(args), 0);
    free(args);
    free(met);
    free(run);
    free(cfg);
    free(dir);
    /* cairo and fontconfig keep font caches for the process's life: drop them first. */
    cairo_debug_reset_static_data();
    FcFini();
    ts_check_leaks(); /* in the body: Criterion 2.4.1 ignores .fini failures */
}

Test(draw, netlist_without_positions_is_laid_out)
{
    if (system("test -x /usr/bin/python3") != 0) {
        cr_skip("/usr/bin/python3 is needed to parse the SVG");
    }
    char *dir = tc_dir("draw-spice");
    char *cir = tc_write(dir, "bridge.cir", "bridge\nR1 in a 1k\nR2 in b 2k\nR3 a b 500\n"
                                            "R4 a 0 3k\nR5 b 0 1k\nV1 in 0 5\nI1 0 a 1m\n.end\n");
    char *pics = tc_fmt("%s/pics", dir);
    char *err = NULL;
    int rc = tc_run(NULL, &err, "draw", cir, "-o", pics, NULL);
    cr_assert_eq(rc, 0, "%s", err);
    free(err);
    char *args = tc_fmt("'%s/network.svg' 5", pics);
    cr_assert_eq(check_svg(args), 0);
    free(args);
    rc = tc_run(NULL, &err, "draw", "/nonexistent/run", NULL);
    cr_assert_eq(rc, 2);
    cr_assert(strstr(err, "does not exist") != NULL, "%s", err);
    free(err);
    free(pics);
    free(cir);
    free(dir);
    /* cairo and fontconfig keep font caches for the process's life: drop them first. */
    cairo_debug_reset_static_data();
    FcFini();
    ts_check_leaks(); /* in the body: Criterion 2.4.1 ignores .fini failures */
}

/* Issue 13: a solved circuit's picture shows each element's kind (its edge's dash pattern and
 * marker) and operating region (the marker's colour) as edges.csv states them; a region
 * changed in a copy of edges.csv no longer matches the picture. */
Test(draw, circuit_shows_element_kinds_and_regions)
{
    if (system("test -x /usr/bin/python3") != 0) {
        cr_skip("/usr/bin/python3 is needed to parse the SVG");
    }
    char *dir = tc_dir("draw-circuit");
    char *cfg = tc_write(dir, "el.yaml",
                         "name: el\nseed: 4\n"
                         "network:\n  kind: resistor\n"
                         "  graph: {generator: square_lattice, size: [4, 4]}\n"
                         "  edges:\n    conductance: {init: uniform, low: 1.0e-3, high: 2.0e-3, "
                         "min: 1.0e-4, max: 1.0}\n"
                         "  elements:\n"
                         "    edges: {diode: [0, 5, 9, 14], nmos: [2, 7, 11, 19, 21], "
                         "ideal_diode: [3], table: [22]}\n"
                         "    kp: 2.0e-4\n    vto: 0.4\n"
                         "    gate: {init: uniform, low: 0.0, high: 2.0}\n"
                         "    iv: {v: [-1.0, 0.0, 0.5, 1.0], i: [-1.0e-4, 0.0, 1.0e-4, 1.0e-3]}\n"
                         "boundary:\n  ground: [0]\n  potentials: {nodes: [15], values: [2.5]}\n"
                         "  currents: {nodes: [6], values: [1.0e-4]}\n");
    char *run = tc_fmt("%s/run", dir);
    char *err = NULL;
    int rc = tc_run(NULL, &err, "solve", cfg, "-o", run, NULL);
    cr_assert_eq(rc, 0, "%s", err);
    free(err);
    char *pics = tc_fmt("%s/pics", dir), *graphml = tc_fmt("%s/network.graphml", run);
    rc = tc_run(NULL, &err, "draw", graphml, "-o", pics, NULL);
    cr_assert_eq(rc, 0, "%s", err);
    free(err);
    char *cmd = tc_fmt("/usr/bin/python3 '%s' '%s/network.svg' '%s/edges.csv'",
                       ts_source_path("tests/interchange/check_elements_svg.py"), pics, run);
    cr_assert_eq(system(cmd), 0, "the picture does not show edges.csv's kinds and regions");
    free(cmd);
    /* the check can fail: one transistor's region changed in a copy of edges.csv */
    cmd = tc_fmt("sed 's/,nmos,triode$/,nmos,saturation/' '%s/edges.csv' > '%s/bad.csv' && "
                 "! /usr/bin/python3 '%s' '%s/network.svg' '%s/bad.csv' 2> /dev/null",
                 run, dir, ts_source_path("tests/interchange/check_elements_svg.py"), pics, dir);
    cr_assert_eq(system(cmd), 0, "a wrong region went unnoticed");
    free(cmd);
    free(graphml);
    free(pics);
    free(run);
    free(cfg);
    free(dir);
    cairo_debug_reset_static_data();
    FcFini();
    ts_check_leaks();
}
