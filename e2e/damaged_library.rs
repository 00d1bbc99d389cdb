//! The app opens on a library whose gallery index is damaged (garbage where `library.sqlite`
//! was, as after a disk fault or a bad sync) and whose journal holds a row nothing can read: the
//! window opens, says what happened, and the gallery shows every image again once the index is
//! rebuilt from the PNG files. The damaged file is kept beside the new one, never deleted.

use std::time::Duration;

use easel_library::sample::write_sample_image;
use easel_library::Library;

use crate::driver::Session;

const IMAGES: usize = 12;

#[tokio::test]
async fn opens_on_a_damaged_index_and_rebuilds_the_gallery() {
    let session = Session::start_prepared("damaged-library", &[], |root| {
        let library = root.join("library");
        for i in 0..IMAGES {
            write_sample_image(&library, i).expect("sample image");
        }
        let index = Library::open(&library).expect("open library");
        assert_eq!(index.import_folder(&library, &mut |_| {}).expect("import").added as usize, IMAGES);
        drop(index);
        for side in ["library.sqlite-wal", "library.sqlite-shm"] {
            let path = library.join(side);
            if path.exists() {
                std::fs::remove_file(path).expect("remove a side file");
            }
        }
        std::fs::write(library.join("library.sqlite"), vec![0xa5; 16 * 1024]).expect("damage the index");
        // A journal row nothing can read back, left "submitted" by a process that is gone.
        let store = easel_engine::Store::open(&library.join(easel_engine::DATABASE_FILE)).expect("journal");
        store
            .insert_runs(
                &[easel_engine::NewRun {
                    run_id: "run-unreadable",
                    request_id: "run-unreadable",
                    name: "broken",
                    backend: "http://127.0.0.1:9",
                    workflow: "{not json",
                    seeds: "{}",
                    editor: None,
                    kind: easel_engine::RunKind::Graph,
                    uploads: None,
                    estimate: None,
                }],
                None,
            )
            .expect("write the journal row");
    })
    .await;
    let title = session
        .wait_until(
            "the notice about the index",
            "const b = document.querySelector('[data-testid=backend]');
             return b && b.title.includes('gallery index was unreadable') ? b.title : null;",
            Duration::from_secs(30),
        )
        .await;
    assert!(title.as_str().is_some_and(|t| t.contains("library.sqlite.corrupt-")), "{title}");
    session.click_on("[data-testid=nav-gallery]").await;
    session
        .wait_until(
            "every image back in the gallery",
            &format!(
                "const c = document.querySelector('[data-testid=gallery-count]');
                 return c && c.textContent.replace(/[^0-9]/g, '') === '{IMAGES}';"
            ),
            Duration::from_secs(60),
        )
        .await;
    session.screenshot("damaged-library").await;
    let library = session.library.path().join("library");
    let kept: Vec<_> = std::fs::read_dir(&library)
        .expect("list the library")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with("library.sqlite.corrupt-"))
        .collect();
    assert_eq!(kept.len(), 1, "the damaged index is kept beside the new one");
    assert_eq!(std::fs::read(kept[0].path()).expect("read it"), vec![0xa5; 16 * 1024]);
    assert!(!library.join("library.sqlite.rebuilding").exists(), "the rebuild finished");
    session.close().await;
}

/// A library that cannot be opened at all (a file stands where its folder goes): the backend
/// cannot start, and the window stays open and says why, where, instead of vanishing.
#[tokio::test]
async fn a_library_that_cannot_be_opened_is_said_in_the_window() {
    let session = Session::start_prepared("unopenable-library", &[], |root| {
        std::fs::write(root.join("library"), b"not a folder").expect("a file where the library folder goes");
    })
    .await;
    let said = session
        .wait_until(
            "the start error in the window",
            "const b = document.querySelector('[data-testid=error-banner]');
             const m = document.querySelector('[data-testid=error-message]');
             return b && m ? [b.dataset.code, m.textContent] : null;",
            Duration::from_secs(60),
        )
        .await;
    let (code, message) = (said[0].as_str().unwrap_or_default(), said[1].as_str().unwrap_or_default());
    let library = session.library.path().join("library");
    assert!(!code.is_empty(), "the banner carries an error code: {said}");
    assert!(message.contains(&library.display().to_string()), "the error names the folder: {said}");
    // The app is still there: the page keeps answering, and another view opens in the live window.
    session.click_on("[data-testid=nav-settings]").await;
    session
        .wait_until(
            "Settings open in a live window",
            "return !!document.querySelector('[data-testid=view-settings]')",
            Duration::from_secs(20),
        )
        .await;
    assert!(session.log().contains("cannot start"), "the log says it too: {}", session.log());
    assert_eq!(std::fs::read(&library).expect("the file is untouched"), b"not a folder");
    session.close().await;
}
