/* test_singular.c — every error a solver reports: singular systems, misuse, bad input. */
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

TestSuite(errors, .init = setup, .fini = teardown, .timeout = 60);

static struct criterion_test_params all_types(void)
{
    /* Names by value: Criterion copies parameters into a fresh process, so pointers into
     * the parent's memory would not survive. */
    static fx_type_name names[] = {{"cholmod"}, {"dense_ref"}};
    return cr_make_param_array(fx_type_name, names, sizeof names / sizeof names[0]);
}

#define SOLVER_TEST(name)                                                                    \
    ParameterizedTestParameters(errors, name) { return all_types(); }                        \
    ParameterizedTest(fx_type_name *type_name, errors, name)

static pln_solver *make(const char *type_name, const pln_solver_options *opts)
{
    pln_solver *s = NULL;
    cr_assert(pln_solver_create(ctx, fx_type(type_name), opts, &s) == PLN_OK);
    return s;
}

static const char *msg(void) { return pln_ctx_last_error(ctx)->message; }

/* A floating component leaves an exactly singular block; whatever the ordering, the pivot that
 * breaks down belongs to that block. */
SOLVER_TEST(floating_block_reports_esingular_in_the_block)
{
    static const pln_idx grounded[] = {1, 5, 40, 200, 300};
    static const pln_idx floating[] = {1, 2, 9, 60, 200};
    pln_solver *s = make(type_name->name, NULL);
    for (size_t k = 0; k < sizeof grounded / sizeof grounded[0]; k++) {
        for (uint64_t seed = 1; seed <= 4; seed++) {
            fx_matrix m;
            fx_laplacian(&m, grounded[k], floating[k], 2, 7 * seed + k);
            cr_assert(pln_solver_analyze(s, &m.A) == PLN_OK);
            pln_status st = pln_solver_factor(s, &m.A);
            cr_assert(st == PLN_ESINGULAR, "n = %ld + %ld floating: status %s",
                      (long)grounded[k], (long)floating[k], pln_strerror(st));
            pln_idx col = pln_solver_failed_column(s);
            cr_assert(col >= grounded[k] && col < m.A.n,
                      "failed column %ld is not in the floating block [%ld, %ld)", (long)col,
                      (long)grounded[k], (long)m.A.n);
            cr_assert(pln_ctx_last_error(ctx)->code == PLN_ESINGULAR);
            char want[64];
            snprintf(want, sizeof want, "column %ld", (long)col);
            cr_assert(strstr(msg(), want) != NULL, "message names the column: %s", msg());
            fx_free(&m);
        }
    }
    pln_solver_destroy(s);
}

SOLVER_TEST(solver_stays_usable_after_a_singular_factorization)
{
    fx_matrix m;
    fx_laplacian(&m, 40, 10, 2, 99);
    pln_solver *s = make(type_name->name, NULL);
    cr_assert(pln_solver_analyze(s, &m.A) == PLN_OK);
    cr_assert(pln_solver_factor(s, &m.A) == PLN_ESINGULAR);
    double *b = fx_rhs(m.A.n, 1, 1);
    double *x = calloc((size_t)m.A.n, sizeof *x);
    cr_assert(pln_solver_solve(s, 1, b, x) == PLN_EINVAL, "solve after a failed factor");
    /* Ground the floating block (a conductance to ground on its first node), refactor. */
    pln_idx g = 40;
    m.A.x[m.A.p[g]] += 1.618;
    m.dense[g * m.A.n + g] += 1.618;
    cr_assert(pln_solver_factor(s, &m.A) == PLN_OK, "%s", msg());
    cr_assert(pln_solver_failed_column(s) == -1);
    cr_assert(pln_solver_solve(s, 1, b, x) == PLN_OK);
    double *want = fx_oracle(&m, b);
    cr_assert(ts_max_rel_err(x, want, (size_t)m.A.n) < FX_TOL);
    pln_solver_stats st;
    pln_solver_stats_get(s, &st);
    cr_assert(st.n_analyze == 1);
    free(b);
    free(x);
    free(want);
    pln_solver_destroy(s);
    fx_free(&m);
}

/* Indefinite (a negative diagonal) is caught by Cholesky itself, at the right column. */
SOLVER_TEST(negative_pivot_reports_its_column)
{
    fx_matrix m;
    fx_laplacian(&m, 30, 0, 2, 3);
    m.A.x[m.A.p[17]] = -2.385;
    pln_solver *s = make(type_name->name, NULL);
    cr_assert(pln_solver_analyze(s, &m.A) == PLN_OK);
    cr_assert(pln_solver_factor(s, &m.A) == PLN_ESINGULAR);
    /* The first bad pivot depends on the ordering, but column 17 itself can never pass. */
    cr_assert(pln_solver_failed_column(s) >= 0 && pln_solver_failed_column(s) < 30);
    pln_solver_destroy(s);
    fx_free(&m);
}

