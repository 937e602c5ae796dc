/* rules.c — the contrastive learning rules of SPEC 3: two states per example into an update of theta. */
#include "pln_learning.h"
#include "pln_internal.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>

static const char *const rule_names[] = {"coupled", "coupled_centered", "equilibrium",
                                         "equilibrium_centered", "dyadic"};

const char *pln_rule_name(pln_rule_kind rule)
{
    if ((int)rule < 0 || (int)rule > (int)PLN_RULE_DYADIC) {
        return "?";
    }
    return rule_names[rule];
}

pln_status pln_rule_parse(pln_ctx *ctx, const char *name, pln_rule_kind *out)
{
    for (int r = 0; r <= (int)PLN_RULE_DYADIC; r++) {
        if (name != NULL && strcmp(name, rule_names[r]) == 0) {
            *out = (pln_rule_kind)r;
            return PLN_OK;
        }
    }
    PLN_FAIL_KEY(ctx, PLN_EINVAL, "learning.rule",
                 "unknown rule '%s' (coupled, coupled_centered, equilibrium, "
                 "equilibrium_centered, dyadic)",
                 name != NULL ? name : "(null)");
}

const char *pln_dof_name(pln_dof dof)
{
    return dof == PLN_DOF_RADIUS        ? "radius"
           : dof == PLN_DOF_REST_LENGTH ? "rest_length"
           : dof == PLN_DOF_BOTH        ? "both"
           : dof == PLN_DOF_ELEMENT     ? "element"
                                        : "conductance";
}

void pln_rule_options_default(pln_rule_options *o)
{
    o->rule = PLN_RULE_COUPLED;
    o->rate = 0.05;
    o->nudge = 0.1;
    o->asymmetry = 0.5;
    o->dof = PLN_DOF_CONDUCTANCE;
    o->rate_rest_length = 0.0;
}

static bool is_coupled(pln_rule_kind r)
{
    return r == PLN_RULE_COUPLED || r == PLN_RULE_COUPLED_CENTERED;
}

pln_status pln_rule_options_check(pln_ctx *ctx, const pln_rule_options *o)
{
    if ((int)o->rule < 0 || (int)o->rule > (int)PLN_RULE_DYADIC) {
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "learning.rule", "unknown rule %d", (int)o->rule);
    }
    if (!isfinite(o->rate) || o->rate < 0.0) {
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "learning.rate", "learning rate must be finite and >= 0, "
                     "got %g", o->rate);
    }
    if (!isfinite(o->nudge) || o->nudge <= 0.0) {
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "learning.nudge", "nudge must be finite and > 0, got %g",
                     o->nudge);
    }
    if (is_coupled(o->rule) && o->nudge > 1.0) {
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "learning.nudge",
                     "eta of a coupled rule must be in (0, 1], got %g", o->nudge);
    }
    if (o->rule == PLN_RULE_DYADIC && !(o->asymmetry >= 0.0 && o->asymmetry <= 1.0)) {
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "learning.asymmetry", "asymmetry must be in [0, 1], got %g",
                     o->asymmetry);
    }
    if (o->dof != PLN_DOF_CONDUCTANCE && o->dof != PLN_DOF_RADIUS &&
        o->dof != PLN_DOF_REST_LENGTH && o->dof != PLN_DOF_BOTH && o->dof != PLN_DOF_ELEMENT) {
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "learning.dof", "unknown degree of freedom %d", (int)o->dof);
    }
    if (!isfinite(o->rate_rest_length) || o->rate_rest_length < 0.0) {
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "learning.rate_rest_length",
                     "learning rate must be finite and >= 0, got %g", o->rate_rest_length);
    }
    return PLN_OK;
}

size_t pln_rule_work_size(const pln_states *st, pln_idx nrhs)
{
    const pln_network *net = pln_states_network(st);
    size_t n = (size_t)(pln_network_n_nodes(net) * pln_network_state_dim(net));
    size_t m = (size_t)pln_network_n_edges(net);
    size_t no = (size_t)pln_states_n_out(st);
    size_t b = (size_t)(nrhs > 0 ? nrhs : 1);
    return 2 * n * b + 2 * no * b + 2 * m;
}

/* How one of a rule's two states is made from the free state. */
typedef enum state_how { STATE_FREE, STATE_CLAMP, STATE_NUDGE } state_how;
typedef struct state_recipe {
    state_how how;
    double amount;  /* clamp: signed eta; nudge: signed beta */
    double coef;    /* weight of the state's signal in d theta */
    bool physical;  /* counted in the Joule heat (SPEC 5) */
} state_recipe;

