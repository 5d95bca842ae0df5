//! Where proposals live while signers sign them: a local file, or an object in an S3-compatible store (AWS S3,
//! MinIO, Ceph) that signers on different machines share, and the queue of a wallet's proposals in a folder of
//! either.
//!
//! No signature is ever lost when signers write at once. Locally, a signature is added under a lock to the file as
//! it is then ([`Proposal::add_signature_to_file`]). In S3, a proposal is created with `If-None-Match: *` (never
//! over another) and a signature is added by reading the object with its ETag, adding, and writing back with
//! `If-Match: <ETag>`; a writer who lost the race (412 or 409) reads again and retries. A store that ignores
//! conditional writes would silently drop signatures, so every write to a store is preceded by a probe that it
//! refuses a second create and a stale ETag; a store that does not is refused in words.
//!
//! Nothing in an object is secret (a proposal and signatures over it). Credentials, region and endpoint come the
//! AWS way (environment, profile, `AWS_ENDPOINT_URL`); with an endpoint set, path-style addressing is used, as
//! MinIO, Ceph and LocalStack expect.
//!
//! The queue of a wallet in a folder (`DIR` or `s3://BUCKET/PREFIX`) is `<chain id>-<wallet>/`, one file per
//! proposal: `<nonce, 20 digits>-<first 8 hex digits of the digest>.json`, or `message-<…>.json` for ERC-1271
//! messages.

use std::{path::PathBuf, time::Duration};

use alloy::primitives::{Address, B256};
use aws_sdk_s3::{error::ProvideErrorMetadata, primitives::ByteStream};

use crate::{
    Error,
    packing::SignerSignature,
    proposal::{Body, MAX_FILE_BYTES, Proposal},
};

/// Where one proposal is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A file on this machine (or a shared folder mounted here).
    File(PathBuf),
    /// An object in S3.
    S3 {
        /// The bucket's name.
        bucket: String,
        /// The object's key, with no leading or trailing `/`.
        key: String,
    },
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::File(p) => write!(f, "{}", p.display()),
            Self::S3 { bucket, key } => write!(f, "s3://{bucket}/{key}"),
        }
    }
}

fn s3_parts(text: &str) -> Option<Result<(String, String), Error>> {
    let rest = text.strip_prefix("s3://")?;
    let (bucket, key) = rest.split_once('/').unwrap_or((rest, ""));
    if bucket.is_empty() || !bucket.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || ".-".contains(c)) {
        return Some(Err(Error::Malformed(format!(
            "`{}` is not an S3 location: s3://BUCKET/KEY, with a bucket name of lowercase letters, digits, dots and \
             hyphens",
            crate::text::escape(text)
        ))));
    }
    Some(Ok((bucket.to_owned(), key.trim_matches('/').to_owned())))
}

impl Location {
    /// `s3://BUCKET/KEY` or a local path.
    pub fn parse(text: &str) -> Result<Self, Error> {
        match s3_parts(text) {
            Some(parts) => {
                let (bucket, key) = parts?;
                if key.is_empty() || key.ends_with('/') {
                    return Err(Error::Malformed(format!("`s3://{bucket}/` names no object: add the proposal's key")));
                }
                Ok(Self::S3 { bucket, key })
            }
            None => Ok(Self::File(PathBuf::from(text))),
        }
    }

    /// The queue folder this proposal is in, when it is in one (`…/<chain id>-<wallet>/<name>.json`).
    pub fn queue(&self) -> Option<Queue> {
        let (folder, name) = match self {
            Self::File(p) => {
                (Folder::Dir(p.parent()?.parent()?.to_owned()), p.parent()?.file_name()?.to_string_lossy().into_owned())
            }
            Self::S3 { bucket, key } => {
                let mut parts: Vec<&str> = key.rsplitn(3, '/').collect();
                parts.reverse();
                let (prefix, wallet_dir) = match parts.as_slice() {
                    [prefix, dir, _] => (prefix.to_string(), dir.to_string()),
                    [dir, _] => (String::new(), dir.to_string()),
                    _ => return None,
                };
                (Folder::S3 { bucket: bucket.clone(), prefix }, wallet_dir)
            }
        };
        let (chain, wallet) = name.split_once('-')?;
        Some(Queue { folder, chain_id: chain.parse().ok()?, wallet: wallet.parse().ok()? })
    }
}

