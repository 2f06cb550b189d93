/**
 * Acceptance of `edge-lab discover` (issue 21) against emulated perimeters: for each bundled scenario the emulation
 * builds the perimeter (public DNS in the simulated Internet, the Edge's TLS listeners with certificates from the run's
 * CA, nginx as reverse proxy), discover runs inside the simulated Internet namespace as user nobody (no root needed),
 * the test answers the file's questions from the original scenario, and the answered file must plan the same external
 * DNS records, Edge and reverse proxy certificate names and external firewall rows as the original.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { emulate } from "../../lib/emulate";
import { loadScenarioFile, loadScenarioText } from "../../lib/model/load";
import { NEEDS } from "../emulate/helpers";
import { ROOT, SCENARIO_DIR } from "../helpers";
import { describeWithTools, TOOL_ENV } from "../system-tools";
import type { Question } from "../../lib/discover/view";
import { answer, externalFace } from "./answer";

const SCENARIOS = [
  "single-consolidated-nat",
  "single-consolidated-public",
  "scaled-dnslb-nat",
  "scaled-dnslb-public",
  "scaled-hlb",
  "hybrid-se",
  "contoso-enterprise",
];

/** The simulated Internet's DNS server: the address .53 of the inet namespace. */
function publicDns(ns: string): string {
  const out = spawnSync("ip", ["-n", ns, "-4", "-o", "addr", "show"], { encoding: "utf8", env: TOOL_ENV }).stdout;
  const ip = [...out.matchAll(/inet (\d+\.\d+\.\d+\.53)\//g)][0]?.[1];
  if (!ip) throw new Error(`no .53 address in ${ns}:\n${out}`);
  return ip;
}

describeWithTools("discover against emulated perimeters (issue 21)", NEEDS, () => {
  test.each(SCENARIOS)(
    "%s: the answered discovered file plans the same external DNS, certificates and firewall rows",
    async (id) => {
      const file = join(SCENARIO_DIR, `${id}.yaml`);
      const loaded = loadScenarioFile(file);
      expect(loaded.problems.filter((p) => p.severity === "error")).toEqual([]);
      const plan = loaded.plan!;
      let run: { status: number | null; stdout: string; stderr: string; ms: number } | undefined;
      await emulate(plan, {
        sites: [plan.scenario.sites[0].name],
        onUp: ({ tag, runDir }) => {
          const ca = readFileSync(join(runDir, "pki", "ca.crt"), "utf8");
          const t0 = Date.now();
          // As nobody, inside the simulated Internet: the CA comes on stdin, the file comes back in the JSON.
          const r = spawnSync(
            "ip",
            [
              "netns",
              "exec",
              `${tag}-inet`,
              "setpriv",
              "--reuid=nobody",
              "--regid=nogroup",
              "--clear-groups",
              process.execPath,
              "-r",
              join(ROOT, "node_modules/ts-node/register/transpile-only"),
              join(ROOT, "bin/cli.ts"),
              "discover",
              "contoso.com",
              "--resolver",
              publicDns(`${tag}-inet`),
              "--ca",
              "-",
              "--json",
              "--timeout",
              "3000",
            ],
            { input: ca, encoding: "utf8", env: { ...TOOL_ENV, HOME: "/nonexistent" }, cwd: ROOT, timeout: 120_000 },
          );
          run = { status: r.status, stdout: r.stdout, stderr: r.stderr, ms: Date.now() - t0 };
        },
      });
      expect(run).toBeDefined();
      expect({ status: run!.status, stderr: run!.status === 0 ? "" : run!.stderr }).toEqual({ status: 0, stderr: "" });
      // EDGE_LAB_DISCOVER_RECORD=<dir>: keep the JSON (how test/fixtures/discover/*.observations.json were recorded).
      if (process.env.EDGE_LAB_DISCOVER_RECORD) writeFileSync(join(process.env.EDGE_LAB_DISCOVER_RECORD, `${id}.json`), run!.stdout);
      const json = JSON.parse(run!.stdout) as { scenario: string; questions: Question[]; findings: { rule: string }[] };
      process.stderr.write(`discover ${id}: ${run!.ms} ms, ${json.questions.length} questions, findings ${json.findings.map((f) => f.rule).join(" ")}\n`);
      // Unanswered, the file is refused, and each refusal points at a required question's placeholder.
      const unanswered = loadScenarioText(json.scenario, "discovered.yaml");
      expect(unanswered.ok).toBe(false);
      const answered = answer(json.scenario, parse(readFileSync(file, "utf8")), json.questions);
      const result = loadScenarioText(answered, "answered.yaml");
      expect(result.problems.filter((p) => p.severity === "error")).toEqual([]);
      // The emulated site (the first): a second site's Edge is not named by the SIP domain's records.
      expect(externalFace(result.plan!, plan.scenario.sites[0].name)).toEqual(externalFace(plan, plan.scenario.sites[0].name));
    },
    600_000,
  );
});
