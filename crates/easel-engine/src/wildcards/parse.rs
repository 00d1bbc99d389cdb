//! The wildcard syntax of a text input, parsed into pieces: literal text, a choice
//! (`{a|b|c}`, nested, `{2$$a|b|c}` for two distinct, `{1-3$$ and $$a|b|c}` for one to three
//! joined by " and "), and a file reference (`__name__`, `__styles/light__`). `\{`, `\}` and
//! `\|` are literal braces and bars; any other backslash stays as written (ComfyUI's `\(`).
//! Errors carry the character offset they were found at. Leaves out weights and variables.

/// One piece of a parsed text.
#[derive(Debug, Clone, PartialEq)]
pub enum Piece {
    /// Sent as written.
    Text(String),
    /// Between `min` and `max` distinct options, joined by `separator`.
    Choice { min: usize, max: usize, separator: String, options: Vec<Vec<Piece>> },
    /// One line of `<library>/wildcards/<name>.txt`.
    File(String),
}

/// Where and why a text is not valid wildcard syntax.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    /// Character offset (0-based) of the problem.
    pub at: usize,
    /// What is wrong and how to write it instead.
    pub reason: String,
}

/// Nesting deeper than this is refused (a runaway text, not a prompt).
pub const MAX_NESTING: usize = 16;
/// Options one choice may list.
pub const MAX_OPTIONS: usize = 1_000;

/// True when `text` may hold wildcard syntax (anything else is sent untouched, unparsed).
pub fn has_syntax(text: &str) -> bool {
    text.contains(['{', '}']) || text.contains("__")
}

/// Parses `text`.
pub fn parse(text: &str) -> Result<Vec<Piece>, SyntaxError> {
    let chars: Vec<char> = text.chars().collect();
    let mut parser = Parser { chars: &chars, at: 0 };
    let pieces = parser.sequence(0)?;
    match parser.peek() {
        None => Ok(pieces),
        Some('}') => {
            Err(parser.error(parser.at, "a closing brace without its opening one: write \\} for a literal brace"))
        }
        Some(_) => Err(parser.error(parser.at, "unexpected character")),
    }
}

struct Parser<'a> {
    chars: &'a [char],
    at: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn error(&self, at: usize, reason: &str) -> SyntaxError {
        SyntaxError { at, reason: reason.to_string() }
    }

    /// Pieces up to the end, or (inside a choice, `depth > 0`) up to the next `|` or `}`.
    fn sequence(&mut self, depth: usize) -> Result<Vec<Piece>, SyntaxError> {
        let mut pieces = Vec::new();
        let mut text = String::new();
        while let Some(c) = self.peek() {
            match c {
                '\\' if matches!(self.chars.get(self.at + 1), Some('{' | '}' | '|')) => {
                    text.push(self.chars[self.at + 1]);
                    self.at += 2;
                }
                '{' => {
                    if depth >= MAX_NESTING {
                        return Err(self.error(self.at, "choices nested too deeply"));
                    }
                    flush(&mut text, &mut pieces);
                    pieces.push(self.choice(depth + 1)?);
                }
                '}' => break,
                '|' if depth > 0 => break,
                '_' if self.chars.get(self.at + 1) == Some(&'_') => match self.file_name() {
                    Some((name, end)) => {
                        flush(&mut text, &mut pieces);
                        pieces.push(Piece::File(name));
                        self.at = end;
                    }
                    None => {
                        text.push('_');
                        self.at += 1;
                    }
                },
                _ => {
                    text.push(c);
                    self.at += 1;
                }
            }
        }
        flush(&mut text, &mut pieces);
        Ok(pieces)
    }

    /// A `{...}` choice; `self.at` is on the `{`.
    fn choice(&mut self, depth: usize) -> Result<Piece, SyntaxError> {
        let open = self.at;
        self.at += 1;
        let (min, max, separator) = self.quantity()?;
        let mut options = Vec::new();
        loop {
            options.push(self.sequence(depth)?);
            if options.len() > MAX_OPTIONS {
                return Err(self.error(open, "a choice with more than 1000 options"));
            }
            match self.peek() {
                Some('|') => self.at += 1,
                Some('}') => {
                    self.at += 1;
                    break;
                }
                _ => return Err(self.error(open, "this brace is never closed: add } or write \\{ for a literal brace")),
            }
        }
        if min > options.len() {
            return Err(self.error(open, &format!("asks for {min} distinct options of {}", options.len())));
        }
        Ok(Piece::Choice { min, max: max.min(options.len()), separator, options })
    }

    /// An optional `N$$`, `N-M$$` and separator `text$$` after a choice's `{`.
    fn quantity(&mut self) -> Result<(usize, usize, String), SyntaxError> {
        let one = (1, 1, ", ".to_string());
        let rest = &self.chars[self.at..];
        let digits = |from: usize| rest[from..].iter().take_while(|c| c.is_ascii_digit()).count();
        let a = digits(0);
        if a == 0 {
            return Ok(one);
        }
        let mut end = a;
        let mut b = None;
        if rest.get(end) == Some(&'-') && digits(end + 1) > 0 {
            let n = digits(end + 1);
            b = Some((end + 1, end + 1 + n));
            end += 1 + n;
        }
        if rest.get(end..end + 2) != Some(&['$', '$'][..]) {
            return Ok(one);
        }
        let number = |from: usize, to: usize| rest[from..to].iter().collect::<String>().parse::<usize>().ok();
        let too_many = || self.error(self.at, "the number of options to pick is too large");
        let min = number(0, a).filter(|n| *n <= MAX_OPTIONS).ok_or_else(too_many)?;
        let max = match b {
            Some((from, to)) => number(from, to).filter(|n| *n <= MAX_OPTIONS).ok_or_else(too_many)?,
            None => min,
        };
        if max < min || max == 0 {
            return Err(self.error(self.at, "pick at least one option, and the lower count first (1-3$$)"));
        }
        end += 2;
        // A separator is the text before a second `$$`, when one comes before the first option ends.
        let mut separator = ", ".to_string();
        let stop = rest[end..].iter().position(|c| matches!(c, '|' | '}' | '{')).map_or(rest.len(), |p| end + p);
        if let Some(p) = rest[end..stop].windows(2).position(|w| w == ['$', '$']) {
            separator = rest[end..end + p].iter().collect();
            end += p + 2;
        }
        self.at += end;
        Ok((min, max, separator))
    }

    /// The name of a `__name__` starting at `self.at`, and where it ends; None when the
    /// underscores are just text.
    fn file_name(&self) -> Option<(String, usize)> {
        let start = self.at + 2;
        let mut end = start;
        while end + 1 < self.chars.len() && !(self.chars[end] == '_' && self.chars[end + 1] == '_') {
            let c = self.chars[end];
            if !(c.is_alphanumeric() || matches!(c, '_' | '-' | '/' | '.')) {
                return None;
            }
            end += 1;
        }
        if end + 1 >= self.chars.len() || end == start || !self.chars[start].is_alphanumeric() {
            return None;
        }
        Some((self.chars[start..end].iter().collect(), end + 2))
    }
}

