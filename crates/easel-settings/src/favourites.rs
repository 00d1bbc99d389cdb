//! Favourite workflows: a named graph with tags, the fields pinned for the simple view and a cover
//! image, kept in a list the person curates (save, rename, duplicate, delete) and moves between
//! machines as one JSON file. Every change is checked here; storage is the app's business.

use easel_workflow::{ExposedField, WorkflowDoc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::SettingsError;

/// Tag of the export file, so a random JSON file is refused with a clear message.
const FILE_KIND: &str = "easel-favourites";
/// Version of the export file written today.
const FILE_VERSION: u32 = 1;

/// A saved workflow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Favourite {
    /// Stable id (UUID).
    pub id: String,
    /// Name for people; unique is not required.
    pub name: String,
    /// Tags, normalised (trimmed, lower case, no duplicates).
    pub tags: Vec<String>,
    /// The graph, with the values it had when saved.
    pub doc: WorkflowDoc,
    /// Fields shown in the simple view, in order.
    pub exposed: Vec<ExposedField>,
    /// Library id of the cover image.
    #[ts(type = "number | null")]
    pub cover: Option<i64>,
    /// Unix milliseconds.
    #[ts(type = "number")]
    pub created_at: i64,
    /// Unix milliseconds.
    #[ts(type = "number")]
    pub updated_at: i64,
}

/// What the UI sends to save: a new favourite (`id` null) or a change to one.
#[derive(Debug, Clone, PartialEq, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct FavouriteDraft {
    /// The favourite to update; `null` saves a new one.
    pub id: Option<String>,
    /// Name.
    pub name: String,
    /// Tags (normalised on save).
    pub tags: Vec<String>,
    /// The graph.
    pub doc: WorkflowDoc,
    /// Fields for the simple view.
    pub exposed: Vec<ExposedField>,
    /// Library id of the cover image.
    #[ts(type = "number | null")]
    pub cover: Option<i64>,
}

/// The export file: `{"kind": "easel-favourites", "version": 1, "favourites": [...]}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FavouriteFile {
    /// Always `easel-favourites`.
    pub kind: String,
    /// File version.
    pub version: u32,
    /// The favourites.
    pub favourites: Vec<Favourite>,
}

/// The person's favourites, newest change first when listed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Favourites {
    items: Vec<Favourite>,
}

impl Favourites {
    /// A list read back from storage; entries that no longer check out are kept (never lose a
    /// favourite) but reported, so the UI can say which one is damaged.
    pub fn from_items(items: Vec<Favourite>) -> (Favourites, Vec<SettingsError>) {
        let problems = items.iter().filter_map(|f| check(&f.name, &f.doc, &place_of(&f.name)).err()).collect();
        (Favourites { items }, problems)
    }

    /// Every favourite, most recently changed first.
    pub fn list(&self) -> Vec<Favourite> {
        let mut items = self.items.clone();
        items.sort_by(|a, b| b.updated_at.cmp(&a.updated_at).then_with(|| a.name.cmp(&b.name)));
        items
    }

    /// The stored entries in storage order.
    pub fn items(&self) -> &[Favourite] {
        &self.items
    }

    /// One favourite.
    pub fn get(&self, id: &str) -> Result<&Favourite, SettingsError> {
        self.items.iter().find(|f| f.id == id).ok_or_else(|| SettingsError::NotFound(id.to_string()))
    }

    /// Saves a new favourite or updates one; returns it as stored.
    pub fn save(&mut self, draft: FavouriteDraft, now: i64) -> Result<Favourite, SettingsError> {
        let name = draft.name.trim().to_string();
        check(&name, &draft.doc, &place_of(&name))?;
        let mut doc = draft.doc;
        doc.name = name.clone();
        let tags = normalise_tags(&draft.tags);
        match draft.id {
            Some(id) => {
                let entry = self.get_mut(&id)?;
                *entry = Favourite {
                    name,
                    tags,
                    doc,
                    exposed: draft.exposed,
                    cover: draft.cover,
                    updated_at: now,
                    ..entry.clone()
                };
                Ok(entry.clone())
            }
            None => {
                let favourite = Favourite {
                    id: new_id(),
                    name,
                    tags,
                    doc,
                    exposed: draft.exposed,
                    cover: draft.cover,
                    created_at: now,
                    updated_at: now,
                };
                self.items.push(favourite.clone());
                Ok(favourite)
            }
        }
    }

    /// Renames a favourite (its graph's name follows).
    pub fn rename(&mut self, id: &str, name: &str, now: i64) -> Result<Favourite, SettingsError> {
        let name = name.trim().to_string();
        if name.is_empty() {
            return Err(SettingsError::Favourite {
                place: place_of(name.as_str()),
                reason: "the name is empty".into(),
            });
        }
        let entry = self.get_mut(id)?;
        entry.name = name.clone();
        entry.doc.name = name;
        entry.updated_at = now;
        Ok(entry.clone())
    }

