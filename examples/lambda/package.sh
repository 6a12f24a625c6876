#!/usr/bin/env bash
# Builds function.zip for the provided.al2023 runtime (x86_64): bootstrap
# and every shared library it loads except glibc's own, which the runtime
# provides (glibc 2.34): those it is linked with, libcurl and libcrypto,
# which it loads itself at the first S3 request (lazy_curl.h), and libheif,
# libjxl and libavif, which libthumbnail loads at the first HEIF, AVIF or
# JPEG XL image read and the first AVIF written (src/codec/codec_lib.c),
# with theirs. libstdc++ and libgcc_s, which libheif needs, are the
# runtime's too, as glibc: Amazon Linux 2023 has GCC 11's, so nothing
# bundled may need a newer GLIBCXX, CXXABI or GCC symbol version (Debian
# 12's own libstdc++ needs glibc 2.36).
# bootstrap carries DT_RPATH $ORIGIN/lib, which, unlike RUNPATH, also
# applies to the libraries' own dependencies (and to dlopen() from
# bootstrap) and comes before LD_LIBRARY_PATH, so the bundled copies are
# always the ones loaded. Debian's CA bundle goes along too (certs/),
# since Amazon Linux keeps its own elsewhere.
#
# Fails if bootstrap or a bundled library needs a symbol version newer
# than the runtime's (GLIBC_2.34, GLIBCXX_3.4.29, CXXABI_1.3.13, GCC 11),
# then checks that the unzipped package runs: thumbnails of a JPEG, an
# iPhone HEIC and a JPEG XL, and AVIF ones, are made through the Runtime
# API emulator against moto_server, with no library loaded from outside
# the package but the runtime's.
#
#   examples/lambda/package.sh [OUTPUT.zip]    (default build-lambda/function.zip)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${LAMBDA_BUILD_DIR:-$root/build-lambda}
out=$(realpath -m "${1:-$build/function.zip}")
# The newest symbol version of each kind that provided.al2023 provides:
# glibc 2.34, and GCC 11's libstdc++ (GLIBCXX_3.4.29, CXXABI_1.3.13) and
# libgcc_s (GCC_x.y versions up to GCC 11's).
max_versions=(GLIBC:2.34 GLIBCXX:3.4.29 CXXABI:1.3.13 GCC:11)
# The runtime's libraries: glibc's and GCC's, never bundled.
runtime_libs='^(ld-linux-x86-64\.so\.2|libc\.so\.6|libm\.so\.6|libpthread\.so\.0|libdl\.so\.2|librt\.so\.1|libresolv\.so\.2|libutil\.so\.1|libanl\.so\.1|libnsl\.so\.1|libstdc\+\+\.so\.6|libgcc_s\.so\.1)$'

# With HEIF/AVIF input (libheif and what it needs, all built against
# glibc <= 2.34 and GCC <= 11's runtime), JPEG XL input and AVIF output:
# two of the libraries need one function each at a version newer than the
# runtime's, where the runtime has the same function at an older version;
# their bundled copies are relaxed to bind to either (relax_versions.py,
# below).
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release \
  -DTHUMB_BUILD_TESTS=OFF -DTHUMB_BUILD_CLI=OFF \
  -DTHUMB_WITH_HEIF=ON -DTHUMB_WITH_JXL=ON -DTHUMB_WITH_AVIF=ON >/dev/null
nice cmake --build "$build" -j2 --target bootstrap >/dev/null

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/pkg/lib" "$stage/pkg/certs"
bin=$(find "$build" -name bootstrap -type f -perm -u+x -print -quit)
install -m 755 "$bin" "$stage/pkg/bootstrap"
strip "$stage/pkg/bootstrap"
if ! readelf -d "$stage/pkg/bootstrap" | grep -q '(RPATH).*\[\$ORIGIN/lib\]'; then
  echo "package: bootstrap has no DT_RPATH \$ORIGIN/lib" >&2
  exit 1
fi
# The libraries lazy_curl.c and codec_lib.c dlopen(), by the names they
# give them.
lazy=$(sed -n 's/^#define LAZY_CURL_LIB[A-Z]* "\(.*\)"$/\1/p' \
  "$root/examples/lambda/lazy_curl.h")
[[ -n $lazy ]] || { echo "package: no library names in lazy_curl.h" >&2; exit 1; }
codecs=$(sed -n 's/^#define CODEC_LIB_\(HEIF\|JXL\|AVIF\)_SONAME "\(.*\)"$/\2/p' \
  "$root/src/codec/codec_lib.c")
