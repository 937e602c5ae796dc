/* elements.c — nonlinear edge elements of resistor networks (SPEC 1.3): one table of operations per kind (current, conductance, co-content, its parameter derivatives, region, checks), element parameters read from the graph, and the co-content, KCL residual and Jacobian the Newton solver needs. */
#include "network_impl.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* Parameters stored per edge: the most any kind has (the transistor's four). */
#define NPAR 4

/* SI 2019 exact constants: Boltzmann's constant (J/K) and the elementary charge (C). */
#define KB_SI 1.380649e-23
#define Q_SI 1.602176634e-19

struct pln_i_circuit {
    unsigned char *kind; /* per edge, a pln_element_kind */
    double *par;         /* m x NPAR, in the order of the kind's ops.par */
    double vt;           /* thermal voltage k_B T / q (V) */
    double temperature;  /* K */
    double gmin;         /* S, in parallel with every nonlinear element */
    bool drop2;          /* gate signal: Dillavou's K' V^2 instead of 2 dC/d gate */
    pln_idx n_nonlinear; /* edges that are not linear resistors */
    /* Tables: points, monotone tangents and the co-content integral_0^v I at each point. */
    pln_idx n_tab;
    pln_idx *tab_ptr; /* n_tab + 1 offsets into the arrays below */
    double *tab_v, *tab_i, *tab_m, *tab_c;
};

/* One evaluation: current (A), conductance dI/dV (S), co-content (W). */
typedef struct eval_out {
    double i, g, c;
} eval_out;

/* The operations of one kind. Every function takes the edge's parameters in `par`. */
typedef struct elem_ops {
    int n_par;
    pln_eparam par[NPAR];
    pln_eparam learn; /* PLN_EP_COUNT: nothing learns */
    void (*eval)(const pln_i_circuit *c, const double *par, double v, eval_out *out);
    /* dC/d par_j at fixed drop v (gmin does not depend on any parameter). */
    double (*dcoc)(const pln_i_circuit *c, const double *par, int j, double v);
    pln_region (*region)(const pln_i_circuit *c, const double *par, double v);
} elem_ops;

/* ------------------------------------------------------------------ names */

static const char *const kind_names[PLN_ELEM_N_KINDS] = {"resistor", "diode", "ideal_diode",
                                                         "nmos", "table"};
static const char *const param_names[PLN_EP_COUNT] = {
    "conductance", "diode_is", "diode_n", "diode_rs", "g_on", "g_off",
    "v_on",        "kp",       "vto",     "lambda",   "gate", "table"};
static const char *const param_units[PLN_EP_COUNT] = {"S", "A",     "1",   "ohm", "S", "S",
                                                      "V", "A/V^2", "V",   "1/V", "V", "index"};
static const char *const region_names[PLN_REGION_COUNT] = {
    "linear", "forward", "reverse", "cutoff", "triode", "saturation", "table", "extrapolated"};

const char *pln_element_kind_name(pln_element_kind kind)
{
    return (int)kind >= 0 && (int)kind < PLN_ELEM_N_KINDS ? kind_names[kind] : "?";
}

pln_status pln_element_kind_parse(pln_ctx *ctx, const char *name, pln_element_kind *out)
{
    for (int k = 0; k < PLN_ELEM_N_KINDS; k++) {
        if (name != NULL && strcmp(name, kind_names[k]) == 0) {
            *out = (pln_element_kind)k;
            return PLN_OK;
        }
    }
    PLN_FAIL_KEY(ctx, PLN_EINVAL, "network.elements.kind",
                 "unknown element kind '%s' (resistor, diode, ideal_diode, nmos, table)",
                 name != NULL ? name : "(null)");
}

const char *pln_eparam_name(pln_eparam p)
{
    return (int)p >= 0 && (int)p < PLN_EP_COUNT ? param_names[p] : "?";
}

const char *pln_eparam_unit(pln_eparam p)
{
    return (int)p >= 0 && (int)p < PLN_EP_COUNT ? param_units[p] : "?";
}

const char *pln_region_name(pln_region r)
{
    return (int)r >= 0 && (int)r < PLN_REGION_COUNT ? region_names[r] : "?";
}

double pln_thermal_voltage(double temperature) { return KB_SI * temperature / Q_SI; }

void pln_element_options_default(pln_element_options *o)
{
    memset(o, 0, sizeof *o);
    o->kind = PLN_ELEM_RESISTOR;
    o->values[PLN_EP_CONDUCTANCE] = 1.0;
    o->values[PLN_EP_IS] = 1e-14;
    o->values[PLN_EP_N] = 1.0;
    o->values[PLN_EP_RS] = 0.0;
    o->values[PLN_EP_G_ON] = 1e3;
    o->values[PLN_EP_G_OFF] = 0.0;
    o->values[PLN_EP_V_ON] = 0.0;
    o->values[PLN_EP_KP] = 2e-5;
    o->values[PLN_EP_VTO] = 0.0;
    o->values[PLN_EP_LAMBDA] = 0.0;
    o->values[PLN_EP_GATE] = 1.0;
    o->values[PLN_EP_TABLE] = 0.0;
    o->temperature = 300.15;
    o->gmin = 1e-12;
    o->gate_drop_squared = false;
    o->n_tables = 0;
    o->tables = NULL;
}

/* ------------------------------------------------------------------ resistor */

static void res_eval(const pln_i_circuit *c, const double *par, double v, eval_out *o)
{
    (void)c;
    o->i = par[0] * v;
    o->g = par[0];
    o->c = 0.5 * par[0] * v * v;
}

static double res_dcoc(const pln_i_circuit *c, const double *par, int j, double v)
{
    (void)c;
    (void)par;
    (void)j;
    return 0.5 * v * v;
}

