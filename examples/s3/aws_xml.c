/*
 * aws_xml.c -- reads elements out of S3's response documents
 * (ListBucketResult, Error). They are flat, generated, namespace-free
 * for the elements read here, and never use CDATA, so finding
 * <Name>...</Name> and decoding entities is exact for them.
 */
#include "aws_internal.h"

#include <stdlib.h>
#include <string.h>

/* Longest entity decoded: "&#x10FFFF;". */
#define MAX_ENTITY_LEN 10
#define MAX_UTF8_LEN 4
#define MAX_CODE_POINT 0x10FFFF

bool aws_xml_next(const char *xml, size_t len, size_t *pos, const char *name,
                  const char **content, size_t *content_len) {
    size_t name_len = strlen(name);
    size_t i = *pos;
    while (i < len) {
        const char *lt = memchr(xml + i, '<', len - i);
        if (lt == NULL)
            return false;
        size_t at = (size_t)(lt - xml);
        /* "<Name>" exactly; "<Name/>" is an empty element. */
        if (len - at >= name_len + 3 &&
            memcmp(xml + at + 1, name, name_len) == 0) {
            char after = xml[at + 1 + name_len];
            if (after == '/' && xml[at + 2 + name_len] == '>') {
                *content = xml + at;
                *content_len = 0;
                *pos = at + name_len + 3;
                return true;
            }
            if (after == '>') {
                size_t start = at + name_len + 2;
                for (size_t j = start; j + name_len + 3 <= len; j++) {
                    if (xml[j] == '<' && xml[j + 1] == '/' &&
                        memcmp(xml + j + 2, name, name_len) == 0 &&
                        xml[j + 2 + name_len] == '>') {
                        *content = xml + start;
                        *content_len = j - start;
                        *pos = j + name_len + 3;
                        return true;
                    }
                }
                return false;
            }
        }
        i = at + 1;
    }
    return false;
}

static size_t put_utf8(unsigned long cp, char *out) {
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | cp >> 6);
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | cp >> 12);
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | cp >> 18);
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Decodes the entity at s (which starts with '&') into out; returns the
 * bytes consumed from s, 0 if it is not a known entity. */
static size_t decode_entity(const char *s, size_t len, char *out,
                            size_t *out_len) {
    static const struct {
        const char *name;
        char c;
    } named[] = {{"&amp;", '&'},
                 {"&lt;", '<'},
                 {"&gt;", '>'},
                 {"&quot;", '"'},
                 {"&apos;", '\''}};
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++) {
        size_t n = strlen(named[i].name);
        if (len >= n && memcmp(s, named[i].name, n) == 0) {
            out[0] = named[i].c;
            *out_len = 1;
            return n;
        }
    }
    if (len < 4 || s[1] != '#')
        return 0;
    const char *semi =
        memchr(s, ';', len < MAX_ENTITY_LEN ? len : MAX_ENTITY_LEN);
    if (semi == NULL)
        return 0;
    char digits[MAX_ENTITY_LEN + 1];
    bool hexa = s[2] == 'x' || s[2] == 'X';
    size_t start = hexa ? 3 : 2;
    size_t n = (size_t)(semi - s) - start;
    if (n == 0)
        return 0;
    memcpy(digits, s + start, n);
    digits[n] = '\0';
    char *end;
    unsigned long cp = strtoul(digits, &end, hexa ? 16 : 10);
    if (*end != '\0' || cp == 0 || cp > MAX_CODE_POINT)
        return 0;
    *out_len = put_utf8(cp, out);
    return (size_t)(semi - s) + 1;
}

void aws_xml_text_to(const char *content, size_t len, char *out,
                     size_t out_size) {
    size_t o = 0;
    for (size_t i = 0; i < len && o + 1 < out_size;) {
        char tmp[MAX_UTF8_LEN];
        size_t tmp_len = 0;
        size_t used = content[i] == '&'
                          ? decode_entity(content + i, len - i, tmp, &tmp_len)
                          : 0;
        if (used == 0) {
            out[o++] = content[i++];
            continue;
        }
        if (o + tmp_len + 1 > out_size)
            break;
        memcpy(out + o, tmp, tmp_len);
        o += tmp_len;
        i += used;
    }
    if (out_size > 0)
        out[o] = '\0';
}

char *aws_xml_text(const char *content, size_t len) {
    /* Decoding never makes text longer: every entity is at least as long
     * as the UTF-8 it stands for. */
    char *out = malloc(len + 1);
    if (out != NULL)
        aws_xml_text_to(content, len, out, len + 1);
    return out;
}
