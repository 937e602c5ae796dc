/* tasks.c — tasks of SPEC 3 (allostery, regression, classification, dataset) and the CSV tables they read. */
#include "pln_learning.h"
#include "pln_internal.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pln_task {
    pln_task_kind kind;
    pln_idx n_in, n_out;
    pln_input *inputs;
    pln_output *outputs;
    pln_idx n[2];      /* examples per split */
    double *x[2];      /* n x n_in, row-major */
    double *t[2];      /* n x n_out */
    pln_idx *label[2]; /* classification only */
    pln_idx *row[2];   /* tasks from a table: the data row of each example (1-based) */
    char **classes;    /* n_out names, classification only */
    double true_level, false_level;
};

/* ------------------------------------------------------------------ CSV tables */

static char *dup_str(const char *s, size_t len)
{
    char *d = pln_i_malloc(len + 1);
    if (d != NULL) {
        memcpy(d, s, len);
        d[len] = '\0';
    }
    return d;
}

void pln_table_destroy(pln_table *t)
{
    if (t == NULL) {
        return;
    }
    for (pln_idx c = 0; t->names != NULL && c < t->n_cols; c++) {
        pln_i_free(t->names[c]);
    }
    for (pln_idx k = 0; t->text != NULL && k < t->n_rows * t->n_cols; k++) {
        pln_i_free(t->text[k]);
    }
    pln_i_free(t->names);
    pln_i_free(t->text);
    pln_i_free(t->values);
    pln_i_free(t);
}

pln_idx pln_table_column(const pln_table *t, const char *name)
{
    for (pln_idx c = 0; c < t->n_cols; c++) {
        if (strcmp(t->names[c], name) == 0) {
            return c;
        }
    }
    return -1;
}

/* Split one line in place into at most cap fields; returns the field count. Quotes around a
 * field are stripped (no embedded commas in quoted fields: plain numeric data sets). */
static pln_idx split_fields(char *line, char **fields, pln_idx cap)
{
    pln_idx nf = 0;
    char *p = line;
    for (;;) {
        while (*p == ' ' || *p == '\t') {
            p++;
        }
        char *start = p;
        while (*p != ',' && *p != '\0') {
            p++;
        }
        char *end = p;
        while (end > start && (end[-1] == ' ' || end[-1] == '\t')) {
            end--;
        }
        if (end - start >= 2 && start[0] == '"' && end[-1] == '"') {
            start++;
            end--;
        }
        bool last = (*p == '\0');
        *end = '\0';
        if (nf < cap) {
            fields[nf] = start;
        }
        nf++;
        if (last) {
            break;
        }
        p++;
    }
    return nf;
}

static double parse_number(const char *s)
{
    if (*s == '\0') {
        return NAN;
    }
    char *end = NULL;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end != '\0' || errno == ERANGE) {
        return NAN;
    }
    return v;
}

