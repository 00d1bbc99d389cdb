//! JSON as other tools actually write it: Python's `json.dumps` emits `NaN`, `Infinity` and
//! `-Infinity`, some writers leave a byte-order mark or trailing NUL bytes. Strict parsing is
//! tried first; only when it fails are those tokens (outside strings) read as `null`. Anything
//! else that is not JSON stays an error with the line and column of the first problem.

use serde_json::Value;

use crate::WorkflowError;

/// Parses `text` as JSON, tolerating NaN/Infinity tokens, a BOM and trailing NULs.
pub fn parse(text: &str) -> Result<Value, WorkflowError> {
    let text = text.trim_start_matches('\u{feff}').trim_end_matches(['\0', ' ', '\n', '\r', '\t']);
    let strict = match serde_json::from_str(text) {
        Ok(v) => return Ok(v),
        Err(e) => e,
    };
    let patched = patch_non_finite(text);
    // When patching changed something, its error is the real one (columns after a `NaN` on the
    // same line are one off, since `null` is one character longer).
    let error = if patched != text {
        match serde_json::from_str(&patched) {
            Ok(v) => return Ok(v),
            Err(e) => e,
        }
    } else {
        strict
    };
    Err(WorkflowError::Json { line: error.line(), column: error.column(), reason: error.to_string() })
}

/// Replaces bare NaN / Infinity / -Infinity tokens with `null`, leaving strings untouched.
fn patch_non_finite(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_string = false;
    let mut escaped = false;
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            rest = &rest[c.len_utf8()..];
            continue;
        }
        if c == '"' {
            in_string = true;
        } else if let Some(token) = ["-Infinity", "Infinity", "NaN"].iter().find(|t| rest.starts_with(**t)) {
            out.push_str("null");
            rest = &rest[token.len()..];
            continue;
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_finite_numbers_become_null_outside_strings() {
        let v = parse("\u{feff}{\"a\": NaN, \"b\": [-Infinity, Infinity], \"c\": \"NaN\"}\0\0").unwrap();
        assert_eq!(v, serde_json::json!({"a": null, "b": [null, null], "c": "NaN"}));
    }

    #[test]
    fn real_errors_keep_their_location() {
        let err = parse("{\n \"a\": NaN,\n oops}").unwrap_err();
        assert!(matches!(err, WorkflowError::Json { line: 3, .. }), "{err:?}");
    }
}
