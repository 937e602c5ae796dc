/* memory.c — edge memories of SPEC 4 (integral feedback, kernel, Markov ladder) and g(u). */
#include "tcl_impl.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>

static const char *const memory_names[] = {"integral_feedback", "kernel", "markov_ladder"};

const char *pln_memory_name(pln_memory_kind kind)
{
    if ((int)kind < 0 || (int)kind > (int)PLN_MEMORY_MARKOV_LADDER) {
        return "?";
    }
    return memory_names[kind];
}

void pln_memory_options_default(pln_memory_options *o)
{
    o->kind = PLN_MEMORY_INTEGRAL_FEEDBACK;
    o->tau = 0.05;
    o->leak = 0.0;
    o->B = 10.0;
    o->I = 0.0;
    o->gamma = 0.1;
    o->R = 25.0;
    o->s0 = 200.0;
    o->sigma_signal = 0.0;
    o->window = 0.0;
    o->dissipation = -1.0;
}

pln_status pln_memory_options_check(pln_ctx *ctx, const pln_memory_options *o)
{
    if ((int)o->kind < 0 || (int)o->kind > (int)PLN_MEMORY_MARKOV_LADDER) {
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "protocol.memory.kind", "unknown memory %d", (int)o->kind);
    }
    if (!(isfinite(o->tau) && o->tau > 0.0)) {
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "protocol.memory.tau", "tau must be > 0, got %g", o->tau);
    }
    if (!(isfinite(o->leak) && o->leak >= 0.0)) {
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "protocol.memory.leak", "leak must be >= 0, got %g",
                     o->leak);
    }
    if (!(isfinite(o->B) && o->B > 0.0)) {
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "protocol.memory.B", "B must be > 0, got %g", o->B);
    }
    if (!(isfinite(o->I) && o->I >= 0.0)) {
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "protocol.memory.I", "I must be >= 0, got %g", o->I);
    }
    if (!(o->gamma > 0.0 && o->gamma <= 1.0)) {
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "protocol.memory.gamma", "gamma must be in (0, 1], got %g",
                     o->gamma);
    }
    if (!(isfinite(o->R) && o->R > 0.0)) {
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "protocol.memory.R", "R must be > 0, got %g", o->R);
    }
    if (!(isfinite(o->s0) && o->s0 > 0.0)) {
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "protocol.memory.s0", "s0 must be > 0, got %g", o->s0);
    }
    if (!(isfinite(o->sigma_signal) && o->sigma_signal >= 0.0)) {
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "protocol.memory.sigma_signal",
                     "sigma_signal must be >= 0, got %g", o->sigma_signal);
    }
    if (!(isfinite(o->window) && o->window >= 0.0)) {
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "protocol.memory.window", "window must be >= 0, got %g",
                     o->window);
    }
    if (isnan(o->dissipation)) {
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "protocol.memory.dissipation", "dissipation is NaN");
    }
    return PLN_OK;
}

void pln_kernel_constants(double B, double I, double *A, double *C)
{
    *A = 3.0 * I * B * B + B * B * B;
    *C = (B * B + 2.0 * B * I) / (6.0 * I + 2.0 * B);
}

/* ------------------------------------------------------------------ nonlinearity */

void pln_nonlinearity_default(pln_nonlinearity *g)
{
    g->kind = PLN_NONLIN_THRESHOLD;
    g->theta = 0.1;
}

double pln_nonlinearity_apply(const pln_nonlinearity *g, double u)
{
    switch (g->kind) {
    case PLN_NONLIN_THRESHOLD:
        return fabs(u) >= g->theta ? u : 0.0;
    case PLN_NONLIN_CUBIC:
        return u * u * u / g->theta;
    case PLN_NONLIN_LINEAR:
    default:
        return u;
    }
}

/* ------------------------------------------------------------------ memories */

struct pln_memory {
    pln_ctx *ctx;
    pln_memory_options o;
    pln_idx m;
    double dt;
    int ns;          /* states per edge: 1 (integral feedback), 3 (kernel), 0 (markov) */
    double *x;       /* m x ns, edge-major */
    double *s_prev;  /* m: the previous input sample */
    double phi[9];   /* homogeneous propagator over one step (ns x ns) */
    double w0[3];    /* weight of the previous sample on each stage */
    double w1[3];    /* weight of the new sample */
    double out[3];   /* u = out . x (+ s for integral feedback) */
    double adapt[3]; /* state adapted to a constant unit input */
    pln_idx W;       /* markov: bins; the ring holds W + 1 samples */
    double *w;       /* W + 1 weights */
    double *ring;    /* (W + 1) x m, slot-major */
    pln_idx head;
    double sigma;
};

