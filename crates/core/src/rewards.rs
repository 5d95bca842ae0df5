//! EigenLayer rewards (RewardsCoordinator): the distribution trees, claims and their checks.
//!
//! Each distribution root commits to an earner tree whose leaves are `keccak256(0x00 ‖ earner ‖ earnerTokenRoot)`;
//! each earner's token tree has leaves `keccak256(0x01 ‖ token ‖ cumulativeEarnings)`. Proofs are the sibling hashes
//! bottom-up, concatenated; at each level an even index hashes `node ‖ sibling`, an odd one `sibling ‖ node`
//! (EigenLayer's `Merkle.verifyInclusionKeccak`). Claims are cumulative per (earner, token): a claim pays the
//! difference between the leaf's cumulative earnings and what was already claimed, so a claim made from an older
//! root never over-pays, and a slow signing round never goes stale.

use alloy::primitives::{Address, B256, Bytes, U256, keccak256};
use opwallet_bindings::eigenlayer::{EarnerTreeMerkleLeaf, RewardsMerkleClaim, TokenTreeMerkleLeaf};
use serde::Serialize;

use crate::Error;

/// `calculateEarnerLeafHash`: `keccak256(abi.encodePacked(uint8(0), earner, earnerTokenRoot))`.
pub fn earner_leaf_hash(leaf: &EarnerTreeMerkleLeaf) -> B256 {
    let mut packed = Vec::with_capacity(53);
    packed.push(0u8);
    packed.extend_from_slice(leaf.earner.as_slice());
    packed.extend_from_slice(leaf.earnerTokenRoot.as_slice());
    keccak256(packed)
}

/// `calculateTokenLeafHash`: `keccak256(abi.encodePacked(uint8(1), token, cumulativeEarnings))`.
pub fn token_leaf_hash(leaf: &TokenTreeMerkleLeaf) -> B256 {
    let mut packed = Vec::with_capacity(53);
    packed.push(1u8);
    packed.extend_from_slice(leaf.token.as_slice());
    packed.extend_from_slice(&leaf.cumulativeEarnings.to_be_bytes::<32>());
    keccak256(packed)
}

/// A keccak Merkle tree over `leaves` (padded with zero hashes to a power of two), as EigenLayer verifies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MerkleTree {
    levels: Vec<Vec<B256>>,
}

impl MerkleTree {
    /// The tree over `leaves` (already hashed), padded with zero leaves to a power of two.
    pub fn new(leaves: Vec<B256>) -> Self {
        let mut level = leaves;
        let width = level.len().max(1).next_power_of_two();
        level.resize(width, B256::ZERO);
        let mut levels = vec![level];
        while levels.last().is_some_and(|l| l.len() > 1) {
            let below = levels.last().map(Vec::as_slice).unwrap_or_default();
            let next = below.chunks(2).map(|p| keccak256([p[0].as_slice(), p[1].as_slice()].concat())).collect();
            levels.push(next);
        }
        Self { levels }
    }

    /// The root: the single node of the top level.
    pub fn root(&self) -> B256 {
        self.levels.last().and_then(|l| l.first()).copied().unwrap_or_default()
    }

    /// The siblings of leaf `index`, bottom-up, concatenated.
    pub fn proof(&self, index: usize) -> Bytes {
        let mut out = Vec::new();
        let mut i = index;
        for level in &self.levels[..self.levels.len() - 1] {
            out.extend_from_slice(level[i ^ 1].as_slice());
            i /= 2;
        }
        out.into()
    }
}

/// `Merkle.verifyInclusionKeccak`: whether `leaf` at `index` with `proof` hashes to `root`.
pub fn verify(root: B256, index: u32, proof: &[u8], leaf: B256) -> bool {
    if !proof.len().is_multiple_of(32) || root.is_zero() {
        return false;
    }
    let mut node = leaf;
    let mut i = index;
    for sibling in proof.chunks(32) {
        node = if i.is_multiple_of(2) {
            keccak256([node.as_slice(), sibling].concat())
        } else {
            keccak256([sibling, node.as_slice()].concat())
        };
        i /= 2;
    }
    i == 0 && node == root
}

