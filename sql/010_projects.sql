-- From approval to closing: the households' self-raised payments, the match paid out in tranches
-- (four eyes above the policy's threshold), the project's expenses against its budget lines, the
-- acceptance check with photos, the residents' evaluation by one-time codes, and the close.
-- Every amount that moves is a ledger entry; these tables say what each entry was for.

alter table applications drop constraint application_status_is_known;
alter table applications add constraint application_status_is_known
  check (status in ('draft', 'submitted', 'in_review', 'returned', 'rejected', 'withdrawn', 'approved', 'active',
                    'accepted', 'closed', 'cancelled'));

-- What the owners' meeting decided about a surplus of self-raised money: refund it to the paying
-- households in proportion, or keep it as the compound's reserve.
alter table resolutions
  add column surplus_mode text not null default 'refund' constraint surplus_mode_is_known check (surplus_mode in ('refund', 'keep'));

-- One household's payment toward its compound's share of a project.
create table self_raised_payments (
  id bigint generated always as identity primary key,
  fund_id bigint not null,
  application_id bigint not null,
  household_id bigint not null,
  amount numeric(18, 2) not null constraint self_raised_amount_is_positive check (amount > 0),
  paid_on date not null,
  method text not null constraint self_raised_method_is_known check (method in ('cash', 'bank', 'wechat', 'hand')),
  receipt_sha256 text,
  entry_seq bigint not null,
  recorded_by bigint not null references users (id),
  recorded_at timestamptz not null,
  create_key text not null constraint self_raised_key_is_short check (length(create_key) between 1 and 100),
  unique (fund_id, create_key),
  foreign key (fund_id, application_id) references applications (fund_id, id),
  foreign key (household_id) references households (id),
  foreign key (fund_id, receipt_sha256) references attachments (fund_id, sha256),
  foreign key (fund_id, entry_seq) references entries (fund_id, seq)
);

create index self_raised_payments_by_application on self_raised_payments (application_id, id);

-- A tranche of the match. Above the policy's threshold it waits for a second approver, who may
-- not be the person who asked for it; the database says so too.
create table payouts (
  id bigint generated always as identity primary key,
  fund_id bigint not null,
  application_id bigint not null,
  amount numeric(18, 2) not null constraint payout_amount_is_positive check (amount > 0),
  payee_kind text not null constraint payee_kind_is_known check (payee_kind in ('committee', 'supplier')),
  payee_name text not null constraint payee_name_is_short check (btrim(payee_name) <> '' and length(payee_name) <= 80),
  memo text not null default '' constraint payout_memo_is_short check (length(memo) <= 200),
  status text not null constraint payout_status_is_known check (status in ('waiting', 'paid', 'cancelled')),
  requested_by bigint not null references users (id),
  requested_at timestamptz not null,
  approved_by bigint references users (id),
  approved_at timestamptz,
  entry_seq bigint,
  create_key text not null constraint payout_key_is_short check (length(create_key) between 1 and 100),
  unique (fund_id, create_key),
  foreign key (fund_id, application_id) references applications (fund_id, id),
  foreign key (fund_id, entry_seq) references entries (fund_id, seq),
  constraint payout_has_four_eyes check (approved_by is null or approved_by <> requested_by),
  constraint paid_payout_has_an_entry check ((status = 'paid') = (entry_seq is not null))
);

create index payouts_by_application on payouts (application_id, id);

-- What the project spent, against a budget line, with the split the books carry: the match part
-- is the fund's cost, the self-raised part discharges what the fund holds for the households.
create table expenses (
  id bigint generated always as identity primary key,
  fund_id bigint not null,
  application_id bigint not null,
  line_no integer,
  supplier text not null constraint supplier_is_short check (btrim(supplier) <> '' and length(supplier) <= 80),
  invoice_no text not null default '' constraint invoice_no_is_short check (length(invoice_no) <= 40),
  invoice_date date not null,
  amount numeric(18, 2) not null constraint expense_amount_is_positive check (amount > 0),
  match_part numeric(18, 2) not null constraint match_part_is_not_negative check (match_part >= 0),
  self_raised_part numeric(18, 2) not null constraint self_raised_part_is_not_negative check (self_raised_part >= 0),
  attachment_sha256 text,
  entry_seq bigint not null,
  recorded_by bigint not null references users (id),
  recorded_at timestamptz not null,
  create_key text not null constraint expense_key_is_short check (length(create_key) between 1 and 100),
  unique (fund_id, create_key),
  foreign key (fund_id, application_id) references applications (fund_id, id),
  foreign key (application_id, line_no) references budget_lines (application_id, line_no),
  foreign key (fund_id, attachment_sha256) references attachments (fund_id, sha256),
  foreign key (fund_id, entry_seq) references entries (fund_id, seq),
  constraint expense_parts_add_up check (match_part + self_raised_part = amount)
);

create index expenses_by_application on expenses (application_id, id);

-- The acceptance check (验收): recorded by the fund administrator, confirmed by a second person
-- (a leadership member or a follow-up officer). Only a confirmed check accepts the project.
create table acceptances (
  application_id bigint primary key,
  fund_id bigint not null,
  checked_on date not null,
  note text not null default '' constraint acceptance_note_is_short check (length(note) <= 2000),
  recorded_by bigint not null references users (id),
  recorded_at timestamptz not null,
  confirmed_by bigint references users (id),
  confirmed_at timestamptz,
  foreign key (fund_id, application_id) references applications (fund_id, id),
  constraint acceptance_has_two_people check (confirmed_by is null or confirmed_by <> recorded_by),
  constraint confirmation_has_a_time check ((confirmed_by is null) = (confirmed_at is null))
);

create table acceptance_photos (
  fund_id bigint not null,
  application_id bigint not null,
  sha256 text not null,
  kind text not null constraint photo_kind_is_known check (kind in ('before', 'after')),
  added_at timestamptz not null,
  primary key (application_id, sha256),
  foreign key (application_id) references acceptances (application_id),
  foreign key (fund_id, sha256) references attachments (fund_id, sha256)
);

-- One-time evaluation codes, one per household, handed out on paper by the committee. Only the
-- code's SHA-256 is kept, as for session tokens.
create table evaluation_codes (
  id bigint generated always as identity primary key,
  fund_id bigint not null,
  application_id bigint not null,
  household_id bigint not null references households (id),
  code_hash text not null unique constraint evaluation_code_hash_is_hex check (code_hash ~ '^[0-9a-f]{64}$'),
  issued_at timestamptz not null,
  used_at timestamptz,
  unique (application_id, household_id),
  foreign key (fund_id, application_id) references applications (fund_id, id)
);

-- One evaluation per code; not linked to the household, so a rating cannot be traced back to a door.
create table evaluations (
  id bigint generated always as identity primary key,
  fund_id bigint not null,
  application_id bigint not null,
  rating text not null constraint rating_is_known check (rating in ('satisfied', 'mostly_satisfied', 'not_satisfied')),
  comment text not null default '' constraint evaluation_comment_is_short check (length(comment) <= 500),
  at timestamptz not null,
  foreign key (fund_id, application_id) references applications (fund_id, id)
);

create index evaluations_by_application on evaluations (application_id);

-- The close (or the cancellation) of a project, with the figures it was closed on.
create table project_closings (
  application_id bigint primary key,
  fund_id bigint not null,
  kind text not null constraint closing_kind_is_known check (kind in ('closed', 'cancelled')),
  closed_at timestamptz not null,
  closed_by bigint not null references users (id),
  match_final numeric(18, 2) not null,
  hold_released numeric(18, 2) not null,
  match_returned numeric(18, 2) not null,
  surplus numeric(18, 2) not null,
  surplus_mode text not null constraint closing_surplus_mode_is_known check (surplus_mode in ('refund', 'keep')),
  reason text not null default '' constraint closing_reason_is_short check (length(reason) <= 2000),
  foreign key (fund_id, application_id) references applications (fund_id, id)
);

-- The records of money are kept like the ledger's own: never edited, never deleted. A payout's
-- status moves from waiting to paid or cancelled once, and an acceptance is confirmed once.
create trigger self_raised_payments_are_kept before update or delete on self_raised_payments
  for each row execute function grant_records_are_kept();
create trigger expenses_are_kept before update or delete on expenses
  for each row execute function grant_records_are_kept();
create trigger evaluations_are_kept before update or delete on evaluations
  for each row execute function grant_records_are_kept();
create trigger project_closings_are_kept before update or delete on project_closings
  for each row execute function grant_records_are_kept();

create function payouts_move_once() returns trigger language plpgsql as $$
begin
  if tg_op = 'DELETE' or old.status <> 'waiting'
     or new.amount is distinct from old.amount or new.application_id is distinct from old.application_id
     or new.requested_by is distinct from old.requested_by or new.payee_name is distinct from old.payee_name
     or new.payee_kind is distinct from old.payee_kind or new.fund_id is distinct from old.fund_id then
    raise exception 'grant_records_are_kept: a payout changes only from waiting to paid or cancelled'
      using errcode = 'GJ015';
  end if;
  return new;
end
$$;

create trigger payouts_move_once before update or delete on payouts
  for each row execute function payouts_move_once();

create function acceptances_confirm_once() returns trigger language plpgsql as $$
begin
  if tg_op = 'DELETE' or old.confirmed_by is not null then
    raise exception 'grant_records_are_kept: an acceptance is confirmed once and then kept'
      using errcode = 'GJ015';
  end if;
  return new;
end
$$;

create trigger acceptances_confirm_once before update or delete on acceptances
  for each row execute function acceptances_confirm_once();

-- A closed or cancelled project accepts no more entries: whatever posts for it after its close
-- is refused by the database, whatever the app believed.
create function closed_projects_take_no_entries() returns trigger language plpgsql as $$
begin
  if new.application_id is not null and exists (
       select 1 from applications a
        where a.fund_id = new.fund_id and a.number::text = new.application_id
          and a.status in ('closed', 'cancelled')) then
    raise exception 'project_is_closed: project % of fund % is closed', new.application_id, new.fund_id
      using errcode = 'GJ016';
  end if;
  return new;
end
$$;

create trigger closed_projects_take_no_entries before insert on entries
  for each row execute function closed_projects_take_no_entries();

revoke update, delete, truncate on self_raised_payments, expenses, evaluations, project_closings from gongjian_app;
revoke delete, truncate on payouts, acceptances, acceptance_photos, evaluation_codes from gongjian_app;
