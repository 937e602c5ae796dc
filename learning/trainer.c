/* trainer.c — the training loop of SPEC 3 as GSL-style INITIALIZE / ITERATE / TEST, with checkpoints that resume bit for bit. */
#include "learning_impl.h"
#include "pln_learning.h"
#include "pln_internal.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>

struct pln_trainer {
    pln_ctx *ctx;
    pln_network *net;
    pln_states *st;
    const pln_task *task;
    pln_trainer_options o;
    pln_idx n, m, nth, n_in, n_out, batch, n_dir, n_src;
    int sd;             /* values per node: 1, or d for springs */
    pln_idx *in_slot;   /* per input: index in the Dirichlet (x sd + axis) or source values */
    double *dir_buf;    /* n_dir x sd x batch boundary values, inputs overwritten per example */
    double *src_buf;    /* n_src x batch */
    pln_bc_values *bcs; /* batch */
    double *p_free, *o_free, *targets;
    double *work;
    double *theta, *theta_new, *dtheta; /* nth = m values, or 2 m with PLN_DOF_BOTH */
    /* Springs: the free states (n x sd x batch) the next solve starts from, so that a run
     * restored from a checkpoint repeats the same Newton iterations; NULL for other kinds. */
    double *warm;
    /* Networks of edge elements learning conductances and/or gates: the learning edges and
     * their hardware (element_learning.c); NULL otherwise. */
    pln_i_egroups *eg;
    pln_rng rng;
    pln_ledger ledger;
    int64_t step;
};

void pln_trainer_options_default(pln_trainer_options *o)
{
    pln_rule_options_default(&o->rule);
    pln_hardware_default(&o->hardware);
    pln_hardware_default(&o->hardware_rest_length);
    pln_hardware_default(&o->hardware_gate);
    /* Gate voltages are signed: their levels can only be evenly spaced. */
    o->hardware_gate.spacing = PLN_SPACING_LINEAR;
    o->batch = 1;
    o->seed = 1;
    o->temperature = 300.0;
    o->resolution = 1e-3;
    pln_energy_units_default(&o->units);
}

void pln_trainer_destroy(pln_trainer *tr)
{
    if (tr == NULL) {
        return;
    }
    pln_i_free(tr->in_slot);
    pln_i_free(tr->dir_buf);
    pln_i_free(tr->src_buf);
    pln_i_free(tr->bcs);
    pln_i_free(tr->p_free);
    pln_i_free(tr->o_free);
    pln_i_free(tr->targets);
    pln_i_free(tr->work);
    pln_i_free(tr->theta);
    pln_i_free(tr->theta_new);
    pln_i_free(tr->dtheta);
    pln_i_free(tr->warm);
    pln_i_egroups_free(tr->eg);
    pln_i_free(tr->eg);
    pln_i_free(tr);
}

/* Write theta into the network and refactor: the one place the network changes. */
static pln_status write_theta(pln_trainer *tr, const double *theta)
{
    if (tr->eg != NULL) {
        PLN_TRY(pln_network_set_element_theta(tr->net, theta));
    } else if (tr->o.rule.dof == PLN_DOF_RADIUS) {
        PLN_TRY(pln_network_set_radii(tr->net, theta));
    } else if (tr->o.rule.dof == PLN_DOF_REST_LENGTH) {
        PLN_TRY(pln_network_set_rest_lengths(tr->net, theta));
    } else if (tr->o.rule.dof == PLN_DOF_BOTH) {
        PLN_TRY(pln_network_set_conductances(tr->net, theta));
        PLN_TRY(pln_network_set_rest_lengths(tr->net, theta + tr->m));
    } else {
        PLN_TRY(pln_network_set_conductances(tr->net, theta));
    }
    return pln_states_factor(tr->st);
}

