/**
 * Plan slices: what the `fromPlan` helpers of the constructs (`EdgePool.fromPlan`, `ReverseProxy.fromPlan`, ...) take
 * from a whole plan, so that a cdktf user hands over the plan and a site and never filters `plan.servers` by hand.
 * The placement a helper can read from the plan (the site's region, the scenario id) becomes a default.
 */
import type { IConstruct } from "constructs";
import { labLayout, type LabLayout } from "../lab/layout";
import type { Plan, PlanServer, PlanSite } from "../model/plan";
import { constructError, type LabResourceProps, type LabVmSettings } from "./common";

/** What every `fromPlan` helper takes: the plan, and the site whose slice the construct builds. */
export interface PlanSliceProps {
  /** The validated logical plan (`planFromProps` or `loadScenarioFile`). */
  readonly plan: Plan;
  /** The plan site whose slice the construct builds. @default the plan's only site (an error when it has several) */
  readonly site?: string;
}

/** Placement of a construct made from the plan: what the plan knows is a default. */
export interface PlanPlacementProps extends Omit<LabResourceProps, "location" | "scenarioId"> {
  /** Azure region of the created resources. @default the plan site's region */
  readonly location?: string;
  /** Scenario id that tags the resources and is part of their names. @default the plan's id (`plan.scenario.id`) */
  readonly scenarioId?: string;
}

/** The plan site a `fromPlan` helper builds: the named one, or the plan's only site. */
export function planSite(scope: IConstruct | string, plan: Plan, site: string | undefined): PlanSite {
  const sites = plan.scenario.sites;
  if (site === undefined) {
    if (sites.length === 1) return sites[0];
    throw constructError(scope, undefined, `the plan has ${sites.length} sites (${sites.map((s) => s.name).join(", ")}); name one as \`site\``);
  }
  const found = sites.find((s) => s.name === site);
  if (!found) throw constructError(scope, undefined, `the plan has no site ${site} (its sites: ${sites.map((s) => s.name).join(", ")})`);
  return found;
}

/** The full placement of a construct of `site`, defaults taken from the plan. */
export function placementFromPlan(props: PlanPlacementProps, plan: Plan, site: PlanSite): LabResourceProps {
  return {
    resourceGroupName: props.resourceGroupName,
    location: props.location ?? site.region,
    scenarioId: props.scenarioId ?? plan.scenario.id,
    ...(props.tags ? { tags: props.tags } : {}),
    ...(props.namePrefix !== undefined ? { namePrefix: props.namePrefix } : {}),
  };
}

/** The plan servers of `role` in `site`, in plan order. */
export function siteServers(plan: Plan, site: string, role: PlanServer["role"]): PlanServer[] {
  return plan.servers.filter((s) => s.site === site && s.role === role);
}

const layouts = new WeakMap<Plan, LabLayout>();

/** `labLayout(plan)`, computed once per plan (several constructs of one plan need it). */
export function planLayout(plan: Plan): LabLayout {
  let layout = layouts.get(plan);
  if (!layout) {
    layout = labLayout(plan);
    layouts.set(plan, layout);
  }
  return layout;
}

/** VM settings of a construct made from the plan: the plan's lab options (`plan.scenario.lab`) fill what `vm` leaves out. */
export function vmSettingsFromPlan(plan: Plan, vm: LabVmSettings): LabVmSettings {
  const lab = plan.scenario.lab;
  return { windowsVmSize: lab.vmSize, autoShutdown: lab.autoShutdown, timezone: lab.timezone, ...vm };
}
