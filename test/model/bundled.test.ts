import { loadScenarioFile } from "../../lib/model/load";
import { bundledScenarioFiles } from "../helpers";

describe("bundled scenarios", () => {
  const files = bundledScenarioFiles();

  test("there are the five Microsoft scenarios plus the richer one and the hybrid Subscription Edition one", () => {
    expect(files.map((f) => f.split("/").pop())).toEqual([
      "contoso-enterprise.yaml",
      "hybrid-se.yaml",
      "scaled-dnslb-nat.yaml",
      "scaled-dnslb-public.yaml",
      "scaled-hlb.yaml",
      "single-consolidated-nat.yaml",
      "single-consolidated-public.yaml",
    ]);
  });

  test.each(files)("%s validates without errors and yields a plan", (file) => {
    const result = loadScenarioFile(file);
    expect(result.problems.filter((p) => p.severity === "error")).toEqual([]);
    expect(result.plan?.servers.length).toBeGreaterThan(0);
  });
});
