//! Web addresses in a message, so the list can make them links. Only `https://` counts: a
//! `javascript:` or plain `http:` address stays text. Pure, and free of substring search and
//! panicking slices, which would weigh kilobytes of wasm.

/// Characters that end a sentence rather than an address: "see https://x.example/a." links
/// to `https://x.example/a`.
const TRAILING: &[u8] = b".,;:!?)]\"'";
const SCHEME: &[u8] = b"https://";

/// `text` as runs in order, each with whether it is a link. Works on bytes: an address ends at
/// ASCII whitespace, and every cut falls on an ASCII byte, so each run is whole characters.
pub fn split(text: &str) -> Vec<(&str, bool)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let (mut from, mut at) = (0, 0);
    while at < bytes.len() {
        if !bytes.get(at..).is_some_and(|b| b.starts_with(SCHEME)) {
            at += 1;
            continue;
        }
        let mut end = at + SCHEME.len();
        while bytes.get(end).is_some_and(|b| !b.is_ascii_whitespace()) {
            end += 1;
        }
        while end > at + SCHEME.len() && bytes.get(end - 1).is_some_and(|b| TRAILING.contains(b)) {
            end -= 1;
        }
        if end == at + SCHEME.len() {
            // "https://" alone is text; the search goes on after it.
            at = end;
            continue;
        }
        if at > from {
            out.push((text.get(from..at).unwrap_or_default(), false));
        }
        out.push((text.get(at..end).unwrap_or_default(), true));
        (from, at) = (end, end);
    }
    if from < bytes.len() {
        out.push((text.get(from..).unwrap_or_default(), false));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_addresses_become_links_without_the_sentence_around_them() {
        assert_eq!(
            split("Ships in 3 days.\n\nMore: https://northwind.example/help/shipping"),
            [("Ships in 3 days.\n\nMore: ", false), ("https://northwind.example/help/shipping", true)]
        );
        assert_eq!(
            split("See (https://a.example/x?y=1), then https://b.example. «https://c.example/ä»"),
            [
                ("See (", false),
                ("https://a.example/x?y=1", true),
                ("), then ", false),
                ("https://b.example", true),
                (". «", false),
                ("https://c.example/ä»", true),
            ]
        );
    }

    #[test]
    fn other_schemes_and_bare_schemes_stay_text() {
        for text in ["javascript:alert(1)", "http://plain.example", "ftp://x", "https://", "https://.", "hhttps"] {
            assert!(split(text).iter().all(|(_, link)| !link), "{text}");
            assert_eq!(split(text).iter().map(|(t, _)| *t).collect::<String>(), text, "nothing lost");
        }
        assert_eq!(split(""), []);
        assert_eq!(split("ünïcode https://ex.example/ä"), [("ünïcode ", false), ("https://ex.example/ä", true)]);
    }
}
