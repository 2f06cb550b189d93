/**
 * jest setupFilesAfterEnv (issue 20): creation stacks are formatted without source maps.
 *
 * cdktf records where every token was created: it captures a stack trace of unlimited depth into a plain object (not
 * an Error) and reads its text at once. Under jest that text goes through source-map-support (installed by jest for
 * the stacks it reports), which maps each frame through the source maps, cdktf's own inline maps included: about two
 * thirds of a synthesis in a test (189 ms against 83 ms for a two-site lab). Errors keep the source-mapped stack;
 * the other captures get V8's plain `at ...` lines (test/scripts/creation-stacks.test.ts checks both).
 */
const { isNativeError } = require("node:util").types;

const mapped = Error.prepareStackTrace;
if (typeof mapped === "function") {
  Error.prepareStackTrace = function prepareStackTrace(error, frames) {
    if (isNativeError(error)) return mapped(error, frames);
    // The header as source-map-support writes it (an object's own name and message), the frames unmapped.
    return [`${error.name || "Error"}: ${error.message || ""}`, ...frames.map((frame) => `    at ${frame}`)].join("\n");
  };
}