static pln_region res_region(const pln_i_circuit *c, const double *par, double v)
{
    (void)c;
    (void)par;
    (void)v;
    return PLN_REGION_LINEAR;
}

/* ------------------------------------------------------------------ Shockley diode */

/* The junction alone at voltage vj, with gmin across it (as ngspice puts it). */
static void junction(const pln_i_circuit *c, double is, double nvt, double vj, eval_out *o)
{
    const double x = vj / nvt;
    const double em1 = expm1(x);
    o->i = is * em1 + c->gmin * vj;
    o->g = is * (em1 + 1.0) / nvt + c->gmin;
    o->c = is * nvt * (em1 - x) + 0.5 * c->gmin * vj * vj;
}

/* The junction voltage of a diode with series resistance rs > 0 at terminal drop v: the root
 * of f(vj) = i_j(vj) - (v - vj)/rs, increasing and convex in vj. Newton from a point where
 * f >= 0 then converges monotonically from above: for v > 0 the junction voltage at which the
 * junction alone would carry v/rs (never above v), for v <= 0 the junction at 0. */
static double junction_voltage(const pln_i_circuit *c, double is, double nvt, double rs, double v)
{
    double vj = 0.0;
    if (v > 0.0) {
        vj = fmin(v, nvt * log1p(v / (rs * is)));
    }
    for (int it = 0; it < 200; it++) {
        eval_out j;
        junction(c, is, nvt, vj, &j);
        const double f = j.i - (v - vj) / rs;
        if (!(f > 0.0)) {
            break; /* at the root, or below it by rounding */
        }
        const double step = f / (j.g + 1.0 / rs);
        vj -= step;
        if (step <= 4.0 * DBL_EPSILON * fmax(fabs(vj), nvt)) {
            break;
        }
    }
    return vj;
}

static void diode_eval(const pln_i_circuit *c, const double *par, double v, eval_out *o)
{
    const double is = par[0], nvt = par[1] * c->vt, rs = par[2];
    if (rs == 0.0) {
        junction(c, is, nvt, v, o);
        return;
    }
    const double vj = junction_voltage(c, is, nvt, rs, v);
    eval_out j;
    junction(c, is, nvt, vj, &j);
    /* The two expressions of the current agree at the root; their errors from a rounding
     * error in vj have opposite signs, and this weighting cancels them to first order (it is
     * one more Newton correction). */
    const double grs = 1.0 / rs;
    o->i = (grs * j.i + j.g * grs * (v - vj)) / (j.g + grs);
    o->g = j.g / (1.0 + rs * j.g);
    o->c = j.c + 0.5 * rs * o->i * o->i;
}

/* C(V) = min over vj of C_j(vj) + (V - vj)^2 / (2 rs): the derivatives in I_s and n are the
 * junction's at the minimiser (envelope theorem), the derivative in rs is -I^2 / 2. */
static double diode_dcoc(const pln_i_circuit *c, const double *par, int j, double v)
{
    const double is = par[0], n = par[1], nvt = n * c->vt, rs = par[2];
    const double vj = rs > 0.0 ? junction_voltage(c, is, nvt, rs, v) : v;
    const double x = vj / nvt, em1 = expm1(x);
    if (j == 0) {
        return nvt * (em1 - x);
    }
    if (j == 1) {
        return is * c->vt * (em1 - x - x * em1);
    }
    eval_out o;
    diode_eval(c, par, v, &o);
    return -0.5 * o.i * o.i;
}

static pln_region diode_region(const pln_i_circuit *c, const double *par, double v)
{
    const double vj = par[2] > 0.0 ? junction_voltage(c, par[0], par[1] * c->vt, par[2], v) : v;
    return vj > 0.0 ? PLN_REGION_FORWARD : PLN_REGION_REVERSE;
}

/* ------------------------------------------------------------------ ideal diode (PWL) */

static void ideal_eval(const pln_i_circuit *c, const double *par, double v, eval_out *o)
{
    const double gon = par[0], goff = par[1] + c->gmin, von = par[2];
    const double d = v > von ? v - von : 0.0;
    o->i = goff * v + gon * d;
    o->g = goff + (v > von ? gon : 0.0);
    o->c = 0.5 * goff * v * v + 0.5 * gon * d * d;
}

static double ideal_dcoc(const pln_i_circuit *c, const double *par, int j, double v)
{
    (void)c;
    const double d = v > par[2] ? v - par[2] : 0.0;
    if (j == 0) {
        return 0.5 * d * d;
    }
    if (j == 1) {
        return 0.5 * v * v;
    }
    return -par[0] * d;
}

static pln_region ideal_region(const pln_i_circuit *c, const double *par, double v)
{
    (void)c;
    return v > par[2] ? PLN_REGION_FORWARD : PLN_REGION_REVERSE;
}

/* ------------------------------------------------------------------ NMOS level 1 */

/* The transistor in the frame where the drop is positive: u = |V| >= 0 is V_DS, and the
 * overdrive at zero drop is c = gate - vto in forward mode (V >= 0, the head is the source,
 * V_GS = gate) and c + u in reverse mode (the tail is the source, V_GS = gate + u). With
 * q the current per K' (1 + lambda u):
 *   forward, c > 0:  triode q = c u - u^2/2 for u < c, saturation q = c^2/2 beyond;
 *   reverse, c > 0:  always triode (u < c + u), q = c u + u^2/2;
 *   reverse, c <= 0: cutoff for u <= a = -c, then saturation q = (u - a)^2 / 2;
 *   forward, c <= 0: cutoff.
 * I = sign(V) K' q (1 + lambda u). In both modes dq/du is the present overdrive minus the
 * drop in triode, the overdrive in saturation. The co-content is integral_0^u of K' q (1 +
 * lambda w) dw in either mode (I is odd in the frame variable), in closed form below. */
