/* test_alloc.c — warm solves allocate nothing; every allocation failure returns PLN_ENOMEM. */
#include "pln_internal.h"
#include "pln_solver.h"
#include "solver_fixtures.h"
#include "test_support.h"

/* Only the allocation hooks: the tests route CHOLMOD's allocations through plnet's counters. */
#include <SuiteSparse_config.h>

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdlib.h>

static pln_ctx *ctx;

static void setup(void)
{
    /* Criterion forks each test, so changing the process-global hooks here stays local. */
    SuiteSparse_config.malloc_func = pln_i_malloc;
    SuiteSparse_config.calloc_func = pln_i_calloc;
    SuiteSparse_config.realloc_func = pln_i_realloc;
    SuiteSparse_config.free_func = pln_i_free;
    cr_assert(pln_ctx_create(&ctx) == PLN_OK);
}

static void teardown(void)
{
    pln_ctx_destroy(ctx);
    fx_check_leaks();
}

TestSuite(alloc, .init = setup, .fini = teardown, .timeout = 120);

static struct criterion_test_params all_types(void)
{
    /* Names by value: Criterion copies parameters into a fresh process, so pointers into
     * the parent's memory would not survive. */
    static fx_type_name names[] = {{"cholmod"}, {"dense_ref"}, {"pcg"}};
    return cr_make_param_array(fx_type_name, names, sizeof names / sizeof names[0]);
}

static struct criterion_test_params all_modes(void)
{
    static const pln_factor_mode modes[] = {PLN_FACTOR_SIMPLICIAL, PLN_FACTOR_SUPERNODAL};
    return cr_make_param_array(pln_factor_mode, modes, sizeof modes / sizeof modes[0]);
}

static void solve_ok(pln_solver *s, pln_idx nrhs, const double *B, double *X)
{
    pln_status st = pln_solver_solve(s, nrhs, B, X);
    cr_assert(st == PLN_OK, "%s", pln_ctx_last_error(ctx)->message);
}

ParameterizedTestParameters(alloc, warm_solves_allocate_nothing) { return all_types(); }
ParameterizedTest(fx_type_name *type_name, alloc, warm_solves_allocate_nothing)
{
    const pln_idx n = 300;
    fx_matrix m;
    fx_laplacian(&m, n, 0, 2, 21);
    pln_solver *s = NULL;
    cr_assert(pln_solver_create(ctx, fx_type(type_name->name), NULL, &s) == PLN_OK);
    cr_assert(pln_solver_analyze(s, &m.A) == PLN_OK);
    cr_assert(pln_solver_factor(s, &m.A) == PLN_OK);
    double *B = fx_rhs(n, 5, 1);
    double *X = calloc((size_t)(5 * n), sizeof *X);
    /* Warm up each batch size, then alternate between them. */
    solve_ok(s, 1, B, X);
    solve_ok(s, 5, B, X);
    solve_ok(s, 3, B, X);
    long before = pln_i_alloc_count();
    for (int k = 0; k < 10; k++) {
        solve_ok(s, 1, B, X);
        solve_ok(s, 5, B, X);
        solve_ok(s, 3, B, X);
    }
    long after = pln_i_alloc_count();
    cr_assert(after == before, "%ld allocations in 30 warm solves", after - before);
    free(B);
    free(X);
    pln_solver_destroy(s);
    fx_free(&m);
}

/* Both CHOLMOD factor kinds use different solve workspaces (Y and E). */
ParameterizedTestParameters(alloc, warm_cholmod_solves_allocate_nothing_in_each_mode)
{
    return all_modes();
}
ParameterizedTest(pln_factor_mode *mode, alloc, warm_cholmod_solves_allocate_nothing_in_each_mode)
{
    const pln_idx n = 400;
    fx_matrix m;
    fx_laplacian(&m, n, 0, 2, 22);
    pln_solver_options o;
    pln_solver_options_default(&o);
    o.mode = *mode;
    pln_solver *s = NULL;
    cr_assert(pln_solver_create(ctx, pln_solver_cholmod, &o, &s) == PLN_OK);
    cr_assert(pln_solver_analyze(s, &m.A) == PLN_OK);
    cr_assert(pln_solver_factor(s, &m.A) == PLN_OK);
    double *B = fx_rhs(n, 2, 1);
    double *X = calloc((size_t)(2 * n), sizeof *X);
    solve_ok(s, 2, B, X);
    long before = pln_i_alloc_count();
    for (int k = 0; k < 5; k++) {
        solve_ok(s, 2, B, X);
    }
    cr_assert(pln_i_alloc_count() == before);
    free(B);
    free(X);
    pln_solver_destroy(s);
    fx_free(&m);
}

