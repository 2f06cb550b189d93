/**
 * Every generated firewall fails closed (issue 18): each appliance ruleset, also for the largest Microsoft 365
 * endpoints file edge-lab accepts, loads completely into a fresh network namespace with iptables-restore (FORWARD
 * policy DROP and every rule there, counted from the plan's rows), and the appliance's own check script switches
 * forwarding on only then. A ruleset that does not load leaves forwarding off.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { applianceConfigOf, firewallCheckScript, type FirewallApplianceConfig } from "../../lib/lab/guest/iptables";
import { labLayout } from "../../lib/lab/layout";
import { applianceRules, asClosedLab } from "../../lib/lab/rulesets";
import { loadScenarioFile } from "../../lib/model/load";
import { MAX_PREFIXES_PER_FAMILY, parseEndpointsFile } from "../../lib/model/m365-endpoints";
import type { Plan } from "../../lib/model/plan";
import { bundledPlan, bundledScenarioIds, SCENARIO_DIR } from "../helpers";
import { describeWithTools } from "../system-tools";
import { run, uniqueTag } from "./tools";

jest.setTimeout(60_000);

/** The largest endpoints file edge-lab accepts: the cap of distinct public prefixes in each family. */
function largestEndpoints() {
  const n = MAX_PREFIXES_PER_FAMILY;
  const v4 = Array.from({ length: n }, (_, i) => `20.${64 + (i >> 8)}.${i & 255}.0/24`);
  const v6 = Array.from({ length: n }, (_, i) => `2603:1000:${i.toString(16)}::/48`);
  const sets = [
    { id: 11, serviceArea: "Skype", ips: [...v4.slice(0, n / 2), ...v6.slice(0, n / 2)], udpPorts: "3478,3479,3480,3481" },
    { id: 12, serviceArea: "Skype", urls: ["*.lync.com"], ips: [...v4.slice(n / 2), ...v6.slice(n / 2)], tcpPorts: "443,80" },
  ];
  return parseEndpointsFile(JSON.stringify(sets), "largest.json");
}

function largestHybridPlan(): Plan {
  const r = loadScenarioFile(join(SCENARIO_DIR, "hybrid-se.yaml"), { m365Endpoints: largestEndpoints() });
  if (!r.ok || !r.plan) throw new Error(JSON.stringify(r.problems));
  return r.plan;
}

/** FORWARD rules once loaded, counted from the configuration (iptables makes one rule per source/destination pair). */
function expectedForwardRules(c: FirewallApplianceConfig): number {
  const accepts = c.rules.reduce((n, r) => n + r.addresses.length * (r.peers?.length ?? 1), 0);
  const drops = c.labPrefixes.length + c.simulatedInternet.length;
  const egress = c.labPrefixes.length + c.egressSources.length;
  return 1 + accepts + drops + egress;
}

/** A fresh namespace, removed afterwards. */
function withNamespace<T>(body: (ns: string) => T): T {
  const ns = `elfc-${uniqueTag()}`;
  run("ip", ["netns", "add", ns]);
  try {
    return body(ns);
  } finally {
    run("ip", ["netns", "del", ns], { allowFail: true });
  }
}

/** Runs the appliance's check script (as cloud-init installs it) inside the namespace. */
function runCheck(ns: string, rules: string) {
  const dir = mkdtempSync(join(tmpdir(), "fw-check-"));
  const script = join(dir, "edge-lab-firewall-check");
  writeFileSync(script, firewallCheckScript(rules));
  chmodSync(script, 0o755);
  try {
    return spawnSync("ip", ["netns", "exec", ns, script], { encoding: "utf8" });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const forwarding = (ns: string) => run("ip", ["netns", "exec", ns, "sysctl", "-n", "net.ipv4.ip_forward"]).stdout.trim();

const cases: [string, () => Plan][] = [
  ...bundledScenarioIds().map((id): [string, () => Plan] => [id, () => bundledPlan(id)]),
  [`hybrid-se with the largest endpoints file (${MAX_PREFIXES_PER_FAMILY} IPv4 and IPv6 prefixes)`, largestHybridPlan],
];

describeWithTools("every appliance ruleset loads completely and fails closed", ["root", "netns", "ip", "iptables-restore", "iptables", "sysctl"], () => {
  test.each(cases)("%s", (_name, planOf) => {
    const plan = planOf();
    const layout = labLayout(asClosedLab(plan));
    for (const site of layout.sites) {
      const rules = applianceRules(plan, site.site.name);
      const config = applianceConfigOf(plan, layout, site);
      withNamespace((ns) => {
        expect(forwarding(ns)).toBe("0");
        const restore = run("ip", ["netns", "exec", ns, "iptables-restore"], { input: rules, allowFail: true });
        expect({ status: restore.status, stderr: restore.stderr }).toEqual({ status: 0, stderr: "" });
        const forward = run("ip", ["netns", "exec", ns, "iptables", "-S", "FORWARD"]).stdout.trim().split("\n");
        expect(forward[0]).toBe("-P FORWARD DROP");
        expect(forward.filter((l) => l.startsWith("-A FORWARD")).length).toBe(expectedForwardRules(config));
        const check = runCheck(ns, rules);
        expect({ status: check.status, stderr: check.stderr }).toEqual({ status: 0, stderr: "" });
        expect(forwarding(ns)).toBe("1");
      });
    }
  });

  test("a ruleset that does not load completely leaves forwarding off, and the check says why", () => {
    const rules = applianceRules(bundledPlan("single-consolidated-nat"), "hq");
    // A line iptables refuses inside the filter table: the nat table is committed, the filter table is not.
    const broken = rules.replace(/\nCOMMIT\n$/, "\n-A FORWARD --no-such-option -j ACCEPT\nCOMMIT\n");
    withNamespace((ns) => {
      const restore = run("ip", ["netns", "exec", ns, "iptables-restore"], { input: broken, allowFail: true });
      expect(restore.status).not.toBe(0);
      const check = runCheck(ns, rules);
      expect(check.status).toBe(1);
      expect(check.stderr).toMatch(/ruleset not completely loaded .* forwarding stays off/);
      expect(forwarding(ns)).toBe("0");
    });
  });
});
