//! A `library.sqlite` written by someone else (a shared, synced or handed-over library folder) or
//! damaged on disk: its rows must never make Easel move, overwrite or delete files outside the
//! library, and an unreadable index is set aside and rebuilt from the images instead of stopping
//! Easel. The rows are forged with plain SQL on the real index file, as a hostile peer would.

use easel_library::{ImageFilter, ImageQuery, Library, LibraryError};
use rusqlite::Connection;

use crate::fixtures::{write_png, Fixture};

fn forge(fx: &Fixture, sql: &str) {
    let conn = Connection::open(fx.root().join("library.sqlite")).unwrap();
    conn.busy_timeout(std::time::Duration::from_secs(10)).unwrap();
    conn.execute_batch(sql).unwrap();
}

#[test]
fn a_forged_hash_never_deletes_a_file_outside_the_thumbnail_cache() {
    let fx = Fixture::new();
    let (id, _) = fx.saved("a.png", "fox", 1, 1_700_000_000, (16, 16));
    let victim_dir = fx.dir.path().join("Pictures");
    std::fs::create_dir_all(&victim_dir).unwrap();
    let victim = victim_dir.join("family.jpg");
    std::fs::write(&victim, b"precious").unwrap();
    // thumbnail_path(root, hash) used to be root/.thumbs/<2>/<hash>.jpg with the hash unchecked.
    let hash = format!("../../../{}/family", victim_dir.strip_prefix(fx.dir.path()).unwrap().display());
    forge(&fx, &format!("UPDATE images SET hash = '{hash}' WHERE id = {}", id.0));
    assert!(matches!(fx.library.thumbnail(id), Err(LibraryError::UnsafePath { .. })));
    fx.library.trash(&[id]).unwrap();
    let emptied = fx.library.empty_trash_into(&fx.dir.path().join("xdg")).unwrap();
    assert_eq!(emptied.removed, 1);
    assert_eq!(std::fs::read(&victim).unwrap(), b"precious", "the forged hash deleted nothing");
}

#[test]
fn forged_paths_are_refused_and_outside_files_are_never_moved() {
    let fx = Fixture::new();
    let (a, _) = fx.saved("a.png", "fox", 1, 1_700_000_000, (16, 16));
    let (b, _) = fx.saved("b.png", "owl", 2, 1_700_000_000, (16, 16));
    let (c, _) = fx.saved("c.png", "cat", 3, 1_700_000_000, (16, 16));
    let outside = fx.dir.path().join("home");
    std::fs::create_dir_all(&outside).unwrap();
    let bashrc = outside.join(".bashrc");
    let kept = outside.join("kept.png");
    write_png(&kept, "kept", 4, 1_700_000_000, (16, 16));
    forge(
        &fx,
        &format!(
            "UPDATE images SET path = '../home/kept.png' WHERE id = {};
             UPDATE images SET path = '{}' WHERE id = {};",
            a.0,
            kept.display(),
            b.0
        ),
    );
    // A relative path that climbs out is refused, by its stored form.
    match fx.library.trash(&[a]) {
        Err(LibraryError::UnsafePath { path, .. }) => assert_eq!(path, "../home/kept.png"),
        other => panic!("expected UnsafePath, got {other:?}"),
    }
    assert!(matches!(fx.library.image_path(a), Err(LibraryError::UnsafePath { .. })));
    // An absolute path (imported in place) is read, but trashing only hides the row.
    assert_eq!(fx.library.image_path(b).unwrap(), kept);
    fx.library.trash(&[b]).unwrap();
    assert!(kept.exists(), "a file outside the library stays where it is");
    fx.library.restore(&[b]).unwrap();
    // A trash path outside `.trash`, restored to an outside path, would place any file anywhere.
    fx.library.trash(&[c]).unwrap();
    forge(&fx, &format!("UPDATE images SET path = '{}' WHERE id = {};", bashrc.display(), c.0));
    assert!(matches!(fx.library.restore(&[c]), Err(LibraryError::UnsafePath { .. })));
    assert!(!bashrc.exists(), "restore wrote nothing outside the library");
    forge(&fx, &format!("UPDATE images SET trash_path = '../home/kept.png' WHERE id = {};", c.0));
    assert!(matches!(fx.library.restore(&[c]), Err(LibraryError::UnsafePath { .. })));
    let emptied = fx.library.empty_trash_into(&fx.dir.path().join("xdg")).unwrap();
    assert_eq!((emptied.removed, emptied.failed.len()), (0, 1), "{emptied:?}");
    assert!(kept.exists(), "emptying the trash never sent the outside file away");
}

