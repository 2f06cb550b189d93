/** Per bundled scenario: what the Azure lab contains, checked against the plan it was rendered from. */
import type { Plan } from "../../lib/model/plan";
import { bundledScenarioIds, planOf } from "../helpers";
import { count, resources, synthBundled, synthInternet, synthPlan, type Block, type TfJson } from "./helpers";

const REF = /^\$\{([a-z0-9_]+)\.([^.}]+)\.([a-z_]+)\}$/;
function deref(json: TfJson, ref: string): Block {
  const m = REF.exec(ref);
  if (!m) throw new Error(`not a reference: ${ref}`);
  const block = json.resource[m[1]]?.[m[2]];
  if (!block) throw new Error(`dangling reference: ${ref}`);
  return block;
}

const INTERNETISH = (prefixes: string[], sim?: string) =>
  prefixes.some((p) => ["*", "internet", "0.0.0.0/0", "0.0.0.0", "any"].includes(p.toLowerCase()) || p === sim);
const srcOf = (r: Block): string[] => (r.source_address_prefix ? [r.source_address_prefix] : r.source_address_prefixes);
const portOf = (r: Block): string => r.destination_port_range ?? (r.destination_port_ranges as string[]).join(",");
const portText = (p: { from: number; to: number }) => (p.from === p.to ? String(p.from) : `${p.from}-${p.to}`);
const proto = (t: string) => (t === "TCP" ? "Tcp" : "Udp");

function allRules(json: TfJson): (Block & { nsg: string })[] {
  return resources(json, "azurerm_network_security_group").flatMap((n) => (n.security_rule as Block[]).map((r) => ({ ...r, nsg: n.name as string })));
}

function simCidr(json: TfJson): string | undefined {
  const v = resources(json, "azurerm_virtual_network").find((x) => String(x.name).endsWith("-internet"));
  return v?.address_space[0];
}