pln_status pln_table_read_csv(pln_ctx *ctx, const char *path, pln_table **out)
{
    pln_status st = PLN_OK;
    FILE *fp = fopen(path, "r");
    char *line = NULL;
    size_t line_cap = 0;
    char **fields = NULL;
    pln_table *t = NULL;
    if (fp == NULL) {
        return PLN_ERR(ctx, PLN_EIO, "%s: cannot open: %s", path, strerror(errno));
    }
    PLN_ALLOC_GOTO(ctx, st, t, 1);
    pln_idx cap_rows = 0;
    long lineno = 0;
    ssize_t len;
    while ((len = getline(&line, &line_cap, fp)) >= 0) {
        lineno++;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r')) {
            line[--len] = '\0';
        }
        const char *q = line;
        while (*q == ' ' || *q == '\t') {
            q++;
        }
        if (*q == '\0' || *q == '#') {
            continue;
        }
        if (t->names == NULL) {
            pln_idx nf = 1;
            for (const char *c = line; *c != '\0'; c++) {
                nf += (*c == ',');
            }
            PLN_ALLOC_GOTO(ctx, st, fields, nf);
            PLN_ALLOC_GOTO(ctx, st, t->names, nf);
            split_fields(line, fields, nf);
            t->n_cols = nf;
            for (pln_idx c = 0; c < nf; c++) {
                t->names[c] = dup_str(fields[c], strlen(fields[c]));
                if (t->names[c] == NULL) {
                    st = PLN_ERR(ctx, PLN_ENOMEM, "out of memory reading %s", path);
                    goto done;
                }
            }
            continue;
        }
        pln_idx nf = split_fields(line, fields, t->n_cols);
        if (nf != t->n_cols) {
            st = PLN_ERR(ctx, PLN_EPARSE, "%s:%ld: expected %" PRId64 " fields, found %" PRId64,
                         path, lineno, (int64_t)t->n_cols, (int64_t)nf);
            goto done;
        }
        if (t->n_rows == cap_rows) {
            pln_idx nc = cap_rows > 0 ? 2 * cap_rows : 64;
            char **nt = pln_i_realloc(t->text, (size_t)(nc * t->n_cols) * sizeof *nt);
            if (nt == NULL) {
                st = PLN_ERR(ctx, PLN_ENOMEM, "out of memory reading %s", path);
                goto done;
            }
            t->text = nt;
            double *nv = pln_i_realloc(t->values, (size_t)(nc * t->n_cols) * sizeof *nv);
            if (nv == NULL) {
                st = PLN_ERR(ctx, PLN_ENOMEM, "out of memory reading %s", path);
                goto done;
            }
            t->values = nv;
            cap_rows = nc;
        }
        for (pln_idx c = 0; c < t->n_cols; c++) {
            pln_idx k = t->n_rows * t->n_cols + c;
            t->text[k] = dup_str(fields[c], strlen(fields[c]));
            t->values[k] = parse_number(fields[c]);
            if (t->text[k] == NULL) {
                /* Keep the table consistent for destroy: count the partial row's cells. */
                for (pln_idx c2 = 0; c2 < c; c2++) {
                    pln_i_free(t->text[t->n_rows * t->n_cols + c2]);
                }
                st = PLN_ERR(ctx, PLN_ENOMEM, "out of memory reading %s", path);
                goto done;
            }
        }
        t->n_rows++;
    }
    if (t->names == NULL) {
        st = PLN_ERR(ctx, PLN_EPARSE, "%s:%ld: no header line", path, lineno);
        goto done;
    }
    *out = t;
    t = NULL;
done:
    pln_table_destroy(t);
    pln_i_free(fields);
    free(line);
    fclose(fp);
    return st;
}

/* ------------------------------------------------------------------ tasks */

const char *pln_task_kind_name(pln_task_kind kind)
{
    switch (kind) {
    case PLN_TASK_ALLOSTERY:
        return "allostery";
    case PLN_TASK_REGRESSION:
        return "regression";
    case PLN_TASK_CLASSIFICATION:
        return "classification";
    case PLN_TASK_DATASET:
        return "dataset";
    }
    return "?";
}

void pln_task_destroy(pln_task *task)
{
    if (task == NULL) {
        return;
    }
    for (int s = 0; s < 2; s++) {
        pln_i_free(task->x[s]);
        pln_i_free(task->t[s]);
        pln_i_free(task->label[s]);
        pln_i_free(task->row[s]);
    }
    for (pln_idx c = 0; task->classes != NULL && c < task->n_out; c++) {
        pln_i_free(task->classes[c]);
    }
    pln_i_free(task->classes);
    pln_i_free(task->inputs);
    pln_i_free(task->outputs);
    pln_i_free(task);
}

/* An empty task with its ports and room for n_train + n_test examples. */
static pln_status task_new(pln_ctx *ctx, pln_task_kind kind, pln_idx n_in,
                           const pln_input *inputs, pln_idx n_out, const pln_output *outputs,
                           pln_idx n_train, pln_idx n_test, pln_task **out)
{
    pln_status st = PLN_OK;
    pln_task *t = NULL;
    if (n_in < 0 || n_out < 1 || (n_in > 0 && inputs == NULL) || outputs == NULL) {
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "task", "a task needs n_in >= 0 inputs and n_out >= 1 "
                     "outputs (got %" PRId64 " and %" PRId64 ")", (int64_t)n_in, (int64_t)n_out);
    }
    if (n_train < 1 || n_test < 0) {
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "task", "a task needs at least one training example");
    }
    PLN_ALLOC_GOTO(ctx, st, t, 1);
    t->kind = kind;
    t->n_in = n_in;
    t->n_out = n_out;
    t->true_level = 1.0;
    t->false_level = 0.0;
    PLN_ALLOC_GOTO(ctx, st, t->inputs, n_in);
    PLN_ALLOC_GOTO(ctx, st, t->outputs, n_out);
    if (n_in > 0) {
        memcpy(t->inputs, inputs, (size_t)n_in * sizeof *inputs);
    }
    memcpy(t->outputs, outputs, (size_t)n_out * sizeof *outputs);
    t->n[0] = n_train;
    t->n[1] = n_test;
    for (int s = 0; s < 2; s++) {
        PLN_ALLOC_GOTO(ctx, st, t->x[s], t->n[s] * n_in);
        PLN_ALLOC_GOTO(ctx, st, t->t[s], t->n[s] * n_out);
    }
    *out = t;
    t = NULL;
