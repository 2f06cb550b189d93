/**
 * A generated corpus of malformed or impossible scenario files: truncated YAML, wrong types, unknown keys,
 * out-of-range numbers, bad CIDRs and FQDNs, rule violations, huge values, empty files and binary junk.
 * Every case must be rejected with a clear error (file, field or line, rule id), exit code 1, and no stack trace.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";

export interface BadCase {
  readonly name: string;
  readonly content: string | Buffer;
  /** Rule id the first error must carry, when the case targets one. */
  readonly rule?: string;
}

const SCENARIO_DIR = join(__dirname, "..", "..", "scenarios");
const BUNDLED = ["single-consolidated-nat", "single-consolidated-public", "scaled-dnslb-nat", "scaled-dnslb-public", "scaled-hlb", "contoso-enterprise"];

/** A valid base scenario as an object; cases change one thing. */
function base(): Record<string, any> {
  return {
    id: "corpus",
    sipDomains: ["contoso.com", "fabrikam.com"],
    internalDomain: "contoso.net",
    federation: { sip: true, xmpp: { partners: ["gmail.com"] } },
    sites: [{ name: "hq", edge: { servers: 2, loadBalancing: "dns", externalAddressing: "nat" } }],
  };
}

function mutate(name: string, change: (s: Record<string, any>) => void, rule?: string): BadCase {
  const s = base();
  change(s);
  return { name, content: stringify(s), rule };
}

function truncations(): BadCase[] {
  const cases: BadCase[] = [];
  for (const id of BUNDLED) {
    const text = readFileSync(join(SCENARIO_DIR, `${id}.yaml`), "utf8");
    // Cut inside the flow sequence "sipDomains: [...]": the YAML is always unterminated.
    const start = text.indexOf("sipDomains: [") + "sipDomains: [".length;
    const end = text.indexOf("]", start);
    for (let cut = start; cut < end; cut += 2) cases.push({ name: `truncated-${id}-at-${cut}`, content: text.slice(0, cut), rule: "YAML" });
    // Cut inside the quoted or plain title, then append an unbalanced quote.
    const title = text.indexOf("title: ");
    cases.push({ name: `truncated-${id}-open-quote`, content: `${text.slice(0, title)}title: "unterminated\n`, rule: "YAML" });
  }
  return cases;
}

const WRONG_TYPES: [string, (s: Record<string, any>) => void][] = [
  ["sipDomains-string", (s) => (s.sipDomains = "contoso.com")],
  ["sipDomains-number", (s) => (s.sipDomains = 42)],
  ["sipDomains-empty", (s) => (s.sipDomains = [])],
  ["sipDomains-object", (s) => (s.sipDomains = { a: 1 })],
  ["id-number", (s) => (s.id = 7)],
  ["id-uppercase", (s) => (s.id = "Contoso")],
  ["product-unknown", (s) => (s.product = "lync2010")],
  ["mobility-string", (s) => (s.mobility = "yes")],
  ["mobility-push-string", (s) => (s.mobility = { push: "yes" })],
  ["primarySite-number", (s) => (s.primarySite = 1)],
  ["later-string", (s) => (s.later = "xmpp")],
  ["later-mobility-string", (s) => (s.later = { mobility: "soon" })],
  ["sites-object", (s) => (s.sites = { name: "hq" })],
  ["sites-empty", (s) => (s.sites = [])],
  ["site-name-number", (s) => (s.sites[0].name = 5)],
  ["site-name-long", (s) => (s.sites[0].name = "headquarters")],
  ["site-name-hyphen", (s) => (s.sites[0].name = "h-q")],
  ["edge-string", (s) => (s.sites[0].edge = "pool")],
  ["servers-string", (s) => (s.sites[0].edge.servers = "two")],
  ["servers-float", (s) => (s.sites[0].edge.servers = 2.5)],
  ["servers-null", (s) => (s.sites[0].edge.servers = null)],
  ["servers-list-of-numbers", (s) => (s.sites[0].edge.servers = [1, 2])],
  ["loadBalancing-round-robin", (s) => (s.sites[0].edge.loadBalancing = "round-robin")],
  ["loadBalancing-list", (s) => (s.sites[0].edge.loadBalancing = ["dns"])],
  ["addressing-private", (s) => (s.sites[0].edge.externalAddressing = "private")],
  ["ipMode-two", (s) => (s.sites[0].edge.ipMode = "two")],
  ["federation-list", (s) => (s.federation = ["sip"])],
  ["federation-sip-string", (s) => (s.federation.sip = "on")],
  ["publicIm-unknown", (s) => (s.federation.publicIm = ["icq"])],
  ["publicIm-string", (s) => (s.federation.publicIm = "skype")],
  ["xmpp-partners-string", (s) => (s.federation.xmpp.partners = "gmail.com")],
  ["lab-mode-open", (s) => (s.lab = { mode: "open" })],
  ["lab-region-spaces", (s) => (s.lab = { region: "West Europe" })],
  ["lab-vmsize", (s) => (s.lab = { vmSize: "D4s" })],
  ["lab-shutdown-25h", (s) => (s.lab = { autoShutdown: "25:00" })],
  ["lab-shutdown-true", (s) => (s.lab = { autoShutdown: true })],
  ["network-string", (s) => (s.sites[0].network = "10.0.0.0/8")],
  ["internalNetworks-empty", (s) => (s.sites[0].network = { internalNetworks: [] })],
  ["internalNetworks-string", (s) => (s.sites[0].network = { internalNetworks: "192.168.10.0/24" })],
  ["ports-string", (s) => (s.sites[0].edge.ports = { access: "443" })],
  ["director-servers-zero", (s) => (s.sites[0].director = { servers: 0 })],
  ["reverseProxy-name-long", (s) => (s.sites[0].reverseProxy = { name: "a-very-long-computer-name" })],
  ["officeWebApps-string", (s) => (s.sites[0].reverseProxy = { officeWebApps: "yes" })],
  ["autodiscover-ftp", (s) => (s.sites[0].reverseProxy = { autodiscover: "ftp" })],
];

