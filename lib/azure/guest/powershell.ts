/**
 * Guest configuration of a Windows lab server, generated from its plan entry as readable PowerShell.
 *
 * Azure's DHCP gives each NIC only its primary address, and a default gateway only to the primary NIC. Lync needs
 * every address configured statically inside Windows (secondary ip configurations are invisible otherwise), a
 * default gateway on the external interface only, persistent routes to the internal networks on the internal
 * interface, a primary DNS suffix, and HOSTS entries for the next hop (NET-02, NET-03, NET-05, NET-06).
 *
 * The script finds each adapter by the primary address Azure's DHCP assigned to it (NIC order inside Windows is not
 * guaranteed), renames it ("External" / "Internal"), then makes the configuration static. It is idempotent: a second
 * run changes nothing. It is delivered as custom_data and run once by the Custom Script Extension.
 */
import type { PlanServer } from "../../model/plan";

export interface WindowsGuestOptions {
  /** Primary DNS suffix (the plan's internal domain). */
  readonly dnsSuffix: string;
  /** DNS servers for the external (primary) interface. @default ["168.63.129.16"] (Azure DNS) */
  readonly dnsServers?: readonly string[];
}

const psString = (s: string) => `'${s.replace(/'/g, "''")}'`;

function prefixLength(cidr: string): number {
  return Number(cidr.split("/")[1]);
}

