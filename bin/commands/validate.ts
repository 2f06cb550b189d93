import { formatProblem, loadScenarioFile } from "../../lib/model/load";
import type { RegisterCommand } from "./context";
import { loadOptionsFrom, withEndpointsOption } from "./endpoints";

export const registerValidate: RegisterCommand = (program, { io, setExitCode }) => {
  withEndpointsOption(
    program
      .command("validate")
      .description("check scenario files against the format and Microsoft's Edge rules; exit 1 on any error")
      .argument("<files...>", "scenario files (YAML)"),
  ).action((files: string[], options: { m365Endpoints?: string }) => {
    const loadOptions = loadOptionsFrom(options, io);
    if (!loadOptions) return setExitCode(1);
    let errors = 0;
    for (const file of files) {
      const result = loadScenarioFile(file, loadOptions);
      for (const p of result.problems) io.err(formatProblem(p) + "\n");
      if (result.ok) io.out(`${file}: valid${result.problems.length ? ` (${result.problems.length} warning${result.problems.length > 1 ? "s" : ""})` : ""}\n`);
      errors += result.problems.filter((p) => p.severity === "error").length;
    }
    if (errors > 0) {
      io.err(`${errors} error${errors > 1 ? "s" : ""} in ${files.length} file${files.length > 1 ? "s" : ""}\n`);
      setExitCode(1);
    }
  });
};
