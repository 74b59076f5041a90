/**
 * The simulator, the no-op proxy and the preloads are written in TypeScript but run as plain
 * JavaScript: a TS loader in those processes would add ~40 MB of RSS and skew the memory numbers.
 * They import only node: modules, so a per-file transpile is all they need.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import ts from 'typescript';
import { BENCH_DIR, WORK_DIR } from './children.js';

const SOURCES = {
  upstreamSim: 'upstream-sim.ts',
  noopProxy: 'noop-proxy.ts',
  loopbackOnly: 'loopback-only.ts',
  heapProbe: 'heap-probe.ts',
} as const;

export type ChildScripts = Record<keyof typeof SOURCES, string>;

/** Transpiles the child scripts into bench/.work/bin and returns their paths. */
export async function buildChildScripts(): Promise<ChildScripts> {
  const outDir = join(WORK_DIR, 'bin');
  await mkdir(outDir, { recursive: true });
  const entries = await Promise.all(
    Object.entries(SOURCES).map(async ([key, file]) => {
      const source = await readFile(join(BENCH_DIR, file), 'utf8');
      const { outputText } = ts.transpileModule(source, {
        fileName: file,
        compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
      });
      const outPath = join(outDir, file.replace(/\.ts$/, '.mjs'));
      await writeFile(outPath, outputText);
      return [key, outPath] as const;
    }),
  );
  return Object.fromEntries(entries) as ChildScripts;
}
