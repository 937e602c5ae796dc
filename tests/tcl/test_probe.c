/* test_probe.c — plnet probe and plnet memory: Falk et al.'s Fig. 4B curve and its controls. */
#include "commands.h"
#include "test_support.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static void fini(void) { ts_check_leaks(); }
TestSuite(probe, .fini = fini, .timeout = 120);

typedef struct curve {
    int n;
    double a[400], update[400], ratio[400];
    char header[4096];
} curve;

/* Run `plnet probe ARGS...` in-process and parse its CSV (skipping '#' lines). */
static void probe(curve *c, ...)
{
    char *argv[64];
    int argc = 0;
    argv[argc++] = "probe";
    va_list ap;
    va_start(ap, c);
    for (char *s; (s = va_arg(ap, char *)) != NULL;) {
        argv[argc++] = s;
    }
    va_end(ap);
    argv[argc] = NULL;
    FILE *out = tmpfile(), *err = tmpfile();
    cr_assert(out != NULL && err != NULL);
    int rc = plnet_cmd_probe(argc, argv, out, err);
    if (rc != 0) {
        char msg[512] = "";
        rewind(err);
        size_t got = fread(msg, 1, sizeof msg - 1, err);
        msg[got] = '\0';
        cr_assert_fail("probe exited %d: %s", rc, msg);
    }
    rewind(out);
    char line[512];
    c->n = 0;
    c->header[0] = '\0';
    bool saw_names = false;
    while (fgets(line, sizeof line, out) != NULL) {
        if (line[0] == '#') {
            strncat(c->header, line, sizeof c->header - strlen(c->header) - 1);
            continue;
        }
        if (!saw_names) {
            cr_assert_str_eq(line, "amplitude,update,ratio\n");
            saw_names = true;
            continue;
        }
        cr_assert(sscanf(line, "%lf,%lf,%lf", &c->a[c->n], &c->update[c->n], &c->ratio[c->n]) ==
                  3);
        c->n++;
    }
    fclose(out);
    fclose(err);
}

Test(probe, sawtooth_update_is_proportional_to_amplitude_in_a_window)
{
    /* Zero-area kernel, threshold theta_g = 1, tau_s / tau_f = 9: u ~ ds/dt, so the fast
     * rise (a / tau_f) passes the threshold and the slow fall (a / tau_s) does not while
     * tau_f < a < tau_s, giving update = -alpha a. */
    curve c;
    probe(&c, "--kind", "kernel", "--B", "30", "--I", "0", "--g", "threshold", "--theta", "1",
          "--tau-fast", "1", "--tau-slow", "9", "--amp-min", "0.1", "--amp-max", "100",
          "--n-amp", "121", NULL);
    cr_assert(c.n == 121);
    cr_assert(strstr(c.header, "kind=kernel") != NULL && strstr(c.header, "B=30") != NULL);
    double lo = INFINITY, hi = 0.0;
    for (int k = 0; k < c.n; k++) {
        double slope = -c.ratio[k]; /* alpha = 1 */
        if (slope >= 0.75 && slope <= 1.25) {
            lo = fmin(lo, c.a[k]);
            hi = fmax(hi, c.a[k]);
        }
    }
    cr_assert(hi / lo >= 5.0, "proportional over [%g, %g] only", lo, hi);
    /* Contiguous: every amplitude inside the window is proportional. */
    for (int k = 0; k < c.n; k++) {
        if (c.a[k] >= lo && c.a[k] <= hi) {
            cr_assert(-c.ratio[k] >= 0.75 && -c.ratio[k] <= 1.25, "a %g: slope %g", c.a[k],
                      -c.ratio[k]);
        }
        if (c.a[k] < 0.9) {
            cr_assert(c.update[k] == 0.0, "a %g below the threshold moved: %g", c.a[k],
                      c.update[k]);
        }
    }
}

static double one_update(const char *proto, const char *g, const char *amp)
{
    curve c;
    probe(&c, "--kind", "kernel", "--B", "30", "--g", g, "--theta", "1", "--protocol", proto,
          "--amp-min", amp, "--amp-max", amp, "--n-amp", "1", NULL);
    cr_assert(c.n == 1);
    return c.update[0];
}

Test(probe, triangle_and_linear_g_give_no_net_update)
{
    const char *amps[] = {"2", "4", "7"};
    for (int k = 0; k < 3; k++) {
        double saw = one_update("sawtooth", "threshold", amps[k]);
        double tri = one_update("triangle", "threshold", amps[k]);
        double lin = one_update("sawtooth", "linear", amps[k]);
        cr_assert(fabs(saw) > 0.5 * atof(amps[k]), "the sawtooth itself did not learn: %g", saw);
        cr_assert(fabs(tri) < 0.01 * fabs(saw), "a %s: triangle %g vs sawtooth %g", amps[k], tri,
                  saw);
        cr_assert(fabs(lin) < 0.01 * fabs(saw), "a %s: linear g %g vs sawtooth %g", amps[k], lin,
                  saw);
    }
}