/** The PowerShell script that configures `server`'s interfaces, routes, DNS suffix and HOSTS file. */
export function windowsGuestScript(server: PlanServer, options: WindowsGuestOptions): string {
  const dns = options.dnsServers ?? ["168.63.129.16"];
  const lines: string[] = [
    `# edge-lab guest configuration for ${server.name} (${server.fqdn}), plan server ${server.id}.`,
    "# Generated from the logical plan; do not edit by hand. Safe to run more than once.",
    "$ErrorActionPreference = 'Stop'",
    "Start-Transcript -Path 'C:\\AzureData\\edge-lab-guest.log' -Append | Out-Null",
    "",
    "function Find-Adapter([string]$Address) {",
    "  $ip = Get-NetIPAddress -AddressFamily IPv4 -IPAddress $Address -ErrorAction SilentlyContinue | Select-Object -First 1",
    '  if (-not $ip) { throw "no network adapter holds $Address (is the NIC attached?)" }',
    "  return Get-NetAdapter -InterfaceIndex $ip.InterfaceIndex",
    "}",
    "",
    "function Set-StaticAddresses([string]$Alias, [object[]]$Addresses, [string]$Gateway) {",
    "  Set-NetIPInterface -InterfaceAlias $Alias -Dhcp Disabled",
    "  foreach ($a in $Addresses) {",
    "    if (-not (Get-NetIPAddress -InterfaceAlias $Alias -IPAddress $a.Ip -ErrorAction SilentlyContinue)) {",
    "      New-NetIPAddress -InterfaceAlias $Alias -IPAddress $a.Ip -PrefixLength $a.Prefix -SkipAsSource (-not $a.Primary) | Out-Null",
    "    } else {",
    "      Set-NetIPAddress -InterfaceAlias $Alias -IPAddress $a.Ip -PrefixLength $a.Prefix -SkipAsSource (-not $a.Primary)",
    "    }",
    "  }",
    "  Get-NetRoute -InterfaceAlias $Alias -DestinationPrefix '0.0.0.0/0' -ErrorAction SilentlyContinue | Remove-NetRoute -Confirm:$false",
    "  if ($Gateway) { New-NetRoute -InterfaceAlias $Alias -DestinationPrefix '0.0.0.0/0' -NextHop $Gateway | Out-Null }",
    "}",
    "",
    "# A persistent route (NET-03) must work now and after every reboot: Windows keeps routes in two stores, the active",
    "# one (used now, lost at reboot) and the persistent one (loaded at boot). Each is checked and filled on its own, so",
    "# a rerun, or a route that exists in only one store, ends with exactly one route in each.",
    "function Add-PersistentRoute([string]$Alias, [string]$Prefix, [string]$NextHop) {",
    "  foreach ($store in @('ActiveStore', 'PersistentStore')) {",
    "    if (-not (Get-NetRoute -InterfaceAlias $Alias -DestinationPrefix $Prefix -NextHop $NextHop -PolicyStore $store -ErrorAction SilentlyContinue)) {",
    "      New-NetRoute -InterfaceAlias $Alias -DestinationPrefix $Prefix -NextHop $NextHop -PolicyStore $store | Out-Null",
    "    }",
    "  }",
    "}",
    "",
  ];
  server.interfaces.forEach((nic, i) => {
    const alias = nic.side === "external" ? "External" : server.interfaces.length === 1 ? "Lab" : "Internal";
    const primary = nic.addresses.find((a) => a.primary) ?? nic.addresses[0];
    const prefix = prefixLength(nic.subnet);
    lines.push(`# Interface ${i + 1}: ${nic.side} side, subnet ${nic.subnet}, ${nic.gateway ? `default gateway ${nic.gateway}` : "no default gateway"}.`);
    lines.push(`$adapter = Find-Adapter ${psString(primary.ip)}`);
    lines.push(`if ($adapter.Name -ne ${psString(alias)}) { Rename-NetAdapter -Name $adapter.Name -NewName ${psString(alias)} }`);
    lines.push(`$addresses = @(`);
    nic.addresses.forEach((a, k) => {
      const comma = k < nic.addresses.length - 1 ? "," : "";
      lines.push(
        `  @{ Ip = ${psString(a.ip)}; Prefix = ${prefix}; Primary = $${a.primary ? "true" : "false"} }${comma}  # ${a.role}${a.fqdn ? ` ${a.fqdn}` : ""}${a.natPublic ? ` (public ${a.natPublic} via NAT)` : ""}`,
      );
    });
    lines.push(`)`);
    lines.push(`Set-StaticAddresses -Alias ${psString(alias)} -Addresses $addresses -Gateway ${nic.gateway ? psString(nic.gateway) : "$null"}`);
    if (nic.gateway) {
      lines.push(`Set-DnsClientServerAddress -InterfaceAlias ${psString(alias)} -ServerAddresses @(${dns.map(psString).join(", ")})`);
    } else {
      lines.push(`Set-DnsClientServerAddress -InterfaceAlias ${psString(alias)} -ResetServerAddresses`);
      lines.push(`Set-DnsClient -InterfaceAlias ${psString(alias)} -RegisterThisConnectionsAddress $false`);
    }
    for (const route of nic.routes) {
      lines.push(`Add-PersistentRoute -Alias ${psString(alias)} -Prefix ${psString(route.destination)} -NextHop ${psString(route.via)}`);
    }
    lines.push("");
  });
  lines.push("# Primary DNS suffix (the server is not domain joined) and suffix search list.");
  lines.push(`Set-ItemProperty -Path 'HKLM:\\SYSTEM\\CurrentControlSet\\Services\\Tcpip\\Parameters' -Name 'NV Domain' -Value ${psString(options.dnsSuffix)}`);
  lines.push(`Set-DnsClientGlobalSetting -SuffixSearchList @(${psString(options.dnsSuffix)})`);
  lines.push("");
  lines.push("# HOSTS entries (the next hop is resolved here rather than through internal DNS).");
  lines.push("$hostsFile = 'C:\\Windows\\System32\\drivers\\etc\\hosts'");
  lines.push("$hosts = @(");
  server.hosts.forEach((h, k) => lines.push(`  ${psString(`${h.ip} ${h.fqdn}`)}${k < server.hosts.length - 1 ? "," : ""}`));
  lines.push(")");
  lines.push("$current = Get-Content -Path $hostsFile");
  lines.push("foreach ($line in $hosts) { if ($current -notcontains $line) { Add-Content -Path $hostsFile -Value $line } }");
  lines.push("");
  lines.push("Stop-Transcript | Out-Null");
  return `${lines.join("\r\n")}\r\n`;
}

/**
 * The Custom Script Extension command: copies the script Azure placed from custom_data and runs it.
 * Azure writes custom_data to C:\AzureData\CustomData.bin on Windows.
 */
export const CUSTOM_DATA_COMMAND =
  'powershell.exe -NoProfile -ExecutionPolicy Bypass -Command "Copy-Item -Path C:\\AzureData\\CustomData.bin -Destination C:\\AzureData\\edge-lab-guest.ps1 -Force; & C:\\AzureData\\edge-lab-guest.ps1"';
