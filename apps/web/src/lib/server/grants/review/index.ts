/**
 * The review of a submitted application: the fund office's pre-check, the leadership group's
 * vote, the reservation of the match (a hold on the pool), and the end of the notice period.
 *
 * Every use case runs in one transaction and takes its locks in one order: the pool's balance
 * row first (the books layer's own lock, so that two approvals racing for the same money queue
 * there), then the application row. Every state change goes through the ledger's
 * decideTransition and is written, in that same transaction, to application_transitions, the
 * audit trail and the inboxes of the people concerned. Each use case is idempotent by state: a
 * form sent twice finds the application already moved and returns the first outcome.
 */
// The folder splits by role: transitions.ts (the row, the lock order, writing a transition),
// seats.ts (the leadership's seats and votes), precheck.ts and vote.ts (the commands),
// notice-end.ts (activating ended notices), views.ts (what the pages read) and changes.ts (what a
// revision changed, for the vote page).

export * from './precheck';
export * from './vote';
export * from './notice-end';
export * from './views';
export * from './changes';
export { holdIdOf, seatsOf } from './seats';
export {
  applyTransition,
  decided,
  loadApplication,
  lockPool,
  type ApplicationRow,
  type Denied,
  type ReviewEvent
} from './transitions';
