/*
 * aws_sha256.c -- the payload hash SigV4 signs and S3 wants in
 * x-amz-content-sha256 (libcurl 7.88 does not send that header itself).
 */
#include "aws_internal.h"

#include <openssl/evp.h>

bool aws_sha256_hex(const void *data, size_t len,
                    char out[AWS_SHA256_HEX_SIZE]) {
    static const char hex[] = "0123456789abcdef";
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int digest_len = 0;
    if (!EVP_Digest(len ? data : "", len, digest, &digest_len, EVP_sha256(),
                    NULL) ||
        digest_len * 2 + 1 != AWS_SHA256_HEX_SIZE)
        return false;
    for (unsigned int i = 0; i < digest_len; i++) {
        out[2 * (size_t)i] = hex[digest[i] >> 4];
        out[2 * (size_t)i + 1] = hex[digest[i] & 0xF];
    }
    out[2 * (size_t)digest_len] = '\0';
    return true;
}
