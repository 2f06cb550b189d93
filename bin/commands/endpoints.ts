import type { Command } from "commander";
import { formatProblem, loadScenarioFile, readEndpointsFile, type LoadOptions, type LoadResult } from "../../lib/model/load";
import type { Plan } from "../../lib/model/plan";
import type { CommandContext, Io } from "./context";

export const M365_ENDPOINTS_HELP =
  "Microsoft 365 endpoints web service JSON (https://endpoints.office.com/endpoints/worldwide?clientrequestid=<GUID>) for the hybrid firewall rows, instead of edge-lab's dated snapshot";

/** Adds --m365-endpoints <file> to a command. */
export function withEndpointsOption(command: Command): Command {
  return command.option("--m365-endpoints <file>", M365_ENDPOINTS_HELP);
}

/** Load options from --m365-endpoints (or EDGE_LAB_M365_ENDPOINTS); undefined after reporting a bad file. */
export function loadOptionsFrom(options: { m365Endpoints?: string }, io: Io, env: NodeJS.ProcessEnv = process.env): LoadOptions | undefined {
  const file = options.m365Endpoints ?? (env.EDGE_LAB_M365_ENDPOINTS?.trim() || undefined);
  if (file === undefined) return {};
  const read = readEndpointsFile(file);
  if (read.problem) {
    // One problem per bad entry of the file (LAB-M365-01), each on its own line.
    for (const p of read.problems ?? [read.problem]) io.err(formatProblem(p) + "\n");
    return undefined;
  }
  return { m365Endpoints: read.endpoints };
}

/**
 * The start every planning command shares: the Microsoft 365 endpoints (--m365-endpoints or EDGE_LAB_M365_ENDPOINTS),
 * the scenario file loaded into a plan, its problems printed. Returns the load result with its plan, or undefined
 * after setting exit code 1 (a bad endpoints file, or an error in the scenario).
 */
export function withPlan(file: string, options: { m365Endpoints?: string }, { io, setExitCode }: CommandContext): (LoadResult & { plan: Plan }) | undefined {
  const loadOptions = loadOptionsFrom(options, io);
  if (!loadOptions) {
    setExitCode(1);
    return undefined;
  }
  const result = loadScenarioFile(file, loadOptions);
  for (const p of result.problems) io.err(formatProblem(p) + "\n");
  if (!result.ok || !result.plan) {
    setExitCode(1);
    return undefined;
  }
  return result as LoadResult & { plan: Plan };
}
