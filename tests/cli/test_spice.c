/* test_spice.c — `plnet export --spice` run through ngspice gives the potentials of `plnet solve`. */
#include "cli_helpers.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ngspice solves the same linear system by sparse LU in double precision; the raw file keeps
 * 16 digits, so agreement is limited by conditioning (conductances span 10^2), not printing. */
#define TOL_SPICE 1e-6

static const char base_yaml[] =
    "name: spice\nseed: 5\n"
    "network:\n  graph: {generator: erdos_renyi, n: 200, mean_degree: 4}\n"
    "  edges:\n    conductance: {init: loguniform, low: 0.1, high: 10}\n"
    "boundary:\n  ground: [0]\n"
    "  potentials: {nodes: [10, 20], values: [1.5, -0.75]}\n"
    "  currents: {nodes: [30, 40, 50], values: [0.01, -0.02, 0.005]}\n";

static double *solve_potentials(const char *dir, const char *cfg, const char *tag, size_t *n)
{
    char *out = tc_fmt("%s/%s", dir, tag);
    char *err = NULL;
    int rc = tc_run(NULL, &err, "solve", cfg, "-o", out, NULL);
    cr_assert_eq(rc, 0, "%s", err);
    free(err);
    char *pot = tc_fmt("%s/potentials.csv", out);
    double *p = tc_column(pot, "potential", n);
    free(pot);
    free(out);
    return p;
}

Test(spice, ngspice_agrees_with_solve, .timeout = 120)
{
    if (system("command -v ngspice > /dev/null 2>&1") != 0) {
        cr_skip("ngspice is not installed: cannot cross-check the exported netlist");
    }
    char *dir = tc_dir("spice");
    char *cfg1 = tc_write(dir, "exp1.yaml", base_yaml);
    size_t n = 0;
    double *p1 = solve_potentials(dir, cfg1, "out1", &n);
    cr_assert_eq(n, 200);
    free(p1);

    /* Add an edge source on an edge whose ends are both free, found from the first run. */
    char *pot = tc_fmt("%s/out1/potentials.csv", dir);
    char *edg = tc_fmt("%s/out1/edges.csv", dir);
    size_t nn = 0;
    size_t m = 0;
    char **role = tc_column_str(pot, "role", &nn);
    double *tail = tc_column(edg, "tail", &m);
    double *head = tc_column(edg, "head", &m);
    long src = -1;
    for (size_t e = 0; e < m && src < 0; e++) {
        if (role[(size_t)tail[e]][0] == '\0' && role[(size_t)head[e]][0] == '\0') {
            src = (long)e;
        }
    }
    cr_assert(src >= 0);
    char *yaml2 = tc_fmt("%s  edge_sources: {edges: [%ld], values: [0.3]}\n", base_yaml, src);
    char *cfg2 = tc_write(dir, "exp2.yaml", yaml2);
    double *p = solve_potentials(dir, cfg2, "out2", &n);

    char *cir = tc_fmt("%s/net.cir", dir);
    char *err = NULL;
    int rc = tc_run(NULL, &err, "export", "--spice", cfg2, "-o", cir, NULL);
    cr_assert_eq(rc, 0, "%s", err);
    free(err);

    /* The netlist ends in .op/.end; a control block writes every node voltage to an ASCII raw
     * file with full precision (the printed table has only 7 digits). */
    FILE *in = fopen(cir, "r");
    char *ctl = tc_fmt("%s/ctl.cir", dir);
    char *raw = tc_fmt("%s/out.raw", dir);
    FILE *outf = fopen(ctl, "w");
    char line[512];
    int n_r = 0;
    while (fgets(line, sizeof line, in) != NULL) {
        if (strcmp(line, ".op\n") == 0 || strcmp(line, ".end\n") == 0) {
            continue;
        }
        n_r += line[0] == 'R';
        fputs(line, outf);
    }
    fprintf(outf, ".control\nop\nset filetype=ascii\nwrite %s all\n.endc\n.end\n", raw);
    fclose(in);
    fclose(outf);
    cr_assert(n_r > 0 && (size_t)n_r <= m);
    char *cmd = tc_fmt("ngspice -b '%s' > '%s/ngspice.log' 2>&1", ctl, dir);
    (void)system(cmd);
    FILE *rf = fopen(raw, "r");
    cr_assert(rf != NULL, "ngspice wrote no raw file (see %s/ngspice.log)", dir);

    /* Variables: "\t<k>\tv(n<i>)\tvoltage"; Values: one number per variable. */
    long *var_node = calloc(4096, sizeof *var_node);
    int n_vars = 0;
    int state = 0;
    int checked = 0;
    double pmax = 0.0;
    for (size_t i = 0; i < n; i++) {
        pmax = fmax(pmax, fabs(p[i]));
    }
    int k = 0;
    while (fgets(line, sizeof line, rf) != NULL) {
        if (strncmp(line, "Variables:", 10) == 0) {
            state = 1;
            continue;
        }
        if (strncmp(line, "Values:", 7) == 0) {
            state = 2;
            continue;
        }
        if (state == 1 && n_vars < 4096) {
            int idx = 0;
            char name[128];
            long node = -1;
            if (sscanf(line, "%d %127s", &idx, name) == 2) {
                if (sscanf(name, "v(n%ld)", &node) != 1) {
                    node = -1;
                }
                var_node[n_vars++] = node;
            }
        } else if (state == 2) {
            double v = 0.0;
            char *s = line;
            if (k == 0) {
                strtol(s, &s, 10); /* the point index before the first value */
            }
            v = strtod(s, NULL);
            if (k < n_vars && var_node[k] >= 0) {
                long i = var_node[k];
                cr_assert(i < (long)n);
                cr_assert(fabs(v - p[i]) <= TOL_SPICE * pmax, "node %ld: ngspice %.12g plnet %.12g",
                          i, v, p[i]);
                checked++;
            }
            k++;
        }
    }
    fclose(rf);
    /* Every node but the ground has a voltage in the raw file. */
    cr_assert_eq(checked, 199, "compared %d node voltages", checked);
    for (size_t i = 0; i < nn; i++) {
        free(role[i]);
    }
    free(role);
    free(var_node);
    free(cmd);
    free(raw);
    free(ctl);
    free(cir);
    free(p);
    free(cfg2);
    free(yaml2);
    free(tail);
    free(head);
    free(pot);
    free(edg);
    free(cfg1);
    free(dir);
}

