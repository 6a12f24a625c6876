#include "overwrite.h"

#include "format_list.h"
#include "paths.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* An input file as the file system knows it. */
typedef struct file_id {
    dev_t dev;
    ino_t ino;
    int index; /* of the input */
} file_id;

static int compare_ids(const void *pa, const void *pb) {
    const file_id *a = pa, *b = pb;
    if (a->dev != b->dev)
        return a->dev < b->dev ? -1 : 1;
    if (a->ino != b->ino)
        return a->ino < b->ino ? -1 : 1;
    return 0;
}

/* The inputs that exist, sorted for bsearch(); standard input is none. */
static int input_ids(char *const *inputs, int count, file_id *ids) {
    int n = 0;
    struct stat st;
    for (int i = 0; i < count; i++)
        if (!is_stdio(inputs[i]) && stat(inputs[i], &st) == 0)
            ids[n++] = (file_id){st.st_dev, st.st_ino, i};
    qsort(ids, (size_t)n, sizeof *ids, compare_ids);
    return n;
}

/* The input that path is the same file as, or -1. */
static int input_at(const char *path, const file_id *ids, int n) {
    struct stat st;
    if (stat(path, &st) != 0)
        return -1;
    file_id key = {st.st_dev, st.st_ino, 0};
    const file_id *hit =
        bsearch(&key, ids, (size_t)n, sizeof *ids, compare_ids);
    return hit ? hit->index : -1;
}

static int report(const char *output, const char *input) {
    fprintf(stderr,
            "thumbnail: the output %s would replace the input %s; nothing "
            "written (choose another -o, or give --overwrite)\n",
            output, input);
    return 1;
}

/* Whether input i's output of variant v, in any format it may take,
 * is an input. */
static int replaces_in_dir(char *const *inputs, int i, int v,
                           const output_names *out, const file_id *ids, int n) {
    thumb_format f = out->formats[v];
    int first = f != THUMB_FORMAT_AUTO ? (int)f : FIRST_FORMAT;
    int end = f != THUMB_FORMAT_AUTO ? (int)f + 1 : format_end();
    char path[PATH_MAX];
    for (int g = first; g < end; g++) {
        if (!thumb_format_can_write((thumb_format)g) ||
            !output_path_in_dir(path, sizeof path, out->dir, inputs[i],
                                out->sizes[v],
                                thumb_format_extension((thumb_format)g)))
            continue;
        int hit = input_at(path, ids, n);
        if (hit >= 0)
            return report(path, inputs[hit]);
    }
    return 0;
}

int replaces_an_input(char *const *inputs, int count, const output_names *out) {
    file_id *ids = malloc((size_t)count * sizeof *ids);
    if (!ids) {
        fprintf(stderr, "thumbnail: out of memory\n");
        return 1;
    }
    int n = input_ids(inputs, count, ids);
    int found = 0;
    if (out->file) {
        /* One input: the same name counts even before the file exists. */
        int hit = is_stdio(out->file)             ? -1
                  : !strcmp(out->file, inputs[0]) ? 0
                                                  : input_at(out->file, ids, n);
        found = hit >= 0 && report(out->file, inputs[hit]);
    }
    for (int i = 0; !out->file && !found && i < count; i++)
        for (int v = 0; !found && v < out->variants; v++)
            found = replaces_in_dir(inputs, i, v, out, ids, n);
    free(ids);
    return found;
}
