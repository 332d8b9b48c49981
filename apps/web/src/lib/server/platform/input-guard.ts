import { error, type Handle, type RequestEvent } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { hasControlCharacter } from './form-input';

/**
 * Input no page can send is refused at the door, with a 4xx in the visitor's language, before any
 * route sees it: a form post that is not form-encoded (415), a form body that cannot be read (400),
 * and a control character (NUL above all, which PostgreSQL refuses in text) in any form field or
 * URL parameter (400). Every route gets these rules without repeating them, and a new form cannot
 * forget them.
 *
 * Every state-changing request of this app is a form action (it has no POST endpoints), so the
 * rule holds for every method but GET, HEAD and OPTIONS.
 */

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const FORM_TYPES = new Set(['application/x-www-form-urlencoded', 'multipart/form-data']);

function mediaTypeOf(request: Request): string {
  return (request.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/** True when a route parameter or a query parameter (name or value) holds a control character. */
function urlHasControlCharacter(event: RequestEvent): boolean {
  for (const value of Object.values(event.params)) {
    if (value !== undefined && hasControlCharacter(value)) return true;
  }
  for (const [name, value] of event.url.searchParams) {
    if (hasControlCharacter(name) || hasControlCharacter(value)) return true;
  }
  return false;
}

/** A status the body reader itself chose (adapter-node's 413 for a body over BODY_SIZE_LIMIT). */
function clientErrorStatusOf(cause: unknown): number | null {
  if (!(cause instanceof Error) || !('status' in cause) || typeof cause.status !== 'number') return null;
  return cause.status >= 400 && cause.status < 500 ? cause.status : null;
}

/**
 * The request a form action reads: the body is parsed when the action asks for it (so an upload
 * is read once, and only by a route that wants it), and a body that cannot be parsed, or a field
 * with a control character, ends the request with SvelteKit's error page before the action has
 * written anything. Actions read their form before they change anything.
 */
class CheckedFormRequest extends Request {
  override async formData(): Promise<FormData> {
    let form: FormData;
    try {
      form = await super.formData();
    } catch (cause) {
      const status = clientErrorStatusOf(cause);
      if (status === 413) error(413, { message: m.input_form_too_large() });
      error(status ?? 400, { message: m.input_form_unreadable() });
    }
    for (const [name, value] of form) {
      const text = typeof value === 'string' ? value : value.name;
      if (hasControlCharacter(name) || hasControlCharacter(text)) {
        error(400, { message: m.input_form_has_control_character() });
      }
    }
    return form;
  }
}

export const inputGuard: Handle = ({ event, resolve }) => {
  if (urlHasControlCharacter(event)) error(400, { message: m.input_url_has_control_character() });
  if (!SAFE_METHODS.has(event.request.method)) {
    if (!FORM_TYPES.has(mediaTypeOf(event.request))) error(415, { message: m.input_form_type_unsupported() });
    event.request = new CheckedFormRequest(event.request);
  }
  return resolve(event);
};
