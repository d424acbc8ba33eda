// Reading a JPEG or PNG into RGBA pixels, with the size checked from the header before any pixel is
// decoded, so a hostile or broken file costs a few bytes of parsing, never a gigabyte of memory.
import { createRequire } from "node:module";
import { WagroupsError } from "../errors.js";

// the codecs load with the first picture decoded: most runs have none to decode, and pngjs alone
// was a sixth of loading `plan`
const require = createRequire(import.meta.url);
export const jpegCodec = (): typeof import("jpeg-js") => require("jpeg-js") as typeof import("jpeg-js");
const pngCodec = (): typeof import("pngjs") => require("pngjs") as typeof import("pngjs");

/** A picture that cannot be read: not a JPEG or PNG, truncated, corrupt, or absurdly large. */
export class PictureError extends WagroupsError {
  override name = "PictureError";
}

/** Larger than any icon anyone means to upload; an 8,000 x 8,000 RGBA image is already 256 MB. */
export const MAX_SIDE = 8000;

export type PictureFormat = "jpeg" | "png";

export interface Rgba {
  width: number;
  height: number;
  /** width * height * 4 bytes, red, green, blue, alpha */
  data: Uint8Array;
}

export interface Header {
  format: PictureFormat;
  width: number;
  height: number;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** The format and size a picture declares, read from its first bytes; throws PictureError. */
export function readHeader(bytes: Uint8Array, where = "picture"): Header {
  let header: Header;
  if (PNG_SIGNATURE.every((b, i) => bytes[i] === b)) header = pngHeader(bytes, where);
  else if (bytes[0] === 0xff && bytes[1] === 0xd8) header = jpegHeader(bytes, where);
  else {
    const start = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, "0")).join(" ");
    throw new PictureError(
      `${where}: not a JPEG or PNG (${bytes.length === 0 ? "empty" : `starts with ${start}`})`,
    );
  }
  const { width, height } = header;
  if (width < 1 || height < 1) throw new PictureError(`${where}: declares a ${width}x${height} image`);
  if (width > MAX_SIDE || height > MAX_SIDE) {
    throw new PictureError(`${where}: ${width}x${height} px is larger than ${MAX_SIDE} px on a side`);
  }
  return header;
}

function pngHeader(bytes: Uint8Array, where: string): Header {
  // the first chunk must be IHDR: length 13, then width and height as big-endian 32-bit numbers
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 24 || String.fromCharCode(...bytes.subarray(12, 16)) !== "IHDR") {
    throw new PictureError(`${where}: PNG without its IHDR header (${bytes.length} bytes)`);
  }
  return { format: "png", width: view.getUint32(16), height: view.getUint32(20) };
}

function jpegHeader(bytes: Uint8Array, where: string): Header {
  // walk the marker segments to the first start-of-frame, which holds the size
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) break;
    const marker = bytes[at + 1]!;
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      at += 2; // markers without a length
      continue;
    }
    const length = (bytes[at + 2]! << 8) | bytes[at + 3]!;
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrame) {
      if (at + 9 > bytes.length) break;
      return {
        format: "jpeg",
        height: (bytes[at + 5]! << 8) | bytes[at + 6]!,
        width: (bytes[at + 7]! << 8) | bytes[at + 8]!,
      };
    }
    if (marker === 0xda || marker === 0xd9 || length < 2) break; // scan data or end before any frame
    at += 2 + length;
  }
  throw new PictureError(`${where}: JPEG without a frame header in its ${bytes.length} bytes`);
}

// the IEND chunk's type and its fixed CRC: a whole PNG has them, usually as its last 8 bytes
const IEND = [0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82];

function endsWithIend(bytes: Uint8Array): boolean {
  // searched from the end, as some tools append data after IEND
  for (let at = bytes.length - IEND.length; at >= 33; at--) {
    if (IEND.every((b, i) => bytes[at + i] === b)) return true;
  }
  return false;
}

/** Decodes a JPEG or PNG to RGBA after checking its declared size; throws PictureError, never a library's own error. */
export function decodePicture(bytes: Uint8Array, where = "picture"): Rgba {
  const header = readHeader(bytes, where);
  let image: Rgba;
  try {
    if (header.format === "png") {
      // pngjs reports a cut-off file as a stream error that says nothing about the file
      if (!endsWithIend(bytes)) throw new Error("truncated: no IEND chunk, the file ends too early");
      // pngjs expands palettes, grey and 16-bit samples to 8-bit RGBA
      const png = pngCodec().PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      image = { width: png.width, height: png.height, data: png.data };
    } else {
      image = jpegCodec().decode(bytes, {
        useTArray: true,
        formatAsRGBA: true,
        maxResolutionInMP: (MAX_SIDE * MAX_SIDE) / 1e6,
        maxMemoryUsageInMB: 512,
      });
    }
  } catch (e) {
    // jpeg-js sometimes throws plain strings
    const reason = e instanceof Error ? e.message : String(e);
    throw new PictureError(`${where}: unreadable ${header.format.toUpperCase()}: ${reason}`);
  }
  if (image.width !== header.width || image.height !== header.height) {
    throw new PictureError(
      `${where}: decoded ${image.width}x${image.height} but the header says ${header.width}x${header.height}`,
    );
  }
  return image;
}
