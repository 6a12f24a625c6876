/* decode_raw FILE: decodes FILE at full size with the library's own
 * decoders and writes "WIDTH HEIGHT CHANNELS\n" and the raw rows to
 * stdout, for tests that compare against an independent decoder. */
#include "codec/decoder.h"
#include "ctx.h"

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: decode_raw FILE\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        perror(argv[1]);
        return 1;
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *data = malloc((size_t)n + 1);
    if (!data || fread(data, 1, (size_t)n, f) != (size_t)n) {
        fprintf(stderr, "%s: cannot read\n", argv[1]);
        return 1;
    }
    fclose(f);

    thumb_ctx *ctx = thumb_ctx_new();
    decoder d;
    int rc = 1;
    if (decoder_open(ctx, data, (size_t)n, &d) == THUMB_OK) {
        if (decoder_start(&d, &(decoder_request){
                                  .min_width = d.info.width,
                                  .min_height = d.info.height}) == THUMB_OK) {
            size_t row_size = (size_t)d.width * d.channels;
            uint8_t *row = malloc(row_size);
            printf("%u %u %d\n", d.width, d.height, d.channels);
            rc = 0;
            for (uint32_t y = 0; y < d.height && rc == 0; y++) {
                if (decoder_read_rows(&d, &row, 1) != THUMB_OK)
                    rc = 1;
                else
                    fwrite(row, 1, row_size, stdout);
            }
            free(row);
        }
        decoder_close(&d);
    }
    if (rc)
        fprintf(stderr, "%s: %s\n", argv[1], thumb_ctx_error(ctx));
    thumb_ctx_free(ctx);
    free(data);
    return rc;
}
