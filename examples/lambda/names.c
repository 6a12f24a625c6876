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
    thumb_format f;
    if (thumb_format_from_name(s, &f) != THUMB_OK ||
        (f != THUMB_FORMAT_AUTO && !thumb_format_can_write(f)))
        return 0;
    *out = f;
    return 1;
}
