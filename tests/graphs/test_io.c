/* test_io.c — edge-list and GraphML files: round trips, networkx and igraph files, errors. */
#include "pln_graph.h"
#include "test_support.h"

#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <dirent.h>
#include <igraph.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Present only in sanitizer builds: Criterion's forked test processes skip LeakSanitizer's
 * exit-time check, so the fixture runs it by hand. */
extern int __lsan_do_recoverable_leak_check(void) __attribute__((weak));

static pln_ctx *ctx;
static char *dir;
static char path_buf[4096];

static void setup(void)
{
    cr_assert(eq(int, pln_ctx_create(&ctx), PLN_OK));
    dir = ts_tempdir("graphs-io");
    cr_assert(not(eq(ptr, dir, NULL)));
}

/* Remove the test's directory (flat: the tests create no subdirectories). */
static void remove_dir(const char *d)
{
    DIR *dp = opendir(d);
    if (dp == NULL) {
        return;
    }
    struct dirent *ent;
    char p[4200];
    while ((ent = readdir(dp)) != NULL) {
        if (strcmp(ent->d_name, ".") != 0 && strcmp(ent->d_name, "..") != 0) {
            snprintf(p, sizeof p, "%s/%s", d, ent->d_name);
            remove(p);
        }
    }
    closedir(dp);
    rmdir(d);
}

static void teardown(void)
{
    pln_ctx_destroy(ctx);
    remove_dir(dir);
    free(dir);
    if (__lsan_do_recoverable_leak_check != NULL) {
        cr_assert(eq(int, __lsan_do_recoverable_leak_check(), 0), "memory leaked");
    }
}

TestSuite(io, .init = setup, .fini = teardown, .timeout = 60);

static const char *in_dir(const char *name)
{
    snprintf(path_buf, sizeof path_buf, "%s/%s", dir, name);
    return path_buf;
}

static void write_text(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    cr_assert(not(eq(ptr, fp, NULL)));
    fputs(text, fp);
    fclose(fp);
}

static const char *msg(void) { return pln_ctx_last_error(ctx)->message; }

/* A small graph with every kind of content: oriented edges (tail > head for some), edge and
 * node attributes with awkward values, a label with XML metacharacters, 2-d positions. */
static pln_graph *sample_graph(void)
{
    const pln_idx t[] = {0, 2, 3, 1, 3};
    const pln_idx h[] = {1, 1, 0, 3, 2};
    pln_graph *g = NULL;
    cr_assert(eq(int, pln_graph_create(ctx, 4, 5, t, h, &g), PLN_OK));
    const double k[] = {2.385, 1.0 / 3.0, 1e-300, 7.0, -0.5};
    const double radius[] = {0.1, 0.2, 0.3, 0.4, 0.5};
    const double mass[] = {1.5, -2.25, 0.0, 1e10};
    const char *role[] = {"ground", "", "a<b & \"c\"", "target"};
    const double xy[] = {0.0, 0.0, 1.0, 0.0, 0.5, sqrt(3.0) / 2.0, 1.5, 0.8660254037844386};
    cr_assert(eq(int, pln_graph_edge_attr_set(g, "conductance", k), PLN_OK));
    cr_assert(eq(int, pln_graph_edge_attr_set(g, "radius", radius), PLN_OK));
    cr_assert(eq(int, pln_graph_node_attr_set(g, "mass", mass), PLN_OK));
    cr_assert(eq(int, pln_graph_node_label_set(g, "role", role), PLN_OK));
    cr_assert(eq(int, pln_graph_set_positions(g, 2, xy), PLN_OK));
    return g;
}

static void assert_same_edges(const pln_graph *a, const pln_graph *b)
{
    cr_assert(eq(i64, pln_graph_n_nodes(a), pln_graph_n_nodes(b)));
    cr_assert(eq(i64, pln_graph_n_edges(a), pln_graph_n_edges(b)));
    for (pln_idx e = 0; e < pln_graph_n_edges(a); e++) {
        cr_assert(eq(i64, pln_graph_tails(a)[e], pln_graph_tails(b)[e]), "edge %ld", (long)e);
        cr_assert(eq(i64, pln_graph_heads(a)[e], pln_graph_heads(b)[e]), "edge %ld", (long)e);
    }
}

