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
    hw->update_noise = 0.0;
    hw->signal_noise = 0.0;
    hw->sign_updates = false;
    hw->sign_step = 0.01;
    hw->desync = 1.0;
    hw->signed_values = false;
}

pln_status pln_hardware_check(pln_ctx *ctx, const pln_hardware *hw)
{
    bool bounded = hw->clip || hw->levels > 0;
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
    if (hw->levels > 0 && hw->spacing == PLN_SPACING_LOG && !(hw->min > 0.0)) {
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "hardware.min", "log-spaced levels need min > 0, got %g",
                     hw->min);
    }
    if (hw->spacing != PLN_SPACING_LINEAR && hw->spacing != PLN_SPACING_LOG) {
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "hardware.spacing", "unknown spacing %d", (int)hw->spacing);
    }
    if (!(hw->update_noise >= 0.0) || !isfinite(hw->update_noise)) {
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "hardware.update_noise", "must be finite and >= 0, got %g",
                     hw->update_noise);
    }
    if (!(hw->signal_noise >= 0.0) || !isfinite(hw->signal_noise)) {
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "hardware.signal_noise", "must be finite and >= 0, got %g",
                     hw->signal_noise);
    }
    if (hw->sign_updates && !(hw->sign_step > 0.0) && hw->levels == 0) {
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

/* Level index of theta as a real number (0 at min, L-1 at max). */
static double level_coord(const pln_hardware *hw, double theta)
{
    double span = (double)(hw->levels - 1);
    if (hw->spacing == PLN_SPACING_LOG) {
        return span * log(theta / hw->min) / log(hw->max / hw->min);
    }
    return span * (theta - hw->min) / (hw->max - hw->min);
}

static double level_value(const pln_hardware *hw, double j)
{
    double span = (double)(hw->levels - 1);
    if (j <= 0.0) {
        return hw->min;
    }
    if (j >= span) {
        return hw->max;
    }
    if (hw->spacing == PLN_SPACING_LOG) {
        return hw->min * pow(hw->max / hw->min, j / span);
    }
    return hw->min + (hw->max - hw->min) * (j / span);
}

double pln_hardware_quantize(const pln_hardware *hw, double theta)
{
    if (hw->levels < 2) {
        return theta;
    }
    if (!(theta > hw->min)) {
        return hw->min;
    }
    double j = nearbyint(level_coord(hw, theta));
    return level_value(hw, j);
}

double pln_hardware_step_at(const pln_hardware *hw, double theta)
{
    if (hw->levels < 2) {
        return 0.0;
    }
    if (hw->spacing == PLN_SPACING_LINEAR) {
        return (hw->max - hw->min) / (double)(hw->levels - 1);
    }
    double j = floor(level_coord(hw, theta > hw->min ? theta : hw->min) + 1e-9);
    if (j >= (double)(hw->levels - 1)) {
        j = (double)(hw->levels - 2);
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
    for (pln_idx e = 0; e < m; e++) {
        double d = dtheta[e];
        double t0 = theta_old[e];
        if (hw->sign_updates) {
            if (hw->sign_step > 0.0) {
                d = hw->sign_step * sign_of(d);
            } else {
                /* One level up or down: on log levels the step depends on the direction. */
                double q0 = pln_hardware_quantize(hw, t0);
                double j = nearbyint(level_coord(hw, q0));
                d = (d == 0.0) ? 0.0 : level_value(hw, j + sign_of(d)) - t0;
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
        if (hw->clip || hw->levels > 0) {
            t = fmin(fmax(t, hw->min), hw->max);
        }
        if (hw->levels > 0) {
            t = pln_hardware_quantize(hw, t);
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
