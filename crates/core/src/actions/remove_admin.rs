//! `PermissionController.removeAdmin`: removes an admin of the wallet's account (never the last one).

use alloy::{primitives::Address, providers::Provider, sol_types::SolCall};
use opwallet_bindings::eigenlayer::IPermissionController as PC;

use super::{Action, Ctx, Planned, Spec, no_sets};
use crate::{Error, decode::Decoder, proposal::ProposedCall};

type Call = PC::removeAdminCall;

/// Removes `admin` from the wallet's account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoveAdmin {
    /// The admin to remove; never the account's last.
    pub admin: Address,
}

impl Action for RemoveAdmin {
    async fn plan<P: Provider>(self, ctx: &Ctx<'_, P>) -> Result<Planned, Error> {
        let book = ctx.book()?;
        let admins = PC::new(book.permission_controller, ctx.provider)
            .getAdmins(ctx.wallet())
            .call()
            .await
            .map_err(Error::rpc)?;
        if !admins.contains(&self.admin) {
            return Err(Error::Chain(format!("{} is not an admin of {}", self.admin, ctx.wallet())));
        }
        if admins.len() == 1 {
            return Err(Error::Chain(format!(
                "{} is the last admin of {}, and EigenLayer never removes the last admin",
                self.admin,
                ctx.wallet()
            )));
        }
        Ok(Planned::call(ProposedCall::new(
            book.permission_controller,
            Call { account: ctx.wallet(), admin: self.admin }.abi_encode(),
        )))
    }
}

/// The registry entry for `PermissionController.removeAdmin`.
pub const SPEC: Spec = Spec {
    abi: "PermissionController",
    selector: Call::SELECTOR,
    summary: |data, d: &Decoder| {
        let c = Call::abi_decode(data).ok()?;
        Some(format!("remove admin {} of {}", d.address(c.admin), d.address(c.account)))
    },
    touches: no_sets,
};
