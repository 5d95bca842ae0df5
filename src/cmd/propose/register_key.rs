use std::path::PathBuf;

use alloy::primitives::Address;
use clap::Args;
use eyre::{Result, bail};
use opwallet_bindings::eigenlayer::OperatorSet;
use opwallet_core::actions::register_key::{AvsKey, RegisterKey};

use super::Out;
use crate::opts::{KeyArgs, parse, parse_secret_source};

#[derive(Debug, Args)]
pub(crate) struct RegisterKeyArgs {
    /// The AVS whose operator set the key is for.
    #[arg(long, value_parser = parse::address)]
    avs: Address,
    /// The operator set id.
    #[arg(long)]
    id: u32,
    /// Register an ECDSA key, which signs its registration itself (give it with the signer options below).
    #[arg(long, conflicts_with = "bls_keystore")]
    ecdsa: bool,
    /// Register a BN254 key from this BLS keystore.
    #[arg(long, value_name = "FILE")]
    bls_keystore: Option<PathBuf>,
    /// The BLS keystore's password: env:VAR, file:PATH, vault:MOUNT/PATH#FIELD or aws:SECRET_ID[#FIELD].
    #[arg(long, value_name = "SOURCE", default_value = "env:BLS_PASSWORD", requires = "bls_keystore")]
    bls_password: String,
    /// The ECDSA key (with --ecdsa).
    #[command(flatten)]
    key: KeyArgs,
    #[command(flatten)]
    out: Out,
}

impl RegisterKeyArgs {
    pub(super) async fn action(self, _now: u64, _wallet: Address) -> Result<(RegisterKey, Out)> {
        let key = match (&self.bls_keystore, self.ecdsa) {
            (Some(path), _) => {
                let password = parse_secret_source(&self.bls_password, "--bls-password")?;
                AvsKey::Bn254(opwallet_core::bls::read_keystore(path, &password).await?)
            }
            (None, true) => AvsKey::Ecdsa(self.key.signer().await?),
            (None, false) => bail!("choose the key: --ecdsa with a signer, or --bls-keystore"),
        };
        Ok((RegisterKey { set: OperatorSet { avs: self.avs, id: self.id }, key }, self.out))
    }
}
