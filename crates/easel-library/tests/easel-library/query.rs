//! Queries: cursor paging, filters, full-text search, sorts and counts.

use std::collections::HashSet;

use easel_library::{ImageFilter, ImageQuery, LibraryError, Sort};

use crate::fixtures::Fixture;

/// 30 images a minute apart; every third about a cat, the rest about dogs; sizes alternate.
fn thirty() -> Fixture {
    let fx = Fixture::new();
    for i in 0..30 {
        let prompt = if i % 3 == 0 { format!("a grey cat number {i}") } else { format!("a happy dog number {i}") };
        let size = if i % 2 == 0 { (32, 16) } else { (16, 16) };
        fx.saved(&format!("{i:02}.png"), &prompt, i, 1_700_000_000 + i * 60, size);
    }
    fx
}

#[test]
fn cursor_paging_visits_every_image_once_newest_first() {
    let fx = thirty();
    let mut query = ImageQuery { limit: 7, ..ImageQuery::default() };
    let (mut seen, mut times) = (HashSet::new(), Vec::new());
    loop {
        let page = fx.library.query(&query).unwrap();
        for item in &page.items {
            assert!(seen.insert(item.id));
            times.push(item.created_at);
        }
        match page.next_cursor {
            Some(cursor) => query.cursor = Some(cursor),
            None => break,
        }
    }
    assert_eq!(seen.len(), 30);
    assert!(times.windows(2).all(|w| w[0] >= w[1]));
}

#[test]
fn oldest_and_largest_sorts_page_too() {
    let fx = thirty();
    for sort in [Sort::Oldest, Sort::Largest] {
        let mut query = ImageQuery { limit: 4, sort, ..ImageQuery::default() };
        let mut all = Vec::new();
        loop {
            let page = fx.library.query(&query).unwrap();
            all.extend(page.items);
            let Some(cursor) = page.next_cursor else { break };
            query.cursor = Some(cursor);
        }
        assert_eq!(all.len(), 30, "{sort:?}");
        if sort == Sort::Oldest {
            assert!(all.windows(2).all(|w| w[0].created_at <= w[1].created_at));
        } else {
            assert!(all.windows(2).all(|w| w[0].width * w[0].height >= w[1].width * w[1].height));
        }
    }
}

#[test]
fn full_text_search_finds_prompts_models_and_classes() {
    let fx = thirty();
    assert_eq!(fx.library.search("cat", 100).unwrap().len(), 10);
    assert_eq!(fx.library.search("grey ca", 100).unwrap().len(), 10, "the last word is a prefix");
    assert_eq!(fx.library.search("juggernaut", 100).unwrap().len(), 30, "model names are searchable");
    assert_eq!(fx.library.search("KSampler", 100).unwrap().len(), 30, "node classes are searchable");
    assert_eq!(fx.library.search("portraits", 100).unwrap().len(), 30, "workflow names are searchable");
    assert!(fx.library.search("\"AND* -(", 100).unwrap().is_empty(), "syntax in the query is only text");
    let count = fx.library.count(&ImageFilter { text: Some("dog".into()), ..ImageFilter::default() }).unwrap();
    assert_eq!(count, 20);
}

#[test]
fn relevance_ranks_the_better_match_first_and_pages_by_offset() {
    let fx = thirty();
    let (best, _) = fx.saved("best.png", "cat cat cat cat", 99, 1_600_000_000, (16, 16));
    let filter = ImageFilter { text: Some("cat".into()), ..ImageFilter::default() };
    let first = fx
        .library
        .query(&ImageQuery { filter: filter.clone(), sort: Sort::Relevance, limit: 5, cursor: None })
        .unwrap();
    assert_eq!(first.items[0].id, best);
    let second =
        fx.library.query(&ImageQuery { filter, sort: Sort::Relevance, limit: 100, cursor: first.next_cursor }).unwrap();
    assert_eq!(first.items.len() + second.items.len(), 11);
}

#[test]
fn filters_combine() {
    let fx = thirty();
    let count = |filter: ImageFilter| fx.library.count(&filter).unwrap();
    assert_eq!(count(ImageFilter { min_width: Some(32), ..ImageFilter::default() }), 15);
    let from = 1_700_000_000_000 + 10 * 60_000;
    let until = 1_700_000_000_000 + 20 * 60_000;
    assert_eq!(count(ImageFilter { from: Some(from), until: Some(until), ..ImageFilter::default() }), 10);
    let model = Some("film_grain.safetensors".to_string());
    assert_eq!(count(ImageFilter { model, ..ImageFilter::default() }), 30);
    assert_eq!(count(ImageFilter { model: Some("nope".into()), ..ImageFilter::default() }), 0);
    assert_eq!(count(ImageFilter { workflow: Some("portraits".into()), ..ImageFilter::default() }), 30);
    let both = ImageFilter { text: Some("cat".into()), min_width: Some(32), ..ImageFilter::default() };
    assert_eq!(count(both), 5);
}