typedef struct mos_frame {
    double u, c;
    bool rev;
} mos_frame;

static mos_frame mos_frame_of(const double *par, double v)
{
    mos_frame f;
    f.rev = v < 0.0;
    f.u = fabs(v);
    f.c = par[3] - par[1];
    return f;
}

static pln_region mos_region_frame(const mos_frame *f)
{
    if (!f->rev) {
        if (f->c <= 0.0) {
            return PLN_REGION_CUTOFF;
        }
        return f->u < f->c ? PLN_REGION_TRIODE : PLN_REGION_SATURATION;
    }
    if (f->c > 0.0) {
        return PLN_REGION_TRIODE;
    }
    return f->u <= -f->c ? PLN_REGION_CUTOFF : PLN_REGION_SATURATION;
}

static void mos_eval(const pln_i_circuit *c, const double *par, double v, eval_out *o)
{
    const double kp = par[0], lam = par[2];
    const mos_frame f = mos_frame_of(par, v);
    const double u = f.u, cc = f.c;
    double q = 0.0, dq = 0.0, h = 0.0; /* h = integral_0^u q(w)(1 + lam w) dw */
    switch (mos_region_frame(&f)) {
    case PLN_REGION_TRIODE:
        if (!f.rev) {
            q = cc * u - 0.5 * u * u;
            dq = cc - u;
            h = cc * u * u / 2.0 - u * u * u / 6.0 + lam * (cc * u * u * u / 3.0 - u * u * u * u / 8.0);
        } else {
            q = cc * u + 0.5 * u * u;
            dq = cc + u;
            h = cc * u * u / 2.0 + u * u * u / 6.0 + lam * (cc * u * u * u / 3.0 + u * u * u * u / 8.0);
        }
        break;
    case PLN_REGION_SATURATION:
        if (!f.rev) {
            q = 0.5 * cc * cc;
            dq = 0.0;
            /* triode up to c, then K' c^2/2 (1 + lam w) from c to u */
            h = cc * cc * cc / 3.0 + 5.0 * lam * cc * cc * cc * cc / 24.0 +
                0.5 * cc * cc * ((u - cc) + 0.5 * lam * (u * u - cc * cc));
        } else {
            const double a = -cc, t = u - a;
            q = 0.5 * t * t;
            dq = t;
            h = 0.5 * ((1.0 + lam * a) * t * t * t / 3.0 + lam * t * t * t * t / 4.0);
        }
        break;
    default: /* cutoff */
        break;
    }
    const double s = f.rev ? -1.0 : 1.0;
    o->i = s * kp * q * (1.0 + lam * u) + c->gmin * v;
    o->g = kp * (dq * (1.0 + lam * u) + lam * q) + c->gmin;
    o->c = kp * h + 0.5 * c->gmin * v * v;
}

/* Parameters: 0 kp, 1 vto, 2 lambda, 3 gate. */
static double mos_dcoc(const pln_i_circuit *c, const double *par, int j, double v)
{
    (void)c;
    const double kp = par[0], lam = par[2];
    const mos_frame f = mos_frame_of(par, v);
    const double u = f.u, cc = f.c;
    const pln_region r = mos_region_frame(&f);
    if (r == PLN_REGION_CUTOFF) {
        return 0.0;
    }
    if (j == 0) {
        eval_out o;
        pln_i_circuit c0 = *c;
        c0.gmin = 0.0;
        mos_eval(&c0, par, v, &o);
        return o.c / kp;
    }
    double dc = 0.0, dl = 0.0; /* dC/dc and dC/dlambda */
    if (r == PLN_REGION_TRIODE) {
        if (!f.rev) {
            dc = kp * (u * u / 2.0 + lam * u * u * u / 3.0);
            dl = kp * (cc * u * u * u / 3.0 - u * u * u * u / 8.0);
        } else {
            dc = kp * (u * u / 2.0 + lam * u * u * u / 3.0);
            dl = kp * (cc * u * u * u / 3.0 + u * u * u * u / 8.0);
        }
    } else if (!f.rev) {
        dc = kp * (cc * u - cc * cc / 2.0 + lam * (cc * u * u / 2.0 - cc * cc * cc / 6.0));
        dl = kp * (5.0 * cc * cc * cc * cc / 24.0 + cc * cc * (u * u - cc * cc) / 4.0);
    } else {
        const double a = -cc, t = u - a;
        dc = kp * ((1.0 + lam * a) * t * t / 2.0 + lam * t * t * t / 3.0);
        dl = 0.5 * kp * (a * t * t * t / 3.0 + t * t * t * t / 4.0);
    }
    if (j == 1) {
        return -dc; /* c = gate - vto */
    }
    if (j == 2) {
        return dl;
    }
    return dc;
}

static pln_region mos_region(const pln_i_circuit *c, const double *par, double v)
{
    (void)c;
    const mos_frame f = mos_frame_of(par, v);
    return mos_region_frame(&f);
}

/* ------------------------------------------------------------------ monotone table */

/* Segment of v in table t: k with v_k <= v < v_{k+1}, or -1 below the first point and n - 1
 * at or above the last. */
