-- 008: grant applications and their review. A compound's committee drafts an application
-- (budget lines, the owners' meeting resolution, quotes), submits it under the fund's current
-- policy version, the fund office pre-checks it, the leadership group votes, the match is
-- reserved in the ledger (a hold on the pool), and the decision is posted for a notice period in
-- which anyone may object.
--
-- The database enforces again:
--   a submitted application is frozen   its content, budget lines and resolution change only
--                                       in draft or returned (GJ014)
--   the life cycle's record is kept     transitions, revisions and votes are append-only (GJ015)
--   one vote per seat per revision      a primary key
--   amounts are exact                   numeric(18,2); a line's amount is quantity × unit price
--                                       rounded half up to the fen

create table applications (
  id bigint generated always as identity primary key,
  fund_id bigint not null references funds (id),
  -- The project number residents see and that public URLs use (/f/<fund>/projects/<number>).
  number integer not null constraint application_number_is_positive check (number >= 1),
  compound_id bigint not null,
  applicant_unit_id bigint,
  status text not null default 'draft' constraint application_status_is_known
    check (status in ('draft', 'submitted', 'in_review', 'returned', 'rejected', 'withdrawn', 'approved', 'active')),
  title text not null default '' constraint application_title_is_short check (length(title) <= 80),
  category text not null default '' constraint application_category_is_short check (length(category) <= 40),
  description text not null default '' constraint application_description_is_short check (length(description) <= 4000),
  location text not null default '' constraint application_location_is_short check (length(location) <= 200),
  -- A different ratio the committee asks for, with its reason (decimal string, 0–1).
  requested_ratio text constraint requested_ratio_is_a_fraction check (requested_ratio ~ '^(0(\.[0-9]{1,4})?|1(\.0{1,4})?)$'),
  requested_ratio_reason text not null default '' constraint requested_ratio_reason_is_short check (length(requested_ratio_reason) <= 500),
  self_raise_target numeric(18, 2) constraint self_raise_target_is_not_negative check (self_raise_target >= 0),
  households_expected integer constraint households_expected_is_sane check (households_expected between 0 and 100000),
  -- Set at submission: the policy the application is judged by, and the match computed under it.
  policy_version integer,
  match_amount numeric(18, 2) constraint match_amount_is_not_negative check (match_amount >= 0),
  -- Set at decision.
  approved_ratio text,
  approved_amount numeric(18, 2) constraint approved_amount_is_not_negative check (approved_amount >= 0),
  hold_id text,
  notice_starts_on date,
  notice_ends_on date,
  revision integer not null default 1 constraint revision_is_positive check (revision >= 1),
  created_by bigint not null references users (id),
  created_at timestamptz not null,
  updated_at timestamptz not null,
  submitted_at timestamptz,
  decided_at timestamptz,
  unique (fund_id, number),
  unique (fund_id, id),
  foreign key (fund_id, compound_id) references compounds (fund_id, id),
  foreign key (fund_id, applicant_unit_id) references units (fund_id, id),
  foreign key (fund_id, policy_version) references fund_policies (fund_id, version),
  foreign key (fund_id, hold_id) references holds (fund_id, id),
  constraint submitted_with_a_policy check (status in ('draft', 'withdrawn') or policy_version is not null),
  constraint notice_ends_after_start check (notice_ends_on is null or notice_ends_on >= notice_starts_on)
);

create index applications_by_compound on applications (fund_id, compound_id, status);
create index applications_by_status on applications (fund_id, status, id);

create table budget_lines (
  fund_id bigint not null,
  application_id bigint not null,
  line_no integer not null constraint line_no_is_positive check (line_no between 1 and 200),
  item text not null constraint budget_item_is_named check (btrim(item) <> '' and length(item) <= 120),
  quantity numeric(12, 2) not null constraint quantity_is_positive check (quantity > 0),
  unit_price numeric(18, 2) not null constraint unit_price_is_not_negative check (unit_price >= 0),
  amount numeric(18, 2) not null constraint line_amount_is_quantity_times_price check (amount = round(quantity * unit_price, 2)),
  primary key (application_id, line_no),
  foreign key (fund_id, application_id) references applications (fund_id, id)
);

-- The owners' meeting (业主大会 / 居民议事会) that backs the application.
create table resolutions (
  fund_id bigint not null,
  application_id bigint primary key,
  meeting_date date not null,
  households_total integer not null constraint households_total_is_positive check (households_total between 1 and 100000),
  households_present integer not null constraint present_within_total check (households_present between 0 and households_total),
  households_agreeing integer not null constraint agreeing_within_present check (households_agreeing between 0 and households_present),
  minutes_sha256 text,
  foreign key (fund_id, application_id) references applications (fund_id, id),
  foreign key (fund_id, minutes_sha256) references attachments (fund_id, sha256)
);

-- Supplier quotes and other papers attached to an application.
create table application_attachments (
  fund_id bigint not null,
  application_id bigint not null,
  sha256 text not null,
  kind text not null constraint application_attachment_kind_is_known check (kind in ('quote', 'minutes', 'other')),
  added_at timestamptz not null,
  primary key (application_id, sha256),
  foreign key (fund_id, application_id) references applications (fund_id, id),
  foreign key (fund_id, sha256) references attachments (fund_id, sha256)
);

-- Every state change, with who made it and why: the application's timeline.
create table application_transitions (
  id bigint generated always as identity primary key,
  fund_id bigint not null,
  application_id bigint not null,
  revision integer not null,
  from_status text not null,
  to_status text not null,
  event text not null,
  actor_user_id bigint references users (id),
  at timestamptz not null,
  comments text not null default '' constraint transition_comments_are_short check (length(comments) <= 2000),
  foreign key (fund_id, application_id) references applications (fund_id, id)
);

create index application_transitions_by_application on application_transitions (application_id, id);

-- What was submitted, each time: a returned application is revised and resubmitted, and every
-- submitted version stays readable.
create table application_revisions (
  fund_id bigint not null,
  application_id bigint not null,
  revision integer not null,
  submitted_at timestamptz not null,
  snapshot jsonb not null,
  primary key (application_id, revision),
  foreign key (fund_id, application_id) references applications (fund_id, id)
);

-- One vote per leadership seat per revision.
create table votes (
  fund_id bigint not null,
  application_id bigint not null,
  revision integer not null,
  seat_user_id bigint not null references users (id),
  unit_id bigint,
  choice text not null constraint vote_choice_is_known check (choice in ('approve', 'reject', 'return')),
  override_ratio text constraint override_ratio_is_a_fraction check (override_ratio ~ '^(0(\.[0-9]{1,4})?|1(\.0{1,4})?)$'),
  reason text not null default '' constraint vote_reason_is_short check (length(reason) <= 2000),
  cast_at timestamptz not null,
  primary key (application_id, revision, seat_user_id),
  foreign key (fund_id, application_id) references applications (fund_id, id),
  foreign key (fund_id, unit_id) references units (fund_id, id),
  constraint override_needs_approval check (override_ratio is null or choice = 'approve')
);

-- Objections (异议) filed during a notice period; the fund office records the outcome.
create table objections (
  id bigint generated always as identity primary key,
  fund_id bigint not null,
  application_id bigint not null,
  revision integer not null,
  filed_at timestamptz not null,
  name text not null constraint objector_name_is_short check (btrim(name) <> '' and length(name) <= 40),
  -- A contact so the office can answer; private, never shown publicly.
  contact text not null constraint objector_contact_is_short check (btrim(contact) <> '' and length(contact) <= 60),
  body text not null constraint objection_is_short check (btrim(body) <> '' and length(body) <= 2000),
  status text not null default 'open' constraint objection_status_is_known check (status in ('open', 'dismissed', 'upheld')),
  outcome_note text not null default '' constraint objection_outcome_is_short check (length(outcome_note) <= 2000),
  decided_by bigint references users (id),
  decided_at timestamptz,
  foreign key (fund_id, application_id) references applications (fund_id, id),
  constraint objection_decided_with_a_date check ((status = 'open') = (decided_at is null))
);

create index objections_by_application on objections (application_id, status);

-- The inbox: one row per person to tell about a state change.
create table notifications (
  id bigint generated always as identity primary key,
  fund_id bigint not null references funds (id),
  user_id bigint not null references users (id),
  at timestamptz not null,
  kind text not null constraint notification_kind_is_a_name check (kind ~ '^[a-z][a-z_.]{1,62}$'),
  application_id bigint,
  read_at timestamptz,
  foreign key (fund_id, application_id) references applications (fund_id, id)
);

create index notifications_by_user on notifications (user_id, read_at, id desc);

-- A submitted application's content is frozen: it changes only while the committee holds it.
create function applications_are_frozen() returns trigger language plpgsql as $$
begin
  if old.status not in ('draft', 'returned') and (
       new.title is distinct from old.title or new.category is distinct from old.category
       or new.description is distinct from old.description or new.location is distinct from old.location
       or new.requested_ratio is distinct from old.requested_ratio
       or new.requested_ratio_reason is distinct from old.requested_ratio_reason
       or new.self_raise_target is distinct from old.self_raise_target
       or new.households_expected is distinct from old.households_expected
       or new.compound_id is distinct from old.compound_id
       or new.applicant_unit_id is distinct from old.applicant_unit_id
       or new.fund_id is distinct from old.fund_id or new.number is distinct from old.number) then
    raise exception 'application_is_frozen: application % is %, its content no longer changes', old.id, old.status
      using errcode = 'GJ014';
  end if;
  return new;
end
$$;

create trigger applications_are_frozen before update on applications
  for each row execute function applications_are_frozen();

create function application_parts_are_frozen() returns trigger language plpgsql as $$
declare
  state text;
begin
  select status into state from applications
   where id = case when tg_op = 'DELETE' then old.application_id else new.application_id end;
  if state is not null and state not in ('draft', 'returned') then
    raise exception 'application_is_frozen: application % is %, its % no longer change', coalesce(new.application_id, old.application_id), state, tg_table_name
      using errcode = 'GJ014';
  end if;
  return case when tg_op = 'DELETE' then old else new end;
end
$$;

create trigger budget_lines_are_frozen before insert or update or delete on budget_lines
  for each row execute function application_parts_are_frozen();
create trigger resolutions_are_frozen before insert or update or delete on resolutions
  for each row execute function application_parts_are_frozen();
create trigger application_attachments_are_frozen before insert or update or delete on application_attachments
  for each row execute function application_parts_are_frozen();

create function grant_records_are_kept() returns trigger language plpgsql as $$
begin
  raise exception 'grant_records_are_kept: % on % is not allowed', tg_op, tg_table_name using errcode = 'GJ015';
end
$$;

create trigger application_transitions_are_kept before update or delete on application_transitions
  for each row execute function grant_records_are_kept();
create trigger application_revisions_are_kept before update or delete on application_revisions
  for each row execute function grant_records_are_kept();
create trigger votes_are_kept before update or delete on votes
  for each row execute function grant_records_are_kept();

revoke update, delete, truncate on application_transitions, application_revisions, votes from gongjian_app;
