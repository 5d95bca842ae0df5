//! What every call to a remote service (a remote signer, Fireblocks, a secrets manager) shares: a bounded time,
//! and knowing when plain http is acceptable.

use alloy::transports::http::reqwest::{Client, Url};

use crate::Error;

/// Bounds every call to a remote service: an unreachable signer must fail, never hang.
pub(crate) const TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// An HTTP client for the public web PKI, bounded by [`TIMEOUT`].
pub(crate) fn client() -> Result<Client, Error> {
    Client::builder().timeout(TIMEOUT).build().map_err(|e| Error::Signer(format!("http client: {}", chain(&e))))
}

/// An error with its causes: a request error says which request, its sources say why (refused, TLS, …).
pub(crate) fn chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let next = s.to_string();
        if !text.contains(&next) {
            text.push_str(": ");
            text.push_str(&next);
        }
        source = s.source();
    }
    text
}

/// Whether `url` points at this machine (plain http is acceptable there).
pub(crate) fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d == "localhost",
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}
