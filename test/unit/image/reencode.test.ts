import { describe, expect, it } from "vitest";
import { decodePicture, PictureError, readHeader } from "../../../src/image/decode.js";
import { reencodeLikeWhatsApp } from "../../../src/image/reencode.js";
import { disc, draw, poster, toJpeg, toPng } from "./scenes.js";

describe("reencodeLikeWhatsApp", () => {
  it("stores a 640x640 JPEG whatever it is given", () => {
    const inputs = {
      "a wide PNG": toPng(draw(900, 300, poster)),
      "a tall JPEG": toJpeg(draw(200, 500, poster), 90),
      "a one-pixel PNG": toPng(draw(1, 1, () => [0, 128, 255])),
    };
    for (const [input, bytes] of Object.entries(inputs)) {
      expect({ input, header: readHeader(reencodeLikeWhatsApp(bytes)) }).toEqual({
        input,
        header: { format: "jpeg", width: 640, height: 640 },
      });
    }
  });

  it("keeps the middle of a wide picture", () => {
    const bands = draw(600, 200, (u) => (u < 1 / 3 ? [255, 0, 0] : u < 2 / 3 ? [0, 255, 0] : [0, 0, 255]));
    const stored = decodePicture(reencodeLikeWhatsApp(toPng(bands)));
    // the corners of the stored square are green (within JPEG's error), not red or blue
    for (const at of [0, (640 * 640 - 1) * 4]) {
      const [r, g, b] = stored.data.subarray(at, at + 3);
      expect(g! > 200 && r! < 40 && b! < 40).toBe(true);
    }
  });

  it("lays transparency on black, as sharp does", () => {
    const stored = decodePicture(reencodeLikeWhatsApp(toPng(draw(100, 100, disc))));
    expect([...stored.data.subarray(0, 3)].every((c) => c < 16)).toBe(true);
  });

  it("refuses bytes that are not a picture with a PictureError naming them", () => {
    expect(() => reencodeLikeWhatsApp(new Uint8Array([1, 2, 3]), "upload to 1203@g.us")).toThrow(
      new PictureError("upload to 1203@g.us: not a JPEG or PNG (starts with 01 02 03)"),
    );
  });
});
