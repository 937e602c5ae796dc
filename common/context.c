/* context.c — status names, the error context and logging/progress plumbing. */
#include "pln_internal.h"
#include "pln_config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *pln_strerror(pln_status status)
{
#define PLN_STATUS_CASE_(name, value, text)                                                  \
    case name:                                                                               \
        return text;
    switch (status) {
        PLN_STATUS_LIST(PLN_STATUS_CASE_)
    }
#undef PLN_STATUS_CASE_
    return "unknown status";
}

const char *pln_version(void) { return PLN_VERSION; }

pln_status pln_ctx_create(pln_ctx **out)
{
    pln_ctx *ctx = pln_i_calloc(1, sizeof *ctx);
    if (ctx == NULL) {
        return PLN_ENOMEM;
    }
    ctx->err.node = -1;
    ctx->err.edge = -1;
    ctx->log_level = PLN_LOG_WARN;
    *out = ctx;
    return PLN_OK;
}

void pln_ctx_destroy(pln_ctx *ctx) { pln_i_free(ctx); }

const pln_error *pln_ctx_last_error(const pln_ctx *ctx) { return &ctx->err; }

void pln_ctx_clear_error(pln_ctx *ctx)
{
    memset(&ctx->err, 0, sizeof ctx->err);
    ctx->err.node = -1;
    ctx->err.edge = -1;
}

void pln_ctx_set_log(pln_ctx *ctx, pln_log_fn fn, pln_log_level max_level, void *user)
{
    ctx->log = fn;
    ctx->log_level = max_level;
    ctx->log_user = user;
}

void pln_ctx_set_progress(pln_ctx *ctx, pln_progress_fn fn, void *user)
{
    ctx->progress = fn;
    ctx->progress_user = user;
}

pln_status pln_i_error(pln_ctx *ctx, pln_status code, const char *file, int line, pln_idx node,
                       pln_idx edge, const char *key, const char *fmt, ...)
{
    if (ctx == NULL) {
        return code;
    }
    pln_error *e = &ctx->err;
    e->code = code;
    e->file = file;
    e->line = line;
    e->node = node;
    e->edge = edge;
    snprintf(e->key, sizeof e->key, "%s", key != NULL ? key : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->message, sizeof e->message, fmt, ap);
    va_end(ap);
    if (ctx->log != NULL && ctx->log_level >= PLN_LOG_DEBUG) {
        ctx->log(PLN_LOG_DEBUG, e->message, ctx->log_user);
    }
    return code;
}

void pln_i_log(pln_ctx *ctx, pln_log_level level, const char *fmt, ...)
{
    if (ctx == NULL || ctx->log == NULL || level > ctx->log_level) {
        return;
    }
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    ctx->log(level, buf, ctx->log_user);
}

pln_status pln_i_progress(pln_ctx *ctx, double fraction, const char *what)
{
    if (ctx == NULL || ctx->progress == NULL) {
        return PLN_OK;
    }
    pln_status st = ctx->progress(fraction, what, ctx->progress_user);
    if (st != PLN_OK) {
        return pln_i_error(ctx, PLN_EINTERRUPTED, __FILE__, __LINE__, -1, -1, NULL,
                           "interrupted during %s", what != NULL ? what : "a long call");
    }
    return PLN_OK;
}
