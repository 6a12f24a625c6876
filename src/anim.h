/* Animated GIF and WebP input as a sequence of whole frames: each one
 * composited onto the full canvas as a browser shows it, RGBA with
 * straight alpha. */
#ifndef THUMB_ANIM_H
#define THUMB_ANIM_H

#include "ctx.h"

#include <stddef.h>
#include <stdint.h>

typedef struct anim_info {
    uint32_t width, height; /* the canvas (GIF: logical screen) */
    /* How many times the animation plays, 0 forever: WebP's loop count,
     * and libvips's reading of GIF's (a NETSCAPE2.0 count n repeats n
     * times after the first play, as browsers do, so it plays n + 1
     * times; without the extension a GIF plays once). */
    int loop_count;
} anim_info;

typedef struct anim_source anim_source;

/* Opens data (a GIF or WebP the caller has probed and limited) and reads
 * what comes before the first frame. Allocates the canvas. */
thumb_status anim_open(thumb_ctx *ctx, const uint8_t *data, size_t size,
                       thumb_format format, anim_source **out);
const anim_info *anim_source_info(const anim_source *a);
/* The next frame: *canvas (width x height RGBA, owned by the source, valid
 * until the next call) and its display time in milliseconds. At the end,
 * or when a GIF is damaged after its first frame (browsers show what they
 * could read), *canvas is NULL. */
thumb_status anim_next(anim_source *a, const uint8_t **canvas, int *delay_ms);
void anim_close(anim_source *a);

#endif