static void load_example(pln_trainer *tr, pln_idx b, pln_split split, pln_idx i)
{
    const double *x = pln_task_example_inputs(tr->task, split, i);
    const pln_input *in = pln_task_inputs(tr->task);
    for (pln_idx j = 0; j < tr->n_in; j++) {
        if (in[j].kind != PLN_IN_EDGE) {
            tr->dir_buf[b * tr->n_dir * tr->sd + tr->in_slot[j]] = x[j];
        } else {
            tr->src_buf[b * tr->n_src + tr->in_slot[j]] = x[j];
        }
    }
    memcpy(tr->targets + b * tr->n_out, pln_task_example_targets(tr->task, split, i),
           (size_t)tr->n_out * sizeof *tr->targets);
}

/* Map each task input onto the boundary value that carries it, and check that the states'
 * outputs are the task's (declared in learning_impl.h; the trainer and the TCL loop share it). */
pln_status pln_i_task_bind(pln_ctx *ctx, const pln_network *net, const pln_states *st,
                           const pln_task *task, int sd, pln_idx *in_slot)
{
    const pln_idx n_in = pln_task_n_in(task), n_out = pln_task_n_out(task);
    const pln_output *a = pln_task_outputs(task);
    const pln_output *b = pln_states_outputs(st);
    if (pln_states_n_out(st) != n_out) {
        PLN_FAIL_KEY(ctx, PLN_EDIM, "task.outputs",
                     "the states have %" PRId64 " outputs, the task %" PRId64,
                     (int64_t)pln_states_n_out(st), (int64_t)n_out);
    }
    for (pln_idx j = 0; j < n_out; j++) {
        if (a[j].kind != b[j].kind || a[j].index != b[j].index) {
            PLN_FAIL_KEY(ctx, PLN_EINVAL, "task.outputs",
                         "output %" PRId64 " of the task differs from the states' output",
                         (int64_t)j);
        }
    }
    const pln_boundary *bc = pln_network_boundary(net);
    const pln_input *in = pln_task_inputs(task);
    for (pln_idx j = 0; j < n_in; j++) {
        pln_idx slot = -1;
        if (in[j].kind != PLN_IN_EDGE) {
            const int axis = in[j].kind == PLN_IN_NODE ? 0 : (int)in[j].kind - (int)PLN_IN_NODE_X;
            if ((in[j].kind == PLN_IN_NODE) != (sd == 1) || axis < 0 || axis >= sd) {
                return pln_i_error(ctx, PLN_EINVAL, __FILE__, __LINE__, in[j].index, -1,
                                   "task.inputs", "input node %" PRId64 ": %s", (int64_t)in[j].index,
                                   sd == 1 ? "an axis input needs a spring network"
                                           : "a spring network's input node needs an axis "
                                             "(a displacement along x, y or z) within the "
                                             "dimension");
            }
            for (pln_idx d = 0; d < bc->n_dirichlet; d++) {
                if (bc->dirichlet_nodes[d] == in[j].index) {
                    slot = d;
                }
            }
            if (slot >= 0 && sd > 1 && bc->dirichlet_axes != NULL &&
                (bc->dirichlet_axes[slot] & (1 << axis)) == 0) {
                return pln_i_error(ctx, PLN_EINVAL, __FILE__, __LINE__, in[j].index, -1,
                                   "task.inputs", "input node %" PRId64 ": its pin leaves axis %c "
                                   "free, so no displacement can be imposed along it",
                                   (int64_t)in[j].index, "xyz"[axis]);
            }
            slot = slot >= 0 ? slot * sd + axis : -1;
            if (slot < 0) {
                return pln_i_error(ctx, PLN_EINVAL, __FILE__, __LINE__, in[j].index, -1,
                                   "task.inputs", "input node %" PRId64 " is not a fixed-potential"
                                   " (Dirichlet) node of the network", (int64_t)in[j].index);
            }
        } else {
            for (pln_idx d = 0; d < bc->n_sources; d++) {
                if (bc->source_edges[d] == in[j].index) {
                    slot = d;
                }
            }
            if (slot < 0) {
                return pln_i_error(ctx, PLN_EINVAL, __FILE__, __LINE__, -1, in[j].index,
                                   "task.inputs", "input edge %" PRId64 " is not an edge source "
                                   "of the network", (int64_t)in[j].index);
            }
        }
        in_slot[j] = slot;
    }
    return PLN_OK;
}

