//! A generated library for tests, demos and benchmarks: small real PNGs (64–96 px) whose
//! embedded `prompt` and `easel` chunks vary like a person's output folder (20 subjects × 12
//! styles × 12 moods, 6 checkpoints, 7 LoRAs, 4 workflow names, a year of dates). Deterministic:
//! image `i` is always the same bytes. Not used by the app itself.

use std::io::Cursor;
use std::path::{Path, PathBuf};

use image::codecs::png::{CompressionType, FilterType as PngFilter, PngEncoder};
use image::ImageEncoder;
use serde_json::json;

/// Sample vocabulary.
pub const SUBJECTS: &[&str] = &[
    "fox",
    "owl",
    "castle",
    "robot",
    "portrait",
    "forest",
    "city",
    "dragon",
    "ship",
    "garden",
    "astronaut",
    "cat",
    "mountain",
    "library",
    "market",
    "waterfall",
    "knight",
    "lighthouse",
    "desert",
    "samurai",
];
/// Sample vocabulary.
pub const STYLES: &[&str] = &[
    "oil painting",
    "watercolor",
    "cinematic photo",
    "anime",
    "pixel art",
    "charcoal sketch",
    "isometric render",
    "ukiyo-e",
    "art nouveau",
    "film noir",
    "vaporwave",
    "studio ghibli style",
];
/// Sample vocabulary.
pub const MOODS: &[&str] = &[
    "misty",
    "golden hour",
    "neon",
    "snowy",
    "stormy",
    "serene",
    "dramatic",
    "whimsical",
    "melancholic",
    "vibrant",
    "moonlit",
    "dusty",
];
/// Sample vocabulary.
pub const CHECKPOINTS: &[&str] = &[
    "sdxl/juggernautXL_v9.safetensors",
    "sd15/dreamshaper_8.safetensors",
    "flux1-dev-fp8.safetensors",
    "realvisxl_v4.safetensors",
    "600423083519508503",
    "animagine-xl-3.1.safetensors",
];
/// Sample vocabulary.
pub const WORKFLOWS: &[&str] = &["portraits", "landscapes", "concept art", "product shots"];
/// Sample vocabulary.
pub const LORAS: &[&str] = &[
    "film_grain.safetensors",
    "add_detail.safetensors",
    "pixel_style.safetensors",
    "watercolor_v2.safetensors",
    "detail_tweaker_xl.safetensors",
    "ghibli_lora.safetensors",
    "none",
];

/// Writes sample image `i` under `root/day-NNN/img-NNNNNN.png` and returns its path.
pub fn write_sample_image(root: &Path, i: usize) -> std::io::Result<PathBuf> {
    let r = xorshift(i as u64 + 1);
    let pick = |list: &[&'static str], salt: u64| list[(xorshift(r ^ salt) % list.len() as u64) as usize];
    let (w, h) = [(64, 64), (96, 64), (64, 96), (80, 80)][(r % 4) as usize];
    let created = 1_700_000_000 + (i as i64) * 300 + (r % 300) as i64; // ~1 year over 100k images
    let prompt = format!("{} {}, {}, {}", pick(MOODS, 1), pick(SUBJECTS, 2), pick(STYLES, 3), pick(MOODS, 4));
    let lora = pick(LORAS, 5);
    let mut graph = json!({
        "4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": pick(CHECKPOINTS, 6)}},
        "6": {"class_type": "CLIPTextEncode", "inputs": {"text": prompt, "clip": ["4", 1]}},
        "7": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry, lowres, watermark", "clip": ["4", 1]}},
        "5": {"class_type": "EmptyLatentImage", "inputs": {"width": w * 16, "height": h * 16, "batch_size": 1}},
        "3": {"class_type": "KSampler", "inputs": {"seed": r % 1_000_000_007, "steps": 20 + r % 20, "cfg": 7,
              "sampler_name": "euler", "scheduler": "normal", "denoise": 1, "model": ["4", 0],
              "positive": ["6", 0], "negative": ["7", 0], "latent_image": ["5", 0]}},
        "8": {"class_type": "VAEDecode", "inputs": {"samples": ["3", 0], "vae": ["4", 2]}},
        "9": {"class_type": "SaveImage", "inputs": {"filename_prefix": "easel", "images": ["8", 0]}}
    });
    if lora != "none" {
        graph["10"] = json!({"class_type": "LoraLoader", "inputs": {"lora_name": lora, "strength_model": 0.8,
            "model": ["4", 0], "clip": ["4", 1]}});
    }
    if matches!(r % 5, 0) {
        graph["11"] = json!({"class_type": "LatentUpscale", "inputs": {"upscale_method": "nearest-exact",
            "width": w * 32, "height": h * 32, "crop": "disabled", "samples": ["3", 0]}});
    }
    let easel = json!({"runId": format!("run-{}", i / 4), "jobId": format!("job-{}", i / 4), "seeds": {"3": r % 1_000_000_007},
        "createdAt": created, "workflow": WORKFLOWS[i % 4]});
    let (cr, cg, cb) = ((r >> 8) as u8, (r >> 16) as u8, (r >> 24) as u8);
    let pixels = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([cr ^ (x as u8).wrapping_mul(3), cg ^ (y as u8).wrapping_mul(2), cb])
    });
    let mut png = Vec::new();
    PngEncoder::new_with_quality(Cursor::new(&mut png), CompressionType::Fast, PngFilter::Adaptive)
        .write_image(&pixels, w, h, image::ExtendedColorType::Rgb8)
        .map_err(std::io::Error::other)?;
    let bytes = easel_workflow::png_with_text(&png, &[("prompt", &graph.to_string()), ("easel", &easel.to_string())])
        .map_err(|e| std::io::Error::other(e.to_string()))?;
    let day = root.join(format!("day-{:03}", i / 300));
    std::fs::create_dir_all(&day)?;
    let path = day.join(format!("img-{i:06}.png"));
    std::fs::write(&path, bytes)?;
    Ok(path)
}

/// The prompt of sample image `i` (what full-text search finds it by).
pub fn sample_prompt(i: usize) -> String {
    let r = xorshift(i as u64 + 1);
    let pick = |list: &[&'static str], salt: u64| list[(xorshift(r ^ salt) % list.len() as u64) as usize];
    format!("{} {}, {}, {}", pick(MOODS, 1), pick(SUBJECTS, 2), pick(STYLES, 3), pick(MOODS, 4))
}

/// The generator behind the samples (xorshift64*), for callers that derive more data.
pub fn xorshift(mut x: u64) -> u64 {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    x.wrapping_mul(0x2545_f491_4f6c_dd1d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_are_deterministic_pngs_with_their_prompt() {
        let dir = std::env::temp_dir().join(format!("easel-sample-{}", std::process::id()));
        let a = std::fs::read(write_sample_image(&dir, 7).unwrap()).unwrap();
        let b = std::fs::read(write_sample_image(&dir, 7).unwrap()).unwrap();
        assert_eq!(a, b);
        assert!(a.starts_with(b"\x89PNG"));
        let text = String::from_utf8_lossy(&a);
        assert!(text.contains(&sample_prompt(7)));
        std::fs::remove_dir_all(dir).unwrap();
    }
}
