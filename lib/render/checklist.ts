/**
 * The post-deploy connectivity checklist, from the plan: for every DNS record the expected answer in its view, and
 * for every inbound firewall row a probe from the side that opens the connection (PowerShell Test-NetConnection for
 * TCP, a STUN Binding request for UDP 3478 as Test-EdgeConnectivity does; other UDP and port ranges become notes), and
 * the TLS certificate check of every TLS listener. Rendered as a Markdown checklist or a runnable PowerShell script.
 * The checks are a view of the one probe list (lib/model/probes) that `edge-lab emulate` runs with packets.
 */
import type { DnsRecord, FirewallRule, Plan, PlanCmdlet, PlanServer } from "../model/plan";
import { callText, psLiteral } from "./cmdlets";
import { markdownText, powerShellCommentText } from "../lab/escape";
import { buildProbes, type DnsProbe, type PortProbe, type Probe, type ProbeFrom, type TlsProbe } from "../model/probes";

/** Where a check runs: a test client on one side, or a lab server (rows whose source is that server). */
export interface Origin {
  /** Value of the script's -From parameter. */
  readonly id: string;
  readonly title: string;
}

export const EXTERNAL_CLIENT: Origin = { id: "external-client", title: "the external test client (Internet side)" };
export const INTERNAL_CLIENT: Origin = { id: "internal-client", title: "an internal client (internal network)" };
export const MANAGEMENT_SHELL: Origin = { id: "management-shell", title: "the Skype for Business Server Management Shell (a Front End Server)" };
/** Lync Server 2013 names its shell the Lync Server Management Shell. */
const managementShellOf = (plan: Plan): Origin =>
  plan.scenario.product === "lync2013" ? { ...MANAGEMENT_SHELL, title: "the Lync Server Management Shell (a Front End Server)" } : MANAGEMENT_SHELL;
export const TENANT_SHELL: Origin = { id: "teams-powershell", title: "the Microsoft Teams PowerShell module (tenant administrator)" };

/** A configuration read-back: run the plan cmdlet's Get- call and compare properties (no packet can prove these). */
export interface SettingCheck {
  readonly origin: Origin;
  readonly cmdlet: PlanCmdlet;
}

export interface DnsCheck {
  readonly origin: Origin;
  readonly record: DnsRecord;
  /** Expected answers: A addresses, "priority weight port target" for SRV, the CNAME target. */
  readonly expected: readonly string[];
}

export interface PortCheck {
  readonly origin: Origin;
  readonly rule: FirewallRule;
  readonly address: string;
  /** TCP single port: probed with Test-NetConnection; otherwise a note saying why not and what to do instead. */
  readonly probe:
    { readonly kind: "tcp"; readonly port: number } | { readonly kind: "stun"; readonly port: number } | { readonly kind: "note"; readonly reason: string };
}

/** A certificate check: the TLS handshake with SNI, the certificate's names against the plan's certificate table. */
export interface TlsCheck {
  readonly origin: Origin;
  readonly probe: TlsProbe;
}

export interface Checklist {
  readonly origins: readonly Origin[];
  readonly dns: readonly DnsCheck[];
  readonly ports: readonly PortCheck[];
  readonly tls: readonly TlsCheck[];
  readonly settings: readonly SettingCheck[];
}

const serverOrigin = (s: PlanServer): Origin => ({ id: s.id, title: `${s.fqdn} (${s.id})` });

/** The checklist origin of a probe's starting point. */
function originOf(plan: Plan, from: ProbeFrom): Origin {
  if (from.kind === "internet") return EXTERNAL_CLIENT;
  // Rows a remote service opens (Microsoft 365) cannot start from a test machine: listed with the inside checks.
  if (from.kind === "internal" || from.kind === "remote") return INTERNAL_CLIENT;
  return serverOrigin(plan.servers.find((s) => s.id === from.server)!);
}

