// Preloaded into every Node process of a benchmark case (NODE_OPTIONS=--require): appends the process's peak
// resident memory in KiB and its CPU time in ms to $EDGE_LAB_BENCH_RSS_FILE when it exits (bench/bench.ts takes the
// largest memory and the sum of CPU times).
"use strict";
const file = process.env.EDGE_LAB_BENCH_RSS_FILE;
if (file) {
  process.on("exit", () => {
    const cpu = process.cpuUsage();
    require("node:fs").appendFileSync(file, `${process.resourceUsage().maxRSS} ${((cpu.user + cpu.system) / 1000).toFixed(1)}\n`);
  });
}
