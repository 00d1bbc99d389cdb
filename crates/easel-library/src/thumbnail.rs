//! One thumbnail: decode the PNG, shrink it to 512 px on the long side with fast_image_resize
//! (SIMD convolution), encode a JPEG (jpeg-encoder, SIMD), and write it atomically into `<library>/.thumbs/`, keyed by
//! the file's content hash so duplicates share one and a rebuilt index finds them again. The
//! worker pool that runs many of these lives in `pool`.

use std::io::Write;
use std::path::{Path, PathBuf};

use fast_image_resize::images::Image as FirImage;
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};
use image::DynamicImage;
use jpeg_encoder::{ColorType, Encoder};

use crate::inside::content_hash;
use crate::LibraryError;

/// The long side of a thumbnail, in pixels.
pub const THUMBNAIL_SIZE: u32 = 512;
/// JPEG quality: at 512 px, 82 shows no artefacts on generated images and halves the bytes of 95.
const QUALITY: u8 = 82;

/// Where the thumbnail of the file with content hash `hash` lives under `root`; a hash the index
/// did not write (see `inside`) is refused rather than turned into a path.
pub(crate) fn thumbnail_path(root: &Path, hash: &str) -> Result<PathBuf, LibraryError> {
    let hash = content_hash(hash)?;
    Ok(root.join(".thumbs").join(&hash[..2]).join(format!("{hash}.jpg")))
}

/// The largest side of a picture Easel decodes for a thumbnail: 16384 px (above what any
/// generator writes; a 16384² RGBA decode is 1 GiB, so `MAX_DECODE_BYTES` stops those first).
pub const MAX_DECODE_SIDE: u32 = 16_384;
/// The most memory one thumbnail decode may allocate: 512 MiB (a 11585² RGBA picture).
pub const MAX_DECODE_BYTES: u64 = 512 * 1024 * 1024;

/// Decodes `source` into 8-bit RGB; the step the benchmark measures alone as its baseline. The
/// file is streamed into the decoder, never read whole, and the decode is bounded by
/// `MAX_DECODE_SIDE` and `MAX_DECODE_BYTES` before any pixel memory is taken.
pub fn decode_rgb(source: &Path) -> Result<(u32, u32, Vec<u8>), LibraryError> {
    let file = std::fs::File::open(source).map_err(|e| LibraryError::io(source, e))?;
    let mut reader = image::ImageReader::with_format(std::io::BufReader::new(file), image::ImageFormat::Png);
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_DECODE_SIDE);
    limits.max_image_height = Some(MAX_DECODE_SIDE);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(limits);
    let decoded = reader.decode().map_err(|e| LibraryError::bad(source, format!("does not decode: {e}")))?;
    let (w, h) = (decoded.width(), decoded.height());
    // Alpha is dropped: JPEG has none, and generated images are opaque in practice.
    let rgb = match decoded {
        DynamicImage::ImageRgb8(rgb) => rgb.into_raw(),
        other => other.to_rgb8().into_raw(),
    };
    Ok((w, h, rgb))
}

/// The thumbnail's size for an image of `w`×`h`: the long side at most `THUMBNAIL_SIZE`, never
/// enlarged, never zero.
pub fn thumbnail_size(w: u32, h: u32) -> (u32, u32) {
    let long = w.max(h).max(1);
    if long <= THUMBNAIL_SIZE {
        return (w.max(1), h.max(1));
    }
    let scale =
        |side: u32| ((u64::from(side) * u64::from(THUMBNAIL_SIZE) + u64::from(long) / 2) / u64::from(long)) as u32;
    (scale(w).max(1), scale(h).max(1))
}

/// Makes the thumbnail of `source` at `dest` (temp file + rename, so readers never see half).
pub fn make_thumbnail(source: &Path, dest: &Path) -> Result<(), LibraryError> {
    let (w, h, rgb) = decode_rgb(source)?;
    let jpeg = shrink_and_encode(w, h, rgb, source)?;
    write_atomic(dest, &jpeg)
}

/// Resizes decoded RGB pixels and encodes them as JPEG.
pub(crate) fn shrink_and_encode(w: u32, h: u32, rgb: Vec<u8>, source: &Path) -> Result<Vec<u8>, LibraryError> {
    let (tw, th) = thumbnail_size(w, h);
    let pixels = if (tw, th) == (w, h) {
        rgb
    } else {
        let src = FirImage::from_vec_u8(w, h, rgb, PixelType::U8x3)
            .map_err(|e| LibraryError::bad(source, format!("pixel buffer: {e}")))?;
        let mut dst = FirImage::new(tw, th, PixelType::U8x3);
        // Bilinear on a downscale of ≤ 4× looks like Lanczos at thumbnail size and is ~2× faster.
        let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Bilinear));
        Resizer::new()
            .resize(&src, &mut dst, &options)
            .map_err(|e| LibraryError::bad(source, format!("resize: {e}")))?;
        dst.into_vec()
    };
    let mut jpeg = Vec::with_capacity((tw * th / 4) as usize);
    // thumbnail_size keeps both sides at most THUMBNAIL_SIZE, so they fit JPEG's u16 sides.
    let (jw, jh) = (u16::try_from(tw), u16::try_from(th));
    let (Ok(jw), Ok(jh)) = (jw, jh) else {
        return Err(LibraryError::bad(source, format!("thumbnail {tw}x{th} is too large for JPEG")));
    };
    Encoder::new(&mut jpeg, QUALITY)
        .encode(&pixels, jw, jh, ColorType::Rgb)
        .map_err(|e| LibraryError::bad(source, format!("thumbnail encode: {e}")))?;
    Ok(jpeg)
}

/// Writes `bytes` to `dest` through a sibling temp file and a rename; creates the folder.
pub(crate) fn write_atomic(dest: &Path, bytes: &[u8]) -> Result<(), LibraryError> {
    let dir = dest.parent().ok_or_else(|| LibraryError::Invalid(format!("{} has no folder", dest.display())))?;
    std::fs::create_dir_all(dir).map_err(|e| LibraryError::io(dir, e))?;
    let name = dest.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    // The thread id keeps two workers writing the same key from sharing a temp file.
    let temp = dir.join(format!(".{name}.{:?}.part", std::thread::current().id()).replace(['(', ')'], ""));
    let mut file = std::fs::File::create(&temp).map_err(|e| LibraryError::io(&temp, e))?;
    file.write_all(bytes).map_err(|e| LibraryError::io(&temp, e))?;
    drop(file);
    std::fs::rename(&temp, dest).map_err(|e| LibraryError::io(dest, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_keep_aspect_and_never_grow() {
        assert_eq!(thumbnail_size(1024, 768), (512, 384));
        assert_eq!(thumbnail_size(768, 1344), (293, 512));
        assert_eq!(thumbnail_size(300, 200), (300, 200));
        assert_eq!(thumbnail_size(100_000, 1), (512, 1));
        assert_eq!(thumbnail_size(0, 0), (1, 1));
    }

    #[test]
    fn corrupt_source_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("t.jpg");
        let err = make_thumbnail(
            &std::env::var_os("EASEL_SHARED")
                .map(std::path::PathBuf::from)
                .filter(|p| p.is_dir())
                .unwrap_or_else(|| std::path::PathBuf::from("/work/shared"))
                .join("corpus/png/neg_jpeg_with_png_extension.png"),
            &dest,
        );
        assert!(matches!(err, Err(LibraryError::BadImage { .. })));
        assert!(!dest.exists());
    }
}