/* The SPEC 3 table as data, so every rule shares one code path. */
static void recipes(const pln_rule_options *ro, state_recipe r[2])
{
    double a = ro->rate;
    double h = ro->nudge;
    switch (ro->rule) {
    case PLN_RULE_COUPLED:
        r[0] = (state_recipe){STATE_FREE, 0.0, a / h, true};
        r[1] = (state_recipe){STATE_CLAMP, h, -a / h, true};
        break;
    case PLN_RULE_COUPLED_CENTERED:
        r[0] = (state_recipe){STATE_CLAMP, -h, a / (2.0 * h), true};
        r[1] = (state_recipe){STATE_CLAMP, h, -a / (2.0 * h), true};
        break;
    case PLN_RULE_EQUILIBRIUM:
        r[0] = (state_recipe){STATE_FREE, 0.0, a / h, true};
        r[1] = (state_recipe){STATE_NUDGE, h, -a / h, true};
        break;
    case PLN_RULE_EQUILIBRIUM_CENTERED:
        r[0] = (state_recipe){STATE_NUDGE, -h, a / (2.0 * h), true};
        r[1] = (state_recipe){STATE_NUDGE, h, -a / (2.0 * h), true};
        break;
    case PLN_RULE_DYADIC:
    default: {
        /* Twins at +(1-a)beta and -a beta; a nudge of exactly 0 is the free state itself
         * (I/beta + S is undefined there). */
        double bm = -ro->asymmetry * h;
        double bp = (1.0 - ro->asymmetry) * h;
        r[0] = (state_recipe){bm == 0.0 ? STATE_FREE : STATE_NUDGE, bm, a / h, true};
        r[1] = (state_recipe){bp == 0.0 ? STATE_FREE : STATE_NUDGE, bp, -a / h, true};
        break;
    }
    }
}

/* Heat of one state of a rule (SPEC 5). Resistor and flow: its power held one time unit.
 * Springs dissipate nothing at rest; what a step dissipates is the switching: a state other
 * than the free one is reached quasi-statically from the free state (the boundary does work
 * equal to the rise of the potential energy Phi = E - f.u, nothing is lost), then let go at
 * once, and the network relaxes back to the free state, turning Phi(x) - Phi(x^F) >= 0 (x^F
 * minimises Phi under the same inputs) into heat. Work in minus rise of stored energy over
 * that cycle is exactly this difference. */
static double state_heat(const pln_network *net, const double *p, const double *p_free)
{
    if (pln_network_state_dim(net) == 1) {
        return pln_network_power(net, p);
    }
    if (p == p_free) {
        return 0.0;
    }
    double h = pln_network_spring_gradient(net, p, NULL, NULL) -
               pln_network_spring_gradient(net, p_free, NULL, NULL);
    return h > 0.0 ? h : 0.0; /* rounding only: x^F is the minimiser */
}

static pln_status make_state(pln_states *st, const state_recipe *rc, pln_idx nrhs, pln_idx n,
                             pln_idx no, const double *p_free, const double *o_free,
                             const double *targets, double *p_out, double *oc)
{
    if (rc->how == STATE_FREE) {
        memcpy(p_out, p_free, (size_t)(n * nrhs) * sizeof *p_out);
        return PLN_OK;
    }
    if (rc->how == STATE_CLAMP) {
        for (pln_idx k = 0; k < no * nrhs; k++) {
            oc[k] = o_free[k] + rc->amount * (targets[k] - o_free[k]);
        }
        return pln_states_clamp(st, nrhs, p_free, o_free, oc, p_out, NULL);
    }
    return pln_states_nudge(st, nrhs, p_free, o_free, targets, rc->amount, p_out, NULL);
}

