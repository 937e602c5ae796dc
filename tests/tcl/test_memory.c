/* test_memory.c — edge memories vs closed forms and quadrature; the Markov ladder: Mp = 0, sigma */
#include "pln_internal.h"
#include "pln_learning.h"
#include "test_support.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static void fini(void) { ts_check_leaks(); }
TestSuite(memory, .fini = fini, .timeout = 60);

/* The exactness claims of SPEC 4: the exponential integrator has no truncation error, so
 * the only error is rounding over a few hundred steps. */
#define KERNEL_TOL 1e-8

static double kernel_formula(double B, double I, double t)
{
    double A = 3.0 * I * B * B + B * B * B;
    double C = (B * B + 2.0 * B * I) / (6.0 * I + 2.0 * B);
    return A * exp(-B * t) * (t - C * t * t);
}

/* u(t) = int_0^t K(tau) s(t - tau) dtau by composite Simpson with n intervals. */
static double convolve(double B, double I, double (*s)(double), double t, int n)
{
    double h = t / n, sum = 0.0;
    for (int i = 0; i <= n; i++) {
        double tau = i * h;
        double w = (i == 0 || i == n) ? 1.0 : (i % 2 ? 4.0 : 2.0);
        sum += w * kernel_formula(B, I, tau) * s(t - tau);
    }
    return sum * h / 3.0;
}

static double ramp(double t) { return t; }
static double ramp_then_flat(double t) { return t < 0.37 ? 2.0 * t : 0.74; }

Test(memory, kernel_impulse_response_is_the_formula)
{
    double Bs[] = {10.0, 2.5, 37.0};
    double Is[] = {0.0, 0.3, 4.0};
    for (int b = 0; b < 3; b++) {
        for (int i = 0; i < 3; i++) {
            pln_memory_options o;
            pln_memory_options_default(&o);
            o.kind = PLN_MEMORY_KERNEL;
            o.B = Bs[b];
            o.I = Is[i];
            double dt = 0.013;
            pln_idx n = 800;
            double *K = malloc(n * sizeof *K);
            cr_assert(pln_memory_impulse_response(NULL, &o, dt, n, K) == PLN_OK);
            double scale = 0.0, err = 0.0;
            for (pln_idx k = 0; k < n; k++) {
                double want = kernel_formula(o.B, o.I, k * dt);
                scale = fmax(scale, fabs(want));
                err = fmax(err, fabs(K[k] - want));
            }
            cr_assert(err <= KERNEL_TOL * scale, "B %g I %g: error %g of %g", o.B, o.I, err,
                      scale);
            free(K);
        }
    }
}

Test(memory, kernel_area_and_first_moment)
{
    /* Quadrature of the formula (independent of the closed forms in the library). */
    double Bs[] = {10.0, 2.5};
    double Is[] = {0.0, 0.3, 4.0};
    for (int b = 0; b < 2; b++) {
        for (int i = 0; i < 3; i++) {
            double B = Bs[b], I = Is[i], T = 60.0 / B;
            int n = 200000;
            double h = T / n, area = 0.0, fm = 0.0;
            for (int k = 0; k <= n; k++) {
                double w = (k == 0 || k == n) ? 1.0 : (k % 2 ? 4.0 : 2.0);
                double K = kernel_formula(B, I, k * h);
                area += w * K;
                fm += w * K * k * h;
            }
            area *= h / 3.0;
            fm *= h / 3.0;
            cr_assert(fabs(area - I) < 1e-8 * (1.0 + I), "B %g I %g: area %.12g", B, I, area);
            cr_assert(fabs(fm + 1.0) < 1e-8, "B %g I %g: first moment %.12g", B, I, fm);
            pln_memory_options o;
            pln_memory_options_default(&o);
            o.kind = PLN_MEMORY_KERNEL;
            o.B = B;
            o.I = I;
            double t0 = 0.0, K0, a, f;
            cr_assert(pln_memory_kernel(NULL, &o, 1, &t0, &K0, NULL, &a, &f) == PLN_OK);
            cr_assert(fabs(a - I) < 1e-12 * (1.0 + I) && fabs(f + 1.0) < 1e-12);
        }
    }
}

