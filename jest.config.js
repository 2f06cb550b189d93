/** Jest runs the TypeScript sources directly through ts-jest (type-checking is done once by `npm run typecheck`). */
module.exports = {
  testEnvironment: "node",
  // One worker per core (jest's default leaves one core idle): the slowest suites mostly wait on Chromium, tmux,
  // BIND and nginx, so two workers on a 2-core machine take the suite from about 58 s to about 40 s.
  maxWorkers: "100%",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] },
  moduleFileExtensions: ["ts", "js", "json"],
  // Every temporary file of the run (ours, cdktf's Testing outdirs, Chromium profiles) goes to one directory that
  // is removed afterwards: the tests leave nothing in the system temp directory.
  globalSetup: "<rootDir>/test/temp-setup.js",
  // jest's transform cache inside the project, not in the system temp directory.
  cacheDirectory: "<rootDir>/node_modules/.cache/jest",
  globalTeardown: "<rootDir>/test/temp-teardown.js",
  // Suites skipped for a missing Debian tool are listed after the summary, with the command that installs them.
  reporters: ["default", "<rootDir>/test/skip-reporter.js"],
};
