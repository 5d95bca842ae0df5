use alloy::{
    primitives::{Address, B256, U256},
    providers::Provider,
};
use clap::Args;
use eyre::{Result, WrapErr, bail, eyre};
use opwallet_bindings::{
    OperatorWalletFactory,
    eigenlayer::{IAllocationManager, IDelegationManager},
};
use opwallet_core::{AddressBook, wallet};
use serde_json::json;

use super::emit;
use crate::opts::{FeeArgs, Global, KeyArgs, parse_address};

/// The wallet configuration a factory call takes.
#[derive(Debug, Clone, Args)]
pub(crate) struct ConfigArgs {
    /// Signers, comma-separated (EOAs or contracts such as a Safe or another OperatorWallet).
    #[arg(long, value_delimiter = ',', required = true)]
    signers: Vec<String>,
    /// Signatures required (1 ≤ threshold ≤ signers).
    #[arg(long)]
    threshold: u64,
    /// User salt (32 bytes hex); the address also commits to signers and threshold.
    #[arg(long, default_value = "0x0000000000000000000000000000000000000000000000000000000000000000")]
    salt: String,
    /// Factory address (default: the address book's `OperatorWalletFactory` when --addresses or --network names a book
    /// that has one, else opwallet's factory at its one address on every chain, deployed on first use).
    #[arg(long, env = "OPWALLET_FACTORY")]
    factory: Option<String>,
}

impl ConfigArgs {
    /// Validates like the contract does, before anything is sent.
    fn parse(&self, g: &Global) -> Result<(Address, Vec<Address>, U256, B256)> {
        let signers = self.signers.iter().map(|s| parse_address(s, "--signers")).collect::<Result<Vec<_>>>()?;
        for (i, s) in signers.iter().enumerate() {
            if signers[..i].contains(s) {
                bail!("--signers lists {s} twice: each signer may appear once");
            }
            if U256::from_be_slice(s.as_slice()) <= U256::from(0xffff) {
                bail!("--signers: {s} is the zero address or a precompile and can never sign");
            }
        }
        if signers.len() > 32 {
            bail!("--signers: {} signers, at most 32 are allowed", signers.len());
        }
        if self.threshold == 0 || self.threshold > signers.len() as u64 {
            bail!(
                "--threshold {} is not reachable with {} signers: choose 1..={}",
                self.threshold,
                signers.len(),
                signers.len()
            );
        }
        let salt: B256 = self.salt.parse().map_err(|_| eyre!("--salt `{}` is not 32 bytes of hex", self.salt))?;
        let factory = match &self.factory {
            Some(f) => parse_address(f, "--factory")?,
            None => match g.named_book()?.and_then(|b| b.extra("OperatorWalletFactory").ok()) {
                Some(f) => f,
                None => opwallet_core::factory::canonical(),
            },
        };
        Ok((factory, signers, U256::from(self.threshold), salt))
    }
}

#[derive(Debug, Clone, Args)]
pub(crate) struct PredictArgs {
    #[command(flatten)]
    config: ConfigArgs,
}

impl PredictArgs {
    pub(crate) async fn run(self, g: &Global) -> Result<()> {
        // Computed as the factory computes it: no RPC, no address book (the factory's address fixes its
        // implementation's, and the configuration and salt fix the clone's).
        let (factory, signers, threshold, salt) = self.config.parse(g)?;
        let predicted = opwallet_core::factory::predict(factory, &signers, threshold, salt);
        emit(g.json, json!({ "wallet": predicted, "factory": factory }), || predicted.to_string())
    }
}

#[derive(Debug, Clone, Args)]
pub(crate) struct DeployArgs {
    #[command(flatten)]
    config: ConfigArgs,
    /// Who pays for the deployment (any account; it gets no rights over the wallet).
    #[command(flatten)]
    sender: KeyArgs,
    #[command(flatten)]
    fees: FeeArgs,
}