/// A distribution: for each earner, its cumulative earnings per token. Builds the trees and an earner's claim
/// (the devnet's rewards updater and the tests use it; a real one is computed by EigenLayer's rewards pipeline).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Distribution {
    /// Each earner with its cumulative earnings per token (token, amount in the token's base units), in leaf order.
    pub earners: Vec<(Address, Vec<(Address, U256)>)>,
}

impl Distribution {
    fn token_tree(tokens: &[(Address, U256)]) -> MerkleTree {
        MerkleTree::new(
            tokens
                .iter()
                .map(|(token, amount)| {
                    token_leaf_hash(&TokenTreeMerkleLeaf { token: *token, cumulativeEarnings: *amount })
                })
                .collect(),
        )
    }

    fn earner_tree(&self) -> MerkleTree {
        MerkleTree::new(
            self.earners
                .iter()
                .map(|(earner, tokens)| {
                    earner_leaf_hash(&EarnerTreeMerkleLeaf {
                        earner: *earner,
                        earnerTokenRoot: Self::token_tree(tokens).root(),
                    })
                })
                .collect(),
        )
    }

    /// The distribution root.
    pub fn root(&self) -> B256 {
        self.earner_tree().root()
    }

    /// `earner`'s claim of every token it earned, against the root at `root_index`.
    pub fn claim(&self, root_index: u32, earner: Address) -> Option<RewardsMerkleClaim> {
        let earner_index = self.earners.iter().position(|(e, _)| *e == earner)?;
        let tokens = &self.earners[earner_index].1;
        let token_tree = Self::token_tree(tokens);
        Some(RewardsMerkleClaim {
            rootIndex: root_index,
            earnerIndex: u32::try_from(earner_index).ok()?,
            earnerTreeProof: self.earner_tree().proof(earner_index),
            earnerLeaf: EarnerTreeMerkleLeaf { earner, earnerTokenRoot: token_tree.root() },
            tokenIndices: (0..tokens.len()).map(|i| u32::try_from(i).unwrap_or(u32::MAX)).collect(),
            tokenTreeProofs: (0..tokens.len()).map(|i| token_tree.proof(i)).collect(),
            tokenLeaves: tokens
                .iter()
                .map(|(token, amount)| TokenTreeMerkleLeaf { token: *token, cumulativeEarnings: *amount })
                .collect(),
        })
    }
}

/// Checks a claim's proofs locally against `root` (the root at its index, read from the chain): the earner leaf
/// against the root, each token leaf against the earner's token root. The contract's `checkClaim` is the
/// authority; this names which part is wrong.
pub fn check_proofs(claim: &RewardsMerkleClaim, root: B256) -> Result<(), Error> {
    let bad = |why: String| Error::Refused(format!("the rewards proof does not hold: {why}"));
    if !verify(root, claim.earnerIndex, &claim.earnerTreeProof, earner_leaf_hash(&claim.earnerLeaf)) {
        return Err(bad(format!(
            "earner {} at index {} is not in root {root}",
            claim.earnerLeaf.earner, claim.earnerIndex
        )));
    }
    if claim.tokenIndices.len() != claim.tokenLeaves.len() || claim.tokenTreeProofs.len() != claim.tokenLeaves.len() {
        return Err(bad("token indices, proofs and leaves differ in number".into()));
    }
    for ((index, proof), leaf) in claim.tokenIndices.iter().zip(&claim.tokenTreeProofs).zip(&claim.tokenLeaves) {
        if !verify(claim.earnerLeaf.earnerTokenRoot, *index, proof, token_leaf_hash(leaf)) {
            return Err(bad(format!("token {} at index {index} is not in the earner's token tree", leaf.token)));
        }
    }
    Ok(())
}

