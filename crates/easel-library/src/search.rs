//! Turning what a person types into a safe FTS5 query. Every word is quoted (so `-`, `:`, `*`,
//! `AND` and quotes in a prompt are text, not syntax) and the last word is a prefix, so results
//! follow typing. Words are ANDed. The column weights used for ranking live here too.

/// BM25 weights per search column (prompt, negative, models, classes, tags, workflow): a match
/// in the prompt or a tag counts most, one in the negative prompt least.
pub(crate) const RANK: &str = "bm25(image_text, 10.0, 1.0, 6.0, 2.0, 8.0, 4.0)";

/// The FTS5 query for `text`, or `None` when it holds no searchable word.
pub fn fts_query(text: &str) -> Option<String> {
    let words: Vec<&str> = text.split_whitespace().filter(|w| w.chars().any(char::is_alphanumeric)).collect();
    let last = words.len().checked_sub(1)?;
    let parts: Vec<String> = words
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let quoted = format!("\"{}\"", w.replace('"', "\"\""));
            if i == last {
                quoted + "*"
            } else {
                quoted
            }
        })
        .collect();
    Some(parts.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_words_and_prefixes_the_last() {
        assert_eq!(fts_query("red fo").as_deref(), Some("\"red\" \"fo\"*"));
        assert_eq!(fts_query("  say \"hi\" AND -x ").as_deref(), Some("\"say\" \"\"\"hi\"\"\" \"AND\" \"-x\"*"));
        assert_eq!(fts_query(" -- * "), None);
    }
}
