-- 001: the first tables. A fund is one pool with its own books, policy and leadership group;
-- every later table carries fund_id, so that the schema can be distributed by fund.

create table funds (
  id bigint generated always as identity primary key,
  slug text not null unique
    constraint fund_slug_is_lowercase_words check (slug ~ '^[a-z][a-z0-9-]{1,62}$'),
  name_zh text not null constraint fund_name_zh_is_not_blank check (btrim(name_zh) <> ''),
  name_en text not null constraint fund_name_en_is_not_blank check (btrim(name_en) <> ''),
  created_at timestamptz not null default now()
);

comment on table funds is 'One co-building fund (共建基金): a pool with its own books.';

-- The demo data (npm start seeds the fund guihuajing) is added in steps, one row per step, so
-- that each step runs once per database.
create table demo_seed_steps (
  name text primary key,
  applied_at timestamptz not null default now()
);
