-- perfbot's store on PostgreSQL: one table per repository. Key columns carry the constraints the
-- TinyDB backend enforces in code; each record's full document is kept in `doc` (its to_doc()).

CREATE TABLE measures (
    measure_id text PRIMARY KEY,
    retired boolean NOT NULL DEFAULT false,
    doc jsonb NOT NULL
);

CREATE TABLE targets (
    measure_id text NOT NULL,
    period text NOT NULL,
    target double precision NOT NULL,
    PRIMARY KEY (measure_id, period)
);

CREATE TABLE terms (
    id bigserial PRIMARY KEY,
    measure_id text NOT NULL,
    start text,
    doc jsonb NOT NULL
);
CREATE INDEX terms_by_measure ON terms (measure_id);

-- One current version per return: the primary key. Earlier versions are in return_history.
CREATE TABLE returns (
    measure_id text NOT NULL,
    period text NOT NULL,
    revision integer NOT NULL,
    doc jsonb NOT NULL,
    PRIMARY KEY (measure_id, period)
);

CREATE TABLE return_history (
    id bigserial PRIMARY KEY,
    measure_id text NOT NULL,
    period text NOT NULL,
    revision integer NOT NULL,
    doc jsonb NOT NULL,
    UNIQUE (measure_id, period, revision)
);

-- Idempotency keys of submissions already applied (a Slack view id, a Teams activity id…).
CREATE TABLE applied (
    period text NOT NULL,
    key text NOT NULL,
    at text NOT NULL,
    PRIMARY KEY (period, key)
);

CREATE TABLE rounds (
    period text PRIMARY KEY,
    doc jsonb NOT NULL
);

CREATE TABLE outbox (
    period text NOT NULL,
    key text NOT NULL,
    seq bigserial NOT NULL,
    created_at timestamptz NOT NULL,
    doc jsonb NOT NULL,
    PRIMARY KEY (period, key)
);

CREATE TABLE case_studies (
    case_id text PRIMARY KEY,
    doc jsonb NOT NULL
);

CREATE TABLE people (
    email text PRIMARY KEY,
    doc jsonb NOT NULL
);

CREATE TABLE publications (
    period text NOT NULL,
    edition integer NOT NULL,
    doc jsonb NOT NULL,
    PRIMARY KEY (period, edition)
);

CREATE TABLE peer_values (
    metric text NOT NULL,
    area_code text NOT NULL,
    period text NOT NULL,
    doc jsonb NOT NULL,
    PRIMARY KEY (metric, area_code, period)
);

CREATE TABLE actions (
    key text PRIMARY KEY,
    doc jsonb NOT NULL
);

CREATE TABLE sign_offs (
    period text NOT NULL,
    service text NOT NULL,
    doc jsonb NOT NULL,
    PRIMARY KEY (period, service)
);

CREATE TABLE audit (
    id bigserial PRIMARY KEY,
    at timestamptz NOT NULL,
    doc jsonb NOT NULL
);
CREATE INDEX audit_by_subject ON audit ((doc ->> 'subject'));

CREATE TABLE chat_messages (
    period text NOT NULL,
    channel text NOT NULL,
    ts text NOT NULL,
    seq bigserial NOT NULL,
    doc jsonb NOT NULL,
    PRIMARY KEY (period, channel, ts)
);

CREATE TABLE chat_handled (
    key text PRIMARY KEY,
    at timestamptz NOT NULL
);

CREATE TABLE drafts (
    owner text NOT NULL,
    period text NOT NULL,
    measure_id text NOT NULL,
    doc jsonb NOT NULL,
    PRIMARY KEY (owner, period, measure_id)
);

CREATE TABLE web_sessions (
    key text PRIMARY KEY,
    ends timestamptz NOT NULL,
    doc jsonb NOT NULL
);

CREATE TABLE used_links (
    nonce text PRIMARY KEY,
    ends timestamptz NOT NULL
);

CREATE TABLE platform_state (
    namespace text NOT NULL,
    key text NOT NULL,
    value jsonb NOT NULL,
    at text NOT NULL,
    PRIMARY KEY (namespace, key)
);

-- Uploaded files (case study attachments), so every replica serves them.
CREATE TABLE uploads (
    path text PRIMARY KEY,
    content bytea NOT NULL,
    at timestamptz NOT NULL DEFAULT now()
);
