/* tcl.c — the TCL loop of SPEC 4: state at eta(t), memories, g, updates, ledger, checkpoints. */
#include "learning_impl.h"
#include "tcl_impl.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>

/* How the state at eta(t) is found. */
typedef enum tcl_mode {
    /* Resistor and flow: x(eta) = x^F + eta (x^C - x^F); signal dp^2, heat = power x time. */
    TCL_RESISTIVE = 0,
    /* spring_linear: the same affine path (its energy is quadratic and its outputs linear);
     * signal of the extension, heat of releasing the clamp (see state_energy). */
    TCL_SPRING_LINEAR = 1,
    /* spring: x(eta) by a Newton solve per time step, started from the last step's state. */
    TCL_SPRING = 2
} tcl_mode;

struct pln_tcl {
    pln_ctx *ctx;
    pln_network *net;
    pln_states *st;
    const pln_task *task;
    pln_tcl_options o;
    tcl_mode mode;
    pln_param param;      /* the signal of theta: k, or the rest length */
    int sd;               /* values per node in a state: 1, or d for springs */
    pln_idx n, nd, m, n_in, n_out, n_dir, n_src, n_train;
    pln_idx *in_slot;     /* per input: Dirichlet value index (x sd + axis) or source index */
    double *dir_buf, *src_buf; /* the current example's boundary values */
    double *edir_buf, *esrc_buf; /* evaluation's */
    pln_bc_values bc, ebc;
    double *pF, *pC;      /* free state and fully clamped state (o^C = T), nd each */
    double *oF, *oC, *oc, *targets;
    double *dpF, *dd;     /* edge drops (extensions) of x^F and x^C - x^F: dp(eta) = dpF + eta dd */
    double *s, *s_last, *u, *acc, *ds;
    double *theta, *theta_new, *dtheta;
    double *p_now;        /* trace and evaluation scratch, nd */
    /* TCL_SPRING: the state at eta x_eta (x_valid: an equilibrium of the current theta and
     * example), the start of the next Newton solve. pF_current: pF is the free state of the
     * current theta. */
    double *x_cur;
    double x_eta;
    int x_valid, pF_current;
    /* Springs: Phi = E - f.u of the free and fully clamped states (TCL_SPRING_LINEAR), and
     * eta and Phi (or resistors: power) of the last time step, for the heat of a release. */
    double phiF, phiC, eta_prev, e_prev;
    pln_memory *mem;
    pln_rng rng;
    pln_ledger ledger;
    int64_t periods, steps, since_refresh;
    double time;
    pln_idx example;
    int started;          /* the memories have seen a signal */
    int stale;            /* theta or the example changed since the state was computed */
    int have_free;        /* a free state exists to warm-start the next one (springs) */
    pln_tcl_trace_fn trace;
    void *trace_user;
};

void pln_tcl_options_default(pln_tcl_options *o)
{
    pln_protocol_options_default(&o->protocol);
    pln_memory_options_default(&o->memory);
    pln_nonlinearity_default(&o->g);
    o->rate = 0.05;
    o->apply = PLN_APPLY_STEP;
    o->refresh = 1;
    o->dof = PLN_DOF_CONDUCTANCE;
    pln_hardware_default(&o->hardware);
    o->seed = 1;
    o->temperature = 300.0;
    o->resolution = 1e-3;
    pln_energy_units_default(&o->units);
}

pln_status pln_tcl_options_check(pln_ctx *ctx, const pln_tcl_options *o)
{
    PLN_TRY(pln_protocol_options_check(ctx, &o->protocol));
    PLN_TRY(pln_memory_options_check(ctx, &o->memory));
    PLN_TRY(pln_hardware_check(ctx, &o->hardware));
    if ((int)o->g.kind < 0 || (int)o->g.kind > (int)PLN_NONLIN_LINEAR ||
        !(o->g.theta >= 0.0) || (o->g.kind == PLN_NONLIN_CUBIC && !(o->g.theta > 0.0))) {
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "protocol.nonlinearity.theta",
                     "bad nonlinearity (kind %d, theta %g; cubic needs theta > 0)",
                     (int)o->g.kind, o->g.theta);
    }
    if (!(isfinite(o->rate) && o->rate >= 0.0)) {
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "learning.rate", "rate must be finite and >= 0, got %g",
                     o->rate);
    }
    if (o->apply != PLN_APPLY_STEP && o->apply != PLN_APPLY_PERIOD) {
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "protocol.apply", "unknown apply %d", (int)o->apply);
    }
    if (o->refresh < 1) {
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "protocol.refresh", "refresh must be >= 1, got %" PRId64,
                     (int64_t)o->refresh);
    }
    if (o->dof != PLN_DOF_CONDUCTANCE && o->dof != PLN_DOF_REST_LENGTH) {
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "learning.dof",
                     "rule: temporal learns a conductance, a stiffness or a rest length, not "
                     "the dof %d", (int)o->dof);
    }
    PLN_TRY(pln_i_energy_units_check(ctx, o->temperature, &o->units));
    if (!(o->temperature >= 0.0) || !(o->resolution > 0.0)) {
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "energy.resolution",
                     "need temperature >= 0 and resolution > 0 (got %g, %g)", o->temperature,
                     o->resolution);
    }
    return PLN_OK;
}

