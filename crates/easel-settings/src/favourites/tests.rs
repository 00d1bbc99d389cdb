use super::*;
use easel_workflow::{Workflow, REFERENCE_WORKFLOW};

fn reference() -> WorkflowDoc {
    WorkflowDoc::from_workflow("ref", &Workflow::from_json_str(REFERENCE_WORKFLOW).unwrap().workflow)
}

fn draft(name: &str) -> FavouriteDraft {
    FavouriteDraft {
        id: None,
        name: name.into(),
        tags: vec![" Portrait ".into(), "portrait".into(), "Two  Pass".into()],
        doc: reference(),
        exposed: vec![],
        cover: Some(7),
    }
}

#[test]
fn save_normalises_and_update_keeps_identity() {
    let mut book = Favourites::default();
    let saved = book.save(draft("  Anime  "), 100).unwrap();
    assert_eq!(saved.name, "Anime");
    assert_eq!(saved.doc.name, "Anime");
    assert_eq!(saved.tags, vec!["portrait", "two pass"]);
    let updated = book.save(FavouriteDraft { id: Some(saved.id.clone()), ..draft("Anime v2") }, 200).unwrap();
    assert_eq!(updated.id, saved.id);
    assert_eq!(updated.created_at, 100);
    assert_eq!(updated.updated_at, 200);
    assert_eq!(book.list().len(), 1);
}

#[test]
fn bad_drafts_are_refused_and_change_nothing() {
    let mut book = Favourites::default();
    let err = book.save(draft("   "), 1).unwrap_err();
    assert_eq!(err.code(), easel_error::ErrorCode::InvalidFavourite);
    let mut broken = draft("Broken");
    broken.doc.nodes.retain(|n| n.id != "4");
    let err = book.save(broken, 1).unwrap_err().to_string();
    assert!(err.contains("favourite \"Broken\""), "{err}");
    assert!(book.list().is_empty());
    assert!(matches!(
        book.save(FavouriteDraft { id: Some("nope".into()), ..draft("x") }, 1),
        Err(SettingsError::NotFound(_))
    ));
}

#[test]
fn rename_duplicate_delete_restore() {
    let mut book = Favourites::default();
    let a = book.save(draft("A"), 1).unwrap();
    assert_eq!(book.rename(&a.id, " B ", 2).unwrap().doc.name, "B");
    let copy = book.duplicate(&a.id, "(copy)", 3).unwrap();
    assert_eq!(copy.name, "B (copy)");
    assert_ne!(copy.id, a.id);
    assert_eq!(book.list()[0].id, copy.id, "newest change first");
    let gone = book.delete(&a.id).unwrap();
    assert_eq!(book.list().len(), 1);
    book.restore(gone).unwrap();
    assert_eq!(book.list().len(), 2);
    assert!(book.rename(&a.id, "  ", 4).is_err());
}

#[test]
fn export_then_import_round_trips_with_fresh_ids_on_collision() {
    let mut book = Favourites::default();
    let a = book.save(draft("A"), 1).unwrap();
    let text = book.export(&[]).unwrap();
    let added = book.import("favs.json", &text, 9).unwrap();
    assert_eq!(added.len(), 1);
    assert_ne!(added[0].id, a.id);
    assert_eq!(added[0].doc, a.doc);
    let mut other = Favourites::default();
    let added = other.import("favs.json", &text, 9).unwrap();
    assert_eq!(added[0].id, a.id, "no collision keeps the id");
}

#[test]
fn import_errors_name_the_file_and_entry_and_add_nothing() {
    let mut book = Favourites::default();
    let good = book.save(draft("Good"), 1).unwrap();
    let mut bad = good.clone();
    bad.name = "Bad".into();
    bad.doc.nodes.retain(|n| n.id != "4");
    let file = FavouriteFile { kind: FILE_KIND.into(), version: 1, favourites: vec![good, bad] };
    let text = serde_json::to_string(&file).unwrap();
    let mut fresh = Favourites::default();
    let err = fresh.import("mine.json", &text, 5).unwrap_err().to_string();
    assert!(err.starts_with("mine.json, entry 2 (\"Bad\")"), "{err}");
    assert!(fresh.list().is_empty());
    let err = fresh.import("x.json", r#"{"a":1}"#, 5).unwrap_err().to_string();
    assert!(err.contains("not an Easel favourites file"), "{err}");
    let err = fresh.import("x.json", "{", 5).unwrap_err().to_string();
    assert!(err.starts_with("x.json: not JSON"), "{err}");
    let err = fresh.import("x.json", r#"{"kind":"easel-favourites","version":7}"#, 5).unwrap_err().to_string();
    assert!(err.contains("version 7"), "{err}");
}

#[test]
fn damaged_entries_are_kept_and_reported() {
    let mut book = Favourites::default();
    let mut f = book.save(draft("A"), 1).unwrap();
    f.doc.nodes.clear();
    let (loaded, problems) = Favourites::from_items(vec![f]);
    assert_eq!(loaded.list().len(), 1);
    assert_eq!(problems.len(), 1);
}
