/**
 * Features planned for later (issue 12): federation, XMPP and mobility are often added after the first Edge. Their
 * certificate names are planned now (each SAN marked with its feature), everything else is deployed only when the
 * feature is. Moving a feature from `later:` to deployed changes records, rows and settings, never a certificate.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run } from "../../bin/cli";
import type { Plan } from "../../lib/model/plan";
import { worksheetBlocks } from "../../lib/render/worksheets/tables";
import { errorRules, load, planOf } from "../helpers";

const head = `
id: later-lab
product: lync2013
sipDomains: [contoso.com, fabrikam.com]
internalDomain: contoso.net
sites: [{ name: hq, edge: { servers: 2 } }]
`;
const laterAll = `${head}
federation: { sip: true }
later:
  federation: { xmpp: { partners: [gmail.com] }, publicIm: [skype] }
  mobility: true
`;
const names = (plan: Plan, view: string) => plan.dnsRecords.filter((r) => r.view === view).map((r) => `${r.type} ${r.name}`);
const setting = (plan: Plan, item: string) => plan.topologySettings.find((t) => t.item === item)?.value;

describe("the later: field", () => {
  test("defaults to nothing planned for later", () => {
    const plan = planOf(head);
    expect(plan.later).toEqual([]);
    expect(load(`${head}later: {}`).ok).toBe(true);
  });

  test("rejects unknown features, with a suggestion", () => {
    const result = load(`${head}later: { mobilty: true }`);
    expect(result.problems[0]).toMatchObject({ path: "later", message: expect.stringContaining('did you mean "mobility"?') });
  });

  test("a feature both deployed and planned for later is refused (LAB-LATER-01)", () => {
    const result = load(`${head}federation: { xmpp: true }\nlater: { federation: { xmpp: true } }`);
    expect(errorRules(result)).toEqual(["LAB-LATER-01"]);
    expect(result.problems.find((p) => p.rule === "LAB-LATER-01")).toMatchObject({
      path: "later.federation.xmpp",
      message: expect.stringMatching(/XMPP federation is already deployed/),
    });
  });

  test("later features are checked like deployed ones: no XMPP on Skype for Business 2019 (LAB-VER-01), XMPP domains are SIP domains (FED-02)", () => {
    expect(errorRules(load(`${head.replace("product: lync2013", "product: sfb2019")}later: { federation: { xmpp: true } }`))).toEqual(["LAB-VER-01"]);
    const fed02 = load(`${head}later: { federation: { xmpp: { domains: [litware.org] } } }`);
    expect(errorRules(fed02)).toEqual(["FED-02"]);
    expect(fed02.problems[0].path).toBe("later.federation.xmpp.domains[0]");
  });

  test("two sites with federation only planned for later still need the federation route now (its certificate names, FED-01)", () => {
    const twoSites = `id: two\nproduct: lync2013\nsipDomains: [contoso.com]\nlater: { federation: { xmpp: true } }\nsites: [{ name: hq }, { name: dr }]`;
    expect(errorRules(load(twoSites))).toEqual(["FED-01"]);
    expect(load(twoSites.replace("{ name: dr }", "{ name: dr, federationRoute: true }")).ok).toBe(true);
  });
});

describe("now: certificates for everything planned, the rest only for what is deployed", () => {
  const plan = planOf(laterAll);
  const cert = (id: string) => plan.certificates.find((c) => c.id === id)!;

  test("the Edge certificate already names the XMPP domains, each SAN marked with its feature", () => {
    expect(cert("hq-edge-external").sans).toEqual([
      "webcon.contoso.com",
      "sip.contoso.com",
      "sip.fabrikam.com",
      "xmpp.contoso.com",
      "contoso.com",
      "xmpp.fabrikam.com",
      "fabrikam.com",
    ]);
    expect(cert("hq-edge-external").sanFeatures).toEqual({
      "xmpp.contoso.com": "xmpp",
      "contoso.com": "xmpp",
      "xmpp.fabrikam.com": "xmpp",
      "fabrikam.com": "xmpp",
    });
  });

  test("the reverse proxy and Front End certificates already name lyncdiscover (mobility)", () => {
    expect(cert("hq-reverse-proxy").sans).toEqual(expect.arrayContaining(["lyncdiscover.contoso.com", "lyncdiscover.fabrikam.com"]));
    expect(cert("hq-reverse-proxy").sanFeatures).toEqual({ "lyncdiscover.contoso.com": "mobility", "lyncdiscover.fabrikam.com": "mobility" });
    expect(cert("hq-front-end-default").sans).toEqual([
      "lyncdiscoverinternal.contoso.com",
      "lyncdiscover.contoso.com",
      "lyncdiscoverinternal.fabrikam.com",
      "lyncdiscover.fabrikam.com",
    ]);
  });

  test("DNS, firewall rows and Topology Builder settings contain only what is deployed now", () => {
    expect(names(plan, "external").filter((n) => /xmpp|lyncdiscover/.test(n))).toEqual([]);
    expect(names(plan, "internal").filter((n) => /lyncdiscover/.test(n))).toEqual([]);
    expect(plan.firewallRules.filter((r) => [5269, 23456].includes(r.ports.from))).toEqual([]);
    expect(plan.publishingRules.map((r) => r.publicName).filter((n) => n.startsWith("lyncdiscover"))).toEqual([]);
    expect(setting(plan, "Enable XMPP federation (port 5269)")).toBe("No");
    expect(setting(plan, "Enable federation for this Edge pool (port 5061)")).toBe("Yes");
    expect(plan.topologySettings.map((t) => t.item).filter((i) => /skype|XMPP federated partners|push/i.test(i))).toEqual([]);
    expect(plan.scenario.features).toMatchObject({ xmpp: false, publicIm: [], mobility: false, sipFederation: true });
  });

  test("without any federation now, federation is off in Topology Builder even though the route is planned", () => {
    const onlyLater = planOf(`${head}later: { federation: { sip: true } }`);
    expect(setting(onlyLater, "Enable federation for this Edge pool (port 5061)")).toBe("No");
    expect(onlyLater.firewallRules.filter((r) => r.ports.from === 5061 && r.firewall === "external")).toEqual([]);
    expect(onlyLater.dnsRecords.filter((r) => r.name.startsWith("_sipfederationtls"))).toEqual([]);
  });
});

describe("what each later feature adds", () => {
  const plan = planOf(laterAll);
  const feature = (id: string) => plan.later.find((l) => l.feature === id)!;

  test("one entry per later feature, in a fixed order", () => {
    expect(plan.later.map((l) => l.feature)).toEqual(["public-im", "xmpp", "mobility"]);
  });

  test("XMPP adds its SRV and A records, the 5269 and 23456 rows, and the XMPP settings", () => {
    const xmpp = feature("xmpp");
    expect(xmpp.dnsRecords.map((r) => `${r.type} ${r.name}`).sort()).toEqual([
      "A xmpp.contoso.com",
      "A xmpp.fabrikam.com",
      "SRV _xmpp-server._tcp.contoso.com",
      "SRV _xmpp-server._tcp.fabrikam.com",
    ]);
    expect(xmpp.firewallRules.map((r) => `${r.direction} ${r.ports.from}`)).toEqual(["inbound 5269", "outbound 5269", "inbound 23456"]);
    expect(xmpp.firewallRules.map((r) => r.portRow)).toEqual(["ext-in-xmpp", "ext-out-xmpp", "int-in-xmpp-gateway"]);
    expect(xmpp.topologySettings.map((t) => `${t.item}: ${t.value}`)).toEqual(
      expect.arrayContaining(["Enable XMPP federation (port 5269): Yes", "XMPP federated partners: gmail.com: Allowed"]),
    );
  });

  test("mobility adds lyncdiscover records and publishing, and push (federation SRV already there with SIP federation)", () => {
    const mobility = feature("mobility");
    // The federation SRV records exist already (SIP federation); push adds its purpose and FW-07 to them.
    expect(mobility.dnsRecords.map((r) => `${r.view} ${r.name}`).sort()).toEqual([
      "external _sipfederationtls._tcp.contoso.com",
      "external _sipfederationtls._tcp.fabrikam.com",
      "external lyncdiscover.contoso.com",
      "external lyncdiscover.fabrikam.com",
      "internal lyncdiscoverinternal.contoso.com",
      "internal lyncdiscoverinternal.fabrikam.com",
    ]);
    expect(mobility.publishingRules.map((r) => r.publicName)).toEqual(["lyncdiscover.contoso.com", "lyncdiscover.fabrikam.com"]);
    // SIP federation is deployed: push uses its Office365 hosting provider (one sipfed.online.lync.com entry).
    expect(mobility.topologySettings.map((t) => t.item)).toEqual(expect.arrayContaining(["Push notifications: hosting provider"]));
  });

  test("the worksheet has a section per later feature listing records, rows and settings", () => {
    const blocks = worksheetBlocks(plan);
    const section = blocks.find((b) => b.heading === "Planned for later")!;
    expect(section.level).toBe(2);
    expect(section.text!.join("\n")).toMatch(/certificates above already carry their names/);
    const xmpp = blocks.find((b) => b.heading === "Later: XMPP federation")!;
    expect(xmpp.table!.rows.map((r) => r.join(" | ")).join("\n")).toMatch(/DNS external.*SRV _xmpp-server\._tcp\.contoso\.com/);
    expect(xmpp.table!.rows.map((r) => r.join(" | ")).join("\n")).toMatch(/Firewall.*TCP 5269/);
    expect(xmpp.table!.rows.map((r) => r.join(" | ")).join("\n")).toMatch(/Topology setting.*Enable XMPP federation \(port 5269\): Yes/);
  });

  test("every feature moved to deployed gives exactly what the later entry listed, and the same certificates", () => {
    const promoted: Record<string, string> = {
      "public-im": `${head}\nfederation: { sip: true, publicIm: [skype] }\nlater:\n  federation: { xmpp: { partners: [gmail.com] } }\n  mobility: true\n`,
      xmpp: `${head}\nfederation: { sip: true, xmpp: { partners: [gmail.com] } }\nlater:\n  federation: { publicIm: [skype] }\n  mobility: true\n`,
      mobility: `${head}\nfederation: { sip: true }\nmobility: true\nlater:\n  federation: { xmpp: { partners: [gmail.com] }, publicIm: [skype] }\n`,
    };
    const key = (x: unknown) => JSON.stringify(x);
    for (const [id, yaml] of Object.entries(promoted)) {
      const after = planOf(yaml);
      expect(after.certificates).toEqual(plan.certificates);
      const entry = feature(id);
      const added = <T>(a: readonly T[], b: readonly T[]) => b.filter((x) => !a.map(key).includes(key(x)));
      expect(added(plan.dnsRecords, after.dnsRecords)).toEqual(entry.dnsRecords);
      expect(added(plan.firewallRules, after.firewallRules)).toEqual(entry.firewallRules);
      expect(added(plan.topologySettings, after.topologySettings)).toEqual(entry.topologySettings);
      expect(added(plan.publishingRules, after.publishingRules)).toEqual(entry.publishingRules);
      // Nothing deployed now disappears when a feature is added (rows may gain a feature summary tag).
      const ids = (rows: readonly { id: string }[]) => rows.map((r) => r.id);
      expect(ids(after.firewallRules)).toEqual(expect.arrayContaining(ids(plan.firewallRules)));
      const recordKeys = (p: Plan) => p.dnsRecords.map((r) => `${r.view} ${r.type} ${r.name}`);
      expect(recordKeys(after)).toEqual(expect.arrayContaining(recordKeys(plan)));
    }
  });
});

describe("edge-lab diff: moving a later feature to deployed", () => {
  const dir = mkdtempSync(join(tmpdir(), "edge-lab-later-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const before = join(dir, "before.yaml");
  const after = join(dir, "after.yaml");
  writeFileSync(before, `${head}later:\n  federation: { xmpp: { partners: [gmail.com] } }\n`);
  writeFileSync(after, `${head}federation: { xmpp: { partners: [gmail.com] } }\n`);

  test("shows the XMPP records, rows, settings and NSG changes, and no certificate change", async () => {
    let out = "";
    const code = await run(["diff", before, after, "--json"], { out: (t) => (out += t), err: () => undefined });
    expect(code).toBe(2);
    const diff = JSON.parse(out);
    const sections = diff.plan.map((s: { section: string }) => s.section);
    expect(sections).toEqual(expect.arrayContaining(["DNS records", "Firewall rules", "Topology settings"]));
    expect(sections).not.toContain("Certificates");
    expect(diff.actions.filter((a: string) => /certificate/i.test(a))).toEqual([]);
    const dns = diff.plan.find((s: { section: string }) => s.section === "DNS records").change;
    expect(dns.added.map((a: { key: string }) => a.key).sort()).toEqual([
      "external A xmpp.contoso.com",
      "external A xmpp.fabrikam.com",
      "external SRV _xmpp-server._tcp.contoso.com",
      "external SRV _xmpp-server._tcp.fabrikam.com",
    ]);
    expect(dns.removed).toEqual([]);
    // Terraform: the NSG and appliance rules change, new DNS records appear; nothing is destroyed.
    expect(diff.terraform.removed).toEqual([]);
    expect(diff.terraform.changed.map((c: { key: string }) => c.key).join("\n")).toMatch(/azurerm_network_security_group/);
  });
});
