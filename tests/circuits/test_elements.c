/* test_elements.c — the edge elements (SPEC 1.3) against closed forms and finite differences: currents, conductances, co-contents and their parameter derivatives in every region; the monotone table; bad parameters named by edge and key. */
#include "circuit_fixtures.h"

#include <criterion/criterion.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Central differences of smooth functions with steps h ~ 1e-6 of the scale: truncation
 * O(h^2) ~ 1e-12 and rounding O(eps/h) ~ 1e-10 relative, so 1e-7 leaves room. */
#define TOL_FD 1e-7
/* A closed form evaluated the same way up to rounding. */
#define TOL_CLOSED 1e-12
/* SI 2019 exact constants, written here independently of the library. */
#define KB 1.380649e-23
#define QE 1.602176634e-19

static pln_ctx *ctx;
static void setup(void) { cr_assert_eq(pln_ctx_create(&ctx), PLN_OK); }
static void teardown(void)
{
    pln_ctx_destroy(ctx);
    ts_check_leaks();
}
TestSuite(elements, .init = setup, .fini = teardown, .timeout = 60);

/* A two-node network: node 0 grounded, node 1 free, one edge 1 -> 0 with the element. */
static pln_network *one_edge(const cf_edge *proto, double gmin, pln_graph **gout)
{
    cf_edge e = *proto;
    e.t = 1;
    e.h = 0;
    pln_graph *g = cf_graph(ctx, 2, 1, &e);
    pln_network_options o;
    pln_network_options_default(&o);
    o.elements.gmin = gmin;
    static pln_idx gnd[] = {0};
    pln_boundary bc;
    pln_boundary_default(&bc);
    bc.n_dirichlet = 1;
    bc.dirichlet_nodes = gnd;
    pln_network *net = NULL;
    cr_assert_eq(pln_network_create(ctx, g, &o, &bc, &net), PLN_OK, "%s",
                 pln_ctx_last_error(ctx)->message);
    *gout = g;
    return net;
}

/* I = dC/dV and g = dI/dV by central differences at v, away from region boundaries. */
static void check_derivatives(const pln_network *net, double v, double scale_v)
{
    const double h = 1e-6 * scale_v;
    double g = 0.0;
    const double i = pln_network_element_current(net, 0, v, &g);
    const double cp = pln_network_element_cocontent(net, 0, v + h);
    const double cm = pln_network_element_cocontent(net, 0, v - h);
    const double ip = pln_network_element_current(net, 0, v + h, NULL);
    const double im = pln_network_element_current(net, 0, v - h, NULL);
    const double ifd = (cp - cm) / (2 * h), gfd = (ip - im) / (2 * h);
    cr_assert(ts_rel_diff(i, ifd, 1e-30 + 1e-9 * fabs(g) * scale_v) < TOL_FD,
              "v = %g: I = %.15g, dC/dV = %.15g", v, i, ifd);
    cr_assert(ts_rel_diff(g, gfd, 1e-30) < TOL_FD, "v = %g: g = %.15g, dI/dV = %.15g", v, g, gfd);
}

/* dC/dtheta (= s/2) against a central difference of the co-content in the parameter. */
static void check_param_derivative(pln_network *net, pln_eparam p, double v, double rel_h)
{
    const double th = pln_network_element_param(net, 0, p);
    const double h = rel_h * (th != 0.0 ? fabs(th) : 1e-3);
    double pot[2] = {0.0, v}; /* tail is node 1 */
    double s = 0.0;
    pln_network_element_signals(net, p, pot, &s);
    cr_assert_eq(pln_network_set_element_param(net, 0, p, th + h), PLN_OK);
    const double cp = pln_network_element_cocontent(net, 0, v);
    cr_assert_eq(pln_network_set_element_param(net, 0, p, th - h), PLN_OK, "%s", pln_ctx_last_error(ctx)->message);
    const double cm = pln_network_element_cocontent(net, 0, v);
    cr_assert_eq(pln_network_set_element_param(net, 0, p, th), PLN_OK);
    const double fd = (cp - cm) / (2 * h);
    cr_assert(ts_rel_diff(0.5 * s, fd, 1e-25) < 1e-6, "%s at v = %g: s/2 = %.15g, FD %.15g",
              pln_eparam_name(p), v, 0.5 * s, fd);
}

