/* test_conformance.c — what every solver type promises, run over each type (SUNDIALS style). */
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

TestSuite(conformance, .init = setup, .fini = teardown, .timeout = 60);

/* Every solver type under test; a new type (pcg) joins by adding its name here. */
static struct criterion_test_params all_types(void)
{
    /* Names by value: Criterion copies parameters into a fresh process, so pointers into
     * the parent's memory would not survive. */
    static fx_type_name names[] = {{"cholmod"}, {"dense_ref"}, {"pcg"}};
    return cr_make_param_array(fx_type_name, names, sizeof names / sizeof names[0]);
}

#define SOLVER_TEST(name)                                                                    \
    ParameterizedTestParameters(conformance, name) { return all_types(); }                   \
    ParameterizedTest(fx_type_name *type_name, conformance, name)

static pln_solver *make(const char *type_name, const pln_solver_options *opts)
{
    pln_solver *s = NULL;
    pln_status st = pln_solver_create(ctx, fx_type(type_name), opts, &s);
    cr_assert(st == PLN_OK, "create %s: %s", type_name, pln_ctx_last_error(ctx)->message);
    cr_assert(s != NULL);
    return s;
}

static void analyze_factor(pln_solver *s, const pln_csc *A)
{
    pln_status st = pln_solver_analyze(s, A);
    cr_assert(st == PLN_OK, "analyze: %s", pln_ctx_last_error(ctx)->message);
    st = pln_solver_factor(s, A);
    cr_assert(st == PLN_OK, "factor: %s", pln_ctx_last_error(ctx)->message);
}

/* Solve one right-hand side and compare with the dense oracle. */
static void check_solution(pln_solver *s, const fx_matrix *m, uint64_t seed, double tol)
{
    pln_idx n = m->A.n;
    double *b = fx_rhs(n, 1, seed);
    double *x = calloc((size_t)n, sizeof *x);
    pln_status st = pln_solver_solve(s, 1, b, x);
    cr_assert(st == PLN_OK, "solve: %s", pln_ctx_last_error(ctx)->message);
    double *want = fx_oracle(m, b);
    double err = ts_max_rel_err(x, want, (size_t)n);
    cr_assert(err < tol, "n = %ld: relative error %g >= %g", (long)n, err, tol);
    free(b);
    free(x);
    free(want);
}

SOLVER_TEST(solves_random_grounded_laplacians)
{
    static const pln_idx sizes[] = {1, 2, 3, 7, 20, 64, 150, 500};
    pln_solver *s = make(type_name->name, NULL);
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        for (uint64_t seed = 1; seed <= 3; seed++) {
            fx_matrix m;
            fx_laplacian(&m, sizes[k], 0, 1 + (pln_idx)seed, 1000 * (uint64_t)sizes[k] + seed);
            analyze_factor(s, &m.A);
            check_solution(s, &m, seed, FX_TOL);
            fx_free(&m);
        }
    }
    pln_solver_destroy(s);
}

SOLVER_TEST(every_ordering_and_mode_gives_the_same_solution)
{
    static const pln_ordering orders[] = {PLN_ORDER_AUTO, PLN_ORDER_AMD, PLN_ORDER_NATURAL};
    static const pln_factor_mode modes[] = {PLN_FACTOR_AUTO, PLN_FACTOR_SIMPLICIAL,
                                            PLN_FACTOR_SUPERNODAL};
    fx_matrix m;
    fx_laplacian(&m, 300, 0, 3, 77);
    for (size_t a = 0; a < 3; a++) {
        for (size_t b = 0; b < 3; b++) {
            pln_solver_options o;
            pln_solver_options_default(&o);
            o.ordering = orders[a];
            o.mode = modes[b];
            pln_solver *s = make(type_name->name, &o);
            analyze_factor(s, &m.A);
            check_solution(s, &m, 5, FX_TOL);
            pln_solver_destroy(s);
        }
    }
    fx_free(&m);
}

SOLVER_TEST(multi_rhs_equals_column_by_column)
{
    const pln_idx n = 200, nrhs = 7;
    fx_matrix m;
    fx_laplacian(&m, n, 0, 2, 4242);
    pln_solver *s = make(type_name->name, NULL);
    analyze_factor(s, &m.A);
    double *B = fx_rhs(n, nrhs, 9);
    double *X = calloc((size_t)(n * nrhs), sizeof *X);
    double *x1 = calloc((size_t)n, sizeof *x1);
    cr_assert(pln_solver_solve(s, nrhs, B, X) == PLN_OK);
    for (pln_idx r = 0; r < nrhs; r++) {
        cr_assert(pln_solver_solve(s, 1, B + r * n, x1) == PLN_OK);
        /* Same factor, same arithmetic up to blocking in the BLAS: rounding-level agreement. */
        double err = ts_max_rel_err(X + r * n, x1, (size_t)n);
        cr_assert(err < 1e-13, "column %ld differs by %g", (long)r, err);
        double *want = fx_oracle(&m, B + r * n);
        cr_assert(ts_max_rel_err(X + r * n, want, (size_t)n) < FX_TOL);
        free(want);
    }
    pln_solver_stats st;
    pln_solver_stats_get(s, &st);
    cr_assert(st.n_solve == 2 * nrhs, "n_solve counts right-hand sides: %ld", st.n_solve);
    free(B);
    free(X);
    free(x1);
    pln_solver_destroy(s);
    fx_free(&m);
}

