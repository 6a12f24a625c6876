#include "buffer.h"

#include "ctx.h"

#include <string.h>

/* Growth starts here so that small encodes do not realloc byte by byte. */
#define BUFFER_MIN_CAPACITY 4096

void buffer_init(buffer *b, thumb_ctx *ctx) {
    b->ctx = ctx;
    b->data = NULL;
    b->size = 0;
    b->capacity = 0;
}

thumb_status buffer_reserve(buffer *b, size_t extra) {
    if (extra > SIZE_MAX - b->size)
        return ctx_fail(b->ctx, THUMB_ERR_NOMEM, "buffer size overflows");
    size_t need = b->size + extra;
    if (need <= b->capacity)
        return THUMB_OK;
    size_t cap = b->capacity ? b->capacity : BUFFER_MIN_CAPACITY;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    uint8_t *p = ctx_realloc(b->ctx, b->data, cap);
    if (!p)
        return THUMB_ERR_NOMEM;
    b->data = p;
    b->capacity = cap;
    return THUMB_OK;
}

thumb_status buffer_append(buffer *b, const void *data, size_t size) {
    thumb_status st = buffer_reserve(b, size);
    if (st != THUMB_OK)
        return st;
    if (size)
        memcpy(b->data + b->size, data, size);
    b->size += size;
    return THUMB_OK;
}

void buffer_clear(buffer *b) {
    b->size = 0;
}

void buffer_release(buffer *b) {
    ctx_free(b->ctx, b->data);
    b->data = NULL;
    b->size = 0;
    b->capacity = 0;
}
