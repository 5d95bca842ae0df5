//! Text that came from outside (a proposal file, the chain, a remote service) made safe to show, and URLs made safe
//! to name in messages.
//!
//! A string printed to a terminal can carry escape sequences that move the cursor and overwrite lines a signer
//! already read, carriage returns that do the same, and bidirectional-override characters that reorder what is
//! shown. [`escape`] turns every such character into a visible `\u{…}` escape, so what a signer reads is what the
//! bytes say.

/// Whether `c` must not reach a terminal as itself: C0 and C1 controls (ESC, CR, BEL, CSI …), DEL, the Unicode
/// bidirectional controls, and the zero-width and invisible format characters that can hide or reorder text.
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}'               // Arabic letter mark
            | '\u{115F}' | '\u{1160}' // Hangul fillers (render as nothing)
            | '\u{180E}'             // Mongolian vowel separator
            | '\u{200B}'..='\u{200F}' // zero-width space/joiners, LRM, RLM
            | '\u{2028}' | '\u{2029}' // line and paragraph separators
            | '\u{202A}'..='\u{202E}' // LRE, RLE, PDF, LRO, RLO
            | '\u{2060}'..='\u{206F}' // word joiner, invisible operators, LRI, RLI, FSI, PDI, deprecated formats
            | '\u{3164}'             // Hangul filler
            | '\u{FEFF}'             // zero-width no-break space (BOM)
            | '\u{FFF9}'..='\u{FFFB}' // interlinear annotation controls
            | '\u{E0000}'..='\u{E007F}' // tag characters
        )
}

/// `s` with every unsafe character (see [`is_unsafe`]) replaced by `\u{…}`. Newlines and tabs are escaped too:
/// one value, one line. Idempotent, so a value escaped where it is inserted can pass through a message that is
/// escaped again as a whole.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if is_unsafe(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// As [`escape`], but keeps line breaks: for multi-line messages that opwallet composed itself around values
/// that may not be safe (an error chain quoting a file).
pub fn escape_lines(s: &str) -> String {
    s.split('\n').map(escape).collect::<Vec<_>>().join("\n")
}

/// Whether `s` is free of characters [`escape`] would change.
pub fn is_plain(s: &str) -> bool {
    !s.chars().any(is_unsafe)
}

