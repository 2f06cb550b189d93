/** Invariants over every synthesized stack (bundled scenarios, internet-mode variants and the examples/ apps). */
import { bundledScenarioIds } from "../helpers";
import { checkName, type NameKind } from "../../lib/azure/names";
import { cidrContains, isAzureReserved, parseCidr } from "../../lib/model/net";
import { EXAMPLES, INTERNET_SCENARIOS, resources, synthBundled, synthExampleJson, synthInternet, type Block, type TfJson } from "./helpers";

const stacks: [string, TfJson][] = [
  ...bundledScenarioIds().map((id): [string, TfJson] => [id, synthBundled(id).json]),
  ...Object.keys(INTERNET_SCENARIOS).map((id): [string, TfJson] => [id, synthInternet(id).json]),
  ...Object.keys(EXAMPLES).map((name): [string, TfJson] => [`example ${name}`, synthExampleJson(name)]),
];

const NAME_KIND: Record<string, NameKind> = {
  azurerm_resource_group: "resourceGroup",
  azurerm_virtual_network: "virtualNetwork",
  azurerm_subnet: "subnet",
  azurerm_network_security_group: "networkSecurityGroup",
  azurerm_network_interface: "networkInterface",
  azurerm_public_ip: "publicIp",
  azurerm_lb: "loadBalancer",
  azurerm_lb_rule: "lbChild",
  azurerm_lb_probe: "lbChild",
  azurerm_lb_backend_address_pool: "lbChild",
  azurerm_lb_outbound_rule: "lbChild",
  azurerm_route_table: "routeTable",
  azurerm_nat_gateway: "natGateway",
  azurerm_bastion_host: "bastion",
  azurerm_virtual_network_peering: "peering",
  azurerm_private_dns_zone_virtual_network_link: "dnsLink",
  azurerm_windows_virtual_machine: "windowsVm",
  azurerm_linux_virtual_machine: "linuxVm",
  azurerm_virtual_machine_extension: "vmExtension",
};

/** The address prefix of a subnet reference; undefined for a subnet looked up by a data source (not in the document). */
function subnetPrefix(json: TfJson, ref: string): string | undefined {
  return ref.startsWith("${data.") ? undefined : deref(json, ref).address_prefixes[0];
}

function deref(json: TfJson, ref: string): Block {
  const m = /^\$\{([a-z0-9_]+)\.([^.}]+)\.[a-z_]+\}$/.exec(ref);
  const block = m && json.resource[m[1]]?.[m[2]];
  if (!block) throw new Error(`cannot resolve ${ref}`);
  return block;
}

