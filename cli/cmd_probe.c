/* cmd_probe.c — `plnet probe`: one memory driven by a protocol; update per period vs amplitude. */
#include "commands.h"
#include "fmt.h"

#include "plnet.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: plnet probe [options]\n\n"
    "Drive one edge's memory with the signal s(t) = background + a eta(t)/eta_max, where eta(t)\n"
    "is the protocol (so s^F = background and s^C - s^F = a), and print, for each amplitude a,\n"
    "the net update of one period after the transients (periods are run, the last one is\n"
    "reported): update = -alpha * integral of g(u) dt over the period (+ for --reverse).\n"
    "An ideal temporal memory gives update = -alpha a, i.e. ratio = -alpha (Falk et al. Fig. 4B).\n"
    "Output: CSV `amplitude,update,ratio` (ratio = update / (s^C - s^F)); every option is echoed\n"
    "in '#' header lines.\n\n"
    "options (defaults in brackets):\n"
    "  --protocol P    sawtooth | triangle [sawtooth]\n"
    "  --tau-fast X    [1]     --tau-slow X  [9]     --dt X  [0.01]   --reverse (flag)\n"
    "  --g G           threshold | cubic | linear [threshold]\n"
    "  --theta X       theta_g of g [1]\n"
    "  --alpha X       learning rate alpha [1]\n"
    "  --background X  constant part of the signal [0]\n"
    "  --amp-min X     [0.1]   --amp-max X  [100]   --n-amp N  [31] (log-spaced)\n"
    "  --periods N     periods run per amplitude [4] (--n-amp and --periods at most 1e6)\n"
    "  memory: --kind K [kernel] --tau --leak --B --I --gamma --R --s0 --window --dissipation\n"
    "          (see plnet memory --help)\n"
    "  -h, --help      this help\n";

typedef struct probe_opts {
    pln_protocol_options proto;
    pln_memory_options mem;
    pln_nonlinearity g;
    double alpha, background, amp_min, amp_max;
    long n_amp, periods;
} probe_opts;

static int parse(int argc, char **argv, probe_opts *p, FILE *out, FILE *err)
{
    for (int k = 1; k < argc; k++) {
        if (strcmp(argv[k], "--help") == 0 || strcmp(argv[k], "-h") == 0) {
            fputs(usage, out);
            return -1;
        }
        if (strcmp(argv[k], "--reverse") == 0) {
            p->proto.reverse = true;
            continue;
        }
        if (strncmp(argv[k], "--", 2) != 0) {
            fprintf(err, "plnet: probe: unexpected argument '%s' (see plnet probe --help)\n",
                    argv[k]);
            return 2;
        }
        const char *name, *value;
        char buf[64];
        if (plnet_option_value(argc, argv, &k, &name, &value, buf, sizeof buf, err) != 0) {
            return 2;
        }
        int rc = plnet_memory_option(name, value, &p->mem, err);
        if (rc != 1) {
            if (rc == 2) {
                return 2;
            }
            continue;
        }
        if (strcmp(name, "--protocol") == 0) {
            if (strcmp(value, "sawtooth") == 0) {
                p->proto.kind = PLN_PROTO_SAWTOOTH;
            } else if (strcmp(value, "triangle") == 0) {
                p->proto.kind = PLN_PROTO_TRIANGLE;
            } else {
                fprintf(err, "plnet: --protocol: '%s' is not sawtooth or triangle\n", value);
                return 2;
            }
            continue;
        }
        if (strcmp(name, "--g") == 0) {
            const char *names[] = {"threshold", "cubic", "linear"};
            int found = -1;
            for (int j = 0; j < 3; j++) {
                if (strcmp(value, names[j]) == 0) {
                    found = j;
                }
            }
            if (found < 0) {
                fprintf(err, "plnet: --g: '%s' is not threshold, cubic or linear\n", value);
                return 2;
            }
            p->g.kind = (pln_nonlin_kind)found;
            continue;
        }
        char *end = NULL;
        double v = strtod(value, &end);
        if (end == value || *end != '\0' || !isfinite(v)) {
            fprintf(err, "plnet: %s: '%s' is not a number\n", name, value);
            return 2;
        }
        const char *keys[] = {"--tau-fast", "--tau-slow", "--dt", "--theta", "--alpha",
                              "--background", "--amp-min", "--amp-max"};
        double *dst[] = {&p->proto.tau_fast, &p->proto.tau_slow, &p->proto.dt, &p->g.theta,
                         &p->alpha, &p->background, &p->amp_min, &p->amp_max};
        bool done = false;
        for (size_t j = 0; j < sizeof keys / sizeof keys[0]; j++) {
            if (strcmp(name, keys[j]) == 0) {
                *dst[j] = v;
                done = true;
            }
        }
        /* range-checked before the conversion to long */
        if (!done && strcmp(name, "--n-amp") == 0 && v >= 1 && v <= 1e6 && v == floor(v)) {
            p->n_amp = (long)v;
            done = true;
        }
        if (!done && strcmp(name, "--periods") == 0 && v >= 1 && v <= 1e6 && v == floor(v)) {
            p->periods = (long)v;
            done = true;
        }
        if (!done) {
            fprintf(err, "plnet: probe: unknown option or bad value '%s %s' (see plnet probe "
                         "--help)\n", name, value);
            return 2;
        }
    }
    if (!(p->amp_min > 0.0 && p->amp_max >= p->amp_min)) {
        fprintf(err, "plnet: probe: need 0 < --amp-min <= --amp-max\n");
        return 2;
    }
    return 0;
}

