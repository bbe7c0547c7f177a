DROP TABLE catalog_state;
DROP TABLE ingredient_references;
DROP INDEX product_ingredients_by_ingredient;
DROP TABLE product_ingredients;
DROP TABLE ingredients;
DROP TABLE products;
