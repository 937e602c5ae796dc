/* run.c — stepping an experiment: the metrics row table (names, units, values), logging on the log_every grid, runs that answer an interrupt, outputs and theta. */
#include "experiment_impl.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>

/* ------------------------------------------------------------------ the columns */

/* What a row's values are computed from. */
typedef struct row_in {
    int64_t step;
    const pln_ledger *l;
    pln_metrics train, test;
    bool fresh; /* step 0, or nothing recorded yet: the "last step" values are 0 */
} row_in;

enum {
    COL_CONTRASTIVE = 1, /* rows of the contrastive learner */
    COL_TEMPORAL = 2,    /* rows of the temporal learner */
    COL_BOTH = 3,
    COL_CLASSIFY = 4,    /* classification tasks only */
    COL_PER_STEP = 8,    /* a "last step" value: 0 in a fresh row */
    COL_SI = 16,         /* in joules: SI units only */
    COL_EFFICIENCY = 32  /* only where every spent term is modelled */
};

/* What decides a run's columns besides the learner. */
typedef struct col_sel {
    bool temporal, classify, si, efficiency;
} col_sel;

typedef struct column {
    const char *name;
    const char *unit;        /* every network */
    const char *unit_spring; /* spring networks, where it differs (else NULL) */
    unsigned flags;
    double (*get)(const row_in *r);
} column;

static double c_step(const row_in *r) { return (double)r->step; }
static double c_time(const row_in *r) { return r->l->time_total; }
static double c_loss(const row_in *r) { return r->train.loss; }
static double c_train_error(const row_in *r) { return r->train.error; }
static double c_test_error(const row_in *r) { return r->test.error; }
static double c_train_accuracy(const row_in *r) { return r->train.accuracy; }
static double c_test_accuracy(const row_in *r) { return r->test.accuracy; }
static double c_power_free(const row_in *r) { return r->l->power_free; }
static double c_power_clamped(const row_in *r) { return r->l->power_clamped; }
static double c_joule(const row_in *r) { return r->l->joule; }
static double c_memory(const row_in *r) { return r->l->memory; }
static double c_bits(const row_in *r) { return r->l->bits; }
static double c_landauer(const row_in *r) { return r->l->landauer; }
static double c_efficiency(const row_in *r) { return r->l->efficiency; }
static double c_joule_total(const row_in *r) { return r->l->joule_total; }
static double c_memory_total(const row_in *r) { return r->l->memory_total; }
static double c_bits_total(const row_in *r) { return r->l->bits_total; }
static double c_landauer_total(const row_in *r) { return r->l->landauer_total; }
static double kt(const row_in *r, double e) { return pln_ledger_in_kT(r->l, e); }
static double c_joule_kT(const row_in *r) { return kt(r, r->l->joule); }
static double c_memory_kT(const row_in *r) { return kt(r, r->l->memory); }
static double c_landauer_kT(const row_in *r) { return kt(r, r->l->landauer); }
static double c_joule_total_kT(const row_in *r) { return kt(r, r->l->joule_total); }
static double c_memory_total_kT(const row_in *r) { return kt(r, r->l->memory_total); }
static double c_landauer_total_kT(const row_in *r) { return kt(r, r->l->landauer_total); }
static double c_efficiency_total(const row_in *r)
{
    double spent = r->l->joule_total + r->l->memory_total;
    return spent > 0.0 ? r->l->landauer_total / spent : 0.0;
}

/* Every column a metrics row can have, in the order of metrics.csv; a run has those its
 * learner and task select. A new column is one row here. */
