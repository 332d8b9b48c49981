-- 003: the same invariants as 002, checked per statement instead of per row, and entries' lookup
-- by (fund_id, seq) made unambiguous for the planner.
--
-- The posting path writes a group of entries with one INSERT. 002 checked the hash chain with a
-- row trigger that looked up each new entry's predecessor on its own; here one set-based query
-- over the statement's new rows (a transition table) checks them all. It runs after the
-- statement, so the rows are in the table: a row's predecessor may be the table's last entry or a
-- row of the same statement. The error (GJ003, entry_must_follow_chain) is unchanged.

drop trigger entries_follow_chain on entries;
drop function entries_follow_chain();

create function entries_follow_chain() returns trigger language plpgsql as $$
declare
  broken record;
begin
  select n.fund_id, n.seq, p.seq is null as missing into broken
  from new_entries n
  left join entries p on p.fund_id = n.fund_id and p.seq = n.seq - 1
  where n.prev_hash is distinct from case when n.seq = 1 then repeat('0', 64) else p.hash end
  order by n.fund_id, n.seq
  limit 1;
  if not found then
    return null;
  end if;
  if broken.missing and broken.seq > 1 then
    raise exception 'entry_must_follow_chain: entry % of fund % has no entry % before it', broken.seq, broken.fund_id, broken.seq - 1
      using errcode = 'GJ003';
  end if;
  raise exception 'entry_must_follow_chain: entry % of fund % does not carry the previous entry''s hash', broken.seq, broken.fund_id
    using errcode = 'GJ003';
end
$$;

-- Named so that it fires before entries_move_chain_head (triggers of one event fire by name):
-- the head moves only after the chain was found in order.
create trigger entries_follow_chain after insert on entries
  referencing new table as new_entries
  for each statement execute function entries_follow_chain();

-- The foreign key from postings looks entries up by (fund_id, seq), once per posting. While the
-- table has no statistics yet, the planner sees every index that starts with fund_id as equally
-- cheap, and it picked one that made each lookup filter all of the fund's entries: a batch of
-- 10,000 entries took seconds. So the primary key is left the only index on entries that starts
-- with fund_id: the unique (fund_id, id) becomes (id, fund_id), which still serves the foreign key
-- of reversals, and the unique indexes on idempotency keys and reversals hold only the entries that
-- have one (most have neither). The names of the last two stay, because errors name them and the
-- posting path retries on them.
alter table entries drop constraint entries_fund_id_reverses_fkey;
alter table entries drop constraint entries_fund_id_id_key;
alter table entries add constraint entries_id_fund_id_key unique (id, fund_id);
alter table entries add constraint entries_fund_id_reverses_fkey
  foreign key (fund_id, reverses) references entries (fund_id, id);
alter table entries drop constraint idempotency_key_reused;
create unique index idempotency_key_reused on entries (fund_id, idempotency_key) where idempotency_key is not null;
alter table entries drop constraint entry_already_reversed;
create unique index entry_already_reversed on entries (fund_id, reverses) where reverses is not null;
