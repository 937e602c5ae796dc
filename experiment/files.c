/* files.c — an experiment's run files (metrics.csv, predictions.csv, network.graphml, config.resolved.yaml, checkpoint.bin), each written atomically, and checkpoints that resume bit for bit. */
/* realpath is X/Open. */
#define _XOPEN_SOURCE 700

#include "config_impl.h"
#include "experiment_impl.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *dup_text(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = pln_i_malloc(n);
    if (d != NULL) {
        memcpy(d, s, n);
    }
    return d;
}

pln_status pln_experiment_set_config(pln_experiment *x, const char *resolved,
                                     const char *fingerprint)
{
    char *r = resolved != NULL ? dup_text(resolved) : NULL;
    char *f = fingerprint != NULL ? dup_text(fingerprint) : NULL;
    if ((resolved != NULL && r == NULL) || (fingerprint != NULL && f == NULL)) {
        pln_i_free(r);
        pln_i_free(f);
        PLN_FAIL(x->ctx, PLN_ENOMEM, "out of memory (configuration text)");
    }
    if (r != NULL) {
        pln_i_free(x->resolved);
        x->resolved = r;
    }
    if (f != NULL) {
        pln_i_free(x->fingerprint);
        x->fingerprint = f;
    }
    return PLN_OK;
}

static pln_status need_learner(const pln_experiment *x)
{
    if (x->learner == NULL) {
        PLN_FAIL(x->ctx, PLN_EINVAL, "the experiment's learner is not built (PLN_BUILD_LEARNER)");
    }
    return PLN_OK;
}

/* ------------------------------------------------------------------ CSV files */

static void put_metrics_header(const pln_experiment *x, FILE *fp)
{
    for (pln_idx k = 0; k < x->n_cols; k++) {
        fprintf(fp, "%s%s", k > 0 ? "," : "", pln_experiment_metrics_column(x, k, NULL));
    }
    fputc('\n', fp);
}

/* This run's metrics.csv header as text (malloc'ed, *len bytes), to compare with a file's. */
static pln_status metrics_header_text(const pln_experiment *x, char **text, size_t *len)
{
    FILE *mem = open_memstream(text, len);
    if (mem == NULL) {
        PLN_FAIL(x->ctx, PLN_ENOMEM, "out of memory");
    }
    put_metrics_header(x, mem);
    fclose(mem);
    return PLN_OK;
}

static void put_metrics_row(const pln_experiment *x, FILE *fp, pln_idx r)
{
    const double *row = x->rows + r * x->n_cols;
    /* The step first, as an integer; every other value round-trips. */
    fprintf(fp, "%" PRId64, (int64_t)row[0]);
    for (pln_idx k = 1; k < x->n_cols; k++) {
        fprintf(fp, ",%.17g", row[k]);
    }
    fputc('\n', fp);
}

static void forget_metrics_file(pln_experiment *x)
{
    pln_i_free(x->m_path);
    x->m_path = NULL;
}

/* Remember path as holding the header and rows [0, n_rows), the grid rows ending at
 * grid_end and the file at end (offsets < 0: not known, as for a pipe). */
static void remember_metrics_file(pln_experiment *x, const char *path, int64_t grid_end,
                                  int64_t end)
{
    forget_metrics_file(x);
    if (grid_end >= 0 && end >= 0) {
        x->m_path = dup_text(path); /* NULL when out of memory: the next write is whole */
    }
    x->m_grid = x->n_grid;
    x->m_grid_end = grid_end;
    x->m_end = end;
}

pln_status pln_experiment_write_metrics(pln_experiment *x, const char *path)
{
    PLN_TRY(need_learner(x));
    pln_i_afile f;
    PLN_TRY(pln_i_afile_open(x->ctx, &f, path));
    put_metrics_header(x, f.fp);
    int64_t grid_end = x->n_grid == 0 ? (int64_t)ftell(f.fp) : -1;
    for (pln_idx r = 0; r < x->n_rows; r++) {
        put_metrics_row(x, f.fp, r);
        if (r + 1 == x->n_grid) {
            grid_end = (int64_t)ftell(f.fp);
        }
    }
    const int64_t end = (int64_t)ftell(f.fp);
    forget_metrics_file(x);
    PLN_TRY(pln_i_afile_commit(x->ctx, &f));
    remember_metrics_file(x, path, grid_end, end);
    return PLN_OK;
}

/* The size of the file at path, or -1. */
static int64_t file_size(const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (fp == NULL) {
        return -1;
    }
    int64_t n = fseek(fp, 0, SEEK_END) == 0 ? (int64_t)ftell(fp) : -1;
    fclose(fp);
    return n;
}

