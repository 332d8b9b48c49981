-- 006: people, roles and sessions. Who may sign in (users), what they may do in which fund
-- (memberships, linked to a contributing unit or a compound), how they stay signed in (sessions,
-- stored only as the SHA-256 of the cookie token), how they join without email or SMS
-- (invitations and password-reset links, stored hashed), how guessing is slowed down
-- (login_throttles), and what everyone did (events, append-only).
--
-- The database enforces again what the app decides:
--   a role's link         a leadership member names a unit, a committee member a compound, of
--                         the same fund (composite foreign keys); other roles name neither
--   one role per scope    a user holds a role in a fund (and unit or compound) at most once
--   secrets are hashes    token hashes are exactly 32 bytes (SHA-256); no column holds a token
--   links are single-use  an invitation is used at most once, and never after it expired (GJ010)
--   the audit trail       events reject UPDATE, DELETE and TRUNCATE (GJ011)

-- The administrator may require a second factor (TOTP) of the fund's leadership members and
-- administrators.
alter table funds add column totp_required boolean not null default false;

-- Contributing units (网格单位 / 共建单位) and compounds (小区 / 院落). The fund office's registers
-- ("Fund office and grant applications") add their details; roles need them now because a
-- leadership seat belongs to a unit and a committee to a compound.
create table units (
  id bigint generated always as identity primary key,
  fund_id bigint not null references funds (id),
  code text not null constraint unit_code_must_be_well_formed check (code ~ '^[0-9A-Za-z][0-9A-Za-z-]{0,63}$'),
  name text not null constraint unit_name_must_not_be_blank check (btrim(name) <> ''),
  created_at timestamptz not null default now(),
  unique (fund_id, code),
  unique (fund_id, id)
);

create table compounds (
  id bigint generated always as identity primary key,
  fund_id bigint not null references funds (id),
  code text not null constraint compound_code_must_be_well_formed check (code ~ '^[0-9A-Za-z][0-9A-Za-z-]{0,63}$'),
  name text not null constraint compound_name_must_not_be_blank check (btrim(name) <> ''),
  created_at timestamptz not null default now(),
  unique (fund_id, code),
  unique (fund_id, id)
);

create table users (
  id bigint generated always as identity primary key,
  -- A phone number or a user name, stored in the normalised form people type it in (see
  -- lib/server/users.ts); the unique index is on that form.
  login_name text not null unique
    constraint login_name_must_be_well_formed check (login_name ~ '^[a-z0-9][a-z0-9._-]{2,31}$'),
  display_name text not null
    constraint display_name_must_not_be_blank check (btrim(display_name) <> '' and length(display_name) <= 40),
  -- Argon2id in its PHC string form; the parameters travel inside it.
  password_hash text not null constraint password_hash_must_be_argon2id check (password_hash like '$argon2id$%'),
  status text not null default 'active' constraint user_status_is_known check (status in ('active', 'disabled')),
  platform_admin boolean not null default false,
  totp_key bytea constraint totp_key_is_20_bytes check (totp_key is null or length(totp_key) = 20),
  totp_enrolled_at timestamptz,
  -- The last TOTP time step accepted; a code is never accepted twice.
  totp_last_step bigint,
  created_at timestamptz not null default now(),
  password_changed_at timestamptz not null default now(),
  constraint totp_enrolment_has_a_key check (totp_enrolled_at is null or totp_key is not null)
);

create table memberships (
  id bigint generated always as identity primary key,
  fund_id bigint not null references funds (id),
  user_id bigint not null references users (id),
  role text not null
    constraint membership_role_is_known check (role in ('fund_admin', 'leader', 'committee', 'supervisor')),
  unit_id bigint,
  compound_id bigint,
  created_at timestamptz not null default now(),
  foreign key (fund_id, unit_id) references units (fund_id, id),
  foreign key (fund_id, compound_id) references compounds (fund_id, id),
  constraint leader_sits_for_a_unit check ((role = 'leader') = (unit_id is not null)),
  constraint committee_serves_a_compound check ((role = 'committee') = (compound_id is not null))
);

create unique index memberships_are_unique
  on memberships (fund_id, user_id, role, coalesce(unit_id, 0), coalesce(compound_id, 0));
create index memberships_by_user on memberships (user_id);

create table sessions (
  -- SHA-256 of the cookie's token; the token itself is never stored.
  token_hash bytea primary key constraint session_token_hash_is_sha256 check (length(token_hash) = 32),
  user_id bigint not null references users (id),
  created_at timestamptz not null,
  expires_at timestamptz not null,
  -- Leadership members and administrators get an absolute lifetime; sliding never passes it.
  absolute_expires_at timestamptz,
  -- Set while a user who has enrolled TOTP has given the password but not yet the code.
  second_factor_pending boolean not null default false,
  ip inet,
  constraint session_expiry_within_absolute check (absolute_expires_at is null or expires_at <= absolute_expires_at)
);

