/* File names of the command: what an output is named after its input,
 * directories, and "-" for the standard streams. */
#ifndef THUMBNAIL_CLI_PATHS_H
#define THUMBNAIL_CLI_PATHS_H

#include <stddef.h>

/* "-" as INPUT is standard input, as OUT standard output. */
#define STDIO_PATH "-"
/* What an output made from standard input is named after in a directory. */
#define STDIN_STEM "stdin"

int is_stdio(const char *path);

const char *base_name(const char *path);

/* An input's name without directory and extension: what its output in
 * OUT is named after. */
typedef struct name_stem {
    const char *text;
    int len;
    int index; /* of the input */
} name_stem;

name_stem stem_of(const char *input, int index);

/* DIR/<input's stem>[-<size>].<ext>, without doubling DIR's trailing
 * slash; size NULL: none. 0 when it does not fit in cap. */
int output_path_in_dir(char *dst, size_t cap, const char *dir,
                       const char *input, const char *size, const char *ext);

int is_directory(const char *path);

/* OUT written as a directory: "thumbs/". */
int names_a_directory(const char *path);

/* Creates dir and its missing parents, as mkdir -p does; 0 with errno
 * set on failure. */
int make_directories(const char *dir);

#endif