static pln_idx tab_segment(const pln_i_circuit *c, pln_idx t, double v)
{
    const pln_idx p0 = c->tab_ptr[t], n = c->tab_ptr[t + 1] - p0;
    const double *x = c->tab_v + p0;
    if (v < x[0]) {
        return -1;
    }
    if (v >= x[n - 1]) {
        return n - 1;
    }
    pln_idx lo = 0, hi = n - 1; /* x[lo] <= v < x[hi] */
    while (hi - lo > 1) {
        const pln_idx mid = lo + (hi - lo) / 2;
        if (x[mid] <= v) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    return lo;
}

static void tab_eval(const pln_i_circuit *c, const double *par, double v, eval_out *o)
{
    const pln_idx t = (pln_idx)par[0];
    const pln_idx p0 = c->tab_ptr[t], n = c->tab_ptr[t + 1] - p0;
    const double *x = c->tab_v + p0, *y = c->tab_i + p0, *m = c->tab_m + p0, *P = c->tab_c + p0;
    const pln_idx k = tab_segment(c, t, v);
    if (k < 0 || k == n - 1) { /* linear extension with the end slope */
        const pln_idx e = k < 0 ? 0 : n - 1;
        const double d = v - x[e];
        o->i = y[e] + m[e] * d;
        o->g = m[e];
        o->c = P[e] + y[e] * d + 0.5 * m[e] * d * d;
    } else {
        /* cubic Hermite on [x_k, x_k+1] in s in [0, 1] */
        const double h = x[k + 1] - x[k], s = (v - x[k]) / h;
        const double s2 = s * s, s3 = s2 * s, s4 = s3 * s;
        const double h00 = 2 * s3 - 3 * s2 + 1, h10 = s3 - 2 * s2 + s;
        const double h01 = -2 * s3 + 3 * s2, h11 = s3 - s2;
        const double d00 = 6 * s2 - 6 * s, d10 = 3 * s2 - 4 * s + 1;
        const double d01 = -6 * s2 + 6 * s, d11 = 3 * s2 - 2 * s;
        const double i00 = s - s3 + s4 / 2, i10 = s2 / 2 - 2 * s3 / 3 + s4 / 4;
        const double i01 = s3 - s4 / 2, i11 = -s3 / 3 + s4 / 4;
        o->i = h00 * y[k] + h10 * h * m[k] + h01 * y[k + 1] + h11 * h * m[k + 1];
        o->g = (d00 * y[k] + d10 * h * m[k] + d01 * y[k + 1] + d11 * h * m[k + 1]) / h;
        o->c = P[k] + h * (i00 * y[k] + i10 * h * m[k] + i01 * y[k + 1] + i11 * h * m[k + 1]);
    }
    o->i += c->gmin * v;
    o->g += c->gmin;
    o->c += 0.5 * c->gmin * v * v;
}

static double tab_dcoc(const pln_i_circuit *c, const double *par, int j, double v)
{
    (void)c;
    (void)par;
    (void)j;
    (void)v;
    return 0.0; /* the table index is not a continuous parameter */
}

static pln_region tab_region(const pln_i_circuit *c, const double *par, double v)
{
    const pln_idx t = (pln_idx)par[0];
    const pln_idx k = tab_segment(c, t, v);
    const pln_idx n = c->tab_ptr[t + 1] - c->tab_ptr[t];
    const double last = c->tab_v[c->tab_ptr[t + 1] - 1];
    return (k < 0 || (k == n - 1 && v > last)) ? PLN_REGION_EXTRAPOLATED : PLN_REGION_TABLE;
}

/* ------------------------------------------------------------------ the table of kinds */

static const elem_ops ops[PLN_ELEM_N_KINDS] = {
    [PLN_ELEM_RESISTOR] = {1, {PLN_EP_CONDUCTANCE}, PLN_EP_CONDUCTANCE, res_eval, res_dcoc,
                           res_region},
    [PLN_ELEM_DIODE] = {3, {PLN_EP_IS, PLN_EP_N, PLN_EP_RS}, PLN_EP_COUNT, diode_eval,
                        diode_dcoc, diode_region},
    [PLN_ELEM_IDEAL_DIODE] = {3, {PLN_EP_G_ON, PLN_EP_G_OFF, PLN_EP_V_ON}, PLN_EP_COUNT,
                              ideal_eval, ideal_dcoc, ideal_region},
    [PLN_ELEM_NMOS] = {4, {PLN_EP_KP, PLN_EP_VTO, PLN_EP_LAMBDA, PLN_EP_GATE}, PLN_EP_GATE,
                       mos_eval, mos_dcoc, mos_region},
    [PLN_ELEM_TABLE] = {1, {PLN_EP_TABLE}, PLN_EP_COUNT, tab_eval, tab_dcoc, tab_region},
};

/* Slot of parameter p in a kind's list, or -1. */
static int param_slot(pln_element_kind kind, pln_eparam p)
{
    for (int j = 0; j < ops[kind].n_par; j++) {
        if (ops[kind].par[j] == p) {
            return j;
        }
    }
    return -1;
}

bool pln_element_has_param(pln_element_kind kind, pln_eparam p)
{
    return (int)kind >= 0 && (int)kind < PLN_ELEM_N_KINDS && param_slot(kind, p) >= 0;
}

pln_eparam pln_element_learnable(pln_element_kind kind)
{
    return (int)kind >= 0 && (int)kind < PLN_ELEM_N_KINDS ? ops[kind].learn : PLN_EP_COUNT;
}

/* Why a value of parameter p is not allowed, or NULL. */
static const char *param_problem(const pln_i_circuit *c, pln_eparam p, double v)
{
    if (!isfinite(v)) {
        return "it must be finite";
    }
    switch (p) {
    case PLN_EP_CONDUCTANCE:
    case PLN_EP_IS:
    case PLN_EP_N:
    case PLN_EP_G_ON:
    case PLN_EP_KP:
        return v > 0.0 ? NULL : "it must be > 0";
    case PLN_EP_RS:
    case PLN_EP_G_OFF:
    case PLN_EP_V_ON:
    case PLN_EP_LAMBDA:
        return v >= 0.0 ? NULL : "it must be >= 0";
    case PLN_EP_TABLE:
        if (v != floor(v) || v < 0.0 || (c != NULL && v >= (double)c->n_tab)) {
            return "it must be the index of a table (0-based integer below the number of "
                   "tables)";
        }
        return NULL;
    default:
        return NULL;
    }
}

/* ------------------------------------------------------------------ creation */

void pln_i_circuit_destroy(pln_i_circuit *c)
{
    if (c == NULL) {
        return;
    }
    pln_i_free(c->kind);
    pln_i_free(c->par);
    pln_i_free(c->tab_ptr);
    pln_i_free(c->tab_v);
    pln_i_free(c->tab_i);
    pln_i_free(c->tab_m);
    pln_i_free(c->tab_c);
    pln_i_free(c);
}

/* Fritsch-Carlson tangents for one table, and the co-content integral at every point
 * (integral_0^{v_k} I, from the point at v = 0). */
static void table_prepare(const double *x, const double *y, pln_idx n, double *m, double *P)
{
    for (pln_idx k = 0; k < n; k++) {
        const double dl = k > 0 ? (y[k] - y[k - 1]) / (x[k] - x[k - 1]) : 0.0;
        const double dr = k < n - 1 ? (y[k + 1] - y[k]) / (x[k + 1] - x[k]) : 0.0;
        if (k == 0) {
            m[k] = dr;
        } else if (k == n - 1) {
            m[k] = dl;
        } else {
            m[k] = (dl > 0.0 && dr > 0.0) ? 0.5 * (dl + dr) : 0.0;
        }
    }
    for (pln_idx k = 0; k + 1 < n; k++) {
        const double d = (y[k + 1] - y[k]) / (x[k + 1] - x[k]);
        if (d == 0.0) {
            m[k] = m[k + 1] = 0.0;
            continue;
        }
        const double a = m[k] / d, b = m[k + 1] / d;
        const double r = a * a + b * b;
        if (r > 9.0) { /* outside the monotonicity circle: shrink both tangents onto it */
            const double tau = 3.0 / sqrt(r);
            m[k] = tau * a * d;
            m[k + 1] = tau * b * d;
        }
    }
    /* integral of each Hermite segment: h (y_k + y_k+1)/2 + h^2 (m_k - m_k+1)/12 */
    pln_idx z = 0;
    while (x[z] != 0.0) {
        z++;
    }
    P[z] = 0.0;
    for (pln_idx k = z; k + 1 < n; k++) {
        const double h = x[k + 1] - x[k];
        P[k + 1] = P[k] + h * (y[k] + y[k + 1]) / 2.0 + h * h * (m[k] - m[k + 1]) / 12.0;
    }
    for (pln_idx k = z; k-- > 0;) {
        const double h = x[k + 1] - x[k];
        P[k] = P[k + 1] - (h * (y[k] + y[k + 1]) / 2.0 + h * h * (m[k] - m[k + 1]) / 12.0);
    }
}

static pln_status copy_tables(pln_ctx *ctx, pln_i_circuit *c, const pln_element_options *o)
{
    if (o->n_tables < 0 || (o->n_tables > 0 && o->tables == NULL)) {
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "network.elements.tables", "bad table list (%lld tables)",
                     (long long)o->n_tables);
    }
    c->n_tab = o->n_tables;
    PLN_ALLOC(ctx, c->tab_ptr, c->n_tab + 1);
    for (pln_idx t = 0; t < c->n_tab; t++) {
        const pln_iv_table *T = &o->tables[t];
        if (T->n < 2 || T->v == NULL || T->i == NULL) {
            PLN_FAIL_KEY(ctx, PLN_EINVAL, "network.elements.tables",
                         "I(V) table %lld: needs at least 2 points (has %lld)", (long long)t,
                         (long long)T->n);
        }
        bool zero = false;
        for (pln_idx k = 0; k < T->n; k++) {
            if (!isfinite(T->v[k]) || !isfinite(T->i[k])) {
                PLN_FAIL_KEY(ctx, PLN_EINVAL, "network.elements.tables",
                             "I(V) table %lld, point %lld: (%g V, %g A) is not finite",
                             (long long)t, (long long)k, T->v[k], T->i[k]);
            }
            if (k > 0 && !(T->v[k] > T->v[k - 1])) {
                PLN_FAIL_KEY(ctx, PLN_EINVAL, "network.elements.tables",
                             "I(V) table %lld, point %lld: voltages must increase strictly "
                             "(%g V after %g V)",
                             (long long)t, (long long)k, T->v[k], T->v[k - 1]);
            }
            if (k > 0 && T->i[k] < T->i[k - 1]) {
                PLN_FAIL_KEY(ctx, PLN_EINVAL, "network.elements.tables",
                             "I(V) table %lld, point %lld: the current falls (%g A after %g "
                             "A): a monotone element's current never decreases with V",
                             (long long)t, (long long)k, T->i[k], T->i[k - 1]);
            }
            zero = zero || (T->v[k] == 0.0 && T->i[k] == 0.0);
        }
        if (!zero) {
            PLN_FAIL_KEY(ctx, PLN_EINVAL, "network.elements.tables",
                         "I(V) table %lld has no point at (0 V, 0 A): a passive element "
                         "carries no current without a drop",
                         (long long)t);
        }
        c->tab_ptr[t + 1] = c->tab_ptr[t] + T->n;
    }
    const pln_idx np = c->tab_ptr[c->n_tab];
    PLN_ALLOC(ctx, c->tab_v, np);
    PLN_ALLOC(ctx, c->tab_i, np);
    PLN_ALLOC(ctx, c->tab_m, np);
    PLN_ALLOC(ctx, c->tab_c, np);
    for (pln_idx t = 0; t < c->n_tab; t++) {
        const pln_idx p0 = c->tab_ptr[t];
        const pln_iv_table *T = &o->tables[t];
        memcpy(c->tab_v + p0, T->v, (size_t)T->n * sizeof *c->tab_v);
        memcpy(c->tab_i + p0, T->i, (size_t)T->n * sizeof *c->tab_i);
        table_prepare(c->tab_v + p0, c->tab_i + p0, T->n, c->tab_m + p0, c->tab_c + p0);
    }
    return PLN_OK;
}

