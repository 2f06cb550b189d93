/** The init flowchart as data, answers -> commented YAML, and the guided walk with a scripted prompter. */
import { parse, parseDocument } from "yaml";
import {
  answersToScenario,
  applicableSections,
  checkAnswers,
  completeAnswers,
  flowchart,
  presetsFromFlags,
  questions,
  renderScenarioYaml,
  runWizard,
  SCENARIO_SECTIONS,
  type Draft,
  type InitAnswers,
  type PromptSpec,
  type Prompter,
} from "../../lib/init";

const q = (id: string) => {
  const found = flowchart({}).find((x) => x.id === id);
  if (!found) throw new Error(`no question ${id}`);
  return found;
};
const applicable = (draft: Draft) => {
  // Walk like the wizard: each question sees the answers (or defaults) of the questions before it.
  const asked: string[] = [];
  const a = completeAnswers(draft);
  let d: Draft = {};
  for (const question of flowchart(a as Draft)) {
    if (question.when(d)) asked.push(question.id);
    d = question.set(d, question.get(a as Draft));
  }
  return asked;
};

describe("flowchart applicability", () => {
  it("asks the NAT question only without hardware load balancing (LB-02)", () => {
    expect(q("addressing").when({ highAvailability: true, loadBalancing: "dns" })).toBe(true);
    expect(q("addressing").when({ highAvailability: true, loadBalancing: "hardware" })).toBe(false);
    expect(applicable({ highAvailability: true, loadBalancing: "hardware" })).not.toContain("addressing");
    expect(applicable({ highAvailability: true, loadBalancing: "dns" })).toContain("addressing");
  });

  it("asks load balancing and pool size only for a pool", () => {
    expect(applicable({ highAvailability: false })).not.toEqual(expect.arrayContaining(["loadBalancing"]));
    expect(applicable({ highAvailability: false })).not.toContain("servers");
    expect(applicable({ highAvailability: true })).toEqual(expect.arrayContaining(["loadBalancing", "servers"]));
  });

  it("offers XMPP except on Skype for Business Server 2019 (LAB-VER-01)", () => {
    const xmpp = (product: InitAnswers["product"]) => q("federation").choices!({ product }).find((c) => c.value === "xmpp")!;
    expect(xmpp("lync2013").disabled).toBeUndefined();
    expect(xmpp("sfb2015").disabled).toBeUndefined();
    expect(xmpp("sfb2019").disabled).toMatch(/LAB-VER-01/);
  });

  it("asks for providers only with public IM connectivity, for the route only with several sites and federation", () => {
    expect(applicable({ federation: ["sip"] })).not.toContain("picProviders");
    expect(applicable({ federation: ["pic"] })).toContain("picProviders");
    expect(applicable({ sites: ["hq", "dr"], federation: ["sip"] })).toContain("federationRoute");
    expect(applicable({ sites: ["hq", "dr"], federation: [] })).not.toContain("federationRoute");
    expect(applicable({ sites: ["hq"], federation: ["sip"] })).not.toContain("federationRoute");
  });

  it("asks which features come later only when one is not deployed now, and offers only those", () => {
    expect(applicable({ federation: ["sip", "pic", "xmpp"], mobility: true })).not.toContain("later");
    expect(applicable({ federation: ["sip"], mobility: false })).toContain("later");
    const later = questions.find((q) => q.id === "later")!;
    expect(later.choices!({ federation: ["sip"], mobility: false, product: "sfb2019" }).map((c) => [c.value, c.disabled ?? ""])).toEqual([
      ["mobility", ""],
      ["pic", ""],
      ["xmpp", "not in Skype for Business Server 2019 (LAB-VER-01)"],
    ]);
    // Federation planned for later needs the route now (its certificate names); so does mobility (push, FW-07).
    expect(applicable({ sites: ["hq", "dr"], federation: [], later: ["xmpp"] })).toContain("federationRoute");
    expect(applicable({ sites: ["hq", "dr"], federation: [], later: ["mobility"] })).toContain("federationRoute");
    expect(applicable({ sites: ["hq", "dr"], federation: [], mobility: true })).toContain("federationRoute");
    expect(applicable({ sites: ["hq", "dr"], federation: [], mobility: false, later: [] })).not.toContain("federationRoute");
  });

  it("asks range questions per site, without the NATed external subnet for public addressing", () => {
    const nat = applicable({ sites: ["hq", "dr"], addressing: "nat" }).filter((id) => id.startsWith("ranges"));
    expect(nat).toEqual([
      "ranges[0].perimeterExternal",
      "ranges[0].perimeterInternal",
      "ranges[0].publicRange",
      "ranges[0].internalNetwork",
      "ranges[1].perimeterExternal",
      "ranges[1].perimeterInternal",
      "ranges[1].publicRange",
      "ranges[1].internalNetwork",
    ]);
    expect(applicable({ addressing: "public" }).filter((id) => id.startsWith("ranges"))).toEqual([
      "ranges[0].perimeterInternal",
      "ranges[0].publicRange",
      "ranges[0].internalNetwork",
    ]);
  });

  it("orders the flowchart goals first, then SIP domains, internal domain, pool size, Director, ranges and the id", () => {
    expect(questions.map((x) => x.id)).toEqual([
      "product",
      "highAvailability",
      "loadBalancing",
      "addressing",
      "federation",
      "picProviders",
      "mobility",
      "later",
      "sites",
      "federationRoute",
      "sipDomains",
      "internalDomain",
      "hybrid",
      "tenantDomains",
      "hybridPhase",
      "servers",
      "directors",
    ]);
    expect(flowchart({}).at(-1)!.id).toBe("id");
  });
});

