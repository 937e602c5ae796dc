/* io_graphml.c — GraphML: a small XML pull reader (networkx, igraph, plnet files), a writer. */
#include "graph_impl.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ===================================================================== XML pull reader
 * GraphML needs only elements, attributes, text, comments, CDATA and the five predefined
 * entities plus character references; DTDs and processing instructions are skipped. Reading
 * it here, rather than through igraph, keeps the edge orientation of undirected files (igraph
 * stores undirected edges as (min, max)) and gives line numbers in every error. */

enum { MAX_DEPTH = 256, MAX_XML_ATTRS = 32 };

typedef enum { X_START, X_END, X_TEXT, X_EOF } xml_kind;

typedef struct xml_buf {
    char *s;
    size_t len;
    size_t cap;
} xml_buf;

typedef struct xml_reader {
    pln_ctx *ctx;
    const char *path;
    const char *p;
    const char *end;
    long line;
    /* current token */
    xml_kind kind;
    long tok_line;
    bool self_closing;
    bool pending_end; /* a self-closing start tag owes an end token */
    xml_buf buf;      /* decoded name, attribute names and values, or text */
    size_t name;
    int n_attrs;
    size_t attr_name[MAX_XML_ATTRS];
    size_t attr_value[MAX_XML_ATTRS];
    /* open elements, as offsets into `stack_buf` */
    int depth;
    xml_buf stack_buf;
    size_t stack[MAX_DEPTH];
    bool seen_root;
} xml_reader;

static pln_status xml_fail(xml_reader *r, long line, const char *msg, const char *arg)
{
    return pln_i_error(r->ctx, PLN_EPARSE, __FILE__, __LINE__, -1, -1, NULL, "%s:%ld: %s%s",
                       r->path, line, msg, arg != NULL ? arg : "");
}

static pln_status buf_put(xml_reader *r, xml_buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t c = b->cap > 0 ? b->cap : 256;
        while (c < b->len + n + 1) {
            c *= 2;
        }
        char *q = pln_i_realloc(b->s, c);
        if (q == NULL) {
            PLN_FAIL(r->ctx, PLN_ENOMEM, "out of memory reading %s", r->path);
        }
        b->s = q;
        b->cap = c;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
    return PLN_OK;
}

/* Terminate the current string in the token buffer and start the next one. */
static pln_status buf_next(xml_reader *r, size_t *start)
{
    PLN_TRY(buf_put(r, &r->buf, "", 1));
    *start = r->buf.len;
    return PLN_OK;
}

static void advance(xml_reader *r, size_t n)
{
    for (size_t i = 0; i < n && r->p < r->end; i++) {
        if (*r->p == '\n') {
            r->line++;
        }
        r->p++;
    }
}

static bool starts(const xml_reader *r, const char *s)
{
    size_t n = strlen(s);
    return (size_t)(r->end - r->p) >= n && memcmp(r->p, s, n) == 0;
}

/* Skip to just past `stop`, or fail naming what was left open. */
static pln_status skip_past(xml_reader *r, const char *stop, const char *what)
{
    long line = r->line;
    while (r->p < r->end && !starts(r, stop)) {
        advance(r, 1);
    }
    if (r->p >= r->end) {
        return xml_fail(r, line, "unterminated ", what);
    }
    advance(r, strlen(stop));
    return PLN_OK;
}

static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

static bool is_name_char(char c)
{
    return !is_space(c) && c != '>' && c != '/' && c != '=' && c != '<' && c != '"' &&
           c != '\'' && c != '\0';
}

static void put_utf8(char *out, size_t *n, unsigned long cp)
{
    if (cp < 0x80) {
        out[(*n)++] = (char)cp;
    } else if (cp < 0x800) {
        out[(*n)++] = (char)(0xC0 | (cp >> 6));
        out[(*n)++] = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out[(*n)++] = (char)(0xE0 | (cp >> 12));
        out[(*n)++] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[(*n)++] = (char)(0x80 | (cp & 0x3F));
    } else {
        out[(*n)++] = (char)(0xF0 | (cp >> 18));
        out[(*n)++] = (char)(0x80 | ((cp >> 12) & 0x3F));
        out[(*n)++] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[(*n)++] = (char)(0x80 | (cp & 0x3F));
    }
}

/* Decode character data up to (not including) a char in `stops`, appending to the token. */
static pln_status read_chars(xml_reader *r, const char *stops)
{
    while (r->p < r->end && strchr(stops, *r->p) == NULL) {
        if (*r->p == '<') {
            return xml_fail(r, r->line, "'<' inside an attribute value", NULL);
        }
        if (*r->p != '&') {
            const char *s = r->p;
            while (r->p < r->end && *r->p != '&' && *r->p != '<' && strchr(stops, *r->p) == NULL) {
                advance(r, 1);
            }
            PLN_TRY(buf_put(r, &r->buf, s, (size_t)(r->p - s)));
            continue;
        }
        const char *semi = memchr(r->p, ';', (size_t)(r->end - r->p));
        if (semi == NULL || semi - r->p > 12) {
            return xml_fail(r, r->line, "bad entity reference", NULL);
        }
        char ent[16];
        size_t el = (size_t)(semi - r->p - 1);
        memcpy(ent, r->p + 1, el);
        ent[el] = '\0';
        char out[4];
        size_t n = 0;
        if (strcmp(ent, "lt") == 0) {
            out[n++] = '<';
        } else if (strcmp(ent, "gt") == 0) {
            out[n++] = '>';
        } else if (strcmp(ent, "amp") == 0) {
            out[n++] = '&';
        } else if (strcmp(ent, "quot") == 0) {
            out[n++] = '"';
        } else if (strcmp(ent, "apos") == 0) {
            out[n++] = '\'';
        } else if (ent[0] == '#') {
            char *e = NULL;
            unsigned long cp = ent[1] == 'x' ? strtoul(ent + 2, &e, 16) : strtoul(ent + 1, &e, 10);
            if (e == NULL || *e != '\0' || cp == 0 || cp > 0x10FFFF) {
                return xml_fail(r, r->line, "bad character reference &", ent);
            }
            put_utf8(out, &n, cp);
        } else {
            return xml_fail(r, r->line, "unknown entity &", ent);
        }
        PLN_TRY(buf_put(r, &r->buf, out, n));
        advance(r, el + 2);
    }
    return PLN_OK;
}

