-- A placeholder on branch i16e only, so that 018_bank.sql runs where migrations must be numbered
-- without gaps. Another part of issue 16 owns number 017: drop this file when merging.
select 1;