/* M_j = int_0^h e^{-b s} s^j ds, j = 0..3, without cancellation for small b h. */
static void exp_moments(double b, double h, double Mj[4])
{
    double x = b * h;
    if (x < 1.0) {
        for (int j = 0; j < 4; j++) {
            double term = 1.0, sum = 0.0;
            for (int n = 0; n < 40; n++) {
                sum += term / (double)(j + n + 1);
                term *= -x / (double)(n + 1);
            }
            Mj[j] = pow(h, j + 1) * sum;
        }
        return;
    }
    double e = exp(-x);
    double partial = 0.0, xi = 1.0, fact = 1.0;
    for (int j = 0; j < 4; j++) {
        if (j > 0) {
            xi *= x;
            fact *= j;
        }
        partial += xi / fact;
        Mj[j] = fact / pow(b, j + 1) * (1.0 - e * partial);
    }
}

void pln_memory_destroy(pln_memory *mem)
{
    if (mem == NULL) {
        return;
    }
    pln_i_free(mem->x);
    pln_i_free(mem->s_prev);
    pln_i_free(mem->w);
    pln_i_free(mem->ring);
    pln_i_free(mem);
}

static void setup_linear(pln_memory *mem)
{
    const pln_memory_options *o = &mem->o;
    double h = mem->dt, Mj[4];
    memset(mem->phi, 0, sizeof mem->phi);
    if (o->kind == PLN_MEMORY_INTEGRAL_FEEDBACK) {
        /* tau dv/dt = s - (1 + lambda) v. */
        double a = (1.0 + o->leak) / o->tau;
        exp_moments(a, h, Mj);
        mem->ns = 1;
        mem->phi[0] = exp(-a * h);
        mem->w1[0] = (Mj[0] - Mj[1] / h) / o->tau;
        mem->w0[0] = Mj[1] / h / o->tau;
        mem->out[0] = -1.0;
        mem->adapt[0] = 1.0 / (1.0 + o->leak);
        return;
    }
    /* Three stages of rate B: x1' = -B x1 + s, x2' = -B x2 + x1, x3' = -B x3 + x2. Their
     * impulse responses are e^{-Bt}, t e^{-Bt}, t^2 e^{-Bt}/2, so A e^{-Bt}(t - C t^2) =
     * A x2 - 2 A C x3. Over a step: e^{Jh} = e^{-Bh} (I + N h + N^2 h^2/2), and the input
     * s(t + tau) = s0 (1 - tau/h) + s1 tau/h enters stage k through
     * int_0^h e^{-B sig} sig^{k-1}/(k-1)! [s0 sig/h + s1 (1 - sig/h)] dsig. */
    double B = o->B, A, C;
    pln_kernel_constants(B, o->I, &A, &C);
    exp_moments(B, h, Mj);
    double E = exp(-B * h);
    mem->ns = 3;
    double N1[9] = {1, 0, 0, h, 1, 0, 0.5 * h * h, h, 1};
    for (int k = 0; k < 9; k++) {
        mem->phi[k] = E * N1[k];
    }
    double fact[3] = {1.0, 1.0, 2.0};
    for (int k = 0; k < 3; k++) {
        mem->w1[k] = (Mj[k] - Mj[k + 1] / h) / fact[k];
        mem->w0[k] = Mj[k + 1] / h / fact[k];
    }
    mem->out[0] = 0.0;
    mem->out[1] = A;
    mem->out[2] = -2.0 * A * C;
    mem->adapt[0] = 1.0 / B;
    mem->adapt[1] = 1.0 / (B * B);
    mem->adapt[2] = 1.0 / (B * B * B);
}

