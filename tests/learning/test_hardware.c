/* test_hardware.c — hardware constraints (SPEC 3) and the Landauer count of the ledger (SPEC 5) on plain arrays. */
#include "learn_fixtures.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>

#define M 4000

static double theta0[M], upd[M], theta1[M];

static void random_state(pln_rng *rng, double lo, double hi, double scale)
{
    for (int e = 0; e < M; e++) {
        theta0[e] = lo + (hi - lo) * pln_rng_uniform(rng);
        upd[e] = scale * (2.0 * pln_rng_uniform(rng) - 1.0);
    }
}

/* Distance from theta to the nearest of the L levels, computed here from the definition. */
static double level_distance(const pln_hardware *hw, double t)
{
    double best = INFINITY;
    for (pln_idx j = 0; j < hw->levels; j++) {
        double f = (double)j / (double)(hw->levels - 1);
        double lv = hw->spacing == PLN_SPACING_LOG ? hw->min * pow(hw->max / hw->min, f)
                                                   : hw->min + (hw->max - hw->min) * f;
        best = fmin(best, fabs(t - lv) / lv);
    }
    return best;
}

Test(hardware, quantization_puts_every_theta_on_a_level)
{
    pln_rng rng;
    pln_rng_seed(&rng, 3);
    pln_spacing sp[2] = {PLN_SPACING_LINEAR, PLN_SPACING_LOG};
    for (int s = 0; s < 2; s++) {
        pln_hardware hw;
        pln_hardware_default(&hw);
        hw.levels = 17;
        hw.min = 0.1;
        hw.max = 5.0;
        hw.spacing = sp[s];
        random_state(&rng, 0.1, 5.0, 1.0);
        pln_hardware_apply(&hw, &rng, M, theta0, upd, theta1);
        int moved = 0;
        for (int e = 0; e < M; e++) {
            cr_assert(level_distance(&hw, theta1[e]) < 1e-12, "edge %d theta %.17g off-level",
                      e, theta1[e]);
            cr_assert(theta1[e] >= hw.min && theta1[e] <= hw.max);
            cr_assert(upd[e] == theta1[e] - theta0[e]);
            moved += theta1[e] != theta0[e];
        }
        cr_assert(moved > M / 2);
    }
}

Test(hardware, clipping_respects_bounds)
{
    pln_rng rng;
    pln_rng_seed(&rng, 4);
    pln_hardware hw;
    pln_hardware_default(&hw);
    hw.clip = true;
    hw.min = 0.5;
    hw.max = 2.0;
    random_state(&rng, 0.5, 2.0, 3.0);
    int low = 0, high = 0;
    pln_hardware_apply(&hw, &rng, M, theta0, upd, theta1);
    for (int e = 0; e < M; e++) {
        cr_assert(theta1[e] >= 0.5 && theta1[e] <= 2.0, "edge %d: %g", e, theta1[e]);
        low += theta1[e] == 0.5;
        high += theta1[e] == 2.0;
    }
    cr_assert(low > 100 && high > 100, "the updates should have hit both bounds");
    /* Without clipping conductances still stay positive. */
    pln_hardware_default(&hw);
    random_state(&rng, 0.5, 2.0, 3.0);
    pln_hardware_apply(&hw, &rng, M, theta0, upd, theta1);
    for (int e = 0; e < M; e++) {
        cr_assert(theta1[e] >= PLN_THETA_FLOOR);
    }
}

Test(hardware, desync_zero_changes_nothing_and_half_changes_half)
{
    pln_rng rng;
    pln_rng_seed(&rng, 5);
    pln_hardware hw;
    pln_hardware_default(&hw);
    hw.desync = 0.0;
    random_state(&rng, 0.5, 2.0, 0.1);
    pln_hardware_apply(&hw, &rng, M, theta0, upd, theta1);
    for (int e = 0; e < M; e++) {
        cr_assert(theta1[e] == theta0[e] && upd[e] == 0.0);
    }
    hw.desync = 0.5;
    random_state(&rng, 0.5, 2.0, 0.1);
    pln_hardware_apply(&hw, &rng, M, theta0, upd, theta1);
    int changed = 0;
    for (int e = 0; e < M; e++) {
        changed += theta1[e] != theta0[e];
    }
    /* Binomial(4000, 1/2): standard deviation 32; 5 sigma is 160. */
    cr_assert(abs(changed - M / 2) < 160, "%d of %d edges changed", changed, M);
}

