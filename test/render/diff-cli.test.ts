/** `edge-lab diff`: exit codes, git revisions, and the Terraform level of the change. */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run } from "../../bin/cli";
import { SCENARIO_DIR } from "../helpers";

const dir = mkdtempSync(join(tmpdir(), "edge-lab-diff-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const scenario3 = readFileSync(join(SCENARIO_DIR, "scaled-dnslb-nat.yaml"), "utf8");
const before = join(dir, "before.yaml");
const pool3 = join(dir, "pool3.yaml");
const hlb = join(dir, "hlb.yaml");
const broken = join(dir, "broken.yaml");
writeFileSync(before, scenario3);
writeFileSync(pool3, scenario3.replace("servers: 2", "servers: 3"));
writeFileSync(
  hlb,
  scenario3
    .replace("loadBalancing: dns", "loadBalancing: hardware")
    .replace("externalAddressing: nat", "externalAddressing: public")
    .replace("perimeterExternal: 10.45.16.0/24", "perimeterExternal: 131.107.155.0/24\n      reverseProxyExternal: 10.45.16.0/24"),
);
writeFileSync(broken, scenario3.replace("servers: 2", "servers: 13"));

async function cli(...args: string[]) {
  let out = "";
  let err = "";
  const code = await run(["diff", ...args], { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

test("a file against itself: exit 0, no changes", async () => {
  const r = await cli(before, before);
  expect(r.code).toBe(0);
  expect(r.out).toMatch(/^No changes: .* give the same plan and Terraform\.\n$/);
});

test("an invalid side: exit 1 with the rule, nothing on stdout", async () => {
  const r = await cli(before, broken);
  expect(r.code).toBe(1);
  expect(r.out).toBe("");
  expect(r.err).toMatch(/error \[LB-05\] sites\[0\]\.edge\.servers/);
});

test("growing the pool from 2 to 3: exit 2; the new VM, NICs, schedule, DNS value and NSG/appliance changes in Terraform", async () => {
  const r = await cli(before, pool3, "--json");
  expect(r.code).toBe(2);
  const diff = JSON.parse(r.out);
  const added: string[] = diff.terraform.added.map((a: { key: string }) => a.key);
  expect(added.filter((k) => k.startsWith("azurerm_windows_virtual_machine."))).toEqual([expect.stringContaining("hq-edge-03")]);
  expect(added.filter((k) => k.startsWith("azurerm_network_interface."))).toHaveLength(2);
  expect(added.filter((k) => k.startsWith("azurerm_dev_test_global_vm_shutdown_schedule."))).toHaveLength(1);
  expect(diff.terraform.removed).toEqual([]);
  const changed: { key: string; fields: { path: string; added?: string[] }[] }[] = diff.terraform.changed;
  const nsgAdds = changed.filter((c) => c.key.startsWith("azurerm_network_security_group.")).flatMap((c) => c.fields.flatMap((f) => f.added ?? []));
  expect(new Set(nsgAdds)).toEqual(
    new Set(["10.45.16.12", "10.45.16.22", "10.45.16.32", "172.25.33.12", "131.107.155.12", "131.107.155.22", "131.107.155.32"]),
  );
  const sip = changed.find((c) => c.key.includes("contoso_com-sip-A"))!;
  expect(sip.fields).toEqual([{ path: "records", added: ["131.107.155.12"], removed: [] }]);
  const appliance = changed.find((c) => c.key.startsWith("azurerm_linux_virtual_machine.") && c.key.includes("firewall"))!;
  expect(appliance.fields[0].path).toBe("custom_data (base64-decoded lines)");
  expect(appliance.fields[0].added).toEqual(expect.arrayContaining([expect.stringContaining("-d 131.107.155.12/32 -j DNAT --to-destination 10.45.16.12")]));
  expect(diff.actions).toEqual(expect.arrayContaining([expect.stringContaining("on hq-edge-03 (CERT-05)")]));
});

test("DNS load balancing -> hardware load balancing: the VIPs and the load balancer appear", async () => {
  const r = await cli(before, hlb, "--markdown");
  expect(r.code).toBe(2);
  expect(r.out).toContain("#### Load balancer VIPs");
  for (const vip of [
    "hq-vip-access | access 131.107.155.10",
    "hq-vip-webConferencing | webConferencing 131.107.155.20",
    "hq-vip-av | av 131.107.155.30",
    "hq-vip-internal | internal 172.25.33.10",
  ]) {
    expect(r.out).toContain(`| + | ${vip} |`);
  }
  expect(r.out).toMatch(/`\+ azurerm_lb\./);
  expect(r.out).toMatch(/`\+ azurerm_lb_rule\./);
});

test("a git revision as one side (<rev>:<path>)", async () => {
  const repo = join(dir, "repo");
  execFileSync("git", ["init", "-q", repo]);
  writeFileSync(join(repo, "s.yaml"), scenario3);
  execFileSync("git", ["-C", repo, "add", "s.yaml"]);
  execFileSync("git", ["-C", repo, "-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-qm", "base"]);
  writeFileSync(join(repo, "s.yaml"), scenario3.replace("servers: 2", "servers: 3"));
  const cwd = process.cwd();
  process.chdir(repo);
  try {
    const r = await cli("HEAD:s.yaml", "s.yaml", "--no-terraform");
    expect(r.code).toBe(2);
    expect(r.out).toContain("+ hq-edge-03");
    const missing = await cli("HEAD:nope.yaml", "s.yaml", "--no-terraform");
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/cannot read it from git/);
  } finally {
    process.chdir(cwd);
  }
});
