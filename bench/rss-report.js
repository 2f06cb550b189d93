// Preloaded into every Node process of a benchmark case (NODE_OPTIONS=--require): appends the process's peak
// resident memory in KiB to $EDGE_LAB_BENCH_RSS_FILE when it exits (bench/bench.ts takes the largest).
"use strict";
const file = process.env.EDGE_LAB_BENCH_RSS_FILE;
if (file) process.on("exit", () => require("node:fs").appendFileSync(file, `${process.resourceUsage().maxRSS}\n`));
