/*
 * aws_date.c -- the two date formats S3 answers in: HTTP dates in
 * Last-Modified headers, ISO 8601 in listings. Both are always UTC.
 */
#include "aws_internal.h"

#include <stdio.h>
#include <string.h>

#define DAYS_PER_NON_LEAP_YEAR 365
#define SECONDS_PER_DAY 86400
#define SECONDS_PER_HOUR 3600
#define SECONDS_PER_MINUTE 60
#define MONTHS 12
#define EPOCH_YEAR 1970
#define DATE_BUF_SIZE 64

/* Days since 1970-01-01 of a proleptic Gregorian date (no timegm(),
 * which is not C11 and reads the TZ environment on some libcs). */
static int64_t days_from_civil(int64_t y, int m, int d) {
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * DAYS_PER_NON_LEAP_YEAR + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int64_t to_unix(int y, int mon, int d, int h, int mi, int s) {
    if (y < EPOCH_YEAR || mon < 1 || mon > MONTHS || d < 1 || d > 31 || h < 0 ||
        h > 23 || mi < 0 || mi > 59 || s < 0 || s > 60)
        return -1;
    return days_from_civil(y, mon, d) * SECONDS_PER_DAY +
           (int64_t)h * SECONDS_PER_HOUR + (int64_t)mi * SECONDS_PER_MINUTE + s;
}

int64_t aws_parse_date(const char *s, size_t len) {
    static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    char buf[DATE_BUF_SIZE];
    if (len >= sizeof buf)
        return -1;
    memcpy(buf, s, len);
    buf[len] = '\0';
    int y, mon, d, h, mi, sec;
    char mname[4];
    /* sscanf's count is checked and every field range-checked by to_unix,
     * which is all strtol would add here. */
    // NOLINTNEXTLINE(cert-err34-c)
    if (sscanf(buf, "%d-%d-%dT%d:%d:%d", &y, &mon, &d, &h, &mi, &sec) == 6)
        return to_unix(y, mon, d, h, mi, sec);
    // NOLINTNEXTLINE(cert-err34-c)
    if (sscanf(buf, "%*3s, %d %3s %d %d:%d:%d", &d, mname, &y, &h, &mi, &sec) ==
        6) {
        const char *p = strstr(months, mname);
        if (p == NULL || strlen(mname) != 3 || (p - months) % 3 != 0)
            return -1;
        return to_unix(y, (int)(p - months) / 3 + 1, d, h, mi, sec);
    }
    return -1;
}
