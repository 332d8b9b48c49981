-- 005: entries are checked for balance once per move of their fund's chain head, not once each.
--
-- Every statement that inserts entries moves its fund's chain head from the last sequence number
-- to the new one (entries_move_chain_head, which nothing else may do). The deferred check below
-- fires at commit for each such move and sums, in one query, the postings of exactly the entries
-- between the two numbers. An import of 10,000 entries now runs one check instead of 10,000, and
-- the rule is the same: every entry has at least two lines, and its debits equal its credits.

drop trigger entry_must_balance on entries;
drop function entry_must_balance();

create function entries_must_balance() returns trigger language plpgsql as $$
declare
  bad record;
  entries_with_lines bigint;
begin
  -- Two plain aggregates over the postings of the moved range, with no join: the planner cannot
  -- turn them into a loop over entries, whatever it believes about fresh tables.
  select entry_seq as seq, count(*) as lines,
    coalesce(sum(amount) filter (where side = 'debit'), 0) as debits,
    coalesce(sum(amount) filter (where side = 'credit'), 0) as credits
  into bad
  from postings
  where fund_id = new.fund_id and entry_seq > old.last_seq and entry_seq <= new.last_seq
  group by entry_seq
  having count(*) < 2
    or coalesce(sum(amount) filter (where side = 'debit'), 0) <> coalesce(sum(amount) filter (where side = 'credit'), 0)
  order by entry_seq
  limit 1;
  if found then
    raise exception 'entry_must_balance: entry % of fund % has % lines, debits % and credits %', bad.seq, new.fund_id, bad.lines, bad.debits, bad.credits
      using errcode = 'GJ002';
  end if;
  -- The chain keeps the range gap-free, so it holds new.last_seq - old.last_seq entries, and each
  -- of them must have lines.
  select count(distinct entry_seq) into entries_with_lines
  from postings
  where fund_id = new.fund_id and entry_seq > old.last_seq and entry_seq <= new.last_seq;
  if entries_with_lines < new.last_seq - old.last_seq then
    select e.seq into bad
    from entries e
    where e.fund_id = new.fund_id and e.seq > old.last_seq and e.seq <= new.last_seq
      and not exists (select 1 from postings p where p.fund_id = e.fund_id and p.entry_seq = e.seq)
    order by e.seq
    limit 1;
    raise exception 'entry_must_balance: entry % of fund % has 0 lines, debits 0 and credits 0', bad.seq, new.fund_id
      using errcode = 'GJ002';
  end if;
  return null;
end
$$;

create constraint trigger entries_must_balance after update on chain_heads
  deferrable initially deferred
  for each row execute function entries_must_balance();
