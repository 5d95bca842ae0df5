//! What every call to a remote service (a remote signer, Fireblocks, a secrets manager) shares: a bounded time,
//! and knowing when plain http is acceptable.

use alloy::transports::http::reqwest::{Client, Url};

use crate::Error;

/// Bounds every call to a remote service: an unreachable signer must fail, never hang.
pub(crate) const TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// An HTTP client for the public web PKI, bounded by [`TIMEOUT`].
pub(crate) fn client() -> Result<Client, Error> {
    Client::builder().timeout(TIMEOUT).build().map_err(Error::HttpClient)
}

/// `url` parsed, refusing plain http to another machine when it would carry `exposed` (a credential); `what`
/// names the setting in messages ("web3signer URL").
pub(crate) fn parse_url(url: &str, what: &'static str, exposed: Option<&'static str>) -> Result<Url, Error> {
    let parsed: Url = url.parse().map_err(|_| Error::NotAUrl { what, url: crate::text::redact_url(url) })?;
    if let Some(exposed) = exposed
        && parsed.scheme() == "http"
        && !is_loopback(&parsed)
    {
        return Err(Error::PlainHttp { what, url: crate::text::redact_url(url), exposed });
    }
    Ok(parsed)
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
