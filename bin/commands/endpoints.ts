import type { Command } from "commander";
import { formatProblem, readEndpointsFile, type LoadOptions } from "../../lib/model/load";
import type { Io } from "./context";

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
