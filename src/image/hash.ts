// Comparing group pictures by how they look. Engines re-encode every upload (Baileys: a 640 x 640
// JPEG at quality 50), so the live bytes never equal the manifest's file and a byte hash would show
// the icon as changed on every plan.
//
// The hash is the picture's mean colour in each cell of an 8 x 8 grid over the centred square the
// engines keep, as luma and two chroma bytes per cell. Whole-cell means survive resizing and JPEG
// noise (measured: at most 4 levels of 255 apart after a re-encode, 6 for a 40 px thumbnail), while a
// colour change, a flip, or a 36 px dot on an 800 px picture moves some cell by 22 levels or more.
// A 64-bit luma dHash compared by Hamming distance was measured too and rejected: it cannot see a
// change of colour at equal contrast (a red badge turned blue was distance 0).
import { decodePicture, PictureError } from "./decode.js";
import { cellMeans } from "./pixels.js";

const GRID = 8;
const VALUES = GRID * GRID * 3;
const PREFIX = "p1:";
const ENCODED_LENGTH = PREFIX.length + Math.ceil(VALUES / 3) * 4;

/** How far (in levels of 255) one cell's luma or chroma may move before the pictures differ. */
export const PICTURE_TOLERANCE = 12;

/**
 * A perceptual hash of a JPEG or PNG: "p1:" and 256 base64url characters. Throws PictureError for bytes
 * that are not a readable JPEG or PNG of at most 8,000 px a side; `where` names the file in that error.
 */
export function pictureHash(bytes: Uint8Array, where = "picture"): string {
  const means = cellMeans(decodePicture(bytes, where), GRID);
  const cells = new Uint8Array(VALUES);
  for (let i = 0; i < VALUES; i++) cells[i] = Math.max(0, Math.min(255, Math.round(means[i]!)));
  return PREFIX + Buffer.from(cells).toString("base64url");
}

function cellsOf(hash: string): Uint8Array | undefined {
  if (hash.length !== ENCODED_LENGTH || !hash.startsWith(PREFIX) || !/^[A-Za-z0-9_-]+$/.test(hash.slice(3))) {
    return undefined;
  }
  return new Uint8Array(Buffer.from(hash.slice(PREFIX.length), "base64url"));
}

function malformed(hash: string): PictureError {
  const shown = hash.length > 24 ? `${hash.slice(0, 24)}…` : hash;
  return new PictureError(`not a picture hash (${hash.length} characters): ${JSON.stringify(shown)}`);
}

/** The largest difference between the two pictures' cells, in levels of 255; throws for a malformed hash. */
export function pictureDistance(a: string, b: string): number {
  const ca = cellsOf(a);
  const cb = cellsOf(b);
  if (!ca) throw malformed(a);
  if (!cb) throw malformed(b);
  let max = 0;
  for (let i = 0; i < VALUES; i++) max = Math.max(max, Math.abs(ca[i]! - cb[i]!));
  return max;
}

/** Whether two hashes from pictureHash show the same picture, re-encoding and resizing aside. */
export function samePicture(a: string, b: string, tolerance = PICTURE_TOLERANCE): boolean {
  return pictureDistance(a, b) <= tolerance;
}
