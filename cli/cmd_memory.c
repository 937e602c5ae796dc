/* cmd_memory.c — `plnet memory`: a memory's kernel K(t) as CSV and its dissipation rate sigma. */
#include "commands.h"
#include "fmt.h"

#include "plnet.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The most rows of K(t) plnet memory prints (about 400 MB of CSV). */
#define PLNET_MEMORY_MAX_ROWS 1e7

static const char usage[] =
    "usage: plnet memory --kind KIND [options]\n\n"
    "Print an edge memory's kernel K(t) (SPEC 4) as CSV `t,K` on stdout, with its area, first\n"
    "moment and dissipation rate sigma (k_B T per time unit per edge) in '#' header lines, so\n"
    "that memories can be compared before training (pandas: comment='#').\n\n"
    "options (defaults in brackets, all echoed in the header):\n"
    "  --kind K        integral_feedback | kernel | markov_ladder [kernel]\n"
    "  --tau X         integral_feedback time constant; markov time unit [0.05]\n"
    "  --leak X        integral_feedback lambda [0]\n"
    "  --B X           kernel rate B [10]\n"
    "  --I X           kernel area I [0]\n"
    "  --gamma X       markov_ladder gamma in (0, 1] [0.1]\n"
    "  --R X           markov_ladder rate factor [25]\n"
    "  --s0 X          markov_ladder signal step [200]\n"
    "  --window X      markov_ladder window (0 = 40 tau) [0]\n"
    "  --dissipation X hand-set sigma for the other memories (< 0: not modelled) [-1]\n"
    "  --sigma-signal X markov_ladder: signal of the ledger's sigma (Falk et al.: 0) [0]\n"
    "  --dt X          sampling step of the printed kernel [0.01]\n"
    "  --t-max X       last time printed (0 = 10/B, 10 tau, or the markov window) [0]\n"
    "                  (at most 1e7 rows: t_max / dt <= 1e7)\n"
    "  -h, --help      this help\n";

int plnet_memory_option(const char *name, const char *value, pln_memory_options *o, FILE *err)
{
    char *end = NULL;
    if (strcmp(name, "--kind") == 0) {
        const char *names[] = {"integral_feedback", "kernel", "markov_ladder"};
        for (int k = 0; k < 3; k++) {
            if (strcmp(value, names[k]) == 0) {
                o->kind = (pln_memory_kind)k;
                return 0;
            }
        }
        fprintf(err, "plnet: --kind: unknown memory '%s' (integral_feedback, kernel, "
                     "markov_ladder)\n", value);
        return 2;
    }
    const char *keys[] = {"--tau", "--leak", "--B", "--I", "--gamma", "--R", "--s0", "--window",
                          "--dissipation", "--sigma-signal"};
    double *dst[] = {&o->tau, &o->leak, &o->B, &o->I, &o->gamma, &o->R, &o->s0, &o->window,
                     &o->dissipation, &o->sigma_signal};
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
        if (strcmp(name, keys[k]) == 0) {
            double v = strtod(value, &end);
            if (end == value || *end != '\0' || !isfinite(v)) {
                fprintf(err, "plnet: %s: '%s' is not a number\n", name, value);
                return 2;
            }
            *dst[k] = v;
            return 0;
        }
    }
    return 1; /* not a memory option */
}

int plnet_option_value(int argc, char **argv, int *k, const char **name, const char **value,
                       char *buf, size_t bufsize, FILE *err)
{
    const char *s = argv[*k];
    const char *eq = strchr(s, '=');
    if (eq != NULL) {
        size_t len = (size_t)(eq - s);
        if (len >= bufsize) {
            len = bufsize - 1;
        }
        memcpy(buf, s, len);
        buf[len] = '\0';
        *name = buf;
        *value = eq + 1;
        return 0;
    }
    *name = s;
    if (*k + 1 >= argc) {
        fprintf(err, "plnet: %s: %s needs a value\n", argv[0], s);
        return 2;
    }
    *value = argv[++*k];
    return 0;
}

int plnet_print_memory_header(FILE *out, const pln_memory_options *o)
{
    fprintf(out, "# memory: kind=%s tau=%s leak=%s B=%s I=%s gamma=%s R=%s s0=%s window=%s "
                 "dissipation=%s sigma_signal=%s\n",
            pln_memory_name(o->kind), plnet_real(o->tau).s, plnet_real(o->leak).s,
            plnet_real(o->B).s, plnet_real(o->I).s, plnet_real(o->gamma).s, plnet_real(o->R).s,
            plnet_real(o->s0).s, plnet_real(o->window).s, plnet_real(o->dissipation).s,
            plnet_real(o->sigma_signal).s);
    return 0;
}

