-- 012: public transparency (阳光公示). The public ledger pages filter the journal by account, by
-- project and by date, and page through it by keyset (seq > after, in order, a page at a time).
-- These indexes make each of those reads an index range scan, so page 10,000 costs what page 1
-- does, whatever the filter.
create index postings_by_account on postings (fund_id, account_code, entry_seq);
create index entries_by_application on entries (fund_id, application_id, seq) where application_id is not null;
create index entries_by_date on entries (fund_id, effective_date, seq);

-- A receipt or photo is public only once someone checked it for personal data. Who checked it is
-- recorded with the time, and the check is never undone or moved to another person: a public file
-- may already have been downloaded and printed.
alter table attachments
  add constraint attachment_check_names_its_checker
  check ((checked_for_personal_data_at is null) = (checked_by is null));

create function attachments_check_once() returns trigger language plpgsql as $$
begin
  if old.checked_for_personal_data_at is not null
     and (new.checked_for_personal_data_at is distinct from old.checked_for_personal_data_at
          or new.checked_by is distinct from old.checked_by) then
    raise exception 'attachment_already_checked: the check of an attachment for personal data is recorded once'
      using errcode = 'GJ017';
  end if;
  return new;
end
$$;

create trigger attachments_check_once before update on attachments
  for each row execute function attachments_check_once();
