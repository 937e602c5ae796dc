/* markov.c — the adaptation ladder of Lan et al. 2012 (SPEC 4): rates, GTH, sigma, kernel. */
#include "tcl_impl.h"

#include <math.h>
#include <string.h>

#define N PLN_MARKOV_N
#define E_EULER 2.71828182845904523536

void pln_markov_rates(double s, double gamma, double R, double *M)
{
    memset(M, 0, N * N * sizeof *M);
    /* add(j, i, r): transition j -> i at rate r; columns sum to zero. */
#define ADD(j, i, r)                                                                         \
    do {                                                                                     \
        M[(i) * N + (j)] += (r);                                                             \
        M[(j) * N + (j)] -= (r);                                                             \
    } while (0)
    double eg = E_EULER * gamma;
    for (int m = 0; m < 5; m++) {
        int a = m, in = 5 + m;
        if (m > 0) {
            ADD(a, a - 1, 1.0);  /* active: demethylation */
            ADD(in, in - 1, eg); /* inactive: the reverse of its methylation */
        }
        if (m < 4) {
            ADD(a, a + 1, eg);
            ADD(in, in + 1, 1.0);
        }
        double dE = 2.0 * (1.0 - m) + log((1.0 + s / 18.2) / (1.0 + s / 3000.0));
        if (dE >= 0.0) {
            ADD(a, in, R * exp(dE));
            ADD(in, a, R);
        } else {
            ADD(a, in, R);
            ADD(in, a, R * exp(-dE));
        }
    }
#undef ADD
}

pln_status pln_markov_stationary(pln_ctx *ctx, const double *M, double *p)
{
    /* GTH on q[i][j] = rate i -> j = M[j][i]. */
    double q[N][N];
    for (int i = 0; i < N; i++) {
        for (int j = 0; j < N; j++) {
            q[i][j] = i == j ? 0.0 : M[j * N + i];
        }
    }
    for (int n = N - 1; n >= 1; n--) {
        double s = 0.0;
        for (int j = 0; j < n; j++) {
            s += q[n][j];
        }
        if (!(s > 0.0)) {
            PLN_FAIL(ctx, PLN_EINVAL, "the rate matrix is reducible (state %d has no way back)",
                     n);
        }
        for (int i = 0; i < n; i++) {
            q[i][n] /= s;
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (i != j) {
                    q[i][j] += q[i][n] * q[n][j];
                }
            }
        }
    }
    p[0] = 1.0;
    double tot = 1.0;
    for (int j = 1; j < N; j++) {
        double v = 0.0;
        for (int i = 0; i < j; i++) {
            v += p[i] * q[i][j];
        }
        p[j] = v;
        tot += v;
    }
    for (int j = 0; j < N; j++) {
        p[j] /= tot;
    }
    return PLN_OK;
}

double pln_markov_entropy_production(const double *M, const double *p)
{
    double sig = 0.0;
    for (int i = 0; i < N; i++) {
        for (int j = 0; j < i; j++) {
            double jij = M[i * N + j] * p[j], jji = M[j * N + i] * p[i];
            if (jij > 0.0 && jji > 0.0) {
                sig += (jij - jji) * log(jij / jji);
            }
        }
    }
    return sig;
}

static pln_status check_markov(pln_ctx *ctx, const pln_memory_options *o)
{
    return pln_memory_options_check(ctx, o);
}

pln_status pln_markov_sigma(pln_ctx *ctx, const pln_memory_options *o, double *sigma)
{
    return pln_markov_sigma_at(ctx, o, o->sigma_signal, sigma);
}

pln_status pln_markov_sigma_at(pln_ctx *ctx, const pln_memory_options *o, double s,
                               double *sigma)
{
    double M[N * N], p[N];
    PLN_TRY(check_markov(ctx, o));
    if (!(isfinite(s) && s >= 0.0)) {
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "protocol.memory.sigma_signal",
                     "the ladder's signal must be >= 0, got %g", s);
    }
    pln_markov_rates(s, o->gamma, o->R, M);
    PLN_TRY(pln_markov_stationary(ctx, M, p));
    *sigma = pln_markov_entropy_production(M, p) / o->tau;
    return PLN_OK;
}

