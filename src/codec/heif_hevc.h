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

#include <libheif/heif_plugin.h>

const struct heif_decoder_plugin *heif_hevc_plugin(void);

#endif
