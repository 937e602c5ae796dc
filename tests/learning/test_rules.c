/* test_rules.c — the rules of SPEC 3 against finite-difference gradients of the cost and against Stern et al.'s rule computed by hand. */
#include "learn_fixtures.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>

/* The rules use s = dp^2 = 2 dE/dk (SPEC 3 table), so as beta -> 0 the equilibrium update per
 * unit rate tends to -2 dC/dtheta (see pln_learning.h). */
#define GRAD_FACTOR 2.0

static double rule_error(lf_net *f, pln_rule_kind rule, double beta, pln_dof dof,
                         const double *grad)
{
    double *d = malloc((size_t)f->m * sizeof *d);
    double *want = malloc((size_t)f->m * sizeof *want);
    lf_rule_update(f, rule, 1.0, beta, 0.5, dof, d);
    for (pln_idx e = 0; e < f->m; e++) {
        want[e] = -GRAD_FACTOR * grad[e];
    }
    double err = ts_max_rel_err(d, want, (size_t)f->m);
    free(d);
    free(want);
    return err;
}

Test(rules, equilibrium_matches_finite_difference_gradient)
{
    for (uint64_t seed = 1; seed <= 5; seed++) {
        lf_net f;
        lf_random(&f, PLN_KIND_RESISTOR, 14, 12, 2, 2, 1, seed);
        double *grad = malloc((size_t)f.m * sizeof *grad);
        lf_fd_gradient(&f, PLN_DOF_CONDUCTANCE, 1e-5, grad);
        double err = rule_error(&f, PLN_RULE_EQUILIBRIUM, 1e-6, PLN_DOF_CONDUCTANCE, grad);
        cr_log_info("seed %d: equilibrium beta=1e-6 relative error %.3e", (int)seed, err);
        /* Truncation O(beta) ~ 1e-6, rounding ~ eps/beta ~ 1e-10: 1e-4 leaves a wide margin
         * while a wrong sign or factor would give errors of order 1. */
        cr_assert(err < 1e-4, "seed %d: relative error %g", (int)seed, err);
        free(grad);
        lf_free(&f);
    }
}

Test(rules, centered_rules_converge_with_beta_squared)
{
    lf_net f;
    lf_random(&f, PLN_KIND_RESISTOR, 14, 12, 2, 2, 1, 42);
    double *grad = malloc((size_t)f.m * sizeof *grad);
    lf_fd_gradient(&f, PLN_DOF_CONDUCTANCE, 1e-5, grad);
    double beta = 0.02;
    double e1 = rule_error(&f, PLN_RULE_EQUILIBRIUM, beta, PLN_DOF_CONDUCTANCE, grad);
    double e2 = rule_error(&f, PLN_RULE_EQUILIBRIUM, beta / 2, PLN_DOF_CONDUCTANCE, grad);
    double c1 = rule_error(&f, PLN_RULE_EQUILIBRIUM_CENTERED, beta, PLN_DOF_CONDUCTANCE, grad);
    double c2 =
        rule_error(&f, PLN_RULE_EQUILIBRIUM_CENTERED, beta / 2, PLN_DOF_CONDUCTANCE, grad);
    cr_log_info("one-sided %.3e -> %.3e (ratio %.3f); centered %.3e -> %.3e (ratio %.3f)", e1,
                e2, e1 / e2, c1, c2, c1 / c2);
    cr_assert(e1 / e2 > 1.8 && e1 / e2 < 2.2, "one-sided ratio %g", e1 / e2);
    cr_assert(c1 / c2 > 3.6 && c1 / c2 < 4.4, "centered ratio %g", c1 / c2);
    cr_assert(c1 < e1, "centered error %g not below one-sided %g", c1, e1);
    free(grad);
    lf_free(&f);
}

