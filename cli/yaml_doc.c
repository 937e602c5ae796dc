/* yaml_doc.c — libyaml event parser building the yd_node tree, keeping every mark (1-based). */
#include "yaml_doc.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

typedef struct parse_state {
    yaml_parser_t parser;
    char *msg;
    size_t msg_size;
    FILE *fp;       /* yd_load: the file, read through read_file */
    size_t bytes;   /* bytes read so far */
    bool too_big;   /* the file passed YD_MAX_BYTES */
    size_t nodes;   /* nodes made so far */
} parse_state;

static void fail_at(parse_state *ps, const yaml_mark_t *m, const char *text)
{
    snprintf(ps->msg, ps->msg_size, "%d:%d: %s", (int)m->line + 1, (int)m->column + 1, text);
}

/* A node (a scalar's text in the same block), or NULL: out of memory or over YD_MAX_NODES
 * (the message says which). */
static yd_node *node_new(parse_state *ps, yd_type type, const yaml_mark_t *m, const char *text,
                         size_t len)
{
    if (++ps->nodes > YD_MAX_NODES) {
        char buf[160];
        snprintf(buf, sizeof buf, "the document holds more than %zu values (YAML nodes: "
                 "scalars, lists and mappings), the most plnet reads", YD_MAX_NODES);
        fail_at(ps, m, buf);
        return NULL;
    }
    yd_node *nd = calloc(1, sizeof *nd + (type == YD_SCALAR ? len + 1 : 0));
    if (nd == NULL) {
        fail_at(ps, m, "out of memory");
        return NULL;
    }
    nd->type = type;
    /* libyaml marks are 0-based; every message plnet prints is 1-based. */
    nd->line = (int)m->line + 1;
    nd->col = (int)m->column + 1;
    if (type == YD_SCALAR) {
        nd->scalar = (char *)(nd + 1);
        nd->inline_text = true;
        memcpy(nd->scalar, text, len);
        nd->scalar[len] = '\0';
    }
    return nd;
}

void yd_free(yd_node *nd)
{
    if (nd == NULL) {
        return;
    }
    for (size_t k = 0; k < nd->n; k++) {
        yd_free(nd->items[k]);
        if (nd->keys != NULL) {
            yd_free(nd->keys[k]);
        }
    }
    free(nd->items);
    free(nd->keys);
    free(nd->used);
    if (!nd->inline_text) {
        free(nd->scalar);
    }
    free(nd);
}

/* Room for one more entry: capacities double (a power of two at least 4), so n entries cost
 * O(n) copying in all; shrink() trims them when the container ends. */
static int grow(yd_node *nd)
{
    const size_t n = nd->n;
    if (n != 0 && (n < 4 || (n & (n - 1)) != 0)) {
        return 0; /* below the capacity, max(4, the power of two at or above n) */
    }
    const size_t cap = n == 0 ? 4 : 2 * n;
    yd_node **items = realloc(nd->items, cap * sizeof *items);
    if (items == NULL) {
        return -1;
    }
    nd->items = items;
    if (nd->type == YD_MAP) {
        yd_node **keys = realloc(nd->keys, cap * sizeof *keys);
        if (keys == NULL) {
            return -1;
        }
        nd->keys = keys;
        bool *used = realloc(nd->used, cap * sizeof *used);
        if (used == NULL) {
            return -1;
        }
        nd->used = used;
    }
    return 0;
}

/* Trim a finished container's arrays to its n entries (failure to shrink is harmless). */
static void shrink(yd_node *nd)
{
    if (nd->n == 0) {
        return;
    }
    yd_node **items = realloc(nd->items, nd->n * sizeof *items);
    nd->items = items != NULL ? items : nd->items;
    if (nd->type == YD_MAP) {
        yd_node **keys = realloc(nd->keys, nd->n * sizeof *keys);
        nd->keys = keys != NULL ? keys : nd->keys;
        bool *used = realloc(nd->used, nd->n * sizeof *used);
        nd->used = used != NULL ? used : nd->used;
    }
}

/* The keys of a mapping being read, hashed (FNV-1a) for the duplicate check: slots hold
 * entry + 1 (0 is empty), the table at most half full. */
typedef struct key_set {
    size_t *slot;
    size_t cap;
} key_set;

static size_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s != '\0'; s++) {
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    }
    return (size_t)h;
}

/* The entry of map holding key, or -1; with add, key (entry n) is added when absent. */
static long key_set_find(key_set *ks, const yd_node *map, const char *key, bool add)
{
    if (add && 2 * (map->n + 1) > ks->cap) {
        size_t cap = ks->cap < 16 ? 16 : 2 * ks->cap;
        size_t *slot = calloc(cap, sizeof *slot);
        if (slot == NULL) {
            return -2;
        }
        for (size_t k = 0; k < map->n; k++) {
            size_t at = hash_str(map->keys[k]->scalar) & (cap - 1);
            while (slot[at] != 0) {
                at = (at + 1) & (cap - 1);
            }
            slot[at] = k + 1;
        }
        free(ks->slot);
        ks->slot = slot;
        ks->cap = cap;
    }
    if (ks->cap == 0) {
        return -1;
    }
    size_t at = hash_str(key) & (ks->cap - 1);
    while (ks->slot[at] != 0) {
        if (strcmp(map->keys[ks->slot[at] - 1]->scalar, key) == 0) {
            return (long)(ks->slot[at] - 1);
        }
        at = (at + 1) & (ks->cap - 1);
    }
    if (add) {
        ks->slot[at] = map->n + 1;
    }
    return -1;
}