/* A weakly grounded block (1e-7 of its internal conductances) is ill-conditioned, not
 * singular: the pivot tolerance must not mistake it for a floating one. */
SOLVER_TEST(weakly_grounded_block_is_not_singular)
{
    fx_matrix m;
    fx_laplacian(&m, 60, 30, 2, 12);
    pln_idx g = 75;
    m.A.x[m.A.p[g]] += 1e-7;
    m.dense[g * m.A.n + g] += 1e-7;
    pln_solver *s = make(type_name->name, NULL);
    cr_assert(pln_solver_analyze(s, &m.A) == PLN_OK);
    cr_assert(pln_solver_factor(s, &m.A) == PLN_OK, "%s", msg());
    double *b = fx_rhs(m.A.n, 1, 4);
    double *x = calloc((size_t)m.A.n, sizeof *x);
    cr_assert(pln_solver_solve(s, 1, b, x) == PLN_OK);
    double *want = fx_oracle(&m, b);
    /* condition number ~1e9: about seven digits survive */
    double err = ts_max_rel_err(x, want, (size_t)m.A.n);
    cr_assert(err < 1e-5, "relative error %g", err);
    free(b);
    free(x);
    free(want);
    pln_solver_destroy(s);
    fx_free(&m);
}

SOLVER_TEST(factor_before_analyze_is_einval)
{
    fx_matrix m;
    fx_laplacian(&m, 10, 0, 1, 1);
    pln_solver *s = make(type_name->name, NULL);
    cr_assert(pln_solver_factor(s, &m.A) == PLN_EINVAL);
    cr_assert(strstr(msg(), "analyze") != NULL, "%s", msg());
    double b[10] = {0}, x[10];
    cr_assert(pln_solver_solve(s, 1, b, x) == PLN_EINVAL);
    cr_assert(pln_solver_failed_column(s) == -1);
    pln_solver_destroy(s);
    fx_free(&m);
}

SOLVER_TEST(wrong_size_or_pattern_is_einval)
{
    fx_matrix m, other, same_size;
    fx_laplacian(&m, 20, 0, 1, 1);
    fx_laplacian(&other, 21, 0, 1, 1);
    pln_solver *s = make(type_name->name, NULL);
    cr_assert(pln_solver_analyze(s, &m.A) == PLN_OK);
    cr_assert(pln_solver_factor(s, &other.A) == PLN_EINVAL);
    /* Same order, another random graph: found by count or by fingerprint. */
    fx_laplacian(&same_size, 20, 0, 1, 2);
    cr_assert(pln_solver_factor(s, &same_size.A) == PLN_EINVAL, "pattern change not caught");
    cr_assert(pln_solver_factor(s, NULL) == PLN_EINVAL);
    /* The solver is still good for the analyzed pattern. */
    cr_assert(pln_solver_factor(s, &m.A) == PLN_OK);
    pln_solver_destroy(s);
    fx_free(&m);
    fx_free(&other);
    fx_free(&same_size);
}

SOLVER_TEST(non_finite_value_is_einval)
{
    fx_matrix m;
    fx_laplacian(&m, 12, 0, 1, 1);
    pln_solver *s = make(type_name->name, NULL);
    cr_assert(pln_solver_analyze(s, &m.A) == PLN_OK);
    m.A.x[m.A.p[5] + 1] = NAN;
    cr_assert(pln_solver_factor(s, &m.A) == PLN_EINVAL);
    cr_assert(strstr(msg(), "nan") != NULL, "%s", msg());
    m.A.x[m.A.p[5] + 1] = INFINITY;
    cr_assert(pln_solver_factor(s, &m.A) == PLN_EINVAL);
    pln_solver_destroy(s);
    fx_free(&m);
}