static void assert_same_edge_attr(const pln_graph *a, const pln_graph *b, const char *name)
{
    const double *x = pln_graph_edge_attr(a, name);
    const double *y = pln_graph_edge_attr(b, name);
    cr_assert(not(eq(ptr, (void *)y, NULL)), "attribute %s missing", name);
    for (pln_idx e = 0; e < pln_graph_n_edges(a); e++) {
        /* %.17g text round-trips a double exactly. */
        cr_assert(eq(dbl, x[e], y[e]), "%s[%ld]", name, (long)e);
    }
}

/* ------------------------------------------------------------------ edge lists */

Test(io, edgelist_round_trip_keeps_orientation_and_attributes)
{
    pln_graph *g = sample_graph();
    const char *p = in_dir("g.csv");
    cr_assert(eq(int, pln_graph_write_edgelist(g, p), PLN_OK), "%s", msg());
    pln_graph *r = NULL;
    cr_assert(eq(int, pln_graph_read_edgelist(ctx, p, NULL, &r), PLN_OK), "%s", msg());
    assert_same_edges(g, r);
    cr_assert(eq(int, pln_graph_n_edge_attrs(r), 2));
    assert_same_edge_attr(g, r, "conductance");
    assert_same_edge_attr(g, r, "radius");
    pln_graph_destroy(g);
    pln_graph_destroy(r);
}

Test(io, edgelist_whitespace_comments_and_value_name)
{
    const char *p = in_dir("plain.txt");
    write_text(p, "# a comment line\n0 1 2.5\n\n1\t2   0.5 # trailing comment\n2,0,4\n");
    pln_graph *r = NULL;
    cr_assert(eq(int, pln_graph_read_edgelist(ctx, p, "resistance", &r), PLN_OK), "%s", msg());
    cr_assert(eq(i64, pln_graph_n_nodes(r), 3));
    cr_assert(eq(i64, pln_graph_n_edges(r), 3));
    const double *v = pln_graph_edge_attr(r, "resistance");
    cr_assert(not(eq(ptr, (void *)v, NULL)));
    cr_assert(eq(dbl, v[1], 0.5));
    cr_assert(eq(i64, pln_graph_tails(r)[2], 2));
    cr_assert(eq(i64, pln_graph_heads(r)[2], 0));
    pln_graph_destroy(r);
    r = NULL;
    cr_assert(eq(int, pln_graph_read_edgelist(ctx, p, NULL, &r), PLN_OK));
    cr_assert(not(eq(ptr, (void *)pln_graph_edge_attr(r, "weight"), NULL)));
    pln_graph_destroy(r);
}

Test(io, edgelist_bad_line_names_file_and_line)
{
    const char *p = in_dir("bad.csv");
    write_text(p, "tail,head,conductance\n0,1,1.0\n1,2,oops\n");
    pln_graph *r = NULL;
    cr_assert(eq(int, pln_graph_read_edgelist(ctx, p, NULL, &r), PLN_EPARSE));
    char want[4200];
    snprintf(want, sizeof want, "%s:3:", p);
    cr_assert(not(eq(ptr, strstr(msg(), want), NULL)), "message: %s", msg());
    cr_assert(eq(ptr, r, NULL));

    write_text(p, "0 1\n1 2 3\n");
    cr_assert(eq(int, pln_graph_read_edgelist(ctx, p, NULL, &r), PLN_EPARSE));
    snprintf(want, sizeof want, "%s:2:", p);
    cr_assert(not(eq(ptr, strstr(msg(), want), NULL)), "message: %s", msg());

    write_text(p, "0 1\n4 4\n");
    cr_assert(eq(int, pln_graph_read_edgelist(ctx, p, NULL, &r), PLN_EPARSE));
    cr_assert(not(eq(ptr, strstr(msg(), "self-loop"), NULL)), "message: %s", msg());

    write_text(p, "0 1\n-1 2\n");
    cr_assert(eq(int, pln_graph_read_edgelist(ctx, p, NULL, &r), PLN_EPARSE));
    snprintf(want, sizeof want, "%s:2:", p);
    cr_assert(not(eq(ptr, strstr(msg(), want), NULL)), "message: %s", msg());
}

