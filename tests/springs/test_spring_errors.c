/* test_spring_errors.c — every error a spring network can raise: under-constrained (rigid and floppy), non-convergence, bad parameters and outputs. */
#include "spring_fixtures.h"

#include <criterion/criterion.h>
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
TestSuite(spring_errors, .init = setup, .fini = teardown, .timeout = 60);

static pln_status try_create(const pln_graph *g, pln_kind kind, const pln_boundary *bc,
                             pln_network **net)
{
    pln_network_options o;
    pln_network_options_default(&o);
    o.kind = kind;
    *net = NULL;
    return pln_network_create(ctx, g, &o, bc, net);
}

static const char *msg(void) { return pln_ctx_last_error(ctx)->message; }

Test(spring_errors, rigid_body_modes_left_free_by_the_pins_are_counted)
{
    pln_graph *g = NULL;
    cr_assert_eq(pln_graph_triangular_lattice(ctx, 4, 4, false, &g), PLN_OK);
    pln_network *net = NULL;
    /* no pin: 3 modes in 2D */
    cr_assert_eq(try_create(g, PLN_KIND_SPRING, NULL, &net), PLN_ESINGULAR);
    cr_assert_null(net);
    cr_assert(strstr(msg(), "under-constrained: pin at least 2 more nodes") != NULL, "%s", msg());
    cr_assert(strstr(msg(), "leave 3 of its 3 rigid-body modes") != NULL, "%s", msg());
    /* one pin: the rotation about it */
    pln_idx pins[] = {5, 10};
    pln_boundary bc;
    pln_boundary_default(&bc);
    bc.n_dirichlet = 1;
    bc.dirichlet_nodes = pins;
    cr_assert_eq(try_create(g, PLN_KIND_SPRING_LINEAR, &bc, &net), PLN_ESINGULAR);
    cr_assert(strstr(msg(), "leave 1 of its 3") != NULL, "%s", msg());
    cr_assert(strstr(msg(), "pin at least 1 more node ") != NULL, "%s", msg());
    /* one pin and one roller whose axis is along the line between them: still rotates */
    int axes[] = {3, 1};
    double pos5[2], pos10[2];
    memcpy(pos5, pln_graph_positions(g) + 10, sizeof pos5);
    memcpy(pos10, pln_graph_positions(g) + 20, sizeof pos10);
    cr_assert(fabs(pos5[1] - pos10[1]) > 0.5, "nodes 5 and 10 are on different rows");
    bc.n_dirichlet = 2;
    bc.dirichlet_axes = axes;
    /* roller holding x at node 10: rotation about node 5 moves node 10 in x (rows differ) */
    cr_assert_eq(try_create(g, PLN_KIND_SPRING, &bc, &net), PLN_OK, "%s", msg());
    pln_network_destroy(net);
    pln_graph_destroy(g);

    /* 3D: two pins leave the rotation about their axis */
    pln_idx t[] = {0, 0, 0, 1, 1, 2}, h[] = {1, 2, 3, 2, 3, 3};
    double p3[] = {0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1};
    cr_assert_eq(pln_graph_create(ctx, 4, 6, t, h, &g), PLN_OK);
    cr_assert_eq(pln_graph_set_positions(g, 3, p3), PLN_OK);
    pln_idx pins3[] = {0, 1, 2};
    pln_boundary_default(&bc);
    bc.n_dirichlet = 2;
    bc.dirichlet_nodes = pins3;
    cr_assert_eq(try_create(g, PLN_KIND_SPRING, &bc, &net), PLN_ESINGULAR);
    cr_assert(strstr(msg(), "leave 1 of its 6") != NULL, "%s", msg());
    bc.n_dirichlet = 3;
    cr_assert_eq(try_create(g, PLN_KIND_SPRING, &bc, &net), PLN_OK, "%s", msg());
    cr_assert_eq(pln_network_state_dim(net), 3);
    cr_assert_eq(pln_network_n_reduced(net), 3);
    pln_network_destroy(net);
    pln_graph_destroy(g);
}