create index sessions_by_user on sessions (user_id);
create index sessions_by_expiry on sessions (expires_at);

create table invitations (
  id bigint generated always as identity primary key,
  fund_id bigint not null references funds (id),
  kind text not null constraint invitation_kind_is_known check (kind in ('invite', 'reset')),
  token_hash bytea not null unique constraint invitation_token_hash_is_sha256 check (length(token_hash) = 32),
  -- For an invitation: the role offered, and its unit or compound.
  role text constraint invitation_role_is_known check (role in ('fund_admin', 'leader', 'committee', 'supervisor')),
  unit_id bigint,
  compound_id bigint,
  -- A note for the administrator's list, such as the invitee's name; never a secret.
  label text not null default '' constraint invitation_label_is_short check (length(label) <= 60),
  -- For a password reset: whose password.
  user_id bigint references users (id),
  -- Null when the operator issued it from the command line (npm run invite), before any
  -- administrator existed.
  created_by bigint references users (id),
  created_at timestamptz not null,
  expires_at timestamptz not null,
  used_at timestamptz,
  used_by bigint references users (id),
  revoked_at timestamptz,
  foreign key (fund_id, unit_id) references units (fund_id, id),
  foreign key (fund_id, compound_id) references compounds (fund_id, id),
  constraint invitation_shape_follows_kind check (
    case kind
      when 'invite' then role is not null and user_id is null
        and (role = 'leader') = (unit_id is not null) and (role = 'committee') = (compound_id is not null)
      else role is null and user_id is not null and unit_id is null and compound_id is null
    end),
  constraint invitation_expires_after_creation check (expires_at > created_at),
  constraint invitation_used_with_user check ((used_at is null) = (used_by is null))
);

create index invitations_by_fund on invitations (fund_id, created_at desc);

-- A link, once used or revoked, stays so; and it cannot be used after it expired.
create function invitations_are_single_use() returns trigger language plpgsql as $$
begin
  if old.used_at is not null and new.used_at is distinct from old.used_at then
    raise exception 'invitation_must_be_unused: invitation % was already used', old.id using errcode = 'GJ010';
  end if;
  if old.revoked_at is not null and new.revoked_at is distinct from old.revoked_at then
    raise exception 'invitation_must_stay_revoked: invitation % was revoked', old.id using errcode = 'GJ010';
  end if;
  if old.revoked_at is not null and new.used_at is not null and old.used_at is null then
    raise exception 'invitation_must_not_be_revoked: invitation % was revoked', old.id using errcode = 'GJ010';
  end if;
  if new.used_at is not null and old.used_at is null and new.used_at >= old.expires_at then
    raise exception 'invitation_must_not_be_expired: invitation % expired', old.id using errcode = 'GJ010';
  end if;
  if new.token_hash <> old.token_hash or new.kind <> old.kind or new.fund_id <> old.fund_id
     or new.role is distinct from old.role or new.unit_id is distinct from old.unit_id
     or new.compound_id is distinct from old.compound_id or new.user_id is distinct from old.user_id then
    raise exception 'invitation_terms_are_fixed: invitation % may not change what it grants', old.id using errcode = 'GJ010';
  end if;
  return new;
end
$$;

create trigger invitations_are_single_use before update on invitations
  for each row execute function invitations_are_single_use();

-- Failed sign-ins per key ('ip:<address>' or 'login:<login name>'), in a fixed window.
create table login_throttles (
  key text primary key constraint throttle_key_is_short check (length(key) <= 120),
  failures integer not null constraint failures_are_counted check (failures >= 0),
  window_started_at timestamptz not null,
  locked_until timestamptz
);

-- The audit trail: every security event and, later, every state change. It holds who, when,
-- what and the outcome, never a password, token or TOTP code.
create table events (
  id bigint generated always as identity primary key,
  at timestamptz not null default now(),
  fund_id bigint references funds (id),
  actor_user_id bigint references users (id),
  action text not null constraint event_action_is_a_name check (action ~ '^[a-z][a-z_.]{1,62}$'),
  resource_type text,
  resource_id text,
  outcome text not null constraint event_outcome_is_known check (outcome in ('ok', 'denied', 'failed')),
  ip inet,
  detail jsonb not null default '{}'::jsonb
);

create index events_by_fund on events (fund_id, id desc);
create index events_by_actor on events (actor_user_id, id desc);

create function events_are_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'events_are_append_only: % on events is not allowed', tg_op using errcode = 'GJ011';
end
$$;

create trigger events_are_append_only before update or delete on events
  for each row execute function events_are_append_only();
create trigger events_are_not_truncated before truncate on events
  for each statement execute function events_are_append_only();

-- The default privileges of 002 gave the app every right on the new tables; the audit trail is
-- append-only, and a membership is ended by deleting it (the events keep its history).
revoke update, delete, truncate on events from gongjian_app;