Test(elements, diode_without_rs_is_shockley_plus_gmin)
{
    const cf_edge d = {0, 0, PLN_ELEM_DIODE, {2.3e-14, 1.7, 0.0, 0.0}};
    pln_graph *g;
    pln_network *net = one_edge(&d, 1e-12, &g);
    const double nvt = 1.7 * KB * 300.15 / QE;
    for (double v = -3.0; v <= 0.9; v += 0.13) {
        double gd = 0.0;
        const double i = pln_network_element_current(net, 0, v, &gd);
        const double want = 2.3e-14 * expm1(v / nvt) + 1e-12 * v;
        cr_assert(ts_rel_diff(i, want, 1e-30) < TOL_CLOSED, "v %g: I %.17g want %.17g", v, i, want);
        check_derivatives(net, v, 1.0);
    }
    pln_network_destroy(net);
    pln_graph_destroy(g);
}

Test(elements, diode_with_series_resistance_satisfies_both_laws)
{
    const cf_edge d = {0, 0, PLN_ELEM_DIODE, {1e-14, 1.3, 25.0, 0.0}};
    pln_graph *g;
    pln_network *net = one_edge(&d, 1e-12, &g);
    const double nvt = 1.3 * KB * 300.15 / QE;
    for (double v = -4.0; v <= 6.0; v += 0.37) {
        const double i = pln_network_element_current(net, 0, v, NULL);
        /* the junction carries the same current at vj = v - rs I */
        const double vj = v - 25.0 * i;
        const double ij = 1e-14 * expm1(vj / nvt) + 1e-12 * vj;
        cr_assert(ts_rel_diff(i, ij, 1e-20) < 1e-10, "v %g: I %.17g, junction %.17g", v, i, ij);
        check_derivatives(net, v, 1.0);
    }
    pln_network_destroy(net);
    pln_graph_destroy(g);
}

Test(elements, ideal_diode_is_piecewise_linear)
{
    const cf_edge d = {0, 0, PLN_ELEM_IDEAL_DIODE, {50.0, 1e-6, 0.3, 0.0}};
    pln_graph *g;
    pln_network *net = one_edge(&d, 0.0, &g);
    for (double v = -2.0; v <= 2.0; v += 0.07) {
        const double i = pln_network_element_current(net, 0, v, NULL);
        const double want = 1e-6 * v + (v > 0.3 ? 50.0 * (v - 0.3) : 0.0);
        cr_assert(ts_rel_diff(i, want, 1e-30) < TOL_CLOSED);
        if (fabs(v - 0.3) > 1e-3) {
            check_derivatives(net, v, 1.0);
        }
    }
    pln_network_destroy(net);
    pln_graph_destroy(g);
}

/* SPICE level 1 written out independently: drain and source swapped for V < 0. */
static double mos_ref(double kp, double vto, double lam, double gate, double v)
{
    const double vds = fabs(v);
    const double vgs = v >= 0 ? gate : gate - v; /* reverse: the tail is the source */
    const double vgst = vgs - vto;
    double id = 0.0;
    if (vgst > 0) {
        id = vgst <= vds ? 0.5 * kp * vgst * vgst * (1 + lam * vds)
                         : kp * vds * (vgst - 0.5 * vds) * (1 + lam * vds);
    }
    return v >= 0 ? id : -id;
}

Test(elements, nmos_is_spice_level1_in_every_region_both_ways)
{
    const double gates[] = {-0.4, 0.3, 0.95, 2.2};
    for (size_t q = 0; q < sizeof gates / sizeof gates[0]; q++) {
        const cf_edge m = {0, 0, PLN_ELEM_NMOS, {3.1e-4, 0.7, 0.06, gates[q]}};
        pln_graph *g;
        pln_network *net = one_edge(&m, 1e-12, &g);
        for (double v = -3.05; v <= 3.0; v += 0.1) {
            const double i = pln_network_element_current(net, 0, v, NULL);
            const double want = mos_ref(3.1e-4, 0.7, 0.06, gates[q], v) + 1e-12 * v;
            cr_assert(ts_rel_diff(i, want, 1e-20) < TOL_CLOSED, "gate %g v %g: %.17g vs %.17g",
                      gates[q], v, i, want);
            const double c = gates[q] - 0.7;
            /* away from the triode/saturation and cutoff boundaries (|V| = c, -c) */
            if (fabs(fabs(v) - fabs(c)) > 1e-3) {
                check_derivatives(net, v, 1.0);
            }
        }
        pln_network_destroy(net);
        pln_graph_destroy(g);
    }
}