const UNKNOWN_KEYS: [string, (s: Record<string, any>) => void][] = [
  ["top", (s) => (s.colour = "blue")],
  ["top-typo", (s) => (s.sipDomain = ["contoso.com"])],
  ["site", (s) => (s.sites[0].edges = 2)],
  ["edge", (s) => (s.sites[0].edge.server = 2)],
  ["edge-fqdns", (s) => (s.sites[0].edge.fqdns = { sip: "sip.contoso.com" })],
  ["network", (s) => (s.sites[0].network = { dmz: "10.0.0.0/24" })],
  ["federation", (s) => (s.federation.msn = true)],
  ["xmpp", (s) => (s.federation.xmpp.partner = ["gmail.com"])],
  ["lab", (s) => (s.lab = { size: "big" })],
  ["server-entry", (s) => (s.sites[0].edge.servers = [{ name: "e1", ip: "10.45.16.10" }, { name: "e2" }])],
  ["server-external", (s) => (s.sites[0].edge.servers = [{ external: { sip: { address: "10.45.16.10" } } }, {}])],
  ["frontEnd", (s) => (s.sites[0].frontEndPool = { vip: "192.168.10.20" })],
  ["director", (s) => (s.sites[0].director = { pool: true })],
  ["reverseProxy", (s) => (s.sites[0].reverseProxy = { listener: "10.45.16.40" })],
  ["simpleUrls", (s) => (s.sites[0].reverseProxy = { simpleUrls: { admin: "admin.contoso.com" } })],
  // Features planned for later (issue 12): the same keys as federation and mobility, nothing else.
  ["later", (s) => (s.later = { xmpp: true })],
  ["later-federation", (s) => (s.later = { federation: { msn: true } })],
  ["mobility-object", (s) => (s.mobility = { push: true, apple: true })],
];

const OUT_OF_RANGE: [string, (s: Record<string, any>) => void, string?][] = [
  ["servers-0", (s) => (s.sites[0].edge.servers = 0)],
  ["servers-negative", (s) => (s.sites[0].edge.servers = -2)],
  ["servers-13", (s) => (s.sites[0].edge.servers = 13), "LB-05"],
  ["servers-20", (s) => (s.sites[0].edge.servers = 20), "LB-05"],
  ["servers-65", (s) => (s.sites[0].edge.servers = 65)],
  ["servers-huge", (s) => (s.sites[0].edge.servers = 1e12)],
  ["port-0", (s) => (s.sites[0].edge = { ipMode: "single", ports: { webConferencing: 0 } })],
  ["port-70000", (s) => (s.sites[0].edge = { ipMode: "single", ports: { webConferencing: 70000 } })],
  ["sites-9", (s) => (s.sites = Array.from({ length: 9 }, (_, i) => ({ name: `s${i}` })))],
  ["sipDomains-21", (s) => (s.sipDomains = Array.from({ length: 21 }, (_, i) => `d${i}.com`))],
  ["director-13", (s) => (s.sites[0].director = { servers: 65 })],
];

