import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkoutRoot } from '../support/postgres';

/*
 * Every link of the app's own pages goes through SvelteKit's resolve(), so that the app still works
 * under a base path. ESLint's svelte/no-navigation-without-resolve checked links with type
 * information, which cost minutes of CPU per CI run (see eslint.config.js); this reads the
 * components instead: a link may not write an absolute path of the app by hand, as a plain
 * attribute (href="/funds") or as a string in an expression (href={`/f/${slug}`}).
 */

const source = join(checkoutRoot, 'apps/web/src');

function componentsUnder(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return componentsUnder(path);
    return entry.name.endsWith('.svelte') ? [path] : [];
  });
}

/** The hand-written app paths in one component's href attributes, as "file: attribute". */
export function handWrittenLinks(file: string, text: string): string[] {
  const found: string[] = [];
  // A plain attribute whose value starts with "/" (but not "//", a protocol-relative address).
  for (const match of text.matchAll(/\shref="(\/(?!\/)[^"]*)"/g)) found.push(`${file}: href="${match[1] ?? ''}"`);
  // An expression that starts with a string or template literal beginning with "/".
  for (const match of text.matchAll(/\shref=\{\s*(['"`]\/(?!\/)[^'"`$]*)/g))
    found.push(`${file}: href={${match[1] ?? ''}…}`);
  return found;
}

describe('links in the components', () => {
  it('finds a hand-written path, and lets resolve(), anchors and other sites pass', () => {
    const sample = [
      '<a href="/funds">x</a>',
      '<a href={`/f/${slug}`}>x</a>',
      "<a href={'/about'}>x</a>",
      "<a href={resolve('/')}>x</a>",
      '<a href="#main">x</a>',
      '<a href="https://example.org/">x</a>',
      '<a href="{listPath}?step=1">x</a>'
    ].join('\n');
    expect(handWrittenLinks('sample.svelte', sample)).toEqual([
      'sample.svelte: href="/funds"',
      'sample.svelte: href={`/f/…}',
      "sample.svelte: href={'/about…}"
    ]);
  });

  it('are all built with resolve()', () => {
    const components = componentsUnder(source);
    expect(components.length).toBeGreaterThan(50);
    const found = components.flatMap((file) =>
      handWrittenLinks(relative(checkoutRoot, file), readFileSync(file, 'utf8'))
    );
    expect(found).toEqual([]);
  });
});
