/* hardware.c — hardware constraints on learning edges (SPEC 3): clipping, quantization, update and sign noise, desynchronous updates. */
#include "pln_learning.h"
#include "pln_internal.h"

#include <math.h>

void pln_hardware_default(pln_hardware *hw)
{
    hw->clip = false;
    hw->min = 1e-3;
    hw->max = 1e3;
    hw->levels = 0;
    hw->spacing = PLN_SPACING_LOG;
    hw->table = NULL;
    hw->n_table = 0;
    hw->update_noise = 0.0;
    hw->signal_noise = 0.0;
    hw->sign_updates = false;
    hw->sign_step = 0.01;
    hw->desync = 1.0;
    hw->signed_values = false;
}

/* A table with no values (as a resolved file writes `table: []`) is no table. */
static bool has_table(const pln_hardware *hw)
{
    return hw->table != NULL && hw->n_table > 0;
}

static pln_status check_table(pln_ctx *ctx, const pln_hardware *hw)
{
    if (hw->table == NULL || hw->n_table < 2) {
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "hardware.table",
                     "a table of levels needs at least 2 values, got %lld",
                     (long long)(hw->table == NULL ? 0 : hw->n_table));
    }
    if (hw->levels != 0) {
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "hardware.levels",
                     "give levels or a table, not both (the table has %lld levels)",
                     (long long)hw->n_table);
    }
    bool positive = hw->spacing != PLN_SPACING_LINEAR || !hw->signed_values;
    for (pln_idx j = 0; j < hw->n_table; j++) {
        double v = hw->table[j];
        if (!isfinite(v) || (positive && !(v > 0.0))) {
            PLN_FAIL_KEY(ctx, PLN_EINVAL, "hardware.table", "table[%lld] = %g: levels must be "
                         "finite%s", (long long)j, v, positive ? " and > 0" : "");
        }
        if (j > 0 && !(v > hw->table[j - 1])) {
            PLN_FAIL_KEY(ctx, PLN_EINVAL, "hardware.table",
                         "table[%lld] = %g is not above table[%lld] = %g: the table must be "
                         "strictly increasing", (long long)j, v, (long long)(j - 1),
                         hw->table[j - 1]);
        }
    }
    return PLN_OK;
}

pln_status pln_hardware_check(pln_ctx *ctx, const pln_hardware *hw)
{
    if (hw->spacing != PLN_SPACING_LINEAR && hw->spacing != PLN_SPACING_LOG &&
        hw->spacing != PLN_SPACING_RESISTANCE) {
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "hardware.spacing", "unknown spacing %d", (int)hw->spacing);
    }
    if (hw->n_table != 0) {
        PLN_TRY(check_table(ctx, hw));
    }
    bool bounded = (hw->clip || hw->levels > 0) && !has_table(hw);
    if (bounded && !(isfinite(hw->min) && isfinite(hw->max) && hw->min < hw->max)) {
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "hardware.min",
                     "bounds must be finite with min < max, got [%g, %g]", hw->min, hw->max);
    }
    if (bounded && hw->min < 0.0 && !hw->signed_values) {
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "hardware.min", "min must be >= 0, got %g", hw->min);
    }
    if (hw->levels < 0 || hw->levels == 1) {
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "hardware.levels", "levels must be 0 (off) or >= 2, got %lld",
                     (long long)hw->levels);
    }
    if (hw->levels > 0 && hw->spacing != PLN_SPACING_LINEAR && !(hw->min > 0.0)) {
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "hardware.min", "%s-spaced levels need min > 0, got %g",
                     hw->spacing == PLN_SPACING_LOG ? "log" : "resistance", hw->min);
    }
    if (!(hw->update_noise >= 0.0) || !isfinite(hw->update_noise)) {
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "hardware.update_noise", "must be finite and >= 0, got %g",
                     hw->update_noise);
    }
    if (!(hw->signal_noise >= 0.0) || !isfinite(hw->signal_noise)) {
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "hardware.signal_noise", "must be finite and >= 0, got %g",
                     hw->signal_noise);
    }
    if (hw->sign_updates && !(hw->sign_step > 0.0) && pln_hardware_n_levels(hw) == 0) {
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "hardware.sign_step",
                     "sign updates need sign_step > 0 (or levels > 0 for one-level steps)");
    }
    if (!isfinite(hw->sign_step)) {
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "hardware.sign_step", "must be finite");
    }
    if (!(hw->desync >= 0.0 && hw->desync <= 1.0)) {
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "hardware.desync", "must be a probability in [0, 1], got %g",
                     hw->desync);
    }
    return PLN_OK;
}

pln_idx pln_hardware_n_levels(const pln_hardware *hw)
{
    return has_table(hw) ? hw->n_table : hw->levels;
}

/* The coordinate the levels are evenly spaced in (and rounded in): theta, log theta, or
 * -1/theta (minus a resistance, so that it increases with theta). */
static double coord(const pln_hardware *hw, double theta)
{
    switch (hw->spacing) {
    case PLN_SPACING_LOG:
        return log(theta);
    case PLN_SPACING_RESISTANCE:
        return -1.0 / theta;
    default:
        return theta;
    }
}

static double uncoord(const pln_hardware *hw, double u)
{
    switch (hw->spacing) {
    case PLN_SPACING_LOG:
        return exp(u);
    case PLN_SPACING_RESISTANCE:
        return -1.0 / u;
    default:
        return u;
    }
}

