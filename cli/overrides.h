/* overrides.h — applying plnet_override values to a YAML document before the reader sees it. */
#ifndef PLNET_CLI_OVERRIDES_H
#define PLNET_CLI_OVERRIDES_H

#include "config.h"
#include "yaml_doc.h"

/* Apply sets[0..n_sets) to the document in order: each value (YAML text) replaces or creates
 * its dotted key, parent mappings created as needed; every node it brings, and a replaced
 * key, carry the mark PLNET_MARK_OVERRIDE + k of the origin it appends to cfg->origins.
 * Returns 0, 2 (reported "plnet: ORIGIN: ...") or 1 (out of memory). */
int plnet_i_overrides_apply(yd_node *root, const plnet_override *sets, size_t n_sets,
                            plnet_config *cfg, FILE *err);

#endif
