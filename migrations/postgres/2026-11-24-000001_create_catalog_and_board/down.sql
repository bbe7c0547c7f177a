DROP TABLE post_views;
DROP TABLE posts;
DROP TABLE catalog_state;
DROP TABLE ingredient_references;
DROP TABLE product_ingredients;
DROP TABLE ingredients;
DROP TABLE products;
