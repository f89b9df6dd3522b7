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
  `,
]