/* |update(background b) - update(background 0)| at amplitude a: the adaptation offset. */
static double offset(const char *kind, const char *gamma, const char *I, const char *leak,
                     const char *tau, const char *theta, const char *bg)
{
    curve c0, c1;
    probe(&c0, "--kind", kind, "--gamma", gamma, "--I", I, "--leak", leak, "--tau", tau,
          "--B", "30", "--g", "threshold", "--theta", theta, "--amp-min", "3", "--amp-max", "3",
          "--n-amp", "1", "--background", "0", NULL);
    probe(&c1, "--kind", kind, "--gamma", gamma, "--I", I, "--leak", leak, "--tau", tau,
          "--B", "30", "--g", "threshold", "--theta", theta, "--amp-min", "3", "--amp-max", "3",
          "--n-amp", "1", "--background", bg, NULL);
    return fabs(c1.update[0] - c0.update[0]);
}

Test(probe, imperfect_adaptation_offset_shrinks_with_dissipation)
{
    /* Perfect adaptation: the background does not matter. */
    cr_assert(offset("kernel", "0.1", "0", "0", "1", "1", "5") < 1e-9);
    cr_assert(offset("integral_feedback", "0.1", "0", "0", "0.1", "0.1", "5") < 1e-9);
    /* I > 0 and lambda > 0: an offset. */
    cr_assert(offset("kernel", "0.1", "0.1", "0", "1", "1", "5") > 0.1);
    cr_assert(offset("integral_feedback", "0.1", "0", "0.05", "0.1", "0.1", "5") > 0.1);
    /* The Markov ladder: more drive (smaller gamma, larger sigma) adapts better. */
    double o1 = offset("markov_ladder", "0.2", "0", "0", "0.02", "1", "0.5");
    double o2 = offset("markov_ladder", "0.05", "0", "0", "0.02", "1", "0.5");
    double o3 = offset("markov_ladder", "0.01", "0", "0", "0.02", "1", "0.5");
    cr_assert(o1 > 0.05, "gamma 0.2 shows no offset: %g", o1);
    cr_assert(o2 < o1 && o3 < o2, "offsets %g, %g, %g do not fall with gamma", o1, o2, o3);
}

Test(probe, memory_command_prints_kernel_and_sigma)
{
    FILE *out = tmpfile(), *err = tmpfile();
    char *argv[] = {"memory", "--kind", "markov_ladder", "--gamma", "1", "--t-max", "0.1",
                    NULL};
    cr_assert(plnet_cmd_memory(7, argv, out, err) == 0);
    rewind(out);
    char line[512];
    bool sigma_zero = false, header = false;
    int rows = 0;
    while (fgets(line, sizeof line, out) != NULL) {
        double s;
        if (sscanf(line, "# sigma=%lf", &s) == 1) {
            sigma_zero = fabs(s) < 1e-12;
        } else if (strcmp(line, "t,K\n") == 0) {
            header = true;
        } else if (line[0] != '#') {
            rows++;
        }
    }
    cr_assert(sigma_zero && header && rows == 11, "sigma0 %d header %d rows %d", sigma_zero,
              header, rows);
    fclose(out);
    fclose(err);
    out = tmpfile();
    err = tmpfile();
    char *bad[] = {"memory", "--kind", "nope", NULL};
    cr_assert(plnet_cmd_memory(3, bad, out, err) == 2);
    char *bad2[] = {"probe", "--gamma", "2", NULL};
    cr_assert(plnet_cmd_probe(3, bad2, out, err) == 2);
    fclose(out);
    fclose(err);
}

/* The '#' header lines echo options in the shortest text that reads back to the same double:
 * "tau=0.05", not %.17g's "tau=0.050000000000000003"; a value needing 17 digits keeps them. */
Test(probe, header_echoes_options_in_shortest_round_trip_text)
{
    FILE *out = tmpfile(), *err = tmpfile();
    char *argv[] = {"memory", "--kind", "markov_ladder", "--tau", "0.05", "--gamma",
                    "0.30000000000000004", "--t-max", "0.1", NULL};
    cr_assert(plnet_cmd_memory(9, argv, out, err) == 0);
    rewind(out);
    char line[1024];
    cr_assert(fgets(line, sizeof line, out) != NULL);
    cr_assert(strstr(line, " tau=0.05 ") != NULL, "%s", line);
    cr_assert(strstr(line, " gamma=0.30000000000000004 ") != NULL, "%s", line);
    cr_assert(fgets(line, sizeof line, out) != NULL);
    cr_assert(strcmp(line, "# dt=0.01 t_max=0.1\n") == 0, "%s", line);
    fclose(out);
    fclose(err);
}
