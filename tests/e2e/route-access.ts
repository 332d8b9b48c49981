import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import ts from 'typescript';
import { inject } from 'vitest';
import { loadAccess } from '../../apps/web/src/lib/server/auth/session';
import { hashToken, newToken } from '../../apps/web/src/lib/server/auth/tokens';
import { createClient, type Sql } from '../../apps/web/src/lib/server/db/client';
import { ANONYMOUS, can, type Actor, type Decision } from '../../apps/web/src/lib/server/access/policy';
import { createTestFund, createTestUser, signInOverHttp } from '../support/people';
import { checkoutRoot } from '../support/postgres';
import { FUND_OFFICE_REGISTRY } from './route-access/fund-office';
import { MONEY_REGISTRY } from './route-access/money';
import { APPLICATIONS_REGISTRY } from './route-access/applications';
import { REVIEW_REGISTRY } from './route-access/review';
import { PAY_REGISTRY } from './route-access/pay';
import { RAISE_REGISTRY } from './route-access/raise';
import { ADMIN_REGISTRY } from './route-access/admin';
import { PROJECTS_REGISTRY } from './route-access/projects';
import { PUBLIC_FUND_REGISTRY } from './route-access/public-fund';
import { PUBLIC_LEDGER_REGISTRY } from './route-access/public-ledger';
import { PUBLIC_PRINT_REGISTRY } from './route-access/public-print';
import { PUBLIC_PROJECTS_REGISTRY } from './route-access/public-projects';
import { CORRECTIONS_REGISTRY } from './route-access/corrections';
import { PERIODS_REGISTRY } from './route-access/periods';
import { PUBLIC_STATEMENTS_REGISTRY } from './route-access/public-statements';
import { ACCOUNT_BOOKS_REGISTRY } from './route-access/account-books';
import { BANK_REGISTRY } from './route-access/bank';
import { AUDIT_REGISTRY } from './route-access/audit';
import { TRAIL_REGISTRY } from './route-access/trail';
import { NOTIFICATIONS_REGISTRY } from './route-access/notifications';
import { NEEDS_REGISTRY } from './route-access/needs';
import { RESOURCES_REGISTRY } from './route-access/resources';
import { PROJECT_LIST_REGISTRY } from './route-access/project-list';
import { SIGNOFF_REGISTRY } from './route-access/signoff';

/**
 * Who may reach which route, written down once for the security tests. The routes directory is
 * read from disk and every load, form action, endpoint verb and layout load found there must have
 * an entry in REGISTRY (and the other way round), so a route added without deciding who may use it
 * fails the suite with its name. Expectations come from the real policy (`can`), not from copies of
 * its rules.
 */

export const ROUTES_DIR = join(checkoutRoot, 'apps/web/src/routes');
export const baseUrl = inject('baseUrl');
export const origin = new URL(baseUrl).origin;

export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'fallback'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** What the route files of one route id export. */
export interface DiscoveredRoute {
  id: string;
  /** +page.svelte (or +page.ts) exists, so the route renders a page. */
  page: boolean;
  /** +page.server.ts exports `load`. */
  serverLoad: boolean;
  actions: string[];
  /** Verbs exported by +server.ts. */
  endpoints: HttpMethod[];
  /** +layout.server.ts exports `load`. */
  layoutLoad: boolean;
  /** Layout nodes from the root down to this route, for `x-sveltekit-invalidated`. */
  layoutDepth: number;
}

function routeIdOf(directory: string): string {
  const path = relative(ROUTES_DIR, directory).split(sep).join('/');
  return path === '' ? '/' : `/${path}`;
}

function parse(file: string): ts.SourceFile {
  return ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
}

function hasExportModifier(node: ts.Node): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
}

