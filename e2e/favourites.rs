//! Favourite workflows: save the open workflow with a name, find it in Favourites, run it in one
//! click, and see its image arrive.

use std::time::Duration;

use crate::driver::Session;

#[tokio::test]
async fn saves_a_favourite_and_runs_it_again_in_one_click() {
    let (session, _run) = Session::open_reference("favourite", &[]).await;
    session.click_on("[data-testid=save-favourite]").await;
    let name = session.find("[data-testid=favourite-name-input]", Duration::from_secs(10)).await;
    session.type_into(&name, "Two-pass anime portrait").await;
    session.click_on("[data-testid=favourite-save]").await;
    session
        .wait_until(
            "the dialog to close",
            "return !document.querySelector('[data-testid=favourite-dialog]')",
            Duration::from_secs(10),
        )
        .await;

    session.click_on("[data-testid=nav-favourites]").await;
    session
        .wait_until(
            "the favourite card",
            "const c = document.querySelector('[data-testid=favourite-card]');
             return c && c.dataset.name === 'Two-pass anime portrait';",
            Duration::from_secs(20),
        )
        .await;
    session.screenshot("favourites").await;

    session.click_on("[data-testid=favourite-card] [data-testid=favourite-run]").await;
    session
        .wait_until(
            "the favourite's run to finish",
            "const s = document.querySelector('[data-testid=run-status]');
             return s && s.offsetParent !== null && s.textContent.startsWith('Done') ? s.textContent : null;",
            Duration::from_secs(120),
        )
        .await;
    session.screenshot("favourite-run").await;
    let library = session.library.path().join("library");
    let favourites = session.library.path().join("config/dev.easel.studio/favourites.json");
    let pngs =
        crate::journeys::walk(&library).into_iter().filter(|p| p.extension().is_some_and(|e| e == "png")).count();
    let stored = std::fs::read_to_string(&favourites).expect("favourites.json written");
    let backup = favourites.with_file_name("favourites.json.bak").exists();
    session.close().await;
    assert_eq!(pngs, 1, "the favourite's run saved its image");
    assert!(stored.contains("Two-pass anime portrait"));
    assert!(backup, "the backup twin is kept");
}
