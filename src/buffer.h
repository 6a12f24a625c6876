/* A growable byte buffer, allocated through a context. Encoders append to
 * one; the context keeps its output buffer between runs to reuse it. */
#ifndef THUMB_BUFFER_H
#define THUMB_BUFFER_H

#include "thumbnail.h"

#include <stddef.h>
#include <stdint.h>

typedef struct buffer {
    thumb_ctx *ctx;
    uint8_t *data;
    size_t size;
    size_t capacity;
} buffer;

void buffer_init(buffer *b, thumb_ctx *ctx);
/* Makes room for at least `extra` more bytes. */
thumb_status buffer_reserve(buffer *b, size_t extra);
thumb_status buffer_append(buffer *b, const void *data, size_t size);
/* Empties the buffer, keeping its memory. */
void buffer_clear(buffer *b);
/* Frees the memory. */
void buffer_release(buffer *b);

#endif