/// A claim in the JSON eigenlayer-cli writes (`rewards claim --output-type json`: camelCase, 0x-hex bytes) — the
/// layout opwallet writes too. [`parse_proofs`] also reads the rewards sidecar's answer and the legacy layout.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProofFile {
    /// The index of the distribution root the claim is against, in the RewardsCoordinator's list.
    pub root_index: u32,
    /// The earner leaf's index in the root's earner tree.
    pub earner_index: u32,
    /// The earner leaf's Merkle proof up to the distribution root: sibling hashes, bottom-up, concatenated.
    pub earner_tree_proof: Bytes,
    /// The earner leaf: who earned, and the root of its token tree.
    pub earner_leaf: EarnerLeafFile,
    /// Each token leaf's index in the earner's token tree.
    pub token_indices: Vec<u32>,
    /// Each token leaf's Merkle proof up to the earner's token root, as `earner_tree_proof`.
    pub token_tree_proofs: Vec<Bytes>,
    /// The token leaves claimed: a token and its cumulative earnings.
    pub token_leaves: Vec<TokenLeafFile>,
}

/// An earner leaf as eigenlayer-cli writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EarnerLeafFile {
    /// The earner: the operator or staker paid.
    pub earner: Address,
    /// The root of the earner's token tree.
    pub earner_token_root: B256,
}

/// A token leaf as eigenlayer-cli writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenLeafFile {
    /// The reward token.
    pub token: Address,
    /// A decimal string, as eigenlayer-cli writes it.
    #[serde(serialize_with = "decimal_string")]
    pub cumulative_earnings: U256,
}

fn decimal_string<S: serde::Serializer>(v: &U256, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&v.to_string())
}

impl From<&RewardsMerkleClaim> for ProofFile {
    fn from(c: &RewardsMerkleClaim) -> Self {
        Self {
            root_index: c.rootIndex,
            earner_index: c.earnerIndex,
            earner_tree_proof: c.earnerTreeProof.clone(),
            earner_leaf: EarnerLeafFile {
                earner: c.earnerLeaf.earner,
                earner_token_root: c.earnerLeaf.earnerTokenRoot,
            },
            token_indices: c.tokenIndices.clone(),
            token_tree_proofs: c.tokenTreeProofs.clone(),
            token_leaves: c
                .tokenLeaves
                .iter()
                .map(|l| TokenLeafFile { token: l.token, cumulative_earnings: l.cumulativeEarnings })
                .collect(),
        }
    }
}

/// A claim read from a proof document, with the distribution root the document says it is for (if it says).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedClaim {
    /// The claim, as `processClaims` takes it.
    pub claim: RewardsMerkleClaim,
    /// The distribution root the document names, if it does; the claim is checked against the root at its
    /// `rootIndex` on chain, whatever this says.
    pub root: Option<B256>,
}

/// Reads every claim in a proof document: eigenlayer-cli's JSON (camelCase, 0x-hex bytes, amounts as decimal
/// strings or numbers), the rewards sidecar's `GenerateClaimProof(Bulk)` answer (`{"proof": …}` or
/// `{"proofs": […]}`, bytes in base64 as ProtoJSON writes them), a list of claims, or the legacy PascalCase layout
/// (`LeafIndices`). Refuses anything else, naming the field.
pub fn parse_proofs(text: &str) -> Result<Vec<ParsedClaim>, Error> {
    let value: serde_json::Value = crate::strict_json::from_str(text)
        .map_err(|e| Error::Malformed(format!("the proof is not JSON: {}", crate::text::escape(&e))))?;
    let items: Vec<&serde_json::Value> = if let Some(p) = value.get("proof") {
        vec![p]
    } else if let Some(list) = value.get("proofs").and_then(|p| p.as_array()) {
        list.iter().collect()
    } else if let Some(list) = value.as_array() {
        list.iter().collect()
    } else {
        vec![&value]
    };
    if items.is_empty() {
        return Err(Error::Malformed("the proof document holds no claim".into()));
    }
    items.into_iter().map(parse_claim).collect()
}

