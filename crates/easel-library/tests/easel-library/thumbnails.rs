//! Thumbnails: made on arrival by the pool, lazily on request, cached on disk by content.

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
fn imported_images_get_thumbnails_lazily_and_on_request() {
    let fx = Fixture::new();
    let report = fx.library.import_folder(&crate::fixtures::corpus(), &mut |_| {}).unwrap();
    assert!(report.added > 10);
    assert!(!fx.root().join(".thumbs").exists(), "import makes no thumbnails by itself");
    let page = fx.library.query(&ImageQuery { limit: 3, ..ImageQuery::default() }).unwrap();
    let first = fx.library.thumbnail(page.items[0].id).unwrap();
    assert!(image::open(&first).is_ok());
    let ids: Vec<_> = page.items.iter().map(|i| i.id).collect();
    fx.library.queue_thumbnails(&ids).unwrap();
    assert!(fx.library.wait_for_thumbnails(Duration::from_secs(120)));
    for id in ids {
        let thumb = fx.library.thumbnail(id).unwrap();
        let decoded = image::open(&thumb).unwrap();
        assert!(decoded.width().max(decoded.height()) <= THUMBNAIL_SIZE);
    }
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
