-- 023: the three lists (issue 18): residents' needs (需求清单), what the co-building units offer
-- (资源清单) and the project list that matches the two (项目清单); the household codes residents
-- use to support a need and to sign off finished work; the representatives who sign off.
--
-- Statuses are the ledger's (packages/ledger/src/grants/three-lists.ts: NEED_STATUSES,
-- RESOURCE_KINDS, LIST_ITEM_STATUSES, LIST_DELIVERIES); the checks below repeat the lists so that
-- the database refuses a word the ledger does not know, and tests/unit compares the two.
--
-- Nothing here names a resident in public: a need keeps its raiser's contact in a column no public
-- reader selects, and a support or a sign-off keeps the household, never the code.

-- A household's standing code (户码), printed on a slip by the committee and kept by the household.
-- Each use counts once per thing it is used for (a need supported, a delivery rated, a project
-- signed off), so one slip serves a household for years; a lost slip is replaced by a new code and
-- the old one stops working. Only the code's SHA-256 is kept.
create table household_codes (
  household_id bigint primary key references households (id),
  fund_id bigint not null references funds (id),
  code_hash text not null unique constraint household_code_hash_is_hex check (code_hash ~ '^[0-9a-f]{64}$'),
  issued_at timestamptz not null
);

-- The compound's chosen households who sign off finished work (resident representatives).
alter table households add column representative boolean not null default false;

create table needs (
  id bigint generated always as identity primary key,
  fund_id bigint not null references funds (id),
  -- The fund's own running number, shown as the need's reference (需求 #12).
  number integer not null constraint need_number_is_positive check (number >= 1),
  compound_id bigint not null,
  -- A key of the fund policy's categories, or 'other'.
  category text not null constraint need_category_is_a_key check (category ~ '^[a-z][a-z0-9_-]{0,31}$'),
  -- What is wrong, and where.
  body text not null constraint need_body_is_given check (btrim(body) <> '' and length(body) <= 1000),
  place text not null default '' constraint need_place_is_short check (length(place) <= 200),
  -- How the raiser may be reached: private, never on a public page.
  contact text not null default '' constraint need_contact_is_short check (length(contact) <= 200),
  -- Who raised it: a resident online, or the committee on the residents' behalf from paper, a
  -- residents' meeting (居民议事会) or a home visit.
  source text not null constraint need_source_is_known check (source in ('online', 'paper', 'meeting', 'visit')),
  recorded_by bigint references users (id),
  status text not null default 'raised'
    constraint need_status_is_known
    check (status in ('raised', 'accepted', 'merged', 'declined', 'spam', 'in_list', 'done')),
  merged_into bigint references needs (id),
  -- The reason of the last triage, shown in public (never empty once triaged; GJ025).
  public_reason text not null default '' constraint need_reason_is_short check (length(public_reason) <= 500),
  -- What was done, shown in public when the need is done.
  feedback text not null default '' constraint need_feedback_is_short check (length(feedback) <= 1000),
  -- The private follow link's token, hashed; the raiser keeps the link.
  follow_hash text unique constraint need_follow_hash_is_hex check (follow_hash ~ '^[0-9a-f]{64}$'),
  -- The form's idempotency key: a resend answers as the first one did.
  create_key text not null constraint need_create_key_is_short check (length(create_key) between 1 and 100),
  raised_at timestamptz not null,
  updated_at timestamptz not null,
  foreign key (fund_id, compound_id) references compounds (fund_id, id),
  unique (fund_id, number),
  unique (fund_id, create_key),
  unique (fund_id, id),
  constraint merged_need_names_another check ((status = 'merged') = (merged_into is not null) and merged_into <> id)
);
create index needs_by_compound on needs (fund_id, compound_id, status);

create table need_photos (
  fund_id bigint not null,
  need_id bigint not null,
  sha256 text not null,
  added_at timestamptz not null,
  primary key (need_id, sha256),
  foreign key (fund_id, need_id) references needs (fund_id, id),
  foreign key (fund_id, sha256) references attachments (fund_id, sha256)
);

-- One support per household and need: the primary key makes two racing supports count once.
-- Only the day is kept, so the order of supports cannot tie a household to a moment.
create table need_supports (
  need_id bigint not null references needs (id),
  household_id bigint not null references households (id),
  on_day date not null,
  primary key (need_id, household_id)
);

-- A need's steps, for its timeline (public, and the raiser's private link).
create table need_steps (
  id bigint generated always as identity primary key,
  need_id bigint not null references needs (id),
  kind text not null
    constraint need_step_is_known
    check (kind in ('raised', 'reached_office', 'accepted', 'merged', 'declined', 'spam', 'in_list', 'done', 'reopened')),
  -- The public sentence of the step (a triage reason, the feedback), or ''.
  note text not null default '' constraint need_step_note_is_short check (length(note) <= 1000),
  list_item_id bigint,
  by_user bigint references users (id),
  at timestamptz not null
);
create index need_steps_by_need on need_steps (need_id, at, id);

