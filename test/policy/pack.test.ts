/** Each policy rule has a failing and a passing fixture; suppressions need reasons; errors fail synth. */
import { DevTestGlobalVmShutdownSchedule } from "@cdktf/provider-azurerm/lib/dev-test-global-vm-shutdown-schedule";
import { Lb } from "@cdktf/provider-azurerm/lib/lb";
import { NetworkInterface } from "@cdktf/provider-azurerm/lib/network-interface";
import { NetworkSecurityGroup } from "@cdktf/provider-azurerm/lib/network-security-group";
import { NetworkSecurityRule } from "@cdktf/provider-azurerm/lib/network-security-rule";
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { PublicIp } from "@cdktf/provider-azurerm/lib/public-ip";
import { Subnet } from "@cdktf/provider-azurerm/lib/subnet";
import { SubnetNetworkSecurityGroupAssociation } from "@cdktf/provider-azurerm/lib/subnet-network-security-group-association";
import { WindowsVirtualMachine } from "@cdktf/provider-azurerm/lib/windows-virtual-machine";
import { App, Aspects, TerraformStack, TerraformVariable, Testing } from "cdktf";
import { LabPolicyPack, POLICY_RULES, suppressPolicy } from "../../lib/policy/pack";

const RG = { location: "westeurope", resourceGroupName: "rg" };

function stackWith(build: (stack: TerraformStack) => void): { stack: TerraformStack; pack: LabPolicyPack } {
  const stack = new TerraformStack(Testing.app(), "policy");
  new AzurermProvider(stack, "azurerm", { features: [{}] });
  build(stack);
  const pack = new LabPolicyPack();
  Aspects.of(stack).add(pack);
  Testing.synth(stack, true); // the pack checks while cdktf validates the stack
  return { stack, pack };
}

const rulesFound = (pack: LabPolicyPack, id: string) => pack.findings.filter((f) => f.rule === id && !f.suppressed);

function nsgRule(stack: TerraformStack, id: string, props: { port: string; source?: string; protocol?: string; description?: string; direction?: string }) {
  return new NetworkSecurityRule(stack, id, {
    ...{ resourceGroupName: "rg", networkSecurityGroupName: "nsg" },
    name: id,
    priority: 100 + id.length,
    direction: props.direction ?? "Inbound",
    access: "Allow",
    protocol: props.protocol ?? "Tcp",
    sourcePortRange: "*",
    destinationPortRange: props.port,
    sourceAddressPrefix: props.source ?? "Internet",
    destinationAddressPrefix: "10.45.16.10",
    description: props.description ?? "Access Edge SIP/TLS (FW-03)",
  });
}

function vm(stack: TerraformStack, id: string, opts: { bootDiagnostics?: boolean; password?: string; customData?: string } = {}) {
  const password = opts.password ?? new TerraformVariable(stack, `${id}-pw`, { type: "string", sensitive: true }).stringValue;
  return new WindowsVirtualMachine(stack, id, {
    ...RG,
    name: id,
    size: "Standard_D4s_v5",
    adminUsername: "labadmin",
    adminPassword: password,
    networkInterfaceIds: ["nic-id"],
    osDisk: { caching: "ReadWrite", storageAccountType: "StandardSSD_LRS" },
    sourceImageReference: { publisher: "MicrosoftWindowsServer", offer: "WindowsServer", sku: "2019-Datacenter", version: "latest" },
    ...(opts.bootDiagnostics === false ? {} : { bootDiagnostics: {} }),
    ...(opts.customData ? { customData: opts.customData } : {}),
  });
}

function schedule(stack: TerraformStack, id: string, machine: WindowsVirtualMachine) {
  new DevTestGlobalVmShutdownSchedule(stack, id, {
    location: "westeurope",
    virtualMachineId: machine.id,
    enabled: true,
    dailyRecurrenceTime: "1900",
    timezone: "UTC",
    notificationSettings: { enabled: false },
  });
}

test("every rule has an id, a finding, an explanation and a level", () => {
  const ids = POLICY_RULES.map((r) => r.id);
  expect(new Set(ids).size).toBe(ids.length);
  for (const r of POLICY_RULES) {
    expect(r.id).toMatch(/^LAB-POL-\d{2}$/);
    expect(r.info.length).toBeGreaterThan(20);
    expect(r.explanation.length).toBeGreaterThan(40);
  }
});

