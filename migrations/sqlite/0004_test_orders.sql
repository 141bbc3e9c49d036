-- Test orders: made by the merchant from a SKU to try the webshop side (creation, T&T,
-- pick & pack list); they are never sent to a marketplace.
ALTER TABLE orders ADD COLUMN is_test INTEGER NOT NULL DEFAULT 0;
