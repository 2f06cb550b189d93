/**
 * Every complete scenario docs/scenario.md shows (a ```yaml block with sipDomains) is accepted by `validate`: a new user
 * copying an example must not meet an error.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadScenarioText } from "../../lib/model/load";
import { ROOT } from "../helpers";

const readme = readFileSync(join(ROOT, "docs", "scenario.md"), "utf8");
const examples = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]).filter((text) => /^sipDomains:/m.test(text));

test("docs/scenario.md has complete scenario examples", () => {
  expect(examples.length).toBeGreaterThanOrEqual(3);
});

test.each(examples.map((text, i) => [i + 1, text]))("docs/scenario.md example %i validates without errors", (_n, text) => {
  const result = loadScenarioText(text, "readme-example.yaml");
  expect(result.problems.filter((p) => p.severity === "error").map((p) => `${p.rule} ${p.path}: ${p.message}`)).toEqual([]);
});
