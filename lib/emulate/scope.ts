/**
 * What the emulation does not build yet: a stand-in for a named service on the Internet that firewall rows list by
 * its prefixes (Microsoft 365 for a hybrid deployment). Its probes are reported as "not emulated", neither passed nor
 * failed, so that the summary never counts them as proven.
 */
import type { Probe } from "../render/probes";

/** Why a probe is not run, or undefined when the emulation runs it. */
export function notEmulated(p: Probe): string | undefined {
  if (p.from.kind === "remote" || (p.kind === "port" && p.remote)) return "not emulated: no Microsoft 365 stand-in yet (hybrid rows)";
  return undefined;
}
