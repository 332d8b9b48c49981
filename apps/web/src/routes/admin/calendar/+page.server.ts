import { fail, redirect } from '@sveltejs/kit';
import { CALENDAR_LIST_LENGTH_MAX, calendarListText } from '@gongjian/ledger';
import { randomUUID } from 'node:crypto';
import * as v from 'valibot';
import { m } from '$lib/paraglide/messages';
import * as calendar from '$lib/server/fund/calendar';
import { calendarProblemMessage } from '$lib/server/fund/calendar-refusals';
import { sql } from '$lib/server/platform/database';
import { authorize, clientAddress } from '$lib/server/access/guard';
import type { Actions, PageServerLoad } from './$types';

/**
 * The platform administrator's working-day calendar: the years entered, the years that running
 * notices wait for, and the form that enters or corrects one year from the State Council's notice.
 * Saving redirects to `?saved=<year>`; `?year=<year>` opens the form on that year's days.
 */

const YEAR_IN_QUERY = /^[0-9]{4}$/;

export const load: PageServerLoad = async (event) => {
  authorize(event, 'platform.calendar.manage', null);
  const [years, gap] = await Promise.all([
    calendar.calendarYears(sql()),
    calendar.calendarGapOf(sql(), { fundId: null })
  ]);
  const saved = event.url.searchParams.get('saved');
  const asked = event.url.searchParams.get('year');
  const editing = asked !== null && YEAR_IN_QUERY.test(asked) ? asked : (gap.years[0]?.toString() ?? '');
  const entered = years.find((year) => String(year.year) === editing);
  return {
    years: years.map((year) => ({
      year: year.year,
      source: year.source,
      enteredAt: year.enteredAt,
      enteredBy: year.enteredBy,
      holidayCount: year.holidays.length,
      makeupCount: year.makeupWorkdays.length,
      holidaysText: calendarListText(year.holidays),
      makeupWorkdaysText: calendarListText(year.makeupWorkdays)
    })),
    gap,
    saved: saved !== null && YEAR_IN_QUERY.test(saved) ? saved : null,
    // A new key per page view: sending this form twice saves the year once (see saveCalendarYear).
    idempotencyKey: randomUUID(),
    form: {
      year: editing,
      source: entered?.source ?? '',
      holidays: entered === undefined ? '' : calendarListText(entered.holidays),
      makeupWorkdays: entered === undefined ? '' : calendarListText(entered.makeupWorkdays)
    }
  };
};

/** Bounds every field before the use case checks it; what a field must be is decided there. */
const Text = (max: number) => v.optional(v.pipe(v.string(), v.maxLength(max)), '');

const SaveForm = v.object({
  idempotencyKey: v.pipe(v.string(), v.uuid()),
  year: Text(20),
  source: Text(calendar.CALENDAR_SOURCE_LENGTH_MAX * 4),
  holidays: Text(CALENDAR_LIST_LENGTH_MAX * 2),
  makeupWorkdays: Text(CALENDAR_LIST_LENGTH_MAX * 2)
});

/** The form's fields as they are sent back to a refused form, so nothing typed is lost. */
function valuesOf(form: FormData) {
  const text = (key: string, max: number) => {
    const value = form.get(key);
    return typeof value === 'string' ? value.slice(0, max) : '';
  };
  return {
    year: text('year', 10),
    source: text('source', calendar.CALENDAR_SOURCE_LENGTH_MAX * 2),
    holidays: text('holidays', CALENDAR_LIST_LENGTH_MAX * 2),
    makeupWorkdays: text('makeupWorkdays', CALENDAR_LIST_LENGTH_MAX * 2)
  };
}

export const actions: Actions = {
  save: async (event) => {
    authorize(event, 'platform.calendar.manage', null);
    const form = await event.request.formData();
    const values = valuesOf(form);
    const parsed = v.safeParse(SaveForm, Object.fromEntries(form));
    if (!parsed.success) {
      const stale = parsed.issues.some((issue) => issue.path?.[0]?.key === 'idempotencyKey');
      return fail(400, {
        message: stale ? m.calendar_error_stale() : m.calendar_error_invalid(),
        errors: {} as Record<string, string>,
        values
      });
    }
    const input = parsed.output;
    const yearText = input.year.trim();
    const result = await calendar.saveCalendarYear(sql(), {
      actor: event.locals.actor,
      year: YEAR_IN_QUERY.test(yearText) ? Number(yearText) : Number.NaN,
      holidaysText: input.holidays,
      makeupWorkdaysText: input.makeupWorkdays,
      source: input.source,
      idempotencyKey: input.idempotencyKey,
      now: new Date(),
      ip: clientAddress(event)
    });
    if (!result.ok) {
      if (result.code === 'not_allowed') {
        return fail(403, { message: m.calendar_error_not_allowed(), errors: {} as Record<string, string>, values });
      }
      // A field may have several problems (one per wrong line); each is said, in line order.
      const errors: Record<string, string> = {};
      for (const problem of result.problems) {
        const { field, message } = calendarProblemMessage(problem, yearText);
        errors[field] = Object.hasOwn(errors, field) ? `${errors[field]} ${message}` : message;
      }
      return fail(400, { message: null, errors, values });
    }
    redirect(303, `/admin/calendar?saved=${result.year}`);
  }
};
