/* outpath.c — where writing a path lands: symlinks followed to their target, FIFOs and devices written in place (a rename would replace the node with a regular file). */
#include "outpath.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d != NULL) {
        memcpy(d, s, n);
    }
    return d;
}

/* The target a link at `link` names: as it is when absolute, else from the link's folder. */
static char *link_target(const char *link, int *err)
{
    size_t cap = 256;
    char *buf = NULL;
    ssize_t n;
    for (;;) {
        char *p = realloc(buf, cap);
        if (p == NULL) {
            free(buf);
            *err = ENOMEM;
            return NULL;
        }
        buf = p;
        n = readlink(link, buf, cap);
        if (n < 0) {
            *err = errno;
            free(buf);
            return NULL;
        }
        if ((size_t)n < cap) {
            break;
        }
        cap *= 2;
    }
    buf[n] = '\0';
    const char *slash = strrchr(link, '/');
    if (buf[0] == '/' || slash == NULL) {
        return buf;
    }
    size_t dl = (size_t)(slash - link) + 1;
    char *full = malloc(dl + (size_t)n + 1);
    if (full == NULL) {
        free(buf);
        *err = ENOMEM;
        return NULL;
    }
    memcpy(full, link, dl);
    memcpy(full + dl, buf, (size_t)n + 1);
    free(buf);
    return full;
}

int pln_outpath_resolve(const char *path, char **target, int *kind)
{
    *target = NULL;
    *kind = PLN_OUTPATH_NEW;
    char *p = dup_str(path);
    if (p == NULL) {
        return ENOMEM;
    }
    for (int hops = 0;; hops++) {
        struct stat sb;
        if (lstat(p, &sb) != 0) {
            if (errno != ENOENT) {
                int e = errno;
                free(p);
                return e;
            }
            *kind = PLN_OUTPATH_NEW;
            break;
        }
        if (S_ISLNK(sb.st_mode)) {
            if (hops >= 40) {
                free(p);
                return ELOOP;
            }
            int e = 0;
            char *next = link_target(p, &e);
            free(p);
            if (next == NULL) {
                return e;
            }
            p = next;
            continue;
        }
        if (S_ISREG(sb.st_mode)) {
            *kind = PLN_OUTPATH_REGULAR;
        } else if (S_ISFIFO(sb.st_mode) || S_ISCHR(sb.st_mode) || S_ISBLK(sb.st_mode)) {
            *kind = PLN_OUTPATH_IN_PLACE;
        } else {
            free(p);
            return S_ISDIR(sb.st_mode) ? EISDIR : EINVAL;
        }
        break;
    }
    *target = p;
    return 0;
}

char *pln_outpath_temp(const char *target)
{
    size_t len = strlen(target) + 32;
    char *t = malloc(len);
    if (t != NULL) {
        snprintf(t, len, "%s.tmp.%ld", target, (long)getpid());
    }
    return t;
}
