-- 025: the project list's own records (issue 18): each item's timeline, the photos of a direct
-- delivery, and the residents' evaluation of it by household code.
--
-- An evaluation is kept apart from the household that gave it, as evaluations of projects are:
-- one table says which households used their code on an item (once each: the primary key), the
-- other what was said (a rating, a comment, the day), with nothing joining the two.

-- An item's steps, for its timeline: placed, its draft opened, work started, delivered, cancelled.
create table list_item_steps (
  id bigint generated always as identity primary key,
  fund_id bigint not null,
  list_item_id bigint not null,
  kind text not null
    constraint list_item_step_is_known
    check (kind in ('placed', 'draft_opened', 'in_progress', 'delivered', 'cancelled')),
  -- The public sentence of the step (the feedback, a reason), or ''.
  note text not null default '' constraint list_item_step_note_is_short check (length(note) <= 1000),
  by_user bigint references users (id),
  at timestamptz not null,
  foreign key (fund_id, list_item_id) references list_items (fund_id, id)
);
create index list_item_steps_by_item on list_item_steps (list_item_id, at, id);

-- The photos of a direct delivery; public once the attachment passed the personal-data check.
create table list_item_photos (
  fund_id bigint not null,
  list_item_id bigint not null,
  sha256 text not null,
  added_at timestamptz not null,
  primary key (list_item_id, sha256),
  foreign key (fund_id, list_item_id) references list_items (fund_id, id),
  foreign key (fund_id, sha256) references attachments (fund_id, sha256)
);

-- Which households rated an item: once per household and item, also when two submits race.
create table list_item_evaluation_uses (
  list_item_id bigint not null references list_items (id),
  household_id bigint not null references households (id),
  primary key (list_item_id, household_id)
);

-- What the residents said, with only the day kept, so that the order cannot name a household.
create table list_item_evaluations (
  id bigint generated always as identity primary key,
  fund_id bigint not null,
  list_item_id bigint not null,
  rating text not null
    constraint list_item_rating_is_known check (rating in ('satisfied', 'mostly_satisfied', 'not_satisfied')),
  comment text not null default '' constraint list_item_evaluation_comment_is_short check (length(comment) <= 500),
  on_day date not null,
  foreign key (fund_id, list_item_id) references list_items (fund_id, id)
);
create index list_item_evaluations_by_item on list_item_evaluations (list_item_id);

-- Residents rate a delivery, never an order still to be done (GJ028).
create function list_item_is_evaluated_once_delivered() returns trigger
  language plpgsql as $$
begin
  if not exists (select 1 from list_items where id = new.list_item_id and status = 'delivered') then
    raise exception 'list_item_is_evaluated_once_delivered: list item % is not delivered', new.list_item_id
      using errcode = 'GJ028';
  end if;
  return new;
end
$$;

create trigger list_item_is_evaluated_once_delivered
  before insert on list_item_evaluations
  for each row execute function list_item_is_evaluated_once_delivered();
