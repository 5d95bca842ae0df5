//! A wallet's on-chain state, and the check that it runs the code opwallet knows.

use alloy::{
    primitives::{Address, B256, Bytes, keccak256},
    providers::Provider,
};
use opwallet_bindings::OperatorWallet;

use crate::Error;

/// Signers, threshold, nonce, epoch and configuration header, read in one go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalletState {
    /// The wallet.
    pub address: Address,
    /// The chain the RPC node serves.
    pub chain_id: u64,
    /// The signers, in the order of the configuration header (which packed signatures follow).
    pub signers: Vec<Address>,
    /// The number of signatures `execute` needs, 1 to the number of signers.
    pub threshold: u64,
    /// The nonce the next batch must have been signed for; each `execute` uses one.
    pub nonce: u64,
    /// The configuration epoch, bumped by every change of signers or threshold and by `bumpEpoch`; the domain's salt.
    pub epoch: u64,
    /// `configHeader()`: `epoch ‖ threshold ‖ count ‖ signers`, the head of every packed signature.
    pub header: Bytes,
}

impl WalletState {
    /// Reads everything at once (concurrent requests), and checks the wallet's EIP-712 domain. Numbers from the
    /// chain are converted with checks: a node answering a threshold, nonce or epoch beyond 2^64 gets an error, not a
    /// panic.
    pub async fn read<P: Provider>(provider: &P, wallet: Address) -> Result<Self, Error> {
        let w = OperatorWallet::new(wallet, provider);
        let nw = |e| not_a_wallet(wallet, e);
        let (code, chain_id, signers, threshold, nonce, epoch, header, domain) = tokio::join!(
            provider.get_code_at(wallet),
            provider.get_chain_id(),
            async { w.getSigners().call().await.map_err(nw) },
            async { w.threshold().call().await.map_err(nw) },
            async { w.nonce().call().await.map_err(nw) },
            async { w.epoch().call().await.map_err(nw) },
            async { w.configHeader().call().await.map_err(nw) },
            async { w.eip712Domain().call().await.map_err(nw) },
        );
        // No code explains every other failure, so it is reported first.
        if code.map_err(|e| Error::rpc_chain(&e))?.is_empty() {
            return Err(Error::Chain(format!("no contract at {wallet}: deploy the wallet first (`opwallet deploy`)")));
        }
        let (chain_id, signers, header, domain) =
            (chain_id.map_err(|e| Error::rpc_chain(&e))?, signers?, header?, domain?);
        let (threshold, nonce, epoch) = (threshold?, nonce?, epoch?);
        let epoch = number(epoch, "epoch()", wallet)?;
        check_domain(&domain, chain_id, wallet, epoch)?;
        let state = Self {
            address: wallet,
            chain_id,
            signers,
            threshold: number(threshold, "threshold()", wallet)?,
            nonce: number(nonce, "nonce()", wallet)?,
            epoch,
            header,
        };
        if state.threshold == 0 || state.threshold > state.signers.len() as u64 {
            return Err(Error::Chain(format!(
                "{wallet} reports threshold {} with {} signers, which no OperatorWallet can have: the RPC node or the \
                 contract is not what it claims",
                state.threshold,
                state.signers.len()
            )));
        }
        Ok(state)
    }
}

/// A counter from the chain as `u64`, or an error naming the view.
fn number(value: alloy::primitives::U256, view: &str, wallet: Address) -> Result<u64, Error> {
    u64::try_from(value).map_err(|_| {
        Error::Chain(format!(
            "{wallet}.{view} returned {value}, beyond any real wallet's (2^64): the RPC node or the contract is not \
             what it claims"
        ))
    })
}

/// The wallet's own ERC-5267 `eip712Domain()` must be exactly the domain opwallet hashes under
/// (`eip712::domain`); anything else means signatures would not verify, or would mean something else.
fn check_domain(
    d: &OperatorWallet::eip712DomainReturn,
    chain_id: u64,
    wallet: Address,
    epoch: u64,
) -> Result<(), Error> {
    let ours = crate::eip712::domain(chain_id, wallet, epoch);
    let same = d.fields.0 == [0x1f]
        && ours.name.as_deref() == Some(d.name.as_str())
        && ours.version.as_deref() == Some(d.version.as_str())
        && ours.chain_id == Some(d.chainId)
        && ours.verifying_contract == Some(d.verifyingContract)
        && ours.salt == Some(d.salt)
        && d.extensions.is_empty();
    if !same {
        return Err(Error::Chain(format!(
            "{wallet}'s EIP-712 domain ({} {} chain {} salt {}) is not the one opwallet signs under: refusing to use it",
            crate::text::escape(&d.name),
            crate::text::escape(&d.version),
            d.chainId,
            d.salt
        )));
    }
    Ok(())
}

fn not_a_wallet(wallet: Address, e: impl std::fmt::Display) -> Error {
    Error::Chain(format!("{wallet} does not answer as an OperatorWallet ({e})"))
}

/// The ERC-1167 clone code `0x363d3d373d3d3d363d73 <impl> 5af43d82803e903d91602b57fd5bf3`.
pub(crate) const CLONE_PREFIX: [u8; 10] = [0x36, 0x3d, 0x3d, 0x37, 0x3d, 0x3d, 0x3d, 0x36, 0x3d, 0x73];
pub(crate) const CLONE_SUFFIX: [u8; 15] =
    [0x5a, 0xf4, 0x3d, 0x82, 0x80, 0x3e, 0x90, 0x3d, 0x91, 0x60, 0x2b, 0x57, 0xfd, 0x5b, 0xf3];