create table resources (
  id bigint generated always as identity primary key,
  fund_id bigint not null references funds (id),
  number integer not null constraint resource_number_is_positive check (number >= 1),
  -- The co-building unit that offers it, or null for anyone else the office records (then
  -- provider_name says who, and is not shown in public unless the provider is an organisation).
  unit_id bigint,
  provider_name text not null default '' constraint resource_provider_is_short check (length(provider_name) <= 100),
  provider_is_organisation boolean not null default true,
  kind text not null
    constraint resource_kind_is_known
    check (kind in ('money', 'volunteer_hours', 'materials', 'expertise', 'room', 'other')),
  description text not null constraint resource_description_is_given check (btrim(description) <> '' and length(description) <= 500),
  -- How much is offered, in the measure given (hours, pieces, times, yuan for money).
  quantity numeric(18, 2) not null constraint resource_quantity_is_positive check (quantity > 0),
  measure text not null default '' constraint resource_measure_is_short check (length(measure) <= 20),
  -- A fair value per the offer, in yuan, when one can be measured reliably; else null.
  value numeric(18, 2) constraint resource_value_is_not_negative check (value >= 0),
  available_from date not null,
  available_until date,
  conditions text not null default '' constraint resource_conditions_are_short check (length(conditions) <= 500),
  status text not null default 'offered' constraint resource_status_is_known check (status in ('offered', 'withdrawn', 'used_up')),
  create_key text not null constraint resource_create_key_is_short check (length(create_key) between 1 and 100),
  recorded_by bigint references users (id),
  recorded_at timestamptz not null,
  foreign key (fund_id, unit_id) references units (fund_id, id),
  unique (fund_id, number),
  unique (fund_id, create_key),
  unique (fund_id, id),
  constraint resource_has_a_provider check (unit_id is not null or btrim(provider_name) <> ''),
  constraint resource_period_is_ordered check (available_until is null or available_until >= available_from)
);

-- The project list (项目清单): an order placed by the office.
create table list_items (
  id bigint generated always as identity primary key,
  fund_id bigint not null references funds (id),
  number integer not null constraint list_item_number_is_positive check (number >= 1),
  compound_id bigint not null,
  title text not null constraint list_item_title_is_given check (btrim(title) <> '' and length(title) <= 100),
  -- 'direct': the unit does the work itself; 'grant': a matched-grant application does.
  delivery text not null constraint list_item_delivery_is_known check (delivery in ('direct', 'grant')),
  responsible_unit_id bigint not null,
  -- The follow-up officer (共建项目跟办员): a person with a role in the fund.
  follow_up_user_id bigint not null references users (id),
  status text not null default 'placed'
    constraint list_item_status_is_known
    check (status in ('placed', 'in_progress', 'delivered', 'cancelled')),
  -- For a 'grant' item, the application its draft became.
  application_id bigint unique,
  note text not null default '' constraint list_item_note_is_short check (length(note) <= 1000),
  -- What was delivered, in public words, once delivered.
  feedback text not null default '' constraint list_item_feedback_is_short check (length(feedback) <= 1000),
  delivered_on date,
  create_key text not null constraint list_item_create_key_is_short check (length(create_key) between 1 and 100),
  placed_by bigint not null references users (id),
  placed_at timestamptz not null,
  foreign key (fund_id, compound_id) references compounds (fund_id, id),
  foreign key (fund_id, responsible_unit_id) references units (fund_id, id),
  foreign key (fund_id, application_id) references applications (fund_id, id),
  unique (fund_id, number),
  unique (fund_id, create_key),
  unique (fund_id, id),
  constraint grant_item_alone_has_an_application check (application_id is null or delivery = 'grant'),
  constraint delivered_item_has_a_day check ((status = 'delivered') = (delivered_on is not null))
);

