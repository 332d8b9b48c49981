import { error, fail, redirect } from '@sveltejs/kit';
import { randomUUID } from 'node:crypto';
import * as v from 'valibot';
import { m } from '$lib/paraglide/messages';
import { sql } from '$lib/server/platform/database';
import { allows, authorize, clientAddress, publicOrigin } from '$lib/server/access/guard';
import { entryCheck } from '$lib/server/public/print';
import { voucherOf } from '$lib/server/fund/vouchers';
import { REASON_LENGTH_MAX, entryCorrectionOf, requestCorrection } from '$lib/server/fund/corrections';
import { correctionRefusalOf } from '$lib/server/fund/corrections-refusals';
import { failureStatusOf } from '$lib/server/platform/form-errors';
import { fundFromSlug } from '../../../fund.server';
import type { Actions, PageServerLoad } from './$types';

/** An entry's number in its fund: 1, 2, 3, … (at most 15 digits, so it stays an exact number). */
const SEQ = /^[1-9][0-9]{0,14}$/;

/**
 * The printable 记账凭证 of any entry of the fund, for the office, the leadership and the
 * supervisor. The shape of the number is checked before the policy (it reveals nothing); the
 * entry is read only once the policy allows it. The fund administrator reverses the entry here
 * (冲销), with a reason; the page then says where to record the right entry.
 */
export const load: PageServerLoad = async (event) => {
  const fund = await fundFromSlug(event.params.slug);
  if (!SEQ.test(event.params.seq)) error(404, { message: m.error_not_found() });
  authorize(event, 'fund.office.read', { fundId: fund.id });
  const seq = Number(event.params.seq);
  const voucher = await voucherOf(sql(), { fundId: fund.id, seq });
  if (voucher === null) error(404, { message: m.error_not_found() });
  const correction = await entryCorrectionOf(sql(), { fundId: fund.id, seq, now: new Date() });
  const corrected = event.url.searchParams.get('corrected');
  return {
    fund: { slug: fund.slug, nameZh: fund.nameZh, nameEn: fund.nameEn },
    voucher,
    check: entryCheck({ origin: publicOrigin(event), slug: fund.slug, seq, hash: voucher.hash }),
    correction,
    canCorrect: allows(event, 'books.correct', { fundId: fund.id }),
    canSeeCorrections: allows(event, 'books.correct.confirm', { fundId: fund.id }),
    corrected: corrected === 'done' || corrected === 'waiting' ? corrected : null,
    key: randomUUID()
  };
};

const CorrectForm = v.object({
  key: v.pipe(v.string(), v.uuid()),
  reason: v.pipe(v.string(), v.maxLength(REASON_LENGTH_MAX * 4)),
  date: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(10)), '')
});

export const actions: Actions = {
  correct: async (event) => {
    const fund = await fundFromSlug(event.params.slug);
    if (!SEQ.test(event.params.seq)) error(404, { message: m.error_not_found() });
    authorize(event, 'books.correct', { fundId: fund.id });
    const form = await event.request.formData();
    const text = (key: string, max: number) => {
      const value = form.get(key);
      return typeof value === 'string' ? value.slice(0, max) : '';
    };
    const values = { reason: text('reason', REASON_LENGTH_MAX * 2), date: text('date', 10) };
    const parsed = v.safeParse(CorrectForm, Object.fromEntries(form));
    if (!parsed.success) return fail(400, { errors: { form: m.correction_error_refused() }, values });
    const result = await requestCorrection(sql(), {
      actor: event.locals.actor,
      fundId: fund.id,
      now: new Date(),
      ip: clientAddress(event),
      seq: Number(event.params.seq),
      ...parsed.output
    });
    if (!result.ok) {
      const refusal = correctionRefusalOf(result.code);
      return fail(failureStatusOf(result.code), { errors: { [refusal.field]: refusal.message }, values });
    }
    redirect(303, `/funds/${event.params.slug}/vouchers/${event.params.seq}?corrected=${result.status}`);
  }
};