static const column columns[] = {
    {"step", "1", NULL, COL_BOTH, c_step},
    {"time", "s", NULL, COL_TEMPORAL, c_time},
    {"loss", "output units^2", NULL, COL_BOTH, c_loss},
    {"train_error", "output units^2 (1 for classification)", NULL, COL_BOTH, c_train_error},
    {"test_error", "output units^2 (1 for classification)", NULL, COL_BOTH, c_test_error},
    {"train_accuracy", "1", NULL, COL_BOTH | COL_CLASSIFY, c_train_accuracy},
    {"test_accuracy", "1", NULL, COL_BOTH | COL_CLASSIFY, c_test_accuracy},
    {"power_free", "W", "J per step", COL_BOTH | COL_PER_STEP, c_power_free},
    {"power_clamped", "W", "J per step", COL_BOTH | COL_PER_STEP, c_power_clamped},
    {"joule", "J", NULL, COL_BOTH | COL_PER_STEP | COL_SI, c_joule},
    {"joule_kT", "k_B T", NULL, COL_BOTH | COL_PER_STEP, c_joule_kT},
    {"memory", "J", NULL, COL_TEMPORAL | COL_PER_STEP | COL_SI, c_memory},
    {"memory_kT", "k_B T", NULL, COL_TEMPORAL | COL_PER_STEP, c_memory_kT},
    {"bits", "bit", NULL, COL_BOTH | COL_PER_STEP, c_bits},
    {"landauer", "J", NULL, COL_BOTH | COL_PER_STEP | COL_SI, c_landauer},
    {"landauer_kT", "k_B T", NULL, COL_BOTH | COL_PER_STEP, c_landauer_kT},
    {"efficiency", "1", NULL, COL_TEMPORAL | COL_PER_STEP | COL_EFFICIENCY, c_efficiency},
    {"joule_total", "J", NULL, COL_BOTH | COL_SI, c_joule_total},
    {"joule_total_kT", "k_B T", NULL, COL_BOTH, c_joule_total_kT},
    {"memory_total", "J", NULL, COL_TEMPORAL | COL_SI, c_memory_total},
    {"memory_total_kT", "k_B T", NULL, COL_TEMPORAL, c_memory_total_kT},
    {"bits_total", "bit", NULL, COL_BOTH, c_bits_total},
    {"landauer_total", "J", NULL, COL_BOTH | COL_SI, c_landauer_total},
    {"landauer_total_kT", "k_B T", NULL, COL_BOTH, c_landauer_total_kT},
    {"efficiency_total", "1", NULL, COL_BOTH | COL_EFFICIENCY, c_efficiency_total},
};
_Static_assert(sizeof columns / sizeof columns[0] <= PLN_I_MAX_COLUMNS, "room for the columns");

/* The efficiency is a ratio of modelled terms only: a temporal run whose memory's
 * dissipation is not modelled has none (its denominator would lack the memory). */
static bool efficiency_meaningful(const pln_experiment_desc *d)
{
    if (d->learning.learner != PLN_LEARNER_TEMPORAL) {
        return true;
    }
    const pln_memory_options *m = &d->temporal.memory;
    return m->kind == PLN_MEMORY_MARKOV_LADDER || m->dissipation >= 0.0;
}

static col_sel selection_of(const pln_experiment_desc *d)
{
    col_sel s;
    s.temporal = d->learning.learner == PLN_LEARNER_TEMPORAL;
    s.classify = d->task.kind == PLN_TASK_CLASSIFICATION;
    s.si = d->energy.system != PLN_UNITS_REDUCED;
    s.efficiency = efficiency_meaningful(d);
    return s;
}

/* The columns of a run with this selection, as indices into the table. */
static pln_idx select_columns(col_sel s, int *col)
{
    const unsigned mine = s.temporal ? COL_TEMPORAL : COL_CONTRASTIVE;
    pln_idx n = 0;
    for (size_t k = 0; k < sizeof columns / sizeof columns[0]; k++) {
        const column *c = &columns[k];
        if ((c->flags & mine) == 0 || ((c->flags & COL_CLASSIFY) != 0 && !s.classify) ||
            ((c->flags & COL_SI) != 0 && !s.si) ||
            ((c->flags & COL_EFFICIENCY) != 0 && !s.efficiency)) {
            continue;
        }
        col[n++] = (int)k;
    }
    return n;
}

/* In reduced units the powers and times are in the network's own units. */
static const char *unit_of(const column *c, bool spring, bool classify, bool si)
{
    const char *u = spring && c->unit_spring != NULL ? c->unit_spring
                    : classify && strstr(c->name, "_error") != NULL ? "1"
                                                                    : c->unit;
    if (!si) {
        if (strcmp(u, "W") == 0) {
            return "energy units per time unit";
        }
        if (strcmp(u, "J per step") == 0) {
            return "energy units per step";
        }
        if (strcmp(u, "s") == 0) {
            return "time units";
        }
    }
    return u;
}

void pln_i_metrics_columns(pln_experiment *x)
{
    x->n_cols = select_columns(selection_of(&x->d), x->col);
}