#[test]
fn counts_and_facets() {
    let fx = thirty();
    let counts = fx.library.counts().unwrap();
    assert_eq!((counts.images, counts.favourites, counts.trashed), (30, 0, 0));
    let models = fx.library.model_counts().unwrap();
    assert_eq!(models.len(), 2);
    assert!(models.iter().all(|m| m.count == 30));
    let workflows = fx.library.workflow_counts().unwrap();
    assert_eq!((workflows[0].value.as_str(), workflows[0].count), ("portraits", 30));
}

#[test]
fn malformed_cursor_is_invalid_not_a_panic() {
    let fx = thirty();
    for cursor in ["", "k", "kx:1", "o-1", "zzz"] {
        let query = ImageQuery { cursor: Some(cursor.into()), ..ImageQuery::default() };
        assert!(matches!(fx.library.query(&query), Err(LibraryError::Invalid(_))), "{cursor}");
    }
}

/// A PNG whose `easel` chunk names a sweep: a cell, or (`grid`) the sweep's grid.
fn sweep_png(fx: &Fixture, name: &str, sweep: &str, grid: bool, at: i64) -> easel_library::ImageId {
    let path = fx.root().join("2024-01-02").join(name);
    crate::fixtures::write_png(&path, "a fox", 1, at, (16, 16));
    let mark = if grid {
        serde_json::json!({"sweepId": sweep, "definition": {"axes": []}, "cells": []})
    } else {
        serde_json::json!({"sweepId": sweep, "cell": {"x": 0, "y": 0, "z": 0}})
    };
    let easel =
        serde_json::json!({"runId": name, "createdAt": at, "sweep": mark, "backend": "comfyui+http://127.0.0.1:8188"})
            .to_string();
    let bytes = std::fs::read(&path).unwrap();
    let png = easel_workflow::png_with_text(&bytes, &[("easel", &easel)]).unwrap();
    std::fs::write(&path, png).unwrap();
    fx.library.add_file(&path).unwrap()
}

#[test]
fn a_sweep_stacks_its_cells_behind_its_grid_once_the_grid_is_there() {
    let fx = thirty();
    let all = |filter: ImageFilter| {
        let page = fx.library.query(&ImageQuery { filter, limit: 100, ..ImageQuery::default() }).unwrap();
        page.items
    };
    let cells: Vec<_> =
        (0..4).map(|i| sweep_png(&fx, &format!("cell{i}.png"), "s1", false, 1_800_000_000 + i)).collect();
    assert_eq!(all(ImageFilter::default()).len(), 34, "cells show while the sweep has no grid");
    let grid = sweep_png(&fx, "grid.png", "s1", true, 1_800_000_010);
    let shown = all(ImageFilter::default());
    assert_eq!(shown.len(), 31, "the grid stands for its cells");
    let stack = shown.iter().find(|i| i.id == grid).unwrap();
    assert_eq!((stack.sweep_id.as_deref(), stack.sweep_cells), (Some("s1"), Some(4)));
    assert_eq!(fx.library.count(&ImageFilter::default()).unwrap(), 31, "the count agrees with the grid");
    let detail = fx.library.image(grid).unwrap();
    assert_eq!(detail.backend.as_deref(), Some("comfyui+http://127.0.0.1:8188"), "the backend it ran on");
    let opened = all(ImageFilter { sweep: Some("s1".into()), ..ImageFilter::default() });
    assert_eq!(opened.len(), 5, "opening the stack shows the grid and its cells");
    assert_eq!(opened[0].id, grid, "the grid first (newest)");
    let run = all(ImageFilter { run: Some("cell2.png".into()), ..ImageFilter::default() });
    assert_eq!(run.iter().map(|i| i.id).collect::<Vec<_>>(), [cells[2]], "a cell's run still finds it");
    fx.library.trash(&[grid]).unwrap();
    assert_eq!(all(ImageFilter::default()).len(), 34, "a trashed grid lets its cells show again");
}
