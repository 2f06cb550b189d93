/** Web publishing probes: every bridge of every publishing rule, through the reverse proxy's public listener. */
import type { Plan } from "../plan";
import type { WebProbe } from "./types";

export function webProbes(plan: Plan): WebProbe[] {
  return plan.publishingRules.flatMap((pub) => {
    const rp = plan.servers.find((s) => s.site === pub.site && s.role === "reverse-proxy");
    const listener = rp?.interfaces.find((i) => i.side === "external")?.addresses[0];
    if (!listener) return [];
    const address = listener.publicIp ?? listener.natPublic ?? listener.ip;
    const certificate = plan.certificates.find((c) => c.installedOn.includes(rp!.id) && (c.subject === pub.publicName || c.sans.includes(pub.publicName)));
    return pub.bridges.map((b): WebProbe => ({
      kind: "web",
      id: `${pub.site}/publish/${pub.publicName}/${b.scheme}-${b.listen}`,
      site: pub.site,
      from: { kind: "internet" },
      scheme: b.scheme,
      address,
      port: b.listen,
      host: pub.publicName,
      targetPort: b.target,
      ...(b.scheme === "https" && certificate ? { certificate } : {}),
      what: `${b.scheme}://${pub.publicName}:${b.listen} via ${address} reaches ${pub.target.fqdn}:${b.target} with the Host header kept`,
      refs: [...pub.refs],
    }));
  });
}
