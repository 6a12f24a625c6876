#include "format_list.h"

#include <stdio.h>

int format_end(void) {
    int f = FIRST_FORMAT;
    while (thumb_format_extension((thumb_format)f))
        f++;
    return f;
}

char *format_list(char *buf, size_t cap, int (*has)(thumb_format), int dots) {
    const char *names[FORMAT_LIST_MAX];
    int n = 0;
    for (int f = FIRST_FORMAT; f < format_end(); f++)
        if (has((thumb_format)f) && n < FORMAT_LIST_MAX)
            names[n++] = dots ? thumb_format_extension((thumb_format)f)
                              : thumb_format_name((thumb_format)f);
    size_t len = 0;
    buf[0] = '\0';
    for (int k = 0; k < n && len < cap; k++) {
        const char *sep = k == 0 ? "" : k == n - 1 ? " or " : ", ";
        int w = snprintf(buf + len, cap - len, "%s%s%s", sep, dots ? "." : "",
                         names[k]);
        len += w > 0 ? (size_t)w : 0;
    }
    return buf;
}
