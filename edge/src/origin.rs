//! The request's `Origin` and the worker's own, for the checks in `baton_shared::origin`.

use worker::Request;

use crate::internal::Caller;
use crate::routes::site::check_embed;

pub fn request_origin(req: &Request) -> Option<String> {
    req.headers().get("origin").ok().flatten().filter(|o| !o.is_empty())
}

/// `scheme://host[:port]` of the URL this request was sent to.
pub fn own_origin(req: &Request) -> String {
    req.url().map(|url| url.origin().ascii_serialization()).unwrap_or_default()
}

/// Customers may come from the site's embedding pages; agents from Baton's own console only.
pub async fn check_caller(req: &Request, env: &worker::Env, site: &str, caller: &Caller) -> crate::http::ApiResult<()> {
    match caller {
        Caller::Customer => check_embed(req, env, site).await.map(|_| ()),
        Caller::Agent(_) => baton_shared::origin::check_same_origin(request_origin(req).as_deref(), &own_origin(req)),
    }
}