pln_status pln_rule_update(pln_states *st, const pln_rule_options *ro, pln_idx nrhs,
                           const double *p_free, const double *o_free, const double *targets,
                           const pln_hardware *hw, pln_rng *rng, double *dtheta,
                           pln_rule_energy *energy, double *work)
{
    pln_network *net = pln_states_network(st);
    pln_ctx *ctx = pln_network_ctx(net);
    PLN_TRY(pln_rule_options_check(ctx, ro));
    if (nrhs < 1) {
        PLN_FAIL(ctx, PLN_EINVAL, "a rule update needs at least one example (nrhs = %" PRId64 ")",
                 (int64_t)nrhs);
    }
    if (ro->dof == PLN_DOF_RADIUS && pln_network_kind(net) != PLN_KIND_FLOW) {
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "learning.dof",
                     "the radius is a degree of freedom of flow networks only (this is %s)",
                     pln_kind_name(pln_network_kind(net)));
    }
    if ((ro->dof == PLN_DOF_REST_LENGTH || ro->dof == PLN_DOF_BOTH) &&
        pln_network_rest_lengths(net) == NULL) {
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "learning.dof",
                     "the rest length is a degree of freedom of spring networks only (this is %s)",
                     pln_kind_name(pln_network_kind(net)));
    }
    if (ro->dof == PLN_DOF_ELEMENT && pln_network_kind(net) != PLN_KIND_RESISTOR) {
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "learning.dof",
                     "element parameters learn on resistor networks only (this is %s)",
                     pln_kind_name(pln_network_kind(net)));
    }
    const pln_param param = ro->dof == PLN_DOF_REST_LENGTH ? PLN_PARAM_REST_LENGTH : PLN_PARAM_K;
    /* A network of elements learning its conductances only: the resistors' signals, none for
     * the gates (PLN_PARAM_K gives every edge's learnable parameter's). */
    const bool resistors_only = ro->dof == PLN_DOF_CONDUCTANCE && pln_network_is_nonlinear(net);
    /* PLN_DOF_BOTH: a second half, the rest lengths, at its own rate (rc_l below) */
    const bool both = ro->dof == PLN_DOF_BOTH;
    const double *radii = NULL;
    if (ro->dof == PLN_DOF_RADIUS) {
        radii = pln_network_radii(net);
        if (radii == NULL) {
            PLN_FAIL_KEY(ctx, PLN_EINVAL, "learning.dof",
                         "theta = radius needs a flow network built from radii");
        }
    }
    double noise = (hw != NULL) ? hw->signal_noise : 0.0;
    if (noise > 0.0 && rng == NULL) {
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "hardware.signal_noise", "signal noise needs a generator");
    }

    /* state values per example: n potentials, or n x d positions for springs */
    pln_idx n = pln_network_n_nodes(net) * pln_network_state_dim(net);
    pln_idx m = pln_network_n_edges(net);
    pln_idx no = pln_states_n_out(st);
    const double *k = pln_network_conductances(net);
    double *p_state = work;
    double *oc = p_state + n * nrhs;
    double *s = oc + 2 * no * nrhs;
    double *chain = s + m;

    /* With theta = r the signal is dp^2 dk/dr; dk/dr = 4k/r is the same in both states
     * because the network (hence k and r) does not change between them. */
    for (pln_idx e = 0; e < m; e++) {
        chain[e] = (radii != NULL) ? 4.0 * k[e] / radii[e] : 1.0;
        dtheta[e] = 0.0;
        if (both) {
            dtheta[m + e] = 0.0;
        }
    }

    state_recipe rc[2], rc_l[2];
    recipes(ro, rc);
    pln_rule_options ro_l = *ro;
    ro_l.rate = ro->rate_rest_length > 0.0 ? ro->rate_rest_length : ro->rate;
    recipes(&ro_l, rc_l);
    double joule = 0.0, pf = 0.0, pc = 0.0;
    for (int r = 0; r < 2; r++) {
        PLN_TRY(make_state(st, &rc[r], nrhs, n, no, p_free, o_free, targets, p_state, oc));
        double w = rc[r].coef / (double)nrhs, w_l = rc_l[r].coef / (double)nrhs;
        for (pln_idx b = 0; b < nrhs; b++) {
            const double *p = p_state + b * n;
            if (resistors_only) {
                pln_network_element_signals(net, PLN_EP_CONDUCTANCE, p, s);
            } else {
                pln_network_param_signals(net, param, p, s);
            }
            if (noise > 0.0) {
                for (pln_idx e = 0; e < m; e++) {
                    s[e] += noise * pln_rng_normal(rng);
                }
            }
            for (pln_idx e = 0; e < m; e++) {
                dtheta[e] += w * chain[e] * s[e];
            }
            if (both) {
                pln_network_param_signals(net, PLN_PARAM_REST_LENGTH, p, s);
                if (noise > 0.0) {
                    for (pln_idx e = 0; e < m; e++) {
                        s[e] += noise * pln_rng_normal(rng);
                    }
                }
                for (pln_idx e = 0; e < m; e++) {
                    dtheta[m + e] += w_l * s[e];
                }
            }
            double pw = state_heat(net, rc[r].how == STATE_FREE ? p_free + b * n : p,
                                   p_free + b * n);
            if (rc[r].physical) {
                joule += pw;
            }
            if (rc[r].how != STATE_FREE) {
                pc += pw;
            }
        }
    }
    if (energy != NULL) {
        for (pln_idx b = 0; b < nrhs; b++) {
            pf += state_heat(net, p_free + b * n, p_free + b * n);
        }
        int n_other = (rc[0].how != STATE_FREE) + (rc[1].how != STATE_FREE);
        energy->joule = joule;
        energy->power_free = pf / (double)nrhs;
        energy->power_clamped = n_other > 0 ? pc / ((double)nrhs * n_other) : energy->power_free;
    }
    return PLN_OK;
}
