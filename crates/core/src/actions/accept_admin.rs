//! `PermissionController.acceptAdmin`: the wallet accepts becoming an admin of an account (of itself, first).

use alloy::{
    primitives::Address,
    providers::Provider,
    sol_types::{SolCall, SolError},
};
use opwallet_bindings::eigenlayer::{IEigenLayerErrors::*, IPermissionController as PC};

use super::{Action, Ctx, ErrorText, Planned, Spec, no_sets};
use crate::{Error, decode::Decoder, proposal::ProposedCall};

type Call = PC::acceptAdminCall;

/// Accepts being an admin of `account` (default: the wallet itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AcceptAdmin {
    /// The account whose admin the wallet becomes; `None`: the wallet's own account.
    pub account: Option<Address>,
}

impl Action for AcceptAdmin {
    async fn plan<P: Provider>(self, ctx: &Ctx<'_, P>) -> Result<Planned, Error> {
        let book = ctx.book()?;
        let account = self.account.unwrap_or(ctx.wallet());
        let pending = PC::new(book.permission_controller, ctx.provider)
            .getPendingAdmins(account)
            .call()
            .await
            .map_err(Error::rpc)?;
        if !pending.contains(&ctx.wallet()) {
            return Err(Error::Chain(format!(
                "{} is not a pending admin of {account}: propose add-pending-admin first",
                ctx.wallet()
            )));
        }
        Ok(Planned::call(ProposedCall::new(book.permission_controller, Call { account }.abi_encode())))
    }
}

/// The registry entry for `PermissionController.acceptAdmin`.
pub const SPEC: Spec = Spec {
    abi: "PermissionController",
    selector: Call::SELECTOR,
    summary: |data, d: &Decoder| {
        Some(format!("accept becoming an admin of {}", d.address(Call::abi_decode(data).ok()?.account)))
    },
    touches: no_sets,
};

/// The error `acceptAdmin` reverts with when the wallet is not a pending admin, in words.
pub const ERRORS: &[ErrorText] = &[ErrorText {
    selector: AdminNotPending::SELECTOR,
    name: "AdminNotPending",
    words: "that admin is not pending for the account: propose add-pending-admin first",
}];