function checkScenario(plan: Plan, json: TfJson) {
  const edges = plan.servers.filter((s) => s.role === "edge");
  const directors = plan.servers.filter((s) => s.role === "director");
  const proxies = plan.servers.filter((s) => s.role === "reverse-proxy");
  const closed = plan.scenario.labMode === "closed";
  const sites = plan.scenario.sites.length;

  test("expected resource types and counts", () => {
    for (const t of [
      "azurerm_resource_group",
      "azurerm_virtual_network",
      "azurerm_subnet",
      "azurerm_network_security_group",
      "azurerm_subnet_network_security_group_association",
      "azurerm_network_interface",
      "azurerm_windows_virtual_machine",
      "azurerm_linux_virtual_machine",
      "azurerm_virtual_machine_extension",
      "azurerm_dev_test_global_vm_shutdown_schedule",
      "azurerm_nat_gateway",
      "random_password",
    ]) {
      expect([t, count(json, t)]).toEqual([t, expect.any(Number)]);
      expect(count(json, t)).toBeGreaterThan(0);
    }
    const testClient = resources(json, "azurerm_windows_virtual_machine").some((v) => v.name === "testclient") ? 1 : 0;
    expect(count(json, "azurerm_windows_virtual_machine")).toBe(edges.length + directors.length + testClient);
    expect(count(json, "azurerm_linux_virtual_machine")).toBe(proxies.length + (closed ? sites : 0));
    expect(count(json, "azurerm_virtual_machine_extension")).toBe(edges.length + directors.length);
    expect(count(json, "azurerm_dev_test_global_vm_shutdown_schedule")).toBe(
      count(json, "azurerm_windows_virtual_machine") + count(json, "azurerm_linux_virtual_machine"),
    );
    const nics = plan.servers.reduce((n, s) => n + s.interfaces.length, 0) + (closed ? 2 * sites : 0) + testClient;
    expect(count(json, "azurerm_network_interface")).toBe(nics);
    expect(count(json, "azurerm_virtual_network")).toBe(sites + (closed ? 1 : 0));
    // Every subnet with NICs has an NSG.
    const nicSubnets = new Set(resources(json, "azurerm_network_interface").flatMap((n) => (n.ip_configuration as Block[]).map((c) => c.subnet_id)));
    const guarded = new Set(resources(json, "azurerm_subnet_network_security_group_association").map((a) => String(a.subnet_id)));
    for (const s of nicSubnets) expect(guarded.has(String(s).replace(/\.id\}$/, ".id}"))).toBe(true);
    // Standard SKUs, static public IPs.
    for (const p of resources(json, "azurerm_public_ip")) expect([p.sku, p.allocation_method]).toEqual(["Standard", "Static"]);
    for (const lb of resources(json, "azurerm_lb")) expect(lb.sku).toBe("Standard");
  });

  test("load balancer: one frontend per VIP, a pool per VIP, one rule per VIP port, no Floating IP, TCP probes", () => {
    const edgeVips = plan.vips.filter((v) => v.service !== "director-web");
    const lbs = resources(json, "azurerm_lb");
    const frontends = lbs.flatMap((l) => (l.frontend_ip_configuration as Block[]) ?? []);
    expect(frontends.length).toBe(plan.vips.length);
    if (closed) {
      const edgeLbs = lbs.filter((l) => /-edge$/.test(String(l.name)));
      expect(edgeLbs.length).toBe(new Set(edgeVips.map((v) => v.site)).size);
      for (const v of edgeVips) expect(frontends.some((f) => f.private_ip_address === v.ip)).toBe(true);
    }
    const rules = resources(json, "azurerm_lb_rule");
    expect(rules.length).toBe(plan.vips.reduce((n, v) => n + v.ports.length, 0));
    for (const r of rules) {
      expect(r.floating_ip_enabled).toBe(false);
      expect(r.backend_port).toBe(r.frontend_port);
      const probe = deref(json, r.probe_id);
      expect(probe.protocol).toBe("Tcp");
      if (r.protocol === "Tcp") expect(r.idle_timeout_in_minutes).toBeGreaterThanOrEqual(30);
    }
    // Backend ip configurations: each member's address, once per VIP.
    const assoc = resources(json, "azurerm_network_interface_backend_address_pool_association");
    expect(assoc.length).toBe(plan.vips.reduce((n, v) => n + v.members.length, 0));
    for (const a of assoc) {
      const nic = deref(json, a.network_interface_id);
      expect((nic.ip_configuration as Block[]).some((c) => c.name === a.ip_configuration_name)).toBe(true);
    }
  });

  test("every inbound row of the Edge external and internal tables is an NSG rule; no other inbound Allow from the Internet", () => {
    const rules = allRules(json).filter((r) => r.direction === "Inbound" && r.access === "Allow");
    const edgeRows = plan.firewallRules.filter((r) => r.direction === "inbound" && r.table.startsWith("edge-"));
    expect(edgeRows.length).toBeGreaterThan(0);
    for (const row of edgeRows) {
      const name = `in-${row.table}-${row.id.split("/").pop()}`;
      const match = rules.filter((r) => r.name === name && portOf(r) === portText(row.ports) && r.protocol === proto(row.transport));
      expect([row.id, match.length > 0]).toEqual([row.id, true]);
    }
    const sim = simCidr(json);
    const internetRows = plan.firewallRules.filter((r) => r.direction === "inbound" && r.source.addresses.includes("Internet"));
    const allowed = new Set(internetRows.map((r) => `${proto(r.transport)}/${portText(r.ports)}`));
    for (const r of rules.filter((x) => INTERNETISH(srcOf(x), sim))) {
      expect([r.nsg, r.name, allowed.has(`${r.protocol}/${portOf(r)}`)]).toEqual([r.nsg, r.name, true]);
      expect(String(r.name)).toMatch(/^in-/);
    }
    // Management ports never from the Internet.
    for (const r of rules.filter((x) => INTERNETISH(srcOf(x), sim))) expect(portOf(r)).not.toMatch(/\b(22|3389)\b/);
    // Every NSG ends with deny-all and lets load balancer probes in.
    for (const n of resources(json, "azurerm_network_security_group")) {
      const names = (n.security_rule as Block[]).map((r) => r.name);
      expect(names).toEqual(expect.arrayContaining(["allow-azure-load-balancer", "deny-all-inbound"]));
    }
  });

  test("Edge NIC layout: external NIC primary with access/webconf/av in order, internal NIC without forwarding", () => {
    for (const edge of edges) {
      const vm = resources(json, "azurerm_windows_virtual_machine").find((v) => v.computer_name === edge.name)!;
      expect(vm).toBeDefined();
      expect(String(vm.computer_name).length).toBeLessThanOrEqual(15);
      const nics = (vm.network_interface_ids as string[]).map((r) => deref(json, r));
      expect(nics.map((n) => String(n.name).replace(/^.*-/, ""))).toEqual(["ext", "int"]);
      const ext = nics[0].ip_configuration as Block[];
      const expected = edge.interfaces[0].addresses.map((a) => ({ ip: a.ip, primary: a.primary }));
      expect(ext.map((c) => ({ ip: c.private_ip_address, primary: c.primary }))).toEqual(expected);
      expect(ext.map((c) => c.name)).toEqual(
        plan.scenario.sites.find((s) => s.name === edge.site)!.ipMode === "single" ? ["access"] : ["access", "webconf", "av"],
      );
      expect((nics[1].ip_configuration as Block[]).map((c) => c.private_ip_address)).toEqual([edge.interfaces[1].addresses[0].ip]);
      for (const n of nics) expect(n.ip_forwarding_enabled).toBe(false);
      expect(vm.boot_diagnostics).toEqual({});
      expect(vm.admin_password).toMatch(/^\$\{random_password\./);
    }
    // Only the firewall appliance forwards.
    for (const n of resources(json, "azurerm_network_interface")) expect(n.ip_forwarding_enabled).toBe(String(n.name).startsWith("nic-fw"));
  });

  test("DNS: every plan record is in its view's zone with the plan's values", () => {
    const sets = [...resources(json, "azurerm_private_dns_a_record"), ...resources(json, "azurerm_dns_a_record")];
    const srvs = [...resources(json, "azurerm_private_dns_srv_record"), ...resources(json, "azurerm_dns_srv_record")];
    const views = new Set(plan.dnsRecords.map((r) => r.view));
    expect(views).toEqual(new Set(["external", "internal"]));
    for (const r of plan.dnsRecords) {
      const rel = r.name === r.zone ? "@" : r.name.slice(0, -(r.zone.length + 1));
      const rg = `\${azurerm_resource_group.lab_dns_rg-${r.view}`;
      const pool = r.type === "SRV" ? srvs : sets;
      const found = pool.find(
        (s) =>
          s.name === rel &&
          String(s.zone_name).includes(`"${r.zone}"`) === false &&
          String(s.resource_group_name).startsWith(rg) &&
          deref(json, s.zone_name).name === r.zone,
      );
      expect([r.view, r.name, r.type, found !== undefined]).toEqual([r.view, r.name, r.type, true]);
      if (r.type === "A" && !r.assignedAtDeploy) expect(found!.records).toEqual(expect.arrayContaining([...r.values]));
      if (r.type === "SRV") expect(found!.record).toEqual(expect.arrayContaining([r.srv]));
    }
  });
}

