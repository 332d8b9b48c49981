-- The audit trail on screen (/funds/<slug>/audit): a fund's events newest first, filtered by
-- person, kind, resource and dates, a keyset page at a time (id below the last one shown, never
-- an OFFSET). Each filter gets an index that starts with the fund and ends with the id, so
-- PostgreSQL walks it backwards from the page's key and stops after one page, whatever the
-- table's size; events_by_fund (006) serves the unfiltered trail. A narrow date range is read
-- through events_by_fund_at, which carries the id so that the range's ids come from the index
-- alone. No invariant is added: events stay append-only (GJ011).
create index events_by_fund_actor on events (fund_id, actor_user_id, id desc);
create index events_by_fund_action on events (fund_id, action, id desc);
create index events_by_fund_resource on events (fund_id, resource_type, resource_id, id desc);
create index events_by_fund_at on events (fund_id, at, id);