/** The names a module exports, with the initialiser of each exported `const` when it has one. */
function exportsOf(source: ts.SourceFile): Map<string, ts.Expression | null> {
  const found = new Map<string, ts.Expression | null>();
  const locals = new Map<string, ts.Expression>();
  for (const statement of source.statements) {
    if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) {
        if (!ts.isIdentifier(declaration.name)) continue;
        if (declaration.initializer) locals.set(declaration.name.text, declaration.initializer);
        if (hasExportModifier(statement)) found.set(declaration.name.text, declaration.initializer ?? null);
      }
    } else if (ts.isFunctionDeclaration(statement) && statement.name && hasExportModifier(statement)) {
      found.set(statement.name.text, null);
    } else if (
      ts.isExportDeclaration(statement) &&
      statement.exportClause &&
      ts.isNamedExports(statement.exportClause)
    ) {
      for (const element of statement.exportClause.elements) {
        const local = (element.propertyName ?? element.name).text;
        found.set(element.name.text, statement.moduleSpecifier ? null : (locals.get(local) ?? null));
      }
    }
  }
  return found;
}

function unwrap(expression: ts.Expression): ts.Expression {
  let current = expression;
  while (
    ts.isSatisfiesExpression(current) ||
    ts.isAsExpression(current) ||
    ts.isParenthesizedExpression(current) ||
    ts.isTypeAssertionExpression(current)
  ) {
    current = current.expression;
  }
  return current;
}

/** The keys of `export const actions = { ... }`; anything the parser cannot read fails loudly. */
function actionNames(file: string, initializer: ts.Expression | null): string[] {
  const object = initializer === null ? null : unwrap(initializer);
  if (object === null || !ts.isObjectLiteralExpression(object)) {
    throw new Error(`${file}: \`actions\` is not an object literal, so its action names cannot be listed`);
  }
  return object.properties.map((property) => {
    if (ts.isSpreadAssignment(property) || property.name === undefined) {
      throw new Error(`${file}: an action given by a spread cannot be listed; name each action`);
    }
    const name = property.name;
    if (ts.isIdentifier(name) || ts.isStringLiteral(name)) return name.text;
    throw new Error(`${file}: action name ${name.getText()} is computed`);
  });
}

/** Reads every route from apps/web/src/routes. */
export function discoverRoutes(): DiscoveredRoute[] {
  const routes: DiscoveredRoute[] = [];
  const walk = (directory: string, layoutDepth: number): void => {
    const files = new Set(readdirSync(directory));
    const depth =
      layoutDepth + (['+layout.svelte', '+layout.ts', '+layout.server.ts'].some((f) => files.has(f)) ? 1 : 0);
    const pageServer = join(directory, '+page.server.ts');
    const server = join(directory, '+server.ts');
    const layoutServer = join(directory, '+layout.server.ts');
    const pageExports = existsSync(pageServer) ? exportsOf(parse(pageServer)) : new Map<string, null>();
    const serverExports = existsSync(server) ? exportsOf(parse(server)) : new Map<string, null>();
    const layoutExports = existsSync(layoutServer) ? exportsOf(parse(layoutServer)) : new Map<string, null>();
    for (const unsupported of ['+page.server.js', '+server.js', '+layout.server.js']) {
      if (files.has(unsupported)) throw new Error(`${join(directory, unsupported)}: the registry reads only .ts files`);
    }
    const page = files.has('+page.svelte') || files.has('+page.ts');
    const route: DiscoveredRoute = {
      id: routeIdOf(directory),
      page,
      serverLoad: pageExports.has('load'),
      actions: pageExports.has('actions') ? actionNames(pageServer, pageExports.get('actions') ?? null) : [],
      endpoints: HTTP_METHODS.filter((method) => serverExports.has(method)),
      layoutLoad: layoutExports.has('load'),
      // The root layout always exists, as SvelteKit's default when no file is there.
      layoutDepth: Math.max(depth, 1)
    };
    if (route.page || route.endpoints.length > 0 || route.layoutLoad || existsSync(pageServer)) routes.push(route);
    const children = readdirSync(directory, { withFileTypes: true }).filter((entry) => entry.isDirectory());
    for (const child of children.map((entry) => entry.name).sort()) walk(join(directory, child), depth);
  };
  walk(ROUTES_DIR, 0);
  return routes;
}

/** One line per thing a request can reach: `/path load`, `/path action:name`, `/path GET`... */
export function surfacesOf(route: DiscoveredRoute): string[] {
  const lines: string[] = [];
  if (route.layoutLoad) lines.push(`${route.id} layout-load`);
  if (route.serverLoad) lines.push(`${route.id} load`);
  else if (route.page) lines.push(`${route.id} page-only`);
  for (const action of route.actions) lines.push(`${route.id} action:${action}`);
  for (const method of route.endpoints) lines.push(`${route.id} ${method}`);
  return lines;
}