pln_status pln_memory_create(pln_ctx *ctx, const pln_memory_options *o, pln_idx m, double dt,
                             pln_memory **out)
{
    pln_status st = PLN_OK;
    pln_memory *mem = NULL;
    PLN_TRY(pln_memory_options_check(ctx, o));
    if (m < 0 || !(isfinite(dt) && dt > 0.0)) {
        PLN_FAIL(ctx, PLN_EINVAL, "memory: need m >= 0 and dt > 0 (got %" PRId64 ", %g)",
                 (int64_t)m, dt);
    }
    PLN_ALLOC(ctx, mem, 1);
    mem->ctx = ctx;
    mem->o = *o;
    mem->m = m;
    mem->dt = dt;
    mem->sigma = o->dissipation >= 0.0 ? o->dissipation : NAN;
    PLN_ALLOC_GOTO(ctx, st, mem->s_prev, m);
    if (o->kind == PLN_MEMORY_MARKOV_LADDER) {
        mem->ns = 0;
        /* Range-check in reals before the conversion: a window of 1e20 would overflow the
         * index (and the ring's size) otherwise. */
        const double bins = pln_i_markov_bins(o, dt);
        const double cap = 10000000.0 / (double)(m > 0 ? m : 1);
        if (!(bins <= 10000000.0) || (bins > cap && bins > 100000.0)) {
            const bool own = o->window > 0.0;
            st = pln_i_error(ctx, PLN_EINVAL, __FILE__, __LINE__, -1, -1,
                             own ? "protocol.memory.window" : "protocol.memory.tau",
                             "the markov window (%s = %g over dt = %g) is %.3g time steps; at "
                             "most %.3g fit (1e7 samples over %" PRId64 " edges, or 1e5)",
                             own ? "window" : "40 tau", own ? o->window : 40.0 * o->tau, dt,
                             bins, cap > 100000.0 ? cap : 100000.0, (int64_t)m);
            goto done;
        }
        mem->W = (pln_idx)bins;
        PLN_ALLOC_GOTO(ctx, st, mem->w, mem->W + 1);
        PLN_ALLOC_GOTO(ctx, st, mem->ring, (mem->W + 1) * m);
        PLN_TRY_GOTO(st, pln_i_markov_weights(ctx, o, dt, mem->W, mem->w));
        PLN_TRY_GOTO(st, pln_markov_sigma(ctx, o, &mem->sigma));
    } else {
        setup_linear(mem);
        PLN_ALLOC_GOTO(ctx, st, mem->x, m * mem->ns);
    }
    *out = mem;
    mem = NULL;
done:
    pln_memory_destroy(mem);
    return st;
}

void pln_memory_reset(pln_memory *mem, const double *s)
{
    for (pln_idx e = 0; e < mem->m; e++) {
        mem->s_prev[e] = s[e];
        for (int k = 0; k < mem->ns; k++) {
            mem->x[e * mem->ns + k] = mem->adapt[k] * s[e];
        }
    }
    if (mem->ring != NULL) {
        for (pln_idx j = 0; j <= mem->W; j++) {
            memcpy(mem->ring + j * mem->m, s, (size_t)mem->m * sizeof *s);
        }
    }
}

void pln_memory_shift(pln_memory *mem, const double *ds)
{
    for (pln_idx e = 0; e < mem->m; e++) {
        mem->s_prev[e] += ds[e];
        for (int k = 0; k < mem->ns; k++) {
            mem->x[e * mem->ns + k] += mem->adapt[k] * ds[e];
        }
    }
    if (mem->ring != NULL) {
        for (pln_idx j = 0; j <= mem->W; j++) {
            double *r = mem->ring + j * mem->m;
            for (pln_idx e = 0; e < mem->m; e++) {
                r[e] += ds[e];
            }
        }
    }
}

void pln_memory_step(pln_memory *mem, const double *s, double *u)
{
    const pln_idx m = mem->m;
    if (mem->ring != NULL) {
        pln_idx L = mem->W + 1;
        mem->head = (mem->head + 1) % L;
        memcpy(mem->ring + mem->head * m, s, (size_t)m * sizeof *s);
        memset(u, 0, (size_t)m * sizeof *u);
        for (pln_idx j = 0; j < L; j++) {
            pln_idx slot = (mem->head - j + L) % L;
            const double *r = mem->ring + slot * m;
            double wj = mem->w[j];
            for (pln_idx e = 0; e < m; e++) {
                u[e] += wj * r[e];
            }
        }
        return;
    }
    if (mem->ns == 1) {
        for (pln_idx e = 0; e < m; e++) {
            double v = mem->phi[0] * mem->x[e] + mem->w0[0] * mem->s_prev[e] + mem->w1[0] * s[e];
            mem->x[e] = v;
            mem->s_prev[e] = s[e];
            u[e] = s[e] - v;
        }
        return;
    }
    const double *P = mem->phi;
    for (pln_idx e = 0; e < m; e++) {
        double *x = mem->x + 3 * e;
        double s0 = mem->s_prev[e], s1 = s[e];
        double y0 = P[0] * x[0] + mem->w0[0] * s0 + mem->w1[0] * s1;
        double y1 = P[3] * x[0] + P[4] * x[1] + mem->w0[1] * s0 + mem->w1[1] * s1;
        double y2 = P[6] * x[0] + P[7] * x[1] + P[8] * x[2] + mem->w0[2] * s0 + mem->w1[2] * s1;
        x[0] = y0;
        x[1] = y1;
        x[2] = y2;
        mem->s_prev[e] = s1;
        u[e] = mem->out[1] * y1 + mem->out[2] * y2;
    }
}

double pln_memory_sigma(const pln_memory *mem) { return mem->sigma; }

pln_idx pln_memory_n_edges(const pln_memory *mem) { return mem->m; }

