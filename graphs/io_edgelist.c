/* io_edgelist.c — edge lists: "tail head [value ...]" text in, "tail,head,attr..." CSV out. */
#include "graph_impl.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Columns a line may carry; more is almost certainly not an edge list. */
enum { MAX_COLS = 64 };

/* Edge attributes the library reads (networks/: conductance, resistance, flow radius and
 * length, spring stiffness and rest length). A header column with another name would be
 * carried along and never used, leaving every edge at its default: an error instead. */
static const char *const KNOWN_COLUMNS[] = {"conductance", "resistance", "radius", "length",
                                            "stiffness",   "rest_length"};

/* networkx's write_weighted_edgelist and igraph's "ncol"/CSV writers call the value column
 * "weight"; it is read as the caller's value_name. */
static const char WEIGHT_COLUMN[] = "weight";

/* The UTF-8 byte-order mark some editors put at the start of a text file. */
static const char UTF8_BOM[] = "\xEF\xBB\xBF";

/* Split a line in place on whitespace and commas, after cutting '#' comments. */
static int split(char *line, char **tok, int max)
{
    char *hash = strchr(line, '#');
    if (hash != NULL) {
        *hash = '\0';
    }
    int count = 0;
    char *p = line;
    while (*p != '\0') {
        while (*p == ' ' || *p == '\t' || *p == ',' || *p == '\r' || *p == '\n') {
            *p++ = '\0';
        }
        if (*p == '\0') {
            break;
        }
        if (count == max) {
            return max + 1;
        }
        tok[count++] = p;
        while (*p != '\0' && *p != ' ' && *p != '\t' && *p != ',' && *p != '\r' && *p != '\n') {
            p++;
        }
    }
    return count;
}

/* A column name: a letter or '_' then letters, digits, '_', '.', '-'. Nothing that starts
 * like a number (or holds ';', quotes, ...) is a name, so a malformed edge line is never taken
 * for a header. */
static bool is_name(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || *p == '_')) {
        return false;
    }
    for (p++; *p != '\0'; p++) {
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
              *p == '_' || *p == '.' || *p == '-')) {
            return false;
        }
    }
    return true;
}

static bool is_known_column(const char *name, const char *value_name)
{
    if (value_name != NULL && strcmp(name, value_name) == 0) {
        return true;
    }
    for (size_t i = 0; i < sizeof KNOWN_COLUMNS / sizeof KNOWN_COLUMNS[0]; i++) {
        if (strcmp(name, KNOWN_COLUMNS[i]) == 0) {
            return true;
        }
    }
    return false;
}

/* Check a header's names (tok[0..nt-1], all names) and store the value columns' names:
 * "weight" becomes value_name, the rest must be known when the caller reads a value. */
static pln_status header_names(pln_ctx *ctx, const char *path, long lineno, char **tok, int nt,
                               const char *value_name, char **names, int *n_names)
{
    if (nt < 2) {
        PLN_FAIL(ctx, PLN_EPARSE, "%s:%ld: a header needs at least two names (tail, head), "
                 "found '%s'", path, lineno, tok[0]);
    }
    for (int c = 0; c < nt; c++) {
        for (int d = 0; d < c; d++) {
            if (strcmp(tok[c], tok[d]) == 0) {
                PLN_FAIL(ctx, PLN_EPARSE, "%s:%ld: header names column '%s' twice (columns %d "
                         "and %d)", path, lineno, tok[c], d + 1, c + 1);
            }
        }
    }
    for (int c = 2; c < nt; c++) {
        const char *nm = tok[c];
        if (value_name != NULL && strcmp(nm, WEIGHT_COLUMN) == 0) {
            nm = value_name;
        }
        if (value_name != NULL && !is_known_column(nm, value_name)) {
            PLN_FAIL(ctx, PLN_EPARSE, "%s:%ld: header column %d '%s' is not an edge value plnet "
                     "reads (conductance, resistance, radius, length, stiffness, rest_length, "
                     "or weight read as %s)", path, lineno, c + 1, tok[c], value_name);
        }
        for (int d = 0; d < *n_names; d++) {
            if (strcmp(nm, names[d]) == 0) {
                PLN_FAIL(ctx, PLN_EPARSE, "%s:%ld: header columns %d and %d both give the %s",
                         path, lineno, d + 3, c + 1, nm);
            }
        }
        names[*n_names] = pln_i_strdup(nm);
        if (names[*n_names] == NULL) {
            PLN_FAIL(ctx, PLN_ENOMEM, "out of memory reading %s", path);
        }
        (*n_names)++;
    }
    bool has_k = false;
    bool has_r = false;
    for (int d = 0; d < *n_names; d++) {
        has_k = has_k || strcmp(names[d], "conductance") == 0;
        has_r = has_r || strcmp(names[d], "resistance") == 0;
    }
    if (value_name != NULL && has_k && has_r) {
        PLN_FAIL(ctx, PLN_EPARSE, "%s:%ld: header gives both conductance and resistance (one "
                 "must go)", path, lineno);
    }
    return PLN_OK;
}

