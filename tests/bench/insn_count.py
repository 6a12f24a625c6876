"""Instructions per output pixel of the resize kernels, x86 against NEON,
counted rather than timed: there is no arm64 machine here, and a shared
x86 one times badly. Run with Debian's /usr/bin/python3:

  insn_count.py [OUT.md]

Builds tests/tools/simd_check twice with gcc -O3 (the library's Release
flags): for x86-64 with each kernel file's -m flags, and for aarch64 with
aarch64-linux-gnu-gcc. `simd_check --once TABLE CH W H DW DH` makes one
resize. x86 is counted by valgrind (callgrind, per function); aarch64 by
qemu-aarch64's own logs, as Debian's qemu ships no TCG plugin: `-d
in_asm` gives each translated block's instruction count, `-d exec` with
`nochain` logs every execution of a block, and the symbol table names the
function a block lies in. Only the kernels' functions and resize.c's are
summed (not the test pattern, not libc), per output pixel.

The geometry is the kernel benchmark's, 4928x3279 -> 852x567, scaled down
8 times per axis with the same factor (5.78), so that qemu's log stays
small: 616x410 -> 106x71. The per-pixel figures of the inner loops do not
depend on the size; the per-row costs weigh a little more."""

import collections
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
GEOMETRY = (616, 410, 106, 71)
LAYOUTS = (("RGB8", 3), ("RGBA8", 4))
SOURCES = ["tests/tools/simd_check.c", "tests/simd_compare.c", "src/ctx.c",
           "src/resize/resize.c", "src/resize/resize_convert.c",
           "src/resize/resize_cpu.c", "src/resize/resize_scalar.c"]
X86_KERNELS = {"src/resize/resize_sse41.c": ["-msse4.1"],
               "src/resize/resize_avx2.c": ["-mavx2"],
               "src/resize/resize_avx512.c": ["-mavx512bw", "-mavx512vl"],
               "src/resize/resize_avx512_vnni.c": ["-mavx512bw", "-mavx512vl",
                                                   "-mavx512vnni"]}
CFLAGS = ["-std=c11", "-O3", "-DNDEBUG", "-D_POSIX_C_SOURCE=200809L",
          "-Iinclude", "-Isrc", "-Itests"]
# Functions counted: the kernels and the planner/streamer around them.
COUNTED = re.compile(r"^(scalar|sse41|avx2|avx512|avx512vnni|neon)_|"
                     r"^(resize_|filter_row|pull_row|plan|axis_plan|"
                     r"pair_plan|lanczos|ring_)")


def build(tmp, arch):
    objs = []
    if arch == "x86_64":
        cc, extra = "gcc", dict(X86_KERNELS)
    else:
        cc, extra = "aarch64-linux-gnu-gcc", {"src/resize/resize_neon.c": []}
    for src, flags in [(s, []) for s in SOURCES] + list(extra.items()):
        obj = os.path.join(tmp, "%s-%s.o" % (arch, os.path.basename(src)))
        subprocess.run([cc] + CFLAGS + flags + ["-c", src, "-o", obj],
                       check=True, cwd=REPO)
        objs.append(obj)
    exe = os.path.join(tmp, "simd_check-" + arch)
    # Not position-independent: qemu's logs then give the addresses of
    # the symbol table.
    subprocess.run([cc, "-no-pie", "-o", exe] + objs + ["-lm"], check=True)
    return exe


def callgrind(exe, args, tmp):
    out = os.path.join(tmp, "cg.out")
    subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file="
                    + out, exe] + args, check=True, capture_output=True)
    p = subprocess.run(["callgrind_annotate", "--threshold=100", out],
                       check=True, capture_output=True, text=True)
    per = collections.Counter()
    for line in p.stdout.splitlines():
        m = re.match(r"^\s*([\d,]+) \(.*?\)\s+\S*?:(\S+)", line)
        if m:
            per[m.group(2)] += int(m.group(1).replace(",", ""))
    return per


def symbols(exe):
    """(start, end, name) of the function symbols, sorted."""
    p = subprocess.run(["aarch64-linux-gnu-nm", "-S", "--defined-only", exe],
                       check=True, capture_output=True, text=True)
    out = []
    for line in p.stdout.splitlines():
        f = line.split()
        if len(f) == 4 and f[2] in "tT":
            start = int(f[0], 16)
            out.append((start, start + int(f[1], 16), f[3]))
    return sorted(out)


def qemu(exe, args, tmp):
    log = os.path.join(tmp, "qemu.log")
    subprocess.run(["qemu-aarch64", "-L", "/usr/aarch64-linux-gnu", "-d",
                    "in_asm,exec,nochain", "-D", log, exe] + args,
                   check=True)
    size = {}  # block start -> instructions
    runs = collections.Counter()
    block = None
    with open(log, errors="replace") as f:
        for line in f:
            if line.startswith("IN:"):
                block = None
                continue
            m = re.match(r"^0x([0-9a-f]+):\s+[0-9a-f]{8}\s", line)
            if m:
                pc = int(m.group(1), 16)
                if block is None:
                    block = pc
                    size[block] = 0
                size[block] += 1
                continue
            m = re.match(r"^Trace \d+: \S+ \[[0-9a-f]+/([0-9a-f]+)/", line)
            if m:
                runs[int(m.group(1), 16)] += 1
                block = None
    syms = symbols(exe)
    per = collections.Counter()
    for pc, n in runs.items():
        for start, end, name in syms:
            if start <= pc < end:
                per[name] += n * size.get(pc, 0)
                break
    return per


def counted(per):
    return {k: v for k, v in per.items() if COUNTED.search(k)}


def main():
    out_md = sys.argv[1] if len(sys.argv) > 1 else None
    for tool in ("valgrind", "qemu-aarch64", "aarch64-linux-gnu-gcc"):
        if not shutil.which(tool):
            sys.exit("insn_count: %s is not installed "
                     "(scripts/install-deps.sh, scripts/ci/40-neon.sh)" % tool)
    w, h, dw, dh = GEOMETRY
    pixels = dw * dh
    rows = []
    with tempfile.TemporaryDirectory(prefix="insn-count-") as tmp:
        x86 = build(tmp, "x86_64")
        arm = build(tmp, "aarch64")
        for name, ch in LAYOUTS:
            for table, exe, how in (("sse41", x86, callgrind),
                                    ("avx2", x86, callgrind),
                                    ("neon", arm, qemu)):
                args = ["--once", table, str(ch), str(w), str(h), str(dw),
                        str(dh)]
                per = counted(how(exe, args, tmp))
                total = sum(per.values())
                top = sorted(per.items(), key=lambda kv: -kv[1])[:3]
                rows.append((name, table, total / pixels,
                             ", ".join("%s %.0f" % (k, v / pixels)
                                       for k, v in top)))
                print("%s %s: %.0f instructions per output pixel (%s)" %
                      rows[-1], flush=True)
    lines = ["| layout | kernels | instructions per output pixel | "
             "the largest functions, per output pixel |",
             "| --- | --- | ---: | --- |"]
    for name, table, n, top in rows:
        lines.append("| %s | %s | %.0f | %s |" % (name, table, n, top))
    md = "\n".join(lines) + "\n"
    print(md)
    if out_md:
        with open(out_md, "w") as f:
            f.write(md)


if __name__ == "__main__":
    main()
