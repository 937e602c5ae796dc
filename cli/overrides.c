/* overrides.c — KEY=VALUE overrides (--set, sweep axes) applied to the YAML document before it is read, each value marked with its origin. */
#include "overrides.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static char *dup_str(const char *s)
{
    size_t len = strlen(s);
    char *d = malloc(len + 1);
    if (d != NULL) {
        memcpy(d, s, len + 1);
    }
    return d;
}

/* A dotted key: names of letters, digits and '_' joined by single dots. */
static bool key_ok(const char *key)
{
    bool name_started = false;
    for (const char *c = key; *c != '\0'; c++) {
        if (*c == '.') {
            if (!name_started) {
                return false;
            }
            name_started = false;
        } else if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
                   (*c >= '0' && *c <= '9') || *c == '_') {
            name_started = true;
        } else {
            return false;
        }
    }
    return name_started;
}

int plnet_overrides_add_arg(plnet_overrides *list, const char *cmd, const char *arg, FILE *err)
{
    const char *eq = strchr(arg, '=');
    if (eq == NULL) {
        fprintf(err, "plnet: %s: --set %s: expected KEY=VALUE, e.g. --set learning.rate=0.2\n",
                cmd, arg);
        return 2;
    }
    size_t klen = (size_t)(eq - arg);
    char *key = malloc(klen + 1);
    char *value = dup_str(eq + 1);
    size_t olen = strlen(arg) + 7;
    char *origin = malloc(olen);
    plnet_override *v = realloc(list->v, (list->n + 1) * sizeof *v);
    if (v != NULL) {
        list->v = v;
    }
    if (key == NULL || value == NULL || origin == NULL || v == NULL) {
        free(key);
        free(value);
        free(origin);
        fprintf(err, "plnet: out of memory\n");
        return 1;
    }
    memcpy(key, arg, klen);
    key[klen] = '\0';
    snprintf(origin, olen, "--set %s", arg);
    if (!key_ok(key)) {
        fprintf(err, "plnet: %s: %s: '%s' is not a configuration key (dotted names such as "
                "learning.rate or network.graph.size)\n", cmd, origin, key);
        free(key);
        free(value);
        free(origin);
        return 2;
    }
    list->v[list->n].key = key;
    list->v[list->n].value = value;
    list->v[list->n].origin = origin;
    list->n++;
    return 0;
}

void plnet_overrides_free(plnet_overrides *list)
{
    for (size_t k = 0; k < list->n; k++) {
        free((void *)list->v[k].key);
        free((void *)list->v[k].value);
        free((void *)list->v[k].origin);
    }
    free(list->v);
    list->v = NULL;
    list->n = 0;
}

/* ------------------------------------------------------------------ the document */

