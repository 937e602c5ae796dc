/* ledger.c — the energy ledger of SPEC 5: Joule heat of the physical states and the Landauer floor of the writes. */
#include "pln_learning.h"

#include <math.h>
#include <string.h>

void pln_ledger_init(pln_ledger *l, double temperature, double resolution)
{
    memset(l, 0, sizeof *l);
    l->temperature = temperature;
    l->resolution = resolution;
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
    double per_bit = PLN_KB * l->temperature * log(2.0);
    l->steps += 1;
    l->joule = e->joule;
    l->bits = bits;
    l->landauer = per_bit * bits;
    l->power_free = e->power_free;
    l->power_clamped = e->power_clamped;
    l->joule_total += l->joule;
    l->bits_total += bits;
    l->landauer_total += l->landauer;
}
