-- Day totals: each account's debits and credits per day, split by whether the entry moved cash,
-- kept by the posting path in the same transaction as the entries (books/store.ts, from the
-- ledger's `movementsOf`). The statements (资产负债表, 业务活动表, 现金流量表) of a period then sum a
-- few thousand day rows instead of every posting of the fund, which keeps them fast at 100,000
-- entries. Closing entries are counted here like any other; the statements take them out again by
-- the `closing_entries` table. The table is derived data: it can always be rebuilt from postings.

create table account_day_totals (
  fund_id bigint not null references funds (id),
  day date not null,
  account_code text not null,
  with_cash boolean not null,
  debits numeric(18,2) not null default 0,
  credits numeric(18,2) not null default 0,
  constraint account_day_totals_pkey primary key (fund_id, day, account_code, with_cash),
  constraint account_day_totals_account_fkey foreign key (fund_id, account_code) references accounts (fund_id, code)
);

comment on table account_day_totals is
  'Each account''s debits and credits per day, split by whether the entry moved cash; kept by the posting path.';

-- The books posted before this table existed. Which accounts hold cash is the ledger's rule
-- (CASH_ACCOUNT_ROOTS in packages/ledger/src/reports/movements.ts: 1001 现金 and 1002 银行存款 with
-- their sub-accounts); this one-time backfill reads it as it stood when the table was added, and
-- tests/db/statements.test.ts checks the table against the ledger's movements.
insert into account_day_totals (fund_id, day, account_code, with_cash, debits, credits)
select p.fund_id, e.effective_date, p.account_code, c.with_cash,
       coalesce(sum(p.amount) filter (where p.side = 'debit'), 0),
       coalesce(sum(p.amount) filter (where p.side = 'credit'), 0)
  from postings p
  join entries e on e.fund_id = p.fund_id and e.seq = p.entry_seq
  join (select fund_id, entry_seq, bool_or(left(account_code, 4) in ('1001', '1002')) as with_cash
          from postings group by fund_id, entry_seq) c on c.fund_id = p.fund_id and c.entry_seq = p.entry_seq
 group by p.fund_id, e.effective_date, p.account_code, c.with_cash;

grant select, insert, update on account_day_totals to gongjian_app;