pln_status pln_experiment_append_metrics(pln_experiment *x, const char *path)
{
    PLN_TRY(need_learner(x));
    /* Only onto the file this experiment wrote, as it left it; else the whole file. */
    if (x->m_path == NULL || strcmp(x->m_path, path) != 0 || x->m_grid > x->n_grid ||
        file_size(path) != x->m_end) {
        return pln_experiment_write_metrics(x, path);
    }
    const pln_idx from = x->m_grid;
    const int64_t at = x->m_grid_end;
    forget_metrics_file(x); /* until the append is whole */
    FILE *fp = fopen(path, "r+b");
    if (fp == NULL) {
        PLN_FAIL(x->ctx, PLN_EIO, "cannot append to %s: %s", path, strerror(errno));
    }
    int bad = 0;
    /* An off-grid last row the continuation redoes goes first. */
    if (ftruncate(fileno(fp), (off_t)at) != 0 || fseek(fp, (long)at, SEEK_SET) != 0) {
        bad = errno;
    }
    int64_t grid_end = at;
    for (pln_idx r = from; r < x->n_rows && bad == 0; r++) {
        put_metrics_row(x, fp, r);
        if (r + 1 == x->n_grid) {
            grid_end = (int64_t)ftell(fp);
        }
    }
    const int64_t end = (int64_t)ftell(fp);
    if (bad == 0 && (ferror(fp) || fflush(fp) != 0 || fsync(fileno(fp)) != 0)) {
        bad = errno != 0 ? errno : EIO;
    }
    if (fclose(fp) != 0 && bad == 0) {
        bad = errno;
    }
    if (bad != 0) {
        PLN_FAIL(x->ctx, PLN_EIO, "cannot append to %s: %s", path, strerror(bad));
    }
    remember_metrics_file(x, path, grid_end, end);
    return PLN_OK;
}

pln_status pln_experiment_reopen_metrics(pln_experiment *x, const char *path)
{
    PLN_TRY(need_learner(x));
    forget_metrics_file(x);
    const int64_t at = x->m_ckpt_end;
    const int64_t size = file_size(path);
    if (at <= 0 || size < at) {
        return PLN_OK; /* the next write is whole */
    }
    /* The header must be this run's: the rows before `at` are then the checkpoint's. */
    char *head = NULL;
    size_t hlen = 0;
    PLN_TRY(metrics_header_text(x, &head, &hlen));
    FILE *fp = fopen(path, "r+b");
    bool same = false;
    if (fp != NULL && head != NULL && (int64_t)hlen <= at) {
        char *got = pln_i_malloc(hlen);
        same = got != NULL && fread(got, 1, hlen, fp) == hlen && memcmp(got, head, hlen) == 0;
        pln_i_free(got);
    }
    free(head);
    int bad = 0;
    if (same && ftruncate(fileno(fp), (off_t)at) != 0) {
        bad = errno;
    }
    if (fp != NULL) {
        fclose(fp);
    }
    if (bad != 0) {
        PLN_FAIL(x->ctx, PLN_EIO, "cannot truncate %s to its checkpoint: %s", path,
                 strerror(bad));
    }
    if (same) {
        x->n_rows = x->n_grid;
        remember_metrics_file(x, path, at, at);
    }
    return PLN_OK;
}

pln_status pln_experiment_write_predictions(pln_experiment *x, const char *path)
{
    PLN_TRY(need_learner(x));
    const pln_idx n_out = x->n_out;
    double *o = NULL;
    pln_idx most = pln_task_n_examples(x->task, PLN_SPLIT_TRAIN);
    if (pln_task_n_examples(x->task, PLN_SPLIT_TEST) > most) {
        most = pln_task_n_examples(x->task, PLN_SPLIT_TEST);
    }
    PLN_ALLOC(x->ctx, o, most * n_out);
    pln_i_afile f;
    pln_status st = pln_i_afile_open(x->ctx, &f, path);
    if (st != PLN_OK) {
        pln_i_free(o);
        return st;
    }
    fputs("split,index", f.fp);
    for (pln_idx j = 0; j < n_out; j++) {
        fprintf(f.fp, ",output_%" PRId64, (int64_t)j);
    }
    for (pln_idx j = 0; j < n_out; j++) {
        fprintf(f.fp, ",target_%" PRId64, (int64_t)j);
    }
    fputs(x->classify ? ",predicted,true" : "", f.fp);
    /* The inputs applied (in the inputs' units; for a data file, scaled into
     * task.input_range) and, for a task read from a file, the example's data row. */
    const pln_idx n_in = pln_task_n_in(x->task);
    for (pln_idx j = 0; j < n_in; j++) {
        fprintf(f.fp, ",input_%" PRId64, (int64_t)j);
    }
    bool from_data = false;
    for (int s = 0; s < 2; s++) {
        const pln_split split = s == 0 ? PLN_SPLIT_TRAIN : PLN_SPLIT_TEST;
        from_data = from_data || (pln_task_n_examples(x->task, split) > 0 &&
                                  pln_task_example_row(x->task, split, 0) >= 0);
    }
    fputs(from_data ? ",data_row\n" : "\n", f.fp);
    for (int s = 0; s < 2 && st == PLN_OK; s++) {
        const pln_split split = s == 0 ? PLN_SPLIT_TRAIN : PLN_SPLIT_TEST;
        const pln_idx ne = pln_task_n_examples(x->task, split);
        st = pln_learner_outputs(x->learner, split, o);
        for (pln_idx i = 0; i < ne && st == PLN_OK; i++) {
            const double *oi = o + i * n_out;
            const double *ti = pln_task_example_targets(x->task, split, i);
            fprintf(f.fp, "%s,%" PRId64, s == 0 ? "train" : "test", (int64_t)i);
            for (pln_idx j = 0; j < n_out; j++) {
                fprintf(f.fp, ",%.17g", oi[j]);
            }
            for (pln_idx j = 0; j < n_out; j++) {
                fprintf(f.fp, ",%.17g", ti[j]);
            }
            if (x->classify) {
                const char *pred = pln_task_class_name(x->task, pln_task_predict(x->task, oi));
                const char *truth =
                    pln_task_class_name(x->task, pln_task_example_label(x->task, split, i));
                fprintf(f.fp, ",%s,%s", pred != NULL ? pred : "", truth != NULL ? truth : "");
            }
            const double *xi = pln_task_example_inputs(x->task, split, i);
            for (pln_idx j = 0; j < n_in; j++) {
                fprintf(f.fp, ",%.17g", xi[j]);
            }
            if (from_data) {
                fprintf(f.fp, ",%" PRId64, (int64_t)pln_task_example_row(x->task, split, i));
            }
            fputc('\n', f.fp);
        }
    }
    pln_i_free(o);
    if (st != PLN_OK) {
        pln_i_afile_abort(&f);
        return st;
    }
    return pln_i_afile_commit(x->ctx, &f);
}

