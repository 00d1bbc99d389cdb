//! Adding saved images: what the row knows, idempotency, moved files.

use easel_library::{ImageFacts, LibraryError, MetadataSource};

use crate::fixtures::{write_png, Fixture};

#[test]
fn saved_image_row_knows_job_workflow_seed_size_models_and_time() {
    let fx = Fixture::new();
    let (id, path) = fx.saved("a.png", "a red fox in snow", 42, 1_700_000_000, (64, 48));
    let image = fx.library.image(id).unwrap();
    assert_eq!(image.summary.path, path.to_string_lossy());
    assert_eq!((image.summary.width, image.summary.height), (64, 48));
    assert_eq!(image.summary.seed, Some(42));
    assert_eq!(image.summary.created_at, 1_700_000_000_000);
    assert_eq!(image.summary.workflow.as_deref(), Some("portraits"));
    assert_eq!(image.source, MetadataSource::Easel);
    assert_eq!(image.run_id.as_deref(), Some("r"), "the PNG's own easel chunk wins over the facts");
    assert_eq!(image.prompt, "a red fox in snow");
    assert_eq!(image.negative, "blurry, watermark");
    let models: Vec<_> = image.models.iter().map(|m| (m.kind.as_str(), m.name.as_str())).collect();
    assert_eq!(models, [("checkpoint", "juggernaut_v9"), ("lora", "film_grain")]);
    assert!(image.classes.contains(&"KSampler".to_string()));
    assert!(!image.summary.favourite);
}

#[test]
fn adding_twice_returns_the_same_id() {
    let fx = Fixture::new();
    let (id, path) = fx.saved("a.png", "fox", 1, 1_700_000_000, (16, 16));
    assert_eq!(fx.library.add_saved(&path, &ImageFacts::default()).unwrap(), id);
    assert_eq!(fx.library.add_file(&path).unwrap(), id);
    assert_eq!(fx.library.counts().unwrap().images, 1);
}

#[test]
fn a_moved_file_keeps_its_row_and_favourite() {
    let fx = Fixture::new();
    let (id, path) = fx.saved("a.png", "fox", 1, 1_700_000_000, (16, 16));
    fx.library.set_favourite(&[id], true).unwrap();
    let moved = fx.root().join("elsewhere.png");
    std::fs::rename(&path, &moved).unwrap();
    assert_eq!(fx.library.add_file(&moved).unwrap(), id);
    let image = fx.library.image(id).unwrap();
    assert!(image.summary.favourite);
    assert_eq!(image.summary.path, moved.to_string_lossy());
}

#[test]
fn a_copy_next_to_the_original_is_its_own_image() {
    let fx = Fixture::new();
    let (id, path) = fx.saved("a.png", "fox", 1, 1_700_000_000, (16, 16));
    let copy = fx.root().join("copy.png");
    std::fs::copy(&path, &copy).unwrap();
    assert_ne!(fx.library.add_file(&copy).unwrap(), id);
}

#[test]
fn rewritten_file_updates_the_row() {
    let fx = Fixture::new();
    let (id, path) = fx.saved("a.png", "fox", 1, 1_700_000_000, (16, 16));
    write_png(&path, "owl at night", 2, 1_700_000_000, (32, 16));
    assert_eq!(fx.library.add_file(&path).unwrap(), id);
    let image = fx.library.image(id).unwrap();
    assert_eq!((image.prompt.as_str(), image.summary.width), ("owl at night", 32));
    assert_eq!(fx.library.search("fox", 10).unwrap().len(), 0);
    assert_eq!(fx.library.search("owl", 10).unwrap().len(), 1);
}

#[test]
fn bad_files_are_located_errors() {
    let fx = Fixture::new();
    let jpeg = crate::fixtures::corpus().join("neg_jpeg_with_png_extension.png");
    match fx.library.add_file(&jpeg) {
        Err(LibraryError::BadImage { path, .. }) => assert_eq!(path, jpeg),
        other => panic!("expected BadImage, got {other:?}"),
    }
    let missing = fx.root().join("missing.png");
    assert!(matches!(fx.library.add_file(&missing), Err(LibraryError::Io { .. })));
    let truncated = fx.root().join("truncated.png");
    let bytes = std::fs::read(crate::fixtures::corpus().join("comfy_lora_multiple.png")).unwrap();
    std::fs::write(&truncated, &bytes[..5000]).unwrap();
    assert!(matches!(fx.library.add_file(&truncated), Err(LibraryError::BadImage { .. })));
}
