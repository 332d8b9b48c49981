/**
 * The books in PostgreSQL: the posting path (every change to a fund's books goes through it) and
 * their verification. Use cases import it as a namespace: `import * as books from '$lib/server/books'`.
 */
export {
  hold,
  holdIn,
  openChartIn,
  openIn,
  post,
  postBatch,
  postBatchIn,
  postIn,
  release,
  releaseIn,
  reverse,
  reverseIn,
  settle,
  settleIn,
  transact,
  type BatchInput,
  type CommandInput,
  type FundCode
} from './commands';
export { sha256Native } from './rows';
export { verifyBooks, verifyFunds, type BooksFinding, type BooksReport } from './verify';
export { closedThroughIn, closingEntryIdsIn, restrictedBalancesIn } from './periods';
