/*
 * aws_retry.c -- which failures are worth another attempt, and how long
 * to wait first: exponential backoff with full jitter, which spreads a
 * burst of throttled clients out instead of having them retry in step.
 */
#include "aws_internal.h"

#include <string.h>

#define HTTP_TOO_MANY_REQUESTS 429
#define HTTP_SERVER_ERROR_MIN 500
#define HTTP_SERVER_ERROR_MAX 599

/* Error codes that mean "slow down or try again", whatever the status
 * (S3 sends SlowDown as 503, but some S3-compatible servers use 400). */
static const char *const retryable_codes[] = {
    "SlowDown",           "RequestTimeout",       "InternalError",
    "ServiceUnavailable", "Throttling",           "ThrottlingException",
    "RequestThrottled",   "RequestLimitExceeded",
};

bool aws_retry_is_retryable(aws_transport_result result, long http_status,
                            const char *code) {
    switch (result) {
    case AWS_TRANSPORT_TIMEOUT:
    case AWS_TRANSPORT_CONNECT:
        return true;
    case AWS_TRANSPORT_ABORTED:
    case AWS_TRANSPORT_FAILED:
        return false;
    case AWS_TRANSPORT_OK:
        break;
    }
    if (http_status == HTTP_TOO_MANY_REQUESTS ||
        (http_status >= HTTP_SERVER_ERROR_MIN &&
         http_status <= HTTP_SERVER_ERROR_MAX))
        return true;
    if (code != NULL)
        for (size_t i = 0;
             i < sizeof retryable_codes / sizeof retryable_codes[0]; i++)
            if (strcmp(code, retryable_codes[i]) == 0)
                return true;
    return false;
}

unsigned aws_backoff_ceiling(int attempt, unsigned base_delay_ms,
                             unsigned max_delay_ms) {
    if (attempt < 2)
        return 0;
    uint64_t ceiling = base_delay_ms;
    for (int i = 2; i < attempt && ceiling < max_delay_ms; i++)
        ceiling *= 2;
    return ceiling < max_delay_ms ? (unsigned)ceiling : max_delay_ms;
}

/* splitmix64: small, fast and good enough to decorrelate clients. */
static uint64_t next_random(uint64_t *state) {
    uint64_t z = (*state += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

unsigned aws_backoff_delay(uint64_t *rng, int attempt, unsigned base_delay_ms,
                           unsigned max_delay_ms) {
    unsigned ceiling =
        aws_backoff_ceiling(attempt, base_delay_ms, max_delay_ms);
    return (unsigned)(next_random(rng) % ((uint64_t)ceiling + 1));
}