/* The update of the last of `periods` periods for amplitude a. */
static pln_status run_amplitude(pln_memory *mem, const probe_opts *p, double a, double *update)
{
    const pln_protocol_options *po = &p->proto;
    pln_idx N = pln_protocol_steps_per_period(po);
    double h = pln_protocol_period(po) / (double)N;
    double sign = po->reverse ? 1.0 : -1.0;
    double s = p->background, u = 0.0, acc = 0.0;
    pln_memory_reset(mem, &s);
    for (long per = 0; per < p->periods; per++) {
        acc = 0.0;
        for (pln_idx i = 1; i <= N; i++) {
            double eta = i == N ? 0.0 : pln_protocol_eta(po, (double)i * h);
            s = p->background + a * eta / po->eta_max;
            pln_memory_step(mem, &s, &u);
            acc += sign * p->alpha * pln_nonlinearity_apply(&p->g, u) * h;
        }
    }
    *update = acc;
    return PLN_OK;
}

int plnet_cmd_probe(int argc, char **argv, FILE *out, FILE *err)
{
    probe_opts p;
    pln_protocol_options_default(&p.proto);
    p.proto.eta_max = 1.0;
    pln_memory_options_default(&p.mem);
    p.mem.kind = PLN_MEMORY_KERNEL;
    pln_nonlinearity_default(&p.g);
    p.g.theta = 1.0;
    p.alpha = 1.0;
    p.background = 0.0;
    p.amp_min = 0.1;
    p.amp_max = 100.0;
    p.n_amp = 31;
    p.periods = 4;
    int rc = parse(argc, argv, &p, out, err);
    if (rc != 0) {
        return rc < 0 ? 0 : rc;
    }
    pln_ctx *ctx = NULL;
    pln_memory *mem = NULL;
    if (pln_ctx_create(&ctx) != PLN_OK) {
        fprintf(err, "plnet: out of memory\n");
        return 1;
    }
    pln_status st = pln_protocol_options_check(ctx, &p.proto);
    double h = p.proto.dt;
    if (st == PLN_OK) {
        h = pln_protocol_period(&p.proto) / (double)pln_protocol_steps_per_period(&p.proto);
        st = pln_memory_create(ctx, &p.mem, 1, h, &mem);
    }
    if (st == PLN_OK && (p.g.kind == PLN_NONLIN_CUBIC && !(p.g.theta > 0.0))) {
        fprintf(err, "plnet: probe: --g cubic needs --theta > 0\n");
        rc = 2;
        goto done;
    }
    if (st != PLN_OK) {
        fprintf(err, "plnet: probe: %s\n", pln_ctx_last_error(ctx)->message);
        rc = st == PLN_EINVAL ? 2 : 1;
        goto done;
    }
    fprintf(out, "# probe: protocol=%s tau_fast=%s tau_slow=%s dt=%s reverse=%s periods=%ld\n",
            pln_protocol_name(p.proto.kind), plnet_real(p.proto.tau_fast).s,
            plnet_real(p.proto.tau_slow).s, plnet_real(h).s, p.proto.reverse ? "true" : "false",
            p.periods);
    fprintf(out, "# g=%s theta=%s alpha=%s background=%s amp_min=%s amp_max=%s n_amp=%ld\n",
            p.g.kind == PLN_NONLIN_THRESHOLD ? "threshold"
            : p.g.kind == PLN_NONLIN_CUBIC   ? "cubic"
                                             : "linear",
            plnet_real(p.g.theta).s, plnet_real(p.alpha).s, plnet_real(p.background).s,
            plnet_real(p.amp_min).s, plnet_real(p.amp_max).s, p.n_amp);
    plnet_print_memory_header(out, &p.mem);
    double sigma = pln_memory_sigma(mem);
    if (isnan(sigma)) {
        fprintf(out, "# sigma=not modelled\n");
    } else {
        fprintf(out, "# sigma=%s k_B T per time unit per edge\n", plnet_real(sigma).s);
    }
    fprintf(out, "amplitude,update,ratio\n");
    for (long j = 0; j < p.n_amp; j++) {
        double f = p.n_amp > 1 ? (double)j / (double)(p.n_amp - 1) : 0.0;
        double a = p.amp_min * pow(p.amp_max / p.amp_min, f);
        double upd = 0.0;
        run_amplitude(mem, &p, a, &upd);
        fprintf(out, "%.17g,%.17g,%.17g\n", a, upd, upd / a);
    }
done:
    pln_memory_destroy(mem);
    pln_ctx_destroy(ctx);
    return rc;
}
