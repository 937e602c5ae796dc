/* protocol.c — the time protocols of SPEC 4: eta(t) and the durations of random phases. */
#include "pln_internal.h"
#include "pln_tcl.h"

#include <math.h>

static const char *const proto_names[] = {"two_phase", "sawtooth", "triangle", "random_phases"};

const char *pln_protocol_name(pln_protocol_kind kind)
{
    if ((int)kind < 0 || (int)kind > (int)PLN_PROTO_RANDOM_PHASES) {
        return "?";
    }
    return proto_names[kind];
}

void pln_protocol_options_default(pln_protocol_options *o)
{
    o->kind = PLN_PROTO_SAWTOOTH;
    o->dt = 0.01;
    o->tau_fast = 1.0;
    o->tau_slow = 9.0;
    o->eta_max = 0.1;
    o->reverse = false;
    o->p_clamped = 0.5;
    o->mean_clamped = 1.0;
    o->mean_free = 1.0;
    o->dist = PLN_PHASE_EXPONENTIAL;
    o->phase_shape = 2.0;
}

static bool pos(double x) { return isfinite(x) && x > 0.0; }

pln_status pln_protocol_options_check(pln_ctx *ctx, const pln_protocol_options *o)
{
    if ((int)o->kind < 0 || (int)o->kind > (int)PLN_PROTO_RANDOM_PHASES) {
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "protocol.kind", "unknown protocol %d", (int)o->kind);
    }
    if (!pos(o->dt)) {
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "protocol.dt", "dt must be finite and > 0, got %g", o->dt);
    }
    if (!pos(o->tau_fast) || !pos(o->tau_slow)) {
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "protocol.tau_fast",
                     "tau_fast and tau_slow must be finite and > 0 (got %g, %g)", o->tau_fast,
                     o->tau_slow);
    }
    if (!(o->eta_max > 0.0 && o->eta_max <= 1.0)) {
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "protocol.amplitude",
                     "the peak nudge eta_max must be in (0, 1], got %g", o->eta_max);
    }
    if (o->kind != PLN_PROTO_RANDOM_PHASES && o->dt > 0.5 * pln_protocol_period(o)) {
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "protocol.dt",
                     "dt = %g leaves fewer than 2 steps in a period of %g", o->dt,
                     pln_protocol_period(o));
    }
    if (o->kind != PLN_PROTO_RANDOM_PHASES &&
        !(pln_protocol_period(o) / o->dt <= PLN_PROTOCOL_MAX_STEPS)) {
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "protocol.dt",
                     "a period of protocol.tau_fast + protocol.tau_slow = %g over protocol.dt = "
                     "%g is %.3g time steps; at most %.0e are allowed",
                     pln_protocol_period(o), o->dt, pln_protocol_period(o) / o->dt,
                     PLN_PROTOCOL_MAX_STEPS);
    }
    if (o->kind == PLN_PROTO_RANDOM_PHASES) {
        if (!(o->p_clamped > 0.0 && o->p_clamped < 1.0)) {
            PLN_FAIL_KEY(ctx, PLN_EINVAL, "protocol.p_clamped",
                         "p_clamped must be in (0, 1), got %g", o->p_clamped);
        }
        if (!pos(o->mean_clamped) || !pos(o->mean_free)) {
            PLN_FAIL_KEY(ctx, PLN_EINVAL, "protocol.mean_clamped",
                         "mean phase lengths must be finite and > 0 (got %g, %g)",
                         o->mean_clamped, o->mean_free);
        }
        const double longest = o->mean_clamped > o->mean_free ? o->mean_clamped : o->mean_free;
        if (!(longest / o->dt <= PLN_PROTOCOL_MAX_STEPS)) {
            PLN_FAIL_KEY(ctx, PLN_EINVAL,
                         o->mean_clamped >= o->mean_free ? "protocol.mean_clamped"
                                                         : "protocol.mean_free",
                         "a mean phase of %g (protocol.%s) over protocol.dt = %g is %.3g time "
                         "steps; at most %.0e are allowed",
                         longest, o->mean_clamped >= o->mean_free ? "mean_clamped" : "mean_free",
                         o->dt, longest / o->dt, PLN_PROTOCOL_MAX_STEPS);
        }
        if ((int)o->dist < 0 || (int)o->dist > (int)PLN_PHASE_UNIFORM) {
            PLN_FAIL_KEY(ctx, PLN_EINVAL, "protocol.phase_distribution",
                         "unknown phase distribution %d", (int)o->dist);
        }
        if (o->dist == PLN_PHASE_GAMMA && !pos(o->phase_shape)) {
            PLN_FAIL_KEY(ctx, PLN_EINVAL, "protocol.phase_shape",
                         "the gamma shape must be > 0, got %g", o->phase_shape);
        }
    }
    return PLN_OK;
}

double pln_protocol_period(const pln_protocol_options *o)
{
    if (o->kind == PLN_PROTO_RANDOM_PHASES) {
        return NAN;
    }
    return o->tau_fast + o->tau_slow;
}

pln_idx pln_protocol_steps_per_period(const pln_protocol_options *o)
{
    if (o->kind == PLN_PROTO_RANDOM_PHASES) {
        return 0;
    }
    double n = floor(pln_protocol_period(o) / o->dt + 0.5);
    /* saturated: options that fail pln_protocol_options_check must not overflow the index */
    return !(n >= 1.0) ? 1 : n > 1e15 ? (pln_idx)1e15 : (pln_idx)n;
}

double pln_protocol_eta(const pln_protocol_options *o, double t)
{
    double T = pln_protocol_period(o);
    if (!isfinite(T)) {
        return 0.0;
    }
    t = fmod(t, T);
    if (t < 0.0) {
        t += T;
    }
    double rise, fall;
    switch (o->kind) {
    case PLN_PROTO_TWO_PHASE:
        return t < o->tau_fast ? 0.0 : o->eta_max;
    case PLN_PROTO_TRIANGLE:
        rise = fall = 0.5 * T;
        break;
    case PLN_PROTO_SAWTOOTH:
    default:
        rise = o->reverse ? o->tau_slow : o->tau_fast;
        fall = o->reverse ? o->tau_fast : o->tau_slow;
        break;
    }
    if (t <= rise) {
        return o->eta_max * t / rise;
    }
    double e = o->eta_max * (1.0 - (t - rise) / fall);
    return e > 0.0 ? e : 0.0;
}

double pln_protocol_draw_phase(const pln_protocol_options *o, pln_rng *rng, bool clamped)
{
    double mean = clamped ? o->mean_clamped : o->mean_free;
    switch (o->dist) {
    case PLN_PHASE_GAMMA:
        return pln_rng_gamma(rng, o->phase_shape, mean / o->phase_shape);
    case PLN_PHASE_UNIFORM:
        return 2.0 * mean * pln_rng_uniform(rng);
    case PLN_PHASE_EXPONENTIAL:
    default:
        return pln_rng_exponential(rng, mean);
    }
}
