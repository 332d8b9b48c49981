-- Issue 18: residents sign off finished work. A sign-off is a resident representative's
-- (households.representative) of the project's own compound (GJ029): the server checks it before
-- inserting, and the database refuses any other household, whoever writes the row.

create function signoff_is_a_representatives() returns trigger
  language plpgsql as $$
begin
  if not exists (
    select 1
      from applications a join households h on h.compound_id = a.compound_id and h.fund_id = a.fund_id
     where a.id = new.application_id and h.id = new.household_id and h.representative
  ) then
    raise exception 'signoff_is_a_representatives: household % is not a representative of the compound of application %',
      new.household_id, new.application_id
      using errcode = 'GJ029';
  end if;
  return new;
end
$$;

create trigger signoff_is_a_representatives
  before insert or update on acceptance_signoffs
  for each row execute function signoff_is_a_representatives();
