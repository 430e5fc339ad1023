//! Stand-in for `wasm-streams` 0.5, which Leptos links only for server functions' streaming
//! bodies (`server_fn`'s `browser` feature). Baton's widget and console call no server
//! functions, yet the real crate exports three JavaScript classes that no linker can drop:
//! every visitor would download them. This crate keeps the two calls `server_fn` makes
//! compiling and answers each with an error, so a stream used by mistake fails loudly.

use futures_util::stream::{self, Stream};
use wasm_bindgen::{JsCast, JsValue};

/// A body stream Baton never builds: it carries no data.
pub struct ReadableStream(JsValue);

impl ReadableStream {
    pub fn from_raw(raw: web_sys::ReadableStream) -> ReadableStream {
        ReadableStream(raw.into())
    }

    pub fn from_stream<St>(_stream: St) -> ReadableStream
    where
        St: Stream<Item = Result<JsValue, JsValue>> + 'static,
    {
        ReadableStream(JsValue::UNDEFINED)
    }

    pub fn into_raw(self) -> web_sys::ReadableStream {
        self.0.unchecked_into()
    }

    pub fn into_stream(self) -> impl Stream<Item = Result<JsValue, JsValue>> + Unpin {
        stream::iter([Err(JsValue::from_str("Baton's build has no streaming server functions"))])
    }
}
