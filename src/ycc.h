/* JFIF's YCbCr -> RGB (libjpeg's jdcolor.c) for the planar JPEG path
 * (fanout.c): a row of the three planes' resize outputs, Q6 int16 each, to
 * 8-bit RGB, rounded once. Every build computes the same integers, so
 * all agree byte for byte with ycc_to_rgb_scalar(). */
#ifndef THUMB_YCC_H
#define THUMB_YCC_H

#include <stddef.h>
#include <stdint.h>

typedef void (*ycc_to_rgb_fn)(const int16_t *y, const int16_t *cb,
                              const int16_t *cr, uint8_t *rgb, uint32_t width);

/* The definition: plain C. */
void ycc_to_rgb_scalar(const int16_t *y, const int16_t *cb, const int16_t *cr,
                       uint8_t *rgb, uint32_t width);

/* The build for the instruction sets a thumb_simd value allows on this
 * CPU. */
ycc_to_rgb_fn ycc_pick(int simd);

/* Every build this CPU runs, scalar first; how many were written to out
 * (at most cap). For the tests. */
size_t ycc_test_builds(ycc_to_rgb_fn *out, size_t cap);

#endif
