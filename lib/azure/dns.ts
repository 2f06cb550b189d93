/**
 * Split-view DNS from the plan's `dnsRecords`.
 * - closed lab: Azure private DNS zones; the external view's zones are linked to the simulated Internet VNet, the
 *   internal view's zones to every site's lab VNet. The internal view holds the internal domain and pinpoint zones
 *   (one per name of a SIP domain, apex record "@"), never a copy of a public zone (docs/outputs.md, "DNS views"); each view
 *   lives in its own resource group.
 * - internet mode: Azure public DNS zones for the external view (delegate the domain to use them); their A records
 *   take their values from the public IP resources that stand for the plan's placeholder addresses
 *   (`assignedAtDeploy`). The internal view stays private.
 * Records with the same view, zone, name and type (several sites) are merged into one record set.
 */
import { Construct } from "constructs";
import { DnsARecord } from "@cdktf/provider-azurerm/lib/dns-a-record";
import { DnsCnameRecord } from "@cdktf/provider-azurerm/lib/dns-cname-record";
import { DnsSrvRecord } from "@cdktf/provider-azurerm/lib/dns-srv-record";
import { DnsZone } from "@cdktf/provider-azurerm/lib/dns-zone";
import { PrivateDnsARecord } from "@cdktf/provider-azurerm/lib/private-dns-a-record";
import { PrivateDnsCnameRecord } from "@cdktf/provider-azurerm/lib/private-dns-cname-record";
import { PrivateDnsSrvRecord } from "@cdktf/provider-azurerm/lib/private-dns-srv-record";
import { PrivateDnsZone } from "@cdktf/provider-azurerm/lib/private-dns-zone";
import { PrivateDnsZoneVirtualNetworkLink } from "@cdktf/provider-azurerm/lib/private-dns-zone-virtual-network-link";
import { ResourceGroup } from "@cdktf/provider-azurerm/lib/resource-group";
import type { DnsRecord, View } from "../model/plan";
import { checkPlacement, constructError, prefixedName, tagsOf, type LabResourceProps } from "./common";
import { cid } from "./names";
import type { LabPublicAddress } from "./servers";
import type { Plan } from "../model/plan";

/** Azure private DNS allows at most 20 records per record set. */
export const MAX_PRIVATE_RECORDS = 20;

export interface RecordSetSpec {
  readonly view: View;
  readonly zone: string;
  /** Relative name ("@" for the apex). */
  readonly name: string;
  readonly type: DnsRecord["type"];
  readonly ttl: number;
  readonly values: readonly string[];
  readonly srv: readonly { priority: number; weight: number; port: number; target: string }[];
}

/** Groups plan records into record sets (pure). Throws (DNS-01) for a record outside its zone. */
export function recordSets(records: readonly DnsRecord[]): RecordSetSpec[] {
  const sets = new Map<
    string,
    { view: View; zone: string; name: string; type: DnsRecord["type"]; ttl: number; values: string[]; srv: RecordSetSpec["srv"][number][] }
  >();
  for (const r of records) {
    const rel = r.name === r.zone ? "@" : r.name.endsWith(`.${r.zone}`) ? r.name.slice(0, -(r.zone.length + 1)) : undefined;
    if (rel === undefined) throw constructError("EdgeDnsZones", "DNS-01", `DNS record ${r.name} is not in zone ${r.zone}`);
    const key = `${r.view}|${r.zone}|${rel}|${r.type}`;
    const set = sets.get(key) ?? { view: r.view, zone: r.zone, name: rel, type: r.type, ttl: r.ttl, values: [], srv: [] };
    if (r.type === "SRV" && r.srv) {
      if (!set.srv.some((s) => s.target === r.srv!.target && s.port === r.srv!.port)) set.srv.push(r.srv);
    } else {
      for (const v of r.values) if (!set.values.includes(v)) set.values.push(v);
    }
    set.ttl = Math.min(set.ttl, r.ttl);
    sets.set(key, set);
  }
  return [...sets.values()];
}

/** A virtual network a private zone is linked to (so that its VMs resolve the zone). */
export interface LinkedNetwork {
  /** Short name, part of the link's name ("hq", "internet"). */
  readonly name: string;
  /** Azure resource id of the virtual network. */
  readonly virtualNetworkId: string;
}

export interface EdgeDnsZonesProps extends Omit<LabResourceProps, "resourceGroupName"> {
  /** The plan's DNS records (`plan.dnsRecords`): both views, every site. */
  readonly records: readonly DnsRecord[];
  /**
   * Serve the external view from public Azure DNS zones (delegate your domain to them); A records then point at the
   * public IPs standing for the plan's addresses (`publicAddresses`). Otherwise the external view is a private zone
   * linked to `externalNetworks` (the closed lab's simulated Internet).
   * @default false
   */
  readonly publicExternalView?: boolean;
  /** Networks that resolve the external view (private zones only). @default none */
  readonly externalNetworks?: readonly LinkedNetwork[];
  /** Networks that resolve the internal view: every lab VNet with servers and clients. */
  readonly internalNetworks: readonly LinkedNetwork[];
  /** Public IPs standing for plan addresses (`EdgePool.publicAddresses`, `EdgeLoadBalancer.publicAddresses`). @default none */
  readonly publicAddresses?: readonly LabPublicAddress[];
}

