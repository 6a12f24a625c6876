/* An exact float64 Lanczos3 resize for the tests, written from the
 * definition: the whole source scaled to scaled_w x scaled_h, the
 * dst_w x dst_h window at (crop_x, crop_y) of that returned. Sample centres
 * at (i + 0.5) * scale - 0.5, the kernel widened by the shrink factor,
 * weights normalised, edges clamped; alpha (2 or 4 channels) filtered
 * premultiplied and returned straight; rounded to 8 bits once, at the
 * very end. */
#ifndef THUMB_TEST_LANCZOS_REF_H
#define THUMB_TEST_LANCZOS_REF_H

#include <stdint.h>

typedef struct lanczos_ref_geometry {
    uint32_t src_w, src_h;
    uint32_t scaled_w, scaled_h;
    uint32_t crop_x, crop_y;
    uint32_t dst_w, dst_h;
    int channels;
} lanczos_ref_geometry;

/* src is src_w x src_h x channels, tightly packed. Returns a malloc'd
 * dst_w x dst_h x channels image (the program aborts when out of
 * memory). */
uint8_t *lanczos_ref_resize(const uint8_t *src, const lanczos_ref_geometry *g);
/* The same on samples of any scale (max: full scale, which alpha
 * premultiplies by), unrounded and unclamped. */
double *lanczos_ref_resize_f(const double *src, const lanczos_ref_geometry *g,
                             double max);

#endif
