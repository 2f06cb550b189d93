/** Provider classes must be imported from their submodule: the package index loads all 1,527 resources (8x slower). */
import { readFileSync } from "node:fs";
import { sourceFiles } from "../helpers";

const BARE = /(?:from\s+|require\(\s*|import\(\s*)["']@cdktf\/provider-(?:azurerm|random)(?:\/lib)?\/?["']/;

describe("provider imports", () => {
  const files = sourceFiles();

  test("the check itself recognises a bare import", () => {
    expect(BARE.test('import { X } from "@cdktf/provider-azurerm";')).toBe(true);
    expect(BARE.test("const a = require('@cdktf/provider-azurerm')")).toBe(true);
    expect(BARE.test('import { Lb } from "@cdktf/provider-azurerm/lib/lb";')).toBe(false);
  });

  test("no source file in lib/ or bin/ imports a provider package index", () => {
    const offenders = files.filter((f) => BARE.test(readFileSync(f, "utf8")));
    expect(offenders).toEqual([]);
  });

  test("nothing reads the shared reference folder at run or test time", () => {
    const pattern = new RegExp(["\\.\\./", "shared"].join(""));
    const offenders = [...files, ...sourceFiles(["test/azure"])].filter((f) => !f.endsWith("imports.test.ts") && pattern.test(readFileSync(f, "utf8")));
    expect(offenders).toEqual([]);
  });
});
