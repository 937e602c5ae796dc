/* fmt.h — the shortest %g text of a double that reads back to the same value, for the CLI's '#' header lines. */
#ifndef PLNET_CLI_FMT_H
#define PLNET_CLI_FMT_H

/* Big enough for "%.17g" of any double ("-2.2250738585072014e-308"). */
typedef struct plnet_real_text {
    char s[32];
} plnet_real_text;

/* The first of %.15g, %.16g, %.17g that strtod reads back as x (%.17g always does; NaN and
 * infinities print as %g does). Returned by value, so several may be arguments of one printf:
 * plnet_real(x).s lives until the end of the full expression (C11 6.2.4p8). */
plnet_real_text plnet_real(double x);

#endif
