-- Issue 19: regions. Funds belong to a street (街道), and streets to a county (区县): a small tree
-- the platform administrator keeps at /admin/regions. Public region pages (/r/<slug>) add up
-- their funds; a region officer (片区督导) reads every fund of their region, the private pages
-- included, and writes nothing (apps/web/src/lib/server/access/policy.ts decides that).
--
-- The database enforces again (GJ030):
--   the shape        a county has no parent; a street's parent is a county; a region's kind stays
--   a fund's place   a fund points to a street, never to a county
--   the slug         lowercase words, as a fund's, unique among regions

create table regions (
  id bigint generated always as identity primary key,
  kind text not null constraint region_kind_is_known check (kind in ('county', 'street')),
  parent_id bigint references regions (id),
  slug text not null unique
    constraint region_slug_is_lowercase_words check (slug ~ '^[a-z][a-z0-9]*(-[a-z0-9]+)*$' and length(slug) between 3 and 40),
  name_zh text not null constraint region_name_zh_is_given check (length(btrim(name_zh)) between 1 and 60),
  name_en text not null constraint region_name_en_is_given check (length(btrim(name_en)) between 1 and 60),
  created_at timestamptz not null,
  constraint county_has_no_parent check ((kind = 'county') = (parent_id is null))
);

create index regions_by_parent on regions (parent_id);

create function region_keeps_its_shape() returns trigger
  language plpgsql as $$
begin
  if tg_op = 'UPDATE' and new.kind <> old.kind then
    raise exception 'region_keeps_its_shape: region % may not change from a % to a %', old.id, old.kind, new.kind
      using errcode = 'GJ030';
  end if;
  if new.kind = 'street' and not exists (select 1 from regions p where p.id = new.parent_id and p.kind = 'county') then
    raise exception 'region_keeps_its_shape: the parent of street % must be a county', new.slug
      using errcode = 'GJ030';
  end if;
  return new;
end
$$;

create trigger region_keeps_its_shape
  before insert or update on regions
  for each row execute function region_keeps_its_shape();

alter table funds add column region_id bigint references regions (id);
create index funds_by_region on funds (region_id) where region_id is not null;

create function fund_region_is_a_street() returns trigger
  language plpgsql as $$
begin
  if new.region_id is not null
     and not exists (select 1 from regions r where r.id = new.region_id and r.kind = 'street') then
    raise exception 'fund_region_is_a_street: fund % must belong to a street, not region %', new.slug, new.region_id
      using errcode = 'GJ030';
  end if;
  return new;
end
$$;

create trigger fund_region_is_a_street
  before insert or update of region_id on funds
  for each row execute function fund_region_is_a_street();

-- A region officer reads every fund of the region (a county's: every fund of its streets).
create table region_officers (
  region_id bigint not null references regions (id),
  user_id bigint not null references users (id),
  appointed_at timestamptz not null,
  appointed_by bigint references users (id),
  primary key (region_id, user_id)
);

create index region_officers_by_user on region_officers (user_id);
