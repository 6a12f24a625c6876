#!/usr/bin/env bash
# Builds function.zip for the provided.al2023 runtime (x86_64): bootstrap
# and every shared library it loads except glibc's own, which the runtime
# provides (glibc 2.34): those it is linked with, and libcurl and libcrypto,
# which it loads itself at the first S3 request (lazy_curl.h), with theirs.
# bootstrap carries DT_RPATH $ORIGIN/lib, which, unlike RUNPATH, also
# applies to the libraries' own dependencies (and to dlopen() from
# bootstrap) and comes before LD_LIBRARY_PATH, so the bundled copies are
# always the ones loaded. Debian's CA bundle goes along too (certs/),
# since Amazon Linux keeps its own elsewhere.
#
# Fails if bootstrap or a bundled library needs a glibc symbol version
# newer than GLIBC_2.34, then checks that the unzipped package runs: a
# thumbnail is made through the Runtime API emulator against moto_server,
# with no library loaded from outside the package but glibc's.
#
#   examples/lambda/package.sh [OUTPUT.zip]    (default build-lambda/function.zip)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${LAMBDA_BUILD_DIR:-$root/build-lambda}
out=$(realpath -m "${1:-$build/function.zip}")
# provided.al2023's glibc.
max_glibc=2.34
# glibc's libraries: always taken from the runtime, never bundled.
glibc_libs='^(ld-linux-x86-64\.so\.2|libc\.so\.6|libm\.so\.6|libpthread\.so\.0|libdl\.so\.2|librt\.so\.1|libresolv\.so\.2|libutil\.so\.1|libanl\.so\.1|libnsl\.so\.1)$'

# Without HEIF/AVIF and JPEG XL: Debian 12's libheif and libjxl bring
# libstdc++ and libgcc_s that need glibc 2.35-2.36, and Lambda's
# provided.al2023 has 2.34 (checked below). Such uploads are refused as
# an unsupported format until a build of them for glibc 2.34 is packaged.
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release \
  -DTHUMB_BUILD_TESTS=OFF -DTHUMB_BUILD_CLI=OFF \
  -DTHUMB_WITH_HEIF=OFF -DTHUMB_WITH_JXL=OFF >/dev/null
nice cmake --build "$build" -j2 --target bootstrap >/dev/null

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/pkg/lib" "$stage/pkg/certs"
bin=$(find "$build" -name bootstrap -type f -perm -u+x | head -1)
install -m 755 "$bin" "$stage/pkg/bootstrap"
strip "$stage/pkg/bootstrap"
if ! readelf -d "$stage/pkg/bootstrap" | grep -q '(RPATH).*\[\$ORIGIN/lib\]'; then
  echo "package: bootstrap has no DT_RPATH \$ORIGIN/lib" >&2
  exit 1
fi
# The libraries lazy_curl.c dlopen()s, by the names it gives them.
lazy=$(sed -n 's/^#define LAZY_CURL_LIB[A-Z]* "\(.*\)"$/\1/p' \
  "$root/examples/lambda/lazy_curl.h")
[[ -n $lazy ]] || { echo "package: no library names in lazy_curl.h" >&2; exit 1; }
{
  ldd "$bin"
  for name in $lazy; do
    path=$(PATH=$PATH:/sbin:/usr/sbin ldconfig -p |
      awk -v n="$name" '$1 == n && /x86-64/ {print $NF; exit}')
    [[ -n $path ]] || { echo "package: $name not found" >&2; exit 1; }
    echo "$name => $path"
    ldd "$path"
  done
} | awk '/=> \//{print $1, $3}' | sort -u | while read -r name path; do
  if [[ ! $name =~ $glibc_libs ]]; then
    install -m 644 "$(readlink -f "$path")" "$stage/pkg/lib/$name"
    strip --strip-unneeded "$stage/pkg/lib/$name"
  fi
done
cp /etc/ssl/certs/ca-certificates.crt "$stage/pkg/certs/"

# The newest GLIBC_x.y any file requires (objdump -T lists the versions
# of the undefined dynamic symbols, the ones the runtime must provide).
status=0
for f in "$stage/pkg/bootstrap" "$stage"/pkg/lib/*; do
  need=$(objdump -T "$f" | awk '$0 ~ /\*UND\*/' |
    grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -1)
  if [[ -n $need ]] &&
    [[ $(printf '%s\n%s\n' "$need" "$max_glibc" | sort -V | tail -1) != "$max_glibc" ]]; then
    echo "package: $(basename "$f") needs GLIBC_$need > GLIBC_$max_glibc" >&2
    status=1
  fi
done
[[ $status == 0 ]] || exit 1

rm -f "$out"
mkdir -p "$(dirname "$out")"
(cd "$stage/pkg" && zip -q -r -X "$out" bootstrap lib certs)
echo "package: $out ($(du -k "$out" | cut -f1) KiB, $(ls "$stage/pkg/lib" | wc -l) libraries, glibc <= $max_glibc)"

# Does what was zipped run? Unzip it elsewhere and thumbnail one image.
python3 "$root/examples/lambda/tests/package_smoke.py" --zip "$out" \
  --corpus "${THUMB_CORPUS_DIR:-$root/../shared/corpus}"