/// A folder holding queues: a local directory, or a bucket and prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Folder {
    /// A directory on this machine (or a shared folder mounted here).
    Dir(PathBuf),
    /// A prefix in an S3 bucket.
    S3 {
        /// The bucket's name.
        bucket: String,
        /// The key prefix, with no leading or trailing `/`; empty for the bucket's root.
        prefix: String,
    },
}

impl Folder {
    /// `s3://BUCKET[/PREFIX]` or a local directory.
    pub fn parse(text: &str) -> Result<Self, Error> {
        match s3_parts(text) {
            Some(parts) => {
                let (bucket, prefix) = parts?;
                Ok(Self::S3 { bucket, prefix })
            }
            None => Ok(Self::Dir(PathBuf::from(text))),
        }
    }
}

impl std::fmt::Display for Folder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Dir(p) => write!(f, "{}", p.display()),
            Self::S3 { bucket, prefix } if prefix.is_empty() => write!(f, "s3://{bucket}"),
            Self::S3 { bucket, prefix } => write!(f, "s3://{bucket}/{prefix}"),
        }
    }
}

/// One wallet's queue of proposals in a folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Queue {
    /// The folder holding it; the queue is its subfolder `<chain id>-<wallet, lowercase>`.
    pub folder: Folder,
    /// The wallet's chain.
    pub chain_id: u64,
    /// The wallet whose proposals the queue holds.
    pub wallet: Address,
}

/// A proposal read from a queue, with where it is.
#[derive(Debug, Clone)]
pub struct Queued {
    /// Where it was read from.
    pub location: Location,
    /// The proposal, verified as it was read.
    pub proposal: Proposal,
}

impl Queue {
    /// The queue of `wallet` on `chain_id` in `folder`.
    pub fn new(folder: Folder, chain_id: u64, wallet: Address) -> Self {
        Self { folder, chain_id, wallet }
    }

    fn dir_name(&self) -> String {
        format!("{}-{}", self.chain_id, self.wallet.to_string().to_lowercase())
    }

    /// Where `proposal` goes in this queue.
    pub fn location_of(&self, proposal: &Proposal) -> Location {
        let digest = proposal.hashes.digest.to_string();
        let short = &digest[2..10];
        let name = match &proposal.body {
            Body::Execute { nonce, .. } => format!("{nonce:020}-{short}.json"),
            Body::Message { .. } => format!("message-{short}.json"),
        };
        match &self.folder {
            Folder::Dir(dir) => Location::File(dir.join(self.dir_name()).join(name)),
            Folder::S3 { bucket, prefix } => Location::S3 {
                bucket: bucket.clone(),
                key: [prefix.as_str(), &self.dir_name(), &name]
                    .iter()
                    .filter(|p| !p.is_empty())
                    .cloned()
                    .collect::<Vec<_>>()
                    .join("/"),
            },
        }
    }