void pln_tcl_destroy(pln_tcl *tr)
{
    if (tr == NULL) {
        return;
    }
    void *a[] = {tr->in_slot, tr->dir_buf, tr->src_buf, tr->edir_buf, tr->esrc_buf,
                 tr->pF,      tr->pC,      tr->oF,      tr->oC,       tr->oc,
                 tr->targets, tr->dpF,     tr->dd,      tr->s,        tr->s_last,
                 tr->u,       tr->acc,     tr->ds,      tr->theta,    tr->theta_new,
                 tr->dtheta,  tr->p_now,   tr->x_cur};
    for (size_t k = 0; k < sizeof a / sizeof a[0]; k++) {
        pln_i_free(a[k]);
    }
    pln_memory_destroy(tr->mem);
    pln_i_free(tr);
}

static void load_example(pln_tcl *tr, double *dir, double *src, double *targets, pln_split split,
                         pln_idx i)
{
    const double *x = pln_task_example_inputs(tr->task, split, i);
    const pln_input *in = pln_task_inputs(tr->task);
    for (pln_idx j = 0; j < tr->n_in; j++) {
        if (in[j].kind != PLN_IN_EDGE) {
            dir[tr->in_slot[j]] = x[j];
        } else {
            src[tr->in_slot[j]] = x[j];
        }
    }
    if (targets != NULL) {
        memcpy(targets, pln_task_example_targets(tr->task, split, i),
               (size_t)tr->n_out * sizeof *targets);
    }
}

/* Springs: a free solve of the training example from pF, so that the states object holds the
 * example's strains and forces again (a spring clamp uses those of the last free solve; an
 * evaluation or a fresh object has others). The positions are discarded. */
static pln_status restore_columns(pln_tcl *tr)
{
    PLN_TRY(pln_states_set_warm(tr->st, 1, tr->have_free ? tr->pF : NULL));
    return pln_states_free(tr->st, 1, &tr->bc, tr->p_now, NULL);
}

/* Free state of the current example with the current theta; unless the spring is nonlinear,
 * also the fully clamped state (o^C = T): x(eta) = x^F + eta (x^C - x^F), since
 * o^C(eta) = o^F + eta (T - o^F). Springs start Newton from the last free state (pF is
 * checkpointed, so a resumed run repeats the same iterations). */
static pln_status refresh_state(pln_tcl *tr)
{
    if (tr->sd > 1) {
        PLN_TRY(pln_states_set_warm(tr->st, 1, tr->have_free ? tr->pF : NULL));
    }
    PLN_TRY(pln_states_free(tr->st, 1, &tr->bc, tr->pF, tr->oF));
    tr->have_free = 1;
    tr->pF_current = 1;
    if (tr->mode != TCL_SPRING) {
        PLN_TRY(pln_states_clamp(tr->st, 1, tr->pF, tr->oF, tr->targets, tr->pC, tr->oC));
        pln_network_edge_drops(tr->net, tr->pF, tr->dpF);
        pln_network_edge_drops(tr->net, tr->pC, tr->dd);
        for (pln_idx e = 0; e < tr->m; e++) {
            tr->dd[e] -= tr->dpF[e];
        }
        if (tr->mode == TCL_SPRING_LINEAR) {
            tr->phiF = pln_network_spring_gradient(tr->net, tr->pF, NULL, NULL);
            tr->phiC = pln_network_spring_gradient(tr->net, tr->pC, NULL, NULL);
        }
    }
    tr->stale = 0;
    tr->since_refresh = 0;
    return PLN_OK;
}

/* The state at eta: signals s (m values) and its energy, the power sum_e k_e dp_e^2
 * (resistive) or Phi = E - f.u (springs).
 * Affine modes: O(m) from the edge drops of x^F and x^C - x^F. spring_linear: its
 * extensions are linear in x, so they are affine in eta, and Phi(eta) = Phi^F +
 * eta^2 (Phi^C - Phi^F) exactly (x^F minimises Phi, and x^C - x^F keeps the imposed strains,
 * so the term linear in eta vanishes).
 * spring: one constrained Newton solve at o^C = o^F + eta (T - o^F) started from the state of
 * the last time step (close to the answer, so one or two iterations); none when eta and theta
 * are those of that state, and x^F itself at eta = 0. */
static pln_status state_at(pln_tcl *tr, double eta, double *s, double *energy)
{
    const pln_idx m = tr->m;
    if (tr->mode == TCL_RESISTIVE) {
        const double *k = pln_network_conductances(tr->net);
        double P = 0.0;
        for (pln_idx e = 0; e < m; e++) {
            double dp = tr->dpF[e] + eta * tr->dd[e];
            s[e] = dp * dp;
            P += k[e] * s[e];
        }
        *energy = P;
        return PLN_OK;
    }
    if (tr->mode == TCL_SPRING_LINEAR) {
        if (tr->param == PLN_PARAM_K) {
            for (pln_idx e = 0; e < m; e++) {
                double x = tr->dpF[e] + eta * tr->dd[e];
                s[e] = 0.5 * x * x;
            }
        } else {
            const double *k = pln_network_conductances(tr->net);
            for (pln_idx e = 0; e < m; e++) {
                s[e] = -k[e] * (tr->dpF[e] + eta * tr->dd[e]);
            }
        }
        *energy = tr->phiF + eta * eta * (tr->phiC - tr->phiF);
        return PLN_OK;
    }
    if (!(tr->x_valid && eta == tr->x_eta)) {
        if (eta == 0.0 && tr->pF_current) {
            memcpy(tr->x_cur, tr->pF, (size_t)tr->nd * sizeof *tr->x_cur);
        } else {
            for (pln_idx j = 0; j < tr->n_out; j++) {
                tr->oc[j] = tr->oF[j] + eta * (tr->targets[j] - tr->oF[j]);
            }
            PLN_TRY(pln_states_clamp(tr->st, 1, tr->x_cur, tr->oF, tr->oc, tr->x_cur, NULL));
        }
        tr->x_eta = eta;
        tr->x_valid = 1;
    }
    pln_network_param_signals(tr->net, tr->param, tr->x_cur, s);
    *energy = pln_network_spring_gradient(tr->net, tr->x_cur, NULL, NULL);
    return PLN_OK;
}