/* The three-stage cascade driven by a piecewise-linear signal equals the convolution with
 * the kernel: the forcing weights of the exponential integrator are exact too. */
static void check_forced(double B, double I, double (*s)(double), double dt, int steps)
{
    pln_memory_options o;
    pln_memory_options_default(&o);
    o.kind = PLN_MEMORY_KERNEL;
    o.B = B;
    o.I = I;
    pln_memory *mem = NULL;
    cr_assert(pln_memory_create(NULL, &o, 1, dt, &mem) == PLN_OK);
    double zero = 0.0, u = 0.0, err = 0.0, scale = 0.0;
    pln_memory_reset(mem, &zero);
    for (int k = 1; k <= steps; k++) {
        double sk = s(k * dt);
        pln_memory_step(mem, &sk, &u);
        if (k % 25 == 0) {
            double want = convolve(B, I, s, k * dt, 40000);
            err = fmax(err, fabs(u - want));
            scale = fmax(scale, fabs(want));
        }
    }
    cr_assert(err <= KERNEL_TOL * fmax(scale, 1.0), "B %g I %g: error %g", B, I, err);
    pln_memory_destroy(mem);
}

Test(memory, kernel_cascade_equals_convolution_for_piecewise_linear_input)
{
    check_forced(10.0, 0.0, ramp, 0.01, 300);
    check_forced(3.0, 0.5, ramp, 0.02, 200);
    /* The kink at t = 0.37 is on the grid of dt = 0.01. */
    check_forced(10.0, 0.2, ramp_then_flat, 0.01, 200);
}

Test(memory, integral_feedback_ramp_response)
{
    /* u = s - v, tau v' = s - (1 + lambda) v from v = 0 with s = t: closed form. */
    double tau = 0.3, lam = 0.4, dt = 0.01;
    pln_memory_options o;
    pln_memory_options_default(&o);
    o.tau = tau;
    o.leak = lam;
    pln_memory *mem = NULL;
    cr_assert(pln_memory_create(NULL, &o, 1, dt, &mem) == PLN_OK);
    double zero = 0.0, u = 0.0;
    pln_memory_reset(mem, &zero);
    double a = (1.0 + lam) / tau;
    for (int k = 1; k <= 300; k++) {
        double t = k * dt, s = t;
        pln_memory_step(mem, &s, &u);
        /* v = (1/tau) int_0^t e^{-a (t - x)} x dx */
        double v = (t / a - (1.0 - exp(-a * t)) / (a * a)) / tau;
        cr_assert(fabs(u - (s - v)) < 1e-12, "t %g: u %.15g want %.15g", t, u, s - v);
    }
    /* Slow signal, perfect adaptation: u -> tau ds/dt. */
    o.leak = 0.0;
    pln_memory_destroy(mem);
    cr_assert(pln_memory_create(NULL, &o, 1, dt, &mem) == PLN_OK);
    pln_memory_reset(mem, &zero);
    for (int k = 1; k <= 1000; k++) {
        double s = 0.5 * k * dt;
        pln_memory_step(mem, &s, &u);
    }
    cr_assert(fabs(u - 0.5 * tau) < 1e-9, "u %.12g", u);
    pln_memory_destroy(mem);
}

Test(memory, markov_stationary_state_solves_Mp_zero)
{
    double gammas[] = {1.0, 0.5, 0.1, 0.01};
    double signals[] = {0.0, 200.0, 5000.0};
    for (int g = 0; g < 4; g++) {
        for (int s = 0; s < 3; s++) {
            double M[100], p[10];
            pln_markov_rates(signals[s], gammas[g], 25.0, M);
            for (int j = 0; j < 10; j++) {
                double col = 0.0;
                for (int i = 0; i < 10; i++) {
                    col += M[i * 10 + j];
                }
                cr_assert(fabs(col) < 1e-12, "columns of M sum to zero");
            }
            cr_assert(pln_markov_stationary(NULL, M, p) == PLN_OK);
            double sum = 0.0, res = 0.0;
            for (int i = 0; i < 10; i++) {
                double r = 0.0;
                for (int j = 0; j < 10; j++) {
                    r += M[i * 10 + j] * p[j];
                }
                res = fmax(res, fabs(r));
                sum += p[i];
                cr_assert(p[i] > 0.0);
            }
            cr_assert(res < 1e-12, "gamma %g s %g: |M p| = %g", gammas[g], signals[s], res);
            cr_assert(fabs(sum - 1.0) < 1e-14);
        }
    }
}