    /// A copy named "<name> (copy)", saved next to the original.
    pub fn duplicate(&mut self, id: &str, copy_suffix: &str, now: i64) -> Result<Favourite, SettingsError> {
        let original = self.get(id)?.clone();
        let name = format!("{} {copy_suffix}", original.name);
        let mut doc = original.doc;
        doc.name = name.clone();
        let copy = Favourite { id: new_id(), name, doc, created_at: now, updated_at: now, ..original };
        self.items.push(copy.clone());
        Ok(copy)
    }

    /// Removes a favourite and returns it (the UI offers undo by saving it back).
    pub fn delete(&mut self, id: &str) -> Result<Favourite, SettingsError> {
        let at = self.items.iter().position(|f| f.id == id).ok_or_else(|| SettingsError::NotFound(id.into()))?;
        Ok(self.items.remove(at))
    }

    /// Puts back a favourite removed by `delete`, keeping its id and dates.
    pub fn restore(&mut self, favourite: Favourite) -> Result<Favourite, SettingsError> {
        check(&favourite.name, &favourite.doc, &place_of(&favourite.name))?;
        self.items.retain(|f| f.id != favourite.id);
        self.items.push(favourite.clone());
        Ok(favourite)
    }

    /// The export file for `ids` (every favourite when empty), pretty-printed.
    pub fn export(&self, ids: &[String]) -> Result<String, SettingsError> {
        let favourites = if ids.is_empty() {
            self.list()
        } else {
            ids.iter().map(|id| self.get(id).cloned()).collect::<Result<Vec<_>, _>>()?
        };
        let file = FavouriteFile { kind: FILE_KIND.into(), version: FILE_VERSION, favourites };
        serde_json::to_string_pretty(&file)
            .map_err(|e| SettingsError::Favourite { place: "export".into(), reason: e.to_string() })
    }

    /// Adds every favourite of an export file, or none when any entry is bad (the error names the
    /// file, the entry and the reason). Ids already present get fresh ids, so importing the same
    /// file twice gives two copies rather than overwriting edits.
    pub fn import(&mut self, file_name: &str, text: &str, now: i64) -> Result<Vec<Favourite>, SettingsError> {
        let at = |place: String, reason: String| SettingsError::Favourite { place, reason };
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| at(file_name.into(), format!("not JSON: {e}")))?;
        if value.get("kind").and_then(|k| k.as_str()) != Some(FILE_KIND) {
            return Err(at(
                file_name.into(),
                "not an Easel favourites file (no \"kind\": \"easel-favourites\")".into(),
            ));
        }
        let version = value.get("version").and_then(|v| v.as_u64()).unwrap_or(0);
        if version == 0 || version > u64::from(FILE_VERSION) {
            return Err(at(file_name.into(), format!("file version {version} is not one this Easel reads (1)")));
        }
        let entries = value.get("favourites").and_then(|f| f.as_array()).cloned().unwrap_or_default();
        let mut added = Vec::with_capacity(entries.len());
        for (n, entry) in entries.into_iter().enumerate() {
            let label = entry.get("name").and_then(|v| v.as_str()).unwrap_or("unnamed").to_string();
            let place = format!("{file_name}, entry {} (\"{label}\")", n + 1);
            let mut favourite: Favourite =
                serde_json::from_value(entry).map_err(|e| at(place.clone(), e.to_string()))?;
            check(&favourite.name, &favourite.doc, &place)?;
            if favourite.id.trim().is_empty()
                || self.items.iter().chain(&added).any(|f: &Favourite| f.id == favourite.id)
            {
                favourite.id = new_id();
            }
            favourite.tags = normalise_tags(&favourite.tags);
            favourite.updated_at = now;
            added.push(favourite);
        }
        self.items.extend(added.iter().cloned());
        Ok(added)
    }

    fn get_mut(&mut self, id: &str) -> Result<&mut Favourite, SettingsError> {
        self.items.iter_mut().find(|f| f.id == id).ok_or_else(|| SettingsError::NotFound(id.to_string()))
    }
}

/// A favourite must have a name and a graph that converts (unique ids, links that resolve).
fn check(name: &str, doc: &WorkflowDoc, place: &str) -> Result<(), SettingsError> {
    let at = |reason: String| SettingsError::Favourite { place: place.to_string(), reason };
    if name.trim().is_empty() {
        return Err(at("the name is empty".into()));
    }
    if doc.nodes.is_empty() {
        return Err(at("the workflow has no nodes".into()));
    }
    doc.to_workflow().map(|_| ()).map_err(|e| at(e.to_string()))
}

fn place_of(name: &str) -> String {
    format!("favourite \"{name}\"")
}

fn normalise_tags(tags: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for tag in tags {
        let tag = tag.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
        if !tag.is_empty() && !out.contains(&tag) {
            out.push(tag);
        }
    }
    out
}

fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

#[cfg(test)]
mod tests;
