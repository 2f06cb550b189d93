#!/usr/bin/env node
// Entry point for `npx edge-lab`: runs the compiled CLI (built by `npm ci` / `npm run build`).
const { run } = require("../dist/bin/cli.js");
run(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
