/** `edge-lab init` driven by flags (in-process CLI): every path through the flowchart, rule refusals, no overwrite. */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run } from "../../bin/cli";
import { loadScenarioFile } from "../../lib/model/load";
import type { Plan } from "../../lib/model/plan";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "edge-lab-init-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await run(args, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

let n = 0;
/** Runs `init <new file> --yes <flags>`, expects success, and returns the plan of the written file. */
async function initPlan(flags: string[]): Promise<{ plan: Plan; file: string; out: string; err: string }> {
  const file = join(dir, `path-${++n}.yaml`);
  const r = await cli(["init", file, "--yes", ...flags]);
  if (r.code !== 0) throw new Error(`init ${flags.join(" ")} exited ${r.code}:\n${r.err}`);
  const loaded = loadScenarioFile(file);
  expect(loaded.problems.filter((p) => p.severity === "error")).toEqual([]);
  expect((await cli(["validate", file])).code).toBe(0);
  return { plan: loaded.plan!, file, out: r.out, err: r.err };
}

describe("every path through the flowchart, via flags", () => {
  it.each([
    ["single Edge, NAT", ["--servers", "1", "--addressing", "nat"], { microsoftScenario: 1, edgeServers: 1, loadBalancing: "none", externalAddressing: "nat" }],
    [
      "single Edge, public IPs",
      ["--servers", "1", "--addressing", "public"],
      { microsoftScenario: 2, edgeServers: 1, loadBalancing: "none", externalAddressing: "public" },
    ],
    [
      "pool, DNS LB, NAT",
      ["--servers", "2", "--load-balancing", "dns", "--addressing", "nat"],
      { microsoftScenario: 3, edgeServers: 2, loadBalancing: "dns", externalAddressing: "nat" },
    ],
    [
      "pool, DNS LB, public IPs",
      ["--servers", "4", "--load-balancing", "dns", "--addressing", "public"],
      { microsoftScenario: 4, edgeServers: 4, loadBalancing: "dns", externalAddressing: "public" },
    ],
    [
      "pool, hardware LB",
      ["--servers", "3", "--load-balancing", "hardware"],
      { microsoftScenario: 5, edgeServers: 3, loadBalancing: "hardware", externalAddressing: "public" },
    ],
    [
      "pool of 12, hardware LB",
      ["--servers", "12", "--load-balancing", "hardware", "--addressing", "public"],
      { microsoftScenario: 5, edgeServers: 12, loadBalancing: "hardware", externalAddressing: "public" },
    ],
  ])("%s", async (_, flags, expected) => {
    const { plan, out } = await initPlan(flags as string[]);
    expect(plan.scenario.sites).toHaveLength(1);
    expect(plan.scenario.sites[0]).toMatchObject({ ...(expected as object), federationRoute: true, primary: true });
    expect(plan.scenario.sites[0].edgeTopology).toBe((expected as { edgeServers: number }).edgeServers > 1 ? "pool" : "single");
    expect(out).toContain(`Microsoft's planning sections that apply:`);
  });

  it("prints the Microsoft section of the chosen topology and the next commands", async () => {
    const { out, file, plan } = await initPlan(["--servers", "2", "--load-balancing", "dns", "--addressing", "public", "--id", "printed"]);
    expect(out).toContain("  - Scaled consolidated Edge, DNS load balancing with public IP addresses: an Edge pool of 2");
    expect(out).toContain(`npx edge-lab plan ${file}`);
    expect(out).toContain(`EDGE_LAB_SCENARIOS=${file} npm run synth`);
    expect(out).toContain(`EDGE_LAB_SCENARIOS=${file} npx cdktf deploy printed`);
    expect(plan.scenario.id).toBe("printed");
  });

  it("SIP federation only", async () => {
    const { plan } = await initPlan(["--federation", "sip"]);
    expect(plan.scenario.features).toMatchObject({ sipFederation: true, partnerDiscovery: true, publicIm: [], xmpp: false, mobility: false });
  });

  it("public IM connectivity with providers", async () => {
    const { plan, out } = await initPlan(["--product", "lync2013", "--federation", "pic", "--pic-providers", "skype", "--pic-providers", "windows-live"]);
    expect(plan.scenario.features).toMatchObject({ sipFederation: false, publicIm: ["skype", "windows-live"], xmpp: false });
    expect(plan.scenario.sites[0].federationRoute).toBe(true);
    expect(out).toContain("Federation: public IM connectivity: providers: skype, windows-live");
  });

  it("public IM providers alone imply public IM connectivity", async () => {
    const { plan } = await initPlan(["--product", "sfb2019", "--pic-providers", "aol"]);
    expect(plan.scenario.features).toMatchObject({ sipFederation: true, publicIm: ["aol"] });
  });

  it("XMPP federation (Lync 2013 and SfB 2015)", async () => {
    for (const product of ["lync2013", "sfb2015"]) {
      const { plan } = await initPlan(["--product", product, "--federation", "xmpp"]);
      expect(plan.scenario.product).toBe(product);
      expect(plan.scenario.features).toMatchObject({ sipFederation: false, publicIm: [], xmpp: true });
    }
  });

  it("no federation: no federation route", async () => {
    const { plan, file } = await initPlan(["--federation", "none", "--product", "sfb2019"]);
    expect(plan.scenario.features).toMatchObject({ sipFederation: false, publicIm: [], xmpp: false });
    expect(plan.scenario.sites[0].federationRoute).toBe(false);
    expect(readFileSync(file, "utf8")).not.toContain("federationRoute");
  });

  it("mobility", async () => {
    const on = await initPlan(["--mobility"]);
    expect(on.plan.scenario.features.mobility).toBe(true);
    expect(on.out).toContain("  - Mobility:");
    const off = await initPlan(["--no-mobility"]);
    expect(off.plan.scenario.features.mobility).toBe(false);
  });

  it("features planned for later (--later): certificate names now, nothing else until deployed", async () => {
    const { plan, file, out } = await initPlan(["--product", "lync2013", "--federation", "sip", "--later", "xmpp,mobility"]);
    const text = readFileSync(file, "utf8");
    expect(text).toMatch(/^later:\n {2}federation:\n {4}xmpp: true # .*\n {2}mobility: true # /m);
    expect(plan.scenario.features).toMatchObject({ sipFederation: true, xmpp: false, mobility: false });
    expect(plan.later.map((l) => l.feature)).toEqual(["xmpp", "mobility"]);
    expect(plan.certificates.find((c) => c.id === "hq-edge-external")!.sans).toContain("xmpp.contoso.com");
    expect(plan.dnsRecords.map((r) => r.name)).not.toContain("xmpp.contoso.com");
    expect(out).toContain("  - Planned for later: XMPP federation, Mobility:");
  });

  it("later public IM connectivity uses --pic-providers (default Skype)", async () => {
    const given = await initPlan(["--product", "lync2013", "--federation", "sip", "--later", "pic", "--pic-providers", "windows-live"]);
    expect(readFileSync(given.file, "utf8")).toMatch(/^later:\n {2}federation:\n {4}publicIm: \[windows-live\]/m);
    expect(given.plan.scenario.features.publicIm).toEqual([]);
    const byDefault = await initPlan(["--product", "lync2013", "--federation", "sip", "--later", "pic"]);
    expect(readFileSync(byDefault.file, "utf8")).toMatch(/^ {4}publicIm: \[skype\]/m);
  });

  it("federation only planned for later at two sites still asks for the federation route", async () => {
    const { plan } = await initPlan(["--federation", "none", "--later", "sip", "--sites", "hq,dr", "--federation-route", "dr"]);
    expect(plan.scenario.sites.map((s) => s.federationRoute)).toEqual([false, true]);
    expect(plan.topologySettings.find((t) => t.site === "dr" && t.item.startsWith("Enable federation"))!.value).toBe("No");
  });

  it("two sites with the federation route at the second", async () => {
    const { plan, out } = await initPlan([
      "--product",
      "lync2013",
      "--sites",
      "hq,dr",
      "--federation-route",
      "dr",
      "--federation",
      "sip,pic,xmpp",
      "--servers",
      "2",
      "--load-balancing",
      "dns",
      "--sip-domain",
      "contoso.com",
      "--sip-domain",
      "fabrikam.com",
      "--public-range",
      "131.107.155.0/24,131.107.200.0/24",
    ]);
    expect(plan.scenario.sipDomains).toEqual(["contoso.com", "fabrikam.com"]);
    expect(plan.scenario.sites.map((s) => [s.name, s.federationRoute, s.microsoftScenario, s.loadBalancing])).toEqual([
      ["hq", false, 3, "dns"],
      ["dr", true, 3, "dns"],
    ]);
    expect(plan.scenario.sites.map((s) => s.networks.publicRange)).toEqual(["131.107.155.0/24", "131.107.200.0/24"]);
    expect(plan.scenario.sites[1].networks.perimeterInternal).toBe("172.25.34.0/24");
    expect(plan.scenario.features).toMatchObject({ sipFederation: true, publicIm: ["skype"], xmpp: true });
    expect(out).toContain("Several sites: hq, dr each get the same Edge topology; only dr is the federation route (FED-01)");
  });

  it("hybrid with Microsoft 365: tenant domains and phase from flags; Subscription Edition by default", async () => {
    const { plan, out, file } = await initPlan([
      "--sip-domain",
      "contoso.com,fabrikam.com",
      "--tenant-domains",
      "contoso.com,fabrikam.com",
      "--hybrid-phase",
      "teams-only",
    ]);
    expect(plan.scenario.product).toBe("sfbse");
    expect(plan.scenario.hybrid).toEqual({ phase: "teams-only", tenantDomains: ["contoso.com", "fabrikam.com"], voice: false });
    expect(plan.hybrid?.cutoverRecords).toHaveLength(8);
    expect(out).toContain("Hybrid with Microsoft 365 (shared SIP address space): tenant domains contoso.com, fabrikam.com; phase teams-only");
    const text = readFileSync(file, "utf8");
    expect(text).toMatch(/product: sfbse # Skype for Business Server Subscription Edition, supported, Modern Lifecycle/);
    expect(text).toMatch(/tenantDomains: \[contoso.com, fabrikam.com\] # .*HYB-01/);
    const plain = await initPlan(["--hybrid"]);
    expect(plain.plan.scenario.hybrid).toEqual({ phase: "hybrid", tenantDomains: ["contoso.com"], voice: false });
    expect((await initPlan([])).plan.scenario.hybrid).toBeUndefined();
  });

  it("a Director pool and an internal domain (Microsoft's contoso.net)", async () => {
    const { plan, out, file } = await initPlan(["--servers", "2", "--load-balancing", "dns", "--directors", "2", "--internal-domain", "contoso.net"]);
    expect(plan.scenario.internalDomain).toBe("contoso.net");
    const directors = plan.servers.filter((s) => s.role === "director");
    expect(directors).toHaveLength(2);
    for (const d of directors) expect(d.fqdn).toMatch(/\.contoso\.net$/);
    expect(plan.scenario.sites[0].nextHop.kind).toBe("director");
    expect(plan.firewallRules.some((r) => r.table === "director")).toBe(true);
    const edge = plan.servers.find((s) => s.role === "edge")!;
    expect(edge.fqdn).toMatch(/\.contoso\.net$/);
    const text = readFileSync(file, "utf8");
    expect(text).toMatch(/internalDomain: contoso\.net #/);
    expect(text).toMatch(/director:\n\s+servers: 2 # a Director pool\n\s+loadBalancing: dns-hlb # .*DIR-01/);
    expect(out).toContain("  - Director: a Director pool of 2 per site: DNS load balancing for SIP, a hardware load balancer for web services (DIR-01)");
  });

  it("one Director per site at two sites; no Director by default", async () => {
    const { plan } = await initPlan(["--sites", "hq,dr", "--directors", "1"]);
    const directors = plan.servers.filter((s) => s.role === "director");
    expect(directors.map((d) => d.site)).toEqual(["hq", "dr"]);
    expect(plan.scenario.sites.every((s) => s.nextHop.kind === "director")).toBe(true);
    const none = await initPlan([]);
    expect(none.plan.servers.filter((s) => s.role === "director")).toEqual([]);
    expect(none.plan.scenario.internalDomain).toBe("contoso.com");
    expect(readFileSync(none.file, "utf8")).not.toContain("director:");
  });

  it("two sites without federation", async () => {
    const { plan } = await initPlan(["--sites", "hq,dr", "--federation", "none", "--addressing", "public"]);
    expect(plan.scenario.sites.map((s) => [s.federationRoute, s.microsoftScenario])).toEqual([
      [false, 2],
      [false, 2],
    ]);
  });
});

describe("answers that break a rule exit 1 with the rule id and write nothing", () => {
  it.each([
    ["hardware load balancing with NAT", ["--load-balancing", "hardware", "--addressing", "nat"], "LB-02", "NAT can only be used with DNS load balancing"],
    [
      "XMPP on Skype for Business Server 2019",
      ["--product", "sfb2019", "--federation", "xmpp"],
      "LAB-VER-01",
      "Skype for Business Server 2019 and Subscription Edition have no XMPP",
    ],
    [
      "XMPP on Subscription Edition (the default product)",
      ["--federation", "sip,xmpp"],
      "LAB-VER-01",
      "Skype for Business Server 2019 and Subscription Edition have no XMPP",
    ],
    [
      "public IM connectivity on Subscription Edition",
      ["--federation", "sip,pic", "--pic-providers", "skype"],
      "SE-02",
      "Public IM connectivity with Skype and Windows Live no longer exists",
    ],
    ["hybrid without SIP federation", ["--federation", "none", "--hybrid"], "HYB-02", "Hybrid (shared SIP address space) needs SIP federation"],
    [
      "a tenant domain that is not a SIP domain",
      ["--sip-domain", "contoso.com", "--tenant-domains", "contoso.com,fabrikam.com"],
      "HYB-01",
      "Every SIP domain of the Microsoft 365 tenant must be a SIP domain of the on-premises topology",
    ],
    [
      "hybrid on Lync 2013 with XMPP federation only",
      ["--product", "lync2013", "--hybrid", "--federation", "xmpp"],
      "HYB-02",
      "Hybrid (shared SIP address space) needs SIP federation",
    ],
    ["13 Edge Servers", ["--servers", "13"], "LB-05", "At most 12 Edge Servers per pool"],
    ["a load-balanced single Edge", ["--servers", "1", "--load-balancing", "dns"], "LB-04", "A load-balanced Edge pool needs at least two Edge Servers"],
    ["an invalid SIP domain", ["--sip-domain", "contoso_com"], "NET-08", "FQDNs may use only letters"],
    ["an invalid internal domain", ["--internal-domain", "contoso_net"], "NET-08", "FQDNs may use only letters"],
    [
      "overlapping sites",
      ["--sites", "hq,dr", "--perimeter-internal", "172.25.33.0/24,172.25.33.0/24"],
      "LAB-NET-02",
      "Sites are peered in the lab, so their networks must not overlap",
    ],
  ])("%s -> %s", async (_, flags, rule, explanation) => {
    const file = join(dir, `refused-${++n}.yaml`);
    const r = await cli(["init", file, "--yes", ...flags]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`error [${rule}]`);
    expect(r.err).toContain(`${rule}: ${explanation}`);
    expect(r.err).toContain("nothing written");
    expect(existsSync(file)).toBe(false);
  });

  it.each([
    [["--load-balancing", "round-robin"], '--load-balancing: load balancing: "round-robin" is not one of dns, hardware'],
    [["--servers", "two"], '--servers: servers: "two" is not a whole number'],
    [["--directors", "-1"], '--directors: directors: "-1" is not a whole number'],
    [["--directors", "11"], "--directors: directors: 11 per site is more than a lab needs (at most 10)"],
    [["--federation", "sip,irc"], '--federation: federation: "irc" not one of sip, pic, xmpp, none'],
    [["--federation-route", "dr"], '--federation-route: federation route: "dr" is not one of the sites (hq)'],
    [["--federation", "sip", "--pic-providers", "skype"], "public IM providers are given but public IM connectivity is not chosen"],
    [["--no-hybrid", "--tenant-domains", "contoso.com"], "tenant domains or a hybrid phase are given but the organisation is not hybrid: add --hybrid"],
    [["--hybrid-phase", "cutover"], '--hybrid-phase: hybrid phase: "cutover" is not one of hybrid, teams-only'],
    [["--public-range", "131.107.155.0/24,131.107.156.0/24"], "address ranges are given for 2 sites but there is 1 site"],
    [["--internal-network", "192.168.10.0"], '--internal-network (site 1): "192.168.10.0" is not an IPv4 CIDR block'],
    [["--later", "sip,irc"], '--later: later: "irc" not one of mobility, sip, pic, xmpp, none'],
    [["--federation", "sip", "--later", "sip"], "--later: sip is deployed now (--federation); a feature is either deployed or planned for later"],
    [["--mobility", "--later", "mobility"], "--later: mobility is deployed now (--mobility); a feature is either deployed or planned for later"],
    [
      ["--later", "sip", "--hybrid"],
      "--hybrid needs SIP federation deployed now (HYB-02), but --later plans it for later: remove sip from --later, or leave out --hybrid",
    ],
  ])("%j is refused before anything is asked", async (flags, message) => {
    const file = join(dir, `bad-${++n}.yaml`);
    const r = await cli(["init", file, "--yes", ...flags]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(message);
    expect(existsSync(file)).toBe(false);
  });

  it("a feature planned for later is not also deployed by default: --later sip (or sip,pic) alone writes a valid scenario", async () => {
    const sip = await initPlan(["--later", "sip"]);
    expect(readFileSync(sip.file, "utf8")).toMatch(/^federation:\n {2}sip: false #.*\n {2}publicIm: \[\] #.*\n {2}xmpp: false/m);
    expect(sip.plan.later.map((l) => l.feature)).toEqual(["sip-federation"]);
    const both = await initPlan(["--product", "lync2013", "--later", "sip,pic"]);
    expect(readFileSync(both.file, "utf8")).toMatch(/^federation:\n {2}sip: false #.*\n {2}publicIm: \[\] #/m);
    expect(both.plan.later.map((l) => l.feature)).toEqual(["sip-federation", "public-im"]);
  });

  it("init never ends in a conflict it created itself: every --later / --hybrid / --product mix is written and validates, or is refused by init", async () => {
    const outcomes: string[] = [];
    for (const product of ["sfbse", "lync2013"])
      for (const later of ["sip", "pic", "xmpp", "mobility", "sip,mobility", "sip,pic,xmpp"])
        for (const hybrid of [[], ["--hybrid"]]) {
          const file = join(dir, `mix-${++n}.yaml`);
          const flags = ["--product", product, "--later", later, ...hybrid];
          const r = await cli(["init", file, "--yes", ...flags]);
          if (r.code === 0) {
            expect((await cli(["validate", file])).code).toBe(0);
            outcomes.push(`${flags.join(" ")}: written`);
          } else {
            // A refusal names the flags; no rule error that only init's own defaults caused.
            expect(r.err).not.toMatch(/error \[(LAB-LATER-01|HYB-02)\]/);
            expect(existsSync(file)).toBe(false);
            outcomes.push(`${flags.join(" ")}: refused`);
          }
        }
    expect(outcomes.filter((o) => o.endsWith("written"))).toContain("--product sfbse --later sip,mobility: written");
    expect(outcomes).toContain("--product sfbse --later sip --hybrid: refused");
  });

  it("an id from an unusable file name is refused with a hint", async () => {
    const r = await cli(["init", join(dir, "X.yaml"), "--yes"]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/error \[SCHEMA\] id: scenario ids are 2-40/);
    expect(r.err).toContain('(the id "x" comes from the file name; give --id or rename the file)');
    expect((await cli(["init", join(dir, "X.yaml"), "--yes", "--id", "good-id"])).code).toBe(0);
  });
});

describe("existing files", () => {
  it("never overwrites without --force", async () => {
    const file = join(dir, "existing.yaml");
    writeFileSync(file, "precious: true\n");
    const r = await cli(["init", file, "--yes"]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${file} already exists; use --force to overwrite it`);
    expect(readFileSync(file, "utf8")).toBe("precious: true\n");

    const forced = await cli(["init", file, "--yes", "--force", "--servers", "2"]);
    expect(forced.code).toBe(0);
    expect(loadScenarioFile(file).plan!.scenario.sites[0].edgeServers).toBe(2);
  });
});

test("init's warnings point at the lines of the file it wrote (the editor modeline included), as validate's do", async () => {
  const { file, err } = await initPlan(["--product", "lync2013", "--sip-domain", "contoso.com"]);
  const warning = /:(\d+):(\d+): warning \[SE-01\]/.exec(err);
  expect(warning).not.toBeNull();
  const productLine =
    readFileSync(file, "utf8")
      .split("\n")
      .findIndex((l) => l.startsWith("product:")) + 1;
  expect(Number(warning![1])).toBe(productLine);
  expect((await cli(["validate", file])).err).toContain(`${file}:${productLine}:${warning![2]}: warning [SE-01]`);
});
