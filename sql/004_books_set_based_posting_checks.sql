-- 004: a posting's entry and account are checked once per statement instead of once per line.
--
-- The two foreign keys on postings made every imported line probe and lock its entry's row and its
-- account's row, which cost a batch import more than everything else it does. One set-based check
-- per statement enforces the same thing (the entry and the account exist, in the posting's fund),
-- and what those keys also did, keep the referenced rows from being deleted or renumbered, is done
-- by triggers: entries were already append-only, and accounts are now kept (an account is closed,
-- never deleted) with a fixed fund and code.

alter table postings drop constraint postings_fund_id_entry_seq_fkey;
alter table postings drop constraint postings_fund_id_account_code_fkey;

create or replace function postings_join_new_entries() returns trigger language plpgsql as $$
declare
  stale record;
begin
  -- Every line belongs to an entry of its fund that this very transaction wrote: otherwise a
  -- balanced pair of lines could be slipped into an old entry, which the balance check would miss.
  select p.fund_id, p.entry_seq, e.seq is null as missing into stale
  from (select distinct fund_id, entry_seq from new_postings) p
  left join entries e on e.fund_id = p.fund_id and e.seq = p.entry_seq
  where e.seq is null or e.xmin <> pg_current_xact_id()::xid
  limit 1;
  if found and stale.missing then
    raise exception 'posting_entry_must_exist: fund % has no entry %', stale.fund_id, stale.entry_seq
      using errcode = '23503';
  elsif found then
    raise exception 'postings_must_join_new_entry: entry % of fund % was recorded by an earlier transaction', stale.entry_seq, stale.fund_id
      using errcode = 'GJ004';
  end if;
  -- Every line names an account of its own fund.
  select p.fund_id, p.account_code into stale
  from (select distinct fund_id, account_code from new_postings) p
  left join accounts a on a.fund_id = p.fund_id and a.code = p.account_code
  where a.code is null
  limit 1;
  if found then
    raise exception 'posting_account_must_exist: fund % has no account %', stale.fund_id, stale.account_code
      using errcode = '23503';
  end if;
  return null;
end
$$;

create function accounts_are_kept() returns trigger language plpgsql as $$
begin
  if tg_op = 'UPDATE' and new.fund_id = old.fund_id and new.code = old.code then
    return new;
  end if;
  raise exception 'accounts_are_kept: an account is closed, never deleted, truncated or renumbered'
    using errcode = 'GJ007';
end
$$;

create trigger accounts_are_kept before update or delete on accounts
  for each row execute function accounts_are_kept();
create trigger accounts_are_not_truncated before truncate on accounts
  for each statement execute function accounts_are_kept();
