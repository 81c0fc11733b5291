/** Types of scripts/bundles.mjs (imported by the browser tests). */
export declare const ROOT: string;
export declare const BUNDLES: Array<[string, string]>;
export declare function buildBundles(outDir: string): Promise<number>;
export declare function testBundles(): Promise<string>;
