/** Port and Peer, the value objects every renderer reads the plan's firewall rows through. */
import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { includesInternet, isInternetOnly, Peer, peersOf, PLAN_INTERNET } from "../../lib/model/peer";
import { Port } from "../../lib/model/port";
import { DIRECTOR_PORTS, REVERSE_PROXY_PORTS } from "../../lib/model/ports";
import { bundledPlan, ROOT, sourceFiles } from "../helpers";

describe("Port", () => {
  test("renders each target's form from one value", () => {
    const media = Port.udpRange(50000, 59999);
    expect([media.rangeText, media.iptablesText, String(media), media.isSingle]).toEqual(["50000-59999", "50000:59999", "UDP 50000-59999", false]);
    const sip = Port.tcp(5061);
    expect([sip.rangeText, sip.iptablesText, String(sip), sip.isSingle]).toEqual(["5061", "5061", "TCP 5061", true]);
    expect(Port.of("TCP", { from: 443, to: 443 }).equals(Port.tcp(443))).toBe(true);
    expect(Port.tcp(443).equals(Port.udp(443))).toBe(false);
    expect([media.covers(49999), media.covers(50000), media.covers(59999), media.covers(60000)]).toEqual([false, true, true, false]);
  });

  test("refuses ranges outside 1-65535 or reversed", () => {
    expect(() => Port.tcp(0)).toThrow(/1-65535/);
    expect(() => Port.udp(65536)).toThrow(/1-65535/);
    expect(() => Port.tcpRange(600, 500)).toThrow(/from <= to/);
    expect(() => Port.tcp(44.3)).toThrow();
  });
});

/**
 * Inline port formatting outside Port (lib/model/port.ts): a range written from its ends ("${x.from}-${x.to}",
 * "${x.from}:${x.to}"), a single-or-range ternary ("x.from === x.to ? ..."), a transport glued to a port number
 * ("${x.transport} ${x.port}", "${x.transport}/${x.port}"), or an iptables / nftables port match built by hand.
 */
const INLINE_PORT_FORMATTING: readonly RegExp[] = [
  /\$\{[^}]*\.from\}\s*[-:]\s*\$\{[^}]*\.to\}/,
  /\.from\s*[!=]==\s*[\w.]*\.to\s*\?/,
  /\$\{[\w.]*\.transport\}[ /]\$\{[\w.]*\.(port|from)\}/,
  /(--[ds]port|\bdport|\bsport)\s+\$\{/,
  /transport\.toLowerCase\(\)\}\s*(dport|sport)/,
];

/** Lines of lib/ and bin/ (outside port.ts) that format a port inline. */
function inlinePortFormatting(): string[] {
  return sourceFiles(["lib", "bin"])
    .filter((f) => !f.endsWith("lib/model/port.ts"))
    .flatMap((f) =>
      readFileSync(f, "utf8")
        .split("\n")
        .map((line, i) => ({ where: `${relative(ROOT, f)}:${i + 1}`, line })),
    )
    .filter(({ line }) => INLINE_PORT_FORMATTING.some((re) => re.test(line)))
    .map(({ where, line }) => `${where}: ${line.trim()}`);
}

describe("one place formats a port", () => {
  test("Port gives every form its consumers print", () => {
    const media = Port.tcpRange(50000, 59999);
    const stun = Port.udp(3478);
    expect([media.nftMatch, stun.nftMatch]).toEqual(["tcp dport 50000-59999", "udp dport 3478"]);
    expect([media.iptablesMatch(), media.iptablesMatch(Port.tcp(443))]).toEqual(["-p tcp --dport 50000:59999", "-p tcp --sport 443 --dport 50000:59999"]);
    expect([stun.slashText, stun.target("131.107.155.30"), String(media.first), media.first.isSingle]).toEqual([
      "UDP/3478",
      "131.107.155.30:3478/UDP",
      "TCP 50000",
      true,
    ]);
    expect(Port.tcp(443).first).toEqual(Port.tcp(443));
    expect([media.contains(Port.tcp(50000)), media.contains(Port.udp(50000)), media.contains(Port.tcpRange(49999, 50000))]).toEqual([true, false, false]);
  });

  test("JSON as the plan has always written it: a row's range as { from, to }, a VIP's ports as { transport, port }", () => {
    expect(JSON.stringify(Port.udpRange(50000, 59999))).toBe('{"from":50000,"to":59999}');
    const list = Port.list([Port.udp(3478), Port.tcp(443), Port.tcp(443), Port.tcp(5061)]);
    expect(list.map(String)).toEqual(["TCP 443", "TCP 5061", "UDP 3478"]);
    expect(JSON.stringify(list)).toBe('[{"transport":"TCP","port":443},{"transport":"TCP","port":5061},{"transport":"UDP","port":3478}]');
    expect(() => Port.list([Port.tcpRange(50000, 59999)])).toThrow(/range/);
    const plan = bundledPlan("scaled-hlb");
    const vip = plan.vips.find((v) => v.service === "access")!;
    expect(JSON.parse(JSON.stringify(vip)).ports).toEqual(vip.ports.map((p) => ({ transport: p.transport, port: p.from })));
    const rule = plan.firewallRules.find((r) => !r.ports.isSingle)!;
    expect(JSON.parse(JSON.stringify(rule))).toMatchObject({ transport: rule.transport, ports: { from: rule.ports.from, to: rule.ports.to } });
    expect(plan.firewallRules.filter((r) => r.ports.transport !== r.transport || (r.sourcePorts && r.sourcePorts.transport !== r.transport))).toEqual([]);
  });

  test("no code outside Port formats a port inline (range ends, single-or-range ternaries, transport and port, iptables / nftables matches)", () => {
    expect(inlinePortFormatting()).toEqual([]);
  });
});