/* Issue 12: a header "source,target,weight" made every weight ignored (the column was kept as
 * "weight" while the network reads "conductance"): with a header the value column is read by
 * name, and networkx's and igraph's "weight" is the column `value_name` asks for. */
Test(io, edgelist_header_weight_column_is_the_value_column)
{
    const char *p = in_dir("nx.csv");
    write_text(p, "source,target,weight\n0,1,2.5\n1,2,0.25\n");
    pln_graph *r = NULL;
    cr_assert(eq(int, pln_graph_read_edgelist(ctx, p, "conductance", &r), PLN_OK), "%s", msg());
    cr_assert(eq(i64, pln_graph_n_edges(r), 2));
    const double *k = pln_graph_edge_attr(r, "conductance");
    cr_assert(not(eq(ptr, (void *)k, NULL)), "the weight column was not read as conductance");
    cr_assert(eq(dbl, k[0], 2.5));
    cr_assert(eq(dbl, k[1], 0.25));
    cr_assert(eq(ptr, (void *)pln_graph_edge_attr(r, "weight"), NULL));
    pln_graph_destroy(r);
    r = NULL;
    /* The same file read for resistances gives resistances (the `weights` choice). */
    cr_assert(eq(int, pln_graph_read_edgelist(ctx, p, "resistance", &r), PLN_OK), "%s", msg());
    cr_assert(not(eq(ptr, (void *)pln_graph_edge_attr(r, "resistance"), NULL)));
    cr_assert(eq(ptr, (void *)pln_graph_edge_attr(r, "conductance"), NULL));
    pln_graph_destroy(r);
}

/* A header that names a physical column is read by that name, whatever `value_name` says. */
Test(io, edgelist_header_names_the_column_it_holds)
{
    const char *p = in_dir("named.csv");
    write_text(p, "tail head resistance\n0 1 100\n1 2 200\n");
    pln_graph *r = NULL;
    cr_assert(eq(int, pln_graph_read_edgelist(ctx, p, "conductance", &r), PLN_OK), "%s", msg());
    const double *res = pln_graph_edge_attr(r, "resistance");
    cr_assert(not(eq(ptr, (void *)res, NULL)));
    cr_assert(eq(dbl, res[1], 200.0));
    cr_assert(eq(ptr, (void *)pln_graph_edge_attr(r, "conductance"), NULL));
    pln_graph_destroy(r);
}

/* A value column whose name plnet does not read would leave every edge at the default: an
 * error naming the line and the column, not a network of 1 S edges. */
Test(io, edgelist_header_with_an_unknown_value_column_is_an_error)
{
    const char *p = in_dir("unknown.csv");
    write_text(p, "# comment first\nu,v,g\n0,1,2.5\n");
    pln_graph *r = NULL;
    cr_assert(eq(int, pln_graph_read_edgelist(ctx, p, "conductance", &r), PLN_EPARSE));
    char want[4200];
    snprintf(want, sizeof want, "%s:2:", p);
    cr_assert(not(eq(ptr, strstr(msg(), want), NULL)), "message: %s", msg());
    cr_assert(not(eq(ptr, strstr(msg(), "'g'"), NULL)), "message: %s", msg());
    cr_assert(eq(ptr, r, NULL));
    /* Read without a value name (a plain graph), any column names are kept. */
    cr_assert(eq(int, pln_graph_read_edgelist(ctx, p, NULL, &r), PLN_OK), "%s", msg());
    cr_assert(not(eq(ptr, (void *)pln_graph_edge_attr(r, "g"), NULL)));
    pln_graph_destroy(r);
}

