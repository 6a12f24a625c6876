/* Overwrite protection: a run whose output would replace one of its own
 * inputs is refused before anything is written. */
#ifndef THUMBNAIL_CLI_OVERWRITE_H
#define THUMBNAIL_CLI_OVERWRITE_H

#include <thumbnail.h>

/* The outputs a run will write: one file, or in a directory one per
 * input and variant, named by output_path_in_dir(). */
typedef struct output_names {
    const char *file; /* the output of a single input; NULL: dir */
    const char *dir;
    int variants;
    /* Per variant: the size as written (NULL: not in the name) and the
     * format (THUMB_FORMAT_AUTO: whichever the library picks, so every
     * format it writes is a candidate). */
    const char *const *sizes;
    const thumb_format *formats;
} output_names;

/* 0 when no output would be one of the inputs, by name or as the same
 * file (device and inode, so links and other spellings count); else
 * reports the first such output on stderr and returns 1. */
int replaces_an_input(char *const *inputs, int count, const output_names *out);

#endif