pln_status pln_i_markov_setup(pln_ctx *ctx, const pln_memory_options *o, double *M, double *p0,
                              double *pinf)
{
    double M0[N * N];
    pln_markov_rates(0.0, o->gamma, o->R, M0);
    PLN_TRY(pln_markov_stationary(ctx, M0, p0));
    pln_markov_rates(o->s0, o->gamma, o->R, M);
    PLN_TRY(pln_markov_stationary(ctx, M, pinf));
    for (int k = 0; k < N * N; k++) {
        M[k] /= o->tau;
    }
    return PLN_OK;
}

double pln_i_markov_bins(const pln_memory_options *o, double dt)
{
    double win = o->window > 0.0 ? o->window : 40.0 * o->tau;
    double b = ceil(win / dt - 1e-9);
    return b < 1.0 ? 1.0 : b;
}

/* a = sum of the active row's occupancy. */
static double active(const double *p)
{
    double a = 0.0;
    for (int k = 0; k < 5; k++) {
        a += p[k];
    }
    return a;
}

static void matvec(const double *A, const double *x, double *y)
{
    for (int i = 0; i < N; i++) {
        double v = 0.0;
        for (int j = 0; j < N; j++) {
            v += A[i * N + j] * x[j];
        }
        y[i] = v;
    }
}

pln_status pln_i_markov_weights(pln_ctx *ctx, const pln_memory_options *o, double dt, pln_idx W,
                                double *w)
{
    double M[N * N], p0[N], pinf[N];
    PLN_TRY(pln_i_markov_setup(ctx, o, M, p0, pinf));
    /* exp of [[M h, I h], [0, 0]] holds P = e^{Mh} and Q = int_0^h e^{Ms} ds. */
    double aug[4 * N * N], ex[4 * N * N];
    memset(aug, 0, sizeof aug);
    for (int i = 0; i < N; i++) {
        for (int j = 0; j < N; j++) {
            aug[i * 2 * N + j] = M[i * N + j] * dt;
        }
        aug[i * 2 * N + N + i] = dt;
    }
    pln_i_expm(2 * N, aug, ex);
    double P[N * N], Q[N * N];
    for (int i = 0; i < N; i++) {
        for (int j = 0; j < N; j++) {
            P[i * N + j] = ex[i * 2 * N + j];
            Q[i * N + j] = ex[i * 2 * N + N + j];
        }
    }
    /* First pass: alpha_k and beta_k unscaled, in w (alpha - beta) and a running beta. */
    double p[N], pn[N], qp[N];
    memcpy(p, p0, sizeof p);
    double fm = 0.0; /* int_0^{Wh} t a'(t) dt = Wh a_W - int_0^{Wh} a */
    double prev_beta = 0.0;
    for (pln_idx k = 0; k < W; k++) {
        double ak = active(p);
        matvec(Q, p, qp);
        double abar = active(qp) / dt;
        matvec(P, p, pn);
        double ak1 = active(pn);
        double alpha = ak1 - ak, beta = ak1 - abar;
        w[k] = alpha - beta + prev_beta;
        prev_beta = beta;
        fm -= abar * dt;
        memcpy(p, pn, sizeof p);
    }
    w[W] = prev_beta;
    fm += (double)W * dt * active(p);
    if (!(fabs(fm) > 0.0) || !isfinite(fm)) {
        PLN_FAIL_KEY(ctx, PLN_EINVAL, "protocol.memory.window",
                     "the Markov kernel has no first moment over its window");
    }
    double c = -1.0 / fm;
    for (pln_idx k = 0; k <= W; k++) {
        w[k] *= c;
    }
    return PLN_OK;
}