// ---------------------------------------------------------------------------------------------
// The registry: who may do what on each route.

/** Rows the tests create so that every route has a concrete URL. */
export interface Fixture {
  fundId: string;
  fundSlug: string;
  compoundA: string;
  compoundB: string;
  /** A compound of the demo fund that neither committee serves (c-xiyuan). */
  compoundC: string;
  otherFundId: string;
  otherFundSlug: string;
  otherCompoundId: string;
  /** An open invitation of the demo fund, for viewing only. */
  openInviteToken: string;
  /** A revoked invitation, for posting to without changing anything. */
  revokedInviteToken: string;
  openResetToken: string;
  revokedResetToken: string;
  /** An id that no row has. */
  missingId: string;
  /** Applications of compound A made for the security tests (their numbers): a draft, a submitted one. */
  applicationDraftA?: number;
  applicationSubmittedA?: number;
}

/** A concrete URL of a route and the ids the policy is asked about for it. */
export interface Target {
  path: string;
  fundId: string | null;
  compoundId: string | null;
  /** The ids name nothing (a compound of another fund): an allowed visitor gets 404. */
  missing?: boolean;
}

export type Expected =
  | { kind: 'allow' }
  | { kind: 'redirect'; location: string | RegExp }
  | { kind: 'forbidden' }
  | { kind: 'conflict' }
  | { kind: 'not_found' };

/** The visitor as the policy and the special routes see them. */
export interface Viewer {
  role: RoleName;
  actor: Actor;
  /** Signed in with the password, the TOTP code still to come (the actor is anonymous). */
  secondFactorPending: boolean;
  /** The login name of a signed-in (or pending) viewer. */
  loginName: string | null;
}

export type Access =
  | { kind: 'public' }
  | { kind: 'policy'; decide: (actor: Actor, target: Target) => Decision }
  | { kind: 'custom'; why: string; expected: (viewer: Viewer, target: Target) => Expected };

export interface ActionSpec {
  access: Access;
  /** A body of the right shape that changes nothing even when the request is allowed. */
  body: (fx: Fixture, viewer: Viewer) => Record<string, string>;
  /** The URL to post to, when it must differ from the route's first target. */
  path?: (fx: Fixture) => string;
  /** The request ends the session it carries; the matrix gives it a session of its own. */
  consumesSession?: boolean;
}

export interface RouteEntry {
  targets: (fx: Fixture) => Target[];
  layoutLoad?: Access;
  /** 'page-only': a page without a server load; 'none': no page at all (an endpoint). */
  load: Access | 'page-only' | 'none';
  actions: Record<string, ActionSpec>;
  endpoints: Partial<Record<HttpMethod, Access>>;
}

const PUBLIC: Access = { kind: 'public' };

const signedIn = (viewer: Viewer): boolean => viewer.actor.kind === 'user';

const fundScope = (fx: Fixture, path: string): Target => ({ path, fundId: fx.fundId, compoundId: null });

const membersManage: Access = {
  kind: 'policy',
  decide: (actor, target) => can(actor, 'fund.members.manage', { fundId: target.fundId ?? '' })
};

/**
 * Disabling, enabling and issuing a reset link need fund.members.manage to reach the use case, and
 * then user.manage for the person named in the form. The harmless body names nobody, so the
 * route's own gate is what the matrix sees; the user.manage side has its own test.
 */
const membersManageThenUser: Access = membersManage;

const accountUse: Access = { kind: 'policy', decide: (actor) => can(actor, 'account.use', null) };

