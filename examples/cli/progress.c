#include "progress.h"

#include <time.h>

/* Seconds between redraws: often enough to look alive, rarely enough that
 * a fast batch does not spend its time writing to the terminal. */
#define PROGRESS_INTERVAL 0.2
#define SECONDS_PER_MINUTE 60
#define SECONDS_PER_HOUR 3600

/* "\r" and erase to the end of the line (ECMA-48 EL). */
#define CLEAR_LINE "\r\033[K"

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void progress_start(progress *p, FILE *out, int total) {
    *p = (progress){.out = out, .total = total, .start = now()};
}

/* "1:05:09", "4:09" or "0:07". */
static void print_duration(FILE *out, double seconds) {
    long s = (long)(seconds + 0.5);
    if (s >= SECONDS_PER_HOUR)
        fprintf(out, "%ld:%02ld:%02ld", s / SECONDS_PER_HOUR,
                s % SECONDS_PER_HOUR / SECONDS_PER_MINUTE,
                s % SECONDS_PER_MINUTE);
    else
        fprintf(out, "%ld:%02ld", s / SECONDS_PER_MINUTE,
                s % SECONDS_PER_MINUTE);
}

void progress_update(progress *p, int done, int failed) {
    if (!p->out)
        return;
    double t = now();
    if (p->drawn > 0 && t - p->drawn < PROGRESS_INTERVAL && done < p->total)
        return;
    p->drawn = t;
    double elapsed = t - p->start;
    fprintf(p->out, CLEAR_LINE "[%d/%d]", done, p->total);
    if (elapsed > 0 && done > 0) {
        double rate = done / elapsed;
        fprintf(p->out, " %.1f images/s, ", rate);
        print_duration(p->out, (p->total - done) / rate);
        fputs(" left", p->out);
    }
    fprintf(p->out, ", %d failed", failed);
    fflush(p->out);
}

void progress_clear(progress *p) {
    if (!p->out || p->drawn == 0)
        return;
    fputs(CLEAR_LINE, p->out);
    p->drawn = 0;
}

void progress_finish(progress *p, int done, int failed) {
    if (!p->out)
        return;
    double elapsed = now() - p->start;
    fprintf(p->out, CLEAR_LINE "%d of %d converted, %d failed, in ",
            done - failed, p->total, failed);
    if (elapsed < SECONDS_PER_MINUTE)
        fprintf(p->out, "%.1f s", elapsed);
    else
        print_duration(p->out, elapsed);
    if (elapsed > 0)
        fprintf(p->out, " (%.1f images/s)", done / elapsed);
    fputc('\n', p->out);
}
