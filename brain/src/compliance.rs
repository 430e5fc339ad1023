//! Checks an agent's draft against the site's compliance rules before it reaches the customer.
//!
//! Issues come in a fixed order (card numbers, personal data, promises, banned words; within a
//! rule by position in the draft) so the console shows the same list for the same draft. Reasons
//! never repeat a secret in full: the agent already has the draft, and reasons end up in logs.

use std::ops::Range;

use baton_shared::{ComplianceIssue, ComplianceRules};

use crate::text::{fold, words};

pub const CARD_NUMBER: &str = "card_number";
pub const PERSONAL_DATA: &str = "personal_data";
pub const FORBIDDEN_PROMISE: &str = "forbidden_promise";
pub const BANNED_WORD: &str = "banned_word";

pub fn check(rules: &ComplianceRules, draft: &str) -> Vec<ComplianceIssue> {
    let mut issues = Vec::new();
    // Found even when personal data is not checked: an IBAN's digits must not count as a card.
    let ibans = ibans(draft);
    if rules.card_numbers {
        for card in card_numbers(draft, &ibans) {
            issues.push(issue(CARD_NUMBER, format!("contains a card number ending {}", last4(&card))));
        }
    }
    if rules.personal_data {
        for reason in personal_data(draft, &ibans) {
            issues.push(issue(PERSONAL_DATA, reason));
        }
    }
    let draft_words: Vec<String> = words(draft).iter().map(|w| fold(w)).collect();
    for phrase in phrases_found(&draft_words, &rules.forbidden_promises) {
        issues.push(issue(FORBIDDEN_PROMISE, format!("promises \"{phrase}\"")));
    }
    for word in phrases_found(&draft_words, &rules.banned_words) {
        issues.push(issue(BANNED_WORD, format!("uses the banned word \"{word}\"")));
    }
    issues
}

fn issue(rule: &str, reason: String) -> ComplianceIssue {
    ComplianceIssue { rule: rule.to_string(), reason }
}

fn last4(value: &str) -> &str {
    let start = value.char_indices().rev().nth(3).map_or(0, |(i, _)| i);
    &value[start..]
}

// ---------------------------------------------------------------------------------------------
// Card numbers

/// A run of ASCII digits inside a longer number written with single spaces or dashes.
struct Group {
    span: Range<usize>,
    /// Touches a letter, as in tracking codes ("1Z999AA1…").
    glued: bool,
}

/// Luhn-valid numbers of 13–19 digits, each once, in draft order.
fn card_numbers(draft: &str, exclude: &[Range<usize>]) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    for run in digit_runs(draft) {
        // A number glued to letters anywhere ("DE89 3704 …", "A12-3456 …") is a code, not a card.
        if run.iter().any(|g| g.glued) {
            continue;
        }
        let mut start = 0;
        while start < run.len() {
            match longest_card(draft, &run[start..], exclude) {
                Some((len, digits)) => {
                    if !found.contains(&digits) {
                        found.push(digits);
                    }
                    start += len;
                }
                None => start += 1,
            }
        }
    }
    found
}

/// The longest card number made of whole groups from the start of `groups`: (groups used, digits).
fn longest_card(draft: &str, groups: &[Group], exclude: &[Range<usize>]) -> Option<(usize, String)> {
    for len in (1..=groups.len()).rev() {
        let window = &groups[..len];
        let span = window[0].span.start..window[len - 1].span.end;
        if exclude.iter().any(|e| e.start < span.end && span.start < e.end) {
            continue;
        }
        let digits: String = window.iter().map(|g| &draft[g.span.clone()]).collect();
        if (13..=19).contains(&digits.len()) && luhn(&digits) && digits.bytes().any(|b| b != b'0') {
            return Some((len, digits));
        }
    }
    None
}

