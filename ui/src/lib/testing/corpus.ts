// The shared workflow corpus (third-party ComfyUI files, read and never written) as NodeDoc
// lists, for tests. The folder is `$EASEL_SHARED/corpus/workflows` (default /work/shared); a
// missing or empty folder throws, so a test over the corpus can never pass on nothing. Leaves out
// the PNGs (no TS reader for their chunks; their workflows are mostly in the JSON folders too)
// and `tams/` (job bodies, not graphs).

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { env } from "node:process";
import { graphsOfFile, parseComfyJson, type FileGraph } from "./comfyFile";

export const CORPUS_FOLDERS = ["ui", "api"] as const;

/** One graph of one corpus file: `file` is `<folder>/<name>`. */
export type CorpusGraph = FileGraph & { file: string };

export function corpusRoot(): string {
  return `${env.EASEL_SHARED ?? "/work/shared"}/corpus/workflows`;
}

/** Every graph of every JSON file in the corpus folders, in name order. */
export function corpusGraphs(root = corpusRoot()): CorpusGraph[] {
  const graphs: CorpusGraph[] = [];
  for (const folder of CORPUS_FOLDERS) {
    const dir = `${root}/${folder}`;
    if (!existsSync(dir)) throw new Error(`corpus folder ${dir} is missing (set EASEL_SHARED)`);
    const names = readdirSync(dir)
      .filter((n) => n.endsWith(".json"))
      .sort();
    if (names.length === 0) throw new Error(`corpus folder ${dir} has no JSON files`);
    for (const name of names) {
      const file = `${folder}/${name}`;
      const found = graphsOfFile(parseComfyJson(readFileSync(`${dir}/${name}`, "utf8")));
      if (found.length === 0) throw new Error(`${file}: no editor or API graph found`);
      graphs.push(...found.map((g) => ({ ...g, file })));
    }
  }
  return graphs;
}
