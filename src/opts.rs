//! Option groups shared by commands; environment fallbacks resolved here, once.

use std::path::PathBuf;

use alloy::{
    network::EthereumWallet,
    primitives::Address,
    providers::{Provider, ProviderBuilder},
};
use clap::Args;
use eyre::{Result, WrapErr, bail, eyre};
use opwallet_core::{AddressBook, secrets::SecretSource, signer::KeySource};

/// Where the chain, EigenLayer and the wallet are.
#[derive(Debug, Clone, Args)]
pub(crate) struct Global {
    /// RPC URL of the chain.
    #[arg(long, env = "ETH_RPC_URL", global = true, help_heading = "Chain")]
    pub rpc_url: Option<String>,
    /// EigenLayer network: mainnet, sepolia, hoodi, holesky (or a network in --addresses).
    #[arg(long, global = true, help_heading = "Chain")]
    pub network: Option<String>,
    /// Address book file (addresses.json shape, or `opwallet-devnet up --json` output).
    #[arg(long, env = "OPWALLET_ADDRESSES", global = true, help_heading = "Chain")]
    pub addresses: Option<PathBuf>,
    /// The OperatorWallet.
    #[arg(long, env = "OPWALLET_WALLET", global = true, help_heading = "Chain")]
    pub wallet: Option<String>,
    /// Print one JSON document instead of text.
    #[arg(long, global = true)]
    pub json: bool,
    /// Say on stderr which RPC, address book and wallet are used.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Seconds to wait for any one RPC request (connecting included) before giving up.
    #[arg(
        long,
        env = "OPWALLET_RPC_TIMEOUT",
        default_value_t = 30,
        value_name = "SECONDS",
        global = true,
        help_heading = "Chain"
    )]
    pub rpc_timeout: u64,
}

/// URLs that may carry credentials (an RPC API key in the path, a user:password), registered as they are used so
/// that `main` can take them out of any error message.
static SECRET_URLS: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

/// Remembers `url` as one to redact from messages.
pub(crate) fn register_secret_url(url: &str) {
    if let Ok(mut urls) = SECRET_URLS.lock() {
        urls.push(url.to_owned());
    }
}

/// `text` with every registered URL's secret parts taken out.
pub(crate) fn redact(text: &str) -> String {
    let urls = SECRET_URLS.lock().map(|u| u.clone()).unwrap_or_default();
    opwallet_core::text::redact(text, &urls)
}

impl Global {
    pub(crate) fn rpc_url(&self) -> Result<String> {
        let url = self.rpc_url.clone().ok_or_else(|| eyre!("no RPC: pass --rpc-url or set ETH_RPC_URL"))?;
        register_secret_url(&url);
        Ok(url)
    }

    /// How long any one RPC request may take.
    pub(crate) fn timeout(&self) -> std::time::Duration {
        std::time::Duration::from_secs(self.rpc_timeout.max(1))
    }

