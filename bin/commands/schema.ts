import { renameSync, rmSync, writeFileSync } from "node:fs";
import { fieldTableMarkdown, scenarioJsonSchema, SCHEMA_FILE } from "../../lib/model/json-schema";
import type { RegisterCommand } from "./context";

export const registerSchema: RegisterCommand = (program, { io }) => {
  program
    .command("schema")
    .description(`write the JSON Schema of the scenario format (editor completion and checks; the committed copy is ${SCHEMA_FILE})`)
    .option("--out <file>", "write it to this file instead of standard output")
    .option("--markdown", "print the field table of the README instead (generated from the same descriptions)")
    .action((options: { out?: string; markdown?: boolean }) => {
      const text = options.markdown ? fieldTableMarkdown() : JSON.stringify(scenarioJsonSchema(), null, 2) + "\n";
      if (!options.out) {
        io.out(text);
        return;
      }
      // Written whole or not at all: a temporary file renamed over the target.
      const tmp = `${options.out}.tmp-${process.pid}`;
      try {
        writeFileSync(tmp, text);
        renameSync(tmp, options.out);
      } catch (e) {
        rmSync(tmp, { force: true });
        throw e;
      }
      io.out(`${options.out}: written\n`);
    });
};
