/** Which firewall rows another row already allows, from the rows' match sets (lib/model/plan/coverage.ts). */
import { addressesWithin, covers, coveredRows, coveringRule, peerWithin, staysInternal } from "../../lib/model/plan/coverage";
import type { FirewallRule, Plan } from "../../lib/model/plan";
import { Peer } from "../../lib/model/peer";
import { Port } from "../../lib/model/port";
import { bundledPlan, HYBRID_SE_COVERED_M365_ROWS } from "../helpers";

const hybrid = bundledPlan("hybrid-se");
const row = (plan: Plan, id: string): FirewallRule => {
  const found = plan.firewallRules.find((r) => r.id === id);
  if (!found) throw new Error(`no row ${id}`);
  return found;
};

describe("addresses", () => {
  test("Internet holds every address and prefix, IPv4 and IPv6; nothing but the Internet holds the Internet", () => {
    const any = Peer.internet();
    for (const p of ["10.45.16.10", "52.112.0.0/14", "2603:1027::/48"]) expect(peerWithin(Peer.fromPlanAddress(p), any)).toBe(true);
    expect(peerWithin(any, Peer.fromPlanAddress("0.0.0.0/0"))).toBe(false);
  });

  test("a prefix holds the addresses and longer prefixes inside it, not a shorter one nor another family", () => {
    const net = Peer.fromPlanAddress("192.168.10.0/24");
    expect(peerWithin(Peer.fromPlanAddress("192.168.10.31"), net)).toBe(true);
    expect(peerWithin(Peer.fromPlanAddress("192.168.10.128/25"), net)).toBe(true);
    expect(peerWithin(Peer.fromPlanAddress("192.168.0.0/16"), net)).toBe(false);
    expect(peerWithin(Peer.fromPlanAddress("192.168.11.1"), net)).toBe(false);
    expect(peerWithin(Peer.fromPlanAddress("2603:1027:0:1::/64"), Peer.fromPlanAddress("2603:1027::/48"))).toBe(true);
    expect(peerWithin(Peer.fromPlanAddress("2603:1027:1::/64"), Peer.fromPlanAddress("2603:1027::/48"))).toBe(false);
    expect(peerWithin(Peer.fromPlanAddress("2603:1027::/48"), net)).toBe(false);
    expect(peerWithin(Peer.fromPlanAddress("10.45.16.10"), Peer.fromPlanAddress("10.45.16.10"))).toBe(true);
  });

  test("a list is within another when each of its addresses lies inside one of the other's", () => {
    expect(addressesWithin({ addresses: ["192.168.10.31", "192.168.10.32"] }, { addresses: ["192.168.10.0/24"] })).toBe(true);
    expect(addressesWithin({ addresses: ["192.168.10.31", "10.0.0.1"] }, { addresses: ["192.168.10.0/24"] })).toBe(false);
  });
});

