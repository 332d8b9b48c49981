-- Bank reconciliation (银行对账). A fund's bank accounts, each tied to the ledger account that
-- books it (1002.01 银行存款—基金池, 1002.02 银行存款—项目资金), the statements imported for them,
-- their lines, and how each line is accounted for: matched to one posting, or explained with a
-- note. The rules the server states in code (packages/ledger/src/bank/, apps/web/src/lib/server/bank/)
-- are checked again here; the triggers raise SQLSTATE GJ021.

create table bank_accounts (
  fund_id bigint not null references funds (id),
  id bigint generated always as identity primary key,
  name text not null,
  account_code text not null,
  -- The statement's column mapping, chosen on the first import and kept: {"date": 0, ...}.
  mapping jsonb,
  -- The last day of a reconciled period: every line up to it is matched or explained.
  reconciled_through date,
  created_at timestamptz not null default now(),
  constraint bank_account_name_is_short check (btrim(name) <> '' and length(name) <= 60),
  constraint bank_account_must_book_to_a_bank_ledger_account check (account_code like '1002.%'),
  constraint bank_account_mapping_is_an_object check (mapping is null or jsonb_typeof(mapping) = 'object'),
  foreign key (fund_id, account_code) references accounts (fund_id, code),
  -- One statement per ledger account: two would match the same postings.
  unique (fund_id, account_code),
  unique (fund_id, id)
);

create table bank_files (
  id bigint generated always as identity primary key,
  fund_id bigint not null,
  bank_account_id bigint not null,
  sha256 text not null,
  file_name text not null,
  size_bytes integer not null,
  lines_total integer not null,
  lines_added integer not null,
  imported_at timestamptz not null,
  imported_by bigint references users (id),
  constraint bank_file_sha256_is_hex check (sha256 ~ '^[0-9a-f]{64}$'),
  constraint bank_file_name_is_short check (length(file_name) <= 200),
  constraint bank_file_counts_are_plausible check (lines_added >= 0 and lines_added <= lines_total
    and lines_total <= 100000 and size_bytes >= 0 and size_bytes <= 10485760),
  foreign key (fund_id, bank_account_id) references bank_accounts (fund_id, id),
  -- The same file imported twice adds nothing.
  unique (bank_account_id, sha256),
  unique (fund_id, id)
);

create table bank_lines (
  -- Lines are inserted oldest first, so the id orders one day's lines as the bank listed them.
  id bigint generated always as identity primary key,
  fund_id bigint not null,
  bank_account_id bigint not null,
  file_id bigint not null,
  row_number integer not null,
  fingerprint text not null,
  line_date date not null,
  direction text not null,
  amount numeric(18,2) not null,
  balance numeric(18,2) not null,
  counterparty text not null default '',
  description text not null default '',
  serial text not null default '',
  constraint bank_line_direction_is_known check (direction in ('in', 'out')),
  constraint bank_line_amount_must_be_positive check (amount > 0),
  constraint bank_line_fingerprint_is_hex check (fingerprint ~ '^[0-9a-f]{64}$'),
  constraint bank_line_texts_are_short check (length(counterparty) <= 200 and length(description) <= 200
    and length(serial) <= 200),
  foreign key (fund_id, bank_account_id) references bank_accounts (fund_id, id),
  foreign key (fund_id, file_id) references bank_files (fund_id, id),
  -- The same line imported twice (in another file too) adds nothing.
  unique (bank_account_id, fingerprint),
  unique (fund_id, id)
);

create index bank_lines_by_date on bank_lines (bank_account_id, line_date, id);

create table bank_matches (
  line_id bigint primary key,
  fund_id bigint not null,
  entry_seq bigint not null,
  line_no integer not null,
  matched_by text not null,
  matched_at timestamptz not null,
  matched_by_user bigint references users (id),
  constraint bank_match_kind_is_known check (matched_by in ('auto', 'hand')),
  foreign key (fund_id, line_id) references bank_lines (fund_id, id),
  foreign key (fund_id, entry_seq, line_no) references postings (fund_id, entry_seq, line_no),
  -- A posting is matched to at most one bank line.
  unique (fund_id, entry_seq, line_no)
);