static void report(FILE *err, const char *origin, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static void report(FILE *err, const char *origin, const char *fmt, ...)
{
    char text[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    fprintf(err, "plnet: %s: %s\n", origin, text);
}

/* Every node of a value tree gets the override's mark. */
static void mark_tree(yd_node *nd, int line)
{
    nd->line = line;
    nd->col = 0;
    for (size_t k = 0; k < nd->n; k++) {
        mark_tree(nd->items[k], line);
        if (nd->keys != NULL) {
            mark_tree(nd->keys[k], line);
        }
    }
}

static yd_node *new_node(yd_type type, int line, const char *scalar)
{
    yd_node *nd = calloc(1, sizeof *nd);
    if (nd == NULL) {
        return NULL;
    }
    nd->type = type;
    nd->line = line;
    nd->col = 0;
    if (scalar != NULL) {
        nd->scalar = dup_str(scalar);
        nd->plain = true;
        if (nd->scalar == NULL) {
            free(nd);
            return NULL;
        }
    }
    return nd;
}

/* Position of a key in a mapping without marking it used (the reader's unknown-key check
 * must still see a key that only an override reached); -1 when absent. */
static long find_key(const yd_node *map, const char *key, size_t len)
{
    for (size_t k = 0; k < map->n; k++) {
        const char *s = map->keys[k]->scalar;
        if (strlen(s) == len && strncmp(s, key, len) == 0) {
            return (long)k;
        }
    }
    return -1;
}

static int insert(yd_node *map, yd_node *key, yd_node *value)
{
    size_t cap = map->n + 1;
    yd_node **items = realloc(map->items, cap * sizeof *items);
    if (items == NULL) {
        return -1;
    }
    map->items = items;
    yd_node **keys = realloc(map->keys, cap * sizeof *keys);
    if (keys == NULL) {
        return -1;
    }
    map->keys = keys;
    bool *used = realloc(map->used, cap * sizeof *used);
    if (used == NULL) {
        return -1;
    }
    map->used = used;
    map->items[map->n] = value;
    map->keys[map->n] = key;
    map->used[map->n] = false;
    map->n++;
    return 0;
}

static const char *kind_of(const yd_node *nd)
{
    return nd->type == YD_SEQ ? "a list" : "a value";
}

/* The override's value as a tree: YAML text, or an empty plain scalar for "" (as `key:`). */
static yd_node *parse_value(const plnet_override *o, int line, FILE *err)
{
    const char *v = o->value != NULL ? o->value : "";
    size_t len = strlen(v);
    char msg[512];
    yd_node *nd = yd_load_text(v, len, msg, sizeof msg);
    if (nd == NULL) {
        /* Messages are "line:col: text" within the value; the value is one argument. */
        const char *text = msg;
        for (int colons = 0; *text != '\0' && colons < 2; text++) {
            colons += *text == ':';
        }
        while (*text == ' ') {
            text++;
        }
        report(err, o->origin, "%s: the value '%s' is not YAML (%s)", o->key, v,
               *text != '\0' ? text : msg);
        return NULL;
    }
    /* An empty or comment-only text reads as an empty document, which yd_load_text gives
     * as an empty mapping; `key:` with nothing after it is an empty scalar in a file. */
    bool blank = nd->type == YD_MAP && nd->n == 0 && strchr(v, '{') == NULL;
    if (blank) {
        yd_free(nd);
        nd = new_node(YD_SCALAR, line, "");
        if (nd == NULL) {
            fprintf(err, "plnet: out of memory\n");
            return NULL;
        }
    }
    mark_tree(nd, line);
    return nd;
}

int plnet_i_overrides_apply(yd_node *root, const plnet_override *sets, size_t n_sets,
                            plnet_config *cfg, FILE *err)
{
    if (n_sets == 0) {
        return 0;
    }
    char **origins = realloc(cfg->origins, (cfg->n_origins + n_sets) * sizeof *origins);
    if (origins == NULL) {
        fprintf(err, "plnet: out of memory\n");
        return 1;
    }
    cfg->origins = origins;
    for (size_t s = 0; s < n_sets; s++) {
        const plnet_override *o = &sets[s];
        const char *origin = o->origin != NULL ? o->origin : o->key;
        cfg->origins[cfg->n_origins] = dup_str(origin);
        if (cfg->origins[cfg->n_origins] == NULL) {
            fprintf(err, "plnet: out of memory\n");
            return 1;
        }
        const int line = PLNET_MARK_OVERRIDE + (int)cfg->n_origins;
        cfg->n_origins++;
        if (o->key == NULL || !key_ok(o->key)) {
            report(err, origin, "'%s' is not a configuration key (dotted names such as "
                   "learning.rate or network.graph.size)", o->key != NULL ? o->key : "");
            return 2;
        }
        if (root->type != YD_MAP) {
            return 0; /* the reader refuses the document itself */
        }
        yd_node *value = parse_value(o, line, err);
        if (value == NULL) {
            return 2;
        }
        yd_node *map = root;
        const char *name = o->key;
        for (;;) {
            const char *dot = strchr(name, '.');
            size_t len = dot != NULL ? (size_t)(dot - name) : strlen(name);
            long at = find_key(map, name, len);
            if (dot == NULL) {
                if (at >= 0) {
                    yd_free(map->items[at]);
                    map->items[at] = value;
                    map->keys[at]->line = line; /* an error about the key names the override */
                    map->keys[at]->col = 0;
                    break;
                }
                yd_node *key = new_node(YD_SCALAR, line, name);
                if (key == NULL || insert(map, key, value) != 0) {
                    yd_free(key);
                    yd_free(value);
                    fprintf(err, "plnet: out of memory\n");
                    return 1;
                }
                break;
            }
            if (at >= 0) {
                yd_node *next = map->items[at];
                if (next->type != YD_MAP) {
                    report(err, origin, "%s: %.*s is %s in the configuration, not a mapping of "
                           "keys", o->key, (int)(dot - o->key), o->key, kind_of(next));
                    yd_free(value);
                    return 2;
                }
                map = next;
            } else {
                char part[256];
                snprintf(part, sizeof part, "%.*s", (int)len, name);
                yd_node *key = new_node(YD_SCALAR, line, part);
                yd_node *sub = new_node(YD_MAP, line, NULL);
                if (key == NULL || sub == NULL || insert(map, key, sub) != 0) {
                    yd_free(key);
                    yd_free(sub);
                    yd_free(value);
                    fprintf(err, "plnet: out of memory\n");
                    return 1;
                }
                map = sub;
            }
            name = dot + 1;
        }
    }
    return 0;
}
