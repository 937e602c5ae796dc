/* test_spring_tcl.c — temporal contrastive learning on spring networks: allostery by a sawtooth (spring_linear and spring), the triangle control, per-step states against direct clamped solves, the release heat of the ledger, bit-for-bit resume, no allocation per time step (SPEC 4, 5). */
#include "pln_learning.h"
#include "pln_tcl.h"
#include "spring_fixtures.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

TestSuite(spring_tcl, .timeout = 240);

/* The allostery of examples/10 and 11: an 8 x 8 triangular lattice (stiffness uniform in
 * [0.8, 1.2]), nodes 0, 3, 7 pinned, spring 71 strained by 5%, the strains of springs 106
 * and 58 asked to be +2% and -1.5%. */
typedef struct rig {
    pln_ctx *ctx;
    pln_graph *g;
    pln_network *net;
    pln_states *st;
    pln_task *task;
    pln_tcl *tr;
    pln_output outs[2];
    double targets[2];
} rig;

static const pln_idx src_edge = 71;
static const double src_strain = 0.05;

static void rig_make(rig *r, pln_kind kind)
{
    memset(r, 0, sizeof *r);
    cr_assert_eq(pln_ctx_create(&r->ctx), PLN_OK);
    cr_assert_eq(pln_graph_triangular_lattice(r->ctx, 8, 8, false, &r->g), PLN_OK);
    const pln_idx m = pln_graph_n_edges(r->g);
    double *k = malloc((size_t)m * sizeof *k);
    pln_rng rng;
    pln_rng_seed(&rng, 3);
    for (pln_idx e = 0; e < m; e++) {
        k[e] = 0.8 + 0.4 * pln_rng_uniform(&rng);
    }
    cr_assert_eq(pln_graph_edge_attr_set(r->g, "stiffness", k), PLN_OK);
    free(k);
    static const pln_idx pins[3] = {0, 3, 7};
    pln_boundary bc;
    pln_boundary_default(&bc);
    bc.n_dirichlet = 3;
    bc.dirichlet_nodes = pins;
    bc.n_sources = 1;
    bc.source_edges = &src_edge;
    bc.source_values = &src_strain;
    r->net = sf_network(r->ctx, r->g, kind, &bc);
    r->outs[0] = (pln_output){PLN_OUT_EDGE, 106};
    r->outs[1] = (pln_output){PLN_OUT_EDGE, 58};
    r->targets[0] = 0.02;
    r->targets[1] = -0.015;
    cr_assert_eq(pln_states_create(r->ctx, r->net, 2, r->outs, NULL, &r->st), PLN_OK);
    cr_assert_eq(pln_states_factor(r->st), PLN_OK);
    const pln_input in = {PLN_IN_EDGE, src_edge};
    cr_assert_eq(pln_task_allostery(r->ctx, 1, &in, &src_strain, 2, r->outs, r->targets,
                                    &r->task),
                 PLN_OK);
}

static void rig_tcl(rig *r, const pln_tcl_options *o)
{
    pln_status s = pln_tcl_create(r->ctx, r->net, r->st, r->task, o, &r->tr);
    cr_assert_eq(s, PLN_OK, "%s", pln_ctx_last_error(r->ctx)->message);
}

static void rig_free(rig *r)
{
    pln_tcl_destroy(r->tr);
    pln_task_destroy(r->task);
    pln_states_destroy(r->st);
    pln_network_destroy(r->net);
    pln_graph_destroy(r->g);
    pln_ctx_destroy(r->ctx);
}

static double loss(rig *r)
{
    pln_metrics met;
    cr_assert_eq(pln_tcl_evaluate(r->tr, PLN_SPLIT_TRAIN, &met), PLN_OK, "%s",
                 pln_ctx_last_error(r->ctx)->message);
    return met.loss;
}

static void periods(rig *r, long n)
{
    for (long k = 0; k < n; k++) {
        pln_status s = pln_tcl_period(r->tr);
        cr_assert_eq(s, PLN_OK, "period %ld: %s", k, pln_ctx_last_error(r->ctx)->message);
    }
}

/* The settings of examples/11-spring-allostery-tcl: rest lengths, sawtooth 1 + 9 with
 * eta_max 0.5, zero-area kernel memory, threshold g. The threshold sits between the slow and
 * the fast |ds/dt| of the edges that matter (tension differences ~1e-3 over 1 or 9 time
 * units); 1e-5 lets both phases through (no net update), 1e-3 stops most edges. */
