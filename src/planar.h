/* The planar path for YCbCr JPEGs: Y, Cb and Cr are resized apart, each
 * from the resolution it is stored at, and turned into RGB only at the
 * output's size.
 *
 * Decoding to RGB first makes libjpeg upsample the chroma and convert
 * every source pixel, and hands the resizer three full-size samples per
 * pixel. Here both conversions run on the output instead, the resizer
 * gets half the samples of a 4:2:0 image, and chroma is filtered from its
 * true samples rather than from interpolated ones. */
#ifndef THUMB_PLANAR_H
#define THUMB_PLANAR_H

#include "codec/decoder.h"
#include "resize/resize.h"

typedef struct planar planar;

/* Plans the three resizes of a started planar decoder (dec->planar) to
 * the output of g, whose source fields and channels are ignored: each
 * plane brings its own. Reuses *kept when it was planned for the same
 * planes and output (a run of the same size then allocates nothing), and
 * takes *kept either way. */
thumb_status planar_reuse(thumb_ctx *ctx, const decoder *dec,
                          const resize_geometry *g, planar **kept,
                          planar **out);
/* Decodes dec to the end and writes the RGB result into out (3 channels,
 * 8 bits, the plan's output size). *decode_us gets the time spent in the
 * decoder. */
thumb_status planar_run(planar *p, decoder *dec, image *out,
                        int64_t *decode_us);
void planar_free(planar *p);

#endif
