/**
 * The parts of a zod 4 schema's definition that edge-lab reads to explain a schema in words (schema-errors.ts) and to
 * suggest a field name (suggest.ts). zod exposes them as `schema._zod.def`; only the fields used here are typed.
 */
import type { z } from "zod";

export type AnySchema = z.core.$ZodType;

export type SchemaDef = {
  type: string;
  shape?: Record<string, AnySchema>;
  innerType?: AnySchema;
  in?: AnySchema;
  out?: AnySchema;
  options?: AnySchema[];
  element?: AnySchema;
  entries?: Record<string, string | number>;
  values?: unknown[];
};

/** A schema's definition. */
export const defOf = (schema: AnySchema): SchemaDef => (schema as unknown as { _zod: { def: SchemaDef } })._zod.def;
