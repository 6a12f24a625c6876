/* The clock and sleep of the real transports (aws_transport.h). */
#include "aws_transport.h"

#include <errno.h>
#include <time.h>

#define MS_PER_SECOND 1000
#define NS_PER_MS 1000000L

void aws_system_sleep_ms(void *self, unsigned ms) {
    (void)self;
    struct timespec ts = {ms / MS_PER_SECOND,
                          (long)(ms % MS_PER_SECOND) * NS_PER_MS};
    /* Interrupted by a signal: sleep the rest; any other error, give up. */
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

int64_t aws_system_now_ms(void *self) {
    (void)self;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * MS_PER_SECOND + ts.tv_nsec / NS_PER_MS;
}
