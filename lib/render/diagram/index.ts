/** The scenario diagram: plan -> DOT (pure) -> SVG (WebAssembly Graphviz). */
import type { Plan } from "../../model/plan";
import { diagramDot } from "./dot";
import { renderSvg } from "./graphviz";

export { diagramDot } from "./dot";
export { loadGraphviz, renderSvg } from "./graphviz";

export async function diagramSvg(plan: Plan): Promise<string> {
  return renderSvg(diagramDot(plan));
}