create table bank_explanations (
  line_id bigint primary key,
  fund_id bigint not null,
  note text not null,
  explained_at timestamptz not null,
  explained_by bigint references users (id),
  constraint bank_explanation_note_is_short check (btrim(note) <> '' and length(note) <= 200),
  foreign key (fund_id, line_id) references bank_lines (fund_id, id)
);

-- A match pairs a line with a posting on the bank account's own ledger account, with the same
-- amount and direction (a debit to the bank account is money in); and a line is matched or
-- explained, never both. The check is set-based, once per statement over the rows it wrote, since
-- an import matches thousands of lines in one INSERT.
create function bank_matches_must_fit() returns trigger
  language plpgsql as $$
declare
  bad record;
begin
  select c.line_id, c.entry_seq, c.line_no,
         exists (select 1 from bank_explanations x where x.line_id = c.line_id) as explained
    into bad
    from changed c
    join bank_lines l on l.id = c.line_id
    join bank_accounts a on a.id = l.bank_account_id
    left join postings p on p.fund_id = c.fund_id and p.entry_seq = c.entry_seq and p.line_no = c.line_no
   where p.account_code is distinct from a.account_code or p.amount <> l.amount
      or (p.side = 'debit') <> (l.direction = 'in')
      or exists (select 1 from bank_explanations x where x.line_id = c.line_id)
   limit 1;
  if found and bad.explained then
    raise exception 'bank_line_is_matched_or_explained: line % is already explained', bad.line_id
      using errcode = 'GJ021';
  end if;
  if found then
    raise exception 'bank_match_must_fit: line % and posting %/% differ in account, amount or direction',
      bad.line_id, bad.entry_seq, bad.line_no
      using errcode = 'GJ021';
  end if;
  return null;
end
$$;

create trigger bank_matches_must_fit_on_insert
  after insert on bank_matches referencing new table as changed
  for each statement execute function bank_matches_must_fit();

create trigger bank_matches_must_fit_on_update
  after update on bank_matches referencing new table as changed
  for each statement execute function bank_matches_must_fit();

create function bank_explanation_must_be_alone() returns trigger
  language plpgsql as $$
begin
  if exists (select 1 from bank_matches m where m.line_id = new.line_id) then
    raise exception 'bank_line_is_matched_or_explained: line % is already matched', new.line_id
      using errcode = 'GJ021';
  end if;
  return new;
end
$$;

create trigger bank_explanation_must_be_alone
  before insert or update on bank_explanations
  for each row execute function bank_explanation_must_be_alone();

-- A reconciled period stays reconciled: a match or explanation of a line on or before the
-- reconciled-through date is neither removed nor changed.
create function bank_reconciled_lines_are_kept() returns trigger
  language plpgsql as $$
begin
  if exists (
    select 1 from bank_lines l join bank_accounts a on a.id = l.bank_account_id
     where l.id = old.line_id and a.reconciled_through is not null and l.line_date <= a.reconciled_through
  ) then
    raise exception 'bank_reconciled_lines_are_kept: line % is in a reconciled period', old.line_id
      using errcode = 'GJ021';
  end if;
  return case when tg_op = 'DELETE' then old else new end;
end
$$;

create trigger bank_match_reconciled_is_kept
  before update or delete on bank_matches
  for each row execute function bank_reconciled_lines_are_kept();

create trigger bank_explanation_reconciled_is_kept
  before update or delete on bank_explanations
  for each row execute function bank_reconciled_lines_are_kept();

-- A statement's lines are what the bank said: they are never edited, and removed only with the
-- whole file's import (which the server does not do either).
create function bank_lines_are_kept() returns trigger
  language plpgsql as $$
begin
  raise exception 'bank_lines_are_kept: % on bank_lines is not allowed', tg_op
    using errcode = 'GJ021';
end
$$;

create trigger bank_lines_are_kept
  before update or delete on bank_lines
  for each row execute function bank_lines_are_kept();

-- Lines are never edited; files, once imported, stay (their count of added lines is set by the import).
revoke update, delete, truncate on bank_lines from gongjian_app;
revoke delete, truncate on bank_files from gongjian_app;
