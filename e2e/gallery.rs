//! The gallery on a library of 1,000 real PNGs: counted, searched by prompt words, an image
//! favourited from its cell, the favourites filter showing exactly it, and its details opened in
//! the viewer. The index is built before launch, as after a folder import.

use std::time::Duration;

use easel_library::sample::{sample_prompt, write_sample_image};
use easel_library::Library;
use serde_json::json;

use crate::driver::Session;

const IMAGES: usize = 1_000;

/// The clipboard's image as PNG bytes, polled until an owner offers `image/png`.
async fn clipboard_png(limit: Duration) -> Vec<u8> {
    let deadline = std::time::Instant::now() + limit;
    loop {
        let out = std::process::Command::new("xclip")
            .args(["-selection", "clipboard", "-t", "image/png", "-o"])
            .output()
            .expect("xclip runs (make test installs it)");
        if out.status.success() && out.stdout.starts_with(b"\x89PNG") {
            return out.stdout;
        }
        assert!(std::time::Instant::now() < deadline, "no image on the clipboard after {limit:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test]
async fn favourite_and_search_in_a_gallery_of_1000_images() {
    let session = Session::start_prepared("gallery", &[], |root| {
        let library = root.join("library");
        for i in 0..IMAGES {
            write_sample_image(&library, i).expect("sample image");
        }
        let index = Library::open(&library).expect("open library");
        let report = index.import_folder(&library, &mut |_| {}).expect("import");
        assert_eq!(report.added as usize, IMAGES);
    })
    .await;
    session.click_on("[data-testid=nav-gallery]").await;
    session
        .wait_until(
            "1,000 images counted",
            "const c = document.querySelector('[data-testid=gallery-count]');
             return c && /1[,.\\s\u{a0}]?000/.test(c.textContent);",
            Duration::from_secs(30),
        )
        .await;
    let cells = session
        .wait_until(
            "thumbnails in the grid",
            "const cells = document.querySelectorAll('[data-testid=gallery-cell]');
             const loaded = [...cells].filter(c => { const i = c.querySelector('img'); return i && i.complete && i.naturalWidth > 0; });
             return loaded.length >= 8 ? cells.length : null;",
            Duration::from_secs(60),
        )
        .await;
    assert!(cells.as_u64().is_some_and(|n| n < 200), "only visible cells are in the page: {cells}");
    session.screenshot("gallery-1000").await;

    // Search: the count is what the prompts say.
    let expected = (0..IMAGES).filter(|&i| sample_prompt(i).contains("lighthouse")).count();
    assert!(expected > 0);
    let search = session.find("[data-testid=gallery-search]", Duration::from_secs(5)).await;
    session.type_into(&search, "lighthouse").await;
    session
        .wait_until(
            "the count to settle on the search",
            &format!(
                "const c = document.querySelector('[data-testid=gallery-count]');
                 return c && c.textContent.replace(/[^0-9]/g, '') === '{expected}';"
            ),
            Duration::from_secs(20),
        )
        .await;

    // Favourite the first result from its cell.
    let first_id = session
        .wait_until(
            "a result cell",
            "const c = document.querySelector('[data-testid=gallery-cell]'); return c ? c.dataset.id : null;",
            Duration::from_secs(20),
        )
        .await;
    let cell = session.find("[data-testid=gallery-cell]", Duration::from_secs(5)).await;
    session.hover(&cell).await;
    session.click_on("[data-testid=gallery-cell] [data-testid=gallery-favourite-toggle]").await;
    session
        .wait_until(
            "the cell to show the favourite",
            "const c = document.querySelector('[data-testid=gallery-cell]'); return c && c.dataset.favourite === 'true';",
            Duration::from_secs(20),
        )
        .await;

    // Only that image under the favourites filter.
    session.type_into(&search, "").await;
    session.click_on("[data-testid=gallery-filter-favourites]").await;
    session
        .wait_until(
            "one favourite",
            "const cells = document.querySelectorAll('[data-testid=gallery-cell]');
             const c = document.querySelector('[data-testid=gallery-count]');
             return cells.length === 1 && c && c.textContent.replace(/[^0-9]/g, '') === '1';",
            Duration::from_secs(20),
        )
        .await;
    let favourite_id =
        session.script("return document.querySelector('[data-testid=gallery-cell]').dataset.id", json!([])).await;
    assert_eq!(favourite_id, first_id);

    // Its details in the viewer: the prompt has the word searched for.
    let cell = session.find("[data-testid=gallery-cell]", Duration::from_secs(5)).await;
    session.double_click(&cell).await;
    let prompt = session
        .wait_until(
            "the viewer's metadata",
            "const p = document.querySelector('[data-testid=metadata-prompt]');
             return p && p.textContent.includes('lighthouse') ? p.textContent : null;",
            Duration::from_secs(20),
        )
        .await;
    assert!(prompt.as_str().is_some_and(|p| p.contains("lighthouse")), "{prompt}");
    session.screenshot("gallery-viewer").await;

    // Copy puts the picture itself on the X clipboard (read back by another client, xclip).
    session.click_on("[data-testid=metadata-copy]").await;
    let size = session
        .script(
            "const i = document.querySelector('[data-testid=viewer-image]'); return [i.naturalWidth, i.naturalHeight]",
            json!([]),
        )
        .await;
    let pasted = clipboard_png(Duration::from_secs(20)).await;
    let decoded = png::Decoder::new(std::io::Cursor::new(pasted)).read_info().expect("the clipboard holds a PNG");
    assert_eq!(json!([decoded.info().width, decoded.info().height]), size, "the clipboard holds this image");

    let library = session.library.path().join("library");
    let favourites = Library::open(&library).expect("reopen library").counts().expect("counts").favourites;
    session.close().await;
    assert_eq!(favourites, 1, "the favourite is in the index");
}
