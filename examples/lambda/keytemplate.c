/* Destination key templates. */
#include "keytemplate.h"

#include <stdio.h>
#include <string.h>

/* Appends n bytes of s, or fails when out would overflow. */
static int append(char *out, size_t cap, size_t *len, const char *s, size_t n) {
    if (n >= cap - *len)
        return 0;
    memcpy(out + *len, s, n);
    *len += n;
    out[*len] = '\0';
    return 1;
}

/* Length of key without the extension of its last segment. A dot that
 * starts the segment (".profile") is not an extension. */
static size_t stem_length(const char *key) {
    const char *slash = strrchr(key, '/');
    const char *segment = slash ? slash + 1 : key;
    const char *dot = strrchr(segment, '.');
    if (!dot || dot == segment)
        return strlen(key);
    return (size_t)(dot - key);
}

keytemplate_status keytemplate_expand(const char *tmpl,
                                      const keytemplate_vars *vars, char *out,
                                      size_t out_size) {
    if (out_size == 0)
        return KEYTEMPLATE_ERR_TOO_LONG;
    size_t cap = out_size < KEYTEMPLATE_MAX_KEY_BYTES + 1
                     ? out_size
                     : KEYTEMPLATE_MAX_KEY_BYTES + 1;
    size_t len = 0;
    out[0] = '\0';
    for (const char *p = tmpl; *p;) {
        if (*p == '}')
            return KEYTEMPLATE_ERR_SYNTAX;
        if (*p != '{') {
            const char *next = strpbrk(p, "{}");
            size_t n = next ? (size_t)(next - p) : strlen(p);
            if (!append(out, cap, &len, p, n))
                return KEYTEMPLATE_ERR_TOO_LONG;
            p += n;
            continue;
        }
        const char *close = strchr(p, '}');
        if (!close)
            return KEYTEMPLATE_ERR_SYNTAX;
        size_t name_len = (size_t)(close - p - 1);
        const char *name = p + 1;
        char number[16];
        const char *value;
        size_t value_len;
#define IS(lit)                                                                \
    (name_len == sizeof(lit) - 1 && memcmp(name, (lit), name_len) == 0)
        if (IS("key")) {
            value = vars->key;
            value_len = strlen(value);
        } else if (IS("key_stem")) {
            value = vars->key;
            value_len = stem_length(value);
        } else if (IS("size")) {
            value = vars->size_name;
            value_len = strlen(value);
        } else if (IS("width") || IS("height")) {
            snprintf(number, sizeof number, "%d",
                     IS("width") ? vars->width : vars->height);
            value = number;
            value_len = strlen(number);
        } else if (IS("ext")) {
            value = vars->ext;
            value_len = strlen(value);
        } else {
            return KEYTEMPLATE_ERR_SYNTAX;
        }
#undef IS
        if (!append(out, cap, &len, value, value_len))
            return KEYTEMPLATE_ERR_TOO_LONG;
        p = close + 1;
    }
    return len == 0 ? KEYTEMPLATE_ERR_SYNTAX : KEYTEMPLATE_OK;
}

size_t keytemplate_fixed_prefix(const char *tmpl) {
    const char *brace = strchr(tmpl, '{');
    return brace ? (size_t)(brace - tmpl) : strlen(tmpl);
}
