//! Thumbnails: made on arrival by the pool, in the background after an import or at open
//! (newest first), lazily on request, cached on disk by content.

use std::time::Duration;

use easel_library::{ImageQuery, LibraryError, THUMBNAIL_SIZE};

use crate::fixtures::Fixture;

#[test]
fn saved_images_get_a_thumbnail_on_arrival() {
    let fx = Fixture::new();
    let (id, _) = fx.saved("wide.png", "fox", 1, 1_700_000_000, (1024, 600));
    assert!(fx.library.wait_for_thumbnails(Duration::from_secs(60)));
    assert_eq!(fx.library.thumbnail_counts(), (1, 0));
    let thumb = fx.library.thumbnail(id).unwrap();
    assert!(thumb.starts_with(fx.root().join(".thumbs")));
    let decoded = image::open(&thumb).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (THUMBNAIL_SIZE, 300));
}

#[test]
fn imported_images_get_thumbnails_in_the_background() {
    let fx = Fixture::new();
    let report = fx.library.import_folder(&crate::fixtures::corpus(), &mut |_| {}).unwrap();
    assert!(report.added > 10);
    assert!(fx.library.wait_for_thumbnails(Duration::from_secs(300)));
    let (made, failed) = fx.library.thumbnail_counts();
    assert!(made >= 10, "made {made} thumbnails in the background (failed {failed})");
    // Every image of the gallery's first page has its thumbnail without asking for it.
    let page = fx.library.query(&ImageQuery { limit: 30, ..ImageQuery::default() }).unwrap();
    let thumbs = fx.root().join(".thumbs");
    let files = walk(&thumbs);
    assert_eq!(files.len() as u64, made, "one file per thumbnail made");
    for item in &page.items {
        let thumb = fx.library.thumbnail(item.id).unwrap();
        if files.contains(&thumb) {
            let decoded = image::open(&thumb).unwrap();
            assert!(decoded.width().max(decoded.height()) <= THUMBNAIL_SIZE);
        }
    }
    // Asking again makes nothing new: the pool made them all (bar the corpus's broken files).
    assert_eq!(fx.library.thumbnail_counts(), (made, failed));
}

#[test]
fn the_background_walk_makes_missing_thumbnails_and_ends_when_the_library_closes() {
    let fx = Fixture::new();
    fx.library.import_folder(&crate::fixtures::corpus(), &mut |_| {}).unwrap();
    assert!(fx.library.wait_for_thumbnails(Duration::from_secs(300)));
    let (made, _) = fx.library.thumbnail_counts();
    std::fs::remove_dir_all(fx.root().join(".thumbs")).unwrap();
    // A later start (the app opening the library) makes them again.
    let again = easel_library::Library::open_with_threads(&fx.root(), 1).unwrap();
    again.backfill_thumbnails();
    again.backfill_thumbnails(); // a second call while the first walk runs starts nothing
    assert!(again.wait_for_thumbnails(Duration::from_secs(300)));
    assert_eq!(again.thumbnail_counts().0, made);
    // Closing a library while its walk runs returns (the walk and the workers stop).
    std::fs::remove_dir_all(fx.root().join(".thumbs")).unwrap();
    let closing = easel_library::Library::open_with_threads(&fx.root(), 1).unwrap();
    closing.backfill_thumbnails();
    drop(closing);
    assert!(walk(&fx.root().join(".thumbs")).len() < made as usize + 1);
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else if path.extension().is_some_and(|e| e == "jpg") {
            out.push(path);
        }
    }
    out
}

#[test]
fn a_file_gone_bad_after_indexing_is_an_error_for_its_thumbnail() {
    let fx = Fixture::new();
    let (id, path) = fx.saved("a.png", "fox", 1, 1_700_000_000, (16, 16));
    assert!(fx.library.wait_for_thumbnails(Duration::from_secs(60)));
    let thumbs = fx.root().join(".thumbs");
    std::fs::remove_dir_all(&thumbs).unwrap();
    std::fs::write(&path, b"not a png any more").unwrap();
    assert!(matches!(fx.library.thumbnail(id), Err(LibraryError::BadImage { .. })));
}