static pln_status read_name(xml_reader *r)
{
    const char *s = r->p;
    while (r->p < r->end && is_name_char(*r->p)) {
        advance(r, 1);
    }
    if (r->p == s) {
        return xml_fail(r, r->line, "expected a name after '<'", NULL);
    }
    return buf_put(r, &r->buf, s, (size_t)(r->p - s));
}

static void skip_space(xml_reader *r)
{
    while (r->p < r->end && is_space(*r->p)) {
        advance(r, 1);
    }
}

static const char *tok_str(const xml_reader *r, size_t off) { return r->buf.s + off; }

/* Local part of a possibly prefixed name ("y:ShapeNode" -> "ShapeNode"). */
static const char *local(const char *name)
{
    const char *c = strrchr(name, ':');
    return c != NULL ? c + 1 : name;
}

static pln_status push_open(xml_reader *r)
{
    if (r->depth == MAX_DEPTH) {
        return xml_fail(r, r->tok_line, "elements nested too deeply", NULL);
    }
    r->stack[r->depth++] = r->stack_buf.len;
    const char *nm = tok_str(r, r->name);
    return buf_put(r, &r->stack_buf, nm, strlen(nm) + 1);
}

static pln_status read_tag(xml_reader *r)
{
    r->buf.len = 0;
    r->n_attrs = 0;
    r->self_closing = false;
    r->name = 0;
    advance(r, 1); /* '<' */
    if (r->p < r->end && *r->p == '/') {
        advance(r, 1);
        r->kind = X_END;
        PLN_TRY(read_name(r));
        skip_space(r);
        if (r->p >= r->end || *r->p != '>') {
            return xml_fail(r, r->line, "expected '>' closing the end tag </",
                            tok_str(r, r->name));
        }
        advance(r, 1);
        if (r->depth == 0) {
            return xml_fail(r, r->tok_line, "end tag without a start tag: </",
                            tok_str(r, r->name));
        }
        const char *open = r->stack_buf.s + r->stack[r->depth - 1];
        if (strcmp(open, tok_str(r, r->name)) != 0) {
            char msg[160];
            snprintf(msg, sizeof msg, "expected </%.60s>, found </", open);
            return xml_fail(r, r->tok_line, msg, tok_str(r, r->name));
        }
        r->depth--;
        r->stack_buf.len = r->stack[r->depth];
        return PLN_OK;
    }
    r->kind = X_START;
    if (r->depth == 0 && r->seen_root) {
        return xml_fail(r, r->tok_line, "content after the root element", NULL);
    }
    PLN_TRY(read_name(r));
    for (;;) {
        bool spaced = r->p < r->end && is_space(*r->p);
        skip_space(r);
        if (r->p >= r->end) {
            return xml_fail(r, r->tok_line, "unterminated start tag <", tok_str(r, r->name));
        }
        if (*r->p == '>') {
            advance(r, 1);
            break;
        }
        if (starts(r, "/>")) {
            advance(r, 2);
            r->self_closing = true;
            break;
        }
        if (!spaced || r->n_attrs == MAX_XML_ATTRS) {
            return xml_fail(r, r->line, "malformed attributes in <", tok_str(r, r->name));
        }
        int k = r->n_attrs++;
        PLN_TRY(buf_next(r, &r->attr_name[k]));
        PLN_TRY(read_name(r));
        skip_space(r);
        if (r->p >= r->end || *r->p != '=') {
            return xml_fail(r, r->line, "expected '=' after attribute ",
                            tok_str(r, r->attr_name[k]));
        }
        advance(r, 1);
        skip_space(r);
        if (r->p >= r->end || (*r->p != '"' && *r->p != '\'')) {
            return xml_fail(r, r->line, "expected a quoted value for attribute ",
                            tok_str(r, r->attr_name[k]));
        }
        char q[2] = {*r->p, '\0'};
        advance(r, 1);
        PLN_TRY(buf_next(r, &r->attr_value[k]));
        PLN_TRY(read_chars(r, q));
        if (r->p >= r->end) {
            return xml_fail(r, r->tok_line, "unterminated attribute value in <",
                            tok_str(r, r->name));
        }
        advance(r, 1);
    }
    r->seen_root = true;
    PLN_TRY(push_open(r));
    r->pending_end = r->self_closing;
    return PLN_OK;
}