Test(memory, markov_sigma_zero_at_detailed_balance_and_grows_as_gamma_falls)
{
    pln_memory_options o;
    pln_memory_options_default(&o);
    o.kind = PLN_MEMORY_MARKOV_LADDER;
    o.tau = 1.0;
    o.gamma = 1.0;
    double sig = -1.0;
    cr_assert(pln_markov_sigma(NULL, &o, &sig) == PLN_OK);
    cr_assert(fabs(sig) < 1e-12, "sigma(1) = %g", sig);
    double gammas[] = {0.9, 0.5, 0.2, 0.1, 0.05, 0.02, 0.01, 0.001};
    double prev = sig;
    for (int k = 0; k < 8; k++) {
        o.gamma = gammas[k];
        cr_assert(pln_markov_sigma(NULL, &o, &sig) == PLN_OK);
        cr_assert(sig > prev, "sigma(%g) = %g not above %g", gammas[k], sig, prev);
        prev = sig;
    }
    /* About like ln(1/gamma): the slope between 0.01 and 0.001 is of order one. */
    double s2, s3;
    o.gamma = 0.01;
    pln_markov_sigma(NULL, &o, &s2);
    o.gamma = 0.001;
    pln_markov_sigma(NULL, &o, &s3);
    double slope = (s3 - s2) / log(10.0);
    cr_assert(slope > 0.2 && slope < 5.0, "d sigma / d ln(1/gamma) = %g", slope);
    /* Time unit: sigma scales as 1/tau. */
    o.tau = 0.05;
    double s4;
    pln_markov_sigma(NULL, &o, &s4);
    cr_assert(fabs(s4 - s3 / 0.05) < 1e-9 * s4);
}

Test(memory, markov_kernel_first_moment_is_minus_one, .timeout = 300)
{
    pln_memory_options o;
    pln_memory_options_default(&o);
    o.kind = PLN_MEMORY_MARKOV_LADDER;
    o.tau = 1.0;
    double gammas[] = {0.2, 0.05};
    for (int g = 0; g < 2; g++) {
        o.gamma = gammas[g];
        /* Quadrature of the continuous kernel on two Simpson grids: fine where the rows
         * exchange (rates up to ~2000), coarse over the slow methylation tail. */
        double edges[] = {0.0, 0.02, 0.5, 120.0};
        int ns[] = {4000, 4000, 24000};
        double area = 0.0, fm = 0.0;
        for (int seg = 0; seg < 3; seg++) {
            int n = ns[seg];
            double h = (edges[seg + 1] - edges[seg]) / n;
            double *t = malloc((size_t)(n + 1) * sizeof *t);
            double *K = malloc((size_t)(n + 1) * sizeof *K);
            for (int k = 0; k <= n; k++) {
                t[k] = edges[seg] + k * h;
            }
            cr_assert(pln_memory_kernel(NULL, &o, n + 1, t, K, NULL, NULL, NULL) == PLN_OK);
            for (int k = 0; k <= n; k++) {
                double w = (k == 0 || k == n) ? 1.0 : (k % 2 ? 4.0 : 2.0);
                area += w * K[k] * h / 3.0;
                fm += w * K[k] * t[k] * h / 3.0;
            }
            free(t);
            free(K);
        }
        cr_assert(fabs(fm + 1.0) < 1e-5, "gamma %g: first moment %.10g", o.gamma, fm);
        double a_lib, f_lib, t0 = 0.0, K0;
        cr_assert(pln_memory_kernel(NULL, &o, 1, &t0, &K0, NULL, &a_lib, &f_lib) == PLN_OK);
        cr_assert(fabs(area - a_lib) < 1e-5 * (1.0 + fabs(a_lib)), "area %g vs %g", area, a_lib);
        /* The convolution weights of the memory: first moment -1 over the window. */
        double dt = 0.05;
        pln_idx n = 2000;
        double *w = malloc(n * sizeof *w);
        o.window = 80.0;
        cr_assert(pln_memory_impulse_response(NULL, &o, dt, n, w) == PLN_OK);
        double m1 = 0.0;
        for (pln_idx k = 0; k < n; k++) {
            m1 += w[k] * dt * (double)k * dt;
        }
        cr_assert(fabs(m1 + 1.0) < 1e-10, "discrete first moment %.12g", m1);
        o.window = 0.0;
        free(w);
    }
}

