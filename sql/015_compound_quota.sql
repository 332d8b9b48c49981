-- One home for two rules the server states once in code, checked again here where a second app
-- process or a psql session could bypass it (see packages/ledger/src/grants/quota.ts and
-- apps/web/src/lib/server/grants/quota.ts).
--
-- 1. The project key. An entry names its project by the project's number in its fund, as text
--    (projectKey in apps/web/src/lib/server/projects/project-core.ts), never by the application's row id.
comment on column entries.application_id is
  'The project key: the number (applications.number) of the project this entry belongs to, as text; null for none.';

-- 2. The per-compound yearly cap. The grants of one compound that stand (approved, active,
--    accepted or closed) and were decided in one calendar year in China add up to no more than
--    the cap of the policy version the newly decided application was judged by. The check runs
--    when a grant comes to count (its approved amount is set, or it returns to a counting state)
--    and takes the compound's row lock first, as the approval use case does, so that two
--    transactions approving for one compound are checked one after the other.
create function applications_compound_quota_must_hold() returns trigger
  language plpgsql as $$
declare
  counting constant text[] := array['approved', 'active', 'accepted', 'closed'];
  cap numeric;
  year_start timestamptz;
  used numeric;
begin
  if new.approved_amount is null or new.decided_at is null or not (new.status = any (counting)) then
    return null;
  end if;
  if tg_op = 'UPDATE' and old.approved_amount is not distinct from new.approved_amount
     and old.decided_at is not distinct from new.decided_at and old.status = any (counting) then
    return null;
  end if;
  select nullif(p.policy -> 'match' ->> 'capPerCompoundPerYear', '')::numeric into cap
    from fund_policies p where p.fund_id = new.fund_id and p.version = new.policy_version;
  if cap is null then
    return null;
  end if;
  perform 1 from compounds where fund_id = new.fund_id and id = new.compound_id for update;
  year_start := date_trunc('year', new.decided_at at time zone 'Asia/Shanghai') at time zone 'Asia/Shanghai';
  select coalesce(sum(a.approved_amount), 0) into used
    from applications a
   where a.fund_id = new.fund_id and a.compound_id = new.compound_id
     and a.status = any (counting) and a.approved_amount is not null
     and a.decided_at >= year_start and a.decided_at < year_start + interval '1 year';
  if used > cap then
    raise exception 'compound_quota_must_hold: compound % was granted % in the year from %, above its cap of %',
      new.compound_id, used, year_start, cap
      using errcode = 'GJ018';
  end if;
  return null;
end
$$;

create constraint trigger applications_compound_quota_must_hold
  after insert or update of approved_amount, status, decided_at on applications
  for each row execute function applications_compound_quota_must_hold();
