// The double's pictures: engines re-encode what they are given (wawp-api.md "Pictures"), so the
// stored bytes never equal the upload, while the picture itself looks the same.
import { crc32, deflateSync, inflateSync } from "node:zlib";

/**
 * Engines re-encode pictures, so the stored bytes never equal the upload. The double keeps the
 * pixels and changes the encoding: a PNG's image data is re-deflated at another level and a text
 * chunk added; any other file gets a JPEG comment segment after its start marker.
 */
export function reencode(bytes: Uint8Array): Uint8Array {
  const b = Buffer.from(bytes);
  if (b.subarray(0, 8).equals(PNG_MAGIC)) {
    const chunks = pngChunks(b);
    const idat = Buffer.concat(chunks.filter((c) => c.type === "IDAT").map((c) => c.data));
    const data = deflateSync(inflateSync(idat), { level: 1 });
    const out: Buffer[] = [PNG_MAGIC];
    for (const c of chunks) {
      if (c.type === "IDAT") continue;
      if (c.type === "IEND") {
        out.push(
          pngChunk("tEXt", Buffer.from("Software\0wagroups-double re-encoder")),
          pngChunk("IDAT", data),
        );
      }
      out.push(pngChunk(c.type, c.data));
    }
    return new Uint8Array(Buffer.concat(out));
  }
  const comment = Buffer.from("re-encoded by the double");
  const len = Buffer.alloc(2);
  len.writeUInt16BE(comment.length + 2);
  return new Uint8Array(
    Buffer.concat([b.subarray(0, 2), Buffer.from([0xff, 0xfe]), len, comment, b.subarray(2)]),
  );
}

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function pngChunks(b: Buffer): { type: string; data: Buffer }[] {
  const out: { type: string; data: Buffer }[] = [];
  for (let at = 8; at + 12 <= b.length; ) {
    const len = b.readUInt32BE(at);
    out.push({ type: b.toString("latin1", at + 4, at + 8), data: b.subarray(at + 8, at + 8 + len) });
    at += 12 + len;
  }
  return out;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length);
  head.write(type, 4, "latin1");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])));
  return Buffer.concat([head, data, crc]);
}

/** A small RGB PNG whose pixels come from `rgb(x, y)`: icons for tests, readable by any decoder. */
export function makePng(
  width: number,
  height: number,
  rgb: (x: number, y: number) => [number, number, number],
) {
  const rows: number[] = [];
  for (let y = 0; y < height; y++) {
    rows.push(0); // filter: none
    for (let x = 0; x < width; x++) rows.push(...rgb(x, y));
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, no interlace
  return Buffer.concat([
    PNG_MAGIC,
    pngChunk("IHDR", ihdr),
    pngChunk("IDAT", deflateSync(Buffer.from(rows), { level: 9 })),
    pngChunk("IEND", Buffer.alloc(0)),
  ]);
}
