/* outpath.h — where writing a path lands (symlinks followed), and whether the target is a file that may be replaced by a rename. Shared by the library's atomic files and the CLI's. */
#ifndef PLN_OUTPATH_H
#define PLN_OUTPATH_H

enum {
    PLN_OUTPATH_NEW = 0,     /* nothing there yet: write a temporary beside it and rename */
    PLN_OUTPATH_REGULAR = 1, /* a regular file: likewise, the rename replaces it whole */
    PLN_OUTPATH_IN_PLACE = 2 /* a FIFO or a device: opened and written as it is, never replaced */
};

/* Follow the symlinks of `path` (a relative link target read from the link's folder) to the
 * path a write lands on, *target (malloc'd; the caller frees it), and say what is there in
 * *kind. Returns 0, or an errno value: ELOOP (more than 40 links), EISDIR (a folder),
 * EINVAL (a socket or another kind that cannot be written), ENOMEM, or lstat's error. */
int pln_outpath_resolve(const char *path, char **target, int *kind);

/* A temporary's name for target: "<target>.tmp.<pid>" (malloc'd, NULL when out of memory). */
char *pln_outpath_temp(const char *target);

#endif