done:
    pln_task_destroy(t);
    return st;
}

pln_status pln_task_from_arrays(pln_ctx *ctx, pln_task_kind kind, pln_idx n_in,
                                const pln_input *inputs, pln_idx n_out,
                                const pln_output *outputs, pln_idx n_train,
                                const double *x_train, const double *t_train, pln_idx n_test,
                                const double *x_test, const double *t_test, pln_task **out)
{
    pln_task *t = NULL;
    PLN_TRY(task_new(ctx, kind, n_in, inputs, n_out, outputs, n_train, n_test, &t));
    const double *xs[2] = {x_train, x_test};
    const double *ts[2] = {t_train, t_test};
    for (int s = 0; s < 2; s++) {
        if (t->n[s] > 0) {
            if (n_in > 0) {
                memcpy(t->x[s], xs[s], (size_t)(t->n[s] * n_in) * sizeof(double));
            }
            memcpy(t->t[s], ts[s], (size_t)(t->n[s] * n_out) * sizeof(double));
        }
    }
    *out = t;
    return PLN_OK;
}

pln_status pln_task_allostery(pln_ctx *ctx, pln_idx n_in, const pln_input *inputs,
                              const double *values, pln_idx n_out, const pln_output *outputs,
                              const double *targets, pln_task **out)
{
    for (pln_idx j = 0; j < n_out; j++) {
        if (!isfinite(targets[j])) {
            PLN_FAIL_KEY(ctx, PLN_EINVAL, "task.targets", "target %" PRId64 " is not finite",
                         (int64_t)j);
        }
    }
    return pln_task_from_arrays(ctx, PLN_TASK_ALLOSTERY, n_in, inputs, n_out, outputs, 1, values,
                                targets, 1, values, targets, out);
}

void pln_regression_options_default(pln_regression_options *o)
{
    o->n_train = 20;
    o->n_test = 20;
    o->input_low = 0.0;
    o->input_high = 1.0;
    o->row_sum = 0.5;
}

pln_status pln_task_regression(pln_ctx *ctx, pln_idx n_in, const pln_input *inputs,
                               pln_idx n_out, const pln_output *outputs,
                               const pln_regression_options *o, pln_rng *rng, pln_task **out)
{
    pln_status st = PLN_OK;
    pln_task *t = NULL;
    double *w = NULL;
    if (n_in < 1) {
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "task.inputs", "regression needs at least one input");
    }
    if (!(o->input_low < o->input_high) || !isfinite(o->input_low) || !isfinite(o->input_high)) {
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "task.input_range", "need low < high, got [%g, %g]",
                     o->input_low, o->input_high);
    }
    if (!isfinite(o->row_sum)) {
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "task.row_sum", "must be finite");
    }
    PLN_TRY(task_new(ctx, PLN_TASK_REGRESSION, n_in, inputs, n_out, outputs, o->n_train,
                     o->n_test, &t));
    PLN_ALLOC_GOTO(ctx, st, w, n_out * n_in);
    /* Draw the map first, then the examples, so a change of n_train keeps the map. */
    for (pln_idx r = 0; r < n_out; r++) {
        double sum = 0.0;
        for (pln_idx c = 0; c < n_in; c++) {
            w[r * n_in + c] = pln_rng_uniform(rng);
            sum += w[r * n_in + c];
        }
        for (pln_idx c = 0; c < n_in; c++) {
            w[r * n_in + c] *= o->row_sum / (sum > 0.0 ? sum : 1.0);
        }
    }
    for (int s = 0; s < 2; s++) {
        for (pln_idx i = 0; i < t->n[s]; i++) {
            double *x = t->x[s] + i * n_in;
            for (pln_idx c = 0; c < n_in; c++) {
                x[c] = o->input_low + (o->input_high - o->input_low) * pln_rng_uniform(rng);
            }
            for (pln_idx r = 0; r < n_out; r++) {
                double v = 0.0;
                for (pln_idx c = 0; c < n_in; c++) {
                    v += w[r * n_in + c] * x[c];
                }
                t->t[s][i * n_out + r] = v;
            }
        }
    }
    *out = t;
    t = NULL;
