//! Untrusted WebSocket text goes straight into the frame decoders, so they must never panic, must
//! classify every failure with one of the four decode codes, and whatever they accept must survive
//! the edge re-encoding it for a broadcast or an ack.

#![no_main]

use baton_shared::error::ErrorCode;
use baton_shared::limits::MAX_FRAME_BYTES;
use baton_shared::protocol::{ClientFrame, DecodeError, decode_client_frame, decode_dashboard_client_frame, encode};
use libfuzzer_sys::fuzz_target;

thread_local! {
    static PADDED: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

fuzz_target!(|data: &[u8]| {
    // Browsers only hand the edge text frames, which are always valid UTF-8.
    let raw = String::from_utf8_lossy(data);
    check(&raw);

    // libFuzzer's inputs stay far below the limit, so the limit is probed here: one byte over must
    // be refused before any parsing, and whitespace padding (still valid JSON) up to exactly the
    // limit must not change what a frame decodes to.
    if raw.len() <= MAX_FRAME_BYTES {
        PADDED.with_borrow_mut(|padded| {
            pad(padded, &raw, MAX_FRAME_BYTES + 1);
            assert_code(&decode_client_frame(padded), ErrorCode::FrameTooLarge, padded);
            assert_code(&decode_dashboard_client_frame(padded), ErrorCode::FrameTooLarge, padded);
            if let Ok(frame) = decode_client_frame(&raw) {
                pad(padded, &raw, MAX_FRAME_BYTES);
                assert_eq!(decode_client_frame(padded).as_ref(), Ok(&frame), "padding to the limit changed {raw:?}");
            }
        });
    } else {
        assert_code(&decode_client_frame(&raw), ErrorCode::FrameTooLarge, &raw);
        assert_code(&decode_dashboard_client_frame(&raw), ErrorCode::FrameTooLarge, &raw);
    }
});

fn check(raw: &str) {
    let client = decode_client_frame(raw);
    let dashboard = decode_dashboard_client_frame(raw);
    for err in [client.as_ref().err(), dashboard.as_ref().err()].into_iter().flatten() {
        check_error(raw, err);
    }

    match &client {
        Ok(frame) => {
            let json = encode(frame);
            let again = decode_client_frame(&json);
            assert_eq!(again.as_ref(), Ok(frame), "{raw:?} decoded to {frame:?}, which re-encodes as {json:?}");
            assert_eq!(serde_json::to_string(frame).ok().as_deref(), Some(json.as_str()));
        }
        // Up to the type check both decoders run the same steps, so they must fail the same way.
        Err(e) if e.code != ErrorCode::UnknownType && e.code != ErrorCode::BadRequest => {
            assert_eq!(dashboard.as_ref().err().map(|d| d.code), Some(e.code), "decoders disagree on {raw:?}");
        }
        Err(_) => {}
    }

    match &dashboard {
        Ok(frame) => {
            let json = encode(frame);
            assert_eq!(decode_dashboard_client_frame(&json).as_ref(), Ok(frame), "{raw:?} re-encodes as {json:?}");
            // `ping` means the same to both decoders.
            assert_eq!(client.as_ref().ok(), Some(&ClientFrame::Ping), "dashboard ping {raw:?} vs {client:?}");
        }
        Err(_) => {
            assert_ne!(client.as_ref().ok(), Some(&ClientFrame::Ping), "client ping {raw:?} refused by dashboard");
        }
    }
}

fn check_error(raw: &str, err: &DecodeError) {
    assert!(!err.message.trim().is_empty(), "empty message for {raw:?}: {err:?}");
    assert_eq!(err.retry_after_ms, None, "decode errors are not rate limits: {err:?}");
    let parses = serde_json::from_str::<serde_json::Value>(raw);
    match err.code {
        ErrorCode::FrameTooLarge => assert!(raw.len() > MAX_FRAME_BYTES, "{} bytes called too large", raw.len()),
        ErrorCode::MalformedJson => assert!(parses.is_err(), "valid JSON {raw:?} called malformed"),
        ErrorCode::BadRequest | ErrorCode::UnknownType => {
            assert!(raw.len() <= MAX_FRAME_BYTES && parses.is_ok(), "{raw:?} got {err:?}")
        }
        other => panic!("decoding {raw:?} gave unexpected code {other:?}"),
    }
}

fn assert_code<T: std::fmt::Debug>(result: &Result<T, DecodeError>, code: ErrorCode, raw: &str) {
    match result {
        Err(e) => {
            assert_eq!(e.code, code, "{} bytes: {e:?}", raw.len());
            assert!(!e.message.trim().is_empty(), "empty message: {e:?}");
        }
        Ok(frame) => panic!("{} bytes decoded to {frame:?}; expected {code:?}", raw.len()),
    }
}

/// `raw` followed by JSON whitespace up to `len` (at most `MAX_FRAME_BYTES + 1`) bytes. Buffers are
/// reused and the padding copied in one go: allocating or pushing 16 KiB per input would cost most
/// of the fuzzer's throughput under ASan.
fn pad(padded: &mut String, raw: &str, len: usize) {
    static SPACES: [u8; MAX_FRAME_BYTES + 1] = [b' '; MAX_FRAME_BYTES + 1];
    let spaces = std::str::from_utf8(&SPACES[..len.saturating_sub(raw.len())]).unwrap();
    padded.clear();
    padded.push_str(raw);
    padded.push_str(spaces);
}
