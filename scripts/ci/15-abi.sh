#!/usr/bin/env bash
# ABI check: the exported symbols (of libthumbnail.so, and the globals
# libthumbnail.a defines) are exactly the thumb_ functions of the
# header, and nothing in the ABI changed incompatibly since the baseline
# in tests/abi/ (additions are fine). Then proves the check works: two
# deliberate breaks, an enum value renumbered and a parameter type
# changed, built from a copy of the tree, must each be caught.
set -euo pipefail
cd "$(dirname "$0")/../.."
scripts/install-deps.sh
root=$(pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
baseline=tests/abi/libthumbnail.abi

ABI_BUILD_DIR=$root/build-abi scripts/abi-dump.sh > "$work/current.abi"

# Exported symbols: thumb_* only, and every THUMB_API function declared.
nm -D --defined-only build-abi/libthumbnail.so | awk '{print $3}' | sort \
  > "$work/exported"
grep -oE 'THUMB_API [^(]*\bthumb_[a-z0-9_]+\(' include/thumbnail.h |
  grep -oE 'thumb_[a-z0-9_]+\($' | tr -d '(' | sort > "$work/declared"
if ! diff -u "$work/declared" "$work/exported"; then
  echo "exported symbols differ from the THUMB_API functions of the header"
  exit 1
fi
echo "exported symbols: $(wc -l < "$work/exported"), all declared thumb_*"

# The static archive defines the same symbols and nothing else: no
# internal name (buffer_init, png_encode, ...) may reach a user's link.
nm -g --defined-only build-abi/libthumbnail.a | awk 'NF == 3 {print $3}' |
  sort > "$work/archived"
if ! diff -u "$work/declared" "$work/archived"; then
  echo "libthumbnail.a defines other global symbols than the THUMB_API functions"
  exit 1
fi
echo "libthumbnail.a: the same $(wc -l < "$work/archived") symbols, no other"

soname() { grep -o "soname='[^']*'" "$1" | sed -n 1p; }
if [ "$(soname "$baseline")" != "$(soname "$work/current.abi")" ]; then
  echo "SONAME changed ($(soname "$baseline") -> $(soname "$work/current.abi"))"
  echo "without a new baseline: run scripts/abi-baseline.sh deliberately"
  exit 1
fi

# abidiff's exit status: 0 same or only additions; any bit set is a change
# that could break a program built against the baseline. libabigail 2.2
# does not report every renumbered enumerator (it let THUMB_FORMAT_PNG and
# THUMB_FORMAT_WEBP swap values), so every enumerator of the baseline must
# also keep its value in the new description.
enum_diff() {
  python3 - "$1" "$2" <<'PY'
import sys
import xml.etree.ElementTree as ET
def enums(path):
    values = {}
    for decl in ET.parse(path).iter("enum-decl"):
        for e in decl.iter("enumerator"):
            values[(decl.get("name"), e.get("name"))] = e.get("value")
    return values
old, new = enums(sys.argv[1]), enums(sys.argv[2])
bad = [f"{t}::{n} was {v}, now {new.get((t, n), 'removed')}"
       for (t, n), v in sorted(old.items()) if new.get((t, n)) != v]
print("\n".join(bad))
sys.exit(1 if bad else 0)
PY
}
abi_diff() { abidiff --no-added-syms "$1" "$2" && enum_diff "$1" "$2"; }
if ! abi_diff "$baseline" "$work/current.abi"; then
  echo "ABI changed incompatibly against $baseline"
  echo "(keep the ABI, or bump THUMB_SOVERSION and run scripts/abi-baseline.sh)"
  exit 1
fi
echo "ABI compatible with $baseline"

# The check must catch deliberate breaks.
mutant() { # name sed-script-for-header [sed-script-for-src/api.c]
  local tree=$work/$1
  mkdir -p "$tree"
  cp -r CMakeLists.txt cmake include pkgconfig src "$tree"/
  sed -i "$2" "$tree/include/thumbnail.h"
  [ -z "${3:-}" ] || sed -i "$3" "$tree/src/api.c"
  cmp -s include/thumbnail.h "$tree/include/thumbnail.h" &&
    { echo "mutant $1 did not change the header"; exit 1; }
  ABI_BUILD_DIR=$tree/build scripts/abi-dump.sh "$tree" > "$work/$1.abi"
  if abi_diff "$baseline" "$work/$1.abi" > "$work/$1.diff"; then
    echo "abidiff missed the $1 break"; exit 1
  fi
  echo "caught $1: $(grep -m1 -E "enumerator change|parameter|was [0-9]" "$work/$1.diff" | sed 's/^ *//')"
}
mutant renumbered-enum \
  's/THUMB_FORMAT_PNG = 2,/THUMB_FORMAT_PNG = 3,/; s/THUMB_FORMAT_WEBP = 3,/THUMB_FORMAT_WEBP = 2,/'
mutant renumbered-status 's/THUMB_ERR_CORRUPT = 4,/THUMB_ERR_CORRUPT = 40,/'
mutant changed-parameter \
  's/thumb_option_bounds(thumb_option key, int64_t \*min,/thumb_option_bounds(thumb_option key, int32_t *min,/' \
  's/thumb_option_bounds(thumb_option key, int64_t \*min,/thumb_option_bounds(thumb_option key, int32_t *min,/'
echo "abi check passed"
