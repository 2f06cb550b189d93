/**
 * Each examples/ app runs as the cdktf app `cdktf synth` runs in its directory (its cdktf.json's command, ts-node
 * compiling the app's sources in a node process of its own) and writes the stack the in-process synthesis gives.
 * Three node processes compiling TypeScript: a build, so this runs in the system project (issue 20).
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { EXAMPLES, synthExampleJson, type TfJson } from "../azure/helpers";

const execFileAsync = promisify(execFile);

test("each example runs as a cdktf app (what `cdktf synth` runs in its directory) and writes its stack", async () => {
  // The three apps run at once (each a node process compiling its sources through ts-node: most of this file's time).
  await Promise.all(
    Object.keys(EXAMPLES).map(async (name) => {
      const outdir = mkdtempSync(join(tmpdir(), "edge-lab-example-"));
      try {
        const dir = join(__dirname, "..", "..", "examples", name);
        const app = JSON.parse(readFileSync(join(dir, "cdktf.json"), "utf8")).app as string;
        expect(app).toBe("npx ts-node --transpile-only main.ts");
        await execFileAsync(process.execPath, [require.resolve("ts-node/dist/bin"), "--transpile-only", "main.ts"], {
          cwd: dir,
          env: { ...process.env, CDKTF_OUTDIR: outdir, CHECKPOINT_DISABLE: "1" },
        });
        const manifest = JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8")) as { stacks: Record<string, { synthesizedStackPath: string }> };
        const [stackId] = Object.keys(manifest.stacks);
        const written = JSON.parse(readFileSync(join(outdir, manifest.stacks[stackId].synthesizedStackPath), "utf8")) as TfJson;
        expect(Object.keys(written.resource).sort()).toEqual(Object.keys(synthExampleJson(name).resource).sort());
      } finally {
        rmSync(outdir, { recursive: true, force: true });
      }
    }),
  );
}, 120_000);
