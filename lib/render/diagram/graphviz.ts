/**
 * Graphviz (the pinned @hpcc-js/wasm-graphviz build: Graphviz compiled to WebAssembly, embedded in the package, no
 * network) turns the diagram DOT into SVG.
 *
 * The package ships only an ES module. Node >= 20.19 could `require()` it, but Jest's CommonJS runtime cannot, and
 * older Node 20 needs a flag; so the bundle (one self-contained file whose only module syntax is its final
 * `export{...}` statement, checked below) is evaluated as a script. Same code path in the CLI, synth and the tests.
 */
import { readFileSync } from "node:fs";
import { runInThisContext } from "node:vm";

export interface GraphvizEngine {
  /** DOT -> SVG with the dot layout engine. */
  dot(source: string, outputFormat?: "svg"): string;
  version(): string;
}

interface GraphvizModule {
  Graphviz: { load(): Promise<GraphvizEngine> };
}

let engine: Promise<GraphvizEngine> | undefined;

function loadModule(): GraphvizModule {
  const file = require.resolve("@hpcc-js/wasm-graphviz");
  const source = readFileSync(file, "utf8");
  const exportStatement = /export\s*\{([^}]*)\}\s*;?\s*(\/\/# sourceMappingURL=\S*\s*)?$/;
  const m = exportStatement.exec(source);
  if (!m || /\bimport\s*[({]|\bimport\.meta\b|^\s*import\s/m.test(source.slice(0, m.index))) {
    throw new Error(
      `${file}: unexpected module layout (expected one self-contained bundle ending in export{...}); check the pinned @hpcc-js/wasm-graphviz version`,
    );
  }
  const bindings = m[1].split(",").map((b) => {
    const [local, exported] = b.trim().split(/\s+as\s+/);
    return `${JSON.stringify(exported ?? local)}: ${local}`;
  });
  const script = `(function () {\n${source.slice(0, m.index)}\nreturn { ${bindings.join(", ")} };\n})()`;
  return runInThisContext(script, { filename: file }) as GraphvizModule;
}

/** Loads the WebAssembly Graphviz once per process. */
export function loadGraphviz(): Promise<GraphvizEngine> {
  engine ??= Promise.resolve().then(() => loadModule().Graphviz.load());
  return engine;
}

/** DOT -> SVG text. */
export async function renderSvg(dot: string): Promise<string> {
  const gv = await loadGraphviz();
  return gv.dot(dot, "svg");
}