/* Solve A x = b (n x n row-major, overwritten) by partial pivoting; 0 or -1 if singular. */
static int dense_solve(double *A, double *b, int n)
{
    for (int k = 0; k < n; k++) {
        int piv = k;
        for (int i = k + 1; i < n; i++) {
            if (fabs(A[i * n + k]) > fabs(A[piv * n + k])) {
                piv = i;
            }
        }
        if (A[piv * n + k] == 0.0) {
            return -1;
        }
        if (piv != k) {
            for (int j = 0; j < n; j++) {
                double t = A[k * n + j];
                A[k * n + j] = A[piv * n + j];
                A[piv * n + j] = t;
            }
            double t = b[k];
            b[k] = b[piv];
            b[piv] = t;
        }
        for (int i = k + 1; i < n; i++) {
            double f = A[i * n + k] / A[k * n + k];
            for (int j = k; j < n; j++) {
                A[i * n + j] -= f * A[k * n + j];
            }
            b[i] -= f * b[k];
        }
    }
    for (int k = n - 1; k >= 0; k--) {
        double v = b[k];
        for (int j = k + 1; j < n; j++) {
            v -= A[k * n + j] * b[j];
        }
        b[k] = v / A[k * n + k];
    }
    return 0;
}

/* The continuous markov kernel K(t) = c a'(t) with c from the infinite-window first moment. */
pln_status pln_i_markov_kernel(pln_ctx *ctx, const pln_memory_options *o, pln_idx n,
                               const double *t, double *K, double *area, double *fmom)
{
    double M[N * N], p0[N], pinf[N];
    PLN_TRY(pln_i_markov_setup(ctx, o, M, p0, pinf));
    /* q = int_0^inf (p(t) - pinf) dt solves M q = pinf - p0 with 1^T q = 0, i.e.
     * (M - pinf 1^T) q = pinf - p0. Then int t a'(t) dt = -1_A q. */
    double A[N * N], q[N];
    for (int i = 0; i < N; i++) {
        for (int j = 0; j < N; j++) {
            A[i * N + j] = M[i * N + j] - pinf[i];
        }
        q[i] = pinf[i] - p0[i];
    }
    if (dense_solve(A, q, N) != 0) {
        PLN_FAIL(ctx, PLN_EINTERNAL, "singular bordered Markov system");
    }
    double raw_fm = -active(q);
    double c = -1.0 / raw_fm;
    if (area != NULL) {
        *area = c * (active(pinf) - active(p0));
    }
    if (fmom != NULL) {
        *fmom = -1.0;
    }
    double Mt[N * N], Et[N * N], pt[N], dp[N];
    for (pln_idx k = 0; k < n; k++) {
        for (int i = 0; i < N * N; i++) {
            Mt[i] = M[i] * t[k];
        }
        pln_i_expm(N, Mt, Et);
        matvec(Et, p0, pt);
        matvec(M, pt, dp);
        K[k] = c * active(dp);
    }
    return PLN_OK;
}

void pln_i_expm(int n, const double *A, double *E)
{
    double S[400], T[400], R[400];
    double norm = 0.0;
    for (int j = 0; j < n; j++) {
        double c = 0.0;
        for (int i = 0; i < n; i++) {
            c += fabs(A[i * n + j]);
        }
        norm = c > norm ? c : norm;
    }
    int sq = 0;
    double scale = 1.0;
    while (norm * scale > 0.5) {
        scale *= 0.5;
        sq++;
    }
    for (int k = 0; k < n * n; k++) {
        S[k] = A[k] * scale;
        T[k] = 0.0;
        E[k] = 0.0;
    }
    for (int i = 0; i < n; i++) {
        T[i * n + i] = 1.0;
        E[i * n + i] = 1.0;
    }
    /* Taylor: T_k = T_{k-1} S / k; 0.5^19 / 19! is far below rounding. */
    for (int k = 1; k <= 18; k++) {
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double v = 0.0;
                for (int l = 0; l < n; l++) {
                    v += T[i * n + l] * S[l * n + j];
                }
                R[i * n + j] = v / k;
            }
        }
        for (int x = 0; x < n * n; x++) {
            T[x] = R[x];
            E[x] += R[x];
        }
    }
    for (int s = 0; s < sq; s++) {
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double v = 0.0;
                for (int l = 0; l < n; l++) {
                    v += E[i * n + l] * E[l * n + j];
                }
                R[i * n + j] = v;
            }
        }
        memcpy(E, R, (size_t)(n * n) * sizeof *E);
    }
}
