/* outfile.c — atomic output files (temporary + rename) so a failed run never leaves half a result; symlinks are followed, FIFOs and devices written in place. */
#include "outfile.h"

#include "outpath.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *plnet_path_join(const char *dir, const char *name)
{
    size_t len = strlen(dir) + strlen(name) + 2;
    char *p = malloc(len);
    if (p != NULL) {
        snprintf(p, len, "%s/%s", dir, name);
    }
    return p;
}

int plnet_outfile_open(plnet_outfile *f, const char *path, FILE *err)
{
    memset(f, 0, sizeof *f);
    size_t len = strlen(path);
    f->path = malloc(len + 1);
    if (f->path == NULL) {
        fprintf(err, "plnet: out of memory\n");
        return 1;
    }
    memcpy(f->path, path, len + 1);
    int kind = 0;
    int e = pln_outpath_resolve(path, &f->target, &kind);
    if (e == 0 && kind != PLN_OUTPATH_IN_PLACE) {
        f->tmp = pln_outpath_temp(f->target);
        e = f->tmp == NULL ? ENOMEM : 0;
    }
    if (e == 0) {
        f->fp = fopen(f->tmp != NULL ? f->tmp : f->target, "wb");
        e = f->fp == NULL ? errno : 0;
    }
    if (e != 0) {
        fprintf(err, "plnet: cannot write %s: %s\n", path, strerror(e));
        plnet_outfile_abort(f);
        return 1;
    }
    return 0;
}

static void outfile_free(plnet_outfile *f)
{
    free(f->tmp);
    free(f->target);
    free(f->path);
    f->tmp = NULL;
    f->target = NULL;
    f->path = NULL;
}

int plnet_outfile_commit(plnet_outfile *f, FILE *err)
{
    int bad = ferror(f->fp);
    int e = bad ? EIO : 0;
    if (fflush(f->fp) != 0) {
        bad = 1;
        e = errno;
    }
    /* A pipe or a device has nothing to sync (fsync fails with EINVAL there). */
    if (!bad && f->tmp != NULL && fsync(fileno(f->fp)) != 0) {
        bad = 1;
        e = errno;
    }
    if (fclose(f->fp) != 0 && !bad) {
        bad = 1;
        e = errno;
    }
    f->fp = NULL;
    if (bad) {
        fprintf(err, "plnet: cannot write %s: %s\n", f->path, strerror(e));
        plnet_outfile_abort(f);
        return 1;
    }
    if (f->tmp != NULL && rename(f->tmp, f->target) != 0) {
        fprintf(err, "plnet: cannot rename %s to %s: %s\n", f->tmp, f->target, strerror(errno));
        plnet_outfile_abort(f);
        return 1;
    }
    outfile_free(f);
    return 0;
}

void plnet_outfile_abort(plnet_outfile *f)
{
    if (f->fp != NULL) {
        fclose(f->fp);
        f->fp = NULL;
    }
    if (f->tmp != NULL) {
        remove(f->tmp);
    }
    outfile_free(f);
}

int plnet_mkdirs(const char *dir, FILE *err)
{
    size_t len = strlen(dir);
    char *p = malloc(len + 1);
    if (p == NULL) {
        fprintf(err, "plnet: out of memory\n");
        return 1;
    }
    memcpy(p, dir, len + 1);
    for (size_t k = 1; k <= len; k++) {
        if (p[k] == '/' || p[k] == '\0') {
            char c = p[k];
            p[k] = '\0';
            if (mkdir(p, 0777) != 0 && errno != EEXIST) {
                fprintf(err, "plnet: cannot create directory %s: %s\n", p, strerror(errno));
                free(p);
                return 1;
            }
            p[k] = c;
        }
    }
    free(p);
    struct stat sb;
    if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        fprintf(err, "plnet: %s is not a directory\n", dir);
        return 1;
    }
    return 0;
}
