//! Delete to the library trash, undo, and emptying into the desktop (freedesktop) trash.

use easel_library::{ImageFilter, LibraryError};

use crate::fixtures::Fixture;

#[test]
fn trash_hides_and_restore_brings_back_everything() {
    let fx = Fixture::new();
    let (id, path) = fx.saved("a.png", "fox", 1, 1_700_000_000, (16, 16));
    fx.library.add_tag(&[id], "keep").unwrap();
    assert_eq!(fx.library.trash(&[id]).unwrap(), [id]);
    assert!(!path.exists(), "the file left the gallery folder");
    assert!(fx.library.image_path(id).unwrap().exists(), "it waits in the library trash");
    assert_eq!(fx.library.counts().unwrap().images, 0);
    assert!(fx.library.search("fox", 10).unwrap().is_empty());
    assert_eq!(fx.library.count(&ImageFilter { trashed: true, ..ImageFilter::default() }).unwrap(), 1);
    fx.library.restore(&[id]).unwrap();
    assert!(path.exists());
    assert_eq!(fx.library.search("fox", 10).unwrap()[0].id, id);
    assert_eq!(fx.library.image(id).unwrap().tags, ["keep"]);
    assert!(matches!(fx.library.restore(&[id]), Err(LibraryError::NotFound(_))));
}

#[test]
fn emptying_sends_files_to_the_desktop_trash_with_trashinfo() {
    let fx = Fixture::new();
    let data_home = fx.dir.path().join("xdg-data");
    let (a, path_a) = fx.saved("a.png", "fox", 1, 1_700_000_000, (16, 16));
    let (b, _) = fx.saved("b.png", "owl", 2, 1_700_000_000, (16, 16));
    let other = fx.root().join("other");
    fx.saved("other.png", "cat", 3, 1_700_000_000, (16, 16));
    std::fs::create_dir_all(&other).unwrap();
    // A second file with the same name shows the trash's numbering.
    let (c, _) = {
        let path = other.join("a.png");
        crate::fixtures::write_png(&path, "fox again", 4, 1_700_000_000, (16, 16));
        (fx.library.add_file(&path).unwrap(), path)
    };
    fx.library.trash(&[a, b, c]).unwrap();
    let emptied = fx.library.empty_trash_into(&data_home.join("Trash")).unwrap();
    assert_eq!((emptied.removed, emptied.failed.len()), (3, 0));
    let trash = data_home.join("Trash");
    assert!(trash.join("files/a.png").exists());
    assert!(trash.join("files/a.2.png").exists());
    let info = std::fs::read_to_string(trash.join("info/a.png.trashinfo")).unwrap();
    assert!(info.starts_with("[Trash Info]\nPath="));
    assert!(info.contains(&format!("Path={}\n", path_a.to_string_lossy())), "{info}");
    assert!(info.contains("DeletionDate="));
    assert!(matches!(fx.library.image(a), Err(LibraryError::NotFound(_))));
    assert_eq!(fx.library.counts().unwrap().images, 1);
}
