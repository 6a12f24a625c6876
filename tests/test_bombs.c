/* Decompression bombs (corpus bad/bomb/: a 1 MiB JPEG declaring 280 MP, a
 * PNG declaring 65536x65536, a 44-byte GIF declaring a 65535x10751 frame,
 * a 1x1 PNG whose zTXt inflates without end) are refused -- or, for the
 * zTXt one, decoded without its text -- before any large allocation.
 *
 * Two measures, since only part of the memory goes through our allocator:
 * - the peak of live bytes through the context's allocator (ours, libpng's
 *   and zlib's), which must stay under PEAK_BYTES_MAX;
 * - the growth of the process's peak address space (VmPeak), which sees
 *   what libjpeg, giflib and libwebp get from malloc too, even memory they
 *   reserve and never touch. Each file runs in a child process of its own,
 *   so that the peak is that file's, and under an address-space limit
 *   (RLIMIT_AS), so that a bomb that does allocate fails fast instead of
 *   taking the machine's memory.
 *
 * Limits on frame counts and on the total pixels of an animation belong to
 * animated output, which does not exist yet: a still thumbnail reads the
 * first frame only, whatever the count. */
#include "counting_alloc.h"
#include "support.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <thumbnail.h>
#include <time.h>
#include <unistd.h>

/* What refusing a bomb may cost through our allocator: the decoder's state,
 * libpng's structs and a 32 KiB zlib window, the EXIF and ICC blocks at
 * most a few KiB here. The smallest bomb's pixels would take 64 MiB. */
#define PEAK_BYTES_MAX ((size_t)1 << 20)
/* What it may add to the process's address space: the codec libraries'
 * own small pools, and malloc growing its heap in steps. A bomb decoded
 * would add hundreds of MiB (giant-image.jpg: 280 MB of grey rows in
 * libjpeg's buffers alone for a full decode). */
#define ADDRESS_SPACE_GROWTH_MAX ((long)16 << 20)
/* The backstop: past this much more address space, allocations fail. */
#define ADDRESS_SPACE_LIMIT ((rlim_t)256 << 20)
/* Refusing is a header read: fast even under sanitizers. */
#define SECONDS_MAX 1.0
#define KIB 1024

/* Bombs that are valid images once their bomb part is skipped. */
static const char *const decodable[] = {
    /* 1x1 grey; only its ancillary zTXt chunk inflates without end, and
     * text chunks are skipped unread. */
    "bad/bomb/png_decompression_dos.png",
};

static int may_decode(const char *path) {
    for (size_t i = 0; i < sizeof decodable / sizeof decodable[0]; i++)
        if (strcmp(path, decodable[i]) == 0)
            return 1;
    return 0;
}

/* A field of /proc/self/status in bytes (the file gives kB), or -1. */
static long proc_status_bytes(const char *field) {
    FILE *f = fopen("/proc/self/status", "r");
    if (!f)
        return -1;
    char line[256];
    size_t n = strlen(field);
    long value = -1;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, field, n) == 0 && line[n] == ':') {
            value = strtol(line + n + 1, NULL, 10) * KIB;
            break;
        }
    fclose(f);
    return value;
}

/* What the child reports. */
typedef struct bomb_result {
    int ok; /* the child got as far as running the file */
    thumb_status status;
    size_t peak_bytes;
    long live_blocks; /* after thumb_ctx_free */
    long growth;      /* VmPeak after minus VmSize before, bytes */
    double seconds;
    char message[256];
} bomb_result;

/* In the child: no Check calls, only the result down the pipe. */
static void run_in_child(const uint8_t *data, size_t size, int fd) {
    bomb_result r;
    memset(&r, 0, sizeof r);
    long before = proc_status_bytes("VmSize");
    struct rlimit limit = {before + ADDRESS_SPACE_LIMIT,
                           before + ADDRESS_SPACE_LIMIT};
    if (before > 0 && setrlimit(RLIMIT_AS, &limit) == 0) {
        counting_allocator a;
        counting_allocator_init(&a);
        thumb_allocator hooks = counting_allocator_hooks(&a);
        thumb_ctx *ctx = thumb_ctx_new_with_allocator(&hooks);
        if (ctx) {
            const unsigned char *out;
            size_t out_len;
            double t0 = test_seconds();
            r.status = thumb_run(ctx, data, size, &out, &out_len);
            r.seconds = test_seconds() - t0;
            snprintf(r.message, sizeof r.message, "%s", thumb_ctx_error(ctx));
            thumb_ctx_free(ctx);
            r.peak_bytes = a.peak_bytes;
            r.live_blocks = a.live_blocks;
            r.growth = proc_status_bytes("VmPeak") - before;
            r.ok = 1;
        }
    }
    ssize_t n = write(fd, &r, sizeof r);
    _exit(n == (ssize_t)sizeof r ? 0 : 1);
}