/* Table level j in ascending theta (a resistance table ascends in ohms, so runs backwards). */
static double table_level(const pln_hardware *hw, pln_idx j)
{
    if (hw->spacing == PLN_SPACING_RESISTANCE) {
        return 1.0 / hw->table[hw->n_table - 1 - j];
    }
    return hw->table[j];
}

double pln_hardware_level(const pln_hardware *hw, pln_idx j)
{
    pln_idx n = pln_hardware_n_levels(hw);
    if (j <= 0) {
        j = 0;
    }
    if (j >= n - 1) {
        j = n - 1;
    }
    if (has_table(hw)) {
        return table_level(hw, j);
    }
    if (j == 0) {
        return hw->min;
    }
    if (j == n - 1) {
        return hw->max;
    }
    double f = (double)j / (double)(n - 1);
    if (hw->spacing == PLN_SPACING_LINEAR) {
        return hw->min + (hw->max - hw->min) * f;
    }
    if (hw->spacing == PLN_SPACING_LOG) {
        return hw->min * pow(hw->max / hw->min, f);
    }
    double u0 = coord(hw, hw->min), u1 = coord(hw, hw->max);
    return uncoord(hw, u0 + (u1 - u0) * f);
}

static double lowest(const pln_hardware *hw)
{
    return has_table(hw) ? table_level(hw, 0) : hw->min;
}

static double highest(const pln_hardware *hw)
{
    return has_table(hw) ? table_level(hw, hw->n_table - 1) : hw->max;
}

/* Level index of theta as a real number (0 at the lowest level, L-1 at the highest),
 * linear in the spacing's coordinate between neighbouring levels. */
static double level_coord(const pln_hardware *hw, double theta)
{
    pln_idx n = pln_hardware_n_levels(hw);
    double span = (double)(n - 1);
    if (!(theta > lowest(hw))) {
        return 0.0;
    }
    if (!(theta < highest(hw))) {
        return span;
    }
    double u = coord(hw, theta);
    if (!has_table(hw)) {
        double u0 = coord(hw, hw->min), u1 = coord(hw, hw->max);
        return span * (u - u0) / (u1 - u0);
    }
    /* The last level at or below theta, by bisection. */
    pln_idx a = 0, b = n - 1;
    while (b - a > 1) {
        pln_idx c = a + (b - a) / 2;
        if (table_level(hw, c) <= theta) {
            a = c;
        } else {
            b = c;
        }
    }
    double ua = coord(hw, table_level(hw, a)), ub = coord(hw, table_level(hw, b));
    return (double)a + (u - ua) / (ub - ua);
}

static double level_value(const pln_hardware *hw, double j)
{
    return pln_hardware_level(hw, (pln_idx)j);
}

double pln_hardware_quantize(const pln_hardware *hw, double theta)
{
    if (pln_hardware_n_levels(hw) < 2) {
        return theta;
    }
    if (!(theta > lowest(hw))) {
        return lowest(hw);
    }
    double j = nearbyint(level_coord(hw, theta));
    return level_value(hw, j);
}

double pln_hardware_step_at(const pln_hardware *hw, double theta)
{
    pln_idx n = pln_hardware_n_levels(hw);
    if (n < 2) {
        return 0.0;
    }
    if (hw->spacing == PLN_SPACING_LINEAR && !has_table(hw)) {
        return (hw->max - hw->min) / (double)(n - 1);
    }
    double j = floor(level_coord(hw, theta) + 1e-9);
    if (j >= (double)(n - 1)) {
        j = (double)(n - 2);
    }
    return level_value(hw, j + 1.0) - level_value(hw, j);
}

static double sign_of(double x)
{
    return (x > 0.0) - (x < 0.0);
}

void pln_hardware_apply(const pln_hardware *hw, pln_rng *rng, pln_idx m,
                        const double *theta_old, double *dtheta, double *theta_new)
{
    const bool quantized = pln_hardware_n_levels(hw) >= 2;
    for (pln_idx e = 0; e < m; e++) {
        double d = dtheta[e];
        double t0 = theta_old[e];
        if (hw->sign_updates) {
            if (hw->sign_step > 0.0) {
                d = hw->sign_step * sign_of(d);
            } else {
                /* One level up or down: on log levels the step depends on the direction. */
                double q0 = pln_hardware_quantize(hw, t0);
                double j = nearbyint(level_coord(hw, q0)) + sign_of(d);
                d = (d == 0.0) ? 0.0 : level_value(hw, j < 0.0 ? 0.0 : j) - t0;
            }
        }
        if (hw->update_noise > 0.0) {
            d *= 1.0 + hw->update_noise * pln_rng_normal(rng);
        }
        /* The mask is drawn for every edge whatever q, so the stream does not depend on it. */
        if (hw->desync < 1.0) {
            double u = pln_rng_uniform(rng);
            if (!(u < hw->desync)) {
                d = 0.0;
            }
        }
        double t = t0 + d;
        if (quantized) {
            t = pln_hardware_quantize(hw, fmin(fmax(t, lowest(hw)), highest(hw)));
        } else if (hw->clip) {
            t = fmin(fmax(t, hw->min), hw->max);
        }
        if (!hw->signed_values && !(t >= PLN_THETA_FLOOR)) {
            t = PLN_THETA_FLOOR;
        }
        if (d == 0.0) {
            /* An edge that does not update keeps its value exactly (no requantization). */
            t = t0;
        }
        theta_new[e] = t;
        dtheta[e] = t - t0;
    }
}