Test(rules, dyadic_endpoints_are_one_sided_and_centered_ep)
{
    lf_net f;
    lf_random(&f, PLN_KIND_RESISTOR, 16, 14, 2, 3, 1, 7);
    pln_idx m = f.m;
    double *a = malloc((size_t)m * sizeof *a);
    double *b = malloc((size_t)m * sizeof *b);
    double beta = 0.3;
    lf_rule_update(&f, PLN_RULE_DYADIC, 0.7, beta, 0.0, PLN_DOF_CONDUCTANCE, a);
    lf_rule_update(&f, PLN_RULE_EQUILIBRIUM, 0.7, beta, 0.0, PLN_DOF_CONDUCTANCE, b);
    cr_assert(ts_max_rel_err(a, b, (size_t)m) < 1e-13, "a = 0 vs equilibrium: %g",
              ts_max_rel_err(a, b, (size_t)m));
    /* a = 1/2 puts the twins at +-beta/2, i.e. centered EP with nudge beta/2. */
    lf_rule_update(&f, PLN_RULE_DYADIC, 0.7, beta, 0.5, PLN_DOF_CONDUCTANCE, a);
    lf_rule_update(&f, PLN_RULE_EQUILIBRIUM_CENTERED, 0.7, beta / 2, 0.0, PLN_DOF_CONDUCTANCE,
                   b);
    cr_assert(ts_max_rel_err(a, b, (size_t)m) < 1e-13, "a = 1/2 vs centered: %g",
              ts_max_rel_err(a, b, (size_t)m));
    /* a = 1 is negative-nudge EP: a genuinely different estimator, not the same numbers. */
    lf_rule_update(&f, PLN_RULE_DYADIC, 0.7, beta, 1.0, PLN_DOF_CONDUCTANCE, a);
    lf_rule_update(&f, PLN_RULE_EQUILIBRIUM, 0.7, beta, 0.0, PLN_DOF_CONDUCTANCE, b);
    cr_assert(ts_max_rel_err(a, b, (size_t)m) > 1e-6);
    free(a);
    free(b);
    lf_free(&f);
}

Test(rules, radius_dof_matches_finite_difference_gradient)
{
    for (uint64_t seed = 11; seed <= 13; seed++) {
        lf_net f;
        lf_random(&f, PLN_KIND_FLOW, 12, 10, 2, 2, 1, seed);
        cr_assert_not_null(pln_network_radii(f.net));
        double *grad = malloc((size_t)f.m * sizeof *grad);
        lf_fd_gradient(&f, PLN_DOF_RADIUS, 1e-5, grad);
        double err = rule_error(&f, PLN_RULE_EQUILIBRIUM, 1e-6, PLN_DOF_RADIUS, grad);
        cr_log_info("seed %d: radius dof relative error %.3e", (int)seed, err);
        cr_assert(err < 1e-4, "seed %d: relative error %g", (int)seed, err);
        /* Without the chain rule (dk/dr = 4k/r) the update would be the k-gradient: check the
         * test can tell the difference. */
        double *gk = malloc((size_t)f.m * sizeof *gk);
        lf_fd_gradient(&f, PLN_DOF_CONDUCTANCE, 1e-5, gk);
        cr_assert(rule_error(&f, PLN_RULE_EQUILIBRIUM, 1e-6, PLN_DOF_RADIUS, gk) > 1e-2);
        free(gk);
        free(grad);
        lf_free(&f);
    }
}

