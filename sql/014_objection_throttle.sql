-- 014: throttling anonymous objections, and marking an objection as spam.
--
-- The sign-in throttle's table becomes the one throttle of the app: a counter per key
-- ('login:<name>', 'ip:<address>', 'evaluate:<address>', 'objection:<fund>:<address>',
-- 'objection:<fund>:<application>:<address>'), each key under its rule (how many hits in what
-- window lock the key for how long; auth/throttle.ts). It lives in PostgreSQL, so every app
-- process counts the same hits.
alter table login_throttles rename to throttles;
alter table throttles rename column failures to hits;
alter table throttles rename constraint failures_are_counted to hits_are_counted;
alter index login_throttles_pkey rename to throttles_pkey;
comment on table throttles is
  'Hits per key in a fixed window (failed sign-ins, wrong evaluation codes, objections filed); a key that reaches its rule''s limit is locked until locked_until.';

-- The fund office may mark an objection as spam (a flood, an advertisement, abuse): it stops
-- holding up the grant as a dismissal does, but it is not counted on public pages, and the row
-- and its event stay in the audit trail as what they were.
alter table objections drop constraint objection_status_is_known;
alter table objections add constraint objection_status_is_known
  check (status in ('open', 'dismissed', 'upheld', 'spam'));