Test(elements, regions_are_named_as_the_device_is_biased)
{
    const cf_edge m = {0, 0, PLN_ELEM_NMOS, {1e-3, 0.5, 0.0, 1.5}};
    pln_graph *g;
    pln_network *net = one_edge(&m, 1e-12, &g);
    struct {
        double v;
        pln_region r;
    } cases[] = {{0.2, PLN_REGION_TRIODE}, {1.5, PLN_REGION_SATURATION}, {-2.0, PLN_REGION_TRIODE}};
    for (size_t q = 0; q < 3; q++) {
        double p[2] = {0.0, cases[q].v};
        pln_region r;
        pln_network_element_regions(net, p, &r);
        cr_assert_eq(r, cases[q].r, "v %g: %s", cases[q].v, pln_region_name(r));
    }
    cr_assert_eq(pln_network_set_element_param(net, 0, PLN_EP_GATE, 0.2), PLN_OK);
    double p[2] = {0.0, 0.4};
    pln_region r;
    pln_network_element_regions(net, p, &r);
    cr_assert_eq(r, PLN_REGION_CUTOFF);
    p[1] = -0.8; /* reverse: V_GS = 0.2 + 0.8 > 0.5, V_DS = 0.8 >= 0.5 */
    pln_network_element_regions(net, p, &r);
    cr_assert_eq(r, PLN_REGION_SATURATION);
    cr_assert_str_eq(pln_region_name(PLN_REGION_SATURATION), "saturation");
    pln_network_destroy(net);
    pln_graph_destroy(g);

    const cf_edge d = {0, 0, PLN_ELEM_DIODE, {1e-14, 1.0, 0.0, 0.0}};
    net = one_edge(&d, 1e-12, &g);
    p[1] = 0.5;
    pln_network_element_regions(net, p, &r);
    cr_assert_eq(r, PLN_REGION_FORWARD);
    p[1] = -0.5;
    pln_network_element_regions(net, p, &r);
    cr_assert_eq(r, PLN_REGION_REVERSE);
    pln_network_destroy(net);
    pln_graph_destroy(g);
}

Test(elements, cocontent_derivatives_in_every_parameter)
{
    const cf_edge d = {0, 0, PLN_ELEM_DIODE, {1e-13, 1.4, 12.0, 0.0}};
    pln_graph *g;
    pln_network *net = one_edge(&d, 1e-12, &g);
    const double vs[] = {-1.0, 0.3, 0.65, 2.0};
    for (size_t q = 0; q < 4; q++) {
        check_param_derivative(net, PLN_EP_IS, vs[q], 1e-5);
        check_param_derivative(net, PLN_EP_N, vs[q], 1e-5);
        if (vs[q] > 0.5) { /* in reverse rs I^2/2 ~ 1e-24 W is below the co-content's rounding */
            check_param_derivative(net, PLN_EP_RS, vs[q], 1e-5);
        }
    }
    pln_network_destroy(net);
    pln_graph_destroy(g);

    const double gates[] = {-0.3, 1.1, 2.5};
    for (size_t a = 0; a < 3; a++) {
        const cf_edge m = {0, 0, PLN_ELEM_NMOS, {4e-4, 0.6, 0.08, gates[a]}};
        net = one_edge(&m, 1e-12, &g);
        const double mv[] = {-2.1, -0.35, 0.2, 0.45, 1.7, 2.9};
        for (size_t q = 0; q < 6; q++) {
            const double c = gates[a] - 0.6;
            if (fabs(fabs(mv[q]) - fabs(c)) < 1e-2 || (c <= 0 && mv[q] > -fabs(c) - 1e-2)) {
                continue; /* at a region boundary, or no channel (all zero) */
            }
            check_param_derivative(net, PLN_EP_GATE, mv[q], 1e-6);
            check_param_derivative(net, PLN_EP_KP, mv[q], 1e-6);
            check_param_derivative(net, PLN_EP_VTO, mv[q], 1e-6);
            check_param_derivative(net, PLN_EP_LAMBDA, mv[q], 1e-5);
        }
        pln_network_destroy(net);
        pln_graph_destroy(g);
    }

    const cf_edge id = {0, 0, PLN_ELEM_IDEAL_DIODE, {20.0, 1e-3, 0.25, 0.0}};
    net = one_edge(&id, 1e-12, &g);
    check_param_derivative(net, PLN_EP_G_ON, 0.9, 1e-6);
    check_param_derivative(net, PLN_EP_G_OFF, -0.7, 1e-6);
    check_param_derivative(net, PLN_EP_V_ON, 0.9, 1e-6);
    pln_network_destroy(net);
    pln_graph_destroy(g);
}