/* A spring network's edges with a role, as 0/1 edge attributes: "source" (task input
 * edges, boundary edge strains) and "target" (task output edges); written only when some
 * edge has that role. */
static pln_status store_edge_roles(pln_experiment *x, pln_graph *g)
{
    const pln_idx m = pln_graph_n_edges(g);
    const pln_task_desc *t = &x->d.task;
    const pln_boundary_desc *b = &x->d.boundary;
    struct {
        const char *name;
        const pln_idx *ids[2];
        pln_idx n[2];
    } roles[2] = {{"source", {t->inputs.edges, b->edge_strains.edges},
                   {t->inputs.n_edges, b->edge_strains.n_edges}},
                  {"target", {t->outputs.edges, NULL}, {t->outputs.n_edges, 0}}};
    double *v = NULL;
    PLN_ALLOC(x->ctx, v, m > 0 ? m : 1);
    pln_status st = PLN_OK;
    for (int r = 0; r < 2 && st == PLN_OK; r++) {
        memset(v, 0, (size_t)m * sizeof *v);
        bool any = false;
        for (int q = 0; q < 2; q++) {
            for (pln_idx k = 0; k < roles[r].n[q]; k++) {
                pln_idx e = roles[r].ids[q][k];
                if (e >= 0 && e < m) {
                    v[e] = 1.0;
                    any = true;
                }
            }
        }
        if (any) {
            st = pln_graph_edge_attr_set(g, roles[r].name, v);
        }
    }
    pln_i_free(v);
    return st;
}

pln_status pln_experiment_write_graphml(pln_experiment *x, const char *path)
{
    if (x->stage < PLN_BUILD_NETWORK) {
        PLN_FAIL(x->ctx, PLN_EINVAL, "the experiment's network is not built");
    }
    pln_graph *g = x->graph;
    pln_network *net = x->net;
    const bool spring = pln_network_rest_lengths(net) != NULL;
    PLN_TRY(pln_graph_edge_attr_set(g, spring ? "stiffness" : "conductance",
                                    pln_network_conductances(net)));
    if (spring) {
        PLN_TRY(pln_graph_edge_attr_set(g, "rest_length", pln_network_rest_lengths(net)));
    }
    /* diodes, transistors (with their learned gates), tables */
    PLN_TRY(pln_network_element_attrs_store(net, g));
    const double *radii = pln_network_kind(net) == PLN_KIND_FLOW ? pln_network_radii(net) : NULL;
    if (radii != NULL) {
        PLN_TRY(pln_graph_edge_attr_set(g, "radius", radii));
    }
    PLN_TRY(pln_graph_node_label_set(g, "role", x->role));
    if (spring) {
        PLN_TRY(store_edge_roles(x, g));
    }
    /* The writer is atomic itself (pln_i_afile). */
    return pln_graph_write_graphml(g, path);
}

static pln_status write_bytes(pln_experiment *x, const char *path, const void *data, size_t n)
{
    pln_i_afile f;
    PLN_TRY(pln_i_afile_open(x->ctx, &f, path));
    if (n > 0 && fwrite(data, 1, n, f.fp) != n) {
        pln_i_afile_abort(&f);
        PLN_FAIL(x->ctx, PLN_EIO, "cannot write %s", path);
    }
    return pln_i_afile_commit(x->ctx, &f);
}