static void sawtooth_options(pln_tcl_options *o)
{
    pln_tcl_options_default(o);
    o->protocol.kind = PLN_PROTO_SAWTOOTH;
    o->protocol.dt = 0.05;
    o->protocol.tau_fast = 1.0;
    o->protocol.tau_slow = 9.0;
    o->protocol.eta_max = 0.5;
    o->memory.kind = PLN_MEMORY_KERNEL;
    o->memory.B = 10.0;
    o->memory.I = 0.0;
    o->g.kind = PLN_NONLIN_THRESHOLD;
    o->g.theta = 1e-4;
    o->rate = 1.0;
    o->apply = PLN_APPLY_PERIOD;
    o->dof = PLN_DOF_REST_LENGTH;
}

static double reduction(pln_kind kind, pln_protocol_kind proto, long n)
{
    rig r;
    pln_tcl_options o;
    sawtooth_options(&o);
    o.protocol.kind = proto;
    rig_make(&r, kind);
    rig_tcl(&r, &o);
    double c0 = loss(&r);
    periods(&r, n);
    double c1 = loss(&r);
    /* theta went into the network */
    cr_assert_eq(memcmp(pln_tcl_theta(r.tr), pln_network_rest_lengths(r.net),
                        (size_t)pln_network_n_edges(r.net) * sizeof(double)),
                 0);
    cr_log_info("%s %s: loss %g -> %g", pln_kind_name(kind), pln_protocol_name(proto), c0, c1);
    rig_free(&r);
    return c0 / c1;
}

Test(spring_tcl, sawtooth_learns_allostery_linear)
{
    double red = reduction(PLN_KIND_SPRING_LINEAR, PLN_PROTO_SAWTOOTH, 100);
    cr_assert(red >= 100.0, "error reduced %gx", red);
    ts_check_leaks();
}

Test(spring_tcl, sawtooth_learns_allostery_nonlinear)
{
    double red = reduction(PLN_KIND_SPRING, PLN_PROTO_SAWTOOTH, 100);
    cr_assert(red >= 100.0, "error reduced %gx", red);
    ts_check_leaks();
}

Test(spring_tcl, triangle_control_does_not_learn)
{
    for (int k = 0; k < 2; k++) {
        pln_kind kind = k == 0 ? PLN_KIND_SPRING_LINEAR : PLN_KIND_SPRING;
        double red = reduction(kind, PLN_PROTO_TRIANGLE, 100);
        cr_assert(red > 0.5 && red < 2.0, "%s: error changed %gx", pln_kind_name(kind), red);
    }
    ts_check_leaks();
}

/* ------------------------------------------------------------------ states and ledger */

typedef struct oracle {
    rig *r;
    pln_states *st; /* an independent states object on the same network */
    double *xf, *xc;
    double eta_prev, heat, max_err;
    long n;
} oracle;

/* Every traced state against a direct solve: the free state from scratch (cold start), then
 * the clamp at o^C = o^F + eta (T - o^F) started from it. And the release heat of SPEC 5 from
 * direct solves alone: on a step that lowers |eta|, Phi of the clamp at the last eta minus
 * Phi of the clamp at this eta, both with the theta in force now (no applied forces, so
 * Phi = E, the network's elastic energy). */
static double direct_clamp(oracle *q, const double *of, double eta, double *x)
{
    rig *r = q->r;
    double oc[2];
    for (int j = 0; j < 2; j++) {
        oc[j] = of[j] + eta * (r->targets[j] - of[j]);
    }
    cr_assert_eq(pln_states_clamp(q->st, 1, q->xf, of, oc, x, NULL), PLN_OK, "%s",
                 pln_ctx_last_error(r->ctx)->message);
    return pln_network_energy(r->net, x);
}

static void on_step(double t, double eta, const double *x, void *user)
{
    (void)t;
    oracle *q = user;
    rig *r = q->r;
    const pln_idx nd = pln_network_n_nodes(r->net) * pln_network_state_dim(r->net);
    double of[2];
    cr_assert_eq(pln_states_factor(q->st), PLN_OK);
    cr_assert_eq(pln_states_set_warm(q->st, 1, NULL), PLN_OK);
    cr_assert_eq(pln_states_free(q->st, 1, NULL, q->xf, of), PLN_OK);
    double phi = direct_clamp(q, of, eta, q->xc);
    double err = 0.0;
    for (pln_idx a = 0; a < nd; a++) {
        err = fmax(err, fabs(x[a] - q->xc[a]));
    }
    q->max_err = fmax(q->max_err, err);
    if (fabs(eta) < fabs(q->eta_prev)) {
        double before = direct_clamp(q, of, q->eta_prev, q->xc);
        cr_assert(before - phi > -1e-15, "releasing the clamp raised Phi");
        q->heat += fmax(before - phi, 0.0);
    }
    q->eta_prev = eta;
    q->n++;
}

