import { chinaDateOf } from '@gongjian/ledger';
import { error, fail } from '@sveltejs/kit';
import * as v from 'valibot';
import { m } from '$lib/paraglide/messages';
import * as acceptance from '$lib/server/projects/acceptance';
import {
  ACCEPTANCE_CONFIRM_REFUSALS,
  ACCEPTANCE_RECORD_REFUSALS,
  ACCEPTANCE_REFUSED,
  type AcceptanceField
} from '$lib/server/projects/acceptance-refusals';
import { refusalMessage } from '$lib/server/platform/refusal-messages';
import { readUpload, UPLOAD_REQUEST_BYTES_MAX } from '$lib/server/platform/attachments';
import { sql } from '$lib/server/platform/database';
import { failureStatusOf, fieldErrorsOf } from '$lib/server/platform/form-errors';
import { calendarDate } from '$lib/server/platform/form-input';
import { allows, authorizeCommand, clientAddress } from '$lib/server/access/guard';
import { parseAmount } from '$lib/server/fund/money-in';
import { can, hasConflictOfInterest } from '$lib/server/access/policy';
import { projectFrom } from '../../project.server';
import { signoffsView } from '$lib/server/projects/signoffs';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

/**
 * The acceptance check (验收) of one project: what was recorded (the day, the note, the photos
 * before and after, who recorded and who confirmed it), the fund administrator's form to record
 * it, and a leadership member's button to confirm it. A leader with a stake in the compound sees
 * why they cannot confirm; the administrator who recorded it cannot confirm it either.
 */

export const load: PageServerLoad = async (event) => {
  const { fund, project, ref } = await projectFrom(event);
  const actor = event.locals.actor;
  const view = await acceptance.acceptanceView(sql(), { fundId: fund.id, applicationId: project.id });
  const userId = actor.kind === 'user' ? actor.userId : null;
  const isLeader = allows(event, 'fund.leadership.seat', { fundId: fund.id });
  return {
    fund: { slug: fund.slug, nameZh: fund.nameZh, nameEn: fund.nameEn },
    project: { number: project.number, title: project.title, status: project.status },
    acceptance: view === null ? null : { ...view, seen: String(view.recordedAt.getTime()) },
    canRecord: can(actor, 'project.accept.record', ref).allowed && (view === null || view.confirmedBy === null),
    canConfirm: can(actor, 'project.accept.confirm', ref).allowed,
    viewerRecorded: view !== null && view.recordedById === userId,
    viewerRecused: isLeader && actor.kind === 'user' && hasConflictOfInterest(actor, ref),
    today: chinaDateOf(new Date()),
    photosPerKind: acceptance.ACCEPTANCE_PHOTOS_PER_KIND_MAX,
    done: event.url.searchParams.get('done'),
    signoffs: await signoffsView(sql(), {
      fundId: fund.id,
      project,
      confirmed: view !== null && view.confirmedBy !== null
    })
  };
};

const RecordForm = v.object({
  checkedOn: calendarDate,
  note: v.optional(v.pipe(v.string(), v.maxLength(acceptance.ACCEPTANCE_NOTE_LENGTH_MAX)), ''),
  costFinal: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(20)), '')
});

const ConfirmForm = v.object({ seen: v.pipe(v.string(), v.regex(/^[0-9]{1,16}$/)) });

type Field = AcceptanceField;

/** What each field of the record form says when valibot refuses its shape. */
const fieldMessages: Record<'checkedOn' | 'note' | 'costFinal' | 'form', () => string> = {
  checkedOn: () => m.acceptance_error_date(),
  note: () => m.acceptance_error_note(),
  costFinal: () => m.acceptance_error_cost(),
  form: () => m.acceptance_error_refused()
};

function recordRefusal(code: string): { field: Field; message: string } {
  return refusalMessage(ACCEPTANCE_RECORD_REFUSALS, code, ACCEPTANCE_REFUSED);
}

function textOf(form: FormData, key: string, length: number): string {
  const value = form.get(key);
  return typeof value === 'string' ? value.slice(0, length) : '';
}

