//! Imported ingredient references (KCIA Korean names and spelling variants, CosIng functions)
//! and the resolver built from them.

use std::collections::HashMap;

use crate::db::Conn;
use diesel::prelude::*;

use crate::ingredients::Resolver;
use crate::schema::ingredient_references;

/// A kind of imported ingredient reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReferenceKind {
    /// Korean standard name → INCI name (KCIA).
    KoreanName,
    /// Korean spelling variant → standard Korean name.
    KoreanVariant,
    /// INCI name → functions (CosIng).
    Functions,
}

impl ReferenceKind {
    fn as_str(self) -> &'static str {
        match self {
            ReferenceKind::KoreanName => "korean_name",
            ReferenceKind::KoreanVariant => "korean_variant",
            ReferenceKind::Functions => "functions",
        }
    }

    fn parse(stored: &str) -> Option<Self> {
        [
            ReferenceKind::KoreanName,
            ReferenceKind::KoreanVariant,
            ReferenceKind::Functions,
        ]
        .into_iter()
        .find(|kind| kind.as_str() == stored)
    }
}

/// Saves reference rows (term → value) of one kind, replacing earlier values of the same terms.
/// Returns (added, updated, unchanged).
pub fn save_references(
    conn: &mut Conn,
    kind: ReferenceKind,
    pairs: &[(String, String)],
) -> QueryResult<(usize, usize, usize)> {
    crate::db::write_transaction(conn, |conn| {
        let existing: HashMap<String, String> = ingredient_references::table
            .filter(ingredient_references::kind.eq(kind.as_str()))
            .select((ingredient_references::term, ingredient_references::value))
            .load(conn)?
            .into_iter()
            .collect();
        let (mut added, mut updated, mut unchanged) = (0, 0, 0);
        let mut rows = Vec::new();
        let mut replaced = Vec::new();
        for (term, value) in pairs {
            match existing.get(term) {
                Some(old) if old == value => {
                    unchanged += 1;
                    continue;
                }
                Some(_) => {
                    updated += 1;
                    replaced.push(term);
                }
                None => added += 1,
            }
            rows.push((
                ingredient_references::kind.eq(kind.as_str()),
                ingredient_references::term.eq(term),
                ingredient_references::value.eq(value),
            ));
        }
        // Replaced as a delete and an insert (in this one write transaction): both engines
        // say it the same way, where SQLite's REPLACE and PostgreSQL's ON CONFLICT differ.
        for chunk in replaced.chunks(3_000) {
            diesel::delete(
                ingredient_references::table
                    .filter(ingredient_references::kind.eq(kind.as_str()))
                    .filter(ingredient_references::term.eq_any(chunk)),
            )
            .execute(conn)?;
        }
        for chunk in rows.chunks(3_000) {
            // A multi-row insert is each engine's own statement: diesel writes it for the
            // engine's connection, not for the connection over both.
            let insert = diesel::insert_into(ingredient_references::table).values(chunk);
            match conn {
                Conn::Sqlite(c) => insert.execute(c)?,
                Conn::Postgres(c) => insert.execute(c)?,
            };
        }
        Ok((added, updated, unchanged))
    })
}

/// The built-in resolver extended by every imported reference.
pub fn load_resolver(conn: &mut Conn) -> QueryResult<Resolver> {
    let mut resolver = Resolver::builtin();
    let rows: Vec<(String, String, String)> = ingredient_references::table
        .select((
            ingredient_references::kind,
            ingredient_references::term,
            ingredient_references::value,
        ))
        .load(conn)?;
    let rows: Vec<(ReferenceKind, String, String)> = rows
        .into_iter()
        .filter_map(|(kind, term, value)| Some((ReferenceKind::parse(&kind)?, term, value)))
        .collect();
    // Names first: variants and functions refer to them.
    for (kind, term, value) in &rows {
        if *kind == ReferenceKind::KoreanName {
            resolver.add_korean_name(term, value);
        }
    }
    for (kind, term, value) in &rows {
        match kind {
            ReferenceKind::KoreanName => {}
            ReferenceKind::KoreanVariant => resolver.add_korean_variant(term, value),
            ReferenceKind::Functions => {
                resolver.add_known_inci_key(term);
                resolver.add_functions(term, value);
            }
        }
    }
    Ok(resolver)
}
