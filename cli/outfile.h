/* outfile.h — atomic output files for the CLI (write a temporary, then rename) and output folders. */
#ifndef PLNET_CLI_OUTFILE_H
#define PLNET_CLI_OUTFILE_H

#include <stdio.h>

typedef struct plnet_outfile {
    FILE *fp;
    char *tmp;    /* NULL when written in place */
    char *target; /* path with its symlinks followed */
    char *path;   /* as given, for messages */
} plnet_outfile;

/* Open a temporary beside path's target (its symlinks followed); a FIFO or a device is
 * opened in place instead, never replaced by a rename. Returns 0, or 1 with a message. */
int plnet_outfile_open(plnet_outfile *f, const char *path, FILE *err);
/* Flush, close and rename over the target. Returns 0, or 1 with a message (temporary removed). */
int plnet_outfile_commit(plnet_outfile *f, FILE *err);
/* Drop the temporary (safe after commit and on a never-opened file). */
void plnet_outfile_abort(plnet_outfile *f);
/* mkdir -p. Returns 0, or 1 with a message. */
int plnet_mkdirs(const char *dir, FILE *err);
/* "dir/name" in a malloc'd string, or NULL. */
char *plnet_path_join(const char *dir, const char *name);

#endif
