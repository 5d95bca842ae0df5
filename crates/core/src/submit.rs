//! Checking a proposal against the chain, packing its signatures, and executing it (simulate first, then send).

use alloy::{
    primitives::{Address, B256, Bytes, U256},
    providers::Provider,
    rpc::types::TransactionReceipt,
};
use opwallet_bindings::{
    IOperatorWallet,
    OperatorWallet::{self, OperatorWalletErrors},
    eigenlayer::IEigenLayerErrors::IEigenLayerErrorsErrors,
};

use crate::{
    Error, packing,
    proposal::{Body, Proposal},
    wallet::WalletState,
};

/// Why a proposal cannot be executed (or an ERC-1271 signature produced) yet, each a sentence for the user.
pub fn problems(proposal: &Proposal, state: &WalletState, now: u64) -> Vec<String> {
    let mut out = Vec::new();
    if proposal.chain_id != state.chain_id {
        out.push(format!("the proposal is for chain {} but the RPC is chain {}", proposal.chain_id, state.chain_id));
    }
    if proposal.wallet != state.address {
        out.push(format!("the proposal is for wallet {} but {} was given", proposal.wallet, state.address));
    }
    if proposal.epoch != state.epoch {
        out.push(format!(
            "the wallet's signers changed since this proposal was made (epoch {} → {}): every signature on it is void; \
             make and sign a new proposal",
            proposal.epoch, state.epoch
        ));
    }
    if let Body::Execute { nonce, deadline, .. } = &proposal.body {
        if *nonce != state.nonce {
            out.push(if *nonce < state.nonce {
                format!(
                    "nonce {nonce} was already used (the wallet is at nonce {}): this proposal can never run",
                    state.nonce
                )
            } else {
                format!(
                    "nonce {nonce} is ahead of the wallet (at {}): execute the earlier proposals first",
                    state.nonce
                )
            });
        }
        if now > *deadline {
            out.push(format!("the deadline ({deadline}) has passed: make a new proposal"));
        }
    }
    for s in &proposal.signatures {
        if !state.signers.contains(&s.signer) {
            out.push(format!("{} signed but is not a signer of the wallet", s.signer));
        }
    }
    let valid = proposal.signatures.iter().filter(|s| state.signers.contains(&s.signer)).count() as u64;
    if valid < state.threshold {
        let missing: Vec<String> = state
            .signers
            .iter()
            .filter(|a| !proposal.signatures.iter().any(|s| s.signer == **a))
            .map(|a| a.to_string())
            .collect();
        out.push(format!(
            "{valid} of {} required signatures: {} more from {}",
            state.threshold,
            state.threshold - valid,
            missing.join(", ")
        ));
    }
    out
}

/// The packed signature for the wallet's current configuration.
pub fn packed(proposal: &Proposal, state: &WalletState) -> Result<Bytes, Error> {
    packing::pack(&state.header, &proposal.signatures)
}

/// Cross-checks the file's digest against the wallet's own digest view.
pub async fn wallet_digest<P: Provider>(provider: &P, proposal: &Proposal) -> Result<B256, Error> {
    let w = OperatorWallet::new(proposal.wallet, provider);
    match &proposal.body {
        Body::Execute { nonce, deadline, calls } => {
            let calls = calls
                .iter()
                .map(|c| IOperatorWallet::Call { target: c.target, value: c.value, data: c.data.clone() })
                .collect();
            w.getExecuteDigest(calls, U256::from(*nonce), U256::from(*deadline)).call().await.map_err(Error::rpc)
        }
        Body::Message { hash, .. } => w.getMessageDigest(*hash).call().await.map_err(Error::rpc),
    }
}

/// Simulates with `eth_call`, then sends `execute` from `provider`'s signer and waits for the receipt.
pub async fn execute<P: Provider>(
    provider: &P,
    proposal: &Proposal,
    signatures: Bytes,
    from: Address,
) -> Result<TransactionReceipt, Error> {
    let Body::Execute { deadline, calls, .. } = &proposal.body else {
        return Err(Error::Malformed(
            "this proposal is an ERC-1271 message: use `opwallet signature`, not execute".into(),
        ));
    };
    let calls: Vec<IOperatorWallet::Call> = calls
        .iter()
        .map(|c| IOperatorWallet::Call { target: c.target, value: c.value, data: c.data.clone() })
        .collect();
    let w = OperatorWallet::new(proposal.wallet, provider);
    let tx = w.execute(calls, U256::from(*deadline), signatures).from(from);
    tx.call().await.map_err(|e| Error::Chain(format!("simulation failed, nothing was sent: {}", explain(&e))))?;
    let receipt = tx.send().await.map_err(|e| sending_failed(from, &e))?.get_receipt().await.map_err(Error::rpc)?;
    if !receipt.status() {
        return Err(Error::Chain(format!("transaction {} reverted on chain", receipt.transaction_hash)));
    }
    Ok(receipt)
}