impl DeployArgs {
    // Long: three round trips and the race with another creator, in order; split, the reads would pass around.
    pub(crate) async fn run(self, g: &Global) -> Result<()> {
        let (factory, signers, threshold, salt) = self.config.parse(g)?;
        let (from, sender) = self.sender.sender().await?;
        let provider = g.provider_with(sender.clone()).await?;
        let f = OperatorWalletFactory::new(factory, &provider);
        let tx = f.createWallet(signers.clone(), threshold, salt).from(from).into_transaction_request();
        // Three round trips before the receipt: everything that needs nothing else at once (with whether the
        // factory is there); then whether the predicted address is taken; then the send. A chain without the
        // factory gets it first, then the same reads again.
        let read = || async {
            tokio::join!(
                provider.get_code_at(factory),
                async { f.predictAddress(signers.clone(), threshold, salt).call().await },
                provider.estimate_gas(tx.clone()),
                provider.estimate_eip1559_fees(),
                provider.get_transaction_count(from).pending(),
                provider.get_chain_id(),
            )
        };
        let mut reads = read().await;
        if reads.0?.is_empty() {
            deploy_factory(&provider, &sender, from, factory, &self.fees, g).await?;
            reads = read().await;
        }
        let (_, predicted, gas, fees, nonce, chain_id) = reads;
        let predicted = predicted?;
        if predicted != opwallet_core::factory::predict(factory, &signers, threshold, salt) {
            bail!(
                "the factory at {factory} predicts {predicted}, not the address opwallet computes for its code: it is \
                 not an OperatorWalletFactory opwallet knows"
            );
        }
        eprintln!("wallet address (predicted): {predicted}");
        // Anyone may create the same wallet first (the same arguments give the same address and configuration):
        // then there is nothing left to do, before sending or after losing the race.
        let done = |g: &Global| {
            eprintln!("already deployed: {predicted} runs OperatorWallet with exactly these signers and threshold");
            emit(g.json, json!({ "wallet": predicted, "transaction": null, "alreadyDeployed": true }), || {
                predicted.to_string()
            })
        };
        if deployed_as_asked(&provider, predicted, &signers, threshold).await? {
            return done(g);
        }
        let gas = gas.map_err(|e| match e.as_error_resp().and_then(|r| r.as_revert_data()) {
            Some(data) => {
                eyre!("simulation failed, nothing was sent: {}", opwallet_core::submit::explain_revert(&data))
            }
            None => eyre!("estimating gas: {e}"),
        })?;
        let prepared = opwallet_core::submit::Prepared { tx, gas, fees: fees?, nonce: nonce?, chain_id: chain_id? };
        let plan = opwallet_core::submit::apply_limits(prepared.gas, prepared.fees, self.fees.limits()?)?;
        eprintln!("{}", crate::opts::describe_fees(&plan));
        let sent =
            opwallet_core::submit::send_prepared(&provider, &sender, prepared, plan, from, g.timeout() * 10, |h| {
                eprintln!("sending transaction {h}")
            })
            .await;
        let receipt = match sent {
            Ok(receipt) => receipt,
            // Front-run between the estimate and the block: the wallet is there all the same.
            Err(e) => {
                if deployed_as_asked(&provider, predicted, &signers, threshold).await? {
                    eprintln!("our transaction failed ({e}), but someone else created the same wallet first");
                    return done(g);
                }
                return Err(e.into());
            }
        };
        let check = wallet::check_code(&provider, predicted).await?;
        if !check.known {
            bail!("the wallet at {predicted} does not run the OperatorWallet code opwallet knows");
        }
        emit(
            g.json,
            json!({ "wallet": predicted, "transaction": receipt.transaction_hash, "gasUsed": receipt.gas_used }),
            || predicted.to_string(),
        )
    }
}