describe("Peer", () => {
  test("the plan's Internet marker and addresses", () => {
    expect(Peer.fromPlanAddress(PLAN_INTERNET).isInternet).toBe(true);
    expect(Peer.fromPlanAddress(PLAN_INTERNET)).toBe(Peer.internet());
    expect(Peer.fromPlanAddress("10.45.16.10")).toMatchObject({ kind: "ipv4", text: "10.45.16.10", isInternet: false });
    expect(Peer.ipv4("192.168.10.0/24").text).toBe("192.168.10.0/24");
    expect(() => Peer.ipv4("Internet")).toThrow(/not an IPv4 address/);
    expect(() => Peer.ipv4("10.0.0.1/24")).toThrow(/host bits/);
    expect(String(Peer.internet())).toBe("any Internet address");
  });

  test("endpoint helpers over real plan rows", () => {
    const plan = bundledPlan("single-consolidated-nat");
    const inbound = plan.firewallRules.find((r) => r.id.endsWith("/ext-in-access-sip-tls"))!;
    expect(isInternetOnly(inbound.source)).toBe(true);
    expect(includesInternet(inbound.destination)).toBe(false);
    expect(peersOf(inbound.destination).map(String)).toEqual(inbound.destination.addresses);
    const internal = plan.firewallRules.find((r) => r.firewall === "internal")!;
    expect(includesInternet(internal.source) || includesInternet(internal.destination)).toBe(false);
  });

  test("no code outside Peer compares addresses with the Internet marker", () => {
    const offenders = sourceFiles(["lib", "bin"])
      .filter((f) => !f.endsWith("lib/model/peer.ts"))
      .flatMap((f) =>
        readFileSync(f, "utf8")
          .split("\n")
          .map((line, i) => ({ where: `${relative(ROOT, f)}:${i + 1}`, line })),
      )
      .filter(({ line }) => /(===|!==)\s*(INTERNET|"Internet")\b|(INTERNET|"Internet")\s*(===|!==)|includes\((INTERNET|"Internet")\)/.test(line));
    expect(offenders).toEqual([]);
  });
});

describe("one port table: the reverse proxy and Director rows", () => {
  test("every reverse proxy and Director plan row is a table row with its Port, and every table row appears", () => {
    const plan = bundledPlan("contoso-enterprise");
    const table = new Map([...REVERSE_PROXY_PORTS, ...DIRECTOR_PORTS].map((r) => [r.id, r]));
    const rows = plan.firewallRules.filter((r) => r.table === "reverse-proxy" || r.table === "director");
    expect(rows.length).toBeGreaterThan(10);
    for (const row of rows) {
      const source = table.get(row.id.split("/").pop()!)!;
      expect([row.id, row.ports.equals(source.port), row.protocol, row.refs]).toEqual([row.id, true, source.protocol, source.refs]);
    }
    const ids = new Set(rows.map((r) => r.id.split("/").pop()));
    const applicable = [...table.values()].filter((r) => r.when === "always" || plan.publishingRules.some((p) => /officewebapps/.test(p.publicName)));
    expect(applicable.filter((r) => !ids.has(r.id)).map((r) => r.id)).toEqual([]);
  });

  test("the Director rows follow DIR-02 (reference §11.1): ports by row", () => {
    expect(DIRECTOR_PORTS.map((r) => `${r.id} ${r.port}`)).toEqual([
      "dir-in-http-8080 TCP 8080",
      "dir-in-https-4443 TCP 4443",
      "dir-out-https-444 TCP 444",
      "dir-in-http-80 TCP 80",
      "dir-in-https-443 TCP 443",
      "dir-in-sip-5061 TCP 5061",
      "dir-in-cls-50001 TCP 50001",
      "dir-in-cls-50002 TCP 50002",
      "dir-in-cls-50003 TCP 50003",
    ]);
    expect(REVERSE_PROXY_PORTS.filter((r) => r.direction === "inbound").map((r) => `${r.id} ${r.port} ${r.source}`)).toEqual([
      "rp-in-http TCP 80 internet",
      "rp-in-https TCP 443 internet",
    ]);
  });
});
