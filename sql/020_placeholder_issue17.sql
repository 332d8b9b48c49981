-- A placeholder: issue 17 gave the number 020 to another part of the work (merged separately), and
-- migrations are numbered without gaps, so this branch holds the number open until that file
-- replaces it. It changes nothing.
select 1;