/// Deploys opwallet's factory on a chain that has none yet, through the deterministic deployment proxy (anyone
/// may; it lands at the same address as everywhere else), after saying so. Only the canonical factory: another
/// address without code is a mistake to name, not something to deploy.
async fn deploy_factory<P: Provider>(
    provider: &P,
    sender: &alloy::network::EthereumWallet,
    from: Address,
    factory: Address,
    fees: &FeeArgs,
    g: &Global,
) -> Result<()> {
    use opwallet_core::factory::{DETERMINISTIC_DEPLOYER, canonical, deployment_input, implementation_of};
    let chain_id = provider.get_chain_id().await?;
    if factory != canonical() {
        bail!(
            "no contract at --factory {factory} on chain {chain_id}: drop --factory to use opwallet's factory ({}), \
             which deploy puts on a chain the first time it is needed",
            canonical()
        );
    }
    if provider.get_code_at(DETERMINISTIC_DEPLOYER).await?.is_empty() {
        bail!(
            "chain {chain_id} has no deterministic deployment proxy at {DETERMINISTIC_DEPLOYER}, through which \
             opwallet's factory is deployed: deploy the proxy first (its pre-signed transaction works on any chain \
             that accepts pre-EIP-155 transactions), or deploy a factory yourself and pass --factory"
        );
    }
    eprintln!(
        "opwallet's factory is not on chain {chain_id} yet: deploying it at {factory} through the deterministic \
         deployment proxy {DETERMINISTIC_DEPLOYER} (once per chain, by anyone; the same address on every chain)"
    );
    let tx = alloy::rpc::types::TransactionRequest::default()
        .from(from)
        .to(DETERMINISTIC_DEPLOYER)
        .input(deployment_input().into());
    let plan = opwallet_core::submit::plan_fees(provider, &tx, fees.limits()?).await?;
    eprintln!("{}", crate::opts::describe_fees(&plan));
    let receipt = opwallet_core::submit::send(provider, sender, tx, plan, from, g.timeout() * 10, |h| {
        eprintln!("sending transaction {h}")
    })
    .await?;
    let implementation = implementation_of(factory);
    let runtime = provider.get_code_at(implementation).await?;
    if provider.get_code_at(factory).await?.is_empty() || wallet::implementation_factory(&runtime) != Some(factory) {
        bail!("the factory deployment ({}) left no OperatorWalletFactory at {factory}", receipt.transaction_hash);
    }
    eprintln!("factory deployed: {factory} (transaction {})", receipt.transaction_hash);
    Ok(())
}

/// Whether `predicted` already holds the wallet `deploy` was asked for: OperatorWallet code opwallet knows, still
/// at its first configuration (epoch 0) with exactly `signers` and `threshold`. A wallet there whose configuration
/// changed since (a rotation) is refused: the caller's keys may not be its signers any more.
async fn deployed_as_asked<P: Provider>(
    provider: &P,
    predicted: Address,
    signers: &[Address],
    threshold: U256,
) -> Result<bool> {
    if provider.get_code_at(predicted).await?.is_empty() {
        return Ok(false);
    }
    let check = wallet::check_code(provider, predicted).await?;
    if !check.known {
        bail!("{predicted} holds code that is not the OperatorWallet opwallet knows: refusing to use it");
    }
    let mut header = vec![0u8; 8];
    header.push(u8::try_from(threshold).wrap_err("--threshold")?);
    header.push(u8::try_from(signers.len()).wrap_err("--signers")?);
    for s in signers {
        header.extend_from_slice(s.as_slice());
    }
    let stored = opwallet_bindings::OperatorWallet::new(predicted, provider).configHash().call().await?;
    if stored != wallet::config_commitment(&header) {
        bail!(
            "a wallet already exists at {predicted} for these signers, threshold and salt, but its configuration has \
             changed since it was created: use it (`opwallet info --wallet {predicted}`), or choose another --salt"
        );
    }
    Ok(true)
}