Test(memory, markov_adaptation_error_falls_with_gamma)
{
    /* The kernel's area (its adaptation error, at first moment -1) shrinks with more drive. */
    pln_memory_options o;
    pln_memory_options_default(&o);
    o.kind = PLN_MEMORY_MARKOV_LADDER;
    double prev = INFINITY, t0 = 0.0, K0;
    double gammas[] = {0.2, 0.1, 0.05, 0.02, 0.01};
    for (int g = 0; g < 5; g++) {
        o.gamma = gammas[g];
        double a;
        cr_assert(pln_memory_kernel(NULL, &o, 1, &t0, &K0, NULL, &a, NULL) == PLN_OK);
        cr_assert(fabs(a) < prev, "gamma %g: |area| %g not below %g", o.gamma, fabs(a), prev);
        prev = fabs(a);
    }
}

Test(memory, step_allocates_nothing_and_checkpoints_round_trip)
{
    pln_memory_kind kinds[] = {PLN_MEMORY_INTEGRAL_FEEDBACK, PLN_MEMORY_KERNEL,
                               PLN_MEMORY_MARKOV_LADDER};
    for (int k = 0; k < 3; k++) {
        pln_memory_options o;
        pln_memory_options_default(&o);
        o.kind = kinds[k];
        pln_memory *a = NULL, *b = NULL;
        pln_idx m = 5;
        cr_assert(pln_memory_create(NULL, &o, m, 0.01, &a) == PLN_OK);
        cr_assert(pln_memory_create(NULL, &o, m, 0.01, &b) == PLN_OK);
        double s[5] = {0.1, 0.2, 0.3, 0.4, 0.5}, u[5], v[5];
        pln_memory_reset(a, s);
        long before = pln_i_alloc_count();
        for (int i = 0; i < 50; i++) {
            for (int e = 0; e < 5; e++) {
                s[e] += 0.01 * (e + 1) * sin(0.1 * i);
            }
            pln_memory_step(a, s, u);
        }
        cr_assert(pln_i_alloc_count() == before, "a memory step allocated");
        size_t sz = pln_memory_state_size(a);
        void *buf = malloc(sz);
        pln_memory_state_save(a, buf);
        pln_memory_state_load(b, buf);
        for (int i = 0; i < 20; i++) {
            pln_memory_step(a, s, u);
            pln_memory_step(b, s, v);
            cr_assert(memcmp(u, v, sizeof u) == 0);
        }
        free(buf);
        pln_memory_destroy(a);
        pln_memory_destroy(b);
    }
}

Test(memory, bad_options_name_the_key)
{
    pln_ctx *ctx = NULL;
    cr_assert(pln_ctx_create(&ctx) == PLN_OK);
    pln_memory_options o;
    pln_memory_options_default(&o);
    o.gamma = 0.0;
    pln_memory *mem = NULL;
    cr_assert(pln_memory_create(ctx, &o, 3, 0.01, &mem) == PLN_EINVAL);
    cr_assert(mem == NULL);
    cr_assert_str_eq(pln_ctx_last_error(ctx)->key, "protocol.memory.gamma");
    pln_memory_options_default(&o);
    o.B = -1.0;
    cr_assert(pln_memory_create(ctx, &o, 3, 0.01, &mem) == PLN_EINVAL);
    cr_assert_str_eq(pln_ctx_last_error(ctx)->key, "protocol.memory.B");
    pln_memory_destroy(NULL);
    pln_ctx_destroy(ctx);
}
