-- The items added to a batch (the CMT's hourly exception alerts) are rows of their own: adding
-- one no longer rewrites the whole batch document, which grows all afternoon on a deadline day
-- (each alert cost more than the one before). A batch's items are those its document holds (a
-- batch written before this migration, or copied in) followed by these, in the order added.
CREATE TABLE outbox_items (
    period text NOT NULL,
    key text NOT NULL,
    n bigint GENERATED ALWAYS AS IDENTITY,
    item text NOT NULL,
    PRIMARY KEY (period, key, n),
    FOREIGN KEY (period, key) REFERENCES outbox (period, key) ON DELETE CASCADE
);

-- An item is in a batch once (an item can be longer than an index entry may be: its digest).
CREATE UNIQUE INDEX outbox_items_once ON outbox_items (period, key, md5(item));
