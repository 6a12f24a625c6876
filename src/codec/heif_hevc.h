/* HEVC for libheif through libde265, every picture cleared before it is
 * decoded into.
 *
 * libheif 1.15's own libde265 plugin passes libde265's pictures on as
 * they are. On a damaged stream (a slice missing or cut short) libde265
 * leaves parts of a picture unwritten and predicts other parts from them:
 * the thumbnail then showed whatever the heap held before, which in a
 * service thumbnailing many users' uploads can be another upload's
 * pixels, and different bytes on each run. fuzz_pipeline's check that a
 * second run gives the same bytes found it; valgrind traced the unset
 * bytes to the planes libde265 allocates. This plugin is libheif's, in C,
 * with libde265's picture allocator replaced by one that zeroes; it is
 * registered on each heif_context above libheif's own. */
#ifndef THUMB_HEIF_HEVC_H
#define THUMB_HEIF_HEVC_H

#include "../ctx.h"

#include <libheif/heif_plugin.h>

const struct heif_decoder_plugin *heif_hevc_plugin(void);

/* The run whose deadline the plugin checks before each picture it
 * decodes in this thread (each tile of a grid): set around
 * heif_decode_image(), NULL after. libheif 1.15 gives a plugin no user
 * pointer and its progress callbacks cannot cancel, so this is how a
 * 48-tile iPhone photo stops between tiles; it works because
 * heif_decode.c has libheif decode tiles in the calling thread. */
void heif_hevc_set_run(thumb_ctx *ctx);

#endif
