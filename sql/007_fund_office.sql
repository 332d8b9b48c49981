-- 007: the fund office. A fund's profile, its versioned policy, the registers (units with their
-- leadership seat, compounds with their households), unit pledges, and attachments (bank slips,
-- receipts) whose SHA-256 the ledger entries record.
--
-- The database enforces again:
--   policies are versioned      a policy version is never changed or deleted; a change is a new
--                               version, numbered one past the last (GJ012)
--   attachments are evidence    an attachment's bytes and hash never change (GJ013)
--   registers stay in the fund  composite foreign keys keep households in their compound's fund
--   pledges are positive        numeric(18,2) > 0, one pledge per unit and fiscal year

alter table funds
  add column community text not null default '' constraint fund_community_is_short check (length(community) <= 60),
  add column street text not null default '' constraint fund_street_is_short check (length(street) <= 60),
  add column description text not null default '' constraint fund_description_is_short check (length(description) <= 2000),
  add column fiscal_year integer not null default 2026 constraint fund_fiscal_year_is_plausible check (fiscal_year between 2000 and 2100);

-- The rules a fund adopted, one row per version. `policy` holds the match rules and the process
-- rules as JSON (lib/server/fund/fund-policy.ts gives its type and checks it with the ledger's
-- checkMatchPolicy); money in it is a decimal string, never a JSON number.
create table fund_policies (
  fund_id bigint not null references funds (id),
  version integer not null constraint policy_version_is_positive check (version >= 1),
  policy jsonb not null constraint policy_is_an_object check (jsonb_typeof(policy) = 'object'),
  adopted_at timestamptz not null,
  adopted_by bigint references users (id),
  note text not null default '' constraint policy_note_is_short check (length(note) <= 500),
  primary key (fund_id, version)
);

create function fund_policies_are_versioned() returns trigger language plpgsql as $$
declare
  latest integer;
begin
  if tg_op <> 'INSERT' then
    raise exception 'policy_versions_are_kept: % on fund_policies is not allowed; adopt a new version', tg_op
      using errcode = 'GJ012';
  end if;
  -- Versions of one fund are numbered without gaps; the lock makes two adoptions queue.
  perform 1 from funds where id = new.fund_id for update;
  select max(version) into latest from fund_policies where fund_id = new.fund_id;
  if new.version <> coalesce(latest, 0) + 1 then
    raise exception 'policy_version_must_follow: fund % is at version %, not %', new.fund_id, coalesce(latest, 0), new.version - 1
      using errcode = 'GJ012';
  end if;
  return new;
end
$$;

create trigger fund_policies_are_versioned before insert or update or delete on fund_policies
  for each row execute function fund_policies_are_versioned();
create trigger fund_policies_are_not_truncated before truncate on fund_policies
  for each statement execute function fund_policies_are_versioned();

-- Units: whether the unit holds a seat in the leadership group, and a contact for the office.
alter table units
  add column has_seat boolean not null default true,
  add column contact text not null default '' constraint unit_contact_is_short check (length(contact) <= 60);

alter table compounds
  add column households_count integer not null default 0 constraint households_count_is_sane check (households_count between 0 and 100000),
  add column committee_type text not null default 'residents'
    constraint committee_type_is_known check (committee_type in ('residents', 'owners', 'self_managed'));

-- A paying household of a compound, by building, unit and room. The name is optional and is never
-- shown publicly in full (public pages mask it as 张*).
create table households (
  id bigint generated always as identity primary key,
  fund_id bigint not null,
  compound_id bigint not null,
  building text not null constraint household_building_is_short check (btrim(building) <> '' and length(building) <= 20),
  unit_no text not null default '' constraint household_unit_is_short check (length(unit_no) <= 20),
  room text not null constraint household_room_is_short check (btrim(room) <> '' and length(room) <= 20),
  name text not null default '' constraint household_name_is_short check (length(name) <= 40),
  created_at timestamptz not null default now(),
  foreign key (fund_id, compound_id) references compounds (fund_id, id),
  unique (compound_id, building, unit_no, room)
);

create index households_by_compound on households (fund_id, compound_id);

-- What a unit promised for a fiscal year; payments are ledger entries against its sub-account.
create table pledges (
  fund_id bigint not null,
  unit_id bigint not null,
  fiscal_year integer not null,
  amount numeric(18, 2) not null constraint pledge_must_be_positive check (amount > 0),
  recorded_at timestamptz not null,
  recorded_by bigint references users (id),
  primary key (fund_id, unit_id, fiscal_year),
  foreign key (fund_id, unit_id) references units (fund_id, id)
);

-- A bank slip, receipt, minutes or quote. The bytes live here (small files; a deployment past one
-- machine keeps them in PostgreSQL too, so app servers stay stateless). The SHA-256 is what
-- ledger entries record in attachment_hashes.
create table attachments (
  fund_id bigint not null references funds (id),
  sha256 text not null constraint attachment_hash_is_hex check (sha256 ~ '^[0-9a-f]{64}$'),
  media_type text not null constraint attachment_type_is_allowed check (media_type in ('application/pdf', 'image/jpeg', 'image/png')),
  size_bytes integer not null constraint attachment_size_is_limited check (size_bytes between 1 and 10485760),
  original_name text not null default '' constraint attachment_name_is_short check (length(original_name) <= 200),
  content bytea not null,
  uploaded_at timestamptz not null,
  uploaded_by bigint references users (id),
  -- Receipts are published only after someone checked them for personal data ("Public
  -- transparency").
  checked_for_personal_data_at timestamptz,
  checked_by bigint references users (id),
  primary key (fund_id, sha256),
  constraint attachment_size_matches check (size_bytes = length(content))
);

create function attachments_are_evidence() returns trigger language plpgsql as $$
begin
  if tg_op = 'DELETE' or new.content <> old.content or new.sha256 <> old.sha256 or new.media_type <> old.media_type
     or new.fund_id <> old.fund_id then
    raise exception 'attachments_are_evidence: an attachment''s bytes and hash never change' using errcode = 'GJ013';
  end if;
  return new;
end
$$;

create trigger attachments_are_evidence before update or delete on attachments
  for each row execute function attachments_are_evidence();

revoke delete, truncate on fund_policies, attachments from gongjian_app;
revoke update on fund_policies from gongjian_app;
