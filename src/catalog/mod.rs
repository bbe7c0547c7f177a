//! The catalog: products and their ingredients, how they are stored, imported, and seeded.

pub mod category;
pub mod demo;
pub mod import;
pub mod model;
pub mod product_form;
pub mod store;
pub mod synthetic;
