/* test_spring_learning.c — learning on spring networks: the equilibrium rule against finite-difference gradients of the cost, for the stiffness and for the rest length (SPEC 3). */
#include "pln_learning.h"
#include "spring_fixtures.h"

#include <criterion/criterion.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static pln_ctx *ctx;
static void setup(void) { cr_assert_eq(pln_ctx_create(&ctx), PLN_OK); }
static void teardown(void)
{
    pln_ctx_destroy(ctx);
    ts_check_leaks();
}
TestSuite(spring_learning, .init = setup, .fini = teardown, .timeout = 120);

typedef struct problem {
    pln_graph *g;
    pln_network *net;
    pln_states *st;
    pln_idx n_out;
    pln_output outs[2];
    double T[2];
} problem;

/* 5 x 5 triangular patch, two corners and a third node pinned, one source edge strained by
 * 6%, a node displacement and an edge strain as outputs, with random stiffness and rest
 * lengths off the reference (prestress). */
static void make_problem(problem *pb, pln_kind kind)
{
    cr_assert_eq(pln_graph_triangular_lattice(ctx, 5, 5, false, &pb->g), PLN_OK);
    const pln_idx m = pln_graph_n_edges(pb->g);
    pln_rng rng;
    pln_rng_seed(&rng, 2024);
    double *k = malloc((size_t)m * sizeof *k), *l = malloc((size_t)m * sizeof *l);
    for (pln_idx e = 0; e < m; e++) {
        k[e] = 0.5 + pln_rng_uniform(&rng);
        l[e] = 1.0 + 0.1 * (pln_rng_uniform(&rng) - 0.5);
    }
    cr_assert_eq(pln_graph_edge_attr_set(pb->g, "stiffness", k), PLN_OK);
    cr_assert_eq(pln_graph_edge_attr_set(pb->g, "rest_length", l), PLN_OK);
    free(k);
    free(l);
    static pln_idx pins[] = {0, 4, 2};
    static pln_idx se[] = {9};
    static double sv[] = {0.06};
    pln_boundary bc;
    pln_boundary_default(&bc);
    bc.n_dirichlet = 3;
    bc.dirichlet_nodes = pins;
    bc.n_sources = 1;
    bc.source_edges = se;
    bc.source_values = sv;
    pb->net = sf_network(ctx, pb->g, kind, &bc);
    pb->n_out = 2;
    pb->outs[0] = (pln_output){.kind = PLN_OUT_NODE_Y, .index = 22};
    pb->outs[1] = (pln_output){.kind = PLN_OUT_EDGE, .index = m - 3};
    pln_states_options so;
    pln_states_options_default(&so);
    so.newton_tol = 1e-13;
    cr_assert_eq(pln_states_create(ctx, pb->net, 2, pb->outs, &so, &pb->st), PLN_OK, "%s",
                 pln_ctx_last_error(ctx)->message);
    cr_assert_eq(pln_states_factor(pb->st), PLN_OK);
    pb->T[0] = 0.03;
    pb->T[1] = -0.02;
}

static void free_problem(problem *pb)
{
    pln_states_destroy(pb->st);
    pln_network_destroy(pb->net);
    pln_graph_destroy(pb->g);
}

static double cost(problem *pb, double *x)
{
    double o[2];
    cr_assert_eq(pln_states_factor(pb->st), PLN_OK);
    pln_status s = pln_states_free(pb->st, 1, NULL, x, o);
    cr_assert_eq(s, PLN_OK, "%s", pln_ctx_last_error(ctx)->message);
    return 0.5 * ((o[0] - pb->T[0]) * (o[0] - pb->T[0]) + (o[1] - pb->T[1]) * (o[1] - pb->T[1]));
}

static pln_status set_theta(problem *pb, pln_dof dof, const double *th)
{
    if (dof == PLN_DOF_BOTH) {
        pln_status s = pln_network_set_conductances(pb->net, th);
        return s != PLN_OK ? s
                           : pln_network_set_rest_lengths(pb->net,
                                                          th + pln_network_n_edges(pb->net));
    }
    return dof == PLN_DOF_REST_LENGTH ? pln_network_set_rest_lengths(pb->net, th)
                                      : pln_network_set_conductances(pb->net, th);
}

/* As beta -> 0 the equilibrium rule with alpha = 1 gives -dC/dtheta (no factor 2 for
 * springs: the signal is dE/dtheta itself). Centered, the error is O(beta^2); with
 * beta = 1e-3 and a central difference of h = 1e-5 the two agree to ~1e-5 relative, so 1e-4
 * is asserted (a factor 2 or a sign would miss by 50% or more). */
