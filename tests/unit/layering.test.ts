import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/*
 * The shape of lib/server that README's "Where things live" promises, checked on the source:
 * ESLint stops a single forbidden import as it is written; this test sees the whole graph, which
 * a cycle needs.
 */
const source = fileURLToPath(new URL('../../apps/web/src', import.meta.url));
const server = join(source, 'lib/server');

function filesUnder(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) return filesUnder(path);
    return /\.(ts|svelte)$/.test(name) && !name.endsWith('.test.ts') ? [path] : [];
  });
}

function resolveImport(from: string, specifier: string): string | undefined {
  let base: string;
  if (specifier.startsWith('.')) base = resolve(dirname(from), specifier);
  else if (specifier.startsWith('$lib/')) base = join(source, 'lib', specifier.slice(5));
  else return undefined;
  return [base, `${base}.ts`, join(base, 'index.ts')].find((path) => existsSync(path) && statSync(path).isFile());
}

/** Every import (type-only ones too: a cycle of types is still a knot for a reader). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
  return [...text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+'([^']+)'/gm)].flatMap((match) => {
    const target = match[1] === undefined ? undefined : resolveImport(file, match[1]);
    return target === undefined ? [] : [target];
  });
}

const graph = new Map(filesUnder(server).map((file) => [file, importsOf(file)]));
const folderOf = (file: string) => relative(server, file).split('/')[0] ?? '';

/** The modules on some cycle, by depth-first search with a path stack. */
function cycles(): string[][] {
  const found: string[][] = [];
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (file: string) => {
    const at = path.indexOf(file);
    if (at >= 0) return void found.push(path.slice(at).map((part) => relative(server, part)));
    if (done.has(file)) return;
    path.push(file);
    for (const next of graph.get(file) ?? []) if (graph.has(next)) visit(next);
    path.pop();
    done.add(file);
  };
  for (const file of graph.keys()) visit(file);
  return found;
}

describe('lib/server', () => {
  // Issue 19 added schedule/ (the on-time steps, the delivery worker's peer) and regions/ (streets and counties).
  it('has at most 14 entries at its top level, each a folder', () => {
    const entries = readdirSync(server);
    expect(entries.length).toBeLessThanOrEqual(14);
    for (const entry of entries) expect(statSync(join(server, entry)).isDirectory(), entry).toBe(true);
  });

  it('has no import cycle', () => {
    expect(cycles()).toEqual([]);
  });

  it('has db/ import nothing outside db/, and platform/ nothing but platform/ and db/', () => {
    const upward = [...graph].flatMap(([file, targets]) => {
      const allowed = folderOf(file) === 'db' ? ['db'] : folderOf(file) === 'platform' ? ['platform', 'db'] : null;
      if (allowed === null) return [];
      return targets
        .filter((target) => target.startsWith(server) && !allowed.includes(folderOf(target)))
        .map((target) => `${relative(server, file)} -> ${relative(server, target)}`);
    });
    expect(upward).toEqual([]);
  });

  it('is the only home of demo/, which nothing imports but demo/ and the composition root', () => {
    const app = filesUnder(source).filter(
      (file) => !file.startsWith(join(server, 'demo')) && !file.endsWith('hooks.server.ts')
    );
    const importers = app.filter((file) =>
      importsOf(file).some((target) => target.startsWith(join(server, 'demo') + '/'))
    );
    expect(importers.map((file) => relative(source, file))).toEqual([]);
  });
});