create table list_item_needs (
  fund_id bigint not null,
  list_item_id bigint not null,
  need_id bigint not null,
  primary key (list_item_id, need_id),
  foreign key (fund_id, list_item_id) references list_items (fund_id, id),
  foreign key (fund_id, need_id) references needs (fund_id, id)
);
create index list_item_needs_by_need on list_item_needs (need_id);

create table list_item_resources (
  fund_id bigint not null,
  list_item_id bigint not null,
  resource_id bigint not null,
  primary key (list_item_id, resource_id),
  foreign key (fund_id, list_item_id) references list_items (fund_id, id),
  foreign key (fund_id, resource_id) references resources (fund_id, id)
);

alter table need_steps add foreign key (list_item_id) references list_items (id);

-- What a resource has given, recorded against it (hours worked, materials handed over, a room
-- lent for an evening), and to which list item when it went to one.
create table resource_contributions (
  id bigint generated always as identity primary key,
  fund_id bigint not null,
  resource_id bigint not null,
  list_item_id bigint,
  given_on date not null,
  quantity numeric(18, 2) not null constraint contribution_quantity_is_positive check (quantity > 0),
  -- The fair value of what was given, in yuan, when it can be measured reliably.
  value numeric(18, 2) constraint contribution_value_is_not_negative check (value >= 0),
  note text not null default '' constraint contribution_note_is_short check (length(note) <= 500),
  -- The entry that recognised it in the books, when the accounting standard says to (materials).
  entry_seq bigint,
  create_key text not null constraint contribution_create_key_is_short check (length(create_key) between 1 and 100),
  recorded_by bigint not null references users (id),
  recorded_at timestamptz not null,
  foreign key (fund_id, resource_id) references resources (fund_id, id),
  foreign key (fund_id, list_item_id) references list_items (fund_id, id),
  foreign key (fund_id, entry_seq) references entries (fund_id, seq),
  unique (fund_id, create_key)
);
create index resource_contributions_by_resource on resource_contributions (resource_id, given_on);

-- Residents sign off finished work: each chosen household of the project's compound once.
create table acceptance_signoffs (
  application_id bigint not null references acceptances (application_id),
  household_id bigint not null references households (id),
  on_day date not null,
  primary key (application_id, household_id)
);

-- A triaged need carries a public reason, and a done need its feedback (GJ025).
create function need_triage_needs_a_public_reason() returns trigger
  language plpgsql as $$
begin
  if new.status in ('accepted', 'merged', 'declined') and btrim(new.public_reason) = '' then
    raise exception 'need_triage_needs_a_public_reason: need % was % without a public reason', new.id, new.status
      using errcode = 'GJ025';
  end if;
  if new.status = 'done' and btrim(new.feedback) = '' then
    raise exception 'need_triage_needs_a_public_reason: need % was done without feedback', new.id
      using errcode = 'GJ025';
  end if;
  return new;
end
$$;

create trigger need_triage_needs_a_public_reason
  before insert or update of status, public_reason, feedback on needs
  for each row execute function need_triage_needs_a_public_reason();