describe.each(bundledScenarioIds())("bundled scenario %s", (id) => {
  const { plan, json } = synthBundled(id);
  checkScenario(plan, json);

  test("closed lab: firewall appliance, simulated Internet, private zones only", () => {
    expect(plan.scenario.labMode).toBe("closed");
    expect(count(json, "azurerm_dns_zone")).toBe(0);
    expect(count(json, "azurerm_public_ip")).toBe(plan.scenario.sites.length); // NAT gateways only: nothing exposed
    const fwVms = resources(json, "azurerm_linux_virtual_machine").filter((v) => String(v.name).startsWith("fw"));
    expect(fwVms.length).toBe(plan.scenario.sites.length);
    for (const site of plan.scenario.sites) {
      const vm = fwVms.find((v) => v.name === `fw${site.name}`)!;
      const init = Buffer.from(String(vm.custom_data), "base64").toString("utf8");
      const natted = plan.servers
        .filter((s) => s.site === site.name)
        .flatMap((s) => s.interfaces.filter((i) => i.side === "external").flatMap((i) => i.addresses));
      for (const a of natted) {
        if (a.natPublic) expect(init).toContain(`-A PREROUTING -d ${a.natPublic}/32 -j DNAT --to-destination ${a.ip}`);
        else expect(init).not.toContain(`--to-destination ${a.ip} `);
      }
      if (site.externalAddressing === "public")
        expect(init).not.toMatch(new RegExp(`DNAT --to-destination ${site.networks.perimeterExternal.split(".").slice(0, 3).join("\\.")}\\.`));
    }
    // UDRs: the perimeter external subnets send 0.0.0.0/0 and the simulated Internet to the appliance's inside address.
    const rts = resources(json, "azurerm_route_table");
    for (const a of resources(json, "azurerm_subnet_route_table_association")) {
      const subnet = deref(json, a.subnet_id);
      const rt = deref(json, a.route_table_id);
      if (String(subnet.name).startsWith("snet-perimeter-external")) {
        expect((rt.route as Block[]).map((r) => r.address_prefix)).toEqual(expect.arrayContaining(["0.0.0.0/0"]));
        for (const r of rt.route as Block[]) expect(r.next_hop_type).toBe("VirtualAppliance");
      }
    }
    expect(rts.length).toBeGreaterThan(0);
    // Servers wait for their site's appliance (their way out).
    for (const vm of [...resources(json, "azurerm_windows_virtual_machine"), ...resources(json, "azurerm_linux_virtual_machine")]) {
      if (String(vm.name).startsWith("fw") || vm.name === "testclient") continue;
      expect(vm.depends_on).toEqual([expect.stringMatching(/^\$\{azurerm_linux_virtual_machine\..*firewall_appliance_vm/)]);
    }
    // External view linked to the simulated Internet, internal view to the lab VNets.
    for (const link of resources(json, "azurerm_private_dns_zone_virtual_network_link")) {
      const vnet = deref(json, link.virtual_network_id);
      const external = String(link.resource_group_name).includes("rg-external");
      expect(String(vnet.name).endsWith("-internet")).toBe(external);
    }
  });
});

test("scaled-hlb: 3 external VIP frontends in the perimeter external subnet, internal VIP in the perimeter internal subnet, 6 external ip configurations", () => {
  const { json } = synthBundled("scaled-hlb");
  const lbs = resources(json, "azurerm_lb");
  expect(lbs.length).toBe(1);
  expect(lbs[0].name).toBe("lbi-scaled-hlb-hq-edge");
  const fes = lbs[0].frontend_ip_configuration as Block[];
  const subnetOf = (f: Block) => deref(json, f.subnet_id).address_prefixes[0];
  expect(fes.map((f) => [f.name, f.private_ip_address, subnetOf(f)])).toEqual([
    ["fe-access", "131.107.155.10", "131.107.155.0/24"],
    ["fe-webconf", "131.107.155.20", "131.107.155.0/24"],
    ["fe-av", "131.107.155.30", "131.107.155.0/24"],
    ["fe-internal", "172.25.33.10", "172.25.33.0/24"],
  ]);
  const assoc = resources(json, "azurerm_network_interface_backend_address_pool_association");
  const external = assoc.filter((a) => ["access", "webconf", "av"].includes(a.ip_configuration_name));
  expect(external.length).toBe(6);
  const internalRules = resources(json, "azurerm_lb_rule")
    .filter((r) => r.frontend_ip_configuration_name === "fe-internal")
    .map((r) => `${r.protocol}/${r.frontend_port}`)
    .sort();
  expect(internalRules).toEqual(["Tcp/443", "Tcp/5061", "Tcp/5062", "Udp/3478"]);
});

test("DNS load balancing: N A-record values per service FQDN", () => {
  for (const id of ["scaled-dnslb-nat", "scaled-dnslb-public"]) {
    const { plan, json } = synthBundled(id);
    const n = plan.servers.filter((s) => s.role === "edge").length;
    for (const name of ["sip", "webcon", "av"]) {
      const rec = resources(json, "azurerm_private_dns_a_record").find((r) => r.name === name && String(r.resource_group_name).includes("rg-external"))!;
      expect(rec.records).toHaveLength(n);
    }
  }
});

describe.each(["inet-single-nat", "inet-hlb", "inet-dnslb-nat"])("internet mode %s", (id) => {
  const { plan, json } = synthInternet(id);
  checkScenario(plan, json);

  test("no appliance or simulated Internet; public DNS zones whose A values reference public IPs; fidelity output", () => {
    expect(resources(json, "azurerm_linux_virtual_machine").some((v) => String(v.name).startsWith("fw"))).toBe(false);
    expect(count(json, "azurerm_dns_zone")).toBe(plan.scenario.sipDomains.length);
    for (const a of resources(json, "azurerm_dns_a_record"))
      for (const v of a.records as string[]) expect(v).toMatch(/^\$\{azurerm_public_ip\.[^.]+\.ip_address\}$/);
    const notes = json.output!.fidelity_notes.value as string[];
    expect(notes.length).toBe(plan.notes.filter((n) => n.kind === "fidelity").length);
    expect(notes.length).toBeGreaterThan(0);
    expect(Object.keys(json.output!.public_addresses.value).length).toBe(count(json, "azurerm_public_ip") - 1);
  });
});

test("internet HLB: public LB with three frontends, per-server A/V public IPs, internal LB for the internal VIP, outbound rule for Access", () => {
  const { json } = synthInternet("inet-hlb");
  const lbs = resources(json, "azurerm_lb");
  const pub = lbs.find((l) => String(l.name).startsWith("lbe-"))!;
  const int = lbs.find((l) => String(l.name).startsWith("lbi-"))!;
  expect((pub.frontend_ip_configuration as Block[]).map((f) => f.name)).toEqual(["fe-access", "fe-webconf", "fe-av"]);
  expect((int.frontend_ip_configuration as Block[]).map((f) => f.private_ip_address)).toEqual(["172.25.33.10"]);
  const avPips = resources(json, "azurerm_public_ip").filter((p) => /^pip-lsedge\d+-av$/.test(String(p.name)));
  expect(avPips.length).toBe(2);
  expect(resources(json, "azurerm_public_ip").filter((p) => /^pip-lsedge\d+-(access|webconf)$/.test(String(p.name)))).toHaveLength(0);
  expect(resources(json, "azurerm_lb_outbound_rule")).toHaveLength(1);
  for (const r of resources(json, "azurerm_lb_rule").filter((x) => String(x.loadbalancer_id).includes("lb-edge-public")))
    expect(r.disable_outbound_snat).toBe(true);
});

test("internet mode warns with a cdktf annotation per fidelity note", () => {
  const { Testing } = jest.requireActual("cdktf") as typeof import("cdktf");
  const { EdgeLabStack } = jest.requireActual("../../lib/azure/stack") as typeof import("../../lib/azure/stack");
  const { plan } = synthInternet("inet-hlb");
  const stack = new EdgeLabStack(Testing.app(), "x", { plan });
  Testing.synth(stack);
  const warnings = stack.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === "@cdktf/warn").map((m) => String(m.data)));
  expect(warnings.filter((w) => w.startsWith("edge-lab fidelity")).length).toBe(plan.notes.filter((n) => n.kind === "fidelity").length);
});

