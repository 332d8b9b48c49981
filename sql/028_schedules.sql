-- Issue 19: on-time schedules. The scheduler (apps/web/src/lib/server/schedule/) runs time-based
-- steps (a notice that ended makes its grant active, reminders) once per deployment under an
-- advisory lock. Every step is idempotent by the data it reads; these tables record what it did
-- and make each reminder go once, whichever process or restart sends it.

-- One row per step run that changed something or failed, and the last run of every step. A run
-- that finds nothing to do updates only schedule_steps, so a scheduler ticking each minute does
-- not fill a table with empty rows.
create table schedule_runs (
  id bigint generated always as identity primary key,
  step text not null constraint schedule_step_is_a_name check (step ~ '^[a-z][a-z0-9_]{1,62}$'),
  -- The moment the scheduler ran the step for (its clock, which a test or faketime may set), and
  -- the database's own clock around the run.
  run_for timestamptz not null,
  started_at timestamptz not null,
  finished_at timestamptz not null,
  outcome text not null constraint schedule_outcome_is_known check (outcome in ('done', 'failed')),
  counts jsonb not null default '{}' constraint schedule_counts_are_an_object check (jsonb_typeof(counts) = 'object'),
  error text not null default '' constraint schedule_error_is_short check (length(error) <= 500),
  constraint schedule_run_finishes_after_it_starts check (finished_at >= started_at)
);

create index schedule_runs_latest on schedule_runs (id desc);

create table schedule_steps (
  step text primary key constraint schedule_step_is_a_name check (step ~ '^[a-z][a-z0-9_]{1,62}$'),
  last_run_for timestamptz not null,
  last_finished_at timestamptz not null,
  last_outcome text not null constraint schedule_outcome_is_known check (last_outcome in ('done', 'failed', 'skipped'))
);

-- A reminder goes once per recipient, subject and due day: the scheduler inserts here and writes
-- the notification in the same statement only if the row is new, so a second process or a rerun
-- after a restart finds the key taken and sends nothing.
create table schedule_reminders (
  user_id bigint not null references users (id),
  -- What it reminds of, as `vote:<application id>:r<revision>` or `objections:<application id>:r<revision>`.
  subject text not null constraint schedule_reminder_subject_is_short check (subject ~ '^[a-z_]{1,30}:[0-9]{1,19}(:r[0-9]{1,9})?$'),
  due_on date not null,
  fund_id bigint not null references funds (id),
  notification_id bigint not null references notifications (id),
  sent_at timestamptz not null,
  primary key (user_id, subject, due_on)
);

-- What was reminded stays as it was sent; the run log is kept by the app and may be pruned.
revoke update, delete, truncate on schedule_reminders from gongjian_app;
revoke truncate on schedule_runs, schedule_steps from gongjian_app;