/* With theta = both (2m values) the rest-length half runs at rate_l: each half is compared
 * with -rate_half dC/dtheta_half. Returns the worst error relative to the largest gradient. */
static double check_gradient_rates(pln_kind kind, pln_dof dof, double rate_l, double *dth_out)
{
    problem pb;
    make_problem(&pb, kind);
    const pln_idx n = pln_network_n_nodes(pb.net) * pln_network_state_dim(pb.net);
    const pln_idx m = pln_network_n_edges(pb.net);
    const pln_idx nth = dof == PLN_DOF_BOTH ? 2 * m : m;
    double *x = malloc((size_t)n * sizeof *x), *dth = malloc((size_t)nth * sizeof *dth);
    double *th = malloc((size_t)nth * sizeof *th);
    double *work = malloc(pln_rule_work_size(pb.st, 1) * sizeof *work);
    double o[2];
    cr_assert_eq(pln_states_free(pb.st, 1, NULL, x, o), PLN_OK);
    pln_rule_options ro;
    pln_rule_options_default(&ro);
    ro.rule = PLN_RULE_EQUILIBRIUM_CENTERED;
    ro.rate = 1.0;
    ro.nudge = 1e-3;
    ro.dof = dof;
    ro.rate_rest_length = rate_l;
    pln_status s = pln_rule_update(pb.st, &ro, 1, x, o, pb.T, NULL, NULL, dth, NULL, work);
    cr_assert_eq(s, PLN_OK, "%s", pln_ctx_last_error(ctx)->message);
    memcpy(th, dof == PLN_DOF_REST_LENGTH ? pln_network_rest_lengths(pb.net)
                                          : pln_network_conductances(pb.net),
           (size_t)m * sizeof *th);
    if (dof == PLN_DOF_BOTH) {
        memcpy(th + m, pln_network_rest_lengths(pb.net), (size_t)m * sizeof *th);
    }
    double worst = 0.0, gmax = 0.0, wh[2] = {0.0, 0.0}, gh[2] = {0.0, 0.0};
    const double h = 1e-5;
    for (pln_idx e = 0; e < nth; e++) {
        const double rate = (dof == PLN_DOF_BOTH && e >= m && rate_l > 0.0) ? rate_l : 1.0;
        th[e] += h;
        cr_assert_eq(set_theta(&pb, dof, th), PLN_OK);
        const double cp = cost(&pb, x);
        th[e] -= 2 * h;
        cr_assert_eq(set_theta(&pb, dof, th), PLN_OK);
        const double cm = cost(&pb, x);
        th[e] += h;
        cr_assert_eq(set_theta(&pb, dof, th), PLN_OK);
        const double fd = (cp - cm) / (2 * h);
        worst = fmax(worst, fabs(dth[e] / rate + fd));
        gmax = fmax(gmax, fabs(fd));
        wh[e >= m] = fmax(wh[e >= m], fabs(dth[e] / rate + fd));
        gh[e >= m] = fmax(gh[e >= m], fabs(fd));
    }
    if (dof == PLN_DOF_BOTH) { /* each half on its own scale (the k gradient is ~40x smaller) */
        cr_log_info("%s, both: stiffness half %.3g of %.3g, rest-length half %.3g of %.3g",
                    pln_kind_name(kind), wh[0], gh[0], wh[1], gh[1]);
        cr_assert(gh[0] > 1e-4 && wh[0] < 1e-4 * gh[0], "stiffness half off by %.3g", wh[0]);
        cr_assert(gh[1] > 1e-4 && wh[1] < 1e-4 * gh[1], "rest-length half off by %.3g", wh[1]);
        worst = fmax(wh[0] / gh[0], wh[1] / gh[1]) * gmax;
    }
    cr_log_info("%s, theta = %s: max |EP + dC/dtheta| = %.3g, max |dC/dtheta| = %.3g",
                pln_kind_name(kind), pln_dof_name(dof), worst, gmax);
    cr_assert(gmax > 1e-4, "the cost must depend on theta");
    cr_assert(worst < 1e-4 * gmax, "%s %s: EP gradient off by %.3g (gradient %.3g)",
              pln_kind_name(kind), pln_dof_name(dof), worst, gmax);
    if (dth_out != NULL) {
        memcpy(dth_out, dth, (size_t)nth * sizeof *dth);
    }
    free(x);
    free(dth);
    free(th);
    free(work);
    free_problem(&pb);
    return worst / gmax;
}

