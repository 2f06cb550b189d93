/** The same scenario always gives byte-identical Terraform. */
import { Testing } from "cdktf";
import { EdgeLabStack } from "../../lib/azure/stack";
import { bundledPlan } from "../helpers";
import { bundledIds } from "./helpers";

test.each(bundledIds())("%s synthesizes identically twice", (id) => {
  const synth = () => Testing.synth(new EdgeLabStack(Testing.app(), id, { plan: bundledPlan(id) }));
  const a = synth();
  const b = synth();
  expect(a).toBe(b);
  expect(a).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/); // no timestamps
});