int plnet_cmd_memory(int argc, char **argv, FILE *out, FILE *err)
{
    pln_memory_options o;
    pln_memory_options_default(&o);
    o.kind = PLN_MEMORY_KERNEL;
    double dt = 0.01, t_max = 0.0;
    for (int k = 1; k < argc; k++) {
        if (strcmp(argv[k], "--help") == 0 || strcmp(argv[k], "-h") == 0) {
            fputs(usage, out);
            return 0;
        }
        if (strncmp(argv[k], "--", 2) != 0) {
            fprintf(err, "plnet: memory: unexpected argument '%s' (see plnet memory --help)\n",
                    argv[k]);
            return 2;
        }
        const char *name, *value;
        char buf[64];
        if (plnet_option_value(argc, argv, &k, &name, &value, buf, sizeof buf, err) != 0) {
            return 2;
        }
        int rc = plnet_memory_option(name, value, &o, err);
        if (rc == 2) {
            return 2;
        }
        if (rc == 0) {
            continue;
        }
        char *end = NULL;
        double v = strtod(value, &end);
        if (end == value || *end != '\0' || !isfinite(v)) {
            fprintf(err, "plnet: %s: '%s' is not a number\n", name, value);
            return 2;
        }
        if (strcmp(name, "--dt") == 0 && v > 0.0) {
            dt = v;
        } else if (strcmp(name, "--t-max") == 0 && v >= 0.0) {
            t_max = v;
        } else {
            fprintf(err, "plnet: memory: unknown option or bad value '%s %s' (see plnet memory "
                         "--help)\n", name, value);
            return 2;
        }
    }
    pln_ctx *ctx = NULL;
    if (pln_ctx_create(&ctx) != PLN_OK) {
        fprintf(err, "plnet: out of memory\n");
        return 1;
    }
    if (pln_memory_options_check(ctx, &o) != PLN_OK) {
        fprintf(err, "plnet: memory: %s\n", pln_ctx_last_error(ctx)->message);
        pln_ctx_destroy(ctx);
        return 2;
    }
    const bool t_max_given = t_max > 0.0;
    if (t_max <= 0.0) {
        t_max = o.kind == PLN_MEMORY_KERNEL ? 10.0 / o.B
                : o.kind == PLN_MEMORY_INTEGRAL_FEEDBACK ? 10.0 * o.tau
                : (o.window > 0.0 ? o.window : 40.0 * o.tau);
    }
    /* Range-checked in reals before the conversion (a window of 1e20 is 1e22 rows). */
    const double rows = floor(t_max / dt + 1e-9) + 1.0;
    if (!(rows <= PLNET_MEMORY_MAX_ROWS)) {
        fprintf(err, "plnet: memory: %s = %g over --dt %g is %.3g rows of K(t); at most %.0e "
                     "(give a shorter --t-max or a longer --dt)\n",
                t_max_given ? "--t-max"
                : o.kind == PLN_MEMORY_MARKOV_LADDER && o.window > 0.0 ? "--window"
                : o.kind == PLN_MEMORY_KERNEL ? "10 / --B"
                : o.kind == PLN_MEMORY_MARKOV_LADDER ? "40 --tau" : "10 --tau",
                t_max, dt, rows, PLNET_MEMORY_MAX_ROWS);
        pln_ctx_destroy(ctx);
        return 2;
    }
    pln_idx n = (pln_idx)rows;
    double *t = malloc((size_t)n * sizeof *t);
    double *K = malloc((size_t)n * sizeof *K);
    int rc = 0;
    double delta = 0.0, area = 0.0, fm = 0.0, sigma = NAN, sigma_s0 = NAN;
    pln_status st = PLN_OK;
    if (t == NULL || K == NULL) {
        fprintf(err, "plnet: out of memory\n");
        rc = 1;
        goto done;
    }
    for (pln_idx i = 0; i < n; i++) {
        t[i] = (double)i * dt;
    }
    st = pln_memory_kernel(ctx, &o, n, t, K, &delta, &area, &fm);
    if (st == PLN_OK && o.kind == PLN_MEMORY_MARKOV_LADDER) {
        st = pln_markov_sigma(ctx, &o, &sigma);
        if (st == PLN_OK) {
            st = pln_markov_sigma_at(ctx, &o, o.s0, &sigma_s0);
        }
    } else if (o.dissipation >= 0.0) {
        sigma = o.dissipation;
    }
    if (st != PLN_OK) {
        fprintf(err, "plnet: memory: %s\n", pln_ctx_last_error(ctx)->message);
        rc = st == PLN_EINVAL ? 2 : 1;
        goto done;
    }
    plnet_print_memory_header(out, &o);
    fprintf(out, "# dt=%s t_max=%s\n", plnet_real(dt).s, plnet_real(t_max).s);
    fprintf(out, "# area=%s first_moment=%s delta_at_0=%s\n", plnet_real(area).s,
            plnet_real(fm).s, plnet_real(delta).s);
    if (isnan(sigma)) {
        fprintf(out, "# sigma=not modelled (set --dissipation)\n");
    } else if (o.kind == PLN_MEMORY_MARKOV_LADDER) {
        fprintf(out, "# sigma=%s k_B T per time unit per edge at signal %s (the ledger's; "
                     "--sigma-signal)\n", plnet_real(sigma).s, plnet_real(o.sigma_signal).s);
        fprintf(out, "# sigma_at_s0=%s k_B T per time unit per edge at the kernel's step "
                     "s0=%s\n", plnet_real(sigma_s0).s, plnet_real(o.s0).s);
    } else {
        fprintf(out, "# sigma=%s k_B T per time unit per edge\n", plnet_real(sigma).s);
    }
    fprintf(out, "t,K\n");
    for (pln_idx i = 0; i < n; i++) {
        fprintf(out, "%.17g,%.17g\n", t[i], K[i]);
    }
done:
    free(t);
    free(K);
    pln_ctx_destroy(ctx);
    return rc;
}