    /// An HTTP JSON-RPC client whose every request is bounded by --rpc-timeout (a node that accepts the connection
    /// and never answers must not hang a signer's terminal).
    fn rpc_client(&self) -> Result<alloy::rpc::client::RpcClient> {
        use alloy::transports::http::{Http, reqwest};
        let url = self.rpc_url()?;
        let parsed: reqwest::Url = url.parse().map_err(|e| {
            eyre!("--rpc-url is not a URL: {e} (the value is not repeated here: RPC URLs often hold an API key)")
        })?;
        let client = reqwest::Client::builder()
            .connect_timeout(self.timeout().min(std::time::Duration::from_secs(10)))
            .timeout(self.timeout())
            .build()
            .wrap_err("building the HTTP client")?;
        let local = parsed
            .host_str()
            .is_some_and(|h| h == "localhost" || h.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback()));
        // Reads and sends that a node turns away as rate-limited or temporarily unavailable (429, 503) are
        // retried three times with backoff. Sends are signed here, so a repeated send is the same transaction
        // (the node answers "already known"), never a second one.
        let retry = alloy::transports::layers::RetryBackoffLayer::new(3, 300, 10_000);
        Ok(alloy::rpc::client::ClientBuilder::default()
            .layer(retry)
            .transport(Http::with_client(client, parsed), local))
    }

    pub(crate) async fn provider(&self) -> Result<impl Provider + Clone + use<>> {
        Ok(ProviderBuilder::new().connect_client(self.rpc_client()?))
    }

    pub(crate) async fn provider_with(&self, sender: EthereumWallet) -> Result<impl Provider + Clone + use<>> {
        Ok(ProviderBuilder::new().wallet(sender).connect_client(self.rpc_client()?))
    }

    pub(crate) fn wallet(&self) -> Result<Address> {
        let w = self.wallet.as_deref().ok_or_else(|| eyre!("no wallet: pass --wallet or set OPWALLET_WALLET"))?;
        parse_address(w, "--wallet")
    }

    /// Refuses a proposal file for another wallet than the one named by --wallet / OPWALLET_WALLET, when one is
    /// named: a signer who means wallet W must not be handed a file for W2.
    pub(crate) fn check_wallet(&self, file_wallet: Address) -> Result<()> {
        if self.wallet.is_some() {
            let meant = self.wallet()?;
            if meant != file_wallet {
                bail!(
                    "the proposal is for wallet {file_wallet}, but --wallet / OPWALLET_WALLET names {meant}: refusing \
                     (unset OPWALLET_WALLET only if you meant {file_wallet})"
                );
            }
        }
        Ok(())
    }

    /// The address book: --addresses (optionally narrowed by --network), else the named public network.
    pub(crate) fn book(&self) -> Result<AddressBook> {
        match (&self.addresses, &self.network) {
            (Some(path), network) => Ok(AddressBook::from_file(path, network.as_deref())?),
            (None, Some(network)) => Ok(AddressBook::network(network)?),
            (None, None) => {
                bail!("no EigenLayer addresses: pass --network (mainnet, sepolia, hoodi) or --addresses FILE")
            }
        }
    }

    /// The address book for the chain with `chain_id`: the one given (which must be for that chain), else the
    /// public network with that chain id, else none.
    /// The address book when `--addresses` or `--network` names it (no RPC needed); `None` when the built-in book
    /// must be chosen by the chain id. Its chain is checked against the node's by whoever reads the chain.
    pub(crate) fn named_book(&self) -> Result<Option<AddressBook>> {
        match (&self.addresses, &self.network) {
            (None, None) => Ok(None),
            _ => Ok(Some(self.book()?)),
        }
    }

    pub(crate) fn book_for(&self, chain_id: u64) -> Result<Option<AddressBook>> {
        let book = match (&self.addresses, &self.network) {
            (None, None) => return Ok(AddressBook::for_chain_id(chain_id)),
            _ => self.book()?,
        };
        if book.chain_id != chain_id {
            bail!(
                "the address book is for chain {} but the RPC is chain {chain_id}: pass the book for this chain",
                book.chain_id
            );
        }
        Ok(Some(book))
    }
}

pub(crate) fn parse_address(value: &str, flag: &str) -> Result<Address> {
    value
        .trim()
        .parse()
        .map_err(|_| eyre!("{flag} `{value}` is not an address (expected 0x followed by 40 hex digits)"))
}

/// `env:VAR`, `file:PATH`, `vault:MOUNT/PATH#FIELD` or `aws:SECRET_ID[#FIELD]`.
pub(crate) fn parse_secret_source(value: &str, flag: &str) -> Result<SecretSource> {
    let source = match value.split_once(':') {
        Some(("env", var)) if !var.is_empty() => SecretSource::Env(var.to_owned()),
        Some(("file", path)) if !path.is_empty() => SecretSource::File(PathBuf::from(path)),
        Some(("vault", reference)) if !reference.is_empty() => SecretSource::Vault(reference.to_owned()),
        Some(("aws", id)) if !id.is_empty() => SecretSource::AwsSecret(id.to_owned()),
        _ => bail!("{flag} `{value}`: expected env:VAR, file:PATH, vault:MOUNT/PATH#FIELD or aws:SECRET_ID[#FIELD]"),
    };
    Ok(source)
}

/// Every signer option, for errors.
const SOURCES: &str = "--private-key-env, --private-key-file, --keystore, --keystore-vault, --keystore-aws-secret, \
    --account, --mnemonic-file, --ledger, --aws-kms-key, --web3signer-url, --fireblocks-vault-account";

