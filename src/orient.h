/* EXIF orientation: turning the stored image into the displayed one. */
#ifndef THUMB_ORIENT_H
#define THUMB_ORIENT_H

#include "image.h"
#include "thumbnail.h"

/* 1 when orientation 5..8 exchanges width and height. */
static inline int orientation_transposes(int orientation) {
    return orientation >= 5 && orientation <= 8;
}

/* Replaces img by its displayed form for EXIF orientation 1..8 (1 and
 * anything else out of range leave it as it is). Applied to the small
 * resized image, so its cost is negligible. */
thumb_status orient_apply(thumb_ctx *ctx, image *img, int orientation);

#endif