static pln_status init_theta(pln_trainer *tr)
{
    const double *k = pln_network_conductances(tr->net);
    if (tr->eg != NULL) {
        pln_network_element_theta(tr->net, tr->theta);
        return PLN_OK;
    }
    if (tr->o.rule.dof == PLN_DOF_CONDUCTANCE || tr->o.rule.dof == PLN_DOF_ELEMENT) {
        memcpy(tr->theta, k, (size_t)tr->m * sizeof *tr->theta);
        return PLN_OK;
    }
    if (tr->o.rule.dof == PLN_DOF_REST_LENGTH || tr->o.rule.dof == PLN_DOF_BOTH) {
        const double *l = pln_network_rest_lengths(tr->net);
        if (l == NULL) {
            PLN_FAIL_KEY(tr->ctx, PLN_EINVAL, "learning.dof",
                         "the rest length is a degree of freedom of spring networks only");
        }
        double *dst = tr->theta;
        if (tr->o.rule.dof == PLN_DOF_BOTH) {
            memcpy(tr->theta, k, (size_t)tr->m * sizeof *tr->theta);
            dst += tr->m;
        }
        memcpy(dst, l, (size_t)tr->m * sizeof *tr->theta);
        return PLN_OK;
    }
    if (pln_network_kind(tr->net) != PLN_KIND_FLOW) {
        PLN_FAIL_KEY(tr->ctx, PLN_EINVAL, "learning.dof",
                     "the radius is a degree of freedom of flow networks only");
    }
    const double *r = pln_network_radii(tr->net);
    if (r != NULL) {
        memcpy(tr->theta, r, (size_t)tr->m * sizeof *tr->theta);
        return PLN_OK;
    }
    /* A flow network given by conductances: invert Poiseuille's law, k = pi r^4/(8 mu l). */
    const double *len = pln_network_lengths(tr->net);
    double mu = pln_network_viscosity(tr->net);
    for (pln_idx e = 0; e < tr->m; e++) {
        tr->theta[e] = pow(8.0 * mu * len[e] * k[e] / 3.14159265358979323846, 0.25);
    }
    return pln_network_set_radii(tr->net, tr->theta);
}