/* Next token: start tag, end tag (also after a self-closing tag), text, or end of input. */
static pln_status xml_next(xml_reader *r)
{
    if (r->pending_end) {
        r->pending_end = false;
        r->kind = X_END;
        r->depth--;
        r->stack_buf.len = r->stack[r->depth];
        return PLN_OK;
    }
    for (;;) {
        r->tok_line = r->line;
        if (r->p >= r->end) {
            if (r->depth > 0) {
                return xml_fail(r, r->line, "unexpected end of file inside <",
                                r->stack_buf.s + r->stack[r->depth - 1]);
            }
            if (!r->seen_root) {
                return xml_fail(r, r->line, "no root element (not an XML file?)", NULL);
            }
            r->kind = X_EOF;
            return PLN_OK;
        }
        if (starts(r, "<?")) {
            PLN_TRY(skip_past(r, "?>", "processing instruction"));
        } else if (starts(r, "<!--")) {
            PLN_TRY(skip_past(r, "-->", "comment"));
        } else if (starts(r, "<![CDATA[")) {
            if (r->depth == 0) {
                return xml_fail(r, r->line, "CDATA outside the root element", NULL);
            }
            advance(r, 9);
            const char *s = r->p;
            PLN_TRY(skip_past(r, "]]>", "CDATA section"));
            r->buf.len = 0;
            PLN_TRY(buf_put(r, &r->buf, s, (size_t)(r->p - 3 - s)));
            r->kind = X_TEXT;
            return PLN_OK;
        } else if (starts(r, "<!")) {
            /* A DOCTYPE may hold an internal subset in [...]; GraphML files do not use one. */
            PLN_TRY(skip_past(r, ">", "declaration"));
        } else if (*r->p == '<') {
            return read_tag(r);
        } else {
            r->buf.len = 0;
            PLN_TRY(read_chars(r, "<"));
            if (r->depth == 0) {
                for (size_t i = 0; i < r->buf.len; i++) {
                    if (!is_space(r->buf.s[i])) {
                        return xml_fail(r, r->tok_line,
                                        r->seen_root ? "text after the root element"
                                                     : "text before the root element "
                                                       "(not an XML file?)",
                                        NULL);
                    }
                }
                continue;
            }
            r->kind = X_TEXT;
            return PLN_OK;
        }
    }
}

static const char *xml_attr(const xml_reader *r, const char *name)
{
    for (int k = 0; k < r->n_attrs; k++) {
        if (strcmp(local(tok_str(r, r->attr_name[k])), name) == 0) {
            return tok_str(r, r->attr_value[k]);
        }
    }
    return NULL;
}

/* Skip the content of the element just opened, through its end tag. */
static pln_status xml_skip_element(xml_reader *r)
{
    int target = r->depth - 1;
    while (r->depth > target) {
        PLN_TRY(xml_next(r));
    }
    return PLN_OK;
}

/* ===================================================================== GraphML semantics */

typedef enum { T_NUMBER, T_BOOL, T_STRING } key_type;
enum { FOR_NODE = 1, FOR_EDGE = 2 };

typedef struct gm_key {
    char *id;
    char *name;
    int domain; /* FOR_NODE | FOR_EDGE; 0 for graph-level keys */
    key_type type;
    char *def; /* default text, or NULL */
    const char *declared; /* "string" or "no" when a physical edge key was declared so and is
                           * read as numbers anyway (see read_key); NULL otherwise */
    /* values per node or edge (a key for "all" keeps one array per domain) */
    double *nv;
    double *ev;
    char **ns;
    bool used_node;
    bool used_edge;
} gm_key;

typedef struct gm_state {
    pln_ctx *ctx;
    const char *path;
    int n_keys;
    gm_key *keys;
    pln_idx n;
    pln_idx ncap;
    size_t *node_id; /* offsets into ids */
    xml_buf ids;
    pln_idx m;
    pln_idx ecap;
    size_t *src; /* offsets into ids */
    size_t *dst;
    long *eline;
} gm_state;

static void gm_free(gm_state *s)
{
    for (int k = 0; k < s->n_keys; k++) {
        gm_key *key = &s->keys[k];
        pln_i_free(key->id);
        pln_i_free(key->name);
        pln_i_free(key->def);
        pln_i_free(key->nv);
        pln_i_free(key->ev);
        if (key->ns != NULL) {
            for (pln_idx i = 0; i < s->n; i++) {
                pln_i_free(key->ns[i]);
            }
        }
        pln_i_free(key->ns);
    }
    pln_i_free(s->keys);
    pln_i_free(s->node_id);
    pln_i_free(s->ids.s);
    pln_i_free(s->src);
    pln_i_free(s->dst);
    pln_i_free(s->eline);
}

static bool parse_number(const char *text, key_type type, double *out)
{
    while (is_space(*text)) {
        text++;
    }
    size_t len = strlen(text);
    while (len > 0 && is_space(text[len - 1])) {
        len--;
    }
    char tmp[128];
    if (len == 0 || len >= sizeof tmp) {
        return false;
    }
    memcpy(tmp, text, len);
    tmp[len] = '\0';
    if (type == T_BOOL) {
        if (strcmp(tmp, "true") == 0 || strcmp(tmp, "True") == 0 || strcmp(tmp, "1") == 0) {
            *out = 1.0;
            return true;
        }
        if (strcmp(tmp, "false") == 0 || strcmp(tmp, "False") == 0 || strcmp(tmp, "0") == 0) {
            *out = 0.0;
            return true;
        }
        return false;
    }
    char *end = NULL;
    double v = strtod(tmp, &end);
    if (end == tmp || *end != '\0') {
        return false;
    }
    *out = v;
    return true;
}

