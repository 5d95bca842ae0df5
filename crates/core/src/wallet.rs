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
    pub address: Address,
    pub chain_id: u64,
    pub signers: Vec<Address>,
    pub threshold: u64,
    pub nonce: u64,
    pub epoch: u64,
    pub header: Bytes,
}

impl WalletState {
    pub async fn read<P: Provider>(provider: &P, wallet: Address) -> Result<Self, Error> {
        let code = provider.get_code_at(wallet).await.map_err(Error::rpc)?;
        if code.is_empty() {
            return Err(Error::Chain(format!("no contract at {wallet}: deploy the wallet first (`opwallet deploy`)")));
        }
        let w = OperatorWallet::new(wallet, provider);
        let chain_id = provider.get_chain_id().await.map_err(Error::rpc)?;
        let signers = w.getSigners().call().await.map_err(|e| not_a_wallet(wallet, e))?;
        let threshold = w.threshold().call().await.map_err(|e| not_a_wallet(wallet, e))?;
        let nonce = w.nonce().call().await.map_err(|e| not_a_wallet(wallet, e))?;
        let epoch = w.epoch().call().await.map_err(|e| not_a_wallet(wallet, e))?;
        let header = w.configHeader().call().await.map_err(|e| not_a_wallet(wallet, e))?;
        let epoch = epoch.to::<u64>();
        check_domain(&w, chain_id, wallet, epoch).await?;
        Ok(Self {
            address: wallet,
            chain_id,
            signers,
            threshold: threshold.to::<u64>(),
            nonce: nonce.to::<u64>(),
            epoch,
            header,
        })
    }
}

/// The wallet's own ERC-5267 `eip712Domain()` must be exactly the domain opwallet hashes under
/// (`eip712::domain`); anything else means signatures would not verify, or would mean something else.
async fn check_domain<P: Provider>(
    w: &OperatorWallet::OperatorWalletInstance<&P>,
    chain_id: u64,
    wallet: Address,
    epoch: u64,
) -> Result<(), Error> {
    let d = w.eip712Domain().call().await.map_err(|e| not_a_wallet(wallet, e))?;
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
            d.name, d.version, d.chainId, d.salt
        )));
    }
    Ok(())
}

fn not_a_wallet(wallet: Address, e: impl std::fmt::Display) -> Error {
    Error::Chain(format!("{wallet} does not answer as an OperatorWallet ({e})"))
}

/// The ERC-1167 clone code `0x363d3d373d3d3d363d73 <impl> 5af43d82803e903d91602b57fd5bf3`.
const CLONE_PREFIX: [u8; 10] = [0x36, 0x3d, 0x3d, 0x37, 0x3d, 0x3d, 0x3d, 0x36, 0x3d, 0x73];
const CLONE_SUFFIX: [u8; 15] =
    [0x5a, 0xf4, 0x3d, 0x82, 0x80, 0x3e, 0x90, 0x3d, 0x91, 0x60, 0x2b, 0x57, 0xfd, 0x5b, 0xf3];

/// What the code check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeCheck {
    pub implementation: Address,
    pub implementation_code_hash: B256,
    pub known: bool,
}

/// Checks that `wallet` is an ERC-1167 clone whose implementation's runtime code is exactly the committed
/// OperatorWallet artifact.
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
    let known = implementation_code_hash == keccak256(opwallet_bindings::implementation_runtime_code());
    Ok(CodeCheck { implementation, implementation_code_hash, known })
}