/* The experiment's configuration as YAML (pln_i_config_yaml with what the experiment knows
 * beyond its description), malloc'd; NULL when out of memory. */
static char *config_text(const pln_experiment *x, unsigned flags, const char *rel_base)
{
    pln_i_config_extras e;
    memset(&e, 0, sizeof e);
    e.rel_base = rel_base;
    if (x->graph != NULL) {
        e.ground_known = true;
        e.ground = pln_experiment_ground(x, &e.n_ground);
        for (int k = 0; k < 2; k++) {
            e.picked[k] = pln_experiment_role_nodes(x, k, &e.n_picked[k]);
        }
    }
    size_t len = pln_i_config_yaml(&x->d, flags, &e, NULL, 0);
    char *text = pln_i_malloc(len + 1);
    if (text != NULL) {
        pln_i_config_yaml(&x->d, flags, &e, text, len + 1);
    }
    return text;
}

pln_status pln_experiment_config_text(const pln_experiment *x, bool fingerprint, char *buf,
                                      size_t size, size_t *len)
{
    const char *given = fingerprint ? x->fingerprint : x->resolved;
    char *made =
        given == NULL ? config_text(x, fingerprint ? PLN_YAML_FINGERPRINT : 0, NULL) : NULL;
    if (given == NULL && made == NULL) {
        PLN_FAIL(x->ctx, PLN_ENOMEM, "out of memory (configuration text)");
    }
    const char *text = given != NULL ? given : made;
    *len = strlen(text);
    if (buf != NULL && size > 0) {
        size_t n = *len < size ? *len : size - 1;
        memcpy(buf, text, n);
        buf[n] = '\0';
    }
    pln_i_free(made);
    return PLN_OK;
}

/* The folder part of path ("." when it has none), malloc'd. */
static char *folder_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (slash == NULL) {
        return dup_text(".");
    }
    size_t n = slash == path ? 1 : (size_t)(slash - path);
    char *d = pln_i_malloc(n + 1);
    if (d != NULL) {
        memcpy(d, path, n);
        d[n] = '\0';
    }
    return d;
}

pln_status pln_experiment_write_config(pln_experiment *x, const char *path)
{
    if (x->resolved != NULL) {
        return write_bytes(x, path, x->resolved, strlen(x->resolved));
    }
    /* Paths relative to the file's own folder (as the reader takes them), so that a run
     * folder moved or copied with its data still runs. */
    char *folder = folder_of(path);
    char *base = folder != NULL ? realpath(folder, NULL) : NULL;
    char *text = config_text(x, 0, base);
    free(base);
    pln_i_free(folder);
    if (text == NULL) {
        PLN_FAIL(x->ctx, PLN_ENOMEM, "out of memory (configuration text)");
    }
    pln_status st = write_bytes(x, path, text, strlen(text));
    pln_i_free(text);
    return st;
}

/* ------------------------------------------------------------------ checkpoints */

static const char ckpt_magic[8] = {'P', 'L', 'N', 'E', 'T', 'C', 'K', 'P'};
/* Version 3 adds the length of metrics.csv at the checkpoint (u64 after the rows count);
 * version 2 checkpoints are read as well. */
enum { CKPT_VERSION = 3, CKPT_HEADER = 8 + 8 + 8 + 8 + 8 + 8, CKPT_HEADER_V2 = 8 + 8 + 8 + 8 + 8 };

static void put_u64(unsigned char *p, uint64_t v)
{
    for (int k = 0; k < 8; k++) {
        p[k] = (unsigned char)(v >> (8 * k));
    }
}

static uint64_t get_u64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int k = 0; k < 8; k++) {
        v |= (uint64_t)p[k] << (8 * k);
    }
    return v;
}

static uint64_t fnv1a(const void *data, size_t len)
{
    const unsigned char *p = data;
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t k = 0; k < len; k++) {
        h ^= p[k];
        h *= 0x100000001b3ULL;
    }
    return h;
}

/* The configuration a resume must match: the front end's, else the experiment's own. */
static const char *fingerprint_of(const pln_experiment *x)
{
    if (x->fingerprint == NULL) {
        /* Made once and kept: the description does not change. */
        ((pln_experiment *)x)->fingerprint = config_text(x, PLN_YAML_FINGERPRINT, NULL);
    }
    return x->fingerprint != NULL ? x->fingerprint : "";
}

static size_t fingerprint_len(const pln_experiment *x)
{
    return strlen(fingerprint_of(x));
}

/* Bit 33 of the version word: the rows are not in the checkpoint but in the metrics.csv beside
 * it, up to the length the header gives (pln_experiment_write_checkpoint when that file is
 * the experiment's own and holds them), so a checkpoint's size does not grow with the run. */
