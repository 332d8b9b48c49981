-- 002: the books. Accounts, journal entries and their postings, holds (reservations), maintained
-- balances and each fund's chain head. Every table carries fund_id and every key starts with it,
-- so that the schema can later be distributed by fund.
--
-- The ledger package decides and the app writes what it decided, but the database enforces the
-- invariants again on its own, because a second process or a clerk with psql bypasses the app:
--   entries balance                 a deferred constraint trigger, checked at commit (GJ002)
--   entries and postings are kept   triggers reject UPDATE, DELETE and TRUNCATE (GJ001), and the
--                                   app's role has no such privileges
--   postings belong to a new entry  lines cannot be added to an entry of an earlier transaction (GJ004)
--   the hash chain is in order      seq is the previous seq + 1 and prev_hash the previous hash (GJ003)
--   chain heads follow the entries  only the entries trigger moves a fund's chain head (GJ005)
--   holds only move forward         an open hold may be settled, released or expire; nothing else (GJ006)
--   floors on balances              CHECKs on account_balances, named after the ledger's codes
--   one entry per idempotency key   a unique key per fund
-- Each failure raises an error whose SQLSTATE is listed above (or 23xxx for constraints) and whose
-- message starts with the invariant's name.

-- The app connects as gongjian_app: it may read, insert and update, but it may not update, delete
-- or truncate the journal. Roles are cluster-wide, so creating it is idempotent and tolerates
-- another database of the same cluster migrating at the same moment.
do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'gongjian_app') then
    begin
      create role gongjian_app nologin;
    exception
      when duplicate_object or unique_violation then null;
      when insufficient_privilege then
        raise exception 'The database user % cannot create the role gongjian_app. As a superuser, run: CREATE ROLE gongjian_app NOLOGIN; GRANT gongjian_app TO %;', current_user, current_user
          using errcode = '42501';
    end;
  end if;
  if not pg_has_role(current_user, 'gongjian_app', 'member') then
    begin
      execute format('grant gongjian_app to %I', current_user);
    exception
      when unique_violation then null;
      when insufficient_privilege then
        raise exception 'The database user % may not use the role gongjian_app. As a superuser, run: GRANT gongjian_app TO %;', current_user, current_user
          using errcode = '42501';
    end;
  end if;
end
$$;

create table accounts (
  fund_id bigint not null references funds (id),
  code text not null
    constraint account_code_must_be_well_formed
    check (length(code) <= 200 and code ~ '^[0-9]{4}(\.[0-9A-Z][0-9A-Za-z-]{0,63})*$'),
  parent_code text,
  name_zh text not null,
  name_en text not null,
  kind text not null
    check (kind in ('asset', 'liability', 'net_assets_unrestricted', 'net_assets_restricted', 'income', 'expense')),
  normal_side text not null
    constraint normal_side_must_follow_kind
    check (normal_side = case when kind in ('asset', 'expense') then 'debit' else 'credit' end),
  restriction text check (restriction in ('restricted', 'unrestricted')),
  must_not_go_negative boolean not null default false,
  available_must_not_go_negative boolean not null default false,
  closed boolean not null default false,
  opened_at timestamptz not null default now(),
  primary key (fund_id, code),
  foreign key (fund_id, parent_code) references accounts (fund_id, code),
  constraint parent_must_prefix_code check (parent_code is null or code like parent_code || '.%'),
  -- The target of account_balances' copy of the flags, which must never drift from these.
  unique (fund_id, code, normal_side, must_not_go_negative, available_must_not_go_negative)
);

comment on table accounts is 'The chart of accounts of each fund (民非 codes with sub-accounts).';

