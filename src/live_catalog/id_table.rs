//! Where each database id sits in an in-memory array. SQLite hands out row ids from 1 up, so
//! they are nearly always dense: then a plain array indexed by id finds a position in one
//! memory access, where a hash map costs a hash, a probe and four times the memory. Ids
//! spread far apart (a catalog re-imported many times over) fall back to a map.

use rustc_hash::FxHashMap;

#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub enum IdTable {
    /// `positions[id]`, `NONE` where no item has that id.
    Dense(Vec<u32>),
    Sparse(FxHashMap<i32, u32>),
}

const NONE: u32 = u32::MAX;

impl Default for IdTable {
    fn default() -> Self {
        IdTable::Dense(Vec::new())
    }
}

impl IdTable {
    /// The table of `ids`, each at its place in the sequence.
    pub fn new(ids: impl ExactSizeIterator<Item = i32> + Clone) -> Self {
        let count = ids.len();
        let largest = ids.clone().max().unwrap_or(0);
        let smallest = ids.clone().min().unwrap_or(0);
        // Dense while the array is at most a few times the items: 4 bytes a possible id.
        let dense = smallest >= 0 && (largest as usize) < 4 * count + 1024;
        if dense {
            let mut positions = vec![NONE; largest as usize + 1];
            for (position, id) in ids.enumerate() {
                positions[id as usize] = position as u32;
            }
            IdTable::Dense(positions)
        } else {
            IdTable::Sparse(
                ids.enumerate()
                    .map(|(position, id)| (id, position as u32))
                    .collect(),
            )
        }
    }

    pub fn get(&self, id: i32) -> Option<u32> {
        match self {
            IdTable::Dense(positions) => usize::try_from(id)
                .ok()
                .and_then(|id| positions.get(id))
                .copied()
                .filter(|position| *position != NONE),
            IdTable::Sparse(positions) => positions.get(&id).copied(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(ids: &[i32]) -> IdTable {
        IdTable::new(ids.iter().copied())
    }

    #[test]
    fn dense_ids_are_found_at_their_place_and_others_are_not() {
        let ids = table(&[3, 1, 7]);
        assert!(matches!(ids, IdTable::Dense(_)));
        assert_eq!(ids.get(3), Some(0));
        assert_eq!(ids.get(1), Some(1));
        assert_eq!(ids.get(7), Some(2));
        for absent in [0, 2, 8, -1, i32::MAX, i32::MIN] {
            assert_eq!(ids.get(absent), None, "{absent}");
        }
    }

    #[test]
    fn ids_spread_far_apart_or_negative_use_a_map_and_read_the_same() {
        for ids in [vec![5, 2_000_000_000, 9], vec![-4, 2, 3]] {
            let table = table(&ids);
            assert!(matches!(table, IdTable::Sparse(_)), "{ids:?}");
            for (position, id) in ids.iter().enumerate() {
                assert_eq!(table.get(*id), Some(position as u32));
            }
            assert_eq!(table.get(6), None);
        }
    }

    #[test]
    fn nothing_holds_nothing() {
        assert_eq!(table(&[]).get(0), None);
        assert_eq!(IdTable::default().get(1), None);
    }
}