/// Where the signing key comes from. Exactly one source; secrets never on the command line.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Signer")]
pub(crate) struct KeyArgs {
    /// Environment variable holding a hex private key.
    #[arg(long, value_name = "VAR")]
    pub private_key_env: Option<String>,
    /// File holding a hex private key.
    #[arg(long, value_name = "PATH")]
    pub private_key_file: Option<PathBuf>,
    /// Web3 v3 keystore file.
    #[arg(long, value_name = "PATH", env = "ETH_KEYSTORE")]
    pub keystore: Option<PathBuf>,
    /// A Web3 v3 keystore kept in HashiCorp Vault KV v2: <mount>/<path>#<field> (nothing on this disk).
    #[arg(long, value_name = "REF")]
    pub keystore_vault: Option<String>,
    /// A Web3 v3 keystore kept in AWS Secrets Manager: <secret id> or <secret id>#<json field>.
    #[arg(long, value_name = "ID")]
    pub keystore_aws_secret: Option<String>,
    /// Foundry account name (~/.foundry/keystores/NAME).
    #[arg(long, value_name = "NAME")]
    pub account: Option<String>,
    /// Environment variable holding the keystore password.
    #[arg(long, value_name = "VAR", default_value = "ETH_PASSWORD")]
    pub password_env: String,
    /// File holding the keystore password (instead of --password-env).
    #[arg(long, value_name = "PATH")]
    pub password_file: Option<PathBuf>,
    /// File holding a BIP-39 mnemonic.
    #[arg(long, value_name = "PATH")]
    pub mnemonic_file: Option<PathBuf>,
    /// Account index for --mnemonic-file.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub mnemonic_index: u32,
    /// Keystore password from HashiCorp Vault KV v2: <mount>/<path>#<field> ($VAULT_ADDR, $VAULT_TOKEN).
    #[arg(long, value_name = "REF")]
    pub password_vault: Option<String>,
    /// Keystore password from AWS Secrets Manager: <secret id> or <secret id>#<json field>.
    #[arg(long, value_name = "ID")]
    pub password_aws_secret: Option<String>,
    /// A Ledger (its Ethereum app signs the proposal's EIP-712 hashes); the key at --hd-path.
    #[arg(long)]
    pub ledger: bool,
    /// BIP-32 path of the Ledger key (Ledger Live account N: m/44'/60'/N'/0/0; legacy: m/44'/60'/0'/N).
    #[arg(long, value_name = "PATH", default_value = "m/44'/60'/0'/0/0", requires = "ledger")]
    pub hd_path: String,
    /// A Web3Signer holding the key (its eth1 API); select the key with --web3signer-address.
    #[arg(long, value_name = "URL", env = "OPWALLET_WEB3SIGNER_URL", requires = "web3signer_address")]
    pub web3signer_url: Option<String>,
    /// The address of the key in the Web3Signer.
    #[arg(long, value_name = "ADDRESS")]
    pub web3signer_address: Option<String>,
    /// Environment variable holding a bearer token for the Web3Signer.
    #[arg(long, value_name = "VAR")]
    pub web3signer_token_env: Option<String>,
    /// PEM file of a CA certificate to trust for the Web3Signer's TLS (a private PKI).
    #[arg(long, value_name = "PEM", requires = "web3signer_url")]
    pub web3signer_ca_cert: Option<PathBuf>,
    /// PEM file with the client certificate (chain) and private key to present to the Web3Signer (mutual TLS).
    #[arg(long, value_name = "PEM", requires = "web3signer_url")]
    pub web3signer_client_cert: Option<PathBuf>,
    /// An AWS KMS secp256k1 key: id, alias or ARN (AWS credentials, region and AWS_ENDPOINT_URL as usual).
    #[arg(long, value_name = "KEY")]
    pub aws_kms_key: Option<String>,
    /// A Fireblocks vault account holding the key (typed-message signing through the Fireblocks API).
    #[arg(long, value_name = "ID", requires = "fireblocks_address")]
    pub fireblocks_vault_account: Option<String>,
    /// The address of the vault account's ETH key.
    #[arg(long, value_name = "ADDRESS")]
    pub fireblocks_address: Option<String>,
    /// Environment variable holding the Fireblocks API key.
    #[arg(long, value_name = "VAR", default_value = "FIREBLOCKS_API_KEY")]
    pub fireblocks_api_key_env: String,
    /// File holding the Fireblocks API secret (RSA private key, PEM).
    #[arg(long, value_name = "PATH")]
    pub fireblocks_secret_file: Option<PathBuf>,
    /// The Fireblocks API secret from HashiCorp Vault KV v2 (<mount>/<path>#<field>).
    #[arg(long, value_name = "REF")]
    pub fireblocks_secret_vault: Option<String>,
    /// The Fireblocks API secret from AWS Secrets Manager (<secret id> or <secret id>#<json field>).
    #[arg(long, value_name = "ID")]
    pub fireblocks_secret_aws: Option<String>,
    /// Fireblocks API base URL.
    #[arg(long, value_name = "URL", env = "FIREBLOCKS_URL", default_value = "https://api.fireblocks.io")]
    pub fireblocks_url: String,
}