    /// Every proposal of the queue, execute proposals by nonce, messages last. Files that are not proposals of
    /// this wallet and chain are skipped (and named in the second list, with why).
    // Long: names from a directory or S3's pages, then read, filtered and sorted: one pass from folder to proposals.
    pub async fn list(&self, timeout: Duration) -> Result<(Vec<Queued>, Vec<(Location, String)>), Error> {
        let mut locations = Vec::new();
        match &self.folder {
            Folder::Dir(dir) => {
                let folder = dir.join(self.dir_name());
                match std::fs::read_dir(&folder) {
                    Ok(entries) => {
                        for e in entries.flatten() {
                            let name = e.file_name().to_string_lossy().into_owned();
                            if name.ends_with(".json") && !name.starts_with('.') {
                                locations.push(Location::File(e.path()));
                            }
                        }
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => return Err(Error::File { path: folder, why: e.to_string() }),
                }
            }
            Folder::S3 { bucket, prefix } => {
                let client = s3(timeout).await;
                let dir = [prefix.as_str(), &self.dir_name()]
                    .iter()
                    .filter(|p| !p.is_empty())
                    .cloned()
                    .collect::<Vec<_>>()
                    .join("/")
                    + "/";
                let mut token = None;
                loop {
                    let page = client
                        .list_objects_v2()
                        .bucket(bucket)
                        .prefix(&dir)
                        .set_continuation_token(token.take())
                        .send()
                        .await
                        .map_err(|e| store_error(&self.folder.to_string(), "listing the queue", &e))?;
                    for o in page.contents() {
                        if let Some(key) = o.key()
                            && key.ends_with(".json")
                            && !key.rsplit('/').next().unwrap_or("").starts_with('.')
                        {
                            locations.push(Location::S3 { bucket: bucket.clone(), key: key.to_owned() });
                        }
                    }
                    match page.next_continuation_token() {
                        Some(t) if page.is_truncated() == Some(true) => token = Some(t.to_owned()),
                        _ => break,
                    }
                }
            }
        }
        let read = futures::future::join_all(locations.into_iter().map(|l| async move {
            let got = load(&l, timeout).await.map(|(p, _)| p);
            (l, got)
        }))
        .await;
        let (mut good, mut skipped) = (Vec::new(), Vec::new());
        for (location, got) in read {
            match got {
                Ok(p) if p.chain_id == self.chain_id && p.wallet == self.wallet => {
                    good.push(Queued { location, proposal: p })
                }
                Ok(p) => {
                    skipped.push((location, format!("a proposal for wallet {} on chain {}", p.wallet, p.chain_id)))
                }
                Err(e) => skipped.push((location, e.to_string())),
            }
        }
        good.sort_by_key(|q| match &q.proposal.body {
            Body::Execute { nonce, .. } => (0, *nonce, q.proposal.hashes.digest),
            Body::Message { .. } => (1, 0, q.proposal.hashes.digest),
        });
        Ok((good, skipped))
    }
}

/// The S3 client, configured the AWS way; path-style addressing when an endpoint is set (MinIO, Ceph, LocalStack).
async fn s3(timeout: Duration) -> aws_sdk_s3::Client {
    let shared = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .timeout_config(
            aws_config::timeout::TimeoutConfig::builder()
                .operation_attempt_timeout(timeout)
                .connect_timeout(timeout.min(Duration::from_secs(10)))
                .build(),
        )
        .load()
        .await;
    let custom_endpoint = ["AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"].iter().any(|v| std::env::var_os(v).is_some());
    let config = aws_sdk_s3::config::Builder::from(&shared).force_path_style(custom_endpoint).build();
    aws_sdk_s3::Client::from_conf(config)
}

fn status_of<E>(e: &aws_sdk_s3::error::SdkError<E>) -> Option<u16> {
    e.raw_response().map(|r| r.status().as_u16())
}

/// An S3 error in words, with the service's code and message (escaped: a store is untrusted).
fn store_error<E: ProvideErrorMetadata + std::error::Error + 'static>(
    location: &str,
    doing: &str,
    e: &aws_sdk_s3::error::SdkError<E>,
) -> Error {
    let why = match (e.code(), e.message()) {
        (Some(code), Some(message)) => format!("{code}: {message}"),
        (Some(code), None) => code.to_owned(),
        _ => {
            let mut text = e.to_string();
            let mut source = std::error::Error::source(e);
            while let Some(s) = source {
                text.push_str(": ");
                text.push_str(&s.to_string());
                source = s.source();
            }
            text
        }
    };
    let hint =
        if why.contains("region must be set") { " (set AWS_REGION, or a region in the AWS profile)" } else { "" };
    Error::Store { location: location.to_owned(), why: crate::text::escape(&format!("{doing}: {why}{hint}")) }
}

/// A proposal read from `location`, with its S3 ETag (the version a signature is added to).
pub async fn load(location: &Location, timeout: Duration) -> Result<(Proposal, Option<String>), Error> {
    match location {
        Location::File(path) => Ok((Proposal::load(path)?, None)),
        Location::S3 { bucket, key } => {
            let got = s3(timeout)
                .await
                .get_object()
                .bucket(bucket)
                .key(key)
                .send()
                .await
                .map_err(|e| store_error(&location.to_string(), "reading", &e))?;
            if got.content_length().unwrap_or(0) > MAX_FILE_BYTES as i64 {
                return Err(Error::Store {
                    location: location.to_string(),
                    why: format!("larger than {MAX_FILE_BYTES} bytes: not a proposal"),
                });
            }
            let etag = got.e_tag().map(str::to_owned);
            let bytes = got
                .body
                .collect()
                .await
                .map_err(|e| Error::Store { location: location.to_string(), why: format!("reading: {e}") })?
                .into_bytes();
            let text = std::str::from_utf8(&bytes)
                .map_err(|_| Error::Store { location: location.to_string(), why: "not UTF-8 text".into() })?;
            let proposal = Proposal::parse(text).map_err(|e| match e {
                Error::Malformed(why) => Error::Store { location: location.to_string(), why },
                other => other,
            })?;
            Ok((proposal, etag))
        }
    }
}