describe("hybrid-se: the Microsoft 365 rows and the rows of Microsoft's Edge tables", () => {
  test.each(HYBRID_SE_COVERED_M365_ROWS)("hq/edge-m365/%s is covered by hq/%s (same Edge addresses and port, any Internet address)", (m365, broader) => {
    const narrow = row(hybrid, `hq/edge-m365/${m365}`);
    const wide = row(hybrid, `hq/${broader}`);
    expect(covers(wide, narrow)).toBe(true);
    // Not the other way round: the Microsoft 365 row names Microsoft's prefixes (and source ports).
    expect(covers(narrow, wide)).toBe(false);
    expect(coveringRule(narrow, hybrid.firewallRules)?.id).toBe(wide.id);
  });

  test("the inbound TCP 50000-59999 row from Microsoft 365 is covered by no row: the Edge tables open that range only outbound", () => {
    const media = row(hybrid, "hq/edge-m365/m365-in-stun-tcp-50000");
    expect(coveringRule(media, hybrid.firewallRules)).toBeUndefined();
    // The outbound row of the same range: other direction.
    expect(covers(row(hybrid, "hq/edge-external/ext-out-av-rtp-tcp"), media)).toBe(false);
  });

  test("a source port range is covered only by any source port or a range around it", () => {
    const stun = row(hybrid, "hq/edge-m365/m365-out-stun-udp");
    const anyPort = row(hybrid, "hq/edge-external/ext-out-av-stun-udp");
    expect(covers({ ...anyPort, sourcePorts: Port.udpRange(3478, 3481) }, stun)).toBe(true);
    expect(covers({ ...anyPort, sourcePorts: Port.udpRange(3479, 3481) }, stun)).toBe(false);
    expect(covers(stun, { ...stun, sourcePorts: undefined })).toBe(false);
  });

  test("ports, transport, site and firewall must all match", () => {
    const wide = row(hybrid, "hq/edge-external/ext-out-av-rtp-tcp");
    const narrow = row(hybrid, "hq/edge-m365/m365-out-stun-tcp-50000");
    expect(covers(wide, { ...narrow, ports: Port.tcpRange(49999, 50000) })).toBe(false);
    expect(covers(wide, { ...narrow, transport: "UDP", ports: Port.udpRange(50000, 59999) })).toBe(false);
    expect(covers(wide, { ...narrow, site: "branch" })).toBe(false);
    expect(covers(wide, { ...narrow, firewall: "internal" })).toBe(false);
  });

  test("internal firewall: the Director's rows are inside the Edge's and the reverse proxy's (direction labels are per table)", () => {
    const covered = new Map(coveredRows(hybrid.firewallRules).map((c) => [c.row.id, c.by.id]));
    expect(covered.get("hq/director/dir-in-sip-5061")).toBe("hq/edge-internal/int-out-sip-mtls");
    expect(covered.get("hq/director/dir-in-http-8080")).toBe("hq/reverse-proxy/rp-out-http-8080");
    expect(covered.get("hq/director/dir-in-https-4443")).toBe("hq/reverse-proxy/rp-out-https-4443");
    // The broader rows themselves are not covered: the Edge may send 5061 to any internal address, the reverse proxy
    // reaches the Front End pool as well as the Director.
    expect(covered.has("hq/edge-internal/int-out-sip-mtls")).toBe(false);
    expect(covered.has("hq/reverse-proxy/rp-out-http-8080")).toBe(false);
    // Exactly these nine rows of hybrid-se are covered.
    expect([...covered.keys()].length).toBe(9);
  });

  test("the bundled scenarios without hybrid or Director have no covered row", () => {
    for (const id of ["single-consolidated-nat", "scaled-hlb", "scaled-dnslb-nat"]) expect(coveredRows(bundledPlan(id).firewallRules)).toEqual([]);
  });
});

describe("staysInternal: internal rows whose packets never reach the internal firewall", () => {
  const site = hybrid.scenario.sites[0];

  test.each(["dir-out-https-444", "dir-in-http-80", "dir-in-https-443", "dir-in-cls-50001", "dir-in-cls-50002", "dir-in-cls-50003"])(
    "hq/director/%s: both ends on the internal network 192.168.10.0/24",
    (id) => {
      const why = staysInternal(row(hybrid, `hq/director/${id}`), site);
      expect(why).toContain("both on the internal networks (192.168.10.0/24)");
      expect(why).toContain("perimeter internal subnet 172.25.33.0/24");
    },
  );

  test("rows with an end on the perimeter, and external rows, do cross a firewall", () => {
    for (const id of ["hq/director/dir-in-sip-5061", "hq/director/dir-in-http-8080", "hq/edge-internal/int-in-sip-mtls", "hq/reverse-proxy/rp-out-http-8080"])
      expect(staysInternal(row(hybrid, id), site)).toBeUndefined();
    expect(staysInternal(row(hybrid, "hq/edge-external/ext-in-access-sip-tls"), site)).toBeUndefined();
  });

  test("an internal network that holds the perimeter subnet does not make a perimeter row internal", () => {
    const wide = { ...site, networks: { ...site.networks, internalNetworks: ["172.16.0.0/12", "192.168.0.0/16"] } };
    expect(staysInternal(row(hybrid, "hq/director/dir-in-sip-5061"), wide)).toBeUndefined();
    expect(staysInternal(row(hybrid, "hq/director/dir-in-http-80"), wide)).toBeDefined();
  });
});
