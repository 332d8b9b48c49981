-- Corrections (冲销): an entry is never changed; a mistake is undone by a reversing entry linked to
-- it (entries.reverses), asked for with a reason and, above the policy's four-eyes threshold,
-- confirmed by a second person. See apps/web/src/lib/server/fund/corrections.ts.

-- 1. The one home for "is this entry reversed?". Every query that counts a domain row by the
--    entry it points at (a household's payment, a payout, an expense) leaves out the entries
--    listed here, so the domain follows the books.
create view reversed_entries as
  select o.fund_id, o.seq, o.id, r.seq as reversal_seq
    from entries o join entries r on r.fund_id = o.fund_id and r.reverses = o.id;

comment on view reversed_entries is
  'The entries that a later entry reverses (冲销), with the reversal''s seq: the one list every domain figure leaves out.';

grant select on reversed_entries to gongjian_app;

-- 2. Holds. A hold still moves forward only, with one exception: the reversal of a payout that
--    settled part of it reserves that amount on it again. The settled amount may then go down,
--    and only to the sum of its settlements that are not reversed, which the reversal (inserted
--    earlier in the same transaction) has just made smaller.
create or replace function holds_move_forward() returns trigger language plpgsql as $$
declare
  settled_standing numeric;
begin
  if new.fund_id <> old.fund_id or new.id <> old.id or new.account_code <> old.account_code
    or new.amount <> old.amount or new.created_at <> old.created_at
    or new.expires_at is distinct from old.expires_at or new.reference is distinct from old.reference
    or new.memo <> old.memo then
    raise exception 'hold_must_move_forward: hold % of fund % may only be settled, released or expired while open', old.id, old.fund_id
      using errcode = 'GJ006';
  end if;
  if new.amount_settled < old.amount_settled then
    select coalesce(sum(o.settles_amount), 0) into settled_standing
      from entries o
     where o.fund_id = new.fund_id and o.settles_hold_id = new.id
       and not exists (select 1 from entries r where r.fund_id = o.fund_id and r.reverses = o.id);
    if old.status not in ('open', 'settled') or new.status <> 'open'
      or new.amount_released <> old.amount_released or new.amount_settled <> settled_standing then
      raise exception 'hold_reopens_only_by_a_reversal: hold % of fund % may reserve again only what a reversed payout settled', old.id, old.fund_id
        using errcode = 'GJ006';
    end if;
    return new;
  end if;
  if old.status <> 'open' or new.amount_released < old.amount_released then
    raise exception 'hold_must_move_forward: hold % of fund % may only be settled, released or expired while open', old.id, old.fund_id
      using errcode = 'GJ006';
  end if;
  return new;
end
$$;

-- 3. The corrections: one per entry, with a reason, asked by one person and, when it waits,
--    confirmed or declined by another.
create table corrections (
  id bigint generated always as identity primary key,
  fund_id bigint not null references funds (id),
  entry_seq bigint not null,
  reason text not null constraint correction_reason_is_given check (btrim(reason) <> '' and length(reason) <= 200),
  reversal_date date not null,
  status text not null constraint correction_status_is_known check (status in ('waiting', 'done', 'cancelled')),
  requested_by bigint not null references users (id),
  requested_at timestamptz not null,
  decided_by bigint references users (id),
  decided_at timestamptz,
  reversal_seq bigint,
  create_key text not null constraint correction_key_is_short check (length(create_key) between 1 and 100),
  unique (fund_id, create_key),
  foreign key (fund_id, entry_seq) references entries (fund_id, seq),
  foreign key (fund_id, reversal_seq) references entries (fund_id, seq),
  constraint correction_has_four_eyes check (decided_by is null or decided_by <> requested_by),
  constraint done_correction_has_a_reversal check ((status = 'done') = (reversal_seq is not null))
);

-- One correction per entry that is not cancelled: a declined correction may be asked again.
create unique index correction_once_per_entry on corrections (fund_id, entry_seq) where status <> 'cancelled';
create index corrections_by_status on corrections (fund_id, status, id);

-- A correction is never deleted, and once done or cancelled it never changes; a done correction
-- names a reversal of its own entry.
create function corrections_move_forward() returns trigger language plpgsql as $$
begin
  if tg_op = 'DELETE' then
    raise exception 'correction_is_kept: correction % may not be deleted', old.id using errcode = 'GJ019';
  end if;
  if tg_op = 'UPDATE' and (old.status <> 'waiting' or new.fund_id <> old.fund_id or new.entry_seq <> old.entry_seq
      or new.reason <> old.reason or new.requested_by <> old.requested_by or new.create_key <> old.create_key) then
    raise exception 'correction_moves_forward: correction % may only be confirmed or declined while it waits', old.id
      using errcode = 'GJ019';
  end if;
  if new.reversal_seq is not null and not exists (
      select 1 from entries r join entries o on o.fund_id = r.fund_id and o.id = r.reverses
       where r.fund_id = new.fund_id and r.seq = new.reversal_seq and o.seq = new.entry_seq) then
    raise exception 'correction_names_its_reversal: entry % does not reverse entry %', new.reversal_seq, new.entry_seq
      using errcode = 'GJ019';
  end if;
  return case when tg_op = 'DELETE' then old else new end;
end
$$;

create trigger corrections_move_forward before insert or update or delete on corrections
  for each row execute function corrections_move_forward();

-- 4. The domain rows that stand: those whose entry is not reversed. Every figure counted from
--    households' payments, payouts and expenses reads these views, never the tables, so that a
--    reversed payment no longer counts as paid (participation, the releasable tranche, refunds
--    at the close), a reversed payout no longer counts as paid out, and so on. A payout still
--    waiting has no entry yet and stands.
create view standing_self_raised_payments as
  select s.* from self_raised_payments s
   where not exists (select 1 from reversed_entries r where r.fund_id = s.fund_id and r.seq = s.entry_seq);

create view standing_payouts as
  select o.* from payouts o
   where o.entry_seq is null
      or not exists (select 1 from reversed_entries r where r.fund_id = o.fund_id and r.seq = o.entry_seq);

create view standing_expenses as
  select x.* from expenses x
   where not exists (select 1 from reversed_entries r where r.fund_id = x.fund_id and r.seq = x.entry_seq);

grant select on standing_self_raised_payments, standing_payouts, standing_expenses to gongjian_app;
