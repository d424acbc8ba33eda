import { describe, expect, it } from "vitest";
import { cellMeans, centreSquare, squareResize } from "../../../src/image/pixels.js";
import { draw } from "./scenes.js";

describe("centreSquare", () => {
  it("keeps the middle of a landscape or portrait picture, all of a square one", () => {
    expect(centreSquare(1920, 1080)).toEqual({ left: 420, top: 0, side: 1080 });
    expect(centreSquare(601, 800)).toEqual({ left: 0, top: 99, side: 601 });
    expect(centreSquare(640, 640)).toEqual({ left: 0, top: 0, side: 640 });
  });
});

describe("cellMeans", () => {
  it("averages each cell: left half black, right half white gives 0 and 255 luma, neutral chroma", () => {
    const means = cellMeans(
      draw(64, 64, (u) => (u < 0.5 ? [0, 0, 0] : [255, 255, 255])),
      2,
    );
    expect(Array.from(means, (x) => Math.round(x))).toEqual([
      0, 128, 128, 255, 128, 128, 0, 128, 128, 255, 128, 128,
    ]);
  });

  it("lays transparency on black", () => {
    const half = cellMeans(
      draw(4, 4, () => [255, 255, 255, 51]),
      1,
    );
    expect(Math.round(half[0]!)).toBe(51);
  });

  it("fills every cell of the grid from a picture smaller than the grid", () => {
    const tiny = draw(2, 2, (u, v) => (u < 0.5 && v < 0.5 ? [255, 255, 255] : [0, 0, 0]));
    const luma = Array.from(
      cellMeans(tiny, 4).filter((_, i) => i % 3 === 0),
      (x) => Math.round(x),
    );
    expect(luma).toEqual([255, 255, 0, 0, 255, 255, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  });
});

describe("squareResize", () => {
  it("averages when shrinking: a fine checkerboard becomes mid grey", () => {
    const checker = draw(64, 64, (u, v) =>
      (Math.floor(u * 64) + Math.floor(v * 64)) % 2 ? [255, 255, 255] : [0, 0, 0],
    );
    const small = squareResize(checker, 8);
    for (let i = 0; i < small.data.length; i += 4)
      expect(Math.abs(small.data[i]! - 128)).toBeLessThanOrEqual(2);
  });

  it("enlarges a one-pixel picture to a uniform square", () => {
    const big = squareResize(
      draw(1, 1, () => [10, 200, 30]),
      16,
    );
    expect(big.width).toBe(16);
    expect(
      new Set(Array.from({ length: 256 }, (_, i) => big.data.subarray(i * 4, i * 4 + 4).join())),
    ).toEqual(new Set(["10,200,30,255"]));
  });

  it("keeps the centred square of a wide picture", () => {
    // three bands, red, green, blue: the square in the middle is all green
    const bands = draw(300, 100, (u) => (u < 1 / 3 ? [255, 0, 0] : u < 2 / 3 ? [0, 255, 0] : [0, 0, 255]));
    const square = squareResize(bands, 10);
    expect([...square.data.subarray(0, 4)]).toEqual([0, 255, 0, 255]);
    expect([...square.data.subarray(square.data.length - 4)]).toEqual([0, 255, 0, 255]);
  });
});
