/* cmd_evaluate.c — `plnet evaluate RUN_DIR --tolerance T --samples N`: the test error of a trained network whose elements are each off by a component tolerance (seeded draws), as a distribution (CSV with units, and a summary of mean, standard deviation and quantiles). */
/* sigaction is POSIX. */
#define _POSIX_C_SOURCE 200809L

#include "commands.h"
#include "experiment_setup.h"
#include "fmt.h"
#include "outfile.h"
#include "run_dir.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: plnet evaluate RUN_DIR [--tolerance T] [--samples N] [--seed S]\n"
    "                      [--distribution uniform|normal] [--values] [-o DIR]\n\n"
    "The test error of the trained network of RUN_DIR (plnet train's folder: its\n"
    "config.resolved.yaml, theta from checkpoint.bin) when every element is off by a\n"
    "component tolerance, as a lab builder needs to know before soldering. In each of N\n"
    "samples every element gets its own relative error d: a resistor's resistance R = 1/G\n"
    "becomes R (1 + d); any other learned value (a pipe's conductance or radius, a spring's\n"
    "stiffness or rest length) becomes theta (1 + d). d is uniform in [-T, T] (a part sold\n"
    "as T, the default) or, with --distribution normal, T times a standard normal (T is\n"
    "one standard deviation; draws with 1 + d <= 0 are drawn again). The draws come from\n"
    "one generator seeded with S: sample s uses the s-th block of draws, element by element.\n"
    "Writes, into DIR (default RUN_DIR/evaluate):\n"
    "  tolerance.csv          sample,test_error_<unit>: the test error of each sample\n"
    "  tolerance_summary.csv  tolerance (1), distribution, samples, seed, nominal test\n"
    "                         error (no tolerance), and the samples' mean, std (n - 1),\n"
    "                         min, q05, q25, median, q75, q95, max (linear interpolation\n"
    "                         between order statistics, numpy's default)\n"
    "  tolerance_values.csv   with --values: sample,index,value,unit: every element's\n"
    "                         perturbed value (index as theta: edges; then rest lengths\n"
    "                         for learning.dof both)\n"
    "and prints the summary. The error is the run's test_error: 1/2 sum (o - T)^2 averaged\n"
    "over the test examples, in the squared output unit (V^2 resistor, Pa^2 flow, m^2\n"
    "springs; _1 for the strains of spring edge outputs), or 1 - accuracy for\n"
    "classification (unit 1). Tolerance 0 gives the run's own test error exactly.\n"
    "SIGINT or SIGTERM stops it; nothing is then written.\n\n"
    "options:\n"
    "  --tolerance T     relative tolerance, 0 <= T < 1 (default 0.05)\n"
    "  --samples N       samples, 1 to 10^7 (default 200)\n"
    "  --seed S          generator seed, an unsigned integer (default 1)\n"
    "  --distribution D  uniform (default) or normal\n"
    "  --values          also write tolerance_values.csv\n"
    "  -o, --output DIR  output folder (default RUN_DIR/evaluate)\n"
    "  -h, --help        this help\n";

static volatile sig_atomic_t stop_signal = 0;

static void on_signal(int sig)
{
    stop_signal = sig;
}

typedef struct eval_opts {
    const char *run;
    const char *output;
    double tolerance;
    long long samples;
    uint64_t seed;
    bool normal;
    bool values;
} eval_opts;