const BAD_CIDRS: [string, string, string?][] = [
  ["host-bits", "10.45.16.5/24"],
  ["prefix-33", "10.45.16.0/33"],
  ["octet-300", "300.45.16.0/24"],
  ["words", "perimeter"],
  ["no-prefix", "10.45.16.0"],
  ["prefix-30", "10.45.16.0/30", "LAB-NET-01"],
  ["prefix-4", "16.0.0.0/4", "LAB-NET-01"],
  ["ipv6", "2001:db8::/64"],
  ["leading-zero", "010.45.16.0/24"],
  ["empty", ""],
];

const BAD_FQDNS: [string, string, string][] = [
  ["underscore", "sip_edge.contoso.com", "NET-08"],
  ["wildcard", "*.contoso.com", "CERT-04"],
  ["leading-hyphen", "-sip.contoso.com", "NET-08"],
  ["double-dot", "sip..contoso.com", "NET-08"],
  ["unicode", "sïp.contoso.com", "NET-08"],
  ["single-label", "sip", "NET-08"],
  ["too-long-label", `${"a".repeat(64)}.contoso.com`, "NET-08"],
  ["too-long-name", `${"abcdefghij.".repeat(25)}com`, "NET-08"],
  ["numeric-tld", "sip.contoso.123", "NET-08"],
  ["space", "sip contoso.com", "NET-08"],
];

