CREATE TABLE product_ingredients_with_rowid (
    product_id INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    ingredient_id INTEGER NOT NULL REFERENCES ingredients (id),
    -- not kept since: left empty, and written again by the next dictionary import's
    -- re-resolution, which finds every product's links changed
    label_name TEXT NOT NULL,
    PRIMARY KEY (product_id, position)
);

INSERT INTO product_ingredients_with_rowid (product_id, position, ingredient_id, label_name)
SELECT product_id, position, ingredient_id, ''
FROM product_ingredients
ORDER BY product_id, position;

DROP TABLE product_ingredients;
ALTER TABLE product_ingredients_with_rowid RENAME TO product_ingredients;

CREATE INDEX product_ingredients_by_ingredient ON product_ingredients (ingredient_id, product_id);