SOLVER_TEST(malformed_matrices_are_einval)
{
    /* 3 x 3: column 0 holds rows 0, 1; column 1 holds row 1, 2; column 2 holds row 2. */
    pln_idx p[] = {0, 2, 4, 5};
    pln_idx i[] = {0, 1, 1, 2, 2};
    double x[] = {2.5, -1.1, 2.5, -1.1, 2.5};
    pln_csc A = {.n = 3, .nnz = 5, .p = p, .i = i, .x = x};
    pln_solver *s = make(type_name->name, NULL);
    cr_assert(pln_solver_analyze(s, &A) == PLN_OK, "%s", msg());

    pln_idx unsorted[] = {1, 0, 1, 2, 2};
    A.i = unsorted;
    cr_assert(pln_solver_analyze(s, &A) == PLN_EINVAL, "unsorted / no diagonal first");
    pln_idx out_of_range[] = {0, 1, 1, 3, 2};
    A.i = out_of_range;
    cr_assert(pln_solver_analyze(s, &A) == PLN_EINVAL, "row out of range");
    cr_assert(strstr(msg(), "column 1") != NULL, "%s", msg());
    pln_idx no_diag[] = {0, 1, 2, 2, 2};
    A.i = no_diag;
    cr_assert(pln_solver_analyze(s, &A) == PLN_EINVAL, "missing diagonal");
    A.i = i;
    A.nnz = 4;
    cr_assert(pln_solver_analyze(s, &A) == PLN_EINVAL, "nnz disagrees with p[n]");
    A.nnz = 5;
    A.n = -1;
    cr_assert(pln_solver_analyze(s, &A) == PLN_EINVAL, "negative order");
    cr_assert(pln_solver_analyze(s, NULL) == PLN_EINVAL);
    /* A rejected matrix leaves the previous analysis in place (B.4 rule 5). */
    A.n = 3;
    cr_assert(pln_solver_factor(s, &A) == PLN_OK, "%s", msg());
    pln_solver_destroy(s);
}

SOLVER_TEST(bad_solve_arguments_are_einval)
{
    fx_matrix m;
    fx_laplacian(&m, 8, 0, 1, 1);
    pln_solver *s = make(type_name->name, NULL);
    cr_assert(pln_solver_analyze(s, &m.A) == PLN_OK);
    cr_assert(pln_solver_factor(s, &m.A) == PLN_OK);
    double buf[24] = {0};
    cr_assert(pln_solver_solve(s, -1, buf, buf + 8) == PLN_EINVAL);
    cr_assert(pln_solver_solve(s, 1, NULL, buf) == PLN_EINVAL);
    cr_assert(pln_solver_solve(s, 1, buf, buf) == PLN_EINVAL, "in place is overlap");
    cr_assert(pln_solver_solve(s, 2, buf, buf + 8) == PLN_EINVAL, "partial overlap");
    cr_assert(pln_solver_solve(s, 1, buf, buf + 8) == PLN_OK);
    pln_solver_destroy(s);
    fx_free(&m);
}

Test(errors, bad_options_are_einval_with_the_key)
{
    pln_solver *s = NULL;
    pln_solver_options o;
    pln_solver_options_default(&o);
    o.ordering = (pln_ordering)42;
    cr_assert(pln_solver_create(ctx, pln_solver_cholmod, &o, &s) == PLN_EINVAL);
    cr_assert(s == NULL);
    cr_assert_str_eq(pln_ctx_last_error(ctx)->key, "ordering");
    pln_solver_options_default(&o);
    o.mode = (pln_factor_mode)-3;
    cr_assert(pln_solver_create(ctx, pln_solver_cholmod, &o, &s) == PLN_EINVAL);
    cr_assert_str_eq(pln_ctx_last_error(ctx)->key, "mode");
    pln_solver_options_default(&o);
    o.pivot_tol = NAN;
    cr_assert(pln_solver_create(ctx, pln_solver_dense_ref, &o, &s) == PLN_EINVAL);
    cr_assert_str_eq(pln_ctx_last_error(ctx)->key, "pivot_tol");
    cr_assert(pln_solver_create(ctx, NULL, NULL, &s) == PLN_EINVAL);
    cr_assert(s == NULL);
}

/* With pivot_tol = 0 only d <= 0 stops the factorization, as in plain CHOLMOD. */
SOLVER_TEST(zero_pivot_tolerance_still_stops_at_a_negative_pivot)
{
    pln_solver_options o;
    pln_solver_options_default(&o);
    o.pivot_tol = 0.0;
    pln_idx p[] = {0, 2, 3};
    pln_idx i[] = {0, 1, 1};
    double x[] = {1.0, 2.0, 1.0}; /* [[1 2] [2 1]]: second pivot -3 */
    pln_csc A = {.n = 2, .nnz = 3, .p = p, .i = i, .x = x};
    pln_solver *s = make(type_name->name, &o);
    cr_assert(pln_solver_analyze(s, &A) == PLN_OK);
    cr_assert(pln_solver_factor(s, &A) == PLN_ESINGULAR);
    cr_assert(pln_solver_failed_column(s) >= 0);
    pln_solver_destroy(s);
}
