//! The institutions a petition is addressed to.

use serde::Serialize;

use crate::i18n::Message;

pub const MAX_TARGETS: usize = 10;
pub const MAX_TARGET_CHARS: usize = 120;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TargetKind {
    Un,
    Eu,
    Government,
    Parliament,
    Company,
    Other,
}

impl TargetKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Un => "un",
            Self::Eu => "eu",
            Self::Government => "government",
            Self::Parliament => "parliament",
            Self::Company => "company",
            Self::Other => "other",
        }
    }

    pub fn from_db(s: &str) -> Self {
        match s {
            "un" => Self::Un,
            "eu" => Self::Eu,
            "government" => Self::Government,
            "parliament" => Self::Parliament,
            "company" => Self::Company,
            _ => Self::Other,
        }
    }
}

/// An institution name as an organizer typed it, cleaned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetName(String);

impl TargetName {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key that makes "european parliament" the seeded "European Parliament".
    pub fn key(&self) -> String {
        self.0.to_lowercase()
    }
}

/// Parses one name per line (or per array item), dropping blank lines and
/// repeats.
pub fn parse_targets<'a>(lines: impl Iterator<Item = &'a str>) -> Result<Vec<TargetName>, Message> {
    let mut names: Vec<TargetName> = Vec::new();
    for line in lines {
        let name = super::clean_text(line, false)
            .map_err(|_| Message::new("error-target-characters"))?
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if name.is_empty() {
            continue;
        }
        if name.chars().count() > MAX_TARGET_CHARS {
            return Err(Message::new("error-target-too-long").arg("max", MAX_TARGET_CHARS));
        }
        let name = TargetName(name);
        if !names.iter().any(|n| n.key() == name.key()) {
            names.push(name);
        }
    }
    if names.is_empty() {
        return Err(Message::new("error-targets-empty"));
    }
    if names.len() > MAX_TARGETS {
        return Err(Message::new("error-targets-too-many").arg("max", MAX_TARGETS));
    }
    Ok(names)
}