fn parse_claim(v: &serde_json::Value) -> Result<ParsedClaim, Error> {
    let leaf = field(v, &["earnerLeaf", "EarnerLeaf", "earner_leaf"])?;
    let tokens = array(field(v, &["tokenLeaves", "TokenLeaves", "token_leaves"])?, "tokenLeaves")?;
    let claim = RewardsMerkleClaim {
        rootIndex: number(field(v, &["rootIndex", "RootIndex", "root_index"])?, "rootIndex")?,
        earnerIndex: number(field(v, &["earnerIndex", "EarnerIndex", "earner_index"])?, "earnerIndex")?,
        earnerTreeProof: bytes(
            field(v, &["earnerTreeProof", "EarnerTreeProof", "earner_tree_proof"])?,
            "earnerTreeProof",
        )?,
        earnerLeaf: EarnerTreeMerkleLeaf {
            earner: address(field(leaf, &["earner", "Earner"])?, "earnerLeaf.earner")?,
            earnerTokenRoot: word(
                field(leaf, &["earnerTokenRoot", "EarnerTokenRoot", "earner_token_root"])?,
                "earnerTokenRoot",
            )?,
        },
        tokenIndices: array(
            field(v, &["tokenIndices", "LeafIndices", "TokenIndices", "token_indices"])?,
            "tokenIndices",
        )?
        .iter()
        .map(|i| number(i, "tokenIndices"))
        .collect::<Result<_, _>>()?,
        tokenTreeProofs: array(
            field(v, &["tokenTreeProofs", "TokenTreeProofs", "token_tree_proofs"])?,
            "tokenTreeProofs",
        )?
        .iter()
        .map(|p| bytes(p, "tokenTreeProofs"))
        .collect::<Result<_, _>>()?,
        tokenLeaves: tokens
            .iter()
            .map(|t| {
                Ok(TokenTreeMerkleLeaf {
                    token: address(field(t, &["token", "Token"])?, "tokenLeaves.token")?,
                    cumulativeEarnings: amount(field(
                        t,
                        &["cumulativeEarnings", "CumulativeEarnings", "cumulative_earnings"],
                    )?)?,
                })
            })
            .collect::<Result<_, Error>>()?,
    };
    let root = match v.get("root").or_else(|| v.get("Root")) {
        Some(r) => Some(word(r, "root")?),
        None => None,
    };
    Ok(ParsedClaim { claim, root })
}

fn bad(name: &str, why: &str) -> Error {
    Error::Malformed(format!("the proof's `{name}` {why}"))
}

fn field<'a>(v: &'a serde_json::Value, names: &[&str]) -> Result<&'a serde_json::Value, Error> {
    names.iter().find_map(|n| v.get(*n)).ok_or_else(|| bad(names[0], "is missing"))
}

fn array<'a>(v: &'a serde_json::Value, name: &str) -> Result<&'a Vec<serde_json::Value>, Error> {
    v.as_array().ok_or_else(|| bad(name, "is not a list"))
}

fn number(v: &serde_json::Value, name: &str) -> Result<u32, Error> {
    let n =
        v.as_u64().or_else(|| v.as_str().and_then(|s| s.parse().ok())).ok_or_else(|| bad(name, "is not a number"))?;
    u32::try_from(n).map_err(|_| bad(name, "is out of range"))
}

fn amount(v: &serde_json::Value) -> Result<U256, Error> {
    match v {
        serde_json::Value::String(s) => s.trim().parse().ok(),
        serde_json::Value::Number(n) => n.to_string().parse().ok(),
        _ => None,
    }
    .ok_or_else(|| bad("cumulativeEarnings", "is not an amount"))
}

fn address(v: &serde_json::Value, name: &str) -> Result<Address, Error> {
    v.as_str().and_then(|s| s.parse().ok()).ok_or_else(|| bad(name, "is not an address"))
}

