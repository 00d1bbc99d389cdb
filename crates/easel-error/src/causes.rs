//! An error's text with the causes under it, and the search for one kind of cause. HTTP stacks
//! say little at the top ("error sending request") and the reason a person can act on sits
//! several sources down ("invalid peer certificate: UnknownIssuer", "Connection refused"). What
//! this leaves out: cleaning the text (each crate does that where it knows the secrets).

use std::error::Error;

/// How deep a chain is followed: real ones are under ten, and a cyclic or endless `source()`
/// must not hang the caller.
pub const MAX_CAUSES: usize = 16;

/// `error` and each of its sources, joined by ": ", each text once (a wrapper that repeats its
/// source's text adds nothing).
pub fn with_causes(error: &(dyn Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    for e in chain(error) {
        let text = e.to_string();
        if !text.is_empty() && !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
    }
    parts.join(": ")
}

/// The first error of type `T` in the chain under `error` (itself included). Also looks inside
/// `std::io::Error`, whose `source()` skips the error it wraps: TLS libraries hand their errors
/// up that way, sometimes in an `io::Error` inside another.
pub fn find_cause<'a, T: Error + 'static>(error: &'a (dyn Error + 'static)) -> Option<&'a T> {
    chain(error).find_map(|e| {
        let mut here: &(dyn Error + 'static) = e;
        for _ in 0..MAX_CAUSES {
            if let Some(found) = here.downcast_ref::<T>() {
                return Some(found);
            }
            here = here.downcast_ref::<std::io::Error>()?.get_ref()?;
        }
        None
    })
}

fn chain<'a>(error: &'a (dyn Error + 'static)) -> impl Iterator<Item = &'a (dyn Error + 'static)> {
    std::iter::successors(Some(error), |&e| e.source()).take(MAX_CAUSES)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Layer(&'static str, Option<Box<dyn Error + Send + Sync>>);

    impl std::fmt::Display for Layer {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(self.0)
        }
    }

    impl Error for Layer {
        fn source(&self) -> Option<&(dyn Error + 'static)> {
            self.1.as_deref().map(|e| e as &(dyn Error + 'static))
        }
    }

    #[derive(Debug, PartialEq)]
    struct Root;

    impl std::fmt::Display for Root {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("invalid peer certificate: UnknownIssuer")
        }
    }

    impl Error for Root {}

    fn http_like() -> Layer {
        let io = std::io::Error::new(std::io::ErrorKind::InvalidData, Root);
        let io = std::io::Error::other(io);
        Layer("error sending request", Some(Box::new(Layer("client error (Connect)", Some(Box::new(io))))))
    }

    #[test]
    fn the_text_names_every_cause_once() {
        assert_eq!(
            with_causes(&http_like()),
            "error sending request: client error (Connect): invalid peer certificate: UnknownIssuer"
        );
        let repeated = Layer("timed out", Some(Box::new(Layer("timed out", None))));
        assert_eq!(with_causes(&repeated), "timed out");
    }

    #[test]
    fn a_cause_is_found_inside_an_io_error_and_not_where_there_is_none() {
        assert_eq!(find_cause::<Root>(&http_like()), Some(&Root));
        assert!(find_cause::<Root>(&Layer("refused", None)).is_none());
    }

    #[test]
    fn a_deep_chain_is_cut_at_the_limit() {
        let mut deep = Layer("0", None);
        for _ in 0..(MAX_CAUSES * 2) {
            deep = Layer("layer", Some(Box::new(deep)));
        }
        assert_eq!(chain(&deep).count(), MAX_CAUSES);
        assert_eq!(with_causes(&deep), "layer");
    }
}