static pln_status read_key(xml_reader *r, gm_state *s)
{
    const char *id = xml_attr(r, "id");
    const char *dom = xml_attr(r, "for");
    const char *name = xml_attr(r, "attr.name");
    const char *type = xml_attr(r, "attr.type");
    long line = r->tok_line;
    if (id == NULL) {
        return xml_fail(r, line, "<key> without an id", NULL);
    }
    gm_key *grown = pln_i_realloc(s->keys, (size_t)(s->n_keys + 1) * sizeof *grown);
    if (grown == NULL) {
        PLN_FAIL(s->ctx, PLN_ENOMEM, "out of memory reading %s", s->path);
    }
    s->keys = grown;
    gm_key *key = &s->keys[s->n_keys++];
    memset(key, 0, sizeof *key);
    key->id = pln_i_strdup(id);
    /* yEd and some writers use attr.name-less keys (yfiles.type); they name themselves by id. */
    key->name = pln_i_strdup(name != NULL ? name : id);
    if (key->id == NULL || key->name == NULL) {
        PLN_FAIL(s->ctx, PLN_ENOMEM, "out of memory reading %s", s->path);
    }
    if (dom == NULL || strcmp(dom, "all") == 0) {
        key->domain = FOR_NODE | FOR_EDGE;
    } else if (strcmp(dom, "node") == 0) {
        key->domain = FOR_NODE;
    } else if (strcmp(dom, "edge") == 0) {
        key->domain = FOR_EDGE;
    } else {
        key->domain = 0;
    }
    if (type == NULL || strcmp(type, "string") == 0) {
        key->type = T_STRING;
        /* networkx writes a value of str type as attr.type="string", and hand-written files
         * often declare no type: an edge key with a physical name still holds numbers (an
         * entry that is not one is an error naming the key and the line). */
        static const char *const physical[] = {"conductance", "resistance", "radius", "length",
                                               "stiffness",   "rest_length", "gate", "weight"};
        for (size_t j = 0; name != NULL && dom != NULL && strcmp(dom, "edge") == 0 &&
                           j < sizeof physical / sizeof physical[0];
             j++) {
            if (strcmp(name, physical[j]) == 0) {
                key->type = T_NUMBER;
                key->declared = type == NULL ? "no" : "\"string\"";
            }
        }
    } else if (strcmp(type, "boolean") == 0) {
        key->type = T_BOOL;
    } else if (strcmp(type, "int") == 0 || strcmp(type, "long") == 0 ||
               strcmp(type, "float") == 0 || strcmp(type, "double") == 0) {
        key->type = T_NUMBER;
    } else {
        return xml_fail(r, line, "unknown attr.type ", type);
    }
    if (s->ncap > 0 || s->ecap > 0) {
        /* GraphML declares keys before the graph; a late key has no value arrays. */
        key->domain = 0;
    }
    if (name == NULL) {
        /* Keys without attr.name carry tool-specific data (yfiles graphics): ignore them. */
        key->domain = 0;
    }
    if (r->self_closing) {
        return xml_next(r);
    }
    /* Content: an optional <default>, possibly among comments and whitespace. */
    for (;;) {
        PLN_TRY(xml_next(r));
        if (r->kind == X_END) {
            return PLN_OK;
        }
        if (r->kind != X_START) {
            continue;
        }
        if (strcmp(local(tok_str(r, r->name)), "default") != 0) {
            PLN_TRY(xml_skip_element(r));
            continue;
        }
        xml_buf text = {NULL, 0, 0};
        pln_status st = PLN_OK;
        int depth = r->depth;
        while (st == PLN_OK && r->depth >= depth) {
            st = xml_next(r);
            if (st == PLN_OK && r->kind == X_TEXT) {
                st = buf_put(r, &text, r->buf.s, r->buf.len);
            }
        }
        if (st == PLN_OK) {
            pln_i_free(key->def);
            key->def = text.s != NULL ? text.s : pln_i_strdup("");
            text.s = NULL;
            if (key->def == NULL) {
                st = PLN_ERR(s->ctx, PLN_ENOMEM, "out of memory reading %s", s->path);
            }
        }
        pln_i_free(text.s);
        PLN_TRY(st);
        if (key->type != T_STRING) {
            double v;
            if (!parse_number(key->def, key->type, &v)) {
                return xml_fail(r, line, "default of key is not a number: ", key->def);
            }
        }
    }
}

/* Make room for one more node in every node-domain value array, filled with the default. */
static pln_status add_node(xml_reader *r, gm_state *s, const char *id)
{
    if (s->n == s->ncap) {
        pln_idx c = s->ncap > 0 ? 2 * s->ncap : 64;
        size_t *ni = pln_i_realloc(s->node_id, (size_t)c * sizeof *ni);
        if (ni == NULL) {
            PLN_FAIL(s->ctx, PLN_ENOMEM, "out of memory reading %s", s->path);
        }
        s->node_id = ni;
        for (int k = 0; k < s->n_keys; k++) {
            gm_key *key = &s->keys[k];
            if (!(key->domain & FOR_NODE)) {
                continue;
            }
            if (key->type == T_STRING) {
                char **q = pln_i_realloc(key->ns, (size_t)c * sizeof *q);
                if (q == NULL) {
                    PLN_FAIL(s->ctx, PLN_ENOMEM, "out of memory reading %s", s->path);
                }
                key->ns = q;
            } else {
                double *q = pln_i_realloc(key->nv, (size_t)c * sizeof *q);
                if (q == NULL) {
                    PLN_FAIL(s->ctx, PLN_ENOMEM, "out of memory reading %s", s->path);
                }
                key->nv = q;
            }
        }
        s->ncap = c;
    }
    for (int k = 0; k < s->n_keys; k++) {
        gm_key *key = &s->keys[k];
        if (!(key->domain & FOR_NODE)) {
            continue;
        }
        if (key->type == T_STRING) {
            key->ns[s->n] = NULL;
        } else {
            key->nv[s->n] = NAN;
            if (key->def != NULL) {
                parse_number(key->def, key->type, &key->nv[s->n]);
            }
        }
    }
    s->node_id[s->n] = s->ids.len;
    PLN_TRY(buf_put(r, &s->ids, id, strlen(id) + 1));
    s->n++;
    return PLN_OK;
}