[[ $(wc -w <<<"$codecs") == 3 ]] ||
  { echo "package: no libheif, libjxl and libavif names in codec_lib.c" >&2; exit 1; }
lazy="$lazy $codecs"
{
  ldd "$bin"
  for name in $lazy; do
    path=$(PATH=$PATH:/sbin:/usr/sbin ldconfig -p |
      awk -v n="$name" '$1 == n && /x86-64/ && !p {print $NF; p = 1}')
    [[ -n $path ]] || { echo "package: $name not found" >&2; exit 1; }
    echo "$name => $path"
    ldd "$path"
  done
} | awk '/=> \//{print $1, $3}' | sort -u | while read -r name path; do
  if [[ ! $name =~ $runtime_libs ]]; then
    install -m 644 "$(readlink -f "$path")" "$stage/pkg/lib/$name"
    strip --strip-unneeded "$stage/pkg/lib/$name"
  fi
done
cp /etc/ssl/certs/ca-certificates.crt "$stage/pkg/certs/"
# libjxl's only need of glibc 2.35: hypot and hypotf, whose 2.35 versions
# dropped the old SVID error handling, with the same results.
jxl=$(sed -n 's/^#define CODEC_LIB_JXL_SONAME "\(.*\)"$/\1/p' \
  "$root/src/codec/codec_lib.c")
python3 "$root/examples/lambda/relax_versions.py" "$stage/pkg/lib/$jxl" \
  hypot hypotf
# libavif links every AV1 codec Debian has, so all of them are bundled
# (libthumbnail writes AVIF with libaom alone and reads it through
# libheif: rav1e, SVT-AV1 and libgav1 are loaded, never run). One of
# them, the decoder libgav1, needs one thing of GCC 12's libstdc++:
# std::condition_variable::wait at GLIBCXX_3.4.30. GCC 12 moved it there
# when it dropped its noexcept (so that a thread cancelled in it unwinds
# rather than terminates), and kept the old one, GLIBCXX_3.4.11, GCC 11's
# only version, as a noexcept wrapper that calls the new: same function,
# same argument. Bound to GCC 11's, only a pthread_cancel() during the
# wait would differ, and nothing packaged calls it (checked below).
python3 "$root/examples/lambda/relax_versions.py" "$stage/pkg/lib/libgav1.so.1" \
  _ZNSt18condition_variable4waitERSt11unique_lockISt5mutexE

# The newest version of each kind any file requires (objdump -T lists the
# versions of the undefined dynamic symbols, the ones the runtime must
# provide).
status=0
for f in "$stage/pkg/bootstrap" "$stage"/pkg/lib/*; do
  objdump -T "$f" | awk '$0 ~ /\*UND\*/' >"$stage/undefined"
  for kind_max in "${max_versions[@]}"; do
    kind=${kind_max%%:*} max=${kind_max#*:}
    need=$(grep -o "${kind}_[0-9][0-9.]*" "$stage/undefined" |
      sed "s/${kind}_//" | sort -uV | tail -1 || true)
    if [[ -n $need ]] &&
      [[ $(printf '%s\n%s\n' "$need" "$max" | sort -V | tail -1) != "$max" ]]; then
      echo "package: $(basename "$f") needs ${kind}_$need > ${kind}_$max" >&2
      status=1
    fi
  done
  if grep -qw pthread_cancel "$stage/undefined"; then
    echo "package: $(basename "$f") calls pthread_cancel: a thread" \
      "cancelled in libgav1's relaxed condition_variable::wait would" \
      "end the process" >&2
    status=1
  fi
done
rm -f "$stage/undefined"
[[ $status == 0 ]] || exit 1

rm -f "$out"
mkdir -p "$(dirname "$out")"
(cd "$stage/pkg" && zip -q -r -X "$out" bootstrap lib certs)
echo "package: $out ($(du -k "$out" | cut -f1) KiB, $(ls "$stage/pkg/lib" | wc -l) libraries, ${max_versions[*]} at most)"

# Does what was zipped run? Unzip it elsewhere and thumbnail one image.
python3 "$root/examples/lambda/tests/package_smoke.py" --zip "$out" \
  --corpus "${THUMB_CORPUS_DIR:-$root/../shared/corpus}"
