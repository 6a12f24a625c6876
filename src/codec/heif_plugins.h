/* libthumbnail's decoder plugins for libheif, registered on each
 * heif_context above libheif's own (the highest priority wins):
 *
 * - HEVC (heif_hevc.c): libheif 1.15's libde265 plugin, in C, with every
 *   picture zeroed before libde265 decodes into it. On a damaged stream
 *   (a slice missing or cut short) libde265 leaves parts of a picture
 *   unwritten and predicts other parts from them, and libheif's plugin
 *   passes the picture on: the thumbnail showed whatever the heap held,
 *   which in a service thumbnailing many users' uploads can be another
 *   upload's pixels. fuzz_pipeline's check that a second run gives the
 *   same bytes found it; valgrind traced the unset bytes to libde265's
 *   planes.
 * - AV1 (heif_av1.c): libheif's own best AV1 decoder (dav1d here),
 *   wrapped to check the deadline.
 *
 * Both check the deadline of the run they decode for before each picture,
 * that is before each tile of a grid: libheif 1.15 can neither cancel a
 * decode nor give a plugin a user pointer, so the run reaches them through
 * heif_plugins_set_run(), set around heif_decode_image() in the thread
 * that calls it; heif_decode.c has libheif decode tiles in that thread. */
#ifndef THUMB_HEIF_PLUGINS_H
#define THUMB_HEIF_PLUGINS_H

#include "../ctx.h"

#include <libheif/heif_plugin.h>

/* Above libheif's own plugins (at most 100). */
#define HEIF_PLUGINS_PRIORITY 200

const struct heif_decoder_plugin *heif_hevc_plugin(void);

/* NULL when this libheif has no AV1 decoder, or is a version whose
 * decoder descriptors are not known to be its plugins (heif_av1.c). */
const struct heif_decoder_plugin *heif_av1_plugin(void);

/* What a run was doing when the plugins found its deadline passed, for
 * its message. */
#define HEIF_PLUGINS_DOING "decoding the tiles of a HEIF image"

/* The run whose deadline the plugins check in this thread; NULL after. */
void heif_plugins_set_run(thumb_ctx *ctx);

/* Ok, or the error a plugin returns when the run's deadline has passed
 * (the run's own message then says so). */
struct heif_error heif_plugins_check_deadline(void);

#endif