/* Two columns that both give the conductance are ambiguous. */
Test(io, edgelist_header_with_two_value_columns_for_one_quantity_is_an_error)
{
    const char *p = in_dir("twice.csv");
    write_text(p, "source,target,weight,conductance\n0,1,2.5,3\n");
    pln_graph *r = NULL;
    cr_assert(eq(int, pln_graph_read_edgelist(ctx, p, "conductance", &r), PLN_EPARSE));
    cr_assert(not(eq(ptr, strstr(msg(), ":1:"), NULL)), "message: %s", msg());
    write_text(p, "source,target,conductance,resistance\n0,1,2.5,3\n");
    cr_assert(eq(int, pln_graph_read_edgelist(ctx, p, "conductance", &r), PLN_EPARSE));
    write_text(p, "a,b,a\n0,1,2\n");
    cr_assert(eq(int, pln_graph_read_edgelist(ctx, p, NULL, &r), PLN_EPARSE));
    cr_assert(not(eq(ptr, strstr(msg(), "'a'"), NULL)), "message: %s", msg());
    cr_assert(eq(ptr, r, NULL));
}

/* Issue 12: a UTF-8 byte-order mark made the first edge look like a header, which was
 * dropped. The mark is skipped; the first edge is kept. */
Test(io, edgelist_utf8_bom_does_not_drop_the_first_edge)
{
    const char *p = in_dir("bom.csv");
    write_text(p, "\xEF\xBB\xBF" "0,1,2.5\n1,2,0.5\n");
    pln_graph *r = NULL;
    cr_assert(eq(int, pln_graph_read_edgelist(ctx, p, "conductance", &r), PLN_OK), "%s", msg());
    cr_assert(eq(i64, pln_graph_n_edges(r), 2));
    cr_assert(eq(dbl, pln_graph_edge_attr(r, "conductance")[0], 2.5));
    pln_graph_destroy(r);
    r = NULL;
    /* ... and before a header too. */
    write_text(p, "\xEF\xBB\xBF" "source,target,weight\n0,1,2.5\n");
    cr_assert(eq(int, pln_graph_read_edgelist(ctx, p, "conductance", &r), PLN_OK), "%s", msg());
    cr_assert(eq(i64, pln_graph_n_edges(r), 1));
    cr_assert(eq(dbl, pln_graph_edge_attr(r, "conductance")[0], 2.5));
    pln_graph_destroy(r);
}

/* Issue 12: a malformed first line was taken as a header and the first edge dropped. A header
 * names columns (every token a name); anything else is an error naming the line. */
Test(io, edgelist_malformed_first_line_is_an_error_not_a_header)
{
    const char *bad[] = {"0 1a 2\n1 2 3\n", "0;1;2\n1 2 3\n", "x1 1 2\n1 2 3\n"};
    const char *p = in_dir("bad1.csv");
    char want[4200];
    snprintf(want, sizeof want, "%s:1:", p);
    for (int i = 0; i < 3; i++) {
        write_text(p, bad[i]);
        pln_graph *r = NULL;
        cr_assert(eq(int, pln_graph_read_edgelist(ctx, p, "conductance", &r), PLN_EPARSE),
                  "input %d was accepted", i);
        cr_assert(not(eq(ptr, strstr(msg(), want), NULL)), "input %d: %s", i, msg());
        cr_assert(eq(ptr, r, NULL));
    }
    /* A BOM inside the file (not at its start) is not skipped. */
    write_text(p, "0 1 2\n\xEF\xBB\xBF" "1 2 3\n");
    pln_graph *r = NULL;
    cr_assert(eq(int, pln_graph_read_edgelist(ctx, p, "conductance", &r), PLN_EPARSE));
    snprintf(want, sizeof want, "%s:2:", p);
    cr_assert(not(eq(ptr, strstr(msg(), want), NULL)), "message: %s", msg());
}

Test(io, edgelist_missing_file_is_eio_naming_it)
{
    const char *p = in_dir("no-such-file.csv");
    pln_graph *r = NULL;
    cr_assert(eq(int, pln_graph_read_edgelist(ctx, p, NULL, &r), PLN_EIO));
    cr_assert(not(eq(ptr, strstr(msg(), p), NULL)), "message: %s", msg());
}