const CORE_REGISTRY: Record<string, RouteEntry> = {
  '/': {
    targets: () => [{ path: '/', fundId: null, compoundId: null }],
    layoutLoad: PUBLIC,
    load: { kind: 'policy', decide: (actor) => can(actor, 'public.read', null) },
    actions: {},
    endpoints: {}
  },
  '/about': {
    targets: () => [{ path: '/about', fundId: null, compoundId: null }],
    load: 'page-only',
    actions: {},
    endpoints: {}
  },
  '/settings': {
    targets: () => [{ path: '/settings', fundId: null, compoundId: null }],
    load: PUBLIC,
    actions: {
      language: { access: PUBLIC, body: () => ({ locale: 'zh-CN', returnTo: '/settings' }) },
      textSize: { access: PUBLIC, body: () => ({ elderMode: 'off', returnTo: '/settings' }) }
    },
    endpoints: {}
  },
  '/healthz': {
    targets: () => [{ path: '/healthz', fundId: null, compoundId: null }],
    load: 'none',
    actions: {},
    endpoints: { GET: PUBLIC }
  },
  '/login': {
    targets: () => [{ path: '/login', fundId: null, compoundId: null }],
    load: {
      kind: 'custom',
      why: 'the sign-in form is for people not signed in; a signed-in visitor goes to their to-do list on the home page',
      expected: (viewer) =>
        signedIn(viewer)
          ? { kind: 'redirect', location: '/' }
          : viewer.secondFactorPending
            ? { kind: 'redirect', location: '/login/totp' }
            : { kind: 'allow' }
    },
    // An empty form: refused as incomplete before any password is checked, so nothing is counted.
    actions: { default: { access: PUBLIC, body: () => ({}) } },
    endpoints: {}
  },
  '/login/totp': {
    targets: () => [{ path: '/login/totp', fundId: null, compoundId: null }],
    load: {
      kind: 'custom',
      why: 'only a session waiting for its TOTP code may see the code form',
      expected: (viewer) =>
        viewer.secondFactorPending
          ? { kind: 'allow' }
          : { kind: 'redirect', location: signedIn(viewer) ? '/' : '/login' }
    },
    actions: {
      default: {
        access: {
          kind: 'custom',
          why: 'only a session waiting for its TOTP code may post a code',
          expected: (viewer) =>
            viewer.secondFactorPending ? { kind: 'allow' } : { kind: 'redirect', location: '/login?expired=1' }
        },
        // Not six digits: refused before the code is checked, so no failure is counted.
        body: () => ({ code: 'x' })
      }
    },
    endpoints: {}
  },
  '/logout': {
    targets: () => [{ path: '/logout', fundId: null, compoundId: null }],
    load: {
      kind: 'custom',
      why: 'signing out is a POST; a GET only sends the visitor home',
      expected: () => ({ kind: 'redirect', location: '/' })
    },
    actions: { default: { access: PUBLIC, body: () => ({}), consumesSession: true } },
    endpoints: {}
  },
  '/account': {
    targets: () => [{ path: '/account', fundId: null, compoundId: null }],
    load: accountUse,
    actions: {},
    endpoints: {}
  },
  '/account/password': {
    targets: () => [{ path: '/account/password', fundId: null, compoundId: null }],
    load: accountUse,
    actions: {
      default: {
        access: accountUse,
        // The right current password and a new one equal to the login name, which the rules
        // refuse: the request reaches the use case and changes nothing.
        body: (_fx, viewer) => {
          const loginName = viewer.loginName ?? 'sec-nobody-at-all';
          return {
            currentPassword: 'correct horse battery staple',
            newPassword: loginName,
            confirmPassword: loginName
          };
        }
      }
    },
    endpoints: {}
  },
  '/account/totp': {
    targets: () => [{ path: '/account/totp', fundId: null, compoundId: null }],
    load: accountUse,
    actions: { default: { access: accountUse, body: () => ({ code: '000000' }) } },
    endpoints: {}
  },
  '/invite/[token]': {
    targets: (fx) => [{ path: `/invite/${fx.openInviteToken}`, fundId: null, compoundId: null }],
    load: PUBLIC,
    // Posts go to a revoked invitation, so even an allowed request is refused as 410 and adds nothing.
    actions: {
      // Taking the role into the account one is signed in with needs that account.
      add: { access: accountUse, body: () => ({}), path: (fx) => `/invite/${fx.revokedInviteToken}` },
      join: {
        access: PUBLIC,
        body: () => ({
          displayName: '安全测试',
          loginName: 'sec-never-created',
          password: 'a long unused passphrase 1'
        }),
        path: (fx) => `/invite/${fx.revokedInviteToken}`
      }
    },
    endpoints: {}
  },
  '/reset/[token]': {
    targets: (fx) => [{ path: `/reset/${fx.openResetToken}`, fundId: null, compoundId: null }],
    load: PUBLIC,
    actions: {
      default: {
        access: PUBLIC,
        body: () => ({ password: 'a long unused passphrase 2' }),
        path: (fx) => `/reset/${fx.revokedResetToken}`
      }
    },
    endpoints: {}
  },
  '/funds/[slug]/members': {
    targets: (fx) => [
      fundScope(fx, `/funds/${fx.fundSlug}/members`),
      { path: `/funds/${fx.otherFundSlug}/members`, fundId: fx.otherFundId, compoundId: null }
    ],
    load: {
      kind: 'policy',
      decide: (actor, target) => can(actor, 'fund.members.read', { fundId: target.fundId ?? '' })
    },
    actions: {
      // A compound of another fund: refused as place_must_belong_to_fund, nothing created.
      invite: {
        access: membersManage,
        body: (fx) => ({ role: 'committee', compoundId: fx.otherCompoundId, label: 'sec matrix' })
      },
      revoke: { access: membersManage, body: (fx) => ({ invitationId: fx.missingId }) },
      remove: { access: membersManage, body: (fx) => ({ membershipId: fx.missingId }) },
      disable: { access: membersManageThenUser, body: (fx) => ({ userId: fx.missingId }) },
      enable: { access: membersManageThenUser, body: (fx) => ({ userId: fx.missingId }) },
      reset: { access: membersManageThenUser, body: (fx) => ({ userId: fx.missingId }) },
      // The matrix leaves the rule off; it is off whenever the matrix posts (see the test).
      requireTotp: { access: membersManage, body: () => ({ required: 'off' }) }
    },
    endpoints: {}
  },
  '/funds/[slug]/compounds/[id]': {
    targets: (fx) => [
      { path: `/funds/${fx.fundSlug}/compounds/${fx.compoundA}`, fundId: fx.fundId, compoundId: fx.compoundA },
      { path: `/funds/${fx.fundSlug}/compounds/${fx.compoundB}`, fundId: fx.fundId, compoundId: fx.compoundB },
      {
        path: `/funds/${fx.otherFundSlug}/compounds/${fx.otherCompoundId}`,
        fundId: fx.otherFundId,
        compoundId: fx.otherCompoundId
      },
      // A compound id of another fund under this fund's slug: nobody may see it here.
      {
        path: `/funds/${fx.fundSlug}/compounds/${fx.otherCompoundId}`,
        fundId: fx.fundId,
        compoundId: fx.otherCompoundId,
        missing: true
      }
    ],
    load: {
      kind: 'policy',
      decide: (actor, target) =>
        can(actor, 'compound.read', { fundId: target.fundId ?? '', compoundId: target.compoundId ?? '' })
    },
    actions: {},
    endpoints: {}
  }
};