static void states_case(pln_kind kind, pln_apply apply)
{
    rig r;
    pln_tcl_options o;
    sawtooth_options(&o);
    o.apply = apply;
    rig_make(&r, kind);
    rig_tcl(&r, &o);
    oracle q;
    memset(&q, 0, sizeof q);
    q.r = &r;
    const pln_idx nd = pln_network_n_nodes(r.net) * 2;
    q.xf = malloc((size_t)nd * sizeof *q.xf);
    q.xc = malloc((size_t)nd * sizeof *q.xc);
    cr_assert_eq(pln_states_create(r.ctx, r.net, 2, r.outs, NULL, &q.st), PLN_OK);
    pln_tcl_set_trace(r.tr, on_step, &q);
    for (int k = 0; k < 3; k++) {
        /* each period starts at eta = 0 in the free state of the theta written last */
        q.eta_prev = 0.0;
        double before = q.heat;
        periods(&r, 1);
        const pln_ledger *l = pln_tcl_ledger(r.tr);
        cr_assert(l->joule > 0.0 && l->landauer >= 0.0 && l->memory >= 0.0);
        /* spring_linear: rounding. spring: each Phi carries the Newton tolerance times the
         * clamp's multipliers (~1e-13 here, against differences of ~1e-6 per step). */
        const double tol = kind == PLN_KIND_SPRING_LINEAR ? 1e-9 : 1e-6;
        cr_assert(fabs(l->joule - (q.heat - before)) <= tol * l->joule,
                  "period %d: ledger %.15g, direct %.15g", k, l->joule, q.heat - before);
    }
    cr_log_info("%s apply %d: %ld states, largest difference from a direct solve %.3g",
                pln_kind_name(kind), (int)apply, q.n, q.max_err);
    cr_assert_eq(q.n, 600);
    /* Newton tolerance 1e-10 on forces (times k L), and quadratic convergence below it. */
    cr_assert(q.max_err < 1e-8, "per-step state vs direct clamped solve: %g", q.max_err);
    pln_states_destroy(q.st);
    free(q.xf);
    free(q.xc);
    rig_free(&r);
}

Test(spring_tcl, per_step_states_equal_direct_clamped_solves_nonlinear)
{
    states_case(PLN_KIND_SPRING, PLN_APPLY_PERIOD);
    states_case(PLN_KIND_SPRING, PLN_APPLY_STEP);
    ts_check_leaks();
}

Test(spring_tcl, per_step_states_equal_direct_clamped_solves_linear)
{
    states_case(PLN_KIND_SPRING_LINEAR, PLN_APPLY_PERIOD);
    states_case(PLN_KIND_SPRING_LINEAR, PLN_APPLY_STEP);
    ts_check_leaks();
}

/* Over one sawtooth period with theta fixed, the release heat is Phi at the peak of the
 * clamp minus Phi of the free state: the contrastive trainer's heat of one clamped state. */
Test(spring_tcl, sawtooth_heat_is_the_clamped_state_heat)
{
    for (int k = 0; k < 2; k++) {
        rig r;
        pln_tcl_options o;
        sawtooth_options(&o);
        o.rate = 0.0;
        pln_kind kind = k == 0 ? PLN_KIND_SPRING_LINEAR : PLN_KIND_SPRING;
        rig_make(&r, kind);
        rig_tcl(&r, &o);
        periods(&r, 1);
        double xf[2 * 64], xc[2 * 64], of[2], oc[2];
        cr_assert_eq(pln_states_free(r.st, 1, NULL, xf, of), PLN_OK);
        for (int j = 0; j < 2; j++) {
            oc[j] = of[j] + o.protocol.eta_max * (r.targets[j] - of[j]);
        }
        cr_assert_eq(pln_states_clamp(r.st, 1, xf, of, oc, xc, NULL), PLN_OK);
        double want = pln_network_energy(r.net, xc) - pln_network_energy(r.net, xf);
        const pln_ledger *l = pln_tcl_ledger(r.tr);
        cr_assert(want > 0.0 && fabs(l->joule - want) <= 1e-8 * want, "%s: ledger %.15g, want %.15g",
                  pln_kind_name(kind), l->joule, want);
        rig_free(&r);
    }
    ts_check_leaks();
}

/* ------------------------------------------------------------------ checkpoints, costs */