/* ------------------------------------------------------------------ GraphML */

Test(io, graphml_round_trip_of_our_own_files)
{
    pln_graph *g = sample_graph();
    const char *p = in_dir("g.graphml");
    cr_assert(eq(int, pln_graph_write_graphml(g, p), PLN_OK), "%s", msg());
    pln_graph *r = NULL;
    cr_assert(eq(int, pln_graph_read_graphml(ctx, p, &r), PLN_OK), "%s", msg());
    assert_same_edges(g, r);
    cr_assert(eq(int, pln_graph_n_edge_attrs(r), 2));
    assert_same_edge_attr(g, r, "conductance");
    assert_same_edge_attr(g, r, "radius");
    cr_assert(eq(int, pln_graph_dim(r), 2));
    for (int i = 0; i < 8; i++) {
        cr_assert(eq(dbl, pln_graph_positions(r)[i], pln_graph_positions(g)[i]));
    }
    cr_assert(eq(int, pln_graph_n_node_attrs(r), 1));
    for (int i = 0; i < 4; i++) {
        cr_assert(eq(dbl, pln_graph_node_attr(r, "mass")[i], pln_graph_node_attr(g, "mass")[i]));
    }
    /* Ids were n0..n3, so no "id" label is added. */
    cr_assert(eq(int, pln_graph_n_node_labels(r), 1));
    const char *const *role = pln_graph_node_label(r, "role");
    cr_assert(not(eq(ptr, (void *)role, NULL)));
    for (int i = 0; i < 4; i++) {
        cr_assert(eq(str, (char *)role[i], (char *)pln_graph_node_label(g, "role")[i]));
    }
    pln_graph_destroy(g);
    pln_graph_destroy(r);
}

Test(io, graphml_write_refuses_node_attribute_clashing_with_positions)
{
    pln_graph *g = sample_graph();
    const double x[] = {1, 2, 3, 4};
    cr_assert(eq(int, pln_graph_node_attr_set(g, "x", x), PLN_OK));
    cr_assert(eq(int, pln_graph_write_graphml(g, in_dir("clash.graphml")), PLN_EINVAL));
    pln_graph_destroy(g);
}

/* Run Debian's python3 (which has networkx) on a script; returns its exit status. */
static int run_python(const char *script)
{
    const char *py = in_dir("make.py");
    char pybuf[4096];
    snprintf(pybuf, sizeof pybuf, "%s", py);
    write_text(pybuf, script);
    char cmd[8400];
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 '%s' '%s'", pybuf, dir);
    return system(cmd);
}

