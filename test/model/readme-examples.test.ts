/**
 * Every complete scenario the README shows (a ```yaml block with sipDomains) is accepted by `validate`: a new user
 * copying an example must not meet an error.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadScenarioText } from "../../lib/model/load";
import { ROOT } from "../helpers";

const readme = readFileSync(join(ROOT, "README.md"), "utf8");
const examples = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]).filter((text) => /^sipDomains:/m.test(text));

test("the README has complete scenario examples", () => {
  expect(examples.length).toBeGreaterThanOrEqual(3);
});

test.each(examples.map((text, i) => [i + 1, text]))("README example %i validates without errors", (_n, text) => {
  const result = loadScenarioText(text, "readme-example.yaml");
  expect(result.problems.filter((p) => p.severity === "error").map((p) => `${p.rule} ${p.path}: ${p.message}`)).toEqual([]);
});
