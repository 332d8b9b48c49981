-- The acceptance check states the project's actual total cost as invoiced (验收核定总费用). The
-- final match is computed on it, so the last tranche can be paid before the last invoice is: a
-- supplier is often paid its balance out of that very tranche.
alter table acceptances
  add column cost_final numeric(18, 2) constraint cost_final_is_positive check (cost_final is null or cost_final > 0);