Test(io, graphml_written_by_networkx_loads_with_values)
{
    const char *script =
        "import sys, networkx as nx\n"
        "G = nx.Graph()\n"
        "for i in range(5):\n"
        "    G.add_node(i, x=0.25 * i, y=1.0 / (i + 1), role='source' if i == 1 else 'bulk')\n"
        "for (a, b, k) in [(0, 1, 2.385), (3, 1, 0.5), (1, 2, 1e-3), (4, 3, 7.25)]:\n"
        "    G.add_edge(a, b, conductance=k, resistance=1.0 / k)\n"
        "nx.write_graphml(G, sys.argv[1] + '/nx.graphml')\n"
        "H = nx.Graph()\n"
        "H.add_edge('a', 'b', weight=3)\n"
        "H.add_edge('b', 'c', weight=4)\n"
        "nx.write_graphml(H, sys.argv[1] + '/nx_named.graphml')\n";
    int rc = run_python(script);
    if (rc != 0) {
        cr_skip_test("/usr/bin/python3 with networkx is not available");
    }
    pln_graph *r = NULL;
    cr_assert(eq(int, pln_graph_read_graphml(ctx, in_dir("nx.graphml"), &r), PLN_OK), "%s",
              msg());
    cr_assert(eq(i64, pln_graph_n_nodes(r), 5));
    cr_assert(eq(i64, pln_graph_n_edges(r), 4));
    cr_assert(eq(int, pln_graph_dim(r), 2));
    const double *p = pln_graph_positions(r);
    for (int i = 0; i < 5; i++) {
        cr_assert(eq(dbl, p[2 * i], 0.25 * i));
        cr_assert(eq(dbl, p[2 * i + 1], 1.0 / (i + 1)));
    }
    /* networkx stores an undirected edge under the endpoint inserted first; whatever its
     * orientation, each (tail, head) pair must match one edge with the right value. */
    const double *k = pln_graph_edge_attr(r, "conductance");
    const double *res = pln_graph_edge_attr(r, "resistance");
    cr_assert(not(eq(ptr, (void *)k, NULL)));
    cr_assert(not(eq(ptr, (void *)res, NULL)));
    const pln_idx ea[] = {0, 3, 1, 4};
    const pln_idx eb[] = {1, 1, 2, 3};
    const double ek[] = {2.385, 0.5, 1e-3, 7.25};
    for (int want = 0; want < 4; want++) {
        int found = 0;
        for (pln_idx e = 0; e < 4; e++) {
            pln_idx t = pln_graph_tails(r)[e];
            pln_idx h = pln_graph_heads(r)[e];
            if ((t == ea[want] && h == eb[want]) || (t == eb[want] && h == ea[want])) {
                found++;
                cr_assert(eq(dbl, k[e], ek[want]));
                cr_assert(eq(dbl, res[e], 1.0 / ek[want]));
            }
        }
        cr_assert(eq(int, found, 1), "edge %d", want);
    }
    cr_assert(eq(str, (char *)pln_graph_node_label(r, "role")[1], "source"));
    cr_assert(eq(str, (char *)pln_graph_node_label(r, "role")[4], "bulk"));
    cr_assert(eq(ptr, (void *)pln_graph_node_label(r, "id"), NULL));
    pln_graph_destroy(r);

    /* String node names are kept as the "id" label; integer weights become reals. */
    r = NULL;
    cr_assert(eq(int, pln_graph_read_graphml(ctx, in_dir("nx_named.graphml"), &r), PLN_OK),
              "%s", msg());
    const char *const *id = pln_graph_node_label(r, "id");
    cr_assert(not(eq(ptr, (void *)id, NULL)));
    cr_assert(eq(str, (char *)id[0], "a"));
    cr_assert(eq(str, (char *)id[2], "c"));
    cr_assert(eq(dbl, pln_graph_edge_attr(r, "weight")[1], 4.0));
    pln_graph_destroy(r);
}

Test(io, our_graphml_loads_in_networkx_with_values)
{
    pln_graph *g = sample_graph();
    cr_assert(eq(int, pln_graph_write_graphml(g, in_dir("ours.graphml")), PLN_OK), "%s", msg());
    pln_graph_destroy(g);
    const char *script =
        "import sys, networkx as nx\n"
        "G = nx.read_graphml(sys.argv[1] + '/ours.graphml')\n"
        "assert G.number_of_nodes() == 4 and G.number_of_edges() == 5, G\n"
        "assert G.edges['n0', 'n1']['conductance'] == 2.385\n"
        "assert G.edges['n3', 'n2']['radius'] == 0.5\n"
        "assert G.nodes['n2']['role'] == 'a<b & \"c\"'\n"
        "assert G.nodes['n1']['x'] == 1.0 and G.nodes['n3']['mass'] == 1e10\n";
    int rc = run_python(script);
    if (rc == 32512 || rc == 256 * 127) {
        cr_skip_test("/usr/bin/python3 is not available");
    }
    cr_assert(eq(int, rc, 0), "networkx could not read our GraphML");
}