/**
 * Every route's entry. Each feature keeps its routes' entries in its own file under
 * tests/e2e/route-access/ (they import only types from here, and `can`), merged here.
 */
export const REGISTRY: Record<string, RouteEntry> = {
  ...CORE_REGISTRY,
  ...FUND_OFFICE_REGISTRY,
  ...MONEY_REGISTRY,
  ...APPLICATIONS_REGISTRY,
  ...REVIEW_REGISTRY,
  ...PAY_REGISTRY,
  ...RAISE_REGISTRY,
  ...ADMIN_REGISTRY,
  ...PROJECTS_REGISTRY,
  ...PUBLIC_FUND_REGISTRY,
  ...PUBLIC_LEDGER_REGISTRY,
  ...PUBLIC_PRINT_REGISTRY,
  ...PUBLIC_PROJECTS_REGISTRY,
  ...CORRECTIONS_REGISTRY,
  ...PERIODS_REGISTRY,
  ...PUBLIC_STATEMENTS_REGISTRY,
  ...ACCOUNT_BOOKS_REGISTRY,
  ...BANK_REGISTRY,
  ...AUDIT_REGISTRY,
  ...TRAIL_REGISTRY,
  ...NOTIFICATIONS_REGISTRY,
  ...NEEDS_REGISTRY,
  ...RESOURCES_REGISTRY,
  ...PROJECT_LIST_REGISTRY,
  ...SIGNOFF_REGISTRY
};

