import { m } from '../../../paraglide/messages';
import { shortDay, type NotificationAsk, type RequestVerb } from './requests';

export type Lang = 'zh-CN' | 'en';

const VERBS: Record<RequestVerb, (lang: Lang) => string> = {
  precheck: (lang) => m.notify_verb_precheck({}, { locale: lang }),
  vote: (lang) => m.notify_verb_vote({}, { locale: lang }),
  revise: (lang) => m.notify_verb_revise({}, { locale: lang }),
  decide_objection: (lang) => m.notify_verb_decide_objection({}, { locale: lang }),
  approve_payout: (lang) => m.notify_verb_approve_payout({}, { locale: lang }),
  confirm_acceptance: (lang) => m.notify_verb_confirm_acceptance({}, { locale: lang }),
  confirm_correction: (lang) => m.notify_verb_confirm_correction({}, { locale: lang })
};

/**
 * One notification as a sentence in the reader's language: a request ("请您在 12月11日 前表决：…")
 * or, for what asks nothing of the reader, what became of the application.
 */
export function askSentence(ask: NotificationAsk, subject: string, lang: Lang): string {
  if (ask.kind === 'request') {
    const verb = VERBS[ask.verb](lang);
    return ask.deadline === null
      ? m.notify_request({ verb, subject }, { locale: lang })
      : m.notify_request_by({ verb, subject, date: shortDay(ask.deadline, lang) }, { locale: lang });
  }
  if (ask.status === null) return m.notify_information_plain({ subject }, { locale: lang });
  return m.notify_information({ subject, status: statusNameFor(ask.status, lang) }, { locale: lang });
}

// The worker has no request whose locale statusName could read, so each status names its locale.
const STATUS_MESSAGES: Record<string, (lang: Lang) => string> = {
  submitted: (lang) => m.application_status_submitted({}, { locale: lang }),
  in_review: (lang) => m.application_status_in_review({}, { locale: lang }),
  returned: (lang) => m.application_status_returned({}, { locale: lang }),
  rejected: (lang) => m.application_status_rejected({}, { locale: lang }),
  withdrawn: (lang) => m.application_status_withdrawn({}, { locale: lang }),
  approved: (lang) => m.application_status_approved({}, { locale: lang }),
  active: (lang) => m.application_status_active({}, { locale: lang }),
  accepted: (lang) => m.application_status_accepted({}, { locale: lang }),
  closed: (lang) => m.application_status_closed({}, { locale: lang }),
  cancelled: (lang) => m.application_status_cancelled({}, { locale: lang })
};

function statusNameFor(status: string, lang: Lang): string {
  return Object.hasOwn(STATUS_MESSAGES, status) ? (STATUS_MESSAGES[status]?.(lang) ?? status) : status;
}

/** A request without its subject, for the inbox, whose line already names the application. */
export function askLine(ask: NotificationAsk, lang: Lang): string | null {
  if (ask.kind !== 'request') return null;
  const verb = VERBS[ask.verb](lang);
  return ask.deadline === null
    ? m.notify_inbox_request({ verb }, { locale: lang })
    : m.notify_inbox_request_by({ verb, date: shortDay(ask.deadline, lang) }, { locale: lang });
}