static void check_gradient(pln_kind kind, pln_dof dof)
{
    (void)check_gradient_rates(kind, dof, 0.0, NULL);
}

/* theta = both (issue #5): the combined update passes the same finite-difference check, and
 * its halves are exactly the separate updates (the same two states, the same signals), the
 * rest-length half scaled by its own rate. */
static void check_both(pln_kind kind)
{
    double dk[64], dl[64], db[128], db2[128];
    const double ek = check_gradient_rates(kind, PLN_DOF_CONDUCTANCE, 0.0, dk);
    const double el = check_gradient_rates(kind, PLN_DOF_REST_LENGTH, 0.0, dl);
    const double eb = check_gradient_rates(kind, PLN_DOF_BOTH, 0.0, db);
    const double eb2 = check_gradient_rates(kind, PLN_DOF_BOTH, 0.25, db2);
    cr_log_info("%s: relative EP error k %.3g, l %.3g, both %.3g, both (rate_l 0.25) %.3g",
                pln_kind_name(kind), ek, el, eb, eb2);
    problem pb;
    make_problem(&pb, kind);
    const pln_idx m = pln_network_n_edges(pb.net);
    free_problem(&pb);
    cr_assert(m <= 64);
    cr_assert_eq(memcmp(db, dk, (size_t)m * sizeof *db), 0, "stiffness half differs");
    cr_assert_eq(memcmp(db + m, dl, (size_t)m * sizeof *db), 0, "rest-length half differs");
    cr_assert_eq(memcmp(db2, dk, (size_t)m * sizeof *db), 0);
    for (pln_idx e = 0; e < m; e++) {
        cr_assert(fabs(db2[m + e] - 0.25 * dl[e]) <= 1e-14 * fabs(dl[e]) + 1e-300,
                  "edge %" PRId64 ": %.17g vs 0.25 x %.17g", (int64_t)e, db2[m + e], dl[e]);
    }
}

Test(spring_learning, equilibrium_rule_is_the_gradient_for_both)
{
    check_both(PLN_KIND_SPRING);
    check_both(PLN_KIND_SPRING_LINEAR);
}

Test(spring_learning, equilibrium_rule_is_the_gradient_for_stiffness)
{
    check_gradient(PLN_KIND_SPRING, PLN_DOF_CONDUCTANCE);
    check_gradient(PLN_KIND_SPRING_LINEAR, PLN_DOF_CONDUCTANCE);
}

Test(spring_learning, equilibrium_rule_is_the_gradient_for_rest_length)
{
    check_gradient(PLN_KIND_SPRING, PLN_DOF_REST_LENGTH);
    check_gradient(PLN_KIND_SPRING_LINEAR, PLN_DOF_REST_LENGTH);
}

Test(spring_learning, rest_length_is_refused_on_a_resistor_network)
{
    pln_idx t[] = {0}, h[] = {1}, d[] = {0};
    pln_graph *g = NULL;
    cr_assert_eq(pln_graph_create(ctx, 2, 1, t, h, &g), PLN_OK);
    pln_boundary bc;
    pln_boundary_default(&bc);
    bc.n_dirichlet = 1;
    bc.dirichlet_nodes = d;
    pln_network *net = sf_network(ctx, g, PLN_KIND_RESISTOR, &bc);
    pln_output outs[] = {{.kind = PLN_OUT_NODE, .index = 1}};
    pln_states *st = NULL;
    cr_assert_eq(pln_states_create(ctx, net, 1, outs, NULL, &st), PLN_OK);
    cr_assert_eq(pln_states_factor(st), PLN_OK);
    double p[2], o[1], T[1] = {0.5}, dth[1];
    double *work = malloc(pln_rule_work_size(st, 1) * sizeof *work);
    cr_assert_eq(pln_states_free(st, 1, NULL, p, o), PLN_OK);
    pln_rule_options ro;
    pln_rule_options_default(&ro);
    ro.dof = PLN_DOF_REST_LENGTH;
    cr_assert_eq(pln_rule_update(st, &ro, 1, p, o, T, NULL, NULL, dth, NULL, work), PLN_EINVAL);
    cr_assert_str_eq(pln_ctx_last_error(ctx)->key, "learning.dof");
    free(work);
    pln_states_destroy(st);
    pln_network_destroy(net);
    pln_graph_destroy(g);
}