fn json(proposal: &Proposal) -> Result<String, Error> {
    serde_json::to_string_pretty(proposal).map(|t| t + "\n").map_err(|e| Error::Malformed(e.to_string()))
}

/// Writes a new proposal at `location`; refused if anything is there already (it may hold collected signatures).
pub async fn create(location: &Location, proposal: &Proposal, timeout: Duration) -> Result<(), Error> {
    match location {
        Location::File(path) => {
            if std::fs::symlink_metadata(path).is_ok() {
                return Err(Error::File {
                    path: path.clone(),
                    why: "already exists: it may hold collected signatures; choose another place".into(),
                });
            }
            if let Some(dir) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|e| Error::File { path: dir.to_owned(), why: e.to_string() })?;
            }
            proposal.save(path)
        }
        Location::S3 { bucket, key } => {
            let client = s3(timeout).await;
            probe(&client, bucket, key).await?;
            let put = client
                .put_object()
                .bucket(bucket)
                .key(key)
                .if_none_match("*")
                .content_type("application/json")
                .body(ByteStream::from(json(proposal)?.into_bytes()))
                .send()
                .await;
            match put {
                Ok(_) => Ok(()),
                Err(e) if matches!(status_of(&e), Some(412 | 409)) => Err(Error::Store {
                    location: location.to_string(),
                    why: "already exists: it may hold collected signatures; choose another place".into(),
                }),
                Err(e) => Err(store_error(&location.to_string(), "writing", &e)),
            }
        }
    }
}

/// Adds `entry` to the proposal at `location` as it is now (it must still be the proposal `signed`), never losing
/// a signature another signer added meanwhile. Returns whether it was added and the proposal as stored.
pub async fn add_signature(
    location: &Location,
    signed: &Proposal,
    entry: SignerSignature,
    replaceable: impl Fn(&SignerSignature) -> bool,
    timeout: Duration,
) -> Result<(bool, Proposal), Error> {
    let (bucket, key) = match location {
        Location::File(path) => return Proposal::add_signature_to_file(path, signed, entry, replaceable),
        Location::S3 { bucket, key } => (bucket, key),
    };
    let client = s3(timeout).await;
    probe(&client, bucket, key).await?;
    let here = location.to_string();
    for attempt in 0..20u32 {
        if attempt > 0 {
            // Back off with jitter: the writers who collided should not collide again.
            let ms = 50 * u64::from(attempt.min(8)) + u64::from(rand::random::<u8>());
            tokio::time::sleep(Duration::from_millis(ms)).await;
        }
        let (mut current, etag) = load(location, timeout).await?;
        if current.hashes.digest != signed.hashes.digest {
            return Err(Error::Store {
                location: here,
                why: format!(
                    "now holds another proposal (digest {}) than the one signed ({}): nothing was added",
                    current.hashes.digest, signed.hashes.digest
                ),
            });
        }
        if !current.add_signature(entry.clone(), &replaceable)? {
            return Ok((false, current));
        }
        let Some(etag) = etag else {
            return Err(Error::Store {
                location: here,
                why: "the store gave no ETag: it cannot take signatures safely".into(),
            });
        };
        let put = client
            .put_object()
            .bucket(bucket)
            .key(key)
            .if_match(etag)
            .content_type("application/json")
            .body(ByteStream::from(json(&current)?.into_bytes()))
            .send()
            .await;
        match put {
            Ok(_) => return Ok((true, current)),
            Err(e) if matches!(status_of(&e), Some(412 | 409)) => continue,
            Err(e) => return Err(store_error(&here, "writing the signature", &e)),
        }
    }
    Err(Error::Store {
        location: here,
        why: "20 attempts to add the signature collided with other writers: run sign again (nothing was added)".into(),
    })
}

