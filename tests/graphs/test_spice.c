/* test_spice.c — SPICE netlists in: values and suffixes, syntax, sources as a boundary, errors with file:line. */
#include "pln_graph.h"
#include "pln_internal.h"
#include "test_support.h"

#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static pln_ctx *ctx;
static char *dir;
static char path_buf[4096];

static void setup(void)
{
    cr_assert(eq(int, pln_ctx_create(&ctx), PLN_OK));
    dir = ts_tempdir("graphs-spice");
    cr_assert(not(eq(ptr, dir, NULL)));
}

static void teardown(void)
{
    pln_ctx_destroy(ctx);
    free(dir);
    ts_check_leaks();
}

TestSuite(spice, .init = setup, .fini = teardown, .timeout = 30);

static const char *write_file(const char *name, const char *text)
{
    snprintf(path_buf, sizeof path_buf, "%s/%s", dir, name);
    FILE *f = fopen(path_buf, "w");
    cr_assert(f != NULL);
    fputs(text, f);
    fclose(f);
    return path_buf;
}

/* Node id by SPICE name, -1 when absent. */
static pln_idx node_id(const pln_graph *g, const char *name)
{
    const char *const *nm = pln_graph_node_label(g, "name");
    cr_assert(nm != NULL);
    for (pln_idx i = 0; i < pln_graph_n_nodes(g); i++) {
        if (strcmp(nm[i], name) == 0) {
            return i;
        }
    }
    return -1;
}

/* Read a netlist of one resistor "R1 a b <value>" and return its resistance. */
static double one_value(const char *value)
{
    char text[256];
    snprintf(text, sizeof text, "title\nR1 a 0 %s\n.end\n", value);
    const char *p = write_file("one.cir", text);
    pln_graph *g = NULL;
    pln_status st = pln_graph_read_spice(ctx, p, &g, NULL);
    cr_assert(eq(int, st, PLN_OK), "%s: %s", value, pln_ctx_last_error(ctx)->message);
    double r = pln_graph_edge_attr(g, "resistance")[0];
    double k = pln_graph_edge_attr(g, "conductance")[0];
    cr_assert(ieee_ulp_eq(dbl, k, 1.0 / r, 0), "conductance is 1/R");
    pln_graph_destroy(g);
    return r;
}

/* The scale factors of SPICE3's manual (and ngspice's), not of this reader. */
Test(spice, suffixes_scale_as_spice_defines_them)
{
    struct {
        const char *text;
        double want;
    } cases[] = {
        {"2.5", 2.5},       {"1e3", 1e3},        {"1.5E-2", 1.5e-2},  {"3T", 3e12},
        {"3t", 3e12},       {"2G", 2e9},         {"4.7MEG", 4.7e6},   {"4.7meg", 4.7e6},
        {"4.7Meg", 4.7e6},  {"47K", 47e3},       {"47k", 47e3},       {"2M", 2e-3},
        {"2m", 2e-3},       {"3U", 3e-6},        {"3u", 3e-6},        {"5N", 5e-9},
        {"6P", 6e-12},      {"7F", 7e-15},       {"2MIL", 2 * 25.4e-6}, {"1kOhm", 1e3},
        {"2.2uF", 2.2e-6},  {"10V", 10.0},       {"1Ohm", 1.0},       {"1MegOhm", 1e6},
        {"1mOhm", 1e-3},    {"1e-3k", 1.0},      {".5k", 500.0},      {"5.k", 5000.0},
        {"+12", 12.0},      {"1Farad", 1e-15},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        double got = one_value(cases[k].text);
        cr_assert(ts_rel_diff(got, cases[k].want, 0.0) < 1e-15, "%s read as %.17g, want %.17g",
                  cases[k].text, got, cases[k].want);
    }
    ts_check_leaks(); /* in the body: Criterion 2.4.1 ignores .fini failures */
}

