/* cmd_export.c — `plnet export --spice`: the network and its sources as a SPICE netlist for a circuit simulator. */
#include "commands.h"
#include "experiment_setup.h"
#include "outfile.h"
#include "run_dir.h"

#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: plnet export --spice CONFIG.yaml [-o FILE] [--set KEY=VALUE]...\n"
    "       plnet export --spice RUN_DIR [--example N] [--split test|train] [-o FILE]\n\n"
    "Write the network of CONFIG.yaml as a SPICE netlist (to FILE, else standard output):\n"
    "node i is SPICE node n<i>, ground nodes are SPICE node 0, every resistor edge e is\n"
    "R<e> = 1/k_e, every diode D<e> with its .model D(IS= N= RS=), every transistor M<e>\n"
    "with its gate source VG<e> and .model NMOS(LEVEL=1 KP= VTO= LAMBDA= IS=0), every ideal\n"
    "diode a behavioural source B<e>, every other fixed-potential node i a source\n"
    "V<i> n<i> 0, every current injection a source I<i> 0 n<i> (current into node i), every\n"
    "edge source a source VE<e> n<tail> n<head> (p_tail - p_head), then .op and .end;\n"
    "e.g. `ngspice -b FILE`. I(V) tables have no SPICE form: an error names the edge.\n\n"
    "Given a run folder of plnet train instead, write the trained network (its conductances\n"
    "and devices from checkpoint.bin, configuration from config.resolved.yaml) with the\n"
    "inputs of one example applied, so that a circuit simulator can check it: ngspice's\n"
    "potentials at the output nodes are the run's outputs of that example (predictions.csv,\n"
    "rows split,index); the title names the example, its inputs and the output nodes.\n\n"
    "options:\n"
    "  --spice           SPICE netlist (the one format so far)\n"
    "  -o, --output FILE output file (written atomically)\n"
    "  --example N       RUN_DIR: the example whose inputs are applied (default 0)\n"
    "  --split S         RUN_DIR: test (default) or train, the split N counts in\n"
    PLNET_SET_HELP
    "  -h, --help        this help\n";

/* The netlist itself is the library's (pln_network_write_spice): this only titles it. */
static int write_netlist(FILE *f, const plnet_config *cfg, pln_experiment *x,
                         const bool *is_zero, pln_ctx *ctx, const char *example, FILE *err)
{
    const pln_network *net = pln_experiment_network(x);
    char title[4096];
    snprintf(title, sizeof title, "plnet %s: %s%s network, %lld nodes, %lld edges%s (plnet %s)",
             cfg->d.name, example != NULL ? "trained " : "", pln_kind_name(cfg->d.network.kind),
             (long long)pln_network_n_nodes(net), (long long)pln_network_n_edges(net),
             example != NULL ? example : "", pln_version());
    if (pln_network_write_spice(net, f, title, is_zero) != PLN_OK) {
        fprintf(err, "plnet: export: %s\n", pln_ctx_last_error(ctx)->message);
        return 1;
    }
    return 0;
}

/* " , test example 3: inputs n14 = 0.5 V, ...; outputs at n20, n34" (the run's example). */
static char *describe_example(pln_experiment *x, pln_split split, long long i)
{
    const pln_task *task = pln_experiment_task(x);
    size_t cap = 4096, len = 0;
    char *s = malloc(cap);
    if (s == NULL) {
        return NULL;
    }
    len += (size_t)snprintf(s + len, cap - len, ", %s example %lld: inputs",
                            split == PLN_SPLIT_TEST ? "test" : "train", i);
    const pln_input *in = pln_task_inputs(task);
    const double *u = pln_task_example_inputs(task, split, (pln_idx)i);
    for (pln_idx j = 0; j < pln_task_n_in(task) && len + 64 < cap; j++) {
        const char *what = in[j].kind == PLN_IN_EDGE ? "edge" : "n";
        len += (size_t)snprintf(s + len, cap - len, "%s %s%lld = %.17g V", j > 0 ? "," : "",
                                what, (long long)in[j].index, u[j]);
    }
    len += (size_t)snprintf(s + len, cap - len, "; outputs at");
    const pln_output *o = pln_task_outputs(task);
    for (pln_idx j = 0; j < pln_task_n_out(task) && len + 64 < cap; j++) {
        len += (size_t)snprintf(s + len, cap - len, "%s %s%lld", j > 0 ? "," : "",
                                o[j].kind == PLN_OUT_EDGE ? "the drop of edge " : "n",
                                (long long)o[j].index);
    }
    return s;
}

