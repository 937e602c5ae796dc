/* learner.c — the contrastive trainer and the TCL loop behind one operations table. */
#include "pln_learner.h"
#include "pln_internal.h"

struct pln_learner_type {
    const char *name;
    void (*destroy)(void *impl);
    pln_status (*step)(void *impl);
    pln_status (*evaluate)(void *impl, pln_split split, pln_metrics *m);
    pln_status (*outputs)(void *impl, pln_split split, double *o);
    int64_t (*steps)(const void *impl);
    pln_idx (*n_theta)(const void *impl);
    const double *(*theta)(const void *impl);
    pln_status (*set_theta)(void *impl, const double *theta);
    const pln_ledger *(*ledger)(const void *impl);
    size_t (*state_size)(const void *impl);
    pln_status (*state_save)(const void *impl, void *buf, size_t size);
    pln_status (*state_load)(void *impl, const void *buf, size_t size);
};

struct pln_learner {
    const pln_learner_type *type;
    void *impl;
    pln_ctx *ctx;
    unsigned char *undo; /* the state before the step in progress (see pln_learner_step) */
    size_t undo_size;
};

/* ------------------------------------------------------------------ contrastive */

static void tr_destroy(void *p) { pln_trainer_destroy(p); }
static pln_status tr_step(void *p) { return pln_trainer_step(p); }
static pln_status tr_evaluate(void *p, pln_split s, pln_metrics *m)
{
    return pln_trainer_evaluate(p, s, m);
}
static pln_status tr_outputs(void *p, pln_split s, double *o) { return pln_trainer_outputs(p, s, o); }
static int64_t tr_steps(const void *p) { return pln_trainer_steps(p); }
static pln_idx tr_n_theta(const void *p) { return pln_trainer_n_theta(p); }
static const double *tr_theta(const void *p) { return pln_trainer_theta(p); }
static pln_status tr_set_theta(void *p, const double *t) { return pln_trainer_set_theta(p, t); }
static const pln_ledger *tr_ledger(const void *p) { return pln_trainer_ledger(p); }
static size_t tr_state_size(const void *p) { return pln_trainer_state_size(p); }
static pln_status tr_save(const void *p, void *b, size_t n) { return pln_trainer_state_save(p, b, n); }
static pln_status tr_load(void *p, const void *b, size_t n) { return pln_trainer_state_load(p, b, n); }

static const pln_learner_type contrastive_type = {
    "contrastive", tr_destroy, tr_step, tr_evaluate, tr_outputs, tr_steps, tr_n_theta,
    tr_theta, tr_set_theta, tr_ledger, tr_state_size, tr_save, tr_load};
const pln_learner_type *const pln_learner_contrastive = &contrastive_type;

/* ------------------------------------------------------------------ temporal */

static void tcl_destroy(void *p) { pln_tcl_destroy(p); }
static pln_status tcl_step(void *p) { return pln_tcl_period(p); }
static pln_status tcl_evaluate(void *p, pln_split s, pln_metrics *m)
{
    return pln_tcl_evaluate(p, s, m);
}
static pln_status tcl_outputs(void *p, pln_split s, double *o) { return pln_tcl_outputs(p, s, o); }
static int64_t tcl_steps(const void *p) { return pln_tcl_periods(p); }
static pln_idx tcl_n_theta(const void *p) { return pln_tcl_n_theta(p); }
static const double *tcl_theta(const void *p) { return pln_tcl_theta(p); }
static pln_status tcl_set_theta(void *p, const double *t) { return pln_tcl_set_theta(p, t); }
static const pln_ledger *tcl_ledger(const void *p) { return pln_tcl_ledger(p); }
static size_t tcl_state_size(const void *p) { return pln_tcl_state_size(p); }
static pln_status tcl_save(const void *p, void *b, size_t n) { return pln_tcl_state_save(p, b, n); }
static pln_status tcl_load(void *p, const void *b, size_t n) { return pln_tcl_state_load(p, b, n); }

static const pln_learner_type temporal_type = {
    "temporal", tcl_destroy, tcl_step, tcl_evaluate, tcl_outputs, tcl_steps, tcl_n_theta,
    tcl_theta, tcl_set_theta, tcl_ledger, tcl_state_size, tcl_save, tcl_load};
const pln_learner_type *const pln_learner_temporal = &temporal_type;

/* ------------------------------------------------------------------ the interface */

const char *pln_learner_type_name(const pln_learner_type *type)
{
    return type != NULL ? type->name : "?";
}