/* Kind of edge e from the graph's "element" attribute (NaN or absent: the default). */
static pln_status edge_kind(pln_ctx *ctx, const double *attr, pln_idx e, pln_element_kind dflt,
                            pln_element_kind *out)
{
    if (attr == NULL || isnan(attr[e])) {
        *out = dflt;
        return PLN_OK;
    }
    const double v = attr[e];
    if (!(v == floor(v) && v >= 0.0 && v < PLN_ELEM_N_KINDS)) {
        return pln_i_error(ctx, PLN_EINVAL, __FILE__, __LINE__, -1, e, "element",
                           "edge %lld: element %g is not a kind (0 resistor, 1 diode, 2 "
                           "ideal_diode, 3 nmos, 4 table)",
                           (long long)e, v);
    }
    *out = (pln_element_kind)(int)v;
    return PLN_OK;
}

pln_status pln_i_circuit_init(pln_network *net, const pln_graph *g, const pln_element_options *o)
{
    pln_ctx *ctx = net->ctx;
    const pln_idx m = net->m;
    if ((int)o->kind < 0 || (int)o->kind >= PLN_ELEM_N_KINDS) {
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "network.elements.kind", "unknown element kind %d",
                     (int)o->kind);
    }
    const double *kattr = pln_graph_edge_attr(g, "element");
    bool any = false;
    for (pln_idx e = 0; e < m; e++) {
        pln_element_kind k = PLN_ELEM_RESISTOR;
        PLN_TRY(edge_kind(ctx, kattr, e, o->kind, &k));
        any = any || k != PLN_ELEM_RESISTOR;
    }
    if (!any) {
        return PLN_OK; /* a linear network: nothing to keep */
    }
    if (net->kind != PLN_KIND_RESISTOR) {
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "network.elements.kind",
                     "nonlinear elements (diodes, transistors, tables) are edges of resistor "
                     "networks, not of %s networks",
                     pln_kind_name(net->kind));
    }
    if (!(isfinite(o->temperature) && o->temperature > 0.0)) {
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "network.elements.temperature",
                     "device temperature %g K must be finite and > 0", o->temperature);
    }
    if (!(isfinite(o->gmin) && o->gmin >= 0.0)) {
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "network.elements.gmin",
                     "gmin %g S must be finite and >= 0", o->gmin);
    }
    pln_i_circuit *c = pln_i_calloc(1, sizeof *c);
    if (c == NULL) {
        PLN_FAIL(ctx, PLN_ENOMEM, "out of memory creating circuit elements");
    }
    net->circ = c; /* freed with the network from here on */
    c->vt = pln_thermal_voltage(o->temperature);
    c->temperature = o->temperature;
    c->gmin = o->gmin;
    c->drop2 = o->gate_drop_squared;
    PLN_TRY(copy_tables(ctx, c, o));
    PLN_ALLOC(ctx, c->kind, m);
    PLN_ALLOC(ctx, c->par, m * NPAR);
    const double *attr[PLN_EP_COUNT];
    for (int p = 0; p < PLN_EP_COUNT; p++) {
        attr[p] = pln_graph_edge_attr(g, param_names[p]);
    }
    for (int p = 1; p < PLN_EP_COUNT; p++) {
        const char *why = param_problem(NULL, (pln_eparam)p, o->values[p]);
        if (why != NULL) {
            char key[64];
            snprintf(key, sizeof key, "network.elements.%s", param_names[p]);
            PLN_FAIL_KEY(ctx, PLN_EINVAL, key, "default %s = %g %s: %s", param_names[p],
                         o->values[p], param_units[p], why);
        }
    }
    for (pln_idx e = 0; e < m; e++) {
        pln_element_kind k = PLN_ELEM_RESISTOR;
        PLN_TRY(edge_kind(ctx, kattr, e, o->kind, &k));
        c->kind[e] = (unsigned char)k;
        c->n_nonlinear += k != PLN_ELEM_RESISTOR;
        for (int j = 0; j < ops[k].n_par; j++) {
            const pln_eparam p = ops[k].par[j];
            if (p == PLN_EP_CONDUCTANCE) {
                continue; /* the network's conductance, read with the linear edges */
            }
            const double v = (attr[p] != NULL && !isnan(attr[p][e])) ? attr[p][e] : o->values[p];
            const char *why = param_problem(c, p, v);
            if (why != NULL) {
                return pln_i_error(ctx, PLN_EINVAL, __FILE__, __LINE__, -1, e, param_names[p],
                                   "edge %lld (%s): %s = %g %s: %s", (long long)e, kind_names[k],
                                   param_names[p], v, param_units[p], why);
            }
            c->par[e * NPAR + j] = v;
        }
    }
    return PLN_OK;
}

