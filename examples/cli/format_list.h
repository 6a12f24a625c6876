/* The formats the library reads or writes, as text for messages: asked of
 * the library, never written down here. */
#ifndef THUMBNAIL_CLI_FORMAT_LIST_H
#define THUMBNAIL_CLI_FORMAT_LIST_H

#include <stddef.h>
#include <thumbnail.h>

/* Room for every format's name or extension, joined. */
#define FORMAT_LIST_MAX 128

/* The first format value after THUMB_FORMAT_AUTO; formats run on from
 * here until thumb_format_extension() says a value is no format. */
#define FIRST_FORMAT THUMB_FORMAT_JPEG

/* The first value past the last format. */
int format_end(void);

/* "jpeg, png, webp or gif": the names of the formats for which
 * has(format) is 1. With dots set, their extensions (".jpg, .png...")
 * instead. Returns buf. */
char *format_list(char *buf, size_t cap, int (*has)(thumb_format), int dots);

#endif
