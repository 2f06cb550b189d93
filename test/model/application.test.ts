/**
 * The typed application of firewall rows (issue 19, point 2): every port table row gives one, consistent with
 * Microsoft's protocol text, and it reaches the plan's rows; no probe or emulator code reads the protocol text.
 */
import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { answersStun, carriesSip, carriesTls, type Application } from "../../lib/model/application";
import { HYBRID_PORTS } from "../../lib/model/hybrid";
import { DIRECTOR_PORTS, EDGE_PORTS, REVERSE_PROXY_PORTS } from "../../lib/model/ports";
import { bundledPlan, bundledScenarioIds, ROOT, sourceFiles } from "../helpers";

/** Microsoft's protocol texts and what they carry: the table the rows must agree with. */
const BY_PROTOCOL_TEXT: Readonly<Record<string, Application>> = {
  DNS: "dns",
  HTTP: "http",
  HTTPS: "https",
  MTLS: "cls",
  "PSOM (MTLS)": "psom",
  "PSOM (TLS)": "psom",
  RTP: "rtp",
  "SIP (MTLS)": "sip-mtls",
  "SIP (TLS)": "sip-tls",
  "STUN/MSTURN": "turn",
  STUN: "stun",
  XMPP: "xmpp",
  "XMPP (MTLS)": "xmpp-mtls",
};

const rows = [...EDGE_PORTS, ...REVERSE_PROXY_PORTS, ...DIRECTOR_PORTS, ...HYBRID_PORTS];

test.each(rows.map((r) => [r.id, r] as const))("port table row %s: its application agrees with Microsoft's protocol text", (_id, row) => {
  expect(row.application).toBe(BY_PROTOCOL_TEXT[row.protocol]);
  // The traits the probes and the emulator read are what the protocol text says (the text matches they replace).
  expect([carriesTls(row.application), carriesSip(row.application), answersStun(row.application)]).toEqual([
    /TLS|HTTPS/.test(row.protocol),
    /^SIP/.test(row.protocol),
    /STUN/.test(row.protocol),
  ]);
});

test.each(bundledScenarioIds())("every firewall row of %s carries its port table row's application", (id) => {
  const plan = bundledPlan(id);
  for (const r of plan.firewallRules) expect([r.id, r.application]).toEqual([r.id, BY_PROTOCOL_TEXT[r.protocol]]);
});

test("no probe or emulator code matches Microsoft's protocol text (it reads the row's application)", () => {
  const offenders = sourceFiles(["lib/model/probes", "lib/lab", "lib/emulate"]).flatMap((file) =>
    readFileSync(file, "utf8")
      .split("\n")
      .filter((line) => /\.test\([^)]*\.protocol\)|\.protocol\s*===|\.protocol\.(startsWith|includes|match)/.test(line))
      .map((line) => `${relative(ROOT, file)}: ${line.trim()}`),
  );
  expect(offenders).toEqual([]);
});