static pln_status wrap(pln_ctx *ctx, const pln_learner_type *type, void *impl, pln_learner **out)
{
    pln_learner *l = pln_i_calloc(1, sizeof *l);
    if (l == NULL) {
        type->destroy(impl);
        PLN_FAIL(ctx, PLN_ENOMEM, "out of memory (learner)");
    }
    l->type = type;
    l->impl = impl;
    l->ctx = ctx;
    *out = l;
    return PLN_OK;
}

pln_status pln_learner_create_contrastive(pln_ctx *ctx, pln_network *net, pln_states *states,
                                          const pln_task *task, const pln_trainer_options *opts,
                                          pln_learner **out)
{
    *out = NULL;
    pln_trainer *tr = NULL;
    PLN_TRY(pln_trainer_create(ctx, net, states, task, opts, &tr));
    return wrap(ctx, pln_learner_contrastive, tr, out);
}

pln_status pln_learner_create_temporal(pln_ctx *ctx, pln_network *net, pln_states *states,
                                       const pln_task *task, const pln_tcl_options *opts,
                                       pln_learner **out)
{
    *out = NULL;
    pln_tcl *tr = NULL;
    PLN_TRY(pln_tcl_create(ctx, net, states, task, opts, &tr));
    return wrap(ctx, pln_learner_temporal, tr, out);
}

void pln_learner_destroy(pln_learner *l)
{
    if (l == NULL) {
        return;
    }
    l->type->destroy(l->impl);
    pln_i_free(l->undo);
    pln_i_free(l);
}

const pln_learner_type *pln_learner_get_type(const pln_learner *l) { return l->type; }
pln_trainer *pln_learner_trainer(pln_learner *l)
{
    return l->type == pln_learner_contrastive ? l->impl : NULL;
}
pln_tcl *pln_learner_tcl(pln_learner *l)
{
    return l->type == pln_learner_temporal ? l->impl : NULL;
}
/* A step asks the progress callback inside its long loops (the time steps of a protocol
 * period, Newton iterations), so a stop request is answered within one time step rather than
 * one whole period. A step so stopped is undone: the state saved before it is loaded back, and
 * the learner stands exactly where it stood (its checkpoint resumes bit for bit). The copy is
 * taken only when a callback is set; its buffer is kept from one step to the next. */
pln_status pln_learner_step(pln_learner *l)
{
    if (l->ctx == NULL || l->ctx->progress == NULL) {
        return l->type->step(l->impl);
    }
    const size_t n = l->type->state_size(l->impl);
    if (n != l->undo_size) {
        pln_i_free(l->undo);
        l->undo_size = 0;
        l->undo = pln_i_malloc(n > 0 ? n : 1);
        if (l->undo == NULL) {
            PLN_FAIL(l->ctx, PLN_ENOMEM, "out of memory (%zu bytes for the state before a step)",
                     n);
        }
        l->undo_size = n;
    }
    PLN_TRY(l->type->state_save(l->impl, l->undo, n));
    pln_status st = l->type->step(l->impl);
    if (st == PLN_EINTERRUPTED) {
        pln_error kept = *pln_ctx_last_error(l->ctx);
        PLN_TRY(l->type->state_load(l->impl, l->undo, n));
        l->ctx->err = kept;
    }
    return st;
}
pln_status pln_learner_evaluate(pln_learner *l, pln_split split, pln_metrics *m)
{
    return l->type->evaluate(l->impl, split, m);
}
pln_status pln_learner_outputs(pln_learner *l, pln_split split, double *o)
{
    return l->type->outputs(l->impl, split, o);
}
int64_t pln_learner_steps(const pln_learner *l) { return l->type->steps(l->impl); }
pln_idx pln_learner_n_theta(const pln_learner *l) { return l->type->n_theta(l->impl); }
const double *pln_learner_theta(const pln_learner *l) { return l->type->theta(l->impl); }
pln_status pln_learner_set_theta(pln_learner *l, const double *theta)
{
    return l->type->set_theta(l->impl, theta);
}
const pln_ledger *pln_learner_ledger(const pln_learner *l) { return l->type->ledger(l->impl); }
size_t pln_learner_state_size(const pln_learner *l) { return l->type->state_size(l->impl); }
pln_status pln_learner_state_save(const pln_learner *l, void *buf, size_t size)
{
    return l->type->state_save(l->impl, buf, size);
}
pln_status pln_learner_state_load(pln_learner *l, const void *buf, size_t size)
{
    return l->type->state_load(l->impl, buf, size);
}
