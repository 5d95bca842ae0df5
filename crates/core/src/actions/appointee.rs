//! `PermissionController.setAppointee` / `removeAppointee`: lets an address call one function of one EigenLayer
//! contract on the wallet's behalf, or stops it.

use alloy::{
    primitives::{Address, FixedBytes},
    providers::Provider,
    sol_types::SolCall,
};
use opwallet_bindings::eigenlayer::IPermissionController as PC;

use super::{Action, Ctx, Planned, Spec, no_sets};
use crate::{Error, decode::Decoder, proposal::ProposedCall};

/// Appoints (or, with `remove`, un-appoints) `appointee` for `selector` on `target`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Appointee {
    /// The address allowed (or no longer allowed) to call on the wallet's behalf.
    pub appointee: Address,
    /// The EigenLayer contract it may call.
    pub target: Address,
    /// The 4-byte selector of the one function it may call there.
    pub selector: FixedBytes<4>,
    /// `removeAppointee` instead of `setAppointee`.
    pub remove: bool,
}

impl Action for Appointee {
    async fn plan<P: Provider>(self, ctx: &Ctx<'_, P>) -> Result<Planned, Error> {
        let book = ctx.book()?;
        let (account, appointee, target, selector) = (ctx.wallet(), self.appointee, self.target, self.selector);
        let data = if self.remove {
            PC::removeAppointeeCall { account, appointee, target, selector }.abi_encode()
        } else {
            PC::setAppointeeCall { account, appointee, target, selector }.abi_encode()
        };
        Ok(Planned::call(ProposedCall::new(book.permission_controller, data)))
    }
}

/// The registry entry for `PermissionController.setAppointee`.
pub const SET_SPEC: Spec = Spec {
    abi: "PermissionController",
    selector: PC::setAppointeeCall::SELECTOR,
    summary: |data, d: &Decoder| {
        let c = PC::setAppointeeCall::abi_decode(data).ok()?;
        Some(format!(
            "let {} call {} on {} for {}",
            d.address(c.appointee),
            d.function_name(c.target, c.selector),
            d.address(c.target),
            d.address(c.account)
        ))
    },
    touches: no_sets,
};

/// The registry entry for `PermissionController.removeAppointee`.
pub const REMOVE_SPEC: Spec = Spec {
    abi: "PermissionController",
    selector: PC::removeAppointeeCall::SELECTOR,
    summary: |data, d: &Decoder| {
        let c = PC::removeAppointeeCall::abi_decode(data).ok()?;
        Some(format!(
            "stop {} calling {} on {} for {}",
            d.address(c.appointee),
            d.function_name(c.target, c.selector),
            d.address(c.target),
            d.address(c.account)
        ))
    },
    touches: no_sets,
};