-- The totals every decision reads, kept up to date by the posting path in the same transaction as
-- the postings. The account's side and floors are copied here (and kept equal by the foreign key)
-- so that plain CHECKs can enforce the floors.
create table account_balances (
  fund_id bigint not null,
  account_code text not null,
  normal_side text not null,
  must_not_go_negative boolean not null,
  available_must_not_go_negative boolean not null,
  debits_posted numeric(18, 2) not null default 0 check (debits_posted >= 0),
  credits_posted numeric(18, 2) not null default 0 check (credits_posted >= 0),
  -- What open holds reserve: the sum of (amount − settled − released) over the account's open holds.
  held_total numeric(18, 2) not null default 0 check (held_total >= 0),
  primary key (fund_id, account_code),
  foreign key (fund_id, account_code, normal_side, must_not_go_negative, available_must_not_go_negative)
    references accounts (fund_id, code, normal_side, must_not_go_negative, available_must_not_go_negative)
    on update cascade,
  constraint balance_must_not_go_negative check (
    not must_not_go_negative
    or case when normal_side = 'debit' then debits_posted - credits_posted else credits_posted - debits_posted end >= 0
  ),
  constraint insufficient_available_balance check (
    not available_must_not_go_negative
    or case when normal_side = 'debit' then debits_posted - credits_posted else credits_posted - debits_posted end
      - held_total >= 0
  )
);

create table holds (
  fund_id bigint not null,
  id text not null constraint hold_id_must_be_well_formed check (id ~ '^[^\x01-\x1f\x7f]{1,128}$'),
  account_code text not null,
  amount numeric(18, 2) not null check (amount > 0),
  amount_settled numeric(18, 2) not null default 0 check (amount_settled >= 0),
  amount_released numeric(18, 2) not null default 0 check (amount_released >= 0),
  status text not null check (status in ('open', 'settled', 'released', 'expired')),
  created_at timestamptz not null,
  expires_at timestamptz,
  reference text,
  memo text not null default '',
  closed_at timestamptz,
  primary key (fund_id, id),
  foreign key (fund_id, account_code) references accounts (fund_id, code),
  constraint settlement_must_not_exceed_hold check (amount_settled + amount_released <= amount),
  constraint hold_status_must_match_amounts check (
    (status = 'open' and closed_at is null and amount_settled + amount_released < amount)
    or (status <> 'open' and closed_at is not null and amount_settled + amount_released = amount)
  )
);

create index holds_open_by_account on holds (fund_id, account_code, expires_at) where status = 'open';

create table entries (
  fund_id bigint not null references funds (id),
  seq bigint not null check (seq >= 1),
  id uuid not null,
  effective_date date not null,
  recorded_at timestamptz not null,
  memo text not null,
  application_id text,
  voucher_number text,
  attachment_hashes text[] not null default '{}',
  idempotency_key text,
  -- SHA-256 of the entry's canonical body: a replay under the same key must reproduce it.
  request_hash text check (request_hash ~ '^[0-9a-f]{64}$'),
  reverses uuid,
  settles_hold_id text,
  settles_amount numeric(18, 2) check (settles_amount > 0),
  prev_hash text not null check (prev_hash ~ '^[0-9a-f]{64}$'),
  hash text not null check (hash ~ '^[0-9a-f]{64}$'),
  primary key (fund_id, seq),
  unique (fund_id, id),
  constraint idempotency_key_reused unique (fund_id, idempotency_key),
  -- An entry is reversed at most once.
  constraint entry_already_reversed unique (fund_id, reverses),
  foreign key (fund_id, reverses) references entries (fund_id, id),
  foreign key (fund_id, settles_hold_id) references holds (fund_id, id),
  check ((idempotency_key is null) = (request_hash is null)),
  check ((settles_hold_id is null) = (settles_amount is null))
);

comment on table entries is 'The journal: append-only, gap-free per fund, each entry chained to the previous by SHA-256.';

