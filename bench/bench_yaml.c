/* bench_yaml.c — the YAML loader (cli/yaml_doc.c) is linear: load time of mappings of 10k to 80k keys and of flow lists (the ratio of the largest to the smallest is ~8 when linear, ~64 when quadratic), and heap bytes held per input byte (mallinfo2). */
#define _GNU_SOURCE
#include "yaml_doc.h"

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* "k0: 0\nk1: 1\n..." (keys) or "x: [1,1,...,1]\n" (a flow list of n ones). */
static char *document(size_t n, int keys, size_t *len)
{
    size_t cap = 32 + n * 24, at = 0;
    char *s = malloc(cap);
    if (keys) {
        for (size_t k = 0; k < n; k++) {
            at += (size_t)snprintf(s + at, cap - at, "k%zu: %zu\n", k, k);
        }
    } else {
        at += (size_t)snprintf(s + at, cap - at, "x: [");
        for (size_t k = 0; k < n; k++) {
            s[at++] = '1';
            s[at++] = k + 1 < n ? ',' : ']';
        }
        s[at++] = '\n';
    }
    *len = at;
    return s;
}

static void run(const char *what, int keys, const size_t *sizes, int n_sizes)
{
    double t_first = 0.0;
    for (int i = 0; i < n_sizes; i++) {
        size_t len = 0;
        char *text = document(sizes[i], keys, &len);
        char msg[256];
        size_t before = mallinfo2().uordblks;
        double t0 = now_s();
        yd_node *root = yd_load_text(text, len, msg, sizeof msg);
        double t = now_s() - t0;
        size_t held = mallinfo2().uordblks - before;
        if (root == NULL) {
            fprintf(stderr, "bench_yaml: %s\n", msg);
            exit(1);
        }
        yd_free(root);
        if (i == 0) {
            t_first = t;
        }
        printf("%-10s %8zu entries %9zu bytes  load %8.4f s  %6.1f bytes of heap per input "
               "byte  time ratio to the first %6.2f (size ratio %5.1f)\n",
               what, sizes[i], len, t, (double)held / (double)len, t / t_first,
               (double)sizes[i] / (double)sizes[0]);
        free(text);
    }
}

int main(void)
{
    const size_t key_sizes[] = {10000, 20000, 40000, 80000};
    const size_t list_sizes[] = {250000, 500000, 1000000, 1900000};
    run("mapping", 1, key_sizes, 4);
    run("flow list", 0, list_sizes, 4);
    return 0;
}
