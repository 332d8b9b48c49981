-- The period close (结账). The administrator closes a fund's months in order, and marks a year
-- closed once its December is. Each month's close posts the closing entries (期末结转) that carry
-- income and expenses into net assets, dated the month's last day, and records them here. A close
-- is final: there is no reopening, and a correction goes into the open period.
--
-- The database enforces the lock on its own, whoever writes: an entry dated on or before the
-- fund's closed-through day (the last day of its last closed month) is refused with GJ020. The
-- check takes the fund's chain-head row lock first, as the posting path and the close both do, so
-- that a post and a close racing on two connections serialize: either the post lands before the
-- close (and is closed with it) or it sees the close and is refused. The trigger is named to run
-- before the chain checks (AFTER triggers fire in name order), so a late entry is told so first.

create table period_closes (
  fund_id bigint not null references funds (id),
  kind text not null constraint period_close_kind_is_known check (kind in ('month', 'year')),
  period_end date not null,
  closed_by bigint references users (id),
  closed_at timestamptz not null default now(),
  create_key text not null constraint period_close_create_key_is_short check (length(create_key) between 1 and 100),
  constraint period_closes_pkey primary key (fund_id, kind, period_end),
  constraint period_close_create_key_is_unique unique (fund_id, create_key),
  constraint period_end_is_a_month_end check (
    period_end = (date_trunc('month', period_end) + interval '1 month' - interval '1 day')::date
  ),
  constraint year_close_ends_in_december check (kind = 'month' or to_char(period_end, 'MM-DD') = '12-31')
);

comment on table period_closes is
  'The closes of a fund''s periods (结账): one row per month closed, one per year marked closed. Never changed or removed.';

-- Which entries are closing entries: the statement of activities and the cash flow statement leave
-- them out, since they move nothing but the books' own balances.
create table closing_entries (
  fund_id bigint not null,
  entry_id uuid not null,
  period_end date not null,
  kind text not null constraint closing_entry_kind_is_known check (kind in ('income', 'expense')),
  period_kind text not null default 'month' constraint closing_entries_close_months check (period_kind = 'month'),
  constraint closing_entries_pkey primary key (fund_id, entry_id),
  constraint closing_entries_entry_fkey foreign key (fund_id, entry_id) references entries (fund_id, id),
  constraint closing_entries_close_fkey foreign key (fund_id, period_kind, period_end)
    references period_closes (fund_id, kind, period_end)
);

create function period_closes_are_final() returns trigger
  language plpgsql as $$
begin
  raise exception 'period_close_is_final: % on % is not allowed; a closed period is never reopened', tg_op, tg_table_name
    using errcode = 'GJ001';
end
$$;

create trigger period_closes_are_final before update or delete on period_closes
  for each row execute function period_closes_are_final();
create trigger period_closes_are_not_truncated before truncate on period_closes
  for each statement execute function period_closes_are_final();
create trigger closing_entries_are_final before update or delete on closing_entries
  for each row execute function period_closes_are_final();
create trigger closing_entries_are_not_truncated before truncate on closing_entries
  for each statement execute function period_closes_are_final();

create function entries_must_be_in_open_period() returns trigger
  language plpgsql as $$
declare
  late record;
begin
  -- The chain-head lock first (the posting path already holds it; a raw insert takes it here), and
  -- only then the closes: in READ COMMITTED each statement below sees a close committed meanwhile.
  perform 1 from chain_heads h
   where h.fund_id in (select distinct fund_id from new_entries)
   order by h.fund_id
     for update;
  select n.fund_id, n.seq, n.effective_date, c.closed_through into late
    from new_entries n
    join lateral (
      select max(p.period_end) as closed_through
        from period_closes p
       where p.fund_id = n.fund_id and p.kind = 'month'
    ) c on true
   where n.effective_date <= c.closed_through
   order by n.fund_id, n.seq
   limit 1;
  if found then
    raise exception 'entry_date_must_be_in_open_period: entry % of fund % is dated %, in the period closed through %',
      late.seq, late.fund_id, late.effective_date, late.closed_through
      using errcode = 'GJ020';
  end if;
  return null;
end
$$;

create trigger entries_are_dated_in_open_period after insert on entries
  referencing new table as new_entries
  for each statement execute function entries_must_be_in_open_period();

-- The app may record a close and read it, never change or remove one.
revoke update, delete, truncate on period_closes, closing_entries from gongjian_app;
