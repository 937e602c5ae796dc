/* config.h — the experiment file (YAML) read into the library's experiment description through the key table, with the file:line:col (or --set argument) of every value it sets. */
#ifndef PLNET_CLI_CONFIG_H
#define PLNET_CLI_CONFIG_H

#include "override.h"
#include "plnet.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* Where a value came from: 1-based line and column in the experiment file; line 0 means
 * "not in the file" (a default), so errors about it name the file only. A value set by an
 * override (--set, a sweep axis) has line PLNET_MARK_OVERRIDE + k for the config's k-th
 * origin (cfg->origins[k]): errors about it name that origin instead of file:line:col, and
 * `line > 0` still means "given". */
typedef struct plnet_mark {
    int line;
    int col;
} plnet_mark;

#define PLNET_MARK_OVERRIDE (1 << 28)

/* The marks of the values read (internal to config.c). */
typedef struct plnet_key_mark plnet_key_mark;

/* A loaded experiment file: the description (every key of pln_config_key's table, defaults
 * from pln_experiment_desc_default), whose arrays and strings the config owns. */
typedef struct plnet_config {
    char *path;      /* the YAML file as given on the command line (or the text's name) */
    char *base_dir;  /* its directory, for relative data and graph paths */
    char **origins;  /* the overrides' origins ("--set learning.rate=0.2"), owned */
    size_t n_origins;
    pln_experiment_desc d;
    /* internal: storage of d's arrays and strings, and the marks */
    void **owned;
    size_t n_owned, cap_owned;
    plnet_key_mark *marks;
    size_t n_marks, cap_marks;
} plnet_config;

/* Every key at its default (no file); the name is path's stem. Free with plnet_config_free. */
void plnet_config_defaults(plnet_config *cfg, const char *path);

/* Read an experiment file, fill the defaults and check the result (pln_experiment_desc_check:
 * ranges and keys that depend on each other). On error prints "plnet: file:line:col: message"
 * (or "plnet: ORIGIN: message" for an overridden value) to err and returns 2 (the CLI's
 * usage/config exit code; 1 when out of memory); cfg is then still safe to free. Returns 0
 * on success. */
int plnet_config_load(const char *path, plnet_config *cfg, FILE *err);

/* plnet_config_load with overrides applied in order (a later one wins); sets may be NULL
 * when n_sets is 0. Errors about an overridden value are "plnet: ORIGIN: message". */
int plnet_config_load_with(const char *path, const plnet_override *sets, size_t n_sets,
                           plnet_config *cfg, FILE *err);

/* The same from YAML text in memory (len bytes; flow or block style, e.g. a dict written
 * as JSON): `name` stands for the file in messages and gives the default experiment name
 * (its stem); relative data and graph paths resolve against base_dir ("." when NULL). */
int plnet_config_load_text(const char *text, size_t len, const char *name, const char *base_dir,
                           const plnet_override *sets, size_t n_sets, plnet_config *cfg,
                           FILE *err);

void plnet_config_free(plnet_config *cfg);

/* The resolved configuration (every key) as YAML, loadable by plnet_config_load: the
 * library's pln_experiment_desc_yaml. Returns 0, or -1 on a write error. */
int plnet_config_write(const plnet_config *cfg, FILE *out);

/* The mark of the value a configuration key names (as an experiment's errors name them:
 * "task.outputs.nodes[1]" is element 1 of that list): the key's own when it was given, else
 * its nearest given section's, else line 0. *found is false for a key that is not in the
 * table (nor under a key of it). */
plnet_mark plnet_config_mark(const plnet_config *cfg, const char *key, bool *found);

/* Print "plnet: file:line:col: message" (or "plnet: file: message" for line 0, or the
 * override's origin). */
void plnet_report_at(FILE *err, const plnet_config *cfg, plnet_mark at, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

#endif
