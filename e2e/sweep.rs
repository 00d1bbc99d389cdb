//! A sweep from the form: a 2 × 2 sweep over the reference workflow's KSampler (cfg 6, 7 by
//! steps 20, 26) built in the sweep editor, priced before it runs, its live grid filling cell by
//! cell, the composed grid in the gallery as one stack of four cells, opened on its cells. The
//! grid picture itself and the window showing it are saved under target/e2e/.

use std::time::Duration;

use serde_json::json;

use crate::driver::Session;
use crate::journeys::walk;

/// Chooses `target` in the axis's target list and types its values.
async fn set_axis(session: &Session, axis: &str, target: &str, values: &str) {
    let select = format!("[data-testid=sweep-axis-{axis}-target]");
    session.find(&select, Duration::from_secs(10)).await;
    let chosen = session
        .script(
            "const s = document.querySelector(arguments[0]);
             const o = [...s.options].find(o => o.value === arguments[1]);
             if (!o) return [...s.options].map(o => o.value);
             s.value = o.value;
             s.dispatchEvent(new Event('change', { bubbles: true }));
             return true;",
            json!([select, target]),
        )
        .await;
    assert_eq!(chosen, json!(true), "{target} is offered for axis {axis}: {chosen}");
    let input = session.find(&format!("[data-testid=sweep-axis-{axis}-values]"), Duration::from_secs(5)).await;
    session.type_into(&input, values).await;
}

#[tokio::test]
async fn a_two_by_two_sweep_runs_from_the_form_and_lands_as_one_stack() {
    let (session, _run) = Session::open_reference("sweep", &[]).await;
    session.click_on("[data-testid=sweep-toggle]").await;
    session.find("[data-testid=sweep-editor]", Duration::from_secs(10)).await;
    set_axis(&session, "x", "3.cfg", "6, 7").await;
    session.click_on("[data-testid=sweep-add-axis]").await;
    set_axis(&session, "y", "3.steps", "20, 26").await;

    // The whole sweep is counted and priced before anything runs (each distinct cost once: 20
    // steps cost less than 26, so it is below 4 × 2.4).
    let summary = session
        .wait_until(
            "the sweep's runs and price",
            "const s = document.querySelector('[data-testid=sweep-summary]');
             return s && /= 4 runs · [0-9.]+ credits/.test(s.textContent) ? s.textContent : null;",
            Duration::from_secs(20),
        )
        .await;
    let credits: f64 = summary
        .as_str()
        .and_then(|s| s.split("· ").nth(1))
        .and_then(|c| c.split(' ').next())
        .and_then(|c| c.parse().ok())
        .expect("a price");
    assert!(credits > 4.0 && credits <= 9.6, "four runs of at most 2.4 credits: {summary}");
    session.click_on("[data-testid=sweep-run]:not([disabled])").await;

    // The live grid: four cells at their places, each showing its image as it arrives.
    let cells = session
        .wait_until(
            "four cells of the live grid with their images",
            "const cells = [...document.querySelectorAll('[data-testid=sweep-cell]')];
             const done = cells.filter(c => c.dataset.state === 'succeeded' && (() => {
               const i = c.querySelector('img'); return i && i.complete && i.naturalWidth > 0; })());
             return cells.length === 4 && done.length === 4
               ? cells.map(c => `${c.dataset.x},${c.dataset.y}`).sort() : null;",
            Duration::from_secs(240),
        )
        .await;
    assert_eq!(cells, json!(["0,0", "0,1", "1,0", "1,1"]), "one cell per pair of values");
    let grid_state = session
        .wait_until(
            "the grid composed",
            "const d = document.querySelector('[data-testid=sweep-grid-done]');
             return d && d.dataset.state !== 'composing' ? [d.dataset.state, d.textContent] : null;",
            Duration::from_secs(60),
        )
        .await;
    assert_eq!(grid_state[0], json!("done"), "{grid_state}");
    session.screenshot("sweep-live-grid").await;

    // The grid picture: bigger than two cells side by side, holding its sweep.
    let library = session.library.path().join("library");
    let grid = walk(&library)
        .into_iter()
        .find(|p| p.file_name().is_some_and(|n| n.to_string_lossy().ends_with("-grid.png")))
        .unwrap_or_else(|| panic!("the grid picture in {}: {:?}", library.display(), walk(&library)));
    let bytes = std::fs::read(&grid).expect("read the grid");
    std::fs::write(crate::driver::screenshot_dir().join("sweep-grid-picture.png"), &bytes).expect("keep the grid");
    let info = png::Decoder::new(std::io::Cursor::new(&bytes)).read_info().expect("the grid is a PNG").info().clone();
    assert!(
        info.width > 2048 && info.height > 3072,
        "2 × 2 cells of 1024 × 1536 plus labels: {}×{}",
        info.width,
        info.height
    );
    let sweep = easel_engine::Sweep::of_grid_picture(&bytes).expect("readable").expect("the grid holds its sweep");
    assert_eq!(sweep.axes.len(), 2);

    // The gallery: one stack of four cells; opened, the grid and its cells.
    session.click_on("[data-testid=nav-gallery]").await;
    let stack = session
        .wait_until(
            "the sweep's stack",
            "const s = document.querySelectorAll('[data-testid=gallery-stack]');
             return s.length === 1 ? s[0].dataset.cells : null;",
            Duration::from_secs(30),
        )
        .await;
    assert_eq!(stack, json!("4"));
    let shown =
        session.script("return document.querySelectorAll('[data-testid=gallery-cell]').length", json!([])).await;
    assert_eq!(shown, json!(1), "the cells stay behind their grid");
    session.click_on("[data-testid=gallery-stack]").await;
    session
        .wait_until(
            "the grid and its four cells, thumbnails drawn",
            "const cells = [...document.querySelectorAll('[data-testid=gallery-cell]')];
             const drawn = cells.filter(c => { const i = c.querySelector('img'); return i && i.complete && i.naturalWidth > 0; });
             return cells.length === 5 && drawn.length === 5
               && !!document.querySelector('[data-testid=gallery-filter-sweep]');",
            Duration::from_secs(30),
        )
        .await;
    session.screenshot("sweep-stack-open").await;

    // The grid in the viewer, offering to run the sweep again.
    let tile =
        session.find("[data-testid=gallery-cell]:has([data-testid=gallery-stack])", Duration::from_secs(5)).await;
    session.double_click(&tile).await;
    let again = session
        .wait_until(
            "the grid's viewer",
            "const b = document.querySelector('[data-testid=metadata-run-again]');
             return b ? b.textContent.trim() : null;",
            Duration::from_secs(20),
        )
        .await;
    assert_eq!(again, json!("Run the sweep again"));
    let natural = session
        .wait_until(
            "the grid picture in the viewer",
            "const i = document.querySelector('[data-testid=viewer-image]');
             return i && i.complete && i.naturalWidth > 0 ? [i.naturalWidth, i.naturalHeight] : null;",
            Duration::from_secs(30),
        )
        .await;
    assert_eq!(natural, json!([info.width, info.height]));
    // Loaded is not yet decoded for painting: a large picture is decoded after `load`.
    session
        .script_async(
            "const done = arguments[arguments.length - 1];
             document.querySelector('[data-testid=viewer-image]').decode().then(() => done(true), () => done(false));",
            json!([]),
        )
        .await;
    session.screenshot("sweep-grid").await;
    session.close().await;
}