/* Springs' heat of a time step ending at eta with Phi = E (SPEC 5, as pln_rule_energy): a
 * rising clamp is reached slowly (the boundary's work is stored, nothing is lost); a falling
 * one is let go, and the Phi it releases, Phi(before) - Phi(after) >= 0, becomes heat. Over
 * a sawtooth this is Phi(x(eta_max)) - Phi(x^F) per period, the contrastive trainer's heat
 * of one clamped state. */
static double release_heat(pln_tcl *tr, double eta, double E)
{
    double q = (fabs(eta) < fabs(tr->eta_prev) && tr->e_prev > E) ? tr->e_prev - E : 0.0;
    tr->eta_prev = eta;
    tr->e_prev = E;
    return q;
}

/* Springs, after theta was written: Phi of the last step's clamp under the new theta, so that
 * a falling step charges only the release (a write is slow: the stored energy it changes is
 * not heat). spring_linear: from the refreshed Phi^F and Phi^C. */
static void reprice(pln_tcl *tr)
{
    if (tr->mode == TCL_SPRING_LINEAR) {
        tr->e_prev = tr->phiF + tr->eta_prev * tr->eta_prev * (tr->phiC - tr->phiF);
    }
}

/* The same for nonlinear springs, when the next step (to eta) releases the clamp: the
 * equilibrium at the last eta solved again under the new theta (from the last state, one or
 * two Newton iterations). Re-pricing the old positions instead would also charge the
 * relaxation that follows a write. */
static pln_status catch_up(pln_tcl *tr, double eta)
{
    if (tr->mode == TCL_SPRING && !tr->x_valid && fabs(eta) < fabs(tr->eta_prev)) {
        PLN_TRY(state_at(tr, tr->eta_prev, tr->ds, &tr->e_prev));
    }
    return PLN_OK;
}

static void emit_trace(pln_tcl *tr, double eta)
{
    if (tr->trace == NULL) {
        return;
    }
    if (tr->mode == TCL_SPRING) {
        tr->trace(tr->time, eta, tr->x_cur, tr->trace_user);
        return;
    }
    for (pln_idx i = 0; i < tr->nd; i++) {
        tr->p_now[i] = tr->pF[i] + eta * (tr->pC[i] - tr->pF[i]);
    }
    tr->trace(tr->time, eta, tr->p_now, tr->trace_user);
}

/* theta into the network through the setter of its dof, then refactor (springs with theta =
 * rest length: the stiffness matrix does not depend on l, nothing to refactor). */
static pln_status write_theta(pln_tcl *tr, const double *theta)
{
    if (tr->o.dof == PLN_DOF_REST_LENGTH) {
        return pln_network_set_rest_lengths(tr->net, theta);
    }
    PLN_TRY(pln_network_set_conductances(tr->net, theta));
    return pln_states_factor(tr->st);
}

/* Write theta + d theta through the hardware pipeline, refactor; returns the bits written. */
static pln_status write_update(pln_tcl *tr, double *dtheta, double *bits)
{
    pln_hardware_apply(&tr->o.hardware, &tr->rng, tr->m, tr->theta, dtheta, tr->theta_new);
    *bits += pln_ledger_bits(&tr->o.hardware, tr->o.resolution, tr->m, tr->theta, dtheta);
    PLN_TRY(write_theta(tr, tr->theta_new));
    double *t = tr->theta;
    tr->theta = tr->theta_new;
    tr->theta_new = t;
    tr->stale = 1;
    tr->x_valid = 0;
    tr->pF_current = 0;
    return PLN_OK;
}

