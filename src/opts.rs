//! Option groups shared by commands; environment fallbacks resolved here, once.

use std::path::PathBuf;

use alloy::{
    network::EthereumWallet,
    primitives::Address,
    providers::{Provider, ProviderBuilder},
};
use clap::Args;
use eyre::{Result, WrapErr, bail, eyre};
use opwallet_core::{
    AddressBook,
    signer::{KeySource, Password},
};

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
}

impl Global {
    pub(crate) fn rpc_url(&self) -> Result<String> {
        self.rpc_url.clone().ok_or_else(|| eyre!("no RPC: pass --rpc-url or set ETH_RPC_URL"))
    }

    pub(crate) async fn provider(&self) -> Result<impl Provider + Clone + use<>> {
        let url = self.rpc_url()?;
        let url = url.parse().wrap_err_with(|| format!("--rpc-url `{url}` is not a URL"))?;
        Ok(ProviderBuilder::new().connect_http(url))
    }

    pub(crate) async fn provider_with(&self, sender: EthereumWallet) -> Result<impl Provider + Clone + use<>> {
        let url = self.rpc_url()?;
        let url = url.parse().wrap_err_with(|| format!("--rpc-url `{url}` is not a URL"))?;
        Ok(ProviderBuilder::new().wallet(sender).connect_http(url))
    }

    pub(crate) fn wallet(&self) -> Result<Address> {
        let w = self.wallet.as_deref().ok_or_else(|| eyre!("no wallet: pass --wallet or set OPWALLET_WALLET"))?;
        parse_address(w, "--wallet")
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
}

pub(crate) fn parse_address(value: &str, flag: &str) -> Result<Address> {
    value
        .trim()
        .parse()
        .map_err(|_| eyre!("{flag} `{value}` is not an address (expected 0x followed by 40 hex digits)"))
}

/// `env:VAR`, `file:PATH`, `vault:MOUNT/PATH#FIELD` or `aws:SECRET_ID[#FIELD]`.
pub(crate) fn parse_secret_source(value: &str, flag: &str) -> Result<Password> {
    let source = match value.split_once(':') {
        Some(("env", var)) if !var.is_empty() => Password::Env(var.to_owned()),
        Some(("file", path)) if !path.is_empty() => Password::File(PathBuf::from(path)),
        Some(("vault", reference)) if !reference.is_empty() => Password::Vault(reference.to_owned()),
        Some(("aws", id)) if !id.is_empty() => Password::AwsSecret(id.to_owned()),
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
    pub(crate) fn source(&self) -> Result<KeySource> {
        let password = match (&self.password_file, &self.password_vault, &self.password_aws_secret) {
            (Some(f), None, None) => Password::File(f.clone()),
            (None, Some(v), None) => Password::Vault(v.clone()),
            (None, None, Some(a)) => Password::AwsSecret(a.clone()),
            (None, None, None) => Password::Env(self.password_env.clone()),
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
            sources
                .push(KeySource::StoredKeystore { keystore: Password::Vault(r.clone()), password: password.clone() });
        }
        if let Some(r) = &self.keystore_aws_secret {
            sources.push(KeySource::StoredKeystore {
                keystore: Password::AwsSecret(r.clone()),
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
            opwallet_core::signer::check_hd_path(&self.hd_path)?;
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
                (Some(f), None, None) => Password::File(f.clone()),
                (None, Some(v), None) => Password::Vault(v.clone()),
                (None, None, Some(a)) => Password::AwsSecret(a.clone()),
                _ => bail!(
                    "give the Fireblocks API secret with exactly one of --fireblocks-secret-file, --fireblocks-secret-vault, --fireblocks-secret-aws"
                ),
            };
            sources.push(KeySource::Fireblocks {
                url: self.fireblocks_url.clone(),
                vault_account: account.clone(),
                address,
                api_key_env: self.fireblocks_api_key_env.clone(),
                secret,
            });
        }
        if let Some(url) = &self.web3signer_url {
            let address =
                parse_address(self.web3signer_address.as_deref().unwrap_or_default(), "--web3signer-address")?;
            sources.push(KeySource::Web3Signer {
                url: url.clone(),
                address,
                token_env: self.web3signer_token_env.clone(),
                tls: opwallet_core::remote::Tls {
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
