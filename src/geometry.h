/* Output size from the requested box and fit mode, with vipsthumbnail's
 * rules, so that the same request gives the same dimensions. */
#ifndef THUMB_GEOMETRY_H
#define THUMB_GEOMETRY_H

#include "thumbnail.h"

#include <stdint.h>

typedef struct geometry_request {
    uint32_t width, height; /* 0: that axis is free */
    thumb_fit fit;
    int enlarge; /* 0: never scale up */
} geometry_request;

typedef struct geometry {
    /* The whole image after scaling... */
    uint32_t scaled_width, scaled_height;
    /* ...and the window of it that is the output. */
    uint32_t crop_x, crop_y;
    uint32_t out_width, out_height;
} geometry;

/* For an image of width x height (both >= 1). Every size is >= 1. */
void geometry_compute(const geometry_request *req, uint32_t width,
                      uint32_t height, geometry *g);

/* Geometry is computed on the displayed image (after EXIF orientation)
 * and applied to the stored one: this maps it there, exchanging axes for
 * orientations 5..8 and mirroring the crop offset on flipped axes. */
void geometry_to_stored(geometry *g, int orientation);

#endif