describe("defaults", () => {
  it("completes an empty draft to scenario 1 with SIP federation and Microsoft's example ranges", () => {
    expect(completeAnswers({})).toEqual({
      id: "contoso-edge",
      product: "sfbse",
      highAvailability: false,
      servers: 1,
      addressing: "nat",
      federation: ["sip"],
      picProviders: [],
      mobility: false,
      later: [],
      sites: ["hq"],
      sipDomains: ["contoso.com"],
      internalDomain: "contoso.com",
      directors: 0,
      hybrid: false,
      ranges: [
        { perimeterExternal: "10.45.16.0/24", perimeterInternal: "172.25.33.0/24", publicRange: "131.107.155.0/24", internalNetwork: "192.168.10.0/24" },
      ],
    });
  });

  it("shifts the third octet for site k and derives the id from the primary SIP domain", () => {
    const a = completeAnswers({ sites: ["hq", "dr", "lab"], sipDomains: ["fabrikam.com"] });
    expect(a.ranges.map((r) => r.publicRange)).toEqual(["131.107.155.0/24", "131.107.156.0/24", "131.107.157.0/24"]);
    expect(a.ranges[2].perimeterInternal).toBe("172.25.35.0/24");
    expect(a.id).toBe("fabrikam-edge");
    expect(completeAnswers({ sipDomains: ["1and1.com"] }).id).toBe("lab-1and1-edge");
  });

  it("with hardware load balancing leaves addressing out and writes public (LB-02)", () => {
    const a = completeAnswers({ highAvailability: true, loadBalancing: "hardware" });
    expect(a.addressing).toBeUndefined();
    expect(a.servers).toBe(2);
    expect(a.ranges[0].perimeterExternal).toBeUndefined();
    const site = (answersToScenario(a).sites as { edge: Record<string, unknown> }[])[0];
    expect(site.edge).toEqual({ servers: 2, loadBalancing: "hardware", externalAddressing: "public" });
  });
});

/** One answer set per path through the flowchart. */
const PATHS: Record<string, { draft: Draft; scenario: 1 | 2 | 3 | 4 | 5 }> = {
  "single NAT": { draft: {}, scenario: 1 },
  "single public": { draft: { addressing: "public" }, scenario: 2 },
  "pool DNS NAT": { draft: { highAvailability: true, servers: 3, loadBalancing: "dns" }, scenario: 3 },
  "pool DNS public": { draft: { highAvailability: true, loadBalancing: "dns", addressing: "public" }, scenario: 4 },
  "pool HLB": { draft: { highAvailability: true, loadBalancing: "hardware", servers: 4 }, scenario: 5 },
  "two sites, every federation, mobility": {
    draft: {
      product: "lync2013",
      sites: ["hq", "dr"],
      federation: ["sip", "pic", "xmpp"],
      picProviders: ["skype", "aol"],
      federationRoute: "dr",
      mobility: true,
      sipDomains: ["contoso.com", "fabrikam.com"],
    },
    scenario: 1,
  },
  "Subscription Edition, hybrid, teams-only": {
    draft: {
      highAvailability: true,
      hybrid: true,
      hybridPhase: "teams-only",
      sipDomains: ["contoso.com", "fabrikam.com"],
      tenantDomains: ["fabrikam.com"],
      mobility: true,
    },
    scenario: 3,
  },
  "sfb2019, no federation": { draft: { product: "sfb2019", federation: [] }, scenario: 1 },
};

