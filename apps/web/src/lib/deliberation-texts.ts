import type { DeliberationStage } from '@gongjian/ledger';
import { m } from './paraglide/messages';

/** The five deliberations' names in the reader's language (提议, 商议, 审议, 决议, 评议). */
const LABELS: Record<DeliberationStage, () => string> = {
  propose: m.deliberation_propose,
  consult: m.deliberation_consult,
  review: m.deliberation_review,
  resolve: m.deliberation_resolve,
  evaluate: m.deliberation_evaluate
};

export function deliberationStageLabel(stage: DeliberationStage): string {
  return LABELS[stage]();
}
