/* test_pcg.c — the PCG route: agrees with the direct route over small changes, refactorizes on large ones, falls back when it does not converge. */
#include "pln_internal.h"
#include "pln_solver.h"
#include "solver_fixtures.h"
#include "test_support.h"

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static pln_ctx *ctx;

static void setup(void) { cr_assert(pln_ctx_create(&ctx) == PLN_OK); }
static void teardown(void)
{
    pln_ctx_destroy(ctx);
    fx_check_leaks();
}

TestSuite(pcg, .init = setup, .fini = teardown, .timeout = 60);

/* Multiply every off-diagonal weight by 1 + eps (2u - 1) and rebuild the diagonal (a grounded
 * Laplacian stays one), in the dense copy and in place in A.x. */
static void perturb_small(fx_matrix *m, double eps, pln_rng *rng)
{
    pln_idx n = m->A.n;
    for (pln_idx j = 0; j < n; j++) {
        for (pln_idx k = m->A.p[j] + 1; k < m->A.p[j + 1]; k++) {
            pln_idx i = m->A.i[k];
            double old = m->dense[i * n + j];
            double w = old * (1.0 + eps * (2.0 * pln_rng_uniform(rng) - 1.0));
            m->dense[i * n + j] = m->dense[j * n + i] = w;
            m->dense[i * n + i] += old - w;
            m->dense[j * n + j] += old - w;
        }
    }
    for (pln_idx j = 0; j < n; j++) {
        for (pln_idx k = m->A.p[j]; k < m->A.p[j + 1]; k++) {
            m->A.x[k] = m->dense[m->A.i[k] * n + j];
        }
    }
}

/* Relative error of x against want in the energy norm of the dense matrix. */
static double energy_err(const fx_matrix *m, const double *x, const double *want)
{
    pln_idx n = m->A.n;
    double num = 0.0, den = 0.0;
    for (pln_idx i = 0; i < n; i++) {
        double ei = 0.0, wi = 0.0;
        for (pln_idx j = 0; j < n; j++) {
            ei += m->dense[i * n + j] * (x[j] - want[j]);
            wi += m->dense[i * n + j] * want[j];
        }
        num += (x[i] - want[i]) * ei;
        den += want[i] * wi;
    }
    return sqrt(fabs(num) / den);
}

static pln_solver *make(pln_refactor mode, double tol, pln_idx max_iter, pln_idx refactor_iter)
{
    pln_solver_options o;
    pln_solver_options_default(&o);
    o.refactor = mode;
    o.pcg_tol = tol;
    o.pcg_max_iter = max_iter;
    o.pcg_refactor_iter = refactor_iter;
    pln_solver *s = NULL;
    pln_status st = pln_solver_create(ctx, pln_solver_cholmod, &o, &s);
    cr_assert(st == PLN_OK, "create: %s", pln_ctx_last_error(ctx)->message);
    return s;
}

static void ok(pln_status st, const char *what)
{
    cr_assert(st == PLN_OK, "%s: %s", what, pln_ctx_last_error(ctx)->message);
}

Test(pcg, agrees_with_direct_over_small_changes)
{
    const pln_idx n = 400, nrhs = 3;
    const double tol = 1e-10;
    fx_matrix m;
    fx_laplacian(&m, n, 0, 5, 77);
    pln_solver *pcg = make(PLN_REFACTOR_PCG, tol, 50, 8);
    pln_solver *dir = make(PLN_REFACTOR_ALWAYS, tol, 50, 8);
    ok(pln_solver_analyze(pcg, &m.A), "analyze");
    ok(pln_solver_analyze(dir, &m.A), "analyze");
    double *b = fx_rhs(n, nrhs, 5);
    double *x = calloc((size_t)(n * nrhs), sizeof *x), *y = calloc((size_t)(n * nrhs), sizeof *y);
    pln_rng rng;
    pln_rng_seed(&rng, 9);
    double worst = 0.0;
    for (int step = 0; step < 40; step++) {
        if (step > 0) {
            perturb_small(&m, 2e-3, &rng);
        }
        ok(pln_solver_factor(pcg, &m.A), "factor pcg");
        ok(pln_solver_factor(dir, &m.A), "factor direct");
        ok(pln_solver_solve(pcg, nrhs, b, x), "solve pcg");
        ok(pln_solver_solve(dir, nrhs, b, y), "solve direct");
        for (pln_idx j = 0; j < nrhs; j++) {
            double e = energy_err(&m, x + j * n, y + j * n);
            worst = e > worst ? e : worst;
        }
    }
    cr_assert(worst < 10 * tol, "PCG differs from the direct route by %g (energy norm)", worst);
    pln_solver_stats sp;
    pln_solver_stats_get(pcg, &sp);
    cr_assert(sp.n_factor == 40);
    cr_assert(sp.n_numeric < 20, "%ld numeric factorizations for 40 small changes",
              sp.n_numeric);
    cr_assert(sp.n_pcg_iter > 0 && sp.n_pcg_fallback == 0);
    pln_solver_stats sd;
    pln_solver_stats_get(dir, &sd);
    cr_assert(sd.n_numeric == 40 && sd.n_pcg == 0);
    free(b);
    free(x);
    free(y);
    pln_solver_destroy(pcg);
    pln_solver_destroy(dir);
    fx_free(&m);
}

