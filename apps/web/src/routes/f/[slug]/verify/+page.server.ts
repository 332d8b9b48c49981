import * as v from 'valibot';
import { publicReads } from '$lib/server/public/reads';
import { authorize } from '$lib/server/access/guard';
import { checkPrintedHead, type HeadCheck } from '$lib/server/public/ledger';
import type { PageServerLoad } from './$types';

type Field = 'seq' | 'hash';

/** A printed head: the entry's number and its 64-character hash (spaces and case forgiven). */
const PrintedHead = v.object({
  seq: v.pipe(v.string(), v.trim(), v.regex(/^[1-9]\d{0,11}$/), v.transform(Number)),
  hash: v.pipe(
    v.string(),
    v.transform((text) => text.replace(/\s+/g, '').toLowerCase()),
    v.regex(/^[0-9a-f]{64}$/)
  )
});

/**
 * How to check the books are intact (核验), in plain words, and a check of a printed head hash:
 * a GET form (it changes nothing), so its answer has an address and works without JavaScript.
 */
export const load: PageServerLoad = async (event) => {
  authorize(event, 'public.read', null);
  const reads = await publicReads(event);
  const { site } = await event.parent();
  const params = event.url.searchParams;
  const none: Field[] = [];
  const raw = { seq: (params.get('seq') ?? '').slice(0, 40), hash: (params.get('hash') ?? '').slice(0, 200) };
  if (!params.has('seq') && !params.has('hash')) return { values: raw, check: null, invalid: none };
  const parsed = v.safeParse(PrintedHead, raw, { abortEarly: false });
  if (!parsed.success) {
    const invalid = parsed.issues.flatMap((issue): Field[] => {
      const key = issue.path?.[0]?.key;
      return key === 'seq' || key === 'hash' ? [key] : [];
    });
    return { values: raw, check: null, invalid: [...new Set(invalid)] };
  }
  const check: HeadCheck = await checkPrintedHead(reads, site.fund.id, parsed.output.seq, parsed.output.hash);
  return { values: raw, check: { result: check, seq: parsed.output.seq }, invalid: none };
};