describe("remote access only: no TCP 5061 to or from the Internet anywhere in the lab (issue 12, defect 3, FW-02)", () => {
  const plan = planOf("id: remote-only\nsipDomains: [contoso.com]\nsites: [{ name: hq, edge: { servers: 2 } }]");
  const json = synthPlan(plan); // the lab mode comes from the plan (closed by default)

  test("no NSG rule opens 5061 on the external side; the internal SIP rows (FW-04) remain", () => {
    const rules = allRules(json).filter((r) => portOf(r).split(",").includes("5061"));
    expect(rules.filter((r) => /edge-external/.test(String(r.name)))).toEqual([]);
    expect(rules.filter((r) => /edge-internal/.test(String(r.name))).length).toBeGreaterThan(0);
  });

  test("the firewall appliance forwards no 5061", () => {
    const vm = resources(json, "azurerm_linux_virtual_machine").find((v) => v.name === "fwhq")!;
    const init = Buffer.from(String(vm.custom_data), "base64").toString("utf8");
    expect(init).toContain("--dport 443");
    expect(init).not.toContain("--dport 5061");
  });
});

test("the run's synthesis cache (test/azure/helpers.ts) gives what a fresh synthesis gives", () => {
  // Twice: the second read comes from the cache whichever suite wrote it.
  synthBundled("scaled-hlb");
  const { plan, json } = synthBundled("scaled-hlb");
  expect(json).toEqual(synthPlan(plan));
});
