#!/usr/bin/env bash
# The benchmark's C drivers (tests/bench): speed is claimed with them, yet
# nothing else builds them, so a change that breaks one would surface only
# at the next scripts/bench.sh. Builds them as bench.sh does, with -Werror,
# and runs each once on a small input in the modes bench.py uses, checking
# the JSON it parses (not the times: this is no benchmark).
set -euo pipefail
cd "$(dirname "$0")/../.."
scripts/install-deps.sh >/dev/null
corpus=${THUMB_CORPUS_DIR:-$(pwd)/../shared/corpus}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
build=$work/build

cmake -S tests/bench -B "$build" -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_C_FLAGS="-Wall -Wextra -Werror" >/dev/null
cmake --build "$build" -j "${THUMB_CI_JOBS:-2}" >/dev/null

jpeg=$corpus/jpeg/2569067123_aca715a2ee_o.jpg
head -c $((64 * 48 * 3)) /dev/urandom >"$work/k.raw"
"$build/bench_kernel" "$work/k.raw" 64 48 3 17 11 2 1 auto scalar \
  >"$work/kernel.json"
"$build/bench_kernel" "$work/k.raw" 64 48 3 17 11 2 1 >"$work/kernel1.json"
"$build/bench_thumb" --floor "$jpeg" 256 256 jpeg 80 2 1 >"$work/thumb.json"
"$build/bench_many" --turns "$jpeg" jpeg 80 2 1 256x256 128x128 \
  >"$work/many.json"

python3 - "$work" <<'PY'
import json, os, sys
work = sys.argv[1]
def load(name):
    with open(os.path.join(work, name)) as f:
        return json.loads(f.read().strip().splitlines()[-1])
k = load("kernel.json")["variants"]
assert set(k) == {"auto", "scalar"}, k.keys()
assert k["auto"]["checksum"] == k["scalar"]["checksum"], "paths disagree"
assert len(k["scalar"]["ms"]) == 2 and k["scalar"]["simd"] == 1
k1 = load("kernel1.json")
assert len(k1["ms"]) == 2 and k1["checksum"] == k["auto"]["checksum"]
t = load("thumb.json")
assert len(t["ms"]) == 2 and len(t["floor_ms"]) == 2
assert (t["floor_decoded_width"], t["floor_decoded_height"]) == (
    t["decoded_width"], t["decoded_height"]), t
m = load("many.json")
assert len(m["many_cpu_ms"]) == 2 and len(m["separate_cpu_ms"]) == 2
print("bench drivers: kernel %s, floor at %dx%d, many and separate in turns"
      % (", ".join(sorted(k)), t["floor_decoded_width"],
         t["floor_decoded_height"]))
PY
