// Pictures drawn in code, so the tests need no image files: each scene maps a position (u, v in
// 0..1, across and down) to an RGB or RGBA colour.
import jpeg from "jpeg-js";
import { PNG } from "pngjs";
import type { Rgba } from "../../../src/image/decode.js";

export type Colour = [number, number, number] | [number, number, number, number];
export type Scene = (u: number, v: number) => Colour;

export function draw(width: number, height: number, scene: Scene): Rgba {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [r, g, b, a = 255] = scene((x + 0.5) / width, (y + 0.5) / height);
      data.set([r, g, b, a], (y * width + x) * 4);
    }
  }
  return { width, height, data };
}

export function toPng(image: Rgba): Uint8Array {
  const png = new PNG({ width: image.width, height: image.height });
  png.data = Buffer.from(image.data);
  return new Uint8Array(PNG.sync.write(png));
}

export function toJpeg(image: Rgba, quality: number): Uint8Array {
  return new Uint8Array(jpeg.encode(image, quality).data);
}

/** The same picture mirrored left to right. */
export function flipped(image: Rgba): Rgba {
  const { width, height } = image;
  const data = new Uint8Array(image.data.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const from = (y * width + (width - 1 - x)) * 4;
      data.set(image.data.subarray(from, from + 4), (y * width + x) * 4);
    }
  }
  return { width, height, data };
}

const inCircle = (u: number, v: number, cu: number, cv: number, r: number) =>
  (u - cu) ** 2 + (v - cv) ** 2 < r * r;

/** An orange sun and a navy block on off-white: no symmetry, so a flip changes how it looks. */
export const poster: Scene = (u, v) =>
  inCircle(u, v, 0.3, 0.35, 0.2) ? [230, 120, 20] : v > 0.7 && u > 0.5 ? [20, 20, 120] : [245, 245, 240];

/** A round badge with a white bar in it, on white: the flat logo most group icons are. */
export const badge =
  (colour: Colour = [210, 40, 40], bar = true): Scene =>
  (u, v) =>
    !inCircle(u, v, 0.5, 0.5, 0.32)
      ? [255, 255, 255]
      : bar && Math.abs(u - 0.5) < 0.05 && Math.abs(v - 0.5) < 0.2
        ? [255, 255, 255]
        : colour;

/** Smooth colour waves from a seed: stands in for a photograph. */
export function photo(seed: number): Scene {
  let s = seed >>> 0;
  const random = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
  const waves = Array.from({ length: 12 }, () => [random() * 12, random() * 12, random() * 6.28, random()]);
  return (u, v) => {
    const sum = [0, 0, 0];
    waves.forEach(([fu, fv, phase, k], i) => {
      sum[i % 3]! += Math.sin(fu! * u + fv! * v + phase!) * k!;
    });
    return sum.map((x) => Math.max(0, Math.min(255, 128 + 60 * x))) as Colour;
  };
}

/** Lines of light "text" on a dark blue ground. */
export const text: Scene = (u, v) => {
  const row = Math.floor(v * 10);
  const column = Math.floor(u * 16);
  const lit = row % 2 === 1 && row < 9 && (column * 7 + row * 3) % 5 !== 0 && u > 0.1 && u < 0.9;
  return lit ? [240, 240, 240] : [20, 30, 60];
};

/** A green disc on a transparent ground. */
export const disc: Scene = (u, v) =>
  inCircle(u, v, 0.5, 0.5, 0.35) ? [30, 160, 90, 255] : [255, 255, 255, 0];
