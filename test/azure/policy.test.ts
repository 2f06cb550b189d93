/** The policy pack runs on every synthesized lab: no unsuppressed error, and the expected findings carry reasons. */
import { NetworkSecurityGroup } from "@cdktf/provider-azurerm/lib/network-security-group";
import { NetworkSecurityRule } from "@cdktf/provider-azurerm/lib/network-security-rule";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, Aspects, TerraformStack, Testing } from "cdktf";
import { EdgeLabStack } from "../../lib/azure/stack";
import type { PolicyFinding } from "../../lib/policy/pack";
import { bundledPlan, bundledScenarioIds, planOf } from "../helpers";
import { INTERNET_SCENARIOS } from "./helpers";

function findings(stack: EdgeLabStack): PolicyFinding[] {
  Testing.synth(stack, true); // the pack checks while cdktf validates the stack
  return stack.policy.findings;
}

describe.each(bundledScenarioIds())("bundled scenario %s", (id) => {
  const stack = new EdgeLabStack(Testing.app(), id, { plan: bundledPlan(id) });
  const all = findings(stack);
  test("has no unsuppressed policy error", () => {
    expect(all.filter((f) => f.level === "error" && !f.suppressed).map((f) => f.message)).toEqual([]);
  });
  test("the firewall appliance's IP forwarding is the only suppressed finding, with its reason", () => {
    const suppressed = all.filter((f) => f.suppressed);
    expect(suppressed.length).toBeGreaterThan(0);
    for (const f of suppressed) {
      expect(f.rule).toBe("LAB-POL-08");
      expect(f.resource).toMatch(/firewall_nic-(outside|inside)/);
      expect(f.suppressed).toMatch(/external firewall appliance/);
    }
  });
});

describe.each(Object.keys(INTERNET_SCENARIOS))("internet-mode scenario %s", (id) => {
  const stack = new EdgeLabStack(Testing.app(), id, { plan: planOf(INTERNET_SCENARIOS[id]) });
  const all = findings(stack);
  test("no unsuppressed error; UDP from the Internet is suppressed with the A/V Edge reason", () => {
    expect(all.filter((f) => f.level === "error" && !f.suppressed).map((f) => f.message)).toEqual([]);
    const udp = all.filter((f) => f.rule === "LAB-POL-04");
    expect(udp.length).toBeGreaterThan(0);
    for (const f of udp) expect(f.suppressed).toMatch(/A\/V Edge must accept STUN\/TURN on UDP 3478/);
  });
});

test("lab.autoShutdown: false is an explicit, suppressed opt-out", () => {
  const stack = new EdgeLabStack(Testing.app(), "no-shutdown", { plan: planOf("id: no-shutdown\nsipDomains: [contoso.com]\n"), lab: { autoShutdown: false } });
  const shutdown = findings(stack).filter((f) => f.rule === "LAB-POL-10");
  expect(shutdown.length).toBeGreaterThan(0);
  for (const f of shutdown) expect(f.suppressed).toMatch(/opted out/);
});

/** A lab stack with an NSG rule added that opens RDP to the whole Internet. */
function labWithRdpOpen(id: string): EdgeLabStack {
  const stack = new EdgeLabStack(Testing.app(), id, { plan: planOf(`id: ${id}\nsipDomains: [contoso.com]\n`) });
  new NetworkSecurityRule(stack, "rdp-from-anywhere", {
    name: "rdp",
    resourceGroupName: "rg",
    networkSecurityGroupName: "nsg",
    priority: 300,
    direction: "Inbound",
    access: "Allow",
    protocol: "Tcp",
    sourcePortRange: "*",
    destinationPortRange: "3389",
    sourceAddressPrefix: "*",
    destinationAddressPrefix: "*",
  });
  return stack;
}

test("an RDP rule from the Internet added to a lab stack fails its synth with LAB-POL-01", () => {
  const stack = labWithRdpOpen("rdp");
  expect(() => Testing.fullSynth(stack)).toThrow(/LAB-POL-01/);
});

test("HCL output (cdktf synth --hcl) is checked too: an RDP rule from the Internet fails it with LAB-POL-01", () => {
  const stack = labWithRdpOpen("rdp-hcl");
  expect(() => Testing.synthHcl(stack, true)).toThrow(/LAB-POL-01/);
  expect(stack.policy.findings.filter((f) => f.rule === "LAB-POL-01" && !f.suppressed)).toHaveLength(1);
});

test("the pack checks the resources as written: an aspect added after it that opens RDP still fails the synth", () => {
  const stack = new EdgeLabStack(Testing.app(), "late-aspect", { plan: planOf("id: late-aspect\nsipDomains: [contoso.com]\n") });
  // Aspects run in tree order: this one changes an existing NSG (a child) after the pack has visited the stack.
  let opened = false;
  Aspects.of(stack).add({
    visit(node) {
      if (opened || !(node instanceof NetworkSecurityGroup)) return;
      opened = true;
      node.putSecurityRule([
        {
          name: "rdp",
          priority: 300,
          direction: "Inbound",
          access: "Allow",
          protocol: "Tcp",
          sourcePortRange: "*",
          destinationPortRange: "3389",
          sourceAddressPrefix: "Internet",
          destinationAddressPrefix: "*",
        },
      ]);
    },
  });
  expect(() => Testing.fullSynth(stack)).toThrow(/LAB-POL-01/);
  expect(opened).toBe(true);
});

test("the pack checks the document cdktf writes: the stack is resolved once for both; skipValidation skips the check", () => {
  const resolved = jest.spyOn(TerraformStack.prototype, "toTerraform");
  try {
    const app = new App({ outdir: mkdtempSync(join(tmpdir(), "edge-lab-policy-")), stackTraces: false });
    const stack = new EdgeLabStack(app, "once", { plan: planOf("id: once\nsipDomains: [contoso.com]\n") });
    app.synth();
    expect(resolved.mock.contexts.filter((c) => c === stack).length).toBe(1);
    expect(stack.policy.findings.filter((f) => f.suppressed).length).toBeGreaterThan(0);
    const unchecked = new App({ outdir: mkdtempSync(join(tmpdir(), "edge-lab-policy-")), stackTraces: false, skipValidation: true });
    const skipped = new EdgeLabStack(unchecked, "unchecked", { plan: planOf("id: unchecked\nsipDomains: [contoso.com]\n") });
    unchecked.synth();
    expect(skipped.policy.findings).toEqual([]);
  } finally {
    resolved.mockRestore();
  }
});
