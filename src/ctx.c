#include "ctx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void *ctx_malloc(thumb_ctx *ctx, size_t size) {
    /* malloc(0) may return NULL; callers never mean "no memory" by it. */
    void *p = ctx->allocator.malloc_fn(ctx->allocator.opaque, size ? size : 1);
    if (!p)
        ctx_fail(ctx, THUMB_ERR_NOMEM, "out of memory allocating %zu bytes",
                 size);
    return p;
}

void *ctx_calloc(thumb_ctx *ctx, size_t count, size_t size) {
    int ok = 1;
    size_t total = size_mul(count, size, &ok);
    if (!ok) {
        ctx_fail(ctx, THUMB_ERR_NOMEM,
                 "out of memory: %zu x %zu bytes overflows", count, size);
        return NULL;
    }
    void *p = ctx_malloc(ctx, total);
    if (p)
        memset(p, 0, total);
    return p;
}

void *ctx_realloc(thumb_ctx *ctx, void *ptr, size_t size) {
    void *p =
        ctx->allocator.realloc_fn(ctx->allocator.opaque, ptr, size ? size : 1);
    if (!p)
        ctx_fail(ctx, THUMB_ERR_NOMEM, "out of memory allocating %zu bytes",
                 size);
    return p;
}

void ctx_free(thumb_ctx *ctx, void *ptr) {
    if (ptr)
        ctx->allocator.free_fn(ctx->allocator.opaque, ptr);
}

thumb_status ctx_failv(thumb_ctx *ctx, thumb_status status, const char *fmt,
                       va_list ap) {
    if (ctx->status != THUMB_OK)
        return status;
    ctx->status = status;
    vsnprintf(ctx->message, sizeof ctx->message, fmt, ap);
    return status;
}

thumb_status ctx_fail(thumb_ctx *ctx, thumb_status status, const char *fmt,
                      ...) {
    va_list ap;
    va_start(ap, fmt);
    ctx_failv(ctx, status, fmt, ap);
    va_end(ap);
    return status;
}

void ctx_clear_error(thumb_ctx *ctx) {
    ctx->status = THUMB_OK;
    ctx->message[0] = '\0';
}

int64_t ctx_now_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

thumb_status ctx_check_deadline(thumb_ctx *ctx, const char *doing) {
    if (ctx->deadline_us == 0 || ctx_now_us() < ctx->deadline_us)
        return THUMB_OK;
    return ctx_fail(ctx, THUMB_ERR_TIMEOUT,
                    "deadline of %lld ms passed while %s "
                    "(THUMB_OPT_TIMEOUT_MS)",
                    (long long)ctx->timeout_ms, doing);
}
