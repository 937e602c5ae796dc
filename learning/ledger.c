/* ledger.c — the energy ledger of SPEC 5: Joule, Landauer, memory dissipation, efficiency. */
#include "learning_impl.h"
#include "pln_learning.h"

#include <math.h>
#include <string.h>

void pln_energy_units_default(pln_energy_units *u)
{
    u->system = PLN_UNITS_SI;
    u->kT = 1.0;
    u->t_hold = 1.0;
}

void pln_ledger_init(pln_ledger *l, double temperature, double resolution)
{
    memset(l, 0, sizeof *l);
    l->temperature = temperature;
    l->resolution = resolution;
    l->memory_rate = -1.0;
    l->reduced = false;
    l->kT = PLN_KB * temperature;
    l->t_hold = 1.0;
}

void pln_ledger_set_units(pln_ledger *l, const pln_energy_units *u)
{
    l->reduced = u->system == PLN_UNITS_REDUCED ? 1 : 0;
    l->kT = l->reduced ? u->kT : PLN_KB * l->temperature;
    l->t_hold = u->t_hold;
}

double pln_ledger_in_kT(const pln_ledger *l, double energy)
{
    return l->kT > 0.0 ? energy / l->kT : (energy == 0.0 ? 0.0 : HUGE_VAL);
}

void pln_ledger_set_memory(pln_ledger *l, double rate, pln_idx edges)
{
    l->memory_rate = rate;
    l->memory_edges = edges;
}

bool pln_ledger_memory_modelled(const pln_ledger *l)
{
    return l->memory_rate >= 0.0;
}

pln_status pln_i_energy_units_check(pln_ctx *ctx, double temperature, const pln_energy_units *u)
{
    if (u->system == PLN_UNITS_REDUCED && !(u->kT > 0.0 && isfinite(u->kT))) {
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "energy.kT",
                     "reduced units need k_B T > 0 in the network's energy unit (got %g)", u->kT);
    }
    if (u->system != PLN_UNITS_REDUCED && !(temperature > 0.0 && isfinite(temperature))) {
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "energy.temperature",
                     "SI units need a temperature > 0 K for the k_B T figures (got %g)",
                     temperature);
    }
    if (!(u->t_hold > 0.0 && isfinite(u->t_hold))) {
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "energy.t_hold",
                     "the hold time of a contrastive state must be > 0 (got %g)", u->t_hold);
    }
    return PLN_OK;
}

static double ratio(double num, double den)
{
    return den > 0.0 ? num / den : 0.0;
}

void pln_ledger_record_time(pln_ledger *l, double joule, double bits, double time)
{
    double kt = l->kT;
    l->steps += 1;
    l->joule = joule;
    l->bits = bits;
    l->landauer = kt * log(2.0) * bits;
    l->time = time;
    l->memory = pln_ledger_memory_modelled(l) ? l->memory_rate * (double)l->memory_edges * time * kt
                                              : 0.0;
    l->efficiency = ratio(l->landauer, l->joule + l->memory);
    l->joule_total += l->joule;
    l->bits_total += bits;
    l->landauer_total += l->landauer;
    l->time_total += time;
    l->memory_total += l->memory;
    l->efficiency_total = ratio(l->landauer_total, l->joule_total + l->memory_total);
}

double pln_ledger_bits(const pln_hardware *hw, double resolution, pln_idx m,
                       const double *theta_old, const double *dtheta)
{
    bool quantized = hw != NULL && pln_hardware_n_levels(hw) >= 2;
    double bits = 0.0;
    for (pln_idx e = 0; e < m; e++) {
        double d = fabs(dtheta[e]);
        if (d == 0.0) {
            continue;
        }
        double delta = quantized ? pln_hardware_step_at(hw, theta_old[e]) : resolution;
        bits += log2(1.0 + d / delta);
    }
    return bits;
}

void pln_ledger_record_heat(pln_ledger *l, const pln_rule_energy *e, double bits,
                            bool heat_is_power)
{
    l->power_free = e->power_free;
    l->power_clamped = e->power_clamped;
    pln_ledger_record_time(l, heat_is_power ? e->joule * l->t_hold : e->joule, bits, l->t_hold);
    /* Derived from the step count (every step lasts t_hold). */
    l->time_total = (double)l->steps * l->t_hold;
    l->memory_total = l->memory * (double)l->steps;
    l->efficiency_total = ratio(l->landauer_total, l->joule_total + l->memory_total);
}

void pln_ledger_record(pln_ledger *l, const pln_rule_energy *e, double bits)
{
    pln_ledger_record_heat(l, e, bits, true);
}

/* ------------------------------------------------------------------ checkpoint codec
 * The one layout of a ledger in every learner's checkpoint (native byte order): the integer
 * fields, then the doubles, in the order of these tables. A field added to pln_ledger is a
 * row here. */

#define LEDGER_INTS 3 /* steps, memory_edges, reduced */

static size_t ledger_doubles(pln_ledger *l, double **f)
{
    double *x[] = {&l->temperature,   &l->resolution,  &l->joule,         &l->bits,
                   &l->landauer,      &l->power_free,  &l->power_clamped, &l->joule_total,
                   &l->bits_total,    &l->landauer_total, &l->memory_rate, &l->time,
                   &l->memory,        &l->efficiency,  &l->time_total,    &l->memory_total,
                   &l->efficiency_total, &l->kT,          &l->t_hold};
    if (f != NULL) {
        memcpy(f, x, sizeof x);
    }
    return sizeof x / sizeof x[0];
}
#define LEDGER_DOUBLES_MAX 64

size_t pln_i_ledger_state_size(void)
{
    pln_ledger l;
    return (size_t)LEDGER_INTS * 8 + ledger_doubles(&l, NULL) * 8;
}

unsigned char *pln_i_ledger_state_put(const pln_ledger *l, unsigned char *p)
{
    pln_ledger c = *l;
    int64_t v[LEDGER_INTS] = {c.steps, (int64_t)c.memory_edges, c.reduced};
    memcpy(p, v, sizeof v);
    p += sizeof v;
    double *f[LEDGER_DOUBLES_MAX];
    size_t n = ledger_doubles(&c, f);
    for (size_t k = 0; k < n; k++) {
        memcpy(p, f[k], 8);
        p += 8;
    }
    return p;
}

const unsigned char *pln_i_ledger_state_get(pln_ledger *l, const unsigned char *p)
{
    int64_t v[LEDGER_INTS];
    memcpy(v, p, sizeof v);
    p += sizeof v;
    l->steps = v[0];
    l->memory_edges = (pln_idx)v[1];
    l->reduced = v[2];
    double *f[LEDGER_DOUBLES_MAX];
    size_t n = ledger_doubles(l, f);
    for (size_t k = 0; k < n; k++) {
        memcpy(f[k], p, 8);
        p += 8;
    }
    return p;
}
