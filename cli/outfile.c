/* outfile.c — atomic output files (temporary + rename) so a failed run never leaves half a result; symlinks are followed, FIFOs and devices written in place. */
#include "outfile.h"

#include "experiment_setup.h"
#include "outpath.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
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

/* ------------------------------------------------------------------ run folders */

/* The pid of a temporary's name "NAME.tmp.PID", or 0 when it is not one. */
static long temporary_pid(const char *name)
{
    const char *t = strstr(name, ".tmp.");
    while (t != NULL) {
        const char *d = t + 5;
        if (*d >= '1' && *d <= '9' && strspn(d, "0123456789") == strlen(d) && strlen(d) < 12) {
            return strtol(d, NULL, 10);
        }
        t = strstr(t + 1, ".tmp.");
    }
    return 0;
}

size_t plnet_remove_stale_temporaries(const char *dir)
{
    DIR *d = opendir(dir);
    if (d == NULL) {
        return 0;
    }
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        long pid = temporary_pid(e->d_name);
        /* Only a dead writer's: a live one (another plnet writing here) keeps its file. */
        if (pid <= 0 || pid == (long)getpid() || kill((pid_t)pid, 0) == 0 || errno != ESRCH) {
            continue;
        }
        char *p = plnet_path_join(dir, e->d_name);
        if (p != NULL && remove(p) == 0) {
            n++;
        }
        free(p);
    }
    closedir(d);
    return n;
}

int plnet_dir_first_entry(const char *dir, char *name, size_t size)
{
    DIR *d = opendir(dir);
    if (d == NULL) {
        return errno == ENOENT ? 0 : -1;
    }
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) {
            continue;
        }
        if (n == 0 && name != NULL) {
            snprintf(name, size, "%s", e->d_name);
        }
        n++;
    }
    closedir(d);
    return n;
}

void plnet_remove_names(const char *dir, const char *const *names)
{
    for (size_t k = 0; names[k] != NULL; k++) {
        char *p = plnet_path_join(dir, names[k]);
        if (p != NULL) {
            remove(p);
        }
        free(p);
    }
}

int plnet_run_folder_open(plnet_run_folder *rf, pln_experiment *x, const char *dir,
                          const char *const *names, plnet_folder_mode mode, const char *hint,
                          FILE *err)
{
    rf->dir = dir;
    rf->names = names;
    rf->created = false;
    char first[256] = "";
    int n = plnet_dir_first_entry(dir, first, sizeof first);
    if (n < 0) {
        fprintf(err, "plnet: cannot read the output folder %s: %s\n", dir, strerror(errno));
        return 1;
    }
    rf->created = n == 0 && access(dir, F_OK) != 0;
    if (plnet_mkdirs(dir, err) != 0) {
        return 1;
    }
    /* A kill -9 in the middle of a write leaves "NAME.tmp.PID" behind. */
    plnet_remove_stale_temporaries(dir);
    n = plnet_dir_first_entry(dir, first, sizeof first);
    if (mode == PLNET_FOLDER_NEW && n > 0 && !pln_experiment_folder_is_own(x, dir)) {
        pln_run_info info;
        pln_run_folder_info(dir, &info);
        if (info.state != PLN_RUN_NONE) {
            const char *mine = pln_experiment_n_theta(x) > 0 ? "train" : "network";
            const char *what = strcmp(info.files, mine) == 0 ? "of another configuration"
                               : strcmp(info.files, "train") == 0 ? "a training run"
                                                                  : "a solve";
            fprintf(err, "plnet: the output folder %s holds another run (%s, its %s); %s\n",
                    dir, what, PLN_RUN_MARKER, hint);
        } else {
            fprintf(err, "plnet: the output folder %s is not empty (%d entr%s: %s%s) and holds "
                         "no plnet run; %s\n", dir, n, n == 1 ? "y" : "ies", first,
                    n > 1 ? ", ..." : "", hint);
        }
        return 2;
    }
    pln_status st = pln_experiment_folder_mark(x, dir, false);
    if (st != PLN_OK) {
        return plnet_report_lib(err, pln_experiment_ctx(x), st, PLN_RUN_MARKER);
    }
    return 0;
}

void plnet_run_folder_abandon(const plnet_run_folder *rf)
{
    static const char *const marker[] = {PLN_RUN_MARKER, NULL};
    plnet_remove_names(rf->dir, rf->names);
    plnet_remove_names(rf->dir, marker);
    plnet_remove_stale_temporaries(rf->dir);
    if (rf->created) {
        rmdir(rf->dir); /* only when empty */
    }
}