bool pln_i_circuit_edge_linear(const pln_network *net, pln_idx e)
{
    return net->circ == NULL || net->circ->kind[e] == PLN_ELEM_RESISTOR;
}

/* A nonlinear edge's entry in the conductance view: its small-signal conductance at zero
 * drop (S), informative only (the element is not a conductance). */
static void small_signal(pln_network *net, pln_idx e)
{
    const pln_i_circuit *c = net->circ;
    eval_out o;
    ops[c->kind[e]].eval(c, c->par + e * NPAR, 0.0, &o);
    net->k[e] = o.g;
}

void pln_i_circuit_finish(pln_network *net)
{
    pln_i_circuit *c = net->circ;
    for (pln_idx e = 0; e < net->m; e++) {
        if (c->kind[e] == PLN_ELEM_RESISTOR) {
            c->par[e * NPAR] = net->k[e];
        } else {
            small_signal(net, e);
        }
    }
}

void pln_i_circuit_sync_conductances(pln_network *net)
{
    pln_i_circuit *c = net->circ;
    for (pln_idx e = 0; e < net->m; e++) {
        if (c->kind[e] == PLN_ELEM_RESISTOR) {
            c->par[e * NPAR] = net->k[e];
        }
    }
}

/* ------------------------------------------------------------------ per-edge queries */

