//! A log leaf and the bytes that are hashed for it. No personal data: the
//! petition, the position, what happened, the day and a commitment.

use serde::{Deserialize, Serialize};

use super::merkle::{leaf_hash, Hash};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LeafKind {
    /// A signature was confirmed and counts.
    Add,
    /// A counted signature was withdrawn or invalidated.
    Revoke,
}

impl LeafKind {
    pub fn as_str(self) -> &'static str {
        match self {
            LeafKind::Add => "add",
            LeafKind::Revoke => "revoke",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "add" => Some(LeafKind::Add),
            "revoke" => Some(LeafKind::Revoke),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leaf {
    pub index: u64,
    pub kind: LeafKind,
    /// For a revoke, the index of the add it takes back.
    pub revokes: Option<u64>,
    /// The UTC day it was appended, `YYYY-MM-DD`.
    pub day: String,
    pub commitment: Hash,
}

impl Leaf {
    /// What is hashed: one line of text, so that anyone can rebuild it from
    /// the public leaf list in any language.
    pub fn bytes(&self, petition: &str) -> String {
        let revokes = self
            .revokes
            .map_or_else(|| "-".to_owned(), |r| r.to_string());
        format!(
            "undersigned-leaf-v1 {petition} {} {} {revokes} {} {}",
            self.index,
            self.kind.as_str(),
            self.day,
            hex::encode(self.commitment)
        )
    }

    pub fn hash(&self, petition: &str) -> Hash {
        leaf_hash(self.bytes(petition).as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_leaf_hashes_its_documented_line() {
        let leaf = Leaf {
            index: 7,
            kind: LeafKind::Revoke,
            revokes: Some(3),
            day: "2026-12-07".into(),
            commitment: [0xab; 32],
        };
        let line = format!(
            "undersigned-leaf-v1 save-bees 7 revoke 3 2026-12-07 {}",
            "ab".repeat(32)
        );
        assert_eq!(leaf.bytes("save-bees"), line);
        assert_eq!(leaf.hash("save-bees"), leaf_hash(line.as_bytes()));
        let add = Leaf {
            kind: LeafKind::Add,
            revokes: None,
            ..leaf
        };
        assert!(add.bytes("save-bees").contains(" 7 add - 2026-12-07 "));
    }
}
