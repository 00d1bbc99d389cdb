//! Text a server wrote (error messages, `google.rpc.Status` details, job failure reasons),
//! made safe to print on a terminal, store in the journal or show in the window. A hostile or
//! misbehaving server (or a proxy reflecting the request) can put terminal control sequences
//! and the caller's own `Authorization` header into that text, so every such string passes
//! through `clean` once, where the client builds a `TamsError` from a reply and where it reads
//! a job's failure reason: C0/C1 control characters are dropped (line breaks and tabs become
//! one space), the client's API key is replaced by `[redacted]` (alone and as `Bearer <key>`),
//! and the result is cut at `MAX_SERVER_TEXT_CHARS`. It leaves out text that is data rather
//! than a message (template defaults, prompts, URLs): those are sent back or parsed, and
//! rewriting them would change what the service receives.

/// The longest server message kept, in characters: room for a full `Status` message with a node
/// and input named, short enough that a reply of megabytes never becomes a screen of text.
pub const MAX_SERVER_TEXT_CHARS: usize = 1000;

/// What a redacted key reads as.
pub const REDACTED: &str = "[redacted]";

/// Marks text cut at `MAX_SERVER_TEXT_CHARS`.
const CUT_MARK: char = '…';

/// `raw` with control characters removed, `key` redacted (when given and non-empty) and the
/// length capped. Order matters: controls go first, so a key split by a control character the
/// terminal would not show is joined again and then redacted; the cap comes last, so it can
/// never cut a key in half and leave its prefix showing unredacted.
pub fn clean(raw: &str, key: Option<&str>) -> String {
    let mut text = strip_controls(raw);
    if let Some(key) = key.filter(|k| !k.is_empty()) {
        text = text.replace(&format!("Bearer {key}"), REDACTED).replace(key, REDACTED);
    }
    cap(text)
}

/// Drops every character of Unicode category Cc (C0, DEL, C1: ESC, CSI U+009B, BEL, backspace,
/// carriage return…) and the bidirectional overrides that reorder what a terminal shows; a run
/// of line breaks and tabs becomes one space so words stay apart.
fn strip_controls(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len().min(MAX_SERVER_TEXT_CHARS * 4));
    let mut pending_space = false;
    for c in raw.chars() {
        if matches!(c, '\n' | '\r' | '\t' | '\u{0b}' | '\u{0c}') {
            pending_space = true;
            continue;
        }
        if c.is_control() || is_bidi_control(c) {
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(c);
    }
    out
}

/// U+202A–U+202E and U+2066–U+2069: embeddings, overrides and isolates ("Trojan Source").
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

fn cap(text: String) -> String {
    match text.char_indices().nth(MAX_SERVER_TEXT_CHARS) {
        Some((at, _)) => {
            let mut cut = text[..at].to_string();
            cut.push(CUT_MARK);
            cut
        }
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_and_line_breaks_are_neutralised() {
        let raw = "bad\x1b]0;title\x07 \x1b[2J\x1b[31mred\u{9b}31m\r\nnext\tline\x08\x7f\u{202e}end";
        let clean = clean(raw, None);
        assert_eq!(clean, "bad]0;title [2J[31mred31m next lineend");
        assert!(!clean.chars().any(char::is_control));
    }

    #[test]
    fn the_key_is_redacted_alone_and_as_a_bearer_header() {
        let key = "leak-check-7f3a9c";
        let raw = "you sent Authorization=Bearer leak-check-7f3a9c, key=leak-check-7f3a9c, split=leak-\x1bcheck-7f3a9c";
        let clean = clean(raw, Some(key));
        assert_eq!(clean, "you sent Authorization=[redacted], key=[redacted], split=[redacted]");
        assert_eq!(super::clean("nothing to hide", Some("")), "nothing to hide", "an empty key redacts nothing");
    }

    #[test]
    fn long_text_is_cut_after_redaction() {
        let key = "k".repeat(20);
        let raw = format!("{}{key}", "x".repeat(MAX_SERVER_TEXT_CHARS - 5));
        let clean = clean(&raw, Some(&key));
        assert_eq!(clean.chars().count(), MAX_SERVER_TEXT_CHARS + 1);
        assert!(clean.ends_with("xxxxx[reda…"), "{clean}");
        assert!(!clean.contains("kkkk"));
    }
}