size_t pln_memory_state_size(const pln_memory *mem)
{
    size_t n = (size_t)mem->m * (size_t)(mem->ns + 1);
    if (mem->ring != NULL) {
        n += (size_t)(mem->W + 1) * (size_t)mem->m + 1;
    }
    return n * sizeof(double);
}

void pln_memory_state_save(const pln_memory *mem, void *buf)
{
    unsigned char *p = buf;
    size_t nx = (size_t)mem->m * (size_t)mem->ns * sizeof(double);
    if (nx > 0) {
        memcpy(p, mem->x, nx);
    }
    p += nx;
    memcpy(p, mem->s_prev, (size_t)mem->m * sizeof(double));
    p += (size_t)mem->m * sizeof(double);
    if (mem->ring != NULL) {
        double head = (double)mem->head;
        memcpy(p, &head, sizeof head);
        p += sizeof head;
        memcpy(p, mem->ring, (size_t)(mem->W + 1) * (size_t)mem->m * sizeof(double));
    }
}

void pln_memory_state_load(pln_memory *mem, const void *buf)
{
    const unsigned char *p = buf;
    size_t nx = (size_t)mem->m * (size_t)mem->ns * sizeof(double);
    if (nx > 0) {
        memcpy(mem->x, p, nx);
    }
    p += nx;
    memcpy(mem->s_prev, p, (size_t)mem->m * sizeof(double));
    p += (size_t)mem->m * sizeof(double);
    if (mem->ring != NULL) {
        double head;
        memcpy(&head, p, sizeof head);
        p += sizeof head;
        mem->head = (pln_idx)head;
        memcpy(mem->ring, p, (size_t)(mem->W + 1) * (size_t)mem->m * sizeof(double));
    }
}

pln_status pln_memory_kernel(pln_ctx *ctx, const pln_memory_options *o, pln_idx n,
                             const double *t, double *K, double *delta, double *area,
                             double *first_moment)
{
    PLN_TRY(pln_memory_options_check(ctx, o));
    if (delta != NULL) {
        *delta = 0.0;
    }
    if (o->kind == PLN_MEMORY_MARKOV_LADDER) {
        return pln_i_markov_kernel(ctx, o, n, t, K, area, first_moment);
    }
    if (o->kind == PLN_MEMORY_INTEGRAL_FEEDBACK) {
        double a = (1.0 + o->leak) / o->tau;
        for (pln_idx k = 0; k < n; k++) {
            K[k] = -exp(-a * t[k]) / o->tau;
        }
        if (delta != NULL) {
            *delta = 1.0;
        }
        if (area != NULL) {
            *area = o->leak / (1.0 + o->leak);
        }
        if (first_moment != NULL) {
            *first_moment = -o->tau / ((1.0 + o->leak) * (1.0 + o->leak));
        }
        return PLN_OK;
    }
    double A, C;
    pln_kernel_constants(o->B, o->I, &A, &C);
    for (pln_idx k = 0; k < n; k++) {
        K[k] = A * exp(-o->B * t[k]) * (t[k] - C * t[k] * t[k]);
    }
    if (area != NULL) {
        *area = A / (o->B * o->B) - 2.0 * A * C / (o->B * o->B * o->B);
    }
    if (first_moment != NULL) {
        double B4 = o->B * o->B * o->B * o->B;
        *first_moment = 2.0 * A / (o->B * o->B * o->B) - 6.0 * A * C / B4;
    }
    return PLN_OK;
}

pln_status pln_memory_impulse_response(pln_ctx *ctx, const pln_memory_options *o, double dt,
                                       pln_idx n, double *K)
{
    pln_memory *mem = NULL;
    PLN_TRY(pln_memory_create(ctx, o, 1, dt, &mem));
    if (o->kind == PLN_MEMORY_MARKOV_LADDER) {
        for (pln_idx k = 0; k < n; k++) {
            K[k] = k <= mem->W ? mem->w[k] / dt : 0.0;
        }
    } else {
        /* A unit impulse at t = 0 leaves stage 1 (or v, at rate 1/tau) at its response's
         * value at 0+; then the homogeneous propagator gives the samples exactly. */
        double x[3] = {0.0, 0.0, 0.0};
        x[0] = mem->ns == 1 ? 1.0 / o->tau : 1.0;
        for (pln_idx k = 0; k < n; k++) {
            K[k] = mem->ns == 1 ? -x[0] : mem->out[1] * x[1] + mem->out[2] * x[2];
            double y[3] = {0.0, 0.0, 0.0};
            for (int i = 0; i < mem->ns; i++) {
                y[i] = 0.0;
                for (int j = 0; j < mem->ns; j++) {
                    y[i] += mem->phi[i * mem->ns + j] * x[j];
                }
            }
            memcpy(x, y, sizeof y);
        }
    }
    pln_memory_destroy(mem);
    return PLN_OK;
}
