/* fuzz_input.h — libFuzzer input handed to plnet's file readers through one temporary file per process. */
#ifndef PLN_FUZZ_INPUT_H
#define PLN_FUZZ_INPUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The readers take paths (they report "file:line:"), so each input is written to a file
 * made once per process and rewritten in place; NULL when the file cannot be written. */
static const char *fuzz_input_path(const uint8_t *data, size_t size, const char *suffix)
{
    static char path[256];
    static int fd = -1;
    if (fd < 0) {
        const char *tmp = getenv("TMPDIR");
        snprintf(path, sizeof path, "%s/plnet-fuzz-XXXXXX%s", tmp != NULL ? tmp : "/tmp",
                 suffix);
        fd = mkstemps(path, (int)strlen(suffix));
        if (fd < 0) {
            return NULL;
        }
    }
    if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != (ssize_t)size) {
        return NULL;
    }
    return path;
}

#endif
