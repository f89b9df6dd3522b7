/** One versioned schema change. Versions are appended, never edited once released. */
export interface Migration {
  version: number
  name: string
  sql: string
}

/**
 * The PostgreSQL schema of @rh/server, in order. Tables are unqualified, so they land in the
 * first schema of the connection's `search_path` (set it to isolate rh in its own schema).
 */
export const postgresMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'subscriptions, jobs and attempts',
    sql: `
      create table rh_subscriptions (
        id text primary key,
        owner text not null,
        target_url text not null,
        events text[] not null,
        status text not null check (status in ('active', 'paused', 'disabled')),
        metadata jsonb not null default '{}',
        secret text,
        consecutive_failures integer not null default 0,
        created_at timestamptz not null,
        updated_at timestamptz not null
      );
      create index rh_subscriptions_owner_id on rh_subscriptions (owner, id);
      create table rh_subscription_events (
        owner text not null,
        event text not null,
        subscription_id text not null references rh_subscriptions (id) on delete cascade,
        primary key (owner, event, subscription_id)
      );
      create index rh_subscription_events_subscription on rh_subscription_events (subscription_id);
      create table rh_jobs (
        id text primary key,
        message_id text not null,
        subscription_id text not null,
        owner text not null,
        event text not null,
        body text not null,
        attempt integer not null,
        next_attempt_at bigint not null,
        created_at bigint not null,
        available_at bigint not null
      );
      create index rh_jobs_available_at on rh_jobs (available_at);
      create index rh_jobs_subscription on rh_jobs (subscription_id);
      create table rh_attempts (
        seq bigserial primary key,
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
        started_at timestamptz not null,
        next_attempt_at timestamptz
      );
      create index rh_attempts_subscription on rh_attempts (owner, subscription_id, seq);
    `,
  },
]