pln_status pln_tcl_create(pln_ctx *ctx, pln_network *net, pln_states *states,
                          const pln_task *task, const pln_tcl_options *opts, pln_tcl **out)
{
    pln_status st = PLN_OK;
    pln_tcl *tr = NULL;
    PLN_TRY(pln_tcl_options_check(ctx, opts));
    if (pln_states_network(states) != net) {
        PLN_FAIL(ctx, PLN_EINVAL, "the states object was built on another network");
    }
    if (opts->dof == PLN_DOF_REST_LENGTH && pln_network_rest_lengths(net) == NULL) {
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "learning.dof",
                     "the rest length is a degree of freedom of spring networks only (this is %s)",
                     pln_kind_name(pln_network_kind(net)));
    }
    if (pln_task_n_examples(task, PLN_SPLIT_TRAIN) < 1) {
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "task", "the task has no training example");
    }
    if (pln_network_is_nonlinear(net)) {
        /* TODO(#13): TCL on circuits of elements (a Newton solve per time step, as springs). */
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "learning.rule",
                     "rule: temporal is not available on networks of nonlinear elements "
                     "(diodes, transistors, tables): its resistive path assumes states affine "
                     "in the clamp; use a contrastive rule");
    }
    PLN_ALLOC(ctx, tr, 1);
    tr->ctx = ctx;
    tr->net = net;
    tr->st = states;
    tr->task = task;
    tr->o = *opts;
    const pln_kind kind = pln_network_kind(net);
    tr->mode = kind == PLN_KIND_SPRING          ? TCL_SPRING
               : kind == PLN_KIND_SPRING_LINEAR ? TCL_SPRING_LINEAR
                                                : TCL_RESISTIVE;
    tr->param = opts->dof == PLN_DOF_REST_LENGTH ? PLN_PARAM_REST_LENGTH : PLN_PARAM_K;
    tr->sd = pln_network_state_dim(net);
    tr->n = pln_network_n_nodes(net);
    tr->nd = tr->n * tr->sd;
    tr->m = pln_network_n_edges(net);
    tr->n_in = pln_task_n_in(task);
    tr->n_out = pln_task_n_out(task);
    tr->n_train = pln_task_n_examples(task, PLN_SPLIT_TRAIN);
    const pln_boundary *bcs = pln_network_boundary(net);
    tr->n_dir = bcs->n_dirichlet;
    tr->n_src = bcs->n_sources;
    const pln_idx nd = tr->nd, m = tr->m, no = tr->n_out, ndir = tr->n_dir * tr->sd;
    PLN_ALLOC_GOTO(ctx, st, tr->in_slot, tr->n_in);
    PLN_ALLOC_GOTO(ctx, st, tr->dir_buf, ndir);
    PLN_ALLOC_GOTO(ctx, st, tr->src_buf, tr->n_src);
    PLN_ALLOC_GOTO(ctx, st, tr->edir_buf, ndir);
    PLN_ALLOC_GOTO(ctx, st, tr->esrc_buf, tr->n_src);
    PLN_ALLOC_GOTO(ctx, st, tr->pF, nd);
    PLN_ALLOC_GOTO(ctx, st, tr->pC, nd);
    PLN_ALLOC_GOTO(ctx, st, tr->p_now, nd);
    PLN_ALLOC_GOTO(ctx, st, tr->x_cur, nd);
    PLN_ALLOC_GOTO(ctx, st, tr->oF, no);
    PLN_ALLOC_GOTO(ctx, st, tr->oC, no);
    PLN_ALLOC_GOTO(ctx, st, tr->oc, no);
    PLN_ALLOC_GOTO(ctx, st, tr->targets, no);
    double **em[] = {&tr->dpF, &tr->dd,    &tr->s,         &tr->s_last, &tr->u,
                     &tr->acc, &tr->ds,    &tr->theta,     &tr->theta_new, &tr->dtheta};
    for (size_t k = 0; k < sizeof em / sizeof em[0]; k++) {
        PLN_ALLOC_GOTO(ctx, st, *em[k], m);
    }
    PLN_TRY_GOTO(st, pln_i_task_bind(ctx, net, states, task, tr->sd, tr->in_slot));
    const double *dv = pln_network_dirichlet_values(net);
    const double *sv = pln_network_source_values(net);
    for (pln_idx d = 0; d < ndir; d++) {
        tr->dir_buf[d] = tr->edir_buf[d] = dv != NULL ? dv[d] : 0.0;
    }
    for (pln_idx d = 0; d < tr->n_src; d++) {
        tr->src_buf[d] = tr->esrc_buf[d] = sv != NULL ? sv[d] : 0.0;
    }
    tr->bc = (pln_bc_values){tr->n_dir > 0 ? tr->dir_buf : NULL, NULL,
                             tr->n_src > 0 ? tr->src_buf : NULL};
    tr->ebc = (pln_bc_values){tr->n_dir > 0 ? tr->edir_buf : NULL, NULL,
                              tr->n_src > 0 ? tr->esrc_buf : NULL};
    double dt = opts->protocol.dt;
    if (opts->protocol.kind != PLN_PROTO_RANDOM_PHASES) {
        dt = pln_protocol_period(&opts->protocol) /
             (double)pln_protocol_steps_per_period(&opts->protocol);
    }
    PLN_TRY_GOTO(st, pln_memory_create(ctx, &opts->memory, m, dt, &tr->mem));
    pln_rng_seed(&tr->rng, opts->seed);
    pln_ledger_init(&tr->ledger, opts->temperature, opts->resolution);
    pln_ledger_set_units(&tr->ledger, &opts->units);
    pln_ledger_set_memory(&tr->ledger, pln_memory_sigma(tr->mem), m);
    memcpy(tr->theta,
           opts->dof == PLN_DOF_REST_LENGTH ? pln_network_rest_lengths(net)
                                            : pln_network_conductances(net),
           (size_t)m * sizeof *tr->theta);
    PLN_TRY_GOTO(st, pln_states_factor(states));
    load_example(tr, tr->dir_buf, tr->src_buf, tr->targets, PLN_SPLIT_TRAIN, 0);
    /* Warm-up: the solver allocates its workspaces on first use; periods allocate nothing. */
    PLN_TRY_GOTO(st, refresh_state(tr));
    memcpy(tr->x_cur, tr->pF, (size_t)nd * sizeof *tr->x_cur);
    if (tr->mode == TCL_SPRING) {
        /* a clamp solves more right-hand sides than a free state: warm those up too */
        for (pln_idx j = 0; j < no; j++) {
            tr->oc[j] = tr->oF[j] + opts->protocol.eta_max * (tr->targets[j] - tr->oF[j]);
        }
        memcpy(tr->p_now, tr->pF, (size_t)nd * sizeof *tr->p_now);
        PLN_TRY_GOTO(st, pln_states_clamp(states, 1, tr->p_now, tr->oF, tr->oc, tr->p_now, NULL));
    }
    tr->x_eta = 0.0;
    tr->x_valid = 1;
    tr->eta_prev = 0.0;
    PLN_TRY_GOTO(st, state_at(tr, 0.0, tr->s, &tr->e_prev));
    tr->stale = 1;
    *out = tr;
    tr = NULL;
