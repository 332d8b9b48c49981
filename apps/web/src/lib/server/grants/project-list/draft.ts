import { policyHasCategory } from '@gongjian/ledger';
import { m } from '../../../paraglide/messages';
import { recordEvent } from '../../platform/audit';
import type { Sql, Transaction } from '../../db/client';
import { currentPolicy } from '../../fund/fund-policy';
import { DESCRIPTION_LENGTH_MAX, LOCATION_LENGTH_MAX, TITLE_LENGTH_MAX } from '../applications/model';
import type { ListCommand } from './model';

/**
 * The draft a grant item opens (社区下单 → 小区申请): an application of the item's compound,
 * pre-filled from the needs it serves and the resources offered, which the compound's committee
 * finds among its drafts and completes (the policy lets a committee edit every draft of its
 * compound, whoever started it). The office user who placed the order is its creator, as
 * applications.created_by requires someone; the numbering is the applications' own (one past the
 * fund's last, under the fund row's lock, which placeOrder already holds).
 *
 * The pre-filled words are the fund's public language, Simplified Chinese, whoever placed the
 * order: the committee edits them like any draft.
 */

interface NeedText {
  number: number;
  category: string;
  body: string;
  place: string;
}

interface ResourceText {
  kind: string;
  description: string;
  quantity: string;
  measure: string;
  provider: string;
}

const ZH = { locale: 'zh-CN' as const };

export async function openDraftIn(
  transaction: Transaction,
  input: ListCommand & { compoundId: string; title: string; itemId: string; itemNumber: number; userId: string }
): Promise<{ id: string; number: number }> {
  const needs = await transaction<NeedText[]>`
    select n.number, n.category, n.body, n.place from list_item_needs l join needs n on n.id = l.need_id
     where l.list_item_id = ${input.itemId} order by n.number`;
  const resources = await transaction<ResourceText[]>`
    select r.kind, r.description, r.quantity::text as quantity, r.measure,
           coalesce(u.name, case when r.provider_is_organisation then r.provider_name else '' end) as provider
      from list_item_resources l join resources r on r.id = l.resource_id
      left join units u on u.id = r.unit_id
     where l.list_item_id = ${input.itemId} order by r.number`;
  const policy = await currentPolicy(transaction as unknown as Sql, input.fundId);
  // The need's category becomes the application's when the policy knows it; else the committee picks.
  const category =
    needs.map((need) => need.category).find((key) => policy !== null && policyHasCategory(policy.policy.match, key)) ??
    '';
  const location = (needs.find((need) => need.place.trim() !== '')?.place ?? '').slice(0, LOCATION_LENGTH_MAX);
  const description = descriptionOf(input.itemNumber, needs, resources).slice(0, DESCRIPTION_LENGTH_MAX);
  const createKey = `list-item-${input.itemId}`;
  const [row] = await transaction<{ id: string; number: number }[]>`
    insert into applications (fund_id, number, compound_id, status, title, category, description, location,
                              created_by, created_at, updated_at, create_key)
    values (${input.fundId}, (select coalesce(max(number), 0) + 1 from applications where fund_id = ${input.fundId}),
            ${input.compoundId}, 'draft', ${input.title.trim().slice(0, TITLE_LENGTH_MAX)}, ${category},
            ${description}, ${location}, ${input.userId}, ${input.now}, ${input.now}, ${createKey})
    returning id::text as id, number`;
  if (row === undefined) throw new Error('openDraftIn: the insert returned no row');
  await recordEvent(transaction, {
    action: 'application.created',
    outcome: 'ok',
    at: input.now,
    actorUserId: input.userId,
    fundId: input.fundId,
    ip: input.ip,
    resourceType: 'application',
    resourceId: row.id,
    detail: { applicationNumber: row.number, compoundId: input.compoundId, idempotencyKey: createKey }
  });
  return row;
}

function descriptionOf(itemNumber: number, needs: readonly NeedText[], resources: readonly ResourceText[]): string {
  const lines = [m.plist_draft_intro({ number: itemNumber }, ZH), '', m.plist_draft_needs({}, ZH)];
  for (const need of needs) {
    const place = need.place.trim() === '' ? '' : `（${need.place.trim()}）`;
    lines.push(`- #${need.number} ${need.body.trim()}${place}`);
  }
  if (resources.length > 0) {
    lines.push('', m.plist_draft_resources({}, ZH));
    for (const resource of resources) {
      const provider = resource.provider.trim() === '' ? '' : `${resource.provider.trim()}：`;
      lines.push(`- ${provider}${resource.description.trim()}（${resource.quantity} ${resource.measure}）`.trimEnd());
    }
  }
  return lines.join('\n');
}
