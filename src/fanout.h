/* One decode, several resizes: the decoder's rows, or a YCbCr JPEG's
 * planes, go through a ring of decoded row groups that every output's
 * resize pulls from at its own pace. A group leaves the ring once no
 * resize needs it. Each output is made as a single resize would make it,
 * from the same rows, so outputs are byte-identical to single runs at the
 * same decode scale.
 *
 * Planes: Y, Cb and Cr are resized apart, each from the resolution it is
 * stored at, and turned into RGB only at the output's size. Decoding to
 * RGB first makes libjpeg upsample the chroma and convert every source
 * pixel, and hands the resizer three full-size samples per pixel; here
 * both conversions run on the output instead, the resizer gets half the
 * samples of a 4:2:0 image, and chroma is filtered from its true samples
 * rather than from interpolated ones. */
#ifndef THUMB_FANOUT_H
#define THUMB_FANOUT_H

#include "codec/decoder.h"
#include "color.h"
#include "resize/resize.h"

typedef struct fanout fanout;

/* One output: its resize geometry (the source fields are the decoder's
 * rows; with planes, each plane brings its own and the output is 3
 * channels of 8 bits), and for rows the colour transform applied as rows
 * leave the ring (NULL: none), whose output channels g.channels says. */
typedef struct fanout_output {
    resize_geometry g;
    color_transform *color;
    /* Per plane (rows: [0]), 0 or 1 (none), or 2, 4 or 8: the output's
     * resize reads the source averaged over boxes of shrink x shrink
     * samples (fewer at the right and bottom edges), a box filter before
     * the Lanczos one as libvips's shrink before its reduce. For an output
     * the shared decode is finer for than its own shrink-on-load would
     * be: a 256 box from the decode a 1024 one needs then costs a quarter
     * of its rows and columns instead of a full-resolution Lanczos pass.
     * 8-bit samples without alpha or linear light only. */
    uint32_t shrink[DECODER_PLANES];
} fanout_output;

/* Plans n outputs (n >= 1) from the started decoder dec, rows or planes
 * (dec->planar). Reuses *kept when it was planned for the same source and
 * outputs (a run of the same size then allocates nothing), and takes
 * *kept either way. */
thumb_status fanout_reuse(thumb_ctx *ctx, const decoder *dec,
                          const fanout_output *outputs, size_t n, fanout **kept,
                          fanout **out);
/* Where one output's rows go: into img, row by row; or, when img->px is
 * NULL, each made in slot(opaque) and then given to done(opaque) (an
 * encoder that takes rows as they come). img has the output's size,
 * channels and depth either way. A failure done() returns ends the run. */
typedef struct fanout_sink {
    image *img;
    uint8_t *(*slot)(void *opaque);
    thumb_status (*done)(void *opaque);
    void *opaque;
} fanout_sink;

/* Decodes dec's image (or its current frame) to the end and gives output
 * i's rows to sinks[i]. *decode_us gets the time spent in the decoder. */
thumb_status fanout_run(fanout *f, decoder *dec, const fanout_sink *sinks,
                        int64_t *decode_us);
void fanout_free(fanout *f);

#endif
