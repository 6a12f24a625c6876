/* Error classes. */
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

const char *classify_aws_status(aws_status status) {
    switch (status) {
    case AWS_OK:
        return "ok";
    case AWS_ERR_ARG:
        return "s3_argument";
    case AWS_ERR_NOMEM:
        return "nomem";
    case AWS_ERR_NOT_FOUND:
        return "s3_not_found";
    case AWS_ERR_ACCESS:
        return "s3_access";
    case AWS_ERR_TOO_LARGE:
        return "input_too_large";
    case AWS_ERR_HTTP:
        return "s3_http";
    case AWS_ERR_TRANSPORT:
        return "s3_transport";
    case AWS_ERR_PROTOCOL:
        return "s3_protocol";
    }
    return "unknown";
}