Test(spice, title_comments_continuations_and_case)
{
    /* The title line looks like an element and must not become one; '+' continues an
     * element across comment lines; names are case-insensitive; .end stops the reading. */
    const char *p = write_file("syntax.cir",
                               "R9 x y 1\n"
                               "* a comment line\n"
                               "r1 In Mid 2k ; inline comment\n"
                               "R2 mid\n"
                               "* a comment inside a continuation\n"
                               "+ GND\n"
                               "+ 3k $ another comment\n"
                               "  .OP\n"
                               ".options noacct\n"
                               ".control\nR99 q r 1\n.endc\n"
                               "V1 IN 0 DC 5\n"
                               ".END\n"
                               "R3 after end 1\n");
    pln_graph *g = NULL;
    pln_spice_sources s;
    cr_assert(eq(int, pln_graph_read_spice(ctx, p, &g, &s), PLN_OK), "%s",
              pln_ctx_last_error(ctx)->message);
    cr_assert(eq(i64, pln_graph_n_edges(g), 2));
    cr_assert(eq(i64, pln_graph_n_nodes(g), 3));
    pln_idx in = node_id(g, "in");
    pln_idx mid = node_id(g, "mid");
    pln_idx gnd = node_id(g, "0");
    cr_assert(in >= 0 && mid >= 0 && gnd >= 0);
    cr_assert(eq(i64, node_id(g, "x"), -1), "the title line is not an element");
    cr_assert(eq(i64, s.ground, gnd));
    const pln_idx *t = pln_graph_tails(g);
    const pln_idx *h = pln_graph_heads(g);
    const double *r = pln_graph_edge_attr(g, "resistance");
    cr_assert(t[0] == in && h[0] == mid && r[0] == 2000.0);
    cr_assert(t[1] == mid && h[1] == gnd && r[1] == 3000.0);
    cr_assert(eq(i64, s.n_v, 1));
    cr_assert(eq(i64, s.n_i, 0));
    cr_assert(eq(i64, s.v[0].line, 13));
    pln_spice_sources_free(&s);
    pln_spice_sources_free(NULL);
    pln_graph_destroy(g);
    ts_check_leaks(); /* in the body: Criterion 2.4.1 ignores .fini failures */
}

Test(spice, sources_become_the_boundary)
{
    const char *p = write_file("src.cir",
                               "sources\n"
                               "R1 a b 1\nR2 b 0 1\nR3 c b 1\nR4 d c 1\n"
                               "V1 a 0 2\n"    /* p(a) = 2 */
                               "V2 0 d 3\n"    /* p(0) - p(d) = 3: p(d) = -3 */
                               "V3 b c DC 0.5\n" /* across R3, which runs c -> b */
                               "I1 b c 0.25\n" /* 0.25 A out of b, into c */
                               "I2 0 b 1m\n"   /* 1 mA into b */
                               "I3 c gnd 2\n"  /* 2 A out of c */
                               );
    pln_graph *g = NULL;
    pln_spice_sources s;
    cr_assert(eq(int, pln_graph_read_spice(ctx, p, &g, &s), PLN_OK), "%s",
              pln_ctx_last_error(ctx)->message);
    pln_idx a = node_id(g, "a"), b = node_id(g, "b"), c = node_id(g, "c"), d = node_id(g, "d");
    cr_assert(eq(i64, s.n_dirichlet, 3));
    cr_assert(s.dirichlet_nodes[0] == s.ground && s.dirichlet_values[0] == 0.0);
    cr_assert(s.dirichlet_nodes[1] == a && s.dirichlet_values[1] == 2.0);
    cr_assert(s.dirichlet_nodes[2] == d && s.dirichlet_values[2] == -3.0);
    /* R3 is edge 2 with tail c, head b: p_c - p_b = -(p_b - p_c) = -0.5. */
    cr_assert(eq(i64, s.n_sources, 1));
    cr_assert(s.source_edges[0] == 2 && s.source_values[0] == -0.5);
    cr_assert(eq(i64, s.v[2].edge, 2));
    cr_assert(eq(i64, s.n_currents, 2));
    double jb = 0, jc = 0;
    for (pln_idx k = 0; k < s.n_currents; k++) {
        if (s.current_nodes[k] == b) {
            jb = s.current_values[k];
        } else if (s.current_nodes[k] == c) {
            jc = s.current_values[k];
        }
    }
    cr_assert(ts_rel_diff(jb, -0.25 + 1e-3, 0) < 1e-15, "into b: %g", jb);
    cr_assert(ts_rel_diff(jc, 0.25 - 2.0, 0) < 1e-15, "into c: %g", jc);
    pln_spice_sources_free(&s);
    pln_graph_destroy(g);
    ts_check_leaks(); /* in the body: Criterion 2.4.1 ignores .fini failures */
}