/// 0x-hex, or base64 (the sidecar's ProtoJSON).
fn bytes(v: &serde_json::Value, name: &str) -> Result<Bytes, Error> {
    let s = v.as_str().ok_or_else(|| bad(name, "is not a string"))?;
    if let Some(hex) = s.strip_prefix("0x") {
        return alloy::primitives::hex::decode(hex).map(Bytes::from).map_err(|_| bad(name, "is not hex"));
    }
    base64(s).map(Bytes::from).ok_or_else(|| bad(name, "is neither 0x-hex nor base64"))
}

fn word(v: &serde_json::Value, name: &str) -> Result<B256, Error> {
    let b = bytes(v, name)?;
    if b.len() != 32 {
        return Err(bad(name, "is not 32 bytes"));
    }
    Ok(B256::from_slice(&b))
}

/// Standard or URL-safe base64, padded or not (ProtoJSON accepts both on input).
fn base64(s: &str) -> Option<Vec<u8>> {
    use base64::Engine;
    let s = s.trim().trim_end_matches('=');
    base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(s)
        .or_else(|_| base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(s))
        .ok()
}

/// Asks a rewards sidecar (EigenLayer's rewards API, `POST /rewards/v1/claim-proof`) for `earner`'s proof of
/// `tokens`. The sidecar is untrusted: every claim it returns is checked against the chain before it is proposed.
pub async fn from_sidecar(url: &str, earner: Address, tokens: &[Address]) -> Result<Vec<ParsedClaim>, Error> {
    use alloy::transports::http::reqwest;
    let shown = crate::text::redact_url(url);
    let base: reqwest::Url =
        url.parse().map_err(|_| Error::Malformed(format!("--sidecar-url {shown} is not a URL")))?;
    let endpoint = base
        .join("rewards/v1/claim-proof")
        .map_err(|_| Error::Malformed(format!("--sidecar-url {shown} cannot take a path")))?;
    let body = serde_json::json!({
        "earnerAddress": earner.to_checksum(None),
        "tokens": tokens.iter().map(|t| t.to_checksum(None)).collect::<Vec<_>>(),
    });
    let client = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(60))
        .build()
        .map_err(|e| Error::Rpc(format!("http client: {e}")))?;
    let response = client.post(endpoint).json(&body).send().await.map_err(|e| {
        Error::Rpc(crate::text::redact(
            &format!("the rewards sidecar at {shown} did not answer: {e}"),
            &[url.to_owned()],
        ))
    })?;
    let status = response.status();
    let text = response.text().await.map_err(|e| Error::Rpc(format!("the rewards sidecar at {shown}: {e}")))?;
    if !status.is_success() {
        let why: String = crate::text::escape(&text).chars().take(300).collect();
        return Err(Error::Rpc(format!("the rewards sidecar at {shown} answered {status}: {why}")));
    }
    parse_proofs(&text)
}

#[cfg(test)]
mod tests {
    use alloy::primitives::address;

    use super::*;

    #[test]
    fn proofs_verify_for_every_leaf_and_fail_when_touched() {
        for n in [1usize, 2, 3, 5, 8] {
            let leaves: Vec<B256> = (0..n).map(|i| keccak256([i as u8])).collect();
            let tree = MerkleTree::new(leaves.clone());
            for (i, leaf) in leaves.iter().enumerate() {
                let proof = tree.proof(i);
                assert!(verify(tree.root(), i as u32, &proof, *leaf), "{n} leaves, leaf {i}");
                assert!(!verify(tree.root(), (i ^ 1) as u32, &proof, *leaf) || n == 1, "wrong index {i}");
                let mut bad = proof.to_vec();
                if let Some(b) = bad.first_mut() {
                    *b ^= 1;
                    assert!(!verify(tree.root(), i as u32, &bad, *leaf));
                }
            }
        }
    }