describe("LAB-POL-01 management ports from the Internet", () => {
  test.each(["3389", "22", "5985", "5986", "3000-4000", "*"])("port %s from the Internet is an error", (port) => {
    const { pack } = stackWith((s) => nsgRule(s, "rdp", { port }));
    expect(rulesFound(pack, "LAB-POL-01").length).toBeGreaterThan(0);
  });
  test.each(["*", "0.0.0.0", "0.0.0.0/0", "::/0", "Internet", "Any"])("source %s counts as the Internet", (source) => {
    const { pack } = stackWith((s) => nsgRule(s, "rdp", { port: "3389", source }));
    expect(rulesFound(pack, "LAB-POL-01")).toHaveLength(1);
  });
  test("RDP from the admin range and SIP from the Internet pass", () => {
    const { pack } = stackWith((s) => {
      nsgRule(s, "rdp", { port: "3389", source: "203.0.113.0/24" });
      nsgRule(s, "sip", { port: "443" });
    });
    expect(rulesFound(pack, "LAB-POL-01")).toEqual([]);
  });
  test("inline security_rule blocks are checked too", () => {
    const { pack } = stackWith(
      (s) =>
        new NetworkSecurityGroup(s, "nsg", {
          ...RG,
          name: "nsg",
          securityRule: [
            {
              name: "ssh",
              priority: 100,
              direction: "Inbound",
              access: "Allow",
              protocol: "Tcp",
              sourcePortRange: "*",
              destinationPortRange: "22",
              sourceAddressPrefix: "*",
              destinationAddressPrefix: "*",
              description: "x",
            },
          ],
        }),
    );
    expect(rulesFound(pack, "LAB-POL-01")).toHaveLength(1);
  });
});

describe("LAB-POL-02 inbound allow-all", () => {
  test("protocol * and port * from the Internet is an error; a single port is not", () => {
    expect(rulesFound(stackWith((s) => nsgRule(s, "all", { port: "*", protocol: "*" })).pack, "LAB-POL-02")).toHaveLength(1);
    expect(rulesFound(stackWith((s) => nsgRule(s, "one", { port: "443", protocol: "*" })).pack, "LAB-POL-02")).toEqual([]);
  });
});

describe("LAB-POL-03 traceability", () => {
  test("an Internet allow rule without a reference id is an error; with one it passes", () => {
    expect(rulesFound(stackWith((s) => nsgRule(s, "web", { port: "8443", description: "custom web" })).pack, "LAB-POL-03")).toHaveLength(1);
    expect(rulesFound(stackWith((s) => nsgRule(s, "web", { port: "443", description: "reverse proxy HTTPS (RP-02)" })).pack, "LAB-POL-03")).toEqual([]);
  });
});

describe("LAB-POL-04 UDP from the Internet, and suppressions", () => {
  test("UDP 3478 from the Internet is a warning unless suppressed with a reason", () => {
    const plain = stackWith((s) => nsgRule(s, "stun", { port: "3478", protocol: "Udp" }));
    expect(rulesFound(plain.pack, "LAB-POL-04")).toHaveLength(1);
    expect(plain.pack.findings.find((f) => f.rule === "LAB-POL-04")!.level).toBe("warning");
    const suppressed = stackWith((s) =>
      suppressPolicy(nsgRule(s, "stun", { port: "3478", protocol: "Udp" }), [{ id: "LAB-POL-04", reason: "A/V Edge STUN/TURN over UDP 3478 (FW-03)" }]),
    );
    expect(rulesFound(suppressed.pack, "LAB-POL-04")).toEqual([]);
    expect(suppressed.pack.findings.find((f) => f.rule === "LAB-POL-04")!.suppressed).toMatch(/A\/V Edge/);
    const annotations = suppressed.stack.node
      .findAll()
      .flatMap((c) => c.node.metadata)
      .filter((m) => m.type === "@cdktf/info");
    expect(annotations.map((a) => a.data)).toEqual([expect.stringContaining("Suppressed: A/V Edge STUN/TURN")]);
  });
  test("a suppression without a reason or for an unknown rule is refused", () => {
    const stack = new TerraformStack(new App(), "s");
    expect(() => suppressPolicy(stack, [{ id: "LAB-POL-04", reason: "ok" }])).toThrow(/written reason/);
    expect(() => suppressPolicy(stack, [{ id: "LAB-POL-99", reason: "a long enough reason" }])).toThrow(/unknown policy rule/);
  });
  test("TCP from the Internet is not a UDP finding", () => {
    expect(rulesFound(stackWith((s) => nsgRule(s, "sip", { port: "5061" })).pack, "LAB-POL-04")).toEqual([]);
  });
});

describe("LAB-POL-05 Standard SKU", () => {
  test("Basic or dynamic public IPs and Basic load balancers fail; Standard static passes", () => {
    const bad = stackWith((s) => {
      new PublicIp(s, "pip", { ...RG, name: "pip", sku: "Basic", allocationMethod: "Dynamic" });
      new Lb(s, "lb", { ...RG, name: "lb", sku: "Basic" });
    });
    expect(rulesFound(bad.pack, "LAB-POL-05").map((f) => f.resource)).toEqual(["azurerm_public_ip.pip", "azurerm_public_ip.pip", "azurerm_lb.lb"]);
    const good = stackWith((s) => {
      new PublicIp(s, "pip", { ...RG, name: "pip", sku: "Standard", allocationMethod: "Static" });
      new Lb(s, "lb", { ...RG, name: "lb", sku: "Standard" });
    });
    expect(rulesFound(good.pack, "LAB-POL-05")).toEqual([]);
  });
});

