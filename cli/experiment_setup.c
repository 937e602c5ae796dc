/* experiment_setup.c — the experiment of a loaded configuration built by the library, and its errors reported at the file:line:col (or --set argument) of the key they name. */
#include "experiment_setup.h"

#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ reports */

int plnet_report_lib(FILE *err, const pln_ctx *ctx, pln_status st, const char *what)
{
    const pln_error *e = ctx != NULL ? pln_ctx_last_error(ctx) : NULL;
    const char *msg = e != NULL && e->code != PLN_OK && e->message[0] != '\0' ? e->message
                                                                                : pln_strerror(st);
    /* Prefix the node or edge at fault unless the message already starts by naming it. */
    char where[64] = "";
    char lead[64] = "";
    if (e != NULL && e->code != PLN_OK && e->edge >= 0) {
        snprintf(where, sizeof where, "edge %lld: ", (long long)e->edge);
        snprintf(lead, sizeof lead, "edge %lld ", (long long)e->edge);
    } else if (e != NULL && e->code != PLN_OK && e->node >= 0) {
        snprintf(where, sizeof where, "node %lld: ", (long long)e->node);
        snprintf(lead, sizeof lead, "node %lld ", (long long)e->node);
    }
    if (lead[0] != '\0' && strncmp(msg, lead, strlen(lead)) == 0) {
        where[0] = '\0';
    }
    fprintf(err, "plnet: %s%s%s%s\n", where, what != NULL ? what : "", what != NULL ? ": " : "",
            msg);
    return 1;
}

int plnet_report_experiment(FILE *err, const plnet_config *cfg, const pln_ctx *ctx,
                            pln_status st, const char *what)
{
    const pln_error *e = pln_ctx_last_error(ctx);
    if (e->code != PLN_OK && e->key[0] != '\0' && e->node < 0 && e->edge < 0 &&
        st != PLN_ENOMEM && st != PLN_EINTERRUPTED) {
        bool found = false;
        plnet_mark at = plnet_config_mark(cfg, e->key, &found);
        if (found) {
            plnet_report_at(err, cfg, at, "%s", e->message);
            return st == PLN_EINVAL || st == PLN_EDIM || st == PLN_EPARSE || st == PLN_EIO ? 2
                                                                                          : 1;
        }
    }
    return plnet_report_lib(err, ctx, st, what);
}

/* The library's warnings (and errors it logs) on stderr, as "plnet: warning: ...". */
static void log_to_stderr(pln_log_level level, const char *message, void *user)
{
    FILE *err = user;
    fprintf(err, "plnet: %s: %s\n", level == PLN_LOG_ERROR ? "error"
                                    : level == PLN_LOG_WARN ? "warning"
                                                            : "note",
            message);
}

void plnet_ctx_log_to(pln_ctx *ctx, FILE *err)
{
    const char *v = getenv("PLNET_VERBOSE");
    pln_ctx_set_log(ctx, log_to_stderr, v != NULL && v[0] == '1' ? PLN_LOG_INFO : PLN_LOG_WARN,
                    err);
}

int plnet_experiment_open(plnet_config *cfg, pln_build_stage upto, pln_ctx **ctx,
                          pln_experiment **x, FILE *err)
{
    *x = NULL;
    if (*ctx == NULL && pln_ctx_create(ctx) != PLN_OK) {
        fprintf(err, "plnet: out of memory\n");
        return 1;
    }
    plnet_ctx_log_to(*ctx, err);
    pln_status st = pln_experiment_create(*ctx, &cfg->d, upto, x);
    if (st != PLN_OK) {
        return plnet_report_experiment(err, cfg, *ctx, st, NULL);
    }
    return 0;
}