bool pln_experiment_desc_efficiency(const pln_experiment_desc *d)
{
    return efficiency_meaningful(d);
}

pln_idx pln_experiment_desc_columns(const pln_experiment_desc *d, const char **names,
                                    const char **units, pln_idx max)
{
    int col[PLN_I_MAX_COLUMNS];
    const col_sel sel = selection_of(d);
    const bool spring = d->network.kind == PLN_KIND_SPRING ||
                        d->network.kind == PLN_KIND_SPRING_LINEAR;
    pln_idx n = select_columns(sel, col);
    for (pln_idx k = 0; k < n && k < max; k++) {
        if (names != NULL) {
            names[k] = columns[col[k]].name;
        }
        if (units != NULL) {
            units[k] = unit_of(&columns[col[k]], spring, sel.classify, sel.si);
        }
    }
    return n;
}

pln_idx pln_experiment_metrics_n_columns(const pln_experiment *x) { return x->n_cols; }

const char *pln_experiment_metrics_column(const pln_experiment *x, pln_idx k, const char **unit)
{
    if (k < 0 || k >= x->n_cols) {
        if (unit != NULL) {
            *unit = NULL;
        }
        return NULL;
    }
    const column *c = &columns[x->col[k]];
    if (unit != NULL) {
        *unit = unit_of(c, x->springs, x->classify, x->d.energy.system != PLN_UNITS_REDUCED);
    }
    return c->name;
}

pln_idx pln_experiment_metrics_n_rows(const pln_experiment *x) { return x->n_rows; }
const double *pln_experiment_metrics_rows(const pln_experiment *x) { return x->rows; }

static pln_status need_learner(const pln_experiment *x)
{
    if (x->learner == NULL) {
        PLN_FAIL(x->ctx, PLN_EINVAL, "the experiment's learner is not built (PLN_BUILD_LEARNER)");
    }
    return PLN_OK;
}

pln_status pln_experiment_metrics_row(pln_experiment *x, double *row)
{
    PLN_TRY(need_learner(x));
    row_in r;
    r.step = pln_learner_steps(x->learner);
    r.l = pln_learner_ledger(x->learner);
    PLN_TRY(pln_learner_evaluate(x->learner, PLN_SPLIT_TRAIN, &r.train));
    PLN_TRY(pln_learner_evaluate(x->learner, PLN_SPLIT_TEST, &r.test));
    r.fresh = r.step == 0 || r.l->steps == 0;
    for (pln_idx k = 0; k < x->n_cols; k++) {
        const column *c = &columns[x->col[k]];
        row[k] = r.fresh && (c->flags & COL_PER_STEP) != 0 ? 0.0 : c->get(&r);
    }
    return PLN_OK;
}

/* Append the current row; it is on the grid when the step is a multiple of log_every. */
pln_status pln_i_metrics_log(pln_experiment *x)
{
    if (x->n_rows == x->cap_rows) {
        pln_idx cap = x->cap_rows > 0 ? 2 * x->cap_rows : 64;
        double *p = pln_i_realloc(x->rows, (size_t)(cap * x->n_cols) * sizeof *p);
        if (p == NULL) {
            PLN_FAIL(x->ctx, PLN_ENOMEM, "out of memory (metrics rows)");
        }
        x->rows = p;
        x->cap_rows = cap;
    }
    PLN_TRY(pln_experiment_metrics_row(x, x->rows + x->n_rows * x->n_cols));
    x->n_rows++;
    if (pln_learner_steps(x->learner) % x->d.train.log_every == 0) {
        x->n_grid = x->n_rows;
    }
    return PLN_OK;
}

/* ------------------------------------------------------------------ stepping */

int64_t pln_experiment_steps(const pln_experiment *x)
{
    return x->learner != NULL ? pln_learner_steps(x->learner) : 0;
}

pln_status pln_experiment_step(pln_experiment *x)
{
    PLN_TRY(need_learner(x));
    x->n_rows = x->n_grid; /* a run's off-grid last row is redone by the continuation */
    PLN_TRY(pln_learner_step(x->learner));
    if (pln_learner_steps(x->learner) % x->d.train.log_every == 0) {
        PLN_TRY(pln_i_metrics_log(x));
    }
    return PLN_OK;
}