Test(elements, resistor_signal_is_the_squared_drop)
{
    const cf_edge r = {0, 0, PLN_ELEM_RESISTOR, {2.5e-3, 0, 0, 0}};
    cf_edge es[2] = {r, {0, 0, PLN_ELEM_DIODE, {1e-14, 1, 0, 0}}};
    es[0].t = 1;
    es[0].h = 0;
    es[1].t = 1;
    es[1].h = 2;
    pln_graph *g = cf_graph(ctx, 3, 2, es);
    pln_network *net = NULL;
    static pln_idx gnd[] = {0};
    pln_boundary bc;
    pln_boundary_default(&bc);
    bc.n_dirichlet = 1;
    bc.dirichlet_nodes = gnd;
    cr_assert_eq(pln_network_create(ctx, g, NULL, &bc, &net), PLN_OK);
    double p[3] = {0.0, 0.7, 0.2}, s[2];
    pln_network_element_signals(net, PLN_EP_CONDUCTANCE, p, s);
    cr_assert(fabs(s[0] - 0.49) < 1e-16);
    cr_assert_eq(s[1], 0.0);
    pln_network_signals(net, p, s); /* each edge's learnable parameter: the diode has none */
    cr_assert(fabs(s[0] - 0.49) < 1e-16);
    cr_assert_eq(s[1], 0.0);
    pln_network_destroy(net);
    pln_graph_destroy(g);
}

Test(elements, gate_signal_is_kp_drop_squared_in_triode)
{
    const cf_edge m = {0, 0, PLN_ELEM_NMOS, {5e-4, 0.5, 0.0, 2.0}};
    pln_graph *g;
    pln_network *net = one_edge(&m, 1e-12, &g);
    for (double v = -1.2; v < 1.4; v += 0.1) {
        double p[2] = {0.0, v}, s;
        pln_network_element_signals(net, PLN_EP_GATE, p, &s);
        cr_assert(ts_rel_diff(s, 5e-4 * v * v, 1e-30) < TOL_CLOSED, "v %g: %g vs %g", v, s,
                  5e-4 * v * v);
    }
    pln_network_destroy(net);
    pln_graph_destroy(g);
}

/* The monotone table: through its points, monotone between them, the co-content its integral,
 * and linear beyond the ends. */
Test(elements, table_interpolates_monotonically)
{
    static const double tv[] = {-2.0, -0.5, 0.0, 0.4, 0.6, 0.7, 1.5};
    static const double ti[] = {-1e-3, -1e-4, 0.0, 1e-5, 1e-3, 1e-3, 8e-3};
    pln_iv_table tab = {7, tv, ti};
    const cf_edge t = {1, 0, PLN_ELEM_TABLE, {0, 0, 0, 0}};
    pln_graph *g = cf_graph(ctx, 2, 1, &t);
    pln_network_options o;
    pln_network_options_default(&o);
    o.elements.gmin = 0.0;
    o.elements.n_tables = 1;
    o.elements.tables = &tab;
    static pln_idx gnd[] = {0};
    pln_boundary bc;
    pln_boundary_default(&bc);
    bc.n_dirichlet = 1;
    bc.dirichlet_nodes = gnd;
    pln_network *net = NULL;
    cr_assert_eq(pln_network_create(ctx, g, &o, &bc, &net), PLN_OK, "%s",
                 pln_ctx_last_error(ctx)->message);
    for (int k = 0; k < 7; k++) {
        cr_assert(fabs(pln_network_element_current(net, 0, tv[k], NULL) - ti[k]) < 1e-18);
    }
    double prev = -INFINITY;
    for (double v = -3.0; v <= 2.5; v += 1e-3) {
        const double i = pln_network_element_current(net, 0, v, NULL);
        cr_assert(i >= prev - 1e-18, "not monotone at %g: %g after %g", v, i, prev);
        prev = i;
    }
    /* flat between 0.6 and 0.7 (equal currents): exactly constant there */
    cr_assert_eq(pln_network_element_current(net, 0, 0.65, NULL), 1e-3);
    /* co-content = trapezoid-free exact integral: compare with Simpson on a fine grid */
    const double V = 1.2;
    double simpson = 0.0;
    const int N = 20000;
    for (int q = 0; q <= N; q++) {
        const double v = V * q / N;
        const double w = (q == 0 || q == N) ? 1.0 : (q % 2 ? 4.0 : 2.0);
        simpson += w * pln_network_element_current(net, 0, v, NULL);
    }
    simpson *= V / (3.0 * N);
    cr_assert(ts_rel_diff(pln_network_element_cocontent(net, 0, V), simpson, 1e-30) < 1e-9);
    for (double v = -2.9; v < 2.4; v += 0.173) {
        check_derivatives(net, v, 1.0);
    }
    /* beyond the last point: the end slope of the last segment, 8.75e-3 A/V */
    const double i1 = pln_network_element_current(net, 0, 2.0, NULL);
    const double i2 = pln_network_element_current(net, 0, 2.5, NULL);
    cr_assert(ts_rel_diff((i2 - i1) / 0.5, (8e-3 - 1e-3) / 0.8, 1e-30) < 1e-12);
    pln_network_destroy(net);
    pln_graph_destroy(g);
}

