import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { baseUrl } from './browser';
import { DEMO_FUND } from './fund-fixture';

/**
 * A forged Host header must never reach a printed page: the notice, the final account and the
 * period report print a QR code and a "verify at" line with an absolute URL, and public pages are
 * cached for every later visitor. With ORIGIN unset (as here), the URL is built on the address
 * the connection reached, so a visitor who sends `Host: evil.example` gets this machine's address
 * printed, and so does everyone after them.
 */

const FORGED = 'evil.example';
const origin = new URL(baseUrl).origin;

/** A GET with a Host of our choosing, which fetch does not allow. */
function getWithHost(path: string, host: string): Promise<{ status: number; etag: string; body: string }> {
  const url = new URL(path, baseUrl);
  return new Promise((resolve, reject) => {
    const sent = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        headers: { host, 'x-forwarded-for': '198.51.100.7' }
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            etag: String(response.headers.etag ?? ''),
            body: Buffer.concat(chunks).toString('utf8')
          })
        );
        response.on('error', reject);
      }
    );
    sent.on('error', reject);
    sent.end();
  });
}

const printedPages = [
  `/f/${DEMO_FUND}/projects/6/notice`,
  `/f/${DEMO_FUND}/projects/6/account`,
  `/f/${DEMO_FUND}/report?from=2026-01-01&to=2026-12-31`
];

describe('printed pages and a forged Host header', () => {
  it('print this server’s address, to the forger and to every visitor after them', async () => {
    for (const path of printedPages) {
      const forged = await getWithHost(path, FORGED);
      expect(forged.status, path).toBe(200);
      expect(forged.body.includes(FORGED), `${path} printed the forged host`).toBe(false);
      expect(forged.body.includes(`${origin}/f/${DEMO_FUND}/verify`), path).toBe(true);

      // The next visitor asks with the right Host, under the same fund stamp (the same ETag), so
      // the page comes from the cache that the forged request filled.
      const visitor = await fetch(new URL(path, baseUrl), { headers: { 'x-forwarded-for': '198.51.100.8' } });
      const body = await visitor.text();
      expect(visitor.status, path).toBe(200);
      expect(visitor.headers.get('etag'), path).toBe(forged.etag);
      expect(body.includes(FORGED), `${path} served the forged host from the cache`).toBe(false);
      expect(body.includes(`${origin}/f/${DEMO_FUND}/verify`), path).toBe(true);
    }
  });
});