Test(spice, netlist_maps_nodes_grounds_and_sources)
{
    char *dir = tc_dir("spice-small");
    free(tc_write(dir, "g.txt", "0 1 2.0\n1 2 4.0\n2 3 1.0\n3 4 1.0\n"));
    char *cfg = tc_write(dir, "exp.yaml",
                         "network: {graph: {file: g.txt, weights: resistance}}\n"
                         "boundary:\n  ground: [4]\n"
                         "  potentials: {nodes: [0, 2], values: [3.0, 0.0]}\n"
                         "  currents: {nodes: [1], values: [0.5]}\n"
                         "  edge_sources: {edges: [3], values: [0.25]}\n");
    char *out = NULL;
    char *err = NULL;
    int rc = tc_run(&out, &err, "export", "--spice", cfg, NULL);
    cr_assert_eq(rc, 0, "%s", err);
    /* Ground 4 is SPICE node 0; node 2 is fixed at 0 V but not ground, so it keeps a source. */
    cr_assert(strstr(out, "\nR0 n0 n1 2\n") != NULL, "%s", out);
    cr_assert(strstr(out, "\nR3 n3 0 1\n") != NULL, "%s", out);
    cr_assert(strstr(out, "\nV0 n0 0 DC 3\n") != NULL, "%s", out);
    cr_assert(strstr(out, "\nV2 n2 0 DC 0\n") != NULL, "%s", out);
    cr_assert(strstr(out, "\nI1 0 n1 DC 0.5\n") != NULL, "%s", out);
    cr_assert(strstr(out, "\nVE3 n3 0 DC 0.25\n") != NULL, "%s", out);
    cr_assert(strstr(out, ".op\n.end\n") != NULL);
    free(out);
    free(err);
    free(cfg);
    free(dir);
}
