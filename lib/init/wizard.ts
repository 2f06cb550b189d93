/**
 * Walks the flowchart: asks every applicable question that the presets (flags) did not answer, checks each answer
 * against the real model (schema + rules) and refuses one that breaks a rule, with the rule's id and explanation,
 * asking it again. Without a prompter (flags / `--yes`), takes the defaults and fails on the first broken rule.
 * The prompter is injected, so the walk is tested without a terminal.
 */
import type { LoadResult } from "../model/load";
import { explain, type Problem } from "../model/rules";
import {
  completeAnswers,
  flowchart,
  inconsistencies,
  InitError,
  ownerOf,
  type Choice,
  type Draft,
  type InitAnswers,
  type Question,
  type QuestionKind,
  type Value,
} from "./flowchart";
import { checkAnswers } from "./scenario";

export interface PromptSpec {
  readonly id: string;
  readonly kind: QuestionKind;
  readonly message: string;
  readonly choices?: readonly Choice[];
  /** The default, as the prompt shows it: a string for input questions, else the value. */
  readonly default: Value;
  /** true, or why the raw answer is refused (a typing error or a broken rule with its explanation). */
  validate(raw: unknown): true | string;
}

/** Asks one question; returns the raw answer (input: string, number: number, select: the value, checkbox: values). */
export interface Prompter {
  ask(spec: PromptSpec): Promise<unknown>;
}

export interface WizardOptions {
  /** Answers given up front (flags, the file name's id). */
  readonly presets: Draft;
  /** Without one, nothing is asked: defaults are taken. */
  readonly prompter?: Prompter;
  /** Where refusals of select/confirm answers and re-asked questions are explained. */
  readonly report?: (text: string) => void;
}

export type WizardResult =
  | { readonly ok: true; readonly answers: InitAnswers; readonly result: LoadResult }
  | { readonly ok: false; readonly messages: readonly string[]; readonly answers?: InitAnswers; readonly result?: LoadResult };

const errorsOf = (r: LoadResult): Problem[] => r.problems.filter((p) => p.severity === "error");
const keyOf = (p: Problem) => `${p.rule}|${p.path}|${p.message}`;

/**
 * Refusal text for model problems: one line each (rule id, field, message; no line numbers, the file is not
 * written yet), then each rule's one-line explanation once.
 */
export function refusalText(problems: readonly Problem[]): string {
  const lines = problems.map((p) => `${p.severity} [${p.rule}]${p.path ? ` ${p.path}:` : ""} ${p.message}`);
  const rules = [...new Set(problems.map((p) => p.rule))].filter((r) => explain(r) && r !== "SCHEMA");
  return [...lines, ...rules.map((r) => `    ${r}: ${explain(r)}`)].join("\n");
}

/** Converts a raw prompt answer to the question's value (input and number answers go through `parse`). */
function toValue(q: Question, raw: unknown, draft: Draft): Value {
  if (q.kind === "input" || q.kind === "number") {
    if (raw === undefined || raw === "") return q.default(draft);
    return q.parse(String(raw), draft);
  }
  return raw as Value;
}

/** Problems a candidate answer to `q` causes: its own, and new ones not owned by a question still to come. */
function refusals(q: Question, candidate: Draft, before: ReadonlySet<string>, pending: (owner: Question) => boolean): Problem[] {
  let result: LoadResult;
  try {
    result = checkAnswers(completeAnswers(candidate));
  } catch (e) {
    return [{ severity: "error", rule: "SCHEMA", path: q.id, message: (e as Error).message }];
  }
  return errorsOf(result).filter((p) => {
    const owner = ownerOf(p.path, candidate);
    if (owner?.id === q.id) return true;
    if (owner && owner.id !== q.id && pending(owner)) return false;
    return !before.has(keyOf(p));
  });
}

export async function runWizard(options: WizardOptions): Promise<WizardResult> {
  const { prompter } = options;
  const report = options.report ?? (() => undefined);
  let draft: Draft = { ...options.presets };

  for (let round = 0; round < 20; round++) {
    if (prompter) {
      for (let i = 0; i < flowchart(draft).length; i++) {
        const q = flowchart(draft)[i];
        if (q.get(draft) !== undefined || !q.when(draft)) continue;
        const base = draft;
        const before = new Set(errorsOf(checkAnswers(completeAnswers(base))).map(keyOf));
        const later = new Set(
          flowchart(base)
            .slice(i + 1)
            .filter((l) => l.get(base) === undefined)
            .map((l) => l.id),
        );
        const validate = (raw: unknown): true | string => {
          let value: Value;
          try {
            value = toValue(q, raw, base);
          } catch (e) {
            if (e instanceof InitError) return e.message;
            throw e;
          }
          if (q.kind === "checkbox" && q.id === "picProviders" && (value as string[]).length === 0) return "choose at least one provider";
          const problems = refusals(q, q.set(base, value), before, (owner) => later.has(owner.id));
          return problems.length ? refusalText(problems) : true;
        };
        const def = q.default(base);
        for (;;) {
          const raw = await prompter.ask({
            id: q.id,
            kind: q.kind,
            message: q.message(base),
            ...(q.choices ? { choices: q.choices(base) } : {}),
            default: q.kind === "input" ? q.format(def) : def,
            validate,
          });
          const verdict = validate(raw);
          if (verdict === true) {
            draft = q.set(base, toValue(q, raw, base));
            break;
          }
          report(`${verdict}\n`);
        }
      }
    }

    const messages = inconsistencies(draft);
    if (messages.length) return { ok: false, messages };
    const answers = completeAnswers(draft);
    const result = checkAnswers(answers);
    const errors = errorsOf(result);
    if (errors.length === 0) return { ok: true, answers, result };
    if (!prompter) return { ok: false, messages: refusalText(errors).split("\n"), answers, result };
    // Interactive: an answer given up front (a flag) breaks a rule: ask that question again.
    const owner = errors.map((p) => ownerOf(p.path, draft)).find((q) => q !== undefined && q.get(draft) !== undefined);
    if (!owner) return { ok: false, messages: refusalText(errors).split("\n"), answers, result };
    report(`${refusalText(errors.filter((p) => ownerOf(p.path, draft)?.id === owner.id))}\n`);
    draft = owner.set(draft, undefined);
  }
  return { ok: false, messages: ["the answers still break rules after 20 rounds of questions; giving up"] };
}