/** What `EdgeDnsZones.fromPlan` takes. */
export interface EdgeDnsZonesFromPlanProps extends Pick<LabResourceProps, "tags" | "namePrefix"> {
  /** The validated logical plan: its DNS records, both views, every site. */
  readonly plan: Plan;
  /** Azure region of the resource groups. @default the region of the plan's first site */
  readonly location?: string;
  /** Scenario id: tags and resource group names. @default the plan's id */
  readonly scenarioId?: string;
  /** Serve the external view from public Azure DNS zones (see `EdgeDnsZonesProps`). @default false */
  readonly publicExternalView?: boolean;
  /** Networks that resolve the external view (private zones only). @default none */
  readonly externalNetworks?: readonly LinkedNetwork[];
  /** Networks that resolve the internal view: every lab VNet with servers and clients. */
  readonly internalNetworks: readonly LinkedNetwork[];
  /** Public IPs standing for plan addresses (the constructs' `publicAddresses`). @default none */
  readonly publicAddresses?: readonly LabPublicAddress[];
}

/**
 * Split-view DNS from the plan's records: one resource group per view (both views may hold a zone of the same
 * name), private zones linked to the networks of their view, public zones for the external view when asked.
 */
export class EdgeDnsZones extends Construct {
  /** The split-view DNS of a whole plan (`plan.dnsRecords`), in the region of its first site by default. */
  static fromPlan(scope: Construct, id: string, props: EdgeDnsZonesFromPlanProps): EdgeDnsZones {
    const { plan, ...rest } = props;
    return new EdgeDnsZones(scope, id, {
      ...rest,
      location: props.location ?? plan.scenario.sites[0].region,
      scenarioId: props.scenarioId ?? plan.scenario.id,
      records: plan.dnsRecords,
    });
  }

  readonly recordSets: readonly RecordSetSpec[];
  /** The resource groups of the external and internal views. */
  readonly resourceGroups: Readonly<Record<View, ResourceGroup>>;

  constructor(scope: Construct, id: string, props: EdgeDnsZonesProps) {
    super(scope, id);
    checkPlacement(this, props);
    const internet = props.publicExternalView ?? false;
    const location = props.location;
    const tags = () => tagsOf(props);
    const publicIps = new Map<string, LabPublicAddress>();
    for (const a of props.publicAddresses ?? []) publicIps.set(a.planAddress, a);
    const rg = (view: View) =>
      new ResourceGroup(this, `rg-${view}`, {
        name: prefixedName(props, "resourceGroup", "rg", props.scenarioId, "dns", view),
        location,
        tags: tags(),
      });
    const groups = { external: rg("external"), internal: rg("internal") };
    this.resourceGroups = groups;
    // One reference per group, shared by all its zones and records (each `.name` read makes a new token to resolve).
    const groupNames = { external: groups.external.name, internal: groups.internal.name };
    this.recordSets = recordSets(props.records);
    const zones = new Map<string, { name: string; private: boolean }>();
    for (const s of this.recordSets) {
      const key = `${s.view}|${s.zone}`;
      if (zones.has(key)) continue;
      const isPublic = internet && s.view === "external";
      const zoneId = cid("zone", s.view, s.zone);
      const rgName = groupNames[s.view];
      if (isPublic) {
        const z = new DnsZone(this, zoneId, { name: s.zone, resourceGroupName: rgName, tags: tags() });
        zones.set(key, { name: z.name, private: false });
      } else {
        const z = new PrivateDnsZone(this, zoneId, { name: s.zone, resourceGroupName: rgName, tags: tags() });
        zones.set(key, { name: z.name, private: true });
        const vnets = s.view === "external" ? (props.externalNetworks ?? []) : props.internalNetworks;
        for (const v of vnets) {
          new PrivateDnsZoneVirtualNetworkLink(this, cid("link", s.view, s.zone, v.name), {
            name: prefixedName(props, "dnsLink", "link", v.name),
            resourceGroupName: rgName,
            privateDnsZoneName: z.name,
            virtualNetworkId: v.virtualNetworkId,
            registrationEnabled: false,
            tags: tags(),
          });
        }
      }
    }
    for (const s of this.recordSets) {
      const zone = zones.get(`${s.view}|${s.zone}`)!;
      const rid = cid("rec", s.view, s.zone, s.name, s.type);
      const base = { name: s.name, zoneName: zone.name, resourceGroupName: groupNames[s.view], ttl: s.ttl, tags: tags() };
      if (zone.private && s.values.length > MAX_PRIVATE_RECORDS)
        throw constructError(this, "LB-06", `${s.name}.${s.zone} has ${s.values.length} values; private DNS allows ${MAX_PRIVATE_RECORDS}`);
      switch (s.type) {
        case "A": {
          // Internet mode: a placeholder address of the plan becomes a reference to the public IP standing for it.
          const values = zone.private
            ? [...s.values]
            : s.values.map((v) => {
                const pip = publicIps.get(v);
                if (!pip)
                  throw constructError(this, "DNS-01", `no Azure public IP stands for ${v} (${s.name}.${s.zone}); pass the constructs' publicAddresses`);
                return pip.publicIp.ipAddress;
              });
          if (zone.private) new PrivateDnsARecord(this, rid, { ...base, records: values });
          else new DnsARecord(this, rid, { ...base, records: values });
          break;
        }
        case "SRV": {
          const record = s.srv.map((x) => ({ priority: x.priority, weight: x.weight, port: x.port, target: x.target }));
          if (zone.private) new PrivateDnsSrvRecord(this, rid, { ...base, record });
          else new DnsSrvRecord(this, rid, { ...base, record });
          break;
        }
        case "CNAME":
          if (zone.private) new PrivateDnsCnameRecord(this, rid, { ...base, record: s.values[0] });
          else new DnsCnameRecord(this, rid, { ...base, record: s.values[0] });
          break;
      }
    }
  }
}