/// A serialized JSON document with every unsafe character written as a `\uXXXX` escape. JSON already escapes C0
/// controls; this adds DEL, C1 controls and the bidirectional and invisible characters, which may only occur inside
/// strings, so the document still parses to the same value.
pub fn escape_json(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        // C0 controls inside strings are already escaped by any JSON writer; outside strings they are whitespace.
        if is_unsafe(c) && c >= ' ' {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// A URL as it may appear in a message: scheme, host and port only. User names, passwords, paths and queries are
/// where providers put API keys (`https://mainnet.example/v2/KEY`, `https://user:token@node`), so they are dropped.
pub fn redact_url(url: &str) -> String {
    match url.parse::<url::Url>() {
        Ok(u) => {
            let host = u.host_str().unwrap_or("?");
            let port = u.port().map(|p| format!(":{p}")).unwrap_or_default();
            format!("{}://{host}{port}{}", u.scheme(), if has_secret_parts(&u) { "/…" } else { u.path() })
        }
        Err(_) => "(a value that is not a URL; not shown, it may hold a secret)".to_owned(),
    }
}

/// Whether a URL carries anything beyond scheme, host and port (where credentials hide).
fn has_secret_parts(u: &url::Url) -> bool {
    !u.username().is_empty() || u.password().is_some() || !matches!(u.path(), "" | "/") || u.query().is_some()
}

/// Replaces every occurrence of each secret in `text` (and of the secret parts of each URL) with a placeholder.
/// Used on error chains from libraries that quote the URL they failed to reach.
pub fn redact(text: &str, urls: &[String]) -> String {
    let mut out = text.to_owned();
    for url in urls {
        if !url.parse::<url::Url>().is_ok_and(|u| has_secret_parts(&u)) {
            continue;
        }
        out = out.replace(url.as_str(), &redact_url(url));
        if let Ok(u) = url.parse::<url::Url>() {
            // The library may print the URL normalised (a trailing slash added) or only parts of it.
            let normalised = u.to_string();
            out = out.replace(normalised.as_str(), &redact_url(url));
            for part in [u.password().unwrap_or_default(), u.username()] {
                if part.len() >= 4 {
                    out = out.replace(part, "…");
                }
            }
            for segment in u.path_segments().into_iter().flatten().chain(u.query()) {
                if segment.len() >= 8 {
                    out = out.replace(segment, "…");
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_neutralises_terminal_controls_and_bidi() {
        // Cursor up, erase line, carriage return, bell, a C1 CSI, DEL, RLO, LRI, zero-width space, BOM, a tag char.
        let evil = "ok\u{1b}[1A\u{1b}[2K\rwallet 0xW2\u{7}\u{9b}2J\u{7f}\u{202e}\u{2066}\u{200b}\u{feff}\u{e0041}\n\t";
        let shown = escape(evil);
        assert!(shown.chars().all(|c| !is_unsafe(c)), "{shown:?}");
        assert_eq!(
            shown,
            "ok\\u{1b}[1A\\u{1b}[2K\\u{d}wallet 0xW2\\u{7}\\u{9b}2J\\u{7f}\\u{202e}\\u{2066}\\u{200b}\\u{feff}\\u{e0041}\\u{a}\\u{9}"
        );
        // Escaping twice changes nothing.
        assert_eq!(escape(&escape(evil)), escape(evil));
        // Ordinary text, including non-Latin scripts, passes unchanged.
        for plain in ["https://op.example/m.json", "Ünïcödé ✓ 操作员", "a b"] {
            assert_eq!(escape(plain), plain);
            assert!(is_plain(plain));
        }
    }

    #[test]
    fn escape_lines_keeps_only_our_line_breaks_meaningful() {
        assert_eq!(escape_lines("a\u{1b}[2K\nb\rc"), "a\\u{1b}[2K\nb\\u{d}c");
    }

    #[test]
    fn escape_json_keeps_the_value() {
        let value = serde_json::json!({ "s": "x\u{9b}y\u{202e}z\u{1b}\u{1f600}\u{e0041}" });
        let text = escape_json(&serde_json::to_string_pretty(&value).expect("json"));
        assert!(text.chars().all(|c| !is_unsafe(c) || c == '\n'), "{text}");
        let back: serde_json::Value = serde_json::from_str(&text).expect("still JSON");
        assert_eq!(back, value);
    }

    #[test]
    fn urls_lose_credentials_paths_and_queries() {
        assert_eq!(redact_url("https://eth-mainnet.example/v2/SECRETKEY123"), "https://eth-mainnet.example/…");
        assert_eq!(redact_url("https://user:pass@node.example:8545/"), "https://node.example:8545/…");
        assert_eq!(redact_url("http://127.0.0.1:8545"), "http://127.0.0.1:8545/");
        assert_eq!(
            redact("at http://127.0.0.1:9/upcheck", &["http://127.0.0.1:9/".into()]),
            "at http://127.0.0.1:9/upcheck"
        );
        assert_eq!(redact_url("https://node.example/?apikey=abc"), "https://node.example/…");
        assert!(!redact_url("not a url SECRET").contains("SECRET"));
        let message = "error sending request for url (https://eth-mainnet.example/v2/SECRETKEY123): refused";
        let cleaned = redact(message, &["https://eth-mainnet.example/v2/SECRETKEY123".to_owned()]);
        assert!(!cleaned.contains("SECRETKEY123"), "{cleaned}");
        assert!(cleaned.contains("eth-mainnet.example"), "{cleaned}");
        let cleaned = redact("GET https://u:tok3nvalue@h.example/ failed", &["https://u:tok3nvalue@h.example".into()]);
        assert!(!cleaned.contains("tok3nvalue"), "{cleaned}");
    }
}