#define CKPT_ROWS_OUTSIDE ((uint64_t)1 << 33)

static size_t checkpoint_size(const pln_experiment *x, bool rows_outside)
{
    if (x->learner == NULL) {
        return 0;
    }
    return CKPT_HEADER + (rows_outside ? 0 : (size_t)(x->n_grid * x->n_cols) * 8) + 8 +
           fingerprint_len(x) + 8 + pln_learner_state_size(x->learner) + 8;
}

size_t pln_experiment_checkpoint_size(const pln_experiment *x)
{
    return checkpoint_size(x, false);
}

static pln_status checkpoint_save(const pln_experiment *x, void *buf, size_t size,
                                  bool rows_outside)
{
    PLN_TRY(need_learner(x));
    const size_t total = checkpoint_size(x, rows_outside);
    if (size < total) {
        PLN_FAIL(x->ctx, PLN_EDIM, "checkpoint buffer of %zu bytes, need %zu", size, total);
    }
    unsigned char *p = buf;
    memcpy(p, ckpt_magic, 8);
    const bool temporal = pln_learner_get_type(x->learner) == pln_learner_temporal;
    put_u64(p + 8, (uint64_t)CKPT_VERSION | ((uint64_t)(temporal ? 1 : 0) << 32) |
                       (rows_outside ? CKPT_ROWS_OUTSIDE : 0));
    put_u64(p + 16, (uint64_t)pln_learner_steps(x->learner));
    put_u64(p + 24, (uint64_t)x->n_cols);
    put_u64(p + 32, (uint64_t)x->n_grid);
    /* Where metrics.csv (as this experiment wrote it) ends after these rows: 0 unknown. */
    put_u64(p + 40, x->m_path != NULL && x->m_grid == x->n_grid ? (uint64_t)x->m_grid_end : 0);
    p += CKPT_HEADER;
    for (pln_idx k = 0; !rows_outside && k < x->n_grid * x->n_cols; k++) {
        uint64_t bits;
        memcpy(&bits, &x->rows[k], 8);
        put_u64(p, bits);
        p += 8;
    }
    const size_t flen = fingerprint_len(x);
    put_u64(p, (uint64_t)flen);
    if (flen > 0) {
        memcpy(p + 8, fingerprint_of(x), flen);
    }
    p += 8 + flen;
    const size_t ssz = pln_learner_state_size(x->learner);
    put_u64(p, (uint64_t)ssz);
    p += 8;
    PLN_TRY(pln_learner_state_save(x->learner, p, ssz));
    p += ssz;
    put_u64(p, fnv1a(buf, (size_t)(p - (unsigned char *)buf)));
    return PLN_OK;
}

pln_status pln_experiment_checkpoint_save(const pln_experiment *x, void *buf, size_t size)
{
    return checkpoint_save(x, buf, size, false);
}

/* The n_rows x n_cols rows of metrics.csv at path (the header checked against this run's),
 * which must end at byte `end`, into rows. */
static pln_status rows_from_metrics(pln_experiment *x, const char *path, uint64_t n_rows,
                                    uint64_t end, double *rows)
{
    char *head = NULL;
    size_t hlen = 0;
    PLN_TRY(metrics_header_text(x, &head, &hlen));
    FILE *fp = path != NULL ? fopen(path, "rb") : NULL;
    pln_status st = PLN_OK;
    if (fp == NULL) {
        st = PLN_ERR(x->ctx, PLN_EINVAL, "its metrics rows are in the run's metrics.csv, which "
                     "cannot be read (%s)", path != NULL ? strerror(errno) : "no path");
    }
    char *line = NULL;
    size_t cap = 0;
    if (st == PLN_OK && (getline(&line, &cap, fp) != (ssize_t)hlen || head == NULL ||
                         memcmp(line, head, hlen) != 0)) {
        st = PLN_ERR(x->ctx, PLN_EINVAL, "%s is not this run's metrics.csv (its header differs)",
                     path);
    }
    for (uint64_t r = 0; r < n_rows && st == PLN_OK; r++) {
        ssize_t n = getline(&line, &cap, fp);
        char *c = line;
        for (uint64_t k = 0; n > 0 && k < (uint64_t)x->n_cols && c != NULL; k++) {
            char *e = NULL;
            double v = k == 0 ? (double)strtoll(c, &e, 10) : strtod(c, &e);
            if (e == c || (*e != (k + 1 < (uint64_t)x->n_cols ? ',' : '\n'))) {
                c = NULL;
                break;
            }
            rows[r * (uint64_t)x->n_cols + k] = v;
            c = e + 1;
        }
        if (n <= 0 || c == NULL) {
            st = PLN_ERR(x->ctx, PLN_EINVAL, "%s: row %" PRIu64 " of the checkpoint's %" PRIu64
                         " is missing or damaged", path, r + 1, n_rows);
        }
    }
    if (st == PLN_OK && (uint64_t)ftell(fp) != end) {
        st = PLN_ERR(x->ctx, PLN_EINVAL, "%s: the checkpoint's rows end at byte %" PRIu64
                     ", the file's at %ld", path, end, ftell(fp));
    }
    free(line);
    free(head);
    if (fp != NULL) {
        fclose(fp);
    }
    return st;
}

