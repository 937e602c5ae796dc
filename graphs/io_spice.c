/* io_spice.c — SPICE netlists in: resistors become edges, V and I sources a boundary (subset of SPICE3/ngspice syntax). */
#include "graph_impl.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A logical line longer than this is not a hand-written or plnet-written netlist. */
enum { MAX_TOKENS = 64 };

typedef struct text {
    char *s;
    size_t len;
    size_t cap;
} text;

static bool text_put(text *t, const char *s, size_t n)
{
    if (t->len + n + 1 > t->cap) {
        size_t c = t->cap > 0 ? t->cap : 256;
        while (c < t->len + n + 1) {
            c *= 2;
        }
        char *q = pln_i_realloc(t->s, c);
        if (q == NULL) {
            return false;
        }
        t->s = q;
        t->cap = c;
    }
    memcpy(t->s + t->len, s, n);
    t->len += n;
    t->s[t->len] = '\0';
    return true;
}

/* Node names, interned in a hash table (open addressing) so a node's id is its first
 * appearance. Names are stored lower-cased: SPICE node names are case-insensitive. */
typedef struct names {
    char **name; /* by id */
    pln_idx n;
    pln_idx cap;
    pln_idx *slot; /* hash slots: id + 1, 0 = empty */
    size_t n_slots;
} names;

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (; *s != '\0'; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

static bool names_rehash(names *nm, size_t n_slots)
{
    pln_idx *slot = pln_i_calloc(n_slots, sizeof *slot);
    if (slot == NULL) {
        return false;
    }
    for (pln_idx id = 0; id < nm->n; id++) {
        size_t h = (size_t)(hash_str(nm->name[id]) & (n_slots - 1));
        while (slot[h] != 0) {
            h = (h + 1) & (n_slots - 1);
        }
        slot[h] = id + 1;
    }
    pln_i_free(nm->slot);
    nm->slot = slot;
    nm->n_slots = n_slots;
    return true;
}

/* Id of the (lower-cased) name, adding it when new; -1 when out of memory. */
static pln_idx names_get(names *nm, const char *s)
{
    if ((size_t)(nm->n + 1) * 2 > nm->n_slots) {
        if (!names_rehash(nm, nm->n_slots > 0 ? nm->n_slots * 2 : 64)) {
            return -1;
        }
    }
    size_t h = (size_t)(hash_str(s) & (nm->n_slots - 1));
    while (nm->slot[h] != 0) {
        pln_idx id = nm->slot[h] - 1;
        if (strcmp(nm->name[id], s) == 0) {
            return id;
        }
        h = (h + 1) & (nm->n_slots - 1);
    }
    if (nm->n == nm->cap) {
        pln_idx c = nm->cap > 0 ? nm->cap * 2 : 64;
        char **q = pln_i_realloc(nm->name, (size_t)c * sizeof *q);
        if (q == NULL) {
            return -1;
        }
        nm->name = q;
        nm->cap = c;
    }
    char *copy = pln_i_strdup(s);
    if (copy == NULL) {
        return -1;
    }
    nm->name[nm->n] = copy;
    nm->slot[h] = nm->n + 1;
    return nm->n++;
}

static void names_free(names *nm)
{
    for (pln_idx id = 0; id < nm->n; id++) {
        pln_i_free(nm->name[id]);
    }
    pln_i_free(nm->name);
    pln_i_free(nm->slot);
}

/* Growable arrays of one element type each. */
typedef struct elems {
    pln_idx n;
    pln_idx cap;
    pln_spice_source *v;
} elems;

static bool elems_push(elems *a, pln_spice_source s)
{
    if (a->n == a->cap) {
        pln_idx c = a->cap > 0 ? a->cap * 2 : 16;
        pln_spice_source *q = pln_i_realloc(a->v, (size_t)c * sizeof *q);
        if (q == NULL) {
            return false;
        }
        a->v = q;
        a->cap = c;
    }
    a->v[a->n++] = s;
    return true;
}

/* Parse a SPICE number: [+-]digits[.digits][e[+-]digits] then an optional scale suffix
 * (T G MEG K M U N P F MIL, case-insensitive; M is milli, MEG mega) and any further letters,
 * which SPICE ignores as units ("1kOhm", "2.2uF", "5V"). Nothing but letters may follow. */
static bool parse_value(const char *s, double *out)
{
    const char *p = s;
    if (*p == '+' || *p == '-') {
        p++;
    }
    const char *digits = p;
    while (isdigit((unsigned char)*p)) {
        p++;
    }
    bool any = p > digits;
    if (*p == '.') {
        p++;
        const char *frac = p;
        while (isdigit((unsigned char)*p)) {
            p++;
        }
        any = any || p > frac;
    }
    if (!any) {
        return false;
    }
    if (*p == 'e' || *p == 'E') {
        const char *q = p + 1;
        if (*q == '+' || *q == '-') {
            q++;
        }
        if (isdigit((unsigned char)*q)) {
            while (isdigit((unsigned char)*q)) {
                q++;
            }
            p = q;
        }
    }
    char num[128];
    size_t len = (size_t)(p - s);
    if (len >= sizeof num) {
        return false;
    }
    memcpy(num, s, len);
    num[len] = '\0';
    errno = 0;
    double v = strtod(num, NULL);
    if (errno == ERANGE && fabs(v) > 1.0) {
        return false;
    }
    double scale = 1.0;
    char suf[4] = {0};
    for (int k = 0; k < 3 && p[k] != '\0'; k++) {
        suf[k] = (char)tolower((unsigned char)p[k]);
    }
    const char *rest = p;
    if (strncmp(suf, "meg", 3) == 0) {
        scale = 1e6;
        rest = p + 3;
    } else if (strncmp(suf, "mil", 3) == 0) {
        scale = 25.4e-6;
        rest = p + 3;
    } else {
        switch (suf[0]) {
        case 't': scale = 1e12; break;
        case 'g': scale = 1e9; break;
        case 'k': scale = 1e3; break;
        case 'm': scale = 1e-3; break;
        case 'u': scale = 1e-6; break;
        case 'n': scale = 1e-9; break;
        case 'p': scale = 1e-12; break;
        case 'f': scale = 1e-15; break;
        default: break;
        }
        if (scale != 1.0) {
            rest = p + 1;
        }
    }
    for (const char *q = rest; *q != '\0'; q++) {
        if (!isalpha((unsigned char)*q)) {
            return false;
        }
    }
    v *= scale;
    if (!isfinite(v)) {
        return false;
    }
    *out = v;
    return true;
}

/* Split a logical line in place on whitespace, commas, '=' and parentheses, after cutting
 * the inline comments SPICE knows (';' anywhere, '$' at the start of a word). */
static int split(char *line, char **tok, int max)
{
    for (char *p = line; *p != '\0'; p++) {
        if (*p == ';' || (*p == '$' && (p == line || isspace((unsigned char)p[-1])))) {
            *p = '\0';
            break;
        }
    }
    int count = 0;
    char *p = line;
    for (;;) {
        while (*p != '\0' && (isspace((unsigned char)*p) || *p == ',' || *p == '(' || *p == ')')) {
            *p++ = '\0';
        }
        if (*p == '\0') {
            return count;
        }
        if (count == max) {
            return max + 1;
        }
        tok[count++] = p;
        while (*p != '\0' && !isspace((unsigned char)*p) && *p != ',' && *p != '(' && *p != ')') {
            p++;
        }
    }
}

static void lower(char *s)
{
    for (; *s != '\0'; s++) {
        *s = (char)tolower((unsigned char)*s);
    }
}

static bool is_ground_name(const char *s)
{
    return strcmp(s, "0") == 0 || strcmp(s, "gnd") == 0;
}

void pln_spice_sources_free(pln_spice_sources *s)
{
    if (s == NULL) {
        return;
    }
    pln_i_free(s->v);
    pln_i_free(s->i);
    pln_i_free(s->dirichlet_nodes);
    pln_i_free(s->dirichlet_values);
    pln_i_free(s->current_nodes);
    pln_i_free(s->current_values);
    pln_i_free(s->source_edges);
    pln_i_free(s->source_values);
    memset(s, 0, sizeof *s);
    s->ground = -1;
}

/* The state of one read, so the helpers can fail through one place. */
typedef struct reader {
    pln_ctx *ctx;
    const char *path;
    names nm;
    pln_idx *tail;
    pln_idx *head;
    double *res;
    pln_idx m;
    pln_idx cap;
    long *r_line;
    elems v;
    elems i;
} reader;

static pln_status oom(reader *r)
{
    PLN_FAIL(r->ctx, PLN_ENOMEM, "out of memory reading %s", r->path);
}

/* One element line (tokens already split, first line number `line`). */
static pln_status element(reader *r, char **tok, int nt, long line)
{
    char kind = (char)tolower((unsigned char)tok[0][0]);
    if (kind != 'r' && kind != 'v' && kind != 'i') {
        PLN_FAIL(r->ctx, PLN_EPARSE, "%s:%ld: unknown element '%s' (plnet reads resistors R, "
                 "voltage sources V and current sources I)", r->path, line, tok[0]);
    }
    if (nt < 4) {
        PLN_FAIL(r->ctx, PLN_EPARSE, "%s:%ld: too few fields for '%s': expected %s", r->path,
                 line, tok[0],
                 kind == 'r' ? "Rname n1 n2 value" : kind == 'v' ? "Vname n+ n- [DC] value"
                                                                 : "Iname n+ n- [DC] value");
    }
    lower(tok[1]);
    lower(tok[2]);
    const char *a_name = is_ground_name(tok[1]) ? "0" : tok[1];
    const char *b_name = is_ground_name(tok[2]) ? "0" : tok[2];
    if (strcmp(a_name, b_name) == 0) {
        PLN_FAIL(r->ctx, PLN_EPARSE, "%s:%ld: '%s' joins node '%s' to itself", r->path, line,
                 tok[0], a_name);
    }
    int vi = 3;
    if (kind != 'r') {
        char kw[8] = {0};
        strncpy(kw, tok[3], sizeof kw - 1);
        lower(kw);
        if (strcmp(kw, "dc") == 0) {
            vi = 4;
            if (nt < 5) {
                PLN_FAIL(r->ctx, PLN_EPARSE, "%s:%ld: too few fields for '%s': DC needs a value",
                         r->path, line, tok[0]);
            }
        }
    }
    double value = 0.0;
    if (!parse_value(tok[vi], &value)) {
        PLN_FAIL(r->ctx, PLN_EPARSE, "%s:%ld: '%s': bad value '%s' (a number with an optional "
                 "suffix T G MEG K M U N P F MIL)", r->path, line, tok[0], tok[vi]);
    }
    if (nt > vi + 1) {
        /* AC small-signal specifications do not change the operating point; anything else
         * (transient waveforms, resistor parameters) is beyond the subset. */
        char kw[8] = {0};
        strncpy(kw, tok[vi + 1], sizeof kw - 1);
        lower(kw);
        if (kind == 'r' || strcmp(kw, "ac") != 0) {
            PLN_FAIL(r->ctx, PLN_EPARSE, "%s:%ld: '%s': unsupported field '%s' after the value",
                     r->path, line, tok[0], tok[vi + 1]);
        }
    }
    pln_idx a = names_get(&r->nm, a_name);
    pln_idx b = a < 0 ? -1 : names_get(&r->nm, b_name);
    if (a < 0 || b < 0) {
        return oom(r);
    }
    if (kind == 'r') {
        if (!(value > 0.0)) {
            PLN_FAIL(r->ctx, PLN_EPARSE, "%s:%ld: resistor '%s' has resistance %g; plnet needs "
                     "R > 0", r->path, line, tok[0], value);
        }
        if (r->m == r->cap) {
            pln_idx c = r->cap > 0 ? r->cap * 2 : 64;
            pln_idx *t = pln_i_realloc(r->tail, (size_t)c * sizeof *t);
            if (t == NULL) {
                return oom(r);
            }
            r->tail = t;
            pln_idx *h = pln_i_realloc(r->head, (size_t)c * sizeof *h);
            if (h == NULL) {
                return oom(r);
            }
            r->head = h;
            double *x = pln_i_realloc(r->res, (size_t)c * sizeof *x);
            if (x == NULL) {
                return oom(r);
            }
            r->res = x;
            long *l = pln_i_realloc(r->r_line, (size_t)c * sizeof *l);
            if (l == NULL) {
                return oom(r);
            }
            r->r_line = l;
            r->cap = c;
        }
        r->tail[r->m] = a;
        r->head[r->m] = b;
        r->res[r->m] = value;
        r->r_line[r->m] = line;
        r->m++;
        return PLN_OK;
    }
    pln_spice_source s = {a, b, value, line, -1};
    if (!elems_push(kind == 'v' ? &r->v : &r->i, s)) {
        return oom(r);
    }
    return PLN_OK;
}

/* Read the file into logical lines: the title (first line) dropped, '*' comment lines
 * dropped, '+' continuations joined to the line they continue; calls element() for each
 * element line and stops at .end. */
static pln_status parse(reader *r, const char *buf, size_t size)
{
    pln_status st = PLN_OK;
    text logical = {NULL, 0, 0};
    long logical_line = 0;
    long lineno = 0;
    bool in_control = false;
    bool ended = false;
    size_t pos = 0;
    while (pos < size && !ended) {
        size_t eol = pos;
        while (eol < size && buf[eol] != '\n') {
            eol++;
        }
        const char *ln = buf + pos;
        size_t len = eol - pos;
        pos = eol + 1;
        lineno++;
        if (memchr(ln, '\0', len) != NULL) {
            st = PLN_ERR(r->ctx, PLN_EPARSE, "%s:%ld: NUL byte in the netlist", r->path, lineno);
            goto done;
        }
        if (lineno == 1) {
            continue; /* the title line, whatever it holds */
        }
        size_t k = 0;
        while (k < len && (ln[k] == ' ' || ln[k] == '\t' || ln[k] == '\r')) {
            k++;
        }
        if (k == len || ln[k] == '*') {
            continue; /* blank or comment lines do not break a continuation */
        }
        if (ln[k] == '+') {
            if (logical_line == 0) {
                st = PLN_ERR(r->ctx, PLN_EPARSE, "%s:%ld: continuation line '+' with nothing "
                             "to continue", r->path, lineno);
                goto done;
            }
            if (!text_put(&logical, " ", 1) || !text_put(&logical, ln + k + 1, len - k - 1)) {
                st = oom(r);
                goto done;
            }
            continue;
        }
        /* A new logical line: process the previous one first. */
        if (logical_line > 0) {
            char *tok[MAX_TOKENS];
            int nt = split(logical.s, tok, MAX_TOKENS);
            if (nt > MAX_TOKENS) {
                st = PLN_ERR(r->ctx, PLN_EPARSE, "%s:%ld: more than %d fields", r->path,
                             logical_line, MAX_TOKENS);
                goto done;
            }
            if (nt > 0) {
                PLN_TRY_GOTO(st, element(r, tok, nt, logical_line));
            }
            logical_line = 0;
        }
        logical.len = 0;
        if (ln[k] == '.') {
            char card[16] = {0};
            size_t c = 0;
            while (k + c < len && c < sizeof card - 1 && !isspace((unsigned char)ln[k + c])) {
                card[c] = (char)tolower((unsigned char)ln[k + c]);
                c++;
            }
            if (strcmp(card, ".control") == 0) {
                in_control = true;
            } else if (strcmp(card, ".endc") == 0) {
                in_control = false;
            } else if (strcmp(card, ".end") == 0 && !in_control) {
                ended = true;
            } else if (!in_control && (strcmp(card, ".subckt") == 0 ||
                                       strcmp(card, ".include") == 0 ||
                                       strcmp(card, ".inc") == 0 || strcmp(card, ".lib") == 0)) {
                st = PLN_ERR(r->ctx, PLN_EPARSE, "%s:%ld: %s is not supported (plnet reads flat "
                             "netlists of R, V and I)", r->path, lineno, card);
                goto done;
            }
            continue; /* .op, .options, .print ... do not change the circuit */
        }
        if (in_control) {
            continue;
        }
        if (!text_put(&logical, ln + k, len - k)) {
            st = oom(r);
            goto done;
        }
        logical_line = lineno;
    }
    if (logical_line > 0) {
        char *tok[MAX_TOKENS];
        int nt = split(logical.s, tok, MAX_TOKENS);
        if (nt > MAX_TOKENS) {
            st = PLN_ERR(r->ctx, PLN_EPARSE, "%s:%ld: more than %d fields", r->path,
                         logical_line, MAX_TOKENS);
            goto done;
        }
        if (nt > 0) {
            PLN_TRY_GOTO(st, element(r, tok, nt, logical_line));
        }
    }
done:
    pln_i_free(logical.s);
    return st;
}

/* The boundary (SPEC 1.1) equivalent to the sources: ground and V-to-ground sources fix
 * potentials, a V source across a resistor fixes that edge's drop, I sources inject. */
static pln_status boundary(reader *r, const pln_graph *g, pln_spice_sources *src)
{
    pln_idx n = r->nm.n;
    pln_idx ground = src->ground;
    pln_idx n_fix_max = r->v.n + 1;
    PLN_ALLOC(r->ctx, src->dirichlet_nodes, n_fix_max);
    PLN_ALLOC(r->ctx, src->dirichlet_values, n_fix_max);
    PLN_ALLOC(r->ctx, src->source_edges, r->v.n);
    PLN_ALLOC(r->ctx, src->source_values, r->v.n);
    PLN_ALLOC(r->ctx, src->current_nodes, 2 * r->i.n);
    PLN_ALLOC(r->ctx, src->current_values, 2 * r->i.n);
    long *fixed_by = NULL; /* line that fixed a node, 0 = free, -1 = ground */
    long *edge_by = NULL;
    pln_idx *cur_slot = NULL; /* node -> index in current_nodes, or -1 */
    pln_status st = PLN_OK;
    PLN_ALLOC_GOTO(r->ctx, st, fixed_by, n);
    PLN_ALLOC_GOTO(r->ctx, st, edge_by, g->m);
    PLN_ALLOC_GOTO(r->ctx, st, cur_slot, n);
    for (pln_idx i = 0; i < n; i++) {
        cur_slot[i] = -1;
    }
    if (ground >= 0) {
        src->dirichlet_nodes[src->n_dirichlet] = ground;
        src->dirichlet_values[src->n_dirichlet++] = 0.0;
        fixed_by[ground] = -1;
    }
    for (pln_idx k = 0; k < r->v.n; k++) {
        pln_spice_source *s = &r->v.v[k];
        if (s->pos == ground || s->neg == ground) {
            /* p+ - p- = V with one end at 0 V. */
            pln_idx node = s->pos == ground ? s->neg : s->pos;
            double val = s->pos == ground ? -s->value : s->value;
            if (fixed_by[node] != 0) {
                st = PLN_ERR_NODE(r->ctx, PLN_EPARSE, node, "%s:%ld: node '%s' is already fixed "
                                  "by the source on line %ld (a loop of voltage sources)",
                                  r->path, s->line, r->nm.name[node], fixed_by[node]);
                goto done;
            }
            fixed_by[node] = s->line;
            src->dirichlet_nodes[src->n_dirichlet] = node;
            src->dirichlet_values[src->n_dirichlet++] = val;
            continue;
        }
        /* Between two non-ground nodes: the drop of a resistor that joins them (the first in
         * file order), since plnet's edge sources fix the drop of an existing edge. */
        pln_idx edge = -1;
        double sign = 1.0;
        for (pln_idx e = 0; e < g->m && edge < 0; e++) {
            if (edge_by[e] != 0) {
                continue;
            }
            if (g->tail[e] == s->pos && g->head[e] == s->neg) {
                edge = e;
            } else if (g->tail[e] == s->neg && g->head[e] == s->pos) {
                edge = e;
                sign = -1.0;
            }
        }
        if (edge < 0) {
            st = PLN_ERR(r->ctx, PLN_EINVAL, "%s:%ld: voltage source between '%s' and '%s': "
                         "plnet needs a voltage source to go to ground (node 0) or across a "
                         "resistor of its own (an edge source fixes the drop of an edge)",
                         r->path, s->line, r->nm.name[s->pos], r->nm.name[s->neg]);
            goto done;
        }
        edge_by[edge] = s->line;
        s->edge = edge;
        src->source_edges[src->n_sources] = edge;
        src->source_values[src->n_sources++] = sign * s->value;
    }
    for (pln_idx k = 0; k < r->i.n; k++) {
        /* SPICE: I n+ n- v drives v amperes from n+ through the source to n-, so it takes v
         * out of node n+ and puts v into node n-; ground absorbs its share. */
        const pln_spice_source *s = &r->i.v[k];
        pln_idx ends[2] = {s->neg, s->pos};
        double vals[2] = {s->value, -s->value};
        for (int j = 0; j < 2; j++) {
            pln_idx node = ends[j];
            if (node == ground) {
                continue;
            }
            if (cur_slot[node] < 0) {
                cur_slot[node] = src->n_currents;
                src->current_nodes[src->n_currents] = node;
                src->current_values[src->n_currents++] = 0.0;
            }
            src->current_values[cur_slot[node]] += vals[j];
        }
    }
done:
    pln_i_free(fixed_by);
    pln_i_free(edge_by);
    pln_i_free(cur_slot);
    return st;
}

pln_status pln_graph_read_spice(pln_ctx *ctx, const char *path, pln_graph **out,
                                pln_spice_sources *sources)
{
    pln_status st = PLN_OK;
    reader r;
    memset(&r, 0, sizeof r);
    r.ctx = ctx;
    r.path = path;
    FILE *fp = NULL;
    char *buf = NULL;
    size_t size = 0;
    pln_graph *g = NULL;
    double *col = NULL;
    pln_spice_sources src;
    memset(&src, 0, sizeof src);
    src.ground = -1;
    if (sources != NULL) {
        memset(sources, 0, sizeof *sources);
        sources->ground = -1;
    }

    fp = fopen(path, "rb");
    if (fp == NULL) {
        int e = errno;
        PLN_FAIL(ctx, PLN_EIO, "cannot open netlist %s: %s", path, strerror(e));
    }
    {
        text t = {NULL, 0, 0};
        char chunk[65536];
        size_t got;
        while ((got = fread(chunk, 1, sizeof chunk, fp)) > 0) {
            if (!text_put(&t, chunk, got)) {
                pln_i_free(t.s);
                st = oom(&r);
                goto done;
            }
        }
        buf = t.s;
        size = t.len;
        if (ferror(fp)) {
            st = PLN_ERR(ctx, PLN_EIO, "error reading %s", path);
            goto done;
        }
    }
    PLN_TRY_GOTO(st, parse(&r, buf != NULL ? buf : "", size));
    if (r.m == 0) {
        st = PLN_ERR(ctx, PLN_EPARSE, "%s: no resistors in the netlist (plnet's edges are its "
                     "resistors)", path);
        goto done;
    }
    /* Adopt frees the arrays even when it fails. */
    st = pln_i_graph_adopt(ctx, r.nm.n, r.m, r.tail, r.head, &g);
    r.tail = NULL;
    r.head = NULL;
    if (st != PLN_OK) {
        goto done;
    }
    PLN_TRY_GOTO(st, pln_graph_edge_attr_set(g, "resistance", r.res));
    PLN_ALLOC_GOTO(ctx, st, col, r.m);
    for (pln_idx e = 0; e < r.m; e++) {
        col[e] = 1.0 / r.res[e];
    }
    PLN_TRY_GOTO(st, pln_graph_edge_attr_set(g, "conductance", col));
    PLN_TRY_GOTO(st, pln_graph_node_label_set(g, "name", (const char *const *)r.nm.name));
    for (pln_idx id = 0; id < r.nm.n; id++) {
        if (strcmp(r.nm.name[id], "0") == 0) {
            src.ground = id;
        }
    }
    PLN_TRY_GOTO(st, boundary(&r, g, &src));
    src.n_v = r.v.n;
    src.v = r.v.v;
    r.v.v = NULL;
    src.n_i = r.i.n;
    src.i = r.i.v;
    r.i.v = NULL;
    if (sources != NULL) {
        *sources = src;
        memset(&src, 0, sizeof src);
    }
    *out = g;
    g = NULL;
done:
    if (fp != NULL) {
        fclose(fp);
    }
    pln_i_free(buf);
    names_free(&r.nm);
    pln_i_free(r.tail);
    pln_i_free(r.head);
    pln_i_free(r.res);
    pln_i_free(r.r_line);
    pln_i_free(r.v.v);
    pln_i_free(r.i.v);
    pln_i_free(col);
    pln_spice_sources_free(&src);
    pln_graph_destroy(g);
    return st;
}
