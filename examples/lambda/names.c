#include "names.h"

#include <string.h>

int names_parse_fit(const char *s, thumb_fit *out) {
    if (strcmp(s, "inside") == 0)
        *out = THUMB_FIT_INSIDE;
    else if (strcmp(s, "cover") == 0)
        *out = THUMB_FIT_COVER;
    else if (strcmp(s, "fill") == 0)
        *out = THUMB_FIT_FILL;
    else
        return 0;
    return 1;
}

int names_parse_format(const char *s, thumb_format *out) {
    if (strcmp(s, "auto") == 0)
        *out = THUMB_FORMAT_AUTO;
    else if (strcmp(s, "jpeg") == 0 || strcmp(s, "jpg") == 0)
        *out = THUMB_FORMAT_JPEG;
    else if (strcmp(s, "png") == 0)
        *out = THUMB_FORMAT_PNG;
    else if (strcmp(s, "webp") == 0)
        *out = THUMB_FORMAT_WEBP;
    else
        return 0;
    return 1;
}
