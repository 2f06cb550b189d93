/**
 * One base class for the failures a user can fix (issue 19): every layer's error extends `UserError`, and the crash
 * handler recognises them by class, not by name strings.
 */
import { ConstructError, constructError } from "../../lib/azure/common";
import { UserError } from "../../lib/errors";
import { InitError } from "../../lib/init/flowchart";
import { isExpectedError } from "../../lib/io/crash";
import { OutputError } from "../../lib/io/atomic";
import { ScenarioError, ScenarioFileError } from "../../lib/model/load";
import { EndpointsFileError } from "../../lib/model/m365-endpoints";

test.each([
  ["ScenarioError", new ScenarioError([])],
  ["ScenarioFileError", new ScenarioFileError("x.yaml: not a regular file")],
  ["EndpointsFileError", new EndpointsFileError("e.json: not JSON")],
  ["InitError", new InitError("give at least one site name, e.g. hq")],
  ["OutputError", new OutputError("out exists and was not written by edge-lab")],
  ["ConstructError", constructError("lab/site-hq", "LAB-POL-09", "adminPassword must be a token")],
])("%s is a UserError, named after its class, and expected by the crash handler", (name, error) => {
  expect(error).toBeInstanceOf(UserError);
  expect(error.name).toBe(name);
  expect(isExpectedError(error)).toBe(true);
});

test("a construct error carries its rule id", () => {
  const e = constructError("lab/site-hq", "LAB-POL-09", "adminPassword must be a token");
  expect(e).toBeInstanceOf(ConstructError);
  expect(e.ruleId).toBe("LAB-POL-09");
  expect(e.message).toBe("edge-lab lab/site-hq: [LAB-POL-09] adminPassword must be a token");
});

test("an error that only borrows a user error's name is a defect, not an expected failure", () => {
  const impostor = new Error("boom");
  impostor.name = "ScenarioError";
  expect(isExpectedError(impostor)).toBe(false);
  expect(isExpectedError(new TypeError("x is undefined"))).toBe(false);
});
