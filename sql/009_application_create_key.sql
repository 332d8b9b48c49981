-- The key of the form that started a draft, so that a double-submitted "new application" form
-- starts one draft, not two. Until now the replay was found by scanning the audit events' detail;
-- a unique index makes the database say it, and two racing submissions of the same form cannot
-- both insert. Drafts made before this migration have no key.
alter table applications
  add column create_key text
    constraint create_key_is_short check (create_key is null or length(create_key) between 1 and 100);

create unique index applications_create_key on applications (fund_id, created_by, create_key)
  where create_key is not null;