done:
    pln_tcl_destroy(tr);
    return st;
}

/* Start of a period: pick the example, bring the state up to date, and keep the memories
 * continuous across a write made at the end of the last period (treated as slow on the
 * memories' time scale: they are shifted to the new free signal). */
static pln_status begin_period(pln_tcl *tr)
{
    bool changed = false;
    if (tr->n_train > 1) {
        pln_idx i = pln_rng_index(&tr->rng, tr->n_train);
        if (i != tr->example) {
            tr->example = i;
            load_example(tr, tr->dir_buf, tr->src_buf, tr->targets, PLN_SPLIT_TRAIN, i);
            tr->stale = 1;
            changed = true;
        }
    }
    if (tr->stale) {
        PLN_TRY(refresh_state(tr));
        if (changed) {
            /* a new example starts from its free state; nothing is charged for the switch */
            memcpy(tr->x_cur, tr->pF, (size_t)tr->nd * sizeof *tr->x_cur);
            tr->x_eta = 0.0;
            tr->x_valid = 1;
            tr->eta_prev = 0.0;
        }
        reprice(tr);
        PLN_TRY(catch_up(tr, 0.0));
        double e0;
        PLN_TRY(state_at(tr, 0.0, tr->s, &e0));
        if (changed) {
            tr->e_prev = e0;
        }
        if (!tr->started) {
            pln_memory_reset(tr->mem, tr->s);
            tr->started = 1;
        } else {
            for (pln_idx e = 0; e < tr->m; e++) {
                tr->ds[e] = tr->s[e] - tr->s_last[e];
            }
            pln_memory_shift(tr->mem, tr->ds);
        }
        memcpy(tr->s_last, tr->s, (size_t)tr->m * sizeof *tr->s);
    }
    return PLN_OK;
}

static pln_status step_write(pln_tcl *tr, double *bits)
{
    PLN_TRY(write_update(tr, tr->dtheta, bits));
    tr->since_refresh++;
    if (tr->since_refresh >= tr->o.refresh) {
        PLN_TRY(refresh_state(tr));
    }
    reprice(tr);
    return PLN_OK;
}

static pln_status periodic(pln_tcl *tr, double *joule, double *bits, double *duration)
{
    const pln_protocol_options *po = &tr->o.protocol;
    pln_idx N = pln_protocol_steps_per_period(po);
    double T = pln_protocol_period(po), h = T / (double)N;
    double sign = (po->kind == PLN_PROTO_SAWTOOTH && po->reverse) ? 1.0 : -1.0;
    double a = tr->o.rate;
    bool two = po->kind == PLN_PROTO_TWO_PHASE;
    bool per_step = tr->o.apply == PLN_APPLY_STEP && !two;
    bool resistive = tr->mode == TCL_RESISTIVE;
    double P_prev;
    PLN_TRY(state_at(tr, 0.0, tr->s, &P_prev));
    tr->eta_prev = 0.0;
    tr->e_prev = P_prev;
    memset(tr->acc, 0, (size_t)tr->m * sizeof *tr->acc);
    for (pln_idx i = 1; i <= N; i++) {
        PLN_TRY(pln_i_progress(tr->ctx, (double)i / (double)N, "a protocol period"));
        double t = (double)i * h;
        double eta = i == N ? 0.0 : pln_protocol_eta(po, t);
        double P;
        PLN_TRY(catch_up(tr, eta));
        PLN_TRY(state_at(tr, eta, tr->s, &P));
        *joule += resistive ? 0.5 * h * (P_prev + P) : release_heat(tr, eta, P);
        P_prev = P;
        tr->time += h;
        tr->steps++;
        emit_trace(tr, eta);
        memcpy(tr->s_last, tr->s, (size_t)tr->m * sizeof *tr->s);
        if (two) {
            if (eta == po->eta_max) { /* the explicit memory keeps s^C */
                memcpy(tr->ds, tr->s, (size_t)tr->m * sizeof *tr->s);
            }
            continue;
        }
        pln_memory_step(tr->mem, tr->s, tr->u);
        for (pln_idx e = 0; e < tr->m; e++) {
            double d = sign * a * pln_nonlinearity_apply(&tr->o.g, tr->u[e]) * h;
            if (per_step) {
                tr->dtheta[e] = d;
            } else {
                tr->acc[e] += d;
            }
        }
        if (per_step) {
            PLN_TRY(step_write(tr, bits));
            if (resistive) {
                PLN_TRY(state_at(tr, eta, tr->s, &P_prev));
                /* The memory follows the protocol, not its own writes: the change of s that
                 * the write caused at this very eta shifts the memory's history, as the
                 * period's write does in apply: period. Fed to the memory instead, it closes
                 * a loop u -> d theta -> s -> u of gain alpha |ds_e/d theta_e| (a derivative
                 * memory sees it whole), which diverges once that gain passes 1. */
                for (pln_idx e = 0; e < tr->m; e++) {
                    tr->ds[e] = tr->s[e] - tr->s_last[e];
                }
                pln_memory_shift(tr->mem, tr->ds);
                memcpy(tr->s_last, tr->s, (size_t)tr->m * sizeof *tr->s);
            }
        }
    }
    if (two) {
        /* Explicit memory: s^F (the last step, at eta = 0) against s^C at eta_max. */
        for (pln_idx e = 0; e < tr->m; e++) {
            tr->acc[e] = -a * (tr->ds[e] - tr->s[e]);
        }
    }
    if (!per_step) {
        memcpy(tr->dtheta, tr->acc, (size_t)tr->m * sizeof *tr->dtheta);
        PLN_TRY(write_update(tr, tr->dtheta, bits));
        reprice(tr);
    }
    *duration = T;
    return PLN_OK;
}

