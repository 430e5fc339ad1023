//! Just enough of the wasm binary format to size a module's sections, functions and data
//! segments: the fallback when twiggy is not available, and the source of each data segment's
//! first bytes (twiggy names segments only by number).

/// One sized item, named the way twiggy names it (`code[3]`, `data[0]`) or after its section.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub name: String,
    pub bytes: usize,
}

#[derive(Debug, Default)]
pub struct Module {
    /// Every section by name, with its size including its header.
    pub sections: Vec<Item>,
    /// Function bodies of the code section, `code[i]`.
    pub functions: Vec<Item>,
    /// Contents of the data section's segments, `data[i]`.
    pub data: Vec<Vec<u8>>,
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn byte(&mut self) -> Result<u8, String> {
        let b = *self.bytes.get(self.at).ok_or("the wasm ends early")?;
        self.at += 1;
        Ok(b)
    }

    /// An unsigned LEB128 number of at most 32 bits.
    fn u32(&mut self) -> Result<u32, String> {
        let mut value: u64 = 0;
        for shift in (0..35).step_by(7) {
            let b = self.byte()?;
            value |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return u32::try_from(value).map_err(|_| "a LEB128 number overflows 32 bits".to_string());
            }
        }
        Err("a LEB128 number is too long".into())
    }

    /// A signed LEB128 number of any width, skipped.
    fn skip_signed(&mut self) -> Result<(), String> {
        for _ in 0..10 {
            if self.byte()? & 0x80 == 0 {
                return Ok(());
            }
        }
        Err("a signed LEB128 number is too long".into())
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        let end = self.at.checked_add(n).filter(|end| *end <= self.bytes.len()).ok_or("the wasm ends early")?;
        let slice = &self.bytes[self.at..end];
        self.at = end;
        Ok(slice)
    }

    /// A constant expression (a data segment's offset), up to its `end`.
    fn skip_const_expr(&mut self) -> Result<(), String> {
        loop {
            match self.byte()? {
                0x0b => return Ok(()),
                0x41 | 0x42 => self.skip_signed()?,
                0x23 => {
                    self.u32()?;
                }
                op => return Err(format!("unexpected opcode {op:#04x} in a constant expression")),
            }
        }
    }
}

const SECTION_NAMES: [&str; 13] = [
    "custom",
    "type",
    "import",
    "function",
    "table",
    "memory",
    "global",
    "export",
    "start",
    "element",
    "code",
    "data",
    "datacount",
];

pub fn parse(bytes: &[u8]) -> Result<Module, String> {
    if bytes.get(..4) != Some(b"\0asm".as_slice()) {
        return Err("not a wasm module".into());
    }
    let mut r = Reader { bytes, at: 8 };
    let mut module = Module::default();
    while r.at < bytes.len() {
        let start = r.at;
        let id = r.byte()?;
        let size = r.u32()? as usize;
        let payload = r.take(size)?;
        let mut name = SECTION_NAMES.get(usize::from(id)).copied().unwrap_or("unknown").to_string();
        let mut inner = Reader { bytes: payload, at: 0 };
        match id {
            0 => {
                let len = inner.u32()? as usize;
                name = format!("custom section {:?}", String::from_utf8_lossy(inner.take(len)?));
            }
            10 => {
                for i in 0..inner.u32()? {
                    let body_start = inner.at;
                    let len = inner.u32()? as usize;
                    inner.take(len)?;
                    module.functions.push(Item { name: format!("code[{i}]"), bytes: inner.at - body_start });
                }
            }
            11 => {
                for _ in 0..inner.u32()? {
                    match inner.u32()? {
                        0 => inner.skip_const_expr()?,
                        1 => {}
                        2 => {
                            inner.u32()?;
                            inner.skip_const_expr()?;
                        }
                        flags => return Err(format!("unknown data segment kind {flags}")),
                    }
                    let len = inner.u32()? as usize;
                    module.data.push(inner.take(len)?.to_vec());
                }
            }
            _ => {}
        }
        module.sections.push(Item { name, bytes: r.at - start });
    }
    Ok(module)
}

/// The largest functions and data segments, largest first: twiggy's `top` without names.
pub fn top(module: &Module, n: usize) -> Vec<Item> {
    let data = module.data.iter().enumerate().map(|(i, d)| Item { name: format!("data[{i}]"), bytes: d.len() });
    let mut items: Vec<Item> = module.functions.iter().cloned().chain(data).collect();
    items.sort_by(|a, b| b.bytes.cmp(&a.bytes).then_with(|| a.name.cmp(&b.name)));
    items.truncate(n);
    items
}

/// The first readable strings of a data segment (runs of at least five printable ASCII
/// characters), up to about `chars` characters: what the segment holds, in its own words.
pub fn strings(segment: &[u8], chars: usize) -> Vec<String> {
    let mut found = Vec::new();
    let mut used = 0;
    for run in segment.split(|b| !(b.is_ascii_graphic() || *b == b' ')) {
        let text = String::from_utf8_lossy(run).trim().to_string();
        if text.len() < 5 {
            continue;
        }
        let text: String = text.chars().take(chars.saturating_sub(used).max(12)).collect();
        used += text.len();
        found.push(text);
        if used >= chars {
            break;
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A module with one function and one active data segment, written by hand.
    fn tiny() -> Vec<u8> {
        let mut m = b"\0asm\x01\0\0\0".to_vec();
        // type section: one type () -> ()
        m.extend([1, 4, 1, 0x60, 0, 0]);
        // function section: one function of type 0
        m.extend([3, 2, 1, 0]);
        // memory section: one memory, min 1 page
        m.extend([5, 3, 1, 0, 1]);
        // code section: one body of 2 bytes (no locals, end)
        m.extend([10, 4, 1, 2, 0, 0x0b]);
        // data section: one active segment at i32.const 16, "hello world"
        let text = b"hello world";
        let mut data = vec![1, 0, 0x41, 16, 0x0b, text.len() as u8];
        data.extend(text);
        m.push(11);
        m.push(data.len() as u8);
        m.extend(data);
        m
    }

    #[test]
    fn sizes_sections_functions_and_segments() {
        let bytes = tiny();
        let module = parse(&bytes).unwrap();
        let total: usize = module.sections.iter().map(|s| s.bytes).sum();
        assert_eq!(total + 8, bytes.len());
        assert_eq!(module.functions, [Item { name: "code[0]".into(), bytes: 3 }]);
        assert_eq!(module.data, [b"hello world".to_vec()]);
        assert_eq!(top(&module, 1)[0].name, "data[0]");
        assert_eq!(strings(&module.data[0], 40), ["hello world"]);
        assert_eq!(
            strings(b"\x01\x02/api/sites/\xc0\x0f/conversations/\x00ab", 40),
            ["/api/sites/", "/conversations/"]
        );
        assert!(strings(&[0, 1, 2, 3, 200, 201], 5).is_empty());
        assert!(parse(b"nope").is_err());
        assert!(parse(&bytes[..bytes.len() - 3]).is_err());
    }
}
