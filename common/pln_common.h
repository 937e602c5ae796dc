/* pln_common.h — status codes, error context, index type, RNG and the sparse-matrix type shared by every plnet module. */
#ifndef PLN_COMMON_H
#define PLN_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define PLN_API __attribute__((visibility("default")))
#else
#define PLN_API
#endif

/** Index type for nodes, edges and sparse-matrix entries: 64-bit, the width of igraph's
 *  igraph_integer_t and CHOLMOD's SuiteSparse_long on Linux, so nothing is converted at
 *  either boundary. */
typedef int64_t pln_idx;

/* One list, so the enum and pln_strerror() never drift (SUNDIALS). */
#define PLN_STATUS_LIST(X)                                                                   \
    X(PLN_OK, 0, "success")                                                                  \
    X(PLN_ENOMEM, 1, "out of memory")                                                        \
    X(PLN_EINVAL, 2, "invalid argument or option")                                           \
    X(PLN_EDIM, 3, "length or dimension mismatch")                                           \
    X(PLN_ESINGULAR, 4, "singular system (floating node, disconnected component or "        \
                        "under-constrained network)")                                        \
    X(PLN_ENOCONV, 5, "iteration did not converge")                                          \
    X(PLN_EPARSE, 6, "syntax error in input")                                                \
    X(PLN_EIO, 7, "input/output error")                                                      \
    X(PLN_EDEP, 8, "failure inside a dependency (CHOLMOD, igraph)")                          \
    X(PLN_EINTERRUPTED, 9, "interrupted")                                                    \
    X(PLN_EINTERNAL, 10, "internal error (a bug in plnet)")                                  \
    X(PLN_CONTINUE, -1, "not finished; call again")

#define PLN_STATUS_ENUM_(name, value, text) name = value,
/** Status of every fallible call; 0 (PLN_OK) is success. */
typedef enum pln_status { PLN_STATUS_LIST(PLN_STATUS_ENUM_) } pln_status;
#undef PLN_STATUS_ENUM_

/** @brief Human-readable name of a status code (static string, never NULL). */
PLN_API const char *pln_strerror(pln_status status);

/** @brief Version string of the library, e.g. "0.1.0". */
PLN_API const char *pln_version(void);

/* ---------------------------------------------------------------- context */

typedef enum pln_log_level {
    PLN_LOG_ERROR = 0,
    PLN_LOG_WARN = 1,
    PLN_LOG_INFO = 2,
    PLN_LOG_DEBUG = 3
} pln_log_level;

typedef void (*pln_log_fn)(pln_log_level level, const char *message, void *user);
/** Progress callback; return PLN_EINTERRUPTED to ask the long call to stop. */
typedef pln_status (*pln_progress_fn)(double fraction, const char *what, void *user);

/** The last error recorded in a context: code, message and the physics context at fault. */
typedef struct pln_error {
    pln_status code;
    char message[1024];
    const char *file; /**< source file of the library that raised it */
    int line;
    pln_idx node; /**< node id at fault, or -1 */
    pln_idx edge; /**< edge id at fault, or -1 */
    char key[128]; /**< option key at fault, or "" */
} pln_error;

/** Context: last error, log and progress callbacks. One per thread of work; every object
 *  stores the context it was created with. */
typedef struct pln_ctx pln_ctx;

/** @brief Create a context. @return PLN_OK or PLN_ENOMEM. */
PLN_API pln_status pln_ctx_create(pln_ctx **out);
/** @brief Destroy a context (NULL is allowed). Destroy it after every object made with it. */
PLN_API void pln_ctx_destroy(pln_ctx *ctx);
/** @brief The last error raised through this context (code PLN_OK when none). */
PLN_API const pln_error *pln_ctx_last_error(const pln_ctx *ctx);
/** @brief Forget the last error. */
PLN_API void pln_ctx_clear_error(pln_ctx *ctx);
/** @brief Route the library's log messages (default: dropped). */
PLN_API void pln_ctx_set_log(pln_ctx *ctx, pln_log_fn fn, pln_log_level max_level, void *user);
/** @brief Set the progress callback used by long calls (default: none). */
PLN_API void pln_ctx_set_progress(pln_ctx *ctx, pln_progress_fn fn, void *user);

/* ---------------------------------------------------------------- random numbers */

/** Random number generator (xoshiro256**, seeded by splitmix64). A plain struct so that it
 *  can be copied into a checkpoint and restored bit for bit. */
typedef struct pln_rng {
    uint64_t s[4];
    double spare_normal;
    int has_spare;
} pln_rng;

/** @brief Seed a generator; the same seed gives the same stream on every platform. */
PLN_API void pln_rng_seed(pln_rng *rng, uint64_t seed);
/** @brief A new generator seeded from this one's stream (for independent sub-streams). */
PLN_API void pln_rng_split(pln_rng *rng, pln_rng *child);
PLN_API uint64_t pln_rng_u64(pln_rng *rng);
/** @brief Uniform double in [0, 1) with 53 random bits. */
PLN_API double pln_rng_uniform(pln_rng *rng);
/** @brief Standard normal deviate (polar Box-Muller). */
PLN_API double pln_rng_normal(pln_rng *rng);
/** @brief Uniform integer in [0, n), unbiased; n > 0. */
PLN_API pln_idx pln_rng_index(pln_rng *rng, pln_idx n);
/** @brief Exponential deviate with the given mean (> 0). */
PLN_API double pln_rng_exponential(pln_rng *rng, double mean);
/** @brief Gamma deviate with shape k > 0 and scale theta > 0 (Marsaglia-Tsang). */
PLN_API double pln_rng_gamma(pln_rng *rng, double shape, double scale);
/** @brief Random permutation of 0..n-1 into perm (Fisher-Yates). */
PLN_API void pln_rng_permutation(pln_rng *rng, pln_idx n, pln_idx *perm);

/* ---------------------------------------------------------------- sparse matrices */

/** Symmetric sparse matrix in compressed sparse column form, lower triangle stored
 *  (CHOLMOD stype = -1), row indices sorted within each column, diagonal present.
 *  Arrays are owned by whoever made the struct. */
typedef struct pln_csc {
    pln_idx n;   /**< rows = columns */
    pln_idx nnz; /**< entries stored = p[n] */
    pln_idx *p;  /**< column pointers, length n + 1 */
    pln_idx *i;  /**< row indices, length nnz */
    double *x;   /**< values, length nnz */
} pln_csc;

#ifdef __cplusplus
}
#endif
#endif