// Long: one concurrent read, then its JSON and text forms side by side.
pub(crate) async fn info(g: &Global) -> Result<()> {
    let provider = g.provider().await?;
    let address = g.wallet()?;
    // All at once: two sequential round trips behind a remote node (the code check's second look is the second).
    let book = g.book().ok();
    let (state, code, eigen) =
        tokio::join!(wallet::WalletState::read(&provider, address), wallet::check_code(&provider, address), async {
            match &book {
                Some(book) => eigenlayer_view(&provider, book, address).await.map(Some),
                None => Ok(None),
            }
        },);
    let (state, code, eigen) = (state?, code?, eigen?);
    // The canonical factory's address commits to its code (CREATE2), and its implementation's to the factory
    // (CREATE): a clone of that implementation was made by opwallet's factory, with no further read.
    let canonical_factory =
        code.implementation == opwallet_core::factory::implementation_of(opwallet_core::factory::canonical());
    let value = json!({
        "wallet": address,
        "chainId": state.chain_id,
        "signers": state.signers,
        "threshold": state.threshold,
        "nonce": state.nonce,
        "epoch": state.epoch,
        "implementation": code.implementation,
        "knownCode": code.known,
        "factory": code.factory,
        "canonicalFactory": canonical_factory,
        "eigenlayer": eigen,
    });
    emit(g.json, value.clone(), || {
        let mut s = format!(
            "wallet     {address}\nchain      {}\nthreshold  {} of {}\nnonce      {}\nepoch      {}\ncode       {} (implementation {})\nfactory    {}\nsigners",
            state.chain_id,
            state.threshold,
            state.signers.len(),
            state.nonce,
            state.epoch,
            if code.known { "known OperatorWallet" } else { "UNKNOWN CODE" },
            code.implementation,
            match (code.factory, canonical_factory) {
                (Some(f), true) => format!("{f} (opwallet's factory, the same on every chain)"),
                (Some(f), false) => format!("{f} (not opwallet's factory at its usual address)"),
                (None, _) => "unknown".to_owned(),
            },
        );
        for signer in &state.signers {
            s.push_str(&format!("\n  {signer}"));
        }
        if let Some(e) = &value["eigenlayer"].as_object() {
            s.push_str(&format!(
                "\neigenlayer {}\n  operator            {}\n  delegation approver {}\n  allocation delay    {}\n  operator sets       {}\n  admins              {}\n  pending admins      {}",
                e["release"].as_str().unwrap_or_default(),
                e["isOperator"],
                e["delegationApprover"].as_str().unwrap_or_default(),
                e["allocationDelay"],
                list(&e["operatorSets"], ""),
                list(&e["admins"], &address.to_string()),
                list(&e["pendingAdmins"], ""),
            ));
        }
        s
    })
}

/// A JSON list of strings as `a, b`, `none` when empty; `me` is marked as the wallet itself.
fn list(value: &serde_json::Value, me: &str) -> String {
    let items: Vec<String> = value
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str())
        .map(|s| if s == me { format!("{s} (the wallet itself)") } else { s.to_owned() })
        .collect();
    if items.is_empty() { "none".into() } else { items.join(", ") }
}

async fn eigenlayer_view<P: Provider>(provider: &P, book: &AddressBook, wallet: Address) -> Result<serde_json::Value> {
    let dm = IDelegationManager::new(book.delegation_manager, provider);
    let am = IAllocationManager::new(book.allocation_manager, provider);
    let pc = opwallet_bindings::eigenlayer::IPermissionController::new(book.permission_controller, provider);
    let (release, admins, pending, delay, sets, is_operator, approver) = tokio::try_join!(
        async { opwallet_core::guard::release(provider, book).await.map_err(eyre::Report::from) },
        async { pc.getAdmins(wallet).call().await.map_err(eyre::Report::from) },
        async { pc.getPendingAdmins(wallet).call().await.map_err(eyre::Report::from) },
        async { am.getAllocationDelay(wallet).call().await.map_err(eyre::Report::from) },
        async { am.getRegisteredSets(wallet).call().await.map_err(eyre::Report::from) },
        async { dm.isOperator(wallet).call().await.map_err(eyre::Report::from) },
        async { dm.delegationApprover(wallet).call().await.map_err(eyre::Report::from) },
    )?;
    let release = opwallet_core::text::escape(&release.1);
    Ok(json!({
        "release": release,
        "isOperator": is_operator,
        "delegationApprover": approver,
        "allocationDelay": if delay.isSet { json!(delay.delay) } else { json!(null) },
        "operatorSets": sets.iter().map(|s| format!("{}:{}", s.avs, s.id)).collect::<Vec<_>>(),
        "admins": admins.iter().map(|a| a.to_string()).collect::<Vec<_>>(),
        "pendingAdmins": pending.iter().map(|a| a.to_string()).collect::<Vec<_>>(),
    }))
}