/// What the code check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeCheck {
    /// The implementation the wallet's ERC-1167 clone code delegates to.
    pub implementation: Address,
    /// keccak256 of the implementation's runtime code.
    pub implementation_code_hash: B256,
    /// The runtime code is the OperatorWallet implementation opwallet ships, whatever factory deployed it.
    pub known: bool,
    /// The factory that deployed the implementation (its immutable), when the code is known.
    pub factory: Option<Address>,
}

/// Checks that `wallet` is an ERC-1167 clone whose implementation's runtime code is exactly the committed
/// OperatorWallet artifact (with its factory's address where the artifact leaves the immutable zero).
pub async fn check_code<P: Provider>(provider: &P, wallet: Address) -> Result<CodeCheck, Error> {
    let code = provider.get_code_at(wallet).await.map_err(Error::rpc)?;
    let is_clone = code.len() == 45 && code[..10] == CLONE_PREFIX && code[30..] == CLONE_SUFFIX;
    if !is_clone {
        return Err(Error::Chain(format!(
            "{wallet} is not an OperatorWallet clone (its {} bytes of code are not the ERC-1167 proxy opwallet deploys)",
            code.len()
        )));
    }
    let implementation = Address::from_slice(&code[10..30]);
    let runtime = provider.get_code_at(implementation).await.map_err(Error::rpc)?;
    let implementation_code_hash = keccak256(&runtime);
    let factory = implementation_factory(&runtime);
    Ok(CodeCheck { implementation, implementation_code_hash, known: factory.is_some(), factory })
}

/// The highest nonce a wallet ever uses: its nonce is 32 bits, and the last value, 2^32 - 1, is refused
/// (`NonceExhausted`) so that it never wraps.
pub const LAST_NONCE: u64 = (1 << 32) - 2;

/// The refusal of a proposal for a nonce past [`LAST_NONCE`]: no batch can ever use it.
pub fn unusable_nonce(nonce: u64) -> Error {
    Error::Refused(format!(
        "nonce {nonce} is beyond the wallet's last usable nonce, 2^32 - 2 (its nonce is 32 bits and the last value is \
         never used): a proposal for it can never run"
    ))
}

/// The wallet's `configHash()` for a configuration header: the first 28 bytes of its keccak256, then four zero
/// bytes (the wallet keeps its nonce in the last four bytes of that storage slot).
pub fn config_commitment(header: &[u8]) -> B256 {
    let mut commitment = keccak256(header);
    commitment[28..].fill(0);
    commitment
}

/// Whether `runtime` is the committed OperatorWallet code, apart from its immutable `factory` (the address of
/// whichever factory deployed it, which the artifact leaves zero): the immutable bytes must hold one address,
/// the same wherever it appears, and every other byte must match.
pub fn is_known_implementation(runtime: &[u8]) -> bool {
    implementation_factory(runtime).is_some()
}

/// The factory a known OperatorWallet implementation holds in its immutable ([`is_known_implementation`]).
pub fn implementation_factory(runtime: &[u8]) -> Option<Address> {
    let known = opwallet_bindings::implementation_runtime_code();
    if runtime.len() != known.len() {
        return None;
    }
    let ranges = opwallet_bindings::implementation_immutable_ranges();
    let mut expected = known.to_vec();
    let mut value: Option<&[u8]> = None;
    for (start, length) in ranges {
        let slot = runtime.get(start..start + length)?;
        // An address immutable is a 32-byte word with 12 leading zero bytes.
        if length != 32 || slot[..12].iter().any(|b| *b != 0) || value.is_some_and(|v| v != slot) {
            return None;
        }
        value = Some(slot);
        expected[start..start + length].copy_from_slice(slot);
    }
    (expected == runtime).then(|| value.map(|v| Address::from_slice(&v[12..])).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deployed_by(factory: Address) -> Vec<u8> {
        let mut code = opwallet_bindings::implementation_runtime_code().to_vec();
        for (start, length) in opwallet_bindings::implementation_immutable_ranges() {
            code[start + length - 20..start + length].copy_from_slice(factory.as_slice());
        }
        code
    }

    #[test]
    fn the_implementation_is_known_whichever_factory_deployed_it_and_not_otherwise() {
        assert!(!opwallet_bindings::implementation_immutable_ranges().is_empty());
        let code = deployed_by(Address::repeat_byte(0x42));
        assert_eq!(implementation_factory(&code), Some(Address::repeat_byte(0x42)));
        assert!(is_known_implementation(opwallet_bindings::implementation_runtime_code()));
        // One byte of code changed outside the immutable: unknown.
        let mut tampered = code.clone();
        let last = tampered.len() - 1;
        tampered[last] ^= 1;
        assert!(!is_known_implementation(&tampered));
        // Two different values where one immutable is expected: unknown.
        let ranges = opwallet_bindings::implementation_immutable_ranges();
        if ranges.len() > 1 {
            let mut split = code.clone();
            split[ranges[1].0 + 31] ^= 1;
            assert!(!is_known_implementation(&split));
        }
        // More than an address in the immutable word: unknown.
        let mut wide = code;
        wide[ranges[0].0] = 1;
        assert!(!is_known_implementation(&wide));
    }
}