const RULE_VIOLATIONS: [string, (s: Record<string, any>) => void, string][] = [
  ["pool-of-one", (s) => (s.sites[0].edge.servers = 1), "LB-04"],
  ["hlb-with-nat", (s) => (s.sites[0].edge.loadBalancing = "hardware"), "LB-02"],
  ["mixed-lb", (s) => (s.sites[0].edge.loadBalancing = { external: "dns", internal: "hardware" }), "LB-01"],
  ["subnets-equal", (s) => (s.sites[0].network = { perimeterExternal: "10.45.16.0/24", perimeterInternal: "10.45.16.0/24" }), "NET-04"],
  ["subnets-overlap", (s) => (s.sites[0].network = { perimeterExternal: "10.45.0.0/16", perimeterInternal: "10.45.33.0/24" }), "NET-04"],
  ["internal-net-overlap", (s) => (s.sites[0].network = { internalNetworks: ["172.25.0.0/16"] }), "NET-04"],
  ["address-outside", (s) => (s.sites[0].edge.servers = [{ internal: { address: "172.25.34.10" } }, {}]), "LAB-ADDR-01"],
  ["address-duplicate", (s) => (s.sites[0].edge.servers = [{ internal: { address: "172.25.33.11" } }, {}]), "LAB-ADDR-02"],
  ["address-reserved", (s) => (s.sites[0].edge.servers = [{ internal: { address: "172.25.33.3" } }, {}]), "LAB-ADDR-03"],
  ["address-broadcast", (s) => (s.sites[0].edge.servers = [{ internal: { address: "172.25.33.255" } }, {}]), "LAB-ADDR-03"],
  [
    "nat-partial",
    (s) =>
      (s.sites[0].edge.servers = [
        {
          external: {
            access: { address: "10.45.16.10", natPublic: "131.107.155.10" },
            webConferencing: { address: "10.45.16.20" },
            av: { address: "10.45.16.30", natPublic: "131.107.155.30" },
          },
        },
        {},
      ]),
    "NAT-06",
  ],
  ["nat-internal", (s) => (s.sites[0].edge.servers = [{ internal: { address: "172.25.33.10", natPublic: "131.107.155.99" } }, {}]), "NAT-01"],
  [
    "two-routes",
    (s) =>
      (s.sites = [
        { name: "hq", federationRoute: true },
        { name: "dr", federationRoute: true },
      ]),
    "FED-01",
  ],
  ["no-route", (s) => (s.sites = [{ name: "hq" }, { name: "dr" }]), "FED-01"],
  ["xmpp-2019", (s) => (s.product = "sfb2019"), "LAB-VER-01"],
  ["xmpp-foreign-domain", (s) => (s.federation.xmpp.domains = ["litware.com"]), "FED-02"],
  ["single-ip-clash", (s) => (s.sites[0].edge = { ipMode: "single", ports: { access: 443, webConferencing: 443 } }), "NET-14"],
  ["per-service-port", (s) => (s.sites[0].edge = { ports: { access: 5061 } }), "NET-14"],
  ["srv-target-outside", (s) => (s.sites[0].edge.fqdns = { access: "sip.fabrikam.com" }), "DNS-04"],
  ["edge-fqdn-outside-domains", (s) => (s.sites[0].edge.fqdns = { webConferencing: "webcon.litware.com" }), "DNS-01"],
  ["same-service-fqdns", (s) => (s.sites[0].edge.fqdns = { av: "webcon.contoso.com" }), "NET-05"],
  ["internal-equals-external", (s) => (s.sites[0].edge.fqdns = { internalPool: "sip.contoso.com" }), "CERT-06"],
  ["director-dns-only", (s) => (s.sites[0].director = { servers: 2, loadBalancing: "dns" }), "DIR-01"],
  ["director-single-lb", (s) => (s.sites[0].director = { servers: 1, loadBalancing: "hlb" }), "DIR-01"],
  ["admin-internet", (s) => (s.lab = { adminSourceCidr: "0.0.0.0/0" }), "LAB-SEC-01"],
  ["admin-garbage", (s) => (s.lab = { adminSourceCidr: "my office" }), "LAB-SEC-01"],
  ["test-client-internet", (s) => (s.lab = { mode: "internet", testClient: true }), "LAB-MODE-01"],
  [
    "sites-overlap",
    (s) =>
      (s.sites = [
        { name: "hq", federationRoute: true },
        { name: "dr", network: { perimeterInternal: "172.25.33.0/24" } },
      ]),
    "LAB-NET-02",
  ],
  ["meet-missing-domain", (s) => (s.sites[0].reverseProxy = { simpleUrls: { meet: ["meet.contoso.com"] } }), "DNS-09"],
  ["web-fqdn-equal", (s) => (s.sites[0].frontEndPool = { fqdn: "pool01.contoso.net", internalWebFqdn: "webext.contoso.com" }), "DNS-10"],
  ["next-hop-outside", (s) => (s.sites[0].frontEndPool = { address: "10.99.0.20" }), "NET-03"],
  [
    "public-subnet-outside-range",
    (s) => ((s.sites[0].edge.externalAddressing = "public"), (s.sites[0].network = { perimeterExternal: "10.45.16.0/24" })),
    "NET-11",
  ],
  ["rp-overlaps-internal", (s) => (s.sites[0].network = { reverseProxyExternal: "172.25.33.0/24" }), "RP-06"],
  ["hlb-single-ip-vips", (s) => (s.sites[0].edge = { servers: 2, loadBalancing: "hardware", ipMode: "single", vips: { av: "131.107.155.30" } }), "HLB-12"],
  ["duplicate-names", (s) => (s.sites[0].frontEndPool = { fqdn: "lsedge.contoso.net" }), "LAB-NAME-01"],
  ["small-subnet-auto-numbering", (s) => (s.sites[0].network = { perimeterExternal: "10.45.16.0/28" }), "LAB-ADDR-01"],
  // Issue 12: the site for remote sign-in must exist; push is a federation (needs the route); later features.
  ["public-range-too-small", (s) => ((s.sites[0].edge.servers = 5), (s.sites[0].network = { publicRange: "131.107.155.0/29" })), "LAB-ADDR-01"],
  ["primary-site-unknown", (s) => (s.primarySite = "paris"), "LAB-SITE-01"],
  ["push-without-route", (s) => ((s.federation = {}), (s.mobility = true), (s.sites = [{ name: "hq" }, { name: "dr" }])), "FED-01"],
  [
    "later-federation-without-route",
    (s) => ((s.federation = {}), (s.later = { federation: { sip: true } }), (s.sites = [{ name: "hq" }, { name: "dr" }])),
    "FED-01",
  ],
  ["later-and-deployed", (s) => (s.later = { federation: { xmpp: true } }), "LAB-LATER-01"],
  ["later-mobility-and-deployed", (s) => ((s.mobility = { push: false }), (s.later = { mobility: true })), "LAB-LATER-01"],
  ["later-xmpp-2019", (s) => ((s.product = "sfb2019"), (s.federation = { sip: true }), (s.later = { federation: { xmpp: true } })), "LAB-VER-01"],
  ["later-xmpp-foreign-domain", (s) => ((s.federation = { sip: true }), (s.later = { federation: { xmpp: { domains: ["litware.com"] } } })), "FED-02"],
];

