/** The text generators (PowerShell, nginx, iptables, cloud-init), tested as text. */
import { cloudConfig } from "../../lib/lab/guest/cloud-init";
import { applianceConfigOf, iptablesRules } from "../../lib/lab/guest/iptables";
import { routesScript } from "../../lib/azure/guest/linux-net";
import { nginxConfig, selfSignedCertCommands } from "../../lib/lab/guest/nginx";
import { windowsGuestScript } from "../../lib/azure/guest/powershell";
import { labLayout } from "../../lib/lab/layout";
import { bundledPlan } from "../helpers";

describe("Windows guest PowerShell", () => {
  const plan = bundledPlan("scaled-hlb");
  const edge = plan.servers.find((s) => s.id === "hq-edge-01")!;
  const script = windowsGuestScript(edge, { dnsSuffix: plan.scenario.internalDomain });

  test("configures every address statically, in plan order, primary first", () => {
    const ext = script.indexOf("$adapter = Find-Adapter '131.107.155.11'");
    const order = ["131.107.155.11", "131.107.155.21", "131.107.155.31"].map((ip) => script.indexOf(`Ip = '${ip}'; Prefix = 24; Primary = $`, ext));
    expect(ext).toBeGreaterThan(0);
    expect(order.every((i) => i > ext)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(script).toContain("@{ Ip = '131.107.155.11'; Prefix = 24; Primary = $true }");
    expect(script).toContain("@{ Ip = '131.107.155.21'; Prefix = 24; Primary = $false }");
    expect(script).toContain("Set-NetIPInterface -InterfaceAlias $Alias -Dhcp Disabled");
  });

  test("default gateway on the external interface only; persistent routes on the internal one", () => {
    expect(script).toContain("Set-StaticAddresses -Alias 'External' -Addresses $addresses -Gateway '131.107.155.1'");
    expect(script).toContain("Set-StaticAddresses -Alias 'Internal' -Addresses $addresses -Gateway $null");
    expect(script).toContain("Add-PersistentRoute -Alias 'Internal' -Prefix '192.168.10.0/24' -NextHop '172.25.33.1'");
    expect(script).not.toMatch(/-Alias 'Internal'[^\n]*-Gateway '/);
  });

  test("each persistent route is active now and on every boot: both stores checked and filled, so a rerun adds nothing (issue 12, defect 11)", () => {
    const fn = script.slice(script.indexOf("function Add-PersistentRoute"), script.indexOf("}\r\n\r\n", script.indexOf("function Add-PersistentRoute")) + 1);
    // One loop over both stores: the active store (now) and the persistent store (every boot).
    expect(fn).toMatch(/foreach \(\$store in @\('ActiveStore', 'PersistentStore'\)\)/);
    // Idempotent: each store is looked up on this interface before adding, and added only when missing.
    expect(fn).toMatch(
      /if \(-not \(Get-NetRoute -InterfaceAlias \$Alias -DestinationPrefix \$Prefix -NextHop \$NextHop -PolicyStore \$store -ErrorAction SilentlyContinue\)\)/,
    );
    expect(fn).toMatch(/New-NetRoute -InterfaceAlias \$Alias -DestinationPrefix \$Prefix -NextHop \$NextHop -PolicyStore \$store/);
    // No route is added outside the function (a bare New-NetRoute would touch one store only or skip the check).
    expect(script.split("New-NetRoute").length - 1).toBe(2); // the default gateway and the function
    expect(script).not.toContain("-PolicyStore PersistentStore | Out-Null");
  });

  test("DNS suffix and HOSTS entries from the plan", () => {
    expect(script).toContain("-Name 'NV Domain' -Value 'contoso.net'");
    for (const h of edge.hosts) expect(script).toContain(`'${h.ip} ${h.fqdn}'`);
  });

  test("a Director gets one interface with its gateway", () => {
    const p = bundledPlan("contoso-enterprise");
    const dir = p.servers.find((s) => s.role === "director")!;
    const s = windowsGuestScript(dir, { dnsSuffix: "contoso.net" });
    expect(s).toContain("Set-StaticAddresses -Alias 'Lab' -Addresses $addresses -Gateway '192.168.10.1'");
    expect(s).not.toContain("'Internal'");
  });
});

describe("nginx reverse proxy config", () => {
  const plan = bundledPlan("contoso-enterprise");
  const rules = plan.publishingRules.filter((r) => r.site === "hq");
  const conf = nginxConfig(rules, "10.45.16.40");

  test("one server per published FQDN and bridge: 443 -> 4443 and 80 -> 8080, host header kept, no auth", () => {
    for (const r of rules) {
      for (const b of r.bridges) {
        const block = conf.split("server {").find((x) => x.includes(`server_name ${r.publicName};`) && x.includes(`listen 10.45.16.40:${b.listen}`));
        expect(block).toBeDefined();
        expect(block).toContain(`proxy_pass ${b.scheme}://${r.target.ip}:${b.target};`);
        expect(block).toContain("proxy_set_header Host $host;");
      }
    }
    expect(conf).toContain("proxy_pass https://192.168.10.20:4443;");
    expect(conf).toContain("proxy_pass http://192.168.10.20:8080;");
    expect(conf).not.toMatch(/auth_basic|auth_request/);
  });

  test("self-signed placeholder certificates only for HTTPS names", () => {
    const cmds = selfSignedCertCommands(rules);
    expect(cmds.filter((c) => c.includes("openssl")).length).toBe(new Set(rules.map((r) => r.publicName)).size);
  });
});

describe("firewall appliance iptables", () => {
  test("NAT scenario: 1:1 DNAT and SNAT for every natPublic address", () => {
    const plan = bundledPlan("single-consolidated-nat");
    const layout = labLayout(plan);
    const rules = iptablesRules(applianceConfigOf(plan, layout, layout.sites[0]));
    for (const [pub, priv] of [
      ["131.107.155.10", "10.45.16.10"],
      ["131.107.155.20", "10.45.16.20"],
      ["131.107.155.30", "10.45.16.30"],
      ["131.107.155.40", "10.45.16.40"],
    ]) {
      expect(rules).toContain(`-A PREROUTING -d ${pub}/32 -j DNAT --to-destination ${priv}`);
      expect(rules).toContain(`-A EDGE_LAB_SIM -s ${priv}/32 -j SNAT --to-source ${pub}`);
    }
    expect(rules).toMatch(/-A FORWARD -d 10\.45\.16\.10 -p tcp --dport 443 -j ACCEPT/);
    expect(rules).toMatch(/-A FORWARD -d 10\.45\.16\.30 -p udp --dport 3478 -j ACCEPT/);
    expect(rules).toContain(":FORWARD DROP");
  });

  test("public scenario: the Edge addresses are routed unchanged (only the reverse proxy is translated)", () => {
    const plan = bundledPlan("scaled-hlb");
    const layout = labLayout(plan);
    const config = applianceConfigOf(plan, layout, layout.sites[0]);
    expect(config.nat.map((m) => m.privateIp)).toEqual(["10.45.16.40"]);
    const rules = iptablesRules(config);
    expect(rules).not.toMatch(/DNAT --to-destination 131\.107\.155/);
    expect(rules).toMatch(/-A FORWARD -d 131\.107\.155\.10 -p tcp --dport 5061 -j ACCEPT/);
    expect(rules).toMatch(/-A FORWARD -d 131\.107\.155\.31,131\.107\.155\.32 -p udp --dport 50000:59999 -j ACCEPT/);
  });
});

describe("cloud-init and routes", () => {
  test("cloud-config keeps file contents as literal blocks", () => {
    const text = cloudConfig({ packages: ["nginx"], files: [{ path: "/a", content: "x: 1\n  y\n" }], runcmd: ["echo 'hi'"] });
    expect(text.startsWith("#cloud-config\n")).toBe(true);
    expect(text).toContain('  - path: /a\n    permissions: "0644"\n    content: |\n      x: 1\n        y\n');
    expect(text).toContain(`  - "echo 'hi'"`);
  });

  test("routes script finds the NIC by address", () => {
    expect(routesScript([{ destination: "192.168.10.0/24", via: "172.25.33.1", nicAddress: "172.25.33.40" }])).toContain(
      'ip route replace 192.168.10.0/24 via 172.25.33.1 dev "$(nic_of 172.25.33.40)"',
    );
  });
});
