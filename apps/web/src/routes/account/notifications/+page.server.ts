import { fail } from '@sveltejs/kit';
import * as v from 'valibot';
import { env } from '$env/dynamic/private';
import { m } from '$lib/paraglide/messages';
import { sql } from '$lib/server/platform/database';
import { requireUser } from '$lib/server/access/guard';
import { refusalMessage } from '$lib/server/platform/refusal-messages';
import {
  addChannel,
  channelsOf,
  chooseDigest,
  confirmCode,
  removeChannel,
  resendConfirmation,
  type ChannelResult
} from '$lib/server/people/delivery/channels';
import { channelsAvailable, readDeliveryConfig } from '$lib/server/people/delivery/config';
import { CHANNEL_REFUSALS, CHANNEL_REFUSED } from '$lib/server/people/delivery/refusals';
import type { Actions, PageServerLoad } from './$types';

/** The signed-in person's notification addresses: add, confirm, remove, and the daily digest. */
export const load: PageServerLoad = async (event) => {
  const user = requireUser(event);
  return {
    channels: await channelsOf(sql(), user.id),
    available: channelsAvailable(readDeliveryConfig(env, () => ''))
  };
};

const Id = v.pipe(v.string(), v.regex(/^[1-9][0-9]{0,17}$/));
const AddForm = v.object({ channel: v.picklist(['email', 'webhook']), address: v.pipe(v.string(), v.maxLength(300)) });
const CodeForm = v.object({ channelId: Id, code: v.pipe(v.string(), v.maxLength(20)) });
const ChannelForm = v.object({ channelId: Id });
const DigestForm = v.object({ channelId: Id, digest: v.picklist(['on', 'off']) });

type Done = 'added_email' | 'added_webhook' | 'confirmed' | 'removed' | 'saved' | 'resent';

/** A use case's answer as the page shows it: the done notice, or the refusal on its field. */
function answer(action: string, result: ChannelResult, done: Done) {
  if (result.ok) return { action, done, channelId: result.channelId };
  const { field, message } = refusalMessage(CHANNEL_REFUSALS, result.code, CHANNEL_REFUSED);
  return fail(400, { action, code: result.code, field, message });
}

async function parsed<S extends v.GenericSchema>(request: Request, schema: S) {
  return v.safeParse(schema, Object.fromEntries(await request.formData()));
}

const incomplete = (action: string) =>
  fail(400, { action, code: 'form_is_incomplete', field: 'form', message: m.notify_refused_fallback() });

export const actions: Actions = {
  add: async (event) => {
    const user = requireUser(event);
    const form = await parsed(event.request, AddForm);
    if (!form.success) return incomplete('add');
    const { channel, address } = form.output;
    const result = await addChannel(sql(), {
      userId: user.id,
      channel,
      address,
      lang: event.locals.locale,
      now: new Date()
    });
    return answer(`add-${channel}`, result, channel === 'email' ? 'added_email' : 'added_webhook');
  },
  confirm: async (event) => {
    const user = requireUser(event);
    const form = await parsed(event.request, CodeForm);
    if (!form.success) return incomplete('confirm');
    const { channelId, code } = form.output;
    return answer(
      'confirm',
      await confirmCode(sql(), { userId: user.id, channelId, code, now: new Date() }),
      'confirmed'
    );
  },
  resend: async (event) => {
    const user = requireUser(event);
    const form = await parsed(event.request, ChannelForm);
    if (!form.success) return incomplete('resend');
    const input = { userId: user.id, channelId: form.output.channelId, now: new Date() };
    return answer('resend', await resendConfirmation(sql(), input), 'resent');
  },
  remove: async (event) => {
    const user = requireUser(event);
    const form = await parsed(event.request, ChannelForm);
    if (!form.success) return incomplete('remove');
    return answer(
      'remove',
      await removeChannel(sql(), { userId: user.id, channelId: form.output.channelId }),
      'removed'
    );
  },
  digest: async (event) => {
    const user = requireUser(event);
    const form = await parsed(event.request, DigestForm);
    if (!form.success) return incomplete('digest');
    const input = { userId: user.id, channelId: form.output.channelId, digest: form.output.digest === 'on' };
    return answer('digest', await chooseDigest(sql(), input), 'saved');
  }
};