done:
    pln_i_free(w);
    pln_task_destroy(t);
    return st;
}

void pln_data_options_default(pln_data_options *o)
{
    o->test_fraction = 0.3;
    o->scale_inputs = true;
    o->mirror_inputs = false;
    o->square_inputs = false;
    o->input_low = 0.0;
    o->input_high = 1.0;
    o->label = "species";
    o->true_level = 1.0;
    o->false_level = 0.0;
    o->n_input_columns = 0;
    o->input_columns = NULL;
    o->n_target_columns = 0;
    o->target_columns = NULL;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool name_in(const char *name, pln_idx n, const char *const *list)
{
    for (pln_idx k = 0; k < n; k++) {
        if (strcmp(name, list[k]) == 0) {
            return true;
        }
    }
    return false;
}

/* Shared by classification and dataset: picks columns, splits rows by a random permutation,
 * scales inputs from the training rows. cls_col < 0 for a dataset. */
static pln_status task_from_table(pln_ctx *ctx, pln_task_kind kind, const pln_table *tab,
                                  pln_idx n_in, const pln_input *inputs, pln_idx n_out,
                                  const pln_output *outputs, const pln_data_options *o,
                                  pln_rng *rng, pln_task **out)
{
    pln_status st = PLN_OK;
    pln_task *t = NULL;
    pln_idx *in_cols = NULL, *tg_cols = NULL, *perm = NULL, *row_class = NULL;
    const char **uniq = NULL;
    bool classify = (kind == PLN_TASK_CLASSIFICATION);
    pln_idx nr = tab->n_rows;
    pln_idx label_col = -1;

    if (!(o->test_fraction >= 0.0 && o->test_fraction < 1.0)) {
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "task.test_fraction", "must be in [0, 1), got %g",
                     o->test_fraction);
    }
    if (o->scale_inputs && !(o->input_low < o->input_high)) {
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "task.input_range", "need low < high");
    }
    if (classify) {
        label_col = pln_table_column(tab, o->label != NULL ? o->label : "");
        if (label_col < 0) {
            PLN_FAIL_KEY(ctx, PLN_EINVAL, "task.label", "no column '%s' in the data",
                         o->label != NULL ? o->label : "");
        }
    } else if (o->n_target_columns != n_out) {
        PLN_FAIL_KEY(ctx, PLN_EDIM, "task.targets",
                     "%" PRId64 " target columns for %" PRId64 " outputs",
                     (int64_t)o->n_target_columns, (int64_t)n_out);
    }

    PLN_ALLOC_GOTO(ctx, st, in_cols, tab->n_cols);
    PLN_ALLOC_GOTO(ctx, st, tg_cols, n_out);
    pln_idx n_cols_in = 0;
    if (o->input_columns != NULL) {
        for (pln_idx k = 0; k < o->n_input_columns; k++) {
            pln_idx c = pln_table_column(tab, o->input_columns[k]);
            if (c < 0) {
                st = pln_i_error(ctx, PLN_EINVAL, __FILE__, __LINE__, -1, -1, "task.input_columns",
                                 "no column '%s' in the data", o->input_columns[k]);
                goto done;
            }
            in_cols[n_cols_in++] = c;
        }
    } else {
        for (pln_idx c = 0; c < tab->n_cols; c++) {
            bool numeric = true;
            for (pln_idx r = 0; r < nr && numeric; r++) {
                numeric = isfinite(tab->values[r * tab->n_cols + c]);
            }
            if (c != label_col && numeric &&
                !name_in(tab->names[c], o->n_target_columns, o->target_columns)) {
                in_cols[n_cols_in++] = c;
            }
        }
    }
    pln_idx n_feat = o->square_inputs ? 2 * n_cols_in : n_cols_in;
    pln_idx want_in = o->mirror_inputs ? 2 * n_feat : n_feat;
    if (want_in != n_in) {
        st = pln_i_error(ctx, PLN_EDIM, __FILE__, __LINE__, -1, -1, "task.inputs",
                         "the data have %" PRId64 " input columns (%" PRId64 " inputs%s) but "
                         "the task has %" PRId64 " inputs", (int64_t)n_cols_in,
                         (int64_t)want_in, o->mirror_inputs ? " with mirrors" : "",
                         (int64_t)n_in);
        goto done;
    }
    for (pln_idx k = 0; !classify && k < n_out; k++) {
        tg_cols[k] = pln_table_column(tab, o->target_columns[k]);
        if (tg_cols[k] < 0) {
            st = pln_i_error(ctx, PLN_EINVAL, __FILE__, __LINE__, -1, -1, "task.target_columns",
                             "no column '%s' in the data", o->target_columns[k]);
            goto done;
        }
    }
    /* Every value used must be a number; name the row (1-based data row) at fault. */
    for (pln_idx r = 0; r < nr; r++) {
        for (pln_idx k = 0; k < n_cols_in + (classify ? 0 : n_out); k++) {
            pln_idx c = k < n_cols_in ? in_cols[k] : tg_cols[k - n_cols_in];
            if (!isfinite(tab->values[r * tab->n_cols + c])) {
                st = pln_i_error(ctx, PLN_EPARSE, __FILE__, __LINE__, -1, -1, "task.data",
                                 "data row %" PRId64 ", column '%s': '%s' is not a number",
                                 (int64_t)(r + 1), tab->names[c], tab->text[r * tab->n_cols + c]);
                goto done;
            }
        }
    }

    PLN_ALLOC_GOTO(ctx, st, row_class, nr);
    if (classify) {
        PLN_ALLOC_GOTO(ctx, st, uniq, nr);
        for (pln_idx r = 0; r < nr; r++) {
            uniq[r] = tab->text[r * tab->n_cols + label_col];
        }
        qsort(uniq, (size_t)nr, sizeof *uniq, cmp_str);
        pln_idx nu = 0;
        for (pln_idx r = 0; r < nr; r++) {
            if (nu == 0 || strcmp(uniq[nu - 1], uniq[r]) != 0) {
                uniq[nu++] = uniq[r];
            }
        }
        if (nu != n_out) {
            st = pln_i_error(ctx, PLN_EDIM, __FILE__, __LINE__, -1, -1, "task.outputs",
                             "the data have %" PRId64 " classes but the task has %" PRId64
                             " outputs (one per class)", (int64_t)nu, (int64_t)n_out);
            goto done;
        }
        for (pln_idx r = 0; r < nr; r++) {
            const char *lab = tab->text[r * tab->n_cols + label_col];
            for (pln_idx c = 0; c < nu; c++) {
                if (strcmp(lab, uniq[c]) == 0) {
                    row_class[r] = c;
                }
            }
        }
    }

    pln_idx n_test = (pln_idx)floor(o->test_fraction * (double)nr + 0.5);
    pln_idx n_train = nr - n_test;
    PLN_TRY_GOTO(st, task_new(ctx, kind, n_in, inputs, n_out, outputs, n_train, n_test, &t));
    t->true_level = o->true_level;
    t->false_level = o->false_level;
    if (classify) {
        PLN_ALLOC_GOTO(ctx, st, t->classes, n_out);
        for (pln_idx c = 0; c < n_out; c++) {
            t->classes[c] = dup_str(uniq[c], strlen(uniq[c]));
            if (t->classes[c] == NULL) {
                st = PLN_ERR(ctx, PLN_ENOMEM, "out of memory");
                goto done;
            }
        }
        for (int s = 0; s < 2; s++) {
            PLN_ALLOC_GOTO(ctx, st, t->label[s], t->n[s]);
        }
    }
    for (int s = 0; s < 2; s++) {
        PLN_ALLOC_GOTO(ctx, st, t->row[s], t->n[s]);
    }
    PLN_ALLOC_GOTO(ctx, st, perm, nr);
    pln_rng_permutation(rng, nr, perm);
    for (pln_idx k = 0; k < nr; k++) {
        int s = k < n_train ? 0 : 1;
        pln_idx i = s == 0 ? k : k - n_train;
        pln_idx r = perm[k];
        for (pln_idx c = 0; c < n_cols_in; c++) {
            t->x[s][i * n_in + c] = tab->values[r * tab->n_cols + in_cols[c]];
        }
        for (pln_idx c = 0; c < n_out; c++) {
            t->t[s][i * n_out + c] =
                classify ? (row_class[r] == c ? o->true_level : o->false_level)
                         : tab->values[r * tab->n_cols + tg_cols[c]];
        }
        if (classify) {
            t->label[s][i] = row_class[r];
        }
        t->row[s][i] = r + 1;
    }
    if (o->scale_inputs) {
        /* Min-max from the training rows only, so the test split stays unseen. */
        for (pln_idx c = 0; c < n_cols_in; c++) {
            double lo = INFINITY, hi = -INFINITY;
            for (pln_idx i = 0; i < n_train; i++) {
                lo = fmin(lo, t->x[0][i * n_in + c]);
                hi = fmax(hi, t->x[0][i * n_in + c]);
            }
            double span = hi > lo ? hi - lo : 1.0;
            for (int s = 0; s < 2; s++) {
                for (pln_idx i = 0; i < t->n[s]; i++) {
                    double *v = &t->x[s][i * n_in + c];
                    *v = o->input_low + (o->input_high - o->input_low) * (*v - lo) / span;
                }
            }
        }
    }
    for (int s = 0; s < 2; s++) {
        double lo = o->scale_inputs ? o->input_low : 0.0;
        double hi = o->scale_inputs ? o->input_high : 0.0;
        for (pln_idx i = 0; i < t->n[s]; i++) {
            double *x = t->x[s] + i * n_in;
            for (pln_idx c = 0; o->square_inputs && c < n_cols_in; c++) {
                /* Squares of the scaled value, mapped back into [lo, hi]. */
                double u = hi > lo ? (x[c] - lo) / (hi - lo) : x[c];
                x[n_cols_in + c] = hi > lo ? lo + (hi - lo) * u * u : u * u;
            }
            for (pln_idx c = 0; o->mirror_inputs && c < n_feat; c++) {
                x[n_feat + c] = lo + hi - x[c];
            }
        }
    }
    *out = t;
    t = NULL;
