/**
 * `npm run golden:update`: rewrites test/golden/<scenario id>/ from the current sources. Run it after reviewing
 * what changed (`git diff test/golden` shows it), never to make a failing test pass unread.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { committedGolden, GOLDEN_DIR, renderGolden } from "./render";

async function main(): Promise<void> {
  const fresh = await renderGolden();
  const old = committedGolden();
  let changed = 0;
  for (const key of old.keys())
    if (!fresh.has(key)) {
      rmSync(join(GOLDEN_DIR, key));
      changed++;
      console.log(`removed ${key}`);
    }
  for (const [key, content] of fresh) {
    if (old.get(key) === content) continue;
    mkdirSync(dirname(join(GOLDEN_DIR, key)), { recursive: true });
    writeFileSync(join(GOLDEN_DIR, key), content);
    changed++;
    console.log(`${old.has(key) ? "updated" : "added"} ${key}`);
  }
  console.log(`golden files: ${fresh.size}, ${changed} changed; review them with git diff test/golden`);
}

void main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