Test(hardware, sign_updates_have_fixed_size)
{
    pln_rng rng;
    pln_rng_seed(&rng, 6);
    pln_hardware hw;
    pln_hardware_default(&hw);
    hw.sign_updates = true;
    hw.sign_step = 0.0125;
    random_state(&rng, 0.5, 2.0, 0.3);
    double raw[M];
    for (int e = 0; e < M; e++) {
        raw[e] = upd[e];
    }
    pln_hardware_apply(&hw, &rng, M, theta0, upd, theta1);
    for (int e = 0; e < M; e++) {
        cr_assert(fabs(fabs(upd[e]) - 0.0125) < 1e-15, "edge %d: |d| = %g", e, fabs(upd[e]));
        cr_assert((upd[e] > 0) == (raw[e] > 0), "edge %d moved against the rule", e);
    }
    /* With levels and no explicit step, every update is exactly one level. */
    hw.sign_step = 0.0;
    hw.levels = 11;
    hw.spacing = PLN_SPACING_LINEAR;
    hw.min = 0.0;
    hw.max = 1.0;
    for (int e = 0; e < M; e++) {
        theta0[e] = 0.1 * (double)(2 + e % 8);
        upd[e] = (e % 2) ? 1e-9 : -1e-9;
    }
    pln_hardware_apply(&hw, &rng, M, theta0, upd, theta1);
    for (int e = 0; e < M; e++) {
        cr_assert(fabs(fabs(upd[e]) - 0.1) < 1e-12, "edge %d: |d| = %g", e, fabs(upd[e]));
    }
}

Test(hardware, update_noise_is_multiplicative)
{
    pln_rng rng;
    pln_rng_seed(&rng, 8);
    pln_hardware hw;
    pln_hardware_default(&hw);
    hw.update_noise = 0.2;
    random_state(&rng, 1.0, 2.0, 0.01);
    double raw[M], sum = 0.0, sum2 = 0.0;
    for (int e = 0; e < M; e++) {
        raw[e] = upd[e];
    }
    pln_hardware_apply(&hw, &rng, M, theta0, upd, theta1);
    for (int e = 0; e < M; e++) {
        double ratio = upd[e] / raw[e];
        sum += ratio;
        sum2 += ratio * ratio;
    }
    double mean = sum / M, sd = sqrt(sum2 / M - mean * mean);
    cr_assert(fabs(mean - 1.0) < 0.02 && fabs(sd - 0.2) < 0.02, "mean %g sd %g", mean, sd);
}

Test(hardware, bad_options_name_the_key)
{
    pln_ctx *ctx = NULL;
    cr_assert(pln_ctx_create(&ctx) == PLN_OK);
    pln_hardware hw;
    pln_hardware_default(&hw);
    cr_assert(pln_hardware_check(ctx, &hw) == PLN_OK);
    hw.desync = 1.5;
    cr_assert(pln_hardware_check(ctx, &hw) == PLN_EINVAL);
    cr_assert_str_eq(pln_ctx_last_error(ctx)->key, "hardware.desync");
    pln_hardware_default(&hw);
    hw.levels = 1;
    cr_assert(pln_hardware_check(ctx, &hw) == PLN_EINVAL);
    cr_assert_str_eq(pln_ctx_last_error(ctx)->key, "hardware.levels");
    pln_hardware_default(&hw);
    hw.levels = 8;
    hw.spacing = PLN_SPACING_LOG;
    hw.min = 0.0;
    cr_assert(pln_hardware_check(ctx, &hw) == PLN_EINVAL);
    cr_assert_str_eq(pln_ctx_last_error(ctx)->key, "hardware.min");
    pln_ctx_destroy(ctx);
}

/* A digital potentiometer: taps every 100 ohm from 100 to 1000 ohm are conductances
 * 1/100, 1/200, ..., 1/1000 S, not evenly spaced in S. */
