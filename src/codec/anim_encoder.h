/* Animated output: GIF (giflib's EGif, a palette per frame) and WebP
 * (libwebpmux's WebPAnimEncoder). Frames are whole canvases, RGBA with
 * straight alpha, all of the writer's size, added in display order; the
 * file is appended to `out` by finish. */
#ifndef THUMB_ANIM_ENCODER_H
#define THUMB_ANIM_ENCODER_H

#include "../buffer.h"
#include "../image.h"
#include "encoder.h"

/* How the output loops: how many times it plays, 0 forever (as the
 * decoder's loop_count says it, decoder.h). */
typedef struct anim_loop {
    int count;
} anim_loop;

/* A writer of either animated format (GIF or WebP), for callers that
 * need not know which. */
typedef struct anim_writer anim_writer;

thumb_status anim_writer_new(thumb_ctx *ctx, thumb_format format,
                             uint32_t width, uint32_t height,
                             const anim_loop *loop, const encode_options *opt,
                             buffer *out, anim_writer **w);
/* frame: the writer's width x height, RGBA, rows packed. */
thumb_status anim_writer_add(anim_writer *w, const image *frame, int delay_ms);
thumb_status anim_writer_finish(anim_writer *w);
void anim_writer_free(thumb_ctx *ctx, anim_writer *w);

typedef struct gif_writer gif_writer;

thumb_status gif_writer_new(thumb_ctx *ctx, uint32_t width, uint32_t height,
                            const anim_loop *loop, buffer *out, gif_writer **w);
/* frame: width x height, 4 channels, rows packed (anim_writer_add()
 * checks). */
thumb_status gif_writer_add(gif_writer *w, const image *frame, int delay_ms);
thumb_status gif_writer_finish(gif_writer *w);
void gif_writer_free(gif_writer *w);

/* A still image (1 to 4 channels) as a one-frame GIF. */
thumb_status gif_encode(thumb_ctx *ctx, const image *img,
                        const encode_options *opt, buffer *out);

typedef struct webp_anim_writer webp_anim_writer;

thumb_status webp_anim_writer_new(thumb_ctx *ctx, uint32_t width,
                                  uint32_t height, const anim_loop *loop,
                                  const encode_options *opt,
                                  webp_anim_writer **w);
thumb_status webp_anim_writer_add(webp_anim_writer *w, const image *frame,
                                  int delay_ms);
thumb_status webp_anim_writer_finish(webp_anim_writer *w, buffer *out);
void webp_anim_writer_free(webp_anim_writer *w);

#endif
