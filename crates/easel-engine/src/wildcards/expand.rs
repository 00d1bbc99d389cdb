//! Turning parsed pieces into the text sent: one seeded choice (the same seed always gives the
//! same text), or every combination in a stable order (options in the order written, a file's
//! lines top to bottom). Files are looked up in what `files` loaded; a missing one cannot happen
//! here because loading checked every name first. Both ways stop at explicit size limits.

use std::collections::HashMap;

use super::parse::Piece;

/// Characters one expanded text may reach.
pub const MAX_EXPANDED_CHARS: usize = 64 * 1024;

/// The loaded wildcard files: name → its lines, parsed.
pub type Lines = HashMap<String, Vec<Vec<Piece>>>;

/// Why an expansion stopped.
#[derive(Debug, Clone, PartialEq)]
pub enum Overflow {
    /// The text grew past `MAX_EXPANDED_CHARS`.
    Length,
    /// There are more combinations than `limit`.
    Combinations(usize),
}

/// A small deterministic generator (SplitMix64): the same seed gives the same sequence on
/// every machine and in every release, which is what makes a seed's prompt reproducible.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (n > 0).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// One text drawn from `pieces` with `rng`.
pub fn draw(pieces: &[Piece], lines: &Lines, rng: &mut Rng) -> Result<String, Overflow> {
    let mut out = String::new();
    draw_into(pieces, lines, rng, &mut out)?;
    Ok(out)
}

fn draw_into(pieces: &[Piece], lines: &Lines, rng: &mut Rng, out: &mut String) -> Result<(), Overflow> {
    for piece in pieces {
        match piece {
            Piece::Text(text) => out.push_str(text),
            Piece::File(name) => {
                if let Some(file) = lines.get(name).filter(|f| !f.is_empty()) {
                    let line = &file[rng.below(file.len())];
                    draw_into(line, lines, rng, out)?;
                }
            }
            Piece::Choice { min, max, separator, options } => {
                let k = min + rng.below(max - min + 1);
                // A partial Fisher–Yates shuffle: k distinct options, in the order drawn.
                let mut order: Vec<usize> = (0..options.len()).collect();
                for i in 0..k {
                    let j = i + rng.below(order.len() - i);
                    order.swap(i, j);
                    if i > 0 {
                        out.push_str(separator);
                    }
                    draw_into(&options[order[i]], lines, rng, out)?;
                }
            }
        }
        if out.len() > MAX_EXPANDED_CHARS {
            return Err(Overflow::Length);
        }
    }
    Ok(())
}

/// How many texts `every` would make (saturating), without making them: a choice of k options
/// counts the sum over every k-subset of the product of its options' counts (the elementary
/// symmetric sum, one pass over the options).
pub fn count(pieces: &[Piece], lines: &Lines) -> u128 {
    pieces.iter().fold(1u128, |total, piece| {
        let n = match piece {
            Piece::Text(_) => 1,
            Piece::File(name) => lines
                .get(name)
                .map_or(0, |file| file.iter().fold(0u128, |sum, line| sum.saturating_add(count(line, lines)))),
            Piece::Choice { min, max, options, .. } => {
                let mut sums = vec![0u128; max + 1];
                sums[0] = 1;
                for option in options {
                    let c = count(option, lines);
                    for k in (1..=*max).rev() {
                        sums[k] = sums[k].saturating_add(sums[k - 1].saturating_mul(c));
                    }
                }
                sums[*min..=*max].iter().fold(0u128, |a, b| a.saturating_add(*b))
            }
        };
        total.saturating_mul(n)
    })
}

/// Every text `pieces` can make, at most `limit` of them.
pub fn every(pieces: &[Piece], lines: &Lines, limit: usize) -> Result<Vec<String>, Overflow> {
    let mut texts = vec![String::new()];
    for piece in pieces {
        let tails = match piece {
            Piece::Text(text) => vec![text.clone()],
            Piece::File(name) => {
                let mut all = Vec::new();
                for line in lines.get(name).map(Vec::as_slice).unwrap_or_default() {
                    all.extend(every(line, lines, limit)?);
                    check(all.len(), limit)?;
                }
                all
            }
            Piece::Choice { min, max, separator, options } => {
                let expanded: Vec<Vec<String>> =
                    options.iter().map(|o| every(o, lines, limit)).collect::<Result<_, _>>()?;
                let mut all = Vec::new();
                for k in *min..=*max {
                    subsets(&expanded, k, separator, limit, &mut all)?;
                }
                all
            }
        };
        texts = product(&texts, &tails, limit)?;
    }
    Ok(texts)
}

