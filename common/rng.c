/* rng.c — xoshiro256** random numbers with splitmix64 seeding, and the deviates plnet draws. */
#include "pln_common.h"

#include <math.h>

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

void pln_rng_seed(pln_rng *rng, uint64_t seed)
{
    uint64_t x = seed;
    for (int k = 0; k < 4; k++) {
        rng->s[k] = splitmix64(&x);
    }
    rng->spare_normal = 0.0;
    rng->has_spare = 0;
}

uint64_t pln_rng_u64(pln_rng *rng)
{
    uint64_t *s = rng->s;
    const uint64_t result = rotl(s[1] * 5, 7) * 9;
    const uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

void pln_rng_split(pln_rng *rng, pln_rng *child) { pln_rng_seed(child, pln_rng_u64(rng)); }

double pln_rng_uniform(pln_rng *rng) { return (double)(pln_rng_u64(rng) >> 11) * 0x1.0p-53; }

double pln_rng_normal(pln_rng *rng)
{
    if (rng->has_spare) {
        rng->has_spare = 0;
        return rng->spare_normal;
    }
    double u, v, s;
    do {
        u = 2.0 * pln_rng_uniform(rng) - 1.0;
        v = 2.0 * pln_rng_uniform(rng) - 1.0;
        s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    double f = sqrt(-2.0 * log(s) / s);
    rng->spare_normal = v * f;
    rng->has_spare = 1;
    return u * f;
}

pln_idx pln_rng_index(pln_rng *rng, pln_idx n)
{
    /* Rejection sampling removes the modulo bias. */
    uint64_t un = (uint64_t)n;
    uint64_t limit = UINT64_MAX - (UINT64_MAX % un);
    uint64_t r;
    do {
        r = pln_rng_u64(rng);
    } while (r >= limit);
    return (pln_idx)(r % un);
}

double pln_rng_exponential(pln_rng *rng, double mean)
{
    return -mean * log1p(-pln_rng_uniform(rng));
}

double pln_rng_gamma(pln_rng *rng, double shape, double scale)
{
    if (shape < 1.0) {
        /* Boost a shape < 1 draw by U^(1/shape) (Marsaglia-Tsang's note). */
        double u = pln_rng_uniform(rng);
        return pln_rng_gamma(rng, shape + 1.0, scale) * pow(u > 0 ? u : 0x1.0p-53, 1.0 / shape);
    }
    double d = shape - 1.0 / 3.0;
    double c = 1.0 / sqrt(9.0 * d);
    for (;;) {
        double x = pln_rng_normal(rng);
        double v = 1.0 + c * x;
        if (v <= 0.0) {
            continue;
        }
        v = v * v * v;
        double u = pln_rng_uniform(rng);
        if (u < 1.0 - 0.0331 * x * x * x * x || log(u) < 0.5 * x * x + d * (1.0 - v + log(v))) {
            return d * v * scale;
        }
    }
}

void pln_rng_permutation(pln_rng *rng, pln_idx n, pln_idx *perm)
{
    for (pln_idx k = 0; k < n; k++) {
        perm[k] = k;
    }
    for (pln_idx k = n - 1; k > 0; k--) {
        pln_idx j = pln_rng_index(rng, k + 1);
        pln_idx t = perm[k];
        perm[k] = perm[j];
        perm[j] = t;
    }
}