create table postings (
  fund_id bigint not null,
  entry_seq bigint not null,
  line_no integer not null check (line_no >= 1),
  account_code text not null,
  side text not null check (side in ('debit', 'credit')),
  amount numeric(18, 2) not null constraint amount_must_be_positive check (amount > 0),
  memo text,
  primary key (fund_id, entry_seq, line_no),
  foreign key (fund_id, entry_seq) references entries (fund_id, seq),
  foreign key (fund_id, account_code) references accounts (fund_id, code)
);

-- Where each fund's chain stands. The posting path locks this row first ("lock the fund"), which
-- serializes the fund's postings; only the entries trigger below moves it.
create table chain_heads (
  fund_id bigint primary key references funds (id),
  last_seq bigint not null default 0 check (last_seq >= 0),
  last_hash text not null default repeat('0', 64) check (last_hash ~ '^[0-9a-f]{64}$')
);

insert into chain_heads (fund_id) select id from funds;

create function funds_open_chain() returns trigger language plpgsql as $$
begin
  insert into chain_heads (fund_id) values (new.id);
  return new;
end
$$;

create trigger funds_open_chain after insert on funds for each row execute function funds_open_chain();

create function accounts_open_balance() returns trigger language plpgsql as $$
begin
  insert into account_balances (fund_id, account_code, normal_side, must_not_go_negative, available_must_not_go_negative)
  values (new.fund_id, new.code, new.normal_side, new.must_not_go_negative, new.available_must_not_go_negative);
  return new;
end
$$;

create trigger accounts_open_balance after insert on accounts for each row execute function accounts_open_balance();

-- Append-only: an entry or posting, once written, never changes; a mistake is corrected by a
-- reversing entry.
create function journal_is_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'journal_is_append_only: % on % is not allowed; correct a mistake with a reversing entry', tg_op, tg_table_name
    using errcode = 'GJ001';
end
$$;

create trigger entries_are_append_only before update or delete on entries
  for each row execute function journal_is_append_only();
create trigger postings_are_append_only before update or delete on postings
  for each row execute function journal_is_append_only();
create trigger entries_are_not_truncated before truncate on entries
  for each statement execute function journal_is_append_only();
create trigger postings_are_not_truncated before truncate on postings
  for each statement execute function journal_is_append_only();

-- Hash-chain order, checked against the previous entry itself: seq − 1 must exist (so, with the
-- primary key, seq is gap-free) and carry the hash this entry names as previous. Rows inserted
-- earlier by the same multi-row INSERT are visible here, so a batch chains within itself.
create function entries_follow_chain() returns trigger language plpgsql as $$
declare
  hash_previous text;
begin
  if new.seq = 1 then
    hash_previous := repeat('0', 64);
  else
    select hash into hash_previous from entries where fund_id = new.fund_id and seq = new.seq - 1;
    if not found then
      raise exception 'entry_must_follow_chain: entry % of fund % has no entry % before it', new.seq, new.fund_id, new.seq - 1
        using errcode = 'GJ003';
    end if;
  end if;
  if new.prev_hash <> hash_previous then
    raise exception 'entry_must_follow_chain: entry % of fund % does not carry the previous entry''s hash', new.seq, new.fund_id
      using errcode = 'GJ003';
  end if;
  return new;
end
$$;

create trigger entries_follow_chain before insert on entries
  for each row execute function entries_follow_chain();

-- Moves the chain head once per statement to the last entry written, whatever the number of rows.
create function entries_move_chain_head() returns trigger language plpgsql as $$
begin
  update chain_heads h
  set last_seq = n.seq, last_hash = n.hash
  from (select distinct on (fund_id) fund_id, seq, hash from new_entries order by fund_id, seq desc) n
  where h.fund_id = n.fund_id and n.seq > h.last_seq;
  return null;
end
$$;

create trigger entries_move_chain_head after insert on entries
  referencing new table as new_entries
  for each statement execute function entries_move_chain_head();