/* Every bad parameter is refused with the edge and the key that carries it. */
Test(elements, bad_parameters_name_edge_and_key)
{
    struct {
        cf_edge e;
        const char *key;
    } bad[] = {
        {{0, 0, PLN_ELEM_DIODE, {0.0, 1.0, 0.0, 0}}, "diode_is"},
        {{0, 0, PLN_ELEM_DIODE, {-1e-14, 1.0, 0.0, 0}}, "diode_is"},
        {{0, 0, PLN_ELEM_DIODE, {1e-14, 0.0, 0.0, 0}}, "diode_n"},
        {{0, 0, PLN_ELEM_DIODE, {1e-14, -2.0, 0.0, 0}}, "diode_n"},
        {{0, 0, PLN_ELEM_DIODE, {1e-14, 1.0, -1.0, 0}}, "diode_rs"},
        {{0, 0, PLN_ELEM_NMOS, {0.0, 0.5, 0.0, 1}}, "kp"},
        {{0, 0, PLN_ELEM_NMOS, {-1e-3, 0.5, 0.0, 1}}, "kp"},
        {{0, 0, PLN_ELEM_NMOS, {1e-3, 0.5, -0.1, 1}}, "lambda"},
        {{0, 0, PLN_ELEM_NMOS, {1e-3, INFINITY, 0.0, 1}}, "vto"},
        {{0, 0, PLN_ELEM_IDEAL_DIODE, {0.0, 0.0, 0.0, 0}}, "g_on"},
        {{0, 0, PLN_ELEM_TABLE, {0.0, 0, 0, 0}}, "table"}, /* no tables given */
    };
    for (size_t q = 0; q < sizeof bad / sizeof bad[0]; q++) {
        /* edge 1 carries the bad element, edge 0 is a fine resistor */
        cf_edge es[2] = {{1, 0, PLN_ELEM_RESISTOR, {1e-3, 0, 0, 0}}, bad[q].e};
        es[1].t = 1;
        es[1].h = 2;
        pln_graph *g = cf_graph(ctx, 3, 2, es);
        static pln_idx gnd[] = {0, 2};
        pln_boundary bc;
        pln_boundary_default(&bc);
        bc.n_dirichlet = 2;
        bc.dirichlet_nodes = gnd;
        pln_network *net = NULL;
        cr_assert_eq(pln_network_create(ctx, g, NULL, &bc, &net), PLN_EINVAL, "case %zu", q);
        cr_assert_null(net);
        const pln_error *err = pln_ctx_last_error(ctx);
        cr_assert_eq(err->edge, 1, "case %zu: edge %lld (%s)", q, (long long)err->edge,
                     err->message);
        cr_assert_str_eq(err->key, bad[q].key, "case %zu: %s", q, err->message);
        cr_assert(strstr(err->message, "edge 1") != NULL, "%s", err->message);
        cr_assert(strstr(err->message, bad[q].key) != NULL, "%s", err->message);
        pln_graph_destroy(g);
    }
    /* NaN through the setter (a graph's NaN means "not given": the default applies) */
    const cf_edge d = {0, 0, PLN_ELEM_DIODE, {1e-14, 1.0, 0.0, 0.0}};
    pln_graph *g;
    pln_network *net = one_edge(&d, 1e-12, &g);
    cr_assert_eq(pln_network_set_element_param(net, 0, PLN_EP_IS, NAN), PLN_EINVAL);
    cr_assert_str_eq(pln_ctx_last_error(ctx)->key, "diode_is");
    cr_assert_eq(pln_ctx_last_error(ctx)->edge, 0);
    cr_assert_eq(pln_network_set_element_param(net, 0, PLN_EP_GATE, 1.0), PLN_EINVAL,
                 "a diode has no gate");
    cr_assert_eq(pln_network_element_param(net, 0, PLN_EP_IS), 1e-14, "unchanged");
    /* an element kind code that is no kind */
    double bad_kind[1] = {7.0};
    cr_assert_eq(pln_graph_edge_attr_set(g, "element", bad_kind), PLN_OK);
    pln_network *net2 = NULL;
    static pln_idx gnd[] = {0};
    pln_boundary bc;
    pln_boundary_default(&bc);
    bc.n_dirichlet = 1;
    bc.dirichlet_nodes = gnd;
    cr_assert_eq(pln_network_create(ctx, g, NULL, &bc, &net2), PLN_EINVAL);
    cr_assert_str_eq(pln_ctx_last_error(ctx)->key, "element");
    pln_network_destroy(net);
    pln_graph_destroy(g);
}

