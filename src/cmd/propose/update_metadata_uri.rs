use clap::Args;
use eyre::Result;
use opwallet_core::actions::update_metadata_uri::UpdateMetadataUri;

use super::Out;

#[derive(Debug, Args)]
pub(crate) struct UpdateMetadataUriArgs {
    #[arg(long)]
    metadata_uri: String,
    #[command(flatten)]
    out: Out,
}

impl UpdateMetadataUriArgs {
    pub(super) async fn action(self, _now: u64, _wallet: alloy::primitives::Address) -> Result<(UpdateMetadataUri, Out)> {
        Ok((UpdateMetadataUri { metadata_uri: self.metadata_uri }, self.out))
    }
}
