/** Output order must not depend on the machine's locale (String.localeCompare follows LANG). */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { evalWithSources } from "../cli";
import { ROOT, sourceFiles } from "../helpers";

test("no locale-dependent comparison in the sources", () => {
  const offenders = sourceFiles().filter((f) => /\.localeCompare\(/.test(readFileSync(f, "utf8")));
  expect(offenders).toEqual([]);
});

test("plan JSON and zone files are byte-identical under two locales whose collations differ", () => {
  // In Danish collation "aa" sorts after "z"; in code-unit order it sorts first.
  const script = `
    const { loadScenarioText } = require("./lib/model/load");
    const { zoneFiles } = require("./lib/lab/zones");
    const r = loadScenarioText("id: locale\\nsipDomains: [contoso.com, aadatum.com, zz-top.com]\\nmobility: true\\n", "locale.yaml");
    process.stdout.write(JSON.stringify(r.plan) + JSON.stringify(zoneFiles(r.plan).map((z) => z.content)));
  `;
  const run = (lang: string) =>
    execFileSync(process.execPath, evalWithSources(script), {
      cwd: ROOT,
      env: { ...process.env, LANG: lang, LC_ALL: lang },
      encoding: "utf8",
    });
  const c = run("C.UTF-8");
  const danish = run("da_DK.UTF-8");
  expect(c.length).toBeGreaterThan(1000);
  expect(danish).toBe(c);
  expect(c.indexOf('"name":"_sip._tls.aadatum.com"')).toBeLessThan(c.indexOf('"name":"_sip._tls.contoso.com"'));
}, 30_000);