Test(io, graphml_written_by_igraph_loads)
{
    /* With the C attribute handler igraph writes typed <key>s for its attributes. */
    igraph_attribute_table_t *old = igraph_set_attribute_table(&igraph_cattribute_table);
    igraph_t ig;
    cr_assert(eq(int, igraph_ring(&ig, 6, false, false, true), IGRAPH_SUCCESS));
    for (igraph_integer_t e = 0; e < 6; e++) {
        cr_assert(eq(int, SETEAN(&ig, "conductance", e, 0.5 + (double)e), IGRAPH_SUCCESS));
    }
    for (igraph_integer_t v = 0; v < 6; v++) {
        char name[8];
        snprintf(name, sizeof name, "v%d", (int)v);
        cr_assert(eq(int, SETVAS(&ig, "name", v, name), IGRAPH_SUCCESS));
        cr_assert(eq(int, SETVAN(&ig, "x", v, (double)v), IGRAPH_SUCCESS));
        cr_assert(eq(int, SETVAN(&ig, "y", v, -(double)v), IGRAPH_SUCCESS));
    }
    const char *p = in_dir("igraph.graphml");
    char pbuf[4096];
    snprintf(pbuf, sizeof pbuf, "%s", p);
    FILE *fp = fopen(pbuf, "w");
    cr_assert(not(eq(ptr, fp, NULL)));
    cr_assert(eq(int, igraph_write_graph_graphml(&ig, fp, true), IGRAPH_SUCCESS));
    fclose(fp);
    igraph_destroy(&ig);
    igraph_set_attribute_table(old);
    pln_graph *r = NULL;
    cr_assert(eq(int, pln_graph_read_graphml(ctx, pbuf, &r), PLN_OK), "%s", msg());
    cr_assert(eq(i64, pln_graph_n_nodes(r), 6));
    cr_assert(eq(i64, pln_graph_n_edges(r), 6));
    pln_idx memb[6];
    pln_idx nc = 0;
    cr_assert(eq(int, pln_graph_components(r, memb, &nc), PLN_OK));
    cr_assert(eq(i64, nc, 1));
    pln_idx lo = 0;
    pln_idx hi = 0;
    pln_graph_degree_stats(r, &lo, &hi, NULL);
    cr_assert(eq(i64, lo, 2));
    cr_assert(eq(i64, hi, 2));
    const double *k = pln_graph_edge_attr(r, "conductance");
    cr_assert(not(eq(ptr, (void *)k, NULL)));
    for (pln_idx e = 0; e < 6; e++) {
        cr_assert(eq(dbl, k[e], 0.5 + (double)e), "edge %ld", (long)e);
    }
    cr_assert(eq(int, pln_graph_dim(r), 2));
    cr_assert(eq(dbl, pln_graph_positions(r)[2 * 4], 4.0));
    cr_assert(eq(dbl, pln_graph_positions(r)[2 * 4 + 1], -4.0));
    cr_assert(eq(str, (char *)pln_graph_node_label(r, "name")[3], "v3"));
    pln_graph_destroy(r);
}

Test(io, graphml_foreign_features_defaults_comments_cdata_prefixes)
{
    const char *p = in_dir("foreign.graphml");
    write_text(p,
               "<?xml version=\"1.0\"?>\n"
               "<!-- written by hand -->\n"
               "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" "
               "xmlns:y=\"http://www.yworks.com/xml/graphml\">\n"
               "  <key id=\"k\" for=\"edge\" attr.name=\"k\" attr.type=\"double\">"
               "<default>1.5</default></key>\n"
               "  <key id=\"g\" for=\"node\" yfiles.type=\"nodegraphics\"/>\n"
               "  <key id=\"lab\" for=\"node\" attr.name=\"name\" attr.type=\"string\"/>\n"
               "  <graph edgedefault=\"directed\">\n"
               "    <edge source=\"b\" target=\"a\"><data key=\"k\"> 2.5e0 </data></edge>\n"
               "    <node id=\"a\"><data key=\"g\"><y:ShapeNode/></data>"
               "<data key=\"lab\"><![CDATA[<left>]]></data></node>\n"
               "    <node id=\"b\"><data key=\"lab\">r&#233;sistance &amp; co</data></node>\n"
               "    <node id=\"c\"/>\n"
               "    <edge source=\"c\" target=\"b\"/>\n"
               "  </graph>\n"
               "</graphml>\n");
    pln_graph *r = NULL;
    cr_assert(eq(int, pln_graph_read_graphml(ctx, p, &r), PLN_OK), "%s", msg());
    cr_assert(eq(i64, pln_graph_n_edges(r), 2));
    cr_assert(eq(i64, pln_graph_tails(r)[0], 1)); /* b -> a, edges may precede their nodes */
    cr_assert(eq(i64, pln_graph_heads(r)[0], 0));
    cr_assert(eq(dbl, pln_graph_edge_attr(r, "k")[0], 2.5));
    cr_assert(eq(dbl, pln_graph_edge_attr(r, "k")[1], 1.5));
    cr_assert(eq(str, (char *)pln_graph_node_label(r, "name")[0], "<left>"));
    cr_assert(eq(str, (char *)pln_graph_node_label(r, "name")[1], "r\xc3\xa9sistance & co"));
    cr_assert(eq(str, (char *)pln_graph_node_label(r, "name")[2], ""));
    cr_assert(eq(str, (char *)pln_graph_node_label(r, "id")[2], "c"));
    cr_assert(eq(int, pln_graph_dim(r), 0));
    pln_graph_destroy(r);
}