describe.each(stacks)("%s", (_id, json) => {
  test("every ${...} reference resolves to a resource, data source, variable or local of the stack", () => {
    const text = JSON.stringify({ resource: json.resource, output: json.output });
    const refs = [...text.matchAll(/\$\{([^}]*)\}/g)].map((m) => m[1]);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      const parts = ref.split(".");
      let ok = false;
      if (parts[0] === "var") ok = Boolean((json as any).variable?.[parts[1]]);
      else if (parts[0] === "local") ok = Boolean((json as any).locals?.[parts[1]]);
      else if (parts[0] === "data") ok = Boolean((json as any).data?.[parts[1]]?.[parts[2]]);
      else ok = Boolean(json.resource[parts[0]]?.[parts[1]]) && parts.length <= 3; // "type.name" (depends_on) or "type.name.attribute"
      expect([ref, ok]).toEqual([ref, true]);
    }
  });

  test("every private address lies inside its subnet and outside Azure's reserved addresses", () => {
    const placed: { ip: string; subnet?: string }[] = [];
    for (const nic of resources(json, "azurerm_network_interface")) {
      for (const c of nic.ip_configuration as Block[]) placed.push({ ip: c.private_ip_address, subnet: subnetPrefix(json, c.subnet_id) });
    }
    for (const lb of resources(json, "azurerm_lb")) {
      for (const f of lb.frontend_ip_configuration as Block[])
        if (f.subnet_id) placed.push({ ip: f.private_ip_address, subnet: subnetPrefix(json, f.subnet_id) });
    }
    expect(placed.length).toBeGreaterThan(0);
    const seen = new Set<string>();
    for (const p of placed) {
      if (p.subnet !== undefined) {
        const cidr = parseCidr(p.subnet);
        expect([p.ip, p.subnet, cidrContains(cidr, p.ip), isAzureReserved(cidr, p.ip)]).toEqual([p.ip, p.subnet, true, false]);
      }
      expect(seen.has(p.ip)).toBe(false);
      seen.add(p.ip);
    }
    // Route next hops are appliance addresses that exist.
    for (const rt of resources(json, "azurerm_route_table")) for (const r of rt.route as Block[]) expect(seen.has(r.next_hop_in_ip_address)).toBe(true);
    // Subnets lie inside their VNet's address space.
    for (const s of resources(json, "azurerm_subnet")) {
      const vnet = Object.values(json.resource.azurerm_virtual_network).find(
        (v) =>
          `\${azurerm_virtual_network.${Object.entries(json.resource.azurerm_virtual_network).find(([, b]) => b === v)![0]}.name}` === s.virtual_network_name,
      )!;
      const inner = parseCidr(s.address_prefixes[0]);
      expect(
        (vnet.address_space as string[]).some((a) => {
          const o = parseCidr(a);
          return inner.prefix >= o.prefix && cidrContains(o, s.address_prefixes[0].split("/")[0]);
        }),
      ).toBe(true);
    }
  });

  test("NSG priorities are unique per NSG and direction, within 100-4096", () => {
    for (const nsg of resources(json, "azurerm_network_security_group")) {
      const keys = (nsg.security_rule as Block[]).map((r) => `${r.direction}/${r.priority}`);
      expect(new Set(keys).size).toBe(keys.length);
      const names = (nsg.security_rule as Block[]).map((r) => r.name);
      expect(new Set(names).size).toBe(names.length);
      for (const r of nsg.security_rule as Block[]) {
        expect(r.priority).toBeGreaterThanOrEqual(100);
        expect(r.priority).toBeLessThanOrEqual(4096);
      }
    }
  });

  test("no two load balancer rules hit the same backend ip configuration + port + protocol", () => {
    const assoc = resources(json, "azurerm_network_interface_backend_address_pool_association");
    const seen = new Set<string>();
    for (const rule of resources(json, "azurerm_lb_rule")) {
      const lb = deref(json, rule.loadbalancer_id);
      const kind = (lb.frontend_ip_configuration as Block[]).some((f) => f.public_ip_address_id) ? "public" : "internal";
      for (const poolId of rule.backend_address_pool_ids as string[]) {
        for (const a of assoc.filter((x) => x.backend_address_pool_id === poolId)) {
          const key = `${kind}|${a.network_interface_id}|${a.ip_configuration_name}|${rule.backend_port}|${rule.protocol}`;
          expect([key, seen.has(key)]).toEqual([key, false]);
          seen.add(key);
        }
      }
    }
    // Each NIC is behind at most one internal and one public load balancer.
    const perNic = new Map<string, Set<string>>();
    for (const a of assoc) {
      const pool = deref(json, a.backend_address_pool_id);
      const lb = deref(json, pool.loadbalancer_id);
      const kind = (lb.frontend_ip_configuration as Block[]).some((f) => f.public_ip_address_id) ? "public" : "internal";
      const set = perNic.get(`${a.network_interface_id}|${kind}`) ?? new Set<string>();
      set.add(String(pool.loadbalancer_id));
      perNic.set(`${a.network_interface_id}|${kind}`, set);
    }
    for (const s of perNic.values()) expect(s.size).toBe(1);
  });

  test("names obey Azure's limits and tags carry the scenario id", () => {
    for (const [type, kind] of Object.entries(NAME_KIND)) {
      for (const r of resources(json, type)) if (!String(r.name).startsWith("${")) expect(() => checkName(kind, String(r.name))).not.toThrow();
    }
    for (const vm of resources(json, "azurerm_windows_virtual_machine")) expect(String(vm.computer_name).length).toBeLessThanOrEqual(15);
    for (const nsg of resources(json, "azurerm_network_security_group"))
      for (const r of nsg.security_rule as Block[]) {
        expect(() => checkName("nsgRule", r.name)).not.toThrow();
        expect(String(r.description).length).toBeLessThanOrEqual(140);
      }
    for (const [type, byName] of Object.entries(json.resource)) {
      for (const r of Object.values(byName))
        if ("tags" in r) expect([type, (r.tags as Record<string, string>)["edge-lab-scenario"]]).toEqual([type, expect.any(String)]);
    }
  });

  test("no secret literal in the output", () => {
    for (const vm of [...resources(json, "azurerm_windows_virtual_machine"), ...resources(json, "azurerm_linux_virtual_machine")]) {
      expect(vm.admin_password).toMatch(/^\$\{random_password\.[^.]+\.result\}$/);
    }
    expect(json.output!.admin_password.sensitive).toBe(true);
  });
});
