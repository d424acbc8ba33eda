// Pixel arithmetic shared by the hash and the re-encoder: the engines' square crop, transparency laid
// on black, and resampling. Plain loops over typed arrays: no library does less work for these sizes.
import type { Rgba } from "./decode.js";

/** The centred square an engine keeps of a picture (sharp's default `cover` crop, as Baileys uses it). */
export interface Square {
  left: number;
  top: number;
  side: number;
}

export function centreSquare(width: number, height: number): Square {
  const side = Math.min(width, height);
  return { left: Math.floor((width - side) / 2), top: Math.floor((height - side) / 2), side };
}

/** One colour channel of pixel `p` (an index into RGBA data) with transparency laid on black, as a JPEG encoder does. */
function opaque(data: Uint8Array, p: number, channel: number): number {
  const alpha = data[p + 3]!;
  return alpha === 255 ? data[p + channel]! : (data[p + channel]! * alpha) / 255;
}

/**
 * Mean luma and chroma (JPEG's full-range YCbCr) of each cell of an n x n grid over the centred square,
 * in row order, three numbers per cell. Means over whole cells are what survives resizing and JPEG noise.
 */
export function cellMeans(image: Rgba, n: number): Float64Array {
  const { left, top, side } = centreSquare(image.width, image.height);
  const sums = new Float64Array(n * n * 3);
  const cellOf = new Int32Array(side);
  for (let i = 0; i < side; i++) cellOf[i] = Math.floor((i * n) / side);
  for (let y = 0; y < side; y++) {
    const rowCell = cellOf[y]! * n;
    let p = ((top + y) * image.width + left) * 4;
    for (let x = 0; x < side; x++, p += 4) {
      const at = (rowCell + cellOf[x]!) * 3;
      // inlined rather than opaque(): this loop visits every pixel of the picture
      const alpha = image.data[p + 3]! / 255;
      sums[at]! += image.data[p]! * alpha;
      sums[at + 1]! += image.data[p + 1]! * alpha;
      sums[at + 2]! += image.data[p + 2]! * alpha;
    }
  }
  const counts = new Float64Array(n * n);
  for (let cell = 0; cell < n * n; cell++) {
    counts[cell] = countIn(cellOf, Math.floor(cell / n)) * countIn(cellOf, cell % n);
  }
  const out = new Float64Array(n * n * 3);
  for (let cell = 0; cell < n * n; cell++) {
    // a picture smaller than the grid leaves cells empty: they take the cell of the pixel at their centre
    const count = counts[cell]!;
    const px = Math.floor((((cell % n) + 0.5) * side) / n);
    const py = Math.floor(((Math.floor(cell / n) + 0.5) * side) / n);
    const source = count > 0 ? cell : cellOf[py]! * n + cellOf[px]!;
    const c = counts[source]!;
    const r = sums[source * 3]! / c;
    const g = sums[source * 3 + 1]! / c;
    const b = sums[source * 3 + 2]! / c;
    out[cell * 3] = 0.299 * r + 0.587 * g + 0.114 * b;
    out[cell * 3 + 1] = 128 - 0.168736 * r - 0.331264 * g + 0.5 * b;
    out[cell * 3 + 2] = 128 + 0.5 * r - 0.418688 * g - 0.081312 * b;
  }
  return out;
}

/** How many pixels of a row (or column) fall in the given grid column (or row). */
function countIn(cellOf: Int32Array, index: number): number {
  let count = 0;
  for (const c of cellOf) if (c === index) count++;
  return count;
}

/** Per output position: the first input index and the weights of a triangle filter widened to the scale. */
function filterTaps(inSize: number, outSize: number): { first: Int32Array; weights: Float64Array[] } {
  const scale = inSize / outSize;
  // downscaling averages over the whole footprint (no aliasing); upscaling interpolates linearly
  const support = Math.max(1, scale);
  const first = new Int32Array(outSize);
  const weights: Float64Array[] = [];
  for (let i = 0; i < outSize; i++) {
    const centre = (i + 0.5) * scale - 0.5;
    const from = Math.max(0, Math.floor(centre - support) + 1);
    const to = Math.min(inSize - 1, Math.ceil(centre + support) - 1);
    const w = new Float64Array(Math.max(1, to - from + 1));
    let total = 0;
    for (let j = from; j <= to; j++) {
      const v = Math.max(0, 1 - Math.abs(j - centre) / support);
      w[j - from] = v;
      total += v;
    }
    if (total === 0) {
      w[0] = 1; // a one-pixel input
      total = 1;
    }
    for (let k = 0; k < w.length; k++) w[k]! /= total;
    first[i] = Math.min(from, inSize - 1);
    weights.push(w);
  }
  return { first, weights };
}

/** The centred square of `image`, transparency on black, resampled to side x side opaque RGBA. */
export function squareResize(image: Rgba, outSide: number): Rgba {
  const { left, top, side } = centreSquare(image.width, image.height);
  const taps = filterTaps(side, outSide);
  // horizontal pass: side rows of outSide pixels, three channels
  const rows = new Float64Array(side * outSide * 3);
  for (let y = 0; y < side; y++) {
    const rowStart = ((top + y) * image.width + left) * 4;
    for (let x = 0; x < outSide; x++) {
      const w = taps.weights[x]!;
      let p = rowStart + taps.first[x]! * 4;
      let r = 0;
      let g = 0;
      let b = 0;
      for (let k = 0; k < w.length; k++, p += 4) {
        r += w[k]! * opaque(image.data, p, 0);
        g += w[k]! * opaque(image.data, p, 1);
        b += w[k]! * opaque(image.data, p, 2);
      }
      const o = (y * outSide + x) * 3;
      rows[o] = r;
      rows[o + 1] = g;
      rows[o + 2] = b;
    }
  }
  // vertical pass into RGBA
  const data = new Uint8Array(outSide * outSide * 4);
  for (let y = 0; y < outSide; y++) {
    const w = taps.weights[y]!;
    const from = taps.first[y]!;
    for (let x = 0; x < outSide; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let k = 0; k < w.length; k++) {
        const o = ((from + k) * outSide + x) * 3;
        r += w[k]! * rows[o]!;
        g += w[k]! * rows[o + 1]!;
        b += w[k]! * rows[o + 2]!;
      }
      const o = (y * outSide + x) * 4;
      data[o] = Math.round(r);
      data[o + 1] = Math.round(g);
      data[o + 2] = Math.round(b);
      data[o + 3] = 255;
    }
  }
  return { width: outSide, height: outSide, data };
}