Test(elements, bad_options_and_tables_name_their_key)
{
    const cf_edge d = {1, 0, PLN_ELEM_DIODE, {1e-14, 1.0, 0.0, 0.0}};
    pln_graph *g = cf_graph(ctx, 2, 1, &d);
    static pln_idx gnd[] = {0};
    pln_boundary bc;
    pln_boundary_default(&bc);
    bc.n_dirichlet = 1;
    bc.dirichlet_nodes = gnd;
    pln_network_options o;
    pln_network *net = NULL;
    pln_network_options_default(&o);
    o.elements.gmin = -1.0;
    cr_assert_eq(pln_network_create(ctx, g, &o, &bc, &net), PLN_EINVAL);
    cr_assert_str_eq(pln_ctx_last_error(ctx)->key, "network.elements.gmin");
    pln_network_options_default(&o);
    o.elements.temperature = NAN;
    cr_assert_eq(pln_network_create(ctx, g, &o, &bc, &net), PLN_EINVAL);
    cr_assert_str_eq(pln_ctx_last_error(ctx)->key, "network.elements.temperature");
    pln_network_options_default(&o);
    o.elements.values[PLN_EP_KP] = 0.0;
    cr_assert_eq(pln_network_create(ctx, g, &o, &bc, &net), PLN_EINVAL);
    cr_assert_str_eq(pln_ctx_last_error(ctx)->key, "network.elements.kp");
    static const double v1[] = {-1.0, 0.5, 1.0}, i1[] = {-1.0, 0.5, 1.0};
    static const double v2[] = {-1.0, 0.0, 1.0}, i2[] = {-1.0, 0.0, -2.0};
    static const double v3[] = {-1.0, 0.0, 0.0}, i3[] = {-1.0, 0.0, 1.0};
    const pln_iv_table tabs[] = {{3, v1, i1}, {3, v2, i2}, {3, v3, i3}};
    const char *why[] = {"(0 V, 0 A)", "falls", "increase"};
    for (int q = 0; q < 3; q++) {
        pln_network_options_default(&o);
        o.elements.n_tables = 1;
        o.elements.tables = &tabs[q];
        cr_assert_eq(pln_network_create(ctx, g, &o, &bc, &net), PLN_EINVAL);
        cr_assert_str_eq(pln_ctx_last_error(ctx)->key, "network.elements.tables");
        cr_assert(strstr(pln_ctx_last_error(ctx)->message, why[q]) != NULL, "%s",
                  pln_ctx_last_error(ctx)->message);
    }
    cr_assert_null(net);
    /* elements belong to resistor networks */
    pln_network_options_default(&o);
    o.kind = PLN_KIND_FLOW;
    cr_assert_eq(pln_network_create(ctx, g, &o, &bc, &net), PLN_EINVAL);
    cr_assert_str_eq(pln_ctx_last_error(ctx)->key, "network.elements.kind");
    pln_graph_destroy(g);
}
