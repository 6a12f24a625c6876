/* Error classes and content types. */
#include "classify.h"

const char *classify_thumb_status(thumb_status status) {
    switch (status) {
    case THUMB_OK:
        return "ok";
    case THUMB_ERR_INVALID_ARGUMENT:
        return "invalid_argument";
    case THUMB_ERR_UNSUPPORTED_FORMAT:
        return "unsupported_format";
    case THUMB_ERR_UNSUPPORTED_FEATURE:
        return "unsupported_feature";
    case THUMB_ERR_CORRUPT:
        return "corrupt";
    case THUMB_ERR_LIMIT:
        return "limit";
    case THUMB_ERR_NOMEM:
        return "nomem";
    case THUMB_ERR_IO:
        return "io";
    case THUMB_ERR_ENCODE:
        return "encode";
    case THUMB_ERR_INTERNAL:
        return "internal";
    case THUMB_ERR_TIMEOUT:
        return "timeout";
    }
    return "unknown";
}

const char *classify_s3_status(s3_status status) {
    switch (status) {
    case S3_OK:
        return "ok";
    case S3_ERR_ARG:
        return "s3_argument";
    case S3_ERR_NOMEM:
        return "nomem";
    case S3_ERR_NOT_FOUND:
        return "s3_not_found";
    case S3_ERR_ACCESS:
        return "s3_access";
    case S3_ERR_TOO_LARGE:
        return "input_too_large";
    case S3_ERR_HTTP:
        return "s3_http";
    case S3_ERR_TRANSPORT:
        return "s3_transport";
    case S3_ERR_PROTOCOL:
        return "s3_protocol";
    }
    return "unknown";
}

const char *classify_content_type(thumb_format format) {
    switch (format) {
    case THUMB_FORMAT_JPEG:
        return "image/jpeg";
    case THUMB_FORMAT_PNG:
        return "image/png";
    case THUMB_FORMAT_WEBP:
        return "image/webp";
    default:
        return "application/octet-stream";
    }
}

const char *classify_extension(thumb_format format) {
    switch (format) {
    case THUMB_FORMAT_JPEG:
        return "jpg";
    case THUMB_FORMAT_PNG:
        return "png";
    case THUMB_FORMAT_WEBP:
        return "webp";
    default:
        return "bin";
    }
}
