//! Choosing what a PNG's text chunks mean. The API graph in `prompt` is what ran, so it wins;
//! the editor `workflow` rides along for the UI, and is converted only when `prompt` is absent
//! or unreadable. Without either, A1111 `parameters` text or Fooocus JSON is rebuilt as a plain
//! graph. Tensor.Art's own `generation_data` chunk (its `models` list) maps the graph's model
//! files to their ids. A PNG with none of these is an error that lists the chunks it does have. Text chunks
//! the reader left out (over the inflate budget, past the chunk cap) are named in a warning, or
//! in the error when nothing could be imported. Reading the chunks is `png_text`'s business.

use crate::editor::{editor_to_workflow, is_editor_graph};
use crate::{png_text, Format, Imported, PngText, Schemas, WorkflowError};

pub(crate) fn import_png(bytes: &[u8], schemas: &Schemas) -> Result<Imported, WorkflowError> {
    let text = png_text(bytes)?;
    let mut left_out: Vec<String> = text.skipped.iter().map(ToString::to_string).collect();
    if text.more_skipped > 0 {
        left_out.push(format!("{} more", text.more_skipped));
    }
    match choose(&text, schemas) {
        Ok(mut imported) => {
            let generation = text.entries.iter().find(|(k, _)| k.eq_ignore_ascii_case("generation_data"));
            if let Some((_, data)) = generation {
                crate::tensorart::apply_generation_data(&mut imported, data);
            }
            let notes = left_out.into_iter().map(|s| format!("PNG text chunk not read: {s}"));
            imported.warnings.splice(0..0, notes);
            Ok(imported)
        }
        // Whatever was left out may be what the person expected to find, so the error says so.
        Err(WorkflowError::Png(reason)) if !left_out.is_empty() => {
            Err(WorkflowError::Png(format!("{reason}; text chunks not read: {}", left_out.join("; "))))
        }
        Err(e) => Err(e),
    }
}

fn choose(text: &PngText, schemas: &Schemas) -> Result<Imported, WorkflowError> {
    let chunks = &text.entries;
    let get = |key: &str| chunks.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| v.as_str());
    let mut warnings = Vec::new();
    let editor = get("workflow").and_then(|w| match crate::lenient::parse(w) {
        Ok(v) if is_editor_graph(&v) => Some(v),
        Ok(_) => {
            warnings.push("PNG chunk `workflow` is JSON but not an editor graph; ignored".to_string());
            None
        }
        Err(e) => {
            warnings.push(format!("PNG chunk `workflow` is not readable JSON ({e}); ignored"));
            None
        }
    });
    if let Some(prompt) = get("prompt") {
        match schemas.import_json_str(prompt) {
            Ok(mut imported) => {
                imported.format = Format::PngPrompt;
                imported.warnings.splice(0..0, warnings);
                imported.editor = editor;
                return Ok(imported);
            }
            Err(e) if editor.is_some() => {
                warnings.push(format!("PNG chunk `prompt` could not be read ({e}); using `workflow`"))
            }
            Err(e) => return Err(WorkflowError::Png(format!("chunk `prompt`: {e}"))),
        }
    }
    if let Some(editor) = editor {
        let (workflow, more) =
            editor_to_workflow(&editor, schemas).map_err(|e| WorkflowError::Png(format!("chunk `workflow`: {e}")))?;
        warnings.extend(more);
        let mut imported = Imported::new(workflow, Format::PngWorkflow);
        imported.warnings = warnings;
        imported.editor = Some(editor);
        crate::tensorart::normalise(&mut imported);
        return Ok(imported);
    }
    if let Some(params) = get("parameters") {
        let trimmed = params.trim_start();
        if trimmed.starts_with('{') {
            let value =
                crate::lenient::parse(trimmed).map_err(|e| WorkflowError::Png(format!("chunk `parameters`: {e}")))?;
            let Some(settings) = crate::fooocus::parse_fooocus(&value) else {
                return Err(WorkflowError::Png(
                    "chunk `parameters` holds JSON that is neither Fooocus nor a workflow".into(),
                ));
            };
            let mut imported = Imported::new(settings.to_workflow(), Format::Fooocus);
            warnings.push("rebuilt from Fooocus settings as a text-to-image graph (styles, refiner and ADM guidance are not reproduced)".into());
            imported.warnings = warnings;
            return Ok(imported);
        }
        if let Some((settings, more)) = crate::a1111::parse_a1111(params) {
            let mut imported = Imported::new(settings.to_workflow(), Format::A1111);
            warnings.push("rebuilt from A1111 settings as a text-to-image graph".into());
            warnings.extend(more);
            imported.warnings = warnings;
            crate::tensorart::normalise(&mut imported);
            return Ok(imported);
        }
        return Err(WorkflowError::Png(
            "chunk `parameters` is not A1111 settings (no `Key: value` settings line)".into(),
        ));
    }
    let keys: Vec<&str> = chunks.iter().map(|(k, _)| k.as_str()).collect();
    Err(WorkflowError::Png(if keys.is_empty() && !text.skipped.is_empty() {
        "no text chunk could be read, so no workflow".into()
    } else if keys.is_empty() {
        "no text chunks at all, so no workflow (metadata hidden in pixels, e.g. A1111 stealth PNG info, is not read)"
            .into()
    } else {
        format!("no `prompt`, `workflow` or `parameters` chunk (found: {})", keys.join(", "))
    }))
}
