#include "paths.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* Permissions of a created directory, before the umask, as mkdir(1). */
#define DIRECTORY_MODE 0777

int is_stdio(const char *path) {
    return strcmp(path, STDIO_PATH) == 0;
}

const char *base_name(const char *path) {
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

name_stem stem_of(const char *input, int index) {
    if (is_stdio(input))
        return (name_stem){STDIN_STEM, (int)strlen(STDIN_STEM), index};
    const char *base = base_name(input);
    const char *dot = strrchr(base, '.');
    int len = dot && dot != base ? (int)(dot - base) : (int)strlen(base);
    return (name_stem){base, len, index};
}

/* The length of dir without its trailing slashes ("/" stays "/"). */
static int trimmed_length(const char *dir) {
    size_t len = strlen(dir);
    while (len > 1 && dir[len - 1] == '/')
        len--;
    return len > INT_MAX ? INT_MAX : (int)len;
}

int output_path_in_dir(char *dst, size_t cap, const char *dir,
                       const char *input, const char *size, const char *ext) {
    name_stem stem = stem_of(input, 0);
    int dir_len = trimmed_length(dir);
    const char *sep = dir_len > 0 && dir[dir_len - 1] == '/' ? "" : "/";
    return snprintf(dst, cap, "%.*s%s%.*s%s%s.%s", dir_len, dir, sep, stem.len,
                    stem.text, size ? "-" : "", size ? size : "",
                    ext) < (int)cap;
}

int is_directory(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int names_a_directory(const char *path) {
    size_t len = strlen(path);
    return len > 0 && path[len - 1] == '/';
}

int make_directories(const char *dir) {
    char path[PATH_MAX];
    if (snprintf(path, sizeof path, "%s", dir) >= (int)sizeof path) {
        errno = ENAMETOOLONG;
        return 0;
    }
    /* Each parent in turn, then dir itself: an existing one is fine. */
    for (char *p = path + 1;; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char was = *p;
        *p = '\0';
        if (mkdir(path, DIRECTORY_MODE) != 0 && errno != EEXIST)
            return 0;
        *p = was;
        if (was == '\0')
            break;
    }
    if (!is_directory(dir)) {
        errno = ENOTDIR;
        return 0;
    }
    return 1;
}