static pln_status add_edge(xml_reader *r, gm_state *s, const char *src, const char *dst)
{
    if (s->m == s->ecap) {
        pln_idx c = s->ecap > 0 ? 2 * s->ecap : 64;
        size_t *a = pln_i_realloc(s->src, (size_t)c * sizeof *a);
        if (a != NULL) {
            s->src = a;
        }
        size_t *b = pln_i_realloc(s->dst, (size_t)c * sizeof *b);
        if (b != NULL) {
            s->dst = b;
        }
        long *l = pln_i_realloc(s->eline, (size_t)c * sizeof *l);
        if (l != NULL) {
            s->eline = l;
        }
        if (a == NULL || b == NULL || l == NULL) {
            PLN_FAIL(s->ctx, PLN_ENOMEM, "out of memory reading %s", s->path);
        }
        for (int k = 0; k < s->n_keys; k++) {
            gm_key *key = &s->keys[k];
            if ((key->domain & FOR_EDGE) && key->type != T_STRING) {
                double *q = pln_i_realloc(key->ev, (size_t)c * sizeof *q);
                if (q == NULL) {
                    PLN_FAIL(s->ctx, PLN_ENOMEM, "out of memory reading %s", s->path);
                }
                key->ev = q;
            }
        }
        s->ecap = c;
    }
    for (int k = 0; k < s->n_keys; k++) {
        gm_key *key = &s->keys[k];
        if ((key->domain & FOR_EDGE) && key->type != T_STRING) {
            key->ev[s->m] = NAN;
            if (key->def != NULL) {
                parse_number(key->def, key->type, &key->ev[s->m]);
            }
        }
    }
    s->src[s->m] = s->ids.len;
    PLN_TRY(buf_put(r, &s->ids, src, strlen(src) + 1));
    s->dst[s->m] = s->ids.len;
    PLN_TRY(buf_put(r, &s->ids, dst, strlen(dst) + 1));
    s->eline[s->m] = r->tok_line;
    s->m++;
    return PLN_OK;
}

/* Read the <data> elements inside a node or edge (index `idx`), through its end tag. */
static pln_status read_owner_data(xml_reader *r, gm_state *s, int domain, pln_idx idx)
{
    const char *what = domain == FOR_NODE ? "node" : "edge";
    if (r->self_closing) {
        return xml_next(r);
    }
    for (;;) {
        PLN_TRY(xml_next(r));
        if (r->kind == X_END) {
            return PLN_OK;
        }
        if (r->kind != X_START) {
            continue;
        }
        const char *el = local(tok_str(r, r->name));
        if (strcmp(el, "graph") == 0) {
            return xml_fail(r, r->tok_line, "nested graphs are not supported", NULL);
        }
        if (strcmp(el, "data") != 0) {
            PLN_TRY(xml_skip_element(r));
            continue;
        }
        long line = r->tok_line;
        const char *kid = xml_attr(r, "key");
        if (kid == NULL) {
            return xml_fail(r, line, "<data> without a key", NULL);
        }
        int k = 0;
        while (k < s->n_keys && strcmp(s->keys[k].id, kid) != 0) {
            k++;
        }
        if (k == s->n_keys) {
            return xml_fail(r, line, "<data> refers to an undeclared key ", kid);
        }
        gm_key *key = &s->keys[k];
        xml_buf text = {NULL, 0, 0};
        bool nested = false;
        pln_status st = PLN_OK;
        int depth = r->depth;
        while (st == PLN_OK && r->depth >= depth) {
            st = xml_next(r);
            if (st == PLN_OK && r->kind == X_TEXT && r->depth == depth) {
                st = buf_put(r, &text, r->buf.s, r->buf.len);
            } else if (st == PLN_OK && r->kind == X_START) {
                nested = true;
            }
        }
        const char *t = text.s != NULL ? text.s : "";
        /* Data with child elements is a tool extension (yfiles graphics), not a value. */
        if (st == PLN_OK && !nested && (key->domain & domain)) {
            if (key->type == T_STRING) {
                if (domain == FOR_NODE) {
                    char *copy = pln_i_strdup(t);
                    if (copy == NULL) {
                        st = PLN_ERR(s->ctx, PLN_ENOMEM, "out of memory reading %s", s->path);
                    } else {
                        pln_i_free(key->ns[idx]);
                        key->ns[idx] = copy;
                        key->used_node = true;
                    }
                }
            } else {
                double *slot = domain == FOR_NODE ? &key->nv[idx] : &key->ev[idx];
                if (!parse_number(t, key->type, slot)) {
                    char msg[200];
                    snprintf(msg, sizeof msg, "%s attribute '%.60s'%s is not a %s: ", what,
                             key->name,
                             key->declared != NULL ? " (declared as a string, but a physical "
                                                     "value)"
                                                   : "",
                             key->type == T_BOOL ? "boolean" : "number");
                    st = xml_fail(r, line, msg, t);
                } else if (domain == FOR_NODE) {
                    key->used_node = true;
                } else {
                    key->used_edge = true;
                }
            }
        }
        pln_i_free(text.s);
        PLN_TRY(st);
    }
}

