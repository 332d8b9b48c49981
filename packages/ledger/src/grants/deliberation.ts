import {
  APPLICATION_EVENTS,
  APPLICATION_STATES,
  type ApplicationEventName,
  type ApplicationState
} from './application.js';

/*
 * The five deliberations (五议): 提议 (propose), 商议 (consult), 审议 (review), 决议 (resolve), 评议
 * (evaluate). Every timeline, public and private, labels each step with the stage it belongs to, and
 * reads the stage here, so that a need's timeline, an application's and a project's agree.
 */

export const DELIBERATION_STAGES = ['propose', 'consult', 'review', 'resolve', 'evaluate'] as const;
export type DeliberationStage = (typeof DELIBERATION_STAGES)[number];

/** A step of some timeline, as the stage rule needs to know it. */
export type DeliberationStep =
  /** A need's step (need_steps.kind). */
  | { readonly of: 'need'; readonly kind: string }
  /** An application's transition: its event and the state it left. */
  | { readonly of: 'application'; readonly event: ApplicationEventName; readonly from: ApplicationState }
  /** A draft opened (by the committee, or from the project list). */
  | { readonly of: 'draft' }
  /** A leader's vote, and the owners' meeting the application records. */
  | { readonly of: 'vote' }
  | { readonly of: 'owners_meeting' }
  /** An objection filed or decided during the notice. */
  | { readonly of: 'objection' }
  /** The acceptance check, the residents' sign-off and their evaluation. */
  | { readonly of: 'acceptance' }
  | { readonly of: 'signoff' }
  | { readonly of: 'evaluation' }
  /** Money moving during the work (payouts, expenses): no deliberation, so no stage. */
  | { readonly of: 'money' }
  /** A project-list item's step (placed, delivered…). */
  | { readonly of: 'list_item'; readonly kind: string };

const NEED_STAGES: ReadonlyMap<string, DeliberationStage> = new Map([
  ['raised', 'propose'],
  ['reached_office', 'propose'],
  ['accepted', 'consult'],
  ['merged', 'consult'],
  ['declined', 'consult'],
  ['spam', 'consult'],
  ['reopened', 'consult'],
  ['in_list', 'resolve'],
  ['done', 'evaluate']
]);

const LIST_ITEM_STAGES: ReadonlyMap<string, DeliberationStage> = new Map([
  ['placed', 'resolve'],
  ['draft_opened', 'propose'],
  ['delivered', 'evaluate'],
  ['evaluated', 'evaluate']
]);

/** The stage of an application's transition: by its event, and for a refusal by where it was. */
function applicationStage(event: ApplicationEventName, from: ApplicationState): DeliberationStage | null {
  switch (event) {
    case 'submit':
    case 'precheck_pass':
      return 'consult';
    case 'return':
    case 'reject':
    case 'withdraw':
      // Sent back or refused at the pre-check ends the consultation; in review, the group's review.
      return from === 'in_review' ? 'review' : from === 'draft' ? 'propose' : 'consult';
    case 'objection_upheld':
      return 'review';
    case 'approve':
    case 'notice_ended':
      return 'resolve';
    case 'accept':
    case 'close':
      return 'evaluate';
    case 'cancel':
      return null;
  }
}

/** The stage a step belongs to, or null for a step that is no deliberation (money moving). */
export function deliberationStageOf(step: DeliberationStep): DeliberationStage | null {
  switch (step.of) {
    case 'need':
      return NEED_STAGES.get(step.kind) ?? null;
    case 'list_item':
      return LIST_ITEM_STAGES.get(step.kind) ?? null;
    case 'application':
      return applicationStage(step.event, step.from);
    case 'draft':
      return 'propose';
    case 'vote':
    case 'owners_meeting':
    case 'objection':
      return 'resolve';
    case 'acceptance':
    case 'signoff':
    case 'evaluation':
      return 'evaluate';
    case 'money':
      return null;
  }
}

const EVENT_WORDS: ReadonlySet<string> = new Set(APPLICATION_EVENTS);
const STATE_WORDS: ReadonlySet<string> = new Set(APPLICATION_STATES);

/**
 * The stage of an application transition as the database stores it (application_transitions.event
 * and from_status, plain text). A word the state machine does not know has no stage, so that an
 * old or foreign row shows no label rather than a wrong one.
 */
export function transitionStageOf(event: string, from: string): DeliberationStage | null {
  if (!EVENT_WORDS.has(event) || !STATE_WORDS.has(from)) return null;
  return applicationStage(event as ApplicationEventName, from as ApplicationState);
}