/* A square lattice with its left column pinned: rigid motions are held, but each other column
 * can slide vertically (no diagonal braces): nx - 1 floppy modes. */
Test(spring_errors, floppy_modes_are_reported_with_their_count)
{
    pln_graph *g = NULL;
    cr_assert_eq(pln_graph_square_lattice(ctx, 4, 3, false, &g), PLN_OK);
    pln_idx pins[] = {0, 4, 8};
    pln_idx fn[] = {7};
    double F[] = {0.1, 0.0}; /* a load, so that the nonlinear solve has work to do */
    pln_boundary bc;
    pln_boundary_default(&bc);
    bc.n_dirichlet = 3;
    bc.dirichlet_nodes = pins;
    bc.n_currents = 1;
    bc.current_nodes = fn;
    bc.current_values = F;
    for (int kind = PLN_KIND_SPRING; kind <= PLN_KIND_SPRING_LINEAR; kind++) {
        pln_network *net = NULL;
        cr_assert_eq(try_create(g, (pln_kind)kind, &bc, &net), PLN_OK, "%s", msg());
        pln_states *st = NULL;
        cr_assert_eq(pln_states_create(ctx, net, 0, NULL, NULL, &st), PLN_OK);
        pln_status s = pln_states_factor(st);
        if (s == PLN_OK) {
            double x[24];
            s = pln_states_free(st, 1, NULL, x, NULL);
        }
        cr_assert_eq(s, PLN_ESINGULAR, "%s", pln_kind_name((pln_kind)kind));
        cr_assert(strstr(msg(), "under-constrained") != NULL, "%s", msg());
        cr_assert(strstr(msg(), "has 3 zero modes") != NULL, "%s", msg());
        cr_assert(pln_ctx_last_error(ctx)->node >= 0);
        pln_states_destroy(st);
        pln_network_destroy(net);
    }
    pln_graph_destroy(g);
}

/* The same floppy lattice with no load at all: the nonlinear free state is the reference
 * itself (zero force, so Newton converges without a step), yet the stiffness there is
 * singular. The first free solve after pln_states_factor still factors it once and reports
 * the mechanisms; a braced (triangular) patch under no load solves with no error. */
Test(spring_errors, floppy_modes_are_reported_without_a_load)
{
    pln_graph *g = NULL;
    cr_assert_eq(pln_graph_square_lattice(ctx, 4, 3, false, &g), PLN_OK);
    pln_idx pins[] = {0, 4, 8};
    pln_boundary bc;
    pln_boundary_default(&bc);
    bc.n_dirichlet = 3;
    bc.dirichlet_nodes = pins;
    pln_network *net = NULL;
    cr_assert_eq(try_create(g, PLN_KIND_SPRING, &bc, &net), PLN_OK, "%s", msg());
    pln_states *st = NULL;
    cr_assert_eq(pln_states_create(ctx, net, 0, NULL, NULL, &st), PLN_OK);
    double x[24];
    for (int round = 0; round < 2; round++) { /* and again after a second factor call */
        cr_assert_eq(pln_states_factor(st), PLN_OK);
        cr_assert_eq(pln_states_free(st, 1, NULL, x, NULL), PLN_ESINGULAR, "round %d", round);
        cr_assert(strstr(msg(), "under-constrained") != NULL, "%s", msg());
        cr_assert(strstr(msg(), "has 3 zero modes") != NULL, "%s", msg());
        cr_assert(pln_ctx_last_error(ctx)->node >= 0);
    }
    pln_states_destroy(st);
    pln_network_destroy(net);
    pln_graph_destroy(g);

    cr_assert_eq(pln_graph_triangular_lattice(ctx, 4, 3, false, &g), PLN_OK);
    pln_idx tri_pins[] = {0, 3};
    bc.n_dirichlet = 2;
    bc.dirichlet_nodes = tri_pins;
    cr_assert_eq(try_create(g, PLN_KIND_SPRING, &bc, &net), PLN_OK, "%s", msg());
    cr_assert_eq(pln_states_create(ctx, net, 0, NULL, NULL, &st), PLN_OK);
    cr_assert_eq(pln_states_factor(st), PLN_OK);
    cr_assert_eq(pln_states_free(st, 1, NULL, x, NULL), PLN_OK, "%s", msg());
    const double *pos = pln_graph_positions(g);
    for (int i = 0; i < 24; i++) {
        cr_assert(fabs(x[i] - pos[i]) < 1e-12, "component %d moved: %.17g vs %.17g", i, x[i],
                  pos[i]);
    }
    pln_states_destroy(st);
    pln_network_destroy(net);
    pln_graph_destroy(g);
}