/** Issue 12: inputs Azure or the provider would refuse, injection into outputs, and parser exhaustion; one per class. */
const AZURE_AND_INJECTION: [string, (s: Record<string, any>) => void, string][] = [
  ["timezone-iana", (s) => (s.lab = { timezone: "Europe/Berlin" }), "LAB-TZ-01"],
  ["timezone-terraform-expression", (s) => (s.lab = { timezone: '${file("/etc/passwd")}' }), "LAB-TEXT-01"],
  ["vnet-multicast", (s) => (s.sites[0].network = { perimeterInternal: "224.0.0.0/24" }), "LAB-NET-03"],
  ["vnet-loopback", (s) => (s.sites[0].network = { internalNetworks: ["127.0.0.0/8"] }), "LAB-NET-03"],
  ["vnet-link-local", (s) => (s.sites[0].network = { perimeterExternal: "169.254.1.0/24" }), "LAB-NET-03"],
  ["vnet-azure-platform", (s) => (s.sites[0].network = { publicRange: "168.63.129.0/24" }), "LAB-NET-03"],
  ["vnet-broadcast", (s) => (s.sites[0].network = { reverseProxyExternal: "255.255.255.0/24" }), "LAB-NET-03"],
  ["no-infrastructure-space", (s) => (s.sites[0].network = { internalNetworks: ["100.64.0.0/10"] }), "LAB-NET-04"],
  ["vm-size-gen2-only", (s) => (s.lab = { vmSize: "Standard_D4s_v6" }), "LAB-VM-01"],
  ["vm-size-arm64", (s) => (s.lab = { vmSize: "Standard_D4ps_v5" }), "LAB-VM-01"],
  ["dns-record-set-over-20", (s) => (s.sites[0].director = { servers: 21, loadBalancing: "dns-hlb" }), "LAB-DNS-01"],
  ["title-terraform-template", (s) => (s.title = "%{ for x in y }x%{ endfor }"), "LAB-TEXT-01"],
  ["description-cdktf-token", (s) => (s.description = "${TfToken[TOKEN.1]}"), "LAB-TEXT-01"],
  ["title-newline", (s) => (s.title = "Lab\n# injected"), "LAB-TEXT-02"],
  ["title-ansi-escape", (s) => (s.title = "\u001b[2J\u001b[31mred"), "LAB-TEXT-02"],
  ["title-bidi-override", (s) => (s.title = "Lab \u202egnp.exe"), "LAB-TEXT-02"],
  ["id-names-project-folder", (s) => (s.id = "scenarios"), "LAB-ID-01"],
  ["duplicate-meet", (s) => (s.sites[0].reverseProxy = { simpleUrls: { meet: ["meet.contoso.com", "meet.fabrikam.com", "meet.contoso.com"] } }), "LAB-DUP-01"],
  ["duplicate-internal-network", (s) => (s.sites[0].network = { internalNetworks: ["192.168.10.0/24", "192.168.10.0/24"] }), "LAB-DUP-01"],
  ["duplicate-xmpp-partner", (s) => (s.federation.xmpp.partners = ["gmail.com", "gmail.com"]), "LAB-DUP-01"],
];

function exhaustion(): BadCase[] {
  let anchors = "sipDomains: [contoso.com]\n";
  for (let i = 0; anchors.length < 790000; i++) anchors += `a${i}: &a${i} {v: ${i > 0 ? `*a${i - 1}` : 1}}\n`;
  return [
    { name: "yaml-anchor-chain-790k", content: anchors, rule: "YAML" },
    {
      name: "yaml-90000-keys",
      content: `sipDomains: [contoso.com]\nx:\n${Array.from({ length: 90000 }, (_, i) => `  ${i.toString(36)}: 1`).join("\n")}\n`,
      rule: "YAML",
    },
    {
      name: "yaml-deep-block",
      content: `sipDomains: [contoso.com]\n${Array.from({ length: 300 }, (_, i) => `${" ".repeat(i)}k${i}:`).join("\n")} 1\n`,
      rule: "YAML",
    },
    {
      name: "meet-5000-duplicates",
      content: stringify({ ...base(), sites: [{ name: "hq", reverseProxy: { simpleUrls: { meet: Array(5000).fill("meet.contoso.com") } } }] }),
      rule: "SCHEMA",
    },
  ];
}

