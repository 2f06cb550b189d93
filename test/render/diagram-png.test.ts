/**
 * Legibility check of the diagrams: headless Chromium (Debian package `chromium`; scripts/install-test-tools.sh) renders each
 * SVG to PNG at the SVG's own size plus a margin; the picture must be non-empty, drawn at full size, and not clipped
 * (white margin on every side, content reaching the SVG's padded edges).
 *
 * Set EDGE_LAB_PNG_DIR to keep the PNGs (e.g. for the README).
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { diagramSvg, loadGraphviz } from "../../lib/render/diagram";
import { bundledPlan, bundledScenarioFiles } from "../helpers";
import { describeWithTools, TOOL_ENV } from "../system-tools";

test("the PNG check covers bundled scenarios", () => {
  const bundled = bundledScenarioFiles().map((f) => basename(f, ".yaml"));
  for (const id of ids) expect(bundled).toContain(id);
});

const CHROMIUM = process.env.CHROMIUM ?? "chromium";
const MARGIN = 40; // px of window beyond the SVG on the right and bottom
const PAD_PX = 0.4 * 96; // the DOT's pad=0.4 (inches)

let work: string;

function screenshot(svgFile: string, pngFile: string, width: number, height: number): void {
  const profile = mkdtempSync(join(work, "profile-"));
  execFileSync(
    CHROMIUM,
    [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--hide-scrollbars",
      "--force-device-scale-factor=1",
      `--user-data-dir=${profile}`,
      `--screenshot=${pngFile}`,
      `--window-size=${width},${height}`,
      `file://${svgFile}`,
    ],
    { stdio: "pipe", timeout: 60_000, env: TOOL_ENV },
  );
}

/** The PNG's size and the bounding box of its pixels that are not (near) white (./png-content-box.js, plain Node). */
function contentBox(pngFile: string): { width: number; height: number; left: number; top: number; right: number; bottom: number; count: number } {
  return JSON.parse(execFileSync(process.execPath, [join(__dirname, "png-content-box.js"), pngFile], { encoding: "utf8", timeout: 60_000 }));
}

/** Three diagrams of different shapes (Chromium takes 1-2 s each): two sites + Director, HLB pool, single Edge. */
const ids = ["contoso-enterprise", "scaled-hlb", "single-consolidated-nat"];

describeWithTools("diagrams rendered by headless Chromium", ["chromium"], () => {
  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "edge-lab-png-"));
    await loadGraphviz();
  });

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test.each(ids)(
    "diagram of %s renders in Chromium to a complete, unclipped PNG",
    async (id) => {
      const svg = await diagramSvg(bundledPlan(id));
      const m = /<svg width="([\d.]+)pt" height="([\d.]+)pt"/.exec(svg);
      expect(m).not.toBeNull();
      const svgW = (Number(m![1]) * 4) / 3; // pt -> CSS px
      const svgH = (Number(m![2]) * 4) / 3;
      const width = Math.ceil(svgW) + MARGIN;
      const height = Math.ceil(svgH) + MARGIN;
      const svgFile = join(work, `${id}.svg`);
      const pngFile = join(work, `${id}.png`);
      writeFileSync(svgFile, svg);
      screenshot(svgFile, pngFile, width, height);

      expect(statSync(pngFile).size).toBeGreaterThan(10_000);
      const box = contentBox(pngFile);
      expect([box.width, box.height]).toEqual([width, height]); // the whole SVG fits the window we chose
      expect(box.count).toBeGreaterThan(0.01 * width * height); // not blank
      // White margin all round: nothing touches the picture's edges (nothing clipped)...
      expect(box.left).toBeGreaterThan(5);
      expect(box.top).toBeGreaterThan(5);
      expect(box.right).toBeLessThan(width - MARGIN);
      expect(box.bottom).toBeLessThan(height - MARGIN);
      // ...and the content reaches the SVG's padded edges (drawn at full size, not shrunk or cut short).
      expect(box.right).toBeGreaterThan(svgW - PAD_PX - 20);
      expect(box.bottom).toBeGreaterThan(svgH - PAD_PX - 20);
      expect(box.left).toBeLessThan(PAD_PX + 20);
      expect(box.top).toBeLessThan(PAD_PX + 20);

      const keep = process.env.EDGE_LAB_PNG_DIR;
      if (keep) {
        mkdirSync(keep, { recursive: true });
        copyFileSync(pngFile, join(keep, `${id}.png`));
      }
    },
    90_000,
  );
});
