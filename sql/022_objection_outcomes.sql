-- Objection outcomes in public (issue 17): the office's decision on an objection carries a public
-- reason, which the public project page and the notice page show beside the outcome, so that a
-- resident can read how each objection was decided. The objector's name and contact, and the
-- office's own note (outcome_note, which may quote them), stay private.
--
-- A dismissed or upheld objection must have a public reason; an open one has none, and one marked
-- as spam needs none (spam is not counted in public). The rule is checked by a trigger so that it
-- raises its own SQLSTATE, GJ024, with a message that reads as a sentence.
--
-- Objections decided before this migration had no public reason. They get a fixed sentence saying
-- so, rather than a copy of the office's note, which was written for the office and may name the
-- objector.

alter table objections add column public_reason text not null default '';

update objections
   set public_reason = '此异议在公开理由制度施行前已处理，当时未录入公开理由。'
 where status in ('dismissed', 'upheld') and public_reason = '';

alter table objections
  add constraint objection_public_reason_is_short check (length(public_reason) <= 500);

create function objection_decision_needs_a_public_reason() returns trigger
  language plpgsql as $$
begin
  if new.status in ('dismissed', 'upheld') and btrim(new.public_reason) = '' then
    raise exception 'objection_decision_needs_a_public_reason: objection % was % without a public reason',
      new.id, new.status
      using errcode = 'GJ024';
  end if;
  return new;
end
$$;

create trigger objection_decision_needs_a_public_reason
  before insert or update of status, public_reason on objections
  for each row execute function objection_decision_needs_a_public_reason();