static pln_status read_graph(xml_reader *r, gm_state *s)
{
    if (r->self_closing) {
        return xml_next(r);
    }
    for (;;) {
        PLN_TRY(xml_next(r));
        if (r->kind == X_END) {
            return PLN_OK;
        }
        if (r->kind != X_START) {
            continue;
        }
        const char *el = local(tok_str(r, r->name));
        if (strcmp(el, "node") == 0) {
            const char *id = xml_attr(r, "id");
            if (id == NULL) {
                return xml_fail(r, r->tok_line, "<node> without an id", NULL);
            }
            PLN_TRY(add_node(r, s, id));
            PLN_TRY(read_owner_data(r, s, FOR_NODE, s->n - 1));
        } else if (strcmp(el, "edge") == 0) {
            const char *src = xml_attr(r, "source");
            const char *dst = xml_attr(r, "target");
            if (src == NULL || dst == NULL) {
                return xml_fail(r, r->tok_line, "<edge> needs source and target", NULL);
            }
            PLN_TRY(add_edge(r, s, src, dst));
            PLN_TRY(read_owner_data(r, s, FOR_EDGE, s->m - 1));
        } else if (strcmp(el, "hyperedge") == 0) {
            return xml_fail(r, r->tok_line, "hyperedges are not supported", NULL);
        } else {
            PLN_TRY(xml_skip_element(r));
        }
    }
}

/* ---------------------------------------------------------------- node id look-up */

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s != '\0'; s++) {
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    }
    return h;
}

/* Resolve edge end points to node indices through an open-addressing table of node ids. */
static pln_status resolve_edges(gm_state *s, pln_idx *tail, pln_idx *head)
{
    pln_status st = PLN_OK;
    pln_idx *table = NULL;
    size_t size = 16;
    while (size < (size_t)s->n * 2) {
        size *= 2;
    }
    PLN_ALLOC_GOTO(s->ctx, st, table, (pln_idx)size);
    for (size_t i = 0; i < size; i++) {
        table[i] = -1;
    }
    for (pln_idx i = 0; i < s->n; i++) {
        const char *id = s->ids.s + s->node_id[i];
        size_t h = (size_t)hash_str(id) & (size - 1);
        while (table[h] >= 0) {
            if (strcmp(s->ids.s + s->node_id[table[h]], id) == 0) {
                st = PLN_ERR_NODE(s->ctx, PLN_EPARSE, i, "%s: node id '%s' is declared twice",
                                  s->path, id);
                goto done;
            }
            h = (h + 1) & (size - 1);
        }
        table[h] = i;
    }
    for (pln_idx e = 0; e < s->m; e++) {
        for (int end = 0; end < 2; end++) {
            const char *id = s->ids.s + (end == 0 ? s->src[e] : s->dst[e]);
            size_t h = (size_t)hash_str(id) & (size - 1);
            while (table[h] >= 0 && strcmp(s->ids.s + s->node_id[table[h]], id) != 0) {
                h = (h + 1) & (size - 1);
            }
            if (table[h] < 0) {
                st = PLN_ERR_EDGE(s->ctx, PLN_EPARSE, e, "%s:%ld: edge refers to unknown node '%s'",
                                  s->path, s->eline[e], id);
                goto done;
            }
            (end == 0 ? tail : head)[e] = table[h];
        }
        if (tail[e] == head[e]) {
            st = PLN_ERR_EDGE(s->ctx, PLN_EPARSE, e, "%s:%ld: self-loop on node '%s'", s->path,
                              s->eline[e], s->ids.s + s->src[e]);
            goto done;
        }
    }
done:
    pln_i_free(table);
    return st;
}

/* Whether node i's file id is just its index, as "i" (networkx) or "ni" (igraph, plnet). */
static bool plain_ids(const gm_state *s)
{
    for (pln_idx i = 0; i < s->n; i++) {
        const char *id = s->ids.s + s->node_id[i];
        char a[32];
        char b[32];
        snprintf(a, sizeof a, "%" PRId64, i);
        snprintf(b, sizeof b, "n%" PRId64, i);
        if (strcmp(id, a) != 0 && strcmp(id, b) != 0) {
            return false;
        }
    }
    return true;
}

static int find_node_key(const gm_state *s, const char *name)
{
    for (int k = 0; k < s->n_keys; k++) {
        if ((s->keys[k].domain & FOR_NODE) && s->keys[k].type != T_STRING &&
            strcmp(s->keys[k].name, name) == 0) {
            return k;
        }
    }
    return -1;
}

