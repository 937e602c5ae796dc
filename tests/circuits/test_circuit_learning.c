/* test_circuit_learning.c — learning on circuits of edge elements (SPEC 1.3, 3): equilibrium propagation's update against finite-difference gradients of the cost for every diode, transistor and resistor parameter; the trainer with theta = element (conductances and gates), its hardware on gates, the exact V I heat in the ledger, and a resume bit for bit. */
#include "circuit_fixtures.h"
#include "pln_learning.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Centered EP has an O(beta^2) bias; with beta 1e-7 S against conductances of 1e-4..1e-2 S
 * it is ~1e-8 relative. The finite difference (central, step 1e-5 relative) is accurate to
 * ~1e-9 with potentials converged to 1e-15 V. The brief's bar is 1e-5 relative. */
#define TOL_GRAD 1e-5
#define BETA 1e-7

static pln_ctx *ctx;
static void setup(void) { cr_assert_eq(pln_ctx_create(&ctx), PLN_OK); }
static void teardown(void)
{
    pln_ctx_destroy(ctx);
    ts_check_leaks();
}
TestSuite(circuit_learning, .init = setup, .fini = teardown, .timeout = 120);

typedef struct problem {
    cf_random r;
    pln_network *net;
    pln_states *st;
    pln_output outs[2];
    double T[2];
    double *p, *pn;
} problem;

static void make(problem *pb, uint64_t seed)
{
    cf_random_circuit(seed, 20, 30, 0.4, 0.45, 2, 2.5, 1, 5e-4, &pb->r);
    /* diodes with and without R_s, gates mostly above threshold */
    pb->net = cf_network(ctx, &pb->r, NULL, NULL);
    pln_idx k = 0;
    for (pln_idx i = 1; i < pb->r.n && k < 2; i++) {
        bool fixed = pln_network_reduced_index(pb->net, i) < 0;
        for (pln_idx a = 0; a < pb->r.n_cur; a++) {
            fixed = fixed || pb->r.cur_nodes[a] == i;
        }
        if (!fixed) {
            pb->outs[k++] = (pln_output){PLN_OUT_NODE, i};
        }
    }
    pln_states_options so;
    pln_states_options_default(&so);
    so.newton_tol = 1e-15;
    so.newton_max_iter = 100;
    cr_assert_eq(pln_states_create(ctx, pb->net, 2, pb->outs, &so, &pb->st), PLN_OK);
    cr_assert_eq(pln_states_factor(pb->st), PLN_OK);
    pb->p = malloc((size_t)pb->r.n * sizeof *pb->p);
    pb->pn = malloc((size_t)pb->r.n * sizeof *pb->pn);
    double o[2];
    cr_assert_eq(pln_states_free(pb->st, 1, NULL, pb->p, o), PLN_OK, "%s",
                 pln_ctx_last_error(ctx)->message);
    pb->T[0] = o[0] + 0.2;
    pb->T[1] = o[1] - 0.15;
}

static void unmake(problem *pb)
{
    pln_states_destroy(pb->st);
    pln_network_destroy(pb->net);
    cf_random_free(&pb->r);
    free(pb->p);
    free(pb->pn);
}

static double cost(problem *pb)
{
    double o[2];
    /* cold each time: the cost must not depend on the last solve */
    cr_assert_eq(pln_states_set_warm(pb->st, 1, NULL), PLN_OK);
    cr_assert_eq(pln_states_free(pb->st, 1, NULL, pb->p, o), PLN_OK, "%s",
                 pln_ctx_last_error(ctx)->message);
    return 0.5 * ((o[0] - pb->T[0]) * (o[0] - pb->T[0]) + (o[1] - pb->T[1]) * (o[1] - pb->T[1]));
}

/* Centered EP for every edge's parameter p: -(1/(2 beta)) [s(x^+) - s(x^-)] (alpha = 1), the
 * rule's update, against -2 dC/d theta by central differences. Returns how many edges were
 * compared. */