static int parse(int argc, char **argv, eval_opts *o, FILE *out, FILE *err)
{
    o->tolerance = 0.05;
    o->samples = 200;
    o->seed = 1;
    for (int k = 1; k < argc; k++) {
        const char *s = argv[k];
        if (strcmp(s, "--help") == 0 || strcmp(s, "-h") == 0) {
            fputs(usage, out);
            return -1;
        }
        if (strcmp(s, "--values") == 0) {
            o->values = true;
            continue;
        }
        if (s[0] != '-' || s[1] == '\0') {
            if (o->run != NULL) {
                fprintf(err, "plnet: evaluate: unexpected argument '%s' (one RUN_DIR)\n", s);
                return 2;
            }
            o->run = s;
            continue;
        }
        const char *name = NULL, *value = NULL;
        char buf[64];
        if (strcmp(s, "-o") == 0) {
            if (k + 1 >= argc) {
                fprintf(err, "plnet: evaluate: -o needs a value\n");
                return 2;
            }
            o->output = argv[++k];
            continue;
        }
        int rc = plnet_option_value(argc, argv, &k, &name, &value, buf, sizeof buf, err);
        if (rc != 0) {
            return rc;
        }
        char *end = NULL;
        errno = 0;
        if (strcmp(name, "--output") == 0) {
            o->output = value;
        } else if (strcmp(name, "--tolerance") == 0) {
            o->tolerance = strtod(value, &end);
            if (end == value || *end != '\0' || !(o->tolerance >= 0.0 && o->tolerance < 1.0)) {
                fprintf(err, "plnet: evaluate: --tolerance %s: a relative tolerance in "
                        "[0, 1) (0.05 is 5%%)\n", value);
                return 2;
            }
        } else if (strcmp(name, "--samples") == 0) {
            o->samples = strtoll(value, &end, 10);
            if (end == value || *end != '\0' || errno != 0 || o->samples < 1 ||
                o->samples > 10000000) {
                fprintf(err, "plnet: evaluate: --samples %s: an integer from 1 to 10^7\n",
                        value);
                return 2;
            }
        } else if (strcmp(name, "--seed") == 0) {
            unsigned long long v = strtoull(value, &end, 10);
            if (end == value || *end != '\0' || errno != 0 || value[0] == '-') {
                fprintf(err, "plnet: evaluate: --seed %s: an unsigned integer\n", value);
                return 2;
            }
            o->seed = (uint64_t)v;
        } else if (strcmp(name, "--distribution") == 0) {
            if (strcmp(value, "uniform") == 0) {
                o->normal = false;
            } else if (strcmp(value, "normal") == 0) {
                o->normal = true;
            } else {
                fprintf(err, "plnet: evaluate: --distribution %s: uniform or normal\n", value);
                return 2;
            }
        } else {
            fprintf(err, "plnet: evaluate: unknown option '%s' (see plnet evaluate --help)\n",
                    name);
            return 2;
        }
    }
    if (o->run == NULL) {
        fprintf(err, "plnet: evaluate: missing RUN_DIR (see plnet evaluate --help)\n");
        return 2;
    }
    return 0;
}

/* The unit of the errors as a column suffix: squared output units, or 1. */
static const char *error_unit(const plnet_config *cfg, const pln_task *task)
{
    if (cfg->d.task.kind == PLN_TASK_CLASSIFICATION) {
        return "1";
    }
    switch (cfg->d.network.kind) {
    case PLN_KIND_RESISTOR:
        return "V2";
    case PLN_KIND_FLOW:
        return "Pa2";
    default: {
        /* Spring outputs are displacements (m) or edge strains (1). */
        const pln_output *o = pln_task_outputs(task);
        for (pln_idx j = 0; j < pln_task_n_out(task); j++) {
            if (o[j].kind != PLN_OUT_EDGE) {
                return "m2";
            }
        }
        return "1";
    }
    }
}

