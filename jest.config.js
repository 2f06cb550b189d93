/**
 * Jest runs the TypeScript sources directly through ts-jest (type-checking is done once by `npm run typecheck`).
 *
 * Two projects (issue 20, fast feedback): `npm run test:unit` runs the "unit" project, everything that needs no
 * Debian tool and no root, for the edit loop; `npm run test:system` runs the "system" project, the suites that prove
 * the plan with real software (BIND, iptables and nftables in network namespaces, nginx, coturn, Chromium, tmux, a
 * tmpfs) or that spawn whole builds; `npm test` runs both. A file that mixes both kinds of test sits where its slow
 * part is. Every test file is in exactly one project (test/scripts/projects.test.ts checks it).
 */

/** The system project's test files (path regexes); every other test file is in the unit project. */
const SYSTEM_TESTS = [
  "/test/realtools/[^/]+\\.test\\.ts$",
  "/test/emulate/(bundled|faults|hybrid|matrix|mutate-cleanup|mutate-explained|root-safety|rulesets|slow-answer)\\.test\\.ts$",
  "/test/render/diagram-png\\.test\\.ts$",
  // discover against emulated perimeters (BIND, nginx, coturn in namespaces, root).
  "/test/discover/emulated\\.test\\.ts$",
  "/test/init/terminal\\.test\\.ts$",
  // libnice compiled and coturn started: most of the file's time; the codec tests without tools are quick.
  "/test/probe/msturn\\.test\\.ts$",
  // edge-lab probe against emulated perimeters, as nobody inside the namespaces.
  "/test/probe/emulated\\.test\\.ts$",
  // The tmpfs part (root) spawns the CLI three times.
  "/test/io/streams\\.test\\.ts$",
  // npm run synth, npx cdktf synth and edge-lab in a copy of the project; nested jest runs.
  "/test/scripts/bundle\\.test\\.ts$",
  "/test/scripts/system-tools\\.test\\.ts$",
  // Builds of another kind: the project rebuilt in a copy (json-output), the TypeScript compiler over the whole
  // project for the docs' snippets, the example apps compiled by ts-node.
  "/test/scripts/json-output\\.test\\.ts$",
  "/test/docs/typescript\\.test\\.ts$",
  "/test/examples/apps\\.test\\.ts$",
];

/** What both projects share. */
const common = {
  rootDir: __dirname,
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  transform: { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] },
  moduleFileExtensions: ["ts", "js", "json"],
  // jest's transform cache inside the project, not in the system temp directory.
  cacheDirectory: "<rootDir>/node_modules/.cache/jest",
  // No cdktf token creation stacks in tests, as in edge-lab's synth; errors keep theirs (see the file).
  setupFilesAfterEnv: ["<rootDir>/test/creation-stacks.js"],
};

module.exports = {
  // One worker per core (jest's default leaves one core idle): the slowest suites mostly wait on Chromium, tmux,
  // BIND and nginx, so two workers on a 2-core machine take the suite from about 58 s to about 40 s.
  maxWorkers: "100%",
  projects: [
    { ...common, displayName: "unit", testMatch: ["**/*.test.ts"], testPathIgnorePatterns: ["/node_modules/", ...SYSTEM_TESTS] },
    { ...common, displayName: "system", testRegex: SYSTEM_TESTS },
  ],
  // Every temporary file of the run (ours, cdktf's Testing outdirs, Chromium profiles) goes to one directory that
  // is removed afterwards: the tests leave nothing in the system temp directory. (Top level: jest runs global
  // setup and teardown once per run, for every project.)
  globalSetup: "<rootDir>/test/temp-setup.js",
  globalTeardown: "<rootDir>/test/temp-teardown.js",
  // Suites skipped for a missing Debian tool are listed after the summary, with the command that installs them.
  reporters: ["default", "<rootDir>/test/skip-reporter.js"],
};
