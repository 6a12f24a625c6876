/* Smart crop for THUMB_FIT_COVER: which window of the scaled image to
 * keep (THUMB_OPT_CROP), with libvips's entropy and attention strategies.
 * Works on whatever orientation the image is in: the pipeline gives it the
 * stored pixels and the window size mapped there. */
#ifndef THUMB_CROP_H
#define THUMB_CROP_H

#include "image.h"
#include "thumbnail.h"

#include <stdint.h>

/* The top-left corner (*x, *y) of the width x height window of img that
 * strategy keeps; 1 <= width <= img->width, 1 <= height <= img->height.
 * Uses only ctx scratch memory, freed before it returns;
 * THUMB_ERR_NOMEM when that fails. */
thumb_status crop_find(thumb_ctx *ctx, thumb_crop strategy, const image *img,
                       uint32_t width, uint32_t height, uint32_t *x,
                       uint32_t *y);

/* Replaces img by its width x height window at (x, y), in place: the
 * window's rows move down to the start of the same block, packed. */
void crop_extract(image *img, uint32_t x, uint32_t y, uint32_t width,
                  uint32_t height);

#endif
