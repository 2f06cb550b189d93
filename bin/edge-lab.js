#!/usr/bin/env node
// Entry point for `npx edge-lab`: runs the CLI from its bundle, rebuilt first when a source changed (scripts/bundle.js).
"use strict";
void require("../scripts/run.js").runProgram("cli", process.argv.slice(2));
