//! Executing a proposal: the wallet's digest view, simulation, fee caps, sending, and contract errors in words.

use alloy::{
    eips::eip2718::Encodable2718,
    network::{NetworkTransactionBuilder, TransactionBuilder},
    primitives::{Address, B256, Bytes, U256},
    providers::{PendingTransactionBuilder, Provider},
    rpc::types::{Filter, TransactionReceipt, TransactionRequest},
    sol_types::SolEvent,
};
use opwallet_bindings::{
    IOperatorWallet,
    OperatorWallet::{self, OperatorWalletErrors},
};

use crate::{
    Error,
    proposal::{Body, Proposal},
};

/// Cross-checks the file's digest against the wallet's own digest view.
pub async fn wallet_digest<P: Provider>(provider: &P, proposal: &Proposal) -> Result<B256, Error> {
    let w = OperatorWallet::new(proposal.wallet, provider);
    match &proposal.body {
        Body::Execute { nonce, deadline, min_gas, calls } => {
            let calls = calls
                .iter()
                .map(|c| IOperatorWallet::Call { target: c.target, value: c.value, data: c.data.clone() })
                .collect();
            w.getExecuteDigest(calls, U256::from(*nonce), U256::from(*deadline), U256::from(*min_gas))
                .call()
                .await
                .map_err(Error::rpc)
        }
        Body::Message { hash, .. } => w.getMessageDigest(*hash).call().await.map_err(Error::rpc),
    }
}

/// A transaction's gas and fee caps, decided before anything is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeePlan {
    /// The transaction's gas limit: the node's estimate, at most [`MAX_GAS_LIMIT`].
    pub gas_limit: u64,
    /// The most paid per gas in all, in wei (EIP-1559 `maxFeePerGas`).
    pub max_fee_per_gas: u128,
    /// The most tip per gas to the block builder, in wei, never above `max_fee_per_gas`.
    pub max_priority_fee_per_gas: u128,
}

impl FeePlan {
    /// The most the transaction can cost the sender, in wei: gas limit × max fee per gas.
    pub fn max_cost(&self) -> U256 {
        U256::from(self.gas_limit) * U256::from(self.max_fee_per_gas)
    }
}

/// The sender's fee limits. Without them, the node's fee estimate is used but refused above
/// [`DEFAULT_MAX_FEE_PER_GAS`]: a node that lies about fees must not be able to spend the sender's balance.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FeeLimits {
    /// `--max-fee-per-gas` in wei: used as is, and lifts the default caps on fee and total cost.
    pub max_fee_per_gas: Option<u128>,
    /// `--max-priority-fee-per-gas` in wei; without it, the node's tip capped at [`DEFAULT_MAX_PRIORITY_FEE_PER_GAS`].
    pub max_priority_fee_per_gas: Option<u128>,
}

/// 500 gwei: above any fee mainnet has sustained outside brief spikes, far below a lying node's 20,000 gwei.
pub const DEFAULT_MAX_FEE_PER_GAS: u128 = 500_000_000_000;
/// 50 gwei: the most tip a node's suggestion may set without the sender saying so.
pub const DEFAULT_MAX_PRIORITY_FEE_PER_GAS: u128 = 50_000_000_000;
/// 0.5 ETH: the most a transaction may cost on the node's suggestions alone (a lying node can inflate the gas
/// estimate as well as the fee).
pub const DEFAULT_MAX_COST_WEI: u128 = 500_000_000_000_000_000;
/// No opwallet transaction needs more gas than half a mainnet block.
pub const MAX_GAS_LIMIT: u64 = 15_000_000;

/// Estimates gas and fees for `tx` and applies `limits`.
pub async fn plan_fees<P: Provider>(
    provider: &P,
    tx: &TransactionRequest,
    limits: FeeLimits,
) -> Result<FeePlan, Error> {
    let (gas, fees) = tokio::try_join!(
        async { provider.estimate_gas(tx.clone()).await.map_err(|e| Error::rpc(format!("estimating gas: {e}"))) },
        async { provider.estimate_eip1559_fees().await.map_err(|e| Error::rpc(format!("estimating fees: {e}"))) },
    )?;
    apply_limits(gas, fees, limits)
}

