//! Ingredient lists: reading label text (`parser`) and resolving names to canonical
//! ingredients across synonyms and languages (`resolver`).

pub mod fuzzy;
pub mod parser;
pub mod resolver;

pub mod pasted;

pub use parser::{parse_label, LabelText, NoInfoReason};
pub use pasted::{PastedError, PastedText};
pub use resolver::{ingredient_key, CanonicalIngredient, ResolvedName, Resolver};
