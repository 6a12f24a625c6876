"""Turns bench.py's results into the Markdown report and checks the
issue's targets. Times compared are the CPU-time medians (see bench.py).

  report.py [results.json]   # rewrites results.md beside it and prints it
"""

import json
import math
import os
import sys

KIB_PER_MIB = 1024.0
CLI_RSS_TARGET_MIB = 16.0
REFERENCE_TOOL = "sharp"

# (task, the tool's ratio to sharp must be at most this): issue 7's,
# T4 tightened by issue 19.
SPEED_TARGETS = {"T1": 0.8, "T3": 0.7, "T4": 0.75}
ACCURATE_TARGET = {"task": "T1", "ratio": 1.0, "psnr_db": 55.0}
# libthumbnail against libjpeg-turbo's scaled decode (issue 19).
FLOOR_TARGETS = {"T2": 1.0, "T5": 1.05}
KERNEL_TARGETS = {"RGB8": 3.5, "RGBA8": 6.0}
# The row forced to AVX2 on an AVX-512 machine (bench.py FORCED_AVX2):
# issue 19's targets hold for it too.
FORCED_AVX2 = "libthumbnail avx2"
# Its peer, sharp held to AVX2 (bench.py FORCED_AVX2_PEER); sharp where
# it was not measured.
FORCED_AVX2_PEER = "sharp avx2"
BATCH_TARGET = 0.8
# The CLI making T1's thumbnail as a whole process, against the batch's
# time per image (-j 1): the first image of a process (issue 19).
ONESHOT_TARGET = 1.15
# Speed must not come from bigger files: libthumbnail's output of these
# tasks at most this many times sharp's (at each tool's default settings).
SIZE_TARGETS = {"T3": 1.1}
# thumb_simd values, as bench_kernel reports the instruction set used.
SIMD_NAMES = {1: "scalar", 2: "sse41", 3: "avx2", 4: "avx512", 5: "neon"}


def ms(v):
    return "—" if v is None else ("%.1f" % v if v < 100 else "%.0f" % v)


def mib(kib):
    return "—" if kib is None else "%.1f" % (kib / KIB_PER_MIB)


def kib(n):
    return "" if n is None else ", %.1f KiB" % (n / 1024.0)


def db(v):
    if v is None:
        return "—"
    return "identical" if math.isinf(v) else "%.1f" % v


def ratio(a, b):
    return None if a is None or not b else a / b


def fmt_ratio(r):
    return "—" if r is None else "%.2fx" % r


def target_row(name, measured, goal, ok, detail):
    return {"target": name, "measured": measured, "goal": goal,
            "met": ok, "detail": detail}


def missed_by(measured, limit, higher_is_better=False):
    """How far a measured figure is from its limit, as text."""
    if higher_is_better:
        return "%.2fx of the %.1fx wanted, %.0f%% short" % (
            measured, limit, (1 - measured / limit) * 100)
    return "missed by %.0f%%" % ((measured / limit - 1) * 100)


def batch_calls(batch):
    """The batch's measurements, one per -j value, fewest jobs first (a
    results.json from before -j holds one, sequential)."""
    calls = batch.get("by_jobs") or [dict(batch, jobs=1)]
    return sorted(calls, key=lambda c: c["jobs"])