function hugeAndEmpty(): BadCase[] {
  const deep = `${"- ".repeat(1)}${"[".repeat(2000)}${"]".repeat(2000)}`;
  const aliasBomb = [
    "a: &a [x, x, x, x, x, x, x, x, x, x]",
    ...Array.from(
      { length: 8 },
      (_, i) =>
        `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}]`,
    ),
    "sipDomains: [contoso.com]",
  ].join("\n");
  return [
    { name: "empty", content: "", rule: "YAML" },
    { name: "whitespace", content: "   \n\n  \t\n", rule: "YAML" },
    { name: "comment-only", content: "# nothing here\n", rule: "YAML" },
    { name: "null", content: "null\n" },
    { name: "tilde", content: "~\n" },
    { name: "list", content: "- contoso.com\n" },
    { name: "number", content: "42\n" },
    { name: "string", content: "hello edge\n" },
    { name: "json-array", content: "[]" },
    { name: "duplicate-key", content: "sipDomains: [contoso.com]\nsipDomains: [fabrikam.com]\n", rule: "YAML" },
    { name: "tab-indent", content: "sites:\n\t- name: hq\n", rule: "YAML" },
    { name: "bad-indent", content: "sipDomains:\n  - contoso.com\n - fabrikam.com\n", rule: "YAML" },
    { name: "deep-nesting", content: `sipDomains: ${deep}\n` },
    { name: "alias-bomb", content: aliasBomb },
    { name: "title-huge", content: stringify({ ...base(), title: "x".repeat(100000) }) },
    { name: "description-huge", content: stringify({ ...base(), description: "y".repeat(50000) }) },
    { name: "too-large-file", content: `# ${"z".repeat(1024 * 1024 + 10)}\nsipDomains: [contoso.com]\n`, rule: "FILE" },
    {
      name: "many-servers-listed",
      content: stringify({ ...base(), sites: [{ name: "hq", edge: { servers: Array.from({ length: 60 }, () => ({})) } }] }),
      rule: "LB-05",
    },
    { name: "number-overflow", content: "sipDomains: [contoso.com]\nsites:\n  - name: hq\n    edge:\n      servers: 99999999999999999999999999\n" },
    { name: "binary-nul", content: Buffer.from([0x73, 0x69, 0x70, 0x00, 0x01, 0x02, 0xff, 0xfe]), rule: "YAML" },
    {
      name: "binary-png",
      content: Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]), Buffer.from("IHDR")]),
      rule: "YAML",
    },
    { name: "binary-random", content: Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 7919 + 13) % 256)), rule: "YAML" },
    { name: "utf16", content: Buffer.from("\ufeffsipDomains: [contoso.com]\n", "utf16le"), rule: "YAML" },
  ];
}

export function badCases(): BadCase[] {
  return [
    ...truncations(),
    ...WRONG_TYPES.map(([name, change]) => mutate(`wrong-type-${name}`, change)),
    ...UNKNOWN_KEYS.map(([name, change]) => mutate(`unknown-key-${name}`, change, "SCHEMA")),
    ...OUT_OF_RANGE.map(([name, change, rule]) => mutate(`out-of-range-${name}`, change, rule)),
    ...BAD_CIDRS.flatMap(([name, cidr, rule]) => [
      mutate(`bad-cidr-${name}-external`, (s) => (s.sites[0].network = { perimeterExternal: cidr }), rule),
      mutate(`bad-cidr-${name}-internal-networks`, (s) => (s.sites[0].network = { internalNetworks: [cidr] }), rule),
    ]),
    ...BAD_FQDNS.flatMap(([name, fqdn, rule]) => [
      mutate(`bad-fqdn-${name}-sip-domain`, (s) => (s.sipDomains = [fqdn]), rule),
      mutate(`bad-fqdn-${name}-access`, (s) => (s.sites[0].edge.fqdns = { access: fqdn }), rule),
    ]),
    ...RULE_VIOLATIONS.map(([name, change, rule]) => mutate(`rule-${name}`, change, rule)),
    ...hugeAndEmpty(),
    ...AZURE_AND_INJECTION.map(([name, change, rule]) => mutate(`azure-injection-${name}`, change, rule)),
    ...exhaustion(),
  ];
}
