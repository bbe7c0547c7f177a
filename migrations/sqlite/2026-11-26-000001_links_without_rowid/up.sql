-- product_ingredients kept in its primary key's order (WITHOUT ROWID): a link is written into
-- one b-tree and the ingredient index instead of a rowid table, its primary-key index and the
-- ingredient index, and reading every link in label order is a scan of the table itself.
-- Its references are checked at commit (DEFERRABLE INITIALLY DEFERRED; every write to it is
-- in a transaction): a statement writing many links that checks them at once must keep a
-- journal of every page it changes, to undo itself alone, and that journal was a tenth of an
-- import's time. A missing product or ingredient still fails the whole transaction, and
-- deleting a product still deletes its links at once.
-- The label's own spelling of each name (label_name) is not kept: nothing read it, it is
-- ingredients_raw parsed again, and it was half of the table's bytes.
-- Nothing references this table, so it is rebuilt in place.
CREATE TABLE product_ingredients_by_label (
    product_id INTEGER NOT NULL
        REFERENCES products (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    position INTEGER NOT NULL,
    ingredient_id INTEGER NOT NULL REFERENCES ingredients (id) DEFERRABLE INITIALLY DEFERRED,
    PRIMARY KEY (product_id, position)
) WITHOUT ROWID;

INSERT INTO product_ingredients_by_label (product_id, position, ingredient_id)
SELECT product_id, position, ingredient_id
FROM product_ingredients
ORDER BY product_id, position;

DROP TABLE product_ingredients;
ALTER TABLE product_ingredients_by_label RENAME TO product_ingredients;

-- "which products contain X" is one indexed query
CREATE INDEX product_ingredients_by_ingredient ON product_ingredients (ingredient_id, product_id);
