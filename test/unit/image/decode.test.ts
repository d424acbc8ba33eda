import { describe, expect, it } from "vitest";
import { decodePicture, MAX_SIDE, PictureError, readHeader } from "../../../src/image/decode.js";
import { draw, poster, toJpeg, toPng } from "./scenes.js";

const png = toPng(draw(30, 20, poster));
const jpeg = toJpeg(draw(30, 20, poster), 80);

/** The first bytes of a PNG that declares width x height: signature and IHDR, no pixel data. */
function pngHeader(width: number, height: number): Uint8Array {
  const bytes = new Uint8Array(33);
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  const view = new DataView(bytes.buffer);
  view.setUint32(16, width);
  view.setUint32(20, height);
  bytes.set([8, 6, 0, 0, 0], 24);
  return bytes;
}

/** A JPEG start, a comment segment, and a baseline frame header for width x height; no scan. */
function jpegHeader(width: number, height: number): Uint8Array {
  return new Uint8Array([
    ...[0xff, 0xd8, 0xff, 0xfe, 0x00, 0x04, 0x68, 0x69], // SOI, COM "hi"
    ...[0xff, 0xc0, 0x00, 0x11, 0x08, height >> 8, height & 255, width >> 8, width & 255, 3],
    ...[1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1],
  ]);
}

describe("readHeader", () => {
  it("reads the format and size of a PNG and a JPEG", () => {
    expect(readHeader(png)).toEqual({ format: "png", width: 30, height: 20 });
    expect(readHeader(jpeg)).toEqual({ format: "jpeg", width: 30, height: 20 });
    expect(readHeader(jpegHeader(640, 480))).toEqual({ format: "jpeg", width: 640, height: 480 });
  });

  it("refuses more than 8,000 px a side from the header alone", () => {
    // these headers have no pixel data at all: the size check has to come before any decoding
    expect(() => decodePicture(pngHeader(MAX_SIDE + 1, 10), "icons/huge.png")).toThrow(
      new PictureError("icons/huge.png: 8001x10 px is larger than 8000 px on a side"),
    );
    expect(() => decodePicture(jpegHeader(300, 65535), "live picture")).toThrow(
      new PictureError("live picture: 300x65535 px is larger than 8000 px on a side"),
    );
    expect(() => decodePicture(pngHeader(0, 10))).toThrow(new PictureError("picture: declares a 0x10 image"));
  });

  it("names what it found instead of a picture", () => {
    expect(() => readHeader(new Uint8Array(0), "a.png")).toThrow(
      new PictureError("a.png: not a JPEG or PNG (empty)"),
    );
    expect(() => readHeader(new TextEncoder().encode("<html>"), "a.png")).toThrow(
      new PictureError("a.png: not a JPEG or PNG (starts with 3c 68 74 6d)"),
    );
    expect(() => readHeader(png.subarray(0, 20), "a.png")).toThrow(
      new PictureError("a.png: PNG without its IHDR header (20 bytes)"),
    );
    expect(() => readHeader(new Uint8Array([0xff, 0xd8, 0xff, 0xda, 0, 2]), "a.jpg")).toThrow(
      new PictureError("a.jpg: JPEG without a frame header in its 6 bytes"),
    );
  });
});

describe("decodePicture", () => {
  it("decodes a PNG and a JPEG to RGBA of the declared size", () => {
    const fromPng = decodePicture(png);
    expect([fromPng.width, fromPng.height, fromPng.data.length]).toEqual([30, 20, 30 * 20 * 4]);
    // the top-left pixel of the poster is its off-white ground
    expect([...fromPng.data.subarray(0, 4)]).toEqual([245, 245, 240, 255]);
    const fromJpeg = decodePicture(jpeg);
    expect([fromJpeg.width, fromJpeg.height, fromJpeg.data.length]).toEqual([30, 20, 30 * 20 * 4]);
  });

  it("turns a truncated PNG into a PictureError naming the file", () => {
    expect(() => decodePicture(png.subarray(0, 40), "icons/cut.png")).toThrow(
      new PictureError("icons/cut.png: unreadable PNG: truncated: no IEND chunk, the file ends too early"),
    );
    expect(() => decodePicture(png.subarray(0, 40), "icons/cut.png")).toThrow(PictureError);
  });

  it("turns a JPEG with no image data into a PictureError naming the file", () => {
    expect(() => decodePicture(jpegHeader(16, 16), "icons/empty.jpg")).toThrow(
      /^icons\/empty\.jpg: unreadable JPEG: .+/,
    );
  });

  it("turns a PNG with a damaged checksum into a PictureError", () => {
    const damaged = png.slice();
    damaged[29] = damaged[29]! ^ 0xff; // inside the IHDR chunk's CRC
    expect(() => decodePicture(damaged, "icons/bad.png")).toThrow(/^icons\/bad\.png: unreadable PNG: .+/);
  });
});