pln_status pln_trainer_create(pln_ctx *ctx, pln_network *net, pln_states *states,
                              const pln_task *task, const pln_trainer_options *opts,
                              pln_trainer **out)
{
    pln_status st = PLN_OK;
    pln_trainer *tr = NULL;
    PLN_TRY(pln_rule_options_check(ctx, &opts->rule));
    PLN_TRY(pln_hardware_check(ctx, &opts->hardware));
    if (opts->rule.dof == PLN_DOF_BOTH) {
        PLN_TRY(pln_hardware_check(ctx, &opts->hardware_rest_length));
    }
    if (opts->rule.dof == PLN_DOF_ELEMENT) {
        pln_hardware hg = opts->hardware_gate;
        hg.signed_values = true; /* a gate voltage may be negative */
        PLN_TRY(pln_hardware_check(ctx, &hg));
        if (pln_network_kind(net) != PLN_KIND_RESISTOR) {
            PLN_FAIL_KEY(ctx, PLN_EINVAL, "learning.dof",
                         "element parameters learn on resistor networks only (this is %s)",
                         pln_kind_name(pln_network_kind(net)));
        }
    }
    if (opts->batch < 1) {
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "train.batch", "batch must be >= 1, got %" PRId64,
                     (int64_t)opts->batch);
    }
    PLN_TRY(pln_i_energy_units_check(ctx, opts->temperature, &opts->units));
    if (!(opts->temperature >= 0.0) || !(opts->resolution > 0.0)) {
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "energy.resolution",
                     "need temperature >= 0 and resolution > 0 (got %g, %g)", opts->temperature,
                     opts->resolution);
    }
    if (pln_states_network(states) != net) {
        PLN_FAIL(ctx, PLN_EINVAL, "the states object was built on another network");
    }
    PLN_ALLOC(ctx, tr, 1);
    tr->ctx = ctx;
    tr->net = net;
    tr->st = states;
    tr->task = task;
    tr->o = *opts;
    tr->o.hardware_gate.signed_values = true;
    tr->n = pln_network_n_nodes(net);
    tr->m = pln_network_n_edges(net);
    tr->nth = opts->rule.dof == PLN_DOF_BOTH ? 2 * tr->m : tr->m;
    tr->n_in = pln_task_n_in(task);
    tr->n_out = pln_task_n_out(task);
    tr->batch = opts->batch;
    const pln_boundary *bc = pln_network_boundary(net);
    tr->n_dir = bc->n_dirichlet;
    tr->n_src = bc->n_sources;
    tr->sd = pln_network_state_dim(net);
    pln_idx B = tr->batch;
    const pln_idx nd = tr->n * tr->sd, dd = tr->n_dir * tr->sd;

    PLN_ALLOC_GOTO(ctx, st, tr->in_slot, tr->n_in);
    PLN_ALLOC_GOTO(ctx, st, tr->dir_buf, dd * B);
    PLN_ALLOC_GOTO(ctx, st, tr->src_buf, tr->n_src * B);
    PLN_ALLOC_GOTO(ctx, st, tr->bcs, B);
    PLN_ALLOC_GOTO(ctx, st, tr->p_free, nd * B);
    PLN_ALLOC_GOTO(ctx, st, tr->o_free, tr->n_out * B);
    PLN_ALLOC_GOTO(ctx, st, tr->targets, tr->n_out * B);
    PLN_ALLOC_GOTO(ctx, st, tr->work, (pln_idx)pln_rule_work_size(states, B));
    PLN_ALLOC_GOTO(ctx, st, tr->theta, tr->nth);
    PLN_ALLOC_GOTO(ctx, st, tr->theta_new, tr->nth);
    PLN_ALLOC_GOTO(ctx, st, tr->dtheta, tr->nth);
    /* Newton's states (springs, elements) start from the last free states; the trainer keeps
     * them so that a resumed run repeats the same iterations. */
    if (tr->sd > 1 || pln_network_is_nonlinear(net)) {
        PLN_ALLOC_GOTO(ctx, st, tr->warm, nd * B);
    }
    if (pln_network_is_nonlinear(net) &&
        (opts->rule.dof == PLN_DOF_CONDUCTANCE || opts->rule.dof == PLN_DOF_ELEMENT)) {
        PLN_ALLOC_GOTO(ctx, st, tr->eg, 1);
        PLN_TRY_GOTO(st, pln_i_egroups_init(ctx, net, opts->rule.dof, tr->eg));
    }
    PLN_TRY_GOTO(st, pln_i_task_bind(ctx, net, states, task, tr->sd, tr->in_slot));

    /* The boundary values that are not inputs never change: fill every column once. */
    const double *dv = pln_network_dirichlet_values(net);
    const double *sv = pln_network_source_values(net);
    for (pln_idx b = 0; b < B; b++) {
        for (pln_idx d = 0; d < dd; d++) {
            tr->dir_buf[b * dd + d] = dv != NULL ? dv[d] : 0.0;
        }
        for (pln_idx d = 0; d < tr->n_src; d++) {
            tr->src_buf[b * tr->n_src + d] = sv != NULL ? sv[d] : 0.0;
        }
        tr->bcs[b].dirichlet = tr->n_dir > 0 ? tr->dir_buf + b * dd : NULL;
        tr->bcs[b].currents = NULL;
        tr->bcs[b].sources = tr->n_src > 0 ? tr->src_buf + b * tr->n_src : NULL;
    }
    pln_rng_seed(&tr->rng, opts->seed);
    pln_ledger_init(&tr->ledger, opts->temperature, opts->resolution);
    pln_ledger_set_units(&tr->ledger, &opts->units);
    PLN_TRY_GOTO(st, init_theta(tr));
    PLN_TRY_GOTO(st, pln_states_factor(states));

    /* Warm-up with a copy of the generator: the solver and the states allocate their batch
     * workspaces on first use, and pln_trainer_step must allocate nothing. */
    {
        pln_rng scratch = tr->rng;
        for (pln_idx b = 0; b < B; b++) {
            load_example(tr, b, PLN_SPLIT_TRAIN, 0);
        }
        PLN_TRY_GOTO(st, pln_states_set_warm(states, B, NULL));
        PLN_TRY_GOTO(st, pln_states_free(states, B, tr->bcs, tr->p_free, tr->o_free));
        if (tr->warm != NULL) {
            memcpy(tr->warm, tr->p_free, (size_t)(nd * B) * sizeof *tr->warm);
        }
        PLN_TRY_GOTO(st, pln_rule_update(states, &tr->o.rule, B, tr->p_free, tr->o_free,
                                         tr->targets, &tr->o.hardware, &scratch, tr->dtheta,
                                         NULL, tr->work));
    }
    *out = tr;
    tr = NULL;
