/** Jest runs the TypeScript sources directly through ts-jest (type-checking is done once by `npm run typecheck`). */
module.exports = {
  testEnvironment: "node",
  // One worker per core (jest's default leaves one core idle): the slowest suites mostly wait on Chromium, tmux,
  // BIND and nginx, so two workers on a 2-core machine take the suite from about 58 s to about 40 s.
  maxWorkers: "100%",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["ts-jest", { isolatedModules: true, diagnostics: false }] },
  moduleFileExtensions: ["ts", "js", "json"],
};