static bomb_result run_forked(const char *path) {
    size_t size;
    uint8_t *data = read_corpus(path, &size);
    int fds[2];
    ck_assert_int_eq(pipe(fds), 0);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        close(fds[0]);
        run_in_child(data, size, fds[1]);
    }
    close(fds[1]);
    bomb_result r;
    memset(&r, 0, sizeof r);
    ssize_t got;
    do
        got = read(fds[0], &r, sizeof r);
    while (got < 0 && errno == EINTR);
    close(fds[0]);
    int wstatus;
    ck_assert_int_eq(waitpid(pid, &wstatus, 0), pid);
    ck_assert_msg(WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0 &&
                      got == (ssize_t)sizeof r && r.ok,
                  "%s: the child died (wait status 0x%x) or could not run",
                  path, wstatus);
    free(data);
    return r;
}

static void check_bomb(const manifest_row *row, void *opaque) {
    int *count = opaque;
    const char *path = row->path;
    bomb_result r = run_forked(path);
    printf("%s: status %d (%s) in %.3f s; peak %zu bytes through the "
           "allocator, address space +%ld KiB\n",
           path, r.status, r.message, r.seconds, r.peak_bytes, r.growth / KIB);
    if (!(may_decode(path) && r.status == THUMB_OK))
        ck_assert_msg(r.status == THUMB_ERR_LIMIT ||
                          r.status == THUMB_ERR_CORRUPT,
                      "%s: status %d (%s)", path, r.status, r.message);
    ck_assert_msg(r.peak_bytes < PEAK_BYTES_MAX,
                  "%s: %zu bytes live at the peak", path, r.peak_bytes);
    ck_assert_msg(r.growth < ADDRESS_SPACE_GROWTH_MAX,
                  "%s: address space grew by %ld KiB", path, r.growth / KIB);
    ck_assert_msg(r.live_blocks == 0, "%s: %ld blocks leaked", path,
                  r.live_blocks);
    ck_assert_msg(r.seconds < SECONDS_MAX, "%s: took %.2f s", path, r.seconds);
    (*count)++;
}

START_TEST(every_bomb_is_refused_before_any_large_allocation) {
    int count = 0;
    manifest_each_row("bad/bomb/", check_bomb, &count);
    /* The corpus README lists four; more are welcome, fewer is a loss. */
    ck_assert_int_ge(count, 4);
}
END_TEST

START_TEST(raising_the_limits_does_not_remove_the_bounds) {
    /* The same JPEG bomb with the pixel limit lifted is decoded shrunk on
     * load (1/8: 2500x1750), still far below its declared 280 MP. */
    size_t size;
    uint8_t *data = read_corpus("bad/bomb/giant-image.jpg", &size);
    counting_allocator a;
    thumb_ctx *ctx = counting_ctx(&a);
    thumb_ctx_set(ctx, THUMB_OPT_MAX_PIXELS, (int64_t)300 * 1000 * 1000);
    thumb_ctx_set(ctx, THUMB_OPT_WIDTH, 256);
    thumb_ctx_set(ctx, THUMB_OPT_HEIGHT, 256);
    const unsigned char *out;
    size_t out_len;
    thumb_status st = thumb_run(ctx, data, size, &out, &out_len);
    ck_assert_msg(st == THUMB_OK, "status %d (%s)", st, thumb_ctx_error(ctx));
    ck_assert_int_eq(thumb_ctx_info(ctx, THUMB_INFO_DECODED_WIDTH), 2500);
    /* Rows, not the image: the resizer streams. */
    ck_assert_msg(a.peak_bytes < (size_t)8 << 20, "peak %zu bytes",
                  a.peak_bytes);
    thumb_ctx_free(ctx);
    ck_assert_int_eq(a.live_blocks, 0);
    free(data);
}
END_TEST

static Suite *bombs_suite(void) {
    Suite *s = suite_create("bombs");
    TCase *tc = tcase_create("bombs");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, every_bomb_is_refused_before_any_large_allocation);
    tcase_add_test(tc, raising_the_limits_does_not_remove_the_bounds);
    suite_add_tcase(s, tc);
    return s;
}

THUMB_TEST_MAIN(bombs_suite)