/// The fee plan for `gas` at the node's suggested `fees`, within `limits` (refused beyond them, in words).
pub fn apply_limits(
    gas: u64,
    fees: alloy::eips::eip1559::Eip1559Estimation,
    limits: FeeLimits,
) -> Result<FeePlan, Error> {
    let max_fee_per_gas = match limits.max_fee_per_gas {
        Some(cap) => cap,
        None if fees.max_fee_per_gas > DEFAULT_MAX_FEE_PER_GAS => {
            return Err(Error::Chain(format!(
                "the RPC node suggests a max fee of {} gwei per gas ({} ETH for {gas} gas), above opwallet's default \
                 limit of {} gwei: nothing was sent. If fees really are that high, pass --max-fee-per-gas (and \
                 --max-priority-fee-per-gas) with what you are willing to pay",
                gwei(fees.max_fee_per_gas),
                alloy::primitives::utils::format_ether(U256::from(gas) * U256::from(fees.max_fee_per_gas)),
                gwei(DEFAULT_MAX_FEE_PER_GAS)
            )));
        }
        None => fees.max_fee_per_gas,
    };
    if gas > MAX_GAS_LIMIT {
        return Err(Error::Chain(format!(
            "the RPC node estimates {gas} gas, more than any opwallet transaction needs ({MAX_GAS_LIMIT}): nothing \
             was sent; check the node"
        )));
    }
    let max_priority_fee_per_gas = match limits.max_priority_fee_per_gas {
        Some(tip) => tip,
        None => fees.max_priority_fee_per_gas.min(DEFAULT_MAX_PRIORITY_FEE_PER_GAS),
    }
    .min(max_fee_per_gas);
    let plan = FeePlan { gas_limit: gas, max_fee_per_gas, max_priority_fee_per_gas };
    if limits.max_fee_per_gas.is_none() && plan.max_cost() > U256::from(DEFAULT_MAX_COST_WEI) {
        return Err(Error::Chain(format!(
            "on the RPC node's estimates this could cost up to {} ETH ({gas} gas at up to {} gwei), above opwallet's \
             default limit of {} ETH: nothing was sent. Pass --max-fee-per-gas to accept what you are willing to pay",
            alloy::primitives::utils::format_ether(plan.max_cost()),
            gwei(max_fee_per_gas),
            alloy::primitives::utils::format_ether(U256::from(DEFAULT_MAX_COST_WEI))
        )));
    }
    Ok(plan)
}

/// `wei` in gwei, with up to 9 decimals.
pub fn gwei(wei: u128) -> String {
    let text = alloy::primitives::utils::format_units(U256::from(wei), "gwei").unwrap_or_else(|_| wei.to_string());
    match text.split_once('.') {
        Some((whole, fraction)) if fraction.trim_end_matches('0').is_empty() => whole.to_owned(),
        Some((whole, fraction)) => format!("{whole}.{}", fraction.trim_end_matches('0')),
        None => text,
    }
}

/// Where a proposal's nonce went: the transaction and block of its `Executed` event, and whether it ran this
/// proposal (the event's digest is the proposal's) or another one.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Execution {
    /// The transaction that executed, as the node reports the log's.
    pub transaction: Option<B256>,
    /// The block it was in, as the node reports the log's.
    pub block: Option<u64>,
    /// The digest the `Executed` event carries: that of the batch that used the nonce.
    pub digest: B256,
    /// The event's digest is the proposal's: this proposal ran.
    pub this_proposal: bool,
}

/// Looks up the wallet's `Executed(nonce, digest)` event for `nonce` (the whole chain, or the last 100,000 blocks
/// where a node refuses so wide a range). `None`: no such event was found.
pub async fn find_execution<P: Provider>(
    provider: &P,
    wallet: Address,
    nonce: u64,
    digest: B256,
) -> Result<Option<Execution>, Error> {
    let filter = Filter::new()
        .address(wallet)
        .event_signature(OperatorWallet::Executed::SIGNATURE_HASH)
        .topic1(B256::from(U256::from(nonce)));
    let logs = match provider.get_logs(&filter.clone().from_block(0)).await {
        Ok(logs) => logs,
        Err(_) => {
            let head = provider.get_block_number().await.map_err(Error::rpc)?;
            provider.get_logs(&filter.from_block(head.saturating_sub(100_000))).await.map_err(Error::rpc)?
        }
    };
    Ok(logs.into_iter().rev().find_map(|log| {
        let e = OperatorWallet::Executed::decode_log(&log.inner).ok()?;
        Some(Execution {
            transaction: log.transaction_hash,
            block: log.block_number,
            digest: e.digest,
            this_proposal: e.digest == digest,
        })
    }))
}

/// An `execute` transaction ready to be signed and sent: the node's gas estimate (with the real signatures: a
/// batch that would revert fails here, explained), its fee suggestion, and the sender's next nonce, all asked at
/// once.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The wallet's `execute` with the proposal's calls, deadline, gas floor and packed signatures, from the sender.
    pub tx: TransactionRequest,
    /// The node's gas estimate for it.
    pub gas: u64,
    /// The node's EIP-1559 fee suggestion, in wei per gas.
    pub fees: alloy::eips::eip1559::Eip1559Estimation,
    /// The sender's next nonce, pending transactions counted.
    pub nonce: u64,
    /// The proposal's chain, set on the transaction.
    pub chain_id: u64,
}

