//! Importing folders: the shared corpus (ComfyUI, A1111, Fooocus, negatives), progress, rescans.

use easel_library::{ImageFilter, MetadataSource};

use crate::fixtures::{corpus, Fixture};

#[test]
fn corpus_imports_with_bad_files_reported_not_fatal() {
    let fx = Fixture::new();
    let mut reports = Vec::new();
    let report = fx.library.import_folder(&corpus(), &mut |p| reports.push(p.clone())).unwrap();
    let pngs = std::fs::read_dir(corpus())
        .unwrap()
        .filter(|e| e.as_ref().unwrap().path().extension().is_some_and(|x| x == "png"))
        .count();
    assert_eq!(report.total as usize, pngs);
    assert_eq!(report.done, report.total);
    assert_eq!(report.failed.len(), 1, "{:?}", report.failed);
    assert!(report.failed[0].contains("neg_jpeg_with_png_extension.png"));
    assert_eq!(report.added as usize, pngs - 1);
    assert!(reports.len() >= 2 && reports.windows(2).all(|w| w[0].done <= w[1].done));

    let all = fx.library.query(&easel_library::ImageQuery { limit: 100, ..Default::default() }).unwrap().items;
    let find = |name: &str| fx.library.image(all.iter().find(|i| i.path.ends_with(name)).unwrap().id).unwrap();

    let lora = find("comfy_lora_multiple.png");
    assert_eq!(lora.source, MetadataSource::ComfyUi);
    assert!(lora.models.iter().filter(|m| m.kind == "lora").count() >= 2, "{:?}", lora.models);
    assert!(lora.summary.seed.is_some());
    assert!(!lora.prompt.is_empty());

    let a1111 = find("a1111_parameters_cropped.png");
    assert_eq!(a1111.source, MetadataSource::A1111);
    assert_eq!(a1111.prompt, "photo of a duck");
    assert_eq!(a1111.summary.seed, Some(235_284_042));

    let ztxt = find("a1111_parameters_ztxt_after_idat.png");
    assert_eq!(ztxt.source, MetadataSource::A1111, "zTXt after IDAT is read");

    let fooocus = find("fooocus_parameters_json.png");
    assert_eq!(fooocus.source, MetadataSource::Fooocus);
    assert!(fooocus.models.iter().any(|m| m.name.contains("juggernaut")));

    let bare = find("neg_comfy_input_no_metadata.png");
    assert_eq!(bare.source, MetadataSource::None);

    let editor_only = find("user_wan21_workflow_only.png");
    assert!(fx.library.workflow(editor_only.summary.id).unwrap().editor.is_some());

    assert!(fx.library.search("duck", 10).unwrap().iter().any(|i| i.id == a1111.summary.id));
    assert!(fx.library.count(&ImageFilter { text: Some("LoraLoader".into()), ..Default::default() }).unwrap() >= 1);
}

#[test]
fn reimport_and_rescan_are_idempotent() {
    let fx = Fixture::new();
    for i in 0..5 {
        fx.saved(&format!("{i}.png"), "fox", i, 1_700_000_000, (16, 16));
    }
    std::fs::write(fx.root().join("junk.png"), b"junk").unwrap();
    let again = fx.library.rescan(&mut |_| {}).unwrap();
    assert_eq!((again.total, again.added, again.known, again.failed.len()), (6, 0, 5, 1));
    assert_eq!(fx.library.counts().unwrap().images, 5);
}

#[test]
fn a_lost_index_is_rebuilt_from_the_files() {
    let fx = Fixture::new();
    let (id, _) = fx.saved("a.png", "a red fox", 9, 1_700_000_000, (16, 16));
    let before = fx.library.image(id).unwrap();
    let root = fx.root();
    let Fixture { dir, library } = fx;
    drop(library);
    for suffix in ["", "-wal", "-shm"] {
        let file = root.join(format!("library.sqlite{suffix}"));
        if file.exists() {
            std::fs::remove_file(file).unwrap();
        }
    }
    let library = easel_library::Library::open(&root).unwrap();
    let report = library.rescan(&mut |_| {}).unwrap();
    assert_eq!(report.added, 1);
    let after = library.image(library.search("fox", 1).unwrap()[0].id).unwrap();
    assert_eq!((after.prompt, after.summary.seed, after.models), (before.prompt, before.summary.seed, before.models));
    drop(dir);
}
