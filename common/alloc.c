/* alloc.c — the allocation wrappers every plnet allocation goes through, with a failure-injection hook for tests. */
#include "pln_internal.h"

#include <stdlib.h>

/* Thread-local so that parallel test processes or threads never see each other's counters. */
static _Thread_local long fail_after = -1;
static _Thread_local long n_allocs = 0;

static int should_fail(void)
{
    n_allocs++;
    if (fail_after < 0) {
        return 0;
    }
    if (fail_after == 0) {
        return 1;
    }
    fail_after--;
    return 0;
}

void *pln_i_malloc(size_t size) { return should_fail() ? NULL : malloc(size > 0 ? size : 1); }

void *pln_i_calloc(size_t count, size_t size)
{
    return should_fail() ? NULL : calloc(count > 0 ? count : 1, size > 0 ? size : 1);
}

void *pln_i_realloc(void *p, size_t size)
{
    return should_fail() ? NULL : realloc(p, size > 0 ? size : 1);
}

void pln_i_free(void *p) { free(p); }

void pln_i_alloc_fail_after(long n) { fail_after = n; }

long pln_i_alloc_count(void) { return n_allocs; }