#[test]
fn a_symlinked_trash_folder_is_refused() {
    let fx = Fixture::new();
    let (id, path) = fx.saved("a.png", "fox", 1, 1_700_000_000, (16, 16));
    let elsewhere = fx.dir.path().join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::os::unix::fs::symlink(&elsewhere, fx.root().join(".trash")).unwrap();
    assert!(matches!(fx.library.trash(&[id]), Err(LibraryError::UnsafePath { .. })));
    assert!(path.exists());
    assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);
}

#[test]
fn ids_of_deleted_images_are_never_handed_out_again() {
    let fx = Fixture::new();
    let (_, _) = fx.saved("a.png", "fox", 1, 1_700_000_000, (16, 16));
    let (newest, _) = fx.saved("b.png", "owl", 2, 1_700_000_000, (16, 16));
    fx.library.trash(&[newest]).unwrap();
    fx.library.empty_trash_into(&fx.dir.path().join("xdg")).unwrap();
    let (next, _) = fx.saved("c.png", "cat", 3, 1_700_000_000, (16, 16));
    assert!(next.0 > newest.0, "id {} was reused (the window caches pictures by id)", next.0);
}

#[test]
fn punctuation_only_searches_match_nothing() {
    let fx = Fixture::new();
    fx.saved("a.png", "fox", 1, 1_700_000_000, (16, 16));
    assert!(fx.library.search("-- *", 10).unwrap().is_empty());
    let filter = ImageFilter { text: Some(" \" ".into()), ..ImageFilter::default() };
    assert_eq!(fx.library.count(&filter).unwrap(), 0);
    let blank = ImageFilter { text: Some("  ".into()), ..ImageFilter::default() };
    assert_eq!(fx.library.count(&blank).unwrap(), 1, "blank text is no search at all");
}

#[test]
fn an_unreadable_index_is_set_aside_and_rebuilt_from_the_images() {
    let fx = Fixture::new();
    let (id, _) = fx.saved("a.png", "fox", 1, 1_700_000_000, (16, 16));
    fx.saved("b.png", "owl", 2, 1_700_000_000, (16, 16));
    let root = fx.root();
    let Fixture { dir, library } = fx;
    drop(library);
    let index = root.join("library.sqlite");
    std::fs::write(&index, vec![0x5a; 8192]).unwrap();
    let library = Library::open_with_threads(&root, 1).unwrap();
    let recovered = library.recovered().expect("the damaged index was noticed").clone();
    assert_eq!(std::fs::read(&recovered.moved_to).unwrap(), vec![0x5a; 8192], "the old file is kept");
    assert!(library.needs_rescan());
    // An exit before the rebuild finished: the next open still knows it must rescan.
    drop(library);
    let library = Library::open_with_threads(&root, 1).unwrap();
    assert!(library.recovered().is_none() && library.needs_rescan());
    let report = library.rescan(&mut |_| {}).unwrap();
    assert_eq!(report.added, 2);
    assert!(!library.needs_rescan());
    let page = library.query(&ImageQuery::default()).unwrap();
    assert_eq!(page.items.len(), 2);
    assert!(page.items.iter().all(|i| i.id.0 > id.0), "new ids never collide with cached old ones");
    assert_eq!(library.search("owl", 10).unwrap().len(), 1);
    drop(dir);
}
