// The few Node.js APIs the corpus tests use, typed here because the project has no @types/node
// (the UI itself never runs on Node). Module declarations only: nothing becomes a browser global.
// Leaves out everything else Node offers; add a signature here before using one.

declare module "node:fs" {
  export function existsSync(path: string): boolean;
  export function readdirSync(path: string): string[];
  export function readFileSync(path: string, encoding: "utf8"): string;
}

declare module "node:process" {
  export const env: Record<string, string | undefined>;
}
