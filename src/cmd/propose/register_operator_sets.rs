use std::path::PathBuf;

use alloy::primitives::{Address, Bytes};
use clap::Args;
use eyre::Result;
use opwallet_core::actions::register_operator_sets::{RegisterOperatorSets, RegistrationData};

use super::Out;
use crate::opts::{parse, parse_secret_source};

#[derive(Debug, Args)]
pub(crate) struct RegisterOperatorSetsArgs {
    #[arg(long, value_parser = parse::address)]
    avs: Address,
    /// Operator set ids, comma-separated.
    #[arg(long, value_delimiter = ',', required = true)]
    ids: Vec<u32>,
    /// Bytes passed verbatim to the AVS registrar (hex).
    #[arg(long, value_parser = parse::bytes, default_value = "0x")]
    data: Bytes,
    /// A BLS AVS (eigenlayer-middleware registry coordinator): register this BLS key with it. The key signs the
    /// coordinator's registration message for the wallet (computed by opwallet), and the registration data is built
    /// from it.
    #[arg(long, value_name = "FILE", conflicts_with = "data")]
    bls_keystore: Option<PathBuf>,
    /// The BLS keystore's password: env:VAR, file:PATH, vault:MOUNT/PATH#FIELD or aws:SECRET_ID[#FIELD].
    #[arg(long, value_name = "SOURCE", default_value = "env:BLS_PASSWORD", requires = "bls_keystore")]
    bls_password: String,
    /// The socket the AVS reaches the operator's node at, registered with the BLS key.
    #[arg(long, default_value = "", requires = "bls_keystore")]
    socket: String,
    /// Register even if a set redistributes slashed stake to a third party.
    #[arg(long)]
    allow_redistributing: bool,
    #[command(flatten)]
    out: Out,
}

impl RegisterOperatorSetsArgs {
    pub(super) async fn action(self, _now: u64, _wallet: alloy::primitives::Address) -> Result<(RegisterOperatorSets, Out)> {
        let Self { avs, ids, data, bls_keystore, bls_password, socket, allow_redistributing, out } = self;
        // The BLS key first: a wrong password or file fails before anything is asked of the chain.
        let data = match bls_keystore {
            None => RegistrationData::Raw(data),
            Some(path) => {
                let password = parse_secret_source(&bls_password, "--bls-password")?;
                RegistrationData::Bls { key: opwallet_core::bls::read_keystore(&path, &password).await?, socket }
            }
        };
        Ok((RegisterOperatorSets { avs, ids, data, allow_redistributing }, out))
    }
}
