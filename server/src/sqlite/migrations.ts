/**
 * The schema, one entry per version. `PRAGMA user_version` records how many have run; a new
 * version is appended, never edited.
 */
export const sqliteMigrations: readonly string[] = [
  `
  create table rh_subscriptions (
    id text primary key,
    owner text not null,
    target_url text not null,
    events text not null,
    status text not null,
    metadata text not null,
    secret text,
    consecutive_failures integer not null default 0,
    created_at text not null,
    updated_at text not null
  );
  create index rh_subscriptions_owner_id on rh_subscriptions (owner, id);
  create table rh_subscription_events (
    owner text not null,
    event text not null,
    subscription_id text not null references rh_subscriptions (id) on delete cascade,
    primary key (owner, event, subscription_id)
  ) without rowid;
  create index rh_subscription_events_subscription on rh_subscription_events (subscription_id);
  create table rh_jobs (
    id text primary key,
    message_id text not null,
    subscription_id text not null,
    owner text not null,
    event text not null,
    body text not null,
    attempt integer not null,
    next_attempt_at integer not null,
    created_at integer not null,
    available_at integer not null
  );
  create index rh_jobs_available_at on rh_jobs (available_at);
  create index rh_jobs_subscription on rh_jobs (subscription_id);
  create table rh_attempts (
    seq integer primary key autoincrement,
    id text not null unique,
    subscription_id text not null,
    owner text not null,
    message_id text not null,
    event text not null,
    attempt integer not null,
    outcome text not null,
    response_status integer,
    error text,
    duration_ms integer not null,
    started_at text not null,
    next_attempt_at text
  );
  create index rh_attempts_subscription on rh_attempts (owner, subscription_id, seq);
  `,
  // The claim orders by (available_at, id): with both in the index it reads the first due jobs
  // in order and stops, instead of sorting every due job in a temporary b-tree.
  `
  drop index rh_jobs_available_at;
  create index rh_jobs_available_at_id on rh_jobs (available_at, id);
  `,
  // A counter every change to subscriptions bumps, from any connection or process: the store
  // keeps what it read while the counter stays the same (see subscription-reads.ts).
  `
  create table rh_subscriptions_version (version integer not null);
  insert into rh_subscriptions_version values (0);
  create trigger rh_subscriptions_insert_bumps after insert on rh_subscriptions
  begin update rh_subscriptions_version set version = version + 1; end;
  create trigger rh_subscriptions_update_bumps after update on rh_subscriptions
  begin update rh_subscriptions_version set version = version + 1; end;
  create trigger rh_subscriptions_delete_bumps after delete on rh_subscriptions
  begin update rh_subscriptions_version set version = version + 1; end;
  create trigger rh_subscription_events_insert_bumps after insert on rh_subscription_events
  begin update rh_subscriptions_version set version = version + 1; end;
  create trigger rh_subscription_events_update_bumps after update on rh_subscription_events
  begin update rh_subscriptions_version set version = version + 1; end;
  create trigger rh_subscription_events_delete_bumps after delete on rh_subscription_events
  begin update rh_subscriptions_version set version = version + 1; end;
  `, // Issue 13, the message log. Every accepted notification is a row of rh_messages; a job row
  // is kept after its delivery ends, with its final status (completing it is an UPDATE, no
  // extra statement per delivery), and only pending jobs are in the claim's index. A job whose
  // bytes are its message's keeps an empty body (the bytes are written once per message), and a
  // completed job's body is emptied. The idempotency key is unique per owner
  // while set; a key reused after its window is cleared from the old message first. Messages of
  // the jobs pending before this version are logged from those jobs (the jobs completed before
  // it were deleted: their messages are not in the log). No index has the status beside the
  // subscription: a completion would move its entry, which doubled the cost of claim + complete;
  // the rare reads by status (dead letters, cancel, replay) filter the subscription's rows.
  `
  create table rh_messages (
    id text primary key,
    owner text not null,
    event text not null,
    body text not null,
    created_at integer not null,
    idempotency_key text
  );
  create index rh_messages_owner_created on rh_messages (owner, created_at, id);
  create index rh_messages_owner_event_created on rh_messages (owner, event, created_at, id);
  create index rh_messages_created on rh_messages (created_at, id);
  create unique index rh_messages_idempotency on rh_messages (owner, idempotency_key)
    where idempotency_key is not null;
  insert or ignore into rh_messages (id, owner, event, body, created_at, idempotency_key)
    select message_id, owner, event, body, min(created_at), null from rh_jobs group by message_id;
  alter table rh_jobs add column status text not null default 'pending';
  alter table rh_jobs add column updated_at integer not null default 0;
  update rh_jobs set updated_at = created_at;
  drop index rh_jobs_available_at_id;
  drop index rh_jobs_subscription;
  create index rh_jobs_due on rh_jobs (available_at, created_at, message_id, id)
    where status = 'pending';
  create index rh_jobs_subscription on rh_jobs (subscription_id, created_at, message_id);
  create index rh_jobs_message on rh_jobs (message_id, subscription_id);
  create index rh_attempts_message on rh_attempts (message_id);
  alter table rh_subscriptions add column previous_secret text;
  alter table rh_subscriptions add column previous_secret_expires_at text;
  `,
  // Issue 15, routing: a subscription's payload filter, as JSON (null: none). Patterns (`order.*`,
  // `*`) need no change: they are rows of rh_subscription_events like event names.
  `
  alter table rh_subscriptions add column filter text;
  `,
  // Issue 15, ordered delivery: a subscription's `ordering` (null: none, 'fifo'), and each job
  // knows whether it is in its subscription's line (set at enqueue). The claim's index of due
  // jobs holds only unordered ones, so they are claimed exactly as before; the jobs of lines have
  // two small indexes of their own: by message order (the head of a line) and by available_at
  // (whether one of the line is in flight or waiting for its retry).
  `
  alter table rh_subscriptions add column ordering text;
  alter table rh_jobs add column fifo integer not null default 0;
  drop index rh_jobs_due;
  create index rh_jobs_due on rh_jobs (available_at, created_at, message_id, id)
    where status = 'pending' and fifo = 0;
  create index rh_jobs_line on rh_jobs (subscription_id, created_at, message_id, id)
    where status = 'pending' and fifo = 1;
  create index rh_jobs_line_due on rh_jobs (subscription_id, available_at)
    where status = 'pending' and fifo = 1;
  `,
  // Issue 16, the console: the start of the receiver's response body an attempt keeps (null:
  // none, and for the attempts logged before this version).
  `
  alter table rh_attempts add column response_excerpt text;
  `,
]
