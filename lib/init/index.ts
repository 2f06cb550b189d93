/** `edge-lab init`: the scenario-selection flowchart, answers -> commented scenario file, and the guided walk. */
export * from "./flowchart";
export * from "./flags";
export * from "./scenario";
export * from "./wizard";
