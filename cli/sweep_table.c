/* sweep_table.c — DIR/sweep.csv (one row per point: parameters, seed, status, wall time, final metrics) and DIR/summary.csv (per parameter point over seeds: mean, std, median, min, max), from the point folders. */
#include "sweep.h"

#include "fmt.h"
#include "outfile.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *plnet_sweep_unit_suffix(const char *name)
{
    /* The metrics.csv columns with a physical unit (docs/config.md, metrics.csv), and the
     * configuration keys a sweep is likely to vary that carry one. */
    static const struct {
        const char *prefix;
        const char *unit;
    } units[] = {
        {"joule", "_J"},       {"memory", "_J"},   {"landauer", "_J"},
        {"power_", "_W"},      {"energy.temperature", "_K"},
    };
    size_t len = strlen(name);
    if (len > 3 && strcmp(name + len - 3, "_kT") == 0) {
        return ""; /* the name says its unit, k_B T */
    }
    for (size_t k = 0; k < sizeof units / sizeof units[0]; k++) {
        size_t n = strlen(units[k].prefix);
        if (strncmp(name, units[k].prefix, n) == 0) {
            return units[k].unit;
        }
    }
    return "";
}

/* ------------------------------------------------------------------ metrics.csv */

static char *read_all(const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (fp == NULL) {
        return NULL;
    }
    size_t cap = 8192, len = 0;
    char *s = malloc(cap);
    while (s != NULL) {
        if (len + 4096 + 1 > cap) {
            char *p = realloc(s, cap * 2);
            if (p == NULL) {
                free(s);
                s = NULL;
                break;
            }
            s = p;
            cap *= 2;
        }
        size_t got = fread(s + len, 1, 4096, fp);
        len += got;
        if (got < 4096) {
            s[len] = '\0';
            break;
        }
    }
    fclose(fp);
    return s;
}

/* Field k (0-based) of a CSV line (no quoting: metrics.csv has plain fields) into out. */
static bool field(const char *line, size_t k, char *out, size_t size)
{
    const char *p = line;
    for (size_t j = 0; j < k; j++) {
        p = strpbrk(p, ",\n");
        if (p == NULL || *p != ',') {
            return false;
        }
        p++;
    }
    size_t n = strcspn(p, ",\n\r");
    snprintf(out, size, "%.*s", (int)n, p);
    return true;
}

/* The final values of the collected columns: vals[c] (NAN when the column is absent or
 * the file has no data row). Returns false when metrics.csv cannot be read. */
static bool final_values(const plnet_sweep *sw, const char *pdir, double *vals, bool *have)
{
    for (size_t c = 0; c < sw->n_collect; c++) {
        vals[c] = NAN;
        have[c] = false;
    }
    char *path = plnet_path_join(pdir, "metrics.csv");
    char *text = path != NULL ? read_all(path) : NULL;
    free(path);
    if (text == NULL) {
        return false;
    }
    /* The header, then the last non-empty line. */
    char *header = text;
    char *last = NULL;
    for (char *p = strchr(text, '\n'); p != NULL && p[1] != '\0'; p = strchr(p + 1, '\n')) {
        if (p[1] != '\n') {
            last = p + 1;
        }
    }
    if (last != NULL) {
        for (size_t c = 0; c < sw->n_collect; c++) {
            char name[128];
            for (size_t k = 0; field(header, k, name, sizeof name); k++) {
                if (strcmp(name, sw->collect[c]) == 0) {
                    char v[64];
                    if (field(last, k, v, sizeof v) && v[0] != '\0') {
                        char *end = NULL;
                        double x = strtod(v, &end);
                        if (end != v) {
                            vals[c] = x;
                            have[c] = true;
                        }
                    }
                    break;
                }
            }
        }
    }
    free(text);
    return true;
}

/* ------------------------------------------------------------------ CSV text */

/* A CSV field: quoted when it holds a comma, a quote or a line break (axis values such as
 * [8, 8] do). */
static void put_field(FILE *fp, const char *s)
{
    if (strpbrk(s, ",\"\n\r") == NULL) {
        fputs(s, fp);
        return;
    }
    fputc('"', fp);
    for (const char *p = s; *p != '\0'; p++) {
        if (*p == '"') {
            fputc('"', fp);
        }
        fputc(*p, fp);
    }
    fputc('"', fp);
}

static void put_real(FILE *fp, double x)
{
    if (isnan(x)) {
        return; /* an empty cell: pandas reads NaN, nobody reads a number */
    }
    fputs(plnet_real(x).s, fp);
}

static void put_header_name(FILE *fp, const char *name, const char *suffix)
{
    char h[256];
    snprintf(h, sizeof h, "%s%s%s", name, plnet_sweep_unit_suffix(name), suffix);
    put_field(fp, h);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a;
    double y = *(const double *)b;
    return x < y ? -1 : x > y ? 1 : 0;
}