def targets(res):
    out = []
    tasks = res["tasks"]

    def cpu(task, tool):
        return tasks.get(task, {}).get("tools", {}).get(tool, {}).get(
            "cpu_ms")

    for task, limit in SPEED_TARGETS.items():
        r = ratio(cpu(task, "libthumbnail"), cpu(task, REFERENCE_TOOL))
        if r is None:
            out.append(target_row("%s <= %.2fx sharp" % (task, limit), None,
                                  limit, None, "not measured"))
            continue
        ok = r <= limit
        out.append(target_row("%s <= %.2fx sharp" % (task, limit), r, limit,
                              ok, "met" if ok else missed_by(r, limit)))
    t1 = tasks.get("T1", {}).get("tools", {})
    lt, sh = t1.get("libthumbnail", {}), t1.get(REFERENCE_TOOL, {})
    if "psnr_db" in lt and "psnr_db" in sh:
        ok = lt["psnr_db"] >= sh["psnr_db"]
        out.append(target_row(
            "T1 PSNR >= sharp's", lt["psnr_db"], sh["psnr_db"], ok,
            "met" if ok else "%.1f dB short" % (sh["psnr_db"] - lt["psnr_db"])))
    acc = tasks.get(ACCURATE_TARGET["task"], {}).get("tools", {}).get(
        "libthumbnail accurate")
    if acc:
        r = ratio(acc["cpu_ms"], cpu(ACCURATE_TARGET["task"], REFERENCE_TOOL))
        ok = r is not None and r <= ACCURATE_TARGET["ratio"]
        out.append(target_row("T1 accurate <= 1.0x sharp", r,
                              ACCURATE_TARGET["ratio"], ok,
                              "met" if ok else missed_by(r, 1.0)))
        p = acc.get("psnr_db")
        ok = p is not None and p >= ACCURATE_TARGET["psnr_db"]
        out.append(target_row("T1 accurate PSNR >= 55 dB", p, 55.0, ok,
                              "met" if ok else "%.1f dB short" % (55.0 - p)))
    else:
        out.append(target_row("T1 accurate", None, None, None,
                              "not measured (see skipped)"))
    for task, limit in FLOOR_TARGETS.items():
        for tool in ("libthumbnail", FORCED_AVX2):
            r = ratio(cpu(task, tool),
                      cpu(task, "libjpeg-turbo scaled decode"))
            if r is None:
                continue
            ok = r <= limit
            out.append(target_row(
                "%s%s <= %.2fx libjpeg-turbo's scaled decode" % (
                    task, " (AVX2 forced)" if tool == FORCED_AVX2 else "",
                    limit), r, limit, ok,
                "met" if ok else missed_by(r, limit)))
    peer = cpu("T4", FORCED_AVX2_PEER)
    r = ratio(cpu("T4", FORCED_AVX2), peer or cpu("T4", REFERENCE_TOOL))
    if r is not None:
        limit = SPEED_TARGETS["T4"]
        ok = r <= limit
        out.append(target_row("T4 (AVX2 forced) <= %.2fx sharp%s" % (
            limit, " (AVX2)" if peer else ""), r, limit, ok,
            "met" if ok else missed_by(r, limit)))
    for task in ("T2", "T5"):
        r = ratio(cpu(task, "libthumbnail"), cpu(task, REFERENCE_TOOL))
        if r is not None:
            ok = r < 1.0
            out.append(target_row("%s below sharp" % task, r, 1.0, ok,
                                  "met" if ok else missed_by(r, 1.0)))
    for fmt, want in KERNEL_TARGETS.items():
        k = res["kernel"].get(fmt, {})
        for tool, what, peer in (
                ("libthumbnail", "auto", REFERENCE_TOOL),
                (FORCED_AVX2, "AVX2", FORCED_AVX2_PEER
                 if FORCED_AVX2_PEER in k else REFERENCE_TOOL)):
            speedup = ratio(k.get(peer, {}).get("cpu_ms"),
                            k.get(tool, {}).get("cpu_ms"))
            if speedup is None:
                continue
            ok = speedup >= want
            out.append(target_row(
                "kernel %s (%s) >= %.1fx sharp%s's throughput" % (
                    fmt, what, want,
                    " (AVX2)" if peer == FORCED_AVX2_PEER else ""), speedup,
                want, ok, "met" if ok else missed_by(speedup, want, True)))
    rss = tasks.get("T2", {}).get("tools", {}).get("libthumbnail", {}).get(
        "cli_peak_rss_kib")
    if rss is not None:
        m = rss / KIB_PER_MIB
        ok = m <= CLI_RSS_TARGET_MIB
        out.append(target_row("CLI peak RSS for T2 <= 16 MiB", m,
                              CLI_RSS_TARGET_MIB, ok,
                              "met" if ok else missed_by(m,
                                                         CLI_RSS_TARGET_MIB)))
    for task, limit in SIZE_TARGETS.items():
        tools = tasks.get(task, {}).get("tools", {})
        r = ratio(tools.get("libthumbnail", {}).get("out_bytes"),
                  tools.get(REFERENCE_TOOL, {}).get("out_bytes"))
        if r is not None:
            ok = r <= limit
            out.append(target_row(
                "%s output bytes <= %.1fx sharp's" % (task, limit), r, limit,
                ok, "met" if ok else missed_by(r, limit)))
    batch = res.get("batch")
    if batch:
        # What a batch user waits for: the wall time per image of the
        # batch on every core, against sharp's CPU time on one core (the
        # table beside it says so and gives the one-thread figures).
        par = batch_calls(batch)[-1]
        r = ratio(par["wall_ms"], cpu("T1", REFERENCE_TOOL))
        if r is not None:
            ok = r <= BATCH_TARGET
            out.append(target_row(
                "CLI batch per image <= 0.8x sharp in-process (T1): wall "
                "of `-j %d`%s" % (par["jobs"], " on %d cores" % par["jobs"]
                                  if par["jobs"] > 1 else ""), r,
                BATCH_TARGET, ok, "met" if ok else missed_by(r, BATCH_TARGET)))
        once = (batch.get("oneshot") or {}).get("cli")
        seq = batch_calls(batch)[0]
        r = ratio(once and once["cpu_ms"], seq["cpu_ms"])
        if r is not None:
            ok = r <= ONESHOT_TARGET
            out.append(target_row(
                "CLI once on T1 (whole process) <= 1.15x the batch's `-j 1` "
                "time per image", r, ONESHOT_TARGET, ok,
                "met" if ok else missed_by(r, ONESHOT_TARGET)))
    if res.get("avif"):
        import heif_bench

        for name, value, limit, ok in heif_bench.targets(res["avif"]):
            out.append(target_row(name, value, limit, ok,
                                  "met" if ok else "missed"))
    return out