/* A refactorization reads A through the permuted copy built at analysis: no O(nnz) copies
 * per call (cholmod_l_factorize on A itself allocates 4 blocks per call in supernodal mode).
 * CHOLMOD's supernodal numeric factorization still allocates 2 small blocks of its own every
 * time (its update matrix C among them); the simplicial one nothing. */
ParameterizedTestParameters(alloc, refactorization_allocates_at_most_two_blocks)
{
    return all_modes();
}
ParameterizedTest(pln_factor_mode *mode, alloc, refactorization_allocates_at_most_two_blocks)
{
    const pln_idx n = 400;
    fx_matrix m;
    fx_laplacian(&m, n, 0, 2, 23);
    pln_solver_options o;
    pln_solver_options_default(&o);
    o.mode = *mode;
    o.refactor = PLN_REFACTOR_ALWAYS;
    pln_solver *s = NULL;
    cr_assert(pln_solver_create(ctx, pln_solver_cholmod, &o, &s) == PLN_OK);
    cr_assert(pln_solver_analyze(s, &m.A) == PLN_OK);
    cr_assert(pln_solver_factor(s, &m.A) == PLN_OK);
    for (int k = 0; k < 3; k++) {
        fx_perturb(&m, 40 + (uint64_t)k);
        long before = pln_i_alloc_count();
        cr_assert(pln_solver_factor(s, &m.A) == PLN_OK);
        long blocks = pln_i_alloc_count() - before;
        cr_assert(blocks <= (*mode == PLN_FACTOR_SUPERNODAL ? 2 : 0), "%ld blocks (mode %d)", blocks, (int)*mode);
    }
    pln_solver_destroy(s);
    fx_free(&m);
}

/* Make the k-th allocation fail for k = 0, 1, ... until the whole life cycle succeeds: each
 * failure must come back as PLN_ENOMEM (ASan checks that nothing leaks on the way). */
static void life_cycle_under_failures(const pln_solver_type *type, pln_factor_mode mode)
{
    const pln_idx n = 120;
    fx_matrix m;
    fx_laplacian(&m, n, 0, 2, 23);
    double *B = fx_rhs(n, 2, 1);
    double *X = calloc((size_t)(2 * n), sizeof *X);
    double *want = fx_oracle(&m, B);
    pln_solver_options o;
    pln_solver_options_default(&o);
    o.mode = mode;
    bool done = false;
    long k;
    for (k = 0; k < 10000 && !done; k++) {
        pln_solver *s = NULL;
        pln_i_alloc_fail_after(k);
        pln_status st = pln_solver_create(ctx, type, &o, &s);
        if (st == PLN_OK) {
            st = pln_solver_analyze(s, &m.A);
        }
        if (st == PLN_OK) {
            st = pln_solver_factor(s, &m.A);
        }
        if (st == PLN_OK) {
            st = pln_solver_solve(s, 2, B, X);
        }
        pln_i_alloc_fail_after(-1);
        if (st == PLN_OK) {
            cr_assert(ts_max_rel_err(X, want, (size_t)n) < FX_TOL);
            done = true;
        } else {
            cr_assert(st == PLN_ENOMEM, "failure %ld gave %s: %s", k, pln_strerror(st),
                      pln_ctx_last_error(ctx)->message);
        }
        pln_solver_destroy(s);
    }
    cr_assert(done, "never succeeded");
    cr_assert(k > 1, "the life cycle should allocate");
    free(B);
    free(X);
    free(want);
    fx_free(&m);
}

Test(alloc, dense_reference_reports_every_allocation_failure)
{
    life_cycle_under_failures(pln_solver_dense_ref, PLN_FACTOR_AUTO);
}

ParameterizedTestParameters(alloc, cholmod_reports_every_allocation_failure)
{
    return all_modes();
}
ParameterizedTest(pln_factor_mode *mode, alloc, cholmod_reports_every_allocation_failure)
{
    life_cycle_under_failures(pln_solver_cholmod, *mode);
}