function noteReason(rule: FirewallRule): string | undefined {
  if (rule.transport === "UDP") {
    return "UDP cannot be probed with Test-NetConnection (TCP only); verify with a call (A/V) or a packet capture on the target, or check the firewall/NSG rule";
  }
  if (!rule.ports.isSingle) {
    return "port range used for media only during a call (no listener otherwise): verify with an audio/video call or check the firewall/NSG rule";
  }
  return undefined;
}

/**
 * The checklist view of the probe list (lib/model/probes): DNS probes, and the inbound port probes a person can
 * run (TCP with Test-NetConnection, UDP 3478 with a STUN Binding request; other UDP and ranges as notes), and the
 * certificate checks. Outbound, TURN relay, publishing and blocked probes need a far end: `edge-lab emulate` runs them.
 */
export function buildChecklist(plan: Plan, probes: readonly Probe[] = buildProbes(plan)): Checklist {
  const dns: DnsCheck[] = probes
    .filter((p): p is DnsProbe => p.kind === "dns")
    .map((p) => ({ origin: originOf(plan, p.from), record: p.record, expected: p.record.values }));
  const ports: PortCheck[] = probes
    .filter((p): p is PortProbe => p.kind === "port" && p.rule.direction === "inbound")
    .map((p) => {
      const reason = noteReason(p.rule);
      const probe: PortCheck["probe"] = p.stun ? { kind: "stun", port: p.port } : reason ? { kind: "note", reason } : { kind: "tcp", port: p.port };
      return { origin: originOf(plan, p.from), rule: p.rule, address: p.address, probe };
    });
  const tls: TlsCheck[] = probes.filter((p): p is TlsProbe => p.kind === "tls").map((p) => ({ origin: originOf(plan, p.from), probe: p }));
  const settings: SettingCheck[] = plan.cmdlets
    .filter((c) => c.verify)
    .map((cmdlet) => ({ origin: cmdlet.shell === "tenant" ? TENANT_SHELL : managementShellOf(plan), cmdlet }));
  const seen = new Map<string, Origin>();
  for (const o of [EXTERNAL_CLIENT, INTERNAL_CLIENT, ...dns.map((d) => d.origin), ...ports.map((p) => p.origin), ...settings.map((x) => x.origin)])
    if (!seen.has(o.id)) seen.set(o.id, o);
  return { origins: [...seen.values()], dns, ports, tls, settings };
}

// ---- Markdown -------------------------------------------------------------------------------------------------

const psQuote = (s: string) => `'${s.replace(/'/g, "''")}'`;

export function resolveCommand(r: DnsRecord): string {
  return `Resolve-DnsName -Name ${r.name} -Type ${r.type} -DnsOnly`;
}

export function probeCommand(address: string, port: number): string {
  return `Test-NetConnection -ComputerName ${address} -Port ${port}`;
}

export function tlsCommand(address: string, port: number, serverName: string): string {
  return `openssl s_client -connect ${address}:${port} -servername ${serverName} </dev/null | openssl x509 -noout -subject -ext subjectAltName`;
}

const ruleWhat = (r: FirewallRule) => `${r.service === r.protocol ? "" : `${r.service} `}${r.protocol} ${r.ports}`;

