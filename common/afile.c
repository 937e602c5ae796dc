/* afile.c — atomic file output: write a temporary beside the target, fsync, then rename over it. */
#include "pln_internal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

pln_status pln_i_afile_open(pln_ctx *ctx, pln_i_afile *af, const char *path)
{
    af->fp = NULL;
    af->tmp = NULL;
    af->path = NULL;
    size_t len = strlen(path);
    af->path = pln_i_malloc(len + 1);
    af->tmp = pln_i_malloc(len + 32);
    if (af->path == NULL || af->tmp == NULL) {
        pln_i_afile_abort(af);
        PLN_FAIL(ctx, PLN_ENOMEM, "out of memory opening %s", path);
    }
    memcpy(af->path, path, len + 1);
    snprintf(af->tmp, len + 32, "%s.tmp.%ld", path, (long)getpid());
    af->fp = fopen(af->tmp, "wb");
    if (af->fp == NULL) {
        int e = errno;
        pln_i_afile_abort(af);
        PLN_FAIL(ctx, PLN_EIO, "cannot write %s: %s", path, strerror(e));
    }
    return PLN_OK;
}

pln_status pln_i_afile_commit(pln_ctx *ctx, pln_i_afile *af)
{
    int bad = ferror(af->fp);
    if (fflush(af->fp) != 0) {
        bad = 1;
    }
    if (!bad && fsync(fileno(af->fp)) != 0) {
        bad = 1;
    }
    int e = errno;
    if (fclose(af->fp) != 0) {
        bad = 1;
        e = errno;
    }
    af->fp = NULL;
    if (bad) {
        pln_status st = pln_i_error(ctx, PLN_EIO, __FILE__, __LINE__, -1, -1, NULL,
                                    "cannot write %s: %s", af->path, strerror(e));
        pln_i_afile_abort(af);
        return st;
    }
    if (rename(af->tmp, af->path) != 0) {
        e = errno;
        pln_status st = pln_i_error(ctx, PLN_EIO, __FILE__, __LINE__, -1, -1, NULL,
                                    "cannot rename %s to %s: %s", af->tmp, af->path, strerror(e));
        pln_i_afile_abort(af);
        return st;
    }
    pln_i_free(af->tmp);
    pln_i_free(af->path);
    af->tmp = NULL;
    af->path = NULL;
    return PLN_OK;
}

void pln_i_afile_abort(pln_i_afile *af)
{
    if (af->fp != NULL) {
        fclose(af->fp);
        af->fp = NULL;
    }
    if (af->tmp != NULL) {
        remove(af->tmp);
    }
    pln_i_free(af->tmp);
    pln_i_free(af->path);
    af->tmp = NULL;
    af->path = NULL;
}