/// Prepares `proposal`'s `execute` with `signatures`, sent by `from` (one round trip).
pub async fn prepare<P: Provider>(
    provider: &P,
    proposal: &Proposal,
    signatures: Bytes,
    from: Address,
) -> Result<Prepared, Error> {
    let Body::Execute { deadline, min_gas, calls, .. } = &proposal.body else {
        return Err(Error::Malformed(
            "this proposal is an ERC-1271 message: use `opwallet signature`, not execute".into(),
        ));
    };
    let calls: Vec<IOperatorWallet::Call> = calls
        .iter()
        .map(|c| IOperatorWallet::Call { target: c.target, value: c.value, data: c.data.clone() })
        .collect();
    let w = OperatorWallet::new(proposal.wallet, provider);
    let tx =
        w.execute(calls, U256::from(*deadline), U256::from(*min_gas), signatures).from(from).into_transaction_request();
    let (gas, fees, nonce) = tokio::join!(
        provider.estimate_gas(tx.clone()),
        provider.estimate_eip1559_fees(),
        provider.get_transaction_count(from).pending(),
    );
    let gas = gas.map_err(|e| match e.as_error_resp().and_then(|r| r.as_revert_data()) {
        Some(data) => Error::Chain(format!("simulation failed, nothing was sent: {}", explain_revert(&data))),
        None => Error::rpc(format!("estimating gas: {e}")),
    })?;
    let fees = fees.map_err(|e| Error::rpc(format!("estimating fees: {e}")))?;
    let nonce = nonce.map_err(Error::rpc)?;
    Ok(Prepared { tx, gas, fees, nonce, chain_id: proposal.chain_id })
}

/// Signs and sends a prepared transaction with `plan` (see [`send`]), with no further questions to the node
/// before the send.
pub async fn send_prepared<P: Provider>(
    provider: &P,
    sender: &alloy::network::EthereumWallet,
    prepared: Prepared,
    plan: FeePlan,
    from: Address,
    receipt_timeout: std::time::Duration,
    on_hash: impl FnOnce(B256),
) -> Result<TransactionReceipt, Error> {
    let mut tx = prepared.tx;
    tx.set_nonce(prepared.nonce);
    tx.set_chain_id(prepared.chain_id);
    send_signed(provider, sender, tx, plan, from, receipt_timeout, on_hash).await
}

/// Sends `tx` with `plan`'s gas and fees, signed here first so that its hash is known (and printed through
/// `on_hash`) before a byte leaves; then waits for the receipt (bounded by `receipt_timeout`). When the node's
/// answer is lost (a transport error, a timeout), the transaction is looked up by its hash before anything is
/// said: a transaction the node has is never reported as failed, and nothing is ever sent twice.
pub async fn send<P: Provider>(
    provider: &P,
    sender: &alloy::network::EthereumWallet,
    mut tx: TransactionRequest,
    plan: FeePlan,
    from: Address,
    receipt_timeout: std::time::Duration,
    on_hash: impl FnOnce(B256),
) -> Result<TransactionReceipt, Error> {
    let (nonce, chain_id) =
        tokio::try_join!(async { provider.get_transaction_count(from).pending().await.map_err(Error::rpc) }, async {
            provider.get_chain_id().await.map_err(Error::rpc)
        },)?;
    tx.set_nonce(nonce);
    tx.set_chain_id(chain_id);
    send_signed(provider, sender, tx, plan, from, receipt_timeout, on_hash).await
}

/// [`send`] once the nonce and chain id are set.
async fn send_signed<P: Provider>(
    provider: &P,
    sender: &alloy::network::EthereumWallet,
    mut tx: TransactionRequest,
    plan: FeePlan,
    from: Address,
    receipt_timeout: std::time::Duration,
    on_hash: impl FnOnce(B256),
) -> Result<TransactionReceipt, Error> {
    tx.set_from(from);
    tx.set_gas_limit(plan.gas_limit);
    tx.set_max_fee_per_gas(plan.max_fee_per_gas);
    tx.set_max_priority_fee_per_gas(plan.max_priority_fee_per_gas);
    let envelope = <TransactionRequest as NetworkTransactionBuilder<alloy::network::Ethereum>>::build(tx, sender)
        .await
        .map_err(|e| Error::Chain(format!("the transaction could not be signed, nothing was sent: {e}")))?;
    let hash = *envelope.tx_hash();
    on_hash(hash);
    let sent = provider.send_raw_transaction(&envelope.encoded_2718()).await;
    if let Err(e) = &sent {
        // The node may have taken it and lost the answer: ask before saying anything.
        match lookup(provider, hash).await {
            Lookup::Unknown => {
                return Err(match sending_failed_transport(from, e) {
                    Error::Chain(why) if !why.contains("nothing was sent") => {
                        Error::Chain(format!("{why}; the node does not know transaction {hash}: it was not sent"))
                    }
                    other => other,
                });
            }
            Lookup::Mined(receipt) => return mined(*receipt),
            Lookup::Pending | Lookup::Unreachable => {}
        }
    }
    let pending = PendingTransactionBuilder::new(provider.root().clone(), hash).with_timeout(Some(receipt_timeout));
    match pending.get_receipt().await {
        Ok(receipt) => mined(receipt),
        Err(e) => match lookup(provider, hash).await {
            Lookup::Mined(receipt) => mined(*receipt),
            _ => Err(Error::Chain(format!(
                "transaction {hash} was handed to the node, but its receipt did not arrive ({}): it may still be \
                 mined; check with `opwallet status` before sending anything again",
                crate::text::escape(&e.to_string())
            ))),
        },
    }
}