/* A three-pipe chain 0 -k1- 1 -k2- 2 -k3- 3, p0 = V, p3 = 0, output p2, solved by hand. */
Test(rules, coupled_is_stern_rule_on_a_three_pipe_chain)
{
    pln_ctx *ctx = NULL;
    cr_assert(pln_ctx_create(&ctx) == PLN_OK);
    const pln_idx tail[3] = {0, 1, 2}, head[3] = {1, 2, 3};
    const double k[3] = {2.385, 0.731, 1.517};
    const double V = 1.3, T = 0.21, eta = 0.37, alpha = 0.083;
    pln_graph *g = NULL;
    cr_assert(pln_graph_create(ctx, 4, 3, tail, head, &g) == PLN_OK);
    cr_assert(pln_graph_edge_attr_set(g, "conductance", k) == PLN_OK);
    pln_network_options no;
    pln_network_options_default(&no);
    no.kind = PLN_KIND_FLOW;
    const pln_idx dn[2] = {0, 3};
    const double dv[2] = {V, 0.0};
    pln_boundary bc;
    pln_boundary_default(&bc);
    bc.n_dirichlet = 2;
    bc.dirichlet_nodes = dn;
    bc.dirichlet_values = dv;
    pln_network *net = NULL;
    cr_assert(pln_network_create(ctx, g, &no, &bc, &net) == PLN_OK);
    pln_output out = {PLN_OUT_NODE, 2};
    pln_states *st = NULL;
    cr_assert(pln_states_create(ctx, net, 1, &out, NULL, &st) == PLN_OK);
    cr_assert(pln_states_factor(st) == PLN_OK);

    /* Free state: series pipes carry Q = V / (1/k1 + 1/k2 + 1/k3). */
    double Q = V / (1.0 / k[0] + 1.0 / k[1] + 1.0 / k[2]);
    double p1F = V - Q / k[0], p2F = Q / k[2];
    double dpF[3] = {V - p1F, p1F - p2F, p2F};
    /* Clamped: p2 held at p2F + eta (T - p2F); node 1 balances k1 (V - p1) = k2 (p1 - p2C). */
    double p2C = p2F + eta * (T - p2F);
    double p1C = (k[0] * V + k[1] * p2C) / (k[0] + k[1]);
    double dpC[3] = {V - p1C, p1C - p2C, p2C};

    double p[4], o[1];
    cr_assert(pln_states_free(st, 1, NULL, p, o) == PLN_OK);
    pln_rule_options ro;
    pln_rule_options_default(&ro);
    ro.rule = PLN_RULE_COUPLED;
    ro.rate = alpha;
    ro.nudge = eta;
    double work[64], d[3];
    cr_assert(pln_rule_work_size(st, 1) <= 64);
    pln_rule_energy en;
    cr_assert(pln_rule_update(st, &ro, 1, p, o, &T, NULL, NULL, d, &en, work) == PLN_OK);
    double joule = 0.0;
    for (int e = 0; e < 3; e++) {
        double want = (alpha / eta) * (dpF[e] * dpF[e] - dpC[e] * dpC[e]);
        cr_assert(ts_rel_diff(d[e], want, 1e-14) < 1e-11, "edge %d: %.15g vs %.15g", e, d[e],
                  want);
        joule += k[e] * (dpF[e] * dpF[e] + dpC[e] * dpC[e]);
    }
    /* SPEC 5: heat of both physical states, free and clamped. */
    cr_assert(ts_rel_diff(en.joule, joule, 1e-14) < 1e-11, "joule %g vs %g", en.joule, joule);

    /* coupled_centered: clamps at p2F +- eta (T - p2F), weight alpha / (2 eta). */
    double p2P = p2F + eta * (T - p2F), p2M = p2F - eta * (T - p2F);
    double p1P = (k[0] * V + k[1] * p2P) / (k[0] + k[1]);
    double p1M = (k[0] * V + k[1] * p2M) / (k[0] + k[1]);
    double dpP[3] = {V - p1P, p1P - p2P, p2P}, dpM[3] = {V - p1M, p1M - p2M, p2M};
    ro.rule = PLN_RULE_COUPLED_CENTERED;
    cr_assert(pln_rule_update(st, &ro, 1, p, o, &T, NULL, NULL, d, NULL, work) == PLN_OK);
    for (int e = 0; e < 3; e++) {
        double want = -(alpha / (2 * eta)) * (dpP[e] * dpP[e] - dpM[e] * dpM[e]);
        cr_assert(ts_rel_diff(d[e], want, 1e-14) < 1e-11, "edge %d: %.15g vs %.15g", e, d[e],
                  want);
    }
    pln_states_destroy(st);
    pln_network_destroy(net);
    pln_graph_destroy(g);
    pln_ctx_destroy(ctx);
}

Test(rules, bad_options_name_the_key)
{
    pln_ctx *ctx = NULL;
    cr_assert(pln_ctx_create(&ctx) == PLN_OK);
    pln_rule_options ro;
    pln_rule_options_default(&ro);
    ro.nudge = 1.5;
    cr_assert(pln_rule_options_check(ctx, &ro) == PLN_EINVAL);
    cr_assert_str_eq(pln_ctx_last_error(ctx)->key, "learning.nudge");
    ro.rule = PLN_RULE_DYADIC;
    ro.asymmetry = 1.5;
    ro.nudge = 0.1;
    cr_assert(pln_rule_options_check(ctx, &ro) == PLN_EINVAL);
    cr_assert_str_eq(pln_ctx_last_error(ctx)->key, "learning.asymmetry");
    pln_rule_kind r;
    cr_assert(pln_rule_parse(ctx, "equilibrium_centered", &r) == PLN_OK);
    cr_assert(r == PLN_RULE_EQUILIBRIUM_CENTERED);
    cr_assert(pln_rule_parse(ctx, "hebbian", &r) == PLN_EINVAL);
    cr_assert_str_eq(pln_ctx_last_error(ctx)->key, "learning.rule");
    pln_ctx_destroy(ctx);
}