static pln_status random_phase(pln_tcl *tr, double *joule, double *bits, double *duration)
{
    const pln_protocol_options *po = &tr->o.protocol;
    bool clamped = pln_rng_uniform(&tr->rng) < po->p_clamped;
    double d = pln_protocol_draw_phase(po, &tr->rng, clamped);
    double eta = clamped ? po->eta_max : 0.0;
    /* Williams et al.'s importance weights: the expected update per phase is the coupled one. */
    double c = clamped ? -tr->o.rate / (po->eta_max * po->p_clamped * po->mean_clamped)
                       : tr->o.rate / (po->eta_max * (1.0 - po->p_clamped) * po->mean_free);
    bool per_step = tr->o.apply == PLN_APPLY_STEP;
    bool resistive = tr->mode == TCL_RESISTIVE;
    memset(tr->acc, 0, (size_t)tr->m * sizeof *tr->acc);
    double left = d;
    while (left > 0.0) {
        PLN_TRY(pln_i_progress(tr->ctx, 1.0 - left / d, "a protocol phase"));
        double h = left < po->dt * (1.0 + 1e-12) ? left : po->dt;
        left -= h;
        if (left < 1e-12 * po->dt) {
            left = 0.0;
        }
        double P;
        PLN_TRY(catch_up(tr, eta));
        PLN_TRY(state_at(tr, eta, tr->s, &P));
        *joule += resistive ? P * h : release_heat(tr, eta, P);
        tr->time += h;
        tr->steps++;
        emit_trace(tr, eta);
        for (pln_idx e = 0; e < tr->m; e++) {
            double u = c * tr->s[e] * h;
            if (per_step) {
                tr->dtheta[e] = u;
            } else {
                tr->acc[e] += u;
            }
        }
        if (per_step) {
            PLN_TRY(step_write(tr, bits));
        }
    }
    memcpy(tr->s_last, tr->s, (size_t)tr->m * sizeof *tr->s);
    if (!per_step) {
        memcpy(tr->dtheta, tr->acc, (size_t)tr->m * sizeof *tr->dtheta);
        PLN_TRY(write_update(tr, tr->dtheta, bits));
        reprice(tr);
    }
    *duration = d;
    return PLN_OK;
}

/* Power of the free state, sum_e k_e dp_e^2 at eta = 0, from the edge drops of x^F
 * (resistor and flow); springs dissipate nothing at rest: 0. */
static double free_power(const pln_tcl *tr)
{
    if (tr->mode != TCL_RESISTIVE) {
        return 0.0;
    }
    const double *k = pln_network_conductances(tr->net);
    double P = 0.0;
    for (pln_idx e = 0; e < tr->m; e++) {
        P += k[e] * (tr->dpF[e] * tr->dpF[e]);
    }
    return P;
}

pln_status pln_tcl_period(pln_tcl *tr)
{
    PLN_TRY(begin_period(tr));
    /* begin_period left x^F exact for the current theta and example (a write always marks
     * the state stale, and a stale state is refreshed here). */
    const double power_free = free_power(tr);
    double joule = 0.0, bits = 0.0, duration = 0.0;
    if (tr->o.protocol.kind == PLN_PROTO_RANDOM_PHASES) {
        PLN_TRY(random_phase(tr, &joule, &bits, &duration));
    } else {
        PLN_TRY(periodic(tr, &joule, &bits, &duration));
    }
    pln_ledger_record_time(&tr->ledger, joule, bits, duration);
    tr->ledger.power_free = power_free;
    tr->ledger.power_clamped = duration > 0.0 ? joule / duration : 0.0;
    tr->periods++;
    return PLN_OK;
}

pln_status pln_tcl_evaluate(pln_tcl *tr, pln_split split, pln_metrics *met)
{
    pln_idx ne = pln_task_n_examples(tr->task, split);
    bool classify = pln_task_get_kind(tr->task) == PLN_TASK_CLASSIFICATION;
    double loss = 0.0;
    pln_idx right = 0;
    /* pF/oF of the current period stay intact: p_now and oC serve as scratch. Springs start
     * every solve from pF, so an evaluation never depends on the one before it. */
    for (pln_idx i = 0; i < ne; i++) {
        load_example(tr, tr->edir_buf, tr->esrc_buf, NULL, split, i);
        if (tr->sd > 1) {
            PLN_TRY(pln_states_set_warm(tr->st, 1, tr->have_free ? tr->pF : NULL));
        }
        PLN_TRY(pln_states_free(tr->st, 1, &tr->ebc, tr->p_now, tr->oC));
        const double *t = pln_task_example_targets(tr->task, split, i);
        double c = 0.0;
        for (pln_idx j = 0; j < tr->n_out; j++) {
            c += 0.5 * (tr->oC[j] - t[j]) * (tr->oC[j] - t[j]);
        }
        loss += c;
        if (classify && pln_task_predict(tr->task, tr->oC) ==
                            pln_task_example_label(tr->task, split, i)) {
            right++;
        }
    }
    if (tr->mode == TCL_SPRING && ne > 0) {
        PLN_TRY(restore_columns(tr));
    }
    met->n = ne;
    met->loss = ne > 0 ? loss / (double)ne : NAN;
    met->accuracy = (classify && ne > 0) ? (double)right / (double)ne : NAN;
    met->error = classify ? 1.0 - met->accuracy : met->loss;
    return PLN_OK;
}