static pln_status build_graph(gm_state *s, pln_graph **out)
{
    pln_status st = PLN_OK;
    pln_idx *tail = NULL;
    pln_idx *head = NULL;
    double *pos = NULL;
    const char **ids = NULL;
    pln_graph *g = NULL;
    if (s->n == 0) {
        PLN_FAIL(s->ctx, PLN_EPARSE, "%s: the graph has no nodes", s->path);
    }
    PLN_ALLOC_GOTO(s->ctx, st, tail, s->m);
    PLN_ALLOC_GOTO(s->ctx, st, head, s->m);
    PLN_TRY_GOTO(st, resolve_edges(s, tail, head));
    /* Adopt frees the arrays even when it fails. */
    st = pln_i_graph_adopt(s->ctx, s->n, s->m, tail, head, &g);
    tail = NULL;
    head = NULL;
    if (st != PLN_OK) {
        goto done;
    }

    int kx = find_node_key(s, "x");
    int ky = find_node_key(s, "y");
    int kz = find_node_key(s, "z");
    int dim = kx >= 0 && ky >= 0 ? (kz >= 0 ? 3 : 2) : 0;
    if (dim > 0) {
        PLN_ALLOC_GOTO(s->ctx, st, pos, s->n * dim);
        for (pln_idx i = 0; i < s->n; i++) {
            pos[i * dim] = s->keys[kx].nv[i];
            pos[i * dim + 1] = s->keys[ky].nv[i];
            if (dim == 3) {
                pos[i * dim + 2] = s->keys[kz].nv[i];
            }
        }
        PLN_TRY_GOTO(st, pln_graph_set_positions(g, dim, pos));
    }
    for (int k = 0; k < s->n_keys; k++) {
        gm_key *key = &s->keys[k];
        bool is_pos = dim > 0 && (k == kx || k == ky || (dim == 3 && k == kz));
        /* A key declared for "all" but used only on edges should not add a NaN node column. */
        bool node_ok = (key->domain & FOR_NODE) && (key->domain == FOR_NODE || key->used_node);
        bool edge_ok = (key->domain & FOR_EDGE) && (key->domain == FOR_EDGE || key->used_edge);
        if (node_ok && key->type != T_STRING && !is_pos) {
            PLN_TRY_GOTO(st, pln_graph_node_attr_set(g, key->name, key->nv));
        }
        if (node_ok && key->type == T_STRING) {
            if (key->def != NULL) {
                for (pln_idx i = 0; i < s->n; i++) {
                    if (key->ns[i] == NULL) {
                        key->ns[i] = pln_i_strdup(key->def);
                        if (key->ns[i] == NULL) {
                            st = PLN_ERR(s->ctx, PLN_ENOMEM, "out of memory reading %s",
                                         s->path);
                            goto done;
                        }
                    }
                }
            }
            PLN_TRY_GOTO(st, pln_graph_node_label_set(g, key->name,
                                                      (const char *const *)key->ns));
        }
        if (edge_ok && key->type != T_STRING && s->m > 0) {
            PLN_TRY_GOTO(st, pln_graph_edge_attr_set(g, key->name, key->ev));
            if (key->declared != NULL) {
                pln_i_log(s->ctx, PLN_LOG_WARN,
                          "%s: edge attribute '%s' is declared with %s attr.type; its values "
                          "are read as numbers",
                          s->path, key->name, key->declared);
            }
        }
        if (edge_ok && key->type == T_STRING && s->m > 0) {
            pln_i_log(s->ctx, PLN_LOG_WARN, "%s: string edge attribute '%s' ignored", s->path,
                      key->name);
        }
    }
    if (!plain_ids(s) && pln_graph_node_label(g, "id") == NULL) {
        PLN_ALLOC_GOTO(s->ctx, st, ids, s->n);
        for (pln_idx i = 0; i < s->n; i++) {
            ids[i] = s->ids.s + s->node_id[i];
        }
        PLN_TRY_GOTO(st, pln_graph_node_label_set(g, "id", ids));
    }
    *out = g;
    g = NULL;
done:
    pln_i_free(tail);
    pln_i_free(head);
    pln_i_free(pos);
    pln_i_free(ids);
    pln_graph_destroy(g);
    return st;
}

static pln_status read_file(pln_ctx *ctx, const char *path, char **data, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    char *buf = NULL;
    size_t cap = 0;
    size_t n = 0;
    if (fp == NULL) {
        int e = errno;
        PLN_FAIL(ctx, PLN_EIO, "cannot open GraphML file %s: %s", path, strerror(e));
    }
    for (;;) {
        if (n == cap) {
            size_t c = cap > 0 ? 2 * cap : 65536;
            char *q = pln_i_realloc(buf, c);
            if (q == NULL) {
                fclose(fp);
                pln_i_free(buf);
                PLN_FAIL(ctx, PLN_ENOMEM, "out of memory reading %s", path);
            }
            buf = q;
            cap = c;
        }
        size_t got = fread(buf + n, 1, cap - n, fp);
        n += got;
        if (got == 0) {
            break;
        }
    }
    bool bad = ferror(fp) != 0;
    fclose(fp);
    if (bad) {
        pln_i_free(buf);
        PLN_FAIL(ctx, PLN_EIO, "error reading %s", path);
    }
    *data = buf;
    *len = n;
    return PLN_OK;
}

