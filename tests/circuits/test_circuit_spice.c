/* test_circuit_spice.c — SPICE netlists with diodes (D, .model D) and level-1 NMOS transistors (M, .model NMOS): the element parameters read (area, W/L, defaults, gate sources either way round), the netlist's steady state against ngspice's .op, the network written back as a netlist and read again, and the netlists plnet refuses, each naming its line. */
#include "circuit_fixtures.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ngspice 39 uses CODATA 2014's k/q, plnet SI 2019's: 3.4e-7 relative in V_T, a few 1e-7 V on
 * a conducting junction; the brief's bar is 1e-6 V. */
#define TOL_NGSPICE_V 1e-6

static pln_ctx *ctx;
static char *dir;
static void setup(void)
{
    cr_assert_eq(pln_ctx_create(&ctx), PLN_OK);
    dir = ts_tempdir("circuit-spice");
}
static void teardown(void)
{
    free(dir);
    pln_ctx_destroy(ctx);
    ts_check_leaks();
}
TestSuite(circuit_spice, .init = setup, .fini = teardown, .timeout = 120);

static char *write_file(const char *name, const char *text)
{
    char *path = malloc(strlen(dir) + strlen(name) + 2);
    sprintf(path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    cr_assert(f != NULL);
    fputs(text, f);
    fclose(f);
    return path;
}

/* Every device form the reader takes: a diode with an area and an ignored capacitance, one
 * from ground, transistors with W/L and with ngspice's default geometry, gate sources written
 * both ways round (gate to source, source to gate), a source across a diode (an edge source),
 * a current source, comments and a continuation inside a .model. */
static const char deck_fmt[] =
    "diodes and transistors\n"
    "V1 in 0 DC 3\n"
    "R1 in a 1k\n"
    "D1 a b DX\n"
    ".model DX D(IS=2e-14 N=1.3\n"
    "+ RS=15 CJO=2p) ; capacitance: no effect on .op\n"
    "R2 b 0 2.2k\n"
    "M1 a g1 c c NX W=20u L=10u\n"
    "VG1 g1 c DC 1.8\n"
    ".model NX NMOS(LEVEL=1 KP=1e-4 VTO=0.6 LAMBDA=0.02 IS=0 CGSO=1p)\n"
    "R3 c 0 1.5k\n"
    "D2 0 c DX 2\n"
    "I1 0 b 0.2m\n"
    "M2 c g2 b b NX\n"
    "VG2 b g2 DC -0.9\n"
    "R4 a d 470\n"
    "D3 d e DX\n"
    "R5 e 0 330\n"
    "VD d e DC 0.55\n"
    ".op\n"
    ".control\nop\nset filetype=ascii\nwrite %s all\n.endc\n"
    ".end\n";

/* SPICE node names of the deck in plnet's numbering (order of first appearance). */
static const char *const names[] = {"in", "0", "a", "b", "c", "d", "e"};

Test(circuit_spice, devices_read_with_their_parameters)
{
    char deck[2048];
    snprintf(deck, sizeof deck, deck_fmt, "unused.raw");
    char *path = write_file("dm.cir", deck);
    pln_graph *g = NULL;
    pln_spice_sources src;
    cr_assert_eq(pln_graph_read_spice(ctx, path, &g, &src), PLN_OK, "%s",
                 pln_ctx_last_error(ctx)->message);
    /* gate nodes g1, g2 are not nodes; their sources are not sources */
    cr_assert_eq(pln_graph_n_nodes(g), 7);
    cr_assert_eq(pln_graph_n_edges(g), 10);
    cr_assert_eq(src.n_v, 2, "V1 and VD (the gate sources are gone)");
    const char *const *lab = pln_graph_node_label(g, "name");
    for (int i = 0; i < 7; i++) {
        cr_assert_str_eq(lab[i], names[i]);
    }
    const double *el = pln_graph_edge_attr(g, "element"), *is = pln_graph_edge_attr(g, "diode_is");
    const double *rs = pln_graph_edge_attr(g, "diode_rs"), *kp = pln_graph_edge_attr(g, "kp");
    const double *gate = pln_graph_edge_attr(g, "gate"), *lam = pln_graph_edge_attr(g, "lambda");
    const double *res = pln_graph_edge_attr(g, "resistance");
    /* edges in file order: R1 D1 R2 M1 R3 D2 M2 R4 D3 R5 */
    static const double kinds[] = {0, 1, 0, 3, 0, 1, 3, 0, 1, 0};
    for (int e = 0; e < 10; e++) {
        cr_assert_eq(el[e], kinds[e], "edge %d", e);
    }
    cr_assert_eq(res[0], 1e3);
    cr_assert(isnan(res[1]));
    cr_assert_eq(is[1], 2e-14);
    cr_assert_eq(rs[1], 15.0);
    cr_assert(fabs(is[5] - 4e-14) < 1e-28, "area 2 doubles I_s");
    cr_assert_eq(rs[5], 7.5, "and halves R_s");
    cr_assert(fabs(kp[3] - 2e-4) < 1e-18, "K' W/L = 1e-4 * 2");
    cr_assert_eq(kp[6], 1e-4, "default W = L");
    cr_assert_eq(gate[3], 1.8);
    cr_assert_eq(gate[6], 0.9, "VG2 b g2 -0.9 holds the gate 0.9 V above b");
    cr_assert_eq(lam[3], 0.02);
    cr_assert(isnan(gate[1]) && isnan(kp[0]));
    /* the source across D3 fixes its drop */
    cr_assert_eq(src.n_sources, 1);
    cr_assert_eq(src.source_edges[0], 8);
    cr_assert_eq(src.source_values[0], 0.55);
    pln_spice_sources_free(&src);
    pln_graph_destroy(g);
    free(path);
}

static double *solve_graph(pln_graph *g, const pln_spice_sources *src, pln_network **net_out)
{
    pln_boundary bc;
    pln_boundary_default(&bc);
    bc.n_dirichlet = src->n_dirichlet;
    bc.dirichlet_nodes = src->dirichlet_nodes;
    bc.dirichlet_values = src->dirichlet_values;
    bc.n_currents = src->n_currents;
    bc.current_nodes = src->current_nodes;
    bc.current_values = src->current_values;
    bc.n_sources = src->n_sources;
    bc.source_edges = src->source_edges;
    bc.source_values = src->source_values;
    pln_network *net = NULL;
    cr_assert_eq(pln_network_create(ctx, g, NULL, &bc, &net), PLN_OK, "%s",
                 pln_ctx_last_error(ctx)->message);
    pln_states_options so;
    pln_states_options_default(&so);
    so.newton_tol = 1e-13;
    pln_states *st = NULL;
    cr_assert_eq(pln_states_create(ctx, net, 0, NULL, &so, &st), PLN_OK);
    cr_assert_eq(pln_states_factor(st), PLN_OK);
    const pln_idx n = pln_network_n_nodes(net);
    double *p = calloc((size_t)n, sizeof *p);
    cr_assert_eq(pln_states_free(st, 1, NULL, p, NULL), PLN_OK, "%s",
                 pln_ctx_last_error(ctx)->message);
    pln_states_destroy(st);
    *net_out = net;
    return p;
}

/* ngspice's node voltages by name from an ASCII raw file */
static double raw_value(const char *raw, const char *name)
{
    FILE *f = fopen(raw, "r");
    cr_assert(f != NULL, "no raw file %s", raw);
    char line[512], want[64];
    snprintf(want, sizeof want, "v(%s)", name);
    int state = 0, idx = -1, k = 0;
    double v = NAN;
    while (fgets(line, sizeof line, f) != NULL) {
        if (strncmp(line, "Variables:", 10) == 0) {
            state = 1;
            continue;
        }
        if (strncmp(line, "Values:", 7) == 0) {
            state = 2;
            continue;
        }
        if (state == 1) {
            int i;
            char nm[128], ty[64];
            if (sscanf(line, "%d %127s %63s", &i, nm, ty) == 3 && strcmp(nm, want) == 0) {
                idx = i;
            }
        } else if (state == 2) {
            char *s = line;
            if (k == 0) {
                strtol(s, &s, 10);
            }
            if (k == idx) {
                v = strtod(s, NULL);
            }
            k++;
        }
    }
    fclose(f);
    return v;
}

Test(circuit_spice, netlist_solves_as_ngspice_and_writes_back_the_same_circuit)
{
    if (!cf_have_ngspice()) {
        cr_skip("ngspice is not installed");
    }
    char raw[512], deck[2048], cmd[1200];
    snprintf(raw, sizeof raw, "%s/dm.raw", dir);
    snprintf(deck, sizeof deck, deck_fmt, raw);
    char *path = write_file("dm.cir", deck);
    snprintf(cmd, sizeof cmd, "ngspice -b '%s' > '%s.log' 2>&1", path, path);
    cr_assert_eq(system(cmd), 0);
    pln_graph *g = NULL;
    pln_spice_sources src;
    cr_assert_eq(pln_graph_read_spice(ctx, path, &g, &src), PLN_OK);
    pln_network *net = NULL;
    double *p = solve_graph(g, &src, &net);
    for (int i = 0; i < 7; i++) {
        const double want = strcmp(names[i], "0") == 0 ? 0.0 : raw_value(raw, names[i]);
        cr_assert(fabs(p[i] - want) <= TOL_NGSPICE_V, "node %s: plnet %.12g, ngspice %.12g",
                  names[i], p[i], want);
    }
    /* written back, read again: the same network, hence the same potentials to rounding */
    char *back = malloc(strlen(dir) + 16);
    sprintf(back, "%s/back.cir", dir);
    FILE *f = fopen(back, "w");
    bool zero[7] = {false, true, false, false, false, false, false};
    cr_assert_eq(pln_network_write_spice(net, f, "round trip", zero), PLN_OK, "%s",
                 pln_ctx_last_error(ctx)->message);
    fclose(f);
    pln_graph *g2 = NULL;
    pln_spice_sources src2;
    cr_assert_eq(pln_graph_read_spice(ctx, back, &g2, &src2), PLN_OK, "%s",
                 pln_ctx_last_error(ctx)->message);
    pln_network *net2 = NULL;
    double *p2 = solve_graph(g2, &src2, &net2);
    const char *const *lab2 = pln_graph_node_label(g2, "name");
    for (pln_idx i = 0; i < pln_graph_n_nodes(g2); i++) {
        /* written names are n<i> (0 for ground) */
        long id = strcmp(lab2[i], "0") == 0 ? 1 : strtol(lab2[i] + 1, NULL, 10);
        cr_assert(fabs(p2[i] - p[id]) < 1e-12, "node %s: %.17g vs %.17g", lab2[i], p2[i], p[id]);
    }
    pln_network_destroy(net);
    pln_network_destroy(net2);
    pln_spice_sources_free(&src);
    pln_spice_sources_free(&src2);
    pln_graph_destroy(g);
    pln_graph_destroy(g2);
    free(p);
    free(p2);
    free(back);
    free(path);
}

Test(circuit_spice, refused_netlists_name_the_line)
{
    struct {
        const char *text;
        const char *why;
        const char *line;
    } bad[] = {
        {"t\nV1 a 0 1\nR1 a b 1k\nM1 b g 0 0 NX\nVG g a 1\n.model NX NMOS(LEVEL=1 IS=0)\n",
         "to its source", ":5:"},
        {"t\nV1 a 0 1\nR1 a b 1k\nM1 b g 0 0 NX\n.model NX NMOS(LEVEL=1 IS=0)\n",
         "held by no voltage source", ":4:"},
        {"t\nV1 a 0 1\nR1 a b 1k\nM1 b g c 0 NX\nR2 c 0 1k\nVG g c 1\n"
         ".model NX NMOS(LEVEL=1 IS=0)\n",
         "bulk", ":4:"},
        {"t\nV1 a 0 1\nR1 a b 1k\nM1 b g 0 0 NX\nVG g 0 1\n.model NX NMOS(LEVEL=1 KP=1e-4)\n",
         "IS=0", ":6:"},
        {"t\nV1 a 0 1\nR1 a b 1k\nM1 b g 0 0 NX\nVG g 0 1\n.model NX NMOS(LEVEL=2 IS=0)\n",
         "level 1", ":6:"},
        {"t\nV1 a 0 1\nD1 a 0 DX\n.model DX D(IS=1e-14 BV=5)\n", "'bv'", ":4:"},
        {"t\nV1 a 0 1\nD1 a 0 DY\n.model DX D(IS=1e-14)\n", "not defined", ":3:"},
        {"t\nV1 a 0 1\nD1 a 0 DX\n.model DX NMOS(LEVEL=1 IS=0)\n", "another type", ":3:"},
        {"t\nV1 a 0 1\nD1 a 0 DX\n.model DX D(IS=1e-14)\n.model DX D(N=2)\n", "twice", ":5:"},
        {"t\n.temp 50\nV1 a 0 1\nD1 a 0 DX\n.model DX D(IS=1e-14)\n", "27 C", ""},
        {"t\nV1 a 0 1\nR1 a g 1k\nM1 a g 0 0 NX\nVG g 0 1\n.model NX NMOS(LEVEL=1 IS=0)\n",
         "joined to an element", ""},
    };
    for (size_t q = 0; q < sizeof bad / sizeof bad[0]; q++) {
        char name[32];
        snprintf(name, sizeof name, "bad%zu.cir", q);
        char *path = write_file(name, bad[q].text);
        pln_graph *g = NULL;
        pln_spice_sources src;
        cr_assert_eq(pln_graph_read_spice(ctx, path, &g, &src), PLN_EPARSE, "case %zu", q);
        cr_assert_null(g);
        const char *msg = pln_ctx_last_error(ctx)->message;
        cr_assert(strstr(msg, bad[q].why) != NULL, "case %zu: %s", q, msg);
        cr_assert(strstr(msg, bad[q].line) != NULL, "case %zu: %s", q, msg);
        free(path);
    }
}

/* An I(V) table has no SPICE element: writing refuses, naming the edge, and writes nothing. */
Test(circuit_spice, a_table_is_not_written_as_spice)
{
    static const double tv[] = {-1.0, 0.0, 1.0}, ti[] = {-1e-3, 0.0, 2e-3};
    const pln_iv_table tab = {3, tv, ti};
    const cf_edge es[2] = {{1, 0, PLN_ELEM_RESISTOR, {1e-3, 0, 0, 0}},
                           {1, 0, PLN_ELEM_TABLE, {0, 0, 0, 0}}};
    pln_graph *g = cf_graph(ctx, 2, 2, es);
    pln_network_options o;
    pln_network_options_default(&o);
    o.elements.n_tables = 1;
    o.elements.tables = &tab;
    static pln_idx gnd[] = {0};
    pln_boundary bc;
    pln_boundary_default(&bc);
    bc.n_dirichlet = 1;
    bc.dirichlet_nodes = gnd;
    pln_network *net = NULL;
    cr_assert_eq(pln_network_create(ctx, g, &o, &bc, &net), PLN_OK);
    char buf[256] = {0};
    FILE *f = fmemopen(buf, sizeof buf, "w");
    cr_assert_eq(pln_network_write_spice(net, f, "t", NULL), PLN_EINVAL);
    fclose(f);
    cr_assert_eq(pln_ctx_last_error(ctx)->edge, 1);
    cr_assert_eq(buf[0], '\0', "nothing written");
    pln_network_destroy(net);
    pln_graph_destroy(g);
}

/* Ideal diodes go out as ngspice behavioural sources with the same piecewise-linear current:
 * ngspice's .op of the written netlist is plnet's steady state. */
Test(circuit_spice, ideal_diodes_are_written_as_behavioural_sources)
{
    if (!cf_have_ngspice()) {
        cr_skip("ngspice is not installed");
    }
    /* nodes 0 ground, 1 at 2 V, 2 at -1.5 V; 3, 4, 5 free */
    const cf_edge es[] = {{1, 3, PLN_ELEM_RESISTOR, {1e-3, 0, 0, 0}},
                          {3, 4, PLN_ELEM_IDEAL_DIODE, {1.0, 1e-6, 0.3, 0}},
                          {4, 0, PLN_ELEM_RESISTOR, {2e-3, 0, 0, 0}},
                          {2, 5, PLN_ELEM_RESISTOR, {5e-4, 0, 0, 0}},
                          {5, 4, PLN_ELEM_IDEAL_DIODE, {0.5, 0.0, 0.0, 0}},
                          {3, 5, PLN_ELEM_IDEAL_DIODE, {2.0, 1e-7, 0.1, 0}}};
    pln_graph *g = cf_graph(ctx, 6, 6, es);
    pln_idx dn[3] = {0, 1, 2};
    double dv[3] = {0.0, 2.0, -1.5};
    pln_boundary bc;
    pln_boundary_default(&bc);
    bc.n_dirichlet = 3;
    bc.dirichlet_nodes = dn;
    bc.dirichlet_values = dv;
    pln_network *net = NULL;
    cr_assert_eq(pln_network_create(ctx, g, NULL, &bc, &net), PLN_OK);
    pln_states_options so;
    pln_states_options_default(&so);
    so.newton_tol = 1e-13;
    pln_states *st = NULL;
    cr_assert_eq(pln_states_create(ctx, net, 0, NULL, &so, &st), PLN_OK);
    cr_assert_eq(pln_states_factor(st), PLN_OK);
    double p[6];
    cr_assert_eq(pln_states_free(st, 1, NULL, p, NULL), PLN_OK, "%s",
                 pln_ctx_last_error(ctx)->message);
    char path[512], raw[512], cmd[1200];
    snprintf(path, sizeof path, "%s/ideal.cir", dir);
    snprintf(raw, sizeof raw, "%s/ideal.raw", dir);
    FILE *f = fopen(path, "w");
    bool zero[6] = {true, false, false, false, false, false};
    cr_assert_eq(pln_network_write_spice(net, f, "ideal diodes", zero), PLN_OK);
    fclose(f);
    /* append the raw-file control block before .end */
    f = fopen(path, "r");
    char text[4096] = {0};
    size_t len = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[len] = '\0';
    char *end = strstr(text, ".op\n.end\n");
    cr_assert(end != NULL);
    *end = '\0';
    f = fopen(path, "w");
    fprintf(f, "%s.options RELTOL=1e-8 VNTOL=1e-11 ABSTOL=1e-16\n.op\n.control\nop\nset "
               "filetype=ascii\nwrite %s all\n.endc\n.end\n",
            text, raw);
    fclose(f);
    snprintf(cmd, sizeof cmd, "ngspice -b '%s' > '%s.log' 2>&1", path, path);
    cr_assert_eq(system(cmd), 0);
    for (int i = 3; i < 6; i++) {
        char nm[8];
        snprintf(nm, sizeof nm, "n%d", i);
        const double want = raw_value(raw, nm);
        cr_assert(fabs(p[i] - want) <= 1e-9, "node %d: plnet %.12g, ngspice %.12g", i, p[i],
                  want);
    }
    pln_states_destroy(st);
    pln_network_destroy(net);
    pln_graph_destroy(g);
}