/* Each bad netlist fails with the status and the line the message names. */
Test(spice, errors_name_file_and_line)
{
    struct {
        const char *text;
        pln_status st;
        const char *where;
    } cases[] = {
        {"t\nR1 a 0 1\nC1 a 0 1u\n", PLN_EPARSE, ":3: unknown element 'C1'"},
        {"t\nR1 a 0\n", PLN_EPARSE, ":2: too few fields"},
        {"t\nR1 a 0 1\nV1 a 0 DC\n", PLN_EPARSE, ":3: too few fields"},
        {"t\nR1 a 0 x1\n", PLN_EPARSE, ":2: 'R1': bad value 'x1'"},
        {"t\nR1 a 0 1k5\n", PLN_EPARSE, ":2: 'R1': bad value '1k5'"},
        {"t\nR1 a 0 inf\n", PLN_EPARSE, ":2: 'R1': bad value"},
        {"t\nR1 a 0 1e999\n", PLN_EPARSE, ":2: 'R1': bad value"},
        {"t\n\nR1 a 0 0\n", PLN_EPARSE, ":3: resistor 'R1'"},
        {"t\nR1 a 0 -5\n", PLN_EPARSE, ":2: resistor 'R1'"},
        {"t\nR1 a A 1\n", PLN_EPARSE, ":2: 'R1' joins node 'a' to itself"},
        {"t\nR1 a 0 1\nV1 a gnd 1\nV2 0 a 1\n", PLN_EPARSE, ":4: node 'a' is already fixed"},
        {"t\nR1 a 0 1\nR2 b 0 1\nV1 a b 1\n", PLN_EINVAL, ":4: voltage source between"},
        {"t\n+ R1 a 0 1\n", PLN_EPARSE, ":2: continuation"},
        {"t\n.subckt foo a b\nR1 a b 1\n.ends\n", PLN_EPARSE, ":2: .subckt"},
        {"t\nR1 a 0 1 tc1=0.1\n", PLN_EPARSE, ":2: 'R1': unsupported field"},
        {"t\nV1 a 0 1\n.end\n", PLN_EPARSE, ": no resistors"},
        {"R1 a 0 1\n", PLN_EPARSE, ": no resistors"}, /* the only element is the title */
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        const char *p = write_file("bad.cir", cases[k].text);
        pln_graph *g = NULL;
        pln_spice_sources s;
        pln_status st = pln_graph_read_spice(ctx, p, &g, &s);
        const char *msg = pln_ctx_last_error(ctx)->message;
        cr_assert(eq(int, st, cases[k].st), "case %zu: %s", k, msg);
        cr_assert(g == NULL);
        cr_assert(s.n_v == 0 && s.v == NULL && s.ground == -1);
        cr_assert(strncmp(msg, p, strlen(p)) == 0, "case %zu names the file: %s", k, msg);
        cr_assert(strstr(msg, cases[k].where) != NULL, "case %zu: '%s' not in '%s'", k,
                  cases[k].where, msg);
    }
    pln_graph *g = NULL;
    snprintf(path_buf, sizeof path_buf, "%s/missing.cir", dir);
    cr_assert(eq(int, pln_graph_read_spice(ctx, path_buf, &g, NULL), PLN_EIO));
    cr_assert(strstr(pln_ctx_last_error(ctx)->message, "missing.cir") != NULL);
    ts_check_leaks(); /* in the body: Criterion 2.4.1 ignores .fini failures */
}

/* Truncated and degenerate inputs fail cleanly (or read): the place for fuzz crashers, though
 * fuzz/run.sh has found none in this reader so far. */
Test(spice, truncated_inputs_fail_cleanly)
{
    const char *inputs[] = {
        "",
        "\n",
        "t\n+",
        "t\nR",
        "t\nR1 a 0 .\n",
        "t\nR1 a 0 -\n",
        "t\nR1 a 0 1e\n",
        "t\nR1 a 0 1e+\n",
        "t\nV1 a 0 dc 1 ac\nR1 a 0 1\n",
        "t\r\nR1 a 0 1\r\n",
    };
    for (size_t k = 0; k < sizeof inputs / sizeof inputs[0]; k++) {
        const char *p = write_file("fz.cir", inputs[k]);
        pln_graph *g = NULL;
        pln_spice_sources s;
        pln_status st = pln_graph_read_spice(ctx, p, &g, &s);
        cr_assert(st == PLN_OK || st == PLN_EPARSE || st == PLN_EINVAL, "input %zu: %d", k, st);
        pln_spice_sources_free(&s);
        pln_graph_destroy(g);
    }
    ts_check_leaks(); /* in the body: Criterion 2.4.1 ignores .fini failures */
}

Test(spice, allocation_failure_is_enomem_without_leaks)
{
    const char *p = write_file("alloc.cir", "t\nR1 a b 1k\nR2 b 0 2k\nR3 c b 1\nV1 a 0 1\n"
                                            "V2 c b 1\nI1 b 0 1m\n");
    for (long n = 0;; n++) {
        pln_graph *g = NULL;
        pln_spice_sources s;
        pln_i_alloc_fail_after(n);
        pln_status st = pln_graph_read_spice(ctx, p, &g, &s);
        pln_i_alloc_fail_after(-1);
        if (st == PLN_OK) {
            cr_assert(n > 5);
            pln_spice_sources_free(&s);
            pln_graph_destroy(g);
            break;
        }
        cr_assert(eq(int, st, PLN_ENOMEM), "after %ld allocations: %s", n,
                  pln_ctx_last_error(ctx)->message);
        cr_assert(g == NULL);
        cr_assert(n < 1000);
    }
    ts_check_leaks(); /* in the body: Criterion 2.4.1 ignores .fini failures */
}
