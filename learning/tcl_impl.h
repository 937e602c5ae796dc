/* tcl_impl.h — helpers shared by the TCL files (memory.c, markov.c, tcl.c), not installed. */
#ifndef PLN_TCL_IMPL_H
#define PLN_TCL_IMPL_H

#include "pln_internal.h"
#include "pln_tcl.h"

/* E = exp(A) for an n x n row-major matrix, n <= 20 (scaling and squaring, Taylor order 18). */
void pln_i_expm(int n, const double *A, double *E);

/* The ladder's pieces for options o (rates per time unit: model rates / tau):
 * M (at s0), p0 (stationary at s = 0), pinf (stationary at s0). */
pln_status pln_i_markov_setup(pln_ctx *ctx, const pln_memory_options *o, double *M, double *p0,
                              double *pinf);
/* Weights w[0..W] of the markov convolution u_n = sum_j w_j s_{n-j} for step dt and W =
 * window/dt bins, exact for piecewise-linear signals and scaled to first moment -1 over the
 * window. */
pln_status pln_i_markov_weights(pln_ctx *ctx, const pln_memory_options *o, double dt, pln_idx W,
                                double *w);
/* Bins of the markov window for step dt, as a real (it may exceed any index: the caller
 * range-checks it before converting). */
double pln_i_markov_bins(const pln_memory_options *o, double dt);

/* The continuous markov kernel K(t) = c a'(t) at n times, c from the infinite-window first
 * moment; area and first moment (-1) when not NULL. */
pln_status pln_i_markov_kernel(pln_ctx *ctx, const pln_memory_options *o, pln_idx n,
                               const double *t, double *K, double *area, double *fmom);

#endif