done:
    pln_task_destroy(t);
    pln_i_free(in_cols);
    pln_i_free(tg_cols);
    pln_i_free(perm);
    pln_i_free(row_class);
    pln_i_free(uniq);
    return st;
}

pln_status pln_task_classification(pln_ctx *ctx, const pln_table *t, pln_idx n_in,
                                   const pln_input *inputs, pln_idx n_out,
                                   const pln_output *outputs, const pln_data_options *o,
                                   pln_rng *rng, pln_task **out)
{
    return task_from_table(ctx, PLN_TASK_CLASSIFICATION, t, n_in, inputs, n_out, outputs, o, rng,
                           out);
}

pln_status pln_task_dataset(pln_ctx *ctx, const pln_table *t, pln_idx n_in,
                            const pln_input *inputs, pln_idx n_out, const pln_output *outputs,
                            const pln_data_options *o, pln_rng *rng, pln_task **out)
{
    return task_from_table(ctx, PLN_TASK_DATASET, t, n_in, inputs, n_out, outputs, o, rng, out);
}

pln_task_kind pln_task_get_kind(const pln_task *task)
{
    return task->kind;
}
pln_idx pln_task_n_in(const pln_task *task)
{
    return task->n_in;
}
pln_idx pln_task_n_out(const pln_task *task)
{
    return task->n_out;
}
const pln_input *pln_task_inputs(const pln_task *task)
{
    return task->inputs;
}
const pln_output *pln_task_outputs(const pln_task *task)
{
    return task->outputs;
}
pln_idx pln_task_n_examples(const pln_task *task, pln_split split)
{
    return task->n[split == PLN_SPLIT_TEST];
}
const double *pln_task_example_inputs(const pln_task *task, pln_split split, pln_idx i)
{
    return task->x[split == PLN_SPLIT_TEST] + i * task->n_in;
}
const double *pln_task_example_targets(const pln_task *task, pln_split split, pln_idx i)
{
    return task->t[split == PLN_SPLIT_TEST] + i * task->n_out;
}
pln_idx pln_task_example_label(const pln_task *task, pln_split split, pln_idx i)
{
    const pln_idx *lab = task->label[split == PLN_SPLIT_TEST];
    return lab != NULL ? lab[i] : -1;
}
pln_idx pln_task_example_row(const pln_task *task, pln_split split, pln_idx i)
{
    const pln_idx *row = task->row[split == PLN_SPLIT_TEST];
    return row != NULL ? row[i] : -1;
}
const char *pln_task_class_name(const pln_task *task, pln_idx c)
{
    if (task->classes == NULL || c < 0 || c >= task->n_out) {
        return NULL;
    }
    return task->classes[c];
}
pln_idx pln_task_predict(const pln_task *task, const double *o)
{
    if (task->kind != PLN_TASK_CLASSIFICATION) {
        return -1;
    }
    pln_idx best = 0;
    for (pln_idx c = 1; c < task->n_out; c++) {
        if (fabs(o[c] - task->true_level) < fabs(o[best] - task->true_level)) {
            best = c;
        }
    }
    return best;
}