/* The unit of theta[k]. */
static const char *theta_unit(const plnet_config *cfg, pln_idx k, pln_idx m)
{
    const pln_dof dof = cfg->d.learning.rule.dof;
    const bool springs =
        cfg->d.network.kind == PLN_KIND_SPRING || cfg->d.network.kind == PLN_KIND_SPRING_LINEAR;
    if (dof == PLN_DOF_RADIUS || dof == PLN_DOF_REST_LENGTH || (dof == PLN_DOF_BOTH && k >= m)) {
        return "m";
    }
    if (springs) {
        return "N/m";
    }
    return cfg->d.network.kind == PLN_KIND_FLOW ? "m^3/(Pa s)" : "S";
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Quantile q of sorted v (n >= 1): linear interpolation between order statistics. */
static double quantile(const double *v, long long n, double q)
{
    double h = q * (double)(n - 1);
    long long lo = (long long)floor(h);
    if (lo >= n - 1) {
        return v[n - 1];
    }
    return v[lo] + (h - (double)lo) * (v[lo + 1] - v[lo]);
}

static int write_csvs(const eval_opts *o, const char *dir, const char *unit, double nominal,
                      const double *errs, const double *sorted, const double *values,
                      pln_idx nth, const plnet_config *cfg, pln_idx m, FILE *err)
{
    static const char *const stat_names[] = {"mean", "std", "min", "q05", "q25",
                                             "median", "q75", "q95", "max"};
    const long long n = o->samples;
    double mean = 0.0;
    for (long long s = 0; s < n; s++) {
        mean += errs[s];
    }
    mean /= (double)n;
    double ss = 0.0;
    for (long long s = 0; s < n; s++) {
        ss += (errs[s] - mean) * (errs[s] - mean);
    }
    const double std = n > 1 ? sqrt(ss / (double)(n - 1)) : NAN;
    const double stats[9] = {mean,
                             std,
                             sorted[0],
                             quantile(sorted, n, 0.05),
                             quantile(sorted, n, 0.25),
                             quantile(sorted, n, 0.5),
                             quantile(sorted, n, 0.75),
                             quantile(sorted, n, 0.95),
                             sorted[n - 1]};
    char *p1 = plnet_path_join(dir, "tolerance.csv");
    char *p2 = plnet_path_join(dir, "tolerance_summary.csv");
    char *p3 = plnet_path_join(dir, "tolerance_values.csv");
    int rc = p1 != NULL && p2 != NULL && p3 != NULL ? 0 : 1;
    plnet_outfile f;
    if (rc == 0 && (rc = plnet_outfile_open(&f, p1, err)) == 0) {
        fprintf(f.fp, "sample,test_error_%s\n", unit);
        for (long long s = 0; s < n; s++) {
            fprintf(f.fp, "%lld,%s\n", s, plnet_real(errs[s]).s);
        }
        rc = plnet_outfile_commit(&f, err);
    }
    if (rc == 0 && (rc = plnet_outfile_open(&f, p2, err)) == 0) {
        fprintf(f.fp, "tolerance_1,distribution,samples,seed,nominal_test_error_%s", unit);
        for (int k = 0; k < 9; k++) {
            fprintf(f.fp, ",%s_%s", stat_names[k], unit);
        }
        fprintf(f.fp, "\n%s,%s,%lld,%" PRIu64 ",%s", plnet_real(o->tolerance).s,
                o->normal ? "normal" : "uniform", n, o->seed, plnet_real(nominal).s);
        for (int k = 0; k < 9; k++) {
            fprintf(f.fp, ",%s", isnan(stats[k]) ? "" : plnet_real(stats[k]).s);
        }
        fputc('\n', f.fp);
        rc = plnet_outfile_commit(&f, err);
    }
    if (rc == 0 && o->values && (rc = plnet_outfile_open(&f, p3, err)) == 0) {
        fprintf(f.fp, "sample,index,value,unit\n");
        for (long long s = 0; s < n; s++) {
            for (pln_idx k = 0; k < nth; k++) {
                fprintf(f.fp, "%lld,%lld,%s,%s\n", s, (long long)k,
                        plnet_real(values[s * nth + k]).s, theta_unit(cfg, k, m));
            }
        }
        rc = plnet_outfile_commit(&f, err);
    }
    free(p1);
    free(p2);
    free(p3);
    return rc;
}

int plnet_cmd_evaluate(int argc, char **argv, FILE *out, FILE *err)
{
    eval_opts o;
    memset(&o, 0, sizeof o);
    int rc = parse(argc, argv, &o, out, err);
    if (rc != 0) {
        return rc < 0 ? 0 : rc;
    }
    plnet_run run;
    rc = plnet_run_open(o.run, "evaluate", &run, err);
    const pln_dof dof = rc == 0 ? run.cfg.d.learning.rule.dof : PLN_DOF_CONDUCTANCE;
    if (rc == 0 && dof == PLN_DOF_ELEMENT) {
        fprintf(err, "plnet: evaluate: %s learns device parameters (learning.dof: element); "
                "component tolerances of diodes and transistors are not modelled\n", o.run);
        rc = 2;
    }
    pln_learner *l = rc == 0 ? pln_experiment_learner(run.x) : NULL;
    const pln_idx nth = rc == 0 ? pln_learner_n_theta(l) : 0;
    const pln_idx m = rc == 0 ? pln_network_n_edges(pln_experiment_network(run.x)) : 0;
    const long long n = o.samples;
    double *theta0 = NULL, *th = NULL, *errs = NULL, *sorted = NULL, *values = NULL;
    if (rc == 0) {
        theta0 = malloc((size_t)nth * sizeof *theta0);
        th = malloc((size_t)nth * sizeof *th);
        errs = malloc((size_t)n * sizeof *errs);
        sorted = malloc((size_t)n * sizeof *sorted);
        if (o.values && (size_t)n > SIZE_MAX / sizeof *values / ((size_t)nth + 1)) {
            fprintf(err, "plnet: evaluate: --values: %lld samples of %lld values are too many\n",
                    n, (long long)nth);
            rc = 2;
        } else if (o.values) {
            values = malloc((size_t)n * (size_t)nth * sizeof *values);
        }
        if (rc == 0 && (theta0 == NULL || th == NULL || errs == NULL || sorted == NULL ||
                        (o.values && values == NULL))) {
            fprintf(err, "plnet: out of memory\n");
            rc = 1;
        }
    }
    /* The nominal error: the trained theta as it is. */
    double nominal = NAN;
    pln_metrics met;
    if (rc == 0) {
        memcpy(theta0, pln_learner_theta(l), (size_t)nth * sizeof *theta0);
        pln_status st = pln_learner_evaluate(l, PLN_SPLIT_TEST, &met);
        if (st != PLN_OK) {
            rc = plnet_report_lib(err, run.ctx, st, "evaluate");
        }
        nominal = met.error;
    }
    const bool resistance = rc == 0 && run.cfg.d.network.kind == PLN_KIND_RESISTOR &&
                            dof == PLN_DOF_CONDUCTANCE;
    struct sigaction sa, old_int, old_term;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    stop_signal = 0;
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    pln_rng rng;
    pln_rng_seed(&rng, o.seed);
    for (long long s = 0; rc == 0 && s < n; s++) {
        if (stop_signal != 0) {
            fprintf(err, "plnet: evaluate: interrupted after %lld of %lld samples; nothing "
                    "written\n", s, n);
            rc = stop_signal == SIGINT ? 130 : 143;
            break;
        }
        for (pln_idx k = 0; k < nth; k++) {
            double d;
            if (o.normal) {
                do {
                    d = o.tolerance * pln_rng_normal(&rng);
                } while (!(1.0 + d > 0.0));
            } else {
                d = o.tolerance * (2.0 * pln_rng_uniform(&rng) - 1.0);
            }
            th[k] = resistance ? theta0[k] / (1.0 + d) : theta0[k] * (1.0 + d);
        }
        if (values != NULL) {
            memcpy(values + s * nth, th, (size_t)nth * sizeof *th);
        }
        pln_status st = pln_learner_set_theta(l, th);
        if (st == PLN_OK) {
            st = pln_learner_evaluate(l, PLN_SPLIT_TEST, &met);
        }
        if (st == PLN_OK && !isfinite(met.error)) {
            fprintf(err, "plnet: evaluate: sample %lld: the test error is not finite\n", s);
            rc = 1;
        } else if (st != PLN_OK) {
            char what[64];
            snprintf(what, sizeof what, "evaluate: sample %lld", s);
            rc = plnet_report_lib(err, run.ctx, st, what);
        }
        errs[s] = met.error;
    }
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    char *dir = NULL;
    if (rc == 0) {
        memcpy(sorted, errs, (size_t)n * sizeof *sorted);
        qsort(sorted, (size_t)n, sizeof *sorted, cmp_double);
        dir = o.output != NULL ? strdup(o.output) : plnet_path_join(o.run, "evaluate");
        if (dir == NULL) {
            fprintf(err, "plnet: out of memory\n");
            rc = 1;
        }
    }
    if (rc == 0) {
        rc = plnet_mkdirs(dir, err);
    }
    const char *unit = rc == 0 ? error_unit(&run.cfg, pln_experiment_task(run.x)) : "";
    if (rc == 0) {
        rc = write_csvs(&o, dir, unit, nominal, errs, sorted, values, nth, &run.cfg, m, err);
    }
    if (rc == 0) {
        double mean = 0.0, ss = 0.0;
        for (long long s = 0; s < n; s++) {
            mean += errs[s];
        }
        mean /= (double)n;
        for (long long s = 0; s < n; s++) {
            ss += (errs[s] - mean) * (errs[s] - mean);
        }
        fprintf(out, "%s: test error %s %s with every element exact; with each off by %s "
                "(%s, %lld samples, seed %" PRIu64 "): mean %s, std %s, median %s, 95%% "
                "below %s, max %s (%s)\nresults in %s/\n",
                run.cfg.d.name, plnet_real(nominal).s, unit, plnet_real(o.tolerance).s,
                o.normal ? "normal, one standard deviation" : "uniform", n, o.seed,
                plnet_real(mean).s, n > 1 ? plnet_real(sqrt(ss / (double)(n - 1))).s : "-",
                plnet_real(quantile(sorted, n, 0.5)).s, plnet_real(quantile(sorted, n, 0.95)).s,
                plnet_real(sorted[n - 1]).s, unit, dir);
    }
    free(dir);
    free(theta0);
    free(th);
    free(errs);
    free(sorted);
    free(values);
    plnet_run_close(&run);
    return rc;
}
