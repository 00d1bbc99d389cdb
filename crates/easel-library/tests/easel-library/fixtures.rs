//! Real PNG files with Easel-like metadata, and a fresh library in a temp dir.

use std::io::Cursor;
use std::path::{Path, PathBuf};

use easel_library::{ImageFacts, ImageId, Library};
use serde_json::json;

/// The corpus PNGs: `$EASEL_SHARED/corpus/png` (set by .cargo/config.toml or .ci/test-suite),
/// else /work/shared/corpus/png.
pub fn corpus() -> std::path::PathBuf {
    std::env::var_os("EASEL_SHARED")
        .map(std::path::PathBuf::from)
        .filter(|p| p.is_dir())
        .unwrap_or_else(|| std::path::PathBuf::from("/work/shared"))
        .join("corpus/png")
        .canonicalize()
        .expect("the corpus folder exists")
}

pub struct Fixture {
    pub dir: tempfile::TempDir,
    pub library: Library,
}

impl Fixture {
    pub fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let library = Library::open_with_threads(&dir.path().join("library"), 2).unwrap();
        Fixture { dir, library }
    }

    pub fn root(&self) -> PathBuf {
        self.library.root().to_path_buf()
    }

    /// Writes and adds an Easel image; returns its id and path.
    pub fn saved(&self, name: &str, prompt: &str, seed: i64, created_at: i64, size: (u32, u32)) -> (ImageId, PathBuf) {
        let path = self.root().join("2024-01-01").join(name);
        write_png(&path, prompt, seed, created_at, size);
        let facts = ImageFacts {
            run_id: format!("run-{name}"),
            job_id: format!("job-{name}"),
            workflow: Some("portraits".into()),
            ..ImageFacts::default()
        };
        (self.library.add_saved(&path, &facts).unwrap(), path)
    }
}

/// A small graph: checkpoint + LoRA, positive/negative prompts, a sampler with `seed`.
pub fn graph(prompt: &str, seed: i64) -> serde_json::Value {
    json!({
        "4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "sdxl/juggernaut_v9.safetensors"}},
        "5": {"class_type": "LoraLoader", "inputs": {"lora_name": "film_grain.safetensors", "model": ["4", 0], "clip": ["4", 1]}},
        "6": {"class_type": "CLIPTextEncode", "inputs": {"text": prompt, "clip": ["5", 1]}},
        "7": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry, watermark", "clip": ["5", 1]}},
        "3": {"class_type": "KSampler", "inputs": {"seed": seed, "steps": 20, "sampler_name": "euler",
              "model": ["5", 0], "positive": ["6", 0], "negative": ["7", 0]}},
        "9": {"class_type": "SaveImage", "inputs": {"filename_prefix": "easel", "images": ["3", 0]}}
    })
}

/// Writes a real PNG of `size` carrying `prompt` and `easel` chunks as the engine writes them.
pub fn write_png(path: &Path, prompt: &str, seed: i64, created_at: i64, size: (u32, u32)) {
    let pixels =
        image::RgbImage::from_fn(size.0, size.1, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, seed as u8]));
    let mut bytes = Vec::new();
    image::DynamicImage::ImageRgb8(pixels).write_to(&mut Cursor::new(&mut bytes), image::ImageFormat::Png).unwrap();
    let easel = json!({"runId": "r", "jobId": "j", "seeds": {"3": seed}, "createdAt": created_at}).to_string();
    let text = graph(prompt, seed).to_string();
    let bytes = easel_workflow::png_with_text(&bytes, &[("prompt", &text), ("easel", &easel)]).unwrap();
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}