static void eval_edge(const pln_network *net, pln_idx e, double v, eval_out *o)
{
    const pln_i_circuit *c = net->circ;
    if (c == NULL) {
        o->i = net->k[e] * v;
        o->g = net->k[e];
        o->c = 0.5 * net->k[e] * v * v;
        return;
    }
    ops[c->kind[e]].eval(c, c->par + e * NPAR, v, o);
}

double pln_i_edge_current(const pln_network *net, pln_idx e, double v)
{
    eval_out o;
    eval_edge(net, e, v, &o);
    return o.i;
}

double pln_i_edge_cocontent(const pln_network *net, pln_idx e, double v)
{
    eval_out o;
    eval_edge(net, e, v, &o);
    return o.c;
}

bool pln_network_is_nonlinear(const pln_network *net) { return net->circ != NULL; }

double pln_network_element_gmin(const pln_network *net)
{
    return net->circ != NULL ? net->circ->gmin : 0.0;
}

double pln_network_element_temperature(const pln_network *net)
{
    return net->circ != NULL ? net->circ->temperature : NAN;
}

pln_element_kind pln_network_element_kind(const pln_network *net, pln_idx e)
{
    if (net->circ == NULL || e < 0 || e >= net->m) {
        return PLN_ELEM_RESISTOR;
    }
    return (pln_element_kind)net->circ->kind[e];
}

double pln_network_element_param(const pln_network *net, pln_idx e, pln_eparam p)
{
    if (e < 0 || e >= net->m || (int)p < 0 || (int)p >= PLN_EP_COUNT) {
        return NAN;
    }
    const pln_element_kind k = pln_network_element_kind(net, e);
    if (p == PLN_EP_CONDUCTANCE) {
        return k == PLN_ELEM_RESISTOR && !net->spring ? net->k[e] : NAN;
    }
    const int j = param_slot(k, p);
    return j < 0 ? NAN : net->circ->par[e * NPAR + j];
}

pln_status pln_network_set_element_param(pln_network *net, pln_idx e, pln_eparam p, double value)
{
    if (e < 0 || e >= net->m) {
        PLN_FAIL_EDGE(net->ctx, PLN_EINVAL, e, "edge %lld does not exist", (long long)e);
    }
    const pln_element_kind k = pln_network_element_kind(net, e);
    const int j = (int)p >= 0 && (int)p < PLN_EP_COUNT ? param_slot(k, p) : -1;
    if (j < 0 || net->spring || net->kind == PLN_KIND_FLOW) {
        return pln_i_error(net->ctx, PLN_EINVAL, __FILE__, __LINE__, -1, e, pln_eparam_name(p),
                           "edge %lld is a %s: it has no parameter %s", (long long)e,
                           net->spring || net->kind == PLN_KIND_FLOW ? pln_kind_name(net->kind)
                                                                     : kind_names[k],
                           pln_eparam_name(p));
    }
    const char *why = param_problem(net->circ, p, value);
    if (why != NULL) {
        return pln_i_error(net->ctx, PLN_EINVAL, __FILE__, __LINE__, -1, e, param_names[p],
                           "edge %lld (%s): %s = %g %s: %s", (long long)e, kind_names[k],
                           param_names[p], value, param_units[p], why);
    }
    if (p == PLN_EP_CONDUCTANCE) {
        net->k[e] = value;
        if (net->circ != NULL) {
            net->circ->par[e * NPAR] = value;
        }
        pln_i_network_refill(net);
        return PLN_OK;
    }
    net->circ->par[e * NPAR + j] = value;
    small_signal(net, e);
    return PLN_OK;
}

double pln_network_element_current(const pln_network *net, pln_idx e, double v, double *g)
{
    eval_out o;
    eval_edge(net, e, v, &o);
    if (g != NULL) {
        *g = o.g;
    }
    return o.i;
}

double pln_network_element_cocontent(const pln_network *net, pln_idx e, double v)
{
    return pln_i_edge_cocontent(net, e, v);
}

void pln_network_element_regions(const pln_network *net, const double *p, pln_region *r)
{
    const pln_i_circuit *c = net->circ;
    for (pln_idx e = 0; e < net->m; e++) {
        if (c == NULL || net->spring) {
            r[e] = PLN_REGION_LINEAR;
            continue;
        }
        const double v = p[net->tail[e]] - p[net->head[e]];
        r[e] = ops[c->kind[e]].region(c, c->par + e * NPAR, v);
    }
}

/* 2 dC_e/d theta at drop v for parameter p of edge e (0 when the edge has no p). */
static double edge_signal(const pln_network *net, pln_idx e, pln_eparam p, double v)
{
    const pln_i_circuit *c = net->circ;
    const pln_element_kind k = pln_network_element_kind(net, e);
    const int j = param_slot(k, p);
    if (j < 0) {
        return 0.0;
    }
    if (c == NULL) {
        return v * v; /* a linear resistor: 2 d(k v^2/2)/dk */
    }
    const double *par = c->par + e * NPAR;
    if (p == PLN_EP_GATE && c->drop2) {
        return par[0] * v * v; /* Dillavou et al.: K' times the drop squared, every region */
    }
    return 2.0 * ops[k].dcoc(c, par, j, v);
}

