/*
 * aws_xml.c -- reads AWS's XML response documents (ListBucketResult,
 * Error, ErrorResponse) with expat: well-formedness, entities and
 * character references are expat's, not ours. The documents are flat and
 * small, so the reader hands its caller each element's path and, for an
 * element without children, its text; it keeps nothing of a document but
 * the path of the open elements and the text of the current one.
 */
#include "aws_internal.h"

#include <expat.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* First size of the text buffer; it grows with the longest leaf. */
#define TEXT_INITIAL_CAPACITY 256

typedef struct reader {
    XML_Parser parser;
    const aws_xml_handler *handler;
    int depth;                          /* 0 outside the root */
    size_t path_len;                    /* of path, below the root */
    size_t ends[AWS_XML_MAX_DEPTH + 1]; /* path_len at each depth */
    char path[AWS_XML_PATH_SIZE];
    bool has_child; /* the innermost open element has child elements */
    char *text;
    size_t text_len;
    size_t text_cap;
    bool failed; /* too deep, a DTD, or out of memory */
} reader;

static void stop(reader *r) {
    r->failed = true;
    XML_StopParser(r->parser, XML_FALSE);
}

static void XMLCALL on_start(void *user, const XML_Char *name,
                             const XML_Char **attributes) {
    (void)attributes;
    reader *r = user;
    if (r->failed)
        return;
    r->has_child = true; /* for the parent */
    r->depth++;
    if (r->depth > AWS_XML_MAX_DEPTH) {
        stop(r);
        return;
    }
    /* The root is not part of the path: "Contents/Key", not
     * "ListBucketResult/Contents/Key". */
    if (r->depth > 1) {
        size_t n = strlen(name);
        size_t sep = r->path_len > 0;
        if (r->path_len + sep + n >= sizeof r->path) {
            stop(r);
            return;
        }
        if (sep)
            r->path[r->path_len++] = '/';
        memcpy(r->path + r->path_len, name, n);
        r->path_len += n;
        r->path[r->path_len] = '\0';
        if (r->handler->start != NULL)
            r->handler->start(r->handler->user, r->path);
    }
    r->ends[r->depth] = r->path_len;
    r->has_child = false;
    r->text_len = 0;
}

static void XMLCALL on_text(void *user, const XML_Char *s, int len) {
    reader *r = user;
    if (r->failed || r->has_child || len <= 0)
        return;
    size_t need = r->text_len + (size_t)len + 1;
    if (need > r->text_cap) {
        size_t cap = r->text_cap ? r->text_cap : TEXT_INITIAL_CAPACITY;
        while (cap < need)
            cap *= 2;
        char *p = realloc(r->text, cap);
        if (p == NULL) {
            stop(r);
            return;
        }
        r->text = p;
        r->text_cap = cap;
    }
    memcpy(r->text + r->text_len, s, (size_t)len);
    r->text_len += (size_t)len;
}

static void XMLCALL on_end(void *user, const XML_Char *name) {
    (void)name;
    reader *r = user;
    if (r->failed)
        return;
    if (!r->has_child && r->depth > 1 && r->handler->text != NULL) {
        const char *text = r->text_len > 0 ? r->text : "";
        if (r->text_len > 0)
            r->text[r->text_len] = '\0';
        r->handler->text(r->handler->user, r->path, text, r->text_len);
    }
    r->depth--;
    /* Back in the parent: the path ends where the parent's name did. */
    r->path_len = r->depth > 0 ? r->ends[r->depth] : 0;
    r->path[r->path_len] = '\0';
    r->has_child = true;
    r->text_len = 0;
}

/* AWS never sends a document type declaration; refusing one keeps
 * entity definitions (and their expansion) out altogether. */
static void XMLCALL on_doctype(void *user, const XML_Char *name,
                               const XML_Char *sysid, const XML_Char *pubid,
                               int has_internal_subset) {
    (void)name, (void)sysid, (void)pubid, (void)has_internal_subset;
    stop(user);
}

bool aws_xml_parse(const char *xml, size_t len, const aws_xml_handler *h) {
    if (len > INT_MAX)
        return false;
    reader r;
    memset(&r, 0, sizeof r);
    r.handler = h;
    r.parser = XML_ParserCreate("UTF-8");
    if (r.parser == NULL)
        return false;
    XML_SetUserData(r.parser, &r);
    XML_SetElementHandler(r.parser, on_start, on_end);
    XML_SetCharacterDataHandler(r.parser, on_text);
    XML_SetStartDoctypeDeclHandler(r.parser, on_doctype);
    enum XML_Status st = XML_Parse(r.parser, xml, (int)len, XML_TRUE);
    XML_ParserFree(r.parser);
    free(r.text);
    return st == XML_STATUS_OK && !r.failed;
}

/* ---- The first element of a name --------------------------------------- */

typedef struct finder {
    const char *name;
    char *out;
    size_t out_size;
    bool found;
} finder;

static void find_text(void *user, const char *path, const char *text,
                      size_t len) {
    finder *f = user;
    if (f->found)
        return;
    const char *slash = strrchr(path, '/');
    const char *last = slash != NULL ? slash + 1 : path;
    if (strcmp(last, f->name) != 0)
        return;
    size_t n = len < f->out_size - 1 ? len : f->out_size - 1;
    memcpy(f->out, text, n);
    f->out[n] = '\0';
    f->found = true;
}

bool aws_xml_find(const char *xml, size_t len, const char *name, char *out,
                  size_t out_size) {
    if (out_size == 0)
        return false;
    finder f = {name, out, out_size, false};
    aws_xml_handler h = {&f, NULL, find_text};
    /* Error bodies are cut at a bound: an element read before the cut
     * counts even though the document as a whole is then malformed. */
    aws_xml_parse(xml, len, &h);
    return f.found;
}
