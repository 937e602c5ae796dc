/* tcl_options.h — from the experiment file's protocol section to the TCL trainer's options. */
#ifndef PLNET_CLI_TCL_OPTIONS_H
#define PLNET_CLI_TCL_OPTIONS_H

#include "config.h"

/* Fill o from cfg (learning.rate is alpha, eta_max = learning.nudge * protocol.amplitude,
 * the seed and the energy section). Hardware options are left at their defaults: the
 * caller copies its own pln_hardware in. */
void plnet_tcl_options_from_config(const plnet_config *cfg, pln_tcl_options *o);

#endif