/** The same lines as surfacesOf, from the registry. */
export function registeredSurfaces(): string[] {
  const lines: string[] = [];
  for (const [id, entry] of Object.entries(REGISTRY)) {
    if (entry.layoutLoad) lines.push(`${id} layout-load`);
    if (entry.load === 'page-only') lines.push(`${id} page-only`);
    else if (entry.load !== 'none') lines.push(`${id} load`);
    for (const action of Object.keys(entry.actions)) lines.push(`${id} action:${action}`);
    for (const method of Object.keys(entry.endpoints)) lines.push(`${id} ${method}`);
  }
  return lines.sort();
}

/** What the guard does with a decision (lib/server/access/guard.ts), for a page at `path`. */
export function expectedOfDecision(decision: Decision, path: string): Expected {
  if (decision.allowed) return { kind: 'allow' };
  if (decision.reason === 'sign_in_required') {
    return { kind: 'redirect', location: `/login?next=${encodeURIComponent(path)}` };
  }
  if (decision.reason === 'second_factor_enrolment_required') {
    return { kind: 'redirect', location: '/account/totp?required=1' };
  }
  // The role may, the stage the thing is in does not: 409, with that stage.
  if (decision.reason === 'state_does_not_allow_it') return { kind: 'conflict' };
  return { kind: 'forbidden' };
}

export function expectedOf(access: Access, viewer: Viewer, target: Target): Expected {
  let expected: Expected;
  if (access.kind === 'public') expected = { kind: 'allow' };
  else if (access.kind === 'custom') expected = access.expected(viewer, target);
  else expected = expectedOfDecision(access.decide(viewer.actor, target), target.path);
  return expected.kind === 'allow' && target.missing ? { kind: 'not_found' } : expected;
}

// ---------------------------------------------------------------------------------------------
// Roles, fixtures and HTTP.

export const ROLE_NAMES = [
  'anonymous',
  'pending',
  'resident',
  'committeeA',
  'committeeB',
  'leader',
  'fundAdmin',
  'supervisor'
] as const;
export type RoleName = (typeof ROLE_NAMES)[number];

/** A per-run tag, so that every test file's users have names of their own. */
export const RUN_TAG = randomBytes(3).toString('hex');

export function loginNameOf(role: RoleName, prefix = 'm'): string {
  return `sec-${prefix}${RUN_TAG}-${role.toLowerCase()}`;
}

export function openDatabase(): Sql {
  return createClient(inject('databaseUrl'), { max: 4, applicationName: 'gongjian-security-tests' });
}

async function idOf(sql: Sql, table: 'compounds' | 'funds', where: { fundId?: string; code: string }): Promise<string> {
  const rows =
    table === 'funds'
      ? await sql<{ id: string }[]>`select id::text as id from funds where slug = ${where.code}`
      : await sql<{ id: string }[]>`
          select id::text as id from compounds where fund_id = ${where.fundId ?? ''} and code = ${where.code}`;
  const id = rows[0]?.id;
  if (id === undefined) throw new Error(`no ${table} row ${where.code}`);
  return id;
}

/** Inserts a link straight into the database and returns its token. */
async function insertLink(
  sql: Sql,
  options: { fundId: string; kind: 'invite' | 'reset'; compoundId?: string; userId?: string; revoked: boolean }
): Promise<string> {
  const token = newToken();
  const now = new Date();
  await sql`
    insert into invitations (fund_id, kind, token_hash, role, compound_id, user_id, label, created_at, expires_at, revoked_at)
    values (${options.fundId}, ${options.kind}, ${hashToken(token)},
            ${options.kind === 'invite' ? 'committee' : null}, ${options.compoundId ?? null}, ${options.userId ?? null},
            'security tests', ${now}, ${new Date(now.getTime() + 24 * 60 * 60 * 1000)}, ${options.revoked ? now : null})`;
  return token;
}

/**
 * An application straight into the database, numbered after the fund's last: an empty draft (which
 * a submit refuses as incomplete) or a submitted one (frozen), so that posts to them change nothing.
 */
