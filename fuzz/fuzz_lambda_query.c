/* libFuzzer harness: the on-demand request parser
 * (examples/lambda/query.c). The input is split at its first three
 * newlines into method, raw path, raw query and Accept header, each made
 * a C string of its own, as the event parser hands them over. */
#include "query.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Method, path, query, Accept. */
#define FIELDS 4

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    /* One allocation, the newlines turned into terminators: each field
     * ends exactly where ASan can see a read past it. */
    char *copy = malloc(size + 1);
    if (!copy)
        return 0;
    memcpy(copy, data, size);
    copy[size] = '\0';
    const char *field[FIELDS] = {"", "", "", ""};
    char *p = copy;
    for (int i = 0; i < FIELDS && p; i++) {
        field[i] = p;
        char *nl = i < FIELDS - 1 ? strchr(p, '\n') : NULL;
        if (nl)
            *nl = '\0';
        p = nl ? nl + 1 : NULL;
    }

    query_request req;
    char error[QUERY_ERROR_SIZE];
    query_status st =
        query_parse(field[0], field[1], field[2], &req, error, sizeof error);
    if (st == QUERY_OK) {
        /* query.h: what a success promises. */
        size_t key_len = strlen(req.key);
        if (key_len == 0 || key_len > QUERY_MAX_KEY_BYTES || req.width < 0 ||
            req.width > THUMB_MAX_DIMENSION || req.height < 0 ||
            req.height > THUMB_MAX_DIMENSION || req.fit < THUMB_FIT_INSIDE ||
            req.fit > THUMB_FIT_FILL ||
            (req.format != THUMB_FORMAT_AUTO &&
             !thumb_format_can_write(req.format)))
            abort();
        query_request_free(&req);
    } else if (error[0] == '\0') {
        abort();
    }
    int webp = query_accepts(field[3], THUMB_FORMAT_WEBP);
    int avif = query_accepts(field[3], THUMB_FORMAT_AVIF);
    if ((webp != 0 && webp != 1) || (avif != 0 && avif != 1))
        abort();
    free(copy);
    return 0;
}
