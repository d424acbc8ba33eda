import { readFileSync } from "node:fs";
import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";
import { PictureError } from "../../../src/image/decode.js";
import { PICTURE_TOLERANCE, pictureDistance, pictureHash, samePicture } from "../../../src/image/hash.js";
import { squareResize } from "../../../src/image/pixels.js";
import { reencodeLikeWhatsApp } from "../../../src/image/reencode.js";
import { badge, disc, draw, flipped, photo, poster, text, toJpeg, toPng } from "./scenes.js";

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`fixtures/${name}`, import.meta.url)));

// sizes kept small for speed: the hash works on an 8x8 grid whatever the size
const pictures = {
  poster: draw(480, 480, poster),
  badge: draw(480, 480, badge()),
  photo: draw(420, 420, photo(1)),
  "text (landscape)": draw(600, 400, text),
  "disc (transparent)": draw(300, 300, disc),
};

describe("pictureHash", () => {
  it("is p1: and 256 base64url characters, the same every time", () => {
    const png = toPng(pictures.poster);
    expect(pictureHash(png)).toMatch(/^p1:[A-Za-z0-9_-]{256}$/);
    expect(pictureHash(png)).toBe(pictureHash(toPng(pictures.poster)));
  });

  it("holds each cell's luma and chroma: a red picture is Y 76, Cb 85, Cr 255 everywhere", () => {
    const hash = pictureHash(toPng(draw(16, 16, () => [255, 0, 0])));
    const cells = Buffer.from(hash.slice(3), "base64url");
    expect(cells.length).toBe(192);
    // JPEG's full-range YCbCr of (255, 0, 0): 0.299 * 255, 128 - 0.168736 * 255, 128 + 0.5 * 255 clamped
    for (let i = 0; i < 64; i++) expect([...cells.subarray(i * 3, i * 3 + 3)]).toEqual([76, 85, 255]);
  });

  it.each(Object.entries(pictures))("sees %s and its re-encoded JPEG as the same picture", (_name, image) => {
    const png = toPng(image);
    const reencoded = reencodeLikeWhatsApp(png);
    expect(pictureDistance(pictureHash(png), pictureHash(reencoded))).toBeLessThanOrEqual(4);
  });

  it("sees a picture re-encoded twice (downloaded, then uploaded again) as the same", () => {
    const png = toPng(pictures.poster);
    const twice = reencodeLikeWhatsApp(reencodeLikeWhatsApp(png));
    expect(samePicture(pictureHash(png), pictureHash(twice))).toBe(true);
  });

  it("sees a PNG as the same as what Baileys (sharp) stored for it, transparency included", () => {
    const recorded = [
      // the inputs the fixtures were made from (see fixtures/README.md)
      [toPng(draw(800, 800, poster)), fixture("baileys-poster.jpg")],
      [toPng(draw(500, 500, disc)), fixture("baileys-disc.jpg")],
    ] as const;
    for (const [png, stored] of recorded) {
      expect(pictureDistance(pictureHash(png), pictureHash(stored))).toBeLessThanOrEqual(4);
    }
  });

  it.each(Object.entries(pictures))(
    "sees %s resized and recompressed as the same picture",
    (_name, image) => {
      const original = pictureHash(toPng(image));
      const square = squareResize(image, Math.min(image.width, image.height));
      const variants = {
        "JPEG quality 30": toJpeg(square, 30),
        "96 px JPEG": toJpeg(squareResize(image, 96), 75),
        "1,000 px PNG": toPng(squareResize(image, 1000)),
      };
      for (const [variant, bytes] of Object.entries(variants)) {
        expect({ variant, same: samePicture(original, pictureHash(bytes)) }).toEqual({ variant, same: true });
      }
    },
  );

  it("sees grey, grey-and-alpha and 16-bit PNGs like the 8-bit RGB picture they hold", () => {
    // a grey-only picture: the three PNG colour types below store it losslessly
    const grey = draw(64, 64, (u, v) => (u > v ? [200, 200, 200] : [40, 40, 40]));
    const rgb = pictureHash(toPng(grey));
    for (const [colorType, bitDepth] of [
      [0, 8],
      [0, 16],
      [4, 8],
    ] as const) {
      const png = new PNG({ width: 64, height: 64, colorType, inputColorType: 6, bitDepth });
      // pngjs takes 16-bit samples as native 16-bit numbers: 0..255 becomes 0..65535
      png.data =
        bitDepth === 16
          ? Buffer.from(Uint16Array.from(grey.data, (x) => x * 257).buffer)
          : Buffer.from(grey.data);
      const bytes = new Uint8Array(PNG.sync.write(png, { colorType, inputColorType: 6, bitDepth }));
      expect({ colorType, bitDepth, distance: pictureDistance(rgb, pictureHash(bytes)) }).toEqual({
        colorType,
        bitDepth,
        distance: 0,
      });
    }
  });

  it("sees visibly different pictures as different", () => {
    const red = pictureHash(toPng(draw(480, 480, badge([200, 60, 60]))));
    const changes = {
      "another picture": pictureHash(toPng(pictures.poster)),
      "another photo": pictureHash(toPng(draw(420, 420, photo(2)))),
      "the badge turned blue": pictureHash(toPng(draw(480, 480, badge([40, 40, 210])))),
      // same luma (Y 102) as red 200, 60, 60: only the chroma tells them apart, as a luma dHash cannot
      "the badge green at the brightness of red": pictureHash(toPng(draw(480, 480, badge([60, 131, 60])))),
      "the badge a darker red": pictureHash(toPng(draw(480, 480, badge([160, 30, 30])))),
      "the badge without its bar": pictureHash(toPng(draw(480, 480, badge([200, 60, 60], false)))),
    };
    for (const [change, hash] of Object.entries(changes)) {
      expect({ change, same: samePicture(red, hash) }).toEqual({ change, same: false });
    }
    // a change that survives the engine's re-encoding is still seen
    const blueStored = reencodeLikeWhatsApp(toPng(draw(480, 480, badge([40, 40, 210]))));
    expect(samePicture(red, pictureHash(blueStored))).toBe(false);
  });

  it("sees a flipped picture as different, unless the picture is symmetric", () => {
    const original = pictureHash(toPng(pictures.poster));
    expect(pictureDistance(original, pictureHash(toPng(flipped(pictures.poster))))).toBeGreaterThan(
      4 * PICTURE_TOLERANCE,
    );
    // the badge is mirror-symmetric: flipped, it looks exactly the same
    expect(samePicture(pictureHash(toPng(pictures.badge)), pictureHash(toPng(flipped(pictures.badge))))).toBe(
      true,
    );
  });

  it("sees a small dot added to a corner", () => {
    const dotted = draw(480, 480, (u, v) =>
      (u - 0.8) ** 2 + (v - 0.8) ** 2 < 0.045 ** 2 ? [0, 0, 0] : badge()(u, v),
    );
    expect(samePicture(pictureHash(toPng(pictures.badge)), pictureHash(toPng(dotted)))).toBe(false);
  });

  it("names the file when the bytes are not a picture", () => {
    expect(() => pictureHash(new TextEncoder().encode("GIF89a..."), "icons/vip.png")).toThrow(
      new PictureError("icons/vip.png: not a JPEG or PNG (starts with 47 49 46 38)"),
    );
  });
});

describe("samePicture", () => {
  const white = pictureHash(toPng(draw(8, 8, () => [255, 255, 255])));
  const nearWhite = (level: number) => pictureHash(toPng(draw(8, 8, () => [level, level, level])));

  it("allows each cell to move by the tolerance and no further", () => {
    expect(pictureDistance(white, nearWhite(255 - PICTURE_TOLERANCE))).toBe(PICTURE_TOLERANCE);
    expect(samePicture(white, nearWhite(255 - PICTURE_TOLERANCE))).toBe(true);
    expect(samePicture(white, nearWhite(254 - PICTURE_TOLERANCE))).toBe(false);
    expect(samePicture(white, nearWhite(250), 4)).toBe(false);
    expect(samePicture(white, nearWhite(250), 5)).toBe(true);
  });

  it("refuses a string that is not a picture hash, naming it", () => {
    expect(() => samePicture(white, "e3b0c44298fc1c149afbf4c8996fb924")).toThrow(
      new PictureError('not a picture hash (32 characters): "e3b0c44298fc1c149afbf4c8…"'),
    );
    expect(() => samePicture(`${white.slice(0, -1)}!`, white)).toThrow(PictureError);
    expect(() => samePicture(white, "p1:")).toThrow(PictureError);
  });
});