int plnet_cmd_export(int argc, char **argv, FILE *out, FILE *err)
{
    /* --example and --split (run folders only) are taken out before the shared parser. */
    char **av = calloc((size_t)argc + 1, sizeof *av);
    if (av == NULL) {
        fprintf(err, "plnet: out of memory\n");
        return 1;
    }
    int ac = 0;
    const char *example_arg = NULL;
    const char *split_arg = NULL;
    for (int k = 0; k < argc; k++) {
        const char *name = NULL, *value = NULL;
        char buf[64];
        if (k > 0 && (strncmp(argv[k], "--example", 9) == 0 ||
                      strncmp(argv[k], "--split", 7) == 0) &&
            (argv[k][strcspn(argv[k], "=")] == '=' || strcmp(argv[k], "--example") == 0 ||
             strcmp(argv[k], "--split") == 0)) {
            int orc = plnet_option_value(argc, argv, &k, &name, &value, buf, sizeof buf, err);
            if (orc != 0) {
                free(av);
                return orc;
            }
            if (strcmp(name, "--example") == 0) {
                example_arg = value;
            } else if (strcmp(name, "--split") == 0) {
                split_arg = value;
            } else {
                fprintf(err, "plnet: export: unknown option '%s' (see plnet export --help)\n",
                        name);
                free(av);
                return 2;
            }
            continue;
        }
        av[ac++] = argv[k];
    }
    plnet_args a;
    int rc = plnet_parse_args(ac, av, usage, true, &a, out, err);
    free(av);
    if (rc != 0) {
        plnet_args_free(&a);
        return rc < 0 ? 0 : rc;
    }
    if (!a.spice) {
        fprintf(err, "plnet: export: give the format: --spice\n");
        plnet_args_free(&a);
        return 2;
    }
    const bool run_dir = plnet_is_dir(a.config);
    long long example_i = 0;
    pln_split split = PLN_SPLIT_TEST;
    if (!run_dir && (example_arg != NULL || split_arg != NULL)) {
        fprintf(err, "plnet: export: --example and --split need a run folder (plnet train's "
                "output), not %s\n", a.config);
        plnet_args_free(&a);
        return 2;
    }
    if (run_dir && a.sets.n > 0) {
        fprintf(err, "plnet: export: --set does not apply to a run folder (%s): the trained "
                "network is the run's configuration\n", a.config);
        plnet_args_free(&a);
        return 2;
    }
    if (example_arg != NULL) {
        char *end = NULL;
        example_i = strtoll(example_arg, &end, 10);
        if (end == example_arg || *end != '\0') {
            fprintf(err, "plnet: export: --example %s: not an integer\n", example_arg);
            plnet_args_free(&a);
            return 2;
        }
    }
    if (split_arg != NULL) {
        if (strcmp(split_arg, "test") == 0) {
            split = PLN_SPLIT_TEST;
        } else if (strcmp(split_arg, "train") == 0) {
            split = PLN_SPLIT_TRAIN;
        } else {
            fprintf(err, "plnet: export: --split %s: test or train\n", split_arg);
            plnet_args_free(&a);
            return 2;
        }
    }
    plnet_run run;
    memset(&run, 0, sizeof run);
    plnet_config cfg;
    pln_ctx *ctx = NULL;
    pln_experiment *x = NULL;
    bool *is_zero = NULL;
    char *example = NULL;
    if (run_dir) {
        rc = plnet_run_open(a.config, "export", &run, err);
        if (rc == 0) {
            rc = plnet_run_apply_example(&run, split, example_i, "export", err);
        }
        if (rc == 0) {
            example = describe_example(run.x, split, example_i);
            if (example == NULL) {
                fprintf(err, "plnet: out of memory\n");
                rc = 1;
            }
        }
        cfg = run.cfg;
        ctx = run.ctx;
        x = run.x;
    } else {
        rc = plnet_config_load_with(a.config, a.sets.v, a.sets.n, &cfg, err);
        if (rc == 0) {
            rc = plnet_experiment_open(&cfg, PLN_BUILD_NETWORK, &ctx, &x, err);
        }
    }
    if (rc == 0) {
        const pln_network *net = pln_experiment_network(x);
        const pln_boundary *bc = pln_network_boundary(net);
        const double *dv = pln_network_dirichlet_values(net);
        const bool *ground = pln_experiment_dirichlet_ground(x);
        pln_idx n = pln_network_n_nodes(net);
        is_zero = calloc((size_t)n, sizeof *is_zero);
        if (is_zero == NULL) {
            fprintf(err, "plnet: out of memory\n");
            rc = 1;
        } else {
            /* Only ground nodes at 0 V become SPICE's node 0; other fixed nodes get a source. */
            for (pln_idx d = 0; d < bc->n_dirichlet; d++) {
                if (ground[d] && dv[d] == 0.0) {
                    is_zero[bc->dirichlet_nodes[d]] = true;
                }
            }
        }
    }
    if (rc == 0) {
        if (a.output != NULL && strcmp(a.output, "-") != 0) {
            plnet_outfile f;
            rc = plnet_outfile_open(&f, a.output, err);
            if (rc == 0) {
                rc = write_netlist(f.fp, &cfg, x, is_zero, ctx, example, err);
                if (rc == 0) {
                    rc = plnet_outfile_commit(&f, err);
                } else {
                    plnet_outfile_abort(&f);
                }
            }
        } else {
            rc = write_netlist(out, &cfg, x, is_zero, ctx, example, err);
        }
    }
    free(is_zero);
    free(example);
    if (run_dir) {
        plnet_run_close(&run);
    } else {
        pln_experiment_destroy(x);
        pln_ctx_destroy(ctx);
        plnet_config_free(&cfg);
    }
    plnet_args_free(&a);
    return rc;
}
