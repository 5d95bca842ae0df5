//! `PermissionController.addPendingAdmin`: proposes an admin of the wallet's EigenLayer account (it must accept).
//! Once any admin is accepted the wallet loses implicit admin of itself, so the wallet itself should be added first.

use alloy::{
    primitives::Address,
    providers::Provider,
    sol_types::{SolCall, SolError},
};
use opwallet_bindings::eigenlayer::{IEigenLayerErrors::*, IPermissionController as PC};

use super::{Action, Ctx, ErrorText, Planned, Spec, no_sets};
use crate::{Error, decode::Decoder, proposal::ProposedCall};

type Call = PC::addPendingAdminCall;

/// Proposes `admin` as an admin of the wallet's account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddPendingAdmin {
    /// The address proposed as an admin; it must then accept (`accept-admin`).
    pub admin: Address,
}

impl Action for AddPendingAdmin {
    async fn plan<P: Provider>(self, ctx: &Ctx<'_, P>) -> Result<Planned, Error> {
        let book = ctx.book()?;
        let pc = PC::new(book.permission_controller, ctx.provider);
        let (admins, pending) =
            tokio::try_join!(async { pc.getAdmins(ctx.wallet()).call().await.map_err(Error::rpc) }, async {
                pc.getPendingAdmins(ctx.wallet()).call().await.map_err(Error::rpc)
            },)?;
        if admins.contains(&self.admin) && (self.admin != ctx.wallet() || admins.len() > 1) {
            return Err(Error::Chain(format!("{} is already an admin of {}", self.admin, ctx.wallet())));
        }
        if pending.contains(&self.admin) {
            return Err(Error::Chain(format!("{} is already a pending admin of {}", self.admin, ctx.wallet())));
        }
        let mut planned = Planned::call(ProposedCall::new(
            book.permission_controller,
            Call { account: ctx.wallet(), admin: self.admin }.abi_encode(),
        ));
        if self.admin != ctx.wallet() {
            planned = planned.notice(
                "note: once an admin is accepted the wallet loses implicit admin of itself; add the wallet itself as admin \
                 first",
            );
        }
        Ok(planned)
    }
}

/// The registry entry for `PermissionController.addPendingAdmin`.
pub const SPEC: Spec = Spec {
    abi: "PermissionController",
    selector: Call::SELECTOR,
    summary: |data, d: &Decoder| {
        let c = Call::abi_decode(data).ok()?;
        Some(format!("propose {} as an admin of {}", d.address(c.admin), d.address(c.account)))
    },
    touches: no_sets,
};

/// The PermissionController's errors for a caller that may not manage the account's admins, in words.
pub const ERRORS: &[ErrorText] = &[
    ErrorText {
        selector: NotAdmin::SELECTOR,
        name: "NotAdmin",
        words: "the caller is not an admin of the account (PermissionController)",
    },
    ErrorText {
        selector: InvalidCaller::SELECTOR,
        name: "InvalidCaller",
        words: "the caller is not allowed to do this for the operator (PermissionController)",
    },
];
