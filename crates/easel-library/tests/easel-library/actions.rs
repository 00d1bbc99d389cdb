//! Favourites, tags, "open this workflow", compare and export.

use easel_library::{ImageFilter, MetadataSource};

use crate::fixtures::Fixture;

#[test]
fn favourites_and_tags_filter_and_search() {
    let fx = Fixture::new();
    let (a, _) = fx.saved("a.png", "fox", 1, 1_700_000_000, (16, 16));
    let (b, _) = fx.saved("b.png", "owl", 2, 1_700_000_100, (16, 16));
    fx.library.set_favourite(&[a], true).unwrap();
    fx.library.add_tag(&[a, b], "  Night   Sky ").unwrap();
    fx.library.add_tag(&[b], "keeper").unwrap();
    let count = |f: ImageFilter| fx.library.count(&f).unwrap();
    assert_eq!(count(ImageFilter { favourites_only: true, ..ImageFilter::default() }), 1);
    assert_eq!(count(ImageFilter { tag: Some("night sky".into()), ..ImageFilter::default() }), 2);
    assert_eq!(fx.library.search("keeper", 10).unwrap()[0].id, b);
    assert_eq!(fx.library.image(b).unwrap().tags, ["keeper", "Night Sky"]);
    fx.library.remove_tag(&[b], "KEEPER").unwrap();
    assert!(fx.library.search("keeper", 10).unwrap().is_empty());
    let tags = fx.library.tag_counts().unwrap();
    assert_eq!(tags.len(), 1);
    assert_eq!((tags[0].value.as_str(), tags[0].count), ("Night Sky", 2));
    assert!(fx.library.add_tag(&[a], "   ").is_err());
    assert_eq!(fx.library.counts().unwrap().favourites, 1);
}

#[test]
fn open_workflow_returns_the_embedded_graph() {
    let fx = Fixture::new();
    let (id, _) = fx.saved("a.png", "a red fox", 7, 1_700_000_000, (16, 16));
    let embedded = fx.library.workflow(id).unwrap();
    assert_eq!(embedded.source, MetadataSource::Easel);
    let api = embedded.api.unwrap();
    assert_eq!(api["6"]["inputs"]["text"], "a red fox");
    let workflow = easel_workflow::Workflow::from_json(api).unwrap().workflow;
    assert_eq!(workflow.nodes.len(), 6);
}

#[test]
fn compare_lists_the_inputs_that_differ() {
    let fx = Fixture::new();
    let (a, _) = fx.saved("a.png", "a red fox", 7, 1_700_000_000, (16, 16));
    let (b, _) = fx.saved("b.png", "a red owl", 8, 1_700_000_000, (16, 16));
    let diff = fx.library.compare(a, b).unwrap();
    let changed: Vec<_> = diff.changes.iter().map(|c| (c.node.as_str(), c.input.as_str())).collect();
    assert_eq!(changed, [("3 KSampler", "seed"), ("6 CLIPTextEncode", "text")]);
    assert!(diff.unchanged > 3);
}

#[test]
fn export_keeps_or_strips_metadata() {
    let fx = Fixture::new();
    let (id, original) = fx.saved("a.png", "secret prompt", 7, 1_700_000_000, (16, 16));
    let out = fx.dir.path().join("export");
    let kept = fx.library.export(&[id], &out, true).unwrap();
    assert_eq!(std::fs::read(&kept[0]).unwrap(), std::fs::read(&original).unwrap());
    let stripped = fx.library.export(&[id], &out, false).unwrap();
    assert_ne!(stripped[0], kept[0], "an existing name is never overwritten");
    let bytes = std::fs::read(&stripped[0]).unwrap();
    assert!(easel_workflow::png_text_chunks(&bytes).unwrap().is_empty());
    let (a, b) = (image::load_from_memory(&bytes).unwrap(), image::open(&original).unwrap());
    assert_eq!(a.to_rgb8(), b.to_rgb8(), "pixels are untouched");
}