Test(pcg, refactorizes_on_large_changes)
{
    const pln_idx n = 200;
    fx_matrix m;
    fx_laplacian(&m, n, 0, 3, 12);
    pln_solver *s = make(PLN_REFACTOR_PCG, 1e-10, 50, 8);
    ok(pln_solver_analyze(s, &m.A), "analyze");
    double *b = fx_rhs(n, 1, 3), *x = calloc((size_t)n, sizeof *x);
    for (uint64_t k = 0; k < 5; k++) {
        if (k > 0) {
            fx_perturb(&m, 100 + k); /* weights scaled by 0.3 .. 2: some by more than 2x */
        }
        ok(pln_solver_factor(s, &m.A), "factor");
        ok(pln_solver_solve(s, 1, b, x), "solve");
        double *want = fx_oracle(&m, b);
        cr_assert(ts_max_rel_err(x, want, (size_t)n) < FX_TOL);
        free(want);
        pln_solver_stats st;
        pln_solver_stats_get(s, &st);
        cr_assert(st.n_numeric == (long)k + 1, "step %d: %ld factorizations", (int)k,
                  st.n_numeric);
    }
    free(b);
    free(x);
    pln_solver_destroy(s);
    fx_free(&m);
}

Test(pcg, refactorizes_past_the_iteration_threshold)
{
    const pln_idx n = 300;
    fx_matrix m;
    fx_laplacian(&m, n, 0, 4, 31);
    pln_solver *s = make(PLN_REFACTOR_PCG, 1e-10, 50, 2);
    ok(pln_solver_analyze(s, &m.A), "analyze");
    ok(pln_solver_factor(s, &m.A), "factor");
    double *b = fx_rhs(n, 1, 4), *x = calloc((size_t)n, sizeof *x);
    pln_rng rng;
    pln_rng_seed(&rng, 2);
    /* 30% changes need more than 2 iterations: the next factor call renews the factor. */
    perturb_small(&m, 0.3, &rng);
    ok(pln_solver_factor(s, &m.A), "factor");
    ok(pln_solver_solve(s, 1, b, x), "solve");
    pln_solver_stats st;
    pln_solver_stats_get(s, &st);
    cr_assert(st.n_numeric == 1 && st.last_pcg_iter > 2, "%ld, %d", st.n_numeric,
              st.last_pcg_iter);
    double *want = fx_oracle(&m, b);
    cr_assert(energy_err(&m, x, want) < 1e-9);
    free(want);
    perturb_small(&m, 1e-4, &rng);
    ok(pln_solver_factor(s, &m.A), "factor");
    pln_solver_stats_get(s, &st);
    cr_assert(st.n_numeric == 2, "not refactorized after %d iterations", st.last_pcg_iter);
    free(b);
    free(x);
    pln_solver_destroy(s);
    fx_free(&m);
}

