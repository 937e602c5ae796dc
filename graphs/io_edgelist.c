/* io_edgelist.c — edge lists: "tail head [value ...]" text in, "tail,head,attr..." CSV out. */
#include "graph_impl.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Columns a line may carry; more is almost certainly not an edge list. */
enum { MAX_COLS = 64 };

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
        char *tok[MAX_COLS];
        int nt = split(line, tok, MAX_COLS);
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
        if (!numeric && n_cols < 0) {
            /* A first line that does not start with two node ids is the header of names. */
            if (nt < 2) {
                st = PLN_ERR(ctx, PLN_EPARSE,
                             "%s:%ld: header needs at least two names (tail, head)", path,
                             lineno);
                goto done;
            }
            n_cols = nt;
            for (int c = 2; c < nt; c++) {
                names[n_names] = pln_i_strdup(tok[c]);
                if (names[n_names] == NULL) {
                    st = PLN_ERR(ctx, PLN_ENOMEM, "out of memory reading %s", path);
                    goto done;
                }
                n_names++;
            }
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