export function checklistMarkdown(plan: Plan): string {
  const c = buildChecklist(plan);
  const s = plan.scenario;
  const out: string[] = [];
  out.push(`# Connectivity checklist: ${markdownText(s.title)}`, "");
  out.push(
    `Scenario \`${s.id}\`, lab mode ${s.labMode}. Run after \`cdktf deploy\` and the Lync/Skype for Business setup: ` +
      "the expected DNS answers in each view, then a TCP probe of every inbound firewall row from the side that opens the connection. " +
      "`edge-lab checklist --format ps1` writes the same checks as a PowerShell script (`-From <origin>`).",
    "",
  );
  if (plan.dnsRecords.some((r) => r.assignedAtDeploy)) {
    out.push("Values marked *assigned at deploy* are planned public addresses: Azure assigns the real ones; compare with the deployment outputs.", "");
  }
  for (const origin of c.origins) {
    const dns = c.dns.filter((d) => d.origin.id === origin.id);
    const ports = c.ports.filter((p) => p.origin.id === origin.id);
    const settings = c.settings.filter((x) => x.origin.id === origin.id);
    if (!dns.length && !ports.length && !settings.length) continue;
    out.push(`## From ${origin.title} (\`-From ${origin.id}\`)`, "");
    if (settings.length) {
      out.push("### Federation and hybrid settings", "");
      for (const { cmdlet } of settings) {
        const expect = cmdlet.verify!.expect.map((e) => `${e.property} = ${String(e.value)}`).join(", ");
        out.push(`- [ ] \`${callText(cmdlet.verify!.call)}\` shows ${expect} — ${cmdlet.purpose} (${cmdlet.refs.join(", ")})`);
      }
      out.push("");
    }
    if (dns.length) {
      out.push(
        `### DNS (${dns[0].record.view} view${origin.id !== EXTERNAL_CLIENT.id && origin.id !== INTERNAL_CLIENT.id ? ", resolved by the Edge itself" : ""})`,
        "",
      );
      for (const d of dns) {
        out.push(
          `- [ ] \`${resolveCommand(d.record)}\` returns ${d.expected.join(", ")}${d.record.assignedAtDeploy ? " *(assigned at deploy)*" : ""} — ${d.record.purpose} (${d.record.refs.join(", ")})`,
        );
      }
      out.push("");
    }
    if (ports.length) {
      out.push("### Ports", "");
      for (const p of ports) {
        if (p.probe.kind === "tcp") {
          out.push(
            `- [ ] \`${probeCommand(p.address, p.probe.port)}\` succeeds (TcpTestSucceeded: True) — ${ruleWhat(p.rule)}, ${p.rule.purpose} [${p.rule.id}]`,
          );
        } else if (p.probe.kind === "stun") {
          out.push(
            `- [ ] UDP STUN Binding request to ${p.address}:${p.probe.port} is answered (\`Test-StunUdp\` in the ps1 script, as Test-EdgeConnectivity does) — ${ruleWhat(p.rule)}, ${p.rule.purpose} [${p.rule.id}]`,
          );
        } else {
          out.push(`- [ ] Note: ${p.rule.ports} to ${p.address} — ${ruleWhat(p.rule)}: ${p.probe.reason} [${p.rule.id}]`);
        }
      }
      out.push("");
    }
    const tls = c.tls.filter((t) => t.origin.id === origin.id);
    if (tls.length) {
      out.push("### Certificates", "");
      for (const { probe: t } of tls) {
        const sans = t.certificate.sans.length ? `SANs in order ${t.certificate.sans.join(", ")}` : "no SAN";
        const forbidden = t.forbiddenNames.length ? `; not ${t.forbiddenNames.join(", ")}` : "";
        out.push(
          `- [ ] \`${tlsCommand(t.address, t.port, t.serverName)}\` presents subject ${t.certificate.subject}, ${sans}${forbidden} — ${t.certificate.component} [${t.rule.id}, ${t.certificate.id}]`,
        );
      }
      out.push("");
    }
  }
  return out.join("\n").replace(/\n+$/, "\n");
}

// ---- PowerShell -----------------------------------------------------------------------------------------------

/** Get-RealAddress: the real address of a planned public address (-PublicAddress), else the address itself. */
const PS_GET_REAL_ADDRESS: readonly string[] = [
  "function Get-RealAddress([string]$Address) {",
  "  if ($PublicAddress.ContainsKey($Address)) { return [string]$PublicAddress[$Address] }",
  "  return $Address",
  "}",
];

/** Write-Result: counts and prints one PASS or FAIL. */
const PS_WRITE_RESULT: readonly string[] = [
  "function Write-Result([bool]$Ok, [string]$What, [string]$Detail) {",
  '  if ($Ok) { $script:Passed++; Write-Host "PASS  $What" -ForegroundColor Green }',
  '  else { $script:Failed++; Write-Host "FAIL  $What $Detail" -ForegroundColor Red }',
  "}",
];