static int next_event(parse_state *ps, yaml_event_t *ev)
{
    if (!yaml_parser_parse(&ps->parser, ev)) {
        const yaml_parser_t *p = &ps->parser;
        if (ps->too_big) {
            snprintf(ps->msg, ps->msg_size, "%d:%d: the file is larger than %zu MiB, the most "
                     "plnet reads", (int)p->mark.line + 1, (int)p->mark.column + 1,
                     YD_MAX_BYTES >> 20);
            return -1;
        }
        char text[512];
        snprintf(text, sizeof text, "YAML syntax error: %s%s%s",
                 p->problem != NULL ? p->problem : "unknown problem",
                 p->context != NULL ? " " : "", p->context != NULL ? p->context : "");
        fail_at(ps, &p->problem_mark, text);
        return -1;
    }
    return 0;
}

/* Parse the node that starts with `ev` (already read; this function deletes it). */
static yd_node *parse_node(parse_state *ps, yaml_event_t *ev, int depth)
{
    yd_node *nd = NULL;
    if (depth > 64) {
        fail_at(ps, &ev->start_mark, "nesting too deep");
        yaml_event_delete(ev);
        return NULL;
    }
    switch (ev->type) {
    case YAML_SCALAR_EVENT:
        if (ev->data.scalar.anchor != NULL) {
            fail_at(ps, &ev->start_mark, "anchors and aliases are not supported");
            break;
        }
        nd = node_new(ps, YD_SCALAR, &ev->start_mark, (const char *)ev->data.scalar.value,
                      ev->data.scalar.length);
        if (nd == NULL) {
            break;
        }
        nd->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
        break;
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT: {
        bool is_map = ev->type == YAML_MAPPING_START_EVENT;
        const unsigned char *anchor = is_map ? ev->data.mapping_start.anchor
                                             : ev->data.sequence_start.anchor;
        if (anchor != NULL) {
            fail_at(ps, &ev->start_mark, "anchors and aliases are not supported");
            break;
        }
        nd = node_new(ps, is_map ? YD_MAP : YD_SEQ, &ev->start_mark, NULL, 0);
        if (nd == NULL) {
            break;
        }
        key_set ks = {NULL, 0};
        for (;;) {
            yaml_event_t child;
            if (next_event(ps, &child) != 0) {
                yd_free(nd);
                nd = NULL;
                break;
            }
            if (child.type == YAML_SEQUENCE_END_EVENT || child.type == YAML_MAPPING_END_EVENT) {
                yaml_event_delete(&child);
                break;
            }
            yd_node *key = NULL;
            if (is_map) {
                if (child.type != YAML_SCALAR_EVENT) {
                    fail_at(ps, &child.start_mark, "mapping keys must be plain names");
                    yaml_event_delete(&child);
                    yd_free(nd);
                    nd = NULL;
                    break;
                }
                key = parse_node(ps, &child, depth + 1);
                if (key == NULL) {
                    yd_free(nd);
                    nd = NULL;
                    break;
                }
                /* grow first: the key set's entry n must be the one stored below */
                long first = grow(nd) != 0 ? -2 : key_set_find(&ks, nd, key->scalar, true);
                if (first == -2) {
                    snprintf(ps->msg, ps->msg_size, "%d:%d: out of memory", key->line,
                             key->col);
                }
                if (first >= 0) {
                    char text[256];
                    snprintf(text, sizeof text, "duplicate key '%.100s' (first at line %d)",
                             key->scalar, nd->keys[first]->line);
                    snprintf(ps->msg, ps->msg_size, "%d:%d: %s", key->line, key->col, text);
                }
                if (first != -1) {
                    /* Leave through the end of the function, which deletes ev: ev owns the
                     * mapping's tag (`key: !tag`), leaked when this returned at once. */
                    yd_free(key);
                    yd_free(nd);
                    nd = NULL;
                    break;
                }
                if (next_event(ps, &child) != 0) {
                    yd_free(key);
                    yd_free(nd);
                    nd = NULL;
                    break;
                }
            }
            yd_node *val = parse_node(ps, &child, depth + 1);
            if (val == NULL || grow(nd) != 0) {
                if (val != NULL) {
                    snprintf(ps->msg, ps->msg_size, "%d:%d: out of memory", val->line,
                             val->col);
                }
                yd_free(val);
                yd_free(key);
                yd_free(nd);
                nd = NULL;
                break;
            }
            nd->items[nd->n] = val;
            if (is_map) {
                nd->keys[nd->n] = key;
                nd->used[nd->n] = false;
            }
            nd->n++;
        }
        free(ks.slot);
        if (nd != NULL) {
            shrink(nd);
        }
        break;
    }
    case YAML_ALIAS_EVENT:
        fail_at(ps, &ev->start_mark, "anchors and aliases are not supported");
        break;
    default:
        fail_at(ps, &ev->start_mark, "unexpected YAML event");
        break;
    }
    yaml_event_delete(ev);
    return nd;
}

