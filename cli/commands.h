/* commands.h — the plnet subcommands and the shared argument handling. */
#ifndef PLNET_CLI_COMMANDS_H
#define PLNET_CLI_COMMANDS_H

#include "override.h"

#include <stdbool.h>
#include <stdio.h>

/* A subcommand: argv[0] is its name; returns the exit code (0 ok, 1 runtime, 2 usage). */
typedef int (*plnet_cmd_fn)(int argc, char **argv, FILE *out, FILE *err);

int plnet_cmd_solve(int argc, char **argv, FILE *out, FILE *err);
int plnet_cmd_info(int argc, char **argv, FILE *out, FILE *err);
int plnet_cmd_export(int argc, char **argv, FILE *out, FILE *err);
int plnet_cmd_train(int argc, char **argv, FILE *out, FILE *err);
int plnet_cmd_evaluate(int argc, char **argv, FILE *out, FILE *err);
int plnet_cmd_memory(int argc, char **argv, FILE *out, FILE *err);
int plnet_cmd_probe(int argc, char **argv, FILE *out, FILE *err);
int plnet_cmd_sweep(int argc, char **argv, FILE *out, FILE *err);
int plnet_cmd_draw(int argc, char **argv, FILE *out, FILE *err); /* with cairo only */
/* `plnet draw SWEEP_DIR`: true when the first positional argument is a sweep folder. */
bool plnet_draw_is_sweep(int argc, char **argv);
int plnet_cmd_draw_sweep(int argc, char **argv, FILE *out, FILE *err);

/* Run the program: `plnet COMMAND ...`. Callable in-process (tests). */
int pln_cli_run(int argc, char **argv, FILE *out, FILE *err);

/* The arguments every subcommand shares. */
typedef struct plnet_args {
    const char *config; /* the experiment file */
    const char *output; /* -o/--output, or NULL */
    bool spice;         /* --spice (export) */
    bool force;         /* --force (solve: write into a folder holding other files) */
    plnet_overrides sets; /* --set KEY=VALUE, in order; freed with plnet_args_free */
} plnet_args;

/* Parse `CONFIG [-o PATH] [--set KEY=VALUE]... [--spice] [--help]` for a subcommand. `usage`
 * is printed for --help. Returns 0 to go on, -1 when help was printed (exit 0), 2 on a
 * usage error. Free a with plnet_args_free in every case. */
int plnet_parse_args(int argc, char **argv, const char *usage, bool allow_spice, plnet_args *a,
                     FILE *out, FILE *err);
void plnet_args_free(plnet_args *a);

/* `--set KEY=VALUE` or `--set=KEY=VALUE` at argv[*k]: 1 when it is not one, else 0 (added to
 * sets, *k advanced past a separate value) or the exit code of a bad one (reported). */
int plnet_set_option(int argc, char **argv, int *k, plnet_overrides *sets, FILE *err);

/* The help lines every command that reads an experiment shares. */
#define PLNET_SET_HELP                                                                       \
    "  --set KEY=VALUE   override a configuration key (repeatable), e.g. --set\n"            \
    "                    learning.rate=0.2 or --set network.graph.size=[32,32]; the value\n"  \
    "                    is YAML and is checked as if written in the file\n"

/* `--name value` or `--name=value` at argv[*k] (advances *k past a separate value); name
 * may point into buf. Returns 0, or 2 with a message when the value is missing. */
int plnet_option_value(int argc, char **argv, int *k, const char **name, const char **value,
                       char *buf, size_t bufsize, FILE *err);

/* The memory options shared by `plnet memory` and `plnet probe` (cmd_memory.c): 0 when name
 * was one and is set, 1 when name is not a memory option, 2 on a bad value (reported). */
struct pln_memory_options;
int plnet_memory_option(const char *name, const char *value, struct pln_memory_options *o,
                        FILE *err);
/* "# memory: kind=... tau=..." */
int plnet_print_memory_header(FILE *out, const struct pln_memory_options *o);

#endif
