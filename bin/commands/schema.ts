import { replaceFile } from "../../lib/io/atomic";
import { fieldTableMarkdown, scenarioJsonSchema, SCHEMA_FILE } from "../../lib/model/json-schema";
import type { RegisterCommand } from "./context";

export const registerSchema: RegisterCommand = (program, { io }) => {
  program
    .command("schema")
    .description(`write the JSON Schema of the scenario format (editor completion and checks; the committed copy is ${SCHEMA_FILE})`)
    .option("--out <file>", "write it to this file instead of standard output")
    .option("--markdown", "print the field table of docs/scenario.md instead (generated from the same descriptions)")
    .action((options: { out?: string; markdown?: boolean }) => {
      const text = options.markdown ? fieldTableMarkdown() : JSON.stringify(scenarioJsonSchema(), null, 2) + "\n";
      if (!options.out) {
        io.out(text);
        return;
      }
      // Written whole or not at all, never through a link or onto a device (as checklist --out).
      replaceFile(options.out, text);
      io.out(`${options.out}: written\n`);
    });
};
