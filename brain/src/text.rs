//! Text handling shared by every part of the brain: Unicode-aware words, accent folding and
//! typo-tolerant word comparison.

/// Lowercased runs of Unicode alphanumerics. Apostrophes inside words are dropped
/// ("don't" → "dont"), so contractions stay one word.
pub fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for c in text.chars() {
        if c.is_alphanumeric() {
            current.extend(c.to_lowercase());
        } else if (c == '\'' || c == '’') && !current.is_empty() {
            continue;
        } else if !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// The word without accents, so "médico", "medico" and "MÉDICO" compare equal after `words`.
pub fn fold(word: &str) -> String {
    word.chars()
        .map(|c| match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => 'a',
            'ç' => 'c',
            'è' | 'é' | 'ê' | 'ë' => 'e',
            'ì' | 'í' | 'î' | 'ï' => 'i',
            'ñ' => 'n',
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' => 'o',
            'ù' | 'ú' | 'û' | 'ü' => 'u',
            'ý' | 'ÿ' => 'y',
            other => other,
        })
        .collect()
}

/// Whether `typed` is `known` or one typo away from it (one letter inserted, deleted, replaced,
/// or two neighbours swapped). Short words must match exactly: one typo in "man" is another word.
pub fn near(typed: &str, known: &str) -> bool {
    if typed == known {
        return true;
    }
    let a: Vec<char> = typed.chars().collect();
    let b: Vec<char> = known.chars().collect();
    if b.len() < 5 || a.len().abs_diff(b.len()) > 1 {
        return false;
    }
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let (a, b) = (&a[prefix..], &b[prefix..]);
    let suffix = a.iter().rev().zip(b.iter().rev()).take_while(|(x, y)| x == y).count();
    let (a, b) = (&a[..a.len() - suffix.min(a.len())], &b[..b.len() - suffix.min(b.len())]);
    match (a.len(), b.len()) {
        (1, 1) | (0, 1) | (1, 0) => true,
        (2, 2) => a[0] == b[1] && a[1] == b[0],
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_unicode_aware() {
        assert_eq!(words("Héllo, WORLD! don't 42x"), vec!["héllo", "world", "dont", "42x"]);
        assert_eq!(words("¿Quiero HABLAR con una persona?"), vec!["quiero", "hablar", "con", "una", "persona"]);
        assert_eq!(words("Größe über Straße"), vec!["größe", "über", "straße"]);
    }

    #[test]
    fn folding_drops_accents() {
        assert_eq!(fold("quelqu’un"), "quelqu’un");
        assert_eq!(fold("médico"), "medico");
        assert_eq!(fold("über"), "uber");
        assert_eq!(fold("façon"), "facon");
    }

    #[test]
    fn near_allows_one_typo_in_longer_words() {
        assert!(near("persona", "persona"));
        assert!(near("pesona", "persona"));
        assert!(near("perosna", "persona"));
        assert!(near("personna", "persona"));
        assert!(near("humna", "human"));
        assert!(!near("man", "men"));
        assert!(!near("prison", "person"));
        assert!(!near("parcel", "person"));
    }
}
