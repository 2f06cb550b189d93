// ESLint (flat config): the TypeScript recommendations that catch real defects, for every source, script and test.
// Formatting is prettier's job (.prettierrc.json); `npm run lint` runs both, and .ci/run runs `npm run lint`.
const js = require("@eslint/js");
const globals = require("globals");
const tseslint = require("typescript-eslint");

module.exports = tseslint.config(
  { ignores: ["node_modules/", "dist/", "cdktf.out/", "out/", "coverage/", "docs/api/", ".gen/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: globals.node },
    rules: {
      // Unused values are compile errors already (tsconfig noUnusedLocals); "_" marks an intentionally unused one.
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_", caughtErrors: "none" },
      ],
    },
  },
  {
    // Functions a reader can hold (issue 19): none longer than 100 lines, blank lines and comments not counted.
    // Tests are exempt: a test body is a table of cases. No other exception today (an exception would be a block of its
    // own below this one, each file with its reason).
    files: ["lib/**", "bin/**"],
    rules: { "max-lines-per-function": ["error", { max: 100, skipBlankLines: true, skipComments: true, IIFEs: true }] },
  },
  {
    // Tests read loosely typed JSON (synthesized documents, parsed YAML) and poke at it.
    files: ["test/**/*.ts"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
  {
    // Plain CommonJS launchers and jest hooks.
    files: ["**/*.js"],
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
);