done:
    pln_trainer_destroy(tr);
    return st;
}

pln_status pln_trainer_step(pln_trainer *tr)
{
    pln_idx B = tr->batch;
    pln_idx n_train = pln_task_n_examples(tr->task, PLN_SPLIT_TRAIN);
    for (pln_idx b = 0; b < B; b++) {
        load_example(tr, b, PLN_SPLIT_TRAIN, pln_rng_index(&tr->rng, n_train));
    }
    if (tr->warm != NULL) {
        PLN_TRY(pln_states_set_warm(tr->st, B, tr->warm));
    }
    PLN_TRY(pln_states_free(tr->st, B, tr->bcs, tr->p_free, tr->o_free));
    pln_rule_energy energy;
    PLN_TRY(pln_rule_update(tr->st, &tr->o.rule, B, tr->p_free, tr->o_free, tr->targets,
                            &tr->o.hardware, &tr->rng, tr->dtheta, &energy, tr->work));
    double bits = 0.0;
    if (tr->eg != NULL) { /* each group of learning edges through its own hardware */
        bits = pln_i_egroups_apply(tr->eg, &tr->o.hardware, &tr->o.hardware_gate, &tr->rng,
                                   tr->o.resolution, tr->theta, tr->dtheta, tr->theta_new);
    } else {
        pln_hardware_apply(&tr->o.hardware, &tr->rng, tr->m, tr->theta, tr->dtheta,
                           tr->theta_new);
        bits = pln_ledger_bits(&tr->o.hardware, tr->o.resolution, tr->m, tr->theta, tr->dtheta);
    }
    if (tr->nth > tr->m) { /* PLN_DOF_BOTH: the rest-length half through its own hardware */
        const pln_idx m = tr->m;
        pln_hardware_apply(&tr->o.hardware_rest_length, &tr->rng, m, tr->theta + m,
                           tr->dtheta + m, tr->theta_new + m);
        bits += pln_ledger_bits(&tr->o.hardware_rest_length, tr->o.resolution, m, tr->theta + m,
                                tr->dtheta + m);
    }
    PLN_TRY(write_theta(tr, tr->theta_new));
    double *t = tr->theta;
    tr->theta = tr->theta_new;
    tr->theta_new = t;
    if (tr->warm != NULL) {
        memcpy(tr->warm, tr->p_free, (size_t)(tr->n * tr->sd * B) * sizeof *tr->warm);
    }
    /* A spring state's heat is already an energy; a resistive state's is a power. */
    pln_ledger_record_heat(&tr->ledger, &energy, bits, tr->sd == 1);
    tr->step += 1;
    return PLN_OK;
}

/* Free states of examples [i0, i0 + cnt) of a split in one batch solve; the batch is padded
 * with the last example so the solver always sees the same number of right-hand sides. */
