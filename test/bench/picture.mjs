// Time per picture hash: a 640x640 JPEG (what an engine stores) and a 2,000x2,000 PNG (a large
// manifest icon), and per re-encode of that PNG as the sandbox does on upload.
// Usage: npm run build && node test/bench/picture.mjs [runs]
import jpeg from "jpeg-js";
import { PNG } from "pngjs";
import { pictureHash } from "../../dist/image/hash.js";
import { reencodeLikeWhatsApp } from "../../dist/image/reencode.js";

const runs = Number(process.argv[2] ?? 20);

// smooth colour waves with a disc on top: costs an encoder about what a photograph does
function draw(side) {
  const data = new Uint8Array(side * side * 4);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const u = x / side;
      const v = y / side;
      const disc = (u - 0.4) ** 2 + (v - 0.4) ** 2 < 0.05;
      const i = (y * side + x) * 4;
      data[i] = disc ? 230 : 128 + 90 * Math.sin(9 * u + 3 * v);
      data[i + 1] = disc ? 120 : 128 + 90 * Math.sin(4 * u - 7 * v + 1);
      data[i + 2] = disc ? 20 : 128 + 90 * Math.sin(11 * v + 2);
      data[i + 3] = 255;
    }
  }
  return { width: side, height: side, data };
}

function timeEach(work) {
  work(); // warm the JIT
  const ms = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    work();
    ms.push(performance.now() - start);
  }
  ms.sort((a, b) => a - b);
  const median = ms[Math.floor(ms.length / 2)];
  return `median ${median.toFixed(1)} ms, min ${ms[0].toFixed(1)}, max ${ms.at(-1).toFixed(1)} over ${runs} runs`;
}

const stored = new Uint8Array(jpeg.encode(draw(640), 50).data);
const png = new PNG({ width: 2000, height: 2000 });
png.data = Buffer.from(draw(2000).data);
const large = new Uint8Array(PNG.sync.write(png));

console.log(
  `pictureHash, 640x640 JPEG (${(stored.length / 1024).toFixed(0)} kB): ${timeEach(() => pictureHash(stored))}`,
);
console.log(
  `pictureHash, 2,000x2,000 PNG (${(large.length / 1024).toFixed(0)} kB): ${timeEach(() => pictureHash(large))}`,
);
console.log(`reencodeLikeWhatsApp, 2,000x2,000 PNG: ${timeEach(() => reencodeLikeWhatsApp(large))}`);