function filesOf(form: FormData, key: string): File[] {
  return form.getAll(key).filter((value): value is File => value instanceof File && value.size > 0);
}

function refused(
  status: number,
  errors: Partial<Record<Field, string>>,
  values: { checkedOn: string; note: string; costFinal: string }
) {
  return fail(status, { action: 'record' as const, errors, values });
}

async function commandOf(event: RequestEvent) {
  const { fund, project, ref } = await projectFrom(event);
  return {
    fund,
    project,
    ref,
    actor: event.locals.actor,
    fundId: fund.id,
    number: project.number,
    now: new Date(),
    ip: clientAddress(event)
  };
}

export const actions: Actions = {
  record: async (event) => {
    const { fund: _fund, project: _project, ref, ...command } = await commandOf(event);
    // The role is checked here, the state by the use case: the form sent twice after the
    // confirmation is a replay, and a late change is told why it is too late.
    authorizeCommand(event, 'project.accept.record', ref);
    // A body announced as larger than the photos may be is refused before it is read.
    const length = Number(event.request.headers.get('content-length') ?? '0');
    if (length > UPLOAD_REQUEST_BYTES_MAX) {
      return refused(413, { after: m.acceptance_error_photo_size() }, { checkedOn: '', note: '', costFinal: '' });
    }
    const form = await event.request.formData();
    const values = {
      checkedOn: textOf(form, 'checkedOn', 20),
      note: textOf(form, 'note', acceptance.ACCEPTANCE_NOTE_LENGTH_MAX + 1),
      costFinal: textOf(form, 'costFinal', 20)
    };
    const parsed = v.safeParse(
      RecordForm,
      Object.fromEntries([...form].filter(([, value]) => typeof value === 'string'))
    );
    const errors: Partial<Record<Field, string>> = parsed.success ? {} : fieldErrorsOf(parsed.issues, fieldMessages);
    const photos: acceptance.AcceptancePhotoUpload[] = [];
    for (const kind of acceptance.PHOTO_KINDS) {
      for (const file of filesOf(form, kind)) {
        const read = await readUpload(file);
        if (!read.ok) errors[kind] ??= recordRefusal(read.code).message;
        else if (read.upload !== null) photos.push({ kind, upload: read.upload });
      }
    }
    // The cost is optional: left empty, the final match follows the expenses recorded.
    const cost = values.costFinal.trim() === '' ? null : parseAmount(values.costFinal);
    if (cost !== null && !cost.ok) errors.costFinal ??= recordRefusal(cost.code).message;
    if (!parsed.success || Object.keys(errors).length > 0 || (cost !== null && !cost.ok)) {
      return refused(400, errors, values);
    }
    const result = await acceptance.recordAcceptance(sql(), {
      ...command,
      checkedOn: parsed.output.checkedOn,
      note: parsed.output.note,
      costFinal: cost === null ? null : cost.amount,
      photos
    });
    if (!result.ok) {
      const refusal = recordRefusal(result.code);
      return refused(failureStatusOf(result.code), { [refusal.field]: refusal.message }, values);
    }
    return { action: 'record' as const, done: true };
  },

  confirm: async (event) => {
    const { fund: _fund, project: _project, ref, ...command } = await commandOf(event);
    // As for recording: a second press after the confirmation is a replay, not a refusal.
    authorizeCommand(event, 'project.accept.confirm', ref);
    const parsed = v.safeParse(ConfirmForm, Object.fromEntries(await event.request.formData()));
    if (!parsed.success)
      return fail(400, { action: 'confirm' as const, errors: { form: m.acceptance_error_refused() } });
    const result = await acceptance.confirmAcceptance(sql(), { ...command, seen: parsed.output.seen });
    if (result.ok) return { action: 'confirm' as const, done: true };
    if (result.code === 'project_not_found') error(404, { message: m.error_not_found() });
    const { message } = refusalMessage(ACCEPTANCE_CONFIRM_REFUSALS, result.code, ACCEPTANCE_REFUSED);
    return fail(failureStatusOf(result.code), {
      action: 'confirm' as const,
      errors: { form: message }
    });
  }
};