static int check_param(problem *pb, pln_eparam par, double *worst)
{
    const pln_idx m = pb->r.m;
    double *sp = malloc((size_t)m * sizeof *sp), *sm = malloc((size_t)m * sizeof *sm);
    double o[2];
    (void)cost(pb);
    cr_assert_eq(pln_states_free(pb->st, 1, NULL, pb->p, o), PLN_OK);
    cr_assert_eq(pln_states_nudge(pb->st, 1, pb->p, o, pb->T, BETA, pb->pn, NULL), PLN_OK, "%s",
                 pln_ctx_last_error(ctx)->message);
    pln_network_element_signals(pb->net, par, pb->pn, sp);
    cr_assert_eq(pln_states_nudge(pb->st, 1, pb->p, o, pb->T, -BETA, pb->pn, NULL), PLN_OK);
    pln_network_element_signals(pb->net, par, pb->pn, sm);
    int compared = 0;
    double scale = 0.0;
    double *fd = calloc((size_t)m, sizeof *fd), *hs = calloc((size_t)m, sizeof *hs);
    for (pln_idx e = 0; e < m; e++) {
        const double th = pln_network_element_param(pb->net, e, par);
        if (isnan(th) || ((par == PLN_EP_RS || par == PLN_EP_LAMBDA) && th == 0.0)) {
            fd[e] = NAN; /* no such parameter, or at its bound 0 (no central difference) */
            continue;
        }
        const double h = 1e-5 * (th != 0.0 ? fabs(th) : 1.0);
        cr_assert_eq(pln_network_set_element_param(pb->net, e, par, th + h), PLN_OK);
        const double cp = cost(pb);
        cr_assert_eq(pln_network_set_element_param(pb->net, e, par, th - h), PLN_OK);
        const double cm = cost(pb);
        cr_assert_eq(pln_network_set_element_param(pb->net, e, par, th), PLN_OK);
        fd[e] = (cp - cm) / (2 * h);
        hs[e] = h;
        scale = fmax(scale, fabs(fd[e]));
    }
    for (pln_idx e = 0; e < m; e++) {
        if (isnan(pln_network_element_param(pb->net, e, par))) {
            fd[e] = NAN;
        }
    }
    for (pln_idx e = 0; e < m; e++) {
        /* no such parameter; no influence to speak of (cutoff, deep reverse bias); or a cost
         * change over the step below 1e-10, where the cost's rounding (~1e-16) would be
         * 1e-6 of the difference */
        if (isnan(fd[e]) || fabs(fd[e]) < 1e-3 * scale || fabs(fd[e]) * hs[e] < 1e-10) {
            continue;
        }
        const double ep = -(sp[e] - sm[e]) / (2 * BETA);
        *worst = fmax(*worst, ts_rel_diff(ep, -2.0 * fd[e], 1e-30));
        cr_assert(ts_rel_diff(ep, -2.0 * fd[e], 1e-30) < TOL_GRAD,
                  "%s of edge %lld (%s): EP %.10g, -2 dC/dtheta %.10g", pln_eparam_name(par),
                  (long long)e, pln_element_kind_name(pln_network_element_kind(pb->net, e)), ep,
                  -2.0 * fd[e]);
        compared++;
    }
    free(sp);
    free(sm);
    free(fd);
    free(hs);
    return compared;
}

Test(circuit_learning, ep_update_is_minus_two_alpha_gradient_for_every_parameter)
{
    const pln_eparam params[] = {PLN_EP_CONDUCTANCE, PLN_EP_IS, PLN_EP_N, PLN_EP_RS,
                                 PLN_EP_GATE, PLN_EP_KP, PLN_EP_VTO, PLN_EP_LAMBDA};
    int total[8] = {0};
    double worst[8] = {0};
    for (uint64_t seed = 21; seed <= 26; seed++) {
        problem pb;
        make(&pb, seed);
        for (int q = 0; q < 8; q++) {
            total[q] += check_param(&pb, params[q], &worst[q]);
        }
        unmake(&pb);
    }
    for (int q = 0; q < 8; q++) {
        cr_log_info("%s: %d edges compared, largest relative difference %.2g",
                    pln_eparam_name(params[q]), total[q], worst[q]);
        cr_assert(total[q] >= 3, "%s: only %d edges with an influence", pln_eparam_name(params[q]),
                  total[q]);
    }
}