/// Makes sure the store honours conditional writes before trusting it with signatures: a second create of the same
/// key and a write against a stale ETag must both be refused. Uses a probe object beside `key`.
async fn probe(client: &aws_sdk_s3::Client, bucket: &str, key: &str) -> Result<(), Error> {
    let dir = key.rsplit_once('/').map(|(d, _)| format!("{d}/")).unwrap_or_default();
    let probe_key = format!("{dir}.opwallet-conditional-write-probe");
    let here = format!("s3://{bucket}/{probe_key}");
    let put = |if_none: Option<&str>, if_match: Option<&str>| {
        client
            .put_object()
            .bucket(bucket)
            .key(&probe_key)
            .set_if_none_match(if_none.map(str::to_owned))
            .set_if_match(if_match.map(str::to_owned))
            .body(ByteStream::from_static(b"opwallet checks that this store honours conditional writes\n"))
            .send()
    };
    match put(Some("*"), None).await {
        Ok(_) => {}
        Err(e) if matches!(status_of(&e), Some(412 | 409)) => {}
        Err(e) => return Err(store_error(&format!("s3://{bucket}/{key}"), "writing to the store", &e)),
    }
    let refuses =
        |r: Result<_, aws_sdk_s3::error::SdkError<_>>| matches!(r.map_err(|e| status_of(&e)), Err(Some(412 | 409)));
    let unsupported = |what: &str| Error::Store {
        location: here.clone(),
        why: format!(
            "this store ignores {what}: concurrent signers would overwrite each other's signatures, so opwallet will \
             not use it (AWS S3 has supported conditional writes since 2024; upgrade MinIO or Ceph, or share files)"
        ),
    };
    if !refuses(put(Some("*"), None).await) {
        return Err(unsupported("If-None-Match (it created an object that already existed)"));
    }
    if !refuses(put(None, Some("\"00000000000000000000000000000000\"")).await) {
        return Err(unsupported("If-Match (it overwrote an object whose ETag had changed)"));
    }
    Ok(())
}

/// The nonce a new proposal takes in a queue: the wallet's next nonce, or past every queued proposal waiting for
/// one at or after it. A queued proposal for a nonce the wallet can never use (2^32 - 1 and up: its nonce is 32 bits
/// and the last value is never used) is left out: it can never run, and must not push every new proposal out of
/// reach.
pub fn next_nonce(queue: &[Proposal], wallet_nonce: u64) -> u64 {
    queue
        .iter()
        .filter_map(|p| match p.body {
            Body::Execute { nonce, .. } if nonce >= wallet_nonce && nonce <= crate::wallet::LAST_NONCE => {
                Some(nonce + 1)
            }
            _ => None,
        })
        .max()
        .unwrap_or(wallet_nonce)
}

/// Queued execute proposals that run before `nonce` (at nonces from `wallet_nonce` up), one per nonce: the one
/// with the most signatures (ties: the lowest digest). `Err(n)`: no proposal is queued for nonce `n`.
pub fn predecessors(queue: &[Proposal], wallet_nonce: u64, nonce: u64) -> Result<Vec<&Proposal>, u64> {
    let mut out = Vec::new();
    for n in wallet_nonce..nonce {
        let best = queue
            .iter()
            .filter(|p| matches!(p.body, Body::Execute { nonce, .. } if nonce == n))
            .max_by_key(|p| (p.signatures.len(), std::cmp::Reverse(p.hashes.digest)));
        match best {
            Some(p) => out.push(p),
            None => return Err(n),
        }
    }
    Ok(out)
}

/// The digest's short form used in queue file names.
pub fn short(digest: B256) -> String {
    digest.to_string()[2..10].to_owned()
}

#[cfg(test)]
mod tests {
    use alloy::primitives::{Address, Bytes};

    use super::*;
    use crate::proposal::ProposedCall;

    fn at(nonce: u64) -> Proposal {
        let call = ProposedCall::new(Address::repeat_byte(1), Bytes::new());
        Proposal::execute(1, Address::repeat_byte(9), 0, nonce, 100, 0, vec![call])
    }

    #[test]
    fn the_next_nonce_is_past_the_queue_but_never_past_a_proposal_that_cannot_run() {
        assert_eq!(next_nonce(&[], 5), 5);
        assert_eq!(next_nonce(&[at(5), at(7), at(3)], 5), 8);
        // A (doctored) proposal at the wallet's unusable last nonce, or past it, does not move the next one.
        let last = crate::wallet::LAST_NONCE;
        assert_eq!(next_nonce(&[at(5), at(last + 1), at(u64::MAX)], 5), 6);
        assert_eq!(next_nonce(&[at(last)], 5), last + 1);
    }
}