/* The document of a parser whose input is set; deletes the parser. */
static yd_node *load_document(parse_state *ps)
{
    char *msg = ps->msg;
    yd_node *root = NULL;
    yaml_event_t ev;
    bool done = false;
    int n_docs = 0;
    while (!done) {
        if (next_event(ps, &ev) != 0) {
            yd_free(root);
            root = NULL;
            break;
        }
        switch (ev.type) {
        case YAML_STREAM_START_EVENT:
        case YAML_DOCUMENT_END_EVENT:
            yaml_event_delete(&ev);
            break;
        case YAML_DOCUMENT_START_EVENT:
            n_docs++;
            if (n_docs > 1) {
                fail_at(ps, &ev.start_mark, "only one YAML document per file is allowed");
                yaml_event_delete(&ev);
                yd_free(root);
                root = NULL;
                done = true;
                break;
            }
            yaml_event_delete(&ev);
            break;
        case YAML_STREAM_END_EVENT: {
            if (root == NULL) {
                /* An empty file is an experiment with every default. */
                root = node_new(ps, YD_MAP, &ev.start_mark, NULL, 0);
                if (root != NULL) {
                    root->line = 1;
                    root->col = 1;
                }
            }
            yaml_event_delete(&ev);
            done = true;
            break;
        }
        default: {
            yaml_mark_t m = ev.start_mark;
            yd_node *nd = parse_node(ps, &ev, 0);
            if (nd == NULL) {
                yd_free(root);
                root = NULL;
                done = true;
                if (msg[0] == '\0') {
                    fail_at(ps, &m, "out of memory");
                }
                break;
            }
            root = nd;
            break;
        }
        }
    }
    yaml_parser_delete(&ps->parser);
    return root;
}

/* libyaml's input: the file, counted against YD_MAX_BYTES (a pipe too, which has no size). */
static int read_file(void *data, unsigned char *buffer, size_t size, size_t *size_read)
{
    parse_state *ps = data;
    size_t n = fread(buffer, 1, size, ps->fp);
    if (n == 0 && ferror(ps->fp)) {
        return 0;
    }
    ps->bytes += n;
    if (ps->bytes > YD_MAX_BYTES) {
        ps->too_big = true;
        return 0;
    }
    *size_read = n;
    return 1;
}

yd_node *yd_load(const char *path, char *msg, size_t msg_size)
{
    parse_state ps;
    memset(&ps, 0, sizeof ps);
    ps.msg = msg;
    ps.msg_size = msg_size;
    msg[0] = '\0';
    FILE *fp = fopen(path, "rb");
    if (fp == NULL) {
        snprintf(msg, msg_size, "cannot open: %s", strerror(errno));
        return NULL;
    }
    if (!yaml_parser_initialize(&ps.parser)) {
        fclose(fp);
        snprintf(msg, msg_size, "out of memory");
        return NULL;
    }
    ps.fp = fp;
    yaml_parser_set_input(&ps.parser, read_file, &ps);
    yd_node *root = load_document(&ps);
    fclose(fp);
    return root;
}

yd_node *yd_load_text(const char *text, size_t len, char *msg, size_t msg_size)
{
    parse_state ps;
    memset(&ps, 0, sizeof ps);
    ps.msg = msg;
    ps.msg_size = msg_size;
    msg[0] = '\0';
    if (len > YD_MAX_BYTES) {
        snprintf(msg, msg_size, "1:1: the text is larger than %zu MiB, the most plnet reads",
                 YD_MAX_BYTES >> 20);
        return NULL;
    }
    if (!yaml_parser_initialize(&ps.parser)) {
        snprintf(msg, msg_size, "out of memory");
        return NULL;
    }
    yaml_parser_set_input_string(&ps.parser, (const unsigned char *)text, len);
    return load_document(&ps);
}

static long find(const yd_node *map, const char *key)
{
    if (map == NULL || map->type != YD_MAP) {
        return -1;
    }
    for (size_t k = 0; k < map->n; k++) {
        if (strcmp(map->keys[k]->scalar, key) == 0) {
            return (long)k;
        }
    }
    return -1;
}

yd_node *yd_get(yd_node *map, const char *key)
{
    long k = find(map, key);
    if (k < 0) {
        return NULL;
    }
    map->used[k] = true;
    return map->items[k];
}

yd_node *yd_key(yd_node *map, const char *key)
{
    long k = find(map, key);
    return k < 0 ? NULL : map->keys[k];
}

yd_node *yd_first_unused(const yd_node *map)
{
    if (map == NULL || map->type != YD_MAP) {
        return NULL;
    }
    for (size_t k = 0; k < map->n; k++) {
        if (!map->used[k]) {
            return map->keys[k];
        }
    }
    return NULL;
}
