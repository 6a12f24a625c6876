/* libFuzzer harness: thumb_probe() on any bytes, then every information
 * key. The probe reads headers only, so any input must give an answer or
 * an error quickly, whatever size it declares. */
#include "thumbnail.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    thumb_ctx *ctx = thumb_ctx_new();
    if (!ctx)
        return 0;
    thumb_status st = thumb_probe(ctx, data, size);
    if (st == THUMB_OK) {
        int64_t orientation = thumb_ctx_info(ctx, THUMB_INFO_ORIENTATION);
        int64_t width = thumb_ctx_info(ctx, THUMB_INFO_WIDTH);
        int64_t height = thumb_ctx_info(ctx, THUMB_INFO_HEIGHT);
        int64_t frames = thumb_ctx_info(ctx, THUMB_INFO_FRAMES);
        /* The API promises these; a probe that breaks them is a bug. */
        if (orientation < 1 || orientation > 8 || width < 1 || height < 1 ||
            frames < 1)
            abort();
    } else if (thumb_ctx_error(ctx)[0] == '\0') {
        abort(); /* every failure names its cause */
    }
    thumb_ctx_free(ctx);
    return 0;
}