async function insertApplication(
  sql: Sql,
  options: { fundId: string; compoundId: string; createdBy: string; submitted: boolean }
): Promise<number> {
  const status = options.submitted ? 'submitted' : 'draft';
  const [row] = await sql<{ number: number }[]>`
    insert into applications (fund_id, number, compound_id, status, title, policy_version, created_by, created_at,
                              updated_at, submitted_at)
    select ${options.fundId}, coalesce(max(number), 0) + 1, ${options.compoundId}, ${status}, '安全测试申请',
           ${options.submitted ? 1 : null}, ${options.createdBy}, now(), now(), ${options.submitted ? new Date() : null}
      from applications where fund_id = ${options.fundId}
    returning number`;
  if (row === undefined) throw new Error('insertApplication: no row');
  return row.number;
}

export interface World {
  fx: Fixture;
  /** The id of each signed-in role's user. */
  userIds: Partial<Record<RoleName, string>>;
  /** The user whose display name is the sentinel, on compound A's committee. */
  sentinel: { userId: string; displayName: string; loginName: string };
}

/**
 * The users of one test file: one per role, plus a sentinel on compound A's committee whose name
 * must never appear in a refused response, and a second fund where the resident serves.
 */
export async function createWorld(sql: Sql, prefix: string): Promise<World> {
  const fundSlug = 'guihuajing';
  const fundId = await idOf(sql, 'funds', { code: fundSlug });
  const compoundA = await idOf(sql, 'compounds', { fundId, code: 'c-guihua-3' });
  const compoundB = await idOf(sql, 'compounds', { fundId, code: 'c-nanjie' });
  const compoundC = await idOf(sql, 'compounds', { fundId, code: 'c-xiyuan' });
  const otherFundSlug = `sec-${prefix}${RUN_TAG}`;
  const otherFundId = await createTestFund(sql, otherFundSlug);
  const otherCompoundId = await idOf(sql, 'compounds', { fundId: otherFundId, code: 'compound-1' });
  const name = (role: RoleName) => loginNameOf(role, prefix);
  const userIds: Partial<Record<RoleName, string>> = {
    pending: await createTestUser(sql, { loginName: name('pending') }),
    resident: await createTestUser(sql, {
      loginName: name('resident'),
      memberships: [{ fundSlug: otherFundSlug, role: 'committee', compoundCode: 'compound-1' }]
    }),
    committeeA: await createTestUser(sql, {
      loginName: name('committeeA'),
      memberships: [{ fundSlug, role: 'committee', compoundCode: 'c-guihua-3' }]
    }),
    committeeB: await createTestUser(sql, {
      loginName: name('committeeB'),
      memberships: [{ fundSlug, role: 'committee', compoundCode: 'c-nanjie' }]
    }),
    leader: await createTestUser(sql, {
      loginName: name('leader'),
      memberships: [{ fundSlug, role: 'leader', unitCode: 'grid-03' }]
    }),
    fundAdmin: await createTestUser(sql, {
      loginName: name('fundAdmin'),
      memberships: [{ fundSlug, role: 'fund_admin' }]
    }),
    supervisor: await createTestUser(sql, {
      loginName: name('supervisor'),
      memberships: [{ fundSlug, role: 'supervisor' }]
    })
  };
  // The pending user has enrolled TOTP, so the password alone leaves the session waiting for a code.
  await sql`update users set totp_key = ${randomBytes(20)}, totp_enrolled_at = now() where id = ${userIds.pending ?? ''}`;
  const sentinelName = `SENTINEL-${randomBytes(6).toString('hex')}`;
  const sentinelLogin = `sec-sentinel-${prefix}${RUN_TAG}`;
  const sentinelId = await createTestUser(sql, {
    loginName: sentinelLogin,
    displayName: sentinelName,
    memberships: [{ fundSlug, role: 'committee', compoundCode: 'c-guihua-3' }]
  });
  const fx: Fixture = {
    fundId,
    fundSlug,
    compoundA,
    compoundB,
    compoundC,
    otherFundId,
    otherFundSlug,
    otherCompoundId,
    openInviteToken: await insertLink(sql, { fundId, kind: 'invite', compoundId: compoundC, revoked: false }),
    revokedInviteToken: await insertLink(sql, { fundId, kind: 'invite', compoundId: compoundC, revoked: true }),
    openResetToken: await insertLink(sql, { fundId, kind: 'reset', userId: sentinelId, revoked: false }),
    revokedResetToken: await insertLink(sql, { fundId, kind: 'reset', userId: sentinelId, revoked: true }),
    missingId: '987654321987',
    applicationDraftA: await insertApplication(sql, {
      fundId,
      compoundId: compoundA,
      createdBy: sentinelId,
      submitted: false
    }),
    applicationSubmittedA: await insertApplication(sql, {
      fundId,
      compoundId: compoundA,
      createdBy: sentinelId,
      submitted: true
    })
  };
  return { fx, userIds, sentinel: { userId: sentinelId, displayName: sentinelName, loginName: sentinelLogin } };
}

