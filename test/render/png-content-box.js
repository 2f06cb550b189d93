/**
 * Prints `{ width, height, left, top, right, bottom, count }` of a PNG as JSON: its size and the bounding box of the
 * pixels that are not (near) white (test/render/diagram-png.test.ts). It runs in a Node process of its own: inside
 * jest's sandbox every global lookup (Math.abs in pngjs's Paeth filter, once per byte) goes through the sandbox's
 * global object, and decoding a diagram's PNG took 4.5 s instead of 0.2 s.
 */
"use strict";
const { readFileSync } = require("node:fs");
const { PNG } = require("pngjs");

const png = PNG.sync.read(readFileSync(process.argv[2]));
let left = png.width;
let top = png.height;
let right = -1;
let bottom = -1;
let count = 0;
for (let y = 0; y < png.height; y++) {
  for (let x = 0; x < png.width; x++) {
    const i = (y * png.width + x) * 4;
    if (png.data[i] < 235 || png.data[i + 1] < 235 || png.data[i + 2] < 235) {
      count++;
      if (x < left) left = x;
      if (x > right) right = x;
      if (y < top) top = y;
      if (y > bottom) bottom = y;
    }
  }
}
process.stdout.write(JSON.stringify({ width: png.width, height: png.height, left, top, right, bottom, count }));
