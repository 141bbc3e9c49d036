-- Marketplace processes of the current shipment / cancellation that ended in FAILURE while
-- the order was still open there: each is retried after a backoff, up to a bound, before the
-- order goes to `error` (bol's FAILURE is often transient). Reset when the merchant resends.
ALTER TABLE orders ADD COLUMN ship_failures BIGINT NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN cancel_failures BIGINT NOT NULL DEFAULT 0;