/* The first line where two configuration texts differ, for the refusal. */
static void first_difference(const char *a, const char *b, char *out, size_t size)
{
    const char *la = a;
    const char *lb = b;
    while (*la != '\0' || *lb != '\0') {
        const char *ea = strchr(la, '\n');
        const char *eb = strchr(lb, '\n');
        size_t na = ea != NULL ? (size_t)(ea - la) : strlen(la);
        size_t nb = eb != NULL ? (size_t)(eb - lb) : strlen(lb);
        if (na != nb || memcmp(la, lb, na) != 0) {
            snprintf(out, size, "the run has '%.*s', this configuration '%.*s'", (int)na, la,
                     (int)nb, lb);
            return;
        }
        la += na + (ea != NULL);
        lb += nb + (eb != NULL);
    }
    snprintf(out, size, "they differ");
}

/* metrics: the metrics.csv beside the checkpoint, for rows kept outside it (may be NULL). */
static pln_status checkpoint_load(pln_experiment *x, const void *buf, size_t size,
                                  const char *metrics)
{
    PLN_TRY(need_learner(x));
    const unsigned char *b = buf;
    if (size < CKPT_HEADER_V2 + 24 || memcmp(b, ckpt_magic, 8) != 0) {
        PLN_FAIL(x->ctx, PLN_EINVAL, "not a plnet checkpoint");
    }
    if (get_u64(b + size - 8) != fnv1a(b, size - 8)) {
        PLN_FAIL(x->ctx, PLN_EINVAL, "damaged (checksum mismatch)");
    }
    const uint64_t vk = get_u64(b + 8);
    const unsigned version = (unsigned)(vk & 0xffffffffu);
    if (version != CKPT_VERSION && version != 2) {
        PLN_FAIL(x->ctx, PLN_EINVAL, "format version %u; this plnet reads versions 2 and %d",
                 version, CKPT_VERSION);
    }
    if (version == CKPT_VERSION && size < CKPT_HEADER + 24) {
        PLN_FAIL(x->ctx, PLN_EINVAL, "truncated");
    }
    const uint64_t metrics_end = version == CKPT_VERSION ? get_u64(b + 40) : 0;
    const bool temporal = ((vk >> 32) & 1) != 0;
    const bool outside = version == CKPT_VERSION && (vk & CKPT_ROWS_OUTSIDE) != 0;
    const int64_t step = (int64_t)get_u64(b + 16);
    const uint64_t n_cols = get_u64(b + 24);
    const uint64_t n_rows = get_u64(b + 32);
    size_t at = version == CKPT_VERSION ? CKPT_HEADER : CKPT_HEADER_V2;
    const size_t room = size - 8;
    if (n_cols != (uint64_t)x->n_cols ||
        (!outside && n_rows > (room - at) / 8 / (n_cols > 0 ? n_cols : 1)) ||
        n_rows > (uint64_t)INT32_MAX) {
        PLN_FAIL(x->ctx, PLN_EINVAL, "holds rows of %" PRIu64 " metrics columns, this run has %"
                 PRId64, n_cols, (int64_t)x->n_cols);
    }
    const unsigned char *rows = b + at;
    at += outside ? 0 : (size_t)(n_rows * n_cols) * 8;
    if (at + 8 > room) {
        PLN_FAIL(x->ctx, PLN_EINVAL, "truncated");
    }
    const size_t flen = (size_t)get_u64(b + at);
    if (flen > room - at - 8) {
        PLN_FAIL(x->ctx, PLN_EINVAL, "truncated");
    }
    const char *ftext = (const char *)b + at + 8;
    at += 8 + flen;
    if (at + 8 > room) {
        PLN_FAIL(x->ctx, PLN_EINVAL, "truncated");
    }
    const size_t ssz = (size_t)get_u64(b + at);
    at += 8;
    if (ssz != room - at) {
        PLN_FAIL(x->ctx, PLN_EINVAL, "truncated");
    }
    const bool mine = pln_learner_get_type(x->learner) == pln_learner_temporal;
    const size_t mylen = fingerprint_len(x);
    if (temporal != mine || flen != mylen ||
        (flen > 0 && memcmp(ftext, fingerprint_of(x), flen) != 0)) {
        char *theirs = pln_i_malloc(flen + 1);
        if (theirs == NULL) {
            PLN_FAIL(x->ctx, PLN_ENOMEM, "out of memory");
        }
        memcpy(theirs, ftext, flen);
        theirs[flen] = '\0';
        char diff[600];
        if (temporal != mine) {
            snprintf(diff, sizeof diff, "the run learned with the %s learner, this one with "
                     "the %s", temporal ? "temporal" : "contrastive",
                     mine ? "temporal" : "contrastive");
        } else {
            first_difference(theirs, fingerprint_of(x), diff, sizeof diff);
        }
        pln_i_free(theirs);
        return pln_i_error(x->ctx, PLN_EINVAL, __FILE__, __LINE__, -1, -1, "fingerprint",
                           "the run was made with another configuration (%s)", diff);
    }
    /* Room for the rows before anything changes. */
    if ((pln_idx)n_rows > x->cap_rows) {
        double *p = pln_i_realloc(x->rows, (size_t)(n_rows * n_cols) * sizeof *p);
        if (p == NULL) {
            PLN_FAIL(x->ctx, PLN_ENOMEM, "out of memory (metrics rows)");
        }
        x->rows = p;
        x->cap_rows = (pln_idx)n_rows;
    }
    double *from_file = NULL;
    if (outside) {
        PLN_ALLOC(x->ctx, from_file, (pln_idx)(n_rows * n_cols) + 1);
        pln_status st = rows_from_metrics(x, metrics, n_rows, metrics_end, from_file);
        if (st != PLN_OK) {
            pln_i_free(from_file);
            return st;
        }
    }
    pln_status lst = pln_learner_state_load(x->learner, b + at, ssz);
    if (lst != PLN_OK) {
        pln_i_free(from_file);
        return lst;
    }
    if (pln_learner_steps(x->learner) != step) {
        pln_i_free(from_file);
        PLN_FAIL(x->ctx, PLN_EINVAL, "step %" PRId64 " in the header, %" PRId64 " in the state",
                 step, pln_learner_steps(x->learner));
    }
    for (uint64_t k = 0; k < n_rows * n_cols; k++) {
        if (outside) {
            x->rows[k] = from_file[k];
        } else {
            uint64_t bits = get_u64(rows + 8 * k);
            memcpy(&x->rows[k], &bits, 8);
        }
    }
    pln_i_free(from_file);
    x->n_rows = (pln_idx)n_rows;
    x->n_grid = (pln_idx)n_rows;
    /* metrics.csv is another file: pln_experiment_reopen_metrics takes it up to here. */
    forget_metrics_file(x);
    x->m_ckpt_end = metrics_end <= (uint64_t)INT64_MAX ? (int64_t)metrics_end : 0;
    return PLN_OK;
}

