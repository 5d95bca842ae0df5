use std::path::PathBuf;

use clap::{Args, Subcommand};
use eyre::{Result, WrapErr, bail};
use opwallet_core::{remote, signer};
use serde_json::json;
use zeroize::Zeroizing;

use super::emit;
use crate::opts::Global;

#[derive(Debug, Subcommand)]
pub(crate) enum Keys {
    /// Create a fresh key from the operating system's randomness (never derived from a mnemonic) in an encrypted
    /// keystore; prints only its address. One key per signer and per AVS key: keys must not share a seed.
    New(NewArgs),
}

#[derive(Debug, Args)]
pub(crate) struct NewArgs {
    /// Keystore directory (default: Foundry's, so `--account NAME` finds it).
    #[arg(long)]
    dir: Option<PathBuf>,
    /// File name (the account name).
    #[arg(long)]
    name: String,
    /// Environment variable holding the password to encrypt with.
    #[arg(long, value_name = "VAR")]
    password_env: Option<String>,
    /// File holding the password to encrypt with.
    #[arg(long, value_name = "PATH")]
    password_file: Option<PathBuf>,
    /// Generate a random password and store it in HashiCorp Vault KV v2 (<mount>/<path>#<field>); nobody sees it.
    #[arg(long, value_name = "REF")]
    store_password_vault: Option<String>,
}

impl Keys {
    pub(crate) async fn run(self, g: &Global) -> Result<()> {
        let Keys::New(a) = self;
        let dir = match &a.dir {
            Some(d) => d.clone(),
            None => PathBuf::from(std::env::var_os("HOME").ok_or_else(|| eyre::eyre!("HOME is not set: pass --dir"))?)
                .join(".foundry/keystores"),
        };
        if dir.join(&a.name).exists() {
            bail!("{} already exists: choose another --name", dir.join(&a.name).display());
        }
        let password: Zeroizing<String> = match (&a.password_env, &a.password_file, &a.store_password_vault) {
            (Some(var), None, None) => Zeroizing::new(
                std::env::var(var)
                    .map_err(|_| eyre::eyre!("environment variable {var} (the new password) is not set"))?,
            ),
            (None, Some(file), None) => Zeroizing::new(
                std::fs::read_to_string(file)
                    .wrap_err_with(|| format!("reading --password-file {}", file.display()))?
                    .lines()
                    .next()
                    .unwrap_or_default()
                    .trim()
                    .to_owned(),
            ),
            (None, None, Some(reference)) => {
                let password = signer::random_password();
                remote::vault_store(reference, &password).await?;
                eprintln!("password stored in vault at {reference}");
                password
            }
            _ => bail!("choose exactly one of --password-env, --password-file, --store-password-vault"),
        };
        if password.len() < 8 {
            bail!("the password is shorter than 8 characters: choose a longer one");
        }
        let (address, path) = signer::new_keystore(&dir, Some(&a.name), &password)?;
        eprintln!("keystore {}", path.display());
        emit(g.json, json!({ "address": address, "keystore": path }), || address.to_string())
    }
}