Test(spring_errors, newton_that_does_not_converge_says_so_with_its_residual)
{
    pln_graph *g = NULL;
    cr_assert_eq(pln_graph_triangular_lattice(ctx, 6, 6, false, &g), PLN_OK);
    pln_idx pins[] = {0, 5, 30, 35};
    double disp[] = {0, 0, 1.5, 0, 0, 2.0, 1.5, 2.0}; /* a large stretch */
    pln_boundary bc;
    pln_boundary_default(&bc);
    bc.n_dirichlet = 4;
    bc.dirichlet_nodes = pins;
    bc.dirichlet_values = disp;
    pln_network *net = NULL;
    cr_assert_eq(try_create(g, PLN_KIND_SPRING, &bc, &net), PLN_OK);
    pln_states_options so;
    pln_states_options_default(&so);
    so.newton_max_iter = 1;
    pln_states *st = NULL;
    cr_assert_eq(pln_states_create(ctx, net, 0, NULL, &so, &st), PLN_OK);
    cr_assert_eq(pln_states_factor(st), PLN_OK);
    double x[72];
    cr_assert_eq(pln_states_free(st, 1, NULL, x, NULL), PLN_ENOCONV);
    cr_assert(strstr(msg(), "did not converge in 1 iterations: residual force") != NULL, "%s",
              msg());
    pln_states_destroy(st);
    st = NULL;
    /* with the default limit it converges */
    cr_assert_eq(pln_states_create(ctx, net, 0, NULL, NULL, &st), PLN_OK);
    cr_assert_eq(pln_states_factor(st), PLN_OK);
    cr_assert_eq(pln_states_free(st, 1, NULL, x, NULL), PLN_OK, "%s", msg());
    pln_states_destroy(st);
    st = NULL;
    /* bad options */
    so.newton_max_iter = 0;
    cr_assert_eq(pln_states_create(ctx, net, 0, NULL, &so, &st), PLN_EINVAL);
    cr_assert_str_eq(pln_ctx_last_error(ctx)->key, "newton.max_iterations");
    pln_states_options_default(&so);
    so.newton_tol = 0.0;
    cr_assert_eq(pln_states_create(ctx, net, 0, NULL, &so, &st), PLN_EINVAL);
    cr_assert_str_eq(pln_ctx_last_error(ctx)->key, "newton.tolerance");
    cr_assert_null(st);
    pln_network_destroy(net);
    pln_graph_destroy(g);
}

