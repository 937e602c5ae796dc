/* test_support.h — tolerances and small numerical helpers shared by plnet's Criterion tests. */
#ifndef PLN_TEST_SUPPORT_H
#define PLN_TEST_SUPPORT_H

#include <stddef.h>
#include <stdint.h>

/* Relative difference |a - b| / max(|a|, |b|, floor); floor keeps values near 0 meaningful. */
double ts_rel_diff(double a, double b, double floor);
/* Largest ts_rel_diff over two arrays, relative to the largest magnitude in want. */
double ts_max_rel_err(const double *got, const double *want, size_t n);
/* Solve the dense symmetric positive-definite system A x = b (n x n, row-major, overwritten)
 * by Gaussian elimination with partial pivoting: an oracle independent of Cholesky.
 * Returns 0 on success, -1 if singular. */
int ts_dense_solve(double *A, double *b, size_t n);
/* Path of a file in the source tree (from PLNET_SOURCE_ROOT, else "."), in a static buffer. */
const char *ts_source_path(const char *rel);
/* A fresh empty directory under the build tree (or /tmp); caller frees. */
char *ts_tempdir(const char *tag);

/* Under LeakSanitizer, abort (a failed test) when the test leaked (Criterion's forked test processes exit
 * before LSan's own check would run); a no-op in plain builds. Call from a .fini. */
void ts_check_leaks(void);

#endif