describe("renderScenarioYaml", () => {
  it.each(Object.entries(PATHS))("%s: re-parses to exactly the scenario object, which the model accepts", (_, { draft, scenario }) => {
    const a = completeAnswers(draft);
    const text = renderScenarioYaml(a);
    expect(parse(text)).toEqual(answersToScenario(a));
    expect(parseDocument(text).errors).toEqual([]);
    const result = checkAnswers(a);
    expect(result.problems.filter((p) => p.severity === "error")).toEqual([]);
    expect(result.plan!.scenario.sites.map((s) => s.microsoftScenario)).toEqual(a.sites.map(() => scenario));
    expect(applicableSections(a)[0].title).toBe(SCENARIO_SECTIONS[scenario]);
    expect(text).toContain(`title: ${SCENARIO_SECTIONS[scenario]}`);
  });

  it("explains each choice in comments that cite the rules", () => {
    const nat = renderScenarioYaml(completeAnswers({}));
    expect(nat).toMatch(/^# Edge scenario written by `edge-lab init`/);
    expect(nat).toMatch(/externalAddressing: nat # .*NAT-06/);
    expect(nat).toMatch(/federationRoute: true # .*FED-01/);
    expect(nat).toMatch(/servers: 1 # single consolidated Edge.*LB-05/);
    expect(nat).toMatch(/perimeterInternal: 172\.25\.33\.0\/24 # .*NET-03/);
    expect(nat).toMatch(/^# +- Single consolidated Edge with private IP addresses and NAT$/m);
    const hlb = renderScenarioYaml(completeAnswers({ highAvailability: true, loadBalancing: "hardware" }));
    expect(hlb).toMatch(/loadBalancing: hardware # .*LB-02/);
    expect(hlb).toMatch(/externalAddressing: public # hardware load balancing needs public addresses \(LB-02/);
    expect(hlb).not.toContain("perimeterExternal");
    const sfb2019 = renderScenarioYaml(completeAnswers({ product: "sfb2019", federation: [] }));
    expect(sfb2019).toMatch(/xmpp: false # .*LAB-VER-01/);
    expect(sfb2019).not.toContain("federationRoute");
    const dnsPicPool = renderScenarioYaml(completeAnswers({ highAvailability: true, loadBalancing: "dns", federation: ["sip", "pic"] }));
    expect(dnsPicPool).toMatch(/^# LB-09: /m);
  });

  it("lists the federation, mobility and reverse proxy sections that apply", () => {
    const titles = (d: Draft) => applicableSections(completeAnswers(d)).map((s) => s.title);
    expect(titles({ federation: [] })).toEqual([SCENARIO_SECTIONS[1], "Reverse proxy"]);
    expect(titles({ federation: ["sip", "pic", "xmpp"], mobility: true, sites: ["hq", "dr"] })).toEqual([
      SCENARIO_SECTIONS[1],
      "Federation: SIP federation",
      "Federation: public IM connectivity",
      "Federation: XMPP",
      "Mobility",
      "Reverse proxy",
      "Several sites",
    ]);
  });
});

/** A prompter that answers from a script keyed by question id and records what was asked; behaves like inquirer:
 *  input / number / checkbox answers are validated in place (the next scripted answer is tried), others returned. */
function scripted(script: Record<string, unknown[]>): Prompter & { asked: string[]; refusals: string[] } {
  const asked: string[] = [];
  const refusals: string[] = [];
  return {
    asked,
    refusals,
    async ask(spec: PromptSpec) {
      asked.push(spec.id);
      const answers = script[spec.id];
      if (!answers || answers.length === 0) return spec.kind === "input" ? "" : spec.default;
      if (spec.kind === "input" || spec.kind === "number" || spec.kind === "checkbox") {
        for (;;) {
          const raw = answers.shift();
          const verdict = spec.validate(raw);
          if (verdict === true) return raw;
          refusals.push(verdict);
          if (answers.length === 0) throw new Error(`script ran out after refusal: ${verdict}`);
        }
      }
      return answers.shift();
    },
  };
}

describe("runWizard", () => {
  it("asks only the applicable questions and ends with the same answers as the equivalent flags", async () => {
    const prompter = scripted({
      product: ["sfb2015"],
      highAvailability: [true],
      loadBalancing: ["hardware"],
      federation: [["sip", "xmpp"]],
      mobility: [true],
      sites: ["hq, dr"],
      federationRoute: ["dr"],
      sipDomains: ["fabrikam.com,contoso.com"],
      servers: [3],
      "ranges[1].publicRange": ["131.107.200.0/24"],
    });
    const outcome = await runWizard({ presets: { id: "walk" }, prompter });
    expect(outcome.ok).toBe(true);
    expect(prompter.asked).not.toContain("addressing");
    expect(prompter.asked).not.toContain("picProviders");
    expect(prompter.asked).not.toContain("id");
    expect(prompter.asked.filter((id) => id.endsWith("perimeterExternal"))).toEqual([]);
    const flags = completeAnswers(
      presetsFromFlags({
        id: "walk",
        product: "sfb2015",
        servers: "3",
        loadBalancing: "hardware",
        federation: ["sip", "xmpp"],
        mobility: true,
        sites: ["hq", "dr"],
        federationRoute: "dr",
        sipDomain: ["fabrikam.com", "contoso.com"],
        publicRange: ["", "131.107.200.0/24"],
      }),
    );
    expect(outcome.ok && renderScenarioYaml(outcome.answers)).toBe(renderScenarioYaml(flags));
  });

  it("without a file name, asks the id last, defaulting to the primary SIP domain's label", async () => {
    const defaults: Record<string, unknown> = {};
    const prompter = scripted({ sipDomains: ["fabrikam.com"] });
    const recording: Prompter = {
      ask: (spec) => {
        defaults[spec.id] = spec.default;
        return prompter.ask(spec);
      },
    };
    const outcome = await runWizard({ presets: {}, prompter: recording });
    expect(prompter.asked.at(-1)).toBe("id");
    expect(defaults.id).toBe("fabrikam-edge");
    expect(defaults.sipDomains).toBe("contoso.com");
    expect(outcome.ok && outcome.answers.id).toBe("fabrikam-edge");
  });

  it("refuses a pool of 13 with LB-05 and its explanation, then asks again", async () => {
    const prompter = scripted({ highAvailability: [true], servers: [13, 3] });
    const outcome = await runWizard({ presets: {}, prompter });
    expect(prompter.refusals).toHaveLength(1);
    expect(prompter.refusals[0]).toMatch(/^error \[LB-05\] sites\[0\]\.edge\.servers: 13 Edge Servers/);
    expect(prompter.refusals[0]).toContain("LB-05: At most 12 Edge Servers per pool are supported");
    expect(outcome.ok && outcome.answers.servers).toBe(3);
  });

  it("refuses overlapping ranges and malformed answers in place", async () => {
    const prompter = scripted({
      sites: ["hq,Bad_Site", "hq,dr"],
      sipDomains: ["contoso_com", "contoso.com"],
      // dr's public range is hq's: the sites' networks overlap.
      "ranges[1].publicRange": ["131.107.155.0/24", "131.107.156.0/24"],
    });
    const outcome = await runWizard({ presets: {}, prompter });
    expect(outcome.ok).toBe(true);
    expect(prompter.refusals[0]).toMatch(/site names are 1-8 lower-case letters/);
    expect(prompter.refusals[1]).toMatch(/\[NET-08\].*contoso_com/);
    expect(prompter.refusals[2]).toMatch(/\[LAB-/);
    expect(prompter.refusals).toHaveLength(3);
  });

  it("re-asks a question whose flag breaks a rule (interactive), but fails without a prompter", async () => {
    const presets = presetsFromFlags({ servers: "13" });
    const reports: string[] = [];
    const prompter = scripted({ servers: [4] });
    const outcome = await runWizard({ presets, prompter, report: (t) => reports.push(t) });
    expect(reports.join("")).toMatch(/\[LB-05\]/);
    expect(prompter.asked).toContain("servers");
    expect(outcome.ok && outcome.answers.servers).toBe(4);

    const flagsOnly = await runWizard({ presets });
    expect(flagsOnly.ok).toBe(false);
    expect(!flagsOnly.ok && flagsOnly.messages.join("\n")).toMatch(/^error \[LB-05\][^\n]*\n {4}LB-05: At most 12/);
  });

  it("reports a refused select answer and asks it again", async () => {
    const reports: string[] = [];
    // --addressing nat is already given; choosing hardware load balancing now would break LB-02.
    const prompter = scripted({ highAvailability: [true], loadBalancing: ["hardware", "dns"] });
    const outcome = await runWizard({ presets: { addressing: "nat" }, prompter, report: (t) => reports.push(t) });
    expect(reports.join("")).toMatch(/\[LB-02\]/);
    expect(prompter.asked.filter((id) => id === "loadBalancing")).toHaveLength(2);
    expect(outcome.ok && outcome.answers.loadBalancing).toBe("dns");
  });
});