/** Test-DnsRecord: resolves a name and compares the answers with the expected values. */
const PS_TEST_DNS_RECORD: readonly string[] = [
  "function Test-DnsRecord([string]$Name, [string]$Type, [string[]]$Expected) {",
  "  $query = @{ Name = $Name; Type = $Type; DnsOnly = $true; ErrorAction = 'Stop' }",
  "  if ($DnsServer) { $query.Server = $DnsServer }",
  "  try { $answers = @(Resolve-DnsName @query | Where-Object { $_.Type -eq $Type }) } catch { $answers = @() }",
  "  switch ($Type) {",
  "    'A' { $actual = @($answers | ForEach-Object { $_.IPAddress }) }",
  "    'SRV' { $actual = @($answers | ForEach-Object { \"$($_.Priority) $($_.Weight) $($_.Port) $($_.NameTarget)\" }) }",
  "    'CNAME' { $actual = @($answers | ForEach-Object { $_.NameHost }) }",
  "  }",
  "  $want = (@($Expected | ForEach-Object { Get-RealAddress $_ }) | Sort-Object) -join ', '",
  "  $got = (@($actual) | Sort-Object) -join ', '",
  '  Write-Result ($want -eq $got) "DNS $Type $Name = $want" "(got: $got)"',
  "}",
];

/** Test-TcpPort: a TCP connection with Test-NetConnection. */
const PS_TEST_TCP_PORT: readonly string[] = [
  "function Test-TcpPort([string]$Address, [int]$Port, [string]$What) {",
  "  $target = Get-RealAddress $Address",
  "  $result = Test-NetConnection -ComputerName $target -Port $Port -WarningAction SilentlyContinue",
  "  Write-Result ([bool]$result.TcpTestSucceeded) \"TCP ${target}:$Port $What\" ''",
  "}",
];

/** Test-StunUdp: a STUN Binding request to a UDP port. */
const PS_TEST_STUN_UDP: readonly string[] = [
  "function Test-StunUdp([string]$Address, [int]$Port, [string]$What) {",
  "  # A STUN Binding request (RFC 5389); any answer means the UDP port is reachable (Test-EdgeConnectivity does the same).",
  "  $target = Get-RealAddress $Address",
  "  $udp = New-Object System.Net.Sockets.UdpClient",
  "  $udp.Client.ReceiveTimeout = 3000",
  "  try {",
  "    $id = New-Object byte[] 12",
  "    (New-Object System.Random).NextBytes($id)",
  "    $request = [byte[]](0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xA4, 0x42) + $id",
  "    [void]$udp.Send($request, $request.Length, $target, $Port)",
  "    $from = New-Object System.Net.IPEndPoint([System.Net.IPAddress]::Any, 0)",
  "    $ok = $udp.Receive([ref]$from).Length -ge 20",
  "  } catch { $ok = $false } finally { $udp.Close() }",
  "  Write-Result $ok \"UDP STUN ${target}:$Port $What\" ''",
  "}",
];

/** Test-TlsCertificate: a TLS handshake with SNI, the certificate's subject and SANs against the plan. */
const PS_TEST_TLS_CERTIFICATE: readonly string[] = [
  "function Test-TlsCertificate([string]$Address, [int]$Port, [string]$ServerName, [string]$Subject, [string[]]$Names, [string[]]$Forbidden) {",
  "  # The lab CA may not be trusted here: the handshake accepts any chain, the names are compared with the plan.",
  "  $target = Get-RealAddress $Address",
  "  try {",
  "    $tcp = New-Object System.Net.Sockets.TcpClient($target, $Port)",
  "    $ssl = New-Object System.Net.Security.SslStream($tcp.GetStream(), $false, { $true })",
  "    $ssl.AuthenticateAsClient($ServerName)",
  "    $cert = New-Object System.Security.Cryptography.X509Certificates.X509Certificate2($ssl.RemoteCertificate)",
  "    $ext = $cert.Extensions | Where-Object { $_.Oid.Value -eq '2.5.29.17' }",
  "    $text = if ($ext) { $ext.Format($false) } else { '' }",
  "    $found = @([regex]::Matches($text, 'DNS Name=([^,\\s]+)') | ForEach-Object { $_.Groups[1].Value })",
  "    $cn = $cert.GetNameInfo('SimpleName', $false)",
  "    $ok = ($cn -eq $Subject) -and (($found -join ',') -eq ($Names -join ',')) -and -not ($found | Where-Object { $Forbidden -contains $_ })",
  "    $detail = \"(subject $cn; SANs $($found -join ', '))\"",
  "    $ssl.Dispose()",
  "    $tcp.Dispose()",
  "  } catch { $ok = $false; $detail = $_.Exception.Message }",
  '  Write-Result $ok "TLS ${target}:$Port $ServerName" $detail',
  "}",
];

