-- 013: the working-day calendar as data. The notice period (公示期) counts working days; which
-- days are public holidays, and which weekend days are worked instead (调休上班), the State
-- Council fixes each year in a notice (国务院办公厅关于XXXX年部分节假日安排的通知) that comes out
-- each November for the next year. The platform administrator enters each year at
-- /admin/calendar; 2026 comes with this migration. The ledger package holds no holiday data: the
-- app reads these rows and hands them to its working-day arithmetic.
--
-- A notice that runs into a year with no row here gets a provisional end date
-- (applications.notice_ends_provisional): counted with weekends only, shown as provisional, and
-- never the day a grant becomes active. Saving a year recomputes the end of every notice still
-- running (apps/web/src/lib/server/fund/calendar.ts), in the same transaction.
--
-- The database enforces again:
--   a plausible year        2000 to 2099 (the ledger's CALENDAR_YEAR_MIN and CALENDAR_YEAR_MAX)
--   each day in its year    a day belongs to the year it is listed under
--   one kind a day          a day is a holiday or a make-up working day, never both (the key)
--   make-up days            only a Saturday or a Sunday is listed as worked
--   years stay              a year is corrected, never removed: the app may not delete one
create table calendar_years (
  year integer primary key
    constraint calendar_year_must_be_plausible check (year between 2000 and 2099),
  -- Where the dates come from, as the administrator names it (the notice's title or number).
  source text not null default ''
    constraint calendar_source_must_be_short check (char_length(source) <= 200),
  entered_at timestamptz not null,
  -- Null for the year this migration seeds.
  entered_by bigint references users (id)
);

create table calendar_days (
  day date primary key,
  year integer not null references calendar_years (year),
  kind text not null constraint calendar_day_kind_is_known check (kind in ('holiday', 'makeup_workday')),
  constraint calendar_day_must_be_in_its_year check (extract(year from day) = year),
  constraint makeup_day_must_be_a_weekend_day
    check (kind <> 'makeup_workday' or extract(isodow from day) in (6, 7))
);

create index calendar_days_by_year on calendar_days (year, day);

revoke delete, truncate on calendar_years from gongjian_app;

-- Whether notice_ends_on is only a guess: the notice runs into a year the calendar did not cover
-- when the end was computed. It means nothing while notice_ends_on is null.
alter table applications add column notice_ends_provisional boolean not null default false;

-- The 2026 public holidays (国务院办公厅关于2026年部分节假日安排的通知, issued 2025-11-04):
-- every day off of each holiday span, and the weekend days worked to make up for them. These
-- are the days the ledger package held as constants until this migration.
insert into calendar_years (year, source, entered_at)
values (2026, '国务院办公厅关于2026年部分节假日安排的通知', now());

insert into calendar_days (day, year, kind)
select day::date, 2026, 'holiday'
  from (values
          ('2026-01-01', '2026-01-03'), -- 元旦
          ('2026-02-15', '2026-02-23'), -- 春节
          ('2026-04-04', '2026-04-06'), -- 清明节
          ('2026-05-01', '2026-05-05'), -- 劳动节
          ('2026-06-19', '2026-06-21'), -- 端午节
          ('2026-09-25', '2026-09-27'), -- 中秋节
          ('2026-10-01', '2026-10-07')  -- 国庆节
       ) as span (first_day, last_day),
       generate_series(first_day::date, last_day::date, interval '1 day') as day;

insert into calendar_days (day, year, kind)
values ('2026-01-04', 2026, 'makeup_workday'), -- Sunday, for 元旦
       ('2026-02-14', 2026, 'makeup_workday'), -- Saturday, for 春节
       ('2026-02-28', 2026, 'makeup_workday'), -- Saturday, for 春节
       ('2026-05-09', 2026, 'makeup_workday'), -- Saturday, for 劳动节
       ('2026-09-20', 2026, 'makeup_workday'), -- Sunday, for 国庆节
       ('2026-10-10', 2026, 'makeup_workday'); -- Saturday, for 国庆节

-- Notices approved before this migration were counted with the 2026 days above and weekends
-- only in any other year, exactly as the app now counts them; those that crossed a day outside
-- 2026 are provisional.
update applications
   set notice_ends_provisional = true
 where status = 'approved' and notice_ends_on > notice_starts_on
   and (notice_starts_on < date '2025-12-31' or notice_ends_on > date '2026-12-31');