/** The actor the app builds for this user from the database, as hooks.server.ts does. */
export async function actorOf(sql: Sql, userId: string | undefined): Promise<Actor> {
  if (userId === undefined) return ANONYMOUS;
  const [user] = await sql<{ platform_admin: boolean; totp_enrolled: boolean }[]>`
    select platform_admin, totp_enrolled_at is not null as totp_enrolled from users where id = ${userId}`;
  if (user === undefined) throw new Error(`no user ${userId}`);
  const access = await loadAccess(sql, userId);
  return {
    kind: 'user',
    userId,
    platformAdmin: user.platform_admin,
    memberships: access.memberships,
    totpEnrolled: user.totp_enrolled,
    fundsRequiringTotp: access.fundsRequiringTotp
  };
}

/** Signs the role's user in from `ip` and returns the Cookie header value. */
export async function signIn(loginName: string, ip: string, password?: string): Promise<string> {
  const result = await signInOverHttp(baseUrl, { loginName, ip, ...(password === undefined ? {} : { password }) });
  if (result.cookie === null) throw new Error(`signing in ${loginName} from ${ip} gave ${result.status} and no cookie`);
  return result.cookie;
}

export interface HttpResult {
  status: number;
  location: string | null;
  headers: Headers;
  body: string;
}

export async function request(
  path: string,
  options: {
    method?: string;
    cookie?: string | null;
    ip?: string;
    headers?: Record<string, string>;
    body?: BodyInit;
  } = {}
): Promise<HttpResult> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.cookie) headers.cookie = options.cookie;
  if (options.ip !== undefined) headers['x-forwarded-for'] = options.ip;
  const response = await fetch(new URL(path, baseUrl), {
    method: options.method ?? 'GET',
    redirect: 'manual',
    headers,
    ...(options.body === undefined ? {} : { body: options.body })
  });
  return {
    status: response.status,
    location: response.headers.get('location'),
    headers: response.headers,
    body: await response.text()
  };
}

/** A same-origin form post, as the page's own form sends it (without JavaScript, or enhanced). */
export function postForm(
  path: string,
  fields: Record<string, string>,
  options: { cookie?: string | null; ip?: string; enhanced?: boolean }
): Promise<HttpResult> {
  return request(path, {
    method: 'POST',
    cookie: options.cookie ?? null,
    ...(options.ip === undefined ? {} : { ip: options.ip }),
    headers: {
      origin,
      'content-type': 'application/x-www-form-urlencoded',
      accept: options.enhanced ? 'application/json' : 'text/html',
      ...(options.enhanced ? { 'x-sveltekit-action': 'true' } : {})
    },
    body: new URLSearchParams(fields).toString()
  });
}

/** The URL a SvelteKit client asks for a page's server data. */
export function dataUrl(path: string, layoutDepth: number): string {
  const url = new URL(path, baseUrl);
  url.pathname = `${url.pathname.replace(/\/$/, '')}/__data.json`;
  url.searchParams.set('x-sveltekit-invalidated', '1'.repeat(layoutDepth + 1));
  return url.pathname + url.search;
}

/** Runs the tasks with at most `limit` at once. */
export async function inBatches<T>(tasks: readonly (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array<T>(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const index = next++;
      const task = tasks[index];
      if (task) results[index] = await task();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}
