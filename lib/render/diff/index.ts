/**
 * `edge-lab diff`: what a scenario change does, offline, before anything is deployed. Two levels:
 * (1) the plan (DNS records, firewall rows, certificates/SANs, addresses, VIPs, settings, configuration cmdlets) and
 * (2) the Terraform of the two synthesized stacks (resources added / removed / changed, with the changed attributes).
 */
import type { Plan } from "../../model/plan";
import { callText, shellName } from "../cmdlets";
import { diffKeyed, isEmpty, type FieldChange, type Json, type KeyedChange } from "./structural";

export interface PlanSectionChange {
  readonly section: string;
  readonly change: KeyedChange<unknown>;
}

export interface ScenarioDiff {
  readonly before: string;
  readonly after: string;
  readonly plan: readonly PlanSectionChange[];
  /** Follow-up actions a human must not miss (e.g. copy the pool certificate's key to a new server). */
  readonly actions: readonly string[];
  readonly terraform?: KeyedChange<unknown>;
  readonly changed: boolean;
}

/** Flattens a server to the facts a reader cares about: one line per address. */
function serverFacts(plan: Plan) {
  return plan.servers.map((s) => ({
    id: s.id,
    fqdn: s.fqdn,
    addresses: s.interfaces.flatMap((i) =>
      i.addresses.map((a) => `${i.side}${a.role === i.side ? "" : ` ${a.role}`} ${a.ip}${a.natPublic ? ` -> ${a.natPublic}` : ""}`),
    ),
    routes: s.interfaces.flatMap((i) => i.routes.map((r) => `${r.destination} via ${r.via}`)),
    gateways: s.interfaces.map((i) => `${i.side} ${i.gateway ?? "none"}`),
    hosts: s.hosts.map((h) => `${h.fqdn} ${h.ip}`),
  }));
}

export function diffPlans(before: Plan, after: Plan): { sections: PlanSectionChange[]; actions: string[] } {
  const sections: PlanSectionChange[] = [
    { section: "Scenario", change: diffKeyed([before.scenario], [after.scenario], () => before.scenario.id) },
    { section: "Servers and addresses", change: diffKeyed(serverFacts(before), serverFacts(after), (s) => s.id) },
    { section: "Load balancer VIPs", change: diffKeyed(before.vips, after.vips, (v) => v.id) },
    { section: "DNS records", change: diffKeyed(before.dnsRecords, after.dnsRecords, (r) => `${r.view} ${r.type} ${r.name}`) },
    { section: "Firewall rules", change: diffKeyed(before.firewallRules, after.firewallRules, (r) => r.id) },
    { section: "Certificates", change: diffKeyed(before.certificates, after.certificates, (c) => c.id) },
    { section: "Reverse proxy publishing", change: diffKeyed(before.publishingRules, after.publishingRules, (r) => `${r.site} ${r.publicName}`) },
    { section: "Topology settings", change: diffKeyed(before.topologySettings, after.topologySettings, (t) => `${t.site}: ${t.item}`) },
    { section: "Configuration cmdlets", change: diffKeyed(before.cmdlets, after.cmdlets, (c) => c.id) },
    { section: "Notes", change: diffKeyed(before.notes, after.notes, (n) => `${n.site ?? "-"}: ${n.message}`) },
  ];
  const actions: string[] = [];
  const certs = sections.find((s) => s.section === "Certificates")!.change as KeyedChange<Plan["certificates"][number]>;
  for (const { after: cert, before: old } of certs.changed) {
    const added = cert.installedOn.filter((id) => !old.installedOn.includes(id));
    if (added.length && cert.sharedKey) {
      actions.push(`Import the ${cert.component} certificate with its private key (exported from an existing member) on ${added.join(", ")} (CERT-05).`);
    }
    if (JSON.stringify(old.sans) !== JSON.stringify(cert.sans) || old.subject !== cert.subject) {
      actions.push(`Request a new ${cert.component} certificate: subject ${cert.subject}, SANs ${cert.sans.join(", ") || "(none)"}.`);
    }
  }
  for (const { item: cert } of certs.added)
    actions.push(`Request the new ${cert.component} certificate: subject ${cert.subject}${cert.sans.length ? `, SANs ${cert.sans.join(", ")}` : ""}.`);
  actions.push(...cmdletActions(before, after, sections.find((s) => s.section === "Configuration cmdlets")!.change as KeyedChange<Plan["cmdlets"][number]>));
  return { sections: sections.filter((s) => !isEmpty(s.change)), actions };
}

/**
 * The commands to run, in the plan's order (new or changed ones). Entering Teams Only, the DNS comes first: the
 * tenant switch to Teams Only fails while a record still points on-premises (cloud-consolidation-disabling-hybrid.md).
 */
function cmdletActions(before: Plan, after: Plan, change: KeyedChange<Plan["cmdlets"][number]>): string[] {
  const changed = new Set([...change.added.map((a) => a.key), ...change.changed.map((c) => c.key)]);
  const actions: string[] = [];
  if (after.hybrid?.phase === "teams-only" && before.hybrid?.phase !== "teams-only") {
    const domains = [...new Set(after.hybrid.cutoverRecords.map((r) => r.zone))];
    actions.push(
      `Change the DNS first: the Teams Only cutover records of ${domains.join(", ")} and the deletions above (the tenant switch to Teams Only fails while any record still points on-premises).`,
    );
  }
  for (const c of after.cmdlets.filter((x) => changed.has(x.id))) {
    actions.push(`${actions.length ? "Then run" : "Run"} in the ${shellName(after.scenario.product, c.shell)}: ${callText(c.call)}`);
  }
  return actions;
}

type TfJson = { resource?: Record<string, Record<string, Json>>; output?: Record<string, Json> };

/** Resources of a synthesized stack keyed "type.name" (cdktf metadata stripped). */
function resources(stack: TfJson): { key: string; value: Json }[] {
  const out: { key: string; value: Json }[] = [];
  for (const [type, byName] of Object.entries(stack.resource ?? {})) {
    for (const [name, value] of Object.entries(byName)) {
      const copy = { ...(value as Record<string, Json>) };
      delete copy["//"];
      out.push({ key: `${type}.${name}`, value: copy });
    }
  }
  return out;
}

export function diffTerraform(before: object, after: object): KeyedChange<unknown> {
  const change = diffKeyed(resources(before as TfJson), resources(after as TfJson), (r) => r.key);
  // Report the attribute paths below the resource value.
  return {
    added: change.added,
    removed: change.removed,
    changed: change.changed.map((c) => ({ ...c, fields: c.fields.map((f) => ({ ...f, path: f.path.replace(/^value\.?/, "") })) })),
  };
}

export function diffScenarios(
  before: { label: string; plan: Plan; terraform?: object },
  after: { label: string; plan: Plan; terraform?: object },
): ScenarioDiff {
  const { sections, actions } = diffPlans(before.plan, after.plan);
  const terraform = before.terraform && after.terraform ? diffTerraform(before.terraform, after.terraform) : undefined;
  return {
    before: before.label,
    after: after.label,
    plan: sections,
    actions,
    ...(terraform ? { terraform } : {}),
    changed: sections.length > 0 || (terraform !== undefined && !isEmpty(terraform)),
  };
}

export type { FieldChange, KeyedChange };
