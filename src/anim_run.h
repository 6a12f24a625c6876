/* The pipeline for animations: every frame of an animated GIF or WebP,
 * composited (anim.c), resized with the still image's geometry, oriented,
 * and written as an animated GIF or WebP. */
#ifndef THUMB_ANIM_RUN_H
#define THUMB_ANIM_RUN_H

#include "ctx.h"
#include "geometry.h"

/* 1 when the input is animated, THUMB_OPT_ANIMATION allows keeping it and
 * `format` (the output's) can hold it. */
int anim_applies(const thumb_ctx *ctx, const image_info *info,
                 thumb_format format);

/* Checks the frame limits from info (before anything is decoded), then
 * makes the thumbnail of in[0..size) into ctx->output and fills the
 * output fields of ctx. g is the geometry on the stored canvas; icc (or
 * NULL) the input's profile, which every frame is converted from to sRGB
 * (animated GIF and WebP output carry no profile, so
 * THUMB_COLOR_KEEP converts too). */
thumb_status anim_run(thumb_ctx *ctx, const uint8_t *in, size_t size,
                      const image_info *info, const uint8_t *icc,
                      size_t icc_size, const geometry *g, int orientation,
                      thumb_format format);

#endif
