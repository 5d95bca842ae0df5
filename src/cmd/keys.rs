use std::path::PathBuf;

use clap::{Args, Subcommand};
use eyre::{Result, WrapErr, bail};
use opwallet_core::{secrets, signer};
use serde_json::json;
use zeroize::Zeroizing;

use super::emit;
use crate::opts::Global;

#[derive(Debug, Subcommand)]
pub(crate) enum Keys {
    /// Create a fresh key from the operating system's randomness (never derived from a mnemonic) in an encrypted
    /// keystore; prints only its address (or, with --bls, its BLS public key). One key per signer and per AVS key:
    /// keys must not share a seed.
    New(NewArgs),
    /// Decrypt a BLS keystore and print what an AVS asks for: the G1 and G2 public keys and the operator id.
    BlsPubkey(BlsPubkeyArgs),
}

#[derive(Debug, Args)]
pub(crate) struct BlsPubkeyArgs {
    /// The BLS keystore (NAME.bls.key.json).
    #[arg(long, value_name = "FILE")]
    bls_keystore: PathBuf,
    /// Its password: env:VAR, file:PATH, vault:MOUNT/PATH#FIELD or aws:SECRET_ID[#FIELD].
    #[arg(long, value_name = "SOURCE", default_value = "env:BLS_PASSWORD")]
    bls_password: String,
}

#[derive(Debug, Args)]
pub(crate) struct NewArgs {
    /// Keystore directory (default: Foundry's, so `--account NAME` finds it; with --bls, EigenLayer's
    /// ~/.eigenlayer/operator_keys).
    #[arg(long)]
    dir: Option<PathBuf>,
    /// A BLS (BN254) key for an AVS built on EigenLayer's middleware, written to NAME.bls.key.json; prints its G1
    /// public key. Register it with `propose register-operator-sets --bls-keystore`.
    #[arg(long)]
    bls: bool,
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
    /// Generate a random password and store it as a new AWS Secrets Manager secret of this name; nobody sees it.
    /// Read it back with --password-aws-secret NAME.
    #[arg(long, value_name = "NAME")]
    store_password_aws_secret: Option<String>,
}

impl Keys {
    // Long: where the key goes, where its password comes from, then the one key made: one linear flow.
    pub(crate) async fn run(self, g: &Global) -> Result<()> {
        let a = match self {
            Keys::New(a) => a,
            Keys::BlsPubkey(b) => return b.run(g).await,
        };
        let dir = match &a.dir {
            Some(d) => d.clone(),
            None => PathBuf::from(std::env::var_os("HOME").ok_or_else(|| eyre::eyre!("HOME is not set: pass --dir"))?)
                .join(if a.bls { ".eigenlayer/operator_keys" } else { ".foundry/keystores" }),
        };
        let file = if a.bls { dir.join(format!("{}.bls.key.json", a.name)) } else { dir.join(&a.name) };
        if std::fs::symlink_metadata(&file).is_ok() {
            bail!("{} already exists: choose another --name", file.display());
        }
        let password: Zeroizing<String> = match (
            &a.password_env,
            &a.password_file,
            &a.store_password_vault,
            &a.store_password_aws_secret,
        ) {
            (Some(var), None, None, None) => Zeroizing::new(
                std::env::var(var)
                    .map_err(|_| eyre::eyre!("environment variable {var} (the new password) is not set"))?,
            ),
            (None, Some(file), None, None) => Zeroizing::new(
                std::fs::read_to_string(file)
                    .wrap_err_with(|| format!("reading --password-file {}", file.display()))?
                    .lines()
                    .next()
                    .unwrap_or_default()
                    .trim()
                    .to_owned(),
            ),
            (None, None, Some(reference), None) => {
                let password = secrets::random_password();
                secrets::vault_store(reference, &password).await?;
                eprintln!("password stored in vault at {reference}");
                password
            }
            (None, None, None, Some(name)) => {
                let password = secrets::random_password();
                secrets::aws_store(name, &password).await?;
                eprintln!("password stored in AWS Secrets Manager as {name}");
                password
            }
            _ => bail!(
                "choose exactly one of --password-env, --password-file, --store-password-vault, --store-password-aws-secret"
            ),
        };
        if password.len() < 8 {
            bail!("the password is shorter than 8 characters: choose a longer one");
        }
        if a.bls {
            let key = opwallet_core::bls::BlsKey::generate();
            let path = opwallet_core::bls::write_keystore(&dir, &a.name, &key, &password)?;
            let pubkey = opwallet_core::bls::pubkey_string(&key.public_g1());
            eprintln!("keystore {}\noperator id {}", path.display(), key.operator_id());
            return emit(
                g.json,
                json!({ "pubkeyG1": pubkey, "operatorId": key.operator_id(), "keystore": path }),
                || pubkey.clone(),
            );
        }
        let (address, path) = signer::local::new_keystore(&dir, &a.name, &password)?;
        eprintln!("keystore {}", path.display());
        emit(g.json, json!({ "address": address, "keystore": path }), || address.to_string())
    }
}

impl BlsPubkeyArgs {
    async fn run(self, g: &Global) -> Result<()> {
        let password = crate::opts::parse_secret_source(&self.bls_password, "--bls-password")?;
        let key = opwallet_core::bls::read_keystore(&self.bls_keystore, &password).await?;
        let (g1, g2) = (key.public_g1(), key.public_g2());
        let pubkey = opwallet_core::bls::pubkey_string(&g1);
        emit(
            g.json,
            json!({
                "pubkeyG1": { "X": g1.X, "Y": g1.Y },
                "pubkeyG2": { "X": g2.X, "Y": g2.Y },
                "operatorId": key.operator_id(),
            }),
            || {
                format!(
                    "g1          {pubkey}\ng2          X [{}, {}]  Y [{}, {}]  (imaginary, real: the EVM's order)\noperator id {}",
                    g2.X[0],
                    g2.X[1],
                    g2.Y[0],
                    g2.Y[1],
                    key.operator_id()
                )
            },
        )
    }
}
