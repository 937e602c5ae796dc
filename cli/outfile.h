/* outfile.h — atomic output files for the CLI (write a temporary, then rename) and output folders. */
#ifndef PLNET_CLI_OUTFILE_H
#define PLNET_CLI_OUTFILE_H

#include "plnet.h"

#include <stdbool.h>
#include <stddef.h>
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
/* Remove the temporaries "NAME.tmp.PID" in dir that a writer killed mid-write left (its
 * process PID is dead; a live writer's are kept). Returns how many went. */
size_t plnet_remove_stale_temporaries(const char *dir);
/* Entries of dir (0 when it does not exist, -1 when it cannot be read); the first's name
 * into name (may be NULL). */
int plnet_dir_first_entry(const char *dir, char *name, size_t size);
/* Remove dir/NAME for each name of the NULL-terminated list (missing ones are no error). */
void plnet_remove_names(const char *dir, const char *const *names);
/* "dir/name" in a malloc'd string, or NULL. */
char *plnet_path_join(const char *dir, const char *name);

/* How a run treats an output folder that holds files already. */
typedef enum plnet_folder_mode {
    PLNET_FOLDER_NEW = 0,   /* refuse one that holds anything but this configuration's run */
    PLNET_FOLDER_FORCE = 1, /* --force: write over whatever is there */
    PLNET_FOLDER_RESUME = 2 /* --resume: the run's own folder, continued */
} plnet_folder_mode;

/* A run's output folder and the files the run writes there. */
typedef struct plnet_run_folder {
    const char *dir;
    const char *const *names; /* NULL-terminated */
    bool created;             /* the folder did not exist before the run */
} plnet_run_folder;

/* Claim folder dir for the run of x (mkdir -p): remove stale temporaries; with
 * PLNET_FOLDER_NEW refuse a non-empty folder that holds no run of this configuration (hint
 * says what to do instead); then dir/plnet.run says the run is being written (its files,
 * `names`, are removed by plnet_run_folder_abandon). Returns 0, or the exit code with a message on err. */
int plnet_run_folder_open(plnet_run_folder *rf, pln_experiment *x, const char *dir,
                          const char *const *names, plnet_folder_mode mode, const char *hint,
                          FILE *err);
/* A run that failed with nothing to continue from: remove its files and marker, and the
 * folder when the run made it, so that no partial set poses as a result. */
void plnet_run_folder_abandon(const plnet_run_folder *rf);

#endif