pln_status pln_experiment_run(pln_experiment *x, int64_t until, pln_experiment_step_fn on_step,
                              void *user)
{
    PLN_TRY(need_learner(x));
    const int64_t first = pln_learner_steps(x->learner);
    for (int64_t s = first; s < until; s = pln_learner_steps(x->learner)) {
        PLN_TRY(pln_i_progress(x->ctx, (double)(s - first) / (double)(until - first), "train"));
        PLN_TRY(pln_experiment_step(x));
        if (on_step != NULL) {
            PLN_TRY(on_step(x, pln_learner_steps(x->learner), user));
        }
    }
    return PLN_OK;
}

pln_status pln_experiment_finish(pln_experiment *x)
{
    PLN_TRY(need_learner(x));
    if (x->n_rows > x->n_grid ||
        pln_learner_steps(x->learner) % x->d.train.log_every == 0) {
        return PLN_OK;
    }
    return pln_i_metrics_log(x);
}

/* ------------------------------------------------------------------ outputs and theta */

pln_status pln_experiment_evaluate(pln_experiment *x, pln_split split, pln_metrics *m)
{
    PLN_TRY(need_learner(x));
    return pln_learner_evaluate(x->learner, split, m);
}

pln_idx pln_experiment_n_examples(const pln_experiment *x, pln_split split)
{
    return x->task != NULL ? pln_task_n_examples(x->task, split) : 0;
}

pln_idx pln_experiment_n_outputs(const pln_experiment *x) { return x->n_out; }

pln_status pln_experiment_outputs(pln_experiment *x, pln_split split, double *o)
{
    PLN_TRY(need_learner(x));
    return pln_learner_outputs(x->learner, split, o);
}

pln_idx pln_experiment_n_theta(const pln_experiment *x)
{
    return x->learner != NULL ? pln_learner_n_theta(x->learner) : 0;
}

const double *pln_experiment_theta(const pln_experiment *x)
{
    return x->learner != NULL ? pln_learner_theta(x->learner) : NULL;
}

const pln_ledger *pln_experiment_ledger(const pln_experiment *x)
{
    return x->learner != NULL ? pln_learner_ledger(x->learner) : NULL;
}

pln_status pln_experiment_set_theta(pln_experiment *x, const double *theta, pln_idx n)
{
    PLN_TRY(need_learner(x));
    const pln_idx nth = pln_learner_n_theta(x->learner);
    if (n != nth) {
        PLN_FAIL(x->ctx, PLN_EDIM, "theta has %" PRId64 " values, the experiment learns %" PRId64,
                 (int64_t)n, (int64_t)nth);
    }
    const pln_idx m = pln_network_n_edges(x->net);
    const pln_network_desc *nw = &x->d.network;
    const pln_dof dof = x->d.learning.rule.dof;
    for (pln_idx k = 0; k < n; k++) {
        const bool rest = dof == PLN_DOF_REST_LENGTH || (dof == PLN_DOF_BOTH && k >= m);
        const pln_edge_init *b = dof == PLN_DOF_RADIUS ? &nw->radius
                                 : rest                ? &nw->rest_length
                                 : x->springs          ? &nw->stiffness
                                                       : &nw->conductance;
        const char *what = dof == PLN_DOF_RADIUS ? "radius"
                           : rest                ? "rest length"
                           : x->springs          ? "stiffness"
                                                 : "conductance";
        const double v = theta[k];
        if (!isfinite(v) || v < b->min || v > b->max) {
            return pln_i_error(x->ctx, PLN_EINVAL, __FILE__, __LINE__, -1, k % m, NULL,
                               "theta[%" PRId64 "] = %g (the %s of edge %" PRId64 ") is %s",
                               (int64_t)k, v, what, (int64_t)(k % m),
                               isfinite(v) ? "outside its bounds" : "not finite");
        }
    }
    /* The learner's own copy is the state to return to should the network refuse. */
    double *old = NULL;
    PLN_ALLOC(x->ctx, old, nth);
    memcpy(old, pln_learner_theta(x->learner), (size_t)nth * sizeof *old);
    pln_status st = pln_learner_set_theta(x->learner, theta);
    if (st != PLN_OK) {
        pln_error saved = *pln_ctx_last_error(x->ctx);
        (void)pln_learner_set_theta(x->learner, old);
        x->ctx->err = saved;
    }
    pln_i_free(old);
    return st;
}
