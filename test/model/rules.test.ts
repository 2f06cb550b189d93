/**
 * One table entry per rule of the catalogue: minimal scenarios that violate the rule (asserting rule id, field
 * path, severity, message and that nothing unrelated fires) and, for each, a corrected neighbour that validates
 * (so every assertion can fail). The table is keyed by rule id, so a rule added to the catalogue without a test
 * does not compile, and the coverage tests at the end compare it with RULES and RULE_CHECKS.
 */
import type { LoadResult } from "../../lib/model/load";
import type { Problem } from "../../lib/model/rules";
import { M365_RULES } from "../../lib/model/m365-endpoints";
import { RULES, RULE_CHECKS, SCHEMA_RULES, type RuleId } from "../../lib/model/rules";
import { load } from "../helpers";

/** Strips the common indentation of a template literal, so YAML can be written indented in the table. */
function yaml(strings: TemplateStringsArray, ...values: unknown[]): string {
  const text = strings.reduce((out, s, i) => out + s + (i < values.length ? String(values[i]) : ""), "");
  const lines = text.replace(/^\n/, "").split("\n");
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => l.match(/^ */)![0].length));
  return lines.map((l) => l.slice(indent)).join("\n");
}

interface Violation {
  readonly title: string;
  /** The violating scenario. */
  readonly yaml: string;
  /** Field path of the reported problem. */
  readonly path: string;
  readonly message: RegExp;
  /** @default "error" */
  readonly severity?: "error" | "warning";
  /** How many problems of this rule the scenario yields. @default 1 */
  readonly count?: number;
  /** Other rules the same mistake legitimately triggers. @default none */
  readonly also?: readonly string[];
  /** The corrected neighbour: no problem of this rule, no error at all. */
  readonly fixed: string;
}

type CheckedRule = Exclude<RuleId, "SCHEMA">;

// A 240-character SIP domain: valid itself, but officewebapps01.<domain> is 256 characters.
const LONG_DOMAIN = `${["a".repeat(60), "a".repeat(60), "a".repeat(60), "b".repeat(53)].join(".")}.com`;

const natServer = (internal = "172.25.33.10", extra = "") => yaml`
  sipDomains: [contoso.com]
  sites:
    - name: hq
      edge:
        servers:
          - internal: {address: ${internal}${extra}}
            external:
              access: {address: 10.45.16.10, natPublic: 131.107.155.10}
              webConferencing: {address: 10.45.16.20, natPublic: 131.107.155.20}
              av: {address: 10.45.16.30, natPublic: 131.107.155.30}
`;

const avAddress = (av: string) => yaml`
  sipDomains: [contoso.com]
  sites:
    - name: hq
      edge:
        servers:
          - external:
              access: {address: 10.45.16.10, natPublic: 131.107.155.10}
              webConferencing: {address: 10.45.16.20, natPublic: 131.107.155.20}
              av: {address: ${av}, natPublic: 131.107.155.30}
`;

const edge = (edgeYaml: string, head = "sipDomains: [contoso.com]") => `${head}\nsites:\n  - name: hq\n    edge: ${edgeYaml}\n`;
const site = (siteYaml: string, head = "sipDomains: [contoso.com]") => `${head}\nsites:\n  - name: hq\n${siteYaml.replace(/^/gm, "    ")}\n`;
const twoSites = (hq: string, dr: string, head = "sipDomains: [contoso.com]") =>
  `${head}\nsites:\n  - name: hq\n${hq.replace(/^/gm, "    ")}\n  - name: dr\n${dr.replace(/^/gm, "    ")}\n`;

