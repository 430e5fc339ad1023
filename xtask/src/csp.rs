//! The console's Content-Security-Policy allows its one inline boot script (written by Trunk,
//! different in every build) by hash, so `script-src` needs no `'unsafe-inline'`.

use base64::Engine;
use sha2::{Digest, Sha256};

/// `'sha256-…'` for each inline `<script>` (one without `src`) in `html`, in page order.
pub fn inline_script_hashes(html: &str) -> Vec<String> {
    let mut hashes = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find("<script") {
        rest = &rest[at..];
        let Some(open_end) = rest.find('>') else { break };
        let tag = &rest[..open_end];
        let body_and_more = &rest[open_end + 1..];
        let Some(close) = body_and_more.find("</script>") else { break };
        if !tag.contains(" src=") {
            let digest = Sha256::digest(&body_and_more.as_bytes()[..close]);
            hashes.push(format!("'sha256-{}'", base64::engine::general_purpose::STANDARD.encode(digest)));
        }
        rest = &body_and_more[close..];
    }
    hashes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_inline_scripts_are_hashed_over_their_exact_text() {
        let page = "<head><script type=module src=/a.js></script><script type=module>import x;\n</script>\
                    <script>alert(1)</script></head>";
        assert_eq!(
            inline_script_hashes(page),
            [
                // printf 'import x;\n' | openssl dgst -sha256 -binary | base64
                "'sha256-RSzyeyhThNfli9Zan+OjZA7U6pGNofSKIxK7HEIyLP0='",
                // printf 'alert(1)' | openssl dgst -sha256 -binary | base64
                "'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='",
            ]
        );
        assert!(inline_script_hashes("<p>no scripts</p>").is_empty());
    }
}