    #[test]
    fn a_distributions_claims_check_against_its_root() {
        let (a, b) = (
            address!("00000000000000000000000000000000000000a1"),
            address!("00000000000000000000000000000000000000b2"),
        );
        let (t1, t2) = (Address::repeat_byte(1), Address::repeat_byte(2));
        let d = Distribution {
            earners: vec![(a, vec![(t1, U256::from(10)), (t2, U256::from(20))]), (b, vec![(t1, U256::from(5))])],
        };
        for earner in [a, b] {
            let claim = d.claim(0, earner).expect("earner");
            check_proofs(&claim, d.root()).expect("holds");
            let file = serde_json::to_string(&ProofFile::from(&claim)).expect("json");
            let back = parse_proofs(&file).expect("parses");
            assert_eq!(back[0].claim, claim);
        }
        let mut forged = d.claim(0, b).expect("b");
        forged.tokenLeaves[0].cumulativeEarnings = U256::from(500);
        assert!(check_proofs(&forged, d.root()).expect_err("refused").to_string().contains("token"));
        let mut wrong_earner = d.claim(0, b).expect("b");
        wrong_earner.earnerLeaf.earner = a;
        assert!(check_proofs(&wrong_earner, d.root()).expect_err("refused").to_string().contains("earner"));
        assert!(d.claim(0, Address::repeat_byte(9)).is_none());
    }

    #[test]
    fn proofs_parse_in_every_layout_eigenlayer_tools_write() {
        let (a, t) = (address!("00000000000000000000000000000000000000a1"), Address::repeat_byte(1));
        let d = Distribution {
            earners: vec![(a, vec![(t, U256::from(7))]), (Address::repeat_byte(3), vec![(t, U256::from(1))])],
        };
        let claim = d.claim(4, a).expect("claim");
        let root = d.root();
        // The sidecar: ProtoJSON, bytes in base64, amounts as decimal strings, wrapped in "proof".
        let b64 = |b: &[u8]| {
            use base64::Engine;
            base64::engine::general_purpose::STANDARD.encode(b)
        };
        let sidecar = serde_json::json!({ "proof": {
            "root": b64(root.as_slice()), "rootIndex": 4, "earnerIndex": claim.earnerIndex,
            "earnerTreeProof": b64(&claim.earnerTreeProof),
            "earnerLeaf": { "earner": a.to_checksum(None), "earnerTokenRoot": b64(claim.earnerLeaf.earnerTokenRoot.as_slice()) },
            "tokenIndices": [0], "tokenTreeProofs": [b64(&claim.tokenTreeProofs[0])],
            "tokenLeaves": [{ "token": t.to_checksum(None), "cumulativeEarnings": "7" }] } });
        let parsed = parse_proofs(&sidecar.to_string()).expect("sidecar");
        assert_eq!(parsed, vec![ParsedClaim { claim: claim.clone(), root: Some(root) }]);
        // The legacy PascalCase layout, amount as a bare number.
        let legacy = serde_json::json!({
            "Root": format!("{root}"), "RootIndex": 4, "EarnerIndex": claim.earnerIndex,
            "EarnerTreeProof": format!("{}", claim.earnerTreeProof),
            "EarnerLeaf": { "Earner": a, "EarnerTokenRoot": claim.earnerLeaf.earnerTokenRoot },
            "LeafIndices": [0], "TokenTreeProofs": [format!("{}", claim.tokenTreeProofs[0])],
            "TokenLeaves": [{ "Token": t, "CumulativeEarnings": 7 }] });
        assert_eq!(parse_proofs(&legacy.to_string()).expect("legacy")[0].claim, claim);
        // Wrong shapes name the field.
        let e = parse_proofs(r#"{"rootIndex": 1}"#).expect_err("refused").to_string();
        assert!(e.contains("`earnerLeaf` is missing"), "{e}");
        assert!(parse_proofs("[]").expect_err("refused").to_string().contains("no claim"));
    }
}
