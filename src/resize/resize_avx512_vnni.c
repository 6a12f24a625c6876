/* resize_avx512.c with VNNI: vpdpwssd multiplies the int16 pairs and adds
 * them to the int32 accumulators in one instruction. Compiled with
 * -mavx512bw -mavx512vl -mavx512vnni; called only when the CPU has them. */
#define RESIZE_AVX512_VNNI
/* The same source, compiled a second time with VNNI: deliberate. */
#include "resize_avx512.c" // NOLINT(bugprone-suspicious-include)
