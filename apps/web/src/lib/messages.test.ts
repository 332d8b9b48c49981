import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// Paraglide silently falls back to Chinese for a message missing from en.json, so the two
// catalogues are compared here: the same keys, no blank text, the same {placeholders}.
function catalogue(locale: string): Record<string, string> {
  const url = new URL(`../../messages/${locale}.json`, import.meta.url);
  const { $schema: _schema, ...messages } = JSON.parse(readFileSync(url, 'utf8')) as Record<string, string>;
  return messages;
}

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();

describe('the message catalogues', () => {
  const zh = catalogue('zh-CN');
  const en = catalogue('en');

  it('have the same keys in Chinese and English', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(zh).sort());
  });

  it('have no blank message and the same placeholders in both languages', () => {
    for (const [key, text] of Object.entries(zh)) {
      expect(text.trim(), key).not.toBe('');
      expect(en[key]?.trim(), key).not.toBe('');
      expect(placeholders(en[key] ?? ''), key).toEqual(placeholders(text));
    }
  });
});