void pln_network_element_signals(const pln_network *net, pln_eparam param, const double *p,
                                 double *s)
{
    for (pln_idx e = 0; e < net->m; e++) {
        const double v = p[net->tail[e]] - p[net->head[e]];
        s[e] = net->spring ? 0.0 : edge_signal(net, e, param, v);
    }
}

void pln_i_circuit_learn_signals(const pln_network *net, const double *p, double *s)
{
    const pln_i_circuit *c = net->circ;
    for (pln_idx e = 0; e < net->m; e++) {
        const double v = p[net->tail[e]] - p[net->head[e]];
        const pln_eparam lp = ops[c->kind[e]].learn;
        s[e] = lp == PLN_EP_COUNT ? 0.0 : edge_signal(net, e, lp, v);
    }
}

void pln_network_element_theta(const pln_network *net, double *theta)
{
    for (pln_idx e = 0; e < net->m; e++) {
        const pln_element_kind k = pln_network_element_kind(net, e);
        const pln_eparam lp = ops[k].learn;
        theta[e] = lp == PLN_EP_COUNT ? 0.0 : pln_network_element_param(net, e, lp);
    }
}

pln_status pln_network_set_element_theta(pln_network *net, const double *theta)
{
    if (net->spring || net->kind == PLN_KIND_FLOW) {
        PLN_FAIL_KEY(net->ctx, PLN_EINVAL, "learning.dof",
                     "element parameters belong to resistor networks, not %s",
                     pln_kind_name(net->kind));
    }
    /* validate everything before changing anything */
    for (pln_idx e = 0; e < net->m; e++) {
        const pln_element_kind k = pln_network_element_kind(net, e);
        const pln_eparam lp = ops[k].learn;
        if (lp == PLN_EP_COUNT) {
            continue;
        }
        const char *why = param_problem(net->circ, lp, theta[e]);
        if (why != NULL) {
            return pln_i_error(net->ctx, PLN_EINVAL, __FILE__, __LINE__, -1, e, param_names[lp],
                               "edge %lld (%s): %s = %g %s: %s", (long long)e, kind_names[k],
                               param_names[lp], theta[e], param_units[lp], why);
        }
    }
    for (pln_idx e = 0; e < net->m; e++) {
        const pln_element_kind k = pln_network_element_kind(net, e);
        if (k == PLN_ELEM_RESISTOR) {
            net->k[e] = theta[e];
            if (net->circ != NULL) {
                net->circ->par[e * NPAR] = theta[e];
            }
        } else if (ops[k].learn != PLN_EP_COUNT) {
            net->circ->par[e * NPAR + param_slot(k, ops[k].learn)] = theta[e];
            small_signal(net, e);
        }
    }
    pln_i_network_refill(net);
    return PLN_OK;
}

/* ------------------------------------------------------------------ what Newton needs */

double pln_network_circuit_eval(pln_network *net, const double *p, const double *currents,
                                double *grad, bool jacobian)
{
    const pln_idx nr = net->nr;
    const double *cv = currents != NULL ? currents : net->cur_vals;
    double *x = net->A.x;
    if (grad != NULL) {
        memset(grad, 0, (size_t)nr * sizeof *grad);
    }
    if (jacobian) {
        memset(x, 0, (size_t)net->A.nnz * sizeof *x);
    }
    double phi = 0.0;
    for (pln_idx e = 0; e < net->m; e++) {
        const pln_idx t = net->tail[e], h = net->head[e];
        const pln_idx a = net->group[t], b = net->group[h];
        if (a == b) {
            continue; /* a drop fixed by the boundary: a constant of the co-content */
        }
        eval_out o;
        eval_edge(net, e, p[t] - p[h], &o);
        phi += o.c;
        if (grad != NULL) {
            if (a >= 0) {
                grad[a] += o.i;
            }
            if (b >= 0) {
                grad[b] -= o.i;
            }
        }
        if (jacobian) {
            if (net->slot_tt[e] >= 0) {
                x[net->slot_tt[e]] += o.g;
            }
            if (net->slot_hh[e] >= 0) {
                x[net->slot_hh[e]] += o.g;
            }
            if (net->slot_th[e] >= 0) {
                x[net->slot_th[e]] -= o.g;
            }
        }
    }
    for (pln_idx a = 0; a < net->bc.n_currents; a++) {
        const pln_idx i = net->cur_nodes[a];
        if (net->group[i] < 0) {
            continue;
        }
        phi -= cv[a] * p[i];
        if (grad != NULL) {
            grad[net->group[i]] -= cv[a];
        }
    }
    return phi;
}

pln_status pln_network_element_attrs_store(const pln_network *net, pln_graph *g)
{
    const pln_i_circuit *c = net->circ;
    if (c == NULL) {
        return PLN_OK;
    }
    if (pln_graph_n_edges(g) != net->m) {
        PLN_FAIL(net->ctx, PLN_EDIM, "the graph has %lld edges, the network %lld",
                 (long long)pln_graph_n_edges(g), (long long)net->m);
    }
    double *col = NULL;
    PLN_ALLOC(net->ctx, col, net->m);
    pln_status st = PLN_OK;
    for (pln_idx e = 0; e < net->m; e++) {
        col[e] = (double)c->kind[e];
    }
    PLN_TRY_GOTO(st, pln_graph_edge_attr_set(g, "element", col));
    /* every parameter some edge has; the conductance column is the caller's */
    for (int p = 1; p < PLN_EP_COUNT; p++) {
        bool any = false;
        for (pln_idx e = 0; e < net->m; e++) {
            col[e] = pln_network_element_param(net, e, (pln_eparam)p);
            any = any || !isnan(col[e]);
        }
        if (any) {
            PLN_TRY_GOTO(st, pln_graph_edge_attr_set(g, param_names[p], col));
        }
    }
done:
    pln_i_free(col);
    return st;
}
