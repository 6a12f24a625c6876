// sharp in-process, one libvips thread, no operation cache: the same
// operations as bench_thumb, looped over one input buffer after warm-up.
//
//   node sharp_bench.js task FILE WIDTH HEIGHT FORMAT QUALITY RUNS WARMUP [OUT]
//   node sharp_bench.js raw RAWFILE WIDTH HEIGHT CHANNELS OUT_W OUT_H RUNS WARMUP
//   node sharp_bench.js many FILE FORMAT QUALITY RUNS WARMUP WxH...
//     (one sharp(input) and a clone() per box, as sharp's docs make
//     several outputs of one input)
//
// Prints one JSON line: {"ms": [...], ...}.
'use strict';
const fs = require('fs');
const path = require('path');
const sharp = require(path.join(__dirname, 'node_modules', 'sharp'));

sharp.concurrency(1);
sharp.cache(false);

function encode(pipeline, format, quality) {
  if (format === 'jpeg') return pipeline.jpeg({ quality });
  if (format === 'webp') return pipeline.webp({ quality });
  if (format === 'png') return pipeline.png();
  // sharp's other AVIF defaults: effort 4, 4:4:4 chroma.
  if (format === 'avif') return pipeline.avif({ quality });
  throw new Error(`unknown format ${format}`);
}

async function loop(runs, warmup, once) {
  // Wall time, and CPU time of the whole process (all threads): on a
  // loaded machine the second says what a run cost.
  const ms = [];
  const cpu_ms = [];
  let last;
  for (let i = -warmup; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    last = await once();
    const t1 = process.hrtime.bigint();
    const c = process.cpuUsage(c0);
    if (i >= 0) {
      ms.push(Number(t1 - t0) / 1e6);
      cpu_ms.push((c.user + c.system) / 1e3);
    }
  }
  return { ms, cpu_ms, last };
}

async function task(args) {
  const [file, w, h, format, q, runs, warmup, out] = args;
  const input = fs.readFileSync(file);
  const once = () =>
    encode(
      sharp(input).resize(+w, +h, { fit: 'inside', kernel: 'lanczos3' }),
      format,
      +q,
    ).toBuffer({ resolveWithObject: true });
  const { ms, cpu_ms, last } = await loop(+runs, +warmup, once);
  if (out) fs.writeFileSync(out, last.data);
  return {
    ms,
    cpu_ms,
    out_width: last.info.width,
    out_height: last.info.height,
    out_bytes: last.data.length,
  };
}

async function raw(args) {
  const [file, w, h, ch, ow, oh, runs, warmup] = args;
  const input = fs.readFileSync(file);
  const rawIn = { raw: { width: +w, height: +h, channels: +ch } };
  const once = () =>
    sharp(input, rawIn)
      .resize(+ow, +oh, { kernel: 'lanczos3', fit: 'fill' })
      .raw()
      .toBuffer();
  const { ms, cpu_ms, last } = await loop(+runs, +warmup, once);
  return { ms, cpu_ms, out_bytes: last.length };
}

async function many(args) {
  const [file, format, q, runs, warmup, ...boxes] = args;
  const input = fs.readFileSync(file);
  const once = async () => {
    const base = sharp(input);
    const outs = [];
    for (const box of boxes) {
      const [w, h] = box.split('x').map(Number);
      outs.push(
        await encode(
          base.clone().resize(w, h, { fit: 'inside', kernel: 'lanczos3' }),
          format,
          +q,
        ).toBuffer(),
      );
    }
    return outs;
  };
  const { ms, cpu_ms, last } = await loop(+runs, +warmup, once);
  return { ms, cpu_ms, out_bytes: last.map((b) => b.length) };
}

async function main() {
  const [mode, ...args] = process.argv.slice(2);
  const modes = { raw, many, task };
  const result = await (modes[mode] || task)(args);
  result.versions = { sharp: sharp.versions.sharp, vips: sharp.versions.vips };
  process.stdout.write(JSON.stringify(result) + '\n');
}

main().catch((e) => {
  process.stderr.write(`${e.stack || e}\n`);
  process.exit(1);
});