/// Why a transaction could not be sent, with the commonest cause (an unfunded sender) said plainly.
pub fn sending_failed(from: Address, e: &alloy::contract::Error) -> Error {
    let why = explain(e);
    if why.to_lowercase().contains("insufficient funds") {
        Error::Chain(format!(
            "the sender {from} cannot pay for gas (insufficient funds): fund it, or send with another key; nothing \
             was sent"
        ))
    } else {
        Error::Chain(format!("sending failed: {why}"))
    }
}

/// A contract error as a sentence: the wallet's custom errors are decoded, including the inner error of a failed
/// call when it is itself one of ours.
pub fn explain(error: &alloy::contract::Error) -> String {
    match error.as_decoded_interface_error::<OperatorWalletErrors>() {
        Some(e) => describe(&e),
        None => error.to_string(),
    }
}

fn describe(e: &OperatorWalletErrors) -> String {
    use alloy::sol_types::SolInterface;
    match e {
        OperatorWalletErrors::InvalidSignatures(_) => {
            "the signatures are invalid or fewer than the threshold (InvalidSignatures)".into()
        }
        OperatorWalletErrors::StaleConfiguration(_) => {
            "the signatures were collected for an older signer configuration (StaleConfiguration)".into()
        }
        OperatorWalletErrors::Expired(x) => format!("the deadline {} has passed (Expired)", x.deadline),
        OperatorWalletErrors::CallFailed(x) => {
            let inner = OperatorWalletErrors::abi_decode(&x.returnData)
                .map(|i| describe(&i))
                .or_else(|_| IEigenLayerErrorsErrors::abi_decode(&x.returnData).map(|e| eigenlayer_error(&e)))
                .unwrap_or_else(|_| format!("revert data {}", x.returnData));
            format!("call {} of the batch failed: {inner}", x.index)
        }
        OperatorWalletErrors::InvalidAcceptance(x) => {
            format!(
                "{} did not prove possession: its acceptance signature does not verify (InvalidAcceptance)",
                x.signer
            )
        }
        OperatorWalletErrors::InvalidThreshold(x) => {
            format!("threshold {} is not within 1..{} signers (InvalidThreshold)", x.threshold, x.signerCount)
        }
        OperatorWalletErrors::NotASigner(x) => format!("{} is not a signer (NotASigner)", x.account),
        OperatorWalletErrors::DuplicateSigner(x) => format!("{} would be a signer twice (DuplicateSigner)", x.signer),
        OperatorWalletErrors::InvalidSigner(x) => {
            format!("{} can never be a signer: zero, the wallet itself or a precompile (InvalidSigner)", x.signer)
        }
        other => format!("{other:?}"),
    }
}

/// EigenLayer's errors as sentences.
fn eigenlayer_error(e: &IEigenLayerErrorsErrors) -> String {
    use IEigenLayerErrorsErrors as E;
    let text = match e {
        E::OperatorNotRegisteredToEigenLayer(_) => {
            "the wallet is not an EigenLayer operator yet: propose register-operator first"
        }
        E::InvalidSignature(_) => "EigenLayer rejected the signature",
        E::SignatureExpired(_) => "the signature's expiry has passed",
        E::NotMemberOfSet(_) => "the operator is not a member of that operator set",
        E::InvalidOperator(_) => "not a registered operator, or not allowed for this operator",
        E::InvalidCaller(_) => "the caller is not allowed to do this for the operator (PermissionController)",
        E::NotAdmin(_) => "the caller is not an admin of the account (PermissionController)",
        E::AdminNotPending(_) => "that admin is not pending for the account: propose add-pending-admin first",
        E::UninitializedAllocationDelay(_) => "the allocation delay is not set (or not yet in effect)",
        E::NonexistentAVSMetadata(_) => "the AVS has no metadata URI yet",
    };
    format!("EigenLayer: {text}")
}