/// Numbers as groups of digits joined by single spaces or dashes ("4242 4242-4242 4242").
fn digit_runs(text: &str) -> Vec<Vec<Group>> {
    let bytes = text.as_bytes();
    let letter_at =
        |i: usize| -> bool { text.get(i..).and_then(|s| s.chars().next()).is_some_and(char::is_alphabetic) };
    let letter_before = |i: usize| -> bool { text[..i].chars().next_back().is_some_and(char::is_alphabetic) };
    let mut runs = Vec::new();
    let mut run: Vec<Group> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        run.push(Group { span: start..i, glued: letter_before(start) || letter_at(i) });
        let joined = i + 1 < bytes.len() && matches!(bytes[i], b' ' | b'-') && bytes[i + 1].is_ascii_digit();
        if joined {
            i += 1;
        } else {
            runs.push(std::mem::take(&mut run));
        }
    }
    runs
}

fn luhn(digits: &str) -> bool {
    let mut sum = 0;
    for (i, b) in digits.bytes().rev().enumerate() {
        let mut d = u32::from(b - b'0');
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    sum % 10 == 0
}

// ---------------------------------------------------------------------------------------------
// Personal data: IBANs, US social security numbers, passwords

/// A reason for each distinct finding, in draft order.
fn personal_data(draft: &str, ibans: &[Range<usize>]) -> Vec<String> {
    let mut found: Vec<(usize, String, String)> = Vec::new();
    let mut add = |pos: usize, key: String, reason: String| {
        if !found.iter().any(|(_, k, _)| *k == key) {
            found.push((pos, key, reason));
        }
    };
    for span in ibans {
        let compact: String = draft[span.clone()].chars().filter(|c| !c.is_whitespace()).collect();
        let compact = compact.to_ascii_uppercase();
        add(
            span.start,
            format!("iban:{compact}"),
            format!("contains a bank account number (IBAN) ending {}", last4(&compact)),
        );
    }
    for (pos, ssn) in ssns(draft) {
        add(pos, format!("ssn:{ssn}"), "contains a social security number".to_string());
    }
    for (pos, secret) in passwords(draft) {
        add(pos, format!("password:{secret}"), "contains a password".to_string());
    }
    found.sort_by_key(|(pos, _, _)| *pos);
    found.into_iter().map(|(_, _, reason)| reason).collect()
}

/// Byte spans of mod-97-valid IBANs, written compact or in groups separated by single spaces.
fn ibans(draft: &str) -> Vec<Range<usize>> {
    let bytes = draft.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i + 4 <= bytes.len() {
        let starts_iban = bytes[i].is_ascii_alphabetic()
            && bytes[i + 1].is_ascii_alphabetic()
            && bytes[i + 2].is_ascii_digit()
            && bytes[i + 3].is_ascii_digit()
            && !draft[..i].chars().next_back().is_some_and(char::is_alphanumeric);
        if !starts_iban {
            i += 1;
            continue;
        }
        let groups = alnum_groups(draft, i);
        let longest = (1..=groups.len()).rev().find_map(|len| {
            let span = i..groups[len - 1].end;
            let compact: String = draft[span.clone()].chars().filter(|c| *c != ' ').collect();
            ((15..=34).contains(&compact.len()) && iban_checksum_ok(&compact)).then_some(span)
        });
        match longest {
            Some(span) => {
                i = span.end;
                found.push(span);
            }
            None => i += 1,
        }
    }
    found
}

/// The alphanumeric run at `start` and the runs that follow it after single spaces. Later
/// groups are upper case or digits, as IBANs are printed, so a following word does not join.
fn alnum_groups(draft: &str, start: usize) -> Vec<Range<usize>> {
    let bytes = draft.as_bytes();
    let run_end = |from: usize, upper_only: bool| {
        let mut end = from;
        while end < bytes.len()
            && (bytes[end].is_ascii_digit()
                || bytes[end].is_ascii_uppercase()
                || (!upper_only && bytes[end].is_ascii_lowercase()))
        {
            end += 1;
        }
        end
    };
    let mut groups = Vec::new();
    groups.push(start..run_end(start, false));
    loop {
        let end = groups[groups.len() - 1].end;
        if bytes.get(end) != Some(&b' ') {
            break;
        }
        let next = run_end(end + 1, true);
        let whole_word = !draft[next..].chars().next().is_some_and(char::is_alphanumeric);
        if next == end + 1 || !whole_word {
            break;
        }
        groups.push(end + 1..next);
    }
    groups
}

fn iban_checksum_ok(compact: &str) -> bool {
    let (head, rest) = compact.split_at(4);
    let mut remainder = 0u32;
    for c in rest.chars().chain(head.chars()) {
        let Some(value) = c.to_digit(36) else { return false };
        remainder = if value < 10 { (remainder * 10 + value) % 97 } else { (remainder * 100 + value) % 97 };
    }
    remainder == 1
}

/// `ddd-dd-dddd` numbers that could be issued SSNs: not area 000, 666 or 9xx, group 00 or serial 0000.
fn ssns(draft: &str) -> Vec<(usize, String)> {
    let bytes = draft.as_bytes();
    let shape = b"ddd-dd-dddd";
    let mut found = Vec::new();
    for start in 0..bytes.len().saturating_sub(shape.len() - 1) {
        let fits =
            shape.iter().zip(&bytes[start..]).all(|(s, b)| if *s == b'd' { b.is_ascii_digit() } else { *b == b'-' });
        let end = start + shape.len();
        let apart = |b: Option<&u8>| b.is_none_or(|b| !b.is_ascii_alphanumeric() && *b != b'-');
        if !fits || !apart(start.checked_sub(1).and_then(|p| bytes.get(p))) || !apart(bytes.get(end)) {
            continue;
        }
        let ssn = &draft[start..end];
        let (area, group, serial) = (&ssn[0..3], &ssn[4..6], &ssn[7..11]);
        if area != "000" && area != "666" && !area.starts_with('9') && group != "00" && serial != "0000" {
            found.push((start, ssn.to_string()));
        }
    }
    found
}

/// Words after "password" that start an instruction rather than a value ("Password: reset it …").
const NOT_A_SECRET: &[&str] = &[
    "reset",
    "please",
    "use",
    "click",
    "go",
    "visit",
    "follow",
    "open",
    "enter",
    "choose",
    "create",
    "forgot",
    "forgotten",
    "change",
    "the",
    "your",
    "you",
    "we",
    "it",
    "not",
    "never",
    "see",
    "check",
    "must",
    "should",
];

/// "password: X", "your password is X", "password was reset to X", … where X looks like a secret.
fn passwords(draft: &str) -> Vec<(usize, String)> {
    // ASCII lowercasing keeps byte offsets, so positions in `lower` index `draft` too.
    let lower = draft.to_ascii_lowercase();
    let mut found = Vec::new();
    for (pos, _) in lower.match_indices("password") {
        let after = pos + "password".len();
        let standalone = !lower[..pos].chars().next_back().is_some_and(char::is_alphanumeric)
            && !lower[after..].chars().next().is_some_and(char::is_alphanumeric);
        if !standalone {
            continue;
        }
        let rest = lower[after..].trim_start();
        let labelled = rest.starts_with(':') || rest.starts_with('=');
        let value_at = if labelled {
            Some(lower.len() - rest.len() + 1)
        } else {
            [
                "is now",
                "is set to",
                "was set to",
                "was reset to",
                "was changed to",
                "is",
                "set to",
                "reset to",
                "changed to",
            ]
            .iter()
            .find(|lead| rest.starts_with(*lead) && !rest[lead.len()..].starts_with(char::is_alphanumeric))
            .map(|lead| lower.len() - rest.len() + lead.len())
        };
        let Some(value_at) = value_at else { continue };
        let raw = draft[value_at..].trim_start().trim_start_matches(':').trim_start();
        let token = raw.split_whitespace().next().unwrap_or("");
        let quoted = token.starts_with(['"', '\'', '“', '‘', '`']);
        let value = token
            .trim_start_matches(['"', '\'', '“', '‘', '`'])
            .trim_end_matches(['.', ',', ';', '!', '?', ')', '"', '\'', '”', '’', '`']);
        if value.is_empty() {
            continue;
        }
        let plain_word = value.chars().all(char::is_alphabetic) && value.chars().skip(1).all(char::is_lowercase);
        let secret = quoted
            || !plain_word && !value.chars().all(|c| c.is_alphabetic() || c == '-')
            || value.chars().skip(1).any(char::is_uppercase)
            || labelled && value.chars().count() >= 4 && !NOT_A_SECRET.contains(&value.to_lowercase().as_str());
        if secret {
            found.push((pos, value.to_string()));
        }
    }
    found
}

// ---------------------------------------------------------------------------------------------
// Phrases and words

/// The configured phrases found in the draft as whole-word sequences, each once, in draft order;
/// returned as configured but with whitespace collapsed.
fn phrases_found(draft_words: &[String], phrases: &[String]) -> Vec<String> {
    let mut found: Vec<(usize, Vec<String>, String)> = Vec::new();
    for phrase in phrases {
        let wanted: Vec<String> = words(phrase).iter().map(|w| fold(w)).collect();
        if wanted.is_empty() || found.iter().any(|(_, w, _)| *w == wanted) {
            continue;
        }
        if let Some(pos) = draft_words.windows(wanted.len()).position(|window| window == wanted.as_slice()) {
            found.push((pos, wanted, phrase.split_whitespace().collect::<Vec<_>>().join(" ")));
        }
    }
    found.sort_by_key(|(pos, _, _)| *pos);
    found.into_iter().map(|(_, _, shown)| shown).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> ComplianceRules {
        ComplianceRules { banned_words: vec!["damn".into(), "stupid".into()], ..ComplianceRules::default() }
    }

    fn rules_hit(draft: &str) -> Vec<String> {
        check(&rules(), draft).into_iter().map(|i| i.rule).collect()
    }

    #[test]
    fn card_numbers_are_flagged_without_echoing_them() {
        for (draft, ending) in [
            ("Your card 4242 4242 4242 4242 was charged.", "4242"),
            ("Card on file: 4111-1111-1111-1111", "1111"),
            ("Amex 378282246310005, expiry 12/26", "0005"),
            ("Amex 3782 822463 10005 exp 12 26", "0005"),
            ("Card 4242424242424242 and 12 items", "4242"),
        ] {
            let issues = check(&rules(), draft);
            assert_eq!(issues.len(), 1, "{draft}: {issues:?}");
            assert_eq!(issues[0].rule, CARD_NUMBER);
            assert_eq!(issues[0].reason, format!("contains a card number ending {ending}"));
            assert!(!issues[0].reason.contains("4242 4242") && !issues[0].reason.contains("378282"));
        }
    }

    #[test]
    fn the_same_card_twice_is_one_issue_and_two_cards_are_two() {
        let twice = check(&rules(), "4242 4242 4242 4242, I repeat 4242-4242-4242-4242");
        assert_eq!(twice.len(), 1);
        let two = check(&rules(), "4242 4242 4242 4242 and 4111 1111 1111 1111");
        let reasons: Vec<&str> = two.iter().map(|i| i.reason.as_str()).collect();
        assert_eq!(reasons, ["contains a card number ending 4242", "contains a card number ending 1111"]);
    }

    #[test]
    fn numbers_that_are_not_cards_pass() {
        for draft in [
            "Your order #12345678901234 has shipped.",
            "Please call 555-123-4567 or +1 555 123 4567.",
            "It was delivered on 2024-03-15 at 14:30.",
            "The total is $1,299.99 (was $1,499.00).",
            "Tracking code 1Z999AA10123456784 is live.",
            "Order 4242424242424241 is on its way.",
            "Reference 42424242424242424242 (20 digits).",
        ] {
            assert_eq!(check(&rules(), draft), vec![], "{draft}");
        }
    }

    #[test]
    fn ibans_are_flagged_when_their_checksum_holds() {
        for draft in [
            "Refunds go to DE89 3704 0044 0532 0130 00 within 5 days.",
            "IBAN: DE89370400440532013000.",
            "Account GB82 WEST 1234 5698 7654 32 is on file",
        ] {
            let issues = check(&rules(), draft);
            assert_eq!(issues.len(), 1, "{draft}: {issues:?}");
            assert_eq!(issues[0].rule, PERSONAL_DATA);
            assert!(issues[0].reason.starts_with("contains a bank account number (IBAN) ending"), "{issues:?}");
        }
        assert_eq!(
            check(&rules(), "Refunds go to DE89 3704 0044 0532 0130 00.")[0].reason,
            "contains a bank account number (IBAN) ending 3000"
        );
        assert_eq!(check(&rules(), "Refunds go to DE89 3704 0044 0532 0130 01 within 5 days."), vec![]);
        assert_eq!(check(&rules(), "Refunds go to DE89 3704 0044 0532 0131 00."), vec![]);
    }

    #[test]
    fn social_security_numbers_are_flagged_unless_never_issued() {
        assert_eq!(rules_hit("Your SSN 123-45-6789 is verified."), [PERSONAL_DATA]);
        assert_eq!(check(&rules(), "SSN 123-45-6789")[0].reason, "contains a social security number");
        for draft in ["SSN 000-12-3456", "SSN 666-12-3456", "SSN 912-34-5678", "SSN 123-00-4567", "SSN 123-45-0000"] {
            assert_eq!(check(&rules(), draft), vec![], "{draft}");
        }
        assert_eq!(check(&rules(), "part 1123-45-6789-2 and call 555-123-4567"), vec![]);
    }

    #[test]
    fn passwords_are_flagged_but_talk_about_passwords_is_not() {
        for draft in [
            "Your password is hunter2 — please change it.",
            "Temporary password: Tr0ub4dor&3",
            "password: letmein",
            "Your password is now 'sunshine'.",
            "Your password was reset to Xk9#pQ.",
            "PASSWORD = Summer2024!",
        ] {
            let issues = check(&rules(), draft);
            assert_eq!(issues.len(), 1, "{draft}: {issues:?}");
            assert_eq!(issues[0].rule, PERSONAL_DATA);
            assert_eq!(issues[0].reason, "contains a password");
        }
        for draft in [
            "Your password is case-sensitive.",
            "If your password is incorrect, use the reset link.",
            "Password: reset it from the sign-in page.",
            "Passwords must be 12 characters.",
            "I can't see your password.",
        ] {
            assert_eq!(check(&rules(), draft), vec![], "{draft}");
        }
    }

    #[test]
    fn promises_match_across_case_spacing_and_accents() {
        let issues = check(&rules(), "Don't worry,  WE   Guarantee it. You will get a Guaranteed\nrefund.");
        let reasons: Vec<&str> = issues.iter().map(|i| i.reason.as_str()).collect();
        assert_eq!(reasons, ["promises \"we guarantee\"", "promises \"guaranteed refund\""]);
        assert!(issues.iter().all(|i| i.rule == FORBIDDEN_PROMISE));

        let accented = ComplianceRules { forbidden_promises: vec!["  remboursement   garanti ".into()], ..rules() };
        let issues = check(&accented, "Un REMBOURSEMENT GARANTÍ, c'est sûr.");
        assert_eq!(issues[0].reason, "promises \"remboursement garanti\"");
        assert_eq!(check(&accented, "Un remboursement est garanti"), vec![]);
        assert_eq!(check(&rules(), "We guaranteed nothing about a refund."), vec![]);
    }

    #[test]
    fn banned_words_match_whole_words_only() {
        let issues = check(&rules(), "That's a DAMN shame, damn.");
        assert_eq!(issues, vec![issue(BANNED_WORD, "uses the banned word \"damn\"".into())]);
        assert_eq!(check(&rules(), "The dam was damned; stupidity is not a word on the list."), vec![]);
    }

    #[test]
    fn issues_come_in_rule_order() {
        let draft = "Damn. I promise your card 4111 1111 1111 1111 and SSN 123-45-6789 are safe.";
        assert_eq!(rules_hit(draft), [CARD_NUMBER, PERSONAL_DATA, FORBIDDEN_PROMISE, BANNED_WORD]);
    }

    #[test]
    fn switched_off_rules_find_nothing() {
        let off = ComplianceRules {
            card_numbers: false,
            personal_data: false,
            forbidden_promises: vec![],
            banned_words: vec![],
        };
        let draft = "Damn. I promise: 4242 4242 4242 4242, DE89 3704 0044 0532 0130 00, 123-45-6789, password: x9x9x9";
        assert_eq!(check(&off, draft), vec![]);
        assert_eq!(rules_hit(draft).len(), 6);
    }
}
