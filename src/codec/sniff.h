/* Recognises image formats from their first bytes. */
#ifndef THUMB_SNIFF_H
#define THUMB_SNIFF_H

#include "thumbnail.h"

#include <stddef.h>
#include <stdint.h>

/* The format the bytes start with, or THUMB_FORMAT_AUTO when none of the
 * formats the library reads. */
thumb_format sniff_format(const uint8_t *data, size_t size);

/* For an unsupported file, a name for what it seems to be ("TIFF", "BMP",
 * "SVG", "JPEG 2000", ...), or NULL when unrecognised. */
const char *sniff_other_format(const uint8_t *data, size_t size);

#endif
