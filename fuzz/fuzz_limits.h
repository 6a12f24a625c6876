/* Limits every harness applies, so the fuzzer spends its time on parsing
 * paths rather than on decoding large legitimate images: a 4000x4000 JPEG
 * is valid input, but fuzzing it teaches nothing a 100x100 one does not,
 * and costs a thousand times as long under ASan. */
#ifndef THUMB_FUZZ_LIMITS_H
#define THUMB_FUZZ_LIMITS_H

/* Declared width * height above which an input is refused before any
 * pixel is decoded (THUMB_OPT_MAX_PIXELS in the pipeline harness). */
#define FUZZ_MAX_PIXELS (1 << 20)
/* Width or height above which an input is refused
 * (THUMB_OPT_MAX_DIMENSION): long thin images stay allowed. */
#define FUZZ_MAX_DIMENSION 16384
/* Largest thumbnail side the pipeline harness asks for: small outputs
 * keep the encoders cheap. */
#define FUZZ_MAX_OUTPUT_SIDE 64

#endif
