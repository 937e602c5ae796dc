/* cli_helpers.h — running plnet in-process from Criterion tests, writing inputs and reading the CSVs it writes. */
#ifndef PLN_CLI_HELPERS_H
#define PLN_CLI_HELPERS_H

#include <stdbool.h>
#include <stddef.h>

/* A fresh directory for one test (caller frees). */
char *tc_dir(const char *tag);
/* Write text to dir/name; returns the full path (caller frees). */
char *tc_write(const char *dir, const char *name, const char *text);
/* printf into a malloc'd string. */
char *tc_fmt(const char *fmt, ...);
/* Run pln_cli_run with the NULL-terminated arguments after "plnet"; stdout and stderr are
 * captured into malloc'd strings (may be NULL to drop). Returns the exit code. */
int tc_run(char **out, char **err, ...);
/* Column `name` of a CSV file with a header row, as doubles; *n rows. NULL when absent. */
double *tc_column(const char *path, const char *name, size_t *n);
/* Column as strings (caller frees each and the array). */
char **tc_column_str(const char *path, const char *name, size_t *n);
/* Number of entries in a directory (0 when it does not exist). */
int tc_count_files(const char *dir);
bool tc_exists(const char *path);

#endif
