/* override.h — one configuration override (--set KEY=VALUE, a sweep axis value) and a list of them. */
#ifndef PLNET_CLI_OVERRIDE_H
#define PLNET_CLI_OVERRIDE_H

#include <stddef.h>
#include <stdio.h>

/* One override of a configuration key, applied to the YAML document before it is read, so
 * that its value is checked exactly like the same value written in the file. A key the
 * file does not have is created (with its parent mappings); a key the reader does not know
 * is refused as in a file. */
typedef struct plnet_override {
    const char *key;    /* dotted key, e.g. "learning.rate" */
    const char *value;  /* the value as YAML text: "0.2", "[32, 32]", "{log: [1e-3, 1, 4]}" */
    const char *origin; /* what an error names instead of file:line:col, e.g.
                           "--set learning.rate=0.2" or "sweep.yaml:7:18" */
} plnet_override;

/* A growing list of overrides that owns its strings (the CLI's --set arguments). */
typedef struct plnet_overrides {
    plnet_override *v;
    size_t n;
} plnet_overrides;

/* Add "KEY=VALUE" (the text after --set); the origin is "--set KEY=VALUE". Returns 0, or 2
 * with "plnet: CMD: ..." on err when arg has no '=' or a malformed key. */
int plnet_overrides_add_arg(plnet_overrides *list, const char *cmd, const char *arg, FILE *err);
void plnet_overrides_free(plnet_overrides *list);

#endif