def markdown(res):
    m = res["machine"]
    lines = []
    lines.append("## Benchmark results\n")
    lines.append(
        "Machine: %s, %s cores, %s GiB, %s, kernel %s; gcc %s. Run %s, "
        "%d runs after %d warm-up per tool and task, %d s in all; load "
        "average %.1f before, %.1f after." % (
            m.get("cpu", "?"), m.get("cores"), m.get("memory_gib", "?"),
            m.get("os", "?"), m.get("kernel", "?"), m.get("gcc", "?"),
            res["date_utc"], res["runs"], res["warmup"], res["duration_s"],
            res["load_average_before"][0], res["load_average_after"][0]))
    isa = m.get("isa")
    if isa is not None:
        lines.append("")
        lines.append(
            "CPU: %s with %s; the resize kernels `auto` runs here: **%s**%s. "
            "Variants compared took turns, %s rounds of %d runs each (the "
            "tools of a task; the kernel's instruction sets with sharp); "
            "libthumbnail and the floor (T2, T5), and the kernel's "
            "instruction sets, also run by run within one process."
            % (m.get("cpu", "?"), ", ".join(isa) or "no SIMD flag listed",
               m.get("simd_auto", "?"),
               " (the `libthumbnail avx2` rows force AVX2, what an "
               "AVX2-only machine runs, and `sharp avx2` holds libvips's "
               "Highway kernels to AVX2 with `VIPS_VECTOR`: the verdicts "
               "marked AVX2 compare the two)"
               if m.get("simd_auto") == "avx512"
               else "", res.get("rounds", "?"),
               max(1, res["runs"] // (res.get("rounds") or 1))))
    sv = res.get("sharp") or {}
    lines.append("")
    lines.append(
        "Versions: sharp %s (libvips %s), Pillow %s, vipsthumbnail %s, "
        "libjpeg-turbo %s (Debian)." % (
            sv.get("sharp", "—"), sv.get("vips", "—"),
            m.get("python3-pil", "—"), m.get("vipsthumbnail", "—"),
            m.get("libturbojpeg0", "—")))
    lines.append("")
    lines.append(
        "ms: median CPU time of one image (whole process, all threads; "
        "wall time beside it), in-process loop except vipsthumbnail (a "
        "process per image). Ratio: ms / sharp's ms. Peak RSS: a separate "
        "process doing the task once (node and python included). PSNR: "
        "the tool's PNG output of the same task against an exact float64 "
        "Lanczos3 of the full-resolution decode at that output size "
        "(premultiplied samples for T3). Output: size and file size at "
        "each tool's default settings.")
    lines.append("")
    lines.append("| task | tool | ms | wall ms | ratio to sharp | peak RSS MiB "
                 "| PSNR dB | output |")
    lines.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |")
    order = ["libthumbnail", "libthumbnail accurate", FORCED_AVX2, "sharp",
             FORCED_AVX2_PEER,
             "Pillow", "vipsthumbnail", "libjpeg-turbo scaled decode"]
    for tid, t in res["tasks"].items():
        tools = t["tools"]
        ref = tools.get(REFERENCE_TOOL, {}).get("cpu_ms")
        task = t["task"]
        label = "%s %s → %dx%d %s" % (tid, task["file"].split("/")[-1],
                                      task["box"][0], task["box"][1],
                                      task["format"])
        for tool in order:
            r = tools.get(tool)
            if not r or "cpu_ms" not in r:
                continue
            out = ("%sx%s%s" % (r["out_width"], r["out_height"],
                                kib(r.get("out_bytes")))
                   if "out_width" in r else
                   "decode to %sx%s" % (r.get("decoded_width"),
                                        r.get("decoded_height"))
                   if "decoded_width" in r else "")
            lines.append("| %s | %s | %s | %s | %s | %s | %s | %s |" % (
                label, tool, ms(r["cpu_ms"]), ms(r["wall_ms"]),
                fmt_ratio(ratio(r["cpu_ms"], ref)),
                mib(r.get("peak_rss_kib")), db(r.get("psnr_db")), out))
            label = ""
        cli = tools.get("libthumbnail", {}).get("cli_peak_rss_kib")
        if cli is not None:
            lines.append("| | `thumbnail` CLI, once | | | | %s | | |"
                         % mib(cli))
    lines.append("")
    lines.append("libthumbnail's own stage timings (THUMB_INFO_*_US, wall "
                 "medians; decode and resize interleave row by row):")
    lines.append("")
    lines.append("| task | decoded at | decode ms | resize ms | encode ms "
                 "| total ms |")
    lines.append("| --- | --- | ---: | ---: | ---: | ---: |")
    for tid, t in res["tasks"].items():
        for tool in ("libthumbnail", "libthumbnail accurate", FORCED_AVX2):
            r = t["tools"].get(tool)
            if not r or "decode_ms" not in r:
                continue
            lines.append("| %s%s | %sx%s | %s | %s | %s | %s |" % (
                tid, tool[len("libthumbnail"):],
                r.get("decoded_width"), r.get("decoded_height"),
                ms(r["decode_ms"]), ms(r["resize_ms"]), ms(r["encode_ms"]),
                ms(r["total_ms"])))
    lines.append("")
    lines.append("Raw-pixel kernel, 4928x3279 → 852x567 Lanczos3, planning "
                 "included (libthumbnail's row copy into the resizer, "
                 "timed apart, in brackets):")
    lines.append("")
    lines.append("| layout | tool | ms | wall ms | sharp's ms / this |")
    lines.append("| --- | --- | ---: | ---: | ---: |")
    for fmt, rows in res["kernel"].items():
        ref = rows.get(REFERENCE_TOOL, {}).get("cpu_ms")
        label = fmt
        rank = ["libthumbnail"] + ["libthumbnail " + n
                                   for n in SIMD_NAMES.values()]
        for tool, r in sorted(rows.items(), key=lambda kv: (
                rank.index(kv[0]) if kv[0] in rank else len(rank))):
            extra = (" (copy %s)" % ms(r["copy_ms"])) if "copy_ms" in r else ""
            if tool == "libthumbnail":
                tool = "libthumbnail (auto%s)" % (
                    ": " + SIMD_NAMES[r["simd"]] if r.get("simd") in SIMD_NAMES
                    else "")
            lines.append("| %s | %s | %s%s | %s | %s |" % (
                label, tool, ms(r["cpu_ms"]), extra,
                ms(r["wall_ms"]), fmt_ratio(ratio(ref, r["cpu_ms"]))))
            label = ""
    b = res.get("batch")
    if b:
        t1 = res["tasks"].get("T1", {}).get("tools", {}).get(
            REFERENCE_TOOL, {}).get("cpu_ms")
        calls = batch_calls(b)
        lines.append("")
        lines.append(
            "CLI batch, %d copies of T1 in one call, per image (median of %d "
            "calls each, the `-j` values taking turns): CPU time of all "
            "threads and wall time, each over the %d images; the ratios "
            "are to sharp's in-process T1 CPU time (%s ms, one core):" % (
                b["copies"], b["calls"], b["copies"], ms(t1)))
        lines.append("")
        lines.append("| CLI batch | CPU ms | wall ms | CPU / sharp | "
                     "wall / sharp | peak RSS MiB |")
        lines.append("| --- | ---: | ---: | ---: | ---: | ---: |")
        for c in calls:
            lines.append("| `-j %d`%s | %s | %s | %s | %s | %s |" % (
                c["jobs"], " (one after another)" if c["jobs"] == 1 else
                " (%d threads)" % c["jobs"], ms(c["cpu_ms"]),
                ms(c["wall_ms"]), fmt_ratio(ratio(c["cpu_ms"], t1)),
                fmt_ratio(ratio(c["wall_ms"], t1)), mib(c["peak_rss_kib"])))
        par = calls[-1]
        if par["jobs"] > 1:
            lines.append("")
            lines.append(
                "The target compares the `-j %d` wall time, what a batch user "
                "waits for, with sharp's CPU time: the batch uses %d cores, "
                "sharp's figure one. In CPU time, whatever the cores, an image "
                "costs the batch %s ms, %s sharp's." % (
                    par["jobs"], par["jobs"], ms(par["cpu_ms"]),
                    fmt_ratio(ratio(par["cpu_ms"], t1))))
    once = (b or {}).get("oneshot")
    if once:
        seq = batch_calls(b)[0]
        lines.append("")
        lines.append(
            "The first image of a process: the CLI making T1's thumbnail as "
            "a whole process, and djpeg -scale 1/2 of the same file, %d "
            "times each in turns (between the batch calls); medians, CPU "
            "time of the process and wall time; the ratio is to the batch's "
            "`-j 1` CPU time per image (%s ms):" % (
                len(once["cli"]["cpu_ms_runs"]), ms(seq["cpu_ms"])))
        lines.append("")
        lines.append("| one process | CPU ms | wall ms | CPU / batch per "
                     "image |")
        lines.append("| --- | ---: | ---: | ---: |")
        for k, label in (("cli", "`thumbnail` on T1"),
                         ("djpeg", "`djpeg -scale 1/2` of T1")):
            r = once[k]
            lines.append("| %s | %s | %s | %s |" % (
                label, ms(r["cpu_ms"]), ms(r["wall_ms"]),
                fmt_ratio(ratio(r["cpu_ms"], seq["cpu_ms"]))))
    lines.append("")
    lines.append("Targets of issues 7 and 19:")
    lines.append("")
    lines.append("| target | measured | result |")
    lines.append("| --- | ---: | --- |")
    for t in res.get("targets", []):
        v = t["measured"]
        shown = "—" if v is None else "%.2f" % v
        mark = {True: "met", False: "**missed**", None: "—"}[t["met"]]
        detail = t["detail"] if t["met"] is False else ""
        lines.append("| %s | %s | %s%s |" % (
            t["target"], shown, mark, (": " + detail) if detail else ""))
    if res.get("avif"):
        import heif_bench

        lines.append(heif_bench.markdown(res["avif"]))
    if res["skipped"]:
        lines.append("")
        lines.append("Skipped:")
        lines.append("")
        for s in res["skipped"]:
            lines.append("- %s: %s" % (s["what"], s["why"]))
    lines.append("")
    return "\n".join(lines)


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "results.json")
    with open(src) as f:
        res = json.load(f)
    res["targets"] = targets(res)
    md = markdown(res)
    with open(os.path.join(os.path.dirname(os.path.abspath(src)),
                           "results.md"), "w") as f:
        f.write(md)
    print(md)


if __name__ == "__main__":
    main()
