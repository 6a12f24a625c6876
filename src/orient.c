#include "orient.h"

#include <string.h>

thumb_status orient_apply(thumb_ctx *ctx, image *img, int orientation) {
    if (orientation < 2 || orientation > 8)
        return THUMB_OK;
    int transpose = orientation_transposes(orientation);
    uint32_t w = img->width, h = img->height;
    uint32_t ow = transpose ? h : w, oh = transpose ? w : h;
    size_t n = image_pixel_bytes(img);
    image out;
    thumb_status st =
        image_alloc_depth(ctx, &out, ow, oh, img->channels, img->depth);
    if (st != THUMB_OK)
        return st;
    for (uint32_t y = 0; y < oh; y++) {
        uint8_t *d = image_row(&out, y);
        for (uint32_t x = 0; x < ow; x++, d += n) {
            /* (sx, sy): the stored pixel shown at (x, y). */
            uint32_t sx, sy;
            switch (orientation) {
            case 2: /* mirrored left-right */
                sx = w - 1 - x, sy = y;
                break;
            case 3: /* rotated 180 */
                sx = w - 1 - x, sy = h - 1 - y;
                break;
            case 4: /* mirrored top-bottom */
                sx = x, sy = h - 1 - y;
                break;
            case 5: /* transposed */
                sx = y, sy = x;
                break;
            case 6: /* needs 90 degrees clockwise */
                sx = y, sy = h - 1 - x;
                break;
            case 7: /* transversed */
                sx = w - 1 - y, sy = h - 1 - x;
                break;
            default: /* 8: needs 90 degrees anticlockwise */
                sx = w - 1 - y, sy = x;
                break;
            }
            memcpy(d, image_row(img, sy) + (size_t)sx * n, n);
        }
    }
    image_release(ctx, img);
    *img = out;
    return THUMB_OK;
}