describe("LAB-POL-06 boot diagnostics and LAB-POL-10 auto-shutdown", () => {
  test("a VM without boot diagnostics or shutdown schedule fails", () => {
    const { pack } = stackWith((s) => vm(s, "edge1", { bootDiagnostics: false }));
    expect(rulesFound(pack, "LAB-POL-06")).toHaveLength(1);
    expect(rulesFound(pack, "LAB-POL-10")).toHaveLength(1);
  });
  test("a VM with both passes", () => {
    const { pack } = stackWith((s) => schedule(s, "edge1-shutdown", vm(s, "edge1")));
    expect(rulesFound(pack, "LAB-POL-06")).toEqual([]);
    expect(rulesFound(pack, "LAB-POL-10")).toEqual([]);
  });
});

describe("LAB-POL-07 NSG on every subnet with NICs", () => {
  function network(s: TerraformStack, associate: boolean) {
    const subnet = new Subnet(s, "perimeter", { name: "perimeter", resourceGroupName: "rg", virtualNetworkName: "vnet", addressPrefixes: ["10.45.16.0/24"] });
    new NetworkInterface(s, "nic", {
      ...RG,
      name: "nic",
      ipConfiguration: [{ name: "access", subnetId: subnet.id, privateIpAddressAllocation: "Static", privateIpAddress: "10.45.16.10" }],
    });
    if (associate) {
      const nsg = new NetworkSecurityGroup(s, "nsg", { ...RG, name: "nsg" });
      new SubnetNetworkSecurityGroupAssociation(s, "assoc", { subnetId: subnet.id, networkSecurityGroupId: nsg.id });
    }
  }
  test("fails without an association, passes with one", () => {
    expect(rulesFound(stackWith((s) => network(s, false)).pack, "LAB-POL-07")).toHaveLength(1);
    expect(rulesFound(stackWith((s) => network(s, true)).pack, "LAB-POL-07")).toEqual([]);
  });
});

describe("LAB-POL-08 IP forwarding", () => {
  const nic = (s: TerraformStack, forwarding: boolean) =>
    new NetworkInterface(s, "nic", {
      ...RG,
      name: "nic",
      ipForwardingEnabled: forwarding,
      ipConfiguration: [{ name: "a", subnetId: "x", privateIpAddressAllocation: "Dynamic" }],
    });
  test("forwarding is an error unless suppressed for the firewall appliance", () => {
    expect(rulesFound(stackWith((s) => nic(s, true)).pack, "LAB-POL-08")).toHaveLength(1);
    expect(rulesFound(stackWith((s) => nic(s, false)).pack, "LAB-POL-08")).toEqual([]);
    const appliance = stackWith((s) =>
      suppressPolicy(nic(s, true), [{ id: "LAB-POL-08", reason: "closed-lab external firewall appliance (routing and 1:1 NAT)" }]),
    );
    expect(rulesFound(appliance.pack, "LAB-POL-08")).toEqual([]);
  });
});

describe("LAB-POL-09 no secret literals", () => {
  test("a literal admin password fails; a sensitive variable passes", () => {
    expect(rulesFound(stackWith((s) => schedule(s, "sd", vm(s, "edge1", { password: "Sup3rSecret!" }))).pack, "LAB-POL-09")).toHaveLength(1);
    expect(rulesFound(stackWith((s) => schedule(s, "sd", vm(s, "edge1"))).pack, "LAB-POL-09")).toEqual([]);
  });
  test("a password inside base64 custom data fails; an innocent script passes", () => {
    const bad = Buffer.from("#cloud-config\nchpasswd:\n  list: |\n    admin:password: hunter22\n").toString("base64");
    const good = Buffer.from("#cloud-config\npackages: [nginx]\n").toString("base64");
    expect(rulesFound(stackWith((s) => vm(s, "rp", { customData: bad })).pack, "LAB-POL-09")).toHaveLength(1);
    expect(rulesFound(stackWith((s) => vm(s, "rp", { customData: good })).pack, "LAB-POL-09")).toEqual([]);
  });
});

describe("errors fail synth, warnings do not", () => {
  test("an error annotation makes the full synth throw with the rule id", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    new AzurermProvider(stack, "azurerm", { features: [{}] });
    nsgRule(stack, "rdp", { port: "3389" });
    Aspects.of(stack).add(new LabPolicyPack());
    expect(() => Testing.fullSynth(stack)).toThrow(/LAB-POL-01/);
  });
  test("a warning alone synthesizes", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    new AzurermProvider(stack, "azurerm", { features: [{}] });
    nsgRule(stack, "stun", { port: "3478", protocol: "Udp" });
    Aspects.of(stack).add(new LabPolicyPack());
    expect(() => Testing.fullSynth(stack)).not.toThrow();
  });
});