const CASES: Record<CheckedRule, readonly Violation[]> = {
  "LB-01": [
    {
      title: "DNS load balancing outside, hardware inside",
      yaml: edge("{servers: 2, loadBalancing: {external: dns, internal: hardware}}"),
      path: "sites[0].edge.loadBalancing",
      message: /external side uses "dns" but internal side uses "hardware".*one type on both/,
      fixed: edge("{servers: 2, loadBalancing: {external: dns, internal: dns}}"),
    },
    {
      title: "hardware outside, DNS inside",
      yaml: edge("{servers: 2, loadBalancing: {external: hardware, internal: dns}}"),
      path: "sites[0].edge.loadBalancing",
      message: /external side uses "hardware" but internal side uses "dns"/,
      fixed: edge("{servers: 2, loadBalancing: {external: hardware, internal: hardware}}"),
    },
  ],
  "LB-02": [
    {
      title: "hardware load balancer with NAT",
      yaml: edge("{servers: 2, loadBalancing: hardware, externalAddressing: nat}"),
      path: "sites[0].edge.externalAddressing",
      message: /NAT with a hardware load balancer is not supported.*externalAddressing: public/,
      fixed: edge("{servers: 2, loadBalancing: hardware, externalAddressing: public}"),
    },
    {
      title: "hardware load balancer with a natPublic on a server",
      yaml: edge(
        "\n      loadBalancing: hardware\n      servers:\n        - external: {access: {address: 131.107.155.11, natPublic: 131.107.155.111}}\n        - {}",
      ),
      path: "sites[0].edge.servers[0].external.access.natPublic",
      message: /routed, not translated; remove natPublic \(HLB-09/,
      fixed: edge("\n      loadBalancing: hardware\n      servers:\n        - external: {access: {address: 131.107.155.11}}\n        - {}"),
    },
  ],
  "LB-04": [
    {
      title: "a pool of 1 (servers: 1 with loadBalancing: dns)",
      yaml: edge("{servers: 1, loadBalancing: dns}"),
      path: "sites[0].edge.servers",
      message: /load-balanced pool of 1 Edge Server; give 2-12 servers/,
      fixed: edge("{servers: 2, loadBalancing: dns}"),
    },
    {
      title: "a listed pool of 1 with hardware load balancing",
      yaml: edge("{servers: [{name: edge01}], loadBalancing: hardware}"),
      path: "sites[0].edge.servers",
      message: /pool of 1 Edge Server/,
      fixed: edge("{servers: [{name: edge01}]}"),
    },
  ],
  "LB-05": [
    {
      title: "a pool of 13",
      yaml: edge("{servers: 13, loadBalancing: dns}"),
      path: "sites[0].edge.servers",
      message: /13 Edge Servers in one pool; the supported maximum is 12/,
      fixed: edge("{servers: 12, loadBalancing: dns}"),
    },
  ],
  "LB-07": [
    {
      title: "VIPs without a hardware load balancer",
      yaml: edge("{servers: 2, vips: {access: 131.107.155.10}}"),
      path: "sites[0].edge.vips",
      message: /vips are the addresses of a hardware load balancer; set loadBalancing: hardware, or remove vips/,
      fixed: edge("{servers: 2, loadBalancing: hardware, vips: {access: 131.107.155.10}}"),
    },
  ],
  "LB-09": [
    {
      title: "DNS load balancing with public IM connectivity",
      yaml: edge("{servers: 2}", "product: lync2013\nsipDomains: [contoso.com]\nfederation: {sip: true, publicIm: [skype]}"),
      path: "sites[0].edge.loadBalancing",
      severity: "warning",
      message: /DNS load balancing: public IM connectivity will not fail over/,
      fixed: edge("{servers: 2, loadBalancing: hardware}", "product: lync2013\nsipDomains: [contoso.com]\nfederation: {sip: true, publicIm: [skype]}"),
    },
    {
      title: "DNS load balancing with XMPP and OCS 2007 partners",
      yaml: edge(
        "{servers: 3, loadBalancing: dns}",
        "product: lync2013\nsipDomains: [contoso.com]\nfederation: {sip: true, xmpp: true, ocs2007Partners: true}",
      ),
      path: "sites[0].edge.loadBalancing",
      severity: "warning",
      message: /XMPP, OCS 2007 federation will not fail over/,
      fixed: edge("{servers: 3, loadBalancing: dns}", "sipDomains: [contoso.com]\nfederation: {sip: true}"),
    },
  ],
  "NAT-01": [
    {
      title: "NAT on the internal interface",
      yaml: natServer("172.25.33.10", ", natPublic: 131.107.155.99"),
      path: "sites[0].edge.servers[0].internal.natPublic",
      message: /NAT on the internal interface is not supported; remove internal.natPublic/,
      fixed: natServer("172.25.33.10"),
    },
  ],
  "NAT-06": [
    {
      title: "NAT on some but not all three services",
      yaml: yaml`
        sipDomains: [contoso.com]
        sites:
          - name: hq
            edge:
              servers:
                - external:
                    access: {address: 10.45.16.10, natPublic: 131.107.155.10}
                    webConferencing: {address: 10.45.16.20}
                    av: {address: 10.45.16.30, natPublic: 131.107.155.30}
      `,
      path: "sites[0].edge.servers[0].external.webConferencing",
      message: /Web Conferencing Edge has no NAT public address while Access Edge and A\/V Edge have one \(NAT on some but not all services\)/,
      fixed: natServer(),
    },
    {
      title: "NAT on some services of the second server of a pool",
      yaml: yaml`
        sipDomains: [contoso.com]
        sites:
          - name: hq
            edge:
              loadBalancing: dns
              servers:
                - name: edge01
                - name: edge02
                  external:
                    access: {address: 10.45.16.12, natPublic: 131.107.155.12}
                    webConferencing: {address: 10.45.16.22}
      `,
      path: "sites[0].edge.servers[1].external.webConferencing",
      message: /^edge02: Web Conferencing Edge has no NAT public address while Access Edge and A\/V Edge have one/,
      fixed: yaml`
        sipDomains: [contoso.com]
        sites:
          - name: hq
            edge:
              loadBalancing: dns
              servers:
                - name: edge01
                - name: edge02
                  external:
                    access: {address: 10.45.16.12, natPublic: 131.107.155.12}
                    webConferencing: {address: 10.45.16.22, natPublic: 131.107.155.22}
      `,
    },
    {
      title: "NAT addressing without any natPublic",
      yaml: yaml`
        sipDomains: [contoso.com]
        sites:
          - name: hq
            edge:
              externalAddressing: nat
              servers:
                - external:
                    access: {address: 10.45.16.10}
                    webConferencing: {address: 10.45.16.20}
                    av: {address: 10.45.16.30}
      `,
      path: "sites[0].edge.servers[0].external.access",
      count: 3,
      message: /Access Edge has no NAT public address; add natPublic$/,
      fixed: natServer(),
    },
    {
      title: "NAT with the Edge external subnet inside the public range",
      yaml: site("network: {publicRange: 131.107.0.0/16, perimeterExternal: 131.107.200.0/24}"),
      path: "sites[0].network.perimeterExternal",
      message: /with NAT the Edge external subnet 131.107.200.0\/24 holds private addresses and must not overlap the public range 131.107.0.0\/16/,
      fixed: site("network: {publicRange: 131.107.0.0/16, perimeterExternal: 10.45.16.0/24}"),
    },
  ],
  "NET-03": [
    {
      title: "Front End pool outside the internal networks",
      yaml: site("frontEndPool: {address: 192.168.99.20}"),
      path: "sites[0].frontEndPool.address",
      message: /Front End pool pool01.contoso.com 192.168.99.20 lies outside 192.168.10.0\/24 \(sites\[0\].network.internalNetworks\)/,
      fixed: site("frontEndPool: {address: 192.168.10.25}"),
    },
    {
      title: "Director outside the internal networks",
      yaml: site("director: {servers: [{address: 192.168.99.31}]}"),
      path: "sites[0].director.servers[0].address",
      message: /Director dir01 192.168.99.31 lies outside 192.168.10.0\/24/,
      fixed: site("director: {servers: [{address: 192.168.10.31}]}"),
    },
  ],
  "NET-04": [
    {
      title: "internal and external perimeter subnets equal",
      yaml: site("network: {perimeterExternal: 10.45.16.0/24, perimeterInternal: 10.45.16.0/24}"),
      path: "sites[0].network.perimeterInternal",
      message: /perimeter internal 10.45.16.0\/24 overlaps perimeter external 10.45.16.0\/24/,
      also: ["LAB-ADDR-02"], // the auto-numbered addresses of both sides then collide
      fixed: site("network: {perimeterExternal: 10.45.16.0/24, perimeterInternal: 172.25.33.0/24}"),
    },
    {
      title: "internal perimeter subnet inside the external one",
      yaml: site("network: {perimeterExternal: 10.45.16.0/24, perimeterInternal: 10.45.16.128/25}"),
      path: "sites[0].network.perimeterInternal",
      message: /perimeter internal 10.45.16.128\/25 overlaps perimeter external 10.45.16.0\/24 \(also HLB-08\)/,
      fixed: site("network: {perimeterExternal: 10.45.16.0/24, perimeterInternal: 10.45.17.128/25}"),
    },
    {
      title: "given external subnet overlapping the default internal one is reported at the given field",
      yaml: site("network: {perimeterExternal: 172.25.0.0/16}"),
      path: "sites[0].network.perimeterExternal",
      message: /perimeter internal 172.25.33.0\/24 overlaps perimeter external 172.25.0.0\/16/,
      fixed: site("network: {perimeterExternal: 172.26.0.0/16}"),
    },
    {
      title: "public range overlapping the internal perimeter subnet",
      yaml: site("network: {publicRange: 172.25.0.0/16}"),
      path: "sites[0].network.publicRange",
      message: /perimeter internal 172.25.33.0\/24 overlaps the public range 172.25.0.0\/16/,
      fixed: site("network: {publicRange: 131.107.0.0/16}"),
    },
    {
      title: "an internal network overlapping the perimeter (reported once)",
      yaml: site("network: {internalNetworks: [10.45.16.0/25]}\nfrontEndPool: {address: 10.45.16.100}"),
      path: "sites[0].network.internalNetworks[0]",
      message: /internal network 10.45.16.0\/25 overlaps perimeter\/public network 10.45.16.0\/24 \(sites\[0\].network.perimeterExternal\)/,
      fixed: site("network: {internalNetworks: [10.45.99.0/25]}\nfrontEndPool: {address: 10.45.99.100}"),
    },
  ],
  "NET-05": [
    {
      title: "single-IP mode with a Web Conferencing address",
      yaml: yaml`
        sipDomains: [contoso.com]
        sites:
          - name: hq
            edge:
              ipMode: single
              servers:
                - external:
                    access: {address: 10.45.16.10, natPublic: 131.107.155.10}
                    webConferencing: {address: 10.45.16.20, natPublic: 131.107.155.20}
      `,
      path: "sites[0].edge.servers[0].external.webConferencing",
      message: /single-IP mode has one external address per server \(Access\)/,
      fixed: yaml`
        sipDomains: [contoso.com]
        sites:
          - name: hq
            edge:
              ipMode: single
              servers:
                - external:
                    access: {address: 10.45.16.10, natPublic: 131.107.155.10}
      `,
    },
    {
      title: "two services sharing an FQDN without single-IP mode",
      yaml: edge("{fqdns: {webConferencing: sip.contoso.com}}"),
      path: "sites[0].edge.fqdns.webConferencing",
      message: /sip.contoso.com is already the FQDN of another Edge service \(sites\[0\].edge.fqdns.access\)/,
      fixed: edge("{fqdns: {webConferencing: webconf.contoso.com}}"),
    },
  ],
  "NET-08": [
    {
      title: "underscore in an FQDN",
      yaml: edge('{fqdns: {access: "sip_edge.contoso.com"}}'),
      path: "sites[0].edge.fqdns.access",
      message: /"sip_edge.contoso.com" is not a valid FQDN: .*no underscores/,
      fixed: edge('{fqdns: {access: "sip-edge.contoso.com"}}'),
    },
    {
      title: "Unicode in an FQDN",
      yaml: edge('{fqdns: {av: "av.contosö.com"}}'),
      path: "sites[0].edge.fqdns.av",
      message: /is not a valid FQDN/,
      fixed: edge('{fqdns: {av: "av.contoso.com"}}'),
    },
    {
      title: "single-label name",
      yaml: edge("{fqdns: {internalPool: lsedge}}"),
      path: "sites[0].edge.fqdns.internalPool",
      message: /"lsedge" is not a valid FQDN: use two or more labels/,
      fixed: edge("{fqdns: {internalPool: lsedge.contoso.com}}"),
    },
    {
      title: "computer name with an underscore",
      yaml: edge("{servers: [{name: ls_edge01}]}"),
      path: "sites[0].edge.servers[0].name",
      message: /"ls_edge01" is not a valid computer name: 1-15 letters, digits or hyphens/,
      fixed: edge("{servers: [{name: ls-edge01}]}"),
    },
    {
      title: "computer name longer than 15 characters",
      yaml: site("reverseProxy: {name: reverseproxy0001}"),
      path: "sites[0].reverseProxy.name",
      message: /"reverseproxy0001" is not a valid computer name/,
      fixed: site("reverseProxy: {name: reverseproxy01}"),
    },
    {
      title: "a derived computer name longer than 15 characters",
      yaml: edge("{servers: 2, fqdns: {internalPool: edgepool-westeurope.contoso.com}}"),
      path: "sites[0].edge.fqdns.internalPool",
      message:
        /computer name edgepool-westeurope01, derived from the internal pool FQDN edgepool-westeurope.contoso.com, is 21 characters; Windows and Azure allow 15/,
      fixed: edge("{servers: [{name: edge01}, {name: edge02}], loadBalancing: dns, fqdns: {internalPool: edgepool-westeurope.contoso.com}}"),
    },
    {
      // A long second SIP domain: its names are certificate SANs only (no subject, so no LAB-CERT-01).
      title: "a derived name longer than 253 characters",
      yaml: `mobility: {push: false}\n${edge("{servers: 1}", `sipDomains: [contoso.com, ${LONG_DOMAIN}]`)}`,
      path: "sipDomains[1]",
      message: /^lyncdiscoverinternal\.a+\.\.\. is 261 characters; DNS names are limited to 253/,
      fixed: edge("{servers: 1}", `sipDomains: [contoso.com, ${LONG_DOMAIN}]`),
    },
  ],
  "LAB-CERT-01": [
    {
      title: "an Access Edge FQDN longer than a certificate subject allows",
      yaml: edge(`{fqdns: {access: ${"a".repeat(60)}.contoso.com}}`),
      path: "sites[0].edge.fqdns.access",
      message:
        /^a{40}\.\.\. is 72 characters; a certificate subject \(common name\) is limited to 64 characters \(RFC 5280\): it is the subject of the Edge external certificate/,
      fixed: edge(`{fqdns: {access: ${"a".repeat(52)}.contoso.com}}`),
    },
    {
      title: "a Director pool FQDN longer than a certificate subject allows",
      yaml: site(`director: {servers: 2, loadBalancing: dns-hlb, poolFqdn: dirpool-${"b".repeat(50)}.contoso.com}`),
      path: "sites[0].director.poolFqdn",
      message: /is 70 characters; a certificate subject \(common name\) is limited to 64 characters \(RFC 5280\)/,
      fixed: site(`director: {servers: 2, loadBalancing: dns-hlb, poolFqdn: dirpool-${"b".repeat(44)}.contoso.com}`),
    },
    {
      // Every name derived from the domain at once, reported at the domain (sip., webcon., av., lsedge., pool01., ...).
      title: "a SIP domain too long for the certificate subjects derived from it",
      yaml: `sipDomains: [${"c".repeat(57)}.com]\n`,
      path: "sipDomains[0]",
      message:
        /^names derived from c{40}\.\.\. are too long for a certificate subject \(RFC 5280: at most 64 characters\): sip\.c{36}\.\.\. \(65\), webcon\..*; use a shorter domain, or give these names explicitly/,
      fixed: `sipDomains: [${"c".repeat(50)}.com]\n`,
    },
  ],
  "NET-11": [
    {
      title: "public addressing with a private Edge external subnet",
      yaml: edge("{externalAddressing: public}").replace("edge:", "network: {perimeterExternal: 10.45.16.0/24}\n    edge:"),
      path: "sites[0].network.perimeterExternal",
      message: /public addressing: the Edge external subnet 10.45.16.0\/24 must lie inside the public range 131.107.155.0\/24/,
      fixed: edge("{externalAddressing: public}"),
    },
    {
      title: "public addressing with the reverse proxy in the public range",
      yaml: site("edge: {externalAddressing: public}\nnetwork: {reverseProxyExternal: 131.107.155.128/25}"),
      path: "sites[0].network.reverseProxyExternal",
      message: /the reverse proxy stays behind NAT: its external subnet 131.107.155.128\/25 must not be in the public range/,
      fixed: site("edge: {externalAddressing: public}\nnetwork: {reverseProxyExternal: 10.45.16.0/24}"),
    },
    {
      title: "public addressing with a natPublic",
      yaml: yaml`
        sipDomains: [contoso.com]
        sites:
          - name: hq
            edge:
              externalAddressing: public
              servers:
                - external:
                    access: {address: 131.107.155.10, natPublic: 131.107.155.110}
                    webConferencing: {address: 131.107.155.20}
                    av: {address: 131.107.155.30}
      `,
      path: "sites[0].edge.servers[0].external.access.natPublic",
      message: /externalAddressing is public, so the Access Edge address is routed, not translated; remove natPublic$/,
      fixed: yaml`
        sipDomains: [contoso.com]
        sites:
          - name: hq
            edge:
              externalAddressing: public
              servers:
                - external:
                    access: {address: 131.107.155.10}
                    webConferencing: {address: 131.107.155.20}
                    av: {address: 131.107.155.30}
      `,
    },
  ],
  "NET-14": [
    {
      title: "single-IP mode with clashing ports",
      yaml: edge("{ipMode: single, ports: {access: 443, webConferencing: 443}}"),
      path: "sites[0].edge.ports.webConferencing",
      count: 2, // webConferencing and av both clash with access
      message: /port 443 is already used by sites\[0\].edge.ports.access; single-IP mode needs a distinct port per service/,
      fixed: edge("{ipMode: single, ports: {access: 5061, webConferencing: 444, av: 443}}"),
    },
    {
      title: "a non-443 port with three addresses",
      yaml: edge("{ports: {webConferencing: 444}}"),
      path: "sites[0].edge.ports.webConferencing",
      message: /with three external addresses every service listens on 443; port 444 needs ipMode: single/,
      fixed: edge("{ports: {webConferencing: 443}}"),
    },
    {
      title: "single-IP mode with a second FQDN",
      yaml: edge("{ipMode: single, fqdns: {av: av.contoso.com}}"),
      path: "sites[0].edge.fqdns.av",
      message: /single-IP mode uses one FQDN for all services; expected sip.contoso.com/,
      fixed: edge("{ipMode: single, fqdns: {av: sip.contoso.com}}"),
    },
    {
      title: "single-IP mode giving 5061 to Web Conferencing",
      yaml: edge("{ipMode: single, ports: {access: 444, webConferencing: 5061, av: 443}}"),
      path: "sites[0].edge.ports.webConferencing",
      message: /port 5061 belongs to the Access Edge/,
      fixed: edge("{ipMode: single, ports: {access: 5061, webConferencing: 444, av: 443}}"),
    },
    {
      title: "single-IP mode giving the XMPP port 5269 to a service",
      yaml: edge("{ipMode: single, ports: {webConferencing: 5269}}", "product: lync2013\nsipDomains: [contoso.com]\nfederation: {xmpp: true}"),
      path: "sites[0].edge.ports.webConferencing",
      message: /port 5269 belongs to the XMPP proxy/,
      fixed: edge("{ipMode: single, ports: {webConferencing: 5269}}"),
    },
  ],
  "FED-01": [
    {
      title: "two federation routes",
      yaml: twoSites("federationRoute: true", "federationRoute: true", "sipDomains: [contoso.com]\nfederation: {sip: true}"),
      path: "sites[1].federationRoute",
      message:
        /site dr is a second federation route \(site hq is the first\); only one Edge deployment in the organisation may be the federation route: set federationRoute: false on site dr$/,
      fixed: twoSites("federationRoute: true", "federationRoute: false", "sipDomains: [contoso.com]\nfederation: {sip: true}"),
    },
    {
      title: "federation with two sites and no route",
      yaml: twoSites("region: westeurope", "region: northeurope", "product: lync2013\nsipDomains: [contoso.com]\nfederation: {publicIm: [skype]}"),
      path: "sites",
      message: /federation is enabled but no site is the federation route/,
      fixed: twoSites("region: westeurope", "federationRoute: true", "product: lync2013\nsipDomains: [contoso.com]\nfederation: {publicIm: [skype]}"),
    },
  ],
  "FED-02": [
    {
      title: "XMPP for a domain that is not a SIP domain",
      yaml: "product: lync2013\nsipDomains: [contoso.com]\nfederation: {xmpp: {domains: [fabrikam.com]}}\n",
      path: "federation.xmpp.domains[0]",
      message: /XMPP domain fabrikam.com is not one of the SIP domains/,
      fixed: "product: lync2013\nsipDomains: [contoso.com]\nfederation: {xmpp: {domains: [contoso.com]}}\n",
    },
  ],
  "FED-03": [
    {
      title: "AOL public IM connectivity",
      yaml: "product: lync2013\nsipDomains: [contoso.com]\nfederation: {publicIm: [aol]}\n",
      path: "federation.publicIm",
      severity: "warning",
      message: /^aol: this public IM service ended in 2014.*client EKU/,
      fixed: "product: lync2013\nsipDomains: [contoso.com]\nfederation: {publicIm: [skype]}\n",
    },
    {
      title: "Yahoo! public IM connectivity",
      yaml: "product: lync2013\nsipDomains: [contoso.com]\nfederation: {publicIm: [yahoo]}\n",
      path: "federation.publicIm",
      severity: "warning",
      message: /^yahoo: this public IM service ended in 2014; kept for planning only$/,
      fixed: "product: lync2013\nsipDomains: [contoso.com]\nfederation: {publicIm: [windows-live]}\n",
    },
  ],
  "DNS-01": [
    {
      title: "an Edge service FQDN outside the SIP domains",
      yaml: edge("{fqdns: {webConferencing: webcon.fabrikam.com}}"),
      path: "sites[0].edge.fqdns.webConferencing",
      message: /webcon.fabrikam.com is not in a SIP domain \(contoso.com\)/,
      fixed: edge("{fqdns: {webConferencing: webcon.contoso.com}}"),
    },
  ],
  "DNS-04": [
    {
      title: "an SRV target outside its domain (access FQDN outside the primary SIP domain)",
      yaml: edge("{fqdns: {access: sip.fabrikam.com}}", "sipDomains: [contoso.com, fabrikam.com]"),
      path: "sites[0].edge.fqdns.access",
      message: /_sip._tls.contoso.com would point to sip.fabrikam.com, outside contoso.com/,
      fixed: edge("{fqdns: {access: sip.fabrikam.com}}", "sipDomains: [fabrikam.com, contoso.com]"),
    },
    {
      title: "access FQDN outside every SIP domain",
      yaml: edge("{fqdns: {access: sip.fabrikam.com}}"),
      path: "sites[0].edge.fqdns.access",
      message: /outside contoso.com; an SRV target must be in the SRV record's own domain/,
      also: ["DNS-01"],
      fixed: edge("{fqdns: {access: edge.contoso.com}}"),
    },
  ],
  "DNS-05": [
    {
      title: "Edge internal FQDN outside the internal and SIP domains",
      yaml: edge("{fqdns: {internalPool: lsedge.fabrikam.net}}", "sipDomains: [contoso.com]\ninternalDomain: contoso.net"),
      path: "sites[0].edge.fqdns.internalPool",
      message: /lsedge.fabrikam.net is neither in the internal domain contoso.net nor in a SIP domain/,
      fixed: edge("{fqdns: {internalPool: lsedge.contoso.net}}", "sipDomains: [contoso.com]\ninternalDomain: contoso.net"),
    },
  ],
  "DNS-08": [
    {
      title: "external web services FQDN outside the SIP domains",
      yaml: site("frontEndPool: {externalWebFqdn: webext.contoso.org}"),
      path: "sites[0].frontEndPool.externalWebFqdn",
      message: /webext.contoso.org is published by the reverse proxy but is not in a SIP domain/,
      fixed: site("frontEndPool: {externalWebFqdn: webext2.contoso.com}"),
    },
    {
      title: "Office Web Apps FQDN outside the SIP domains",
      yaml: site("reverseProxy: {officeWebApps: {fqdn: owa.contoso.org}}"),
      path: "sites[0].reverseProxy.officeWebApps.fqdn",
      message: /owa.contoso.org is published by the reverse proxy/,
      fixed: site("reverseProxy: {officeWebApps: {fqdn: owa.contoso.com}}"),
    },
  ],
  "DNS-09": [
    {
      title: "two meet URLs for one SIP domain",
      yaml: site("reverseProxy: {simpleUrls: {meet: [meet.contoso.com, meet2.contoso.com]}}"),
      path: "sites[0].reverseProxy.simpleUrls.meet",
      message: /SIP domain contoso.com has 2 meet URLs; give exactly one per SIP domain/,
      fixed: site("reverseProxy: {simpleUrls: {meet: [meet2.contoso.com]}}"),
    },
    {
      title: "no meet URL for a sub-domain SIP domain (meet URLs belong to the most specific SIP domain)",
      yaml: site("reverseProxy: {simpleUrls: {meet: [meet.contoso.com, meet2.contoso.com]}}", "sipDomains: [contoso.com, sub.contoso.com]"),
      path: "sites[0].reverseProxy.simpleUrls.meet",
      count: 2,
      message: /SIP domain contoso.com has 2 meet URLs/,
      fixed: site("reverseProxy: {simpleUrls: {meet: [meet.contoso.com, meet.sub.contoso.com]}}", "sipDomains: [contoso.com, sub.contoso.com]"),
    },
    {
      title: "simple URLs on a site that is not the primary one",
      yaml: twoSites("region: westeurope", "reverseProxy: {simpleUrls: {dialin: dialin.contoso.com}}"),
      path: "sites[1].reverseProxy.simpleUrls.dialin",
      message: /simple URLs are organisation-wide and published at the primary site; remove dialin.contoso.com from site dr/,
      fixed: twoSites("reverseProxy: {simpleUrls: {dialin: dialin.contoso.com}}", "region: westeurope"),
    },
    {
      title: "dial-in URL outside the SIP domains",
      yaml: site("reverseProxy: {simpleUrls: {dialin: dialin.contoso.org}}"),
      path: "sites[0].reverseProxy.simpleUrls.dialin",
      message: /dial-in URL dialin.contoso.org is not in a SIP domain/,
      fixed: site("reverseProxy: {simpleUrls: {dialin: dialin.contoso.com}}"),
    },
  ],
  "DNS-10": [
    {
      title: "internal web FQDN equal to the external one (reported at the field written)",
      yaml: site("frontEndPool: {internalWebFqdn: webext.contoso.com}"),
      path: "sites[0].frontEndPool.internalWebFqdn",
      message: /external web services FQDN webext.contoso.com equals the internal one/,
      fixed: site("frontEndPool: {internalWebFqdn: webint.contoso.com}"),
    },
    {
      title: "two pools with the same external web FQDN",
      yaml: twoSites("region: westeurope", "frontEndPool: {externalWebFqdn: webext.contoso.com}"),
      path: "sites[1].frontEndPool.externalWebFqdn",
      message: /external web services FQDN webext.contoso.com is already used at sites\[0\].frontEndPool.externalWebFqdn/,
      fixed: twoSites("region: westeurope", "frontEndPool: {externalWebFqdn: webext2.contoso.com}"),
    },
    {
      title: "two pools with the same internal web FQDN",
      yaml: twoSites("region: westeurope", "frontEndPool: {internalWebFqdn: pool01.contoso.com}"),
      path: "sites[1].frontEndPool.internalWebFqdn",
      message: /internal web services FQDN pool01.contoso.com is already used at sites\[0\].frontEndPool.internalWebFqdn/,
      fixed: twoSites("region: westeurope", "frontEndPool: {internalWebFqdn: web-dr.contoso.com}"),
    },
  ],
  "CERT-04": [
    {
      title: "wildcard Edge FQDN",
      yaml: edge('{fqdns: {access: "*.contoso.com"}}'),
      path: "sites[0].edge.fqdns.access",
      message: /"\*.contoso.com": wildcard names are not supported for Edge FQDNs/,
      fixed: edge('{fqdns: {access: "sip.contoso.com"}}'),
    },
    {
      title: "wildcard meet URL",
      yaml: site('reverseProxy: {simpleUrls: {meet: ["*.contoso.com"]}}'),
      path: "sites[0].reverseProxy.simpleUrls.meet[0]",
      message: /wildcard names are not supported/,
      fixed: site('reverseProxy: {simpleUrls: {meet: ["meet.contoso.com"]}}'),
    },
  ],
  "CERT-06": [
    {
      title: "internal pool FQDN equal to an external FQDN (not also reported as a duplicate name)",
      yaml: edge("{fqdns: {internalPool: webcon.contoso.com}}"),
      path: "sites[0].edge.fqdns.internalPool",
      message: /the internal pool FQDN webcon.contoso.com equals the external FQDN at sites\[0\].edge.fqdns.webConferencing/,
      fixed: edge("{fqdns: {internalPool: edgeint.contoso.com}}"),
    },
  ],
  "HLB-12": [
    {
      title: "single-IP hardware-load-balanced pool with an A/V VIP",
      yaml: edge("{ipMode: single, servers: 2, loadBalancing: hardware, vips: {access: 131.107.155.10, av: 131.107.155.30}}"),
      path: "sites[0].edge.vips.av",
      message: /single-IP mode has one external VIP \(vips.access\); remove vips.av/,
      fixed: edge("{ipMode: single, servers: 2, loadBalancing: hardware, vips: {access: 131.107.155.10}}"),
    },
  ],
  "DIR-01": [
    {
      title: "Director pool with loadBalancing: dns",
      yaml: site("director: {servers: 2, loadBalancing: dns}"),
      path: "sites[0].director.loadBalancing",
      message: /a Director pool needs a hardware load balancer for web services \(LB-11: web traffic cannot use DNS load balancing\): use "dns-hlb" or "hlb"/,
      fixed: site("director: {servers: 2, loadBalancing: dns-hlb}"),
    },
    {
      title: "a single Director with a VIP",
      yaml: site("director: {servers: [{name: dir01}], vip: 192.168.10.30}"),
      path: "sites[0].director.vip",
      message: /a single Director has no load balancer VIP/,
      fixed: site("director: {servers: [{name: dir01}, {name: dir02}], vip: 192.168.10.30}"),
    },
    {
      title: "a single Director with a load balancer",
      yaml: site("director: {servers: 1, loadBalancing: hlb}"),
      path: "sites[0].director.loadBalancing",
      message: /a single Director is not load balanced/,
      fixed: site("director: {servers: 2, loadBalancing: hlb}"),
    },
  ],
  "RP-06": [
    {
      title: "reverse proxy external subnet overlapping the internal perimeter",
      yaml: site("network: {reverseProxyExternal: 172.25.33.128/25}"),
      path: "sites[0].network.reverseProxyExternal",
      message: /reverse proxy external 172.25.33.128\/25 overlaps perimeter internal 172.25.33.0\/24/,
      fixed: site("network: {reverseProxyExternal: 10.45.17.0/24}"),
    },
  ],
  "RP-08": [
    {
      title: "autodiscover over HTTP",
      yaml: site("reverseProxy: {autodiscover: http}", "sipDomains: [contoso.com]\nmobility: true"),
      path: "sites[0].reverseProxy.autodiscover",
      severity: "warning",
      message: /autodiscover over HTTP is unencrypted and not recommended/,
      fixed: site("reverseProxy: {autodiscover: https}", "sipDomains: [contoso.com]\nmobility: true"),
    },
  ],
  "LAB-ADDR-01": [
    {
      title: "an address outside its subnet",
      yaml: natServer("172.25.34.10"),
      path: "sites[0].edge.servers[0].internal.address",
      message: /lsedge internal address 172.25.34.10 lies outside 172.25.33.0\/24 \(sites\[0\].network.perimeterInternal\)$/,
      fixed: natServer("172.25.33.11"),
    },
    {
      title: "auto-numbered addresses that do not fit the subnet",
      yaml: site("network: {perimeterInternal: 172.25.33.0/29}"),
      // One problem for the range, not one per address (the Edge internal address and the reverse proxy's).
      path: "sites[0].network.perimeterInternal",
      message:
        /^site hq: the perimeter internal subnet 172.25.33.0\/29 has 8 addresses, but the auto-numbered plan needs 2 in it \(1 Edge internal address, 1 reverse proxy internal address\), up to 172.25.33.40: use a \/26 or larger, or give the addresses explicitly$/,
      fixed: site("network: {perimeterInternal: 172.25.33.0/26}"),
    },
  ],
  "LAB-LATER-01": [
    {
      title: "mobility both deployed and planned for later",
      yaml: "sipDomains: [contoso.com]\nmobility: true\nlater: {mobility: true}\n",
      path: "later.mobility",
      message: /^Mobility is already deployed \(mobility\); remove it from later$/,
      fixed: "sipDomains: [contoso.com]\nlater: {mobility: true}\n",
    },
  ],
  "LAB-SITE-01": [
    {
      title: "primarySite naming no site",
      yaml: twoSites("region: westeurope", "region: northeurope", "sipDomains: [contoso.com]\nprimarySite: paris"),
      path: "primarySite",
      message: /"paris" is not a site of this scenario \(hq, dr\)/,
      fixed: twoSites("region: westeurope", "region: northeurope", "sipDomains: [contoso.com]\nprimarySite: dr"),
    },
  ],
  "LAB-ADDR-02": [
    {
      title: "an address used twice",
      yaml: avAddress("10.45.16.20"),
      path: "sites[0].edge.servers[0].external.av.address",
      message:
        /10.45.16.20 is used twice: site hq: lsedge Web Conferencing Edge address \(sites\[0\].edge.servers\[0\].external.webConferencing.address\) and site hq: lsedge A\/V Edge address/,
      fixed: avAddress("10.45.16.30"),
    },
    {
      title: "a Director address equal to the Front End pool address",
      yaml: site("frontEndPool: {address: 192.168.10.20}\ndirector: {servers: [{address: 192.168.10.20}]}"),
      path: "sites[0].director.servers[0].address",
      message: /192.168.10.20 is used twice: site hq: Front End pool/,
      fixed: site("frontEndPool: {address: 192.168.10.20}\ndirector: {servers: [{address: 192.168.10.21}]}"),
    },
  ],
  "LAB-ADDR-03": [
    ...["10.45.16.0", "10.45.16.1", "10.45.16.2", "10.45.16.3", "10.45.16.255"].map((ip): Violation => ({
      title: `Azure-reserved address ${ip}`,
      yaml: avAddress(ip),
      path: "sites[0].edge.servers[0].external.av.address",
      message: new RegExp(`A/V Edge address ${ip.replace(/\./g, "\\.")} is reserved by Azure \\(first four and last address of the subnet\\)`),
      fixed: avAddress("10.45.16.4"),
    })),
    {
      title: "Azure-reserved broadcast address of a /26 internal network",
      yaml: site("network: {internalNetworks: [192.168.10.0/26]}\nfrontEndPool: {address: 192.168.10.63}"),
      path: "sites[0].frontEndPool.address",
      message: /Front End pool pool01.contoso.com 192.168.10.63 is reserved by Azure/,
      fixed: site("network: {internalNetworks: [192.168.10.0/26]}\nfrontEndPool: {address: 192.168.10.62}"),
    },
  ],
  "LAB-NAME-01": [
    {
      title: "Front End pool named like the Edge pool",
      yaml: site("frontEndPool: {fqdn: lsedge.contoso.com}"),
      path: "sites[0].frontEndPool.fqdn",
      message: /Front End pool FQDN lsedge.contoso.com is already used \(Edge internal pool FQDN at sites\[0\].edge.fqdns.internalPool\)/,
      fixed: site("frontEndPool: {fqdn: fepool.contoso.com}"),
    },
    {
      title: "two sites with the same access FQDN",
      yaml: twoSites("region: westeurope", "edge: {fqdns: {access: sip.contoso.com}}"),
      path: "sites[1].edge.fqdns.access",
      message: /Edge external FQDN sip.contoso.com is already used \(Edge external FQDN at sites\[0\].edge.fqdns.access\)/,
      fixed: twoSites("region: westeurope", "edge: {fqdns: {access: sip2.contoso.com}}"),
    },
    {
      title: "two Edge Servers with the same name",
      yaml: edge("{loadBalancing: dns, servers: [{name: edge01}, {name: edge01}]}"),
      path: "sites[0].edge.servers[1].name",
      message: /Edge Server FQDN edge01.contoso.com is already used \(Edge Server FQDN at sites\[0\].edge.servers\[0\].name\)/,
      fixed: edge("{loadBalancing: dns, servers: [{name: edge01}, {name: edge02}]}"),
    },
    {
      title: "a SIP domain listed twice (names are case-insensitive)",
      yaml: "sipDomains: [contoso.com, Contoso.COM]\n",
      path: "sipDomains[1]",
      message: /^SIP domain contoso.com is listed twice \(first at sipDomains\[0\]\)$/,
      fixed: "sipDomains: [contoso.com, fabrikam.com]\n",
    },
    {
      title: "two sites with the same name",
      yaml: twoSites("region: westeurope", "region: westeurope").replace("name: dr", "name: hq"),
      path: "sites[1].name",
      message: /^site name hq is listed twice/,
      fixed: twoSites("region: westeurope", "region: westeurope"),
    },
    {
      title: "an XMPP domain listed twice",
      yaml: "product: lync2013\nsipDomains: [contoso.com]\nfederation: {xmpp: {domains: [contoso.com, contoso.com]}}\n",
      path: "federation.xmpp.domains[1]",
      message: /XMPP domain contoso.com is listed twice/,
      fixed: "product: lync2013\nsipDomains: [contoso.com]\nfederation: {xmpp: {domains: [contoso.com]}}\n",
    },
    {
      title: "a single Edge named like the reverse proxy",
      yaml: edge("{servers: [{name: rp01}]}"),
      path: "sites[0].reverseProxy.name",
      message: /reverse proxy FQDN rp01.contoso.com is already used \(Edge Server FQDN at sites\[0\].edge.servers\[0\].name\)/,
      fixed: edge("{servers: [{name: edge01}]}"),
    },
    {
      // One external A record per reverse proxy listener: the same name twice would be two record sets of one name.
      title: "two sites publishing the same Office Web Apps Server FQDN",
      yaml: twoSites("reverseProxy: {officeWebApps: {fqdn: owa.contoso.com}}", "reverseProxy: {officeWebApps: {fqdn: owa.contoso.com}}"),
      path: "sites[1].reverseProxy.officeWebApps.fqdn",
      message: /^Office Web Apps Server FQDN owa.contoso.com is already used \(Office Web Apps Server FQDN at sites\[0\].reverseProxy.officeWebApps.fqdn\)/,
      fixed: twoSites("reverseProxy: {officeWebApps: {fqdn: owa.contoso.com}}", "reverseProxy: {officeWebApps: {fqdn: owa2.contoso.com}}"),
    },
  ],
  "LAB-NET-01": [
    {
      title: "a /30 subnet",
      yaml: site("network: {perimeterInternal: 172.25.33.0/30}"),
      path: "sites[0].network.perimeterInternal",
      message: /"172.25.33.0\/30": use a prefix between \/8 and \/29/,
      fixed: site("network: {perimeterInternal: 172.25.33.0/24}"),
    },
    {
      title: "a /7 internal network",
      yaml: site("network: {internalNetworks: [10.0.0.0/7]}"),
      path: "sites[0].network.internalNetworks[0]",
      message: /use a prefix between \/8 and \/29/,
      fixed: site("network: {internalNetworks: [192.168.10.0/24]}"),
    },
  ],
  "LAB-NET-02": [
    {
      title: "overlapping sites",
      yaml: twoSites("region: westeurope", "network: {perimeterExternal: 10.45.16.128/25}"),
      path: "sites[1].network.perimeterExternal",
      message: /perimeter external 10.45.16.128\/25 of site dr overlaps perimeter external 10.45.16.0\/24 of site hq/,
      fixed: twoSites("region: westeurope", "network: {perimeterExternal: 10.45.99.128/25}"),
    },
  ],
  "LAB-SEC-01": [
    {
      title: "administration from 0.0.0.0/0",
      yaml: "sipDomains: [contoso.com]\nlab: {adminSourceCidr: 0.0.0.0/0}\n",
      path: "lab.adminSourceCidr",
      message: /0.0.0.0\/0 is too broad for RDP\/SSH administration/,
      fixed: "sipDomains: [contoso.com]\nlab: {adminSourceCidr: 203.0.113.0/24}\n",
    },
    {
      title: "administration from a /8",
      yaml: "sipDomains: [contoso.com]\nlab: {adminSourceCidr: 10.0.0.0/8}\n",
      path: "lab.adminSourceCidr",
      message: /too broad.*a \/16 or narrower/,
      fixed: "sipDomains: [contoso.com]\nlab: {adminSourceCidr: 10.1.0.0/16}\n",
    },
    {
      title: "administration source that is not a CIDR block",
      yaml: 'sipDomains: [contoso.com]\nlab: {adminSourceCidr: "Internet"}\n',
      path: "lab.adminSourceCidr",
      message: /"Internet" is not an IPv4 CIDR block/,
      fixed: "sipDomains: [contoso.com]\nlab: {adminSourceCidr: 203.0.113.7/32}\n",
    },
  ],
  "LAB-VER-01": [
    {
      title: "XMPP on sfb2019",
      yaml: "product: sfb2019\nsipDomains: [contoso.com]\nfederation: {xmpp: true}\n",
      path: "federation.xmpp",
      message: /XMPP federation is not available in Skype for Business Server 2019/,
      fixed: "product: sfb2015\nsipDomains: [contoso.com]\nfederation: {xmpp: true}\n",
    },
    {
      title: "XMPP on Subscription Edition",
      yaml: "product: sfbse\nsipDomains: [contoso.com]\nfederation: {sip: true, xmpp: {partners: [gmail.com]}}\n",
      path: "federation.xmpp",
      message: /XMPP federation is not available in Skype for Business Server Subscription Edition \(XMPP needs a legacy .*out of support\)/,
      fixed: "product: sfbse\nsipDomains: [contoso.com]\nfederation: {sip: true}\n",
    },
  ],
  "SE-01": [
    {
      title: "Lync Server 2013",
      yaml: "product: lync2013\nsipDomains: [contoso.com]\n",
      path: "product",
      severity: "warning",
      message: /^Lync Server 2013: out of support; mainstream support ended on 2018-04-10, extended support on 2023-04-11 .*Subscription Edition/,
      fixed: "product: sfbse\nsipDomains: [contoso.com]\n",
    },
    {
      title: "Skype for Business Server 2019",
      yaml: "product: sfb2019\nsipDomains: [contoso.com]\n",
      path: "product",
      severity: "warning",
      message: /^Skype for Business Server 2019: out of support; mainstream support ended on 2024-01-09, extended support on 2025-10-14/,
      fixed: "product: sfbse\nsipDomains: [contoso.com]\n",
    },
    {
      title: "Skype for Business Server 2015",
      yaml: "product: sfb2015\nsipDomains: [contoso.com]\n",
      path: "product",
      severity: "warning",
      message: /^Skype for Business Server 2015: out of support; .*extended support on 2025-10-14/,
      fixed: "product: sfbse\nsipDomains: [contoso.com]\n",
    },
  ],
  "SE-02": [
    {
      title: "Skype public IM connectivity on Subscription Edition (refused)",
      yaml: "product: sfbse\nsipDomains: [contoso.com]\nfederation: {sip: true, publicIm: [skype]}\n",
      path: "federation.publicIm",
      message: /^Skype for Business Server Subscription Edition has no public IM connectivity: skype is retired \(Skype consumer in May 2025/,
      fixed: "product: sfbse\nsipDomains: [contoso.com]\nfederation: {sip: true}\n",
    },
    {
      title: "AOL public IM connectivity on Subscription Edition (refused, not only the FED-03 warning)",
      yaml: "product: sfbse\nsipDomains: [contoso.com]\nfederation: {publicIm: [aol, windows-live]}\n",
      path: "federation.publicIm",
      message: /has no public IM connectivity: aol, windows-live are retired/,
      also: ["FED-03"],
      fixed: "product: sfbse\nsipDomains: [contoso.com]\n",
    },
    {
      title: "public IM connectivity planned for later on Subscription Edition (refused)",
      yaml: "product: sfbse\nsipDomains: [contoso.com]\nfederation: {sip: true}\nlater: {federation: {publicIm: [skype]}}\n",
      path: "later.federation.publicIm",
      message: /^Skype for Business Server Subscription Edition has no public IM connectivity: skype is retired/,
      fixed: "product: sfbse\nsipDomains: [contoso.com]\nfederation: {sip: true}\n",
    },
    {
      title: "Windows Live public IM connectivity on Lync Server 2013 (warning)",
      yaml: "product: lync2013\nsipDomains: [contoso.com]\nfederation: {publicIm: [windows-live, skype]}\n",
      path: "federation.publicIm",
      severity: "warning",
      message:
        /^windows-live, skype: public IM connectivity with these services no longer exists \(Skype consumer retired in May 2025\); kept for planning only$/,
      fixed: "product: lync2013\nsipDomains: [contoso.com]\nfederation: {sip: true}\n",
    },
  ],
  "HYB-01": [
    {
      title: "a tenant domain that is not a SIP domain",
      yaml: "product: sfbse\nsipDomains: [contoso.com]\nfederation: {sip: true}\nhybrid: {tenantDomains: [contoso.com, fabrikam.com]}\n",
      path: "hybrid.tenantDomains[1]",
      message: /^tenant domain fabrikam.com is not a SIP domain of the topology; add it to sipDomains/,
      fixed: "product: sfbse\nsipDomains: [contoso.com, fabrikam.com]\nfederation: {sip: true}\nhybrid: {tenantDomains: [contoso.com, fabrikam.com]}\n",
    },
  ],
  "HYB-02": [
    {
      title: "hybrid without SIP federation",
      yaml: "product: sfbse\nsipDomains: [contoso.com]\nhybrid: {tenantDomains: [contoso.com]}\n",
      path: "federation.sip",
      message: /^hybrid needs SIP federation on the federation-route Edge/,
      fixed: "product: sfbse\nsipDomains: [contoso.com]\nfederation: {sip: true}\nhybrid: {tenantDomains: [contoso.com]}\n",
    },
    {
      title: "hybrid with SIP federation planned only for later (reported where it is written)",
      yaml: "product: sfbse\nsipDomains: [contoso.com]\nlater: {federation: {sip: true}}\nhybrid: {tenantDomains: [contoso.com]}\n",
      path: "later.federation.sip",
      message: /^SIP federation is only planned for later \(later\.federation\.sip\); hybrid needs it now on the federation-route Edge/,
      fixed: "product: sfbse\nsipDomains: [contoso.com]\nfederation: {sip: true}\nhybrid: {tenantDomains: [contoso.com]}\n",
    },
  ],
  "HYB-03": [
    {
      title: "partner discovery on-premises, closed federation in the tenant",
      yaml: "product: sfbse\nsipDomains: [contoso.com]\nfederation: {sip: true}\nhybrid: {tenantDomains: [contoso.com], online: {openFederation: false}}\n",
      path: "hybrid.online.openFederation",
      severity: "warning",
      message: /^partner discovery is on on-premises but the tenant's federation is closed/,
      fixed: "product: sfbse\nsipDomains: [contoso.com]\nfederation: {sip: true}\nhybrid: {tenantDomains: [contoso.com], online: {openFederation: true}}\n",
    },
    {
      title: "open federation in the tenant, no partner discovery on-premises",
      yaml: "product: sfbse\nsipDomains: [contoso.com]\nfederation: {sip: {partnerDiscovery: false, allowedDomains: [litwareinc.com]}}\nhybrid: {tenantDomains: [contoso.com], online: {openFederation: true}}\n",
      path: "hybrid.online.openFederation",
      severity: "warning",
      message: /^the tenant's federation is open but partner discovery is off on-premises/,
      fixed:
        "product: sfbse\nsipDomains: [contoso.com]\nfederation: {sip: {partnerDiscovery: false, allowedDomains: [litwareinc.com]}}\nhybrid: {tenantDomains: [contoso.com], online: {openFederation: false}}\n",
    },
  ],
  "HYB-04": [
    {
      title: "allowed domains differ between on-premises and the tenant",
      yaml: "product: sfbse\nsipDomains: [contoso.com]\nfederation: {sip: {allowedDomains: [litwareinc.com, adatum.com]}}\nhybrid: {tenantDomains: [contoso.com], online: {allowedDomains: [litwareinc.com]}}\n",
      path: "hybrid.online.allowedDomains",
      message: /^the tenant allows litwareinc.com but on-premises allows adatum.com, litwareinc.com; both sides need the same list: adatum.com, litwareinc.com/,
      fixed:
        "product: sfbse\nsipDomains: [contoso.com]\nfederation: {sip: {allowedDomains: [litwareinc.com, adatum.com]}}\nhybrid: {tenantDomains: [contoso.com], online: {allowedDomains: [adatum.com, litwareinc.com]}}\n",
    },
    {
      title: "blocked domains differ between on-premises and the tenant",
      yaml: "product: sfbse\nsipDomains: [contoso.com]\nfederation: {sip: {blockedDomains: [spam.example.com]}}\nhybrid: {tenantDomains: [contoso.com], online: {blockedDomains: []}}\n",
      path: "hybrid.online.blockedDomains",
      message: /^the tenant blocks \(none\) but on-premises blocks spam.example.com; both sides need the same list: spam.example.com/,
      fixed:
        "product: sfbse\nsipDomains: [contoso.com]\nfederation: {sip: {blockedDomains: [spam.example.com]}}\nhybrid: {tenantDomains: [contoso.com], online: {blockedDomains: [spam.example.com]}}\n",
    },
  ],
  "HYB-05": [
    {
      title: "hybrid voice on Lync Server 2013",
      yaml: "product: lync2013\nsipDomains: [contoso.com]\nfederation: {sip: true}\nhybrid: {tenantDomains: [contoso.com], voice: true}\n",
      path: "hybrid.voice",
      message: /^hybrid voice needs the federation Edge and its next-hop pool on Skype for Business Server 2015 or later; Lync Server 2013 is not/,
      fixed: "product: sfb2015\nsipDomains: [contoso.com]\nfederation: {sip: true}\nhybrid: {tenantDomains: [contoso.com], voice: true}\n",
    },
  ],
  "HYB-06": [
    {
      title: "a Microsoft-owned *.onmicrosoft.com domain as a SIP domain of the topology",
      yaml: "product: sfbse\nsipDomains: [contoso.com, contoso.onmicrosoft.com]\n",
      path: "sipDomains[1]",
      message:
        /^contoso\.onmicrosoft\.com is a Microsoft-owned domain \(\*\.onmicrosoft\.com\): its DNS zone is Microsoft's and it is never on an Edge certificate; it cannot be a SIP domain of the topology \(list it in hybrid\.tenantDomains only\)$/,
      fixed: "product: sfbse\nsipDomains: [contoso.com]\n",
    },
  ],
  "HYB-07": [
    {
      title: "Teams Only while a SIP domain of the topology stays on-premises (warning)",
      yaml: "product: sfbse\nsipDomains: [contoso.com, fabrikam.com]\nfederation: {sip: true}\nhybrid: {tenantDomains: [fabrikam.com], phase: teams-only}\n",
      path: "sipDomains[0]",
      severity: "warning",
      message:
        /^contoso\.com stays on-premises after the Teams Only cutover: the plan keeps the sipfed\.online\.lync\.com hosting provider enabled \(shared SIP address space off\), or contoso\.com would lose federation with every Teams organisation/,
      fixed:
        "product: sfbse\nsipDomains: [contoso.com, fabrikam.com]\nfederation: {sip: true}\nhybrid: {tenantDomains: [contoso.com, fabrikam.com], phase: teams-only}\n",
    },
  ],
  "HYB-08": [
    {
      title: "a Teams Only cutover that turns the Access Edge FQDN of a running site into a CNAME",
      yaml: "product: sfbse\nsipDomains: [contoso.com, fabrikam.com]\nfederation: {sip: true}\nhybrid: {tenantDomains: [contoso.com], phase: teams-only}\n",
      path: "hybrid.tenantDomains[0]",
      message: /^the Teams Only cutover turns sip\.contoso\.com into a CNAME to sipdir\.online\.lync\.com, but it is the Access Edge FQDN/,
      also: ["HYB-07"],
      fixed: "product: sfbse\nsipDomains: [fabrikam.com, contoso.com]\nfederation: {sip: true}\nhybrid: {tenantDomains: [contoso.com], phase: teams-only}\n",
    },
  ],
  "LAB-MODE-01": [
    {
      title: "test client in internet mode",
      yaml: "sipDomains: [contoso.com]\nlab: {mode: internet, testClient: true}\n",
      path: "lab.testClient",
      message: /the test client needs the simulated Internet of mode: closed/,
      fixed: "sipDomains: [contoso.com]\nlab: {mode: closed, testClient: true}\n",
    },
  ],
  "LAB-NET-03": [
    {
      title: "a link-local perimeter subnet",
      yaml: site("network: {perimeterInternal: 169.254.33.0/24}"),
      path: "sites[0].network.perimeterInternal",
      message: /"169.254.33.0\/24" overlaps 169.254.0.0\/16 \(link-local\), which Azure does not allow in a virtual network/,
      fixed: site("network: {perimeterInternal: 172.25.33.0/24}"),
    },
    {
      title: "a multicast internal network",
      yaml: site("network: {internalNetworks: [224.1.0.0/16]}"),
      path: "sites[0].network.internalNetworks[0]",
      message: /overlaps 224.0.0.0\/4 \(multicast\)/,
      fixed: site("network: {internalNetworks: [192.168.10.0/24]}"),
    },
    {
      title: "a public range holding Azure's platform address",
      yaml: site("network: {publicRange: 168.63.129.0/24}"),
      path: "sites[0].network.publicRange",
      message: /overlaps 168.63.129.16\/32 \(Azure's platform address/,
      fixed: site("network: {publicRange: 131.107.155.0/24}"),
    },
  ],
  "LAB-NET-04": [
    {
      title: "an internal network covering the whole shared address space",
      yaml: site("network: {internalNetworks: [100.64.0.0/10]}"),
      path: "sites[0].network.internalNetworks[0]",
      message: /100.64.0.0\/10 leaves fewer than 2 free \/24 blocks of 100.64.0.0\/10/,
      fixed: site("network: {internalNetworks: [100.64.0.0/11]}"),
    },
  ],
  "LAB-TZ-01": [
    {
      title: "an IANA time zone name",
      yaml: "sipDomains: [contoso.com]\nlab: {timezone: Europe/Berlin}\n",
      path: "lab.timezone",
      message: /"Europe\/Berlin" is an IANA time zone name; Azure VMs take Windows time zone ids: write "W. Europe Standard Time"/,
      fixed: "sipDomains: [contoso.com]\nlab: {timezone: W. Europe Standard Time}\n",
    },
    {
      title: "a Windows id in the wrong case",
      yaml: "sipDomains: [contoso.com]\nlab: {timezone: pacific standard time}\n",
      path: "lab.timezone",
      message: /write "Pacific Standard Time" \(Windows time zone ids are case-sensitive\)/,
      fixed: "sipDomains: [contoso.com]\nlab: {timezone: Pacific Standard Time}\n",
    },
    {
      title: "a Terraform expression as time zone",
      yaml: "sipDomains: [contoso.com]\nlab: {timezone: 'file(\"/etc/passwd\")'}\n",
      path: "lab.timezone",
      message: /is not a Windows time zone id that Azure accepts/,
      fixed: "sipDomains: [contoso.com]\nlab: {timezone: UTC}\n",
    },
  ],
  "LAB-VM-01": [
    {
      title: "a Generation 2-only size",
      yaml: "sipDomains: [contoso.com]\nlab: {vmSize: Standard_D4s_v6}\n",
      path: "lab.vmSize",
      message: /Standard_D4s_v6 runs only Generation 2 VMs, and the lab uses Generation 1 Windows Server images/,
      fixed: "sipDomains: [contoso.com]\nlab: {vmSize: Standard_D4s_v5}\n",
    },
    {
      title: "an Arm64 size",
      yaml: "sipDomains: [contoso.com]\nlab: {vmSize: Standard_D4ps_v5}\n",
      path: "lab.vmSize",
      message: /Standard_D4ps_v5 is an Arm64 size/,
      fixed: "sipDomains: [contoso.com]\nlab: {vmSize: Standard_D4as_v5}\n",
    },
    {
      title: "a one-vCPU size (one NIC)",
      yaml: "sipDomains: [contoso.com]\nlab: {vmSize: Standard_B1s}\n",
      path: "lab.vmSize",
      message: /Standard_B1s has 1 vCPU; an Edge Server needs two NICs/,
      fixed: "sipDomains: [contoso.com]\nlab: {vmSize: Standard_B2ms}\n",
    },
  ],
  "LAB-DNS-01": [
    {
      title: "a DNS load-balanced Director pool of 21",
      yaml: site("director: {servers: 21, loadBalancing: dns-hlb}"),
      path: "sites[0].director.servers",
      message: /21 servers behind the DNS load-balanced Director pool dirpool01.contoso.com make 21 A records in one record set; Azure DNS allows 20/,
      fixed: site("director: {servers: 20, loadBalancing: dns-hlb}"),
    },
  ],
  "LAB-TEXT-01": [
    {
      title: "a Terraform expression in the title",
      yaml: "sipDomains: [contoso.com]\ntitle: 'Lab ${file(\"/etc/passwd\")}'\n",
      path: "title",
      message: /contains a Terraform template sequence or cdktf token marker/,
      fixed: "sipDomains: [contoso.com]\ntitle: 'Lab $ {file}'\n",
    },
    {
      title: "a cdktf token marker in the description",
      yaml: "sipDomains: [contoso.com]\ndescription: 'see #{TfToken[TOKEN.1]}'\n",
      path: "description",
      message: /cdktf token marker/,
      fixed: "sipDomains: [contoso.com]\ndescription: 'see the token list'\n",
    },
  ],
  "LAB-TEXT-02": [
    {
      title: "a bidirectional override in the title",
      yaml: 'sipDomains: [contoso.com]\ntitle: "Lab \\u202Egnp.exe"\n',
      path: "title",
      message: /"Lab \\u202egnp.exe" contains a control or bidirectional-override character; use plain text on one line/,
      fixed: 'sipDomains: [contoso.com]\ntitle: "Lab gnp.exe"\n',
    },
    {
      title: "a line break in the title",
      yaml: 'sipDomains: [contoso.com]\ntitle: "Lab\\n# injected heading"\n',
      path: "title",
      message: /use plain text on one line/,
      fixed: 'sipDomains: [contoso.com]\ntitle: "Lab"\ndescription: "first line\\nsecond line"\n',
    },
  ],
  "LAB-ID-01": [
    {
      title: "an id naming the project's docs folder",
      yaml: "id: docs\nsipDomains: [contoso.com]\n",
      path: "id",
      message: /"docs" is the name of one of edge-lab's own folders/,
      fixed: "id: docs-lab\nsipDomains: [contoso.com]\n",
    },
  ],
  "LAB-DUP-01": [
    {
      title: "a meet URL listed twice",
      yaml: site("reverseProxy: {simpleUrls: {meet: [meet.contoso.com, Meet.Contoso.com]}}"),
      path: "sites[0].reverseProxy.simpleUrls.meet[1]",
      message: /meet URL meet.contoso.com is listed twice \(first as item \[0\] of this list\)/,
      fixed: site("reverseProxy: {simpleUrls: {meet: [meet.contoso.com]}}"),
    },
    {
      title: "an internal network listed twice",
      yaml: site("network: {internalNetworks: [192.168.10.0/24, 192.168.20.0/24, 192.168.10.0/24]}"),
      path: "sites[0].network.internalNetworks[2]",
      message: /internal network 192.168.10.0\/24 is listed twice \(first as item \[0\]/,
      fixed: site("network: {internalNetworks: [192.168.10.0/24, 192.168.20.0/24]}"),
    },
    {
      title: "a federation partner listed twice",
      yaml: "sipDomains: [contoso.com]\nfederation: {sip: {allowedDomains: [fabrikam.com, {domain: fabrikam.com}]}}\n",
      path: "federation.sip.allowedDomains[1]",
      message: /allowed partner domain fabrikam.com is listed twice/,
      fixed: "sipDomains: [contoso.com]\nfederation: {sip: {allowedDomains: [fabrikam.com, {domain: litwareinc.com}]}}\n",
    },
    {
      title: "a tenant domain listed twice",
      yaml: "sipDomains: [contoso.com, fabrikam.com]\nfederation: {sip: true}\nhybrid: {tenantDomains: [contoso.com, contoso.com]}\n",
      path: "hybrid.tenantDomains[1]",
      message: /tenant domain contoso.com is listed twice/,
      fixed: "sipDomains: [contoso.com, fabrikam.com]\nfederation: {sip: true}\nhybrid: {tenantDomains: [contoso.com]}\n",
    },
    {
      title: "a blocked partner listed twice",
      yaml: "sipDomains: [contoso.com]\nfederation: {sip: {blockedDomains: [adatum.com, adatum.com]}}\n",
      path: "federation.sip.blockedDomains[1]",
      message: /blocked partner domain adatum.com is listed twice/,
      fixed: "sipDomains: [contoso.com]\nfederation: {sip: {blockedDomains: [adatum.com]}}\n",
    },
    {
      title: "a public IM provider listed twice",
      yaml: "product: lync2013\nsipDomains: [contoso.com]\nfederation: {publicIm: [skype, skype]}\n",
      path: "federation.publicIm[1]",
      message: /public IM provider skype is listed twice/,
      fixed: "product: lync2013\nsipDomains: [contoso.com]\nfederation: {publicIm: [skype]}\n",
    },
    {
      title: "an XMPP partner listed twice",
      yaml: "product: lync2013\nsipDomains: [contoso.com]\nfederation: {xmpp: {partners: [gmail.com, gmail.com]}}\n",
      path: "federation.xmpp.partners[1]",
      message: /XMPP partner gmail.com is listed twice/,
      fixed: "product: lync2013\nsipDomains: [contoso.com]\nfederation: {xmpp: {partners: [gmail.com]}}\n",
    },
  ],
  // Checked at load with Microsoft 365's ranges (here the shipped snapshot); the endpoints file's own entries are
  // tested in test/model/m365-endpoints.test.ts.
  "LAB-M365-01": [
    {
      title: "a hybrid site whose public range lies in Microsoft 365's 52.112.0.0/14",
      yaml: "product: sfbse\nsipDomains: [contoso.com]\nfederation: {sip: true}\nhybrid: {tenantDomains: [contoso.com]}\nsites:\n  - name: hq\n    network: {publicRange: 52.113.10.0/24}\n",
      path: "sites[0].network.publicRange",
      message: /^public range 52\.113\.10\.0\/24 of site hq lies in Microsoft 365's 52\.112\.0\.0\/14 \(edge-lab's snapshot of \d{4}-\d\d-\d\d\)/,
      fixed:
        "product: sfbse\nsipDomains: [contoso.com]\nfederation: {sip: true}\nhybrid: {tenantDomains: [contoso.com]}\nsites:\n  - name: hq\n    network: {publicRange: 131.107.10.0/24}\n",
    },
  ],
};

/**
 * Product notices: every lync2013 / sfb2015 / sfb2019 file gets the SE-01 support warning, and Skype / Windows Live
 * public IM connectivity the SE-02 retired-service warning. They are background for the other rules' cases (the
 * scenarios here are written for Microsoft's 2013 examples) and tested on their own below.
 */
const NOTICES: readonly string[] = ["SE-01", "SE-02"];
const rulesOf = (result: LoadResult, rule?: string) =>
  [...new Set(result.problems.filter((p) => p.rule === rule || !(p.severity === "warning" && NOTICES.includes(p.rule))).map((p) => p.rule))].sort();
const show = (p: Problem) => `[${p.rule}] ${p.path}: ${p.message}`;

describe.each(Object.entries(CASES) as [CheckedRule, readonly Violation[]][])("%s", (rule, cases) => {
  describe.each(cases.map((c) => [c.title, c] as const))("%s", (_title, c) => {
    test("is reported with its rule id, path, severity and message, and nothing unrelated", () => {
      const result = load(c.yaml);
      const hits = result.problems.filter((p) => p.rule === rule);
      expect(hits.map(show)).toHaveLength(c.count ?? 1);
      const hit = hits.find((p) => p.path === c.path);
      expect(hit ?? hits.map(show)).toMatchObject({ path: c.path, severity: c.severity ?? "error", file: "test.yaml" });
      expect(hit!.message).toMatch(c.message);
      expect(hit!.line).toBeGreaterThan(0);
      expect(hit!.column).toBeGreaterThan(0);
      expect(rulesOf(result, rule)).toEqual([rule, ...(c.also ?? [])].sort());
      expect(result.ok).toBe((c.severity ?? "error") === "warning" && !c.also?.length);
    });

    test("is not reported once the input is corrected", () => {
      const result = load(c.fixed);
      expect(result.problems.filter((p) => p.rule === rule || p.severity === "error").map(show)).toEqual([]);
      expect(result.ok).toBe(true);
      expect(result.plan).toBeDefined();
    });
  });
});

describe("rule coverage", () => {
  const catalogue = (Object.keys(RULES) as RuleId[]).filter((id) => id !== "SCHEMA");
  const checked = new Set<string>(RULE_CHECKS.flatMap((c) => c.rules));

  test("every rule of the catalogue has at least one violating scenario in this file", () => {
    const tested = Object.entries(CASES)
      .filter(([, cases]) => cases.length > 0)
      .map(([id]) => id);
    expect(tested.sort()).toEqual([...catalogue].sort());
  });

  test("every rule of the catalogue is listed in RULE_CHECKS, except the rules the schema enforces", () => {
    expect(catalogue.filter((id) => !checked.has(id)).sort()).toEqual(
      ["CERT-04", "LAB-DUP-01", "LAB-ID-01", "LAB-M365-01", "LAB-NET-01", "LAB-NET-03", "LAB-TEXT-01", "LAB-TEXT-02", "LAB-TZ-01", "LAB-VM-01", "LB-07"].sort(),
    );
    expect(catalogue.filter((id) => !checked.has(id) && !SCHEMA_RULES.includes(id) && !M365_RULES.includes(id))).toEqual([]);
    expect([...checked, ...SCHEMA_RULES].filter((id) => !(id in RULES))).toEqual([]);
  });

  test("each schema rule is reported while parsing (no resolved scenario)", () => {
    expect(SCHEMA_RULES.filter((id) => !CASES[id as CheckedRule].some((c) => load(c.yaml).scenario === undefined))).toEqual([]);
  });

  test("each RULE_CHECKS entry reports only the rules it lists", () => {
    const unlisted: string[] = [];
    for (const c of Object.values(CASES).flat()) {
      const scenario = load(c.yaml).scenario;
      if (!scenario) continue;
      for (const check of RULE_CHECKS) {
        for (const f of check.check(scenario))
          if (!(check.rules as readonly string[]).includes(f.rule)) unlisted.push(`${f.rule} from check [${check.rules.join(", ")}]`);
      }
    }
    expect(unlisted).toEqual([]);
  });
});

describe("LB-09 only for features that are planned and accepted", () => {
  const pool = (head: string) => edge("{servers: 2, loadBalancing: dns}", head);

  test("public IM connectivity that the product refuses (SE-02) gets no failover warning", () => {
    const result = load(pool("product: sfbse\nsipDomains: [contoso.com]\nfederation: {sip: true, publicIm: [skype]}"));
    expect(result.problems.map(show)).toEqual([
      expect.stringMatching(/^\[SE-02\] federation.publicIm: Skype for Business Server Subscription Edition has no public IM/),
    ]);
  });

  test("XMPP that the product refuses (LAB-VER-01) gets no failover warning; OCS 2007 partners still do", () => {
    const result = load(pool("product: sfb2019\nsipDomains: [contoso.com]\nfederation: {sip: true, xmpp: true, ocs2007Partners: true}"));
    expect(
      result.problems
        .filter((p) => p.rule !== "SE-01")
        .map(show)
        .sort(),
    ).toEqual([
      expect.stringMatching(/^\[LAB-VER-01\] federation.xmpp: XMPP federation is not available/),
      "[LB-09] sites[0].edge.loadBalancing: DNS load balancing: OCS 2007 federation will not fail over between pool members (use hardware if that matters, HLB-01)",
    ]);
  });

  test("the same features on a product that has them are warned about", () => {
    const result = load(pool("product: lync2013\nsipDomains: [contoso.com]\nfederation: {sip: true, xmpp: true, publicIm: [skype]}"));
    expect(result.problems.filter((p) => p.rule === "LB-09").map(show)).toEqual([
      "[LB-09] sites[0].edge.loadBalancing: DNS load balancing: public IM connectivity, XMPP will not fail over between pool members (use hardware if that matters, HLB-01)",
    ]);
  });
});