-- Only the trigger above (which runs one trigger level deeper) may move a chain head, and only
-- forward; a direct UPDATE, even by the owner, is refused.
create function chain_heads_follow_entries() returns trigger language plpgsql as $$
begin
  if pg_trigger_depth() < 2 or new.fund_id <> old.fund_id or new.last_seq <= old.last_seq then
    raise exception 'chain_head_follows_entries: a chain head moves only when entries are inserted'
      using errcode = 'GJ005';
  end if;
  return new;
end
$$;

create trigger chain_heads_follow_entries before update on chain_heads
  for each row execute function chain_heads_follow_entries();
create trigger chain_heads_are_kept before delete on chain_heads
  for each row execute function journal_is_append_only();

-- Balanced entries, checked at commit so that the entry and its postings can be written by
-- separate statements of one transaction.
create function entry_must_balance() returns trigger language plpgsql as $$
declare
  debits numeric;
  credits numeric;
  lines integer;
begin
  select coalesce(sum(amount) filter (where side = 'debit'), 0), coalesce(sum(amount) filter (where side = 'credit'), 0), count(*)
  into debits, credits, lines
  from postings where fund_id = new.fund_id and entry_seq = new.seq;
  if lines < 2 or debits <> credits then
    raise exception 'entry_must_balance: entry % of fund % has % lines, debits % and credits %', new.seq, new.fund_id, lines, debits, credits
      using errcode = 'GJ002';
  end if;
  return null;
end
$$;

create constraint trigger entry_must_balance after insert on entries
  deferrable initially deferred
  for each row execute function entry_must_balance();

-- A posting may only join an entry written by the same transaction: otherwise a balanced pair of
-- lines could be slipped into an old entry, which the balance check above would not notice.
create function postings_join_new_entries() returns trigger language plpgsql as $$
declare
  stale record;
begin
  select p.fund_id, p.entry_seq into stale
  from (select distinct fund_id, entry_seq from new_postings) p
  join entries e on e.fund_id = p.fund_id and e.seq = p.entry_seq
  where e.xmin <> pg_current_xact_id()::xid
  limit 1;
  if found then
    raise exception 'postings_must_join_new_entry: entry % of fund % was recorded by an earlier transaction', stale.entry_seq, stale.fund_id
      using errcode = 'GJ004';
  end if;
  return null;
end
$$;

create trigger postings_join_new_entries after insert on postings
  referencing new table as new_postings
  for each statement execute function postings_join_new_entries();

-- A hold is settled, released or expires; its account, amount and history never change.
create function holds_move_forward() returns trigger language plpgsql as $$
begin
  if old.status <> 'open'
    or new.fund_id <> old.fund_id or new.id <> old.id or new.account_code <> old.account_code
    or new.amount <> old.amount or new.created_at <> old.created_at
    or new.expires_at is distinct from old.expires_at or new.reference is distinct from old.reference
    or new.memo <> old.memo
    or new.amount_settled < old.amount_settled or new.amount_released < old.amount_released then
    raise exception 'hold_must_move_forward: hold % of fund % may only be settled, released or expired while open', old.id, old.fund_id
      using errcode = 'GJ006';
  end if;
  return new;
end
$$;

create trigger holds_move_forward before update on holds
  for each row execute function holds_move_forward();
create trigger holds_are_kept before delete on holds
  for each row execute function journal_is_append_only();

-- The app's rights. Tables that later migrations create get read and write rights by default;
-- a later append-only table revokes UPDATE and DELETE again, as the journal does here.
grant usage on schema public to gongjian_app;
grant select on schema_migrations to gongjian_app;
grant select, insert, update on funds, demo_seed_steps, accounts, account_balances, holds to gongjian_app;
-- SELECT … FOR UPDATE needs the UPDATE privilege; the trigger above refuses any real update.
grant select, insert, update on chain_heads to gongjian_app;
grant select, insert on entries, postings to gongjian_app;
alter default privileges in schema public grant select, insert, update, delete on tables to gongjian_app;
alter default privileges in schema public grant usage, select on sequences to gongjian_app;