static pln_status solve_chunk(pln_trainer *tr, pln_split split, pln_idx i0, pln_idx cnt)
{
    for (pln_idx b = 0; b < tr->batch; b++) {
        load_example(tr, b, split, i0 + (b < cnt ? b : cnt - 1));
    }
    /* Springs: start where training left off, so an evaluation never depends on the one
     * before it (nor changes the next step). */
    if (tr->warm != NULL) {
        PLN_TRY(pln_states_set_warm(tr->st, tr->batch, tr->warm));
    }
    return pln_states_free(tr->st, tr->batch, tr->bcs, tr->p_free, tr->o_free);
}

pln_status pln_trainer_evaluate(pln_trainer *tr, pln_split split, pln_metrics *met)
{
    pln_idx ne = pln_task_n_examples(tr->task, split);
    bool classify = pln_task_get_kind(tr->task) == PLN_TASK_CLASSIFICATION;
    double loss = 0.0;
    pln_idx right = 0;
    for (pln_idx i0 = 0; i0 < ne; i0 += tr->batch) {
        pln_idx cnt = ne - i0 < tr->batch ? ne - i0 : tr->batch;
        PLN_TRY(solve_chunk(tr, split, i0, cnt));
        for (pln_idx b = 0; b < cnt; b++) {
            const double *o = tr->o_free + b * tr->n_out;
            const double *t = tr->targets + b * tr->n_out;
            double c = 0.0;
            for (pln_idx j = 0; j < tr->n_out; j++) {
                c += 0.5 * (o[j] - t[j]) * (o[j] - t[j]);
            }
            loss += c;
            if (classify && pln_task_predict(tr->task, o) ==
                                pln_task_example_label(tr->task, split, i0 + b)) {
                right++;
            }
        }
    }
    met->n = ne;
    met->loss = ne > 0 ? loss / (double)ne : NAN;
    met->accuracy = (classify && ne > 0) ? (double)right / (double)ne : NAN;
    met->error = classify ? 1.0 - met->accuracy : met->loss;
    return PLN_OK;
}

pln_status pln_trainer_outputs(pln_trainer *tr, pln_split split, double *o)
{
    pln_idx ne = pln_task_n_examples(tr->task, split);
    for (pln_idx i0 = 0; i0 < ne; i0 += tr->batch) {
        pln_idx cnt = ne - i0 < tr->batch ? ne - i0 : tr->batch;
        PLN_TRY(solve_chunk(tr, split, i0, cnt));
        memcpy(o + i0 * tr->n_out, tr->o_free, (size_t)(cnt * tr->n_out) * sizeof *o);
    }
    return PLN_OK;
}

int64_t pln_trainer_steps(const pln_trainer *tr)
{
    return tr->step;
}
const double *pln_trainer_theta(const pln_trainer *tr)
{
    return tr->theta;
}

pln_idx pln_trainer_n_theta(const pln_trainer *tr)
{
    return tr->nth;
}

pln_status pln_trainer_set_theta(pln_trainer *tr, const double *theta)
{
    PLN_TRY(write_theta(tr, theta));
    memcpy(tr->theta, theta, (size_t)tr->nth * sizeof *tr->theta);
    return PLN_OK;
}
const double *pln_trainer_last_update(const pln_trainer *tr)
{
    return tr->dtheta;
}
const pln_ledger *pln_trainer_ledger(const pln_trainer *tr)
{
    return &tr->ledger;
}

/* ------------------------------------------------------------------ checkpoints
 * Layout (native byte order, fields written one by one so no padding byte is undefined):
 * magic[8] "PLNTRN01", m, dof, step (int64), theta[m] (2 m with PLN_DOF_BOTH), rng s[4] (uint64), spare_normal,
 * has_spare (int64), ledger (steps int64, then 11 doubles); spring networks then add the
 * free states the next step starts from (n x d x batch doubles); last, the solver's kept
 * factor and refactor counters (pln_solver_state_save; nothing under refactor: always). */

static const char ckpt_magic[8] = {'P', 'L', 'N', 'T', 'R', 'N', '0', '2'};
size_t pln_trainer_state_size(const pln_trainer *tr)
{
    size_t warm = tr->warm != NULL ? (size_t)(tr->n * tr->sd * tr->batch) * 8 : 0;
    return 8 + 3 * 8 + (size_t)tr->nth * 8 + 4 * 8 + 8 + 8 + pln_i_ledger_state_size() + warm +
           pln_solver_state_size(pln_states_solver(tr->st));
}