fn flush(text: &mut String, pieces: &mut Vec<Piece>) {
    if !text.is_empty() {
        pieces.push(Piece::Text(std::mem::take(text)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Piece {
        Piece::Text(s.into())
    }

    fn one_of(options: Vec<Vec<Piece>>) -> Piece {
        Piece::Choice { min: 1, max: 1, separator: ", ".into(), options }
    }

    #[test]
    fn choices_nest_and_files_are_named() {
        assert_eq!(
            parse("a {red|green {light|dark}} fox, __styles/light__").unwrap(),
            vec![
                text("a "),
                one_of(vec![
                    vec![text("red")],
                    vec![text("green "), one_of(vec![vec![text("light")], vec![text("dark")]])]
                ]),
                text(" fox, "),
                Piece::File("styles/light".into()),
            ]
        );
        assert_eq!(parse("{a||b}").unwrap(), vec![one_of(vec![vec![text("a")], vec![], vec![text("b")]])]);
    }

    #[test]
    fn counts_and_separators() {
        let Piece::Choice { min, max, separator, options } = &parse("{2$$a|b|c}").unwrap()[0] else { panic!() };
        assert_eq!((*min, *max, separator.as_str(), options.len()), (2, 2, ", ", 3));
        let Piece::Choice { min, max, separator, .. } = &parse("{1-3$$ and $$a|b}").unwrap()[0] else { panic!() };
        assert_eq!((*min, *max, separator.as_str()), (1, 2, " and "), "at most as many as there are");
        assert_eq!(parse("{12 apples|pears}").unwrap()[0], one_of(vec![vec![text("12 apples")], vec![text("pears")]]));
        assert_eq!(parse("{4$$a|b}").unwrap_err().at, 0);
        assert!(parse("{3-1$$a|b|c}").is_err());
    }

    #[test]
    fn escapes_and_plain_underscores_stay_text() {
        assert_eq!(parse(r"\{not a choice\} a\|b \(weight\)").unwrap(), vec![text(r"{not a choice} a|b \(weight\)")]);
        assert_eq!(parse("a | b").unwrap(), vec![text("a | b")], "a bar outside braces is text");
        for plain in ["____", "snake_case", "__ spaced __", "__trailing", "x__y", "__.hidden__"] {
            assert_eq!(parse(plain).unwrap(), vec![text(plain)], "{plain}");
        }
        assert!(!has_syntax("masterpiece, best quality"));
    }

    #[test]
    fn unbalanced_braces_are_located() {
        let open = parse("a fox {red|green").unwrap_err();
        assert_eq!(open.at, 6);
        assert!(open.reason.contains("never closed"), "{}", open.reason);
        let close = parse("a fox} here").unwrap_err();
        assert_eq!(close.at, 5);
        assert!(close.reason.contains("closing brace"));
        let offset_in_chars = parse("é {").unwrap_err();
        assert_eq!(offset_in_chars.at, 2, "characters, not bytes");
        let deep = "{".repeat(40);
        assert!(parse(&deep).unwrap_err().reason.contains("deeply"));
    }
}
