#!/usr/bin/env node
// Entry point for `npx edge-lab`: runs the bundled CLI (built by `npm ci` / `npm run build`, scripts/bundle.ts).
const { run } = require("../dist/bundle/cli.js");
run(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
