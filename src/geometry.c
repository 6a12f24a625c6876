#include "geometry.h"

#include <math.h>

/* vipsthumbnail rounds sizes to nearest, halves up (VIPS_ROUND_UINT). */
static uint32_t round_size(double v) {
    double r = floor(v + 0.5);
    if (r < 1)
        return 1;
    if (r > 4294967295.0)
        return UINT32_MAX;
    return (uint32_t)r;
}

void geometry_compute(const geometry_request *req, uint32_t width,
                      uint32_t height, geometry *g) {
    /* A free axis behaves as an infinitely large target on that axis,
     * as vipsthumbnail does with its huge default height. */
    double hshrink = req->width ? (double)width / req->width : 0;
    double vshrink = req->height ? (double)height / req->height : 0;
    thumb_fit fit = req->fit;
    if (!req->width || !req->height)
        fit = THUMB_FIT_INSIDE; /* cover/fill need both axes */

    if (!req->width && !req->height) {
        hshrink = vshrink = 1;
    } else if (fit == THUMB_FIT_INSIDE) {
        hshrink = vshrink = fmax(hshrink, vshrink);
    } else if (fit == THUMB_FIT_COVER) {
        hshrink = vshrink = fmin(hshrink, vshrink);
    } /* THUMB_FIT_FILL: each axis its own */

    if (!req->enlarge) {
        hshrink = fmax(hshrink, 1);
        vshrink = fmax(vshrink, 1);
    }
    /* Never shrink an axis below one pixel. */
    hshrink = fmin(hshrink, width);
    vshrink = fmin(vshrink, height);

    g->scaled_width = round_size(width / hshrink);
    g->scaled_height = round_size(height / vshrink);
    g->out_width = g->scaled_width;
    g->out_height = g->scaled_height;
    g->crop_x = g->crop_y = 0;
    if (fit == THUMB_FIT_COVER) {
        if (g->out_width > req->width)
            g->out_width = req->width;
        if (g->out_height > req->height)
            g->out_height = req->height;
        /* Centre, rounding down like vips_smartcrop's centre mode. */
        g->crop_x = (g->scaled_width - g->out_width) / 2;
        g->crop_y = (g->scaled_height - g->out_height) / 2;
    }
}

void geometry_to_stored(geometry *g, int orientation) {
    if (orientation < 2 || orientation > 8)
        return;
    if (orientation >= 5) {
        uint32_t t;
#define SWAP(a, b) (t = (a), (a) = (b), (b) = t)
        SWAP(g->scaled_width, g->scaled_height);
        SWAP(g->crop_x, g->crop_y);
        SWAP(g->out_width, g->out_height);
#undef SWAP
    }
    /* Stored axes that run backwards on display (see orient.c). */
    int mirror_x = orientation == 2 || orientation == 3 || orientation == 7 ||
                   orientation == 8;
    int mirror_y = orientation == 3 || orientation == 4 || orientation == 6 ||
                   orientation == 7;
    if (mirror_x)
        g->crop_x = g->scaled_width - g->out_width - g->crop_x;
    if (mirror_y)
        g->crop_y = g->scaled_height - g->out_height - g->crop_y;
}
