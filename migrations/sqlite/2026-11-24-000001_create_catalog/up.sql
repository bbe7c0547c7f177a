-- The catalog: products, canonical ingredients, and which product holds which ingredient at
-- which position on its label.
CREATE TABLE products (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    brand TEXT NOT NULL,
    name TEXT NOT NULL,
    category TEXT NOT NULL,
    price_cents INTEGER,
    -- ISO code of price_cents' currency (USD, KRW), '' when no price
    currency TEXT NOT NULL DEFAULT '',
    -- other names people search by (a Korean name, a short name), one per line
    aliases TEXT NOT NULL DEFAULT '',
    -- the ingredient text exactly as the source wrote it
    ingredients_raw TEXT NOT NULL DEFAULT '',
    -- why the product has no usable list ('' when it has one)
    no_ingredients_reason TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (brand, name)
);

CREATE TABLE ingredients (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    -- the folded identity (see ingredients::resolver::ingredient_key)
    key TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    name_ko TEXT,
    functions TEXT
);

CREATE TABLE product_ingredients (
    product_id INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    ingredient_id INTEGER NOT NULL REFERENCES ingredients (id),
    -- the name as the label wrote it
    label_name TEXT NOT NULL,
    PRIMARY KEY (product_id, position)
);

-- "which products contain X" is one indexed query
CREATE INDEX product_ingredients_by_ingredient ON product_ingredients (ingredient_id, product_id);

-- Imported ingredient references: KCIA Korean names, their spelling variants, CosIng functions.
CREATE TABLE ingredient_references (
    kind TEXT NOT NULL CHECK (kind IN ('korean_name', 'korean_variant', 'functions')),
    -- the Korean name, the variant spelling, or the INCI name
    term TEXT NOT NULL,
    -- the INCI name, the standard Korean name, or the functions
    value TEXT NOT NULL,
    PRIMARY KEY (kind, term)
);

-- One row: bumped by every change to the catalog, so running servers know to rebuild.
CREATE TABLE catalog_state (
    id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    version INTEGER NOT NULL
);
INSERT INTO catalog_state (id, version) VALUES (1, 0);
