/* tcl_options.c — the protocol section of an experiment file as pln_tcl_options (rule: temporal). */
#include "tcl_options.h"

_Static_assert(PLNET_PROTO_RANDOM_PHASES == (int)PLN_PROTO_RANDOM_PHASES &&
                   PLNET_PROTO_TRIANGLE == (int)PLN_PROTO_TRIANGLE,
               "protocol enums of the config and the library agree");
_Static_assert(PLNET_MEMORY_MARKOV_LADDER == (int)PLN_MEMORY_MARKOV_LADDER &&
                   PLNET_MEMORY_KERNEL == (int)PLN_MEMORY_KERNEL,
               "memory enums agree");
_Static_assert(PLNET_NONLIN_LINEAR == (int)PLN_NONLIN_LINEAR &&
                   PLNET_NONLIN_CUBIC == (int)PLN_NONLIN_CUBIC,
               "nonlinearity enums agree");
_Static_assert(PLNET_PHASE_UNIFORM == (int)PLN_PHASE_UNIFORM &&
                   PLNET_PHASE_GAMMA == (int)PLN_PHASE_GAMMA,
               "phase distribution enums agree");

void plnet_tcl_options_from_config(const plnet_config *cfg, pln_tcl_options *o)
{
    const plnet_protocol_cfg *p = &cfg->protocol;
    pln_tcl_options_default(o);
    /* The config's enums list the kinds in the library's order. */
    o->protocol.kind = (pln_protocol_kind)p->kind.v;
    o->protocol.dt = p->dt.v;
    o->protocol.tau_fast = p->tau_fast.v;
    o->protocol.tau_slow = p->tau_slow.v;
    o->protocol.eta_max = cfg->learning.nudge.v * p->amplitude.v;
    o->protocol.reverse = p->reverse.v;
    o->protocol.p_clamped = p->p_clamped.v;
    o->protocol.mean_clamped = p->mean_clamped.v;
    o->protocol.mean_free = p->mean_free.v;
    o->protocol.dist = (pln_phase_dist)p->phase_distribution.v;
    o->protocol.phase_shape = p->phase_shape.v;
    o->memory.kind = (pln_memory_kind)p->memory_kind.v;
    o->memory.tau = p->memory_tau.v;
    o->memory.leak = p->memory_leak.v;
    o->memory.B = p->memory_B.v;
    o->memory.I = p->memory_I.v;
    o->memory.gamma = p->memory_gamma.v;
    o->memory.R = p->memory_R.v;
    o->memory.s0 = p->memory_s0.v;
    o->memory.window = p->memory_window.v;
    o->memory.dissipation = p->memory_dissipation.v;
    o->g.kind = (pln_nonlin_kind)p->nonlinearity_kind.v;
    o->g.theta = p->nonlinearity_theta.v;
    o->rate = cfg->learning.rate.v;
    o->apply = p->apply.v == PLNET_APPLY_PERIOD ? PLN_APPLY_PERIOD : PLN_APPLY_STEP;
    o->refresh = p->refresh.v;
    o->seed = (uint64_t)cfg->seed.v;
    o->temperature = cfg->energy.temperature.v;
    o->resolution = cfg->energy.resolution.v;
}
