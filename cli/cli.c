/* cli.c — the plnet command line: dispatch table, --help generated from it, --version, shared argument parsing. */
#include "commands.h"

#include "plnet.h"

#include <string.h>

typedef struct command {
    const char *name;
    plnet_cmd_fn fn;
    const char *help;
} command;

static const command commands[] = {
    {"solve", plnet_cmd_solve,
     "solve the network's steady state; write potentials, edge currents, power, GraphML"},
    {"info", plnet_cmd_info, "print the graph's size, degree statistics and components"},
    {"export", plnet_cmd_export, "write the network and its sources as a SPICE netlist (--spice)"},
    {"train", plnet_cmd_train, "train the network in place with a local learning rule"},
    {"evaluate", plnet_cmd_evaluate,
     "a trained run's test error with every element off by a tolerance (distribution)"},
    {"memory", plnet_cmd_memory, "print an edge memory's kernel K(t) as CSV and its dissipation"},
    {"probe", plnet_cmd_probe,
     "drive one edge's memory with a protocol; print the update per period vs amplitude"},
    {"sweep", plnet_cmd_sweep,
     "run a parameter study: every point of a grid of config values and seeds, in parallel"},
#ifdef PLNET_HAVE_CAIRO
    {"draw", plnet_cmd_draw, "draw a run or a network file as SVG (network.svg, curves.svg)"},
#endif
};
static const size_t n_commands = sizeof commands / sizeof commands[0];

static void print_help(FILE *out)
{
    fprintf(out, "usage: plnet COMMAND [options] CONFIG.yaml\n"
                 "       plnet --help | --version\n\n"
                 "Physical learning networks: resistor, flow and spring networks that learn in place.\n\n"
                 "commands:\n");
    for (size_t k = 0; k < n_commands; k++) {
        fprintf(out, "  %-8s %s\n", commands[k].name, commands[k].help);
    }
    fprintf(out, "\n`plnet COMMAND --help` describes a command's options.\n"
                 "Exit status: 0 ok, 1 runtime failure, 2 usage or configuration error.\n"
                 "The configuration keys are documented in docs/config.md.\n");
}

int plnet_parse_args(int argc, char **argv, const char *usage, bool allow_spice, plnet_args *a,
                     FILE *out, FILE *err)
{
    memset(a, 0, sizeof *a);
    bool only_positional = false;
    for (int k = 1; k < argc; k++) {
        const char *s = argv[k];
        if (!only_positional && (strcmp(s, "--help") == 0 || strcmp(s, "-h") == 0)) {
            fputs(usage, out);
            return -1;
        }
        int set_rc = only_positional ? 1 : plnet_set_option(argc, argv, &k, &a->sets, err);
        if (set_rc == 0) {
            continue;
        }
        if (set_rc != 1) {
            return set_rc;
        }
        if (!only_positional && strcmp(s, "--") == 0) {
            only_positional = true;
        } else if (!only_positional && (strcmp(s, "-o") == 0 || strcmp(s, "--output") == 0)) {
            if (k + 1 >= argc) {
                fprintf(err, "plnet: %s: %s needs a value\n", argv[0], s);
                return 2;
            }
            a->output = argv[++k];
        } else if (!only_positional && strncmp(s, "--output=", 9) == 0) {
            a->output = s + 9;
        } else if (!only_positional && strcmp(s, "--force") == 0) {
            a->force = true;
        } else if (!only_positional && allow_spice && strcmp(s, "--spice") == 0) {
            a->spice = true;
        } else if (!only_positional && s[0] == '-' && s[1] != '\0') {
            fprintf(err, "plnet: %s: unknown option '%s' (see plnet %s --help)\n", argv[0], s,
                    argv[0]);
            return 2;
        } else if (a->config == NULL) {
            a->config = s;
        } else {
            fprintf(err, "plnet: %s: unexpected argument '%s' (one CONFIG file)\n", argv[0], s);
            return 2;
        }
    }
    if (a->config == NULL) {
        fprintf(err, "plnet: %s: missing CONFIG.yaml (see plnet %s --help)\n", argv[0], argv[0]);
        return 2;
    }
    return 0;
}

void plnet_args_free(plnet_args *a)
{
    plnet_overrides_free(&a->sets);
}

int plnet_set_option(int argc, char **argv, int *k, plnet_overrides *sets, FILE *err)
{
    const char *s = argv[*k];
    const char *arg = NULL;
    if (strcmp(s, "--set") == 0) {
        if (*k + 1 >= argc) {
            fprintf(err, "plnet: %s: --set needs KEY=VALUE\n", argv[0]);
            return 2;
        }
        arg = argv[++*k];
    } else if (strncmp(s, "--set=", 6) == 0) {
        arg = s + 6;
    } else {
        return 1;
    }
    return plnet_overrides_add_arg(sets, argv[0], arg, err);
}

int pln_cli_run(int argc, char **argv, FILE *out, FILE *err)
{
    if (argc < 2) {
        print_help(err);
        return 2;
    }
    const char *c = argv[1];
    if (strcmp(c, "--help") == 0 || strcmp(c, "-h") == 0 || strcmp(c, "help") == 0) {
        print_help(out);
        return 0;
    }
    if (strcmp(c, "--version") == 0 || strcmp(c, "-V") == 0) {
        fprintf(out, "plnet %s\n", pln_version());
        return 0;
    }
    for (size_t k = 0; k < n_commands; k++) {
        if (strcmp(c, commands[k].name) == 0) {
            int rc = commands[k].fn(argc - 1, argv + 1, out, err);
            fflush(out);
            return rc;
        }
    }
    fprintf(err, "plnet: unknown command '%s' (commands:", c);
    for (size_t k = 0; k < n_commands; k++) {
        fprintf(err, " %s", commands[k].name);
    }
    fprintf(err, "; see plnet --help)\n");
    return 2;
}
