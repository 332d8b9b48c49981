-- Notifications that leave the app. A person's confirmed addresses (contact_channels) and one
-- outbox row per message and address, written by a trigger in the very transaction that writes
-- the notification, so that no request is ever recorded without its message. The delivery worker
-- (apps/web/src/lib/server/people/delivery/) sends the rows. The invariants raise SQLSTATE GJ022.

create table contact_channels (
  id bigint generated always as identity primary key,
  user_id bigint not null references users (id),
  channel text not null,
  -- An e-mail address, or for a webhook what the county's gateway understands (a phone number,
  -- an account id).
  address text not null,
  -- The language the messages are written in: the one the person used when they added the address.
  lang text not null default 'zh-CN',
  -- One message a day listing the pending requests, instead of one message per request.
  digest boolean not null default false,
  created_at timestamptz not null,
  confirmed_at timestamptz,
  -- The SHA-256 of the single-use confirmation token (e-mail) or code (webhook); cleared once used.
  confirm_hash bytea,
  confirm_expires_at timestamptz,
  confirm_failures integer not null default 0,
  constraint contact_channel_is_known check (channel in ('email', 'webhook')),
  constraint contact_address_is_plausible check (
    length(address) between 3 and 200
    and (channel <> 'email' or address ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$')
    and (channel <> 'webhook' or address ~ '^[A-Za-z0-9+_.:@-]{3,100}$')),
  constraint contact_lang_is_known check (lang in ('zh-CN', 'en')),
  constraint contact_confirm_hash_is_sha256 check (confirm_hash is null or length(confirm_hash) = 32),
  constraint contact_confirmation_has_an_expiry check ((confirm_hash is null) = (confirm_expires_at is null)),
  unique (user_id, channel, address)
);

create table outbox (
  id bigint generated always as identity primary key,
  -- Sent to the receiver (SMTP Message-ID, the webhook's `key`) so that it can drop a repeat.
  message_key text not null unique,
  user_id bigint not null references users (id),
  notification_id bigint references notifications (id),
  channel_id bigint references contact_channels (id) on delete set null,
  -- A request or an information (notification), an address's own confirmation, or a daily digest.
  purpose text not null,
  channel text not null,
  address text not null,
  lang text not null,
  status text not null default 'queued',
  attempts integer not null default 0,
  next_attempt_at timestamptz not null default now(),
  last_error text,
  created_at timestamptz not null default now(),
  sent_at timestamptz,
  -- What a confirmation or digest carries (the code or link, the digest's notification ids). A
  -- confirmation's secret is erased as soon as the message is sent or has failed.
  payload jsonb,
  -- The digest message that took this row along (status 'sent' then means sent in the digest).
  digest_key text,
  constraint outbox_purpose_is_known check (purpose in ('notification', 'confirmation', 'digest')),
  constraint outbox_channel_is_known check (channel in ('email', 'webhook')),
  constraint outbox_status_is_known check (status in ('queued', 'sent', 'failed', 'digest')),
  constraint outbox_notification_rows_name_their_notification check (
    (purpose = 'notification') = (notification_id is not null)),
  constraint outbox_sent_rows_say_when check ((status = 'sent') = (sent_at is not null)),
  constraint outbox_failed_rows_keep_the_error check (status <> 'failed' or last_error is not null),
  constraint outbox_attempts_are_bounded check (attempts between 0 and 100),
  constraint outbox_key_is_short check (length(message_key) <= 200)
);

create index outbox_due on outbox (next_attempt_at, id) where status = 'queued';
create index outbox_digest_waiting on outbox (user_id, channel_id) where status = 'digest';
create index contact_channels_by_user on contact_channels (user_id);

-- Nothing but an address's own confirmation goes to an address that was not confirmed, whoever
-- inserts the row (the trigger below, the worker's digest, or a psql user).
create function outbox_address_must_be_confirmed() returns trigger
  language plpgsql as $$
begin
  if new.purpose <> 'confirmation' and not exists (
    select 1 from contact_channels c
     where c.id = new.channel_id and c.user_id = new.user_id and c.channel = new.channel
       and c.address = new.address and c.confirmed_at is not null) then
    raise exception 'outbox_address_must_be_confirmed: % % of user % is not a confirmed address',
      new.channel, new.address, new.user_id
      using errcode = 'GJ022';
  end if;
  if new.purpose = 'confirmation' and not exists (
    select 1 from contact_channels c
     where c.id = new.channel_id and c.user_id = new.user_id and c.address = new.address) then
    raise exception 'outbox_confirmation_goes_to_its_own_address: % is not an address of user %',
      new.address, new.user_id
      using errcode = 'GJ022';
  end if;
  return new;
end
$$;

create trigger outbox_address_must_be_confirmed
  before insert on outbox
  for each row execute function outbox_address_must_be_confirmed();

-- Every notification becomes one message per confirmed address of its reader, in the same
-- transaction; a reader who chose the daily digest gets it in the digest instead. The NOTIFY is
-- delivered on commit only, and wakes the worker.
create function notification_to_outbox() returns trigger
  language plpgsql as $$
begin
  insert into outbox (message_key, user_id, notification_id, channel_id, purpose, channel, address, lang,
                      status, next_attempt_at, created_at)
  select 'n' || new.id || '.c' || c.id, new.user_id, new.id, c.id, 'notification', c.channel, c.address, c.lang,
         case when c.digest then 'digest' else 'queued' end, new.at, new.at
    from contact_channels c
   where c.user_id = new.user_id and c.confirmed_at is not null;
  if found then
    perform pg_notify('gongjian_outbox', '');
  end if;
  return null;
end
$$;

create trigger notification_to_outbox
  after insert on notifications
  for each row execute function notification_to_outbox();

-- Removing an address stops what still waits for it; what was sent stays as the record.
create function contact_channel_removal_stops_its_messages() returns trigger
  language plpgsql as $$
begin
  update outbox set status = 'failed', last_error = 'the address was removed', payload = null
   where channel_id = old.id and status in ('queued', 'digest');
  return old;
end
$$;

create trigger contact_channel_removal_stops_its_messages
  before delete on contact_channels
  for each row execute function contact_channel_removal_stops_its_messages();

-- A message's key, address and reader never change once written; the worker changes only its
-- delivery state.
revoke truncate on outbox from gongjian_app;