static unsigned char *put(unsigned char *p, const void *v, size_t n)
{
    memcpy(p, v, n);
    return p + n;
}
static const unsigned char *get(const unsigned char *p, void *v, size_t n)
{
    memcpy(v, p, n);
    return p + n;
}

pln_status pln_trainer_state_save(const pln_trainer *tr, void *buf, size_t size)
{
    if (size < pln_trainer_state_size(tr)) {
        PLN_FAIL(tr->ctx, PLN_EDIM, "checkpoint buffer of %zu bytes, need %zu", size,
                 pln_trainer_state_size(tr));
    }
    unsigned char *p = buf;
    int64_t hdr[3] = {(int64_t)tr->m, (int64_t)tr->o.rule.dof, tr->step};
    p = put(p, ckpt_magic, 8);
    p = put(p, hdr, sizeof hdr);
    p = put(p, tr->theta, (size_t)tr->nth * sizeof *tr->theta);
    p = put(p, tr->rng.s, sizeof tr->rng.s);
    p = put(p, &tr->rng.spare_normal, 8);
    int64_t spare = tr->rng.has_spare;
    p = put(p, &spare, 8);
    p = pln_i_ledger_state_put(&tr->ledger, p);
    if (tr->warm != NULL) {
        p = put(p, tr->warm, (size_t)(tr->n * tr->sd * tr->batch) * sizeof *tr->warm);
    }
    const pln_solver *sv = pln_states_solver(tr->st);
    return pln_solver_state_save(sv, p, pln_solver_state_size(sv));
}

pln_status pln_trainer_state_load(pln_trainer *tr, const void *buf, size_t size)
{
    if (size != pln_trainer_state_size(tr)) {
        PLN_FAIL(tr->ctx, PLN_EDIM, "checkpoint of %zu bytes, expected %zu for %" PRId64 " edges",
                 size, pln_trainer_state_size(tr), (int64_t)tr->m);
    }
    const unsigned char *p = buf;
    char magic[8];
    int64_t hdr[3];
    p = get(p, magic, 8);
    p = get(p, hdr, sizeof hdr);
    if (memcmp(magic, ckpt_magic, 8) != 0) {
        PLN_FAIL(tr->ctx, PLN_EINVAL, "not a plnet trainer checkpoint (bad magic)");
    }
    if (hdr[0] != (int64_t)tr->m || hdr[1] != (int64_t)tr->o.rule.dof || hdr[2] < 0) {
        PLN_FAIL(tr->ctx, PLN_EINVAL, "checkpoint for %" PRId64 " edges and dof %" PRId64
                 " does not fit this trainer (%" PRId64 " edges, dof %d)", hdr[0], hdr[1],
                 (int64_t)tr->m, (int)tr->o.rule.dof);
    }
    p = get(p, tr->theta_new, (size_t)tr->nth * sizeof *tr->theta_new);
    pln_rng rng;
    int64_t spare;
    p = get(p, rng.s, sizeof rng.s);
    p = get(p, &rng.spare_normal, 8);
    p = get(p, &spare, 8);
    rng.has_spare = (int)spare;
    pln_ledger l;
    p = pln_i_ledger_state_get(&l, p);
    PLN_TRY(write_theta(tr, tr->theta_new));
    if (tr->warm != NULL) {
        p = get(p, tr->warm, (size_t)(tr->n * tr->sd * tr->batch) * sizeof *tr->warm);
    }
    pln_solver *sv = pln_states_solver(tr->st);
    PLN_TRY(pln_solver_state_load(sv, p, pln_solver_state_size(sv)));
    double *t = tr->theta;
    tr->theta = tr->theta_new;
    tr->theta_new = t;
    tr->rng = rng;
    tr->ledger = l;
    tr->step = hdr[2];
    return PLN_OK;
}
