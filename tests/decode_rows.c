#include "decode_rows.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Most rows one decoder_read_rows() call may be given here. */
#define DECODE_ROWS_MAX_PER_CALL 16

decoded_rows decode_rows_finish(thumb_ctx *ctx, decoder *d,
                                thumb_status open_status, uint32_t min_w,
                                uint32_t min_h, uint64_t max_pixels,
                                uint32_t rows_per_call) {
    decoded_rows r;
    memset(&r, 0, sizeof r);
    ck_assert_uint_le(rows_per_call, DECODE_ROWS_MAX_PER_CALL);
    thumb_status st = open_status;
    if (st != THUMB_OK)
        goto done;
    r.info = d->info;
    if ((uint64_t)d->info.width * d->info.height > max_pixels) {
        st = THUMB_ERR_LIMIT;
        goto close;
    }
    st = decoder_start(
        d, &(decoder_request){.min_width = min_w, .min_height = min_h});
    if (st != THUMB_OK)
        goto close;
    r.width = d->width;
    r.height = d->height;
    r.channels = d->channels;
    size_t stride = (size_t)d->width * d->channels;
    r.px = malloc(stride * d->height + 1); /* + 1: never malloc(0) */
    ck_assert_ptr_nonnull(r.px);
    for (uint32_t y = 0; y < d->height && st == THUMB_OK;) {
        uint8_t *rows[DECODE_ROWS_MAX_PER_CALL];
        uint32_t n =
            d->height - y < rows_per_call ? d->height - y : rows_per_call;
        for (uint32_t i = 0; i < n; i++)
            rows[i] = r.px + (size_t)(y + i) * stride;
        st = decoder_read_rows(d, rows, n);
        y += n;
    }
close:
    decoder_close(d);
done:
    r.status = st;
    snprintf(r.message, sizeof r.message, "%s", ctx->message);
    if (st != THUMB_OK) {
        free(r.px);
        r.px = NULL;
    }
    return r;
}
