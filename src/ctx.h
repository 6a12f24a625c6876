/* The context: options, allocator, error state, reusable buffers.
 * Every module receives the context so that it can allocate and report
 * errors; only api.c and the run plan (plan.c) read the options. */
#ifndef THUMB_CTX_H
#define THUMB_CTX_H

#include "buffer.h"
#include "image.h"
#include "thumbnail.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* Option keys run from 1 to this; index 0 is unused. */
#define CTX_OPTION_COUNT 28
/* Long enough for a codec's message plus our prefix and a value or two. */
#define CTX_MESSAGE_SIZE 256

struct thumb_ctx {
    thumb_allocator allocator;
    int64_t options[CTX_OPTION_COUNT];
    /* THUMB_OPT_SIMD's default: the THUMB_SIMD environment variable, read
     * once when the context is created. */
    int64_t simd_default;

    thumb_status status;
    char message[CTX_MESSAGE_SIZE];
    /* When the current run must stop (THUMB_OPT_TIMEOUT_MS, copied to
     * timeout_ms for the message), in ctx_now_us() time; 0 outside runs
     * and when there is no deadline. */
    int64_t deadline_us;
    int64_t timeout_ms;

    image_info info; /* input, from the last probe or run */
    thumb_format out_format;
    uint32_t out_width, out_height;
    uint32_t decoded_width, decoded_height;
    size_t input_bytes;
    int64_t decode_us, resize_us, encode_us, total_us;
    int have_output;

    buffer output; /* last result; kept to be reused */
    buffer input;  /* thumb_run_io's copy of the input; kept to be reused */

    /* Kept from the last run for the next (pipeline.c): a run of the same
     * size then allocates nothing large. Freed by pipeline_release(). */
    struct resize *kept_resize; /* the plan: weights, ring, rows */
    struct fanout *kept_fanout; /* the same for JPEG planes (fanout.h) */
    uint8_t *kept_px;           /* the output pixels */
    size_t kept_px_size;
    /* The last ICC profile found to be sRGB by its numbers (color.c). */
    uint8_t *srgb_icc;
    size_t srgb_icc_size;
};

/* Allocation through the context's allocator. A failed allocation records
 * THUMB_ERR_NOMEM with the size on the context and returns NULL. */
void *ctx_malloc(thumb_ctx *ctx, size_t size);
void *ctx_calloc(thumb_ctx *ctx, size_t count, size_t size);
void *ctx_realloc(thumb_ctx *ctx, void *ptr, size_t size);
void ctx_free(thumb_ctx *ctx, void *ptr);

/* Records a failure and returns status. The first failure of a call wins:
 * later ones (an outer layer reporting the same problem) are ignored, so
 * the message names the deepest known cause. */
thumb_status ctx_fail(thumb_ctx *ctx, thumb_status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
thumb_status ctx_failv(thumb_ctx *ctx, thumb_status status, const char *fmt,
                       va_list ap);
/* Forgets the last failure: called at the start of every public call. */
void ctx_clear_error(thumb_ctx *ctx);

/* Monotonic clock in microseconds. */
int64_t ctx_now_us(void);
/* THUMB_ERR_TIMEOUT, recorded with a message saying what was `doing`, once
 * the run's deadline has passed; THUMB_OK before it or without one. One
 * clock read: cheap enough for every row. */
thumb_status ctx_check_deadline(thumb_ctx *ctx, const char *doing);

/* a * b, or 0 with *ok cleared on overflow. */
static inline size_t size_mul(size_t a, size_t b, int *ok) {
    if (a != 0 && b > SIZE_MAX / a) {
        *ok = 0;
        return 0;
    }
    return a * b;
}

#endif