impl KeyArgs {
    // Long: one block per key flag, collected so that exactly one source is given; clearer as one list.
    pub(crate) fn source(&self) -> Result<KeySource> {
        let password = match (&self.password_file, &self.password_vault, &self.password_aws_secret) {
            (Some(f), None, None) => SecretSource::File(f.clone()),
            (None, Some(v), None) => SecretSource::Vault(v.clone()),
            (None, None, Some(a)) => SecretSource::AwsSecret(a.clone()),
            (None, None, None) => SecretSource::Env(self.password_env.clone()),
            _ => {
                bail!("give the keystore password one way: --password-file, --password-vault or --password-aws-secret")
            }
        };
        let mut sources = Vec::new();
        if let Some(v) = &self.private_key_env {
            sources.push(KeySource::PrivateKeyEnv(v.clone()));
        }
        if let Some(p) = &self.private_key_file {
            sources.push(KeySource::PrivateKeyFile(p.clone()));
        }
        if let Some(p) = &self.keystore {
            sources.push(KeySource::Keystore { path: p.clone(), password: password.clone() });
        }
        if let Some(r) = &self.keystore_vault {
            sources.push(KeySource::StoredKeystore {
                keystore: SecretSource::Vault(r.clone()),
                password: password.clone(),
            });
        }
        if let Some(r) = &self.keystore_aws_secret {
            sources.push(KeySource::StoredKeystore {
                keystore: SecretSource::AwsSecret(r.clone()),
                password: password.clone(),
            });
        }
        if let Some(n) = &self.account {
            sources.push(KeySource::Account { name: n.clone(), password });
        }
        if let Some(f) = &self.mnemonic_file {
            sources.push(KeySource::Mnemonic { file: f.clone(), index: self.mnemonic_index });
        }
        if self.ledger {
            opwallet_core::signer::ledger::check_hd_path(&self.hd_path)?;
            sources.push(KeySource::Ledger { hd_path: self.hd_path.clone() });
        }
        if let Some(key_id) = &self.aws_kms_key {
            sources.push(KeySource::AwsKms { key_id: key_id.clone() });
        }
        if let Some(account) = &self.fireblocks_vault_account {
            let address =
                parse_address(self.fireblocks_address.as_deref().unwrap_or_default(), "--fireblocks-address")?;
            let secret = match (
                &self.fireblocks_secret_file,
                &self.fireblocks_secret_vault,
                &self.fireblocks_secret_aws,
            ) {
                (Some(f), None, None) => SecretSource::File(f.clone()),
                (None, Some(v), None) => SecretSource::Vault(v.clone()),
                (None, None, Some(a)) => SecretSource::AwsSecret(a.clone()),
                _ => bail!(
                    "give the Fireblocks API secret with exactly one of --fireblocks-secret-file, --fireblocks-secret-vault, --fireblocks-secret-aws"
                ),
            };
            register_secret_url(&self.fireblocks_url);
            sources.push(KeySource::Fireblocks {
                url: self.fireblocks_url.clone(),
                vault_account: account.clone(),
                address,
                api_key_env: self.fireblocks_api_key_env.clone(),
                secret,
            });
        }
        if let Some(url) = &self.web3signer_url {
            register_secret_url(url);
            let address =
                parse_address(self.web3signer_address.as_deref().unwrap_or_default(), "--web3signer-address")?;
            sources.push(KeySource::Web3Signer {
                url: url.clone(),
                address,
                token_env: self.web3signer_token_env.clone(),
                tls: opwallet_core::signer::web3signer::Tls {
                    ca_cert: self.web3signer_ca_cert.clone(),
                    client_identity: self.web3signer_client_cert.clone(),
                },
            });
        }
        match sources.len() {
            1 => Ok(sources.remove(0)),
            0 => bail!("choose a signer: one of {SOURCES}"),
            _ => bail!("choose one signer: several of {SOURCES} were given"),
        }
    }

    /// A transaction sender (local key, AWS KMS or Ledger) and its address.
    pub(crate) async fn sender(&self) -> Result<(Address, EthereumWallet)> {
        let signer = self.signer().await?;
        let address = signer.address();
        Ok((address, signer.into_sender()?))
    }

    /// Any signer (local or remote), for signing proposals.
    pub(crate) async fn signer(&self) -> Result<opwallet_core::signer::Signer> {
        Ok(self.source()?.signer().await?)
    }
}

