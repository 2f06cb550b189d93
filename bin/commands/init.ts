import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { describeFsError } from "../../lib/io/atomic";
import { formatProblem, idFromFileName, loadScenarioText } from "../../lib/model/load";
import { installedSchemaFile } from "../../lib/model/json-schema";
import {
  applicableSections,
  collectList,
  InitError,
  nextSteps,
  presetsFromFlags,
  renderScenarioYaml,
  runWizard,
  type InitFlags,
  type Prompter,
} from "../../lib/init";
import type { RegisterCommand } from "./context";

interface InitOptions extends InitFlags {
  readonly yes?: boolean;
  readonly force?: boolean;
}

/**
 * Asks through @inquirer/prompts, loaded at the first question (only an interactive init needs it; it stays out of
 * the CLI's bundle: scripts/bundle.js). Input, number and checkbox answers are refused in place by `validate`.
 */
const inquirerPrompter: Prompter = {
  async ask(spec) {
    const { checkbox, confirm, input, number, select } = await import("@inquirer/prompts");
    const message = spec.message;
    const choices = spec.choices ?? [];
    switch (spec.kind) {
      case "select":
        return select({ message, choices: choices.map((c) => ({ value: c.value, name: c.name, disabled: c.disabled ?? false })), default: spec.default });
      case "confirm":
        return confirm({ message, default: spec.default === true });
      case "number":
        return number({ message, default: Number(spec.default), validate: (v) => spec.validate(v) });
      case "checkbox": {
        const checked = new Set(spec.default as readonly string[]);
        return checkbox({
          message,
          choices: choices.map((c) => ({
            value: c.value,
            name: c.name,
            ...(c.short ? { short: c.short } : {}),
            checked: !c.disabled && checked.has(String(c.value)),
            disabled: c.disabled ?? false,
          })),
          validate: (items) => spec.validate(items.map((i) => i.value)),
        });
      }
      default:
        return input({ message, default: String(spec.default), validate: (v) => spec.validate(v) });
    }
  },
};

const exists = (file: string) => existsSync(file);

export const registerInit: RegisterCommand = (program, { io, setExitCode }) => {
  program
    .command("init")
    .description("walk Microsoft's Edge planning flowchart and write a validated, commented scenario file")
    .argument("[file]", "scenario file to write (default: scenarios/<id>.yaml, which `npm run synth` picks up)")
    .option("--product <product>", "sfbse (default; Subscription Edition, supported) | sfb2019 | sfb2015 | lync2013 (out of support)")
    .option("--servers <count>", "1 = one Edge Server; 2-12 = an Edge pool (high availability)")
    .option("--load-balancing <type>", "pool load balancing: dns | hardware (hardware implies public IPs)")
    .option("--addressing <type>", "external addresses: nat (private IPs behind NAT) | public")
    .option("--federation <kinds>", "sip, pic (public IM connectivity), xmpp, or none; comma list or repeated", collectList)
    .option("--pic-providers <providers>", "skype, windows-live, aol, yahoo; comma list or repeated", collectList)
    .option("--mobility", "mobility (lyncdiscover through the reverse proxy)")
    .option("--no-mobility", "no mobility")
    .option("--later <features>", "features planned for later (certificate names now): mobility, sip, pic, xmpp, or none; comma list or repeated", collectList)
    .option("--sites <names>", "data centers with an Edge deployment, e.g. hq,dr", collectList)
    .option("--federation-route <site>", "the site whose Edge is the federation route (FED-01)")
    .option("--sip-domain <domain>", "SIP domain, primary first; comma list or repeated", collectList)
    .option("--internal-domain <domain>", "internal DNS domain of the servers, e.g. contoso.net (default: the primary SIP domain)")
    .option("--directors <count>", "Directors per site: 0 none (default), 1 one Director, 2+ a Director pool")
    .option("--hybrid", "hybrid with Microsoft 365 / Teams (shared SIP address space; needs SIP federation)")
    .option("--no-hybrid", "on-premises only")
    .option("--tenant-domains <domains>", "hybrid: the tenant's SIP domains (default: every SIP domain); comma list or repeated", collectList)
    .option("--hybrid-phase <phase>", "hybrid: hybrid (default) | teams-only (after the cutover)")
    .option("--perimeter-external <cidr>", "Edge external subnet (NAT), one per site; comma list", collectList)
    .option("--perimeter-internal <cidr>", "Edge internal subnet, one per site; comma list", collectList)
    .option("--public-range <cidr>", "public address range, one per site; comma list", collectList)
    .option("--internal-network <cidr>", "internal network of the Lync servers, one per site; comma list", collectList)
    .option("--id <id>", "scenario id (default: the file name, else <SIP domain label>-edge)")
    .option("-y, --yes", "never prompt: take the default for every answer not given as a flag")
    .option("--force", "overwrite an existing file")
    .action(async (file: string | undefined, options: InitOptions) => {
      const fail = (text: string) => {
        io.err(`edge-lab init: ${text}\n`);
        setExitCode(1);
      };
      let presets;
      try {
        presets = presetsFromFlags(options);
      } catch (e) {
        if (e instanceof InitError) return fail(e.message);
        throw e;
      }
      if (file !== undefined && exists(file) && !options.force) return fail(`${file} already exists; use --force to overwrite it`);
      if (file !== undefined && presets.id === undefined) presets = { ...presets, id: idFromFileName(file) };
      const interactive = !options.yes;
      if (interactive && !(process.stdin.isTTY && process.stdout.isTTY)) {
        return fail("no terminal to ask the questions on; pass --yes to take the defaults for every answer not given as a flag (see edge-lab init --help)");
      }

      let outcome;
      try {
        outcome = await runWizard({ presets, prompter: interactive ? inquirerPrompter : undefined, report: io.err });
      } catch (e) {
        if ((e as Error).name === "ExitPromptError") {
          io.err("edge-lab init: cancelled; nothing written\n");
          setExitCode(130);
          return;
        }
        throw e;
      }
      if (!outcome.ok) {
        io.err("edge-lab init: refused, nothing written:\n");
        for (const m of outcome.messages) io.err(`${m}\n`);
        if (file !== undefined && options.id === undefined && outcome.result?.problems.some((p) => p.path === "id")) {
          io.err(`(the id "${presets.id}" comes from the file name; give --id or rename the file)\n`);
        }
        setExitCode(1);
        return;
      }
      const { answers } = outcome;
      const target = file ?? join("scenarios", `${answers.id}.yaml`);
      if (exists(target) && !options.force) return fail(`${target} already exists; use --force to overwrite it`);
      const schemaPath = relative(dirname(resolve(target)), installedSchemaFile())
        .split(sep)
        .join("/");
      const text = renderScenarioYaml(answers, { schemaPath });
      try {
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, text, { encoding: "utf8", flag: options.force ? "w" : "wx" });
      } catch (e) {
        return fail(`cannot write ${target}: ${describeFsError(e as NodeJS.ErrnoException)}`);
      }

      // Warnings (LB-09, FED-03, ...) of the text as written (modeline included), so their line numbers point into it.
      for (const p of loadScenarioText(text, target).problems) io.err(formatProblem({ ...p, file: target }) + "\n");
      const lines = [
        `Wrote ${target} (scenario ${answers.id}).`,
        "",
        "Microsoft's planning sections that apply:",
        ...applicableSections(answers).map((s) => `  - ${s.title}: ${s.why}`),
        "",
        "Next:",
        ...nextSteps(target, answers.id, process.cwd()).map((c) => `  ${c}`),
      ];
      io.out(lines.join("\n") + "\n");
    });
};