Test(pcg, falls_back_when_it_does_not_converge)
{
    const pln_idx n = 300;
    fx_matrix m;
    fx_laplacian(&m, n, 0, 4, 8);
    pln_solver *s = make(PLN_REFACTOR_PCG, 1e-12, 1, 1);
    ok(pln_solver_analyze(s, &m.A), "analyze");
    ok(pln_solver_factor(s, &m.A), "factor");
    pln_rng rng;
    pln_rng_seed(&rng, 3);
    perturb_small(&m, 0.4, &rng);
    ok(pln_solver_factor(s, &m.A), "factor");
    double *b = fx_rhs(n, 2, 4), *x = calloc((size_t)(2 * n), sizeof *x);
    ok(pln_solver_solve(s, 2, b, x), "solve");
    pln_solver_stats st;
    pln_solver_stats_get(s, &st);
    /* The fallback factorizes the current values, then the kept ones again (so the solve
     * leaves the kept factor as it found it). */
    cr_assert(st.n_pcg_fallback == 1 && st.n_numeric == 3, "%ld fallbacks, %ld numeric",
              st.n_pcg_fallback, st.n_numeric);
    for (int j = 0; j < 2; j++) {
        double *want = fx_oracle(&m, b + j * n);
        cr_assert(ts_max_rel_err(x + j * n, want, (size_t)n) < FX_TOL);
        free(want);
    }
    /* Its cost makes the next factor call renew the factor. */
    ok(pln_solver_factor(s, &m.A), "factor");
    pln_solver_stats_get(s, &st);
    cr_assert(st.n_numeric == 4, "%ld numeric", st.n_numeric);
    free(b);
    free(x);
    pln_solver_destroy(s);
    fx_free(&m);
}

Test(pcg, singular_after_change_is_reported)
{
    /* The matrix turns singular when its grounding is removed. The diagonal may move by
     * less than a factor 2, so the factor is kept; PCG then cannot converge and the solve's
     * fallback factorization reports it. */
    const pln_idx n = 50;
    fx_matrix m;
    fx_laplacian(&m, n, 0, 1, 21);
    pln_solver *s = make(PLN_REFACTOR_PCG, 1e-10, 50, 8);
    ok(pln_solver_analyze(s, &m.A), "analyze");
    ok(pln_solver_factor(s, &m.A), "factor");
    /* Remove the grounding: every row sums to zero. */
    for (pln_idx j = 0; j < n; j++) {
        double off = 0.0;
        for (pln_idx i = 0; i < n; i++) {
            off += i != j ? m.dense[i * n + j] : 0.0;
        }
        m.A.x[m.A.p[j]] = -off;
    }
    pln_status st = pln_solver_factor(s, &m.A);
    double *b = fx_rhs(n, 1, 4), *x = calloc((size_t)n, sizeof *x);
    if (st == PLN_OK) {
        st = pln_solver_solve(s, 1, b, x);
    }
    cr_assert(st == PLN_ESINGULAR, "got %s", pln_strerror(st));
    cr_assert(pln_solver_failed_column(s) >= 0);
    /* Solves are refused until a factorization succeeds. */
    cr_assert(pln_solver_solve(s, 1, b, x) == PLN_EINVAL);
    free(b);
    free(x);
    pln_solver_destroy(s);
    fx_free(&m);
}

Test(pcg, auto_refactorizes_small_systems_every_time)
{
    const pln_idx n = 100;
    fx_matrix m;
    fx_laplacian(&m, n, 0, 3, 5);
    pln_solver *s = make(PLN_REFACTOR_AUTO, 1e-10, 50, 8);
    ok(pln_solver_analyze(s, &m.A), "analyze");
    pln_rng rng;
    pln_rng_seed(&rng, 1);
    double *b = fx_rhs(n, 1, 4), *x = calloc((size_t)n, sizeof *x);
    for (int k = 0; k < 5; k++) {
        perturb_small(&m, 1e-3, &rng);
        ok(pln_solver_factor(s, &m.A), "factor");
        ok(pln_solver_solve(s, 1, b, x), "solve");
    }
    pln_solver_stats st;
    pln_solver_stats_get(s, &st);
    cr_assert(st.n_numeric == 5 && st.n_pcg_iter == 0);
    free(b);
    free(x);
    pln_solver_destroy(s);
    fx_free(&m);
}