/** Test-Setting: a configuration read-back (a Get- cmdlet's properties against the plan). */
const PS_TEST_SETTING: readonly string[] = [
  "function Test-Setting([scriptblock]$Read, [string]$What, [hashtable]$Expected) {",
  "  try { $actual = & $Read | Select-Object -First 1 } catch { $actual = $null }",
  "  foreach ($property in ($Expected.Keys | Sort-Object)) {",
  "    $want = $Expected[$property]",
  "    $got = if ($actual) { $actual.$property } else { $null }",
  '    Write-Result ([string]$got -eq [string]$want) "$What $property = $want" "(got: $got)"',
  "  }",
  "}",
];

/** Write-Note: counts and prints a check that cannot be run from here. */
const PS_WRITE_NOTE: readonly string[] = [
  "function Write-Note([string]$Text) {",
  "  $script:Notes++",
  '  Write-Host "NOTE  $Text" -ForegroundColor Yellow',
  "}",
];

/** The PowerShell helper functions the checks call, in the script's order. */
const PS_HELPER_FUNCTIONS: readonly (readonly string[])[] = [
  PS_GET_REAL_ADDRESS,
  PS_WRITE_RESULT,
  PS_TEST_DNS_RECORD,
  PS_TEST_TCP_PORT,
  PS_TEST_STUN_UDP,
  PS_TEST_TLS_CERTIFICATE,
  PS_TEST_SETTING,
  PS_WRITE_NOTE,
];

/** The script's comment-based help, its parameters (-From lists the checklist's origins) and the result counters. */
function psScriptHeader(plan: Plan, c: Checklist): string[] {
  const s = plan.scenario;
  return [
    "<#",
    `.SYNOPSIS`,
    `  edge-lab connectivity checks for ${powerShellCommentText(s.title)} (${s.id}).`,
    ".DESCRIPTION",
    "  Generated from the scenario's plan by `edge-lab checklist --format ps1`. Run it after deploy on each machine",
    "  named by -From: it checks the DNS answers of that side's view and probes every inbound TCP port that side opens.",
    "  UDP 3478 is probed with a STUN Binding request; other UDP and media port ranges are printed as notes.",
    "  TLS listeners: the certificate's subject and SANs are compared with the plan's certificate table.",
    ".PARAMETER From",
    `  Where the script runs: ${powerShellCommentText(c.origins.map((o) => `${o.id} = ${o.title}`).join("; "))}.`,
    ".PARAMETER DnsServer",
    "  DNS server to ask (default: the machine's resolver).",
    ".PARAMETER PublicAddress",
    "  Planned public address -> real address, for addresses Azure assigns at deploy (internet lab mode).",
    "#>",
    "[CmdletBinding()]",
    "param(",
    `  [Parameter(Mandatory = $true)][ValidateSet(${c.origins.map((o) => psQuote(o.id)).join(", ")})][string]$From,`,
    "  [string]$DnsServer,",
    "  [hashtable]$PublicAddress = @{}",
    ")",
    "$script:Passed = 0",
    "$script:Failed = 0",
    "$script:Notes = 0",
  ];
}

