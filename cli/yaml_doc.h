/* yaml_doc.h — a YAML file as a small tree of scalars, sequences and mappings, each with its 1-based mark. */
#ifndef PLNET_CLI_YAML_DOC_H
#define PLNET_CLI_YAML_DOC_H

#include <stdbool.h>
#include <stddef.h>

typedef enum yd_type { YD_SCALAR, YD_SEQ, YD_MAP } yd_type;

typedef struct yd_node yd_node;
struct yd_node {
    yd_type type;
    int line; /* 1-based */
    int col;  /* 1-based */
    bool plain;        /* YD_SCALAR: unquoted (so "1" in quotes stays a string) */
    bool inline_text;  /* YD_SCALAR: scalar lives in the node's own block (not freed alone) */
    char *scalar;  /* YD_SCALAR: the text */
    size_t n;      /* YD_SEQ: items; YD_MAP: pairs */
    yd_node **items; /* YD_SEQ items, or YD_MAP values */
    yd_node **keys;  /* YD_MAP keys (scalars) */
    bool *used;      /* YD_MAP: key consumed by the reader (unknown-key detection) */
};

/* The limits of a document: bytes read, and nodes (scalars, lists and mappings, keys
 * included). Beyond them the load stops with a message naming the limit; within them the
 * load takes time linear in the size (duplicate keys are found through a hash table). */
#define YD_MAX_BYTES ((size_t)64 << 20)
#define YD_MAX_NODES ((size_t)2000000)

/* Parse a file holding one document. Returns the root (an empty map for an empty file) or NULL
 * with a message "line:col: text" (1-based) in msg. Aliases and anchors are refused. */
yd_node *yd_load(const char *path, char *msg, size_t msg_size);
/* The same from YAML text in memory (len bytes, no terminator needed). */
yd_node *yd_load_text(const char *text, size_t len, char *msg, size_t msg_size);
void yd_free(yd_node *node);

/* Look up a key in a mapping (marks it used); NULL when absent or node is not a map. */
yd_node *yd_get(yd_node *map, const char *key);
/* Key node of a mapping entry (for its mark), or NULL. */
yd_node *yd_key(yd_node *map, const char *key);
/* First key of a mapping not consumed by yd_get, or NULL. */
yd_node *yd_first_unused(const yd_node *map);

#endif
