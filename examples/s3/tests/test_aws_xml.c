/*
 * test_aws_xml.c -- the XML reader over expat: paths and text of leaf
 * elements, entities, cut documents, and what it refuses.
 */
#include "aws_internal.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#define SEEN_SIZE 512

/* "start:path;" and "path=text;" in the order reported. */
static void seen_start(void *user, const char *path) {
    char *seen = user;
    size_t n = strlen(seen);
    snprintf(seen + n, SEEN_SIZE - n, "<%s;", path);
}

static void seen_text(void *user, const char *path, const char *text,
                      size_t len) {
    char *seen = user;
    size_t n = strlen(seen);
    assert_int_equal(strlen(text), len);
    snprintf(seen + n, SEEN_SIZE - n, "%s=%s;", path, text);
}

static void leaves_are_reported_with_their_paths(void **state) {
    (void)state;
    static const char doc[] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<R xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">\n"
        "  <A>1</A>\n"
        "  <B><C>x &amp; &lt;y&gt; &#233;&#x1F4F7;</C><D/></B>\n"
        "</R>";
    char seen[SEEN_SIZE] = "";
    aws_xml_handler h = {seen, seen_start, seen_text};
    assert_true(aws_xml_parse(doc, strlen(doc), &h));
    assert_string_equal(seen, "<A;A=1;<B;<B/C;B/C=x & <y> \xc3\xa9"
                              "\xf0\x9f\x93\xb7;<B/D;B/D=;");
}

static void malformed_documents_are_refused(void **state) {
    (void)state;
    static const char *const bad[] = {
        "<R><A>1</B></R>",
        "<R><A>&bogus;</A></R>",
        "<R><A>&#0;</A></R>",
        "not xml at all",
        /* A DTD, here with the start of an entity expansion bomb. */
        ("<!DOCTYPE R [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;\">]>"
         "<R><A>&b;</A></R>"),
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char seen[SEEN_SIZE] = "";
        aws_xml_handler h = {seen, NULL, seen_text};
        if (aws_xml_parse(bad[i], strlen(bad[i]), &h))
            fail_msg("accepted: %s", bad[i]);
    }
}

static void too_deep_is_refused(void **state) {
    (void)state;
    char doc[AWS_XML_MAX_DEPTH * 8 + 64] = "";
    for (int i = 0; i <= AWS_XML_MAX_DEPTH; i++)
        strcat(doc, "<a>");
    for (int i = 0; i <= AWS_XML_MAX_DEPTH; i++)
        strcat(doc, "</a>");
    aws_xml_handler h = {NULL, NULL, NULL};
    assert_false(aws_xml_parse(doc, strlen(doc), &h));
}

static void find_reads_a_cut_document(void **state) {
    (void)state;
    /* An error body cut at the core's bound, mid-element. */
    static const char doc[] = "<ErrorResponse><Error><Type>Sender</Type>"
                              "<Code>InvalidClientTokenId</Code>"
                              "<Message>The security token incl";
    char code[32], message[32];
    assert_true(aws_xml_find(doc, strlen(doc), "Code", code, sizeof code));
    assert_string_equal(code, "InvalidClientTokenId");
    assert_false(
        aws_xml_find(doc, strlen(doc), "Message", message, sizeof message));
    char small[8];
    assert_true(aws_xml_find(doc, strlen(doc), "Code", small, sizeof small));
    assert_string_equal(small, "Invalid");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(leaves_are_reported_with_their_paths),
        cmocka_unit_test(malformed_documents_are_refused),
        cmocka_unit_test(too_deep_is_refused),
        cmocka_unit_test(find_reads_a_cut_document),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