/** Test-Setting calls: the plan cmdlets' read-backs (Get- call, expected properties). */
function psSettingChecks(settings: readonly SettingCheck[]): string[] {
  return settings.flatMap(({ cmdlet }) => {
    const expected = cmdlet
      .verify!.expect.map((e) => `${e.property} = ${typeof e.value === "boolean" ? (e.value ? "$true" : "$false") : psLiteral(e.value)}`)
      .join("; ");
    return [
      `  # ${cmdlet.id}: ${powerShellCommentText(cmdlet.purpose)} (${cmdlet.refs.join(", ")})`,
      `  Test-Setting -Read { ${callText(cmdlet.verify!.call)} } -What ${psQuote(cmdlet.id)} -Expected @{ ${expected} }`,
    ];
  });
}

/** Test-DnsRecord calls: one per record of the origin's view. */
function psDnsChecks(dns: readonly DnsCheck[]): string[] {
  return dns.flatMap((d) => [
    `  # ${d.record.view} view: ${d.record.purpose} (${d.record.refs.join(", ")})`,
    `  Test-DnsRecord -Name ${psQuote(d.record.name)} -Type ${d.record.type} -Expected @(${d.expected.map(psQuote).join(", ")})`,
  ]);
}

/** Port probes: Test-TcpPort, Test-StunUdp, or a Write-Note for what cannot be probed. */
function psPortChecks(ports: readonly PortCheck[]): string[] {
  return ports.map((p) => {
    if (p.probe.kind === "tcp")
      return `  Test-TcpPort -Address ${psQuote(p.address)} -Port ${p.probe.port} -What ${psQuote(`${ruleWhat(p.rule)} [${p.rule.id}]`)}`;
    if (p.probe.kind === "stun")
      return `  Test-StunUdp -Address ${psQuote(p.address)} -Port ${p.probe.port} -What ${psQuote(`${ruleWhat(p.rule)} [${p.rule.id}]`)}`;
    return `  Write-Note ${psQuote(`${p.rule.ports} to ${p.address} (${ruleWhat(p.rule)} [${p.rule.id}]): ${p.probe.reason}`)}`;
  });
}

/** Test-TlsCertificate calls: subject, SANs in order, and the names the certificate must not carry. */
function psTlsChecks(tls: readonly TlsCheck[]): string[] {
  const list = (names: readonly string[]) => `@(${names.map(psQuote).join(", ")})`;
  return tls.map(
    ({ probe: t }) =>
      `  Test-TlsCertificate -Address ${psQuote(t.address)} -Port ${t.port} -ServerName ${psQuote(t.serverName)} -Subject ${psQuote(t.certificate.subject)} -Names ${list(t.certificate.sans)} -Forbidden ${list(t.forbiddenNames)}`,
  );
}

/** The `if ($From -eq ...)` block of one origin (settings, DNS, ports, certificates), or nothing when it has no check. */
function psOriginBlock(c: Checklist, origin: Origin): string[] {
  const dns = c.dns.filter((d) => d.origin.id === origin.id);
  const ports = c.ports.filter((p) => p.origin.id === origin.id);
  const settings = c.settings.filter((x) => x.origin.id === origin.id);
  if (!dns.length && !ports.length && !settings.length) return [];
  return [
    "",
    `if ($From -eq ${psQuote(origin.id)}) {`,
    ...psSettingChecks(settings),
    ...psDnsChecks(dns),
    ...psPortChecks(ports),
    ...psTlsChecks(c.tls.filter((x) => x.origin.id === origin.id)),
    "}",
  ];
}

/** The PowerShell script: header, helper functions, one block per origin, then the totals and the exit code. */
export function checklistPowerShell(plan: Plan): string {
  const c = buildChecklist(plan);
  const out: string[] = [
    ...psScriptHeader(plan, c),
    ...PS_HELPER_FUNCTIONS.flatMap((f) => ["", ...f]),
    ...c.origins.flatMap((origin) => psOriginBlock(c, origin)),
    "",
    'Write-Host "$($script:Passed) passed, $($script:Failed) failed, $($script:Notes) notes"',
    "if ($script:Failed -gt 0) { exit 1 }",
    "exit 0",
  ];
  return out.join("\r\n") + "\r\n";
}