pln_status pln_tcl_outputs(pln_tcl *tr, pln_split split, double *o)
{
    pln_idx ne = pln_task_n_examples(tr->task, split);
    /* as pln_tcl_evaluate: pF/oF of the current period stay intact, p_now is scratch */
    for (pln_idx i = 0; i < ne; i++) {
        load_example(tr, tr->edir_buf, tr->esrc_buf, NULL, split, i);
        if (tr->sd > 1) {
            PLN_TRY(pln_states_set_warm(tr->st, 1, tr->have_free ? tr->pF : NULL));
        }
        PLN_TRY(pln_states_free(tr->st, 1, &tr->ebc, tr->p_now, o + i * tr->n_out));
    }
    if (tr->mode == TCL_SPRING && ne > 0) {
        PLN_TRY(restore_columns(tr));
    }
    return PLN_OK;
}

int64_t pln_tcl_periods(const pln_tcl *tr) { return tr->periods; }
double pln_tcl_time(const pln_tcl *tr) { return tr->time; }
int64_t pln_tcl_time_steps(const pln_tcl *tr) { return tr->steps; }
const double *pln_tcl_theta(const pln_tcl *tr) { return tr->theta; }
pln_idx pln_tcl_n_theta(const pln_tcl *tr) { return tr->m; }

pln_status pln_tcl_set_theta(pln_tcl *tr, const double *theta)
{
    PLN_TRY(write_theta(tr, theta));
    memcpy(tr->theta, theta, (size_t)tr->m * sizeof *tr->theta);
    /* As after an update: the state of the old theta is stale. */
    tr->stale = 1;
    tr->x_valid = 0;
    tr->pF_current = 0;
    return PLN_OK;
}
const pln_ledger *pln_tcl_ledger(const pln_tcl *tr) { return &tr->ledger; }
double pln_tcl_memory_sigma(const pln_tcl *tr) { return pln_memory_sigma(tr->mem); }

void pln_tcl_set_trace(pln_tcl *tr, pln_tcl_trace_fn fn, void *user)
{
    tr->trace = fn;
    tr->trace_user = user;
}

/* ------------------------------------------------------------------ checkpoints
 * Layout (native byte order): magic "PLNTCL01"; int64 m, n, periods, steps, since_refresh,
 * example, started, stale, rng.has_spare; double time; rng s[4] (uint64);
 * rng spare; the ledger (ledger.c's codec); theta, dpF, dd, s_last (m each); pF, pC (n x state_dim
 * each); targets (n_out); the memory state. Spring networks then add: int64 dof, x_valid,
 * pF_current, have_free; double x_eta, phiF, phiC, eta_prev, e_prev; x_cur (n x d) — pF and
 * x_cur are where the next Newton solves start, so a resumed run repeats them bit for bit.
 * Last, the solver's kept factor and refactor counters (pln_solver_state_save; nothing under
 * refactor: always). */

static const char tcl_magic[8] = {'P', 'L', 'N', 'T', 'C', 'L', '0', '2'};
#define TCL_NI 9
#define TCL_SPRING_NI 4
#define TCL_SPRING_ND 5

static size_t spring_block_size(const pln_tcl *tr)
{
    return tr->sd > 1 ? (size_t)(TCL_SPRING_NI + TCL_SPRING_ND + tr->nd) * 8 : 0;
}

size_t pln_tcl_state_size(const pln_tcl *tr)
{
    return 8 + TCL_NI * 8 + 8 + 4 * 8 + 8 + pln_i_ledger_state_size() +
           (size_t)(4 * tr->m + 2 * tr->nd + tr->n_out) * 8 + pln_memory_state_size(tr->mem) +
           spring_block_size(tr) + pln_solver_state_size(pln_states_solver(tr->st));
}

static unsigned char *put(unsigned char *p, const void *v, size_t n)
{
    if (n > 0) {
        memcpy(p, v, n);
    }
    return p + n;
}
static const unsigned char *get(const unsigned char *p, void *v, size_t n)
{
    if (n > 0) {
        memcpy(v, p, n);
    }
    return p + n;
}