fn mined(receipt: TransactionReceipt) -> Result<TransactionReceipt, Error> {
    if !receipt.status() {
        return Err(Error::Chain(format!("transaction {} reverted on chain", receipt.transaction_hash)));
    }
    Ok(receipt)
}

enum Lookup {
    Mined(Box<TransactionReceipt>),
    Pending,
    Unknown,
    Unreachable,
}

/// What the node knows of transaction `hash`: mined (with its receipt), pending, unknown, or nothing (unreachable).
async fn lookup<P: Provider>(provider: &P, hash: B256) -> Lookup {
    for attempt in 0..3u32 {
        if attempt > 0 {
            tokio::time::sleep(std::time::Duration::from_millis(250 << attempt)).await;
        }
        match provider.get_transaction_receipt(hash).await {
            Ok(Some(receipt)) => return Lookup::Mined(Box::new(receipt)),
            Ok(None) => {
                return match provider.get_transaction_by_hash(hash).await {
                    Ok(Some(_)) => Lookup::Pending,
                    Ok(None) => Lookup::Unknown,
                    Err(_) => Lookup::Unreachable,
                };
            }
            Err(_) => continue,
        }
    }
    Lookup::Unreachable
}

fn sending_failed_transport(from: Address, e: &alloy::transports::TransportError) -> Error {
    let why = e.to_string();
    if why.to_lowercase().contains("insufficient funds") {
        Error::Chain(format!(
            "the sender {from} cannot pay for gas (insufficient funds): fund it, or send with another key; nothing \
             was sent"
        ))
    } else {
        Error::Chain(format!("sending failed: {why}"))
    }
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
        None => match error.as_revert_data() {
            Some(data) if !data.is_empty() => explain_revert(&data),
            _ => crate::text::escape(&error.to_string()),
        },
    }
}

/// Revert data as a sentence: the wallet's errors (with a failed call's inner error), EigenLayer's errors,
/// `Error(string)` and `Panic(uint256)`; anything else as hex.
pub fn explain_revert(data: &[u8]) -> String {
    use alloy::sol_types::{GenericContractError, SolInterface};
    if let Ok(e) = OperatorWalletErrors::abi_decode(data) {
        return describe(&e);
    }
    if let Some(e) = crate::actions::error_text(data) {
        return format!("EigenLayer: {} ({})", e.words, e.name);
    }
    match GenericContractError::abi_decode(data) {
        Ok(GenericContractError::Revert(r)) => format!("reverted: {}", crate::decode::quote(&r.reason)),
        Ok(GenericContractError::Panic(p)) => format!("panic {}", p.code),
        Err(_) if data.is_empty() => "reverted without a reason".into(),
        Err(_) => format!("revert data {}", crate::decode::bytes(data)),
    }
}

fn describe(e: &OperatorWalletErrors) -> String {
    match e {
        OperatorWalletErrors::InvalidSignatures(_) => {
            "the signatures are invalid or fewer than the threshold (InvalidSignatures)".into()
        }
        OperatorWalletErrors::StaleConfiguration(_) => {
            "the signatures were collected for an older signer configuration (StaleConfiguration)".into()
        }
        OperatorWalletErrors::Expired(x) => format!("the deadline {} has passed (Expired)", x.deadline),
        OperatorWalletErrors::InsufficientGas(x) => format!(
            "the transaction left the calls less than the {} gas the signers required: send it with a higher gas \
             limit (InsufficientGas)",
            x.minGas
        ),
        OperatorWalletErrors::NonceExhausted(_) => {
            "the wallet has used every nonce it has (2^32 - 1 batches): it can run no more (NonceExhausted)".into()
        }
        OperatorWalletErrors::CallFailed(x) => {
            let inner = explain_revert(&x.returnData);
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
