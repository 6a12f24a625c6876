/* A program outside the project, built against an installed libthumbnail
 * the three ways users link it (see scripts/ci/10-consumers.sh): makes a
 * 64-pixel WebP thumbnail of argv[1] into argv[2]. */
#include <stdio.h>
#include <stdlib.h>
#include <thumbnail.h>

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: consumer INPUT OUTPUT\n");
        return 2;
    }
    if (thumb_version() != THUMB_VERSION_NUMBER) {
        fprintf(stderr, "header %d but library %u\n", THUMB_VERSION_NUMBER,
                thumb_version());
        return 1;
    }
    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        perror(argv[1]);
        return 1;
    }
    static unsigned char in[1 << 24];
    size_t in_len = fread(in, 1, sizeof in, f);
    fclose(f);

    thumb_ctx *ctx = thumb_ctx_new();
    if (!ctx)
        return 1;
    thumb_ctx_set(ctx, THUMB_OPT_WIDTH, 64);
    thumb_ctx_set(ctx, THUMB_OPT_HEIGHT, 64);
    thumb_ctx_set(ctx, THUMB_OPT_FORMAT, THUMB_FORMAT_WEBP);
    const unsigned char *out;
    size_t out_len;
    int rc = 1;
    if (thumb_run(ctx, in, in_len, &out, &out_len) != THUMB_OK) {
        fprintf(stderr, "%s: %s\n", argv[1], thumb_ctx_error(ctx));
    } else if ((f = fopen(argv[2], "wb")) != NULL) {
        rc = fwrite(out, 1, out_len, f) == out_len ? 0 : 1;
        rc |= fclose(f) != 0;
        printf(
            "libthumbnail %s: %lldx%lld, %zu bytes\n", thumb_version_string(),
            (long long)thumb_ctx_info(ctx, THUMB_INFO_OUTPUT_WIDTH),
            (long long)thumb_ctx_info(ctx, THUMB_INFO_OUTPUT_HEIGHT), out_len);
    }
    thumb_ctx_free(ctx);
    return rc;
}