pln_status pln_experiment_checkpoint_load(pln_experiment *x, const void *buf, size_t size)
{
    return checkpoint_load(x, buf, size, NULL);
}

/* path's folder joined with name, malloc'd. */
static char *sibling(const char *path, const char *name)
{
    const char *slash = strrchr(path, '/');
    size_t dl = slash != NULL ? (size_t)(slash - path) + 1 : 0;
    char *p = pln_i_malloc(dl + strlen(name) + 1);
    if (p != NULL) {
        memcpy(p, path, dl);
        strcpy(p + dl, name);
    }
    return p;
}

pln_status pln_experiment_write_checkpoint(pln_experiment *x, const char *path)
{
    PLN_TRY(need_learner(x));
    /* The rows stay in metrics.csv beside the checkpoint when that is this experiment's file
     * and holds exactly them: then the checkpoint does not grow with the run. */
    char *metrics = sibling(path, "metrics.csv");
    const bool outside = metrics != NULL && x->m_path != NULL && x->m_grid == x->n_grid &&
                         strcmp(x->m_path, metrics) == 0 && file_size(metrics) == x->m_end;
    pln_i_free(metrics);
    const size_t size = checkpoint_size(x, outside);
    unsigned char *buf = pln_i_calloc(1, size);
    if (buf == NULL) {
        PLN_FAIL(x->ctx, PLN_ENOMEM, "out of memory (%zu bytes of checkpoint)", size);
    }
    pln_status st = checkpoint_save(x, buf, size, outside);
    if (st == PLN_OK) {
        st = write_bytes(x, path, buf, size);
    }
    pln_i_free(buf);
    return st;
}

pln_status pln_experiment_read_checkpoint(pln_experiment *x, const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (fp == NULL) {
        PLN_FAIL(x->ctx, PLN_EIO, "cannot read %s: %s", path, strerror(errno));
    }
    unsigned char *data = NULL;
    size_t len = 0;
    size_t cap = 0;
    pln_status st = PLN_OK;
    for (;;) {
        if (len + 65536 > cap) {
            cap = cap > 0 ? 2 * cap : 65536 * 2;
            unsigned char *p = pln_i_realloc(data, cap);
            if (p == NULL) {
                st = PLN_ERR(x->ctx, PLN_ENOMEM, "out of memory reading %s", path);
                break;
            }
            data = p;
        }
        size_t got = fread(data + len, 1, 65536, fp);
        len += got;
        if (got < 65536) {
            break;
        }
    }
    if (st == PLN_OK && ferror(fp)) {
        st = PLN_ERR(x->ctx, PLN_EIO, "cannot read %s", path);
    }
    fclose(fp);
    char *metrics = st == PLN_OK ? sibling(path, "metrics.csv") : NULL;
    if (st == PLN_OK) {
        st = checkpoint_load(x, data, len, metrics);
    }
    pln_i_free(metrics);
    pln_i_free(data);
    return st;
}