pln_status pln_tcl_state_save(const pln_tcl *tr, void *buf, size_t size)
{
    if (size < pln_tcl_state_size(tr)) {
        PLN_FAIL(tr->ctx, PLN_EDIM, "checkpoint buffer of %zu bytes, need %zu", size,
                 pln_tcl_state_size(tr));
    }
    unsigned char *p = buf;
    int64_t hdr[TCL_NI] = {(int64_t)tr->m,   (int64_t)tr->n,      tr->periods,
                           tr->steps,        tr->since_refresh,   (int64_t)tr->example,
                           tr->started,      tr->stale,           tr->rng.has_spare};
    p = put(p, tcl_magic, 8);
    p = put(p, hdr, sizeof hdr);
    p = put(p, &tr->time, 8);
    p = put(p, tr->rng.s, sizeof tr->rng.s);
    p = put(p, &tr->rng.spare_normal, 8);
    p = pln_i_ledger_state_put(&tr->ledger, p);
    size_t mb = (size_t)tr->m * 8, xb = (size_t)tr->nd * 8;
    p = put(p, tr->theta, mb);
    p = put(p, tr->dpF, mb);
    p = put(p, tr->dd, mb);
    p = put(p, tr->s_last, mb);
    p = put(p, tr->pF, xb);
    p = put(p, tr->pC, xb);
    p = put(p, tr->targets, (size_t)tr->n_out * 8);
    pln_memory_state_save(tr->mem, p);
    p += pln_memory_state_size(tr->mem);
    if (tr->sd > 1) {
        int64_t si[TCL_SPRING_NI] = {(int64_t)tr->o.dof, tr->x_valid, tr->pF_current,
                                     tr->have_free};
        double sdb[TCL_SPRING_ND] = {tr->x_eta, tr->phiF, tr->phiC, tr->eta_prev, tr->e_prev};
        p = put(p, si, sizeof si);
        p = put(p, sdb, sizeof sdb);
        p = put(p, tr->x_cur, xb);
    }
    /* The solver's kept factor and refactor counters (nothing under refactor: always). */
    const pln_solver *sv = pln_states_solver(tr->st);
    return pln_solver_state_save(sv, p, pln_solver_state_size(sv));
}

pln_status pln_tcl_state_load(pln_tcl *tr, const void *buf, size_t size)
{
    if (size != pln_tcl_state_size(tr)) {
        PLN_FAIL(tr->ctx, PLN_EDIM, "TCL checkpoint of %zu bytes, expected %zu", size,
                 pln_tcl_state_size(tr));
    }
    const unsigned char *p = buf;
    char magic[8];
    int64_t hdr[TCL_NI];
    p = get(p, magic, 8);
    p = get(p, hdr, sizeof hdr);
    if (memcmp(magic, tcl_magic, 8) != 0) {
        PLN_FAIL(tr->ctx, PLN_EINVAL, "not a plnet TCL checkpoint (bad magic)");
    }
    if (hdr[0] != (int64_t)tr->m || hdr[1] != (int64_t)tr->n || hdr[5] < 0 ||
        hdr[5] >= (int64_t)tr->n_train) {
        PLN_FAIL(tr->ctx, PLN_EINVAL, "TCL checkpoint for %" PRId64 " edges and %" PRId64
                 " nodes does not fit this run", hdr[0], hdr[1]);
    }
    const size_t mb = (size_t)tr->m * 8, xb = (size_t)tr->nd * 8;
    int64_t si[TCL_SPRING_NI] = {0, 0, 0, 0};
    double sdb[TCL_SPRING_ND] = {0, 0, 0, 0, 0};
    if (tr->sd > 1) {
        const unsigned char *q = (const unsigned char *)buf + size - spring_block_size(tr) -
                                 pln_solver_state_size(pln_states_solver(tr->st));
        q = get(q, si, sizeof si);
        (void)get(q, sdb, sizeof sdb);
        if (si[0] != (int64_t)tr->o.dof) {
            PLN_FAIL(tr->ctx, PLN_EINVAL, "TCL checkpoint of a run that learned dof %" PRId64
                     ", this run learns dof %d", si[0], (int)tr->o.dof);
        }
    }
    p = get(p, &tr->time, 8);
    p = get(p, tr->rng.s, sizeof tr->rng.s);
    p = get(p, &tr->rng.spare_normal, 8);
    pln_ledger l;
    p = pln_i_ledger_state_get(&l, p);
    p = get(p, tr->theta_new, mb);
    PLN_TRY(write_theta(tr, tr->theta_new));
    double *t = tr->theta;
    tr->theta = tr->theta_new;
    tr->theta_new = t;
    p = get(p, tr->dpF, mb);
    p = get(p, tr->dd, mb);
    p = get(p, tr->s_last, mb);
    p = get(p, tr->pF, xb);
    p = get(p, tr->pC, xb);
    p = get(p, tr->targets, (size_t)tr->n_out * 8);
    pln_memory_state_load(tr->mem, p);
    p += pln_memory_state_size(tr->mem);
    tr->periods = hdr[2];
    tr->steps = hdr[3];
    tr->since_refresh = hdr[4];
    tr->example = (pln_idx)hdr[5];
    tr->started = (int)hdr[6];
    tr->stale = (int)hdr[7];
    tr->rng.has_spare = (int)hdr[8];
    tr->ledger = l;
    load_example(tr, tr->dir_buf, tr->src_buf, NULL, PLN_SPLIT_TRAIN, tr->example);
    if (tr->sd > 1) {
        tr->x_valid = (int)si[1];
        tr->pF_current = (int)si[2];
        tr->have_free = (int)si[3];
        tr->x_eta = sdb[0];
        tr->phiF = sdb[1];
        tr->phiC = sdb[2];
        tr->eta_prev = sdb[3];
        tr->e_prev = sdb[4];
        (void)get(p + (TCL_SPRING_NI + TCL_SPRING_ND) * 8, tr->x_cur, xb);
        p += spring_block_size(tr);
    }
    pln_solver *sv = pln_states_solver(tr->st);
    PLN_TRY(pln_solver_state_load(sv, p, pln_solver_state_size(sv)));
    if (tr->sd > 1 && tr->mode == TCL_SPRING) {
        PLN_TRY(restore_columns(tr));
    }
    return PLN_OK;
}
