/** The Azure-only address layout computed from the plan's site networks. */
import { labLayout } from "../../lib/lab/layout";
import { labNsgRules } from "../../lib/azure/nsg-rules";
import { cidrsOverlap, parseCidr } from "../../lib/model/net";
import { bundledPlan, planOf } from "../helpers";

test("closed lab: simulated Internet and one infrastructure /24 per site from 100.64.0.0/10, disjoint from every scenario range", () => {
  const plan = bundledPlan("contoso-enterprise");
  const layout = labLayout(plan);
  expect(layout.simInternet).toEqual({ cidr: "100.64.0.0/24", clientSubnet: "100.64.0.0/25", clientIp: "100.64.0.10" });
  expect(layout.sites.map((s) => s.infraCidr)).toEqual(["100.64.1.0/24", "100.64.2.0/24"]);
  expect(layout.sites.map((s) => s.firewall)).toEqual([
    { outsideIp: "100.64.1.4", insideIp: "100.64.1.36" },
    { outsideIp: "100.64.2.4", insideIp: "100.64.2.36" },
  ]);
  const all = layout.sites.flatMap((s) => s.addressSpace).map(parseCidr);
  for (let i = 0; i < all.length; i++) for (let j = i + 1; j < all.length; j++) expect(cidrsOverlap(all[i], all[j])).toBe(false);
});

test("a scenario that uses 100.64.0.0/24 pushes the lab ranges to the next free blocks", () => {
  const plan = planOf(`
sipDomains: [contoso.com]
sites: [{ name: hq, network: { internalNetworks: [100.64.0.0/23] } }]
`);
  const layout = labLayout(plan);
  expect(layout.simInternet!.cidr).toBe("100.64.2.0/24");
  expect(layout.sites[0].infraCidr).toBe("100.64.3.0/24");
});

test("internet mode: no simulated Internet, no appliance", () => {
  const plan = planOf("sipDomains: [contoso.com]\nlab: { mode: internet }\n");
  const layout = labLayout(plan);
  expect(layout.simInternet).toBeUndefined();
  expect(layout.sites[0].firewall).toBeUndefined();
  expect(layout.sites[0].subnets.map((s) => s.key)).toEqual(["pext", "pint", "int1", "bastion"]);
});

test("NSG rules: a VIP row also admits the members (the load balancer rewrites the destination); admin only from the declared range", () => {
  const plan = bundledPlan("scaled-hlb");
  const nsgs = labNsgRules(plan, labLayout(plan), { adminSourceCidr: "203.0.113.0/24" });
  const pext = nsgs.find((n) => n.key === "pext")!;
  const sip = pext.rules.find((r) => r.name === "in-edge-external-vip-ext-in-access-sip-mtls")!;
  expect(sip.destinationPrefixes).toEqual(["131.107.155.10", "131.107.155.11", "131.107.155.12"]);
  expect(sip.sourcePrefixes).toEqual(["100.64.0.0/24"]);
  for (const n of nsgs) {
    const admin = n.rules.filter((r) => r.destinationPorts !== "*" && r.destinationPorts.some((p) => p.covers(3389)));
    expect(admin.length).toBeGreaterThan(0);
    expect(admin.every((r) => r.sourcePrefixes[0] === "203.0.113.0/24")).toBe(true);
  }
  const pint = nsgs.find((n) => n.key === "pint")!;
  expect(pint.rules.find((r) => r.name === "deny-other-side-of-perimeter")).toMatchObject({
    access: "Deny",
    priority: 100,
    sourcePrefixes: ["131.107.155.0/24", "10.45.16.0/24"],
  });
});