/// Every choice of `k` options (in the order written), each option's texts crossed, joined.
fn subsets(
    options: &[Vec<String>],
    k: usize,
    separator: &str,
    limit: usize,
    out: &mut Vec<String>,
) -> Result<(), Overflow> {
    let n = options.len();
    let mut picked: Vec<usize> = (0..k).collect();
    loop {
        let mut texts = vec![String::new()];
        for (i, &option) in picked.iter().enumerate() {
            let tails: Vec<String> = if i == 0 {
                options[option].clone()
            } else {
                options[option].iter().map(|t| format!("{separator}{t}")).collect()
            };
            texts = product(&texts, &tails, limit)?;
        }
        out.extend(texts);
        check(out.len(), limit)?;
        // The next k-combination of 0..n in lexicographic order.
        let Some(i) = (0..k).rev().find(|&i| picked[i] < n - k + i) else { return Ok(()) };
        picked[i] += 1;
        for j in i + 1..k {
            picked[j] = picked[j - 1] + 1;
        }
    }
}

fn product(heads: &[String], tails: &[String], limit: usize) -> Result<Vec<String>, Overflow> {
    check(heads.len().saturating_mul(tails.len()), limit)?;
    let mut out = Vec::with_capacity(heads.len() * tails.len());
    for head in heads {
        for tail in tails {
            if head.len() + tail.len() > MAX_EXPANDED_CHARS {
                return Err(Overflow::Length);
            }
            out.push(format!("{head}{tail}"));
        }
    }
    Ok(out)
}

fn check(n: usize, limit: usize) -> Result<(), Overflow> {
    if n > limit {
        return Err(Overflow::Combinations(limit));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::parse::parse;
    use super::*;

    fn lines() -> Lines {
        let mut lines = Lines::new();
        lines.insert("colour".into(), vec![parse("red").unwrap(), parse("{dark|light} blue").unwrap()]);
        lines
    }

    #[test]
    fn the_same_seed_draws_the_same_text() {
        let pieces = parse("{a|b|c} {2$$x|y|z} __colour__").unwrap();
        let first = draw(&pieces, &lines(), &mut Rng::new(42)).unwrap();
        assert_eq!(first, draw(&pieces, &lines(), &mut Rng::new(42)).unwrap());
        let seen: std::collections::HashSet<String> =
            (0..200).map(|s| draw(&pieces, &lines(), &mut Rng::new(s)).unwrap()).collect();
        assert!(seen.len() > 20, "seeds vary the text: {}", seen.len());
        for text in &seen {
            let pair = text.split(' ').nth(1).unwrap().to_string() + text.split(' ').nth(2).unwrap();
            let (a, b) = pair.split_once(',').unwrap();
            assert!(a != b && "xyz".contains(a) && "xyz".contains(b), "two distinct of x|y|z: {text}");
        }
    }

    #[test]
    fn every_combination_in_written_order() {
        let pieces = parse("{red|green} {fox|cat}").unwrap();
        assert_eq!(every(&pieces, &lines(), 100).unwrap(), ["red fox", "red cat", "green fox", "green cat"]);
        let picks = parse("{2$$a|b|c}").unwrap();
        assert_eq!(every(&picks, &lines(), 100).unwrap(), ["a, b", "a, c", "b, c"]);
        let range = parse("{1-2$$+$$a|b}").unwrap();
        assert_eq!(every(&range, &lines(), 100).unwrap(), ["a", "b", "a+b"]);
        let file = parse("__colour__ sky").unwrap();
        assert_eq!(every(&file, &lines(), 100).unwrap(), ["red sky", "dark blue sky", "light blue sky"]);
        for text in ["{red|green} {fox|cat}", "{2$$a|b|c}", "{1-2$$+$$a|{b|c}}", "__colour__ {x|y}", "plain"] {
            let pieces = parse(text).unwrap();
            assert_eq!(count(&pieces, &lines()), every(&pieces, &lines(), 100).unwrap().len() as u128, "{text}");
        }
        let wide = parse(&"{a|b|c|d}".repeat(6)).unwrap();
        assert_eq!(count(&wide, &lines()), 4096);
        assert_eq!(count(&parse(&"{a|b|c|d}".repeat(100)).unwrap(), &lines()), u128::MAX, "saturates");
        assert_eq!(every(&wide, &lines(), 1000), Err(Overflow::Combinations(1000)), "4^6 = 4096");
    }

    #[test]
    fn expansions_stay_bounded() {
        let mut big = Lines::new();
        big.insert("x".into(), vec![parse(&"w".repeat(40_000)).unwrap()]);
        let twice = parse("__x__ __x__").unwrap();
        assert_eq!(draw(&twice, &big, &mut Rng::new(1)), Err(Overflow::Length));
        assert_eq!(every(&twice, &big, 10), Err(Overflow::Length));
    }
}
