/** Reading what a user names (a file, a device, standard input) without letting it grow without end. */
import { closeSync, openSync, readSync } from "node:fs";

/**
 * At most `max` bytes of a file (by path) or an open descriptor (0: standard input), as UTF-8: a device or an
 * endless pipe cannot make a command hang or run out of memory. The caller refuses a result of `max` bytes as too big.
 */
export function readBounded(source: string | number, max: number): string {
  const fd = typeof source === "number" ? source : openSync(source, "r");
  try {
    const buf = Buffer.alloc(max);
    let n = 0;
    for (let got = -1; got !== 0 && n < max; n += got) got = readSync(fd, buf, n, max - n, null);
    return buf.subarray(0, n).toString("utf8");
  } finally {
    if (typeof source !== "number") closeSync(fd);
  }
}
