/**
 * Persistent static routes for a multi-NIC Linux lab VM. Azure's DHCP gives only the primary NIC a default gateway;
 * a secondary NIC needs explicit routes. The interface is found by the address Azure assigned to it (names such as
 * eth1 are not guaranteed), and a systemd unit re-applies the routes at every boot.
 */
import { oneshotUnit } from "../../lab/guest/systemd";
export interface LinuxRoute {
  readonly destination: string;
  readonly via: string;
  /** The address of the NIC the route leaves through. */
  readonly nicAddress: string;
}

export const ROUTES_SCRIPT = "/usr/local/sbin/edge-lab-routes.sh";

/** Shell script that installs the routes. */
export function routesScript(routes: readonly LinuxRoute[]): string {
  const lines = [
    "#!/bin/sh",
    "# edge-lab static routes (generated from the plan); re-run at boot by edge-lab-routes.service.",
    "set -eu",
    'nic_of() { ip -o -4 addr show | awk -v ip="$1" \'{ split($4, a, "/"); if (a[1] == ip) print $2 }\'; }',
  ];
  for (const r of routes) lines.push(`ip route replace ${r.destination} via ${r.via} dev "$(nic_of ${r.nicAddress})"`);
  return `${lines.join("\n")}\n`;
}

export const ROUTES_UNIT = oneshotUnit({
  description: "edge-lab static routes",
  ordering: "After=network-online.target\nWants=network-online.target",
  execStart: ROUTES_SCRIPT,
});