static bool parse_node(const char *s, pln_idx *out)
{
    char *end = NULL;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (end == s || *end != '\0' || errno != 0 || v < 0) {
        return false;
    }
    *out = (pln_idx)v;
    return true;
}

static bool parse_real(const char *s, double *out)
{
    char *end = NULL;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end != '\0' || errno == ERANGE) {
        return false;
    }
    *out = v;
    return true;
}

/* Grow an array of elem-sized items to hold at least need, doubling. */
static bool grow(void **p, pln_idx *cap, pln_idx need, size_t elem)
{
    if (need <= *cap) {
        return true;
    }
    pln_idx c = *cap > 0 ? *cap : 64;
    while (c < need) {
        c *= 2;
    }
    void *q = pln_i_realloc(*p, (size_t)c * elem);
    if (q == NULL) {
        return false;
    }
    *p = q;
    *cap = c;
    return true;
}

pln_status pln_graph_read_edgelist(pln_ctx *ctx, const char *path, const char *value_name,
                                   pln_graph **out)
{
    pln_status st = PLN_OK;
    FILE *fp = NULL;
    char *line = NULL;
    size_t line_cap = 0;
    pln_idx *tail = NULL;
    pln_idx *head = NULL;
    double *vals = NULL; /* row-major m x n_vals */
    pln_idx cap = 0;
    pln_idx vcap = 0;
    char *names[MAX_COLS];
    int n_names = 0;
    pln_graph *g = NULL;
    double *col = NULL;
    int n_cols = -1; /* fixed by the header or the first edge line */
    pln_idx m = 0;
    pln_idx max_id = -1;
    long lineno = 0;

    fp = fopen(path, "rb");
    if (fp == NULL) {
        int e = errno;
        PLN_FAIL(ctx, PLN_EIO, "cannot open edge list %s: %s", path, strerror(e));
    }
    ssize_t len;
    while ((len = getline(&line, &line_cap, fp)) >= 0) {
        lineno++;
        char *text = line;
        if (lineno == 1 && strncmp(text, UTF8_BOM, sizeof UTF8_BOM - 1) == 0) {
            text += sizeof UTF8_BOM - 1;
        }
        char *tok[MAX_COLS];
        int nt = split(text, tok, MAX_COLS);
        if (nt == 0) {
            continue;
        }
        if (nt > MAX_COLS) {
            st = PLN_ERR(ctx, PLN_EPARSE, "%s:%ld: more than %d columns", path, lineno,
                         MAX_COLS);
            goto done;
        }
        pln_idx a = 0;
        pln_idx b = 0;
        bool numeric = parse_node(tok[0], &a) && nt >= 2 && parse_node(tok[1], &b);
        if (!numeric && n_cols < 0 && is_name(tok[0])) {
            /* The first line may be a header: then every column is a name. */
            for (int c = 1; c < nt; c++) {
                if (!is_name(tok[c])) {
                    st = PLN_ERR(ctx, PLN_EPARSE, "%s:%ld: neither an edge (two node ids) nor a "
                                 "header (column names): column %d is '%s'", path, lineno,
                                 c + 1, tok[c]);
                    goto done;
                }
            }
            n_cols = nt;
            PLN_TRY_GOTO(st, header_names(ctx, path, lineno, tok, nt, value_name, names,
                                          &n_names));
            continue;
        }
        if (!numeric) {
            st = PLN_ERR(ctx, PLN_EPARSE,
                         "%s:%ld: expected two non-negative integer node ids, found '%s%s%s'",
                         path, lineno, tok[0], nt >= 2 ? " " : "", nt >= 2 ? tok[1] : "");
            goto done;
        }
        if (n_cols < 0) {
            n_cols = nt;
            for (int c = 2; c < nt; c++) {
                char buf[64];
                const char *nm = buf;
                if (c == 2) {
                    nm = value_name != NULL ? value_name : "weight";
                } else {
                    snprintf(buf, sizeof buf, "col%d", c);
                }
                names[n_names] = pln_i_strdup(nm);
                if (names[n_names] == NULL) {
                    st = PLN_ERR(ctx, PLN_ENOMEM, "out of memory reading %s", path);
                    goto done;
                }
                n_names++;
            }
        }
        if (nt != n_cols) {
            st = PLN_ERR(ctx, PLN_EPARSE, "%s:%ld: expected %d columns, found %d", path, lineno,
                         n_cols, nt);
            goto done;
        }
        if (a == b) {
            st = PLN_ERR(ctx, PLN_EPARSE, "%s:%ld: self-loop on node %" PRId64
                         " (an edge needs two different nodes)", path, lineno, a);
            goto done;
        }
        pln_idx tcap = cap;
        if (!grow((void **)&tail, &tcap, m + 1, sizeof *tail) ||
            !grow((void **)&head, &cap, m + 1, sizeof *head) ||
            !grow((void **)&vals, &vcap, (m + 1) * n_names, sizeof *vals)) {
            st = PLN_ERR(ctx, PLN_ENOMEM, "out of memory reading %s", path);
            goto done;
        }
        for (int c = 2; c < nt; c++) {
            if (!parse_real(tok[c], &vals[m * n_names + c - 2])) {
                st = PLN_ERR(ctx, PLN_EPARSE, "%s:%ld: column %d ('%s'): '%s' is not a number",
                             path, lineno, c + 1, names[c - 2], tok[c]);
                goto done;
            }
        }
        tail[m] = a;
        head[m] = b;
        m++;
        max_id = a > max_id ? a : max_id;
        max_id = b > max_id ? b : max_id;
    }
    if (ferror(fp)) {
        st = PLN_ERR(ctx, PLN_EIO, "error reading %s", path);
        goto done;
    }
    if (m == 0) {
        st = PLN_ERR(ctx, PLN_EPARSE, "%s:%ld: no edges in the file", path, lineno);
        goto done;
    }
    /* Adopt frees the arrays even when it fails. */
    st = pln_i_graph_adopt(ctx, max_id + 1, m, tail, head, &g);
    tail = NULL;
    head = NULL;
    if (st != PLN_OK) {
        goto done;
    }
    PLN_ALLOC_GOTO(ctx, st, col, m);
    for (int k = 0; k < n_names; k++) {
        for (pln_idx e = 0; e < m; e++) {
            col[e] = vals[e * n_names + k];
        }
        PLN_TRY_GOTO(st, pln_graph_edge_attr_set(g, names[k], col));
    }
    *out = g;
    g = NULL;
done:
    if (fp != NULL) {
        fclose(fp);
    }
    free(line); /* allocated by getline with malloc */
    for (int k = 0; k < n_names; k++) {
        pln_i_free(names[k]);
    }
    pln_i_free(tail);
    pln_i_free(head);
    pln_i_free(vals);
    pln_i_free(col);
    pln_graph_destroy(g);
    return st;
}

pln_status pln_graph_write_edgelist(const pln_graph *g, const char *path)
{
    pln_i_afile af;
    PLN_TRY(pln_i_afile_open(g->ctx, &af, path));
    fputs("tail,head", af.fp);
    for (int k = 0; k < g->n_eattr; k++) {
        fprintf(af.fp, ",%s", g->eattr[k].name);
    }
    fputc('\n', af.fp);
    for (pln_idx e = 0; e < g->m; e++) {
        fprintf(af.fp, "%" PRId64 ",%" PRId64, g->tail[e], g->head[e]);
        for (int k = 0; k < g->n_eattr; k++) {
            /* 17 significant digits read back to the same double. */
            fprintf(af.fp, ",%.17g", g->eattr[k].v[e]);
        }
        fputc('\n', af.fp);
    }
    return pln_i_afile_commit(g->ctx, &af);
}