Test(io, graphml_missing_file_is_eio_naming_it)
{
    const char *p = in_dir("missing.graphml");
    pln_graph *r = NULL;
    cr_assert(eq(int, pln_graph_read_graphml(ctx, p, &r), PLN_EIO));
    cr_assert(not(eq(ptr, strstr(msg(), p), NULL)), "message: %s", msg());
}

/* Each malformed file must fail with PLN_EPARSE and a message "path:line: ...". */
Test(io, graphml_malformed_files_are_eparse_with_line)
{
    static const struct {
        const char *text;
        int line;
        const char *says;
    } bad[] = {
        {"this is not xml\n", 1, "not an XML"},
        {"<graphml>\n<graph>\n<node id=\"n0\">\n</graph>\n</graphml>\n", 4, "expected </node>"},
        {"<graphml>\n<graph>\n<node id=\"n0\"/>\n", 4, "end of file"},
        {"<graphml><key id=\"d0\" for=\"edge\" attr.name=\"w\" attr.type=\"double\"/>\n"
         "<graph><node id=\"a\"/><node id=\"b\"/>\n"
         "<edge source=\"a\" target=\"b\"><data key=\"d0\">1.x</data></edge>\n"
         "</graph></graphml>\n",
         3, "not a number"},
        {"<graphml><graph>\n<node id=\"a\"/>\n<edge source=\"a\" target=\"zz\"/>\n"
         "</graph></graphml>\n",
         3, "unknown node 'zz'"},
        {"<graphml><graph><node id=\"a\"/>\n<edge source=\"a\" target=\"a\"/>\n"
         "</graph></graphml>\n",
         2, "self-loop"},
        {"<html><body/></html>\n", 1, "not <graphml>"},
        {"<graphml><graph><node id=\"a\" bad></graph></graphml>", 1, "expected '='"},
        {"<graphml><graph>\n<node id=\"a\"><data key=\"nope\">1</data></node>\n"
         "</graph></graphml>",
         2, "undeclared key"},
    };
    const char *p = in_dir("bad.graphml");
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        write_text(p, bad[i].text);
        pln_graph *r = NULL;
        cr_assert(eq(int, pln_graph_read_graphml(ctx, p, &r), PLN_EPARSE), "case %zu: %s", i,
                  msg());
        char want[4200];
        snprintf(want, sizeof want, "%s:%d: ", p, bad[i].line);
        cr_assert(not(eq(ptr, strstr(msg(), want), NULL)), "case %zu: %s", i, msg());
        cr_assert(not(eq(ptr, strstr(msg(), bad[i].says), NULL)), "case %zu: %s", i, msg());
        cr_assert(eq(ptr, r, NULL));
    }
}

Test(io, graphml_write_to_unwritable_path_is_eio)
{
    pln_graph *g = sample_graph();
    cr_assert(eq(int, pln_graph_write_graphml(g, "/nonexistent-dir/x.graphml"), PLN_EIO));
    cr_assert(not(eq(ptr, strstr(msg(), "/nonexistent-dir/x.graphml"), NULL)), "%s", msg());
    pln_graph_destroy(g);
}