Test(pcg, bad_options_name_the_key)
{
    pln_solver_options o;
    pln_solver_options_default(&o);
    pln_solver *s = NULL;
    o.refactor = (pln_refactor)7;
    cr_assert(pln_solver_create(ctx, pln_solver_cholmod, &o, &s) == PLN_EINVAL);
    cr_assert_str_eq(pln_ctx_last_error(ctx)->key, "refactor");
    o.refactor = PLN_REFACTOR_PCG;
    o.pcg_tol = 0.0;
    cr_assert(pln_solver_create(ctx, pln_solver_cholmod, &o, &s) == PLN_EINVAL);
    cr_assert_str_eq(pln_ctx_last_error(ctx)->key, "pcg_tol");
    o.pcg_tol = 1e-10;
    o.pcg_max_iter = 0;
    cr_assert(pln_solver_create(ctx, pln_solver_cholmod, &o, &s) == PLN_EINVAL);
    cr_assert_str_eq(pln_ctx_last_error(ctx)->key, "pcg_max_iter");
    o.pcg_max_iter = 5;
    o.pcg_refactor_iter = 6;
    cr_assert(pln_solver_create(ctx, pln_solver_cholmod, &o, &s) == PLN_EINVAL);
    cr_assert_str_eq(pln_ctx_last_error(ctx)->key, "pcg_refactor_iter");
    /* Zero-initialized PCG settings are ignored by the direct route. */
    pln_solver_options z = {0};
    cr_assert(pln_solver_create(ctx, pln_solver_cholmod, &z, &s) == PLN_OK);
    pln_solver_destroy(s);
}

/* Learning steps on slowly changing values, in a trainer's order: solve, change the values,
 * factor; x gets the last solve. */
static void run_steps(pln_solver *s, fx_matrix *m, pln_rng *rng, int steps, const double *b,
                      pln_idx nrhs, double *x)
{
    for (int k = 0; k < steps; k++) {
        ok(pln_solver_solve(s, nrhs, b, x), "solve");
        perturb_small(m, 3e-3, rng);
        ok(pln_solver_factor(s, &m->A), "factor");
    }
}

ParameterizedTestParameters(pcg, a_restored_solver_repeats_the_original_bit_for_bit)
{
    static pln_refactor modes[] = {PLN_REFACTOR_PCG, PLN_REFACTOR_AUTO};
    return cr_make_param_array(pln_refactor, modes, 2);
}

/* The history a checkpoint carries is all later results depend on: a solver that saved its
 * state after k steps and one restored from it (after one factor call of the same values)
 * give the same bits for the next steps, and solves made in between (evaluations) change
 * nothing. AUTO's direct-route threshold is below this small matrix, so AUTO is checked
 * through the direct route here (state size 0) and PCG through the kept factor. */
ParameterizedTest(pln_refactor *mode, pcg, a_restored_solver_repeats_the_original_bit_for_bit)
{
    const pln_idx n = 300, nrhs = 2;
    fx_matrix m;
    fx_laplacian(&m, n, 0, 4, 41);
    pln_solver *a = make(*mode, 1e-10, 50, 3);
    ok(pln_solver_analyze(a, &m.A), "analyze");
    ok(pln_solver_factor(a, &m.A), "factor");
    double *b = fx_rhs(n, nrhs, 6), *other = fx_rhs(n, nrhs, 7);
    double *x = calloc((size_t)(n * nrhs), sizeof *x), *y = calloc((size_t)(n * nrhs), sizeof *y);
    double *scratch = calloc((size_t)(n * nrhs), sizeof *scratch);
    pln_rng rng;
    pln_rng_seed(&rng, 5);
    run_steps(a, &m, &rng, 7, b, nrhs, x);
    const size_t size = pln_solver_state_size(a);
    if (*mode == PLN_REFACTOR_PCG) {
        cr_assert(size == 8 + 32 + (size_t)m.A.nnz * 8, "state of %zu bytes", size);
    }
    unsigned char *buf = malloc(size + 1);
    ok(pln_solver_state_save(a, buf, size), "save");
    /* An evaluation the restored run does not make. */
    ok(pln_solver_solve(a, nrhs, other, scratch), "evaluation");

    pln_solver *c = make(*mode, 1e-10, 50, 3);
    ok(pln_solver_analyze(c, &m.A), "analyze");
    cr_assert(pln_solver_state_load(c, buf, size) == (size > 0 ? PLN_EINVAL : PLN_OK),
              "a load before any factor call must be refused");
    ok(pln_solver_factor(c, &m.A), "factor");
    ok(pln_solver_state_load(c, buf, size), "load");
    cr_assert(pln_solver_state_load(c, buf, size + 1) == PLN_EDIM);
    pln_rng rng_c = rng;
    fx_matrix mc;
    fx_laplacian(&mc, n, 0, 4, 41);
    memcpy(mc.A.x, m.A.x, (size_t)m.A.nnz * sizeof *m.A.x);
    memcpy(mc.dense, m.dense, (size_t)(n * n) * sizeof *m.dense);
    for (int k = 0; k < 12; k++) {
        run_steps(a, &m, &rng, 1, b, nrhs, x);
        run_steps(c, &mc, &rng_c, 1, b, nrhs, y);
        cr_assert(memcmp(x, y, (size_t)(n * nrhs) * sizeof *x) == 0,
                  "step %d after the restore differs", k);
    }
    pln_solver_stats sa, sc;
    pln_solver_stats_get(a, &sa);
    pln_solver_stats_get(c, &sc);
    if (*mode == PLN_REFACTOR_PCG) {
        cr_assert(sa.n_pcg > 0 && sc.n_pcg > 0, "the PCG route was not exercised");
    }
    free(buf);
    free(b);
    free(other);
    free(x);
    free(y);
    free(scratch);
    pln_solver_destroy(a);
    pln_solver_destroy(c);
    fx_free(&m);
    fx_free(&mc);
}

