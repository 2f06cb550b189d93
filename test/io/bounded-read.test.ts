/** readBounded: a device or an endless stream stops at the bound; the commands refuse what reaches it. */
import { join } from "node:path";
import { readBounded } from "../../lib/io/bounded-read";
import { readCaFile } from "../../lib/discover";
import { run } from "../../bin/cli";
import { SCENARIO_DIR } from "../helpers";

test("a device without end is read up to the bound, a short file whole", () => {
  expect(readBounded("/dev/zero", 4096).length).toBe(4096);
  expect(readBounded(join(__dirname, "..", "fixtures", "probe", "ca.crt"), 1 << 20)).toContain("-----BEGIN CERTIFICATE-----");
});

test("probe --ca and discover --ca refuse /dev/zero instead of hanging", async () => {
  expect(() => readCaFile("/dev/zero")).toThrow(/--ca \/dev\/zero: more than \d+ bytes/);
  let err = "";
  const code = await run(["probe", join(SCENARIO_DIR, "single-consolidated-nat.yaml"), "--ca", "/dev/zero"], { out: () => undefined, err: (t) => (err += t) });
  expect(code).toBe(1);
  expect(err).toContain("--ca /dev/zero: not a PEM certificate file");
});