/* ------------------------------------------------------------------ the run folder */

static pln_status write_in(pln_experiment *x, const char *dir, const char *name,
                           pln_status (*fn)(pln_experiment *, const char *))
{
    size_t len = strlen(dir) + strlen(name) + 2;
    char *path = pln_i_malloc(len);
    if (path == NULL) {
        PLN_FAIL(x->ctx, PLN_ENOMEM, "out of memory");
    }
    snprintf(path, len, "%s/%s", dir, name);
    pln_status st = fn(x, path);
    pln_i_free(path);
    return st;
}

/* ------------------------------------------------------------------ the folder's marker */

static void fingerprint_hash(const pln_experiment *x, char *out, size_t size)
{
    const char *f = fingerprint_of(x);
    snprintf(out, size, "%016" PRIx64, fnv1a(f, strlen(f)));
}

pln_status pln_experiment_folder_mark(pln_experiment *x, const char *dir, bool complete)
{
    char hash[24];
    fingerprint_hash(x, hash, sizeof hash);
    char text[512];
    int n = snprintf(text, sizeof text,
                     "# plnet run folder: its files form a whole set only when state is "
                     "complete\nstate: %s\nfiles: %s\nstep: %" PRId64 "\nfingerprint: %s\n",
                     complete ? "complete" : "running", x->learner != NULL ? "train" : "network",
                     pln_experiment_steps(x), hash);
    size_t len = strlen(dir) + sizeof PLN_RUN_MARKER + 1;
    char *path = pln_i_malloc(len);
    if (path == NULL) {
        PLN_FAIL(x->ctx, PLN_ENOMEM, "out of memory");
    }
    snprintf(path, len, "%s/%s", dir, PLN_RUN_MARKER);
    pln_status st = write_bytes(x, path, text, (size_t)n);
    pln_i_free(path);
    return st;
}

void pln_run_folder_info(const char *dir, pln_run_info *info)
{
    memset(info, 0, sizeof *info);
    size_t len = strlen(dir) + sizeof PLN_RUN_MARKER + 1;
    char *path = pln_i_malloc(len);
    if (path == NULL) {
        return;
    }
    snprintf(path, len, "%s/%s", dir, PLN_RUN_MARKER);
    FILE *fp = fopen(path, "r");
    pln_i_free(path);
    if (fp == NULL) {
        return;
    }
    char line[256];
    pln_run_state state = PLN_RUN_NONE;
    while (fgets(line, sizeof line, fp) != NULL) {
        line[strcspn(line, "\r\n")] = '\0';
        if (strcmp(line, "state: complete") == 0) {
            state = PLN_RUN_COMPLETE;
        } else if (strcmp(line, "state: running") == 0) {
            state = PLN_RUN_RUNNING;
        } else if (strncmp(line, "files: ", 7) == 0) {
            snprintf(info->files, sizeof info->files, "%.15s", line + 7);
        } else if (strncmp(line, "fingerprint: ", 13) == 0) {
            snprintf(info->fingerprint, sizeof info->fingerprint, "%.23s", line + 13);
        } else if (strncmp(line, "step: ", 6) == 0) {
            info->step = strtoll(line + 6, NULL, 10);
        }
    }
    fclose(fp);
    info->state = state;
}

bool pln_experiment_folder_is_own(pln_experiment *x, const char *dir)
{
    pln_run_info info;
    pln_run_folder_info(dir, &info);
    char hash[24];
    fingerprint_hash(x, hash, sizeof hash);
    return info.state != PLN_RUN_NONE && strcmp(info.fingerprint, hash) == 0 &&
           strcmp(info.files, x->learner != NULL ? "train" : "network") == 0;
}

pln_status pln_experiment_save(pln_experiment *x, const char *dir, bool with_config)
{
    PLN_TRY(need_learner(x));
    PLN_TRY(pln_experiment_folder_mark(x, dir, false));
    PLN_TRY(write_in(x, dir, "metrics.csv", pln_experiment_append_metrics));
    PLN_TRY(write_in(x, dir, "checkpoint.bin", pln_experiment_write_checkpoint));
    PLN_TRY(write_in(x, dir, "network.graphml", pln_experiment_write_graphml));
    PLN_TRY(write_in(x, dir, "predictions.csv", pln_experiment_write_predictions));
    if (with_config) {
        PLN_TRY(write_in(x, dir, "config.resolved.yaml", pln_experiment_write_config));
    }
    return pln_experiment_folder_mark(x, dir, true);
}
