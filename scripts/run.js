#!/usr/bin/env node
/**
 * Runs one of edge-lab's programs from its up-to-date bundle (scripts/bundle.js rebuilds it first when a source
 * changed): `node scripts/run.js synth` is what `npm run synth` and cdktf.json's app run, `bench` is `npm run bench`,
 * and bin/edge-lab.js runs `cli` the same way. The program's exported `main(argv)` does the work and sets the exit code.
 */
"use strict";
const { freshBundle } = require("./bundle");

async function runProgram(name, argv) {
  let bundle;
  try {
    bundle = await freshBundle(name);
  } catch (e) {
    // A build error (a syntax error in a source file) or an unknown program: esbuild's message names file and line.
    console.error(`edge-lab: cannot build ${name}: ${e.message}`);
    process.exitCode = 1;
    return;
  }
  let program;
  try {
    program = require(bundle);
  } catch (e) {
    // A defect at load time (or a missing package): report it like any other defect, with source locations.
    const { formatUnexpectedError } = require(await freshBundle("crash"));
    console.error(formatUnexpectedError(e, `edge-lab ${name}`));
    process.exitCode = 1;
    return;
  }
  await program.main(argv);
}

module.exports = { runProgram };

if (require.main === module) runProgram(process.argv[2], process.argv.slice(3));