int plnet_sweep_write_tables(const plnet_sweep *sw, const char *dir, FILE *err)
{
    int rc = 1;
    size_t nc = sw->n_collect;
    size_t np = sw->n_points;
    double *vals = calloc(np * (nc > 0 ? nc : 1), sizeof *vals);
    bool *have = calloc(np * (nc > 0 ? nc : 1), sizeof *have);
    sweep_status *sts = calloc(np, sizeof *sts);
    size_t *coord = calloc(sw->n_axes + 1, sizeof *coord);
    double *buf = calloc(sw->n_seeds, sizeof *buf);
    char *path = plnet_path_join(dir, "sweep.csv");
    char *spath = plnet_path_join(dir, "summary.csv");
    plnet_outfile f;
    memset(&f, 0, sizeof f);
    if (vals == NULL || have == NULL || sts == NULL || coord == NULL || buf == NULL ||
        path == NULL || spath == NULL) {
        fprintf(err, "plnet: out of memory\n");
        goto done;
    }
    for (size_t i = 0; i < np; i++) {
        plnet_sweep_status_read(dir, i, &sts[i]);
        if (sts[i].state == SWEEP_DONE) {
            char *pdir = plnet_sweep_point_dir(dir, i);
            bool ok = pdir != NULL && final_values(sw, pdir, vals + i * nc, have + i * nc);
            free(pdir);
            if (!ok) {
                fprintf(err, "plnet: sweep: point %zu is marked done but its metrics.csv cannot "
                             "be read: %s\n", i, strerror(errno));
                goto done;
            }
        } else {
            for (size_t c = 0; c < nc; c++) {
                vals[i * nc + c] = NAN;
            }
        }
    }

    /* sweep.csv */
    if (plnet_outfile_open(&f, path, err) != 0) {
        goto done;
    }
    fputs("point", f.fp);
    for (size_t a = 0; a < sw->n_axes; a++) {
        fputc(',', f.fp);
        put_header_name(f.fp, sw->axes[a].key, "");
    }
    fputs(",seed,status,wall_time_s", f.fp);
    for (size_t c = 0; c < nc; c++) {
        fputc(',', f.fp);
        put_header_name(f.fp, sw->collect[c], "");
    }
    fputc('\n', f.fp);
    for (size_t i = 0; i < np; i++) {
        size_t s = 0;
        plnet_sweep_coords(sw, i, coord, &s);
        fprintf(f.fp, "%zu", i);
        for (size_t a = 0; a < sw->n_axes; a++) {
            fputc(',', f.fp);
            put_field(f.fp, sw->axes[a].v[coord[a]].text);
        }
        fputc(',', f.fp);
        if (sw->seed_of != NULL) {
            fprintf(f.fp, "%lld", (long long)sw->seed_of[i]);
        } else if (sw->has_seeds) {
            fputs(sw->seeds[s].text, f.fp);
        }
        fprintf(f.fp, ",%s,", plnet_sweep_state_name(sts[i].state));
        if (sts[i].state == SWEEP_DONE || sts[i].state == SWEEP_FAILED) {
            fprintf(f.fp, "%.3f", sts[i].wall);
        }
        for (size_t c = 0; c < nc; c++) {
            fputc(',', f.fp);
            put_real(f.fp, vals[i * nc + c]);
        }
        fputc('\n', f.fp);
    }
    if (plnet_outfile_commit(&f, err) != 0) {
        goto done;
    }

    /* summary.csv: the points of one parameter point are consecutive (seeds vary fastest). */
    if (plnet_outfile_open(&f, spath, err) != 0) {
        goto done;
    }
    bool first = true;
    for (size_t a = 0; a < sw->n_axes; a++) {
        if (!first) {
            fputc(',', f.fp);
        }
        put_header_name(f.fp, sw->axes[a].key, "");
        first = false;
    }
    fprintf(f.fp, "%sseeds,done", first ? "" : ",");
    static const char *const stats[] = {"_mean", "_std", "_median", "_min", "_max"};
    for (size_t c = 0; c < nc; c++) {
        for (size_t k = 0; k < 5; k++) {
            fputc(',', f.fp);
            put_header_name(f.fp, sw->collect[c], stats[k]);
        }
    }
    fputc('\n', f.fp);
    for (size_t p = 0; p < sw->n_params; p++) {
        size_t i0 = p * sw->n_seeds;
        size_t s = 0;
        plnet_sweep_coords(sw, i0, coord, &s);
        first = true;
        for (size_t a = 0; a < sw->n_axes; a++) {
            if (!first) {
                fputc(',', f.fp);
            }
            put_field(f.fp, sw->axes[a].v[coord[a]].text);
            first = false;
        }
        size_t n_ok = 0;
        for (size_t k = 0; k < sw->n_seeds; k++) {
            n_ok += sts[i0 + k].state == SWEEP_DONE;
        }
        fprintf(f.fp, "%s%zu,%zu", first ? "" : ",", sw->n_seeds, n_ok);
        for (size_t c = 0; c < nc; c++) {
            size_t m = 0;
            for (size_t k = 0; k < sw->n_seeds; k++) {
                if (have[(i0 + k) * nc + c]) {
                    buf[m++] = vals[(i0 + k) * nc + c];
                }
            }
            double mean = NAN, sd = NAN, med = NAN, lo = NAN, hi = NAN;
            if (m > 0) {
                double sum = 0.0;
                for (size_t k = 0; k < m; k++) {
                    sum += buf[k];
                }
                mean = sum / (double)m;
                /* Sample standard deviation (n - 1): the spread over seeds of one study. */
                if (m > 1) {
                    double ss = 0.0;
                    for (size_t k = 0; k < m; k++) {
                        ss += (buf[k] - mean) * (buf[k] - mean);
                    }
                    sd = sqrt(ss / (double)(m - 1));
                }
                qsort(buf, m, sizeof *buf, cmp_double);
                med = m % 2 == 1 ? buf[m / 2] : 0.5 * (buf[m / 2 - 1] + buf[m / 2]);
                lo = buf[0];
                hi = buf[m - 1];
            }
            double row[5] = {mean, sd, med, lo, hi};
            for (size_t k = 0; k < 5; k++) {
                fputc(',', f.fp);
                put_real(f.fp, row[k]);
            }
        }
        fputc('\n', f.fp);
    }
    if (plnet_outfile_commit(&f, err) != 0) {
        goto done;
    }
    rc = 0;
done:
    plnet_outfile_abort(&f);
    free(vals);
    free(have);
    free(sts);
    free(coord);
    free(buf);
    free(path);
    free(spath);
    return rc;
}
