/* ledger.c — the energy ledger of SPEC 5: Joule, Landauer, memory dissipation, efficiency. */
#include "pln_learning.h"

#include <math.h>
#include <string.h>

void pln_ledger_init(pln_ledger *l, double temperature, double resolution)
{
    memset(l, 0, sizeof *l);
    l->temperature = temperature;
    l->resolution = resolution;
    l->memory_rate = -1.0;
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

static double ratio(double num, double den)
{
    return den > 0.0 ? num / den : 0.0;
}

void pln_ledger_record_time(pln_ledger *l, double joule, double bits, double time)
{
    double kt = PLN_KB * l->temperature;
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
    bool quantized = hw != NULL && hw->levels >= 2;
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

void pln_ledger_record(pln_ledger *l, const pln_rule_energy *e, double bits)
{
    l->power_free = e->power_free;
    l->power_clamped = e->power_clamped;
    pln_ledger_record_time(l, e->joule, bits, 1.0);
    /* Derived from the step count, so a checkpoint that restores the eleven original
     * fields and the step count restores these too. */
    l->time_total = (double)l->steps;
    l->memory_total = l->memory * (double)l->steps;
    l->efficiency_total = ratio(l->landauer_total, l->joule_total + l->memory_total);
}