Test(hardware, resistance_spacing_is_a_potentiometer)
{
    pln_ctx *ctx = NULL;
    cr_assert(pln_ctx_create(&ctx) == PLN_OK);
    pln_hardware hw;
    pln_hardware_default(&hw);
    hw.levels = 10;
    hw.spacing = PLN_SPACING_RESISTANCE;
    hw.min = 1e-3;
    hw.max = 1e-2;
    cr_assert(pln_hardware_check(ctx, &hw) == PLN_OK);
    cr_assert(pln_hardware_n_levels(&hw) == 10);
    for (pln_idx j = 0; j < 10; j++) {
        double want = 1.0 / (1000.0 - 100.0 * (double)j); /* ascending in S */
        double got = pln_hardware_level(&hw, j);
        cr_assert(fabs(got - want) <= 1e-15 * want, "level %lld: %.17g S, want %.17g S",
                  (long long)j, got, want);
    }
    /* Rounded in ohms: 240 ohm -> 200 ohm, 260 ohm -> 300 ohm, 960 ohm -> 1000 ohm. A
     * linear-in-S rounding would take 1/260 S (3.85 mS) to the 4 mS level, absent here. */
    cr_assert(fabs(pln_hardware_quantize(&hw, 1.0 / 240.0) - 1.0 / 200.0) < 1e-15);
    cr_assert(fabs(pln_hardware_quantize(&hw, 1.0 / 260.0) - 1.0 / 300.0) < 1e-15);
    cr_assert(fabs(pln_hardware_quantize(&hw, 1.0 / 960.0) - 1.0 / 1000.0) < 1e-15);
    cr_assert(pln_hardware_quantize(&hw, 1.0) == 1e-2);
    cr_assert(pln_hardware_quantize(&hw, 1e-6) == 1e-3);
    /* The step up from 1/300 S is to 1/200 S. */
    cr_assert(fabs(pln_hardware_step_at(&hw, 1.0 / 300.0) - (1.0 / 200.0 - 1.0 / 300.0)) < 1e-15);
    /* The whole pipeline lands on the taps. */
    pln_rng rng;
    pln_rng_seed(&rng, 9);
    random_state(&rng, 1e-3, 1e-2, 3e-3);
    pln_hardware_apply(&hw, &rng, M, theta0, upd, theta1);
    for (int e = 0; e < M; e++) {
        double r = 1.0 / theta1[e];
        cr_assert(fabs(r - 100.0 * nearbyint(r / 100.0)) < 1e-9 && r > 99.0 && r < 1001.0,
                  "edge %d: %.17g ohm is not a tap", e, r);
    }
    hw.min = 0.0;
    cr_assert(pln_hardware_check(ctx, &hw) == PLN_EINVAL);
    cr_assert_str_eq(pln_ctx_last_error(ctx)->key, "hardware.min");
    pln_ctx_destroy(ctx);
}

