//! A minimal JSON reader and string writer for the widget's wire frames.
//!
//! serde's derived deserializers for the internally tagged protocol enums, with serde_json's
//! error formatting, cost the widget over 100 KB of wasm (measured); this reader covers what
//! the frames use in a few KB. Numbers are read as non-negative integers only: the widget needs
//! no fractions (bot confidence is for agents).

/// A parsed JSON value. Objects keep their members in order; lookups are linear, which is
/// fine for frames of a few fields.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    /// `None` for negative, fractional or exponent numbers.
    Num(Option<u64>),
    Str(String),
    Arr(Vec<Json>),
    Obj(Vec<(String, Json)>),
}

/// Deeper nesting than any frame has is refused, so hostile input cannot exhaust the stack.
const MAX_DEPTH: u32 = 16;

impl Json {
    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Obj(members) => members.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn str(&self, key: &str) -> Option<String> {
        match self.get(key)? {
            Json::Str(s) => Some(s.clone()),
            _ => None,
        }
    }

    pub fn u64(&self, key: &str) -> Option<u64> {
        match self.get(key)? {
            Json::Num(n) => *n,
            _ => None,
        }
    }

    pub fn bool(&self, key: &str) -> Option<bool> {
        match self.get(key)? {
            Json::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn arr(&self, key: &str) -> Option<&[Json]> {
        match self.get(key)? {
            Json::Arr(items) => Some(items),
            _ => None,
        }
    }
}

pub fn parse(text: &str) -> Option<Json> {
    let mut p = Parser { b: text.as_bytes(), i: 0 };
    let value = p.value(0)?;
    p.ws();
    (p.i == p.b.len()).then_some(value)
}

struct Parser<'a> {
    b: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn ws(&mut self) {
        while matches!(self.b.get(self.i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    fn eat(&mut self, c: u8) -> bool {
        self.ws();
        let hit = self.b.get(self.i) == Some(&c);
        self.i += usize::from(hit);
        hit
    }

    fn word(&mut self, w: &[u8], v: Json) -> Option<Json> {
        self.b[self.i..].starts_with(w).then(|| {
            self.i += w.len();
            v
        })
    }

    fn value(&mut self, depth: u32) -> Option<Json> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.ws();
        match *self.b.get(self.i)? {
            b'{' => {
                self.i += 1;
                let mut members = Vec::new();
                if !self.eat(b'}') {
                    loop {
                        self.ws();
                        let key = self.string()?;
                        if !self.eat(b':') {
                            return None;
                        }
                        members.push((key, self.value(depth + 1)?));
                        if self.eat(b'}') {
                            break;
                        }
                        if !self.eat(b',') {
                            return None;
                        }
                    }
                }
                Some(Json::Obj(members))
            }
            b'[' => {
                self.i += 1;
                let mut items = Vec::new();
                if !self.eat(b']') {
                    loop {
                        items.push(self.value(depth + 1)?);
                        if self.eat(b']') {
                            break;
                        }
                        if !self.eat(b',') {
                            return None;
                        }
                    }
                }
                Some(Json::Arr(items))
            }
            b'"' => self.string().map(Json::Str),
            b't' => self.word(b"true", Json::Bool(true)),
            b'f' => self.word(b"false", Json::Bool(false)),
            b'n' => self.word(b"null", Json::Null),
            _ => self.number(),
        }
    }

    fn number(&mut self) -> Option<Json> {
        let negative = self.b.get(self.i) == Some(&b'-');
        self.i += usize::from(negative);
        let start = self.i;
        let mut n: u64 = 0;
        while let Some(d @ b'0'..=b'9') = self.b.get(self.i).copied() {
            n = n.saturating_mul(10).saturating_add(u64::from(d - b'0'));
            self.i += 1;
        }
        if self.i == start {
            return None;
        }
        let int_end = self.i;
        while matches!(self.b.get(self.i), Some(b'0'..=b'9' | b'.' | b'e' | b'E' | b'+' | b'-')) {
            self.i += 1;
        }
        let integer = !negative && self.i == int_end;
        Some(Json::Num(integer.then_some(n)))
    }

    /// Consumes a following `\uDC00`–`\uDFFF` escape, or nothing.
    fn low_surrogate(&mut self) -> Option<u32> {
        let start = self.i;
        if self.b.get(self.i..)?.starts_with(b"\\u") {
            self.i += 2;
            if let Some(lo) = self.hex4().filter(|lo| (0xDC00..0xE000).contains(lo)) {
                return Some(lo);
            }
        }
        self.i = start;
        None
    }

    fn hex4(&mut self) -> Option<u32> {
        let digits = self.b.get(self.i..self.i + 4)?;
        self.i += 4;
        digits.iter().try_fold(0u32, |acc, d| Some(acc * 16 + char::from(*d).to_digit(16)?))
    }

    fn string(&mut self) -> Option<String> {
        if self.b.get(self.i) != Some(&b'"') {
            return None;
        }
        self.i += 1;
        let mut out = String::new();
        loop {
            // Copy the run up to the next quote or escape in one go; the input is valid UTF-8
            // and both delimiters are ASCII, so the run is too.
            let run = self.i;
            while !matches!(self.b.get(self.i), Some(b'"' | b'\\') | None) {
                self.i += 1;
            }
            out.push_str(std::str::from_utf8(&self.b[run..self.i]).ok()?);
            let c = *self.b.get(self.i)?;
            self.i += 1;
            if c == b'"' {
                return Some(out);
            }
            let e = *self.b.get(self.i)?;
            self.i += 1;
            out.push(match e {
                b'"' => '"',
                b'\\' => '\\',
                b'/' => '/',
                b'b' => '\u{8}',
                b'f' => '\u{c}',
                b'n' => '\n',
                b'r' => '\r',
                b't' => '\t',
                b'u' => {
                    let hi = self.hex4()?;
                    let low = if (0xD800..0xDC00).contains(&hi) { self.low_surrogate() } else { None };
                    let code = match low {
                        Some(lo) => 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00),
                        // A lone surrogate is not a character; the next escape is read on its own.
                        None => hi,
                    };
                    char::from_u32(code).unwrap_or('\u{FFFD}')
                }
                _ => return None,
            });
        }
    }
}

/// Appends `s` as a JSON string literal.
pub fn write_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.push_str("\\u00");
                out.push(char::from(HEX[(c as usize) >> 4]));
                out.push(char::from(HEX[(c as usize) & 15]));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_shapes_frames_use() {
        let v = parse(r#" {"a": [1, true, null, "x"], "b": {"c": -2.5e3}, "d": 18446744073709551616} "#).unwrap();
        assert_eq!(
            v.get("a"),
            Some(&Json::Arr(vec![Json::Num(Some(1)), Json::Bool(true), Json::Null, Json::Str("x".into())]))
        );
        assert_eq!(v.get("b").and_then(|b| b.get("c")), Some(&Json::Num(None)));
        assert_eq!(v.u64("d"), Some(u64::MAX));
        assert!(v.get("missing").is_none());
        assert_eq!(parse("{}"), Some(Json::Obj(vec![])));
        assert_eq!(parse("[]"), Some(Json::Arr(vec![])));
    }

    #[test]
    fn strings_unescape_like_serde_json() {
        for s in ["plain", "quote \" back \\ slash /", "line\nbreak\ttab\r\u{1}", "ünïcödé 😀 <b>&amp;</b>", ""] {
            let json = serde_json::to_string(s).unwrap();
            assert_eq!(parse(&json), Some(Json::Str(s.to_string())), "{json}");
            let mut ours = String::new();
            write_str(&mut ours, s);
            assert_eq!(serde_json::from_str::<String>(&ours).unwrap(), s);
        }
        assert_eq!(parse(r#""\ud83d\ude00 \u00e9 \/""#), Some(Json::Str("😀 é /".into())));
        // A high surrogate not followed by a low one stands alone; the next escape is kept.
        assert_eq!(parse(r#""\ud800\u0041""#), Some(Json::Str("\u{FFFD}A".into())));
        assert_eq!(parse(r#""\ud800x""#), Some(Json::Str("\u{FFFD}x".into())));
        assert_eq!(parse(r#""\udc00""#), Some(Json::Str("\u{FFFD}".into())));
        assert_eq!(parse(r#""\ud800""#), Some(Json::Str("\u{FFFD}".into())));
        assert_eq!(parse(r#""\u0041\udc00""#), Some(Json::Str("A\u{FFFD}".into())));
    }

    #[test]
    fn malformed_input_is_refused() {
        for bad in
            ["", "{", "[1,]", "{\"a\"}", "{\"a\":1,}", "\"open", "tru", "1 2", "{\"a\":-}", "\"\\x\"", "\"\\u12\""]
        {
            assert_eq!(parse(bad), None, "{bad}");
        }
        let deep = "[".repeat(100) + &"]".repeat(100);
        assert_eq!(parse(&deep), None);
    }
}