pln_status pln_graph_read_graphml(pln_ctx *ctx, const char *path, pln_graph **out)
{
    pln_status st = PLN_OK;
    char *data = NULL;
    size_t len = 0;
    xml_reader r;
    gm_state s;
    memset(&r, 0, sizeof r);
    memset(&s, 0, sizeof s);
    s.ctx = ctx;
    s.path = path;
    PLN_TRY(read_file(ctx, path, &data, &len));
    r.ctx = ctx;
    r.path = path;
    r.p = data;
    r.end = data + len;
    r.line = 1;
    if (starts(&r, "\xEF\xBB\xBF")) {
        r.p += 3;
    }
    if (memchr(data, '\0', len) != NULL) {
        st = xml_fail(&r, 1, "file contains NUL bytes (not a text XML file)", NULL);
        goto done;
    }
    PLN_TRY_GOTO(st, xml_next(&r));
    if (r.kind != X_START || strcmp(local(tok_str(&r, r.name)), "graphml") != 0) {
        st = xml_fail(&r, r.tok_line, "root element is not <graphml>", NULL);
        goto done;
    }
    bool have_graph = false;
    if (!r.self_closing) {
        for (;;) {
            PLN_TRY_GOTO(st, xml_next(&r));
            if (r.kind == X_END) {
                break;
            }
            if (r.kind != X_START) {
                continue;
            }
            const char *el = local(tok_str(&r, r.name));
            if (strcmp(el, "key") == 0) {
                PLN_TRY_GOTO(st, read_key(&r, &s));
            } else if (strcmp(el, "graph") == 0 && !have_graph) {
                have_graph = true;
                PLN_TRY_GOTO(st, read_graph(&r, &s));
            } else {
                /* Further graphs in one file are ignored: plnet reads the first. */
                PLN_TRY_GOTO(st, xml_skip_element(&r));
            }
        }
    } else {
        PLN_TRY_GOTO(st, xml_next(&r));
    }
    PLN_TRY_GOTO(st, xml_next(&r));
    if (r.kind != X_EOF) {
        st = xml_fail(&r, r.tok_line, "content after </graphml>", NULL);
        goto done;
    }
    if (!have_graph) {
        st = PLN_ERR(ctx, PLN_EPARSE, "%s: no <graph> element", path);
        goto done;
    }
    st = build_graph(&s, out);
done:
    gm_free(&s);
    pln_i_free(r.buf.s);
    pln_i_free(r.stack_buf.s);
    pln_i_free(data);
    return st;
}

/* ===================================================================== writer */

static void put_escaped(FILE *fp, const char *s)
{
    for (; *s != '\0'; s++) {
        switch (*s) {
        case '<':
            fputs("&lt;", fp);
            break;
        case '>':
            fputs("&gt;", fp);
            break;
        case '&':
            fputs("&amp;", fp);
            break;
        case '"':
            fputs("&quot;", fp);
            break;
        case '\'':
            fputs("&apos;", fp);
            break;
        default:
            fputc(*s, fp);
        }
    }
}

static void put_key(FILE *fp, int id, const char *domain, const char *name, const char *type)
{
    fprintf(fp, "  <key id=\"d%d\" for=\"%s\" attr.name=\"", id, domain);
    put_escaped(fp, name);
    fprintf(fp, "\" attr.type=\"%s\"/>\n", type);
}

pln_status pln_graph_write_graphml(const pln_graph *g, const char *path)
{
    static const char *const axis[] = {"x", "y", "z"};
    for (int k = 0; k < g->n_nattr; k++) {
        for (int d = 0; d < g->dim; d++) {
            if (strcmp(g->nattr[k].name, axis[d]) == 0) {
                PLN_FAIL_KEY(g->ctx, PLN_EINVAL, axis[d],
                             "node attribute '%s' would clash with the positions written as "
                             "GraphML attribute '%s'",
                             axis[d], axis[d]);
            }
        }
    }
    pln_i_afile af;
    PLN_TRY(pln_i_afile_open(g->ctx, &af, path));
    FILE *fp = af.fp;
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
          "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" "
          "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
          "xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns "
          "http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n",
          fp);
    /* Key ids: positions first, then node attributes, labels, edge attributes. */
    int id = 0;
    for (int d = 0; d < g->dim; d++) {
        put_key(fp, id++, "node", axis[d], "double");
    }
    int node_base = id;
    for (int k = 0; k < g->n_nattr; k++) {
        put_key(fp, id++, "node", g->nattr[k].name, "double");
    }
    int label_base = id;
    for (int k = 0; k < g->n_labels; k++) {
        put_key(fp, id++, "node", g->labels[k].name, "string");
    }
    int edge_base = id;
    for (int k = 0; k < g->n_eattr; k++) {
        put_key(fp, id++, "edge", g->eattr[k].name, "double");
    }
    fputs("  <graph id=\"G\" edgedefault=\"undirected\">\n", fp);
    for (pln_idx i = 0; i < g->n; i++) {
        fprintf(fp, "    <node id=\"n%" PRId64 "\">", i);
        for (int d = 0; d < g->dim; d++) {
            fprintf(fp, "<data key=\"d%d\">%.17g</data>", d, g->pos[i * g->dim + d]);
        }
        for (int k = 0; k < g->n_nattr; k++) {
            fprintf(fp, "<data key=\"d%d\">%.17g</data>", node_base + k, g->nattr[k].v[i]);
        }
        for (int k = 0; k < g->n_labels; k++) {
            /* Empty labels are left out: a missing value reads back as "". */
            if (g->labels[k].v[i][0] != '\0') {
                fprintf(fp, "<data key=\"d%d\">", label_base + k);
                put_escaped(fp, g->labels[k].v[i]);
                fputs("</data>", fp);
            }
        }
        fputs("</node>\n", fp);
    }
    for (pln_idx e = 0; e < g->m; e++) {
        fprintf(fp, "    <edge source=\"n%" PRId64 "\" target=\"n%" PRId64 "\">", g->tail[e],
                g->head[e]);
        for (int k = 0; k < g->n_eattr; k++) {
            fprintf(fp, "<data key=\"d%d\">%.17g</data>", edge_base + k, g->eattr[k].v[e]);
        }
        fputs("</edge>\n", fp);
    }
    fputs("  </graph>\n</graphml>\n", fp);
    return pln_i_afile_commit(g->ctx, &af);
}
