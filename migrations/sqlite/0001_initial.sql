-- orderbridge state, SQLite. Times are INTEGER milliseconds since the Unix epoch (UTC).
-- Append-only: fix mistakes with a new migration.

CREATE TABLE connections (
    name              TEXT PRIMARY KEY,
    marketplace       TEXT NOT NULL,
    webshop           TEXT NOT NULL,
    -- Newest webshop modification time the track job has processed.
    webshop_watermark INTEGER,
    created_at        INTEGER NOT NULL
);

-- One import run that picked up orders. Its status is derived from its orders.
CREATE TABLE batches (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    connection TEXT NOT NULL REFERENCES connections(name),
    created_at INTEGER NOT NULL,
    n_orders   INTEGER NOT NULL
);

CREATE TABLE orders (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    code                 TEXT NOT NULL UNIQUE,
    connection           TEXT NOT NULL REFERENCES connections(name),
    marketplace_order_id TEXT NOT NULL,
    batch_id             INTEGER REFERENCES batches(id),
    -- What the merchant sees: not_shipped, waiting, pending_shipment, shipped,
    -- cancellation_request, pending_cancellation, cancelled, manual, error.
    status               TEXT NOT NULL,
    error                TEXT,
    placed_at            INTEGER NOT NULL,
    -- The marketplace order as last fetched (JSON of the domain type); NULL until fetched.
    details              TEXT,
    -- Webshop creation: pending -> requested (intent committed) -> done; skipped when the
    -- order was cancelled before it reached the webshop.
    create_step          TEXT NOT NULL DEFAULT 'pending',
    create_intent_at     INTEGER,
    create_attempts      INTEGER NOT NULL DEFAULT 0,
    webshop_order_id     TEXT,
    -- Tracking: completion seen in the webshop, T&T and carrier, end of the T&T wait.
    completed_at         INTEGER,
    tracking_code        TEXT,
    carrier              TEXT,
    ship_after           INTEGER,
    -- Shipment: none -> ready -> requested (intent committed) -> pending (process known) -> done.
    ship_step            TEXT NOT NULL DEFAULT 'none',
    ship_intent_at       INTEGER,
    ship_attempts        INTEGER NOT NULL DEFAULT 0,
    ship_process_id      TEXT,
    -- Cancellation: none -> ready -> requested -> pending -> done; origin marketplace|webshop.
    cancel_step          TEXT NOT NULL DEFAULT 'none',
    cancel_origin        TEXT,
    cancel_intent_at     INTEGER,
    cancel_attempts      INTEGER NOT NULL DEFAULT 0,
    cancel_process_id    TEXT,
    webshop_cancelled    INTEGER NOT NULL DEFAULT 0,
    -- Earliest time the next automatic attempt may run after a temporary failure.
    retry_at             INTEGER,
    created_at           INTEGER NOT NULL,
    updated_at           INTEGER NOT NULL,
    UNIQUE (connection, marketplace_order_id)
);

CREATE INDEX orders_by_status ON orders (connection, status);
CREATE INDEX orders_by_batch ON orders (batch_id);

CREATE TABLE order_lines (
    order_id           INTEGER NOT NULL REFERENCES orders(id),
    line_id            TEXT NOT NULL,
    sku                TEXT,
    ean                TEXT,
    title              TEXT NOT NULL,
    quantity           INTEGER NOT NULL,
    quantity_shipped   INTEGER NOT NULL DEFAULT 0,
    quantity_cancelled INTEGER NOT NULL DEFAULT 0,
    unit_price_cents   INTEGER NOT NULL,
    currency           TEXT NOT NULL,
    PRIMARY KEY (order_id, line_id)
);

-- Append-only history of each order: steps, calls, errors, status changes.
CREATE TABLE order_events (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id INTEGER NOT NULL REFERENCES orders(id),
    at       INTEGER NOT NULL,
    kind     TEXT NOT NULL,
    message  TEXT NOT NULL
);

CREATE INDEX order_events_by_order ON order_events (order_id, id);

-- Stock last pushed per offer, so stock is only sent when it changed.
CREATE TABLE offer_stock (
    connection  TEXT NOT NULL REFERENCES connections(name),
    offer_id    TEXT NOT NULL,
    sku         TEXT NOT NULL,
    last_pushed INTEGER NOT NULL,
    pushed_at   INTEGER NOT NULL,
    -- The marketplace process applying the last push, until it is known to have succeeded.
    process_id  TEXT,
    PRIMARY KEY (connection, offer_id)
);

-- One row per (connection, job): who runs it now and when it runs next, shared by every
-- process on this database.
CREATE TABLE job_leases (
    connection   TEXT NOT NULL,
    job          TEXT NOT NULL,
    holder       TEXT,
    lease_until  INTEGER NOT NULL DEFAULT 0,
    fence        INTEGER NOT NULL DEFAULT 0,
    next_run_at  INTEGER NOT NULL DEFAULT 0,
    last_run_at  INTEGER,
    last_ok_at   INTEGER,
    last_error   TEXT,
    PRIMARY KEY (connection, job)
);
