-- 024: the needs list's own rule (issue 18). A household supports a need of its own compound only:
-- a household code is the compound's residents' voice, and a support from another compound would
-- let one estate's households push another estate's need to the fund office. The server checks it
-- before it writes (grants/needs/supports.ts); the database refuses it whoever writes (GJ026).

create function need_support_is_of_the_compound() returns trigger
  language plpgsql as $$
begin
  if not exists (
    select 1 from needs n join households h on h.compound_id = n.compound_id and h.fund_id = n.fund_id
     where n.id = new.need_id and h.id = new.household_id
  ) then
    raise exception 'need_support_is_of_the_compound: household % is not of the compound of need %',
      new.household_id, new.need_id
      using errcode = 'GJ026';
  end if;
  return new;
end
$$;

create trigger need_support_is_of_the_compound
  before insert or update on need_supports
  for each row execute function need_support_is_of_the_compound();
