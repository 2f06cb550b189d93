/**
 * The largest scenario the schema accepts (issue 18): 8 sites, each with a pool of 12 Edge Servers, a Director pool
 * of 12 and an Office Web Apps Server, 20 SIP domains and every feature. It validates, and its plan holds each DNS
 * record once.
 */
import { load } from "../helpers";

const SIP_DOMAINS = Array.from({ length: 20 }, (_, i) => `d${i}.contoso.com`);

function maximalScenario(): string {
  const sites = Array.from(
    { length: 8 },
    (_, k) =>
      `  - name: site${k}\n${k === 0 ? "    federationRoute: true\n" : ""}` +
      "    edge: {servers: 12, loadBalancing: dns}\n" +
      "    director: {servers: 12, loadBalancing: dns-hlb}\n" +
      "    reverseProxy: {officeWebApps: true}\n",
  );
  return (
    "id: maximal\nproduct: lync2013\n" +
    `sipDomains: [${SIP_DOMAINS.join(", ")}]\n` +
    "federation: {sip: true, xmpp: true, publicIm: [skype], ocs2007Partners: true}\nmobility: true\n" +
    `sites:\n${sites.join("")}`
  );
}

describe("the largest scenario the schema accepts", () => {
  const result = load(maximalScenario());

  test("validates", () => {
    expect(result.problems.filter((p) => p.severity === "error")).toEqual([]);
    expect(result.plan!.servers.filter((s) => s.role === "edge")).toHaveLength(8 * 12);
  });

  test("plans every DNS record once (one record set per view, type and name)", () => {
    const counts = new Map<string, number>();
    for (const r of result.plan!.dnsRecords) {
      const key = `${r.view} ${r.type} ${r.name}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect([...counts].filter(([, n]) => n > 1)).toEqual([]);
  });

  test("each site's Office Web Apps Server has a name of its own, the first site's the documented default", () => {
    const owa = result.scenario!.sites.map((site) => site.reverseProxy.officeWebApps!.fqdn.value);
    expect(owa[0]).toBe("officewebapps01.d0.contoso.com");
    expect(new Set(owa).size).toBe(8);
    expect(owa[1]).toBe("site1officewebapps01.d0.contoso.com");
  });
});