static void resume_case(pln_kind kind, const pln_tcl_options *o)
{
    rig a, b;
    rig_make(&a, kind);
    rig_make(&b, kind);
    rig_tcl(&a, o);
    periods(&a, 2);
    (void)loss(&a); /* an evaluation in between must not change the run */
    periods(&a, 1);
    size_t sz = pln_tcl_state_size(a.tr);
    void *buf = malloc(sz);
    cr_assert_eq(pln_tcl_state_save(a.tr, buf, sz), PLN_OK);
    periods(&a, 3);
    rig_tcl(&b, o);
    cr_assert_eq(pln_tcl_state_load(b.tr, buf, sz), PLN_OK, "%s",
                 pln_ctx_last_error(b.ctx)->message);
    periods(&b, 3);
    const pln_idx m = pln_network_n_edges(a.net);
    cr_assert_eq(memcmp(pln_tcl_theta(a.tr), pln_tcl_theta(b.tr), (size_t)m * 8), 0,
                 "%s: theta differs after resuming", pln_kind_name(kind));
    cr_assert_eq(memcmp(pln_network_rest_lengths(a.net), pln_network_rest_lengths(b.net),
                        (size_t)m * 8),
                 0);
    cr_assert_eq(memcmp(pln_network_conductances(a.net), pln_network_conductances(b.net),
                        (size_t)m * 8),
                 0);
    const pln_ledger *la = pln_tcl_ledger(a.tr), *lb = pln_tcl_ledger(b.tr);
    cr_assert(la->joule_total == lb->joule_total && la->bits_total == lb->bits_total &&
              la->steps == lb->steps);
    cr_assert(pln_tcl_time(a.tr) == pln_tcl_time(b.tr));
    double ca = loss(&a), cb = loss(&b);
    cr_assert_eq(memcmp(&ca, &cb, sizeof ca), 0, "loss %.17g vs %.17g", ca, cb);
    /* a checkpoint of another dof is refused */
    pln_tcl_options other = *o;
    other.dof = o->dof == PLN_DOF_REST_LENGTH ? PLN_DOF_CONDUCTANCE : PLN_DOF_REST_LENGTH;
    pln_tcl_destroy(b.tr);
    b.tr = NULL;
    rig_tcl(&b, &other);
    cr_assert_eq(pln_tcl_state_load(b.tr, buf, sz), PLN_EINVAL);
    free(buf);
    rig_free(&a);
    rig_free(&b);
}

Test(spring_tcl, checkpoints_resume_bit_for_bit)
{
    pln_tcl_options o;
    sawtooth_options(&o);
    o.apply = PLN_APPLY_STEP;
    o.refresh = 3;
    o.memory.kind = PLN_MEMORY_MARKOV_LADDER;
    resume_case(PLN_KIND_SPRING, &o);
    resume_case(PLN_KIND_SPRING_LINEAR, &o);
    sawtooth_options(&o);
    o.protocol.kind = PLN_PROTO_RANDOM_PHASES;
    o.protocol.eta_max = 0.5;
    o.rate = 0.01;
    o.hardware.update_noise = 0.1;
    resume_case(PLN_KIND_SPRING, &o);
    ts_check_leaks();
}

Test(spring_tcl, linear_periods_allocate_nothing)
{
    pln_apply applies[] = {PLN_APPLY_PERIOD, PLN_APPLY_STEP};
    pln_protocol_kind kinds[] = {PLN_PROTO_SAWTOOTH, PLN_PROTO_RANDOM_PHASES};
    for (int a = 0; a < 2; a++) {
        for (int k = 0; k < 2; k++) {
            rig r;
            pln_tcl_options o;
            sawtooth_options(&o);
            o.apply = applies[a];
            o.protocol.kind = kinds[k];
            rig_make(&r, PLN_KIND_SPRING_LINEAR);
            rig_tcl(&r, &o);
            periods(&r, 1);
            long before = pln_i_alloc_count();
            periods(&r, 3);
            cr_assert_eq(pln_i_alloc_count(), before, "apply %d protocol %d allocated", a, k);
            rig_free(&r);
        }
    }
    ts_check_leaks();
}

Test(spring_tcl, radius_and_rest_length_on_a_flow_network_are_refused)
{
    rig r;
    rig_make(&r, PLN_KIND_SPRING_LINEAR);
    pln_tcl_options o;
    sawtooth_options(&o);
    o.dof = PLN_DOF_RADIUS;
    cr_assert_eq(pln_tcl_create(r.ctx, r.net, r.st, r.task, &o, &r.tr), PLN_EINVAL);
    cr_assert_str_eq(pln_ctx_last_error(r.ctx)->key, "learning.dof");
    cr_assert_null(r.tr);
    rig_free(&r);
    ts_check_leaks();
}
