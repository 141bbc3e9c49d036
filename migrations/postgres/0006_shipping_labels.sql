-- "Verzenden via bol": a shipping label bought from the marketplace for an order's own lines.
-- The label effect follows the same steps as the others (intent committed before the charged
-- purchase, the vendor's process id recorded, the label id once bought); the printed label is
-- kept so a batch's labels download without asking the marketplace again.
ALTER TABLE orders ADD COLUMN label_step TEXT NOT NULL DEFAULT 'none';
ALTER TABLE orders ADD COLUMN label_intent_at BIGINT;
ALTER TABLE orders ADD COLUMN label_attempts BIGINT NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN label_process_id TEXT;
ALTER TABLE orders ADD COLUMN label_failures BIGINT NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN label_id TEXT;

CREATE TABLE shipping_labels (
    order_id   BIGINT PRIMARY KEY REFERENCES orders(id),
    label_id   TEXT NOT NULL,
    pdf        BYTEA NOT NULL,
    fetched_at BIGINT NOT NULL
);
