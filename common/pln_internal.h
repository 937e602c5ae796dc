/* pln_internal.h — internal helpers shared across plnet's modules: error raising, allocation hooks, logging, atomic files. */
#ifndef PLN_INTERNAL_H
#define PLN_INTERNAL_H

#include "pln_common.h"

#include <stdio.h>

/* pi, since strict C11 does not define M_PI. */
#define PLN_PI 3.14159265358979323846

/* The full context layout, visible to the library's own files only. */
struct pln_ctx {
    pln_error err;
    pln_log_fn log;
    pln_log_level log_level;
    void *log_user;
    pln_progress_fn progress;
    void *progress_user;
};

/* Record an error in ctx (which may be NULL) and return code: the one place to break on. */
pln_status pln_i_error(pln_ctx *ctx, pln_status code, const char *file, int line, pln_idx node,
                       pln_idx edge, const char *key, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 8, 9)))
#endif
    ;

/* Raise and return. */
#define PLN_FAIL(ctx, code, ...)                                                             \
    return pln_i_error((ctx), (code), __FILE__, __LINE__, -1, -1, NULL, __VA_ARGS__)
#define PLN_FAIL_NODE(ctx, code, node, ...)                                                  \
    return pln_i_error((ctx), (code), __FILE__, __LINE__, (node), -1, NULL, __VA_ARGS__)
#define PLN_FAIL_EDGE(ctx, code, edge, ...)                                                  \
    return pln_i_error((ctx), (code), __FILE__, __LINE__, -1, (edge), NULL, __VA_ARGS__)
#define PLN_FAIL_KEY(ctx, code, key, ...)                                                    \
    return pln_i_error((ctx), (code), __FILE__, __LINE__, -1, -1, (key), __VA_ARGS__)
/* Raise without returning: the value is the code, for `st = PLN_ERR(...); goto done;`. */
#define PLN_ERR(ctx, code, ...)                                                              \
    pln_i_error((ctx), (code), __FILE__, __LINE__, -1, -1, NULL, __VA_ARGS__)
#define PLN_ERR_NODE(ctx, code, node, ...)                                                   \
    pln_i_error((ctx), (code), __FILE__, __LINE__, (node), -1, NULL, __VA_ARGS__)
#define PLN_ERR_EDGE(ctx, code, edge, ...)                                                   \
    pln_i_error((ctx), (code), __FILE__, __LINE__, -1, (edge), NULL, __VA_ARGS__)

/* Propagate: returns from the calling function on failure. */
#define PLN_TRY(expr)                                                                        \
    do {                                                                                     \
        pln_status pln_try_st_ = (expr);                                                     \
        if (pln_try_st_ != PLN_OK) {                                                         \
            return pln_try_st_;                                                              \
        }                                                                                    \
    } while (0)
/* Propagate into a single-exit cleanup: sets st and jumps to `done`. */
#define PLN_TRY_GOTO(st, expr)                                                               \
    do {                                                                                     \
        (st) = (expr);                                                                       \
        if ((st) != PLN_OK) {                                                                \
            goto done;                                                                       \
        }                                                                                    \
    } while (0)

/* Allocation: every plnet allocation goes through these, so a test can make the Nth fail and
 * count allocations inside a hot loop. */
void *pln_i_malloc(size_t size);
void *pln_i_calloc(size_t count, size_t size);
void *pln_i_realloc(void *p, size_t size);
void pln_i_free(void *p);
/* Test hooks (thread-local): fail the allocation after `n` more succeed (-1 = never). */
void pln_i_alloc_fail_after(long n);
long pln_i_alloc_count(void);

/* Allocate an array of n elements of *p, zeroed, or return PLN_ENOMEM through ctx. */
#define PLN_ALLOC(ctx, p, n)                                                                 \
    do {                                                                                     \
        (p) = pln_i_calloc((size_t)((n) > 0 ? (n) : 1), sizeof *(p));                        \
        if ((p) == NULL) {                                                                   \
            return pln_i_error((ctx), PLN_ENOMEM, __FILE__, __LINE__, -1, -1, NULL,          \
                               "out of memory (%zu bytes)",                                  \
                               (size_t)((n) > 0 ? (n) : 1) * sizeof *(p));                   \
        }                                                                                    \
    } while (0)
#define PLN_ALLOC_GOTO(ctx, st, p, n)                                                        \
    do {                                                                                     \
        (p) = pln_i_calloc((size_t)((n) > 0 ? (n) : 1), sizeof *(p));                        \
        if ((p) == NULL) {                                                                   \
            (st) = pln_i_error((ctx), PLN_ENOMEM, __FILE__, __LINE__, -1, -1, NULL,          \
                               "out of memory (%zu bytes)",                                  \
                               (size_t)((n) > 0 ? (n) : 1) * sizeof *(p));                   \
            goto done;                                                                       \
        }                                                                                    \
    } while (0)

void pln_i_log(pln_ctx *ctx, pln_log_level level, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* Report progress; returns PLN_EINTERRUPTED when the callback asks to stop. */
pln_status pln_i_progress(pln_ctx *ctx, double fraction, const char *what);

/* Atomic file output: write to "<target>.tmp.<pid>", then rename over the target on commit;
 * the target is path with its symlinks followed. A FIFO or a device is written in place
 * (tmp NULL), never replaced by a regular file. */
typedef struct pln_i_afile {
    FILE *fp;
    char *path;   /* as given, for messages */
    char *target; /* path with its symlinks followed */
    char *tmp;    /* NULL when written in place */
} pln_i_afile;
pln_status pln_i_afile_open(pln_ctx *ctx, pln_i_afile *af, const char *path);
/* Flush, fsync and rename; on any earlier write error the temporary is removed. */
pln_status pln_i_afile_commit(pln_ctx *ctx, pln_i_afile *af);
/* Remove the temporary without touching path (NULL-safe, idempotent). */
void pln_i_afile_abort(pln_i_afile *af);

#endif