Test(spring_errors, bad_parameters_boundaries_and_outputs_are_named)
{
    pln_idx t[] = {0, 1, 0}, h[] = {1, 2, 2};
    double pos[] = {0, 0, 1, 0, 0, 1};
    pln_graph *g = NULL;
    cr_assert_eq(pln_graph_create(ctx, 3, 3, t, h, &g), PLN_OK);
    cr_assert_eq(pln_graph_set_positions(g, 2, pos), PLN_OK);
    pln_idx pins[] = {0, 1};
    pln_boundary bc;
    pln_boundary_default(&bc);
    bc.n_dirichlet = 2;
    bc.dirichlet_nodes = pins;
    pln_network *net = NULL;

    double k[] = {1.0, -2.0, 1.0};
    cr_assert_eq(pln_graph_edge_attr_set(g, "stiffness", k), PLN_OK);
    cr_assert_eq(try_create(g, PLN_KIND_SPRING, &bc, &net), PLN_EINVAL);
    cr_assert_eq(pln_ctx_last_error(ctx)->edge, 1);
    k[1] = 2.0;
    cr_assert_eq(pln_graph_edge_attr_set(g, "stiffness", k), PLN_OK);
    double l[] = {1.0, 1.0, NAN};
    cr_assert_eq(pln_graph_edge_attr_set(g, "rest_length", l), PLN_OK);
    cr_assert_eq(try_create(g, PLN_KIND_SPRING, &bc, &net), PLN_EINVAL);
    cr_assert_eq(pln_ctx_last_error(ctx)->edge, 2);
    l[2] = 1.0;
    cr_assert_eq(pln_graph_edge_attr_set(g, "rest_length", l), PLN_OK);

    int axes[] = {3, 4}; /* bit 2 is z: not in 2D */
    bc.dirichlet_axes = axes;
    cr_assert_eq(try_create(g, PLN_KIND_SPRING, &bc, &net), PLN_EINVAL);
    cr_assert_eq(pln_ctx_last_error(ctx)->node, 1);
    bc.dirichlet_axes = NULL;

    pln_idx se[] = {0};
    bc.n_sources = 1;
    bc.source_edges = se;
    cr_assert_eq(try_create(g, PLN_KIND_SPRING, &bc, &net), PLN_EINVAL); /* both ends pinned */
    cr_assert_eq(pln_ctx_last_error(ctx)->edge, 0);
    bc.n_sources = 0;

    cr_assert_eq(try_create(g, PLN_KIND_SPRING, &bc, &net), PLN_OK, "%s", msg());
    pln_states *st = NULL;
    pln_output bad1[] = {{PLN_OUT_NODE, 2}};
    cr_assert_eq(pln_states_create(ctx, net, 1, bad1, NULL, &st), PLN_EINVAL);
    cr_assert(strstr(msg(), "needs an axis") != NULL, "%s", msg());
    pln_output bad2[] = {{PLN_OUT_NODE_Z, 2}};
    cr_assert_eq(pln_states_create(ctx, net, 1, bad2, NULL, &st), PLN_EINVAL);
    pln_output bad3[] = {{PLN_OUT_NODE_X, 0}};
    cr_assert_eq(pln_states_create(ctx, net, 1, bad3, NULL, &st), PLN_EINVAL);
    cr_assert(strstr(msg(), "held by its pin") != NULL, "%s", msg());
    pln_output bad4[] = {{PLN_OUT_EDGE, 0}};
    cr_assert_eq(pln_states_create(ctx, net, 1, bad4, NULL, &st), PLN_EINVAL);
    cr_assert_null(st);
    double lbad[] = {1.0, -1.0, 1.0};
    cr_assert_eq(pln_network_set_rest_lengths(net, lbad), PLN_EINVAL);
    cr_assert_eq(pln_ctx_last_error(ctx)->edge, 1);
    pln_network_destroy(net);

    /* coincident nodes have no reference length */
    double same[] = {0, 0, 0, 0, 0, 1};
    cr_assert_eq(pln_graph_set_positions(g, 2, same), PLN_OK);
    cr_assert_eq(try_create(g, PLN_KIND_SPRING_LINEAR, &bc, &net), PLN_EINVAL);
    cr_assert_eq(pln_ctx_last_error(ctx)->edge, 0);
    pln_graph_destroy(g);

    /* a resistor network refuses axis outputs and rest lengths */
    cr_assert_eq(pln_graph_create(ctx, 3, 3, t, h, &g), PLN_OK);
    pln_boundary_default(&bc);
    bc.n_dirichlet = 1;
    bc.dirichlet_nodes = pins;
    cr_assert_eq(try_create(g, PLN_KIND_RESISTOR, &bc, &net), PLN_OK);
    cr_assert_eq(pln_network_state_dim(net), 1);
    cr_assert_eq(pln_states_create(ctx, net, 1, bad3, NULL, &st), PLN_EINVAL);
    cr_assert_eq(pln_network_set_signal_param(net, PLN_PARAM_REST_LENGTH), PLN_EINVAL);
    cr_assert_eq(pln_network_set_rest_lengths(net, l), PLN_EINVAL);
    cr_assert_null(pln_network_rest_lengths(net));
    pln_network_destroy(net);
    pln_graph_destroy(g);
}
