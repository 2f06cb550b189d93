/**
 * jest setupFilesAfterEnv (issue 20): no token creation stacks in tests, as in edge-lab's own commands
 * (lib/azure/creation-stacks.ts, tested in a plain Node process by test/azure/creation-stacks.test.ts).
 *
 * cdktf captures a stack trace of unlimited depth for every token and formats it at once. Under jest the stacks are
 * deep and their text went through source-map-support (installed by jest for the stacks it reports): a large part of
 * every synthesis in a test. Errors keep their source-mapped stacks (test/scripts/creation-stacks.test.ts).
 */
require("../lib/azure/creation-stacks").skipCreationStacks(process.env); // EDGE_LAB_CREATION_STACKS=1 keeps them
