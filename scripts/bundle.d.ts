/** Types of scripts/bundle.js (plain JavaScript so that it runs before anything is compiled). */
import type { BuildOptions } from "esbuild";

export declare const BUNDLE_EXTERNALS: readonly string[];
export declare const ENTRIES: Readonly<Record<string, string>>;
export declare const OUTDIR: string;
export declare function bundleOptions(name: string, outdir?: string): BuildOptions;
export declare function build(name: string, outdir?: string): Promise<void>;
export declare function isFresh(name: string, outdir?: string): boolean;
export declare function freshBundle(name: string, outdir?: string): Promise<string>;