SOLVER_TEST(refactor_with_new_values_reuses_the_analysis)
{
    fx_matrix m;
    fx_laplacian(&m, 250, 0, 2, 31337);
    pln_solver *s = make(type_name->name, NULL);
    analyze_factor(s, &m.A);
    check_solution(s, &m, 1, FX_TOL);
    for (uint64_t round = 0; round < 3; round++) {
        fx_perturb(&m, 100 + round);
        cr_assert(pln_solver_factor(s, &m.A) == PLN_OK, "%s", pln_ctx_last_error(ctx)->message);
        check_solution(s, &m, 2 + round, FX_TOL);
    }
    pln_solver_stats st;
    pln_solver_stats_get(s, &st);
    cr_assert(st.n_analyze == 1, "n_analyze = %ld", st.n_analyze);
    cr_assert(st.n_factor == 4, "n_factor = %ld", st.n_factor);
    pln_solver_destroy(s);
    fx_free(&m);
}

SOLVER_TEST(refactor_accepts_a_copy_of_the_pattern_in_new_arrays)
{
    fx_matrix m, copy;
    fx_laplacian(&m, 50, 0, 2, 8);
    fx_laplacian(&copy, 50, 0, 2, 8);
    fx_perturb(&copy, 3);
    pln_solver *s = make(type_name->name, NULL);
    analyze_factor(s, &m.A);
    cr_assert(pln_solver_factor(s, &copy.A) == PLN_OK, "%s", pln_ctx_last_error(ctx)->message);
    check_solution(s, &copy, 4, FX_TOL);
    pln_solver_destroy(s);
    fx_free(&m);
    fx_free(&copy);
}

SOLVER_TEST(a_new_analysis_replaces_the_old_pattern)
{
    fx_matrix small, big;
    fx_laplacian(&small, 30, 0, 1, 1);
    fx_laplacian(&big, 120, 0, 1, 2);
    pln_solver *s = make(type_name->name, NULL);
    analyze_factor(s, &small.A);
    check_solution(s, &small, 1, FX_TOL);
    analyze_factor(s, &big.A);
    check_solution(s, &big, 2, FX_TOL);
    pln_solver_stats st;
    pln_solver_stats_get(s, &st);
    cr_assert(st.n_analyze == 2 && st.n == 120);
    pln_solver_destroy(s);
    fx_free(&small);
    fx_free(&big);
}

SOLVER_TEST(stats_report_the_factor)
{
    fx_matrix m;
    fx_laplacian(&m, 100, 0, 2, 5);
    pln_solver *s = make(type_name->name, NULL);
    analyze_factor(s, &m.A);
    check_solution(s, &m, 1, FX_TOL);
    pln_solver_stats st;
    pln_solver_stats_get(s, &st);
    cr_assert(st.n == 100);
    /* L holds at least the diagonal and the lower triangle of A. */
    cr_assert(st.nnz_factor >= (double)m.A.nnz, "nnz(L) = %g < nnz(A) = %ld", st.nnz_factor,
              (long)m.A.nnz);
    cr_assert(st.flops > 0.0);
    cr_assert(st.factor_bytes >= (size_t)st.nnz_factor * sizeof(double));
    cr_assert(st.n_analyze == 1 && st.n_factor == 1 && st.n_solve == 1);
    cr_assert(st.t_analyze >= 0.0 && st.t_factor >= 0.0 && st.t_solve >= 0.0);
    cr_assert_str_eq(pln_solver_type_name(pln_solver_get_type(s)), type_name->name);
    pln_solver_destroy(s);
    fx_free(&m);
}

SOLVER_TEST(empty_matrix_is_a_no_op)
{
    pln_idx p0 = 0;
    pln_csc A = {.n = 0, .nnz = 0, .p = &p0, .i = NULL, .x = NULL};
    pln_solver *s = make(type_name->name, NULL);
    cr_assert(pln_solver_analyze(s, &A) == PLN_OK);
    cr_assert(pln_solver_factor(s, &A) == PLN_OK);
    double b = 1.0, x = 2.0;
    cr_assert(pln_solver_solve(s, 1, &b, &x) == PLN_OK);
    cr_assert(x == 2.0);
    pln_solver_destroy(s);
}

SOLVER_TEST(zero_right_hand_sides_is_a_no_op)
{
    fx_matrix m;
    fx_laplacian(&m, 10, 0, 1, 5);
    pln_solver *s = make(type_name->name, NULL);
    analyze_factor(s, &m.A);
    cr_assert(pln_solver_solve(s, 0, NULL, NULL) == PLN_OK);
    pln_solver_destroy(s);
    fx_free(&m);
}

/* The two types are independent implementations: they must agree with each other too. */
Test(conformance, cholmod_agrees_with_dense_reference)
{
    for (uint64_t seed = 1; seed <= 5; seed++) {
        fx_matrix m;
        fx_laplacian(&m, 180, 0, 3, seed);
        pln_solver *a = make("cholmod", NULL), *d = make("dense_ref", NULL);
        analyze_factor(a, &m.A);
        analyze_factor(d, &m.A);
        double *B = fx_rhs(180, 3, seed);
        double *xa = calloc(540, sizeof *xa), *xd = calloc(540, sizeof *xd);
        cr_assert(pln_solver_solve(a, 3, B, xa) == PLN_OK);
        cr_assert(pln_solver_solve(d, 3, B, xd) == PLN_OK);
        cr_assert(ts_max_rel_err(xa, xd, 540) < FX_TOL);
        free(B);
        free(xa);
        free(xd);
        pln_solver_destroy(a);
        pln_solver_destroy(d);
        fx_free(&m);
    }
}

Test(conformance, destroy_null_is_safe) { pln_solver_destroy(NULL); }

Test(conformance, options_default)
{
    pln_solver_options o;
    memset(&o, 0xff, sizeof o);
    pln_solver_options_default(&o);
    cr_assert(o.ordering == PLN_ORDER_AUTO && o.mode == PLN_FACTOR_AUTO);
    cr_assert(o.pivot_tol > 0.0 && o.pivot_tol < 1e-6);
}