/// What the sender is willing to pay, for commands that send a transaction.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Fees")]
pub(crate) struct FeeArgs {
    /// Most the sender pays per gas (e.g. `30gwei`, or wei). Default: the node's estimate, refused above 500 gwei.
    #[arg(long, value_name = "FEE")]
    pub max_fee_per_gas: Option<String>,
    /// Most the sender tips per gas (e.g. `2gwei`, or wei). Default: the node's estimate, capped by the max fee.
    #[arg(long, value_name = "FEE")]
    pub max_priority_fee_per_gas: Option<String>,
}

impl FeeArgs {
    pub(crate) fn limits(&self) -> Result<opwallet_core::submit::FeeLimits> {
        Ok(opwallet_core::submit::FeeLimits {
            max_fee_per_gas: self.max_fee_per_gas.as_deref().map(|v| parse_fee(v, "--max-fee-per-gas")).transpose()?,
            max_priority_fee_per_gas: self
                .max_priority_fee_per_gas
                .as_deref()
                .map(|v| parse_fee(v, "--max-priority-fee-per-gas"))
                .transpose()?,
        })
    }
}

/// `30gwei`, `1.5gwei` or a number of wei.
fn parse_fee(value: &str, flag: &str) -> Result<u128> {
    let bad = || eyre!("{flag} `{value}` is not a fee: give wei (e.g. 1000000000) or gwei (e.g. 1.5gwei)");
    let v = value.trim();
    let wei = match v.strip_suffix("gwei") {
        Some(g) => alloy::primitives::utils::parse_units(g.trim(), "gwei").map_err(|_| bad())?.get_absolute(),
        None => v.strip_suffix("wei").unwrap_or(v).trim().parse::<alloy::primitives::U256>().map_err(|_| bad())?,
    };
    u128::try_from(wei).map_err(|_| bad())
}

/// The fee plan as a line for stderr: what the transaction can cost at most.
pub(crate) fn describe_fees(plan: &opwallet_core::submit::FeePlan) -> String {
    use opwallet_core::submit::gwei;
    format!(
        "sending: gas limit {}, max fee {} gwei (tip {} gwei): at most {} ETH",
        plan.gas_limit,
        gwei(plan.max_fee_per_gas),
        gwei(plan.max_priority_fee_per_gas),
        alloy::primitives::utils::format_ether(plan.max_cost())
    )
}

/// clap value parsers: a malformed value is a usage error (exit 2) naming what was expected.
pub(crate) mod parse {
    use alloy::primitives::{Address, B256, Bytes, FixedBytes, U256};

    pub(crate) fn address(s: &str) -> Result<Address, String> {
        s.trim().parse().map_err(|_| "not an address (expected 0x followed by 40 hex digits)".to_owned())
    }

    pub(crate) fn b256(s: &str) -> Result<B256, String> {
        s.trim().parse().map_err(|_| "not 32 bytes of hex (expected 0x followed by 64 hex digits)".to_owned())
    }

    pub(crate) fn bytes(s: &str) -> Result<Bytes, String> {
        s.trim().parse().map_err(|_| "not hex bytes (expected 0x…)".to_owned())
    }

    pub(crate) fn wei(s: &str) -> Result<U256, String> {
        s.trim().parse().map_err(|_| "not an amount in wei".to_owned())
    }

    /// `AVS:ID`, an operator set.
    pub(crate) fn operator_set(s: &str) -> Result<opwallet_bindings::eigenlayer::OperatorSet, String> {
        let (avs, id) = s.split_once(':').ok_or_else(|| "expected AVS:ID".to_owned())?;
        Ok(opwallet_bindings::eigenlayer::OperatorSet {
            avs: address(avs)?,
            id: id.trim().parse().map_err(|_| format!("`{id}` is not an operator set id"))?,
        })
    }

    /// `0x12345678`, or a signature such as `updateOperatorMetadataURI(address,string)`.
    pub(crate) fn selector(s: &str) -> Result<FixedBytes<4>, String> {
        if s.contains('(') {
            return Ok(FixedBytes::from_slice(&alloy::primitives::keccak256(s.trim().as_bytes())[..4]));
        }
        s.trim().parse().map_err(|_| "neither 0x + 8 hex digits nor a function signature".to_owned())
    }
}

/// A proposal's place: a file, or `s3://BUCKET/KEY`.
pub(crate) fn parse_location(s: &str) -> Result<opwallet_core::store::Location, String> {
    opwallet_core::store::Location::parse(s).map_err(|e| e.to_string())
}

/// A folder of queues: a directory, or `s3://BUCKET[/PREFIX]`.
pub(crate) fn parse_folder(s: &str) -> Result<opwallet_core::store::Folder, String> {
    opwallet_core::store::Folder::parse(s).map_err(|e| e.to_string())
}
