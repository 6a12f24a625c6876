/* Test helper: decode every row of an image through the decoder interface
 * (src/codec/decoder.h), as the pipeline would, into one buffer. Shared by
 * the codec tests. */
#ifndef THUMB_TEST_DECODE_ROWS_H
#define THUMB_TEST_DECODE_ROWS_H

#include "codec/decoder.h"
#include "ctx.h"

typedef struct decoded_rows {
    thumb_status status;
    char message[CTX_MESSAGE_SIZE];
    image_info info;
    uint32_t width, height;
    int channels;
    uint8_t *px; /* width * height * channels, malloc'd; NULL on failure */
} decoded_rows;

/* Finishes what opening d began (decoder_open(), or a codec's probe),
 * given the status opening returned: refuses more than max_pixels with
 * THUMB_ERR_LIMIT as the pipeline would, starts at min_w x min_h, reads
 * every row rows_per_call at a time, and closes d. When opening failed, d
 * is left alone and only the status and ctx's message are recorded. */
decoded_rows decode_rows_finish(thumb_ctx *ctx, decoder *d,
                                thumb_status open_status, uint32_t min_w,
                                uint32_t min_h, uint64_t max_pixels,
                                uint32_t rows_per_call);

#endif
