#!/bin/bash
# The NEON resize kernels: cross-compile src/resize/ and the standalone
# kernel comparison (tests/tools/simd_check.c, synthetic images, no codecs)
# for aarch64 and run it under qemu user emulation. It fails unless NEON
# is among the tables and agrees with scalar within 1 LSB.
set -euo pipefail
cd "$(dirname "$0")/../.."

need=()
command -v aarch64-linux-gnu-gcc >/dev/null || need+=(gcc-aarch64-linux-gnu)
[ -e /usr/aarch64-linux-gnu/include/stdio.h ] || need+=(libc6-dev-arm64-cross)
command -v qemu-aarch64 >/dev/null || need+=(qemu-user)
if [ ${#need[@]} -gt 0 ]; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    $sudo apt-get update -qq
    $sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"
fi

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
aarch64-linux-gnu-gcc -std=c11 -O2 -Wall -Wextra -Werror \
    -D_POSIX_C_SOURCE=200809L -Iinclude -Isrc -Itests \
    -o "$out/simd_check" \
    tests/tools/simd_check.c tests/simd_compare.c src/ctx.c \
    src/resize/resize.c src/resize/resize_convert.c src/resize/resize_cpu.c \
    src/resize/resize_scalar.c \
    src/resize/resize_neon.c -lm

result=$(qemu-aarch64 -L /usr/aarch64-linux-gnu "$out/simd_check")
echo "$result"
grep -q '^kernel tables: scalar neon$' <<<"$result" || {
    echo "40-neon: the NEON kernels did not run" >&2
    exit 1
}
