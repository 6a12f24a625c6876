/* The box shrink: each k x k box of 8-bit samples replaced by its mean,
 * the cheap first stage before a Lanczos pass when a source is several
 * times finer than needed (libvips's shrink before its reduce). The fan-
 * out (fanout.h) uses it for an output whose own decode would have been
 * k times smaller than the shared one.
 *
 * Box j covers source samples [j k, j k + k): its centre is at
 * j k + (k - 1) / 2, so a resize that scales the source's span by 1/k
 * keeps every output sample where it was. The right and bottom boxes may
 * be narrower and are averaged over what they cover. Means are rounded
 * half up on even box rows and half down on odd ones, so that rounding
 * adds no bias to the picture's brightness. */
#ifndef THUMB_BOX_H
#define THUMB_BOX_H

#include <stddef.h>
#include <stdint.h>

/* The largest k: sums of k x k samples fit 16 bits. */
#define BOX_MAX 8

/* One row of boxes: the `count` (1..k) source rows `rows`, each `width`
 * pixels of `channels` (1 or 3) interleaved 8-bit samples, into
 * (width + k - 1) / k pixels at out. k is 2, 4 or 8; `sums` holds
 * width x channels uint16; `odd` is the box row's parity. */
typedef void (*box_row_fn)(const uint8_t *const *rows, uint32_t count,
                           size_t width, int channels, uint32_t k,
                           uint16_t *sums, uint8_t *out, int odd);

/* The build for the instruction sets a thumb_simd allows. */
box_row_fn box_row_pick(int simd);

#endif
