/* test_support.c — tolerances and small numerical helpers shared by plnet's Criterion tests. */
#include "test_support.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern int __lsan_do_recoverable_leak_check(void) __attribute__((weak));

void ts_check_leaks(void)
{
    /* Criterion 2.4.1 reports an assertion failed in .fini but still passes the test, so a
     * leak aborts the test process instead: Criterion then counts the test as crashed. */
    if (__lsan_do_recoverable_leak_check != NULL && __lsan_do_recoverable_leak_check() != 0) {
        fprintf(stderr, "memory leaked (see LeakSanitizer above)\n");
        abort();
    }
}

double ts_rel_diff(double a, double b, double floor)
{
    double s = fmax(fmax(fabs(a), fabs(b)), floor);
    return fabs(a - b) / s;
}

double ts_max_rel_err(const double *got, const double *want, size_t n)
{
    double scale = 0.0;
    for (size_t k = 0; k < n; k++) {
        scale = fmax(scale, fabs(want[k]));
    }
    if (scale == 0.0) {
        scale = 1.0;
    }
    double err = 0.0;
    for (size_t k = 0; k < n; k++) {
        err = fmax(err, fabs(got[k] - want[k]) / scale);
    }
    return err;
}

int ts_dense_solve(double *A, double *b, size_t n)
{
    for (size_t c = 0; c < n; c++) {
        size_t piv = c;
        for (size_t r = c + 1; r < n; r++) {
            if (fabs(A[r * n + c]) > fabs(A[piv * n + c])) {
                piv = r;
            }
        }
        if (A[piv * n + c] == 0.0) {
            return -1;
        }
        if (piv != c) {
            for (size_t k = 0; k < n; k++) {
                double t = A[c * n + k];
                A[c * n + k] = A[piv * n + k];
                A[piv * n + k] = t;
            }
            double t = b[c];
            b[c] = b[piv];
            b[piv] = t;
        }
        for (size_t r = c + 1; r < n; r++) {
            double f = A[r * n + c] / A[c * n + c];
            if (f == 0.0) {
                continue;
            }
            for (size_t k = c; k < n; k++) {
                A[r * n + k] -= f * A[c * n + k];
            }
            b[r] -= f * b[c];
        }
    }
    for (size_t c = n; c-- > 0;) {
        double s = b[c];
        for (size_t k = c + 1; k < n; k++) {
            s -= A[c * n + k] * b[k];
        }
        b[c] = s / A[c * n + c];
    }
    return 0;
}

const char *ts_source_path(const char *rel)
{
    static char buf[4096];
    const char *root = getenv("PLNET_SOURCE_ROOT");
    snprintf(buf, sizeof buf, "%s/%s", root != NULL ? root : ".", rel);
    return buf;
}

char *ts_tempdir(const char *tag)
{
    const char *root = getenv("PLNET_BUILD_ROOT");
    char tmpl[4096];
    snprintf(tmpl, sizeof tmpl, "%s/tmp-%s-XXXXXX", root != NULL ? root : "/tmp", tag);
    char *d = mkdtemp(tmpl);
    if (d == NULL) {
        return NULL;
    }
    return strdup(d);
}