Test(pcg, a_solve_does_not_depend_on_earlier_solves)
{
    const pln_idx n = 250;
    fx_matrix m;
    fx_laplacian(&m, n, 0, 4, 43);
    pln_solver *s = make(PLN_REFACTOR_PCG, 1e-10, 50, 8);
    ok(pln_solver_analyze(s, &m.A), "analyze");
    ok(pln_solver_factor(s, &m.A), "factor");
    pln_rng rng;
    pln_rng_seed(&rng, 8);
    perturb_small(&m, 1e-2, &rng);
    ok(pln_solver_factor(s, &m.A), "factor");
    double *b = fx_rhs(n, 1, 9), *b2 = fx_rhs(n, 1, 10);
    double *x1 = calloc((size_t)n, sizeof *x1), *x2 = calloc((size_t)n, sizeof *x2);
    ok(pln_solver_solve(s, 1, b, x1), "solve");
    ok(pln_solver_solve(s, 1, b2, x2), "other solve");
    ok(pln_solver_solve(s, 1, b, x2), "solve again");
    cr_assert(memcmp(x1, x2, (size_t)n * sizeof *x1) == 0);
    pln_solver_stats st;
    pln_solver_stats_get(s, &st);
    cr_assert(st.n_pcg == 3 && st.n_numeric == 1);
    free(b);
    free(b2);
    free(x1);
    free(x2);
    pln_solver_destroy(s);
    fx_free(&m);
}

/* AUTO by counts: a tiny system takes the direct route; a larger one keeps its factor over
 * small changes with few right-hand sides, and when so many right-hand sides are solved that
 * a PCG solve costs more than a factorization and a direct solve, refactorizes after every
 * such solve (every other step: a fresh factor's direct solve, then one PCG step). */
Test(pcg, auto_keeps_the_factor_where_it_pays_only)
{
    pln_rng rng;
    pln_rng_seed(&rng, 12);
    fx_matrix tiny;
    fx_laplacian(&tiny, 40, 0, 2, 51);
    pln_solver *t = make(PLN_REFACTOR_AUTO, 1e-10, 50, 8);
    ok(pln_solver_analyze(t, &tiny.A), "analyze");
    cr_assert(pln_solver_state_size(t) == 0, "AUTO kept a factor of a 40-node system");
    const pln_idx n = 1500;
    for (int wide = 0; wide < 2; wide++) {
        const pln_idx nrhs = wide ? 120 : 1;
        fx_matrix m;
        fx_laplacian(&m, n, 0, 4, 52);
        pln_solver *s = make(PLN_REFACTOR_AUTO, 1e-10, 50, 8);
        ok(pln_solver_analyze(s, &m.A), "analyze");
        cr_assert(pln_solver_state_size(s) > 0, "AUTO took the direct route at n = %d", (int)n);
        ok(pln_solver_factor(s, &m.A), "factor");
        double *b = fx_rhs(n, nrhs, 3), *x = calloc((size_t)(n * nrhs), sizeof *x);
        run_steps(s, &m, &rng, 8, b, nrhs, x);
        pln_solver_stats st;
        pln_solver_stats_get(s, &st);
        if (wide) {
            cr_assert(st.n_numeric >= 4, "%ld factorizations in 8 steps of %d columns",
                      st.n_numeric, (int)nrhs);
        } else {
            cr_assert(st.n_numeric <= 3, "%ld factorizations in 8 steps of one column",
                      st.n_numeric);
        }
        free(b);
        free(x);
        pln_solver_destroy(s);
        fx_free(&m);
    }
    pln_solver_destroy(t);
    fx_free(&tiny);
}
