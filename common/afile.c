/* afile.c — atomic file output: write a temporary beside the target (symlinks followed), fsync, then rename over it; FIFOs and devices are written in place, never replaced. */
#include "outpath.h"
#include "pln_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

pln_status pln_i_afile_open(pln_ctx *ctx, pln_i_afile *af, const char *path)
{
    af->fp = NULL;
    af->tmp = NULL;
    af->target = NULL;
    size_t len = strlen(path);
    af->path = pln_i_malloc(len + 1);
    if (af->path == NULL) {
        PLN_FAIL(ctx, PLN_ENOMEM, "out of memory opening %s", path);
    }
    memcpy(af->path, path, len + 1);
    int kind = 0;
    int e = pln_outpath_resolve(path, &af->target, &kind);
    if (e == 0 && kind != PLN_OUTPATH_IN_PLACE) {
        af->tmp = pln_outpath_temp(af->target);
        e = af->tmp == NULL ? ENOMEM : 0;
    }
    if (e != 0) {
        pln_i_afile_abort(af);
        PLN_FAIL(ctx, e == ENOMEM ? PLN_ENOMEM : PLN_EIO, "cannot write %s: %s", path,
                 strerror(e));
    }
    af->fp = fopen(af->tmp != NULL ? af->tmp : af->target, "wb");
    if (af->fp == NULL) {
        e = errno;
        pln_i_afile_abort(af);
        PLN_FAIL(ctx, PLN_EIO, "cannot write %s: %s", path, strerror(e));
    }
    return PLN_OK;
}

static void afile_free(pln_i_afile *af)
{
    pln_i_free(af->path);
    free(af->target);
    free(af->tmp);
    af->path = NULL;
    af->target = NULL;
    af->tmp = NULL;
}

pln_status pln_i_afile_commit(pln_ctx *ctx, pln_i_afile *af)
{
    int bad = ferror(af->fp);
    int e = bad ? EIO : 0;
    if (fflush(af->fp) != 0) {
        bad = 1;
        e = errno;
    }
    /* A pipe or a device has nothing to sync (fsync fails with EINVAL there). */
    if (!bad && af->tmp != NULL && fsync(fileno(af->fp)) != 0) {
        bad = 1;
        e = errno;
    }
    if (fclose(af->fp) != 0 && !bad) {
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
    if (af->tmp != NULL && rename(af->tmp, af->target) != 0) {
        e = errno;
        pln_status st = pln_i_error(ctx, PLN_EIO, __FILE__, __LINE__, -1, -1, NULL,
                                    "cannot rename %s to %s: %s", af->tmp, af->target,
                                    strerror(e));
        pln_i_afile_abort(af);
        return st;
    }
    afile_free(af);
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
    afile_free(af);
}
