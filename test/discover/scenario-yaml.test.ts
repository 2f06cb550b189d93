/**
 * The discovered file (issue 21): unanswered, `edge-lab validate` refuses it at each required question's placeholder;
 * answered from the original scenario, it plans the same external face. On observations recorded from the emulated
 * hybrid-se perimeter (test/fixtures/discover/hybrid-se.observations.json), so it runs without tools. Also the
 * command's user errors: each names its argument or flag.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { run } from "../../bin/cli";
import { infer } from "../../lib/discover/infer";
import type { Observations } from "../../lib/discover/observe";
import { scenarioYaml } from "../../lib/discover/scenario-yaml";
import { loadScenarioFile, loadScenarioText } from "../../lib/model/load";
import { ROOT, SCENARIO_DIR } from "../helpers";
import { answer, externalFace } from "./answer";

const recorded = JSON.parse(readFileSync(join(ROOT, "test/fixtures/discover/hybrid-se.observations.json"), "utf8")) as { observations: Observations };
const o = recorded.observations;

test("unanswered: every error points at a required question's placeholder, and every required question is refused", () => {
  const inferred = infer(o);
  const text = scenarioYaml(inferred, o);
  const lines = text.split("\n");
  const result = loadScenarioText(text, "discovered.yaml");
  expect(result.ok).toBe(false);
  const errors = result.problems.filter((p) => p.severity === "error");
  for (const e of errors) expect(lines[(e.line ?? 0) - 1]).toMatch(/QUESTION Q\d+:/);
  expect(errors.map((e) => e.path).sort()).toEqual(
    inferred.questions
      .filter((q) => q.required)
      .map((q) => q.path.join(".").replace(/\.(\d+)(?=\.|$)/g, "[$1]"))
      .sort(),
  );
});

test("answered from scenarios/hybrid-se.yaml: the same external DNS records, certificate names and external firewall rows", () => {
  const inferred = infer(o);
  const original = loadScenarioFile(join(SCENARIO_DIR, "hybrid-se.yaml"));
  const answered = answer(scenarioYaml(inferred, o), parse(readFileSync(join(SCENARIO_DIR, "hybrid-se.yaml"), "utf8")), inferred.questions);
  const result = loadScenarioText(answered, "answered.yaml");
  expect(result.problems.filter((p) => p.severity === "error")).toEqual([]);
  expect(externalFace(result.plan!)).toEqual(externalFace(original.plan!));
  // Inferred, not answered: the pool of two, DNS load balancing, the SIP domains, mobility, SIP federation.
  expect(inferred.scenario).toMatchObject({ sipDomains: ["contoso.com", "fabrikam.com"], mobility: true, federation: { sip: true } });
  expect(inferred.scenario.sites).toMatchObject([{ edge: { servers: 2, loadBalancing: "dns" } }]);
});

describe("edge-lab discover: user errors name the argument or flag and exit 1", () => {
  const call = async (...args: string[]) => {
    let out = "";
    let err = "";
    const code = await run(["discover", ...args], { out: (t) => (out += t), err: (t) => (err += t) });
    return { code, out, err };
  };
  const dir = mkdtempSync(join(tmpdir(), "discover-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test.each([
    [["not_a domain"], /<sip-domain> "not_a domain" is not a DNS domain name/],
    [["contoso.com", "--resolver", "dns.example"], /--resolver.*expected a DNS server address/],
    [["contoso.com", "--timeout", "5"], /--timeout.*expected milliseconds/],
    [["contoso.com", "--ca", join(dir, "missing.pem")], /--ca .*missing\.pem: cannot read it \(ENOENT\)/],
  ])("%j", async (args, message) => {
    const r = await call(...args);
    expect({ code: r.code, out: r.out }).toEqual({ code: 1, out: "" });
    expect(r.err).toMatch(message);
  });

  test("--ca without a certificate in it; --out onto an existing file without --force", async () => {
    writeFileSync(join(dir, "empty.pem"), "nothing\n");
    expect((await call("contoso.com", "--ca", join(dir, "empty.pem"))).err).toMatch(/--ca .*empty\.pem: no PEM certificate/);
    writeFileSync(join(dir, "exists.yaml"), "id: x\n");
    const r = await call("contoso.com", "--out", join(dir, "exists.yaml"));
    expect(r).toMatchObject({ code: 1, out: "" });
    expect(r.err).toMatch(/--out .*exists\.yaml: the file exists; use --force/);
    expect(readFileSync(join(dir, "exists.yaml"), "utf8")).toBe("id: x\n");
  });
});