/* A table of measured levels: nearest level in theta (linear), log theta (log), or ohms. */
Test(hardware, table_levels_round_in_the_spacing)
{
    pln_ctx *ctx = NULL;
    cr_assert(pln_ctx_create(&ctx) == PLN_OK);
    const double s[4] = {1e-3, 2e-3, 5e-3, 1e-2};
    pln_hardware hw;
    pln_hardware_default(&hw);
    hw.table = s;
    hw.n_table = 4;
    hw.min = 7.0; /* ignored: the table's ends are the bounds */
    hw.max = 9.0;
    hw.spacing = PLN_SPACING_LINEAR;
    cr_assert(pln_hardware_check(ctx, &hw) == PLN_OK);
    cr_assert(pln_hardware_n_levels(&hw) == 4);
    /* Linear: the midpoint of 2 and 5 mS is 3.5 mS. */
    cr_assert(pln_hardware_quantize(&hw, 3.4e-3) == 2e-3);
    cr_assert(pln_hardware_quantize(&hw, 3.6e-3) == 5e-3);
    cr_assert(pln_hardware_quantize(&hw, 7.4e-3) == 5e-3);
    cr_assert(pln_hardware_quantize(&hw, 7.6e-3) == 1e-2);
    cr_assert(pln_hardware_quantize(&hw, 0.5) == 1e-2);
    cr_assert(pln_hardware_quantize(&hw, 1e-9) == 1e-3);
    cr_assert(fabs(pln_hardware_step_at(&hw, 2.5e-3) - 3e-3) < 1e-18);
    /* Log: the midpoint of 2 and 5 mS is sqrt(10) mS = 3.162 mS. */
    hw.spacing = PLN_SPACING_LOG;
    cr_assert(pln_hardware_quantize(&hw, 3.1e-3) == 2e-3);
    cr_assert(pln_hardware_quantize(&hw, 3.3e-3) == 5e-3);
    /* Resistance: a table in ohms (E6 values 100, 220, 470, 1000 ohm). 1/300 S is 300 ohm,
     * nearer 220 than 470 ohm; 1/350 S is nearer 470. */
    const double r[4] = {100.0, 220.0, 470.0, 1000.0};
    hw.table = r;
    hw.spacing = PLN_SPACING_RESISTANCE;
    cr_assert(pln_hardware_check(ctx, &hw) == PLN_OK);
    cr_assert(pln_hardware_level(&hw, 0) == 1.0 / 1000.0);
    cr_assert(pln_hardware_level(&hw, 3) == 1.0 / 100.0);
    cr_assert(pln_hardware_quantize(&hw, 1.0 / 300.0) == 1.0 / 220.0);
    cr_assert(pln_hardware_quantize(&hw, 1.0 / 350.0) == 1.0 / 470.0);
    cr_assert(pln_hardware_quantize(&hw, 1.0) == 1.0 / 100.0);
    pln_rng rng;
    pln_rng_seed(&rng, 10);
    random_state(&rng, 1e-3, 1e-2, 1e-2);
    pln_hardware_apply(&hw, &rng, M, theta0, upd, theta1);
    int on[4] = {0, 0, 0, 0};
    for (int e = 0; e < M; e++) {
        int hit = -1;
        for (int j = 0; j < 4; j++) {
            if (theta1[e] == 1.0 / r[j]) {
                hit = j;
            }
        }
        cr_assert(hit >= 0, "edge %d: %.17g S is not in the table", e, theta1[e]);
        on[hit]++;
    }
    cr_assert(on[0] > 0 && on[1] > 0 && on[2] > 0 && on[3] > 0);
    /* One-level sign steps walk the table. */
    hw.sign_updates = true;
    hw.sign_step = 0.0;
    double t0 = 1.0 / 220.0, d = 1.0, t1;
    pln_hardware_apply(&hw, NULL, 1, &t0, &d, &t1);
    cr_assert(t1 == 1.0 / 100.0, "%.17g", t1);
    d = -1.0;
    pln_hardware_apply(&hw, NULL, 1, &t0, &d, &t1);
    cr_assert(t1 == 1.0 / 470.0, "%.17g", t1);
    /* Refused: not increasing; levels as well; one value. */
    const double bad[3] = {1.0, 3.0, 2.0};
    hw.sign_updates = false;
    hw.table = bad;
    hw.n_table = 3;
    cr_assert(pln_hardware_check(ctx, &hw) == PLN_EINVAL);
    cr_assert_str_eq(pln_ctx_last_error(ctx)->key, "hardware.table");
    hw.table = s;
    hw.n_table = 4;
    hw.levels = 4;
    cr_assert(pln_hardware_check(ctx, &hw) == PLN_EINVAL);
    cr_assert_str_eq(pln_ctx_last_error(ctx)->key, "hardware.levels");
    hw.levels = 0;
    hw.n_table = 1;
    cr_assert(pln_hardware_check(ctx, &hw) == PLN_EINVAL);
    cr_assert_str_eq(pln_ctx_last_error(ctx)->key, "hardware.table");
    pln_ctx_destroy(ctx);
}

Test(ledger, landauer_counts_bits_at_the_resolution)
{
    const double old[4] = {1.0, 1.0, 1.0, 1.0};
    const double d[4] = {1e-3, -3e-3, 0.0, 7e-3};
    /* log2(1 + 1) + log2(1 + 3) + 0 + log2(1 + 7) = 1 + 2 + 3 bits. */
    double bits = pln_ledger_bits(NULL, 1e-3, 4, old, d);
    cr_assert(fabs(bits - 6.0) < 1e-12, "bits %g", bits);
    pln_hardware hw;
    pln_hardware_default(&hw);
    hw.levels = 5;
    hw.spacing = PLN_SPACING_LINEAR;
    hw.min = 0.0;
    hw.max = 4.0;
    const double dq[4] = {1.0, -2.0, 0.0, 3.0}; /* 1, 2 and 3 levels of size 1 */
    bits = pln_ledger_bits(&hw, 1e-3, 4, old, dq);
    cr_assert(fabs(bits - (1.0 + log2(3.0) + 2.0)) < 1e-12, "bits %g", bits);
    pln_ledger l;
    pln_ledger_init(&l, 300.0, 1e-3);
    pln_rule_energy e = {2.0, 0.5, 1.5};
    pln_ledger_record(&l, &e, 6.0);
    pln_ledger_record(&l, &e, 6.0);
    double per_bit = 1.380649e-23 * 300.0 * log(2.0);
    cr_assert(fabs(l.landauer - 6.0 * per_bit) < 1e-30);
    cr_assert(fabs(l.landauer_total - 12.0 * per_bit) < 1e-30);
    cr_assert(l.joule_total == 4.0 && l.steps == 2 && l.bits_total == 12.0);
}
