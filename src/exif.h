/* Reads the orientation tag from an EXIF (TIFF-structured) block. */
#ifndef THUMB_EXIF_H
#define THUMB_EXIF_H

#include <stddef.h>
#include <stdint.h>

/* data points at the TIFF header ("II*\0" or "MM\0*"), after any
 * "Exif\0\0" prefix, which the function also accepts and skips. Returns
 * the orientation 1..8 from IFD0, or 1 when the block is absent, damaged
 * or holds another value. Reads only within data[0..size). */
int exif_orientation(const uint8_t *data, size_t size);

/* Sets the orientation tag of the block (as above) to 1, in place, for
 * output whose pixels are already turned upright. Leaves any block
 * without a well-formed tag unchanged. */
void exif_reset_orientation(uint8_t *data, size_t size);

#endif
