import { chinaDateOf, isDate } from '@gongjian/ledger';
import * as v from 'valibot';
import type { AuditPeriod } from './audit-package';

/**
 * The period of an auditor's package, from a GET query (from=, to=, YYYY-MM-DD): two days the
 * calendar has, the first not after the second. A malformed query names its fields; it is never
 * a server error.
 */

const day = v.pipe(v.string(), v.trim(), v.check(isDate));

const PeriodSchema = v.pipe(
  v.object({ from: day, to: day }),
  v.forward(
    v.check((period) => period.from <= period.to),
    ['to']
  )
);

export type ParsedAuditPeriod =
  { ok: true; period: AuditPeriod } | { ok: false; invalid: ('from' | 'to')[]; values: { from: string; to: string } };

export function parseAuditPeriod(params: URLSearchParams): ParsedAuditPeriod {
  // The echo goes back into the form, so a hostile URL cannot make the page any longer.
  const values = { from: (params.get('from') ?? '').slice(0, 40), to: (params.get('to') ?? '').slice(0, 40) };
  const parsed = v.safeParse(PeriodSchema, values, { abortEarly: false });
  if (parsed.success) return { ok: true, period: parsed.output };
  const invalid = new Set<'from' | 'to'>();
  for (const issue of parsed.issues) {
    const key = issue.path?.[0]?.key;
    if (key === 'from' || key === 'to') invalid.add(key);
  }
  return { ok: false, invalid: (['from', 'to'] as const).filter((name) => invalid.has(name)), values };
}

/** The period the form offers first: the calendar year so far, in China. */
export function defaultAuditPeriod(now: Date): AuditPeriod {
  const today = chinaDateOf(now);
  return { from: `${today.slice(0, 4)}-01-01`, to: today };
}
